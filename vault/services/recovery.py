"""Recovery: the trustees' shares, the recovery key they rebuild, and the emergency lock.

At setup the admin chooses trustees and a threshold. A random recovery secret is split into
SLIP-39 mnemonic shares, one per trustee, shown once; the secret itself is kept nowhere. The
signed state names the public half of the recovery key it derives (a ``recovery.set`` record),
the database key is wrapped to it in the keyring, and the next caseworker to unlock wraps every
key of the hierarchy to it in escrow (a role key of its own), so that no loss of keys loses a
case.

``casevault recover`` takes any threshold of the shares and a fresh checkpoint from the trustees
(a signed tree head someone kept outside the vault: the vault's log must extend it, so a
rolled-back copy cannot be recovered into). It can enrol a new admin (a ``member.add`` signed by
the recovery key), delivers keys to members lacking them, and re-opens a locked vault.

``casevault lock`` (an emergency: a device about to be seized) removes every person's wrap of
the database key from this vault's keyring, leaving only the recovery key's: the vault does not
open on this machine until the shares are presented. No data is destroyed.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vault.audit import checkpoint as cp
from vault.audit.log import AuditEvent, AuditLog
from vault.audit.verification import note_keys
from vault.crypto import (
    Identity,
    KdfParams,
    Passphrase,
    SecretBytes,
    new_key,
    seal_identity,
    wrap_to,
)
from vault.crypto.hierarchy import db_key_info
from vault.crypto.recovery import (
    MAX_SHARES,
    age_recipient,
    combine_shares,
    new_recovery_secret,
    recovery_identity,
    split_secret,
)
from vault.errors import (
    AuthenticationError,
    DecryptionError,
    IntegrityError,
    StoreError,
    UsageError,
)
from vault.models import check_member_name
from vault.models.member import RECOVERY_NAME
from vault.policy.state import (
    KEYS_CREATE,
    MEMBER_ADD,
    RECOVERY_SET,
    VaultState,
    member_payload,
    recovery_payload,
)
from vault.services import layout
from vault.services.clock import now
from vault.services.kdf_tuning import saved as saved_kdf
from vault.services.keyring import Keyring
from vault.services.members import Members, append_state, load_state, public_identity
from vault.services.session import Vault, db_key_wraps
from vault.store import SqlCipherStore, Store

#: A checkpoint older than this is not fresh enough to recover against (override with care).
MAX_CHECKPOINT_AGE = dt.timedelta(days=14)


@dataclass(frozen=True)
class Share:
    trustee: str
    mnemonic: str


def check_trustees(trustees: Sequence[str], threshold: int) -> list[str]:
    """The trustees' names, tidied, after checking them and the threshold (before anything is
    made, so that `init` refuses bad ones before it creates the vault). Raises UsageError."""
    labels = [" ".join(t.split()) for t in trustees]
    if not labels or any(not t for t in labels):
        raise UsageError("name at least one trustee (--trustee NAME, once per trustee)")
    if len(set(labels)) != len(labels):
        raise UsageError("each trustee must be named once")
    if len(labels) > MAX_SHARES:
        raise UsageError(f"at most {MAX_SHARES} trustees")
    if not (1 <= threshold <= len(labels)) or (threshold == 1 and len(labels) > 1):
        low = "2" if len(labels) > 1 else "1"
        raise UsageError(
            f"the threshold must be between {low} and {len(labels)} with {len(labels)} "
            "trustee(s) (1 only with a single trustee)"
        )
    return labels


def setup(v: Vault, trustees: Sequence[str], threshold: int) -> list[Share]:
    """Make a new recovery key for the vault and split its secret among ``trustees``, any
    ``threshold`` of whom can rebuild it. Returns the shares, to be shown once and written on
    paper; the secret is kept nowhere. A later setup replaces the recovery key: the old shares
    open nothing new (backups already made stay readable with them)."""
    v.require(v.policy.can_manage_people(v.role), "set up recovery")
    labels = check_trustees(trustees, threshold)
    secret = new_recovery_secret()
    mnemonics = split_secret(secret, threshold, len(labels))
    key = recovery_identity(secret)
    recipient = age_recipient(secret)
    # Keyring first: a crash after it leaves a wrap for a key the state does not name (it
    # opens nothing the state trusts); the recovery key counts once the database commits.
    layout.update_keyring(
        v.root, {"db_key_wraps": {RECOVERY_NAME: v.keys.wrap_db_key_to(key.public)}}
    )
    with v.store.write():
        v.refresh_state()
        payload = recovery_payload(
            key.public.sign_public, key.public.kem_public, recipient, threshold, len(labels), labels
        )
        v.change_state(RECOVERY_SET, payload, {"threshold": threshold, "shares": len(labels)})
        # wraps to a former recovery key open nothing for the new one: each holder escrows
        # their role key again (this session at once, the others at their next unlock)
        v.store.delete_key_wraps_to(RECOVERY_NAME)
        v.deliver_keys()
    return [Share(t, m) for t, m in zip(labels, mnemonics, strict=True)]


@dataclass(frozen=True)
class Recovered:
    admin: str | None
    fingerprint: str | None
    delivered: list[str]
    unlocked: bool
    checkpoint_size: int
    log_size: int


def recover(
    root: Path,
    shares: Sequence[str],
    checkpoint_note: str,
    *,
    admin: str | None = None,
    passphrase: Callable[[], Passphrase] | None = None,
    kdf: KdfParams | None = None,
    max_age: dt.timedelta = MAX_CHECKPOINT_AGE,
) -> Recovered:
    """Rebuild the recovery key from ``shares`` and act with it, logged under its name: enrol
    ``admin`` (a new admin, with a new identity sealed by ``passphrase``), deliver keys to every
    member lacking them, and re-open a locked vault. Refuses a vault whose log does not extend
    ``checkpoint_note`` or a checkpoint older than ``max_age``."""
    if admin is not None:
        check_member_name(admin)
    layout.require_vault(root)
    keyring = layout.read_keyring(root)
    vault_id = str(keyring["vault_id"])
    secret = combine_shares(shares)
    key = recovery_identity(secret)
    db_key = open_db_key(keyring, key, vault_id)
    try:
        store = SqlCipherStore.open(layout.db_path(root), db_key)
    except StoreError:  # a lock cut short after its re-key: the staged wrap opens it
        staged = layout.staged_db_key_wrap(keyring, RECOVERY_NAME)
        if staged is None:
            raise
        db_key = open_db_key({"db_key_wraps": {RECOVERY_NAME: staged}}, key, vault_id)
        store = SqlCipherStore.open(layout.db_path(root), db_key)
    try:
        state, _ = load_state(store, vault_id)
        if state.recovery is None or state.recovery.sign_public != key.public.sign_public:
            raise AuthenticationError(
                "these shares are not of this vault's current recovery key (an older setup?)"
            )
        members = Members(state, store)
        old, size = _check_checkpoint(store, vault_id, members, checkpoint_note, max_age)
        if admin is not None and admin in state.members:
            raise UsageError(f"{admin!r} is already a member: choose a new name for the admin")
        new_admin = Identity.generate(admin) if admin is not None else None
        sealed = None
        if new_admin is not None:
            if passphrase is None:
                raise UsageError("a new admin needs a passphrase")
            sealed = seal_identity(new_admin, passphrase(), kdf or saved_kdf())
            wrap = wrap_to(new_admin.public, db_key, db_key_info(vault_id, new_admin.name))
            layout.update_keyring(
                root,
                {
                    "db_key_wraps": {new_admin.name: base64.b64encode(wrap).decode("ascii")},
                    "identities": {new_admin.name: sealed},
                },
            )
        try:
            delivered = _act(store, state, key, db_key, new_admin)
        except BaseException:
            if new_admin is not None:  # nothing of a recovery that did not happen stays
                layout.update_keyring(
                    root,
                    {"db_key_wraps": {new_admin.name: None}, "identities": {new_admin.name: None}},
                )
            raise
        unlocked = layout.is_locked(root)
        if unlocked:
            after, _ = load_state(store, vault_id)
            layout.unlock(root, db_key_wraps(after, db_key))
    finally:
        store.close()
    return Recovered(
        admin,
        new_admin.public.fingerprint() if new_admin else None,
        delivered,
        unlocked,
        old,
        size,
    )


def open_db_key(keyring: dict[str, object], key: Identity, vault_id: str) -> SecretBytes:
    wraps = keyring["db_key_wraps"]
    wrapped = wraps.get(RECOVERY_NAME) if isinstance(wraps, dict) else None
    if not isinstance(wrapped, str):
        raise AuthenticationError(
            "this vault's keyring holds no recovery key: was recovery set up?"
        )
    try:
        return key.open_wrapped(
            base64.b64decode(wrapped), db_key_info(vault_id, RECOVERY_NAME), "database key"
        )
    except DecryptionError as e:
        raise AuthenticationError(
            "these shares do not open this vault: they belong to another vault, or to an "
            "older recovery setup"
        ) from e


def _check_checkpoint(
    store: Store, vault_id: str, members: Members, note: str, max_age: dt.timedelta
) -> tuple[int, int]:
    keys = members.sign_keys()
    log = AuditLog(store, vault_id)
    opened = cp.open_note(note, note_keys(keys))
    stamp = next(
        (
            e.removeprefix("time ")
            for e in cp.parse_checkpoint(opened.text).extensions
            if e.startswith("time ")
        ),
        None,
    )
    try:
        when = dt.datetime.strptime(stamp or "", "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError as e:
        raise IntegrityError("the checkpoint carries no time: make a new one") from e
    age = dt.datetime.now(dt.UTC) - when
    if age > max_age:
        raise UsageError(
            f"the checkpoint is {age.days} days old: ask a member for a fresh one ('casevault "
            "audit checkpoint'), or, if the vault was locked since, give the newest you have "
            "with --max-checkpoint-age DAYS"
        )
    with store.read():
        return log.check_against(note, keys)


def _act(
    store: Store, state: VaultState, key: Identity, db_key: SecretBytes, admin: Identity | None
) -> list[str]:
    """In one transaction, signed by the recovery key: the new admin, then key delivery."""
    log = AuditLog(store, state.vault_id)
    members = Members(state, store)

    def append(kind: str, payload: dict[str, object]) -> None:
        after, event = append_state(store, members.state, key, kind, payload, now(), log.size())
        log.append(key, key.public.sign_public, [event], now())
        members.state = after

    with store.write():
        if admin is not None:
            role = next(r for r, rp in members.state.policy.roles.items() if rp.manages_people)
            append(
                MEMBER_ADD,
                member_payload(admin.name, role, admin.public.sign_public, admin.public.kem_public),
            )
        keys = Keyring(
            store, members.state.policy, state.vault_id, key, RECOVERY_NAME, members, db_key
        )
        result = keys.deliver()
        if result.commitments is not None:
            append(KEYS_CREATE, {"commitments": result.commitments})
        events = [
            *result.events,
            AuditEvent("recovery.use", details={"admin": admin.name} if admin else {}),
        ]
        log.append(key, key.public.sign_public, events, now())
    return result.delivered


def lock(v: Vault) -> int:
    """Emergency lock: log it, then leave only the recovery key's wrap of the database key in
    this vault's keyring. Returns how many people's wraps were removed. Refused when no
    recovery key was set up (nothing could open the vault again)."""
    if v.state.recovery is None:
        raise UsageError("no recovery key is set up: locking would lock everyone out for good")
    keyring = layout.read_keyring(v.root)
    if not isinstance(keyring["db_key_wraps"].get(RECOVERY_NAME), str):
        raise UsageError("this keyring holds no recovery wrap of the database key: not locking")
    holder = v.state.recovery_holder()
    assert holder is not None  # checked above  # noqa: S101  # nosec B101
    # The database is re-keyed to a key only the recovery key receives: a copy of the keyring
    # from before the lock (a sync service's history) opens nothing. Two phases, as for a
    # revocation; a crash after the re-key leaves the vault locked (the staged wrap is the
    # recovery key's).
    new = new_key()
    wrap = base64.b64encode(
        wrap_to(public_identity(holder), new, db_key_info(v.vault_id, RECOVERY_NAME))
    ).decode("ascii")
    with v.store.write():
        v.log(AuditEvent("vault.lock", details={"by": v.user}))
    layout.stage_db_key(v.root, 0, {RECOVERY_NAME: wrap})
    v.store.rekey(new)
    v.keys.replace_db_key(new)
    return layout.lock(v.root, v.user, now(), wrap)
