"""Drafts and their review: the list, making a draft, the review screen (the text as it will be
published beside the original, every redaction with its reason in words and a decision), the
verdict, and the author's hand edits (hide more text, release a redaction).

Every change goes through the same services as ``casevault draft`` and ``casevault review``:
the two-person rule, the checks against every level and the staleness of a draft are theirs.
The one rule of this screen is the form's: an approval needs every redaction decided and
accepted; a rejection says which redactions were rejected.

Unchecked spans (what could still point to a person and no layer judged,
:mod:`vault.redact.unchecked`) are marked in the text and listed; a reviewer clears each one by
accepting it as public (``review accept``) or redacting it (``review redact``: a new version).
Their forms carry a fingerprint of the spans the page showed: span numbers are positions in a
list that a newer version, or a term another reviewer accepted, would shift.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from vault.errors import AccessDeniedError, UsageError, VaultError
from vault.ui import i18n
from vault.ui.web import (
    Refused,
    call,
    checked_form,
    lang_of,
    page,
    redirect,
    status_code,
    text_of,
)

if TYPE_CHECKING:
    from vault.redact.engine import Redaction
    from vault.redact.unchecked import Unchecked
    from vault.services.drafts import Draft
    from vault.services.review import Status
    from vault.services.session import Vault

ACCEPT = "accept"
REJECT = "reject"
VERDICTS = ("approve", "reject", "check")


# --- what the templates show ----------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of text: plain (``index`` and ``span`` None), the span of redaction ``index``, or
    unchecked span number ``span``."""

    text: str
    index: int | None = None
    span: int | None = None


@dataclass(frozen=True)
class Span:
    """One unchecked span of the text as it will be published. ``index`` is the number the CLI
    uses (``review show`` marks it ``{u3}``; ``review accept --span u3``)."""

    index: int
    kind: str  # email, handle, phone, date, address, number, name: the page words it by kind
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Mark:
    """One redaction as the reviewer reads it. ``index`` is the number the CLI uses
    (``review show``, ``draft edit --unredact N``)."""

    index: int
    reads: str  # what the published text now reads, e.g. "[name withheld]"
    words: str  # the reason in words, e.g. "name withheld — no consent (public level)"
    kind: str
    reason: str
    level: str | None
    layers: tuple[str, ...]
    original: str | None  # None: this person may not read it


@dataclass(frozen=True)
class Released:
    text: str | None  # None: this person may not read the source
    by: str
    reason: str


@dataclass
class Screen:
    """Everything the review screen shows about one draft, for one person."""

    draft: Draft
    status: Status
    published: list[Segment]
    source: list[Segment] | None
    marks: list[Mark]
    released: list[Released]
    dropped: list[Released]
    rejections: list[tuple[str, str]]
    may_review: bool
    is_author: bool
    may_edit: bool
    may_check: bool
    role: str
    given: str | None = None  # the verdict this person already gave on this version
    decisions: dict[int, str] = field(default_factory=dict)
    unchecked: list[Span] = field(default_factory=list)
    spans_key: str = ""  # the fingerprint of ``unchecked`` the span forms carry
    may_accept: bool = False  # accept spans as public: a role that reviews
    may_redact: bool = False  # redact spans: a role that drafts, reading the source

    @property
    def span_controls(self) -> bool:
        """Whether this person is offered a decision on each unchecked span: not on a draft
        whose cases changed (a new draft is made instead)."""
        return (self.may_accept or self.may_redact) and self.status.state not in (
            "stale",
            "void",
        )

    @property
    def closed(self) -> bool:
        """Nothing left to decide here: approved, out of date, or already judged by this
        person (a change of mind is a new draft, not a second verdict on this one)."""
        return self.given is not None or self.status.state in ("approved", "stale", "void")


def reason_in_words(r: Redaction) -> str:
    """``name withheld — no recorded consent to publish the name; public level``."""
    what = r.replacement.strip().strip("[]").strip() or r.kind
    words = f"{what} — {r.reason}" if r.reason else what
    return f"{words}; {r.level} level" if r.level else words


