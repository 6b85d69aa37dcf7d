"""Audit log benchmark: cost per append and time to verify N entries, each beside its floor.

    python benchmarks/audit_bench.py                 # 100,000 entries (about a minute)
    python benchmarks/audit_bench.py --entries 1000000

Floors are measured in the same run, on the same machine:
- append: one durable SQLCipher commit of a row the same size (synchronous=FULL) plus the two
  Ed25519 signatures an append makes (entry + tree head);
- verify: one Ed25519 verification and one SHA-256 per entry (the work that cannot be skipped).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from vault.audit.log import AuditEvent
from vault.crypto import Identity, Passphrase, _primitives
from vault.models.secret import SecretBytes
from vault.services import audit
from vault.services.session import Vault
from vault.store import SqlCipherStore


def fill(v: Vault, n: int, batch: int = 5000) -> None:
    done = v.audit.size()
    while done < n:
        k = min(batch, n - done)
        records = [
            AuditEvent(
                "case.read",
                cases=[f"UA-900-26-{(done + i) % 100000:05d}"],
                fields=["case_notes", "sources"],
                details={"version": 1},
            )
            for i in range(k)
        ]
        with v.store.write():
            v.log(*records)
        done += k


def time_appends(v: Vault, count: int) -> list[float]:
    out = []
    for i in range(count):
        t = time.perf_counter()
        with v.store.write():
            v.log(
                AuditEvent(
                    "case.read",
                    cases=[f"UA-901-26-{i:05d}"],
                    fields=["sources"],
                    details={"version": 1},
                )
            )
        out.append(time.perf_counter() - t)
    return out


def floor_commit(tmp: Path, count: int, body: bytes) -> list[float]:
    store = SqlCipherStore.create(tmp / "floor.db", SecretBytes(os.urandom(32)))
    store._conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)")
    out = []
    for i in range(count):
        t = time.perf_counter()
        with store.write():
            store._conn.execute("INSERT INTO t VALUES (?, ?)", (i, body))
        out.append(time.perf_counter() - t)
    store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--appends", type=int, default=500)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="casevault-bench-"))
    try:
        v = Vault.init(tmp / "v", "ada", Passphrase.from_text("benchmark passphrase"))
        appends = time_appends(v, args.appends)
        body = v.audit.entry_body(v.audit.size() - 1)
        floor = floor_commit(tmp, args.appends, body)
        ident = Identity.generate("x")
        t = time.perf_counter()
        for _ in range(2000):
            ident.sign(body)
        sign_s = (time.perf_counter() - t) / 2000
        print(f"append (one entry + signed head, one transaction), {args.appends} runs:")
        print(
            f"  median {statistics.median(appends) * 1e3:.2f} ms, "
            f"p95 {sorted(appends)[int(len(appends) * 0.95)] * 1e3:.2f} ms"
        )
        print(
            f"  floor: durable commit of a {len(body)}-byte row "
            f"{statistics.median(floor) * 1e3:.2f} ms + 2 Ed25519 signatures "
            f"{2 * sign_s * 1e3:.3f} ms"
        )

        t = time.perf_counter()
        fill(v, args.entries)
        fill_s = time.perf_counter() - t
        print(
            f"filled the log to {v.audit.size():,} entries in {fill_s:.1f} s "
            f"({fill_s / args.entries * 1e6:.1f} µs/entry in batches of 5,000)"
        )

        t = time.perf_counter()
        result = audit.verify(v)
        verify_s = time.perf_counter() - t
        assert result.ok, result.problems
        pub = v.identity.public.sign_public
        sig = v.identity.sign(body)
        k = 20000
        t = time.perf_counter()
        for _ in range(k):
            _primitives.verify(pub, sig, body)
            _primitives.sha256(body)
        floor_per = (time.perf_counter() - t) / k
        n = result.size
        print(
            f"verify {n:,} entries: {verify_s:.1f} s ({verify_s / n * 1e6:.1f} µs/entry), "
            f"{result.heads_checked:,} heads"
        )
        print(
            f"  floor: Ed25519 verify + SHA-256 per entry {floor_per * 1e6:.1f} µs "
            f"-> {floor_per * n:.1f} s for {n:,}"
        )
        v.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
