"""Driving the web interface in-process (Starlette's TestClient), for the page tests.

``ui_as(path, name)`` unlocks ``path`` as ``name`` and returns a client that already swapped
the launch token for a session and sends the headers a browser sends with a same-origin form.
``form(client, page)`` reads the form token from a page, as a browser form would carry it.
The browser tests (Playwright) start the real server instead: see ``test_ui_browser.py``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from starlette.testclient import TestClient

from tests.conftest import passphrase_for
from vault.services.session import Vault
from vault.ui import guard
from vault.ui.app import create_app
from vault.ui.web import Ui
from vault.ui.worker import Opening, VaultWorker

T = TypeVar("T")

HOST = "127.0.0.1:8765"
ORIGIN = f"http://{HOST}"
SAME_ORIGIN = {"origin": ORIGIN, "sec-fetch-site": "same-origin"}


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end on a thread of its own: Playwright's sync API (the browser
    tests, maybe earlier on the same pytest worker) keeps an event loop running on the main
    thread, where ``asyncio.run`` would refuse."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class UiClient(TestClient):
    ui: Ui

    def token(self) -> str:
        """The session's form token, as every page's forms carry it."""
        page = self.get("/cases" if self.ui.worker.unlocked else "/")
        found = re.search(r'name="form_token" value="([^"]+)"', page.text)
        assert found, "no form on the page"
        return found.group(1)

    def submit(self, path: str, data: dict[str, str] | list[tuple[str, str]], **kw: object):  # type: ignore[no-untyped-def]
        """POST a form as the browser would: same origin, with the form token."""
        items = list(data.items()) if isinstance(data, dict) else list(data)
        items.append((guard.FORM_TOKEN, self.token()))
        fields: dict[str, list[str]] = {}
        for key, value in items:
            fields.setdefault(key, []).append(value)
        return self.post(path, data=fields, headers=SAME_ORIGIN, **kw)  # type: ignore[arg-type]


def run(client: UiClient, fn: Callable[..., T], *args: Any) -> T:
    """``fn(vault, *args)`` on the client's own vault thread (no second unlock)."""
    return run_async(client.ui.worker.call(fn, *args))


def clear_spans(client: UiClient, draft_id: str) -> int:
    """Accept every unchecked span of the draft's newest version as public, as a reviewer
    would before approving (``casevault review accept --all``); how many there were."""

    def work(v: Vault) -> int:
        from vault.services.drafts import get_draft
        from vault.services.public_terms import accept_spans, unchecked_spans

        found = len(unchecked_spans(v, get_draft(v, draft_id)))
        if found:
            accept_spans(v, draft_id, None)
        return found

    return run(client, work)


def post_verdict(
    client: UiClient,
    draft_id: str,
    verdict: str,
    decisions: dict[int, str] | None = None,
    **extra: str,
) -> Any:
    """Post a verdict on the draft's current version, as its review screen would; with no
    ``decisions``, every redaction accepted."""

    def current(v: Vault) -> tuple[str, str, int]:
        from vault.services.drafts import get_draft

        d = get_draft(v, draft_id)
        return str(d.version), d.text_hash, len(d.redactions)

    version, text_hash, count = run(client, current)
    if decisions is None:
        decisions = dict.fromkeys(range(count), "accept")
    fields = [("verdict", verdict), ("version", version), ("text_sha256", text_hash)]
    fields += [(f"r{i}", d) for i, d in decisions.items()]
    fields += list(extra.items())
    return client.submit(f"/drafts/{draft_id}/verdict", fields)


def ui_as(path: Path, name: str, *, lock_after: float = 600.0, launch: bool = True) -> UiClient:
    worker = VaultWorker(Opening(path, name), lock_after)
    run_async(worker.unlock(passphrase_for(name)))
    role = run_async(worker.call(lambda v: v.role))
    ui = Ui(host=HOST, worker=worker, sessions=guard.Sessions(), role=role)
    client = UiClient(create_app(ui), base_url=ORIGIN, follow_redirects=False)
    client.ui = ui
    if launch:
        response = client.get(f"/launch?token={ui.sessions.launch_token}")
        assert response.status_code == 303, response.status_code
    return client
