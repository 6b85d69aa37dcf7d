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
  members — is refused wherever it is unwrapped.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from vault.crypto import canonical_json, hash_bytes, verify_signature
from vault.crypto.hierarchy import state_record_message
from vault.errors import IntegrityError, PolicyError
from vault.policy.loader import parse_policy, policy_digest
from vault.policy.model import Policy

FORMAT = "casevault-state-v1"
GENESIS = "genesis"
MEMBER_ADD = "member.add"
POLICY_SET = "policy.set"
KEYS_CREATE = "keys.create"
KINDS = (GENESIS, MEMBER_ADD, POLICY_SET, KEYS_CREATE)


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

    @property
    def policy_digest(self) -> str:
        return policy_digest(self.policy_text)

    def epoch(self, kind: str, name: str) -> int:
        """The current epoch of a key (1 until a signed rotation advances it)."""
        return self.epochs.get(f"{kind}:{name}", 1)

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


def parse(body: bytes) -> StateRecord:
    """Parse a record body, checking it is exactly its canonical form. Raises IntegrityError."""
    try:
        d = json.loads(body)
        record = StateRecord(
            int(d["seq"]),
            str(d["kind"]),
            str(d["author"]),
            str(d["time"]),
            str(d["prev"]),
            dict(d["payload"]),
            body,
        )
        ok = d["format"] == FORMAT and canonical_json(d) == body
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise IntegrityError("a state record is malformed") from e
    if not ok:
        raise IntegrityError("a state record is not in canonical form")
    return record


def _key(payload: Mapping[str, Any], name: str, size: int) -> bytes:
    try:
        raw = base64.b64decode(str(payload[name]), validate=True)
    except (KeyError, binascii.Error) as e:
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
    author = state.members.get(record.author)
    if author is None:
        raise IntegrityError(f"{where} is signed by {record.author!r}, who is not a member")
    if not verify_signature(author.sign_public, signature, signed_message(body)):
        raise IntegrityError(f"{where} ({record.kind}) has an invalid signature")
    may = (
        state.policy.can_write_cases(author.role)
        if record.kind == KEYS_CREATE
        else state.policy.can_manage_people(author.role)
    )
    if not may:
        raise IntegrityError(f"{where} ({record.kind}) is signed by a {author.role}, who may not")
    base = replace(state, seq=record.seq, head=record.hash)
    if record.kind == KEYS_CREATE:
        made = _commitments(record)
        if set(made) & set(state.commitments):
            raise IntegrityError(f"{where} creates keys that already exist")
        return replace(base, commitments={**state.commitments, **made})
    if record.kind == MEMBER_ADD:
        member = _member(record)
        if member.name in state.members:
            raise IntegrityError(f"{where} enrols {member.name!r} a second time")
        if member.role not in state.policy.roles:
            raise IntegrityError(f"{where} gives {member.name!r} an unknown role")
        return replace(base, members={**state.members, member.name: member})
    if record.kind == POLICY_SET:
        text, policy = _policy(record)
        lost = sorted({m.role for m in state.members.values()} - set(policy.roles))
        if lost:
            raise IntegrityError(f"{where} removes the role {lost[0]!r} that members hold")
        return replace(base, policy_text=text, policy=policy)
    raise IntegrityError(f"{where} is of an unknown kind {record.kind!r}")


def _commitments(record: StateRecord) -> dict[str, bytes]:
    raw = record.payload.get("commitments")
    if not isinstance(raw, dict) or not raw:
        raise IntegrityError(f"state record {record.seq} commits to no key")
    out: dict[str, bytes] = {}
    for slot, value in raw.items():
        try:
            decoded = base64.b64decode(str(value), validate=True)
        except binascii.Error as e:
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
