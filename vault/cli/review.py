"""Drafts and their review: `draft create|edit|check`, `review list|show|approve|reject`, and the
unchecked spans a reviewer clears: `review accept|redact|terms|withdraw`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from vault.cli import render
from vault.cli.main import open_vault, output_options, print_result
from vault.errors import UsageError

if TYPE_CHECKING:
    from vault.redact.unchecked import Unchecked
    from vault.services.drafts import Draft
    from vault.services.review import Status
    from vault.services.session import Vault


def _draft_summary(d: Draft, st: Status) -> str:
    return (
        f"{d.draft_id} v{d.version}  {d.subject}  [{d.lang}]  by {d.author}  "
        f"{st.state}: {st.detail}  ({len(d.redactions)} redactions)"
    )


def _unchecked(v: Vault, d: Draft) -> list[Unchecked]:
    from vault.services.public_terms import unchecked_spans

    return unchecked_spans(v, d)


def _draft_json(d: Draft, st: Status, unchecked: list[Unchecked]) -> dict[str, Any]:
    """A draft as --json prints it: every redaction and every unchecked span with its offsets
    (in ``text``), kind and reason; an original only where this person's level allows."""
    return {
        "draft": d.draft_id,
        "version": d.version,
        "subject": d.subject,
        "lang": d.lang,
        "author": d.author,
        "created_at": d.created_at,
        "status": st.to_json(),
        "text": d.text,
        "text_sha256": d.text_hash,
        "case_versions": d.versions,
        "redactions": [
            dict(r.to_json(), index=i, original=d.originals.get(i))
            for i, r in enumerate(d.redactions)
        ],
        "unchecked": [dict(u.to_json(d.text), index=i) for i, u in enumerate(unchecked)],
        "released_by_hand": [m.to_json() for m in d.unredactions],
        "dropped_carries": [m.to_json() for m in d.dropped],
    }


@click.group()
def draft() -> None:
    """Redacted public versions of a case or an action."""


@draft.command("create")
@click.argument("subject")
@click.option(
    "--lang",
    type=click.Choice(["en", "fr", "de"]),
    default="en",
    show_default=True,
    help="Language of the draft.",
)
@output_options
@click.pass_context
def draft_create(ctx: click.Context, subject: str, lang: str) -> None:
    """Build a redacted draft of a case (its id) or an action (e.g. 'UA 061/21')."""
    from vault.services import drafts
    from vault.services import review as review_svc

    v = open_vault(ctx)
    d = drafts.create_draft(v, subject, lang)
    st = review_svc.status(v, d)
    print_result(
        ctx,
        _draft_json(d, st, _unchecked(v, d)),
        _draft_summary(d, st) + f"\nReview it: casevault review show {d.draft_id}",
    )


@draft.command("edit")
@click.argument("draft_id")
@click.option(
    "--redact",
    "redact_",
    is_flag=True,
    help="Hide more text: you are asked for it at a hidden prompt.",
)
@click.option(
    "--unredact",
    type=click.IntRange(min=0),
    metavar="N",
    help="Release redaction #N (shown to the reviewer with your reason).",
)
@click.option("--reason", required=True, help="Why (kept with the draft).")
@output_options
@click.pass_context
def draft_edit(
    ctx: click.Context, draft_id: str, redact_: bool, unredact: int | None, reason: str
) -> None:
    """Add a manual redaction or release one; makes a new version of the draft."""
    from vault.services import drafts
    from vault.services import review as review_svc

    if redact_ == (unredact is not None):
        raise UsageError("give exactly one of --redact or --unredact N")
    v = open_vault(ctx)
    text = click.prompt("Text to redact", hide_input=True, err=True) if redact_ else None
    d = drafts.edit_draft(v, draft_id, redact_text=text, unredact=unredact, reason=reason)
    st = review_svc.status(v, d)
    print_result(ctx, _draft_json(d, st, _unchecked(v, d)), _draft_summary(d, st))


@draft.command("check")
@click.argument("draft_id")
@output_options
@click.pass_context
def draft_check(ctx: click.Context, draft_id: str) -> None:
    """Check a draft's exact text against every level (a person who reads every level); a draft
    made or edited by someone who does not cannot be approved until then."""
    from vault.services import draft_check as check_svc
    from vault.services import review as review_svc

    v = open_vault(ctx)
    d = check_svc.check_draft(v, draft_id)
    st = review_svc.status(v, d)
    print_result(
        ctx,
        _draft_json(d, st, _unchecked(v, d)),
        f"{d.draft_id} v{d.version}: checked against every level, no protected value found\n"
        + _draft_summary(d, st),
    )


@click.group()
def review() -> None:
    """Review drafts: list, show, clear unchecked spans (accept or redact), approve, reject."""


@review.command("list")
@output_options
@click.pass_context
def review_list(ctx: click.Context) -> None:
    """Drafts and their state (a publisher sees approved ones only)."""
    from vault.services import review as review_svc
    from vault.services.publisher import published_drafts

    v = open_vault(ctx)
    items = review_svc.list_drafts(v)
    published = published_drafts(v)

    def out(d: Draft) -> bool:
        return f"{d.draft_id}.{d.version}" in published

    lines = [_draft_summary(d, st) + ("  published" if out(d) else "") for d, st in items] or [
        "no drafts"
    ]
    data = [{**_draft_json(d, st, _unchecked(v, d)), "published": out(d)} for d, st in items]
    print_result(ctx, data, "\n".join(lines))


