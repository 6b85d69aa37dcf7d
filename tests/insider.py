"""What an insider holds: any member can unwrap the database key with their own identity and
open vault.db directly, outside casevault. Attack tests use this, then run the product's own
commands as each role and assert the refusal a person sees."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3
from click.testing import CliRunner, Result

from tests.conftest import PASSPHRASES, passphrase_for
from vault.cli import cli
from vault.crypto import Identity, unseal_identity
from vault.crypto.hierarchy import db_key_info
from vault.services import layout


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
