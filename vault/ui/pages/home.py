"""Getting in and out: the launch link, the lock page, unlocking, the language."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vault.errors import AuthenticationError
from vault.models.secret import Passphrase
from vault.services.session import Vault
from vault.ui import guard, i18n
from vault.ui.web import Refused, call, checked_form, page, redirect, session_of, text_of, ui_of


def _with_cookie(response: Response, name: str, session: guard.Session) -> Response:
    response.set_cookie(name, session.sid, httponly=True, samesite="strict", path="/", secure=False)
    return response


async def launch(request: Request) -> Response:
    """The link ``casevault ui`` printed: works once, then never again."""
    ui = ui_of(request)
    session = ui.sessions.launch(request.query_params.get("token", ""))
    if session is None:
        raise Refused("launch")
    session.lang = i18n.pick_language(request.headers.get("accept-language"))
    return _with_cookie(redirect("/"), ui.sessions.cookie, session)


def start_page(v: Vault) -> str:
    """Where a person's day starts: the cases for those who read them, publishing for a
    publisher, the audit log for anyone else (an admin reads no case)."""
    if v.policy.readable_levels(v.role):
        return "/cases"
    if v.policy.can_publish(v.role):
        return "/publish"
    return "/audit"


async def index(request: Request) -> Response:
    session_of(request)
    if not ui_of(request).worker.unlocked:
        return page(request, "lock.html")
    return redirect(await call(request, start_page))


async def lock(request: Request) -> Response:
    """Lock now: close the vault, drop its keys, and give the browser a new cookie so that no
    earlier page or form counts."""
    await checked_form(request)
    ui = ui_of(request)
    await ui.worker.lock()
    ui.role = None
    fresh = ui.sessions.renew(session_of(request))
    response = _with_cookie(redirect("/"), ui.sessions.cookie, fresh)
    response.headers["clear-site-data"] = '"cache", "storage"'
    return response


async def unlock(request: Request) -> Response:
    form = await checked_form(request)
    ui = ui_of(request)
    passphrase = Passphrase.from_text(text_of(form, "passphrase"))
    try:
        await ui.worker.unlock(passphrase)
    except AuthenticationError as e:
        return page(request, "lock.html", status=403, error=e.diagnostics())
    finally:
        del passphrase
    ui.role = await ui.worker.call(lambda v: v.role)
    return redirect(await ui.worker.call(start_page))


async def language(request: Request) -> Response:
    form = await checked_form(request)
    lang = text_of(form, "lang")
    if lang not in i18n.LANGUAGES:
        raise Refused("unknown language", status=400)
    session_of(request).lang = lang
    return redirect(local_path(text_of(form, "back")))


def local_path(back: str) -> str:
    """``back`` if it is a path of this interface, else "/": never a way to send the browser
    elsewhere ("//host" and "/\\host" are other hosts to a browser)."""
    if re.fullmatch(r"/(?![/\\])[A-Za-z0-9/_.~%=&?+-]*", back):
        return back
    return "/"


routes = [
    Route("/", index, methods=["GET"]),
    Route("/launch", launch, methods=["GET"]),
    Route("/lock", lock, methods=["POST"]),
    Route("/unlock", unlock, methods=["POST"]),
    Route("/lang", language, methods=["POST"]),
]
