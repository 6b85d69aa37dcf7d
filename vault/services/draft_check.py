"""The check of a draft version against every level before it may be approved (ADR 0005).

A person can look for protected values in a text only at the levels they read: a reviewer's
lookup cannot see secret values. So a draft version counts as *checked* when its author's role
reads every level and their lookup covered them all, or when someone whose role reads every
level has checked its exact text since (``casevault draft check``): a signed statement, stored
as a verdict ``check`` and logged. Only a checked version can be approved.
"""

from __future__ import annotations

from vault.crypto import canonical_json, verify_signature
from vault.crypto.hierarchy import draft_check_message
from vault.errors import AccessDeniedError, ValidationError
from vault.redact.entities import find_known
from vault.services.drafts import Draft, get_draft
from vault.services.leaks import VaultKnownValues
from vault.services.own_values import own_terms_of
from vault.services.provenance import store_verdict, verdict_is_logged
from vault.services.session import Vault
from vault.store import ReviewRow

CHECK = "check"


def check_statement(v: Vault, draft: Draft, checker: str) -> bytes:
    """What a checker signs: vault, draft, version, the exact text's hash, the levels checked
    and the policy."""
    return draft_check_message(
        canonical_json(
            {
                "vault": v.vault_id,
                "draft": draft.draft_id,
                "version": draft.version,
                "text_sha256": draft.text_hash,
                "levels": list(v.policy.levels),
                "policy": draft.policy,
                "checker": checker,
            }
        )
    )


def _reads_every_level(v: Vault, role: str) -> bool:
    return set(v.policy.readable_levels(role)) == set(v.policy.levels)


def unchecked_levels(v: Vault, draft: Draft) -> list[str]:
    """The levels this draft version's text has not been checked against (empty: checked)."""
    author = v.members.verified(draft.author)
    if _reads_every_level(v, author.role) and set(draft.checked_levels) >= set(v.policy.levels):
        return []
    for row in v.store.reviews(draft.draft_id, draft.version):
        if row.verdict == CHECK and _valid_check(v, draft, row):
            return []
    return [lv for lv in v.policy.levels if lv not in draft.checked_levels]


def _valid_check(v: Vault, draft: Draft, row: ReviewRow) -> bool:
    checker = v.members.state.members.get(row.reviewer)
    if checker is None or not _reads_every_level(v, checker.role):
        return False
    message = check_statement(v, draft, row.reviewer)
    if not any(
        verify_signature(k, row.signature, message) for k in v.members.keys_of(checker.name)
    ):
        return False
    return verdict_is_logged(v, row)


def check_draft(v: Vault, draft_id: str) -> Draft:
    """Check the current version of a draft against every level, as a person whose role reads
    them all; record the signed check. Raises ValidationError naming how many protected values
    of which levels were found and where (offsets, never the values)."""
    v.require(_reads_every_level(v, v.role), "check drafts against every level")
    with v.store.write():
        draft = get_draft(v, draft_id)
        if not unchecked_levels(v, draft):
            return draft
        known = VaultKnownValues(v, own=own_terms_of(v, draft.versions))
        if set(known.levels) != set(v.policy.levels):
            raise AccessDeniedError(f"{v.user}'s keys do not cover every level yet")
        spans = {(h.start, h.end): h.info.level for h in find_known(draft.text, known)}
        if spans:
            levels = sorted(set(spans.values()), key=v.policy.rank)
            where = ", ".join(f"{a}-{b}" for a, b in sorted(spans)[:5])
            raise ValidationError(
                f"{draft_id} v{draft.version}: {len(spans)} protected value(s) of level "
                f"{', '.join(levels)} in its text (characters {where}); redact them "
                f"(casevault draft edit {draft_id} --redact) and check again"
            )
        body = canonical_json({"verdict": CHECK, "text_sha256": draft.text_hash})
        signature = v.identity.sign(check_statement(v, draft, v.user))
        store_verdict(v, draft_id, draft.version, draft.versions, CHECK, body, signature)
        return draft
