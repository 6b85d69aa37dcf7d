"""The web interface as an ASGI application: routes of every page module, the host check and
security headers around everything, and the idle lock running beside it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from vault.ui import guard
from vault.ui.pages import audit, cases, drafts, home, publishing
from vault.ui.web import EXCEPTION_HANDLERS, Ui, page, ui_of

IDLE_CHECK_SECONDS = 1.0

INTERNAL_ERROR_PAGE = (
    b"<!doctype html><html lang=en><title>casevault</title><main><h1>Internal error</h1>"
    b"<p>Details are not shown because they may contain protected data.</p></main></html>"
)


class CatchAll:
    """The last line of defence: an exception that escaped every handler ends here, is never
    printed (its message could hold a protected value) and becomes a plain error page."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        started = False

        async def tracked(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            if scope["type"] == "http" and not started:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", b"text/html; charset=utf-8")],
                    }
                )
                await send({"type": "http.response.body", "body": INTERNAL_ERROR_PAGE})


OPEN_PATHS = ("/launch",)  # served without a session (the static files are mounted apart)


class RequireSession:
    """No page without a session, and nothing for a request another site's page made: whatever
    a page module forgets, only the launch link and the static files (which hold nothing from
    the vault) answer a browser without the cookie, and only this origin's pages or what the
    person opened themselves are answered at all (:func:`guard.fetch_refusal`)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        request = Request(scope)
        reason = guard.fetch_refusal(request.headers.get("sec-fetch-site"))
        if reason is None and path not in OPEN_PATHS and not path.startswith("/static/"):
            ui = ui_of(request)
            if ui.sessions.find(request.cookies.get(ui.sessions.cookie)) is None:
                reason = "no session"
        if reason is not None:
            response = page(request, "refused.html", status=403, reason=reason)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def routes() -> list[BaseRoute]:
    found: list[BaseRoute] = [
        Mount("/static", app=StaticFiles(packages=[("vault.ui", "static")]), name="static")
    ]
    for module in (home, cases, drafts, publishing, audit):
        found.extend(module.routes)
    return found


def create_app(ui: Ui) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        idle = asyncio.create_task(ui.worker.lock_when_idle(IDLE_CHECK_SECONDS))
        try:
            yield
        finally:
            idle.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await idle

    app = Starlette(
        debug=False,
        routes=routes(),
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
        middleware=[Middleware(RequireSession)],
    )
    app.state.ui = ui
    return guard.HostAndHeaders(CatchAll(app), ui.host)
