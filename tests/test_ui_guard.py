"""The web interface's gate, tested by what it must refuse: a wrong, used or expired launch
token; a form from another origin, another local port or without its token; any Host but the
exact one; an answer without its security headers; an error that shows its cause. And the lock:
Lock now and the idle lock close the vault, and nothing from before counts afterwards."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.conftest import passphrase_for
from tests.ui_harness import ORIGIN, SAME_ORIGIN, UiClient, run_async, ui_as
from vault.services.session import Vault
from vault.ui import guard
from vault.ui.app import routes
from vault.ui.worker import Locked, Opening, VaultWorker

CASE_NAME = "UA-061-21-001"  # a public case id the demo's list shows


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- pure: sessions and the POST check ----------------------------------------------------------


def test_launch_token_works_once_and_only_itself() -> None:
    sessions = guard.Sessions()
    token = sessions.launch_token
    assert token and len(token) >= 40
    assert sessions.launch("") is None
    assert sessions.launch(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert sessions.launch(token[:-1]) is None
    session = sessions.launch(token)  # a wrong guess did not burn the real token
    assert session is not None
    assert sessions.find(session.sid) is session
    assert sessions.launch(token) is None  # never twice
    assert sessions.launch_token is None


def test_launch_token_expires() -> None:
    clock = Clock()
    sessions = guard.Sessions(clock)
    token = sessions.launch_token
    assert token
    clock.now += guard.LAUNCH_TTL + 1
    assert sessions.launch(token) is None
    assert sessions.launch_token is None


def test_sessions_find_only_their_own_cookie_and_renew_forgets_the_old() -> None:
    sessions = guard.Sessions()
    token = sessions.launch_token
    assert token
    session = sessions.launch(token)
    assert session is not None
    assert sessions.find(None) is None
    assert sessions.find("") is None
    assert sessions.find(session.sid + "x") is None
    assert sessions.find(session.form_token) is None  # the form token is not a cookie
    fresh = sessions.renew(session)
    assert sessions.find(session.sid) is None
    assert sessions.find(fresh.sid) is fresh
    assert fresh.form_token != session.form_token
    assert not sessions.form_token_ok(fresh, session.form_token)
    assert not sessions.form_token_ok(fresh, "")
    assert not sessions.form_token_ok(fresh, None)
    assert sessions.form_token_ok(fresh, fresh.form_token)


@pytest.mark.parametrize(
    ("origin", "site"),
    [
        (None, "same-origin"),
        ("null", "same-origin"),
        ("http://127.0.0.1:9999", "same-origin"),  # another local app on another port
        ("http://localhost:8765", "same-origin"),
        ("https://127.0.0.1:8765", "same-origin"),
        ("http://127.0.0.1:8765/", "same-origin"),
        (ORIGIN, None),
        (ORIGIN, "same-site"),
        (ORIGIN, "cross-site"),
        (ORIGIN, "none"),
    ],
)
def test_post_refused_unless_same_origin(origin: str | None, site: str | None) -> None:
    assert guard.post_refusal(origin, site, ORIGIN) is not None


def test_post_from_this_origin_passes() -> None:
    assert guard.post_refusal(ORIGIN, "same-origin", ORIGIN) is None


# --- the running app ----------------------------------------------------------------------------


@pytest.fixture
def cara(demo_path: Path) -> UiClient:
    return ui_as(demo_path, "cara")


def _entries(path: Path) -> int:
    with Vault.open(path, "cara", lambda _n: passphrase_for("cara")) as v:
        return v.store.audit_size()


def _assert_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in guard.SECURITY_HEADERS:
        assert headers.get(name) == value, name
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "'unsafe-inline'" not in headers["content-security-policy"]


def test_without_a_session_nothing_is_shown(demo_path: Path) -> None:
    client = ui_as(demo_path, "cara", launch=False)
    for path in ("/", "/cases", f"/cases/{CASE_NAME}"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert CASE_NAME not in response.text
        _assert_headers(response)
    assert client.get("/launch").status_code == 403
    assert client.get("/launch?token=wrong").status_code == 403
    assert not any(name.startswith(guard.COOKIE) for name in client.cookies)


def test_launch_sets_a_strict_httponly_cookie_once(demo_path: Path) -> None:
    client = ui_as(demo_path, "cara", launch=False)
    token = client.ui.sessions.launch_token
    first = client.get(f"/launch?token={token}")
    assert first.status_code == 303
    cookie = first.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    assert "max-age" not in cookie and "expires" not in cookie  # gone with the browser
    assert client.get("/cases").status_code == 200
    second = client.get(f"/launch?token={token}")
    assert second.status_code == 403


@pytest.mark.parametrize(
    "host",
    [
        "localhost:8765",
        "127.0.0.1",
        "127.0.0.1:8766",
        "rebind.test:8765",
        "127.0.0.1:8765.rebind.test",
        "127.0.0.1:87650",
        "[::1]:8765",
    ],
)
def test_any_other_host_gets_nothing(cara: UiClient, host: str) -> None:
    response = cara.get("/cases", headers={"host": host})
    assert response.status_code == 421
    assert response.text == "Misdirected request\n"
    _assert_headers(response)
    response = cara.post("/lock", headers={"host": host, **SAME_ORIGIN})
    assert response.status_code == 421
    assert cara.ui.worker.unlocked


def test_each_server_run_names_its_cookie_anew() -> None:
    first, second = guard.Sessions(), guard.Sessions()
    assert (
        first.cookie.startswith(guard.COOKIE + "_") and len(first.cookie) >= len(guard.COOKIE) + 17
    )
    assert first.cookie != second.cookie


@pytest.mark.parametrize("site", ["same-site", "cross-site"])
def test_a_request_made_by_another_sites_page_is_refused_even_a_get(
    cara: UiClient, site: str
) -> None:
    for path in ("/cases", f"/cases/{CASE_NAME}", "/static/ui.css", "/launch?token=x"):
        response = cara.get(path, headers={"sec-fetch-site": site})
        assert response.status_code == 403, path
        assert "<table" not in response.text and "<dl" not in response.text
    assert cara.head("/cases", headers={"sec-fetch-site": site}).status_code == 403
    assert cara.get("/cases", headers={"sec-fetch-site": "same-origin"}).status_code == 200
    assert cara.get("/cases", headers={"sec-fetch-site": "none"}).status_code == 200


def test_the_idle_lock_drops_forms_and_what_sessions_kept(cara: UiClient) -> None:
    session = cara.ui.sessions.find(cara.cookies.get(cara.ui.sessions.cookie))
    assert session is not None
    token = session.form_token
    session.extra["kept"] = object()
    cara.ui.worker.lock_after = 0.0  # the next use finds the vault idle
    locked = cara.get("/cases")
    assert "/unlock" in locked.text and CASE_NAME not in locked.text
    assert session.extra == {}
    assert session.form_token != token
    assert (
        cara.post("/unlock", data={guard.FORM_TOKEN: token}, headers=SAME_ORIGIN).status_code == 403
    )


def test_every_answer_carries_the_security_headers(cara: UiClient) -> None:
    answers = [
        cara.get("/cases"),  # a page
        cara.get("/"),  # a redirect
        cara.get("/static/ui.css"),  # a file
        cara.get("/no-such-page"),  # 404
        cara.post("/lock", headers=SAME_ORIGIN),  # refused form
    ]
    assert [a.status_code for a in answers] == [200, 303, 200, 404, 403]
    for answer in answers:
        _assert_headers(answer)


def _post_routes() -> list[str]:
    found = []
    for route in routes():
        if isinstance(route, Route) and "POST" in (route.methods or set()):
            found.append(route.path.replace("{", "").replace("}", ""))
    return found


def test_every_form_is_refused_without_token_origin_or_session(demo_path: Path) -> None:
    """Each POST route of every page module, with one thing wrong at a time: nothing changes
    (the vault stays unlocked, the audit log does not grow)."""
    posts = _post_routes()
    assert {"/lock", "/unlock", "/lang"} <= set(posts)
    cara = ui_as(demo_path, "cara")
    before = _entries(demo_path)
    token = cara.token()
    wrong = [
        ({}, SAME_ORIGIN),  # no form token
        ({guard.FORM_TOKEN: token[:-2]}, SAME_ORIGIN),  # a wrong one
        (
            {guard.FORM_TOKEN: token},
            {"origin": "http://127.0.0.1:9999", "sec-fetch-site": "same-site"},
        ),
        ({guard.FORM_TOKEN: token}, {"origin": ORIGIN, "sec-fetch-site": "cross-site"}),
        ({guard.FORM_TOKEN: token}, {"sec-fetch-site": "same-origin"}),  # no Origin
        ({guard.FORM_TOKEN: token}, {"origin": ORIGIN}),  # no Sec-Fetch-Site
    ]
    for path in posts:
        for data, headers in wrong:
            response = cara.post(path, data=data, headers=headers)
            assert response.status_code == 403, (path, headers)
            assert "set-cookie" not in response.headers
        assert cara.ui.worker.unlocked, path
    stranger = ui_as(demo_path, "cara", launch=False)
    stranger.ui.sessions = cara.ui.sessions
    for path in posts:
        assert (
            stranger.post(path, data={guard.FORM_TOKEN: token}, headers=SAME_ORIGIN).status_code
            == 403
        )
    assert cara.ui.worker.unlocked
    assert cara.get("/cases").status_code == 200
    run_async(cara.ui.worker.lock())
    run_async(stranger.ui.worker.lock())
    assert _entries(demo_path) == before


def test_lock_now_closes_the_vault_and_old_cookie_and_forms_stop_counting(cara: UiClient) -> None:
    old_cookie = cara.cookies.get(cara.ui.sessions.cookie)
    old_token = cara.token()
    assert CASE_NAME in cara.get("/cases").text
    response = cara.submit("/lock", {})
    assert response.status_code == 303
    assert response.headers["clear-site-data"] == '"cache", "storage"'
    assert not cara.ui.worker.unlocked
    locked = cara.get("/cases")
    assert locked.status_code == 200
    assert "/unlock" in locked.text and CASE_NAME not in locked.text
    # the cookie from before the lock is no session any more
    new_cookie = cara.cookies.get(cara.ui.sessions.cookie)
    assert new_cookie and new_cookie != old_cookie
    cara.cookies.set(cara.ui.sessions.cookie, old_cookie or "")
    stale = cara.get("/cases")
    assert stale.status_code == 403
    cara.cookies.set(cara.ui.sessions.cookie, new_cookie)
    # a form from before the lock is refused
    again = cara.post(
        "/unlock",
        data={guard.FORM_TOKEN: old_token, "passphrase": "demo-cara-not-secret"},
        headers=SAME_ORIGIN,
    )
    assert again.status_code == 403
    assert not cara.ui.worker.unlocked


def test_unlock_page_refuses_a_wrong_passphrase_and_takes_the_right_one(cara: UiClient) -> None:
    cara.submit("/lock", {})
    wrong = cara.submit("/unlock", {"passphrase": "not-the-passphrase"})
    assert wrong.status_code == 403
    assert "/unlock" in wrong.text and 'role="alert"' in wrong.text
    assert "not-the-passphrase" not in wrong.text
    assert not cara.ui.worker.unlocked
    right = cara.submit("/unlock", {"passphrase": "demo-cara-not-secret"})
    assert right.status_code == 303
    assert cara.ui.worker.unlocked
    assert CASE_NAME in cara.get("/cases").text


def test_idle_lock_closes_the_vault(demo_path: Path) -> None:
    clock = Clock()
    worker = VaultWorker(Opening(demo_path, "cara"), lock_after=60, clock=clock)
    run_async(worker.unlock(passphrase_for("cara")))
    assert run_async(worker.call(lambda v: v.role)) == "caseworker"
    clock.now += 59
    assert run_async(worker.call(lambda v: v.role)) == "caseworker"  # use resets the timer
    clock.now += 61
    with pytest.raises(Locked):
        run_async(worker.call(lambda v: v.role))
    assert not worker.unlocked
    worker.shutdown()


def test_idle_lock_runs_without_a_request(demo_path: Path) -> None:
    clock = Clock()
    worker = VaultWorker(Opening(demo_path, "cara"), lock_after=60, clock=clock)
    run_async(worker.unlock(passphrase_for("cara")))

    async def wait() -> None:
        task = asyncio.create_task(worker.lock_when_idle(0.01))
        clock.now += 61
        for _ in range(200):
            await asyncio.sleep(0.01)
            if not worker.unlocked:
                break
        task.cancel()

    run_async(wait())
    assert not worker.unlocked
    worker.shutdown()


def test_an_unexpected_error_shows_its_type_only(cara: UiClient) -> None:
    async def boom(_request: Request) -> Response:
        raise RuntimeError("Gulzira's phone is +86 138 0000 0000")

    starlette_app = cara.app.app.app  # type: ignore[attr-defined]  # HostAndHeaders > CatchAll > app
    starlette_app.router.routes.append(Route("/boom", boom))
    response = cara.get("/boom")
    assert response.status_code == 500
    assert "RuntimeError" in response.text
    assert "Gulzira" not in response.text and "138" not in response.text
    _assert_headers(response)


@pytest.mark.parametrize(
    "back",
    [
        "//evil.test/x",
        "/\\evil.test",
        "https://evil.test/",
        "evil",
        "/\t/evil.test",
        "",
        "/%0d%0aX: y\r\n",
    ],
)
def test_language_change_never_sends_the_browser_elsewhere(back: str) -> None:
    from vault.ui.pages.home import local_path

    assert local_path(back) == "/"


def test_language_change_returns_to_the_page_it_came_from(cara: UiClient) -> None:
    assert (
        cara.submit("/lang", {"lang": "de", "back": "/cases?status=missing"}).headers["location"]
        == "/cases?status=missing"
    )
    assert 'lang="de"' in cara.get("/cases").text
    assert cara.submit("/lang", {"lang": "xx", "back": "/cases"}).status_code == 400


@pytest.mark.parametrize("bad", ["31/12/2020", "yesterday", "2026-13-45", "2026-02-30", "2026-1-1"])
def test_the_audit_log_refuses_a_time_it_cannot_compare(cara: UiClient, bad: str) -> None:
    """A bound that is not an ISO time would silently match nothing (or everything)."""
    answer = cara.get(f"/audit?since={bad}")
    assert answer.status_code == 400
    assert "expected an ISO date or time" in answer.text
    assert cara.get("/audit?since=2026-01-01&until=2026-12-31T23:59:59Z").status_code == 200


def test_a_request_while_locked_forgets_nothing_more(cara: UiClient) -> None:
    """Another tab's request to a locked vault shows the lock page and changes nothing: the
    lock page's form stays good (it once locked again, undoing an unlock in progress)."""
    cara.submit("/lock", {})
    session = cara.ui.sessions.find(cara.cookies.get(cara.ui.sessions.cookie))
    assert session is not None
    token = session.form_token
    for _ in range(3):
        assert "/unlock" in cara.get("/cases").text
    assert session.form_token == token
    unlocked = cara.post(
        "/unlock",
        data={guard.FORM_TOKEN: token, "passphrase": "demo-cara-not-secret"},
        headers=SAME_ORIGIN,
    )
    assert unlocked.status_code == 303 and cara.ui.worker.unlocked


@pytest.mark.parametrize(
    "path", ["/audit?limit=²", "/audit?limit=١٠", "/cases/UA-061-21-001?version=²"]
)
def test_digits_of_other_scripts_are_no_server_error(cara: UiClient, path: str) -> None:
    assert cara.get(path).status_code < 500
