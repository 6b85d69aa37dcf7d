"""The vault facade: create a vault, unlock it as one person, hold that person's keys.

Every use case (cases, users, import, demo) takes an unlocked :class:`Vault`. Nothing here
prompts: a passphrase comes through a callback that the CLI supplies (securesystemslib style).

Key delivery. The admin enrols people (signs their member record, wraps the database key to
them) but never holds a role key other than admin's, and the admin role reads no level: so an
admin cannot read case content. A role key reaches a new member from a *holder*: whenever a
person unlocks, their session wraps the keys it holds to members who lack them (same role), and
a person whose role writes cases (and so reads every level) creates the level keys and the keys
of roles that have none yet. Until then the new member sees every field as withheld.
"""

from __future__ import annotations

import base64
import functools
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic

from vault.audit.log import AuditLog, Record
from vault.crypto import (
    Identity,
    KdfParams,
    Passphrase,
    PublicIdentity,
    SecretBytes,
    canonical_json,
    derive_key,
    keyed_hash,
    new_key,
    seal_identity,
    unseal_identity,
    unwrap_key,
    verify_signature,
    wrap_key,
    wrap_to,
)
from vault.crypto import hierarchy as h
from vault.crypto.records import LevelKey
from vault.errors import (
    AccessDeniedError,
    AuthenticationError,
    IntegrityError,
    NotFoundError,
    StoreError,
    UsageError,
)
from vault.models import build_record_model, check_member_name
from vault.policy import Policy, default_policy_text, parse_policy, policy_digest
from vault.services import layout
from vault.services.clock import now
from vault.store import KeyWrapRow, MemberRow, SqlCipherStore

PassphraseSource = Callable[[str], Passphrase]
NAME_INDEX = "names"
#: Keys besides the level keys; who holds each is Policy.holds_extra_key.
EXTRA_KEYS = ("names", "leaks", "publication")
MEMBER_FORMAT = "casevault-member-v1"


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def member_record(
    vault_id: str, name: str, role: str, pub: PublicIdentity, added_at: str, added_by: str
) -> bytes:
    return canonical_json(
        {
            "format": MEMBER_FORMAT,
            "vault_id": vault_id,
            "name": name,
            "role": role,
            "sign_public": _b64(pub.sign_public),
            "kem_public": _b64(pub.kem_public),
            "added_at": added_at,
            "added_by": added_by,
        }
    )


@dataclass(frozen=True)
class UnlockNotice:
    """What the unlock did on the way (keys delivered), for the CLI to mention."""

    delivered: list[str]
    waiting_for_keys: bool


