"""Checking a whole audit log, one step at a time, reporting every problem found.

:class:`LogVerifier` is fed the stored rows in order and then told to finish; each step is a
small method. It does no I/O: the rows, the signed heads and the stored tree nodes come from the
caller (:meth:`vault.audit.log.AuditLog.verify`). It knows no vault rules either: what the
entries must agree with outside the log (case versions, for one) is checked by an
:data:`EntryCheck` the caller passes in.
"""

from __future__ import annotations

import base64
import enum
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import Any

from vault.audit import checkpoint as cp
from vault.audit import entry as en
from vault.audit import merkle
from vault.errors import IntegrityError
from vault.store import AuditRow

MAX_PROBLEMS = 50

EntryCheck = Callable[[int, en.Entry], Iterable[str]]
"""Sees each entry that decodes, with its stored position, and returns the problems it finds
(none: an empty iterable). The verifier reports them in entry order, among its own."""

CaseRefs = Callable[[str], Collection[int]]
"""The sequence numbers the log's case index files under a case id: what ``audit log --case``
would list. The index is a copy of the signed bodies, kept for lookups; nothing signs it."""

NoteKeys = Mapping[tuple[str, bytes], bytes]

EDITED_INDEX = "the index was edited"


class Unchecked(enum.Enum):
    """A row fed without its signature checked already: the verifier checks it."""

    SIGNATURE = "unchecked"


UNCHECKED = Unchecked.SIGNATURE

Signature = str | None | Unchecked
"""What feeding a row says of its signature: :func:`signature_problem` of the row as found
already (elsewhere, from the same stored bytes: ``audit verify`` checks signatures on the other
cores), or :data:`UNCHECKED`."""


