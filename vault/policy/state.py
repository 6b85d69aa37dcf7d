"""The vault's signed state: the policy, the members with their keys and roles, and key epochs.

Every member holds the database key, so any row can be rewritten by any member. What decides who
gets a key, which policy is in force or which epoch is current therefore counts only as a chain
of signed *state records*: each names the previous one by hash, is signed by a person the state
before it allowed to make that change, and is logged (its hash is in an audit entry). Replaying
the chain from the founder's genesis record gives the :class:`VaultState`; a record that does not
verify stops the replay with IntegrityError. Pure: no I/O.

Record kinds and who may sign them:
- ``genesis`` (first record only): the founder, whose public keys and the first policy it names;
- ``member.add``: a member whose role manages people, naming a new person, their role and keys;
- ``policy.set``: a member whose role manages people, with the whole new policy text;
- ``keys.create``: a member whose role writes cases (and so reads every level), committing to
  every level key and extra key it made (an HMAC of each key over its place): a key that does
  not match its commitment — one planted by an insider who wrapped keys of their own to the
  members — is refused wherever it is unwrapped;
- ``member.revoke``: a member whose role manages people, naming a person who leaves. Their keys
  stop counting from this record on (their old signatures stay valid), and a new epoch starts
  for the database key, for their role's key, for every level key that role could reach and for
  the role key of every role holding one of those levels. The last person who manages people
  cannot be revoked;
- ``member.rekey``: a member whose role manages people, giving a person a new identity (a lost
  laptop, a leaked passphrase): the old keys stop counting, epochs advance as for a revocation;
- ``keys.retire``: a member whose role writes cases, after a rotation has re-wrapped every data
  key and re-indexed every case under the current epochs: the older epochs of those keys hold
  nothing any more, their wraps are deleted, and no search or check looks for them;
- ``recovery.set``: a member whose role manages people, naming the recovery key (the public half
  of what the trustees' shares rebuild), the threshold and the trustees;
- ``vault.restore``: a member whose role manages people, or the recovery key, saying the vault
  was restored from a backup: every person's memory of the log accepts the restored one;
- ``terms.accept``: a member whose role reviews drafts, adding terms to the vault's list of
  accepted public terms (places, officials, organisations, laws, dates of public events): spans
  of a draft that the reviewer judged public, so that they are no longer *unchecked*
  (:mod:`vault.redact.unchecked`); ``terms.withdraw``: the same, taking terms off the list.

The recovery key signs under the name ``recovery`` (no person may take it). It may sign a
``member.add`` enrolling a new person who manages people (``casevault recover``), a
``vault.restore`` and a ``keys.create``; nothing else. It holds every key of the hierarchy in
escrow under a role key of its own (role ``recovery``, advanced with every revocation).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from vault.crypto import canonical_json, hash_bytes, verify_signature
from vault.crypto.hierarchy import state_record_message
from vault.errors import IntegrityError, PolicyError
from vault.models.member import RECOVERY_NAME
from vault.policy.loader import parse_policy, policy_digest
from vault.policy.model import Policy

FORMAT = "casevault-state-v1"
GENESIS = "genesis"
MEMBER_ADD = "member.add"
POLICY_SET = "policy.set"
KEYS_CREATE = "keys.create"
MEMBER_REVOKE = "member.revoke"
MEMBER_REKEY = "member.rekey"
RECOVERY_SET = "recovery.set"
VAULT_RESTORE = "vault.restore"
KEYS_RETIRE = "keys.retire"
TERMS_ACCEPT = "terms.accept"
TERMS_WITHDRAW = "terms.withdraw"
KINDS = (
    KEYS_RETIRE,
    TERMS_ACCEPT,
    TERMS_WITHDRAW,
    GENESIS,
    MEMBER_ADD,
    POLICY_SET,
    KEYS_CREATE,
    MEMBER_REVOKE,
    MEMBER_REKEY,
    RECOVERY_SET,
    VAULT_RESTORE,
)
#: What the recovery key may sign: a new admin, a restore, and new key epochs (it holds every
#: level key, in escrow, so that no loss of keys loses a case).
RECOVERY_KINDS = (MEMBER_ADD, VAULT_RESTORE, KEYS_CREATE)
#: The epoch slot of the database key (advanced by a revocation or a re-key).
DB_SLOT = "db:key"
#: The epoch slot of the recovery key's escrow role key.
RECOVERY_SLOT = f"role:{RECOVERY_NAME}"


@dataclass(frozen=True)
class MemberState:
    """A person as the signed state knows them."""

    name: str
    role: str
    sign_public: bytes
    kem_public: bytes
    added_at: str
    added_by: str
    record_hash: str  # the state record that enrolled them
    revoked_at: str | None = None  # when a ``member.revoke`` took their keys away


@dataclass(frozen=True)
class FormerKey:
    """A signing key a person (or the recovery key) held until state record ``until_seq``:
    their signatures made before it stay valid, none made after."""

    sign_public: bytes
    until_seq: int


@dataclass(frozen=True)
class Recovery:
    """The recovery key as the signed state names it."""

    sign_public: bytes
    kem_public: bytes
    age_recipient: str
    threshold: int
    shares: int
    trustees: tuple[str, ...]
    set_at: str


@dataclass(frozen=True)
class VaultState:
    """Everything the signed state chain says, after its record number ``seq``."""

    vault_id: str
    founder: str
    policy_text: str
    policy: Policy
    members: Mapping[str, MemberState]
    epochs: Mapping[str, int] = field(default_factory=dict)  # "kind:name" -> epoch, default 1
    commitments: Mapping[str, bytes] = field(default_factory=dict)  # "kind:name:epoch" -> HMAC
    seq: int = 0
    head: str = ""  # hex SHA-256 of the last record's body
    former_keys: Mapping[str, tuple[FormerKey, ...]] = field(default_factory=dict)
    revoked_seq: Mapping[str, int] = field(default_factory=dict)  # name -> state seq of revoke
    recovery: Recovery | None = None
    restores: int = 0  # how many ``vault.restore`` records the chain holds
    retired: Mapping[str, int] = field(default_factory=dict)  # "kind:name" -> oldest live epoch
    #: The accepted public terms (keys of :func:`vault.redact.unchecked.term_keys`).
    public_terms: frozenset[str] = frozenset()

    @property
    def policy_digest(self) -> str:
        return policy_digest(self.policy_text)

    def is_active(self, name: str) -> bool:
        """Whether ``name`` is an enrolled person whose keys count now (not revoked)."""
        member = self.members.get(name)
        return member is not None and member.revoked_at is None

    def active_members(self) -> list[MemberState]:
        """Members whose keys count now, in name order."""
        return [m for n, m in sorted(self.members.items()) if m.revoked_at is None]

    def recovery_holder(self) -> MemberState | None:
        """The recovery key as a key holder (role ``recovery``: every key, in escrow), or None
        when no recovery was set up."""
        r = self.recovery
        if r is None:
            return None
        return MemberState(
            RECOVERY_NAME, RECOVERY_NAME, r.sign_public, r.kem_public, r.set_at, "", ""
        )

    def epoch(self, kind: str, name: str) -> int:
        """The current epoch of a key (1 until a signed rotation advances it)."""
        return self.epochs.get(f"{kind}:{name}", 1)

    def live_epochs(self, kind: str, name: str) -> range:
        """The epochs of a key that may still hold data: from the oldest a ``keys.retire`` left
        live up to the current one."""
        return range(self.retired.get(f"{kind}:{name}", 1), self.epoch(kind, name) + 1)

    def commitment(self, kind: str, name: str, epoch: int) -> bytes | None:
        """The signed commitment to a key of the hierarchy, or None if none was made."""
        return self.commitments.get(f"{kind}:{name}:{epoch}")


@dataclass(frozen=True)
class StateRecord:
    """One parsed state record; ``body`` is the signed canonical JSON."""

    seq: int
    kind: str
    author: str
    time: str
    prev: str
    payload: Mapping[str, Any]
    body: bytes

    @property
    def hash(self) -> str:
        return hash_bytes(self.body).hex()


def signed_message(body: bytes) -> bytes:
    """What the author of a state record signs."""
    return state_record_message(body)


def encode(
    vault_id: str,
    seq: int,
    prev: str,
    kind: str,
    author: str,
    time: str,
    payload: Mapping[str, Any],
) -> bytes:
    """The canonical body of a state record (sign :func:`signed_message` of it)."""
    if kind not in KINDS:
        raise ValueError(f"unknown state record kind {kind!r}")
    return canonical_json(
        {
            "format": FORMAT,
            "vault_id": vault_id,
            "seq": seq,
            "prev": prev,
            "kind": kind,
            "author": author,
            "time": time,
            "payload": dict(payload),
        }
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def member_payload(name: str, role: str, sign_public: bytes, kem_public: bytes) -> dict[str, Any]:
    return {
        "name": name,
        "role": role,
        "sign_public": b64(sign_public),
        "kem_public": b64(kem_public),
    }


#: The fields of a record body (what :func:`encode` writes), each with its type.
_TEXT_FIELDS = ("format", "vault_id", "prev", "kind", "author", "time")
_FIELDS = frozenset({*_TEXT_FIELDS, "seq", "payload"})


def parse(body: bytes) -> StateRecord:
    """Parse a record body, checking it is exactly its canonical form: the fields
    :func:`encode` writes, of the types it writes, and no other. Raises IntegrityError."""
    try:
        d = json.loads(body)
        typed = (
            isinstance(d, dict)
            and d.keys() == _FIELDS
            and type(d["seq"]) is int
            and isinstance(d["payload"], dict)
            and all(isinstance(d[k], str) for k in _TEXT_FIELDS)
        )
        canonical = typed and d["format"] == FORMAT and canonical_json(d) == body
    except (ValueError, RecursionError) as e:  # not UTF-8, not JSON, NaN, or nested too deep
        raise IntegrityError("a state record is malformed") from e
    if not typed:
        raise IntegrityError("a state record is malformed")
    if not canonical:
        raise IntegrityError("a state record is not in canonical form")
    return StateRecord(d["seq"], d["kind"], d["author"], d["time"], d["prev"], d["payload"], body)


def _key(payload: Mapping[str, Any], name: str, size: int) -> bytes:
    try:
        raw = base64.b64decode(str(payload[name]), validate=True)
    except (KeyError, ValueError) as e:  # binascii.Error, or base64 text that is not ASCII
        raise IntegrityError(f"a state record has a malformed {name}") from e
    if len(raw) != size:
        raise IntegrityError(f"a state record has a {name} of the wrong size")
    return raw


def member_of(payload: Mapping[str, Any], time: str = "", by: str = "", h: str = "") -> MemberState:
    """The person a member payload names (keys checked for size)."""
    try:
        name, role = str(payload["name"]), str(payload["role"])
    except KeyError as e:
        raise IntegrityError("a state record names no member") from e
    return MemberState(
        name,
        role,
        _key(payload, "sign_public", 32),
        _key(payload, "kem_public", 1216),
        time,
        by,
        h,
    )


def _member(record: StateRecord) -> MemberState:
    return member_of(record.payload, record.time, record.author, record.hash)


def _policy(record: StateRecord) -> tuple[str, Policy]:
    text = record.payload.get("policy")
    if not isinstance(text, str):
        raise IntegrityError(f"state record {record.seq} holds no policy")
    try:
        return text, parse_policy(text, f"the policy of state record {record.seq}")
    except PolicyError as e:
        raise IntegrityError(e.diagnostics()) from e


def _genesis(vault_id: str, record: StateRecord, signature: bytes) -> VaultState:
    if record.seq != 1 or record.kind != GENESIS or record.prev != "":
        raise IntegrityError("the vault's state does not start with its founder's genesis record")
    founder = _member(record)
    if founder.name != record.author:
        raise IntegrityError("the genesis record is not signed by the founder it names")
    if not verify_signature(founder.sign_public, signature, signed_message(record.body)):
        raise IntegrityError("the genesis record's signature is invalid")
    text, policy = _policy(record)
    if not policy.can_manage_people(founder.role):
        raise IntegrityError("the founder's role does not manage people")
    return VaultState(
        vault_id, founder.name, text, policy, {founder.name: founder}, seq=1, head=record.hash
    )


def apply(state: VaultState, body: bytes, signature: bytes) -> VaultState:
    """The state after one more record, or IntegrityError naming why the record does not count."""
    record = parse(body)
    where = f"state record {record.seq}"
    if json.loads(body)["vault_id"] != state.vault_id:
        raise IntegrityError(f"{where} belongs to another vault")
    if record.seq != state.seq + 1 or record.prev != state.head:
        raise IntegrityError(f"{where} does not follow record {state.seq}: the chain is broken")
    if record.author == RECOVERY_NAME:
        _check_recovery_signed(state, record, signature, where)
    else:
        author = state.members.get(record.author)
        if author is None:
            raise IntegrityError(f"{where} is signed by {record.author!r}, who is not a member")
        if author.revoked_at is not None:
            raise IntegrityError(f"{where} is signed by {record.author!r}, who was revoked")
        if not verify_signature(author.sign_public, signature, signed_message(body)):
            raise IntegrityError(f"{where} ({record.kind}) has an invalid signature")
        if record.kind in (KEYS_CREATE, KEYS_RETIRE):
            may = state.policy.can_write_cases(author.role)
        elif record.kind in (TERMS_ACCEPT, TERMS_WITHDRAW):
            may = state.policy.can_review(author.role)
        else:
            may = state.policy.can_manage_people(author.role)
        if not may:
            raise IntegrityError(
                f"{where} ({record.kind}) is signed by a {author.role}, who may not"
            )
    base = replace(state, seq=record.seq, head=record.hash)
    if record.kind == KEYS_CREATE:
        made = _commitments(record)
        if set(made) & set(state.commitments):
            raise IntegrityError(f"{where} creates keys that already exist")
        return replace(base, commitments={**state.commitments, **made})
    if record.kind == MEMBER_ADD:
        member = _member(record)
        if member.name in state.members or member.name == RECOVERY_NAME:
            raise IntegrityError(f"{where} enrols {member.name!r} a second time")
        if member.role not in state.policy.roles:
            raise IntegrityError(f"{where} gives {member.name!r} an unknown role")
        if record.author == RECOVERY_NAME and not state.policy.can_manage_people(member.role):
            raise IntegrityError(f"{where}: the recovery key may enrol only an admin")
        return replace(base, members={**state.members, member.name: member})
    if record.kind == MEMBER_REVOKE:
        return _revoke(base, record, where)
    if record.kind == MEMBER_REKEY:
        return _rekey(base, record, where)
    if record.kind == RECOVERY_SET:
        epochs = dict(state.epochs)
        if state.recovery is not None:  # a new recovery key: a new escrow role key for it
            epochs[RECOVERY_SLOT] = state.epochs.get(RECOVERY_SLOT, 1) + 1
        return replace(
            base,
            recovery=_recovery(record, where),
            former_keys=_retire_recovery(state),
            epochs=epochs,
        )
    if record.kind == KEYS_RETIRE:
        return replace(base, retired={**state.retired, **_retired(state, record, where)})
    if record.kind == VAULT_RESTORE:
        return replace(base, restores=state.restores + 1)
    if record.kind == TERMS_ACCEPT:
        return replace(base, public_terms=state.public_terms | _terms(record, where))
    if record.kind == TERMS_WITHDRAW:
        return replace(base, public_terms=state.public_terms - _terms(record, where))
    if record.kind == POLICY_SET:
        text, policy = _policy(record)
        lost = sorted({m.role for m in state.members.values()} - set(policy.roles))
        if lost:
            raise IntegrityError(f"{where} removes the role {lost[0]!r} that members hold")
        return replace(base, policy_text=text, policy=policy)
    raise IntegrityError(f"{where} is of an unknown kind {record.kind!r}")


MAX_TERM_CHARS = 200
MAX_TERMS = 1000


def _terms(record: StateRecord, where: str) -> frozenset[str]:
    """The terms a ``terms.accept`` or ``terms.withdraw`` record names: a non-empty list of
    short strings, each "kind:folded text" (see :func:`vault.redact.unchecked.term_keys`)."""
    terms = record.payload.get("terms")
    if (
        not isinstance(terms, list)
        or not 0 < len(terms) <= MAX_TERMS
        or not all(
            isinstance(t, str) and 2 < len(t) <= MAX_TERM_CHARS and ":" in t[1:-1] for t in terms
        )
    ):
        raise IntegrityError(f"{where} names no valid list of public terms")
    return frozenset(terms)


def _check_recovery_signed(
    state: VaultState, record: StateRecord, signature: bytes, where: str
) -> None:
    if state.recovery is None:
        raise IntegrityError(f"{where} is signed by the recovery key, but none was set")
    if record.kind not in RECOVERY_KINDS:
        raise IntegrityError(
            f"{where} ({record.kind}) is signed by the recovery key, which may not"
        )
    if not verify_signature(state.recovery.sign_public, signature, signed_message(record.body)):
        raise IntegrityError(f"{where} ({record.kind}) has an invalid recovery signature")


def reached_by(policy: Policy, role: str) -> dict[str, int]:
    """The epoch slots a person of ``role`` could reach, which a revocation advances: their role
    key, every key it carries (level keys and the publication key), and the role key of every
    role holding one of those (each such role gets a new role key carrying the new epochs)."""
    held = set(policy.keys_of(role))
    slots = {f"role:{role}"} | {f"{ref.kind}:{ref.name}" for ref in held}
    for other in policy.roles:
        if held & set(policy.keys_of(other)):
            slots.add(f"role:{other}")
    return {slot: 1 for slot in sorted(slots | {DB_SLOT})}


def _advance(state: VaultState, role: str) -> dict[str, int]:
    slots = set(reached_by(state.policy, role))
    if state.recovery is not None:  # its escrow must carry the new epochs too
        slots.add(RECOVERY_SLOT)
    return {**state.epochs, **{slot: state.epochs.get(slot, 1) + 1 for slot in sorted(slots)}}


def _target(state: VaultState, record: StateRecord, where: str) -> MemberState:
    name = str(record.payload.get("name", ""))
    member = state.members.get(name)
    if member is None or member.revoked_at is not None:
        raise IntegrityError(f"{where} names {name!r}, who is not an active member")
    return member


def _revoke(state: VaultState, record: StateRecord, where: str) -> VaultState:
    member = _target(state, record, where)
    named = _member(record)
    if (named.role, named.sign_public, named.kem_public) != (
        member.role,
        member.sign_public,
        member.kem_public,
    ):
        raise IntegrityError(f"{where} revokes keys that are not {member.name!r}'s")
    managers = [
        m.name
        for m in state.active_members()
        if m.name != member.name and state.policy.can_manage_people(m.role)
    ]
    if not managers:
        raise IntegrityError(f"{where} revokes {member.name!r}, the last person managing people")
    return replace(
        state,
        members={**state.members, member.name: replace(member, revoked_at=record.time)},
        revoked_seq={**state.revoked_seq, member.name: record.seq},
        epochs=_advance(state, member.role),
    )


def _rekey(state: VaultState, record: StateRecord, where: str) -> VaultState:
    member = _target(state, record, where)
    new = _member(record)
    if new.role != member.role:
        raise IntegrityError(f"{where} changes {member.name!r}'s role: a re-key keeps it")
    if new.sign_public == member.sign_public or new.kem_public == member.kem_public:
        raise IntegrityError(f"{where} gives {member.name!r} the keys they already had")
    former = (*state.former_keys.get(member.name, ()), FormerKey(member.sign_public, record.seq))
    return replace(
        state,
        members={**state.members, member.name: new},
        former_keys={**state.former_keys, member.name: former},
        epochs=_advance(state, member.role),
    )


def recovery_payload(
    sign_public: bytes,
    kem_public: bytes,
    age_recipient: str,
    threshold: int,
    shares: int,
    trustees: Iterable[str],
) -> dict[str, Any]:
    return {
        "sign_public": b64(sign_public),
        "kem_public": b64(kem_public),
        "age_recipient": age_recipient,
        "threshold": threshold,
        "shares": shares,
        "trustees": list(trustees),
    }


def _recovery(record: StateRecord, where: str) -> Recovery:
    p = record.payload
    try:
        threshold, shares = int(p["threshold"]), int(p["shares"])
        trustees = tuple(str(t) for t in p["trustees"])
        recipient = str(p["age_recipient"])
    except (KeyError, TypeError, ValueError) as e:
        raise IntegrityError(f"{where} is a malformed recovery record") from e
    if not (1 <= threshold <= shares <= 16) or len(trustees) != shares:
        raise IntegrityError(f"{where} names an impossible recovery threshold")
    if not recipient.startswith("age1"):
        raise IntegrityError(f"{where} names no age recipient")
    return Recovery(
        _key(p, "sign_public", 32),
        _key(p, "kem_public", 1216),
        recipient,
        threshold,
        shares,
        trustees,
        record.time,
    )


def _retire_recovery(state: VaultState) -> Mapping[str, tuple[FormerKey, ...]]:
    if state.recovery is None:
        return state.former_keys
    former = state.former_keys.get(RECOVERY_NAME, ())
    retired = FormerKey(state.recovery.sign_public, state.seq + 1)
    return {**state.former_keys, RECOVERY_NAME: (*former, retired)}


def _retired(state: VaultState, record: StateRecord, where: str) -> dict[str, int]:
    raw = record.payload.get("retired")
    if not isinstance(raw, dict) or not raw:
        raise IntegrityError(f"{where} retires nothing")
    out: dict[str, int] = {}
    for slot, value in raw.items():
        kind, _, name = str(slot).partition(":")
        oldest = value if isinstance(value, int) else 0
        if not (state.retired.get(str(slot), 1) < oldest <= state.epoch(kind, name)):
            raise IntegrityError(f"{where} retires epochs of {slot} it may not")
        out[str(slot)] = oldest
    return out


def _commitments(record: StateRecord) -> dict[str, bytes]:
    raw = record.payload.get("commitments")
    if not isinstance(raw, dict) or not raw:
        raise IntegrityError(f"state record {record.seq} commits to no key")
    out: dict[str, bytes] = {}
    for slot, value in raw.items():
        try:
            decoded = base64.b64decode(str(value), validate=True)
        except ValueError as e:  # binascii.Error, or base64 text that is not ASCII
            raise IntegrityError(f"state record {record.seq} has a malformed commitment") from e
        if len(decoded) != 32 or str(slot).count(":") != 2:
            raise IntegrityError(f"state record {record.seq} has a malformed commitment")
        out[str(slot)] = decoded
    return out


def replay(vault_id: str, rows: Iterable[tuple[bytes, bytes]]) -> VaultState:
    """Verify the whole chain of (body, signature) rows, oldest first; the state it gives."""
    state: VaultState | None = None
    for body, signature in rows:
        if state is None:
            record = parse(body)
            if json.loads(body)["vault_id"] != vault_id:
                raise IntegrityError("the vault's state belongs to another vault")
            state = _genesis(vault_id, record, signature)
        else:
            state = apply(state, body, signature)
    if state is None:
        raise IntegrityError("the vault has no signed state")
    return state
