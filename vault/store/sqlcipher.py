"""The SQLCipher backend of :class:`vault.store.interface.Store`: the tables, row in, row out.

Opening, the schema and transactions are in :mod:`vault.store.connection`. Every statement binds
its values as parameters; no SQL is built from values.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from vault.errors import ConflictError, IntegrityError
from vault.store import leak_runs as runs
from vault.store.interface import (
    LEAK_TERM_BYTES,
    ActionRow,
    AuditFilter,
    AuditRow,
    CaseVersionRow,
    DataKeyWrapRow,
    DraftRow,
    KeyWrapRow,
    LeakCaseRow,
    ReviewRow,
)
from vault.store.state_tables import StateTables, blob, integer

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


#: Numbers of staged leak term rows (:meth:`SqlCipherStore.merge_staged_leak_terms`): only
#: growing, in this process, so each part's rows are written at its end.
_STAGED_SEQ = itertools.count(1)
#: Terms a lookup of the leak index reads the runs of at a time (a run is 2 KB).
_LOOKUP_CHUNK = 10_000
#: Up to this many pairs, an edit of the runs seeks each pair's run; more, it reads the keys of
#: the runs between its first and last pair (an import's merge: a 256th of the key space),
#: unless those runs outnumber the pairs.
_SOUGHT_PAIRS = 2_000
#: A run as read: its key, its pairs.
_StoredRun = tuple[bytes, bytes]


class SqlCipherStore(StateTables):
    """The vault's tables over one SQLCipher connection (implements :class:`Store`)."""

    # --- meta ---------------------------------------------------------------------------------

    def get_meta(self, key: str) -> bytes | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        if row is None:
            return None
        value = row[0]
        if isinstance(value, str):
            return value.encode("utf-8")
        if not isinstance(value, bytes):
            raise IntegrityError(f"the vault's {key!r} setting is malformed")
        return value

    def put_meta(self, key: str, value: bytes) -> None:
        self._conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # --- keys ---------------------------------------------------------------------------------

    def put_key_wraps(self, rows: Iterable[KeyWrapRow]) -> None:
        self._conn.executemany(
            "INSERT INTO key_wraps(kind, name, epoch, holder, wrapped) VALUES (?,?,?,?,?) "
            "ON CONFLICT(kind, name, epoch, holder) DO UPDATE SET wrapped = excluded.wrapped",
            [(r.kind, r.name, r.epoch, r.holder, r.wrapped) for r in rows],
        )

    def key_wrap(self, kind: str, name: str, epoch: int, holder: str) -> KeyWrapRow | None:
        r = self._one(
            "SELECT wrapped FROM key_wraps WHERE kind=? AND name=? AND epoch=? AND holder=?",
            (kind, name, epoch, holder),
        )
        return KeyWrapRow(kind, name, epoch, holder, blob(r[0])) if r else None

    def key_wraps(self, kind: str) -> list[KeyWrapRow]:
        cur = self._conn.execute(
            "SELECT kind, name, epoch, holder, wrapped FROM key_wraps WHERE kind = ? "
            "ORDER BY name, epoch, holder",
            (kind,),
        )
        return [KeyWrapRow(r[0], r[1], r[2], r[3], blob(r[4])) for r in cur]

    # --- data-key wraps of record versions -------------------------------------------------

    def put_data_key_wraps(self, rows: Iterable[DataKeyWrapRow]) -> None:
        self._conn.executemany(
            "INSERT INTO data_key_wraps(record, version, level, epoch, wrapped) "
            "VALUES (?,?,?,?,?) ON CONFLICT(record, version, level) DO UPDATE SET "
            "epoch = excluded.epoch, wrapped = excluded.wrapped",
            [(r.record, r.version, r.level, r.epoch, r.wrapped) for r in rows],
        )

    def data_key_wraps(self, record: str, version: int) -> list[DataKeyWrapRow]:
        cur = self._conn.execute(
            "SELECT record, version, level, epoch, wrapped FROM data_key_wraps "
            "WHERE record = ? AND version = ?",
            (record, version),
        )
        return [DataKeyWrapRow(r[0], integer(r[1]), r[2], integer(r[3]), blob(r[4])) for r in cur]

    def stale_data_key_wraps(self, level: str, epoch: int, limit: int) -> list[DataKeyWrapRow]:
        cur = self._conn.execute(
            "SELECT record, version, level, epoch, wrapped FROM data_key_wraps "
            "WHERE level = ? AND epoch < ? LIMIT ?",
            (level, epoch, limit),
        )
        return [DataKeyWrapRow(r[0], integer(r[1]), r[2], integer(r[3]), blob(r[4])) for r in cur]

    def count_stale_data_key_wraps(self, level: str, epoch: int) -> int:
        r = self._one(
            "SELECT count(*) FROM data_key_wraps WHERE level = ? AND epoch < ?", (level, epoch)
        )
        return integer(r[0])

    def delete_key_wraps_to(self, holder: str) -> int:
        r = self._one("SELECT count(*) FROM key_wraps WHERE holder = ?", (holder,))
        self._conn.execute("DELETE FROM key_wraps WHERE holder = ?", (holder,))
        return integer(r[0])

    def delete_key_wraps_before(self, kind: str, name: str, epoch: int) -> int:
        r = self._one(
            "SELECT count(*) FROM key_wraps WHERE kind = ? AND name = ? AND epoch < ?",
            (kind, name, epoch),
        )
        self._conn.execute(
            "DELETE FROM key_wraps WHERE kind = ? AND name = ? AND epoch < ?", (kind, name, epoch)
        )
        return integer(r[0])

    # --- cases -------------------------------------------------------------------------------

    def case_head(self, case_id: str) -> int | None:
        r = self._one("SELECT head_version FROM cases WHERE case_id = ?", (case_id,))
        return int(r[0]) if r else None

    def insert_case_versions(self, rows: Sequence[CaseVersionRow]) -> None:
        """Append versions; each must be exactly one past the case's head (else ConflictError)."""
        for row in rows:
            head = self.case_head(row.case_id)
            if (head or 0) + 1 != row.version:
                raise ConflictError(
                    f"case {row.case_id} changed meanwhile (version {head}); nothing was written"
                )
            self._exec(
                "INSERT INTO case_versions(case_id, version, author, created_at, body, signature,"
                " log_seq) VALUES (?,?,?,?,?,?,?)",
                (
                    row.case_id,
                    row.version,
                    row.author,
                    row.created_at,
                    row.body,
                    row.signature,
                    row.log_seq,
                ),
            )
            self._conn.execute(
                "INSERT INTO cases(case_id, head_version) VALUES (?, ?) "
                "ON CONFLICT(case_id) DO UPDATE SET head_version = excluded.head_version",
                (row.case_id, row.version),
            )

    @staticmethod
    def _version(r: Any) -> CaseVersionRow:
        return CaseVersionRow(
            r[0], integer(r[1]), r[2], r[3], blob(r[4]), blob(r[5]), integer(r[6])
        )

    def case_version(self, case_id: str, version: int) -> CaseVersionRow | None:
        r = self._one(
            "SELECT case_id, version, author, created_at, body, signature, log_seq "
            "FROM case_versions "
            "WHERE case_id = ? AND version = ?",
            (case_id, version),
        )
        return self._version(r) if r else None

    def last_case_version(self, case_id: str) -> int | None:
        r = self._one("SELECT max(version) FROM case_versions WHERE case_id = ?", (case_id,))
        return None if r is None or r[0] is None else integer(r[0])

    def last_case_write(self, case_id: str) -> int | None:
        r = self._one(
            "SELECT max(r.seq) FROM audit_case_refs r JOIN audit_entries e ON e.seq = r.seq "
            "WHERE r.case_id = ? AND e.action IN ('case.create', 'case.edit')",
            (case_id,),
        )
        return None if r is None or r[0] is None else integer(r[0])

    def case_versions(self, case_id: str) -> list[CaseVersionRow]:
        cur = self._conn.execute(
            "SELECT case_id, version, author, created_at, body, signature, log_seq "
            "FROM case_versions "
            "WHERE case_id = ? ORDER BY version",
            (case_id,),
        )
        return [self._version(r) for r in cur]

    def case_ids(self, *, limit: int | None = None, after: str | None = None) -> list[str]:
        cur = self._conn.execute(
            "SELECT case_id FROM cases WHERE case_id > ? ORDER BY case_id LIMIT ?",
            (after or "", -1 if limit is None else limit),
        )
        return [r[0] for r in cur]

    def versioned_case_ids(self, *, limit: int, after: str | None = None) -> list[str]:
        cur = self._conn.execute(
            "SELECT DISTINCT case_id FROM case_versions WHERE case_id > ? ORDER BY case_id LIMIT ?",
            (after or "", limit),
        )
        return [r[0] for r in cur]

    def count_cases(self) -> int:
        return int(self._one("SELECT count(*) FROM cases", ())[0])

    def table_sizes(self) -> dict[str, tuple[int, int]]:
        tables = [
            r[0]
            for r in self._conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", ()
            )
        ]
        out: dict[str, tuple[int, int]] = {}
        for table in tables:
            if not _IDENTIFIER.fullmatch(table):  # names go into the SQL: only plain ones
                continue
            columns = [
                r[0] for r in self._conn.execute("SELECT name FROM pragma_table_info(?)", (table,))
            ]
            columns = [c for c in columns if _IDENTIFIER.fullmatch(c)]
            total = " + ".join(f"coalesce(sum(length({c})), 0)" for c in columns)
            query = f"SELECT count(*), {total} FROM {table}"  # noqa: S608  # nosec B608
            rows, size = self._one(query, ())
            out[table] = (int(rows), int(size))
        return out

    def replace_index_terms(self, case_id: str, namespace: str, terms: Iterable[bytes]) -> None:
        self._conn.execute(
            "DELETE FROM search_index WHERE case_id = ? AND namespace = ?", (case_id, namespace)
        )
        self._conn.executemany(
            "INSERT OR IGNORE INTO search_index(namespace, term, case_id) VALUES (?,?,?)",
            [(namespace, t, case_id) for t in terms],
        )

    def find_index_terms(
        self, namespace: str, terms: Sequence[bytes], *, cases: Sequence[str] | None = None
    ) -> Iterator[tuple[bytes, str]]:
        listed = None if cases is None else json.dumps(list(cases))
        for term in terms:
            cur = self._conn.execute(
                "SELECT term, case_id FROM search_index WHERE namespace = ?1 AND term = ?2 "
                "AND (?3 IS NULL OR case_id IN (SELECT value FROM json_each(?3)))",
                (namespace, term, listed),
            )
            for r in cur:
                yield blob(r[0]), r[1]

    def count_index_terms(self, namespace: str, terms: Sequence[bytes]) -> int:
        return sum(
            integer(
                self._one(
                    "SELECT count(*) FROM search_index WHERE namespace = ? AND term = ?",
                    (namespace, term),
                )[0]
            )
            for term in terms
        )

    # --- audit log ----------------------------------------------------------------------------

    def in_write(self) -> bool:
        return self._in_txn and self._conn.in_transaction

    def audit_size(self) -> int:
        r = self._one("SELECT max(seq) FROM audit_entries", ())
        return 0 if r is None or r[0] is None else int(r[0]) + 1

    def append_audit(self, row: AuditRow, nodes: Sequence[tuple[int, int, bytes]]) -> None:
        self._exec(
            "INSERT INTO audit_entries(seq, time, actor, action, body) VALUES (?,?,?,?,?)",
            (row.seq, row.time, row.actor, row.action, row.body),
        )
        self._conn.executemany(
            "INSERT INTO audit_case_refs(case_id, seq) VALUES (?, ?)",
            [(c, row.seq) for c in row.case_ids],
        )
        self._conn.executemany(
            "INSERT INTO audit_nodes(level, idx, hash) VALUES (?,?,?)", list(nodes)
        )

    def audit_node(self, level: int, idx: int) -> bytes | None:
        r = self._one("SELECT hash FROM audit_nodes WHERE level = ? AND idx = ?", (level, idx))
        return blob(r[0]) if r else None

    _AUDIT_COLS = "SELECT seq, time, actor, action, body FROM audit_entries"

    @staticmethod
    def _audit(r: Any) -> AuditRow:
        return AuditRow(int(r[0]), r[1], r[2], r[3], (), blob(r[4]))

    def audit_entry(self, seq: int) -> AuditRow | None:
        r = self._one(self._AUDIT_COLS + " WHERE seq = ?", (seq,))
        return self._audit(r) if r else None

    def audit_entries(self, start: int = 0) -> Iterator[AuditRow]:
        cur = self._conn.execute(self._AUDIT_COLS + " WHERE seq >= ? ORDER BY seq", (start,))
        for r in cur:
            yield self._audit(r)

    def audit_case_refs(self) -> Iterator[tuple[str, int]]:
        for r in self._conn.execute("SELECT case_id, seq FROM audit_case_refs"):
            yield str(r[0]), integer(r[1])

    def find_audit(self, f: AuditFilter) -> list[AuditRow]:
        """Newest first. Only the filters given are in the statement, each a bound parameter on
        an indexed column; a case's entries are read from the log's case index, not found by
        walking the whole log (at 100,000 cases a publish asked 150 times: 0.2 s each)."""
        where: list[str] = []
        args: list[object] = []
        if f.case_id is not None:
            source = "audit_case_refs AS r JOIN audit_entries AS e ON e.seq = r.seq"
            where.append("r.case_id = ?")
            args.append(f.case_id)
            newest_first = "r.seq DESC"
        else:
            source = "audit_entries AS e"
            newest_first = "e.seq DESC"
        if f.actor is not None:
            where.append("e.actor = ?")
            args.append(f.actor)
        if f.action is not None and "." in f.action:
            # one action and its sub-actions ("key.rotate", "key.rotate.start"): found by the
            # action index (a scan walked the whole log for an action logged a few times)
            where.append("(e.action = ? OR (e.action > ? || '.' AND e.action < ? || '/'))")
            args += [f.action, f.action, f.action]
        elif f.action is not None:
            # a family ("case"): its entries are dense; the newest are found walking back
            where.append("(e.action = ? OR e.action LIKE ? || '.%')")
            args += [f.action, f.action]
        if f.since is not None:
            where.append("e.time >= ?")
            args.append(f.since)
        if f.until is not None:
            where.append("e.time <= ?")
            args.append(f.until)
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        sql = (  # every piece a constant above; every value a bound parameter
            f"SELECT e.seq, e.time, e.actor, e.action, e.body FROM {source}{condition} "  # noqa: S608  # nosec B608
            f"ORDER BY {newest_first} LIMIT ?"
        )
        return [self._audit(r) for r in self._conn.execute(sql, (*args, f.limit))]

    def put_audit_head(self, size: int, note: str) -> None:
        self._conn.execute(
            "INSERT INTO audit_heads(size, note) VALUES (?, ?) "
            "ON CONFLICT(size) DO UPDATE SET note = excluded.note",
            (size, note),
        )

    def audit_heads(self) -> Iterator[tuple[int, str]]:
        for r in self._conn.execute("SELECT size, note FROM audit_heads ORDER BY size"):
            yield int(r[0]), str(r[1])

    def latest_audit_head(self) -> tuple[int, str] | None:
        r = self._one("SELECT size, note FROM audit_heads ORDER BY size DESC LIMIT 1", ())
        return (int(r[0]), str(r[1])) if r else None

    _COUNTABLE = frozenset({"drafts", "reviews", "case_versions", "state_records"})

    def count_rows(self, table: str) -> int:
        if table not in self._COUNTABLE:
            raise ValueError(f"not a countable table: {table}")
        return integer(self._one(f"SELECT count(*) FROM {table}", ())[0])  # noqa: S608  # nosec B608

    def heads_not_last(self) -> list[str]:
        cur = self._conn.execute(
            "SELECT c.case_id FROM cases c WHERE c.head_version IS NOT (SELECT max(v.version) "
            "FROM case_versions v WHERE v.case_id = c.case_id) ORDER BY c.case_id"
        )
        return [str(r[0]) for r in cur]

    def count_case_versions(self) -> int:
        return int(self._one("SELECT count(*) FROM case_versions", ())[0])

    # --- leak index ------------------------------------------------------------------------------

    def replace_leak_cases(self, rows: Sequence[LeakCaseRow], *, staged: bool = False) -> None:
        if not rows:
            return
        ids = [r.case_id for r in rows]
        earlier = self.leak_cases(ids)
        stale = sorted({_pair(t, old.no) for old in earlier.values() for t in old.term_list()})
        self._edit_runs(stale, add=False)
        self._conn.executemany(
            "DELETE FROM leak_terms_v1 WHERE case_id = ?", [(case_id,) for case_id in ids]
        )
        numbers: dict[str, int] = {}
        for r in rows:
            # fetchall: a RETURNING statement has done its write only once stepped to its end
            (row,) = self._conn.execute(
                "INSERT INTO leak_cases(case_id, terms, kinds) VALUES (?, ?, ?) "
                "ON CONFLICT(case_id) DO UPDATE SET terms = excluded.terms, "
                "kinds = excluded.kinds RETURNING no",
                (r.case_id, r.terms, r.kinds),
            ).fetchall()
            numbers[r.case_id] = integer(row[0])
        if staged:
            self._stage_leak_terms(rows, numbers)
        else:
            # In key order: each run the batch's pairs fall in is read and written once.
            fresh = {_pair(t, numbers[r.case_id]) for r in rows for t in r.term_list()}
            self._edit_runs(sorted(fresh), add=True)

    def _stage_leak_terms(self, rows: Sequence[LeakCaseRow], numbers: Mapping[str, int]) -> None:
        # A batch's pairs of each part go in as one row, at the end of that part (part, then a
        # number that only grows): 256 rows a batch, where the index itself would be written
        # all over. The table is emptied as an import starts (:meth:`drop_pending_leak_terms`);
        # a number in it twice would be refused, never overwritten. Each pair is made straight
        # into its part (a case's 250 pairs: no set of them, no list of its terms); a pair held
        # twice is kept once by the merge (:func:`~vault.store.leak_runs.sorted_once`).
        parts: defaultdict[int, bytearray] = defaultdict(bytearray)
        size = LEAK_TERM_BYTES
        for r in rows:
            try:
                number = runs.number_bytes(numbers[r.case_id])
            except ValueError as e:
                raise IntegrityError(f"the leak index is damaged ({e})") from None
            terms = r.terms
            if len(terms) % size:
                raise IntegrityError(f"the leak index is damaged ({runs.TERM_SIZE})")
            for at in range(0, len(terms), size):
                parts[terms[at]] += terms[at : at + size] + number
        self._conn.executemany(
            "INSERT INTO main.leak_terms_pending(part, seq, pairs) VALUES (?, ?, ?)",
            [(n, next(_STAGED_SEQ), bytes(data)) for n, data in sorted(parts.items())],
        )

    def drop_pending_leak_terms(self) -> int:
        held = self.count_pending_leak_terms()
        self._conn.execute("DELETE FROM main.leak_terms_pending")
        return held

    def count_pending_leak_terms(self) -> int:
        # pairs, a row's part of one counted whole: rows put there by hand need not be pairs
        (size,) = self._one(
            "SELECT coalesce(sum(length(pairs)), 0) FROM main.leak_terms_pending", ()
        )
        return -(-integer(size) // runs.PAIR)

    def _take_pending_part(self, part: int) -> list[bytes]:
        """A part's held-aside (term, case number) pairs, its rows removed."""
        rows = self._conn.execute(
            "DELETE FROM main.leak_terms_pending WHERE part = ? RETURNING pairs", (part,)
        ).fetchall()
        try:
            return runs.split_pairs(b"".join(blob(row[0]) for row in rows))
        except ValueError:
            raise IntegrityError(
                "a row of the import's held-aside leak terms is malformed"
            ) from None

    def merge_staged_leak_terms(self) -> int:
        # A part at a time, in the order of the parts: each part's pairs are sorted (in memory:
        # 1/256 of an import's) and merged into the runs in key order, so each run is read and
        # written once per import, and a part's memory is freed for the next part's.
        return sum(
            self._edit_runs(runs.sorted_once(self._take_pending_part(part)), add=True)
            for part in range(256)
        )

    # The runs (vault.store.leak_runs): rows of (key, pairs), the pairs of all of them in
    # ascending order, a run's key at most its first pair and above every pair before it.

    def _first_run(self) -> int | None:
        """The rowid of the run of the lowest key (None: there is no run)."""
        row = self._one("SELECT rowid FROM leak_runs ORDER BY key LIMIT 1", ())
        return None if row is None else integer(row[0])

    def _edit_runs(self, pairs: list[bytes], *, add: bool) -> int:
        """Add (or remove) ``pairs`` (ascending, each once) to the runs: the run each falls in
        is found for all of them in one query, each such run read once in another, rewritten
        once, and the writes made together. Returns how many pairs the index gained (or lost)."""
        if not pairs:
            return 0
        at = self._runs_at(pairs)
        if at[0] is None:  # pairs below every run's key (or there is no run)
            first = self._first_run()
            if first is None:
                if add:
                    self._insert_runs(runs.pieces(pairs))
                return len(pairs) if add else 0
            below = sum(1 for rowid in at if rowid is None)  # they come first: pairs ascend
            at[:below] = [first if add else None] * below
        stored = self._runs_by_rowid({rowid for rowid in at if rowid is not None})
        edits = _RunEdits()
        # a run's pairs are side by side, as pairs ascend
        for rowid, group in itertools.groupby(range(len(pairs)), key=at.__getitem__):
            start, *more = group
            if rowid is not None:
                key, data = stored[rowid]
                edits.add(rowid, key, pairs[start : (more or [start])[-1] + 1], data, add=add)
        self._conn.executemany("DELETE FROM leak_runs WHERE rowid = ?", edits.deleted)
        self._conn.executemany(
            "UPDATE leak_runs SET key = ?, pairs = ? WHERE rowid = ?", edits.rekeyed
        )
        # the key as it was: its index entry is not rewritten
        self._conn.executemany("UPDATE leak_runs SET pairs = ? WHERE rowid = ?", edits.updated)
        # each run's marks as its pairs now are, by its key
        self._conn.executemany("DELETE FROM leak_marks WHERE key = ?", edits.unmarked)
        self._conn.executemany(
            "INSERT INTO leak_marks(key, marks) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET marks = excluded.marks",
            edits.marked,
        )
        self._insert_runs(edits.added)
        return edits.changed

    def _runs_at(self, pairs: list[bytes]) -> list[int | None]:
        """The rowid of the run each of ``pairs`` (ascending) falls in (None: below every key).
        A few pairs are sought one by one in one query; many (an import's, a 256th of them at
        a time) by reading the keys of the runs between the first and the last pair."""
        below = None
        if len(pairs) > _SOUGHT_PAIRS:
            below = self._one("SELECT max(key) FROM leak_runs WHERE key <= ?", (pairs[0],))[0]
            (spanned,) = self._one(  # the keys the range way would read: index entries only
                "SELECT count(*) FROM leak_runs WHERE key >= ? AND key <= ?",
                (pairs[0] if below is None else blob(below), pairs[-1]),
            )
        if len(pairs) <= _SOUGHT_PAIRS or integer(spanned) > len(pairs):
            # few pairs, or pairs spread thin over many runs (a batch's stale pairs in a large
            # vault): each pair's run sought
            found = self._conn.execute(
                "SELECT (SELECT rowid FROM leak_runs WHERE key <= unhex(j.value) "
                "ORDER BY key DESC LIMIT 1) FROM json_each(?) AS j ORDER BY j.key",
                (json.dumps([p.hex() for p in pairs]),),
            ).fetchall()
            return [None if r[0] is None else integer(r[0]) for r in found]
        cur = self._conn.execute(
            "SELECT rowid, key FROM leak_runs WHERE key >= ? AND key <= ? ORDER BY key",
            (pairs[0] if below is None else blob(below), pairs[-1]),
        )
        ids, keys = [], []
        for rowid, key in cur:
            ids.append(integer(rowid))
            keys.append(blob(key))
        # where each run's key falls among the pairs: the pairs from there to the next are its
        at: list[int | None] = []
        bounds = [bisect.bisect_left(pairs, key) for key in keys]
        at += [None] * (bounds[0] if bounds else len(pairs))
        for n, rowid in enumerate(ids):
            end = bounds[n + 1] if n + 1 < len(bounds) else len(pairs)
            at += [rowid] * (end - bounds[n])
        return at

    def _runs_by_rowid(self, rowids: set[int]) -> dict[int, _StoredRun]:
        """(key, pairs) of each run of these rowids."""
        cur = self._conn.execute(
            "SELECT rowid, key, pairs FROM leak_runs "
            "WHERE rowid IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(rowids)),),
        )
        return {integer(r[0]): (blob(r[1]), blob(r[2])) for r in cur}

    def _insert_runs(self, stored: Iterable[bytes]) -> None:
        made = list(stored)
        self._conn.executemany(
            "INSERT INTO leak_runs(key, pairs) VALUES (?, ?)",
            ((run[: runs.PAIR], run) for run in made),
        )
        self._conn.executemany(
            "INSERT INTO leak_marks(key, marks) VALUES (?, ?)",
            ((run[: runs.PAIR], runs.marks(run)) for run in made),
        )

    def find_leak_terms(
        self,
        terms: Sequence[bytes],
        *,
        per_term: int | None = None,
        cases: Sequence[str] | None = None,
    ) -> list[tuple[bytes, str]]:
        """Which of these hashed terms are indexed (one query for the runs they fall in; a term
        held by more cases than its run has, a query more for each run it goes on in)."""
        wanted = sorted({t for t in terms if len(t) == LEAK_TERM_BYTES})
        if not wanted or (per_term is not None and per_term < 1):
            return []
        if cases is not None:
            found = self._find_held(wanted, cases)
        else:
            found = self._find_any(wanted, per_term)
        if per_term is not None:
            found = {t: nos[:per_term] for t, nos in found.items()}
        names = self._case_numbers([no for nos in found.values() for no in nos])
        out: list[tuple[bytes, str]] = []
        for term, nos in found.items():
            for no in nos:
                case_id = names.get(no)
                if case_id is None:
                    raise IntegrityError("the leak index is damaged (a term's row names no case)")
                out.append((term, case_id))
        return out

    def _find_any(self, terms: list[bytes], per_term: int | None) -> dict[bytes, list[int]]:
        # A chunk of terms at a time, from the runs' marks (ADR 0011): for each term, the key
        # and marks of the run its last pair falls in, sought in one query. A key not above the
        # term's first pair is of the one run that can hold the term (nearly all), and a term
        # its marks do not show is not there: its run is not read. The runs the rest fall in are
        # read once each (a publication's check asks about hundreds of thousands of terms; a
        # run's bytes for each was 600 MiB). A key within the term (a common one, or a run that
        # starts with it) may have the term in runs before it too: read from them in order.
        found: dict[bytes, list[int]] = {}
        for at in range(0, len(terms), _LOOKUP_CHUNK):
            chunk = terms[at : at + _LOOKUP_CHUNK]
            ends = self._conn.execute(
                "SELECT m.key, m.marks FROM json_each(?) AS j LEFT JOIN leak_marks AS m "
                "ON m.key = (SELECT key FROM leak_marks WHERE key <= unhex(j.value || 'ffffffff') "
                "ORDER BY key DESC LIMIT 1) ORDER BY j.key",
                (json.dumps([t.hex() for t in chunk]),),
            ).fetchall()
            within: dict[bytes, bytes] = {}  # term -> the key of the run that may hold it
            across: list[bytes] = []
            for term, (key, marks) in zip(chunk, ends, strict=True):
                if key is None:
                    continue  # every run's key is above the term's last pair: none holds it
                if blob(key) > runs.first_pair(term):
                    across.append(term)
                elif runs.may_hold(blob(marks), term):
                    within[term] = blob(key)
            stored = self._runs_by_key(set(within.values()))
            for term, key in within.items():
                run = stored.get(key)
                if run is None:
                    raise IntegrityError("the leak index is damaged (marks of no run)")
                nos = runs.numbers_in(_whole_run(run), term)
                if nos:
                    found[term] = nos
            for term in across:
                nos = self._numbers_across(term, per_term)
                if nos:
                    found[term] = nos
        return found

    def _runs_by_key(self, keys: set[bytes]) -> dict[bytes, bytes]:
        """The pairs of each run of these keys, as stored."""
        cur = self._conn.execute(
            "SELECT key, pairs FROM leak_runs WHERE key IN (SELECT unhex(value) FROM json_each(?))",
            (json.dumps(sorted(k.hex() for k in keys)),),
        )
        return {blob(r[0]): blob(r[1]) for r in cur}

    def _numbers_across(self, term: bytes, per_term: int | None) -> list[int]:
        """The numbers ``term`` has in the runs from the one its first pair falls in (or the
        first) to the one its last pair falls in, in order; a lookup stops at ``per_term``."""
        cur = self._conn.execute(
            "SELECT pairs FROM leak_runs WHERE key >= coalesce("
            "(SELECT max(key) FROM leak_runs WHERE key <= ?1), x'') AND key <= ?2 ORDER BY key",
            (runs.first_pair(term), runs.last_pair(term)),
        )
        nos: list[int] = []
        for (data,) in cur:
            nos += runs.numbers_in(_whole_run(blob(data)), term)
            if per_term is not None and len(nos) >= per_term:
                break
        return nos

    def _find_held(self, terms: list[bytes], cases: Sequence[str]) -> dict[bytes, list[int]]:
        cur = self._conn.execute(
            "SELECT no FROM leak_cases WHERE case_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(cases)),),
        )
        numbers = sorted(integer(r[0]) for r in cur)
        probes = sorted(_pair(t, no) for t in terms for no in numbers)
        if not probes:
            return {}
        at = self._runs_at(probes)  # the same way an edit finds them, each run read once
        stored = self._runs_by_rowid({rowid for rowid in at if rowid is not None})
        found: dict[bytes, list[int]] = {}
        for p, rowid in zip(probes, at, strict=True):
            if rowid is not None and runs.holds_in(_whole_run(stored[rowid][1]), p):
                found.setdefault(runs.term_of(p), []).append(runs.number_of(p))
        return found

    def leak_runs_in_order(self) -> Iterator[tuple[bytes, bytes, bytes | None]]:
        for key, data, marks in self._conn.execute(
            "SELECT r.key, r.pairs, m.marks FROM leak_runs AS r "
            "LEFT JOIN leak_marks AS m ON m.key = r.key ORDER BY r.key"
        ):
            yield (
                (key if isinstance(key, bytes) else b""),
                (data if isinstance(data, bytes) else b""),
                (marks if isinstance(marks, bytes) or marks is None else b""),
            )

    def count_stray_leak_marks(self) -> int:
        (count,) = self._one(
            "SELECT count(*) FROM leak_marks WHERE key NOT IN (SELECT key FROM leak_runs)", ()
        )
        return integer(count)

    def count_listed_leak_terms(self) -> int:
        (size,) = self._one("SELECT coalesce(sum(length(terms)), 0) FROM leak_cases", ())
        return integer(size) // LEAK_TERM_BYTES

    def _case_numbers(self, numbers: Sequence[int]) -> dict[int, str]:
        cur = self._conn.execute(
            "SELECT no, case_id FROM leak_cases WHERE no IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(set(numbers))),),
        )
        return {integer(r[0]): str(r[1]) for r in cur}

    def leak_cases(self, case_ids: Sequence[str]) -> dict[str, LeakCaseRow]:
        cur = self._conn.execute(
            "SELECT no, case_id, terms, kinds FROM leak_cases "
            "WHERE case_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(case_ids)),),
        )
        return {
            str(r[1]): LeakCaseRow(str(r[1]), blob(r[2]), blob(r[3]), integer(r[0])) for r in cur
        }

    def find_leak_terms_v1(
        self,
        terms: Sequence[bytes],
        *,
        per_term: int | None = None,
        cases: Sequence[str] | None = None,
    ) -> list[tuple[bytes, str, bytes]]:
        if self._one("SELECT 1 FROM leak_terms_v1 LIMIT 1", ()) is None:
            return []  # no row of the earlier layout (a vault made since, or all saved again)
        cur = self._conn.execute(
            "SELECT term, case_id, sealed FROM (SELECT term, case_id, sealed, "
            "row_number() OVER (PARTITION BY term) AS n FROM leak_terms_v1 "
            "WHERE term IN (SELECT unhex(value) FROM json_each(?1)) "
            "AND (?2 IS NULL OR case_id IN (SELECT value FROM json_each(?2)))) "
            "WHERE ?3 IS NULL OR n <= ?3",
            _term_lookup(terms, cases, per_term),
        )
        return [(blob(r[0]), str(r[1]), blob(r[2])) for r in cur]

    def leak_lengths(self, slots: Sequence[bytes]) -> dict[bytes, bytes]:
        cur = self._conn.execute(
            "SELECT slot, sealed FROM leak_lengths "
            "WHERE slot IN (SELECT unhex(value) FROM json_each(?))",
            (json.dumps([s.hex() for s in slots]),),
        )
        return {blob(r[0]): blob(r[1]) for r in cur}

    def put_leak_lengths(self, rows: Iterable[tuple[bytes, bytes]]) -> None:
        self._conn.executemany(
            "INSERT INTO leak_lengths(slot, sealed) VALUES (?, ?) "
            "ON CONFLICT(slot) DO UPDATE SET sealed = excluded.sealed",
            list(rows),
        )

    # --- drafts and reviews --------------------------------------------------------------------

    _DRAFT_COLS = (
        "SELECT draft_id, version, subject, lang, author, created_at, body, signature, log_seq"
    )

    @staticmethod
    def _draft(r: Any) -> DraftRow:
        return DraftRow(
            r[0], integer(r[1]), r[2], r[3], r[4], r[5], blob(r[6]), blob(r[7]), integer(r[8])
        )

    def put_draft(self, row: DraftRow) -> None:
        self._exec(
            "INSERT INTO drafts(draft_id, version, subject, lang, author, created_at, body, "
            "signature, log_seq) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                row.draft_id,
                row.version,
                row.subject,
                row.lang,
                row.author,
                row.created_at,
                row.body,
                row.signature,
                row.log_seq,
            ),
        )

    def draft(self, draft_id: str, version: int | None = None) -> DraftRow | None:
        if version is None:
            r = self._one(
                self._DRAFT_COLS + " FROM drafts WHERE draft_id = ? ORDER BY version DESC LIMIT 1",
                (draft_id,),
            )
        else:
            r = self._one(
                self._DRAFT_COLS + " FROM drafts WHERE draft_id = ? AND version = ?",
                (draft_id, version),
            )
        return self._draft(r) if r else None

    def drafts(self) -> list[DraftRow]:
        """The latest version of every draft."""
        cur = self._conn.execute(
            "SELECT draft_id, version, subject, lang, author, created_at, body, signature, log_seq "
            "FROM drafts d WHERE version = (SELECT max(version) FROM drafts "
            "WHERE draft_id = d.draft_id) ORDER BY draft_id"
        )
        return [self._draft(r) for r in cur]

    def count_drafts(self) -> int:
        return int(self._one("SELECT count(DISTINCT draft_id) FROM drafts", ())[0])

    def put_review(self, row: ReviewRow) -> None:
        self._exec(
            "INSERT INTO reviews(draft_id, version, reviewer, verdict, created_at, body, "
            "signature, log_seq) VALUES (?,?,?,?,?,?,?,?)",
            (
                row.draft_id,
                row.version,
                row.reviewer,
                row.verdict,
                row.created_at,
                row.body,
                row.signature,
                row.log_seq,
            ),
        )

    def reviews(self, draft_id: str, version: int) -> list[ReviewRow]:
        cur = self._conn.execute(
            "SELECT draft_id, version, reviewer, verdict, created_at, body, signature, log_seq "
            "FROM reviews WHERE draft_id = ? AND version = ? ORDER BY created_at",
            (draft_id, version),
        )
        return [
            ReviewRow(r[0], integer(r[1]), r[2], r[3], r[4], blob(r[5]), blob(r[6]), integer(r[7]))
            for r in cur
        ]

    # --- actions -------------------------------------------------------------------------------

    def put_action(self, row: ActionRow) -> None:
        self._conn.execute(
            "INSERT INTO actions(action_id, version, author, updated_at, body, signature) "
            "VALUES (?,?,?,?,?,?) ON CONFLICT(action_id) DO UPDATE SET version=excluded.version,"
            " author=excluded.author, updated_at=excluded.updated_at, body=excluded.body,"
            " signature=excluded.signature",
            (row.action_id, row.version, row.author, row.updated_at, row.body, row.signature),
        )

    def action(self, action_id: str) -> ActionRow | None:
        r = self._one(
            "SELECT action_id, version, author, updated_at, body, signature FROM actions "
            "WHERE action_id = ?",
            (action_id,),
        )
        return ActionRow(r[0], int(r[1]), r[2], r[3], blob(r[4]), blob(r[5])) if r else None

    def action_ids(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT action_id FROM actions ORDER BY 1")]


def _term_lookup(
    terms: Sequence[bytes], cases: Sequence[str] | None, per_term: int | None
) -> tuple[str, str | None, int | None]:
    """A leak-term lookup's parameters: the terms and the cases as bound JSON arrays."""
    return (
        json.dumps([t.hex() for t in terms]),
        None if cases is None else json.dumps(list(cases)),
        per_term,
    )


def _pair(term: bytes, no: int) -> bytes:
    try:
        return runs.pair(term, no)
    except ValueError as e:
        raise IntegrityError(f"the leak index is damaged ({e})") from None


def _whole_run(data: bytes) -> bytes:
    try:
        return runs.check_whole(data)
    except ValueError:
        raise IntegrityError("the leak index is damaged (a run of it is malformed)") from None


class _RunEdits:
    """The writes an edit of the runs makes, gathered to be made together."""

    def __init__(self) -> None:
        self.deleted: list[tuple[int]] = []
        self.rekeyed: list[tuple[bytes, bytes, int]] = []
        self.updated: list[tuple[bytes, int]] = []
        self.added: list[bytes] = []
        self.unmarked: list[tuple[bytes]] = []  # the keys whose marks go
        self.marked: list[tuple[bytes, bytes]] = []  # (key, its run's marks now)
        self.changed = 0

    def add(self, rowid: int, key: bytes, pairs: list[bytes], data: bytes, *, add: bool) -> None:
        made, delta = runs.edit(_whole_run(data), pairs, add=add)
        self.changed += delta
        if not made:
            self.deleted.append((rowid,))
            self.unmarked.append((key,))
        elif delta:
            first, *rest = made
            if first[: runs.PAIR] < key:  # only the first run's: a pair below every key
                self.rekeyed.append((first[: runs.PAIR], first, rowid))
                self.unmarked.append((key,))
                self.marked.append((first[: runs.PAIR], runs.marks(first)))
            else:
                self.updated.append((first, rowid))
                self.marked.append((key, runs.marks(first)))
            self.added += rest
