"""Who may talk to the web interface, and what every answer carries.

The interface listens on 127.0.0.1 only, but every program on the machine (and every web page
the person opens, through their browser) can reach that address. So:

- the ``Host`` header must be exactly ``127.0.0.1:PORT`` (a DNS-rebinding page arrives under its
  own name and gets nothing);
- the browser proves itself once with the launch token printed by ``casevault ui``, which is
  swapped for a session cookie (HttpOnly, SameSite=Strict) and can never be used again;
- every POST must come from this origin (``Origin`` and ``Sec-Fetch-Site``) and carry the
  session's form token: another local app on another port is "same-site" but not same-origin;
- every answer forbids framing, caching, referrers to other origins and any script, style or
  connection not served by the interface itself.

The session and token bookkeeping here is pure (no I/O); :class:`HostAndHeaders` is the ASGI
layer that applies the host check and the headers to every answer, errors included.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

COOKIE = "casevault_ui"  # the cookie's name begins so; each server run adds a random part
FORM_TOKEN = "form_token"  # noqa: S105  # nosec B105 - the name of the hidden field every form carries
LAUNCH_TTL = 600.0  # seconds a launch token stays usable if nobody opens it

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-frame-options", "DENY"),
    ("cache-control", "no-store"),
    ("pragma", "no-cache"),
    ("referrer-policy", "same-origin"),
    ("x-content-type-options", "nosniff"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), clipboard-read=()"),
)


def _equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


@dataclass
class Session:
    """One browser's session: its cookie value, its form token and its language."""

    sid: str
    form_token: str
    lang: str = "en"
    extra: dict[str, Any] = field(default_factory=dict)


class Sessions:
    """The launch token and the sessions it was swapped for. One launch token per server."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        #: The session cookie's name, new for each server run: cookies ignore ports, so a page
        #: served on another local port could overwrite a cookie whose name it knew.
        self.cookie = f"{COOKIE}_{secrets.token_hex(8)}"
        self.launch_token: str | None = secrets.token_urlsafe(32)
        self._launch_made = clock()
        self._sessions: dict[str, Session] = {}

    def launch(self, token: str) -> Session | None:
        """Swap the launch token for a new session; None if it is wrong, used or expired."""
        expected = self.launch_token
        if expected is None or not token:
            return None
        if self._clock() - self._launch_made > LAUNCH_TTL:
            self.launch_token = None
            return None
        if not _equal(token, expected):
            return None
        self.launch_token = None  # once only, whoever used it
        return self._new("en")

    def _new(self, lang: str) -> Session:
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), lang)
        self._sessions[session.sid] = session
        return session

    def find(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        for known, session in self._sessions.items():
            if _equal(sid, known):
                return session
        return None

    def renew(self, session: Session) -> Session:
        """A new cookie and form token for the same browser (after a lock): pages and forms
        from before no longer count."""
        self._sessions.pop(session.sid, None)
        fresh = self._new(session.lang)
        return fresh

    def forget(self) -> None:
        """After the vault locked itself: every form from before stops counting and what a
        session kept (published files) is dropped; the cookie stays, so the lock page shows."""
        for session in self._sessions.values():
            session.form_token = secrets.token_urlsafe(32)
            session.extra.clear()

    def form_token_ok(self, session: Session, token: str | None) -> bool:
        return bool(token) and _equal(token or "", session.form_token)


def fetch_refusal(fetch_site: str | None) -> str | None:
    """Why any request (GET included) must be refused for where it came from, or None.

    For 127.0.0.1 another port is the same *site*, and a SameSite=Strict cookie goes with an
    image or a link from a page served there: such a request could make a logged read as the
    person, or keep the idle lock off. Only this origin's own pages (``same-origin``) and what the
    person opened themselves (``none``: the launch link, a typed address) are served. A client
    that sends no ``Sec-Fetch-Site`` is not a browser page and has no cookie to ride on.
    """
    if fetch_site is None or fetch_site in ("same-origin", "none"):
        return None
    return "the request did not come from this interface's own pages"


def post_refusal(origin: str | None, fetch_site: str | None, expected_origin: str) -> str | None:
    """Why a POST must be refused on its headers alone, or None when it came from this origin.

    Both headers are required: every browser this interface supports sends them, and a
    program that is not a browser has no business posting forms.
    """
    if origin is None or not _equal(origin, expected_origin):
        return "the form did not come from this page"
    if fetch_site is None or fetch_site != "same-origin":
        return "the form did not come from this page"
    return None


def header(scope: MutableMapping[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class HostAndHeaders:
    """ASGI middleware: refuse any Host but the exact one, and add the security headers to
    every answer (pages, files, errors)."""

    def __init__(self, app: Any, host: str) -> None:
        self.app = app
        self.host = host

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in {name.encode() for name, _ in SECURITY_HEADERS}
                ]
                headers.extend((k.encode(), v.encode()) for k, v in SECURITY_HEADERS)
                message["headers"] = headers
            await send(message)

        host = header(scope, b"host")
        if host is None or not _equal(host, self.host):
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 421,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                }
            )
            await send({"type": "http.response.body", "body": b"Misdirected request\n"})
            return
        await self.app(scope, receive, send_with_headers)
