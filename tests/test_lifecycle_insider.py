"""The key lifecycle (revocation, re-key, rotation, recovery, lock, restore) attacked by insiders.

Every member holds the database key, so any row can be rewritten by any member, and anyone with
file access can edit keyring.json. Some attacks are by a revoked leaver who kept copies of what
she could reach: her sealed identity and passphrase, the old database key, every key her role
key opened, and (where stated) a copy of the whole vault folder. Each test says the attack and
the refusal expected; a test marked ``xfail(strict=True)`` shows a weakness not yet fixed.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import passphrase_for
from tests.insider import db_key as insider_db_key
from tests.insider import identity, raw_db
from vault.audit.log import AuditEvent, AuditLog
from vault.crypto import Identity, Passphrase, PublicIdentity, _primitives, new_key, wrap_to
from vault.crypto.hierarchy import (
    data_key_ad,
    index_key_ad,
    level_key_ad,
    role_key_info,
)
from vault.crypto.recovery import combine_shares, recovery_identity
from vault.errors import AuthenticationError, DecryptionError, IntegrityError, StoreError
from vault.models.member import RECOVERY_NAME
from vault.models.secret import SecretBytes
from vault.policy import KeyRef
from vault.policy import state as signed_state
from vault.services import audit, cases, drafts, layout, lifecycle, recovery, restore, users
from vault.services.keyring import Keyring
from vault.services.members import Members, append_state, load_state
from vault.services.session import Vault
from vault.store import SqlCipherStore

BEA = Passphrase.from_text("bea-invented-passphrase-for-tests")
CASE = "UA-061-21-001"


def _pw(name: str) -> Passphrase:
    return BEA if name == "bea" else passphrase_for(name)


def _open(root: Path, name: str) -> Vault:
    return Vault.open(root, name, _pw)


def _kept_keys(root: Path, name: str) -> dict[tuple[str, str, int], bytes]:
    """Every level and extra key ``name``'s role keys open today, by (kind, name, epoch): what a
    leaver copies before she goes."""
    vault_id = layout.read_keyring(root)["vault_id"]
    ident = identity(root, name)
    with raw_db(root, name) as db:
        rows = db.execute("SELECT kind, name, epoch, holder, wrapped FROM key_wraps").fetchall()
    role_keys: dict[tuple[str, int], bytes] = {}
    for kind, kname, epoch, holder, wrapped in rows:
        if kind == "role" and holder == name:
            info = role_key_info(vault_id, kname, epoch, name, ident.public.kem_public)
            role_keys[(kname, epoch)] = ident.open_wrapped(bytes(wrapped), info, "role").reveal()
    out: dict[tuple[str, str, int], bytes] = {}
    for kind, kname, epoch, holder, wrapped in rows:
        role, _, role_epoch = str(holder).partition("@")
        rk = role_keys.get((role, int(role_epoch))) if role_epoch else None
        if rk is None:
            continue
        make = level_key_ad if kind == "level" else index_key_ad
        ad = make(vault_id, kname, epoch, role, int(role_epoch))
        out[(kind, kname, int(epoch))] = _primitives.aead_open(rk, bytes(wrapped), ad, "key")
    return out


def _opened_wraps(root: Path, reader: str, keys: list[bytes], like: str) -> int:
    """How many data-key wraps of records ``LIKE like`` any of ``keys`` opens (the database read
    with ``reader``'s current key: the worst case, she got hold of the new file and key)."""
    vault_id = layout.read_keyring(root)["vault_id"]
    with raw_db(root, reader) as db:
        rows = db.execute(
            "SELECT record, version, level, epoch, wrapped FROM data_key_wraps WHERE record LIKE ?",
            (like,),
        ).fetchall()
    assert rows, "the attack must see wrapped data keys"
    opened = 0
    for rec, version, level, epoch, wrapped in rows:
        ad = data_key_ad(vault_id, rec, version, level, epoch)
        for k in keys:
            with contextlib.suppress(DecryptionError):
                _primitives.aead_open(k, bytes(wrapped), ad, "dek")
                opened += 1
    return opened


def _setup_recovery(root: Path) -> Identity:
    """Recovery set up by ada (two of two trustees); the recovery identity the shares rebuild."""
    with _open(root, "ada") as v:
        shares = recovery.setup(v, ["Tess", "Uma"], 2)
    return recovery_identity(combine_shares([s.mnemonic for s in shares]))


def _recovery_keyring(root: Path, key: Identity) -> tuple[Keyring, SqlCipherStore]:
    """What ``casevault recover`` holds: the recovery key's own view of the hierarchy."""
    keyring = layout.read_keyring(root)
    vault_id = str(keyring["vault_id"])
    db_key = recovery.open_db_key(keyring, key, vault_id)
    store = SqlCipherStore.open(layout.db_path(root), db_key)
    state, _ = load_state(store, vault_id)
    members = Members(state, store)
    return Keyring(store, state.policy, vault_id, key, RECOVERY_NAME, members, db_key), store


# --- restore: the one way back every memory accepts -------------------------------------------


def test_attack_a_revoked_admin_undoes_her_revocation_with_a_self_signed_restore(
    demo_path: Path, tmp_path: Path
) -> None:
    """ada keeps a copy of the vault folder while she is still an admin. bea (the second admin)
    revokes her; rui unlocks and sees it. ada signs a ``vault.restore`` on her old copy (where
    she is still an admin, so the record verifies) and puts that copy back in the shared folder.
    Expected: rui's memory refuses a vault that rolls back a revocation he saw (or a restore
    signed by someone he knows was revoked). Today it is accepted as a restore, and ada is an
    admin with a working database key again, rui told only "restored on … by ada"."""
    root = demo_path
    with _open(root, "ada") as v:
        users.add_member(v, "bea", "admin", passphrase=lambda: BEA)
    kept = tmp_path / "kept-by-ada"
    shutil.copytree(root, kept)
    with _open(root, "bea") as v:
        lifecycle.revoke(v, "ada", "left the organisation")
    with _open(root, "rui") as v:
        assert not v.state.is_active("ada")
    report = {"backup_id": "b-1", "created_at": "2026-01-01T00:00:00Z", "created_by": "ada"}
    restore.record_restore(kept, "ada", _pw, report)
    shutil.rmtree(root)
    shutil.copytree(kept, root)
    with pytest.raises(IntegrityError), _open(root, "rui") as v:
        assert v.state.is_active("ada")  # what happens today: the revocation is gone


def test_attack_a_rollback_without_a_signed_restore_is_refused(
    demo_path: Path, tmp_path: Path
) -> None:
    """The same old copy put back *without* a restore record (a leaver who cannot sign one, or
    one who skipped it): rui's memory refuses it as a rollback before anything is read."""
    root = demo_path
    kept = tmp_path / "kept"
    shutil.copytree(root, kept)
    with _open(root, "ada") as v:
        lifecycle.revoke(v, "pia", "left")
    with _open(root, "rui"):
        pass
    shutil.rmtree(root)
    shutil.copytree(kept, root)
    with pytest.raises(IntegrityError, match=r"rolled back|rollback"):
        _open(root, "rui").close()


# --- the database re-key ------------------------------------------------------------------------


def test_attack_a_member_sets_db_key_epoch_ahead_but_her_revocation_still_re_keys(
    demo_path: Path,
) -> None:
    """Before she leaves, cara (who holds the database key) writes ``db_key_epoch = 9`` into the
    meta table. ada then revokes her. Expected: the database is re-keyed anyway and cara's old
    database key opens nothing. Today ``rekey_database`` compares the signed epoch (2) with that
    row (9), skips the re-key, and cara's copy of the key keeps opening the live database (her
    wrap even stays in keyring.json)."""
    root = demo_path
    old_key = insider_db_key(root, "cara")
    with raw_db(root, "cara") as db:
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('db_key_epoch', ?)", (b"9",))
    with _open(root, "ada") as v:
        r = lifecycle.revoke(v, "cara", "left")
    with pytest.raises(StoreError):
        SqlCipherStore.open(layout.db_path(root), SecretBytes(old_key)).close()
    assert r.database_rekeyed


def test_attack_a_session_open_during_a_revocation_writes_nothing_under_the_old_key(
    demo_path: Path,
) -> None:
    """cara's session was unlocked before rui's revocation (epochs 1 in its memory). After the
    revocation re-keyed the database, a write from that session would be sealed under the old
    epoch, which the leaver holds: it is refused, because the session's database key no longer
    opens the file. (The message today says the database is *damaged* and suggests restoring a
    backup, which would undo the revocation: it should say the vault was re-keyed.)"""
    root = demo_path
    stale = _open(root, "cara")
    try:
        with _open(root, "ada") as v:
            assert lifecycle.revoke(v, "rui", "left").database_rekeyed
        with pytest.raises(StoreError):
            cases.add_case(stale, {"case_id": "UA-900-26-101", "full_name": "Invented Stale"})
    finally:
        with contextlib.suppress(StoreError):
            stale.close()
    with _open(root, "cara") as v:
        assert cases.show_case(v, CASE).values["full_name"]


# --- what a revoked leaver's keys still open ---------------------------------------------------


def test_attack_a_revoked_publisher_reads_drafts_written_after_her_revocation(
    demo_path: Path,
) -> None:
    """pia (publisher) keeps the publication key her role key opens, then is revoked. cara
    drafts a case afterwards. Worst case, pia gets hold of the new database file and key.
    Expected: the new draft's data key is wrapped under a publication key of a new epoch, which
    nothing pia kept opens. Today the publication key stays at epoch 1 for ever."""
    root = demo_path
    with _open(root, "cara"):
        pass  # settle first-unlock work
    kept = _kept_keys(root, "pia")
    assert ("index", "publication", 1) in kept
    with _open(root, "ada") as v:
        lifecycle.revoke(v, "pia", "left")
    with _open(root, "cara") as v:
        draft = drafts.create_draft(v, CASE, "en")
    assert draft.draft_id
    opened = _opened_wraps(root, "cara", list(kept.values()), "draft:%")
    assert opened == 0, f"{opened} data keys of drafts made after pia left open with her keys"


def test_attack_a_revoked_caseworker_opens_nothing_written_after_revocation_and_rotation(
    demo_path: Path,
) -> None:
    """rui (reviewer) keeps the public, restricted and confidential keys his role key opens, then
    is revoked. Worst case he gets hold of the new database file and key. Expected: nothing he
    kept opens the data keys of a case written after his revocation, and after the rotation
    nothing he kept opens any data key or any level-key wrap of those levels."""
    root = demo_path
    kept_before = [k for (kind, _n, _e), k in _kept_keys(root, "rui").items() if kind == "level"]
    with _open(root, "ada") as v:
        lifecycle.revoke(v, "rui", "left")
    after = "UA-900-26-102"
    with _open(root, "cara") as v:
        cases.add_case(v, {"case_id": after, "full_name": "Invented After", "id_numbers": []})
    assert _opened_wraps(root, "cara", kept_before, f"case:{after}") == 0
    with _open(root, "cara") as v:
        report = lifecycle.rotate(v)
        assert report.retired
    assert _opened_wraps(root, "cara", kept_before, "case:%") == 0
    # no level-key wrap of the old epochs is left for a kept role key to open either
    with raw_db(root, "cara") as db:
        left = db.execute(
            "SELECT count(*) FROM key_wraps WHERE kind = 'level' AND epoch = 1 "
            "AND name IN ('public', 'restricted', 'confidential')"
        ).fetchone()[0]
    assert left == 0


# --- keys.retire signed too early ---------------------------------------------------------------


def test_attack_a_premature_keys_retire_leaves_old_data_under_the_leavers_keys(
    demo_path: Path,
) -> None:
    """rui (reviewer) is revoked; cara makes the new epochs, then signs a ``keys.retire`` of the
    old public, restricted and confidential epochs before any rotation (the state accepts it:
    she may write cases and the epochs are in range). Expected: the rotation still re-wraps
    every data key and re-indexes every case (it decides by what the data holds), or the
    retire is refused while data is left under the old epochs. Today rotate says nothing is
    stale, every old wrap stays openable by rui's kept keys, and the name search no longer
    finds the demo cases (their index terms are under the retired epoch)."""
    root = demo_path
    with _open(root, "ada") as v:
        lifecycle.revoke(v, "rui", "left")
    with _open(root, "cara") as v:
        name = str(cases.show_case(v, CASE).values["full_name"])
        with v.store.write():
            v.refresh_state()
            retired = {f"level:{lv}": 2 for lv in ("public", "restricted", "confidential")}
            v.change_state(signed_state.KEYS_RETIRE, {"retired": retired})
        lifecycle.rotate(v)
        assert CASE in {c.case_id for c in cases.find_cases(v, name).cases}
        assert lifecycle.pending(v) == dict.fromkeys(v.policy.levels, 0)


# --- data-key wraps rewritten by an insider -----------------------------------------------------


def _wrap_row(db: Any, record: str, level: str) -> tuple[int, int, bytes]:
    version, epoch, wrapped = db.execute(
        "SELECT version, epoch, wrapped FROM data_key_wraps WHERE record = ? AND level = ? "
        "ORDER BY version DESC LIMIT 1",
        (record, level),
    ).fetchone()
    return int(version), int(epoch), bytes(wrapped)


@pytest.mark.parametrize("tamper", ["swapped", "planted", "deleted", "other level"])
def test_attack_rewritten_data_key_wraps_are_refused_not_misread(
    demo_path: Path, tamper: str
) -> None:
    """cara (a caseworker: she holds the secret level key) rewrites the secret data-key wrap of
    a case: the wrap of another case (``swapped``), a fresh data key she wrapped under the real
    secret key with the right associated data (``planted``: the reader would see fields sealed
    under a key of hers), no wrap at all (``deleted``), or the confidential wrap of the same
    version (``other level``). Expected: the reader is refused (the associated data binds
    record, version, level and epoch; the signed body commits to the data key), never shown
    other values or a silently withheld field."""
    root = demo_path
    vault_id = layout.read_keyring(root)["vault_id"]
    secret = _kept_keys(root, "cara")[("level", "secret", 1)]
    target, other = f"case:{CASE}", "case:UA-061-21-002"
    with raw_db(root, "cara") as db:
        version, epoch, _ = _wrap_row(db, target, "secret")
        if tamper == "swapped":
            new = _wrap_row(db, other, "secret")[2]
        elif tamper == "other level":
            new = _wrap_row(db, target, "confidential")[2]
        else:
            ad = data_key_ad(vault_id, target, version, "secret", epoch)
            new = _primitives.aead_seal(secret, new_key().reveal(), ad)
        if tamper == "deleted":
            db.execute(
                "DELETE FROM data_key_wraps WHERE record = ? AND version = ? AND level = 'secret'",
                (target, version),
            )
        else:
            db.execute(
                "UPDATE data_key_wraps SET wrapped = ? WHERE record = ? AND version = ? "
                "AND level = 'secret'",
                (new, target, version),
            )
    with _open(root, "cara") as v, pytest.raises((IntegrityError, DecryptionError)):
        cases.show_case(v, CASE)


def test_attack_a_data_key_wrap_relabelled_to_another_epoch_is_refused(demo_path: Path) -> None:
    """An insider changes the epoch column of a case's secret wrap from 1 to 7 (no such key).
    Expected: a caseworker, who holds every live epoch of every level, is refused (the wrap
    names an epoch that is not live). Today the secret fields are silently withheld."""
    root = demo_path
    with raw_db(root, "cara") as db:
        db.execute(
            "UPDATE data_key_wraps SET epoch = 7 WHERE record = ? AND level = 'secret'",
            (f"case:{CASE}",),
        )
    with _open(root, "cara") as v, pytest.raises((IntegrityError, DecryptionError)):
        view = cases.show_case(v, CASE)
        assert not view.withheld  # today: {'family_contacts': 'secret', ...}


# --- escrow wraps planted for the recovery key --------------------------------------------------


def _plant_escrow(root: Path, role: str, recovery_public: PublicIdentity) -> bytes:
    """rui (a reviewer, holding only the database key) wraps a key of his own to the recovery
    key as the escrow of ``role`` (HPKE needs only the public key). Returns the planted key."""
    vault_id = layout.read_keyring(root)["vault_id"]
    planted = new_key()
    info = role_key_info(vault_id, role, 1, RECOVERY_NAME, recovery_public.kem_public)
    wrapped = wrap_to(recovery_public, planted, info)
    with raw_db(root, "rui") as db:
        db.execute(
            "INSERT OR REPLACE INTO key_wraps (kind, name, epoch, holder, wrapped) "
            "VALUES ('role', ?, 1, ?, ?)",
            (role, RECOVERY_NAME, wrapped),
        )
    return planted.reveal()


@pytest.mark.xfail(
    strict=True,
    reason="escrow is 'a key_wraps row to recovery exists', never checked: a planted row for the "
    "recovery role key stops every caseworker from making the real escrow, so the trustees "
    "recover no level key",
)
def test_attack_a_planted_recovery_role_key_silently_empties_the_escrow(
    demo_path: Path,
) -> None:
    """Right after ``recovery setup``, rui plants a wrap of a key of his own as the recovery
    key's role key. cara then unlocks (she would make the escrow). Expected: the trustees'
    recovery key holds every level key in escrow (a planted wrap is replaced, or refused at
    unlock). Today cara's session sees a wrap and makes none: the escrow holds nothing, so
    losing the caseworkers' keys loses every case though the trustees are ready."""
    root = demo_path
    key = _setup_recovery(root)
    _plant_escrow(root, RECOVERY_NAME, key.public)
    with _open(root, "cara"):
        pass
    kr, store = _recovery_keyring(root, key)
    try:
        assert kr.key(KeyRef.for_level("secret")) is not None
    finally:
        store.close()


@pytest.mark.xfail(
    strict=True,
    reason="the escrow of a role key is trusted by existence: a planted caseworker escrow "
    "is what recover hands to a new caseworker",
)
def test_attack_recover_hands_out_a_role_key_planted_in_escrow(demo_path: Path) -> None:
    """rui plants a key of his own as the escrow of the caseworker role key before any
    caseworker unlocks after the setup. Expected: cara's unlock escrows her real role key
    (replacing or refusing what it cannot verify), and the key the recovery key would hand to
    a new caseworker is hers. Today it is rui's key: a recovered caseworker gets a role key rui
    knows (it opens no level key, so recovery fails; and whatever is keyed from it, such as the
    audit log's hashes of her searches, rui can test guesses against)."""
    root = demo_path
    key = _setup_recovery(root)
    planted = _plant_escrow(root, "caseworker", key.public)
    with _open(root, "cara") as v:
        real = v.keys.role_key()
        assert real is not None
        real_bytes = real.reveal()
    kr, store = _recovery_keyring(root, key)
    try:
        handed = kr._role_key_for("caseworker", 1)  # what recover delivers
        assert handed is not None
        assert handed.reveal() != planted
        assert handed.reveal() == real_bytes
    finally:
        store.close()


# --- the emergency lock ------------------------------------------------------------------------


def test_attack_an_older_keyring_copy_opens_a_locked_vault_without_shares(
    demo_path: Path,
) -> None:
    """Someone with file access kept keyring.json from before the lock (or a sync service's
    history did). After ``casevault lock`` they put it back. Expected: the lock re-keyed the
    database to a key only the recovery key holds, so the old wraps open nothing and the vault
    opens only with the trustees' shares. Today rui unlocks as usual."""
    root = demo_path
    _setup_recovery(root)
    before = (root / layout.KEYRING_NAME).read_bytes()
    with _open(root, "pia") as v:
        recovery.lock(v)
    with pytest.raises(AuthenticationError, match="locked"):
        _open(root, "rui")
    (root / layout.KEYRING_NAME).write_bytes(before)
    with pytest.raises((AuthenticationError, StoreError)):
        _open(root, "rui").close()


def test_attack_removing_the_lock_mark_does_not_open_a_locked_vault(demo_path: Path) -> None:
    """After a lock, an insider deletes the ``locked`` mark from keyring.json and re-adds a
    staged ``next_db_key`` naming herself: the wraps are gone, so rui is still refused."""
    root = demo_path
    _setup_recovery(root)
    with _open(root, "pia") as v:
        recovery.lock(v)
    keyring = layout.read_keyring(root)
    keyring.pop("locked")
    keyring["next_db_key"] = {"epoch": 9, "wraps": {"rui": keyring["db_key_wraps"]["recovery"]}}
    layout.write_json_atomic(root / layout.KEYRING_NAME, keyring)
    with pytest.raises((AuthenticationError, StoreError, DecryptionError)):
        _open(root, "rui").close()


# --- forged state records ------------------------------------------------------------------------


def test_attack_forged_state_records_are_refused(demo_path: Path) -> None:
    """Each state record an insider could sign with a key they hold, refused by the replay every
    unlock runs: a revoked caseworker's ``keys.retire``; a reviewer's ``recovery.set`` and
    ``vault.restore``; the recovery key's ``recovery.set``, ``member.revoke``, ``policy.set``
    and a ``member.add`` of a caseworker; a re-keyed person's old key; a ``keys.retire`` of the
    current epoch."""
    root = demo_path
    ident = {n: identity(root, n) for n in ("cara", "rui", "pia")}
    key = _setup_recovery(root)
    with _open(root, "ada") as v:
        lifecycle.revoke(v, "cara", "left")
        lifecycle.rekey_member(v, "pia", passphrase=lambda: BEA)
        rec = signed_state.recovery_payload(
            key.public.sign_public, key.public.kem_public, "age1xyz", 1, 1, ["T"]
        )
        rui = v.members.verified("rui")
        revoke_rui = {
            **signed_state.member_payload("rui", "reviewer", rui.sign_public, rui.kem_public),
            "reason": "x",
        }
        stranger = Identity.generate("eve")
        add_cw = signed_state.member_payload(
            "eve", "caseworker", stranger.public.sign_public, stranger.public.kem_public
        )
        forged: list[tuple[Any, str, dict[str, Any], str]] = [
            (ident["cara"], signed_state.KEYS_RETIRE, {"retired": {"level:secret": 2}}, "revoked"),
            (ident["rui"], signed_state.RECOVERY_SET, rec, "may not"),
            (ident["rui"], signed_state.VAULT_RESTORE, {"backup_id": "x"}, "may not"),
            (key, signed_state.RECOVERY_SET, rec, "may not"),
            (key, signed_state.MEMBER_REVOKE, revoke_rui, "may not"),
            (key, signed_state.POLICY_SET, {"policy": v.policy_text}, "may not"),
            (key, signed_state.MEMBER_ADD, add_cw, "only an admin"),
            (ident["pia"], signed_state.VAULT_RESTORE, {"backup_id": "x"}, "invalid signature"),
            (v.identity, signed_state.KEYS_RETIRE, {"retired": {"level:secret": 2}}, "may not"),
        ]
        for author, kind, payload, says in forged:
            with pytest.raises(IntegrityError, match=says), v.store.write():
                append_state(v.store, v.state, author, kind, payload, "2026-01-01T00:00:00Z", 0)


# --- audit entries and checkpoints signed with keys that no longer count ------------------------


def test_attack_an_entry_signed_with_a_re_keyed_persons_old_key_is_forged(
    demo_path: Path,
) -> None:
    """rui is given a new identity; someone who stole his old one (the reason for the re-key)
    appends an entry signed with the old key. Expected: ``audit verify`` names it."""
    root = demo_path
    old = identity(root, "rui")
    with _open(root, "ada") as v:
        lifecycle.rekey_member(v, "rui", passphrase=lambda: BEA)
    with _open(root, "ada") as v:
        with v.store.write():
            AuditLog(v.store, v.vault_id).append(
                old, old.public.sign_public, [AuditEvent("case.read")], "2026-12-03T00:00:00Z"
            )
        result = audit.verify(v)
    assert not result.ok
    assert any("does not verify under rui" in p for p in result.problems), result.problems


def test_attack_a_checkpoint_signed_by_a_revoked_member_is_refused(demo_path: Path) -> None:
    """cara, revoked, signs a checkpoint of the current log with her kept key (given the new
    file by a friend, or of a copy). Expected: a checkpoint counts only when signed by a key
    that counts now; ``recover`` and ``audit verify --checkpoint`` refuse hers."""
    root = demo_path
    cara = identity(root, "cara")
    with _open(root, "ada") as v:
        lifecycle.revoke(v, "cara", "left")
    with _open(root, "ada") as v:
        with v.store.read():
            size = v.audit.size()
            note = v.audit.signed_head(
                size, v.audit.root_at(size), cara, cara.public.sign_public, "2026-12-03T00:00:00Z"
            )
        with pytest.raises(IntegrityError):
            audit.verify_against(v, note)
