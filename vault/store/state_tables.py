"""The SQLCipher tables of the vault's signed state chain (see :mod:`vault.policy.state`)."""

from __future__ import annotations

from typing import Any

from vault.errors import ConflictError, IntegrityError
from vault.store.connection import SqlCipherConnection
from vault.store.interface import StateRow


def blob(value: Any) -> bytes:
    """A BLOB column's value; any other type (a value rewritten as TEXT) is a clean error."""
    if isinstance(value, bytes):
        return value
    raise IntegrityError("a row of the vault database is malformed")


def integer(value: Any) -> int:
    """An INTEGER column's value; any other type is a clean error."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise IntegrityError("a row of the vault database is malformed")


class StateTables(SqlCipherConnection):
    """Append and read the state chain. Rows are trusted only after the chain verifies."""

    def append_state(self, row: StateRow) -> None:
        last = self._one("SELECT max(seq) FROM state_records", ())
        if int(last[0] or 0) + 1 != row.seq:
            raise ConflictError("the vault's state changed meanwhile; nothing was written")
        self._exec(
            "INSERT INTO state_records(seq, kind, author, body, signature, log_seq) "
            "VALUES (?,?,?,?,?,?)",
            (row.seq, row.kind, row.author, row.body, row.signature, row.log_seq),
        )

    def state_seq(self) -> int:
        last = self._one("SELECT max(seq) FROM state_records", ())
        return int(last[0] or 0)

    def state_rows(self) -> list[StateRow]:
        cur = self._conn.execute(
            "SELECT seq, kind, author, body, signature, log_seq FROM state_records ORDER BY seq"
        )
        return [
            StateRow(integer(r[0]), str(r[1]), str(r[2]), blob(r[3]), blob(r[4]), integer(r[5]))
            for r in cur
        ]
