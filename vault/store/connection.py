"""Opening a SQLCipher vault database, its schema, and its transactions.

Opening follows the pitfalls list of docs/DESIGN: the raw 256-bit key is the first statement
(``PRAGMA key = "x'..'"``; no PBKDF2 pass), compatibility is pinned to 4, ``sqlite_master`` is
read at once (a wrong key fails there, not later), ``cipher_version`` must be non-empty, and a
file whose header reads ``SQLite format 3`` is refused as plaintext. Temporary tables stay in
memory so nothing spills to an unencrypted temp file. Writes use ``BEGIN IMMEDIATE`` with a busy
timeout, so a second process waits for the first instead of losing an update: it first tries for
a moment, and if another process holds the write lock it calls the ``on_wait`` hook (the CLI says
"waiting…" on stderr; the store never prints) and then waits the full timeout. Reads do not take
the write lock (WAL lets them read beside a writer), and opening takes it only when a migration is
due, so a command that only reads never queues behind an ordinary write. An import is the
exception (:meth:`SqlCipherConnection.bulk_write`): it runs under a rollback journal so that it
does not need twice the disk it adds, and other processes wait for it to end.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import sqlcipher3

from vault.errors import (
    BusyStoreError,
    ConflictError,
    DamagedStoreError,
    DiskFullError,
    StoreError,
)
from vault.models.secret import SecretBytes
from vault.store.migrations import MIGRATIONS, STEPS

_PLAINTEXT_HEADER = b"SQLite format 3\x00"
_HEX_KEY = re.compile(r"^[0-9a-f]{64}$")
BUSY_TIMEOUT_MS = 30_000
# How long a write tries for the lock before it tells the person it is waiting.
FIRST_TRY_MS = 200

WaitHook = Callable[[], None]

_DbError = sqlcipher3.DatabaseError


#: The page cache of one connection, in KiB.
CACHE_KIB = 64 * 1024


def _raw_key_pragma(key: SecretBytes) -> str:
    hexkey = key.reveal().hex()
    # Only ever a 64-hex-digit literal goes into this PRAGMA (it cannot take a bound parameter).
    if not _HEX_KEY.fullmatch(hexkey):
        raise StoreError("database key must be 32 bytes")
    return f"PRAGMA key = \"x'{hexkey}'\""


def _raw_rekey_pragma(key: SecretBytes) -> str:
    # The same literal form as _raw_key_pragma, for PRAGMA rekey.
    return "PRAGMA rekey" + _raw_key_pragma(key)[len("PRAGMA key") :]


DAMAGED = (
    "the vault database is damaged or unreadable; run 'casevault check' to see what is "
    "damaged, and restore a backup"
)


def _is_busy(e: Exception) -> bool:
    text = str(e).lower()
    return isinstance(e, sqlcipher3.OperationalError) and ("locked" in text or "busy" in text)


#: SQLite's result code for a full disk (SQLITE_FULL): the statement and its transaction were
#: rolled back, and nothing else is wrong with the file.
_SQLITE_FULL = 13


def is_disk_full(e: BaseException) -> bool:
    """Whether SQLite refused a write for want of disk (any SQLCipher connection's error: the
    vault's, and the benchmark's own databases)."""
    return getattr(e, "sqlite_errorcode", None) == _SQLITE_FULL


def _store_error(e: Exception) -> StoreError:
    """SQLite's error as a StoreError that says what a person can do. SQLite's own text is not
    shown: the person cannot act on it, and it is no place for a value."""
    if is_disk_full(e):
        return DiskFullError(
            "the disk is full: nothing was written, and the vault is as it was; free some disk "
            "(an import needs about what it adds) and try again"
        )
    if _is_busy(e):
        return BusyStoreError(
            f"the vault is busy: another casevault process has been writing for over "
            f"{BUSY_TIMEOUT_MS // 1000} seconds; try again when it has finished"
        )
    return DamagedStoreError(DAMAGED)


class _GuardedCursor:
    """A cursor whose fetches turn SQLite errors into StoreError (a damaged page can fail a
    fetch long after the statement started)."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def fetchone(self) -> Any:
        try:
            return self._cursor.fetchone()
        except sqlcipher3.DatabaseError as e:
            raise _store_error(e) from e

    def fetchall(self) -> list[Any]:
        try:
            return list(self._cursor.fetchall())
        except sqlcipher3.DatabaseError as e:
            raise _store_error(e) from e

    @property
    def rowcount(self) -> int:
        """Rows the statement changed (an INSERT, UPDATE or DELETE run to its end)."""
        return int(self._cursor.rowcount)

    def __iter__(self) -> Iterator[Any]:
        while True:
            row = self.fetchone()
            if row is None:
                return
            yield row


