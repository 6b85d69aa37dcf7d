"""The bench's main import alone, at a small N, several times: for a before-and-after of a
change to the import without the whole `casevault bench`.

    python benchmarks/import_new_vault.py --cases 10000 --runs 2

Makes a vault with the demo's people as `casevault bench` does, writes ``--cases`` of the
bench's invented cases (sharing one summary, as its main import's do), and imports them
``--runs`` times, each time into a fresh copy of the vault with its own state folder, in a
fresh process (``vault.bench.run.import_vault``, as the bench runs it). Prints each run's rate,
CPU a case over every core (the workers' included, the unlock left out) and peak memory.
Session 15's import figures in docs/performance.md were measured this way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from vault.bench.run import in_child, write_cases
from vault.services.demo import create_demo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["CASEVAULT_STATE_DIR"] = str(work / "state")  # the made vault's own record
        create_demo(work / "made", count=8)
        source = work / "cases.jsonl"
        write_cases(source, args.cases)
        for run in range(1, args.runs + 1):
            copy = work / f"run{run}"
            shutil.copytree(work / "made", copy / "vault")
            os.environ["CASEVAULT_STATE_DIR"] = str(copy / "state")  # the child inherits it
            done = in_child("vault.bench.run", "import_vault", str(copy / "vault"), str(source))
            shutil.rmtree(copy)
            cpu = done["cpu_s"] - done["cpu_open_s"]  # the import's, its unlock left out
            print(
                f"run {run}: {done['count']:,} cases in {done['seconds']:,.1f} s = "
                f"{done['count'] / done['seconds']:,.0f} cases/s; "
                f"{cpu / done['count'] * 1e3:.2f} ms of CPU a case over every core; "
                f"peak RSS {done['peak_rss_mb']:,.0f} MiB"
            )


if __name__ == "__main__":
    main()
