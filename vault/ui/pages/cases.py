"""Cases: the list with its filters, finding a person, one case, its history, entering and
editing.

Every page calls the service functions the command line calls (``case list``, ``find``,
``show``, ``history``, ``add``, ``edit``), so each read of a protected value is logged as
there. Filters of the list are public fields and travel in the address; a name to find is
protected and travels only in a POST body. A form that cannot be saved is shown again with what
was typed and one line saying what is wrong, never with the typing in an address.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vault.errors import UsageError, ValidationError
from vault.models import FieldKind, IdKind, Status
from vault.policy import Policy
from vault.publish.wording import LANGS
from vault.services.cases import MAX_SEARCH_TEXT, CaseView
from vault.services.session import Vault
from vault.ui import forms
from vault.ui.i18n import LANGUAGES
from vault.ui.web import call, checked_form, page, redirect, session_of, text_of

PAGE_SIZE = 50
#: How a leak refusal of the services begins its reason (``case add`` offers the same choice).
LEAK_REFUSAL = "a protected value in a public field"


@dataclass(frozen=True)
class Access:
    """Who is asking, under which policy, in which language."""

    policy: Policy
    role: str
    lang: str

    @property
    def reads(self) -> bool:
        return bool(self.policy.readable_levels(self.role))

    @property
    def writes(self) -> bool:
        return self.policy.can_write_cases(self.role)

    @property
    def drafts(self) -> bool:
        return self.policy.can_draft(self.role)

    def specs(self, *, with_case_id: bool = True) -> list[forms.FieldSpec]:
        return forms.field_specs(self.policy, self.role, self.lang, with_case_id=with_case_id)

    def label(self, name: str) -> str:
        fp = self.policy.fields.get(name)
        return fp.label_in(name, self.lang) if fp else name


async def _access(request: Request) -> Access:
    lang = session_of(request).lang
    policy, role = await call(request, lambda v: (v.policy, v.role))
    return Access(policy, role, lang)


def _common(access: Access) -> dict[str, Any]:
    return {
        "can_write": access.writes,
        "can_draft": access.drafts,
        "statuses": [s.value for s in Status],
        "id_kinds": [k.value for k in IdKind],
        "FieldKind": FieldKind,
    }


def _not_allowed(request: Request, access: Access, *, writing: bool = False) -> Response:
    return page(
        request, "cases/not_allowed.html", status=403, who_role=access.role, writing=writing
    )


# --- the list -----------------------------------------------------------------------------------


def _columns(access: Access) -> list[tuple[str, str]]:
    return [(c, access.label(c)) for c in access.policy.display.columns]


async def case_list(request: Request) -> Response:
    from vault.services.case_list import CaseFilter, list_cases
    from vault.services.cases import count_cases

    access = await _access(request)
    if not access.reads:
        return _not_allowed(request, access)
    query = request.query_params
    typed = {k: query.get(k, "").strip() for k in ("status", "region", "since", "until")}
    after = query.get("after", "").strip() or None
    context: dict[str, Any] = {
        **_common(access),
        "columns": _columns(access),
        "filters": typed,
        "views": [],
        "total": None,
        "next_url": None,
    }
    try:
        where = CaseFilter(
            typed["status"] or None,
            typed["region"] or None,
            forms.filter_date(typed["since"], "detained from"),
            forms.filter_date(typed["until"], "detained until"),
        )
    except forms.FormError as e:
        return page(request, "cases/list.html", status=400, error=str(e), **context)

    def work(v: Any) -> tuple[list[Any], int]:
        return list_cases(v, limit=PAGE_SIZE, after=after, where=where), count_cases(v)

    try:
        views, total = await call(request, work)
    except (UsageError, ValidationError) as e:
        return page(request, "cases/list.html", status=400, error=e.diagnostics(), **context)
    if len(views) == PAGE_SIZE:
        params = {k: val for k, val in typed.items() if val}
        params["after"] = views[-1].case_id
        context["next_url"] = "/cases?" + urlencode(params)
    context.update(views=views, total=total, filtered=not where.empty(), after=after)
    return page(request, "cases/list.html", **context)


# --- finding a person ---------------------------------------------------------------------------


async def find_form(request: Request) -> Response:
    access = await _access(request)
    if not access.reads:
        return _not_allowed(request, access)
    return page(request, "cases/find.html", columns=_columns(access), found=None, name="")


async def find(request: Request) -> Response:
    """The name comes in the POST body only, and the results are this answer: no address
    ever holds it."""
    from vault.services.cases import find_cases
    from vault.services.name_index import require_search

    form = await checked_form(request)
    access = await _access(request)
    if not access.reads:
        return _not_allowed(request, access)
    name = " ".join(text_of(form, "name").split())
    context: dict[str, Any] = {"columns": _columns(access), "found": None, "name": name}
    # htmx swaps in only a successful answer: its refusal says 200 so that the line is shown.
    refused = 200 if request.headers.get("hx-request") == "true" else 400
    if len(name) > MAX_SEARCH_TEXT:
        error = f"the name is longer than {MAX_SEARCH_TEXT} characters"
        return page(request, "cases/find.html", status=refused, find_error=error, **context)

    def work(v: Any) -> Any:
        require_search(v)
        return find_cases(v, name)  # its first page: a common name matches thousands

    try:
        found = await call(request, work)
    except UsageError as e:
        error = e.diagnostics()
        return page(request, "cases/find.html", status=refused, find_error=error, **context)
    context["found"] = found
    return page(request, "cases/find.html", **context)


# --- one case, its history ----------------------------------------------------------------------


def _version_param(request: Request) -> int | None:
    raw = request.query_params.get("version")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1 or len(raw) > 9:
        raise UsageError("version must be a whole number from 1")
    return int(raw)


def _rows(access: Access, view: Any) -> list[dict[str, Any]]:
    """Each field the version holds or withholds, in the policy's order."""
    rows = []
    for name, fp in access.policy.fields.items():
        if name in view.values:
            rows.append({"name": name, "value": view.values[name], "withheld": None})
        elif name in view.withheld:
            rows.append({"name": name, "value": None, "withheld": view.withheld[name]})
        else:
            continue
        rows[-1].update(
            label=access.label(name),
            level=fp.level,
            kind=fp.kind,
            parts=forms.ROW_PARTS.get(fp.kind, ()),
        )
    return rows


