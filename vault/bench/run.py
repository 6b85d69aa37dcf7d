"""The scale benchmark (issue 23): at each N, casevault beside plain SQLCipher doing the same job on
the same invented cases, and beside its own floor, all measured in one run on one machine.

For each N it writes N invented cases (:mod:`vault.bench.cases`), makes a vault with the demo's
people (no cases of its own beyond the eight the demo action needs), and measures:

- **unlock**: opening the vault as the caseworker, beside one Argon2id derivation;
- **import**: the whole file in a child process (its peak RSS and CPU time are its own), while
  the parent samples the vault folder's size (the free disk the import needs); beside plain
  SQLCipher importing the same file in a child process, and beside the floor (the primitive calls
  an import makes, counted on a sample, at their unit cost; plus the same rows written in the
  best order);
- **lookup**: a full name in each script, and a common given name alone, through
  :func:`~vault.services.cases.find_cases` (what ``case find`` runs after unlocking);
- **show**: :func:`~vault.services.cases.show_case`, its audit entry included, in process; and
  ``casevault case show`` as a whole process, as a person types it;
- **draft**: a case's English draft;
- **publish**: the demo's Urgent Action (8 cases, every language and format): its leak check
  run again after the import, then the publication as its publisher;
- **audit verify**: the whole log, beside one Ed25519 verification and one SHA-256 per entry;
- **disk**: bytes per case on disk, casevault and plain.

Every time is wall-clock on this machine; nothing here asserts a time.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import platform
import random
import shutil
import statistics
import subprocess  # nosec B404 - starts `casevault` and plain SQLCipher as a person would
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from vault.bench import floor
from vault.bench.cases import SCRIPTS, SUMMARY_WORDS, bench_case, case_id, public_summary
from vault.bench.plain import PlainDb
from vault.bench.usage import usage
from vault.crypto import KdfParams, Passphrase, _primitives
from vault.errors import VaultError
from vault.redact.entities import find_known_in, text_candidates
from vault.services import audit, cases, drafts, publisher
from vault.services.clock import today
from vault.services.demo import DEMO_PEOPLE, create_demo
from vault.services.demo_data import demo_action
from vault.services.importer import import_file
from vault.services.leaks import VaultKnownValues
from vault.services.publication import gather
from vault.services.publication_gate import LeakFoundError, check_edition
from vault.services.session import Vault
from vault.store.connection import is_disk_full

Progress = Callable[[str], None]


class BenchError(VaultError):
    """The benchmark cannot run, or a step of it failed (what it measured before is kept)."""


#: The caseworker of the demo's people: imports, finds, shows and drafts.
CASEWORKER = next(p for p in DEMO_PEOPLE if p[1] == "caseworker")
#: How many cases the primitive calls of an import are counted over.
COUNT_SAMPLE = 200
#: Cases imported into each N's vault with a public summary each of its own (the main import's
#: cases share one, so its writer asks the leak index about that summary's terms once)
OWN_SUMMARIES = 1000


def _passphrase(_name: str) -> Passphrase:
    return Passphrase.from_text(CASEWORKER[2])


def _open(root: Path) -> Vault:
    return Vault.open(root, CASEWORKER[0], _passphrase)


def write_cases(path: Path, n: int, first: int = 0, *, own_summaries: bool = False) -> int:
    """Write invented cases ``first`` .. ``first + n - 1`` as JSON Lines; returns the bytes.
    ``own_summaries``: each with a public summary of its own (:func:`public_summary`)."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(first, first + n):
            case = bench_case(i)[0]
            if own_summaries:
                case["public_summary"] = public_summary(i)
            fh.write(json.dumps(case, ensure_ascii=False) + "\n")
    return path.stat().st_size


def _folder_bytes(root: Path) -> int:
    total = 0
    for p in root.rglob("*"):
        with contextlib.suppress(OSError):  # a WAL file removed between listing and stat
            total += p.stat().st_size if p.is_file() else 0
    return total


class _DiskWatch:
    """Samples a folder's size every ``every`` seconds until stopped; keeps the peak."""

    def __init__(self, root: Path, every: float = 0.2) -> None:
        self.root, self.every, self.peak = root, every, _folder_bytes(root)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, _folder_bytes(self.root))

    def __enter__(self) -> _DiskWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _folder_bytes(self.root))


