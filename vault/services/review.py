"""Review of drafts: their status, approvals and rejections, and who sees which draft.

An approval is the reviewer's Ed25519 signature over the exact text's hash, the case versions and
the policy digest; it is valid only while those case versions are still current (any edit of a
case voids it, visibly). The author of a draft never approves it (two-person rule); the policy
sets how many approvals are needed.
"""

from __future__ import annotations

import base64
import contextlib
import json
from dataclasses import dataclass
from typing import Any

from vault.audit.log import AuditEvent
from vault.crypto import canonical_json, open_sealed, seal, verify_signature
from vault.crypto.hierarchy import approval_message as signed_approval
from vault.crypto.hierarchy import review_reason_ad
from vault.errors import (
    AccessDeniedError,
    DecryptionError,
    IntegrityError,
    NotFoundError,
    UsageError,
)
from vault.policy import ExtraKey
from vault.services.actions import action_head
from vault.services.draft_check import unchecked_levels
from vault.services.drafts import PUBLICATION_KEY, Draft, get_draft, read_draft
from vault.services.provenance import (
    case_head,
    missing_verdicts,
    store_verdict,
    verdict_is_logged,
)
from vault.services.public_terms import unchecked_spans
from vault.services.session import Vault


@dataclass(frozen=True)
class Status:
    state: str  # pending, unchecked, approved, void, rejected, stale
    approvals: list[str]
    required: int
    detail: str
    spans: int = 0  # unchecked spans holding the draft back (a reviewer clears them)

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def approval_message(v: Vault, draft: Draft, reviewer: str) -> bytes:
    """What a reviewer signs: the exact text's hash, case versions and policy of this draft."""
    return signed_approval(
        canonical_json(
            {
                "vault": v.vault_id,
                "draft": draft.draft_id,
                "version": draft.version,
                "text_sha256": draft.text_hash,
                "versions": draft.versions,
                "action_version": draft.action_version,
                "policy": draft.policy,
                "reviewer": reviewer,
            }
        ),
    )


def status(v: Vault, draft: Draft) -> Status:
    required = v.policy.review.approvals_required
    changed = [cid for cid, ver in sorted(draft.versions.items()) if case_head(v, cid) != ver]
    if draft.action_version is not None and action_head(v, draft.subject) != draft.action_version:
        changed.insert(0, draft.subject)
    approvals: list[str] = []
    rejected: list[str] = []
    rows = v.store.reviews(draft.draft_id, draft.version)
    if draft.versions:
        missing = missing_verdicts(v, draft.draft_id, draft.version, min(draft.versions), rows)
        if missing:
            raise IntegrityError(
                f"{draft.draft_id} v{draft.version}: the log records {', '.join(missing)}, "
                "which the vault no longer holds: it was removed"
            )
    for row in rows:
        try:
            member = v.members.verified(row.reviewer)
        except (IntegrityError, NotFoundError):
            continue
        if not verdict_is_logged(v, row):
            continue  # a verdict no audit entry records does not count
        if row.verdict == "reject":
            rejected.append(row.reviewer)
            continue
        if row.verdict != "approve":
            continue
        ok = (
            row.reviewer != draft.author
            and v.policy.can_review(member.role)
            and any(
                verify_signature(key, row.signature, approval_message(v, draft, row.reviewer))
                for key in v.members.keys_of(member.name)
            )
        )
        if ok:
            approvals.append(row.reviewer)
    if rejected:
        return Status("rejected", approvals, required, f"rejected by {', '.join(rejected)}")
    if changed and approvals:
        return Status("void", approvals, required, f"{', '.join(changed)} changed after approval")
    if changed:
        return Status(
            "stale", approvals, required, f"{', '.join(changed)} changed since the draft was made"
        )
    missing = unchecked_levels(v, draft)
    if missing:
        return Status(
            "unchecked",
            [],
            required,
            f"not checked against the {', '.join(missing)} level; a caseworker must run "
            f"'casevault draft check {draft.draft_id}'",
        )
    spans = unchecked_spans(v, draft)
    if spans:
        return Status(
            "unchecked",
            [],
            required,
            spans=len(spans),
            detail=f"held back by {len(spans)} unchecked span{'s' if len(spans) != 1 else ''} "
            "(numbers, dates, names no layer judged): a reviewer must redact or accept each one "
            f"('casevault review show {draft.draft_id}')",
        )
    if len(approvals) >= required:
        return Status("approved", approvals, required, f"approved by {', '.join(approvals)}")
    return Status("pending", approvals, required, f"{len(approvals)} of {required} approvals")


def own_verdict(v: Vault, draft: Draft) -> str | None:
    """The verdict this person gave on this version of the draft (approve, reject), if any."""
    return next(
        (r.verdict for r in v.store.reviews(draft.draft_id, draft.version) if r.reviewer == v.user),
        None,
    )


