"""The floor each figure of the scale benchmark is printed beside, measured in the same run.

- **Crypto**: what casevault's own work costs with nothing wasted. :func:`counting` counts the
  primitive calls an operation really makes; :func:`unit_costs` times each primitive with its
  key object made once (a cipher per key, a parsed signing key, a keyed HMAC state copied per
  message). The floor is the count times the unit cost: key setup and derivation, which a session
  can do once, are counted but cost nothing in it.
- **Writing**: :func:`write_floor` inserts as many rows of the same sizes as the import left in
  each table, in a table keyed by an integer, keys ascending (the cheapest table and the best
  order for a B-tree), in one durable transaction.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3

from vault.crypto import _primitives, envelope

#: What is counted, as (where, name, the price it is counted under): the calls at the bottom
#: (a one-shot ``aead_seal`` is an ``Aead`` made and one seal), so that a caller keeping a key
#: object is counted the same as one that does not.
COUNTED: tuple[tuple[Any, str, str], ...] = (
    (_primitives.Aead, "seal", "aead"),
    (_primitives.Aead, "open", "aead"),
    (_primitives.Aead, "__init__", "setup"),
    (_primitives.Signer, "sign", "sign"),
    (_primitives.Signer, "__init__", "setup"),
    (_primitives, "verify", "verify"),
    (_primitives, "hmac_sha256", "hmac"),
    (_primitives, "sha256", "sha256"),
    (_primitives, "hkdf_sha256", "setup"),
    (_primitives, "hmac_sha256_after", "setup"),
    (envelope.BlindIndexer, "__call__", "hmac"),
)


@contextmanager
def counting() -> Iterator[Counter[str]]:
    """Count the primitive calls made inside the block, by price (a blind-index term is one
    ``hmac``; making a key object or deriving a key is ``setup``)."""
    counts: Counter[str] = Counter()
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in COUNTED]

    def wrap(kind: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            counts[kind] += 1
            return fn(*args, **kwargs)

        return counted

    for (owner, name, fn), (_, _, kind) in zip(saved, COUNTED, strict=True):
        setattr(owner, name, wrap(kind, fn))
    try:
        yield counts
    finally:
        for owner, name, fn in saved:
            setattr(owner, name, fn)


def _per_call(fn: Callable[[], object], rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        fn()
    return (time.perf_counter() - start) / rounds


def unit_costs(rounds: int = 20_000) -> dict[str, float]:
    """Seconds per call of each counted primitive, its key object made once."""
    key = _primitives.random_bytes(32)
    aead = _primitives.Aead(key)
    plaintext, ad = b"v" * 64, b"a" * 96
    sealed = aead.seal(plaintext, ad)
    private = _primitives.sign_generate()
    public = _primitives.sign_public(private)
    signer = _primitives.Signer(private)
    message = b"m" * 700
    signature = signer.sign(message)
    mac = _primitives.hmac_sha256_after(key, b"casevault index prefix")
    body = b"b" * 1200

    def hmac_term() -> bytes:
        return mac(b"\x00\x00\x00\x08termterm")

    return {
        "aead": (
            _per_call(lambda: aead.seal(plaintext, ad), rounds)
            + _per_call(lambda: aead.open(sealed, ad, "floor"), rounds)
        )
        / 2,
        "sign": _per_call(lambda: signer.sign(message), rounds // 4),
        "verify": _per_call(lambda: _primitives.verify(public, signature, message), rounds // 4),
        "hmac": _per_call(hmac_term, rounds),
        "sha256": _per_call(lambda: _primitives.sha256(body), rounds),
        "setup": 0.0,
    }


def crypto_floor(counts: Counter[str], per: int, costs: dict[str, float]) -> float:
    """Seconds per item of the counted calls (``counts`` made over ``per`` items)."""
    return sum(costs[kind] * n for kind, n in counts.items()) / per


def write_floor(path: Path, tables: dict[str, tuple[int, int]]) -> float:
    """Seconds to write ``{table: (rows, bytes)}`` as fresh rows, keys ascending: each table in
    one durable SQLCipher transaction (``synchronous = FULL``) of a new database at ``path``,
    under the rollback journal an import writes under (a new database's journal holds nothing:
    no page was there before), the file removed once its table is timed. So the free disk it
    needs is the largest table's, not every table's twice over: one database of every table in
    one transaction under a write-ahead log (until session 15) needed more than 40 GB at a
    million cases, and a run failed there for want of it."""
    total = 0.0
    for rows, size in sorted(tables.values()):
        if rows:
            try:
                total += _write_table(path, rows, max(size // rows - 8, 0))
            finally:
                for leftover in (path, path.with_name(path.name + "-journal")):
                    leftover.unlink(missing_ok=True)
    return total


def _write_table(path: Path, rows: int, width: int) -> float:
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{os.urandom(32).hex()}'\"")
        conn.execute("PRAGMA cipher_compatibility = 4")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        # The cheapest table SQLite has: rows by an integer key, appended in its order. Not
        # WITHOUT ROWID (until session 16): there a row wider than about 1,000 bytes spills
        # into an overflow page of its own. At a million cases the leak runs (1.9 KB a row)
        # took 2.3 times the disk and 4.2 times as long that way, and every table together
        # 243.5 s against 114.7 (the tables of session 16's run written both ways:
        # docs/performance.md).
        conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)")
        value = os.urandom(width)  # SQLCipher compresses nothing: any bytes cost the same
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for first in range(0, rows, 10_000):
            conn.executemany(
                "INSERT INTO t VALUES (?, ?)",
                ((k, value) for k in range(first, min(rows, first + 10_000))),
            )
        conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()