def import_vault(root: str, source: str) -> dict[str, Any]:
    """A child process's whole job: unlock the vault as the caseworker and import ``source``."""
    start = time.perf_counter()
    with _open(Path(root)) as v:
        opened = time.perf_counter()
        at_open = usage()  # the vault's code and one unlock, before any case
        count = import_file(v, Path(source)).count
    done = time.perf_counter()
    return {
        "count": count,
        "seconds": done - opened,
        "unlock_s": opened - start,
        "rss_open_mb": at_open["peak_rss_mb"],
        "cpu_open_s": at_open["cpu_s"],
        **usage(),
    }


#: A child runs one function of one module, its arguments read as JSON from stdin and its
#: result written as JSON to stdout: a fresh interpreter that imports that module and nothing
#: of the parent (multiprocessing's spawn would load the parent's main module, the whole
#: command line, into the plain SQLCipher child; its memory is part of what is measured).
_CHILD = (
    "import json, sys, importlib; m, f, a = json.load(sys.stdin); "
    "json.dump(getattr(importlib.import_module(m), f)(*a), sys.stdout)"
)


def in_child(module: str, function: str, *args: Any) -> dict[str, Any]:
    """``module.function(*args)`` in a fresh interpreter (:data:`_CHILD`), its JSON result.
    BenchError, with the child's last line, when it fails."""
    done = subprocess.run(  # noqa: S603  # nosec B603 - this interpreter, fixed code
        [sys.executable, "-c", _CHILD],
        input=json.dumps([module, function, list(args)]),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]  # invented cases only
        raise BenchError(f"benchmark child exited {done.returncode}: {last}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "p50_ms": statistics.median(ordered) * 1e3,
        "p99_ms": p99 * 1e3,
        "mean_ms": statistics.fmean(ordered) * 1e3,
        "runs": len(ordered),
    }


def _public_text_checks(v: Vault, picks: list[int]) -> dict[str, Any]:
    """The writer's vault-wide check of a public text of its own, as an import makes it for
    each case (one check for the whole import; the text's candidates made beforehand, as the
    workers make them): lookups only, each text different (:func:`public_summary`)."""
    known = VaultKnownValues(v, above_lowest=True)
    texts = [public_summary(i) for i in picks]
    made = [text_candidates(t) for t in texts]
    times, terms = [], []
    with v.store.read():
        for text, cands in zip(texts, made, strict=True):
            times.append(_timed(partial(find_known_in, text, cands, known))[0])
            terms.append(len({c.term for c in cands}))
    return {
        "vault": _stats(times),
        "words": SUMMARY_WORDS,
        "candidate_terms_mean": statistics.fmean(terms),
    }


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _whole_process(args: list[str], env: dict[str, str], runs: int) -> float:
    """Median seconds of a whole process, started as a person would (its output discarded),
    after one run untimed: the one that compiles the code's bytecode, as installing a package
    does once (``_bytecode_env``)."""
    subprocess.run(args, env=env, check=True, capture_output=True)  # noqa: S603  # nosec B603
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, env=env, check=True, capture_output=True)  # noqa: S603  # nosec B603
        times.append(time.perf_counter() - start)
    return statistics.median(times)


#: The Urgent Action the demo makes ready to publish.
DEMO_ACTION = demo_action([])["action_id"]


def _publish(root: Path, target: Path) -> dict[str, Any]:
    """Publishing the demo's Urgent Action (its 8 cases, every language and format): first
    its leak check, which the caseworker runs again because the import recorded new values
    (every rendering scanned against the whole leak index), then the publication itself into
    a new folder, as its publisher (the gate, the redacted renderings, the signed manifest)."""
    with _open(root) as v:
        try:
            check_s, _ = _timed(lambda: check_edition(v, gather(v, DEMO_ACTION, None, today())))
        except LeakFoundError as e:
            # a finding is a figure too (a term of the cases that ordinary text holds): kept
            # with the rest, not lost with them; the message names cases and kinds, no value
            return {"refused": str(e)}
    who = next(p for p in DEMO_PEOPLE if p[1] == "publisher")
    with Vault.open(root, who[0], lambda _n: Passphrase.from_text(who[2])) as v:
        took, done = _timed(partial(publisher.publish, v, DEMO_ACTION, None, None, target, today()))
    return {"check_s": check_s, "vault_s": took, "files": len(done.files)}