class Vault:
    """An unlocked vault: one person's identity and the keys their role holds."""

    def __init__(
        self,
        root: Path,
        store: SqlCipherStore,
        identity: Identity,
        member: MemberRow,
        policy: Policy,
        policy_text: str,
        vault_id: str,
        db_key: SecretBytes,
    ) -> None:
        self.root = root
        self.store = store
        self.identity = identity
        self.member = member
        self.policy = policy
        self.policy_text = policy_text
        self.policy_digest = policy_digest(policy_text)
        self.vault_id = vault_id
        self._db_key = db_key
        self._role_keys: dict[tuple[str, int], SecretBytes] = {}
        self._level_keys: dict[tuple[str, int], SecretBytes] = {}
        self._index_keys: dict[tuple[str, int], SecretBytes] = {}
        self._verified_members: dict[str, MemberRow] = {}
        self.audit = AuditLog(store, vault_id)
        self._closed = False
        self._audit_key = derive_key(db_key, "audit keyed hash")
        self.notice = UnlockNotice([], False)

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

    def wrap_db_key_to(self, member: PublicIdentity) -> str:
        """The database key HPKE-wrapped to a person, base64, for the keyring file."""
        return _b64(wrap_to(member, self._db_key, h.db_key_info(self.vault_id, member.name)))

    def deliver_keys(self) -> list[str]:
        """Inside a write transaction: hand the keys this session holds to members lacking them."""
        return self._bootstrap_and_deliver()

    def record(self, *records: Record) -> None:
        """Append audit entries signed by this person; call inside the action's transaction."""
        if records:
            self.audit.append(self.identity, self.identity.public.sign_public, records, now())

    def keyed(self, namespace: str, value: str) -> str:
        """A keyed hash of a value for the audit log (a search term, a file name)."""
        return keyed_hash(self._audit_key, namespace, value)

    def member_sign_keys(self) -> dict[str, bytes]:
        """Every member's signing key (revoked ones too: their old signatures stay valid),
        after checking each enrolment chain."""
        out: dict[str, bytes] = {}
        for row in self.store.members():
            try:
                out[row.name] = self.verified_member(row.name).sign_public
            except IntegrityError:
                continue  # a member whose enrolment does not verify signs nothing valid
        return out

    def _check_seen(self) -> None:
        """Refuse a vault whose log is older than, or forks from, the last one this person saw
        on this machine: a rolled-back copy (SQLCipher alone accepts one)."""
        note = layout.read_seen(self.vault_id, self.user)
        if note is None:
            return
        try:
            with self.store.read():
                self.audit.check_against(note, self.member_sign_keys())
        except IntegrityError as e:
            raise IntegrityError(
                f"{e.diagnostics()} (compared with what {self.user} last saw on this machine, "
                f"{layout.seen_path(self.vault_id, self.user)}; if you restored a backup on "
                "purpose, move that file away)"
            ) from e

    def remember_seen(self) -> None:
        """Keep the latest signed tree head outside the vault, for :meth:`_check_seen`."""
        with self.store.read():
            head = self.store.latest_audit_head()
        if head is not None:
            layout.write_seen(self.vault_id, self.user, head[1])

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.remember_seen()
        finally:
            self.store.close()

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
        keyring["db_key_wraps"][admin] = _b64(
            wrap_to(identity.public, db_key, h.db_key_info(vault_id, admin))
        )
        keyring["identities"][admin] = seal_identity(identity, passphrase, kdf)
        store = SqlCipherStore.create(layout.db_path(root), db_key)
        added = now()
        record = member_record(vault_id, admin, role, identity.public, added, admin)
        row = MemberRow(
            admin,
            role,
            identity.public.sign_public,
            identity.public.kem_public,
            added,
            admin,
            None,
            record,
            identity.sign(record),
        )
        with store.write():
            store.put_meta("vault_id", vault_id.encode())
            store.put_meta("founder", admin.encode())
            store.put_meta("policy", text.encode("utf-8"))
            store.put_meta("created_at", added.encode())
            store.insert_member(row)
            AuditLog(store, vault_id).append(
                identity,
                identity.public.sign_public,
                [
                    Record("vault.init", details={"policy": policy_digest(text)}),
                    Record(
                        "member.add",
                        details={
                            "name": admin,
                            "role": role,
                            "fingerprint": identity.public.fingerprint(),
                        },
                    ),
                ],
                added,
            )
        # The keyring is written last: a crash before this leaves a database nobody can open and
        # no keyring, so `is_vault` is false and init can be run again on a cleaned directory.
        layout.write_json_atomic(root / layout.KEYRING_NAME, keyring)
        vault = cls(root, store, identity, row, policy, text, vault_id, db_key)
        vault._verified_members[admin] = row
        vault._after_unlock()
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
    ) -> Vault:
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
        if wrapped_db is None:
            layout.note_failed_unlock(root, None, "not a member", now())
            raise AuthenticationError(f"{user!r} is not a member of this vault")
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
                base64.b64decode(wrapped_db), h.db_key_info(vault_id, user), "database key"
            )
        except (ValueError, TypeError) as e:
            raise StoreError("keyring file is corrupt") from e
        store = SqlCipherStore.open(layout.db_path(root), db_key)
        try:
            stored_id = store.get_meta("vault_id")
            if stored_id is None or stored_id.decode() != vault_id:
                raise IntegrityError("keyring and database belong to different vaults")
            text = (store.get_meta("policy") or b"").decode("utf-8")
            policy = parse_policy(text, "the vault's policy")
            member = store.member(user)
            if member is None:
                raise AuthenticationError(f"{user!r} is not a member of this vault")
            vault = cls(root, store, identity, member, policy, text, vault_id, db_key)
            vault.verified_member(user)
            if member.revoked_at is not None:
                raise AuthenticationError(f"{user!r} was removed from this vault")
            if (member.sign_public, member.kem_public) != (
                identity.public.sign_public,
                identity.public.kem_public,
            ):
                raise AuthenticationError(f"this identity is not the one enrolled for {user!r}")
            vault._after_unlock()
            vault._check_seen()
        except BaseException:
            store.close()
            raise
        return vault

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
            raise AuthenticationError(f"{user!r} is not a member of this vault")
        return sealed

    # --- members and their signatures -------------------------------------------------------------

    def verified_member(self, name: str) -> MemberRow:
        """The member row, after checking its signature chain back to the founder."""
        cached = self._verified_members.get(name)
        if cached is not None:
            return cached
        seen: list[str] = []
        row = self.store.member(name)
        if row is None:
            raise NotFoundError(f"no member named {name!r}")
        current = row
        while True:
            if current.name in seen:
                raise IntegrityError(f"member {name!r}: enrolment chain loops")
            seen.append(current.name)
            expected = member_record(
                self.vault_id,
                current.name,
                current.role,
                PublicIdentity(current.name, current.sign_public, current.kem_public),
                current.added_at,
                current.added_by,
            )
            if expected != current.record:
                raise IntegrityError(f"member {current.name!r}: record does not match its row")
            signer = (
                current if current.added_by == current.name else self.store.member(current.added_by)
            )
            if signer is None:
                raise IntegrityError(f"member {current.name!r}: enrolled by an unknown person")
            if not verify_signature(signer.sign_public, current.signature, current.record):
                raise IntegrityError(f"member {current.name!r}: enrolment signature is invalid")
            if not self.policy.can_manage_people(signer.role):
                raise IntegrityError(f"member {current.name!r}: enrolled by a non-admin")
            if signer.name == current.name:
                founder = (self.store.get_meta("founder") or b"").decode()
                if current.name != founder:
                    raise IntegrityError(
                        f"member {current.name!r}: self-signed but not the founder"
                    )
                break
            current = signer
        self._verified_members[name] = row
        return row

    def require(self, allowed: bool, what: str) -> None:
        if not allowed:
            raise AccessDeniedError(f"{self.user} ({self.role}) may not {what}")

    # --- keys -------------------------------------------------------------------------------------

    def _epoch(self, kind: str, name: str) -> int:
        raw = self.store.get_meta(f"epoch:{kind}:{name}")
        return int(raw.decode()) if raw else 1

    def _role_key(self, role: str, epoch: int) -> SecretBytes | None:
        if role != self.role:
            return None
        key = self._role_keys.get((role, epoch))
        if key is None:
            row = self.store.key_wrap("role", role, epoch, self.user)
            if row is None:
                return None
            key = self.identity.open_wrapped(
                row.wrapped,
                h.role_key_info(
                    self.vault_id, role, epoch, self.user, self.identity.public.kem_public
                ),
                f"{role} role key",
            )
            self._role_keys[(role, epoch)] = key
        return key

    def level_key(self, level: str, epoch: int) -> SecretBytes | None:
        """The key of a level at an epoch, or None if this person's role does not read it."""
        if not self.policy.can_read(self.role, level):
            return None
        key = self._level_keys.get((level, epoch))
        if key is not None:
            return key
        role_epoch = self._epoch("role", self.role)
        rk = self._role_key(self.role, role_epoch)
        if rk is None:
            return None
        row = self.store.key_wrap("level", level, epoch, f"{self.role}@{role_epoch}")
        if row is None:
            return None
        key = unwrap_key(
            rk,
            row.wrapped,
            h.level_key_ad(self.vault_id, level, epoch, self.role, role_epoch),
            f"{level} level key",
        )
        self._level_keys[(level, epoch)] = key
        return key

    def current_level_keys(self) -> dict[str, LevelKey]:
        out: dict[str, LevelKey] = {}
        for level in self.policy.levels:
            epoch = self._epoch("level", level)
            key = self.level_key(level, epoch)
            if key is not None:
                out[level] = LevelKey(level, epoch, key)
        return out

    def index_key(self) -> SecretBytes | None:
        """The name-index key, or None when this role may not search names."""
        return self.extra_key(NAME_INDEX)

    def extra_key(self, name: str) -> SecretBytes | None:
        """A key beside the level keys (see EXTRA_KEYS), or None when this role does not hold
        it (or it has not reached this person yet)."""
        if not self.policy.holds_extra_key(self.role, name):
            return None
        epoch = self._epoch("index", name)
        key = self._index_keys.get((name, epoch))
        if key is not None:
            return key
        role_epoch = self._epoch("role", self.role)
        rk = self._role_key(self.role, role_epoch)
        row = self.store.key_wrap("index", name, epoch, f"{self.role}@{role_epoch}")
        if rk is None or row is None:
            return None
        key = unwrap_key(
            rk,
            row.wrapped,
            h.index_key_ad(self.vault_id, name, epoch, self.role, role_epoch),
            f"{name} key",
        )
        self._index_keys[(name, epoch)] = key
        return key

    def _after_unlock(self) -> None:
        """Create missing keys this person may create, deliver keys to members lacking them,
        and log failed unlocks noted since the last one. Takes the write lock only when there
        is such work, so that reading does not wait for another writer."""
        delivered: list[str] = []
        failures = layout.pending_failed_unlocks(self.root)
        if failures or self._delivery_pending():
            with self.store.write():
                delivered = self._bootstrap_and_deliver()
                self.record(
                    *(
                        Record(
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
        waiting = self._role_key(self.role, self._epoch("role", self.role)) is None
        self.notice = UnlockNotice(delivered, waiting)

    def _delivery_plan(self) -> list[tuple[MemberRow, int, bool]]:
        """Members lacking their current role key that this session can serve: (member, epoch,
        whether a new role key must be made). Reads only."""
        holders = {(r.name, r.epoch) for r in self.store.key_wraps("role")}
        planned_new: set[tuple[str, int]] = set()
        plan: list[tuple[MemberRow, int, bool]] = []
        for m in self.store.members():
            if m.revoked_at is not None:
                continue
            epoch = self._epoch("role", m.role)
            if self.store.key_wrap("role", m.role, epoch, m.name) is not None:
                continue
            if (m.role, epoch) in holders:
                if m.role == self.role and self._role_key(m.role, epoch) is not None:
                    plan.append((m, epoch, False))
            elif (m.role, epoch) in planned_new or self._can_supply(m.role):
                plan.append((m, epoch, (m.role, epoch) not in planned_new))
                planned_new.add((m.role, epoch))
        return plan

    def _delivery_pending(self) -> bool:
        first_writer = self.policy.can_write_cases(self.role) and not self.store.key_wraps("level")
        return first_writer or bool(self._delivery_plan())

    def _bootstrap_and_deliver(self) -> list[str]:
        policy = self.policy
        delivered: list[str] = []
        records: list[Record] = []
        if policy.can_write_cases(self.role) and self._ensure_level_keys():
            records.append(
                Record(
                    "key.create",
                    details={"keys": ",".join([*policy.levels, *EXTRA_KEYS]), "epoch": 1},
                )
            )
        keys: dict[tuple[str, int], SecretBytes | None] = {}
        for m, epoch, new in self._delivery_plan():
            if (m.role, epoch) not in keys:
                make = self._create_role_key if new else self._role_key
                keys[(m.role, epoch)] = make(m.role, epoch)
            key = keys[(m.role, epoch)]
            if key is None:
                continue
            try:
                pub = self.verified_member(m.name)
            except IntegrityError:
                continue  # never hand a key to a member whose enrolment does not verify
            info = h.role_key_info(self.vault_id, m.role, epoch, m.name, pub.kem_public)
            wrapped = wrap_to(PublicIdentity(m.name, pub.sign_public, pub.kem_public), key, info)
            self.store.put_key_wraps([KeyWrapRow("role", m.role, epoch, m.name, wrapped)])
            if m.role == self.role:
                self._role_keys[(m.role, epoch)] = key
            if m.name != self.user:
                delivered.append(m.name)
            records.append(
                Record("key.deliver", details={"to": m.name, "role": m.role, "epoch": epoch})
            )
        self.record(*records)
        return delivered

    def _can_supply(self, role: str) -> bool:
        """True when this session holds every key a new key of ``role`` must carry."""
        for level in self.policy.readable_levels(role):
            lepoch = self._epoch("level", level)
            if (level, lepoch) not in self._level_keys and self.level_key(level, lepoch) is None:
                return False
        for name in EXTRA_KEYS:
            if self.policy.holds_extra_key(role, name):
                iepoch = self._epoch("index", name)
                if (name, iepoch) not in self._index_keys and self.extra_key(name) is None:
                    return False
        return True

    def _ensure_level_keys(self) -> bool:
        """First writer: create every level key and the extra keys (epoch 1). Returns whether it
        created them."""
        if self.store.key_wraps("level"):
            return False
        for level in self.policy.levels:
            self._level_keys[(level, self._epoch("level", level))] = new_key()
        for name in EXTRA_KEYS:
            self._index_keys[(name, self._epoch("index", name))] = new_key()
        return True

    def _create_role_key(self, role: str, epoch: int) -> SecretBytes:
        """A new role key, with every level key and extra key that role holds wrapped under it.
        The caller must hold those keys."""
        rk = new_key()
        rows: list[KeyWrapRow] = []
        holder = f"{role}@{epoch}"
        for level in self.policy.readable_levels(role):
            lepoch = self._epoch("level", level)
            lk = self._level_keys.get((level, lepoch)) or self.level_key(level, lepoch)
            if lk is None:
                raise AccessDeniedError(f"cannot create the {role} key without the {level} key")
            rows.append(
                KeyWrapRow(
                    "level",
                    level,
                    lepoch,
                    holder,
                    wrap_key(rk, lk, h.level_key_ad(self.vault_id, level, lepoch, role, epoch)),
                )
            )
        for name in EXTRA_KEYS:
            if not self.policy.holds_extra_key(role, name):
                continue
            iepoch = self._epoch("index", name)
            ik = self._index_keys.get((name, iepoch)) or self.extra_key(name)
            if ik is None:
                raise AccessDeniedError(f"cannot create the {role} key without the {name} key")
            ad = h.index_key_ad(self.vault_id, name, iepoch, role, epoch)
            rows.append(KeyWrapRow("index", name, iepoch, holder, wrap_key(rk, ik, ad)))
        self.store.put_key_wraps(rows)
        return rk