def awaits_review_by(v: Vault, draft: Draft, st: Status) -> bool:
    """Whether the draft waits for this person's review: pending (or held back only by unchecked
    spans, which a reviewer clears), written by someone else, not yet judged by them, and their
    role reviews (the two-person rule as give_verdict applies it)."""
    return (
        v.policy.can_review(v.role)
        and draft.author != v.user
        and (st.state == "pending" or st.spans > 0)
        and own_verdict(v, draft) is None
    )


def list_drafts(v: Vault) -> list[tuple[Draft, Status]]:
    v.require(v.policy.holds_extra_key(v.role, ExtraKey.PUBLICATION), "see drafts")
    with v.store.read():
        out = []
        for row in v.store.drafts():
            draft = read_draft(v, row)
            st = status(v, draft)
            if v.policy.can_draft(v.role) or v.policy.can_review(v.role) or st.state == "approved":
                out.append((draft, st))
        return out


def show_draft(v: Vault, draft_id: str) -> tuple[Draft, Status]:
    """A draft and its status. A publisher sees only approved text; reviewers and drafters see
    every draft, with originals where their level allows (the reading is logged)."""
    v.require(v.policy.holds_extra_key(v.role, ExtraKey.PUBLICATION), "see drafts")
    with v.store.write():
        draft = get_draft(v, draft_id)
        st = status(v, draft)
        if not (v.policy.can_draft(v.role) or v.policy.can_review(v.role)):
            if st.state != "approved":
                raise AccessDeniedError(f"{draft_id} is not approved ({st.detail})")
            draft.source = None
            draft.originals = {}
        v.log(
            AuditEvent(
                "draft.read",
                cases=sorted(draft.versions)[:50],
                details={
                    "draft": draft_id,
                    "version": draft.version,
                    "originals": len(draft.originals),
                },
            )
        )
        return draft, st


def give_verdict(v: Vault, draft_id: str, verdict: str, reason: str | None = None) -> Status:
    v.require(v.policy.can_review(v.role), "review drafts")
    if verdict not in ("approve", "reject"):
        raise UsageError("verdict is approve or reject")
    if verdict == "reject" and not (reason and reason.strip()):
        raise UsageError("a rejection needs a reason (--reason)")
    with v.store.write():
        draft = get_draft(v, draft_id)
        if draft.author == v.user:
            raise AccessDeniedError(
                f"{v.user} wrote {draft_id}: the author cannot review it (two-person rule)"
            )
        st = status(v, draft)
        if st.state in ("stale", "void"):
            raise UsageError(f"{draft_id} is {st.state}: {st.detail}; create a new draft")
        if verdict == "approve" and st.state == "unchecked":
            raise UsageError(f"{draft_id} v{draft.version} is {st.detail}")
        if any(
            r.reviewer == v.user and r.verdict == verdict
            for r in v.store.reviews(draft_id, draft.version)
        ):
            raise UsageError(f"you already gave {draft_id} v{draft.version} that verdict")
        message = approval_message(v, draft, v.user)
        body: dict[str, Any] = {"verdict": verdict, "text_sha256": draft.text_hash}
        if reason:
            pub = v.keys.key(PUBLICATION_KEY)
            if pub is None:
                raise AccessDeniedError(f"{v.user} ({v.role}) holds no publication key")

            body["reason"] = base64.b64encode(
                seal(
                    pub,
                    reason.encode("utf-8"),
                    review_reason_ad(v.vault_id, draft_id, draft.version, v.user),
                )
            ).decode()
        store_verdict(
            v,
            draft_id,
            draft.version,
            draft.versions,
            verdict,
            canonical_json(body),
            v.identity.sign(message),
            {"text_sha256": draft.text_hash},
        )
        return status(v, draft)


def _open_reason(v: Vault, draft: Draft, reviewer: str, sealed: bytes) -> str | None:
    """A rejection's reason, under whichever epoch of the publication key it was sealed in
    (the newest first; a revocation starts a new one, the old stay live)."""
    ad = review_reason_ad(v.vault_id, draft.draft_id, draft.version, reviewer)
    epochs = v.state.live_epochs(PUBLICATION_KEY.kind, PUBLICATION_KEY.name)
    keys = [k for e in reversed(epochs) if (k := v.keys.key(PUBLICATION_KEY, e)) is not None]
    if not keys:
        return None
    for key in keys[:-1]:
        with contextlib.suppress(DecryptionError):
            return open_sealed(key, sealed, ad, f"reason of {reviewer}").decode("utf-8")
    return open_sealed(keys[-1], sealed, ad, f"reason of {reviewer}").decode("utf-8")


def rejection_reasons(v: Vault, draft: Draft) -> list[tuple[str, str]]:
    out = []
    for row in v.store.reviews(draft.draft_id, draft.version):
        data = json.loads(row.body)
        if row.verdict == "reject" and "reason" in data:
            text = _open_reason(v, draft, row.reviewer, base64.b64decode(data["reason"]))
            if text is not None:
                out.append((row.reviewer, text))
    return out
