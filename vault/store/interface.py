"""The storage interface: rows in, rows out. It never sees a plaintext field or a key but its own.

A second backend (PostgreSQL for a team server) implements :class:`Store`; the services only use
the methods named here. Every write happens inside :meth:`Store.write`, one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from vault.models.secret import SecretBytes


@dataclass(frozen=True)
class StateRow:
    """One signed state record (policy, member, epoch change); ``log_seq`` is the audit entry
    that records its hash (an index only: the services check that entry says so)."""

    seq: int
    kind: str
    author: str
    body: bytes
    signature: bytes
    log_seq: int


@dataclass(frozen=True)
class KeyWrapRow:
    """A key wrapped for one holder. kind: 'role' (holder = a person), 'level' or 'index'
    (holder = 'role@epoch')."""

    kind: str
    name: str
    epoch: int
    holder: str
    wrapped: bytes


@dataclass(frozen=True)
class DataKeyWrapRow:
    """One level's data key of one record version (``record`` is ``kind:id``), wrapped under
    the level key of ``epoch``. Not signed: what it opens must match the body's commitment."""

    record: str
    version: int
    level: str
    epoch: int
    wrapped: bytes


@dataclass(frozen=True)
class CaseVersionRow:
    case_id: str
    version: int
    author: str
    created_at: str
    body: bytes  # canonical JSON: ciphertexts, wrapped data keys, commitments, prev hash
    signature: bytes
    log_seq: int = -1  # the audit entry that records it (an index: checked against the entry)


@dataclass(frozen=True)
class AuditRow:
    """One audit entry; time/actor/action/case_ids are index columns copied from the signed body
    (for filtering only; verification reads the body)."""

    seq: int
    time: str
    actor: str
    action: str
    case_ids: tuple[str, ...]
    body: bytes


@dataclass(frozen=True)
class AuditFilter:
    """Which audit entries to list (newest first). Every field is optional."""

    actor: str | None = None
    action: str | None = None  # an action, or a family: "case" matches "case.read" ...
    case_id: str | None = None
    since: str | None = None  # ISO times, compared as text
    until: str | None = None
    limit: int = 100


#: The size of a keyed leak-index term (a truncated HMAC-SHA-256, :func:`vault.crypto.blind_index`).
LEAK_TERM_BYTES = 16


@dataclass(frozen=True)
class LeakCaseRow:
    """One case's leak index: its keyed terms, each LEAK_TERM_BYTES, concatenated in byte
    order (the same terms the index's runs pair with its number, as they are), and per
    level key the kind of each of them, sealed (:mod:`vault.services.leaks`)."""

    case_id: str
    terms: bytes
    kinds: bytes
    no: int = 0  # the store's number for the case, which its term rows hold (0: not stored yet)

    def term_list(self) -> list[bytes]:
        n = LEAK_TERM_BYTES
        return [self.terms[i : i + n] for i in range(0, len(self.terms), n)]


@dataclass(frozen=True)
class DraftRow:
    draft_id: str
    version: int
    subject: str
    lang: str
    author: str
    created_at: str
    body: bytes  # a sealed, signed record (kind "draft")
    signature: bytes
    log_seq: int = -1  # the audit entry that records it (an index: checked against the entry)


@dataclass(frozen=True)
class ReviewRow:
    draft_id: str
    version: int
    reviewer: str
    verdict: str  # "approve" or "reject"
    created_at: str
    body: bytes  # canonical JSON the reviewer signed (+ a sealed reason for a rejection)
    signature: bytes
    log_seq: int = -1  # the audit entry that records it (an index: checked against the entry)


@dataclass(frozen=True)
class ActionRow:
    action_id: str
    version: int
    author: str
    updated_at: str
    body: bytes
    signature: bytes