class _GuardedConnection:
    """The connection with SQLite's errors turned into StoreError, except a constraint
    violation (IntegrityError), which the store maps to ConflictError where it expects one."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    @property
    def in_transaction(self) -> bool:
        return bool(self._conn.in_transaction)

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> _GuardedCursor:
        try:
            return _GuardedCursor(self._conn.execute(sql, args))
        except sqlcipher3.IntegrityError:
            raise
        except sqlcipher3.DatabaseError as e:
            raise _store_error(e) from e

    def executemany(self, sql: str, rows: Any) -> int:
        """Runs ``sql`` once for each of ``rows``; returns how many rows they changed."""
        try:
            return int(self._conn.executemany(sql, rows).rowcount)
        except sqlcipher3.IntegrityError:
            raise
        except sqlcipher3.DatabaseError as e:
            raise _store_error(e) from e

    @contextmanager
    def first_try(self) -> Iterator[None]:
        """Inside it, a statement that finds the vault locked waits only a moment
        (:data:`FIRST_TRY_MS`), not the full busy timeout."""
        self._conn.execute(f"PRAGMA busy_timeout = {FIRST_TRY_MS:d}")
        try:
            yield
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")

    def begin_immediate(self, on_wait: WaitHook | None) -> None:
        """``BEGIN IMMEDIATE``: try for a moment; if another process holds the write lock, call
        ``on_wait`` once, then wait up to the full busy timeout."""
        try:
            with self.first_try():
                self._conn.execute("BEGIN IMMEDIATE")
            return
        except sqlcipher3.DatabaseError as e:
            if not _is_busy(e):
                raise _store_error(e) from e
        if on_wait is not None:
            on_wait()
        self.execute("BEGIN IMMEDIATE")

    def close(self) -> None:
        self._conn.close()

    def backup(self, target: _GuardedConnection) -> None:
        """SQLite's online backup API, into another open connection."""
        try:
            self._conn.backup(target._conn)
        except sqlcipher3.DatabaseError as e:
            raise _store_error(e) from e


_MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, "
    "applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))"
)
SchemaItem = tuple[str, str, str, str]


def _pending_migrations(conn: Any) -> bool:
    """Whether any named migration is not applied yet (read only: takes no write lock)."""
    table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if table is None:
        return True
    done = {r[0] for r in conn.execute("SELECT name FROM schema_migrations")}
    return any(name not in done for name, _sql in MIGRATIONS)


def _apply_migrations(conn: Any) -> None:
    conn.execute(_MIGRATIONS_TABLE)
    done = {r[0] for r in conn.execute("SELECT name FROM schema_migrations")}
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        for statement in (part.strip() for part in sql.split(";")):
            if statement:
                conn.execute(statement)
        step = STEPS.get(name)
        if step is not None:
            step(conn)
        conn.execute("INSERT INTO schema_migrations(name) VALUES (?)", (name,))


def _schema(conn: Any) -> set[SchemaItem]:
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
    return {(r[0], r[1], r[2], " ".join(str(r[3] or "").split())) for r in rows}


@functools.cache
def _expected_schema() -> frozenset[SchemaItem]:
    """The schema the migrations make, read off an in-memory database (nothing on disk)."""
    conn = sqlcipher3.connect(":memory:", isolation_level=None)
    try:
        _apply_migrations(conn)
        return frozenset(_schema(conn))
    finally:
        conn.close()


