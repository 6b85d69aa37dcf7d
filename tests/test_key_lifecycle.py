"""Revocation, re-keying a person and rotation (issue 17), attacked with what a leaver keeps.

The leaver is cara, the demo's caseworker. Before she goes she copies everything a member can
reach: her sealed identity file and passphrase, the database key, and every level key her role
key opens (a caseworker reads every level). A second caseworker, cai, stays.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlcipher3

from tests.conftest import passphrase_for
from vault.crypto import Passphrase, _primitives, unseal_identity
from vault.crypto.hierarchy import data_key_ad, db_key_info, level_key_ad, role_key_info
from vault.errors import AuthenticationError, DecryptionError, IntegrityError, UsageError
from vault.models.secret import SecretBytes
from vault.policy import state as signed_state
from vault.services import cases, layout, lifecycle, users
from vault.services.members import append_state
from vault.services.session import Vault
from vault.store import SqlCipherStore

CAI = Passphrase.from_text("cai-invented-passphrase-for-tests")
AFTER = "UA-900-26-100"
CASEVAULT = str(Path(sys.executable).with_name("casevault"))


def _pw(name: str) -> Passphrase:
    return CAI if name == "cai" else passphrase_for(name)


def _open(root: Path, name: str) -> Vault:
    return Vault.open(root, name, _pw)


def _db_key(root: Path, name: str, keyring: dict | None = None) -> bytes:
    keyring = keyring or layout.read_keyring(root)
    ident = unseal_identity(keyring["identities"][name], _pw(name))
    wrapped = base64.b64decode(keyring["db_key_wraps"][name])
    return ident.open_wrapped(wrapped, db_key_info(keyring["vault_id"], name), "db").reveal()


@contextlib.contextmanager
def _raw(root: Path, key: bytes):  # type: ignore[no-untyped-def]
    conn = sqlcipher3.connect(str(root / layout.DB_NAME), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA cipher_log_level = NONE")
    try:
        yield conn
    finally:
        conn.close()


def _with_second_caseworker(root: Path) -> None:
    with _open(root, "ada") as v:
        users.add_member(v, "cai", "caseworker", passphrase=lambda: CAI)
    with _open(root, "cara"):  # a holder unlocks: cai's keys reach her
        pass


def _what_cara_takes(root: Path) -> tuple[dict, bytes, list[bytes]]:
    """Her keyring entry, the database key, and every level key her role key opens."""
    keyring = layout.read_keyring(root)
    vault_id = keyring["vault_id"]
    ident = unseal_identity(keyring["identities"]["cara"], passphrase_for("cara"))
    key = _db_key(root, "cara")
    taken: list[bytes] = []
    with _raw(root, key) as db:
        rows = db.execute("SELECT kind, name, epoch, holder, wrapped FROM key_wraps").fetchall()
    role_keys = {}
    for kind, name, epoch, holder, wrapped in rows:
        if kind == "role" and holder == "cara":
            info = role_key_info(vault_id, name, epoch, "cara", ident.public.kem_public)
            role_keys[(name, epoch)] = ident.open_wrapped(bytes(wrapped), info, "role").reveal()
    for kind, name, epoch, holder, wrapped in rows:
        role, _, role_epoch = holder.partition("@")
        rk = role_keys.get((role, int(role_epoch))) if role_epoch else None
        if kind == "level" and rk is not None:
            ad = level_key_ad(vault_id, name, epoch, role, int(role_epoch))
            taken.append(_primitives.aead_open(rk, bytes(wrapped), ad, "level"))
    assert len(taken) == 4, "a caseworker's role key opens every level key"
    return keyring["identities"]["cara"], key, [*taken, *role_keys.values()]


def _opened_by(root: Path, db_key: bytes, keys: list[bytes], record: str | None = None) -> int:
    """How many data-key wraps (of ``record``, or of every record) any of ``keys`` opens."""
    vault_id = layout.read_keyring(root)["vault_id"]
    with _raw(root, db_key) as db:
        rows = db.execute("SELECT record, version, level, epoch, wrapped FROM data_key_wraps")
        rows = [r for r in rows.fetchall() if record is None or r[0] == record]
    assert rows, "the attack must see wrapped data keys"
    opened = 0
    for rec, version, level, epoch, wrapped in rows:
        ad = data_key_ad(vault_id, rec, version, level, epoch)
        for k in keys:
            with contextlib.suppress(DecryptionError):
                _primitives.aead_open(k, bytes(wrapped), ad, "dek")
                opened += 1
    return opened


def test_a_leaver_with_identity_passphrase_and_old_db_key_reads_nothing_new(
    demo_path: Path,
) -> None:
    root = demo_path
    _with_second_caseworker(root)
    sealed, old_db_key, taken = _what_cara_takes(root)
    # sanity: what she took does open today's data keys (the attack below can succeed)
    assert _opened_by(root, old_db_key, taken) > 0

    with _open(root, "ada") as v:
        r = lifecycle.revoke(v, "cara", "left the organisation")
    assert r.database_rekeyed and r.epochs["level:secret"] == 2 and r.epochs["db:key"] == 2
    keyring = layout.read_keyring(root)
    assert "cara" not in keyring["db_key_wraps"] and "cara" not in keyring["identities"]

    # her identity file and passphrase: not a member any more
    keyring["identities"]["cara"] = sealed
    layout.write_json_atomic(root / layout.KEYRING_NAME, keyring)
    with pytest.raises(AuthenticationError, match="was revoked"):
        _open(root, "cara")
    # her old database key: the file was re-keyed
    with pytest.raises(Exception, match=r"could not be opened|key is wrong"):
        SqlCipherStore.open(root / layout.DB_NAME, SecretBytes(old_db_key))

    with _open(root, "cai") as v:  # the first caseworker after: the new epochs are made
        cases.add_case(
            v,
            {"case_id": AFTER, "full_name": "Invented After", "id_numbers": []},
        )
    new_db_key = _db_key(root, "cai")
    # Worst case: she also got hold of the new database file and key. A field written after
    # the revocation is under the new epoch: nothing she kept opens its data keys.
    assert _opened_by(root, new_db_key, taken, record=f"case:{AFTER}") == 0
    assert _opened_by(root, new_db_key, taken) > 0  # older records: until the rotation

    with _open(root, "cai") as v:
        report = lifecycle.rotate(v, batch=40)
        assert report.retired and sum(report.rewrapped.values()) > 200
        assert lifecycle.pending(v) == dict.fromkeys(v.policy.levels, 0)
        assert cases.show_case(v, AFTER).values["full_name"] == "Invented After"
        assert [c.case_id for c in cases.find_cases(v, "Invented After").cases] == [AFTER]
    # after the rotation nothing she kept opens any data key, nor any key wrap left
    assert _opened_by(root, new_db_key, taken) == 0
    with _raw(root, new_db_key) as db:
        epochs = {r[0] for r in db.execute("SELECT epoch FROM key_wraps WHERE kind = 'level'")}
    assert epochs == {2}
    # and the others still read everything
    with _open(root, "rui") as v:
        assert cases.show_case(v, AFTER).values["full_name"] == "Invented After"


def test_the_last_admin_cannot_be_revoked_nor_revoke_themselves(demo_path: Path) -> None:
    with _open(demo_path, "ada") as v:
        with pytest.raises(UsageError, match="last person who manages people"):
            lifecycle.revoke(v, "ada", "testing")  # herself, and the last admin: that is said
        with pytest.raises(UsageError, match="reason"):
            lifecycle.revoke(v, "cara", "   ")
        # past the service's own check, the signed state itself refuses it
        with v.store.write(), pytest.raises(IntegrityError, match="last person managing"):
            m = v.members.verified("ada")
            payload = {
                **signed_state.member_payload("ada", "admin", m.sign_public, m.kem_public),
                "reason": "x",
            }
            append_state(v.store, v.state, v.identity, signed_state.MEMBER_REVOKE, payload, "t", 0)
        users.add_member(v, "bea", "admin", passphrase=lambda: CAI)
        with pytest.raises(UsageError, match="yourself"):
            lifecycle.revoke(v, "ada", "testing")


def test_revoking_someone_already_revoked_and_unknown_names_are_refused(demo_path: Path) -> None:
    with _open(demo_path, "ada") as v:
        lifecycle.revoke(v, "pia", "left")
        with pytest.raises(UsageError, match="already revoked"):
            lifecycle.revoke(v, "pia", "again")
        with pytest.raises(Exception, match="no member named"):
            lifecycle.revoke(v, "nobody", "x")
        listed = {m.name: m for m in users.list_members(v)}
        assert listed["pia"].revoked_at is not None and not listed["pia"].has_keys


def test_a_re_keyed_person_keeps_their_history_and_the_old_identity_opens_nothing(
    demo_path: Path,
) -> None:
    _with_second_caseworker(demo_path)  # who hands her the keys again
    old_sealed = layout.read_keyring(demo_path)["identities"]["cara"]
    new_pw = Passphrase.from_text("cara-new-invented-passphrase")
    with _open(demo_path, "ada") as v:
        r = lifecycle.rekey_member(v, "cara", passphrase=lambda: new_pw)
    assert r.database_rekeyed
    with pytest.raises(AuthenticationError):  # the new identity is sealed with the new one
        _open(demo_path, "cara")
    # the old identity file with the old passphrase: not the enrolled one any more
    old_file = demo_path.parent / "cara-old.identity"
    old_file.write_text(json.dumps(old_sealed), "utf-8")
    with pytest.raises(AuthenticationError):
        Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara"), identity_file=old_file)
    with Vault.open(demo_path, "cara", lambda _n: new_pw) as v:
        assert v.notice.waiting_for_keys  # until a caseworker holding the keys unlocks
    with _open(demo_path, "cai") as v:
        assert "cara" in v.notice.delivered
    with Vault.open(demo_path, "cara", lambda _n: new_pw) as v:
        # her cases, signed with her old key, still verify; she writes under the new epochs
        some = cases.summaries(v, v.store.case_ids(limit=3))
        assert len(some) == 3
        cases.add_case(v, {"case_id": AFTER, "full_name": "Invented After", "id_numbers": []})
    code = _cli(demo_path, "ada", "audit", "verify")
    assert code.returncode == 0, code.stderr


def test_a_re_key_cut_short_after_the_file_was_re_encrypted_still_opens(demo_path: Path) -> None:
    """A crash between PRAGMA rekey and the keyring's promotion: the staged key opens the file,
    and the next unlock makes it final."""
    with _open(demo_path, "ada") as v:
        with v.store.write():
            m = v.members.verified("pia")
            payload = {
                **signed_state.member_payload("pia", "publisher", m.sign_public, m.kem_public),
                "reason": "left",
            }
            v.change_state(signed_state.MEMBER_REVOKE, payload)
        # the re-key's first two phases only (as if killed before the promotion)
        original = layout.promote_db_key
        try:
            layout.promote_db_key = lambda *_a, **_k: None  # type: ignore[assignment]
            assert v.rekey_database()
        finally:
            layout.promote_db_key = original
    keyring = layout.read_keyring(demo_path)
    assert "next_db_key" in keyring and "pia" in keyring["db_key_wraps"]
    with _open(demo_path, "rui") as v:
        assert v.store.count_cases() == 64
    keyring = layout.read_keyring(demo_path)
    assert "next_db_key" not in keyring and "pia" not in keyring["db_key_wraps"]


def test_an_entry_signed_by_a_revoked_member_after_revocation_is_forged(demo_path: Path) -> None:
    """She kept her signing key and (somehow) the new database key: an entry she appends after
    her revocation does not count."""
    from vault.audit.log import AuditEvent, AuditLog

    keyring = layout.read_keyring(demo_path)
    cara = unseal_identity(keyring["identities"]["cara"], passphrase_for("cara"))
    with _open(demo_path, "ada") as v:
        lifecycle.revoke(v, "pia", "left")  # someone else first: history exists
        lifecycle.revoke(v, "rui", "left")
    with _open(demo_path, "ada") as v, v.store.write():
        AuditLog(v.store, v.vault_id).append(
            cara, cara.public.sign_public, [AuditEvent("case.read")], "2026-12-03T00:00:00Z"
        )
    # cara is still a member here; rui was revoked: forge as rui
    keyring2 = layout.read_keyring(demo_path)
    assert "rui" not in keyring2["db_key_wraps"]
    rui = unseal_identity(keyring["identities"]["rui"], passphrase_for("rui"))
    with _open(demo_path, "ada") as v, v.store.write():
        AuditLog(v.store, v.vault_id).append(
            rui, rui.public.sign_public, [AuditEvent("case.read")], "2026-12-03T00:00:01Z"
        )
    code = _cli(demo_path, "ada", "audit", "verify")
    assert code.returncode == 5
    # named by the log check, or already by the unlock: the tree head she signed with the
    # forged entry does not count either (her key no longer counted at its size)
    assert "after they were revoked" in code.stderr or "no longer counted" in code.stderr


def _cli(root: Path, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed command, as a person runs it (a process of its own)."""
    env = {**os.environ, "CASEVAULT_PASSPHRASE": _pw(user).reveal().decode()}
    return subprocess.run(
        [CASEVAULT, "--vault", str(root), "--user", user, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def _stale(root: Path, key: bytes) -> tuple[int, bytes | None]:
    with _raw(root, key) as db:
        (n,) = db.execute("SELECT count(*) FROM data_key_wraps WHERE epoch < 2").fetchone()
        meta = db.execute("SELECT value FROM meta WHERE key = 'rotation'").fetchone()
    return int(n), None if meta is None else bytes(meta[0])


def test_a_rotation_killed_in_the_middle_leaves_a_vault_that_opens_and_finishes(
    demo_path: Path,
) -> None:
    root = demo_path
    _with_second_caseworker(root)
    with _open(root, "ada") as v:
        lifecycle.revoke(v, "cara", "left")
    with _open(root, "cai"):
        pass  # the new epochs are made
    key = _db_key(root, "cai")
    total, _ = _stale(root, key)
    assert total > 200
    env = {**os.environ, "CASEVAULT_PASSPHRASE": CAI.reveal().decode()}
    proc = subprocess.Popen(  # one data key per transaction: plenty of instants to be killed at
        [CASEVAULT, "--vault", str(root), "--user", "cai", "keys", "rotate", "--batch", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            left, _ = _stale(root, key)
            if 0 < left < total - 20:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    left, _ = _stale(root, key)
    assert 0 < left < total, "killed in the middle of the re-wrap"
    # the vault opens and reads: the old epochs are still live
    with _open(root, "rui") as v:
        assert cases.show_case(v, "UA-061-21-001").values["full_name"]
    done = _cli(root, "cai", "keys", "rotate")
    assert done.returncode == 0, done.stderr
    assert "Retired" in done.stdout
    assert _stale(root, key)[0] == 0
    again = _cli(root, "cai", "keys", "rotate")
    assert again.returncode == 0 and "Nothing to rotate" in again.stdout
    assert _cli(root, "ada", "audit", "verify").returncode == 0


def _log_size(root: Path) -> int:
    with _raw(root, _db_key(root, "rui")) as db:
        return int(db.execute("SELECT count(*) FROM audit_entries").fetchone()[0])


@pytest.mark.parametrize(
    ("user", "args", "code", "says"),
    [
        ("ada", ["user", "revoke", "ada", "--reason", "x"], 2, "last person who manages"),
        ("ada", ["user", "revoke", "nobody", "--reason", "x"], 4, "no member named"),
        ("ada", ["user", "revoke", "cara", "--reason", " "], 2, "give a reason"),
        ("cara", ["user", "revoke", "pia", "--reason", "x"], 3, "may not revoke"),
        ("rui", ["user", "rekey", "pia"], 3, "may not re-key"),
        ("cara", ["keys", "rotate", "--batch", "0"], 2, "--batch"),
        ("rui", ["keys", "rotate"], 3, "may not rotate"),
    ],
)
def test_bad_lifecycle_commands_are_one_line_and_change_nothing(
    demo_path: Path, user: str, args: list[str], code: int, says: str
) -> None:
    _cli(demo_path, "rui", "case", "list")  # settle first-unlock work before measuring
    before = _log_size(demo_path)
    keyring = (demo_path / layout.KEYRING_NAME).read_bytes()
    r = _cli(demo_path, user, *args)
    assert r.returncode == code, r.stderr
    assert says in r.stderr and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert (demo_path / layout.KEYRING_NAME).read_bytes() == keyring
    assert _log_size(demo_path) == before


def test_a_revocation_cut_short_before_the_re_key_is_finished_by_the_next_unlock(
    demo_path: Path,
) -> None:
    """A crash after the signed revocation committed but before the database was re-keyed:
    the next person to unlock re-keys it; the revoked person's wrap leaves the keyring."""
    old_key = _db_key(demo_path, "rui")
    with _open(demo_path, "ada") as v, v.store.write():
        m = v.members.verified("pia")
        payload = {
            **signed_state.member_payload("pia", "publisher", m.sign_public, m.kem_public),
            "reason": "left",
        }
        v.change_state(signed_state.MEMBER_REVOKE, payload)
    assert "pia" in layout.read_keyring(demo_path)["db_key_wraps"]  # not re-keyed yet
    with _open(demo_path, "rui") as v:
        assert v.store.count_cases() == 64
    assert "pia" not in layout.read_keyring(demo_path)["db_key_wraps"]
    with pytest.raises(Exception, match=r"could not be opened|key is wrong"):
        SqlCipherStore.open(demo_path / layout.DB_NAME, SecretBytes(old_key))


def test_a_re_key_with_a_public_key_file_drops_the_old_sealed_identity(
    demo_path: Path, tmp_path: Path
) -> None:
    new_pw = Passphrase.from_text("pia-own-new-invented-passphrase")
    _, pub, _ = users.new_identity("pia", new_pw, tmp_path / "pia-laptop")
    with _open(demo_path, "ada") as v:
        lifecycle.rekey_member(v, "pia", public=users.read_public_identity(pub))
    keyring = layout.read_keyring(demo_path)
    assert "pia" not in keyring["identities"] and "pia" in keyring["db_key_wraps"]
    private = tmp_path / "pia-laptop" / "pia.identity"
    with Vault.open(demo_path, "pia", lambda _n: new_pw, identity_file=private) as v:
        assert v.user == "pia"
