"""Cases: the list with its filters, finding a person, one case, its history, entering and
editing."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vault.ui.web import call, page


async def case_list(request: Request) -> Response:
    from vault.services.case_list import CaseFilter, list_cases

    def work(v: object) -> tuple[list[object], list[str]]:
        views = list_cases(v, limit=50, where=CaseFilter())  # type: ignore[arg-type]
        return list(views), list(v.policy.display.columns)  # type: ignore[attr-defined]

    views, columns = await call(request, work)
    return page(request, "cases/list.html", views=views, columns=columns)


routes = [Route("/cases", case_list, methods=["GET"])]