def segments(
    text: str,
    spans: list[tuple[int, int, int]],
    unchecked: list[tuple[int, int, int]] | None = None,
) -> list[Segment]:
    """``text`` cut into plain runs, the (start, end, index) spans of redactions and the
    (start, end, number) unchecked spans, in order."""
    cuts: list[tuple[int, int, int | None, int | None]]
    cuts = [(start, end, index, None) for start, end, index in spans]
    cuts += [(start, end, None, number) for start, end, number in unchecked or []]
    out: list[Segment] = []
    pos = 0
    for start, end, index, number in sorted(cuts, key=lambda c: (c[0], c[1])):
        if start < pos or end > len(text) or start > end:
            continue  # never drop text: a span that does not fit is shown plain
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], index, number))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def marks_of(draft: Draft) -> list[Mark]:
    return [
        Mark(
            i,
            r.replacement,
            reason_in_words(r),
            r.kind,
            r.reason,
            r.level,
            tuple(r.layers),
            draft.originals.get(i),
        )
        for i, r in enumerate(draft.redactions)
    ]


def spans_of(draft: Draft, found: list[Unchecked]) -> list[Span]:
    return [
        Span(i, u.kind, draft.text[u.start : u.end], u.start, u.end) for i, u in enumerate(found)
    ]


def spans_key(draft: Draft, spans: list[Span]) -> str:
    """A fingerprint of the unchecked spans a page showed, and of the version they are in."""
    shown = ";".join(f"{u.start}:{u.end}:{u.kind}" for u in spans)
    about = f"{draft.draft_id}|{draft.version}|{draft.text_hash}|{shown}"
    return hashlib.sha256(about.encode("utf-8")).hexdigest()


def build_screen(v: Vault, draft: Draft, st: Status, rejections: list[tuple[str, str]]) -> Screen:
    from vault.services import review
    from vault.services.draft_check import unchecked_levels
    from vault.services.public_terms import unchecked_spans

    marks = marks_of(draft)
    unchecked = spans_of(draft, unchecked_spans(v, draft))
    published = segments(
        draft.text,
        [(r.out_start, r.out_end, i) for i, r in enumerate(draft.redactions)],
        [(u.start, u.end, u.index) for u in unchecked],
    )
    source = None
    if draft.source is not None:
        source = segments(
            draft.source, [(r.start, r.end, i) for i, r in enumerate(draft.redactions)]
        )

    def shown(start: int, end: int) -> str | None:
        return draft.source[start:end] if draft.source is not None else None

    reads_all = set(v.policy.readable_levels(v.role)) == set(v.policy.levels)
    return Screen(
        draft=draft,
        status=st,
        published=published,
        source=source,
        marks=marks,
        released=[Released(shown(m.start, m.end), m.by, m.reason) for m in draft.unredactions],
        dropped=[Released(None, m.by, m.shown_reason) for m in draft.dropped],
        rejections=rejections,
        may_review=v.policy.can_review(v.role),
        is_author=draft.author == v.user,
        may_edit=v.policy.can_draft(v.role) and draft.source is not None,
        may_check=reads_all and bool(unchecked_levels(v, draft)),
        role=v.role,
        given=review.own_verdict(v, draft),
        unchecked=unchecked,
        spans_key=spans_key(draft, unchecked),
        may_accept=v.policy.can_review(v.role),
        may_redact=v.policy.can_draft(v.role) and draft.source is not None,
    )


def read_screen(v: Vault, draft_id: str) -> Screen:
    """The draft as ``review show`` reads it (the reading is logged by the service)."""
    from vault.services import review

    draft, st = review.show_draft(v, draft_id)
    rejections = review.rejection_reasons(v, draft) if st.state == "rejected" else []
    return build_screen(v, draft, st, rejections)


# --- the decisions on the form ----------------------------------------------------------------


def decisions_of(form: FormData) -> dict[int, str]:
    """The decision posted for each redaction (fields ``r0`` … ``rN``): accept or reject."""
    out: dict[int, str] = {}
    for name in form:
        value = text_of(form, name)
        if (
            name[:1] == "r"
            and name[1:].isascii()
            and name[1:].isdigit()
            and value in (ACCEPT, REJECT)
        ):
            out[int(name[1:])] = value
    return out


def count_of(form: FormData, name: str = "count") -> int:
    """How many redactions (or unchecked spans) the page showed (for the buttons only; a
    verdict counts the draft's own)."""
    value = text_of(form, name)
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else 0