def _bytecode_env(cache: Path) -> dict[str, str]:
    """This environment, with Python writing and reading its compiled bytecode in ``cache``
    (a folder of the benchmark's own): a process timed as a person starts it runs from
    bytecode, as an installed package does, even where ``PYTHONDONTWRITEBYTECODE`` is set
    (this project's machines set it; every process then compiled ~190 ms of source)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


_PLAIN_SHOW = (
    "import sys; from pathlib import Path; from vault.bench.plain import PlainDb; "
    "PlainDb(Path(sys.argv[1]), bytes.fromhex(sys.stdin.read())).show(sys.argv[2])"
)


def _argon2id_seconds() -> float:
    p = KdfParams()
    start = time.perf_counter()
    _primitives.argon2id(
        b"x" * 20, b"s" * 16, time_cost=p.time_cost, memory_kib=p.memory_kib,
        parallelism=p.parallelism,
    )  # fmt: skip
    return time.perf_counter() - start


def measure(
    n: int,
    work: Path,
    *,
    sample: int = 200,
    progress: Progress,
    out: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every figure at one N, in folder ``work`` (made empty first), put into ``out`` as each is
    measured (what a step that fails leaves there was measured before it)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    rng = random.Random(n)  # noqa: S311  # nosec B311 - which cases to look up
    out = {} if out is None else out
    out["n"] = n
    source = work / "cases.jsonl"
    progress(f"N={n:,}: writing {n:,} invented cases")
    out["file_bytes"] = write_cases(source, n)

    progress(f"N={n:,}: making a vault with the demo's people")
    root = work / "vault"
    create_demo(root, count=8)  # its Urgent Action ready to publish, as the demo's is
    unlocks = []
    for _ in range(3):
        took, v = _timed(lambda: _open(root))
        v.close()
        unlocks.append(took)
    argon = min(_argon2id_seconds() for _ in range(3))
    out["unlock"] = {"vault_ms": statistics.median(unlocks) * 1e3, "argon2id_ms": argon * 1e3}

    progress(f"N={n:,}: importing into casevault (child process)")
    before = _folder_bytes(root)
    with _DiskWatch(root) as watch:
        vault_import = in_child("vault.bench.run", "import_vault", str(root), str(source))
    after = _folder_bytes(root)
    vault_import["disk_before"], vault_import["disk_after"] = before, after
    vault_import["disk_peak"] = watch.peak
    out["import"] = {"vault": vault_import}  # kept if a later step fails
    progress(f"N={n:,}: importing into plain SQLCipher (child process)")
    plain_path = work / "plain.db"
    plain_key = os.urandom(32)
    plain_import = in_child(
        "vault.bench.plain", "import_in_child", str(plain_path), plain_key.hex(), str(source)
    )
    plain_import["disk_after"] = sum(p.stat().st_size for p in work.glob("plain.db*"))
    out["import"]["plain"] = plain_import

    progress(f"N={n:,}: the import's floor")
    costs = floor.unit_costs()
    with _open(root) as v, v.store.read():
        tables = v.store.table_sizes()
    write_s = floor.write_floor(work / "floor.db", tables)
    out["import"]["floor"] = {"write_s_per_case": write_s / n}
    out["import"]["tables"] = {t: {"rows": r, "bytes": b} for t, (r, b) in sorted(tables.items())}
    out["unit_costs_us"] = {k: c * 1e6 for k, c in costs.items()}

    picks = [rng.randrange(n) for _ in range(sample)]
    people = {i: bench_case(i)[1] for i in picks}
    plain = PlainDb(plain_path, plain_key)
    progress(f"N={n:,}: lookups, shows and drafts ({sample} of each)")
    with _open(root) as v:
        out["lookup_full"] = _lookups(
            v, plain, [people[i].full(SCRIPTS[k % 4]) for k, i in enumerate(picks)]
        )
        words = [people[i].given.latin for i in picks[: max(sample // 10, 5)]]
        out["lookup_word"] = _lookups(v, plain, words)
        show_times, plain_times = [], []
        for i in picks:
            show_times.append(_timed(partial(cases.show_case, v, case_id(i)))[0])
            plain_times.append(_timed(partial(plain.show, case_id(i)))[0])
        counted = picks[:20]
        with floor.counting() as show_calls:
            for i in counted:
                cases.show_case(v, case_id(i))
        out["show"] = {
            "vault": _stats(show_times),
            "plain": _stats(plain_times),
            "floor_ms": floor.crypto_floor(show_calls, len(counted), costs) * 1e3,
        }
        draft_times = [
            _timed(partial(drafts.create_draft, v, case_id(i), "en"))[0] for i in picks[:20]
        ]
        out["draft"] = {"vault": _stats(draft_times)}
        out["public_text_check"] = _public_text_checks(v, picks[:20])
        more = min(OWN_SUMMARIES, n)
        progress(f"N={n:,}: importing {more:,} more cases, each with a summary of its own")
        own = work / "own-summaries.jsonl"
        write_cases(own, more, first=9_000_000, own_summaries=True)
        seconds, _ = _timed(partial(import_file, v, own))
        out["import_own_summaries"] = {"count": more, "seconds": seconds}
        progress(f"N={n:,}: audit verify")
        entries = v.audit.size()
        verify_s, _ = _timed(lambda: audit.verify(v))
        out["audit_verify"] = {
            "entries": entries,
            "vault_s": verify_s,
            "floor_s": entries * (costs["verify"] + costs["sha256"]),
        }
        # last, as it adds cases: the primitive calls an import makes, counted on a sample
        extra = work / "extra.jsonl"
        write_cases(extra, COUNT_SAMPLE, first=10_000_000 - COUNT_SAMPLE)
        with floor.counting() as import_calls:
            import_file(v, extra)
        out["import"]["floor"]["crypto_s_per_case"] = floor.crypto_floor(
            import_calls, COUNT_SAMPLE, costs
        )
        out["import"]["floor"]["calls_per_case"] = {
            k: c / COUNT_SAMPLE for k, c in sorted(import_calls.items())
        }
    plain.close()

    progress(f"N={n:,}: publishing the demo's Urgent Action")
    out["publish"] = _publish(root, work / "published")

    progress(f"N={n:,}: `case show` as a whole process")
    env = {
        **_bytecode_env(root.parent / "pycache"),
        "CASEVAULT_PASSPHRASE": CASEWORKER[2],
        "CASEVAULT_PATH": str(root),
        "CASEVAULT_USER": CASEWORKER[0],
    }
    cli = [sys.executable, "-c", "from vault.cli import main; main()"]
    shown = case_id(picks[0])
    vault_proc = _whole_process([*cli, "case", "show", shown], env, 3)
    plain_times = []
    for run in range(4):  # the first untimed, as for casevault's
        start = time.perf_counter()
        subprocess.run(  # noqa: S603  # nosec B603
            [sys.executable, "-c", _PLAIN_SHOW, str(plain_path), shown],
            input=plain_key.hex(),
            text=True,
            check=True,
            capture_output=True,
            env=_bytecode_env(root.parent / "pycache"),
        )
        if run:
            plain_times.append(time.perf_counter() - start)
    out["show_process"] = {
        "vault_ms": vault_proc * 1e3,
        "plain_ms": statistics.median(plain_times) * 1e3,
        "argon2id_ms": argon * 1e3,
    }
    out["disk_per_case"] = {
        "vault": (vault_import["disk_after"] - vault_import["disk_before"]) / n,
        "plain": plain_import["disk_after"] / n,
        "peak_over_final": (vault_import["disk_peak"] - before) / max(after - before, 1),
    }
    return out


def _lookups(v: Vault, plain: PlainDb, queries: list[str]) -> dict[str, Any]:
    times, plain_times, found, plain_found = [], [], [], []
    for q in queries:
        took, hits = _timed(partial(cases.find_cases, v, q))  # its first page
        times.append(took)
        found.append(hits.total)
        took, (total, _) = _timed(partial(plain.find, q, cases.FIND_PAGE))
        plain_times.append(took)
        plain_found.append(total)
    return {
        "vault": {**_stats(times), "results_mean": statistics.fmean(found)},
        "plain": {**_stats(plain_times), "results_mean": statistics.fmean(plain_found)},
    }


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def _why(e: Exception) -> str:
    """One line on why a step failed: the benchmark's databases are its own (plain SQLCipher's,
    the floor's), not the vault's, so their errors come here raw."""
    if isinstance(e, VaultError):
        return str(e) or type(e).__name__
    if (isinstance(e, OSError) and e.errno == errno.ENOSPC) or is_disk_full(e):
        return "the disk is full (see 'casevault bench --help' for the free disk each N needs)"
    return type(e).__name__


#: Free disk a run at N needs, a case: the vault (about 18 KB a case), plain SQLCipher's
#: database (5 KB), the case file (1.2 KB) and the floor's largest table (5 KB): 28.5 KB, and
#: room for the rest (the cases of their own, the publication, SQLite's temporary files). The
#: floor's largest table took 11 KB a case until session 16 (its leak runs in a WITHOUT ROWID
#: table, a page and more a row), and session 16's million-case run used 34.3 KB a case at
#: its peak (the free disk sampled each minute).
DISK_A_CASE = 35_000


def _check_disk(cases: int, what: str, folder: Path) -> None:
    """Refuse ``what`` (a run, an N of it) before it starts when ``folder``'s disk has too
    little free for ``cases`` (:data:`DISK_A_CASE`): a run that fills the disk fails an hour
    in."""
    folder.mkdir(parents=True, exist_ok=True)
    free, needed = shutil.disk_usage(folder).free, cases * DISK_A_CASE
    if free < needed:
        raise BenchError(
            f"{what} needs about {needed / 1e9:,.1f} GB of free disk in {folder}, and "
            f"{free / 1e9:,.1f} GB are free: free some, or give --keep a folder on a larger disk"
        )


def step_seconds(steps: list[tuple[str, float]], end: float) -> dict[str, float]:
    """How long each step of one N took, by its progress line (without its "N=...: "), from
    ``(line, when it began)`` in order and when the last ended: where a run's time goes."""
    ends = [when for _, when in steps[1:]] + [end] if steps else []
    return {_step(line): stop - start for (line, start), stop in zip(steps, ends, strict=True)}


