"""The storage interface: rows in, rows out. It never sees a plaintext field or a key but its own.

A second backend (PostgreSQL for a team server) implements :class:`Store`; the services only use
the methods named here. Every write happens inside :meth:`Store.write`, one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class MemberRow:
    name: str
    role: str
    sign_public: bytes
    kem_public: bytes
    added_at: str
    added_by: str
    revoked_at: str | None
    record: bytes  # the canonical bytes the enrolling admin signed
    signature: bytes


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
class CaseVersionRow:
    case_id: str
    version: int
    author: str
    created_at: str
    body: bytes  # canonical JSON: ciphertexts, wrapped data keys, commitments, prev hash
    signature: bytes


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


@dataclass(frozen=True)
class ReviewRow:
    draft_id: str
    version: int
    reviewer: str
    verdict: str  # "approve" or "reject"
    created_at: str
    body: bytes  # canonical JSON the reviewer signed (+ a sealed reason for a rejection)
    signature: bytes


@dataclass(frozen=True)
class ActionRow:
    action_id: str
    version: int
    author: str
    updated_at: str
    body: bytes
    signature: bytes


class Store(Protocol):
    def write(self) -> AbstractContextManager[None]:
        """One write transaction (exclusive against other writers); rolls back on error."""

    def read(self) -> AbstractContextManager[None]:
        """A consistent read snapshot."""

    def close(self) -> None: ...

    # meta
    def get_meta(self, key: str) -> bytes | None: ...
    def put_meta(self, key: str, value: bytes) -> None: ...

    # members and keys
    def insert_member(self, row: MemberRow) -> None: ...
    def replace_member(self, row: MemberRow) -> None: ...
    def member(self, name: str) -> MemberRow | None: ...
    def members(self) -> list[MemberRow]: ...
    def put_key_wraps(self, rows: Iterable[KeyWrapRow]) -> None: ...
    def key_wrap(self, kind: str, name: str, epoch: int, holder: str) -> KeyWrapRow | None: ...
    def key_wraps(self, kind: str) -> list[KeyWrapRow]: ...

    # cases
    def case_head(self, case_id: str) -> int | None: ...
    def insert_case_versions(self, rows: Sequence[CaseVersionRow]) -> None: ...
    def case_version(self, case_id: str, version: int) -> CaseVersionRow | None: ...
    def case_versions(self, case_id: str) -> list[CaseVersionRow]: ...
    def case_ids(self, *, limit: int | None = None, after: str | None = None) -> list[str]: ...
    def count_cases(self) -> int: ...
    def replace_index_terms(self, case_id: str, namespace: str, terms: Iterable[bytes]) -> None: ...
    def find_index_terms(
        self, namespace: str, terms: Sequence[bytes]
    ) -> Iterator[tuple[bytes, str]]: ...

    # audit log
    def in_write(self) -> bool: ...
    def audit_size(self) -> int: ...
    def append_audit(self, row: AuditRow, nodes: Sequence[tuple[int, int, bytes]]) -> None: ...
    def audit_node(self, level: int, idx: int) -> bytes | None: ...
    def audit_entry(self, seq: int) -> AuditRow | None: ...
    def audit_entries(self, start: int = 0) -> Iterator[AuditRow]: ...
    def find_audit(self, f: AuditFilter) -> list[AuditRow]: ...
    def put_audit_head(self, size: int, note: str) -> None: ...
    def audit_heads(self) -> Iterator[tuple[int, str]]: ...
    def latest_audit_head(self) -> tuple[int, str] | None: ...
    def count_case_versions(self) -> int: ...

    # leak index and reviews
    def replace_leak_terms(
        self, case_id: str, rows: Iterable[tuple[bytes, str, str]], lengths: Iterable[int]
    ) -> None: ...
    def find_leak_terms(self, terms: Sequence[bytes]) -> dict[bytes, tuple[str, str]]: ...
    def leak_lengths(self) -> set[int]: ...
    def put_draft(self, row: DraftRow) -> None: ...
    def draft(self, draft_id: str, version: int | None = None) -> DraftRow | None: ...
    def drafts(self) -> list[DraftRow]: ...
    def count_drafts(self) -> int: ...
    def put_review(self, row: ReviewRow) -> None: ...
    def reviews(self, draft_id: str, version: int) -> list[ReviewRow]: ...

    # actions
    def put_action(self, row: ActionRow) -> None: ...
    def action(self, action_id: str) -> ActionRow | None: ...
    def action_ids(self) -> list[str]: ...