def unchecked_problem(lang: str, left: int) -> str:
    """Why approving waits for the unchecked spans, in the person's language."""
    words = i18n.catalogue(lang).ngettext(
        "%(num)s span is unchecked: accept or redact it before approving.",
        "%(num)s spans are unchecked: accept or redact each one before approving.",
        left,
    )
    return words % {"num": left}


@dataclass(frozen=True)
class Decided:
    """Where the decisions stand: what the buttons offer and the one line that says why."""

    count: int
    undecided: list[int]
    rejected: list[int]
    unchecked: int = 0  # unchecked spans left: none may be, to approve

    @property
    def may_approve(self) -> bool:
        return not self.undecided and not self.rejected and not self.unchecked

    @property
    def rejected_numbers(self) -> str:
        return numbers(self.rejected)


def decided(decisions: dict[int, str], count: int, unchecked: int = 0) -> Decided:
    return Decided(
        count,
        [i for i in range(count) if i not in decisions],
        [i for i in range(count) if decisions.get(i) == REJECT],
        unchecked,
    )


def numbers(indexes: list[int]) -> str:
    return ", ".join(f"#{i}" for i in indexes)


def approval_problem(state: Decided) -> str | None:
    if state.rejected:
        return (
            f"redaction {numbers(state.rejected)} is rejected: the draft can only be rejected, "
            "not approved"
        )
    if state.undecided:
        return (
            f"decide every redaction before approving: {numbers(state.undecided)} not decided yet"
        )
    return None


def rejection_reason(marks: list[Mark], rejected: list[int], text: str) -> str:
    """The reason a rejection records: each rejected redaction by number and reason (never its
    original: the reason is read by everyone who reads drafts), then the person's words."""
    parts = []
    if rejected:
        parts.append(
            "Rejected redactions: "
            + "; ".join(f"#{m.index} {m.words}" for m in marks if m.index in rejected)
            + "."
        )
    if text.strip():
        parts.append(text.strip())
    return "\n".join(parts)


def held_back_by(v: Vault, draft: Draft) -> int:
    """How many unchecked spans hold an approval back: the services refused it for them when
    the draft is 'unchecked' with every level checked (the page then says so in its words)."""
    from vault.services import review
    from vault.services.draft_check import unchecked_levels
    from vault.services.public_terms import unchecked_spans

    if review.status(v, draft).state != "unchecked" or unchecked_levels(v, draft):
        return 0
    return len(unchecked_spans(v, draft))


# --- pages ------------------------------------------------------------------------------------


async def draft_list(request: Request) -> Response:
    from vault.services import review
    from vault.services.publisher import published_drafts

    shown = request.query_params.get("show", "")
    if shown not in LIST_VIEWS:
        shown = ""

    def work(v: Vault) -> tuple[list[tuple[Draft, Status, bool]], bool, set[str]]:
        items = review.list_drafts(v)
        out = published_drafts(v)
        rows = [(d, st, f"{d.draft_id}.{d.version}" in out) for d, st in reversed(items)]
        mine = {d.draft_id for d, st, _ in rows if review.awaits_review_by(v, d, st)}
        return rows, v.policy.can_draft(v.role), mine

    rows, may_draft, waiting = await call(request, work)
    counts = {"waiting": len(waiting), "": len(rows)}
    for _d, st, _p in rows:
        counts[st.state] = counts.get(st.state, 0) + 1
    if shown == "waiting":
        rows = [r for r in rows if r[0].draft_id in waiting]
    elif shown:
        rows = [r for r in rows if r[1].state == shown]
    return page(
        request, "drafts/list.html", rows=rows, may_draft=may_draft, shown=shown, counts=counts
    )


#: The views of the draft list: what waits for this person's review, and each state.
LIST_VIEWS = ("", "waiting", "pending", "unchecked", "approved", "rejected", "stale", "void")


async def draft_new(request: Request) -> Response:
    from vault.services.drafts import create_draft

    form = await checked_form(request)
    subject = text_of(form, "subject").strip()
    lang = text_of(form, "lang").strip() or "en"
    if not subject:
        raise UsageError("say what to draft: a case id or an action id such as 'UA 061/21'")
    d = await call(request, create_draft, subject, lang)
    return redirect(f"/drafts/{d.draft_id}")


