"""Named, ordered schema migrations. Each runs in the transaction that records it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from vault.errors import IntegrityError

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_core",
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE members (
            name TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            sign_public BLOB NOT NULL,
            kem_public BLOB NOT NULL,
            added_at TEXT NOT NULL,
            added_by TEXT NOT NULL,
            revoked_at TEXT,
            record BLOB NOT NULL,
            signature BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE key_wraps (
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            epoch INTEGER NOT NULL,
            holder TEXT NOT NULL,
            wrapped BLOB NOT NULL,
            PRIMARY KEY (kind, name, epoch, holder)
        ) WITHOUT ROWID;
        CREATE TABLE cases (
            case_id TEXT PRIMARY KEY,
            head_version INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE case_versions (
            case_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL,
            body BLOB NOT NULL,
            signature BLOB NOT NULL,
            PRIMARY KEY (case_id, version)
        ) WITHOUT ROWID;
        CREATE TABLE search_index (
            namespace TEXT NOT NULL,
            term BLOB NOT NULL,
            case_id TEXT NOT NULL,
            PRIMARY KEY (namespace, term, case_id)
        ) WITHOUT ROWID;
        CREATE INDEX search_index_by_case ON search_index (case_id, namespace);
        CREATE TABLE actions (
            action_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            author TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            body BLOB NOT NULL,
            signature BLOB NOT NULL
        ) WITHOUT ROWID;
        """,
    ),
    (
        "0002_audit",
        """
        CREATE TABLE audit_entries (
            seq INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            body BLOB NOT NULL
        );
        CREATE INDEX audit_entries_by_actor ON audit_entries (actor, seq);
        CREATE INDEX audit_entries_by_action ON audit_entries (action, seq);
        CREATE INDEX audit_entries_by_time ON audit_entries (time);
        CREATE TABLE audit_case_refs (
            case_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (case_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE audit_nodes (
            level INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            hash BLOB NOT NULL,
            PRIMARY KEY (level, idx)
        ) WITHOUT ROWID;
        CREATE TABLE audit_heads (
            size INTEGER PRIMARY KEY,
            note TEXT NOT NULL
        );
        """,
    ),
    (
        "0003_review",
        """
        CREATE TABLE leak_terms (
            term BLOB NOT NULL,
            case_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            level TEXT NOT NULL,
            PRIMARY KEY (term, case_id)
        ) WITHOUT ROWID;
        CREATE INDEX leak_terms_by_case ON leak_terms (case_id);
        CREATE TABLE leak_lengths (length INTEGER PRIMARY KEY);
        CREATE TABLE drafts (
            draft_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            subject TEXT NOT NULL,
            lang TEXT NOT NULL,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL,
            body BLOB NOT NULL,
            signature BLOB NOT NULL,
            PRIMARY KEY (draft_id, version)
        ) WITHOUT ROWID;
        CREATE TABLE reviews (
            draft_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            reviewer TEXT NOT NULL,
            verdict TEXT NOT NULL,
            created_at TEXT NOT NULL,
            body BLOB NOT NULL,
            signature BLOB NOT NULL,
            PRIMARY KEY (draft_id, version, reviewer, verdict)
        ) WITHOUT ROWID;
        """,
    ),
    (
        "0004_signed_state",
        """
        CREATE TABLE state_records (
            seq INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            author TEXT NOT NULL,
            body BLOB NOT NULL,
            signature BLOB NOT NULL,
            log_seq INTEGER NOT NULL
        );
        DROP TABLE members;
        ALTER TABLE case_versions ADD COLUMN log_seq INTEGER NOT NULL DEFAULT -1;
        ALTER TABLE drafts ADD COLUMN log_seq INTEGER NOT NULL DEFAULT -1;
        ALTER TABLE reviews ADD COLUMN log_seq INTEGER NOT NULL DEFAULT -1;
        """,
    ),
    (
        "0005_leak_index_per_level",
        # The leak index is keyed per level, and says nothing in the clear: no kind, no level,
        # no lengths (ADR 0005). The name index is keyed per field. Terms hashed under the old
        # single keys cannot be looked up with the new ones, so both indexes start empty: a
        # vault made before this migration must be re-indexed (each case saved again).
        """
        DROP TABLE leak_terms;
        DROP TABLE leak_lengths;
        CREATE TABLE leak_terms (
            term BLOB NOT NULL,
            case_id TEXT NOT NULL,
            sealed BLOB NOT NULL,
            PRIMARY KEY (term, case_id)
        ) WITHOUT ROWID;
        CREATE INDEX leak_terms_by_case ON leak_terms (case_id);
        CREATE TABLE leak_lengths (
            slot BLOB PRIMARY KEY,
            sealed BLOB NOT NULL
        ) WITHOUT ROWID;
        DELETE FROM search_index;
        """,
    ),
    (
        "0006_data_key_wraps",
        # Record format v2: a record version's data keys, wrapped under the level keys, live
        # here beside the signed body, so that a rotation re-wraps them under a new epoch
        # without touching what the author signed. The index finds what a rotation has left.
        """
        CREATE TABLE data_key_wraps (
            record TEXT NOT NULL,
            version INTEGER NOT NULL,
            level TEXT NOT NULL,
            epoch INTEGER NOT NULL,
            wrapped BLOB NOT NULL,
            PRIMARY KEY (record, version, level)
        ) WITHOUT ROWID;
        CREATE INDEX data_key_wraps_by_epoch ON data_key_wraps (level, epoch);
        """,
    ),
    (
        "0007_compact_leak_index",
        # The leak index without a sealed kind on every row (docs/performance.md): a row is
        # (keyed term, case number) and nothing else; each case has one row in leak_cases with
        # its keyed terms in order and, per level key, its terms' kinds sealed together. The
        # rows of the earlier layout stay readable in leak_terms_v1 until their case is saved
        # again (each save removes them), so no vault loses its leak index to this migration.
        """
        ALTER TABLE leak_terms RENAME TO leak_terms_v1;
        CREATE TABLE leak_cases (
            no INTEGER PRIMARY KEY,
            case_id TEXT NOT NULL UNIQUE,
            terms BLOB NOT NULL,
            kinds BLOB NOT NULL
        );
        CREATE TABLE leak_terms (
            term BLOB NOT NULL,
            no INTEGER NOT NULL,
            PRIMARY KEY (term, no)
        ) WITHOUT ROWID;
        """,
    ),
    (
        "0008_pending_leak_terms",
        # An import's leak term rows, held until its end (docs/performance.md): a batch's rows
        # of each of 256 parts (by a term's first byte) as one row, its (term, case number)
        # pairs run together, then moved into leak_terms a part at a time in key order, so
        # each page of leak_terms is written once per import and not once per batch. Empty
        # outside an import's transaction.
        """
        CREATE TABLE leak_terms_pending (
            part INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            pairs BLOB NOT NULL,
            PRIMARY KEY (part, seq)
        ) WITHOUT ROWID;
        """,
    ),
    (
        "0009_leak_index_runs",
        # The leak index's (keyed term, case number) pairs in rows of about 96, not a row each
        # (ADR 0010, vault.store.leak_runs): a pair is the term then the number in 4 bytes,
        # big-endian; a run's key is its first pair. A million cases hold 220 million pairs,
        # and SQLite's cost was per row. The rows of leak_terms become runs before it is
        # dropped (STEPS: in Python, streamed in the table's order; a sort in SQL would hold
        # every row in memory, temp_store being MEMORY so that no temporary file holds any).
        """
        CREATE TABLE leak_runs (
            key BLOB NOT NULL UNIQUE,
            pairs BLOB NOT NULL
        );
        DELETE FROM leak_terms_pending;
        """,
    ),
    (
        "0010_leak_run_marks",
        # Each run's marks by its key (ADR 0011, vault.store.leak_runs.marks): two bytes of each
        # pair's term, a tenth of the run's bytes, so that a lookup of a term the index does not
        # hold reads them and not the run. Made from the runs in key order (STEPS).
        """
        CREATE TABLE leak_marks (
            key BLOB PRIMARY KEY,
            marks BLOB NOT NULL
        ) WITHOUT ROWID;
        """,
    ),
]


