"""Drafts and their review: `draft create|edit`, `review list|show|approve|reject`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from vault.cli import render
from vault.cli.main import open_vault, output_options, print_result
from vault.errors import UsageError

if TYPE_CHECKING:
    from vault.services.drafts import Draft
    from vault.services.review import Status


def _draft_summary(d: Draft, st: Status) -> str:
    return (
        f"{d.draft_id} v{d.version}  {d.subject}  [{d.lang}]  by {d.author}  "
        f"{st.state}: {st.detail}  ({len(d.redactions)} redactions)"
    )


def _draft_json(d: Draft, st: Status) -> dict[str, Any]:
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
        _draft_json(d, st),
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
    print_result(ctx, _draft_json(d, st), _draft_summary(d, st))


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
        _draft_json(d, st),
        f"{d.draft_id} v{d.version}: checked against every level, no protected value found\n"
        + _draft_summary(d, st),
    )


@click.group()
def review() -> None:
    """Review drafts: list, show, approve, reject."""


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
    data = [{**_draft_json(d, st), "published": out(d)} for d, st in items]
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
    data = _draft_json(d, st)
    data["rejections"] = [{"reviewer": r, "reason": t} for r, t in reasons]
    print_result(ctx, data, render.draft_view(d, st, reasons))


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