class Store(Protocol):
    """What the services may ask of storage. Rows in, rows out: a store never sees a plaintext
    field or a key but its own, and trusts nothing it returns (the services verify signatures).

    Contracts every backend keeps:
    - every write method is called inside :meth:`write`, and everything written in one
      :meth:`write` block commits together or not at all;
    - a row that would duplicate a primary key raises :class:`~vault.errors.ConflictError` and
      writes nothing (except where a method says it replaces);
    - lookups of something absent return None or an empty collection, never raise;
    - lists come back in a stable order, named on each method.
    """

    def write(self) -> AbstractContextManager[None]:
        """One write transaction, exclusive against other writers; rolls back on any error.
        Nested write blocks are refused (StoreError)."""

    def bulk_write(
        self, on_shared: Callable[[], None] | None = None
    ) -> AbstractContextManager[None]:
        """:meth:`write` for a transaction that adds much (an import), made to need as little
        free disk as it can beyond what it adds; other processes may have to wait to read
        while it runs. ``on_shared`` is called when another connection keeps it from that."""

    def read(self) -> AbstractContextManager[None]:
        """A consistent read snapshot (inside a write block: that block's own view)."""

    def close(self) -> None:
        """Close the connection; the store is unusable afterwards."""

    def in_write(self) -> bool:
        """Whether a :meth:`write` block is open (the audit log appends only inside one)."""

    # --- meta --------------------------------------------------------------------------------

    def get_meta(self, key: str) -> bytes | None:
        """A value of the vault's key-value table, as bytes, or None."""

    def put_meta(self, key: str, value: bytes) -> None:
        """Set a value of the key-value table (replaces)."""

    # --- signed state and keys -----------------------------------------------------------------

    def append_state(self, row: StateRow) -> None:
        """Add a state record; it must be exactly one past the last (else ConflictError)."""

    def state_rows(self) -> list[StateRow]:
        """Every state record, oldest first (a malformed row: IntegrityError)."""

    def state_seq(self) -> int:
        """The number of the newest state record (0 when there is none); unverified."""

    def put_key_wraps(self, rows: Iterable[KeyWrapRow]) -> None:
        """Store wrapped keys; a row for the same (kind, name, epoch, holder) is replaced."""

    def key_wrap(self, kind: str, name: str, epoch: int, holder: str) -> KeyWrapRow | None:
        """One wrapped key for one holder."""

    def key_wraps(self, kind: str) -> list[KeyWrapRow]:
        """Every wrapped key of a kind, by (name, epoch, holder)."""

    # --- data-key wraps of record versions ----------------------------------------------------

    def put_data_key_wraps(self, rows: Iterable[DataKeyWrapRow]) -> None:
        """Insert or replace wraps (a rotation replaces a wrap with one at a newer epoch)."""
        ...

    def data_key_wraps(self, record: str, version: int) -> list[DataKeyWrapRow]:
        """Every level's wrap of one record version."""
        ...

    def stale_data_key_wraps(self, level: str, epoch: int, limit: int) -> list[DataKeyWrapRow]:
        """Up to ``limit`` wraps of ``level`` under an epoch older than ``epoch`` (indexed)."""
        ...

    def count_stale_data_key_wraps(self, level: str, epoch: int) -> int:
        """How many wraps of ``level`` are under an epoch older than ``epoch``."""
        ...

    def delete_key_wraps_to(self, holder: str) -> int:
        """Drop every wrap addressed to ``holder`` (a revoked or re-keyed person)."""
        ...

    def delete_key_wraps_before(self, kind: str, name: str, epoch: int) -> int:
        """Drop the wraps of a key's epochs older than ``epoch`` (retired); returns how many."""
        ...

    # --- cases ---------------------------------------------------------------------------------

    def case_head(self, case_id: str) -> int | None:
        """The newest version number of a case, or None for an unknown case."""

    def insert_case_versions(self, rows: Sequence[CaseVersionRow]) -> None:
        """Append versions, in order. Each must be exactly one past its case's head at that
        moment (version 1 for a new case), else ConflictError and nothing of the call is kept by
        the enclosing transaction. Moves each case's head to the version written."""

    def case_version(self, case_id: str, version: int) -> CaseVersionRow | None:
        """One version of a case."""

    def last_case_version(self, case_id: str) -> int | None:
        """The highest version number stored for a case (whatever its head row says)."""

    def last_case_write(self, case_id: str) -> int | None:
        """The sequence number of the newest audit entry indexed as writing this case
        (``case.create``/``case.edit`` naming it), or None. An index: check the entry."""

    def case_versions(self, case_id: str) -> list[CaseVersionRow]:
        """Every version of a case, oldest first."""

    def case_ids(self, *, limit: int | None = None, after: str | None = None) -> list[str]:
        """Case ids in ascending order, after ``after`` (exclusive), at most ``limit``."""

    def versioned_case_ids(self, *, limit: int, after: str | None = None) -> list[str]:
        """The ids of the cases that have stored versions, as :meth:`case_ids` (a case whose
        row in ``cases`` was removed is still here)."""

    def count_cases(self) -> int:
        """How many cases exist."""

    def table_sizes(self) -> dict[str, tuple[int, int]]:
        """Per table: how many rows, and the summed ``length()`` of their values (bytes of a
        BLOB, characters of TEXT, digits of a number: near the bytes for this schema's ASCII
        text). A whole scan: for the scale benchmark's floor, never a command's answer."""

    def count_case_versions(self) -> int:
        """How many case versions exist, over all cases."""

    def count_rows(self, table: str) -> int:
        """How many rows a table of the vault holds (``drafts``, ``reviews``, ...); any other
        name is refused."""

    def heads_not_last(self) -> list[str]:
        """Cases whose head is not their last stored version, by case id."""

    def replace_index_terms(self, case_id: str, namespace: str, terms: Iterable[bytes]) -> None:
        """Make ``terms`` the whole set of a case's blind-index terms in one namespace."""

    def find_index_terms(
        self, namespace: str, terms: Sequence[bytes], *, cases: Sequence[str] | None = None
    ) -> Iterator[tuple[bytes, str]]:
        """(term, case id) for every indexed term of ``terms`` in a namespace; only rows of
        ``cases`` if given (each looked up by its key, not read among the term's rows)."""

    def count_index_terms(self, namespace: str, terms: Sequence[bytes]) -> int:
        """How many (term, case) rows ``terms`` have in a namespace, counted where they are
        stored (none read out)."""

    # --- audit log -----------------------------------------------------------------------------

    def audit_size(self) -> int:
        """One past the highest sequence number stored (0 for an empty log)."""

    def append_audit(self, row: AuditRow, nodes: Sequence[tuple[int, int, bytes]]) -> None:
        """Store one entry, its case references and the tree nodes it completes
        (level, index, hash); ConflictError if the sequence number exists."""

    def audit_node(self, level: int, idx: int) -> bytes | None:
        """A stored tree node."""

    def audit_entry(self, seq: int) -> AuditRow | None:
        """One entry by sequence number."""

    def audit_entries(self, start: int = 0) -> Iterator[AuditRow]:
        """Entries from ``start`` on, in sequence order, streamed."""

    def audit_case_refs(self) -> Iterator[tuple[str, int]]:
        """Every (case id, sequence number) row of the log's case index, streamed."""

    def rekey(self, new_key: SecretBytes) -> None:
        """Re-encrypt the whole database under ``new_key`` (outside any transaction)."""
        ...

    def snapshot_to(self, path: Path, key: SecretBytes) -> None:
        """A consistent copy of the database at ``path``, under ``key``, while in use."""
        ...

    def integrity_check(self) -> list[str]:
        """Every problem a check of every page of the storage finds (read by a command or
        not); empty when sound."""

    def find_audit(self, f: AuditFilter) -> list[AuditRow]:
        """Entries matching a filter on the index columns, newest first, at most ``f.limit``."""

    def put_audit_head(self, size: int, note: str) -> None:
        """Store a signed tree head for a size (replaces one of the same size)."""

    def audit_heads(self) -> Iterator[tuple[int, str]]:
        """Every stored (size, signed note), smallest size first."""

    def latest_audit_head(self) -> tuple[int, str] | None:
        """The stored head of the largest size."""

    # --- leak index ----------------------------------------------------------------------------

    def replace_leak_cases(self, rows: Sequence[LeakCaseRow], *, staged: bool = False) -> None:
        """Make each row its case's whole leak index: the case's earlier (term, case number)
        pairs removed (of this layout, by the terms its earlier row lists, and of the layout
        before 0007), a pair for each of ``row.terms`` added to the index's runs
        (:mod:`vault.store.leak_runs`), all the cases' pairs together in key order. With
        ``staged`` the pairs are held aside (in the write transaction) until
        :meth:`merge_staged_leak_terms`: a lookup does not find them before."""

    def drop_pending_leak_terms(self) -> int:
        """Remove every staged term row (an import's first step: a finished import leaves none,
        so any there are no import's); returns how many (:meth:`count_pending_leak_terms`)."""

    def count_pending_leak_terms(self) -> int:
        """How many staged term rows there are (none outside an import's transaction)."""

    def merge_staged_leak_terms(self) -> int:
        """Move every staged pair into the leak index's runs, in key order; returns how many
        pairs the index gained. Called in the write transaction that staged them."""

    def find_leak_terms(
        self,
        terms: Sequence[bytes],
        *,
        per_term: int | None = None,
        cases: Sequence[str] | None = None,
    ) -> list[tuple[bytes, str]]:
        """(term, case id) for every stored leak term among ``terms``: at most ``per_term`` rows
        of each term if given (a common term is held by thousands of cases; a check needs to
        know it is held, not by whom all), only rows of ``cases`` if given."""

    def leak_cases(self, case_ids: Sequence[str]) -> dict[str, LeakCaseRow]:
        """The leak-index row of each of these cases that has one."""

    def leak_runs_in_order(self) -> Iterator[tuple[bytes, bytes, bytes | None]]:
        """Every run of the leak index as (key, pairs, the marks stored for its key or None),
        in key order, streamed (a value not of bytes as b""): what `check` reads to find a run
        a lookup would misread."""

    def count_stray_leak_marks(self) -> int:
        """How many rows of marks name no run's key: a lookup trusts the marks' keys to be the
        runs' (a stray one can stand for a run's range and hide its terms)."""

    def count_listed_leak_terms(self) -> int:
        """How many keyed terms the cases' leak rows list in all: as many pairs as the runs
        hold, when every case's pairs are there and nothing more."""

    def find_leak_terms_v1(
        self,
        terms: Sequence[bytes],
        *,
        per_term: int | None = None,
        cases: Sequence[str] | None = None,
    ) -> list[tuple[bytes, str, bytes]]:
        """:meth:`find_leak_terms` in the rows of the layout before migration 0007: (term, case
        id, sealed kind), kept until their case is saved again."""

    def leak_lengths(self, slots: Sequence[bytes]) -> dict[bytes, bytes]:
        """slot -> sealed set of term lengths, for the stored slots among ``slots`` (one slot
        per level key; a slot id is a keyed hash, so it names no level)."""

    def put_leak_lengths(self, rows: Iterable[tuple[bytes, bytes]]) -> None:
        """Store (slot, sealed lengths) rows, replacing a slot's earlier row."""

    # --- drafts and reviews --------------------------------------------------------------------

    def put_draft(self, row: DraftRow) -> None:
        """Add a draft version; ConflictError if that (draft, version) exists."""

    def draft(self, draft_id: str, version: int | None = None) -> DraftRow | None:
        """A version of a draft (default: its newest)."""

    def drafts(self) -> list[DraftRow]:
        """The newest version of every draft, by draft id."""

    def count_drafts(self) -> int:
        """How many drafts exist (not versions)."""

    def put_review(self, row: ReviewRow) -> None:
        """Add a verdict; ConflictError if that reviewer gave it to that version already."""

    def reviews(self, draft_id: str, version: int) -> list[ReviewRow]:
        """Every verdict on one draft version, oldest first."""

    # --- actions -------------------------------------------------------------------------------

    def put_action(self, row: ActionRow) -> None:
        """Store the newest version of an action (replaces the stored one)."""

    def action(self, action_id: str) -> ActionRow | None:
        """The stored version of an action."""

    def action_ids(self) -> list[str]:
        """Every action id, in order."""
