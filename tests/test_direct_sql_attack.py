"""Issue 2, point 6: access is enforced by cryptography, not by `if` statements.

A reviewer or publisher who holds the SQLCipher key (every member does) opens the database with
raw SQL, takes every wrapped key and every ciphertext, and tries every key they can obtain on
every ciphertext above their levels. Nothing opens. The same harness *does* open the levels they
may read, which shows the attack is real and not vacuous.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
from pathlib import Path

import pytest
import sqlcipher3

from tests.conftest import BY_ROLE, passphrase_for
from vault.crypto import _primitives, hierarchy, unseal_identity
from vault.errors import DecryptionError
from vault.services import layout

LEVELS = ["public", "restricted", "confidential", "secret"]
READS = {
    "reviewer": {"public", "restricted", "confidential"},
    "publisher": set(),
    "admin": set(),
}


def _raw_attack(
    root: Path, name: str, table: str = "case_versions", record_kind: str = "case"
) -> tuple[set[str], set[str], int]:
    """Returns (levels whose fields opened, levels that stayed closed, attempts made)."""
    keyring = layout.read_keyring(root)
    vault_id = keyring["vault_id"]
    ident = unseal_identity(keyring["identities"][name], passphrase_for(name))
    private_kem = ident._kem.reveal()
    db_key = _primitives.hpke_open(
        private_kem,
        base64.b64decode(keyring["db_key_wraps"][name]),
        hierarchy.db_key_info(vault_id, name),
        "db",
    )
    conn = sqlcipher3.connect(str(root / layout.DB_NAME))
    conn.execute(f"PRAGMA key = \"x'{db_key.hex()}'\"")
    wraps = conn.execute("SELECT kind, name, epoch, holder, wrapped FROM key_wraps").fetchall()
    bodies = [bytes(r[0]) for r in conn.execute(f"SELECT body FROM {table}")]  # noqa: S608
    dk_wraps = {
        (r[0], int(r[1]), r[2]): (int(r[3]), bytes(r[4]))
        for r in conn.execute("SELECT record, version, level, epoch, wrapped FROM data_key_wraps")
    }
    conn.close()
    assert bodies, "the attack must see ciphertexts"

    # Every symmetric key this person can obtain by any route.
    obtained: list[bytes] = []
    for kind, role, epoch, holder, wrapped in wraps:
        if kind != "role":
            continue
        # try the context the wrap was made for, and one naming the attacker
        for ctx_holder in {holder, name}:
            with contextlib.suppress(DecryptionError):
                obtained.append(
                    _primitives.hpke_open(
                        private_kem,
                        bytes(wrapped),
                        hierarchy.role_key_info(
                            vault_id, role, epoch, ctx_holder, ident.public.kem_public
                        ),
                        "role",
                    )
                )
    grew = True
    while grew:  # close over key-wraps: any key that unwraps another adds it
        grew = False
        for (kind, lname, epoch, holder, wrapped), k in itertools.product(wraps, list(obtained)):
            if kind not in ("level", "index"):
                continue
            role, _, role_epoch = holder.partition("@")
            make = hierarchy.level_key_ad if kind == "level" else hierarchy.index_key_ad
            ad = make(vault_id, lname, epoch, role, int(role_epoch))
            try:
                got = _primitives.aead_open(k, bytes(wrapped), ad, "level")
            except DecryptionError:
                continue
            if got not in obtained:
                obtained.append(got)
                grew = True

    opened: set[str] = set()
    closed: set[str] = set()
    attempts = 0
    for body in bodies:
        d = json.loads(body)
        rid = f"{record_kind}:{d['record_id']}"
        deks: list[bytes] = []
        for level in d["keys"]:
            epoch, wrapped = dk_wraps[(rid, d["version"], level)]
            ad = hierarchy.data_key_ad(vault_id, rid, d["version"], level, epoch)
            for k in obtained:
                with contextlib.suppress(DecryptionError):
                    deks.append(_primitives.aead_open(k, wrapped, ad, "dek"))
        for fname, entry in d["fields"].items():
            level = entry["level"]
            ad = hierarchy.field_ad(
                vault_id,
                rid,
                d["version"],
                fname,
                level,
                hierarchy.key_id(level, d["keys"][level]["epoch"]),
            )
            ok = False
            for k in obtained + deks:  # every key, not only the "right" one
                attempts += 1
                try:
                    _primitives.aead_open(k, base64.b64decode(entry["ct"]), ad, "field")
                    ok = True
                except DecryptionError:
                    pass
            (opened if ok else closed).add(level)
    return opened, closed, attempts


@pytest.mark.parametrize("role", ["reviewer", "publisher", "admin"])
def test_raw_sql_with_db_key_cannot_decrypt_above_role(demo_path: Path, role: str) -> None:
    opened, closed, attempts = _raw_attack(demo_path, BY_ROLE[role])
    assert attempts > 0
    assert opened == READS[role], f"{role} opened {sorted(opened)}"
    assert closed == set(LEVELS) - READS[role]


def test_caseworker_control_opens_every_level(demo_path: Path) -> None:
    """Control: the same harness, run as a caseworker, opens all four levels."""
    opened, closed, _ = _raw_attack(demo_path, BY_ROLE["caseworker"])
    assert opened == set(LEVELS)
    assert closed == set()


@pytest.fixture
def drafted(demo_path: Path) -> Path:
    """A draft whose source leaks a secret value, so that it holds a secret original."""
    from vault.services import cases, drafts
    from vault.services.demo_data import demo_cases
    from vault.services.session import Vault

    rec = demo_cases()[5]
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        phone = rec["family_contacts"][0]["phone"]
        cases.edit_case(
            v,
            rec["case_id"],
            {"public_summary": f"Call {phone}."},
            allow_leak="a leak planted on purpose, to test redaction",
        )
        d = drafts.create_draft(v, rec["case_id"], "en")
        assert any(r.level == "secret" for r in d.redactions)
    return demo_path


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("reviewer", {"publication"}),  # text and redactions; the source holds a secret value
        ("publisher", {"publication"}),  # the redacted text and list only
        ("admin", set()),
    ],
)
def test_raw_sql_on_drafts_opens_only_what_the_role_holds(
    drafted: Path, role: str, expected: set[str]
) -> None:
    opened, closed, attempts = _raw_attack(drafted, BY_ROLE[role], "drafts", "draft")
    assert attempts > 0
    assert opened == expected
    assert "secret" in closed


def test_caseworker_control_opens_every_draft_level(drafted: Path) -> None:
    opened, _, _ = _raw_attack(drafted, BY_ROLE["caseworker"], "drafts", "draft")
    assert opened == {"publication", "secret"}  # the source is sealed at its highest level