async def _show(
    request: Request,
    draft_id: str,
    *,
    decisions: dict[int, str] | None = None,
    reason: str = "",
    error: str | None = None,
    status: int = 200,
) -> Response:
    screen = await call(request, read_screen, draft_id)
    if decisions is not None:
        screen.decisions = decisions
    state = decided(screen.decisions, len(screen.marks), len(screen.unchecked))
    return page(
        request,
        "drafts/review.html",
        status=status,
        s=screen,
        d=screen.draft,
        st=screen.status,
        state=state,
        reason=reason,
        error=error,
    )


async def draft_show(request: Request) -> Response:
    return await _show(request, request.path_params["draft_id"])


@dataclass(frozen=True)
class Outcome:
    status: Status | None = None
    problem: str | None = None
    code: int = 200
    unchecked: int = 0  # the services refused an approval for this many unchecked spans


async def draft_verdict(request: Request) -> Response:
    """Approve or reject the exact version the page showed. ``check`` only re-shows the screen
    with the decisions kept (the buttons without JavaScript)."""
    from vault.services import review
    from vault.services.drafts import get_draft

    draft_id = request.path_params["draft_id"]
    form = await checked_form(request)
    verdict = text_of(form, "verdict")
    if verdict not in VERDICTS:
        raise Refused("approve or reject", status=400)
    decisions = decisions_of(form)
    free_text = text_of(form, "reason")
    if verdict == "check":
        return await _show(request, draft_id, decisions=decisions, reason=free_text)
    shown_version, shown_hash = text_of(form, "version"), text_of(form, "text_sha256")

    def work(v: Vault) -> Outcome:
        d = get_draft(v, draft_id)
        if str(d.version) != shown_version or d.text_hash != shown_hash:
            return Outcome(
                problem=f"{draft_id} changed since this page was shown (now version "
                f"{d.version}): review it again",
                code=409,
            )
        marks = marks_of(d)
        state = decided(decisions, len(marks))
        if verdict == "approve":
            problem = approval_problem(state)
            if problem:
                return Outcome(problem=problem, code=400)
            reason = None
        else:
            reason = rejection_reason(marks, state.rejected, free_text)
            if not reason:
                return Outcome(
                    problem="say why: reject a redaction or write what must change", code=400
                )
        try:
            return Outcome(status=review.give_verdict(v, draft_id, verdict, reason))
        except (AccessDeniedError, UsageError) as e:
            code = 403 if isinstance(e, AccessDeniedError) else 400
            left = held_back_by(v, d) if verdict == "approve" and code == 400 else 0
            return Outcome(problem=e.diagnostics(), code=code, unchecked=left)

    outcome = await call(request, work)
    if outcome.unchecked:
        return await _show(
            request,
            draft_id,
            decisions=decisions,
            reason=free_text,
            error=unchecked_problem(lang_of(request), outcome.unchecked),
            status=outcome.code,
        )
    if outcome.problem is not None:
        return await _show(
            request,
            draft_id,
            decisions=decisions,
            reason=free_text,
            error=outcome.problem,
            status=outcome.code,
        )
    return redirect(f"/drafts/{draft_id}")


async def draft_buttons(request: Request) -> Response:
    """The verdict buttons for the decisions made so far (htmx, on every change of the form).
    Only what the buttons offer: the verdict itself is decided again by the server."""
    form = await checked_form(request)
    count = count_of(form)
    state = decided(decisions_of(form), count, count_of(form, "unchecked"))
    return page(
        request,
        "drafts/_buttons.html",
        state=state,
        draft_id=request.path_params["draft_id"],
    )


async def draft_redact(request: Request) -> Response:
    """Hide more text: every occurrence of the posted text (never in a URL), with a reason."""
    from vault.services.drafts import edit_draft

    draft_id = request.path_params["draft_id"]
    form = await checked_form(request)
    text = text_of(form, "text")
    if not text.strip():
        raise UsageError("type the text to hide")
    reason = text_of(form, "reason")
    await call(request, edit_draft, draft_id, redact_text=text, reason=reason)
    return redirect(f"/drafts/{draft_id}")


async def draft_release(request: Request) -> Response:
    """Release redaction #N, with a reason shown to the reviewer."""
    from vault.services.drafts import edit_draft

    draft_id = request.path_params["draft_id"]
    form = await checked_form(request)
    try:
        index = int(text_of(form, "index"))
    except ValueError:
        raise UsageError("choose the redaction to release") from None
    reason = text_of(form, "reason")
    await call(request, edit_draft, draft_id, unredact=index, reason=reason)
    return redirect(f"/drafts/{draft_id}")


