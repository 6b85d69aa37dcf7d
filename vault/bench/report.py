"""The scale benchmark's results as a Markdown table per N, and a plot of cost per case against N.
Pure formatting, apart from :func:`plot` and :func:`write`, which write the files they name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _ms(x: float) -> str:
    return f"{x:,.1f} ms" if x >= 10 else f"{x:,.2f} ms"


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f} cases/s" if seconds > 0 else "—"


def _published(publish: dict[str, Any] | None) -> str:
    if publish is None:
        return "not measured"
    if "refused" in publish:
        return f"refused by its leak check: {publish['refused']}".replace("|", "/")
    return f"{publish['vault_s']:,.1f} s, after its leak check again ({publish['check_s']:,.1f} s)"


def _public_check(check: dict[str, Any] | None) -> str:
    if check is None:  # a run made before it was measured
        return "not measured"
    vault = check["vault"]
    return (
        f"{_ms(vault['p50_ms'])} / {_ms(vault['p99_ms'])}; "
        f"{check['candidate_terms_mean']:,.0f} candidate terms a text"
    )


def _own_summaries(imported: dict[str, Any] | None) -> str:
    if imported is None:  # a run made before it was measured
        return "not measured"
    n, seconds = imported["count"], imported["seconds"]
    return f"{_rate(n, seconds)} ({n:,} cases in {seconds:,.1f} s)"


def table(run: dict[str, Any]) -> str:
    """One N's figures: casevault, plain SQLCipher and the floor, side by side."""
    n = run["n"]
    imp = run["import"]
    vi, pi, fl = imp["vault"], imp["plain"], imp["floor"]
    floor_case = fl["crypto_s_per_case"] + fl["write_s_per_case"]
    lf, lw, show = run["lookup_full"], run["lookup_word"], run["show"]
    sp, av, un, disk = run["show_process"], run["audit_verify"], run["unlock"], run["disk_per_case"]
    rows = [
        (
            "import",
            f"{_rate(n, vi['seconds'])} ({vi['seconds']:,.1f} s; "
            f"{n / (vi['cpu_s'] - vi.get('cpu_open_s', 0)):,.0f} cases per CPU-second, unlock "
            "left out)",
            f"{_rate(n, pi['seconds'])} ({pi['seconds']:,.1f} s)",
            f"{1 / floor_case:,.0f} cases/s (crypto {fl['crypto_s_per_case'] * 1e6:,.0f} µs "
            f"+ writing {fl['write_s_per_case'] * 1e6:,.0f} µs a case); "
            f"casevault at {floor_case * n / vi['seconds']:.0%} of it",
        ),
        (
            "name lookup, full name (p50 / p99)",
            f"{_ms(lf['vault']['p50_ms'])} / {_ms(lf['vault']['p99_ms'])}; "
            f"{lf['vault']['results_mean']:.1f} results on average",
            f"{_ms(lf['plain']['p50_ms'])} / {_ms(lf['plain']['p99_ms'])}",
            "—",
        ),
        (
            "name lookup, a common given name (p50 / p99)",
            f"{_ms(lw['vault']['p50_ms'])} / {_ms(lw['vault']['p99_ms'])}; "
            f"{lw['vault']['results_mean']:.1f} results on average",
            f"{_ms(lw['plain']['p50_ms'])} / {_ms(lw['plain']['p99_ms'])}",
            "—",
        ),
        (
            "`case show` in process, with its audit entry (p50 / p99)",
            f"{_ms(show['vault']['p50_ms'])} / {_ms(show['vault']['p99_ms'])}",
            f"{_ms(show['plain']['p50_ms'])} / {_ms(show['plain']['p99_ms'])}",
            f"{_ms(show['floor_ms'])} of crypto",
        ),
        (
            "`case show` as a whole process",
            _ms(sp["vault_ms"]),
            _ms(sp["plain_ms"]),
            f"Argon2id {_ms(sp['argon2id_ms'])}",
        ),
        ("draft of one case (p50)", _ms(run["draft"]["vault"]["p50_ms"]), "—", "—"),
        (
            "a public text of its own checked against the leak index, as an import checks each "
            "case's (40 words; p50 / p99)",
            _public_check(run.get("public_text_check")),
            "—",
            "—",
        ),
        (
            "import of more cases into it, each with a public summary of its own (40 words)",
            _own_summaries(run.get("import_own_summaries")),
            "—",
            "—",
        ),
        (
            "publish the demo's Urgent Action (8 cases; 3 languages × 4 formats)",
            _published(run.get("publish")),
            "—",
            "—",
        ),
        (
            f"`audit verify`, {av['entries']:,} entries",
            f"{av['vault_s']:,.1f} s",
            "—",
            f"{av['floor_s']:,.1f} s (one Ed25519 verification and one SHA-256 an entry)",
        ),
        ("unlock", _ms(un["vault_ms"]), "—", f"Argon2id {_ms(un['argon2id_ms'])}"),
        (
            "bytes on disk per case",
            f"{disk['vault']:,.0f}",
            f"{disk['plain']:,.0f}",
            f"casevault {disk['vault'] / max(disk['plain'], 1):.1f}× plain",
        ),
        (
            "free disk the import needs, over what it adds",
            f"{disk['peak_over_final']:.2f}×",
            "—",
            "—",
        ),
        (
            "peak RSS of the import",
            f"{vi['peak_rss_mb']:,.0f} MiB ({vi.get('rss_open_mb', 0):,.0f} MiB once unlocked)"
            + _workers(vi),
            f"{pi['peak_rss_mb']:,.0f} MiB",
            "—",
        ),
    ]
    lines = [
        f"| at {n:,} cases | casevault | plain SQLCipher | floor |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


def _workers(run: dict[str, Any]) -> str:
    worker = run.get("worker_peak_rss_mb", 0)
    return (
        f"; each worker that read cases up to {worker:,.0f} MiB, shared pages included"
        if worker
        else ""
    )


def series(results: dict[str, Any]) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """Per operation, per contender, (N, microseconds per case or per call)."""
    out: dict[str, dict[str, list[tuple[int, float]]]] = {}

    def add(op: str, who: str, n: int, us: float) -> None:
        out.setdefault(op, {}).setdefault(who, []).append((n, us))

    for run in results["runs"]:
        n, imp = run["n"], run["import"]
        add("import, µs per case", "casevault", n, imp["vault"]["seconds"] / n * 1e6)
        add("import, µs per case", "plain SQLCipher", n, imp["plain"]["seconds"] / n * 1e6)
        fl = imp["floor"]
        add(
            "import, µs per case",
            "floor",
            n,
            (fl["crypto_s_per_case"] + fl["write_s_per_case"]) * 1e6,
        )
        own = run.get("import_own_summaries")  # not in runs made before it was measured
        if own is not None:
            add("import, µs per case", OWN, n, own["seconds"] / own["count"] * 1e6)
        for op, key in (("full-name lookup p50, µs", "lookup_full"), ("show p50, µs", "show")):
            add(op, "casevault", n, run[key]["vault"]["p50_ms"] * 1e3)
            add(op, "plain SQLCipher", n, run[key]["plain"]["p50_ms"] * 1e3)
        add("show p50, µs", "floor", n, run["show"]["floor_ms"] * 1e3)
        av = run["audit_verify"]
        add("audit verify, µs per entry", "casevault", n, av["vault_s"] / av["entries"] * 1e6)
        add("audit verify, µs per entry", "floor", n, av["floor_s"] / av["entries"] * 1e6)
    return out


#: The import of cases each with a public summary of its own, as a contender in the plot.
OWN = "casevault, a summary of its own a case"
#: One colour per contender in every panel.
_COLOURS = {"casevault": "C0", "plain SQLCipher": "C1", "floor": "C2", OWN: "C3"}


def plot(results: dict[str, Any], path: Path) -> None:
    """Cost per case against N, one panel per operation (needs matplotlib: the ``bench`` extra)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = series(results)
    fig, axes = plt.subplots(1, len(data), figsize=(4.2 * len(data), 3.6), squeeze=False)
    for ax, (op, lines) in zip(axes[0], data.items(), strict=True):
        for who, points in lines.items():
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, marker="o", label=who, color=_COLOURS.get(who))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("cases in the vault (N)")
        ax.set_title(op, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results: dict[str, Any], out: Path) -> list[Path]:
    """Write ``results.json``, ``tables.md`` and, when matplotlib is installed,
    ``cost-per-case.png`` into folder ``out``; returns the paths written. A run that failed
    part-way (``"failed"``: what it measured before) is in the JSON only."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "results.json", out / "tables.md"]
    written[0].write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    whole = {**results, "runs": [r for r in results["runs"] if "failed" not in r]}  # JSON only
    written[1].write_text("\n\n".join(table(r) for r in whole["runs"]) + "\n", "utf-8")
    if not whole["runs"]:
        return written
    try:
        plot(whole, out / "cost-per-case.png")
    except ImportError:
        return written
    return [*written, out / "cost-per-case.png"]
