"""The audit log over a store: append in the caller's transaction, prove, verify.

Appending adds signed entries as Merkle leaves and stores every completed subtree node, then a
tree head signed by the same person (a C2SP checkpoint note). Verification recomputes the tree
from the entries alone and reports everything it finds (``VerifyResult``, see
:mod:`vault.audit.verification`); :meth:`AuditLog.check_against` is the raising check against
an outside checkpoint. The log knows no vault rules: it does not know what an action means.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Protocol

from vault.audit import checkpoint as cp
from vault.audit import entry as en
from vault.audit import merkle
from vault.audit.verification import (
    UNCHECKED,
    EntryCheck,
    LogVerifier,
    Signature,
    SignKeys,
    VerifyResult,
    index_problems,
    note_keys,
    parse_time,
    signature_problem,
)
from vault.errors import IntegrityError, NotFoundError
from vault.store import AuditFilter, AuditRow, Store

SignaturesAhead = Callable[[Iterator[AuditRow]], Iterable[tuple[AuditRow, Signature]]]
"""Takes the stored rows in order and gives each back, in the same order, with what its
signature check found (:data:`~vault.audit.verification.Signature`)."""

ORIGIN_PREFIX = "casevault/"
VERIFY_HINT = "run 'casevault audit verify'"


class Signer(Protocol):
    """Who appends: a member's name and an Ed25519 signing function (an unlocked identity)."""

    @property
    def name(self) -> str:
        """The member name written into each entry as its actor."""
        ...

    def sign(self, message: bytes) -> bytes:
        """An Ed25519 signature over ``message``."""
        ...


@dataclass(frozen=True)
class AuditEvent:
    """What a service asks to log; the log adds vault, sequence number, time and signature."""

    action: str
    cases: Sequence[str] = ()
    fields: Sequence[str] = ()
    details: Mapping[str, en.Detail] = field(default_factory=dict)


