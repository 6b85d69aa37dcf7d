"""An unlocked vault: one person, their identity, and the session's parts.

:meth:`Vault.init` creates a vault and :meth:`Vault.open` unlocks it as one person; :meth:`close`
ends the session. The parts do the work: :class:`~vault.services.members.Members` checks
enrolment chains, :class:`~vault.services.keyring.Keyring` holds and delivers keys,
:class:`~vault.audit.log.AuditLog` appends signed entries. Nothing here prompts: a passphrase
comes through a callback that the CLI supplies (securesystemslib style).
"""

from __future__ import annotations

import base64
import functools
import json
import secrets
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic

from vault.audit.entry import Detail
from vault.audit.log import AuditEvent, AuditLog
from vault.audit.witness import Witness
from vault.crypto import (
    Identity,
    KdfParams,
    Passphrase,
    SecretBytes,
    derive_key,
    hash_bytes,
    keyed_hash,
    new_key,
    seal_identity,
    unseal_identity,
    wrap_to,
)
from vault.crypto.hierarchy import db_key_info
from vault.errors import (
    AccessDeniedError,
    AuthenticationError,
    BusyStoreError,
    DamagedStoreError,
    DecryptionError,
    IntegrityError,
    StoreError,
    UsageError,
)
from vault.models import build_record_model, check_member_name
from vault.policy import Policy, default_policy_text, parse_policy
from vault.policy import state as signed_state
from vault.policy.state import DB_SLOT, KEYS_CREATE, VaultState
from vault.services import layout
from vault.services.clock import now
from vault.services.kdf_tuning import saved as saved_kdf
from vault.services.keyring import Keyring
from vault.services.members import (
    Members,
    append_state,
    load_state,
    public_identity,
    state_event,
)
from vault.store import AuditFilter, SqlCipherStore, StateRow, Store

#: The audit action recording that the database was re-keyed for a database-key epoch.
DB_REKEY = "db.rekey"

PassphraseSource = Callable[[str], Passphrase]


@dataclass(frozen=True)
class UnlockNotice:
    """What the unlock did on the way, for the CLI to mention: keys delivered, keys still
    missing, and on the first use of this vault on this machine the founder's fingerprint
    (pinned now: compare it with what your admin gave you)."""

    delivered: list[str]
    waiting_for_keys: bool
    first_use_founder: str | None
    restored: str | None = None  # "DATE by NAME" when the vault was restored since last seen