class SqlCipherConnection:
    """One keyed connection to one vault database file: opening, schema, transactions."""

    def __init__(self, conn: Any, path: Path, on_wait: WaitHook | None = None) -> None:
        self._conn = _GuardedConnection(conn)
        self.path = path
        self._in_txn = False
        self.on_wait = on_wait

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, key: SecretBytes, *, on_wait: WaitHook | None = None) -> Self:
        if path.exists():
            raise StoreError(f"{path} already exists")
        store = cls._connect(path, key, new=True, on_wait=on_wait)
        store.migrate()
        return store

    @classmethod
    def open(cls, path: Path, key: SecretBytes, *, on_wait: WaitHook | None = None) -> Self:
        """Open and key the database; ``on_wait`` is called when a write must wait for another
        process's write to finish."""
        if not path.is_file():
            raise StoreError(f"{path} is not a vault database")
        with path.open("rb") as fh:
            if fh.read(16) == _PLAINTEXT_HEADER:
                raise StoreError(f"{path} is an unencrypted SQLite file, not a vault")
        store = cls._connect(path, key, new=False, on_wait=on_wait)
        store.migrate()
        return store

    @classmethod
    def _connect(cls, path: Path, key: SecretBytes, *, new: bool, on_wait: WaitHook | None) -> Self:
        try:
            conn = sqlcipher3.connect(
                str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
            )
        except _DbError as e:
            raise StoreError(f"cannot open {path}") from e
        try:
            conn.execute(_raw_key_pragma(key))  # must be the very first statement
            # SQLCipher logs failed page checks to stderr itself; errors reach people as one
            # line of ours instead.
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute("PRAGMA cipher_compatibility = 4")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            version = conn.execute("PRAGMA cipher_version").fetchone()
            if not version or not version[0]:
                raise StoreError("SQLCipher is not active: refusing to use a plaintext database")
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            conn.execute("PRAGMA temp_store = MEMORY")
            # 64 MiB of decrypted pages (SQLite's default is 2 MiB): a case adds hundreds of
            # leak-index rows at random places in a large B-tree, and each page missed is read
            # and decrypted again (issue 23's profile).
            conn.execute(f"PRAGMA cache_size = {-CACHE_KIB:d}")
            conn.execute("PRAGMA foreign_keys = ON")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            if not mode or str(mode[0]).lower() != "wal":
                raise StoreError("could not switch the vault database to WAL mode")
            conn.execute("PRAGMA synchronous = FULL")
        except _DbError as e:
            conn.close()
            if _is_busy(e):  # an import holds the vault (:meth:`bulk_write`)
                raise _store_error(e) from e
            raise StoreError(
                f"{path} could not be opened: not a vault database, or the key is wrong"
            ) from e
        except StoreError:
            conn.close()
            raise
        if new:
            os.chmod(path, 0o600)
        return cls(conn, path, on_wait)

    def migrate(self) -> None:
        """Apply the named migrations not yet applied, then refuse a schema casevault did not
        make: a trigger, view, table or index added by hand (a trigger can drop a person's
        reads from the log) makes the vault refuse to open. Takes the write lock only when a
        migration is due, so opening to read does not wait for another process's write."""
        with self.read():
            pending = _pending_migrations(self._conn)
            found = _schema(self._conn)
        if pending:
            with self.write():
                _apply_migrations(self._conn)
                found = _schema(self._conn)
        expected = _expected_schema()
        extra = sorted(found - expected)
        if extra:
            kind, name = extra[0][0], extra[0][1]
            raise StoreError(
                f"the vault database holds a {kind} {name!r} that casevault did not create, or "
                "a changed one: someone altered its schema; refusing to open it"
            )

    def close(self) -> None:
        self._conn.close()

    # --- whole-file operations ------------------------------------------------------------------

    def rekey(self, new_key: SecretBytes) -> None:
        """Re-encrypt every page of the database under ``new_key`` (SQLCipher ``PRAGMA rekey``,
        the raw-key form). SQLCipher does it in one transaction: a crash leaves the file under
        the old key or the new one, never a mix; the caller must keep both keys reachable until
        this returns (see :mod:`vault.services.layout`). Must not run inside a transaction."""
        if self._in_txn:
            raise StoreError("cannot rekey inside a transaction")
        # WAL frames are encrypted under the old key: fold them into the file first.
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.execute(_raw_rekey_pragma(new_key))
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()

    def snapshot_to(self, path: Path, key: SecretBytes) -> None:
        """A consistent copy of the database at ``path`` (a new file), encrypted under ``key``,
        made with SQLite's online backup API while other processes keep reading and writing:
        the copy is the database as of one committed transaction."""
        if path.exists():
            raise StoreError(f"{path} already exists")
        target = self._connect(path, key, new=True, on_wait=None)
        try:
            self._conn.backup(target._conn)
            target._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            target.close()

    # --- transactions -------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[None]:
        if self._in_txn:
            raise StoreError("nested write transaction")
        self._conn.begin_immediate(self.on_wait)
        self._in_txn = True
        try:
            yield
        except BaseException:
            # SQLite has rolled some failures back itself (a full disk): a second rollback
            # would fail and hide the error that matters
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        else:
            try:
                self._conn.execute("COMMIT")
            except StoreError as e:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                if isinstance(e, DiskFullError):
                    raise
                raise StoreError(f"could not commit the write; nothing was changed ({e})") from e
        finally:
            self._in_txn = False

    @contextmanager
    def bulk_write(self, on_shared: WaitHook | None = None) -> Iterator[None]:
        """:meth:`write` for a transaction that adds much (an import): under a rollback journal
        when no other connection has the vault open, so the free disk it needs is about what it
        adds, not twice that. In WAL mode every page a transaction writes goes first into the
        write-ahead log and is copied into the database only after the commit; under a rollback
        journal new pages go into the database file directly, and only the pages it changes
        that were there before are copied aside (``vault.db-journal``, encrypted as every page
        is). All or nothing either way: a crash leaves a hot journal that the next opening of
        the vault rolls back before reading anything (SQLite's atomic commit). Its commit syncs
        the folder too (``synchronous = EXTRA``): a power cut just after it cannot bring the
        journal back. While it runs, other processes cannot read the vault (they wait, then are
        told it is busy): in WAL mode they could. With another connection open the mode cannot
        change: ``on_shared`` is called, and the transaction runs in WAL mode."""
        if self._in_txn:
            raise StoreError("nested write transaction")
        try:  # the switch inside: an interruption just after it still switches back
            if not self._leave_wal() and on_shared is not None:
                on_shared()
            with self.write():
                yield
        except BaseException:
            with contextlib.suppress(StoreError):  # the error that ended the write matters more
                self._enter_wal()
            raise
        else:
            # committed: the import is in the vault whatever follows. Back in WAL mode if the
            # vault lets this connection switch now; if not, the next opening of it does.
            with contextlib.suppress(StoreError):
                self._enter_wal()

    def _leave_wal(self) -> bool:
        """Switch to a rollback journal if no other connection has the vault open; whether it
        did. Busy (another connection): False. Any other failure is raised."""
        try:
            with self._conn.first_try():
                mode = self._conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        except BusyStoreError:
            return False  # another connection holds it open: stay in WAL mode
        if not mode or str(mode[0]).lower() != "delete":
            return False
        self._conn.execute("PRAGMA synchronous = EXTRA")
        return True

    def _enter_wal(self) -> None:
        """Back to WAL mode and ``synchronous = FULL``, if this connection left them (asked of
        SQLite, not remembered: an interruption may have come between a switch and its
        record)."""
        mode = self._conn.execute("PRAGMA journal_mode").fetchone()
        if mode and str(mode[0]).lower() == "wal":
            return
        mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()
        if not mode or str(mode[0]).lower() != "wal":
            raise StoreError("could not switch the vault database back to WAL mode")
        self._conn.execute("PRAGMA synchronous = FULL")

    @contextmanager
    def read(self) -> Iterator[None]:
        if self._in_txn:
            yield
            return
        self._conn.execute("BEGIN")
        self._in_txn = True
        try:
            yield
        finally:
            self._in_txn = False
            self._conn.execute("COMMIT")

    def integrity_check(self) -> list[str]:
        """Every problem SQLCipher's page check (an HMAC over every page: catches a flipped byte
        in a page no command reads) and SQLite's structural check find; empty when sound."""
        problems = [str(r[0]) for r in self._conn.execute("PRAGMA cipher_integrity_check")]
        if problems:
            return problems
        found = [str(r[0]) for r in self._conn.execute("PRAGMA integrity_check")]
        return [] if found == ["ok"] else found

    def _one(self, sql: str, args: tuple[Any, ...]) -> Any:
        return self._conn.execute(sql, args).fetchone()

    def _exec(self, sql: str, args: tuple[Any, ...]) -> None:
        try:
            self._conn.execute(sql, args)
        except sqlcipher3.IntegrityError as e:
            raise ConflictError("that record already exists; nothing was written") from e
