"""`casevault bench`: the scale benchmark (docs/performance.md). Not a test: it measures."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

import click

from vault.cli.main import output_options, print_result
from vault.errors import UsageError


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise UsageError("--n takes case counts separated by commas, e.g. 10000,100000") from None
    if not sizes or min(sizes) < 100:
        raise UsageError("--n takes case counts of 100 or more, e.g. 10000,100000")
    return sizes


def _elapsed(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"


@click.command()
@click.option(
    "--n",
    "sizes",
    default="10000",
    show_default=True,
    help="Case counts to measure at, separated by commas (10000,100000,1000000).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("bench-results"),
    show_default=True,
    help="Folder for results.json, tables.md and cost-per-case.png.",
)
@click.option(
    "--keep",
    type=click.Path(path_type=Path, file_okay=False),
    help="Keep the vaults and databases made, in this folder (else a temporary one).",
)
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Lookups and shows timed per N.",
)
@output_options
@click.pass_context
def bench(ctx: click.Context, sizes: str, out: Path, keep: Path | None, sample: int) -> None:
    """Measure casevault at N invented cases beside plain SQLCipher and beside its floor.

    Import, name lookup, show, draft, audit verify, unlock, bytes on disk, peak RSS and the
    free disk an import needs, at each N in turn (a million cases take a long time). Each N
    needs about 35 KB of free disk a case in the work folder (--keep's, else a temporary
    one): 35 GB for a million; a run is refused before it starts without it."""
    from vault.bench import report
    from vault.bench.run import run

    ns = _sizes(sizes)
    began = time.monotonic()

    def say(line: str) -> None:
        click.echo(f"[{_elapsed(time.monotonic() - began)}] {line}", err=True)

    results = run(
        ns,
        keep,
        progress=say,
        sample=sample,
        after_each=partial(report.write, out=out),  # each N's figures kept as it ends
    )
    written = report.write(results, out)
    tables = "\n\n".join(report.table(r) for r in results["runs"])
    missing = "" if len(written) == 3 else " (no plot: install matplotlib, the 'bench' extra)"
    print_result(ctx, results, f"{tables}\n\nWritten: {', '.join(map(str, written))}{missing}")
