"""Import throughput, beside its floor.

    python benchmarks/import_bench.py              # 20,000 invented cases
    python benchmarks/import_bench.py --cases 200000

Each case has a name with two variants, two relatives with phones and e-mails, a source and an
ID number. The floor, measured in the same run: for each case, the Ed25519 signature and the
AES-GCM seals its version needs, plus one durable SQLCipher transaction writing the same bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

from vault.crypto import Identity, Passphrase, _primitives
from vault.models.idnumbers import prc_check_char
from vault.models.secret import SecretBytes
from vault.services.demo import create_demo
from vault.services.importer import import_file
from vault.services.session import Vault
from vault.store import SqlCipherStore


def make_file(path: Path, n: int) -> None:
    rng = random.Random(7)  # noqa: S311 - benchmark data
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            first = f"6531011980{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{i % 1000:03d}"
            fh.write(
                json.dumps(
                    {
                        "case_id": f"UA-900-26-{i:06d}",
                        "full_name": f"Invented Person{i}",
                        "name_variants": [f"Инвентед Персон{i}", f"Invented Persson{i}"],
                        "status": "missing",
                        "public_summary": "A fictional case for the benchmark.",
                        "family_contacts": [
                            {
                                "name": f"Relative A{i}",
                                "relation": "sister",
                                "phone": f"+7 701 {rng.randrange(200, 600)} "
                                f"{rng.randrange(1000, 9999)}",
                                "email": f"rel.a{i}@example.org",
                            },
                            {
                                "name": f"Relative B{i}",
                                "relation": "son",
                                "phone": f"+90 532 {rng.randrange(200, 600)} "
                                f"{rng.randrange(1000, 9999)}",
                            },
                        ],
                        "sources": [{"codename": f"OWL-{i}", "real_name": f"Source Person{i}"}],
                        "id_numbers": [
                            {"kind": "prc_resident_id", "value": first + prc_check_char(first)}
                        ],
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=20_000)
    n = ap.parse_args().cases
    tmp = Path(tempfile.mkdtemp(prefix="casevault-import-"))
    try:
        create_demo(tmp / "v")
        src = tmp / "cases.jsonl"
        make_file(src, n)
        v = Vault.open(tmp / "v", "cara", lambda _n: Passphrase.from_text("demo-cara-not-secret"))
        t = time.perf_counter()
        result = import_file(v, src)
        took = time.perf_counter() - t
        row = v.store.case_version("UA-900-26-000000", 1)
        assert row is not None
        v.close()
        size = src.stat().st_size
        print(
            f"imported {result.count:,} cases ({size / 1e6:.1f} MB) in {took:.1f} s: "
            f"{took / n * 1e6:.0f} µs/case, {n / took:,.0f} cases/s"
        )

        # floor: the crypto and one durable transaction writing the same bytes
        ident = Identity.generate("x")
        key = os.urandom(32)
        fields = len(json.loads(row.body)["fields"])
        t = time.perf_counter()
        for _ in range(2000):
            ident.sign(row.body)
            for _ in range(fields + 4):  # one seal per field, one wrap per level
                _primitives.aead_seal(key, b"x" * 64, b"ad")
        crypto = (time.perf_counter() - t) / 2000
        store = SqlCipherStore.create(tmp / "floor.db", SecretBytes(os.urandom(32)))
        store._conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)")
        t = time.perf_counter()
        with store.write():
            store._conn.executemany(
                "INSERT INTO t VALUES (?, ?)", ((i, row.body) for i in range(n))
            )
        io = (time.perf_counter() - t) / n
        store.close()
        print(
            f"  floor: {crypto * 1e6:.0f} µs/case of signing and sealing + "
            f"{io * 1e6:.0f} µs/case to write {len(row.body)}-byte rows in one transaction "
            f"= {(crypto + io) * 1e6:.0f} µs/case"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