class AuditLog:
    """One vault's audit log, read from and written to ``store``. Every method reads or writes
    the store but opens no transaction: the caller's transaction decides what is atomic."""

    def __init__(self, store: Store, vault_id: str) -> None:
        self.store = store
        self.vault_id = vault_id

    @property
    def origin(self) -> str:
        """The log's name in its checkpoints: ``casevault/`` and the vault id."""
        return ORIGIN_PREFIX + self.vault_id

    # --- tree access from stored nodes --------------------------------------------------------

    def _node(self, level: int, idx: int) -> bytes:
        h = self.store.audit_node(level, idx)
        if h is None:
            raise IntegrityError(f"audit tree node {level}/{idx} is missing")
        return h

    def frontier(self, size: int) -> merkle.Frontier:
        """The right edge of the tree of the first ``size`` entries, from stored nodes. Raises
        IntegrityError when a node it needs is missing."""
        hashes = [
            self._node(level, (size >> level) - 1)
            for level in range(size.bit_length())
            if size >> level & 1
        ]
        return merkle.Frontier(size, hashes)

    def root_at(self, size: int) -> bytes:
        """The root of the tree of the first ``size`` entries, from stored nodes (trusted as
        stored: :meth:`verify` is what checks them)."""
        return self.frontier(size).root()

    def subtree(self, start: int, end: int) -> bytes:
        """MTH of entries ``start..end-1`` from stored nodes, in O(log n) lookups: the
        ``subtree`` callback of :mod:`vault.audit.merkle`'s proof builders."""
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            return self._node(n.bit_length() - 1, start // n)
        k = 1
        while k << 1 < n:
            k <<= 1
        return merkle.node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def size(self) -> int:
        """The number of entries stored."""
        return self.store.audit_size()

    # --- appending ----------------------------------------------------------------------------

    def append(
        self, signer: Signer, sign_public: bytes, events: Sequence[AuditEvent], time: str
    ) -> int:
        """Append entries and a signed head inside the caller's write transaction; returns the
        new size. The entries are stamped ``time``, or the last entry's time if that is later:
        time in the log never runs backwards, whatever this machine's clock says. Raises
        IntegrityError outside a write transaction (an entry written apart from its action
        could outlive a failed action, or be lost with a successful one), or when ``time`` or
        the last entry cannot be read."""
        if not self.store.in_write():
            raise IntegrityError("audit entries must be written in the action's transaction")
        size = self.size()
        time = self._not_before_last(size, time)
        front = self.frontier(size)
        for event in events:
            e = en.make(
                self.vault_id,
                front.size,
                time,
                signer.name,
                event.action,
                cases=event.cases,
                fields=event.fields,
                details=event.details,
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

    def _not_before_last(self, size: int, time: str) -> str:
        # The last entry's signed time, not its index column: a member can rewrite the column,
        # and a far-future column would then stamp every later entry.
        now = parse_time(time)
        if now is None:
            raise IntegrityError(f"{time!r} is not a time")
        if size == 0:
            return time
        try:
            last = en.decode(self.entry_body(size - 1))[0].time
        except IntegrityError as e:
            raise IntegrityError(f"audit entry {size - 1} is malformed; {VERIFY_HINT}") from e
        last_at = parse_time(last)
        if last_at is None:
            raise IntegrityError(f"audit entry {size - 1} has no valid time; {VERIFY_HINT}")
        return last if last_at > now else time

    def signed_head(
        self, size: int, root: bytes, signer: Signer, sign_public: bytes, time: str
    ) -> str:
        """A checkpoint note of the tree of ``size`` with ``root``, signed by ``signer`` and
        stamped with ``time``. Does no I/O."""
        text = cp.Checkpoint(self.origin, size, root, (f"time {time}",)).text()
        return cp.sign_note(text, signer.name, sign_public, signer.sign)

    # --- proofs -------------------------------------------------------------------------------

    def inclusion_proof(self, seq: int, size: int) -> list[bytes]:
        """The RFC 9162 inclusion proof of entry ``seq`` in the tree of ``size``, from stored
        nodes. Raises ValueError unless 0 <= seq < size."""
        return merkle.inclusion_proof(seq, size, self.subtree)

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        """The RFC 9162 consistency proof from the tree of ``old`` to that of ``new``, from
        stored nodes. Raises ValueError unless 0 < old <= new."""
        return merkle.consistency_proof(old, new, self.subtree)

    def entry_body(self, seq: int) -> bytes:
        """The stored bytes of entry ``seq`` (the Merkle leaf), unchecked. Raises
        NotFoundError when there is no such entry."""
        row = self.store.audit_entry(seq)
        if row is None:
            raise NotFoundError(f"no audit entry {seq}")
        return row.body

    # --- listing ------------------------------------------------------------------------------

    def find(self, f: AuditFilter, member_keys: Mapping[str, bytes]) -> list[tuple[int, en.Entry]]:
        """The entries ``f`` selects, newest first, each checked before it is shown: it decodes,
        is signed by the member it names, its index columns say what its body says, and it
        names the case filtered on. Raises IntegrityError naming the first entry that fails.

        The filter runs on unsigned index columns, so a listing cannot show an entry hidden
        from it by an edited index: only :meth:`verify` reads every entry. Reads the store:
        call inside a read transaction."""
        out = []
        for row in self.store.find_audit(f):
            try:
                entry, sig, message = en.decode(row.body)
            except IntegrityError as e:
                raise IntegrityError(
                    f"audit entry {row.seq} is malformed: its bytes were changed; {VERIFY_HINT}"
                ) from e
            problems = _listing_problems(row, entry, f.case_id)
            problem = signature_problem(row.seq, entry, sig, message, member_keys)
            if problem is not None:
                problems.insert(0, problem)
            if problems:
                raise IntegrityError(f"{problems[0]}; {VERIFY_HINT}")
            out.append((row.seq, entry))
        return out

    # --- verification -------------------------------------------------------------------------

    def verify(
        self,
        member_keys: Mapping[str, bytes],
        *,
        check_entry: EntryCheck | None = None,
        signatures: SignaturesAhead | None = None,
    ) -> VerifyResult:
        """Recompute the whole log from its entries and report every problem found; the steps
        are those of :class:`~vault.audit.verification.LogVerifier`. ``check_entry`` sees each
        entry that decodes and returns what it finds wrong with it (the log knows nothing of
        what entries must match outside it). ``signatures`` takes the stored rows and gives
        each back with its signature's problem found already (on other cores). Reads the
        store: call inside a read transaction. Never raises for what it finds."""
        verifier = LogVerifier(
            self.vault_id, self.origin, member_keys, self.store.audit_heads(), check_entry
        )
        rows = self.store.audit_entries()
        for row, signature in signatures(rows) if signatures else zip(rows, repeat(UNCHECKED)):
            verifier.feed(row, signature)
        indexed: dict[str, set[int]] = {}
        for case_id, seq in self.store.audit_case_refs():  # one pass over the case index
            indexed.setdefault(case_id, set()).add(seq)
        return verifier.finish(
            lambda size: self.frontier(size).hashes(), lambda cid: indexed.get(cid, set())
        )

    # --- against an outside checkpoint --------------------------------------------------------

    def check_against(self, note: str, member_keys: Mapping[str, bytes]) -> tuple[int, int]:
        """Prove the current log extends an outside checkpoint signed by a member. Returns (old
        size, new size). Raises IntegrityError naming a rollback (the checkpoint covers more
        entries than the log holds) or a fork (the log's history differs from the
        checkpoint's), or when the note is not a verifiable checkpoint of this log. Reads the
        store: call inside a read transaction."""
        opened = cp.open_note(note, note_keys(member_keys))
        c = cp.parse_checkpoint(opened.text)
        if c.origin != self.origin:
            raise IntegrityError(f"the checkpoint is for another log ({c.origin})")
        if isinstance(member_keys, SignKeys) and c.size > 0:
            # signed by a key that counted when the log was that long: not by a revoked
            # person's kept key, nor a replaced one, for a log they never saw
            try:
                cp.open_note(note, member_keys.note_keys_at(c.size - 1))
            except IntegrityError as e:
                raise IntegrityError(
                    "the checkpoint is signed only by keys that no longer counted at its size "
                    "(a revoked or replaced key): it proves nothing"
                ) from e
        now = self.size()
        if c.size > now:
            raise IntegrityError(
                f"rollback: the checkpoint (signed by {', '.join(opened.verified)}) covers "
                f"{c.size} entries, this vault's log has only {now}: it is an older copy"
            )
        if c.size == 0:  # every log extends the empty one
            return 0, now
        proof = self.consistency_proof(c.size, now)
        try:
            merkle.check_consistency(c.size, now, c.root, self.root_at(now), proof)
        except merkle.ProofError as e:
            # The proof comes from our own stored nodes, so whatever its reason, the two
            # histories differ: say that, not which hash gave way.
            raise IntegrityError(
                f"the log does not extend the checkpoint at size {c.size}: its history was "
                "rewritten (a fork, or an older copy with new entries)"
            ) from e
        return c.size, now


def _listing_problems(row: AuditRow, entry: en.Entry, case_id: str | None) -> list[str]:
    """What is wrong with showing ``entry`` for ``row`` in a listing filtered on ``case_id``:
    it sits at another position than it claims, its index columns differ from its body, or the
    case index files it under a case its body does not name. Pure."""
    problems = []
    if entry.seq != row.seq:
        problems.append(
            f"audit entry {row.seq} holds entry {entry.seq}: entries were swapped or reordered"
        )
    problems += index_problems(row, entry)
    if case_id is not None and case_id not in entry.cases:
        problems.append(
            f"audit entry {row.seq}: the case index files it under {case_id}, its signed body "
            "does not name it: the index was edited"
        )
    return problems
