"""How long the leak check of a 2,000-word summary takes, as the vault grows.

    python benchmarks/draft_check_bench.py                      # 2,000 and 20,000 cases
    python benchmarks/draft_check_bench.py --cases 2000,200000

For each size: the demo vault plus N invented cases (import_bench's cases: two relatives with
phones and e-mails, a source, an ID number, each with every reading of issue 21 in the leak
index), then the whole redaction of a 2,000-word English summary as a caseworker (every level
key): readings and candidates of the text, keyed hashes under four level keys, indexed lookups,
and the unchecked spans. Beside it, its floor measured in the same run: the same redaction
against an in-memory set holding the same cases' terms (no hashing, no database), i.e. what the
text's own reading costs, whatever the vault's size.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_bench import make_file

from vault.crypto import Passphrase
from vault.redact.engine import redact
from vault.redact.entities import EntityInfo, TermSet
from vault.redact.unchecked import find_unchecked
from vault.services.demo import create_demo
from vault.services.demo_data import demo_cases
from vault.services.importer import import_file
from vault.services.leaks import VaultKnownValues
from vault.services.session import Vault


def summary_text(words: int = 2000) -> str:
    """A long summary in the demo's own sentences, with a relative's phone, a date of birth in
    words and a street address of the benchmark's cases in it (found, as they must be)."""
    parts = [str(c["public_summary"]) for c in demo_cases() if c.get("public_summary")]
    parts += [
        "His sister can be reached on +7 701 455 1234 in the evenings.",
        "Her mother, Relative A17, was born on the ninth of March 1961.",
        "Letters reach the family through rel.a17 at example dot org.",
    ]
    text = ""
    while len(text.split()) < words:
        text += " " + " ".join(parts)
    return " ".join(text.split()[:words])


def _median_ms(fn: object, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000


def one_size(n: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="casevault-check-"))
    try:
        create_demo(tmp / "v")
        src = tmp / "cases.jsonl"
        make_file(src, n)
        v = Vault.open(tmp / "v", "cara", lambda _n: Passphrase.from_text("demo-cara-not-secret"))
        t = time.perf_counter()
        import_file(v, src)
        took = time.perf_counter() - t
        rows = sum(
            len(bytes(r[0])) // 20 for r in v.store._conn.execute("SELECT pairs FROM leak_runs")
        )
        text = summary_text()
        redact(text, lang="en", known=VaultKnownValues(v))  # warm: imports, word frequencies

        def vault_check() -> None:
            result = redact(text, lang="en", known=VaultKnownValues(v))
            find_unchecked(
                result.text, "en", skip=[(r.out_start, r.out_end) for r in result.redactions]
            )

        ms = _median_ms(vault_check)
        found = redact(text, lang="en", known=VaultKnownValues(v)).redactions
        memory = TermSet()  # a set answers in constant time: what is left is reading the text
        memory.add_value("+7 701 455 1234", EntityInfo("phone", "secret"))

        def floor_check() -> None:
            result = redact(text, lang="en", known=memory)
            find_unchecked(
                result.text, "en", skip=[(r.out_start, r.out_end) for r in result.redactions]
            )

        floor = _median_ms(floor_check)
        v.close()
        print(
            f"{n:>9,} cases (imported in {took:.0f} s), {rows:,} leak-index rows: "
            f"2,000-word summary checked in {ms:.0f} ms (median of 5; {len(found)} redactions); "
            f"floor, the same text against an in-memory set: {floor:.0f} ms"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", default="2000,20000", help="comma-separated vault sizes")
    for n in (int(x) for x in ap.parse_args().cases.split(",")):
        one_size(n)


if __name__ == "__main__":
    main()
