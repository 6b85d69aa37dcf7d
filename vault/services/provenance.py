"""Provenance: every stored case version, draft version and review names the audit entry that
records it, and that entry — signed by the writer, a leaf of the Merkle log — names the stored
body's hash. A row no entry records, or one rewritten in place, or a current version set back,
does not count: these checks refuse it at the moment it is read. ``audit verify`` checks the
same for every row at once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from vault.audit import entry as audit_entry
from vault.audit.log import AuditEvent
from vault.crypto import hash_bytes
from vault.errors import IntegrityError
from vault.services.clock import now
from vault.services.session import Vault
from vault.store import AuditFilter, ReviewRow

CASE_WRITES = ("case.create", "case.edit")


def logged_entry(
    v: Vault,
    log_seq: int,
    *,
    what: str,
    actor: str,
    actions: Collection[str],
    details: Mapping[str, audit_entry.Detail],
    body: bytes | None,
) -> audit_entry.Entry:
    """The audit entry at ``log_seq``, after checking that it is signed by ``actor``, is one of
    ``actions``, says ``details`` and, when ``body`` is given, names its hash. Raises
    IntegrityError naming ``what`` (ids only) otherwise."""
    row = v.store.audit_entry(log_seq) if log_seq >= 0 else None
    if row is None:
        raise IntegrityError(f"{what} has no audit entry: it was not written by casevault")
    entry, signature, message = audit_entry.decode(row.body)
    keys = v.members.sign_keys().keys_at(entry.actor, log_seq)
    said = {k: entry.details.get(k) for k in details}
    if (
        entry.seq != log_seq
        or entry.actor != actor
        or entry.action not in actions
        or said != dict(details)
        or (body is not None and entry.details.get("body") != hash_bytes(body).hex())
        or not any(audit_entry.signature_ok(signature, message, k) for k in keys)
    ):
        raise IntegrityError(f"{what} is not the one its audit entry records: it was rewritten")
    return entry


def case_head(v: Vault, case_id: str) -> int | None:
    """The current version of a case, or None for an unknown case, after checking that the head
    the vault serves is its last version and no newer version the log records was removed."""
    head = v.store.case_head(case_id)
    if head is None:
        return None
    last = v.store.last_case_version(case_id)
    if last != head:
        raise IntegrityError(
            f"case {case_id}: its current version was set back (the vault holds version {last}, "
            f"serves {head})"
        )
    seq = v.store.last_case_write(case_id)
    row = v.store.audit_entry(seq) if seq is not None else None
    if row is not None:
        entry, _, _ = audit_entry.decode(row.body)
        logged = entry.details.get("version")
        if isinstance(logged, int) and logged > head:
            raise IntegrityError(
                f"case {case_id}: the log records version {logged}, the vault holds only "
                f"{head}: a version was removed"
            )
    return head


def verdict_is_logged(v: Vault, row: ReviewRow) -> bool:
    """Whether the audit entry a verdict (approve, reject, check) names records exactly it,
    signed by its reviewer: a verdict no entry records does not count."""
    try:
        logged_entry(
            v,
            row.log_seq,
            what=f"a {row.verdict} of {row.draft_id} v{row.version}",
            actor=row.reviewer,
            actions=(f"review.{row.verdict}",),
            details={"draft": row.draft_id, "version": row.version},
            body=row.body,
        )
    except IntegrityError:
        return False
    return True


def logged_draft_events(
    v: Vault, draft_id: str, case_id: str, limit: int = 10_000
) -> list[audit_entry.Entry]:
    """The signed entries that record versions of a draft and verdicts on it, newest first,
    found through the log's case index under one of the draft's cases (each entry checked
    against its signature and index columns). What a read compares the stored rows with."""
    found = []
    for action in ("draft", "review"):
        rows = v.audit.find(
            AuditFilter(case_id=case_id, action=action, limit=limit), v.members.sign_keys()
        )
        found += [e for _, e in rows if e.details.get("draft") == draft_id]
    return sorted(found, key=lambda e: e.seq, reverse=True)


def check_draft_is_newest(v: Vault, draft_id: str, version: int, case_id: str) -> None:
    """Refuse a draft whose newest stored version is older than the newest the log records
    (the newest version was deleted, bringing back what it replaced)."""
    logged = [
        e.details.get("version")
        for e in logged_draft_events(v, draft_id, case_id)
        if e.action.startswith("draft.")
    ]
    newest = max((n for n in logged if isinstance(n, int)), default=None)
    if newest is not None and newest > version:
        raise IntegrityError(
            f"draft {draft_id}: the log records version {newest}, the vault holds only "
            f"{version}: a version was removed"
        )


def missing_verdicts(
    v: Vault, draft_id: str, version: int, case_id: str, stored: Collection[ReviewRow]
) -> list[str]:
    """Verdicts on a draft version the log records but the vault no longer holds (a deleted
    rejection would otherwise turn a draft approved)."""
    held = {(r.reviewer, r.verdict) for r in stored}
    out = []
    for e in logged_draft_events(v, draft_id, case_id):
        if e.action.startswith("review.") and e.details.get("version") == version:
            verdict = e.action.removeprefix("review.")
            if (e.actor, verdict) not in held:
                out.append(f"{e.actor}'s {verdict}")
    return out


def store_verdict(
    v: Vault,
    draft_id: str,
    version: int,
    cases: Collection[str],
    verdict: str,
    body: bytes,
    signature: bytes,
    note: Mapping[str, audit_entry.Detail] | None = None,
) -> ReviewRow:
    """Store a verdict (approve, reject, check) and log it in the caller's write transaction:
    the row names its entry, the entry names the row's body hash (what
    :func:`verdict_is_logged` checks)."""
    row = ReviewRow(draft_id, version, v.user, verdict, now(), body, signature, v.audit.size())
    v.store.put_review(row)
    details: dict[str, audit_entry.Detail] = {
        "draft": draft_id,
        "version": version,
        "body": hash_bytes(body).hex(),
        **(note or {}),
    }
    v.log(AuditEvent(f"review.{verdict}", cases=sorted(cases)[:50], details=details))
    return row
