"""The audit log: entries newest first with the filters of ``casevault audit log``, and
verifying the whole log (``casevault audit verify``). Values are never shown: cases and fields
by id, everything else as the log records it (ids, counts, keyed hashes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from vault.ui.web import call, checked_form, page

if TYPE_CHECKING:
    from vault.audit.verification import VerifyResult
    from vault.services.audit import LogLine
    from vault.services.session import Vault

PAGE = 50
MOST = 5000
FILTERS = ("person", "action", "case", "since", "until")


@dataclass(frozen=True)
class Filters:
    person: str = ""
    action: str = ""
    case: str = ""
    since: str = ""
    until: str = ""
    limit: int = PAGE

    def more(self) -> str:
        """The query string of the same listing, one page longer."""
        from urllib.parse import urlencode

        pairs = [(name, getattr(self, name)) for name in FILTERS if getattr(self, name)]
        return urlencode([*pairs, ("limit", str(min(self.limit + PAGE, MOST)))])


def filters_of(request: Request) -> Filters:
    q = request.query_params
    raw = q.get("limit", "")
    limit = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else PAGE
    return Filters(
        person=q.get("person", "").strip(),
        action=q.get("action", "").strip(),
        case=q.get("case", "").strip(),
        since=q.get("since", "").strip(),
        until=q.get("until", "").strip(),
        limit=max(1, min(limit, MOST)),
    )


def lines_of(v: Vault, f: Filters) -> list[LogLine]:
    from vault.services.audit import audit_log

    return audit_log(
        v,
        actor=f.person or None,
        action=f.action or None,
        case_id=f.case or None,
        since=f.since or None,
        until=f.until or None,
        limit=f.limit,
    )


async def _log_page(request: Request, verified: VerifyResult | None = None) -> Response:
    import base64

    f = filters_of(request)
    lines = await call(request, lines_of, f)
    root = base64.b64encode(verified.root).decode() if verified is not None else ""
    return page(request, "audit/log.html", f=f, lines=lines, verified=verified, root=root)


async def audit_page(request: Request) -> Response:
    return await _log_page(request)


async def audit_verify(request: Request) -> Response:
    """Recompute the whole log (reads every entry; records nothing)."""
    from vault.services.audit import verify

    await checked_form(request)
    result = await call(request, verify)
    return await _log_page(request, result)


routes: list[BaseRoute] = [
    Route("/audit", audit_page, methods=["GET"]),
    Route("/audit/verify", audit_verify, methods=["POST"]),
]
