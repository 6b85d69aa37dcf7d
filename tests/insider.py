"""What an insider holds: any member can unwrap the database key with their own identity and
open vault.db directly, outside casevault. Attack tests use this, then run the product's own
commands as each role and assert the refusal a person sees."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlcipher3
from click.testing import CliRunner, Result

from tests.conftest import PASSPHRASES, passphrase_for
from vault.cli import cli
from vault.crypto import Identity, unseal_identity
from vault.crypto.hierarchy import db_key_info
from vault.services import layout
from vault.store import leak_runs as runs


def db_key(root: Path, name: str) -> bytes:
    """The SQLCipher key, as member ``name`` recovers it from the keyring with their identity."""
    keyring = layout.read_keyring(root)
    ident = unseal_identity(keyring["identities"][name], passphrase_for(name))
    wrapped = base64.b64decode(keyring["db_key_wraps"][name])
    return ident.open_wrapped(wrapped, db_key_info(keyring["vault_id"], name), "db").reveal()


@contextlib.contextmanager
def raw_db(root: Path, name: str) -> Iterator[Any]:
    """A plain sqlcipher3 connection to the vault's database, keyed as ``name`` would key it;
    commits on exit."""
    conn = sqlcipher3.connect(str(root / layout.DB_NAME), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{db_key(root, name).hex()}'\"")
    conn.execute("PRAGMA cipher_log_level = NONE")
    try:
        yield conn
    finally:
        conn.close()


def identity(root: Path, name: str) -> Identity:
    """Member ``name``'s own identity (an insider holds their own private keys)."""
    keyring = layout.read_keyring(root)
    return unseal_identity(keyring["identities"][name], passphrase_for(name))


def state_rows(db: Any) -> list[tuple[int, bytes, bytes, int]]:
    """(seq, body, signature, log_seq) of every state record."""
    rows = db.execute("SELECT seq, body, signature, log_seq FROM state_records ORDER BY seq")
    return [(int(r[0]), bytes(r[1]), bytes(r[2]), int(r[3])) for r in rows]


def run_as(root: Path, name: str, *args: str) -> Result:
    """``casevault ARGS`` as member ``name`` of the vault at ``root`` (in process)."""
    env = {
        "CASEVAULT_PATH": str(root),
        "CASEVAULT_USER": name,
        "CASEVAULT_PASSPHRASE": PASSPHRASES[name],
    }
    return CliRunner().invoke(cli, list(args), env=env)


def leak_pairs(db: Any) -> list[tuple[bytes, int]]:
    """Every (keyed term, case number) pair of the leak index's runs, in their order."""
    out: list[tuple[bytes, int]] = []
    for (data,) in db.execute("SELECT pairs FROM leak_runs ORDER BY key"):
        out += [(runs.term_of(p), runs.number_of(p)) for p in runs.split(bytes(data))]
    return out


def rewrite_leak_pairs(
    db: Any,
    drop: Callable[[bytes, int], bool] = lambda _term, _no: False,
    add: Iterable[tuple[bytes, int]] = (),
) -> int:
    """What an insider with the database key can do to the leak index: every run rewritten,
    well formed, without the pairs ``drop`` picks and with ``add``; returns how many dropped."""
    pairs = leak_pairs(db)
    kept = sorted(
        {runs.pair(t, n) for t, n in pairs if not drop(t, n)} | {runs.pair(t, n) for t, n in add}
    )
    put_leak_runs(db, [(run[0], runs.joined(run)) for run in runs.cut(kept) if run])
    return sum(1 for t, n in pairs if drop(t, n))


def put_leak_runs(db: Any, stored: list[tuple[bytes, bytes]]) -> None:
    """Every run of the leak index replaced by ``stored`` (key, pairs), each with the marks of
    its pairs, as casevault would write them: an insider who knows the layout."""
    db.execute("DELETE FROM leak_runs")
    db.execute("DELETE FROM leak_marks")
    db.executemany("INSERT INTO leak_runs(key, pairs) VALUES (?, ?)", stored)
    db.executemany(
        "INSERT INTO leak_marks(key, marks) VALUES (?, ?)",
        [(key, runs.marks(run)) for key, run in stored],
    )
