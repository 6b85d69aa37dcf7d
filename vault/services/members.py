"""The people of a vault as its signed state says: their roles and keys, and the state itself.

Every member holds the database key, so no row counts by itself. The state — policy, members,
key epochs — is the chain of signed state records (:mod:`vault.policy.state`) replayed from the
founder's genesis record, and each record must be the one its audit entry names by hash. This
module loads and checks that chain at unlock and appends to it; it does no other I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vault.audit import entry as audit_entry
from vault.audit.log import AuditEvent
from vault.audit.verification import SignKeys
from vault.crypto import Identity, PublicIdentity, hash_bytes, verify_signature
from vault.errors import IntegrityError, NotFoundError
from vault.models.member import RECOVERY_NAME
from vault.policy import state as signed_state
from vault.policy.state import MemberState, VaultState
from vault.store import StateRow, Store


def public_identity(member: MemberState) -> PublicIdentity:
    """The public keys a member's signed record names."""
    return PublicIdentity(member.name, member.sign_public, member.kem_public)


def load_state(store: Store, vault_id: str) -> tuple[VaultState, list[str]]:
    """Replay and check the signed state chain; also check that each record is the one its audit
    entry names (by hash, signed by the record's author). Returns the state and the hash of
    every record, oldest first (for the witness). Raises IntegrityError naming what is wrong."""
    rows = store.state_rows()
    state = signed_state.replay(vault_id, [(r.body, r.signature) for r in rows])
    keys = Members(state).every_key()
    heads: list[str] = []
    for row in rows:
        record = signed_state.parse(row.body)
        heads.append(record.hash)
        _check_logged(store, row, record.hash, keys)
    return state, heads


def _check_logged(
    store: Store, row: StateRow, record_hash: str, keys: Mapping[str, list[bytes]]
) -> None:
    """The audit entry at ``row.log_seq`` must be signed by the record's author and name this
    record's number and hash: a state record with no entry, or a rewritten one, is refused."""
    where = f"state record {row.seq}"
    logged = store.audit_entry(row.log_seq)
    if logged is None:
        raise IntegrityError(f"{where} has no audit entry: it was not written by casevault")
    entry, signature, message = audit_entry.decode(logged.body)
    # The record itself was checked by the replay under the key of its time; here any key its
    # author ever held may have signed the entry that binds it.
    if (
        entry.seq != row.log_seq
        or entry.details.get("state") != row.seq
        or entry.details.get("body") != record_hash
        or not any(verify_signature(k, signature, message) for k in keys.get(entry.actor, []))
    ):
        raise IntegrityError(f"{where} is not the one its audit entry records: it was rewritten")


class Members:
    """The members of one vault as its verified state says, for one session."""

    def __init__(self, state: VaultState, store: Store | None = None) -> None:
        self.state = state
        self._store = store
        self._sign_keys: tuple[VaultState, SignKeys] | None = None

    def verified(self, name: str) -> MemberState:
        """A member of the signed state. Raises NotFoundError for a name it does not hold."""
        member = self.state.members.get(name)
        if member is None:
            raise NotFoundError(f"no member named {name!r}")
        return member

    def __contains__(self, name: object) -> bool:
        return name in self.state.members

    def _current_keys(self) -> dict[str, bytes]:
        keys = {m.name: m.sign_public for m in self.state.members.values()}
        if self.state.recovery is not None:
            keys[RECOVERY_NAME] = self.state.recovery.sign_public
        return keys

    def sign_keys(self) -> SignKeys:
        """Every signer's key (revoked members too: their old signatures stay valid), with the
        keys they held before a re-key and when they were revoked, as log positions: a key
        counts only for the entries before the one that retired it."""
        state = self.state
        cached = self._sign_keys
        if cached is not None and cached[0] is state:
            return cached[1]
        if not state.former_keys and not state.revoked_seq:
            keys = SignKeys(self._current_keys())
            self._sign_keys = (state, keys)
            return keys
        log_seq = self._log_seqs()
        former = {
            name: [(k.sign_public, log_seq[k.until_seq]) for k in keys]
            for name, keys in state.former_keys.items()
        }
        revoked = {name: log_seq[seq] for name, seq in state.revoked_seq.items()}
        keys = SignKeys(self._current_keys(), former, revoked)
        self._sign_keys = (state, keys)  # one computation per state, however many reads
        return keys

    def _log_seqs(self) -> dict[int, int]:
        if self._store is None:
            raise IntegrityError("the members' key history needs the vault's state records")
        return {row.seq: row.log_seq for row in self._store.state_rows()}

    def every_key(self) -> dict[str, list[bytes]]:
        """Every key each signer ever held, current last: what their past signatures (records,
        approvals, checks) may verify under. Bounds in time are the log's to check."""
        out = {name: [k.sign_public for k in keys] for name, keys in self.state.former_keys.items()}
        for name, key in self._current_keys().items():
            out.setdefault(name, []).append(key)
        return out

    def keys_of(self, name: str) -> list[bytes]:
        """Every key ``name`` ever held (see :meth:`every_key`)."""
        return self.every_key().get(name, [])

    def active(self) -> list[MemberState]:
        """Members who may hold keys now (not revoked), in name order."""
        return self.state.active_members()


def append_state(
    store: Store,
    state: VaultState,
    author: Identity,
    kind: str,
    payload: Mapping[str, Any],
    time: str,
    log_seq: int,
) -> tuple[VaultState, AuditEvent]:
    """Sign one more state record and store it, inside the caller's write transaction; return
    the state after it and the audit event the caller must log at ``log_seq`` (the next entry).
    The record is checked exactly as every later unlock will check it."""
    seq = state.seq + 1
    body = signed_state.encode(state.vault_id, seq, state.head, kind, author.name, time, payload)
    signature = author.sign(signed_state.signed_message(body))
    after = signed_state.apply(state, body, signature)
    store.append_state(StateRow(seq, kind, author.name, body, signature, log_seq))
    return after, state_event(kind, seq, body, payload)


def state_event(kind: str, seq: int, body: bytes, payload: Mapping[str, Any]) -> AuditEvent:
    """The audit event recording a state record: its number and hash, and what it changed
    (names and digests only; a policy is named by its digest)."""
    details: dict[str, audit_entry.Detail] = {"state": seq, "body": hash_bytes(body).hex()}
    if "name" in payload:
        details["name"] = str(payload["name"])
        details["role"] = str(payload["role"])
        member = signed_state.member_of(payload)
        details["fingerprint"] = public_identity(member).fingerprint()
    if "policy" in payload:
        details["policy"] = hash_bytes(str(payload["policy"]).encode("utf-8")).hex()
    return AuditEvent(kind, details=details)
