"""The audit log over a store: append in the caller's transaction, prove, verify.

Appending adds signed entries as Merkle leaves and stores every completed subtree node, then a
tree head signed by the same person (a C2SP checkpoint note). Verification recomputes the tree
from the entries alone and reports everything it finds (``VerifyResult``), with a raising twin.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from vault.audit import checkpoint as cp
from vault.audit import entry as en
from vault.audit import merkle
from vault.errors import IntegrityError, NotFoundError
from vault.store import AuditRow, Store

ORIGIN_PREFIX = "casevault/"
CASE_WRITES = ("case.create", "case.edit")
BULK_CASE_WRITES = ("case.import", "case.bulk_create")
MAX_PROBLEMS = 50


class Signer(Protocol):
    @property
    def name(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...


@dataclass(frozen=True)
class Record:
    """What a service asks to log; the log adds vault, sequence number, time and signature."""

    action: str
    cases: Sequence[str] = ()
    fields: Sequence[str] = ()
    details: Mapping[str, en.Detail] = field(default_factory=dict)


@dataclass
class VerifyResult:
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    heads_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def raise_for_problems(self) -> None:
        if self.problems:
            raise IntegrityError(self.problems[0])

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "size": self.size,
            "root": base64.b64encode(self.root).decode(),
            "heads_checked": self.heads_checked,
            "problems": self.problems,
        }


def note_keys(member_keys: Mapping[str, bytes]) -> dict[tuple[str, bytes], bytes]:
    return {(name, cp.key_id(name, pub)): pub for name, pub in member_keys.items()}


class AuditLog:
    def __init__(self, store: Store, vault_id: str) -> None:
        self.store = store
        self.vault_id = vault_id

    @property
    def origin(self) -> str:
        return ORIGIN_PREFIX + self.vault_id

    # --- tree access from stored nodes --------------------------------------------------------

    def _node(self, level: int, idx: int) -> bytes:
        h = self.store.audit_node(level, idx)
        if h is None:
            raise IntegrityError(f"audit tree node {level}/{idx} is missing")
        return h

    def frontier(self, size: int) -> merkle.Frontier:
        hashes = [
            self._node(level, (size >> level) - 1)
            for level in range(size.bit_length())
            if size >> level & 1
        ]
        return merkle.Frontier(size, hashes)

    def root_at(self, size: int) -> bytes:
        return self.frontier(size).root()

    def subtree(self, start: int, end: int) -> bytes:
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            return self._node(n.bit_length() - 1, start // n)
        k = 1
        while k << 1 < n:
            k <<= 1
        return merkle.node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def size(self) -> int:
        return self.store.audit_size()

    # --- appending ----------------------------------------------------------------------------

    def append(
        self, signer: Signer, sign_public: bytes, records: Sequence[Record], time: str
    ) -> int:
        """Append entries and a signed head inside the caller's write transaction."""
        if not self.store.in_write():
            raise IntegrityError("audit entries must be written in the action's transaction")
        size = self.size()
        front = self.frontier(size)
        for rec in records:
            e = en.make(
                self.vault_id,
                front.size,
                time,
                signer.name,
                rec.action,
                cases=rec.cases,
                fields=rec.fields,
                details=rec.details,
            )
            body = en.encode(e, signer.sign)
            nodes = front.append(merkle.leaf_hash(body))
            self.store.append_audit(
                AuditRow(e.seq, e.time, e.actor, e.action, e.cases, body), nodes
            )
        self.store.put_audit_head(
            front.size, self.signed_head(front.size, front.root(), signer, sign_public, time)
        )
        return front.size

    def signed_head(
        self, size: int, root: bytes, signer: Signer, sign_public: bytes, time: str
    ) -> str:
        text = cp.Checkpoint(self.origin, size, root, (f"time {time}",)).text()
        return cp.sign_note(text, signer.name, sign_public, signer.sign)

    # --- proofs -------------------------------------------------------------------------------

    def inclusion_proof(self, seq: int, size: int) -> list[bytes]:
        return merkle.inclusion_proof(seq, size, self.subtree)

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        return merkle.consistency_proof(old, new, self.subtree)

    def entry_body(self, seq: int) -> bytes:
        row = self.store.audit_entry(seq)
        if row is None:
            raise NotFoundError(f"no audit entry {seq}")
        return row.body

    # --- verification -------------------------------------------------------------------------

    def verify(
        self,
        member_keys: Mapping[str, bytes],
        *,
        case_versions: int | None = None,
        version_exists: Callable[[str, int], bool] | None = None,
    ) -> VerifyResult:
        """Recompute the whole log from its entries. Checks, in order, for each entry:
        1. it is where its sequence number says (nothing deleted, nothing reordered);
        2. it parses and is canonical; it belongs to this vault;
        3. its signature verifies under the key of the member it names;
        then 4. every signed tree head matches the tree recomputed at its size, and none claims
        more entries than there are (truncation); 5. the stored tree nodes match the recomputed
        ones; 6. the case versions in the vault match the case writes the log records."""
        result = VerifyResult()
        keys = note_keys(member_keys)
        heads = self.store.audit_heads()
        next_head = next(heads, None)
        front = merkle.Frontier()
        expected = 0
        case_writes = 0
        gap = False
        for row in self.store.audit_entries():
            # 1. position
            if row.seq != expected:
                result.add(f"audit entries {expected}..{row.seq - 1} are missing: deleted")
                gap = True
            expected = row.seq + 1
            # 2.-3. content and signature
            try:
                e, sig, message = en.decode(row.body)
            except IntegrityError:
                result.add(f"audit entry {row.seq} is malformed: its bytes were changed")
                e = None
            if e is not None:
                if e.seq != row.seq:
                    result.add(
                        f"audit entry {row.seq} holds entry {e.seq}: entries were "
                        "swapped or reordered"
                    )
                if e.vault != self.vault_id:
                    result.add(f"audit entry {row.seq} belongs to another vault")
                public = member_keys.get(e.actor)
                if public is None:
                    result.add(
                        f"audit entry {row.seq} claims to be by {e.actor!r}, who is not "
                        "a member: forged"
                    )
                elif not en.signature_ok(sig, message, public):
                    result.add(
                        f"audit entry {row.seq} ({e.action}) does not verify under "
                        f"{e.actor}'s key: changed, or forged with a key that is not a "
                        "member's"
                    )
                if e.action in CASE_WRITES:
                    case_writes += 1
                    version = e.details.get("version")
                    if (
                        version_exists is not None
                        and e.cases
                        and isinstance(version, int)
                        and not version_exists(e.cases[0], version)
                    ):
                        result.add(
                            f"audit entry {row.seq} records {e.cases[0]} v{version}, "
                            "which is not in the vault: a version was removed"
                        )
                elif e.action in BULK_CASE_WRITES:
                    count = e.details.get("count")
                    case_writes += count if isinstance(count, int) else 0
            front.append(merkle.leaf_hash(row.body))
            # 4. heads at this size
            while next_head is not None and next_head[0] <= front.size:
                if not gap:
                    self._check_head(next_head, front, keys, result)
                next_head = next(heads, None)
        result.size = front.size
        result.root = front.root()
        if next_head is not None:
            for later in heads:  # report the newest head: it says how much was cut off
                next_head = later
            size, note = next_head
            signer = self._head_signer(note, keys)
            result.add(
                f"the log was truncated: a tree head signed by {signer} covers {size} "
                f"entries, only {front.size} remain"
            )
        if front.size and result.heads_checked == 0 and not gap:
            result.add("the log has no signed tree head")
        # 5. stored nodes on the right edge equal the recomputed ones
        if not gap and front.size:
            try:
                if self.frontier(front.size).hashes() != front.hashes():
                    result.add("stored audit tree nodes do not match the entries")
            except IntegrityError as err:
                result.add(str(err))
        # 6. no action without its entry, no entry without its action
        if case_versions is not None and case_versions != case_writes:
            what = (
                "case changes with no audit entry, or audit entries removed"
                if case_versions > case_writes
                else "audit entries whose case versions were removed"
            )
            result.add(
                f"the log records {case_writes} case versions, the vault holds "
                f"{case_versions}: {what}"
            )
        return result

    def _head_signer(self, note: str, keys: Mapping[tuple[str, bytes], bytes]) -> str:
        try:
            return ", ".join(cp.open_note(note, keys).verified)
        except IntegrityError:
            return "an unknown key"

    def _check_head(
        self,
        head: tuple[int, str],
        front: merkle.Frontier,
        keys: Mapping[tuple[str, bytes], bytes],
        result: VerifyResult,
    ) -> None:
        size, note = head
        try:
            opened = cp.open_note(note, keys)
            c = cp.parse_checkpoint(opened.text)
        except IntegrityError as err:
            result.add(f"tree head at size {size}: {err}")
            return
        result.heads_checked += 1
        if c.origin != self.origin or c.size != size:
            result.add(f"tree head at size {size} names another log or size")
        elif size != front.size or c.root != front.root():
            result.add(
                f"tree head at size {size} (signed by {', '.join(opened.verified)}) does "
                "not match the entries: an entry before it was changed, removed or "
                "reordered"
            )

    # --- against an outside checkpoint --------------------------------------------------------

    def check_against(self, note: str, member_keys: Mapping[str, bytes]) -> tuple[int, int]:
        """Prove the current log extends an outside checkpoint. Returns (old size, new size);
        raises IntegrityError naming a rollback or a fork."""
        opened = cp.open_note(note, note_keys(member_keys))
        c = cp.parse_checkpoint(opened.text)
        if c.origin != self.origin:
            raise IntegrityError(f"the checkpoint is for another log ({c.origin})")
        now = self.size()
        if c.size > now:
            raise IntegrityError(
                f"rollback: the checkpoint (signed by {', '.join(opened.verified)}) covers "
                f"{c.size} entries, this vault's log has only {now}: it is an older copy"
            )
        if c.size == 0:
            return 0, now
        proof = self.consistency_proof(c.size, now)
        if not merkle.verify_consistency(c.size, now, c.root, self.root_at(now), proof):
            raise IntegrityError(
                f"the log does not extend the checkpoint at size {c.size}: its history was "
                "rewritten (a fork, or an older copy with new entries)"
            )
        return c.size, now

    def iter_entries(self, start: int = 0) -> Iterator[AuditRow]:
        return self.store.audit_entries(start)
