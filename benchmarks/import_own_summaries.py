"""An import into a large vault of cases each with a public summary of its own, beside the same
cases sharing one summary (what `casevault bench`'s main import does).

    casevault bench --n 100000 --keep /tmp/b/keep          # makes and keeps a 100,000-case vault
    python benchmarks/import_own_summaries.py /tmp/b/keep/n100000/vault --cases 4000

Each run copies the vault into a temporary folder (the kept one is not changed) and imports
``--cases`` more invented cases as the bench's caseworker, once with the bench's shared summary
and once with a 40-word summary of its own for each case (``vault.bench.cases.public_summary``):
the writer checks each case's public text against the whole leak index, so the second pays for
each text's ~950 keyed terms. Session 14's figures (docs/performance.md) were measured this way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from vault.bench.run import CASEWORKER, write_cases
from vault.crypto import Passphrase
from vault.services.importer import import_file
from vault.services.session import Vault


def _import(vault: Path, cases: int, own: bool, work: Path) -> tuple[float, float]:
    """(wall seconds, this process's CPU seconds) of importing ``cases`` into a copy of
    ``vault``."""
    copy = Path(tempfile.mkdtemp(dir=work))
    shutil.copytree(vault, copy / "vault")
    os.environ["CASEVAULT_STATE_DIR"] = str(copy / "state")  # the copy's own rollback record
    source = copy / "cases.jsonl"
    write_cases(source, cases, first=20_000_000, own_summaries=own)
    with Vault.open(
        copy / "vault", CASEWORKER[0], lambda _n: Passphrase.from_text(CASEWORKER[2])
    ) as v:
        wall, cpu = time.perf_counter(), time.process_time()
        import_file(v, source)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    shutil.rmtree(copy)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vault", type=Path, help="a vault `casevault bench --keep` kept")
    parser.add_argument("--cases", type=int, default=4000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        for own in (False, True):
            wall, cpu = _import(args.vault, args.cases, own, Path(work))
            what = "each with a summary of its own" if own else "sharing one summary"
            print(
                f"{args.cases:,} cases {what}: {args.cases / wall:,.0f} cases/s "
                f"({wall:,.1f} s; the writer {cpu / args.cases * 1e3:,.1f} ms of CPU a case)"
            )


if __name__ == "__main__":
    main()
