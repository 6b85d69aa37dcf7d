"""The restore of a backup as an explicit, signed and logged event.

A restored vault is an older copy: every person's memory of the log (:mod:`vault.audit.witness`)
would refuse it as a rollback. After :func:`vault.services.backup.restore_backup` has put the
files in place, :func:`record_restore` appends a ``vault.restore`` state record, signed by an
admin (or by the recovery key, when the trustees restore), naming the backup. Each person's next
unlock sees one more signed restore than they remember, accepts the vault as it now is, is told
so, and remembers it afresh: nobody moves files by hand, and a rollback without such a record is
still refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vault.audit.log import AuditLog
from vault.crypto.recovery import combine_shares, recovery_identity
from vault.errors import AuthenticationError, UsageError
from vault.policy.state import VAULT_RESTORE
from vault.services import layout
from vault.services.clock import now
from vault.services.lifecycle import revoke
from vault.services.members import Members, append_state, load_state
from vault.services.recovery import open_db_key
from vault.services.session import PassphraseSource, Vault
from vault.store import SqlCipherStore


def restore_payload(report: dict[str, Any]) -> dict[str, Any]:
    """What the signed record says of the backup: its id, maker, time and log position."""
    return {
        "backup_id": str(report.get("backup_id", "")),
        "backup_created_at": str(report.get("created_at", "")),
        "backup_created_by": str(report.get("created_by", "")),
        "audit_size": int(report.get("audit_size", 0)),
        "audit_root": str(report.get("audit_root", "")),
    }


def record_restore(
    root: Path,
    user: str,
    passphrase: PassphraseSource,
    report: dict[str, Any],
    *,
    identity_file: Path | None = None,
) -> list[str]:
    """Sign and log the restore of ``root`` as ``user``, a person who manages people. Anyone
    the restorer saw revoked (or re-keyed) who is active again in the backup is revoked again;
    returns their names."""
    v = Vault.open(root, user, passphrase, identity_file=identity_file, restoring=True)
    try:
        v.require(v.policy.can_manage_people(v.role), "record a restore")
        undone = v.undone_revocations()
        if v.user in undone:
            raise UsageError(
                f"{v.user}'s own key was replaced after this backup: ask another admin"
            )
        with v.store.write():
            v.refresh_state()
            v.change_state(VAULT_RESTORE, restore_payload(report))
    except BaseException:
        v.discard()  # nothing of this unsigned copy is remembered as what this person saw
        raise
    try:
        # A restore never undoes a revocation (or a replaced key) the restorer saw: those
        # people are revoked again at once, each a signed record, and the database re-keyed.
        for name in undone:
            revoke(v, name, "revoked (or re-keyed) after this backup was made; revoked again")
    finally:
        v.close()
    return undone


def record_restore_by_recovery(root: Path, shares: Sequence[str], report: dict[str, Any]) -> None:
    """Sign and log the restore with the recovery key rebuilt from the trustees' shares."""
    keyring = layout.read_keyring(root)
    vault_id = str(keyring["vault_id"])
    key = recovery_identity(combine_shares(shares))
    store = SqlCipherStore.open(layout.db_path(root), open_db_key(keyring, key, vault_id))
    try:
        state, _ = load_state(store, vault_id)
        if state.recovery is None or state.recovery.sign_public != key.public.sign_public:
            raise AuthenticationError("these shares are not of the restored vault's recovery key")
        log = AuditLog(store, vault_id)
        with store.write():
            members = Members(state, store)
            _, event = append_state(
                store, members.state, key, VAULT_RESTORE, restore_payload(report), now(), log.size()
            )
            log.append(key, key.public.sign_public, [event], now())
    finally:
        store.close()
