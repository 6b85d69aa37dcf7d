"""Where an import's time goes: 300 of the scale benchmark's invented cases, imported into a new
demo vault or into a copy of a bigger one, timed, and optionally under cProfile.

    python benchmarks/import_profile.py                          # into a new demo vault
    python benchmarks/import_profile.py --profile tottime        # the same, with a profile
    python benchmarks/import_profile.py --into DIR/n10000/vault  # into a copy of a bench vault

It prints the rate and the CPU time a case took in this process (the writer: checks, crypto,
SQLite) and in the worker processes that read values into terms (their CPU counted once they
have ended), so it shows which side limits the import.

``--into`` takes a vault that ``casevault bench --keep DIR`` made (opened as its caseworker).
The figures in docs/performance.md's "What changed" table were measured this way. Everything it
writes is in a temporary folder, removed after.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import shutil
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--into", type=Path, help="a vault made by casevault bench --keep")
    parser.add_argument("--profile", choices=["tottime", "cumulative"], help="print a profile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casevault-import-profile-") as tmp:
        work = Path(tmp)
        os.environ["CASEVAULT_STATE_DIR"] = str(work / "state")  # never the person's own
        from vault.bench.run import _open, write_cases
        from vault.services.demo import create_demo
        from vault.services.importer import import_file

        root = work / "vault"
        if args.into is not None:
            shutil.copytree(args.into, root)
        else:
            create_demo(root, count=8, publication=False)
        source = work / "cases.jsonl"
        write_cases(source, args.cases, first=5_000_000)  # ids no bench vault holds
        with _open(root) as v:
            profiler = cProfile.Profile() if args.profile else None
            mine = resource.getrusage(resource.RUSAGE_SELF)
            theirs = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            import_file(v, source)
            if profiler is not None:
                profiler.disable()
            took = time.perf_counter() - start
            writer = _cpu(mine, resource.getrusage(resource.RUSAGE_SELF))
            workers = _cpu(theirs, resource.getrusage(resource.RUSAGE_CHILDREN))
        from vault.bench.usage import usage

        peak = usage()["peak_rss_mb"]
        rate = args.cases / took
        print(f"{args.cases} cases in {took:.2f} s: {rate:.1f} cases/s; peak {peak:.0f} MiB")
        print(
            f"CPU a case: writer {1000 * writer / args.cases:.2f} ms, "
            f"workers {1000 * workers / args.cases:.2f} ms"
        )
        if profiler is not None:
            pstats.Stats(profiler).sort_stats(args.profile).print_stats(25)


def _cpu(before: resource.struct_rusage, after: resource.struct_rusage) -> float:
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


if __name__ == "__main__":
    main()
