"""Shared pieces of the browser tests: the real ``casevault ui`` server as a subprocess on a copy
of the demo vault, one headless Debian chromium for the whole run, and what every page is checked
for (security headers, CSP violations, axe).

The browser is always ``/usr/bin/chromium`` (never a downloaded one; the network is closed and
CI installs it with apt-get). If it is missing the tests fail, they do not skip: a missing
browser would otherwise hide every check of the web interface.

Screenshots go to ``test-artifacts/ui/<lang>/<page>.png`` under the repository root (ignored by
git); nothing else is written outside the tests' temporary folders.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSPHRASES, ROLES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts" / "ui"
LANGS = ("en", "fr", "de")
START_TIMEOUT = 60.0

# Every answer of the interface carries these (names lower-case, as Playwright gives them).
REQUIRED_HEADERS = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}
# Neither sends a referrer to another origin; "no-referrer" also makes chromium send
# "Origin: null" with the interface's own forms (see test_own_forms_carry_the_origin).
REFERRER_POLICIES = ("no-referrer", "same-origin")

# What a page's own scripts could not hide from us: CSP violations, recorded before any script
# of the page runs.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(
    e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""

STORAGE_PROBE = """async () => {
  const out = {local: Object.keys(localStorage), session: Object.keys(sessionStorage)};
  out.idb = indexedDB.databases ? (await indexedDB.databases()).map(d => d.name) : [];
  out.caches = (typeof caches !== 'undefined') ? await caches.keys() : [];
  return out;
}"""


def require_chromium() -> Path:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(apt-get install chromium); they never download a browser",
            pytrace=False,
        )
    return CHROMIUM


# --- the server -----------------------------------------------------------------------------------


@dataclass
class UiServer:
    """``casevault --vault COPY --user NAME ui --no-browser`` running on a free port."""

    process: subprocess.Popen[str]
    url: str  # the launch link it printed
    user: str
    role: str
    root: Path
    stderr_path: Path
    lines: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        found = re.search(r"127\.0\.0\.1:(\d+)/", self.url)
        assert found, self.url
        return int(found.group(1))

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def at(self, path: str) -> str:
        return self.origin + path

    def stop(self) -> None:
        """Ctrl-C, as a person would: the vault is closed on the way out."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        if self.process.stdout:
            self.process.stdout.close()

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def start_server(
    master: Path, workdir: Path, user: str, *, lock_after: int | None = None, copy: bool = True
) -> UiServer:
    """A private copy of ``master`` served to ``user`` (``copy=False``: ``master`` itself, a
    copy made earlier); returns once the launch link is printed."""
    workdir.mkdir(parents=True, exist_ok=True)
    root = workdir / "vault"
    if copy:
        shutil.copytree(master, root)
    else:
        root = master
    env = dict(os.environ)
    env.update(
        CASEVAULT_PASSPHRASE=PASSPHRASES[user],
        CASEVAULT_STATE_DIR=str(workdir / "state"),
        PYTHONUNBUFFERED="1",
    )
    cmd = [sys.executable, "-c", "from vault.cli import main; main()"]
    cmd += ["--vault", str(root), "--user", user, "ui", "--port", "0", "--no-browser"]
    if lock_after is not None:
        cmd += ["--lock-after", str(lock_after)]
    stderr_path = workdir / "server.stderr"
    with stderr_path.open("w") as err:
        process = subprocess.Popen(
            cmd,
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    assert process.stdout is not None
    first = _read_line(process, START_TIMEOUT)
    found = re.match(
        r"casevault ui: (\S+) \((\w+)\) at (http://127\.0\.0\.1:\d+/launch\?token=\S+)$", first
    )
    if not found:
        process.kill()
        process.wait()
        pytest.fail(
            f"casevault ui printed {first!r}; stderr: {stderr_path.read_text()[-2000:]}",
            pytrace=False,
        )
    assert found.group(1) == user and found.group(2) == ROLES[user], first
    server = UiServer(process, found.group(3), user, ROLES[user], root, stderr_path, [first])
    _wait_listening(server.port)
    return server


def _read_line(process: subprocess.Popen[str], timeout: float) -> str:
    box: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: box.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    if not box:
        process.kill()
        process.wait()
        pytest.fail(f"casevault ui printed nothing within {timeout:.0f} s", pytrace=False)
    return box[0].rstrip("\n")


def _wait_listening(port: int, timeout: float = 15.0) -> None:
    """The link is printed just before uvicorn starts serving the bound socket."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _h, _b = raw_get(port, "/static/ui.css")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(f"casevault ui on port {port} does not answer", pytrace=False)


@contextlib.contextmanager
def running(master: Path, workdir: Path, user: str, **kw: Any) -> Iterator[UiServer]:
    server = start_server(master, workdir, user, **kw)
    try:
        yield server
    finally:
        server.stop()


def raw_get(port: int, path: str, host: str | None = None) -> tuple[int, dict[str, str], str]:
    """A request that is not a browser's, with whatever Host header we like."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host or f"127.0.0.1:{port}")
        conn.endheaders()
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


# --- another local web page ---------------------------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def other_site(folder: Path) -> contextlib.AbstractContextManager[str]:
    """Another program on this machine serving web pages (``folder``) on its own port."""
    return serving(partial(_Quiet, directory=str(folder)))


@contextlib.contextmanager
def serving(handler: Any) -> Iterator[str]:
    """Another program on this machine answering with ``handler`` on its own port; its origin."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


# --- the browser --------------------------------------------------------------------------------


def launch_browser(playwright: Any, extra_args: list[str] | None = None) -> Any:
    return playwright.chromium.launch(
        executable_path=str(require_chromium()),
        headless=True,
        args=CHROMIUM_ARGS + (extra_args or []),
    )


class Watch:
    """A browser context's page, with every console message, CSP violation and answer's headers
    recorded, so each test can assert nothing went wrong on any page it visited."""

    def __init__(self, context: Any) -> None:
        self.context = context
        context.add_init_script(CSP_LISTENER)
        self.console: list[str] = []
        self.responses: list[tuple[str, int, dict[str, str]]] = []
        self.csp: list[str] = []
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

    def _console(self, message: Any) -> None:
        where = (message.location or {}).get("url", "")
        if message.type in ("error", "warning") and not self._favicon(message.text, where):
            self.console.append(f"{message.type}: {message.text} ({where})")

    @staticmethod
    def _favicon(text: str, where: str) -> bool:
        """Chromium asks every site for /favicon.ico; the interface has none (a 404, which the
        console reports). Not a page's doing, so not counted."""
        return where.endswith("/favicon.ico") and "404" in text

    def _response(self, response: Any) -> None:
        with contextlib.suppress(Exception):
            self.responses.append((response.url, response.status, response.all_headers()))

    def collect_csp(self) -> None:
        """Take the violations the current document recorded (call before leaving it)."""
        with contextlib.suppress(Exception):
            self.csp.extend(self.page.evaluate("window.__csp || []"))

    def goto(self, url: str) -> Any:
        self.collect_csp()
        return self.page.goto(url)


def launched(browser: Any, server: UiServer, lang: str = "en") -> Watch:
    """A new browser context that opened the server's launch link (the session cookie set), in
    a browser whose preferred language is ``lang`` (the session starts in it)."""
    context = browser.new_context(locale=lang)
    watch = Watch(context)
    response = watch.page.goto(server.url)
    assert response is not None, server.url
    assert is_session_cookie(context.cookies()), (response.status, server.url)
    return watch


def unlock_in_page(page: Any, user: str) -> None:
    """Unlock through the lock page's form, typing the passphrase as a person would."""
    page.locator("#passphrase").click()
    page.keyboard.type(PASSPHRASES[user])
    with page.expect_navigation():
        page.keyboard.press("Enter")


def switch_language(page: Any, lang: str) -> None:
    """The header's Language form."""
    page.select_option("#lang-choice", lang)
    with page.expect_navigation():
        page.locator("form.lang button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == lang


def screenshot(page: Any, lang: str, name: str) -> Path:
    path = ARTIFACTS / lang / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_serious(page: Any) -> list[str]:
    """axe's serious and critical violations on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response.get("violations", []):
        if violation.get("impact") in ("serious", "critical"):
            targets = [n.get("target") for n in violation.get("nodes", [])][:5]
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}"
            )
    return found


def is_session_cookie(cookies: list[Any]) -> bool:
    """Exactly one cookie, the interface's session (``casevault_ui`` and, in later versions, a
    random part per server run)."""
    from vault.ui.guard import COOKIE

    return len(cookies) == 1 and (
        cookies[0]["name"] == COOKIE or cookies[0]["name"].startswith(COOKIE + "_")
    )


def text_of(page: Any) -> str:
    return str(page.locator("body").inner_text())


# --- fixtures (import them by name into a test module) --------------------------------------------


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[Any]:
    b = launch_browser(playwright_driver)
    yield b
    b.close()


@pytest.fixture(scope="session")
def demo_names(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The names of the demo's first cases (the first page of the list), read through the
    services on a copy: what no locked or foreign page may show."""
    from tests.conftest import passphrase_for
    from vault.services.case_list import list_cases
    from vault.services.session import Vault

    where = tmp_path_factory.mktemp("names")
    shutil.copytree(demo_master, where / "vault")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEVAULT_STATE_DIR", str(where / "state"))
        with Vault.open(where / "vault", "cara", lambda _n: passphrase_for("cara")) as v:
            views = list_cases(v, limit=20)
    names = [str(view.values["full_name"]) for view in views if view.values.get("full_name")]
    assert len(names) >= 10
    return names


def shows_any(page: Any, names: list[str]) -> list[str]:
    """Which of ``names`` the page shows (its text and its HTML)."""
    text = text_of(page) + page.content()
    return [n for n in names if n in text]


def header_problems(watch: Watch, origin: str) -> list[str]:
    """Every answer from ``origin`` the watch saw that lacks one of the security headers."""
    problems = []
    seen = [r for r in watch.responses if r[0].startswith(origin)]
    if not seen:
        return ["no answer seen"]
    for url, _status, headers in seen:
        for name, value in REQUIRED_HEADERS.items():
            if headers.get(name) != value:
                problems.append(f"{url}: {name}={headers.get(name)!r}")
        if headers.get("referrer-policy") not in REFERRER_POLICIES:
            problems.append(f"{url}: referrer-policy={headers.get('referrer-policy')!r}")
        csp = headers.get("content-security-policy", "")
        for part in ("frame-ancestors 'none'", "default-src 'none'", "script-src 'self'"):
            if part not in csp:
                problems.append(f"{url}: CSP without {part}")
        if "unsafe-" in csp:
            problems.append(f"{url}: CSP allows {csp}")
    return problems
