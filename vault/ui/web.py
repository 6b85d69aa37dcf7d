"""What every page of the web interface shares: the server's state, rendering a page, reading a
checked form, running a service call on the vault's thread, and turning errors into pages.

Pages call the same service functions as the command line: a rule lives in the services once.
Nothing here logs a request, a form or an error's cause; an unexpected error is shown by its
type only, as in the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from vault.errors import (
    AccessDeniedError,
    AuthenticationError,
    NotFoundError,
    UsageError,
    ValidationError,
    VaultError,
)
from vault.ui import guard, i18n
from vault.ui.worker import Locked, VaultWorker

T = TypeVar("T")

STATUS_OF: tuple[tuple[type[VaultError], int], ...] = (
    (UsageError, 400),
    (ValidationError, 400),
    (AuthenticationError, 403),
    (AccessDeniedError, 403),
    (NotFoundError, 404),
)


def status_code(exc: VaultError) -> int:
    """The HTTP status a service's refusal is answered with."""
    return next((code for kind, code in STATUS_OF if isinstance(exc, kind)), 500)


class Refused(Exception):
    """A request that must not be served: no session, a foreign form, a used token."""

    def __init__(self, reason: str, status: int = 403) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass
class Ui:
    """The running interface: its address, its sessions and the vault's worker."""

    host: str  # "127.0.0.1:PORT", exactly as the browser sends it
    worker: VaultWorker
    sessions: guard.Sessions
    role: str | None = None  # the unlocked person's role, for the menu

    def __post_init__(self) -> None:
        self.worker.on_lock.append(self.sessions.forget)

    @property
    def origin(self) -> str:
        return f"http://{self.host}"


def ui_of(request: Request) -> Ui:
    ui: Ui = request.app.state.ui
    return ui


def session_of(request: Request) -> guard.Session:
    sessions = ui_of(request).sessions
    session = sessions.find(request.cookies.get(sessions.cookie))
    if session is None:
        raise Refused("no session")
    return session


def lang_of(request: Request) -> str:
    """The session's language (the browser's before a session exists)."""
    ui = ui_of(request)
    session = ui.sessions.find(request.cookies.get(ui.sessions.cookie))
    return session.lang if session else i18n.pick_language(request.headers.get("accept-language"))


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page in the session's language (the browser's before a session exists)."""
    ui = ui_of(request)
    session = ui.sessions.find(request.cookies.get(ui.sessions.cookie))
    lang = lang_of(request)
    context.setdefault("error", None)
    context.update(
        lang=lang,
        form_token=session.form_token if session else "",
        user=ui.worker.user,
        role=ui.role,
        unlocked=ui.worker.unlocked and session is not None,
        path=request.url.path,
    )
    return HTMLResponse(i18n.render(lang, template, context), status_code=status)


def redirect(path: str) -> RedirectResponse:
    """After a POST: see the result at a GET address (never one holding a protected value)."""
    return RedirectResponse(path, status_code=303)


async def checked_form(request: Request) -> FormData:
    """The posted form, if it came from one of this interface's own pages; else Refused."""
    ui = ui_of(request)
    session = session_of(request)
    reason = guard.post_refusal(
        request.headers.get("origin"), request.headers.get("sec-fetch-site"), ui.origin
    )
    if reason is not None:
        raise Refused(reason)
    form = await request.form()
    token = form.get(guard.FORM_TOKEN)
    if not isinstance(token, str) or not ui.sessions.form_token_ok(session, token):
        raise Refused("the form is out of date or not from this page: reload and try again")
    return form


def text_of(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def call(request: Request, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    """``fn(vault, *args, **kwargs)`` on the vault's thread, for a request with a session."""
    session_of(request)
    return await ui_of(request).worker.call(fn, *args, **kwargs)


# --- errors as pages ----------------------------------------------------------------------------


async def on_refused(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, Refused):  # registered for Refused only
        return await on_unexpected(request, exc)
    return page(request, "refused.html", status=exc.status, reason=exc.reason)


async def on_locked(request: Request, exc: Exception) -> Response:
    return page(request, "lock.html", status=200)


async def on_vault_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, VaultError):  # registered for VaultError only
        return await on_unexpected(request, exc)
    return page(request, "error.html", status=status_code(exc), message=exc.diagnostics())


async def on_unexpected(request: Request, exc: Exception) -> Response:
    return page(
        request,
        "error.html",
        status=500,
        message=(
            f"internal error ({type(exc).__name__}); details are not shown because they may "
            "contain protected data"
        ),
    )


EXCEPTION_HANDLERS: dict[Any, Callable[..., Any]] = {
    Refused: on_refused,
    Locked: on_locked,
    VaultError: on_vault_error,
    Exception: on_unexpected,
}