@review.command("show")
@click.argument("draft_id")
@output_options
@click.pass_context
def review_show(ctx: click.Context, draft_id: str) -> None:
    """The redacted text with every redaction marked, and what each one hides (where your level
    allows), why, and which layer caught it."""
    from vault.services import review as review_svc

    v = open_vault(ctx)
    d, st = review_svc.show_draft(v, draft_id)
    reasons = review_svc.rejection_reasons(v, d) if st.state == "rejected" else []
    unchecked = _unchecked(v, d)
    data = _draft_json(d, st, unchecked)
    data["rejections"] = [{"reviewer": r, "reason": t} for r, t in reasons]
    print_result(ctx, data, render.draft_view(d, st, reasons, unchecked))


@review.command("approve")
@click.argument("draft_id")
@output_options
@click.pass_context
def review_approve(ctx: click.Context, draft_id: str) -> None:
    """Approve the draft's exact text (signed; an edit of its cases voids it)."""
    from vault.services import review as review_svc

    st = review_svc.give_verdict(open_vault(ctx), draft_id, "approve")
    print_result(ctx, st.to_json(), f"{draft_id}: {st.state} ({st.detail})")


@review.command("reject")
@click.argument("draft_id")
@click.option("--reason", required=True, help="What must change.")
@output_options
@click.pass_context
def review_reject(ctx: click.Context, draft_id: str, reason: str) -> None:
    """Reject the draft, saying why."""
    from vault.services import review as review_svc

    st = review_svc.give_verdict(open_vault(ctx), draft_id, "reject", reason)
    print_result(ctx, st.to_json(), f"{draft_id}: {st.state} ({st.detail})")


def _span_numbers(spans: tuple[str, ...], every: bool) -> list[int] | None:
    """--span u3 / --span 3 (repeatable) or --all (None: every unchecked span)."""
    if every and spans:
        raise UsageError("give --span N or --all, not both")
    if not every and not spans:
        raise UsageError("give --span N (repeatable; see 'casevault review show') or --all")
    if every:
        return None
    out = []
    for raw in spans:
        digits = raw.strip().lower().removeprefix("u")
        if not digits.isdigit():
            raise UsageError(
                f"--span takes a span's number as 'review show' lists it (u3 or 3), not {raw!r}"
            )
        out.append(int(digits))
    return out


_span_option = click.option(
    "--span",
    "spans",
    multiple=True,
    metavar="N",
    help="An unchecked span's number as 'review show' lists it (u3 or 3); repeatable.",
)
_all_option = click.option(
    "--all", "every", is_flag=True, help="Every unchecked span of the draft."
)


@review.command("accept")
@click.argument("draft_id")
@_span_option
@_all_option
@output_options
@click.pass_context
def review_accept(ctx: click.Context, draft_id: str, spans: tuple[str, ...], every: bool) -> None:
    """Accept unchecked spans as public (places, officials, organisations, laws, dates of public
    events): their terms join the vault's list of public terms (signed, logged), so no later
    draft asks again."""
    from vault.services import public_terms

    v = open_vault(ctx)
    d, left = public_terms.accept_spans(v, draft_id, _span_numbers(spans, every))
    print_result(
        ctx,
        {
            "draft": draft_id,
            "unchecked": [dict(u.to_json(d.text), index=i) for i, u in enumerate(left)],
        },
        f"{draft_id}: accepted as public; {len(left)} unchecked span(s) left",
    )


@review.command("redact")
@click.argument("draft_id")
@_span_option
@_all_option
@click.option("--reason", required=True, help="Why (kept with the draft).")
@output_options
@click.pass_context
def review_redact(
    ctx: click.Context, draft_id: str, spans: tuple[str, ...], every: bool, reason: str
) -> None:
    """Redact unchecked spans (every occurrence of their text): a new version of the draft, by
    you — so another reviewer approves it (two-person rule)."""
    from vault.services import public_terms
    from vault.services import review as review_svc

    v = open_vault(ctx)
    d = public_terms.redact_spans(v, draft_id, _span_numbers(spans, every), reason)
    st = review_svc.status(v, d)
    print_result(ctx, _draft_json(d, st, _unchecked(v, d)), _draft_summary(d, st))


@review.command("terms")
@output_options
@click.pass_context
def review_terms(ctx: click.Context) -> None:
    """The public terms reviewers accepted, as 'review withdraw' takes them (a span's kind and its
    folded text: name:toksun, date:12march2018); the policy's own list is in the policy."""
    from vault.services import public_terms

    v = open_vault(ctx)
    terms = public_terms.accepted_terms(v)
    n = len(v.policy.review.public_terms)
    print_result(
        ctx,
        terms,
        "\n".join([*terms, f"(and {n} terms of the policy's [review] public_terms)"]),
    )


@review.command("withdraw")
@click.argument("terms", nargs=-1, required=True)
@output_options
@click.pass_context
def review_withdraw(ctx: click.Context, terms: tuple[str, ...]) -> None:
    """Take accepted public terms off the list (as 'review terms' prints them, e.g. name:toksun):
    spans they cleared are unchecked again, and drafts holding them wait for a reviewer."""
    from vault.services import public_terms

    n = public_terms.withdraw_terms(open_vault(ctx), list(terms))
    print_result(ctx, {"withdrawn": n}, f"{n} term(s) withdrawn")