class Vault:
    """An unlocked vault: one person's identity and the keys their role holds."""

    def __init__(
        self,
        root: Path,
        store: Store,
        identity: Identity,
        state: VaultState,
        db_key: SecretBytes,
    ) -> None:
        self.root = root
        self.store = store
        self.identity = identity
        self.vault_id = state.vault_id
        self.members = Members(state, store)
        self.member = self.members.verified(identity.name)
        self.keys = Keyring(
            store, state.policy, self.vault_id, identity, self.member.role, self.members, db_key
        )
        self.audit = AuditLog(store, self.vault_id)
        self._witness = Witness(self.vault_id, self.member.name)
        self._closed = False
        self._restored: str | None = None
        self.notice = UnlockNotice([], False, None)

    @property
    def state(self) -> VaultState:
        """The verified signed state: policy, members, epochs."""
        return self.members.state

    @property
    def policy(self) -> Policy:
        return self.members.state.policy

    @property
    def policy_text(self) -> str:
        return self.members.state.policy_text

    @property
    def policy_digest(self) -> str:
        return self.members.state.policy_digest

    def deliver_keys(self) -> list[str]:
        """Inside a write transaction: make the keys this person's role must make (the first
        hierarchy, or the new epochs after a revocation, with their signed ``keys.create``) and
        hand the keys this session holds to members lacking them; log it all. Returns the
        names of the other people who received a key."""
        self.refresh_state()
        result = self.keys.deliver()
        if result.commitments is not None:
            self.change_state(KEYS_CREATE, {"commitments": result.commitments})
        self.log(*result.events)
        return result.delivered

    def rekey_database(self, identities: Mapping[str, Any] | None = None) -> bool:
        """Finish what a revocation started: when the signed state's database-key epoch is
        ahead of the one the database was last re-keyed to, re-encrypt the database under a new
        random key wrapped to the remaining members (and the recovery key) only. Two phases
        (:func:`layout.stage_db_key`, then ``PRAGMA rekey``, then :func:`layout.promote_db_key`)
        so that a crash at any instant leaves a key that opens the file. ``identities`` are
        sealed identities to put in the keyring with the new wraps. Returns whether it
        re-keyed. Must run outside a transaction."""
        target = self.state.epochs.get(DB_SLOT, 1)
        if self._db_rekeyed_to(target):
            if identities:
                layout.update_keyring(self.root, {"identities": dict(identities)})
            return False
        new = new_key()
        wraps = db_key_wraps(self.state, new)
        layout.stage_db_key(self.root, target, wraps)
        self.store.rekey(new)
        with self.store.write():
            self.log(AuditEvent(DB_REKEY, details={"epoch": target, "recipients": len(wraps)}))
        layout.promote_db_key(self.root, dict(identities) if identities else None)
        self.keys.replace_db_key(new)
        return True

    def _db_rekeyed_to(self, target: int) -> bool:
        """Whether the database was re-keyed for the signed database-key epoch ``target``: a
        signed ``db.rekey`` entry for it, after the record that started the epoch. Not a row
        anyone could set ahead of time: only a signed entry placed after the revocation."""
        if target <= 1:
            return True
        with self.store.read():
            started = max(
                (
                    row.log_seq
                    for row in self.store.state_rows()
                    if signed_state.parse(row.body).kind  # the signed kind, not the column
                    in (signed_state.MEMBER_REVOKE, signed_state.MEMBER_REKEY)
                ),
                default=-1,
            )
            found = self.audit.find(AuditFilter(action=DB_REKEY, limit=1), self.members.sign_keys())
        return any(seq > started and entry.details.get("epoch") == target for seq, entry in found)

    def refresh_state(self) -> None:
        """Re-read the signed state inside a write transaction, so that a change builds on what
        another process may have added since this session unlocked."""
        state, _ = load_state(self.store, self.vault_id)
        if state.members.get(self.user) != self.member:
            raise IntegrityError(f"{self.user}'s enrolment changed while this session was open")
        self.members.state = state

    def change_state(
        self, kind: str, payload: Mapping[str, Any], note: Mapping[str, Detail] | None = None
    ) -> None:
        """Sign and store one more state record and log it (with ``note`` added to the entry's
        details), inside the caller's write transaction; the session goes on under the new
        state."""
        after, event = append_state(
            self.store, self.state, self.identity, kind, payload, now(), self.audit.size()
        )
        self.log(AuditEvent(event.action, details={**event.details, **(note or {})}))
        self.members.state = after

    # --- identity of the session ------------------------------------------------------------------

    @property
    def user(self) -> str:
        return self.member.name

    @property
    def role(self) -> str:
        return self.member.role

    @functools.cached_property
    def case_model(self) -> type[pydantic.BaseModel]:
        """The strict schema of a case record under this vault's policy."""
        return build_record_model(self.policy.kinds())

    def log(self, *events: AuditEvent) -> None:
        """Append audit entries signed by this person; call inside the action's transaction."""
        if events:
            self.audit.append(self.identity, self.identity.public.sign_public, events, now())

    def keyed(self, namespace: str, value: str) -> str:
        """A keyed hash of a value for the audit log (a search text, a file name, a reason),
        keyed from this person's role key: only members of the same role can test a guess of
        what it hides (the database key, which every member holds, is not used)."""
        role_key = self.keys.role_key()
        if role_key is None:
            raise AccessDeniedError(f"{self.user} ({self.role}) holds no role key yet")
        return keyed_hash(derive_key(role_key, "audit keyed hash"), namespace, value)

    def _check_fresh(self, heads: list[str], restoring: bool = False) -> str | None:
        """Before anything is written or any key wrapped: refuse a vault whose founder is not
        the one pinned on this machine, whose signed state does not extend the one this person
        last saw, or whose log is older than, or forks from, the last one they saw (a rolled-back
        or replaced copy: SQLCipher alone accepts one). Returns the founder's fingerprint when
        this is the first use here (it is pinned now)."""
        founder = self._founder_fingerprint()
        first_use = self._witness.check_founder(founder)
        if restoring:
            return founder if first_use else None
        if self._witness.restored_since(self.state.restores):
            # a signed, logged restore since this person last looked: what they saw after the
            # backup is not in this vault, by decision; say so and remember the vault as it is,
            # unless it undoes a revocation or a replaced key they saw
            self._witness.check_restore(*self._revocation_view())
            self._restored = self._last_restore()
            return founder if first_use else None
        self._witness.check_state(heads)
        with self.store.read():
            self._witness.check(self.audit, self.members.sign_keys())
        return founder if first_use else None

    def _revocation_view(self) -> tuple[list[str], dict[str, str]]:
        """Who the state says is revoked, and each active person's signing key (fingerprint)."""
        active = {m.name: _sign_fingerprint(m.sign_public) for m in self.members.active()}
        revoked = [n for n, m in self.state.members.items() if m.revoked_at is not None]
        return revoked, active

    def undone_revocations(self) -> list[str]:
        """People this person saw revoked or re-keyed who hold their old keys again in this
        vault (a restore from before it): what a restore must take away again."""
        return self._witness.undone_by(*self._revocation_view())

    def _founder_fingerprint(self) -> str:
        """The founder's keys as the genesis record names them: what is pinned at first use.
        (Their current keys may differ after a re-key; the vault's origin does not.)"""
        with self.store.read():
            rows = self.store.state_rows()
        genesis = signed_state.member_of(signed_state.parse(rows[0].body).payload)
        return public_identity(genesis).fingerprint()

    def _last_restore(self) -> str:
        with self.store.read():
            rows = self.store.state_rows()
        for row in reversed(rows):
            record = signed_state.parse(row.body)
            if record.kind == signed_state.VAULT_RESTORE:
                made = str(record.payload.get("backup_created_at", "?"))[:10]
                return f"restored on {record.time[:10]} by {record.author} from a backup of {made}"
        return "restored from a backup"

    def remember_seen(self) -> None:
        """Keep the latest signed tree head and state head outside the vault, for
        :meth:`_check_fresh`."""
        with self.store.read():
            head = self.store.latest_audit_head()
        if head is not None:
            self._witness.remember(head[1])
        state = self.state
        revoked = [n for n, m in state.members.items() if m.revoked_at is not None]
        retired = [
            _sign_fingerprint(m.sign_public)
            for m in state.members.values()
            if m.revoked_at is not None
        ] + [_sign_fingerprint(k.sign_public) for keys in state.former_keys.values() for k in keys]
        self._witness.remember_state(state.seq, state.head, state.restores, revoked, retired)

    def discard(self) -> None:
        """Close without remembering what this session saw (a restore that was refused)."""
        self._closed = True
        self.store.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.remember_seen()
        finally:
            self.store.close()
            # the names and values its checks read, remembered by word; loaded (and so to be
            # forgotten) only by a command that read values into terms
            readers = sys.modules.get("vault.redact.entities")
            if readers is not None:
                readers.forget_values()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- creating ---------------------------------------------------------------------------------

    @classmethod
    def init(
        cls,
        root: Path,
        admin: str,
        passphrase: Passphrase,
        *,
        policy_text: str | None = None,
        kdf: KdfParams | None = None,
    ) -> Vault:
        """Create a new vault directory with its first admin (the founder)."""
        check_member_name(admin)
        text = policy_text if policy_text is not None else default_policy_text()
        policy = parse_policy(text)
        admin_roles = [r for r, rp in policy.roles.items() if rp.manages_people]
        role = "admin" if "admin" in admin_roles else admin_roles[0]
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise UsageError(f"{root} already exists and is not an empty directory")
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        vault_id = secrets.token_hex(16)
        identity = Identity.generate(admin)
        db_key = new_key()
        keyring = layout.new_keyring(vault_id)
        keyring["db_key_wraps"][admin] = base64.b64encode(
            wrap_to(identity.public, db_key, db_key_info(vault_id, admin))
        ).decode("ascii")
        keyring["identities"][admin] = seal_identity(identity, passphrase, kdf or saved_kdf())
        store = SqlCipherStore.create(layout.db_path(root), db_key)
        added = now()
        payload = {
            **signed_state.member_payload(
                admin, role, identity.public.sign_public, identity.public.kem_public
            ),
            "policy": text,
        }
        body = signed_state.encode(vault_id, 1, "", signed_state.GENESIS, admin, added, payload)
        signature = identity.sign(signed_state.signed_message(body))
        genesis = signed_state.replay(vault_id, [(body, signature)])
        with store.write():
            store.put_meta("vault_id", vault_id.encode())
            store.append_state(StateRow(1, signed_state.GENESIS, admin, body, signature, 0))
            AuditLog(store, vault_id).append(
                identity,
                identity.public.sign_public,
                [state_event("vault.init", 1, body, payload)],
                added,
            )
        # The keyring is written last: a crash before this leaves a database nobody can open and
        # no keyring, so `is_vault` is false and init can be run again on a cleaned directory.
        layout.write_json_atomic(root / layout.KEYRING_NAME, keyring)
        vault = cls(root, store, identity, genesis, db_key)
        founder = vault._check_fresh(heads=[genesis.head])
        vault._after_unlock(founder)
        return vault

    # --- unlocking --------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        root: Path,
        user: str,
        passphrase: PassphraseSource,
        *,
        identity_file: Path | None = None,
        on_wait: Callable[[], None] | None = None,
        restoring: bool = False,
    ) -> Vault:
        """Unlock the vault as ``user``. ``on_wait`` is called each time a write has to wait
        for another process (the CLI says so on stderr; nothing here prints)."""
        check_member_name(user)
        layout.require_vault(root)
        keyring = layout.read_keyring(root)
        vault_id = str(keyring["vault_id"])
        try:
            sealed = cls._sealed_identity(keyring, user, identity_file)
        except AuthenticationError:
            known = user in keyring["db_key_wraps"]
            layout.note_failed_unlock(root, user if known else None, "no identity", now())
            raise
        wrapped_db = keyring["db_key_wraps"].get(user)
        mark = layout.locked(keyring)
        if mark is not None:
            raise AuthenticationError(
                f"this vault was locked on {str(mark.get('at'))[:16]} by {mark.get('by')}: it "
                "opens again only with the trustees' recovery shares ('casevault recover')"
            )
        if wrapped_db is None:
            layout.note_failed_unlock(root, None, "not a member", now())
            raise AuthenticationError(layout.not_a_member(keyring, user))
        try:
            identity = unseal_identity(sealed, passphrase(user))
        except AuthenticationError:
            layout.note_failed_unlock(root, user, "wrong passphrase", now())
            raise
        if identity.name != user:
            raise AuthenticationError(
                f"the identity file belongs to {identity.name!r}, not {user!r}"
            )
        try:
            db_key = identity.open_wrapped(
                base64.b64decode(wrapped_db), db_key_info(vault_id, user), "database key"
            )
        except DecryptionError as e:
            raise AuthenticationError(
                f"this identity does not open the database key of {user!r}: it is not the identity "
                "enrolled now (was it replaced with 'user rekey'?), or the keyring was altered"
            ) from e
        except (ValueError, TypeError) as e:
            raise DamagedStoreError(
                f"{root / layout.KEYRING_NAME} holds a damaged database key for {user!r}; "
                "restore it from a backup"
            ) from e
        store, db_key = cls._open_store(root, keyring, identity, db_key, on_wait)
        try:
            stored_id = store.get_meta("vault_id")
            if stored_id is None:
                raise DamagedStoreError(
                    f"{layout.db_path(root)} holds no vault id: it was damaged or replaced by "
                    "another file; restore it from a backup"
                )
            if stored_id != vault_id.encode():
                raise IntegrityError(
                    f"{root / layout.KEYRING_NAME} and {layout.db_path(root)} belong to "
                    "different vaults: one of them was replaced; restore both from the same backup"
                )
            state, heads = load_state(store, vault_id)
            member = state.members.get(user)
            if member is None:
                raise AuthenticationError(f"{user!r} is not a member of this vault")
            if member.revoked_at is not None:
                raise AuthenticationError(
                    f"{user!r} was revoked on {member.revoked_at[:10]}: their keys open nothing"
                )
            if (member.sign_public, member.kem_public) != (
                identity.public.sign_public,
                identity.public.kem_public,
            ):
                raise AuthenticationError(f"this identity is not the one enrolled for {user!r}")
            vault = cls(root, store, identity, state, db_key)
            # freshness first: nothing written before it (``restoring``: the caller is about to
            # sign the restore that every person's memory will accept)
            founder = vault._check_fresh(heads, restoring)
            vault._after_unlock(founder)
            vault.rekey_database()  # a revocation's re-key cut short: finish it now
        except BaseException:
            store.close()
            raise
        return vault

    @staticmethod
    def _open_store(
        root: Path,
        keyring: dict[str, Any],
        identity: Identity,
        db_key: SecretBytes,
        on_wait: Callable[[], None] | None,
    ) -> tuple[SqlCipherStore, SecretBytes]:
        """Open the database with the person's key; if a re-key was cut short after the file was
        re-encrypted, the staged new key opens it, and the staged wraps are made final."""
        try:
            return SqlCipherStore.open(layout.db_path(root), db_key, on_wait=on_wait), db_key
        except BusyStoreError:
            raise  # held by an import, not a key cut short: the staged key would wait again
        except StoreError:
            staged = layout.staged_db_key_wrap(keyring, identity.name)
            if staged is None:
                raise
        new = identity.open_wrapped(
            base64.b64decode(staged),
            db_key_info(str(keyring["vault_id"]), identity.name),
            "database key",
        )
        store = SqlCipherStore.open(layout.db_path(root), new, on_wait=on_wait)
        layout.promote_db_key(root)
        return store, new

    @staticmethod
    def _sealed_identity(keyring: dict[str, Any], user: str, identity_file: Path | None) -> Any:
        if identity_file is not None:
            try:
                return json.loads(identity_file.read_text("utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
                raise AuthenticationError(f"cannot read identity file {identity_file}") from e
        sealed = keyring["identities"].get(user)
        if sealed is None:
            if user in keyring["db_key_wraps"]:
                raise AuthenticationError(
                    f"no identity for {user!r} in this vault: pass --identity FILE"
                )
            raise AuthenticationError(layout.not_a_member(keyring, user))
        return sealed

    def require(self, allowed: bool, what: str) -> None:
        """Refuse with AccessDeniedError naming this person, their role and ``what``."""
        if not allowed:
            raise AccessDeniedError(f"{self.user} ({self.role}) may not {what}")

    def _after_unlock(self, first_use_founder: str | None) -> None:
        """Deliver keys to members lacking them (creating the hierarchy if this person is its
        first writer) and log failed unlocks noted since the last one. Takes the write lock only
        when there is such work, so that reading does not wait for another writer."""
        delivered: list[str] = []
        failures = layout.pending_failed_unlocks(self.root)
        if failures or self.keys.delivery_pending():
            with self.store.write():
                delivered = self.deliver_keys()
                self.log(
                    *(
                        AuditEvent(
                            "auth.failed",
                            details={
                                "user": f.get("user"),
                                "reason": f.get("reason"),
                                "at": f.get("time"),
                            },
                        )
                        for f in failures
                    )
                )
            if failures:
                layout.clear_failed_unlocks(self.root, len(failures))
        self.notice = UnlockNotice(
            delivered, self.keys.role_key() is None, first_use_founder, self._restored
        )


def _sign_fingerprint(sign_public: bytes) -> str:
    """A retired signing key, as the witness remembers it (the hash of the key alone)."""
    return "sign:" + hash_bytes(sign_public).hex()


def db_key_wraps(state: VaultState, db_key: SecretBytes) -> dict[str, str]:
    """The database key wrapped to everyone who may open the vault: each active member and the
    recovery key (base64, for the keyring)."""
    people = [public_identity(m) for m in state.active_members()]
    holder = state.recovery_holder()
    if holder is not None:
        people.append(public_identity(holder))
    return {
        p.name: base64.b64encode(wrap_to(p, db_key, db_key_info(state.vault_id, p.name))).decode()
        for p in people
    }