class SignKeys(dict[str, bytes]):
    """Every signer's current Ed25519 key by name, and what the signed state says of their past:
    keys a person held before a re-key (each valid for log entries before the entry that
    retired it) and when a person was revoked (nothing they sign after that entry counts)."""

    def __init__(
        self,
        current: Mapping[str, bytes],
        former: Mapping[str, Sequence[tuple[bytes, int]]] | None = None,
        revoked: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(current)
        self.former = {name: tuple(keys) for name, keys in (former or {}).items()}
        self.revoked = dict(revoked or {})

    def keys_at(self, name: str, seq: int) -> list[bytes]:
        """The keys that count for ``name`` in log entry ``seq`` (none after a revocation)."""
        if name in self.revoked and seq > self.revoked[name]:
            return []
        keys = [pub for pub, until in self.former.get(name, ()) if seq < until]
        current = self.get(name)
        return [*keys, current] if current is not None else keys

    def note_keys_at(self, seq: int) -> dict[tuple[str, bytes], bytes]:
        """The signed-note keys that count for a checkpoint covering entries up to ``seq``."""
        return {
            (name, cp.key_id(name, pub)): pub for name in self for pub in self.keys_at(name, seq)
        }

    def every_key(self, name: str) -> list[bytes]:
        """Every key ``name`` ever held, current last (to check what they signed back then)."""
        current = self.get(name)
        former = [pub for pub, _ in self.former.get(name, ())]
        return [*former, current] if current is not None else former


def signature_problem(
    seq: int, entry: en.Entry, sig: bytes, message: bytes, member_keys: Mapping[str, bytes]
) -> str | None:
    """Why entry ``seq`` is not signed by the member it names, or None when it is. Pure."""
    if isinstance(member_keys, SignKeys):
        if entry.actor in member_keys.revoked and seq > member_keys.revoked[entry.actor]:
            return (
                f"audit entry {seq} ({entry.action}) is signed by {entry.actor!r} after they "
                "were revoked: forged with a key that no longer counts"
            )
        candidates = member_keys.keys_at(entry.actor, seq)
    else:
        public = member_keys.get(entry.actor)
        candidates = [] if public is None else [public]
    if not candidates:
        return f"audit entry {seq} claims to be by {entry.actor!r}, who is not a member: forged"
    if not any(en.signature_ok(sig, message, public) for public in candidates):
        return (
            f"audit entry {seq} ({entry.action}) does not verify under {entry.actor}'s key: "
            "changed, or forged with a key that is not a member's"
        )
    return None


def row_signature_problem(member_keys: Mapping[str, bytes], row: AuditRow) -> str | None:
    """:func:`signature_problem` of a stored row, None for a row that does not decode (the
    verifier reports that itself). Pure: what ``audit verify`` runs on the other cores."""
    try:
        entry, sig, message = en.decode(row.body)
    except IntegrityError:
        return None
    return signature_problem(row.seq, entry, sig, message, member_keys)


def index_problems(row: AuditRow, entry: en.Entry) -> list[str]:
    """Where the row's index columns (time, actor, action) differ from its signed body. The
    columns exist only so that ``audit log`` can filter; a member holding the database key can
    rewrite them, to hide their own entries from a filtered listing. Pure."""
    return [
        f"audit entry {row.seq}: its {name} column says {stored!r}, its signed body "
        f"{signed!r}: {EDITED_INDEX}"
        for name, stored, signed in (
            ("time", row.time, entry.time),
            ("actor", row.actor, entry.actor),
            ("action", row.action, entry.action),
        )
        if stored != signed
    ]


def parse_time(text: str) -> datetime | None:
    """An entry's time as an aware datetime, or None when it is not an ISO 8601 time with a
    zone. Pure."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def note_keys(member_keys: Mapping[str, bytes]) -> dict[tuple[str, bytes], bytes]:
    """Members' Ed25519 keys by (name, signed-note key id), as :func:`cp.open_note` wants."""
    out = {(name, cp.key_id(name, pub)): pub for name, pub in member_keys.items()}
    if isinstance(member_keys, SignKeys):  # a checkpoint signed before a re-key still opens
        for name, keys in member_keys.former.items():
            out.update({(name, cp.key_id(name, pub)): pub for pub, _ in keys})
    return out


@dataclass
class VerifyResult:
    """What verifying a log found: its size and root, how many signed heads matched, and every
    problem (at most :data:`MAX_PROBLEMS`, first found first). ``ok`` when there is none."""

    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    heads_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def add(self, problem: str) -> None:
        """Report one problem; past the cap the rest are dropped (the first ones say most)."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def to_json(self) -> dict[str, Any]:
        """The result as plain JSON types, for ``audit verify --json``."""
        return {
            "ok": self.ok,
            "size": self.size,
            "root": base64.b64encode(self.root).decode(),
            "heads_checked": self.heads_checked,
            "problems": self.problems,
        }


class LogVerifier:
    """Recomputes a log from its entries. For each row, in order:

    1. it is where its sequence number says (nothing deleted, nothing reordered);
    2. it parses and is canonical;
    3. it belongs to this vault;
    4. its signature verifies under the key of the member it names;
    5. its index columns (time, actor, action) say what its signed body says;
    6. its time is not before its predecessor's;
    7. every signed tree head up to here matches the tree recomputed at its size;
    then, at the end (:meth:`finish`):
    8. no head claims more entries than there are (truncation), and there is a head;
    9. the stored tree nodes on the right edge match the recomputed ones;
    10. the case index files each entry under exactly the cases its body names.
    The caller's :data:`EntryCheck` sees each entry after step 6.

    Does no I/O; never raises for what it finds, it reports it in :attr:`result`.
    """

    def __init__(
        self,
        vault_id: str,
        origin: str,
        member_keys: Mapping[str, bytes],
        heads: Iterator[tuple[int, str]],
        check_entry: EntryCheck | None = None,
    ) -> None:
        """``origin`` is the name the log's checkpoints carry; ``heads`` yields the stored
        (size, signed note) pairs in increasing size."""
        self.result = VerifyResult()
        self._vault_id = vault_id
        self._origin = origin
        self._member_keys = member_keys
        self._note_keys = note_keys(member_keys)
        self._heads = heads
        self._next_head = next(heads, None)
        self._check_entry = check_entry
        self._previous: tuple[int, str, datetime] | None = None  # seq, time text, time
        self._named: dict[str, list[int]] = {}  # case id -> entries whose bodies name it
        self._front = merkle.Frontier()
        self._expected = 0
        # After a gap the recomputed tree no longer lines up with the signed heads: every later
        # head would be reported as a mismatch, burying the one problem that matters.
        self._gap = False

    def feed(self, row: AuditRow, signature: Signature = UNCHECKED) -> None:
        """Check one stored row, the next in sequence order; ``signature`` is its signature's
        problem if found already (:data:`Signature`)."""
        self._check_position(row)
        decoded = self._decode(row)
        if decoded is not None:
            entry, sig, message = decoded
            self._check_claimed_position(row, entry)
            self._check_vault(row, entry)
            self._check_signature(row, entry, sig, message, signature)
            self._check_index(row, entry)
            self._check_time(row, entry)
            if self._check_entry is not None:
                for problem in self._check_entry(row.seq, entry):
                    self.result.add(problem)
        self._front.append(merkle.leaf_hash(row.body))
        self._check_heads()

    def finish(
        self,
        stored_hashes: Callable[[int], Sequence[bytes]],
        case_refs: CaseRefs | None = None,
    ) -> VerifyResult:
        """Run the end-of-log steps and return the result. ``stored_hashes(size)`` returns the
        stored right-edge subtree roots of a tree of that size (it may raise IntegrityError for
        a missing node); ``case_refs`` reads the log's case index (step 10, skipped without
        it)."""
        self.result.size = self._front.size
        self.result.root = self._front.root()
        self._check_truncation()
        self._check_stored_nodes(stored_hashes)
        if case_refs is not None:
            self._check_case_index(case_refs)
        return self.result

    # --- the steps, in order ------------------------------------------------------------------

    def _check_position(self, row: AuditRow) -> None:
        # 1. the rows are numbered without holes
        if row.seq != self._expected:
            self.result.add(f"audit entries {self._expected}..{row.seq - 1} are missing: deleted")
            self._gap = True
        self._expected = row.seq + 1

    def _decode(self, row: AuditRow) -> tuple[en.Entry, bytes, bytes] | None:
        # 2. canonical bytes: any other spelling of the same JSON is a change
        try:
            return en.decode(row.body)
        except IntegrityError:
            self.result.add(f"audit entry {row.seq} is malformed: its bytes were changed")
            return None

    def _check_claimed_position(self, row: AuditRow, entry: en.Entry) -> None:
        # 1. (again) the signed sequence number, which a swap of two rows cannot change
        if entry.seq != row.seq:
            self.result.add(
                f"audit entry {row.seq} holds entry {entry.seq}: entries were swapped or reordered"
            )

    def _check_vault(self, row: AuditRow, entry: en.Entry) -> None:
        # 3. an entry copied in from another vault signs correctly but is not ours
        if entry.vault != self._vault_id:
            self.result.add(f"audit entry {row.seq} belongs to another vault")

    def _check_signature(
        self, row: AuditRow, entry: en.Entry, sig: bytes, message: bytes, known: Signature
    ) -> None:
        # 4. signed by the member it names, under that member's key
        problem = (
            signature_problem(row.seq, entry, sig, message, self._member_keys)
            if known is UNCHECKED
            else known
        )
        if problem is not None:
            self.result.add(problem)

    def _check_index(self, row: AuditRow, entry: en.Entry) -> None:
        # 5. the unsigned index columns say what the signed body says
        for problem in index_problems(row, entry):
            self.result.add(problem)
        for case_id in entry.cases:
            self._named.setdefault(case_id, []).append(row.seq)

    def _check_time(self, row: AuditRow, entry: en.Entry) -> None:
        # 6. time never runs backwards: appending never stamps an entry before the last one,
        # so an earlier time is a back-dated entry signed by a member, or a clock set back
        at = parse_time(entry.time)
        if at is None:
            self.result.add(f"audit entry {row.seq}: its time {entry.time!r} is not a time")
            return
        if self._previous is not None and at < self._previous[2]:
            seq, text, _ = self._previous
            self.result.add(
                f"audit entry {row.seq}: its time {entry.time} is before that of entry {seq} "
                f"({text}): back-dated, or written with the clock set back"
            )
        self._previous = (row.seq, entry.time, at)

    def _check_heads(self) -> None:
        # 7. each head is checked once the recomputed tree reaches its size
        while self._next_head is not None and self._next_head[0] <= self._front.size:
            if not self._gap:
                self._check_head(*self._next_head)
            self._next_head = next(self._heads, None)

    def _check_head(self, size: int, note: str) -> None:
        try:
            opened = cp.open_note(note, self._note_keys)
            c = cp.parse_checkpoint(opened.text)
        except IntegrityError as err:
            self.result.add(f"tree head at size {size}: {err}")
            return
        self.result.heads_checked += 1
        if c.origin != self._origin or c.size != size:
            self.result.add(f"tree head at size {size} names another log or size")
        elif size != self._front.size or c.root != self._front.root():
            self.result.add(
                f"tree head at size {size} (signed by {', '.join(opened.verified)}) does not "
                "match the entries: an entry before it was changed, removed or reordered"
            )

    def _check_truncation(self) -> None:
        # 8. a head beyond the last entry means entries were cut off the end
        if self._next_head is not None:
            # report the newest head: it says how much was cut off
            size, note = deque(chain([self._next_head], self._heads), maxlen=1)[0]
            self.result.add(
                f"the log was truncated: a tree head signed by {self._head_signer(note)} covers "
                f"{size} entries, only {self._front.size} remain"
            )
        if self._front.size and self.result.heads_checked == 0 and not self._gap:
            self.result.add("the log has no signed tree head")

    def _head_signer(self, note: str) -> str:
        try:
            return ", ".join(cp.open_note(note, self._note_keys).verified)
        except IntegrityError:
            return "an unknown key"

    def _check_stored_nodes(self, stored_hashes: Callable[[int], Sequence[bytes]]) -> None:
        # 9. proofs are built from stored nodes: they must be the ones the entries give
        if self._gap or not self._front.size:
            return
        try:
            if list(stored_hashes(self._front.size)) != self._front.hashes():
                self.result.add("stored audit tree nodes do not match the entries")
        except IntegrityError as err:
            self.result.add(str(err))

    def _check_case_index(self, case_refs: CaseRefs) -> None:
        # 10. the case index files each entry under exactly the cases its body names: a deleted
        # index row hides the entry from `audit log --case`, an added one files it elsewhere
        for case_id, named in sorted(self._named.items()):
            indexed = set(case_refs(case_id))
            for seq in sorted(set(named) - indexed):
                self.result.add(
                    f"audit entry {seq}: its signed body names {case_id}, the case index does "
                    f"not: {EDITED_INDEX} (the entry is hidden from 'audit log --case')"
                )
            for seq in sorted(indexed - set(named)):
                self.result.add(
                    f"audit entry {seq}: the case index files it under {case_id}, its signed "
                    f"body does not name it: {EDITED_INDEX}"
                )