async def draft_check(request: Request) -> Response:
    """``casevault draft check``: the text against every level, by a person who reads them."""
    from vault.services.draft_check import check_draft

    draft_id = request.path_params["draft_id"]
    await checked_form(request)
    try:
        await call(request, check_draft, draft_id)
    except VaultError as e:
        return await _show(request, draft_id, error=e.diagnostics(), status=400)
    return redirect(f"/drafts/{draft_id}")


# --- unchecked spans ----------------------------------------------------------------------------


def which_of(form: FormData) -> list[int] | None:
    """The span a form names (field ``span``: its number, or ``all``: None)."""
    value = text_of(form, "span")
    if value == "all":
        return None
    if value.isascii() and value.isdigit() and len(value) < 6:
        return [int(value)]
    raise UsageError("choose the unchecked span")


def spans_changed(v: Vault, draft_id: str, shown: str, lang: str) -> str | None:
    """Why a span form is out of date, or None when the draft and its unchecked spans are still
    the ones the page showed."""
    from vault.services.drafts import get_draft
    from vault.services.public_terms import unchecked_spans

    d = get_draft(v, draft_id)
    if shown and shown == spans_key(d, spans_of(d, unchecked_spans(v, d))):
        return None
    words = i18n.catalogue(lang).gettext(
        "The unchecked spans of %(id)s changed since this page was shown (it is now version "
        "%(v)s): look at them again."
    )
    return words % {"id": draft_id, "v": d.version}


async def _on_spans(
    request: Request, act: Callable[[Vault, str, list[int] | None, FormData], object]
) -> Response:
    """``act(vault, draft_id, which, form)`` if the page's spans are still the draft's; then
    back to the page (PRG), or the page again with the one line that says why not."""
    draft_id = request.path_params["draft_id"]
    form = await checked_form(request)
    shown, lang = text_of(form, "spans"), lang_of(request)
    which = which_of(form)

    def work(v: Vault) -> Outcome:
        problem = spans_changed(v, draft_id, shown, lang)
        if problem is not None:
            return Outcome(problem=problem, code=409)
        try:
            act(v, draft_id, which, form)
        except VaultError as e:
            return Outcome(problem=e.diagnostics(), code=status_code(e))
        return Outcome()

    outcome = await call(request, work)
    if outcome.problem is not None:
        return await _show(request, draft_id, error=outcome.problem, status=outcome.code)
    return redirect(f"/drafts/{draft_id}#unchecked")


def _accept(v: Vault, draft_id: str, which: list[int] | None, _form: FormData) -> object:
    from vault.services.public_terms import accept_spans

    return accept_spans(v, draft_id, which)


def _redact(v: Vault, draft_id: str, which: list[int] | None, form: FormData) -> object:
    from vault.services.public_terms import redact_spans

    return redact_spans(v, draft_id, which, text_of(form, "reason"))


async def spans_accept(request: Request) -> Response:
    """Accept an unchecked span (or every one) as public: ``casevault review accept``."""
    return await _on_spans(request, _accept)


async def spans_redact(request: Request) -> Response:
    """Redact an unchecked span, with a reason: ``casevault review redact`` (a new version)."""
    return await _on_spans(request, _redact)


routes: list[BaseRoute] = [
    Route("/drafts", draft_list, methods=["GET"]),
    Route("/drafts/new", draft_new, methods=["POST"]),
    Route("/drafts/{draft_id}", draft_show, methods=["GET"]),
    Route("/drafts/{draft_id}/verdict", draft_verdict, methods=["POST"]),
    Route("/drafts/{draft_id}/buttons", draft_buttons, methods=["POST"]),
    Route("/drafts/{draft_id}/redact", draft_redact, methods=["POST"]),
    Route("/drafts/{draft_id}/release", draft_release, methods=["POST"]),
    Route("/drafts/{draft_id}/check", draft_check, methods=["POST"]),
    Route("/drafts/{draft_id}/spans/accept", spans_accept, methods=["POST"]),
    Route("/drafts/{draft_id}/spans/redact", spans_redact, methods=["POST"]),
]