def _step(line: str) -> str:
    """A progress line without its "N=...: ": the step's name."""
    return line.split(": ", 1)[-1]


def run(
    ns: list[int],
    work: Path | None,
    progress: Progress,
    sample: int = 200,
    after_each: Callable[[dict[str, Any]], object] | None = None,
) -> dict[str, Any]:
    """Measure at each N in turn; ``work`` is kept when given (a temporary folder otherwise).
    ``after_each`` is given the results so far after each N (a long run written as it goes)."""
    results: dict[str, Any] = {"machine": machine(), "runs": []}
    holder = None if work is not None else tempfile.TemporaryDirectory(prefix="casevault-bench-")
    base = work if work is not None else Path(holder.name)  # type: ignore[union-attr]
    # what the benchmark's vaults leave behind (their checkpoints) stays in the work folder,
    # not in the person's own state folder
    state_before = os.environ.get("CASEVAULT_STATE_DIR")
    os.environ["CASEVAULT_STATE_DIR"] = str(base / "state")
    try:
        # up front, for the whole run: each N's folder is removed after it, unless kept
        sizes = " and ".join(f"{n:,}" for n in ns)
        if work is not None:  # every N's folder kept: room for them all
            _check_disk(sum(ns), f"a run at N={sizes}, its folders kept,", base)
        else:
            _check_disk(max(ns), f"a run at N={sizes}", base)
        for n in ns:
            steps: list[tuple[str, float]] = []

            def noted(line: str, steps: list[tuple[str, float]] = steps) -> None:
                steps.append((line, time.perf_counter()))
                progress(line)

            _check_disk(n, f"N={n:,}", base)  # what is free now, after the Ns before
            figures: dict[str, Any] = {"n": n}
            results["runs"].append(figures)
            try:
                measure(n, base / f"n{n}", sample=sample, progress=noted, out=figures)
            except BaseException as e:  # Ctrl-C an hour in keeps what was measured too
                # an hour's figures are not lost to its last step: kept, and the step named
                step = _step(steps[-1][0]) if steps else "its start"
                figures["failed"] = {"step": step, "error": type(e).__name__}
                figures["steps_s"] = step_seconds(steps, time.perf_counter())
                if work is None:  # room for the figures, when the disk is what failed
                    shutil.rmtree(base / f"n{n}", ignore_errors=True)
                kept = "what it measured before that step is written"
                try:
                    if after_each is not None:
                        after_each(results)
                except OSError:
                    kept = "what it measured could not be written either"
                if not isinstance(e, Exception):
                    raise  # Ctrl-C: ends the command as it always did, the figures written
                raise BenchError(f"N={n:,}: {step}: {_why(e)}; {kept}") from e
            figures["steps_s"] = step_seconds(steps, time.perf_counter())
            if after_each is not None:
                after_each(results)
            if work is None:
                shutil.rmtree(base / f"n{n}", ignore_errors=True)
    finally:
        if state_before is None:
            os.environ.pop("CASEVAULT_STATE_DIR", None)
        else:
            os.environ["CASEVAULT_STATE_DIR"] = state_before
        if holder is not None:
            holder.cleanup()
    return results
