"""What a user would build without field keys: the same cases as JSON rows in plain SQLCipher
(one raw database key, WAL, ``synchronous = FULL``, the same page cache, as the vault opens its
own), with a name index of the same words the vault's blind index holds, in the clear. The
baseline every figure of the scale benchmark is printed beside."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlcipher3

from vault.bench.usage import usage
from vault.models.names import query_terms, search_terms
from vault.store.connection import CACHE_KIB

BATCH = 5000
_SCHEMA = """
CREATE TABLE cases (case_id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE names (term TEXT NOT NULL, case_id TEXT NOT NULL, PRIMARY KEY (term, case_id))
    WITHOUT ROWID;
"""
#: The fields whose words the name index holds (the default policy's ``search.names``).
NAME_FIELDS = ("full_name", "name_variants")


class PlainDb:
    """One plain SQLCipher database of cases."""

    def __init__(self, path: Path, key: bytes) -> None:
        new = not path.exists()
        self._conn = sqlcipher3.connect(str(path), isolation_level=None)
        self._conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        self._conn.execute("PRAGMA cipher_compatibility = 4")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.execute(f"PRAGMA cache_size = {-CACHE_KIB:d}")  # the vault's page cache
        if new:
            self._conn.executescript(_SCHEMA)
            os.chmod(path, 0o600)

    def close(self) -> None:
        self._conn.close()

    def import_rows(self, records: Iterable[dict[str, Any]]) -> int:
        """Every record, in one transaction, written in batches; returns how many."""
        count = 0
        self._conn.execute("BEGIN IMMEDIATE")
        for batch in _batches(records, BATCH):
            self._conn.executemany(
                "INSERT INTO cases VALUES (?, ?)",
                ((r["case_id"], json.dumps(r, ensure_ascii=False)) for r in batch),
            )
            self._conn.executemany(
                "INSERT OR IGNORE INTO names VALUES (?, ?)",
                ((t, r["case_id"]) for r in batch for t in _name_terms(r)),
            )
            count += len(batch)
        self._conn.execute("COMMIT")
        return count

    def find(self, text: str, limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
        """How many cases' names hold every word of ``text``, and the first ``limit`` of them
        in id order, read and parsed (as ``case find`` reads one page)."""
        matched: set[str] | None = None
        for forms in query_terms(text):
            marks = ",".join("?" * len(forms))
            hits = {
                r[0]
                for r in self._conn.execute(
                    f"SELECT case_id FROM names WHERE term IN ({marks})",  # noqa: S608  # nosec B608
                    tuple(forms),
                )
            }
            matched = hits if matched is None else matched & hits
            if not matched:
                return 0, []
        ids = sorted(matched or ())
        return len(ids), [self.show(c) for c in ids[:limit]]

    def show(self, case_id: str) -> dict[str, Any]:
        row = self._conn.execute("SELECT body FROM cases WHERE case_id = ?", (case_id,)).fetchone()
        if row is None:
            raise KeyError(case_id)
        value: dict[str, Any] = json.loads(row[0])
        return value


def _name_terms(record: dict[str, Any]) -> set[str]:
    terms: set[str] = set()
    for field in NAME_FIELDS:
        value = record.get(field)
        for text in value if isinstance(value, list) else [value] if value else []:
            terms |= search_terms(str(text))
    return terms


def _batches(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_in_child(db: str, key_hex: str, source: str) -> dict[str, Any]:
    """A child process's whole job: import ``source`` (JSON Lines) into a new plain database;
    its count, time, CPU and peak memory. Defined here, not beside the vault's, so that the
    child imports this module and SQLCipher, little of the vault."""
    start = time.perf_counter()
    plain = PlainDb(Path(db), bytes.fromhex(key_hex))

    def rows() -> Iterator[dict[str, Any]]:
        with open(source, encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)

    count = plain.import_rows(rows())
    plain.close()
    return {"count": count, "seconds": time.perf_counter() - start, **usage()}
