"""Unchecked spans of drafts, and the vault's list of accepted public terms that clears them.

After redaction, every span of a draft's text that could point to a person and that no layer
judged is *unchecked* (:mod:`vault.redact.unchecked`): the draft cannot be approved until a
reviewer has redacted or accepted each one. Accepting a span adds its terms to the vault's list
of public terms — a ``terms.accept`` record of the signed state, logged — so the next draft that
says "Urumqi" or "Chen Quanguo" asks no more. The list counts only as the signed state chain
says: a row written into the database by hand adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from vault.errors import UsageError
from vault.policy.state import MAX_TERMS, TERMS_ACCEPT, TERMS_WITHDRAW
from vault.redact.unchecked import KINDS, Unchecked, find_unchecked, term_keys
from vault.services.drafts import Draft, edit_draft, get_draft
from vault.services.session import Vault


@lru_cache(maxsize=4)
def policy_terms(terms: tuple[str, ...]) -> frozenset[str]:
    """The keys of the policy's public terms: each term as any kind of span, and its words."""
    return frozenset(k for t in terms for kind in KINDS for k in term_keys(t, kind))


def _current(v: Vault) -> None:
    """A session that sees a newer state record than it unlocked with (a reviewer accepted
    terms meanwhile) re-reads and re-checks the signed state first."""
    if v.store.state_seq() != v.state.seq:
        v.refresh_state()


def public_terms(v: Vault) -> frozenset[str]:
    """The accepted public terms: the policy's own list and what reviewers accepted since."""
    _current(v)
    return v.state.public_terms | policy_terms(tuple(v.policy.review.public_terms))


def consented_keys(name: str | None) -> frozenset[str]:
    """A person who consented to be named: their name, and each of its words ("Aidos was
    taken..."), is public in their own draft."""
    if not name:
        return frozenset()
    return frozenset(k for part in (name, *name.split()) for k in term_keys(part, "name"))


def unchecked_spans(v: Vault, draft: Draft) -> list[Unchecked]:
    """The unchecked spans of a draft's text (offsets in that text) under today's public terms."""
    public = public_terms(v) | consented_keys(draft.consented_name)
    return find_unchecked(
        draft.text,
        draft.lang,
        skip=[(r.out_start, r.out_end) for r in draft.redactions],
        public=public,
    )


def _pick(draft: Draft, spans: list[Unchecked], which: Sequence[int] | None) -> list[Unchecked]:
    if not spans:
        raise UsageError(f"{draft.draft_id} v{draft.version} has no unchecked span")
    if which is None:
        return spans
    if not which:
        raise UsageError("say which spans: --span N (see 'casevault review show') or --all")
    bad = [n for n in which if not 0 <= n < len(spans)]
    if bad:
        raise UsageError(
            f"no unchecked span u{bad[0]} in {draft.draft_id} v{draft.version} "
            f"(it has {len(spans)}, u0 to u{len(spans) - 1}; the numbers are given afresh after "
            "each change: see 'casevault review show')"
        )
    return [spans[n] for n in sorted(set(which))]


def accept_spans(
    v: Vault, draft_id: str, which: Sequence[int] | None
) -> tuple[Draft, list[Unchecked]]:
    """Accept unchecked spans of a draft's newest version as public (``which`` their numbers,
    None for all): their terms join the signed list of public terms. Returns the draft and the
    spans still unchecked."""
    v.require(v.policy.can_review(v.role), "accept public terms")
    with v.store.write():
        v.refresh_state()  # build on every record another process added since the unlock
        draft = get_draft(v, draft_id)
        picked = _pick(draft, unchecked_spans(v, draft), which)
        keys = sorted({k for u in picked for k in term_keys(draft.text[u.start : u.end], u.kind)})
        if len(keys) > MAX_TERMS:
            raise UsageError(f"at most {MAX_TERMS} terms at once; accept fewer spans")
        v.change_state(
            TERMS_ACCEPT,
            {"terms": keys, "draft": draft_id, "version": draft.version},
            {"draft": draft_id, "version": draft.version, "spans": len(picked)},
        )
        return draft, unchecked_spans(v, draft)


def redact_spans(v: Vault, draft_id: str, which: Sequence[int] | None, reason: str) -> Draft:
    """Redact unchecked spans of a draft by hand (every occurrence of their text), with a
    reason: a new version of the draft, by this person."""
    v.require(v.policy.can_draft(v.role), "redact drafts")
    with v.store.read():
        draft = get_draft(v, draft_id)
        picked = _pick(draft, unchecked_spans(v, draft), which)
        texts = list(dict.fromkeys(draft.text[u.start : u.end] for u in picked))
    # its own write: it refuses if the draft's cases changed since the spans were read
    return edit_draft(v, draft_id, redact_texts=texts, reason=reason)


def withdraw_terms(v: Vault, terms: Sequence[str]) -> int:
    """Take terms off the list of accepted public terms (a signed, logged record). Terms of
    the policy's own list are changed in the policy."""
    v.require(v.policy.can_review(v.role), "withdraw public terms")
    with v.store.write():
        v.refresh_state()
        known = v.state.public_terms
        missing = [t for t in terms if t not in known]
        if not terms or missing:
            raise UsageError(
                f"{missing[0]!r} is not an accepted public term (see 'casevault review terms')"
                if missing
                else "name the terms to withdraw"
            )
        v.change_state(TERMS_WITHDRAW, {"terms": sorted(set(terms))}, {"terms": len(set(terms))})
        return len(set(terms))


def accepted_terms(v: Vault) -> list[str]:
    """The terms reviewers accepted (what ``review withdraw`` takes), sorted; the policy's own
    list (``[review] public_terms``) is changed in the policy."""
    _current(v)
    return sorted(v.state.public_terms)
