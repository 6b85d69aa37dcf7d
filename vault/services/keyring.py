"""One person's view of the key hierarchy, and the delivery of keys to members who lack them.

    identity --HPKE--> role key (role, epoch) --GCM--> level keys and extra keys (name, epoch)

Every key is found through one lookup, :meth:`Keyring.key`; what a role holds is
:meth:`Policy.keys_of`. The admin enrols people but never holds a level key: a role key reaches a
new member from a *holder* — whenever a person unlocks, their session wraps the keys it holds to
members of their own role who lack them, and a person whose role writes cases (and so holds every
level) creates the hierarchy and the first key of every other role (ADR 0002).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from vault.audit.log import AuditEvent
from vault.crypto import (
    Identity,
    PublicIdentity,
    SecretBytes,
    commitment_matches,
    key_commitment,
    new_key,
    unwrap_key,
    wrap_key,
    wrap_to,
)
from vault.crypto.hierarchy import (
    db_key_info,
    held_key_ad,
    index_key_ad,
    level_key_ad,
    role_key_info,
)
from vault.crypto.records import LevelKey
from vault.errors import AccessDeniedError, IntegrityError
from vault.models.member import RECOVERY_NAME
from vault.policy import KeyKind, KeyRef, Policy
from vault.policy.state import MemberState
from vault.services.members import Members, public_identity
from vault.store import KeyWrapRow, Store

ROLE_KIND = "role"


def holder_of(role: str, role_epoch: int) -> str:
    """How a key wrapped under a role key names its holder in ``key_wraps``."""
    return f"{role}@{role_epoch}"


@dataclass(frozen=True)
class Delivery:
    """A member who lacks their current role key, and how this session can serve them."""

    member: MemberState
    epoch: int
    new_role_key: bool  # nobody holds this role's key at this epoch yet: this session makes it


@dataclass(frozen=True)
class DeliveryResult:
    delivered: list[str]  # other people who received a key
    events: list[AuditEvent]  # what the caller logs, in the same transaction
    #: When this session made the hierarchy: the commitments to every key it made, which the
    #: caller must append as a signed ``keys.create`` state record in the same transaction.
    commitments: dict[str, str] | None = None


class Keyring:
    """The keys one unlocked person holds, unwrapped on first use and cached for the session."""

    def __init__(
        self,
        store: Store,
        policy: Policy,
        vault_id: str,
        identity: Identity,
        role: str,
        members: Members,
        db_key: SecretBytes,
    ) -> None:
        self._store = store
        self._policy = policy
        self._vault_id = vault_id
        self._identity = identity
        self._role = role
        self._members = members
        self._db_key = db_key
        self._role_keys: dict[int, SecretBytes] = {}
        self._held: dict[tuple[KeyRef, int], SecretBytes] = {}
        self._own = set(self._keys_of(role))

    def _keys_of(self, role: str) -> list[KeyRef]:
        """What a role key of ``role`` carries; the recovery key's escrow role carries all."""
        return self._policy.all_keys() if role == RECOVERY_NAME else self._policy.keys_of(role)

    def _holders(self) -> list[MemberState]:
        """Who must hold their current role key: the active members, and the recovery key."""
        holder = self._members.state.recovery_holder()
        return [*self._members.active(), *([holder] if holder is not None else [])]

    # --- epochs -----------------------------------------------------------------------------

    def epoch(self, kind: str, name: str) -> int:
        """The current epoch of a key, as the signed state says (1 until a rotation)."""
        return self._members.state.epoch(kind, name)

    def _role_epoch(self, role: str) -> int:
        return self.epoch(ROLE_KIND, role)

    # --- the one lookup ---------------------------------------------------------------------

    def role_key(self) -> SecretBytes | None:
        """This person's current role key, or None when it has not reached them yet."""
        return self.role_key_at(self._role_epoch(self._role))

    def role_key_at(self, epoch: int) -> SecretBytes | None:
        """This person's role key of one epoch, or None when they never received it."""
        key = self._role_keys.get(epoch)
        if key is None:
            row = self._store.key_wrap(ROLE_KIND, self._role, epoch, self._identity.name)
            if row is None:
                return None
            key = self._identity.open_wrapped(
                row.wrapped,
                role_key_info(
                    self._vault_id,
                    self._role,
                    epoch,
                    self._identity.name,
                    self._identity.public.kem_public,
                ),
                f"{self._role} role key",
            )
            self._role_keys[epoch] = key
        return key

    def key(self, ref: KeyRef, epoch: int | None = None) -> SecretBytes | None:
        """A level key or extra key at an epoch (default: the current one), or None when this
        person's role does not hold it or it has not reached them yet."""
        at = self.epoch(ref.kind, ref.name) if epoch is None else epoch
        cached = self._held.get((ref, at))
        if cached is not None:
            return cached
        if ref not in self._own:
            return None
        # The newest role key first: a role key carries every live epoch of its keys, and a
        # role key of an older epoch still opens what was wrapped under it before a revocation.
        found: tuple[SecretBytes, int, bytes] | None = None
        for role_epoch in range(self._role_epoch(self._role), 0, -1):
            row = self._store.key_wrap(ref.kind, ref.name, at, holder_of(self._role, role_epoch))
            rk = self.role_key_at(role_epoch) if row is not None else None
            if row is not None and rk is not None:
                found = (rk, role_epoch, row.wrapped)
                break
        if found is None:
            return None
        rk, role_epoch, wrapped = found
        key = unwrap_key(rk, wrapped, self._wrap_ad(ref, at, self._role, role_epoch), str(ref))
        # Anyone can wrap a key to a member (HPKE needs only the public key): a key counts only
        # if it is the one the signed hierarchy committed to, so a planted key is refused before
        # anything is sealed or opened under it.
        expected = self._members.state.commitment(ref.kind, ref.name, at)
        if expected is None or not commitment_matches(key, self._commit_ad(ref, at), expected):
            raise IntegrityError(
                f"the {ref} (epoch {at}) is not the one the vault's signed key record names: "
                "it was planted or replaced outside casevault"
            )
        self._held[(ref, at)] = key
        return key

    def level_key(self, level: str, epoch: int) -> SecretBytes | None:
        """:meth:`key` for a level: the callback records are opened with. A wrap naming an epoch
        that is not live (never made, or retired) was relabelled: refused, not withheld."""
        ref = KeyRef.for_level(level)
        if ref in self._own and epoch not in self._members.state.live_epochs(ref.kind, ref.name):
            raise IntegrityError(
                f"a {level} data key names epoch {epoch}, which holds no data: the wrap was "
                "altered outside casevault"
            )
        return self.key(ref, epoch)

    def sealing_key(self, ref: KeyRef) -> LevelKey | None:
        """A held key at its current epoch, as records are sealed under it."""
        epoch = self.epoch(ref.kind, ref.name)
        key = self.key(ref, epoch)
        return None if key is None else LevelKey(ref.name, epoch, key)

    def current_level_keys(self) -> dict[str, LevelKey]:
        """Every level key this person holds, at its current epoch."""
        out: dict[str, LevelKey] = {}
        for level in self._policy.levels:
            held = self.sealing_key(KeyRef.for_level(level))
            if held is not None:
                out[level] = held
        return out

    def holds_role_key(self, member: MemberState) -> bool:
        """Whether a member's current role key has reached them (a wrap exists)."""
        epoch = self._role_epoch(member.role)
        return self._store.key_wrap(ROLE_KIND, member.role, epoch, member.name) is not None

    def _wrap_ad(self, ref: KeyRef, epoch: int, role: str, role_epoch: int) -> bytes:
        make = level_key_ad if ref.kind is KeyKind.LEVEL else index_key_ad
        return make(self._vault_id, ref.name, epoch, role, role_epoch)

    def database_key(self) -> SecretBytes:
        """The SQLCipher key of this session (a backup's snapshot is made under it)."""
        return self._db_key

    def replace_db_key(self, db_key: SecretBytes) -> None:
        """After the database was re-keyed: later wraps (a new member) carry the new key."""
        self._db_key = db_key

    def wrap_db_key_to(self, member: PublicIdentity) -> str:
        """The database key HPKE-wrapped to a person, base64, for the keyring file."""
        wrapped = wrap_to(member, self._db_key, db_key_info(self._vault_id, member.name))
        return base64.b64encode(wrapped).decode("ascii")

    # --- delivery ---------------------------------------------------------------------------

    def plan(self, *, fresh: bool = False) -> list[Delivery]:
        """Members lacking their current role key that this session can serve. Reads only.
        ``fresh`` (the hierarchy is being made): every member gets a new role key, whatever
        wraps already exist — rows written before the hierarchy are nobody's keys."""

        def stale(role: str) -> bool:  # a role key made before the hierarchy carries keys
            return fresh and bool(self._keys_of(role))

        holders = {(r.name, r.epoch) for r in self._store.key_wraps(ROLE_KIND) if not stale(r.name)}
        planned_new: set[tuple[str, int]] = set()
        plan: list[Delivery] = []
        for m in self._holders():
            if not stale(m.role) and self.holds_role_key(m):
                continue
            epoch = self._role_epoch(m.role)
            if (m.role, epoch) in holders:
                if self._role_key_for(m.role, epoch) is not None:
                    plan.append(Delivery(m, epoch, False))
            elif (m.role, epoch) in planned_new or self._can_supply(m.role):
                plan.append(Delivery(m, epoch, (m.role, epoch) not in planned_new))
                planned_new.add((m.role, epoch))
        return plan

    def _first_writer(self) -> bool:
        # Whether the hierarchy exists is what the signed state says, never what rows exist:
        # an insider could plant wraps of keys of their own before the first caseworker.
        return self._policy.can_write_cases(self._role) and not self._members.state.commitments

    def _missing(self) -> list[KeyRef]:
        """Keys whose current epoch has no signed commitment yet (a revocation started a new
        epoch): a person whose role writes cases makes them."""
        if not (self._policy.can_write_cases(self._role) or self._role == RECOVERY_NAME):
            return []
        state = self._members.state
        missing = [
            ref
            for ref in self._policy.all_keys()
            if state.commitment(ref.kind, ref.name, self.epoch(ref.kind, ref.name)) is None
        ]
        # Only a person who also holds every older live epoch makes them: the new keys must
        # reach a role key at once, and a role key must carry every live epoch, or whoever
        # receives it could not read what is not yet rotated.
        if missing and not self._holds_older_epochs():
            return []
        return missing

    def _holds_older_epochs(self) -> bool:
        state = self._members.state
        return all(
            self.key(ref, at) is not None
            for ref in self._keys_of(self._role)
            for at in state.live_epochs(ref.kind, ref.name)
            if at < self.epoch(ref.kind, ref.name)
        )

    def _commit_ad(self, ref: KeyRef, epoch: int) -> bytes:
        return held_key_ad(self._vault_id, ref.kind, ref.name, epoch)

    def delivery_pending(self) -> bool:
        """Whether :meth:`deliver` has work (so that a read need not take the write lock)."""
        return bool(self._missing()) or bool(self.plan()) or self._escrow_pending()

    def _escrow_pending(self) -> bool:
        if self._members.state.recovery is None or self._role == RECOVERY_NAME:
            return False
        epoch = self._role_epoch(self._role)
        return self._store.key_wrap(ROLE_KIND, self._role, epoch, RECOVERY_NAME) is None and (
            self.role_key_at(epoch) is not None
        )

    def deliver(self) -> DeliveryResult:
        """Inside a write transaction: make the hierarchy if this person is its first writer, then
        hand the keys this session holds to members lacking them. Never wraps a key to a member
        whose enrolment chain does not verify."""
        events: list[AuditEvent] = []
        commitments: dict[str, str] | None = None
        first = self._first_writer()
        missing = self._missing()
        if missing:
            commitments = self._create_keys(missing)
            events.append(
                AuditEvent(
                    "key.create",
                    details={
                        "keys": ",".join(f"{r.name}@{self.epoch(r.kind, r.name)}" for r in missing),
                        "epoch": max(self.epoch(r.kind, r.name) for r in missing),
                    },
                )
            )
        delivered: list[str] = []
        made: dict[tuple[str, int], SecretBytes | None] = {}
        for d in self.plan(fresh=first):
            slot = (d.member.role, d.epoch)
            if slot not in made:
                made[slot] = (
                    self._create_role_key(*slot) if d.new_role_key else self._role_key_for(*slot)
                )
            key = made[slot]
            if key is None:
                continue
            pub = public_identity(d.member)
            info = role_key_info(self._vault_id, d.member.role, d.epoch, pub.name, pub.kem_public)
            self._store.put_key_wraps(
                [KeyWrapRow(ROLE_KIND, d.member.role, d.epoch, pub.name, wrap_to(pub, key, info))]
            )
            if d.member.role == self._role:
                self._role_keys[d.epoch] = key
            if pub.name != self._identity.name:
                delivered.append(pub.name)
            events.append(
                AuditEvent(
                    "key.deliver",
                    details={"to": pub.name, "role": d.member.role, "epoch": d.epoch},
                )
            )
        events.extend(self._escrow_own_role_key())
        return DeliveryResult(delivered, events, commitments)

    def _role_key_for(self, role: str, epoch: int) -> SecretBytes | None:
        """A role key this session can hand on: its own role's, or — for the recovery key —
        any role's it holds in escrow."""
        if role == self._role:
            return self.role_key_at(epoch)
        if self._role != RECOVERY_NAME:
            return None
        row = self._store.key_wrap(ROLE_KIND, role, epoch, RECOVERY_NAME)
        if row is None:
            return None
        info = role_key_info(
            self._vault_id, role, epoch, RECOVERY_NAME, self._identity.public.kem_public
        )
        return self._identity.open_wrapped(row.wrapped, info, f"{role} role key (escrow)")

    def _escrow_own_role_key(self) -> list[AuditEvent]:
        """Wrap this person's current role key to the recovery key too, once per epoch, so that
        the trustees can hand it to a new member of the role if every holder lost theirs."""
        holder = self._members.state.recovery_holder()
        if holder is None or self._role == RECOVERY_NAME:
            return []
        epoch = self._role_epoch(self._role)
        key = self.role_key_at(epoch)
        if key is None or self._store.key_wrap(ROLE_KIND, self._role, epoch, RECOVERY_NAME):
            return []
        pub = public_identity(holder)
        info = role_key_info(self._vault_id, self._role, epoch, RECOVERY_NAME, pub.kem_public)
        self._store.put_key_wraps(
            [KeyWrapRow(ROLE_KIND, self._role, epoch, RECOVERY_NAME, wrap_to(pub, key, info))]
        )
        return [AuditEvent("key.escrow", details={"role": self._role, "epoch": epoch})]

    def _can_supply(self, role: str) -> bool:
        """True when this session holds every key a new key of ``role`` must carry: every live
        epoch of each."""
        state = self._members.state
        return all(
            self.key(ref, at) is not None
            for ref in self._keys_of(role)
            for at in state.live_epochs(ref.kind, ref.name)
        )

    def _create_keys(self, refs: list[KeyRef]) -> dict[str, str]:
        """A fresh key for each of ``refs`` at its current epoch (all of them: the first writer
        makes the hierarchy; after a revocation, the new epochs). Returns the commitment to
        each ("kind:name:epoch" -> base64 HMAC) for the signed state."""
        out: dict[str, str] = {}
        for ref in refs:
            epoch = self.epoch(ref.kind, ref.name)
            key = new_key()
            self._held[(ref, epoch)] = key
            commitment = key_commitment(key, self._commit_ad(ref, epoch))
            out[f"{ref.kind}:{ref.name}:{epoch}"] = base64.b64encode(commitment).decode("ascii")
        return out

    def _create_role_key(self, role: str, epoch: int) -> SecretBytes:
        """A new role key, with every key that role holds wrapped under it. The caller must
        hold those keys."""
        rk = new_key()
        rows: list[KeyWrapRow] = []
        for ref in self._keys_of(role):
            for at in self._members.state.live_epochs(ref.kind, ref.name):
                # every live epoch, so that a member who joins after a revocation reads what is
                # not yet rotated
                key = self.key(ref, at)
                if key is None:
                    raise AccessDeniedError(
                        f"cannot create the {role} key without the {ref} of epoch {at}"
                    )
                wrapped = wrap_key(rk, key, self._wrap_ad(ref, at, role, epoch))
                rows.append(KeyWrapRow(ref.kind, ref.name, at, holder_of(role, epoch), wrapped))
        self._store.put_key_wraps(rows)
        return rk