async def case_show(request: Request) -> Response:
    from vault.services.cases import show_case

    access = await _access(request)
    if not access.reads:
        return _not_allowed(request, access)
    version = _version_param(request)
    view = await call(request, show_case, request.path_params["case_id"], version)
    return page(
        request,
        "cases/show.html",
        **_common(access),
        view=view,
        rows=_rows(access, view),
        older=version is not None,
        draft_langs=[(code, LANGUAGES.get(code, code)) for code in LANGS],
    )


async def case_history(request: Request) -> Response:
    from vault.services.history import case_history as history

    access = await _access(request)
    if not access.reads:
        return _not_allowed(request, access)
    versions = await call(request, history, request.path_params["case_id"])
    labelled = [(h, [access.label(f) for f in h.changed]) for h in versions]
    case_id = versions[0].case_id
    return page(request, "cases/history.html", case_id=case_id, versions=labelled)


# --- entering and editing -----------------------------------------------------------------------


def _form_page(
    request: Request,
    access: Access,
    specs: Sequence[forms.FieldSpec],
    state: forms.FormState,
    *,
    case_id: str | None,
    base_version: int | None = None,
    error: str | None = None,
    allow_leak: str = "",
) -> Response:
    """The case form; after a refused save, again with what was typed, one error line and
    status 400 (a leak refusal offers the same choice as ``case add --allow-leak``)."""
    leak = error is not None and LEAK_REFUSAL in error
    status = 200 if error is None else 400
    return page(
        request,
        "cases/form.html",
        status=status,
        error=error,
        **_common(access),
        specs=specs,
        form=state,
        case_id=case_id,
        action=f"/cases/{case_id}/edit" if case_id else "/cases/new",
        base_version=base_version,
        leak=leak,
        allow_leak=allow_leak,
        row_input=forms.row_input,
        part_input=forms.part_input,
    )


