"""An import killed at many instants: each time, the vault must open as it was before it.

    python benchmarks/crash_loop.py --cases 100000 --kills 8
    python benchmarks/crash_loop.py --cases 1000000 --kills 4 --keep DIR   # issue 23's scale

It makes a demo vault, writes ``--cases`` of the scale benchmark's invented cases, and first
imports them whole into a copy (a separate process, timed: T, and the vault it ends with;
the free disk it needed: the vault folder's largest size, sampled, over what it added).
Then, ``--kills`` times, it copies the vault as it was before, starts the same import in a new
process and kills it with SIGKILL at an instant spread over T: evenly over the import, then
the last ones over its final tenth (the leak terms merged into the index, the commit). After
each kill it opens the vault and checks: the same number of cases as before, none of the
file's, SQLite's and SQLCipher's checks of every page sound, no journal left, WAL mode again,
the file cut back to its old length, and no worker of the import left running; or, killed
after its commit (while the process closed the vault), every case of the file. An import that
ended before its kill must have added every case. One line per kill; exits non-zero if any
check failed.

Not a test (a 1M-case loop takes hours); tests/test_import_journal.py kills a 3,000-case import
once its pages are in the file. Everything is made in a temporary folder, removed after,
unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_IMPORT = """
import sys
from pathlib import Path
from vault.bench.run import _open
from vault.services.importer import import_file
with _open(Path(sys.argv[1])) as v:
    import_file(v, Path(sys.argv[2]))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--keep", type=Path, help="a folder to keep the vaults in")
    args = parser.parse_args()
    tmp = None if args.keep else tempfile.mkdtemp(prefix="casevault-crash-loop-")
    work = args.keep or Path(str(tmp))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["CASEVAULT_STATE_DIR"] = str(work / "state")  # never the person's own
    try:
        return _loop(work, args.cases, args.kills)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _loop(work: Path, n: int, kills: int) -> int:
    from vault.bench.run import _DiskWatch, _folder_bytes, write_cases
    from vault.services.demo import create_demo

    before = work / "before"
    if not before.exists():
        create_demo(before, count=8, publication=False)
    source = work / "cases.jsonl"
    if not source.exists():
        write_cases(source, n, first=6_000_000)
    start_count, start_size = _state(before)
    whole = work / "whole"
    _fresh_copy(before, whole)
    at_start = _folder_bytes(whole)
    with _DiskWatch(whole) as watch:  # the vault folder's size, every 0.2 s
        took, _ = _run_import(whole, source, None)
    whole_count, _ = _state(whole)
    added = _folder_bytes(whole) - at_start
    print(
        f"{n:,} cases imported whole in {took:.1f} s ({n / took:.0f} cases/s): "
        f"{start_count:,} -> {whole_count:,} cases; the folder grew by {added:,} bytes and "
        f"at its largest by {watch.peak - at_start:,} ({(watch.peak - at_start) / added:.2f}x)"
    )
    failed = 0
    for k in range(kills):
        # evenly over the import, then the last ones over its final tenth (the leak terms
        # merged into the index, the commit; a killed run may be a little faster than T)
        tail = min(2, kills)
        if k < kills - tail:
            at = (k + 0.5) / (kills - tail)
        else:
            at = 0.90 + 0.09 * (k - kills + tail + 1) / tail
        at *= took
        target = work / "killed"
        _fresh_copy(before, target)
        _, ended = _run_import(target, source, at)
        problems, outcome = _check(target, start_count, start_size, whole_count, ended)
        failed += bool(problems)
        what = "ended before the kill" if ended else f"killed: {outcome}"
        verdict = "ok" if not problems else "FAILED: " + "; ".join(problems)
        print(f"kill {k + 1}/{kills} at {at:7.1f} s ({at / took:6.1%}): {what}; {verdict}")
    return 1 if failed else 0


def _fresh_copy(src: Path, dst: Path) -> None:
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    shutil.rmtree(Path(os.environ["CASEVAULT_STATE_DIR"]), ignore_errors=True)  # same vault id


def _run_import(root: Path, source: Path, kill_at: float | None) -> tuple[float, bool]:
    """(seconds it ran, whether it ended by itself)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _IMPORT, str(root), str(source)])  # noqa: S603
    try:
        proc.wait(timeout=kill_at)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        took = time.perf_counter() - start
        _wait_for_workers(str(root))
        return took, False
    if proc.returncode != 0:
        raise SystemExit(f"the import failed by itself (exit {proc.returncode})")
    return time.perf_counter() - start, True


def _wait_for_workers(root: str) -> None:
    """Its workers (forks: the same command line) must die with it, not live on."""
    deadline = time.monotonic() + 30
    while _running_with(root):
        if time.monotonic() > deadline:
            raise SystemExit("a worker of the killed import is still running after 30 s")
        time.sleep(0.05)


def _running_with(arg: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
            state = (proc / "stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if arg.encode() in args and state != "Z":
            found.append(int(proc.name))
    return found


def _state(root: Path) -> tuple[int, int]:
    from vault.bench.run import _open
    from vault.services import layout

    with _open(root) as v:
        count = v.store.count_cases()
    return count, (root / layout.DB_NAME).stat().st_size


def _check(root: Path, count: int, size: int, whole: int, ended: bool) -> tuple[list[str], str]:
    """The problems found, and what the vault holds: the import "whole" or "as before"."""
    from vault.bench.run import _open
    from vault.services import layout

    problems: list[str] = []
    db = root / layout.DB_NAME
    with _open(root) as v:
        got = v.store.count_cases()
        # killed after its commit, before the process ended, it is whole: all or nothing
        ended = ended or got == whole
        if got != (whole if ended else count):
            problems.append(f"{got:,} cases, neither {count:,} nor {whole:,}")
        bad = v.store.integrity_check()
        if bad:
            problems.append(f"{len(bad)} problems in the page checks")
        mode = str(v.store._conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if mode != "wal":
            problems.append(f"journal mode {mode}")
    if (root / f"{db.name}-journal").exists():
        problems.append("a journal left beside the file")
    if not ended and db.stat().st_size != size:
        problems.append(f"the file is {db.stat().st_size:,} bytes, not {size:,}")
    return problems, "whole" if got == whole else "as before"


if __name__ == "__main__":
    sys.exit(main())