def _leak_terms_to_runs(conn: Any) -> None:
    """Migration 0009's data: leak_terms' rows, read in key order (its primary key's: no sort),
    written as runs of RUN_PAIRS pairs, then leak_terms dropped. Memory holds one run."""
    from vault.store import leak_runs as runs

    def made() -> Iterator[tuple[bytes, bytes]]:
        run: list[bytes] = []
        for term, no in conn.execute("SELECT term, no FROM leak_terms ORDER BY term, no"):
            if not isinstance(term, bytes) or type(no) is not int:  # bytes(5) is 5 zero bytes
                raise IntegrityError("the leak index is damaged (a row of it is malformed)")
            try:
                run.append(runs.pair(term, no))
            except ValueError:
                raise IntegrityError(
                    "the leak index is damaged (a row of it is malformed)"
                ) from None
            if len(run) == runs.RUN_PAIRS:
                yield run[0], runs.joined(run)
                run = []
        if run:
            yield run[0], runs.joined(run)

    conn.executemany("INSERT INTO leak_runs(key, pairs) VALUES (?, ?)", made())
    # Dropped without overwriting its pages: overwritten (secure_delete, SQLCipher's default),
    # the statement's undo copy of each page is held in memory, 670 MiB at 100,000 cases. Left
    # as they are, the freed pages (encrypted, as every page) hold the pairs leak_runs now holds
    # and nothing more; they are overwritten as they are used again.
    (secure,) = conn.execute("PRAGMA secure_delete").fetchone()
    conn.execute("PRAGMA secure_delete = OFF")
    try:
        conn.execute("DROP TABLE leak_terms")
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(secure):d}")


#: Steps in Python, run after the SQL of the migration they are named by (in its transaction).
def _marks_of_runs(conn: Any) -> None:
    """Migration 0010's data: the marks of every run, read in key order (its index's: no sort),
    written in that order (each page of the marks written once)."""
    from vault.store import leak_runs as runs

    def made() -> Iterator[tuple[bytes, bytes]]:
        for key, data in conn.execute("SELECT key, pairs FROM leak_runs ORDER BY key"):
            if not isinstance(key, bytes) or not isinstance(data, bytes) or not runs.whole(data):
                raise IntegrityError("the leak index is damaged (a row of it is malformed)")
            yield key, runs.marks(data)

    conn.executemany("INSERT INTO leak_marks(key, marks) VALUES (?, ?)", made())


STEPS: dict[str, Callable[[Any], None]] = {
    "0009_leak_index_runs": _leak_terms_to_runs,
    "0010_leak_run_marks": _marks_of_runs,
}