def _read(
    form: FormData, specs: Sequence[forms.FieldSpec]
) -> tuple[forms.FormState, dict[str, Any] | None, str | None]:
    """What was typed (to show again), the record it makes, or why it makes none."""
    try:
        state = forms.posted_state(specs, form.multi_items())
    except forms.FormError as e:  # not this form's inputs: nothing of it is shown again
        empty = forms.FormState(rows={s.name: forms.EMPTY_ROWS for s in specs if s.parts})
        return empty, None, str(e)
    try:
        return state, forms.form_to_record(specs, state), None
    except forms.FormError as e:
        return state, None, str(e)


async def new_form(request: Request) -> Response:
    access = await _access(request)
    if not access.writes:
        return _not_allowed(request, access, writing=True)
    specs = access.specs()
    return _form_page(request, access, specs, forms.record_to_form(specs, {}), case_id=None)


async def new_case(request: Request) -> Response:
    from vault.services.cases import add_case

    form = await checked_form(request)
    access = await _access(request)
    if not access.writes:
        return _not_allowed(request, access, writing=True)
    specs = access.specs()
    reason = text_of(form, "allow_leak").strip()
    state, record, problem = _read(form, specs)
    try:
        if record is None:
            raise UsageError(problem or "the form could not be read")
        view = await call(request, add_case, forms.new_record(record), allow_leak=reason or None)
    except (ValidationError, UsageError) as e:
        error = e.diagnostics()
        return _form_page(
            request, access, specs, state, case_id=None, error=error, allow_leak=reason
        )
    return redirect(f"/cases/{view.case_id}")


async def edit_form(request: Request) -> Response:
    from vault.services.cases import show_case

    access = await _access(request)
    if not access.writes:
        return _not_allowed(request, access, writing=True)
    view = await call(request, show_case, request.path_params["case_id"])
    specs = access.specs(with_case_id=False)
    state = forms.record_to_form(specs, view.values)
    return _form_page(
        request, access, specs, state, case_id=view.case_id, base_version=view.version
    )


async def edit_case(request: Request) -> Response:
    """Only the fields changed since the version the form showed are sent, so an edit made
    meanwhile by someone else to other fields is kept."""
    from vault.services.cases import edit_case as edit
    from vault.services.cases import normalise_case_id, show_case

    form = await checked_form(request)
    access = await _access(request)
    if not access.writes:
        return _not_allowed(request, access, writing=True)
    case_id = normalise_case_id(request.path_params["case_id"])
    raw_base = text_of(form, "base_version")
    if not (raw_base.isascii() and raw_base.isdigit() and 0 < len(raw_base) < 10):
        raise UsageError("the form does not say which version it edits: reload it")
    base = int(raw_base)
    specs = access.specs(with_case_id=False)
    reason = text_of(form, "allow_leak").strip()
    state, after, problem = _read(form, specs)

    def work(v: Vault) -> CaseView:
        before = show_case(v, case_id, base).values
        return edit(v, case_id, forms.changes(before, after or {}), allow_leak=reason or None)

    try:
        if after is None:
            raise UsageError(problem or "the form could not be read")
        view = await call(request, work)
    except (ValidationError, UsageError) as e:
        error = e.diagnostics()
        return _form_page(
            request,
            access,
            specs,
            state,
            case_id=case_id,
            base_version=base,
            error=error,
            allow_leak=reason,
        )
    return redirect(f"/cases/{view.case_id}")


routes = [
    Route("/cases", case_list, methods=["GET"]),
    Route("/cases/new", new_form, methods=["GET"]),
    Route("/cases/new", new_case, methods=["POST"]),
    Route("/cases/find", find_form, methods=["GET"]),
    Route("/cases/find", find, methods=["POST"]),
    Route("/cases/{case_id}", case_show, methods=["GET"]),
    Route("/cases/{case_id}/history", case_history, methods=["GET"]),
    Route("/cases/{case_id}/edit", edit_form, methods=["GET"]),
    Route("/cases/{case_id}/edit", edit_case, methods=["POST"]),
]
