"""Shared fixtures. One demo vault is built per test session and copied for each test that writes,
so tests stay fast (Argon2id runs at full strength: there is no weakened test mode)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from vault.crypto import Passphrase
from vault.services.demo import DEMO_PEOPLE, create_demo
from vault.services.session import Vault

#: The browser fixtures (Playwright driving Debian's chromium), defined once for every test
#: module: a session fixture imported by name into two modules would start two drivers.
pytest_plugins = ("tests.ui_browser", "tests.mutant_run")

PASSPHRASES = {name: pw for name, _role, pw in DEMO_PEOPLE}
ROLES = {name: role for name, role, _pw in DEMO_PEOPLE}
BY_ROLE = {role: name for name, role, _pw in DEMO_PEOPLE}


def passphrase_for(name: str) -> Passphrase:
    return Passphrase.from_text(PASSPHRASES[name])


#: The security core's unit tests (tests/core) rarely write to a state folder: each gets a folder
#: of its own that nothing creates until something writes there. pytest's ``tmp_path`` made one per
#: test, most of what a short test cost in a mutant's run (docs/testing.md).
CORE_TESTS = Path(__file__).parent / "core"


@pytest.fixture(autouse=True)
def _own_state_dir(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test remembers what it has seen of a vault in its own place: copies of the demo
    share a vault id, and a checkpoint from another test would look like a rollback."""
    if CORE_TESTS in request.node.path.parents:
        own = Path(os.environ["HOME"]) / "core-state" / uuid.uuid4().hex
        monkeypatch.setenv("CASEVAULT_STATE_DIR", str(own))
        return
    tmp_path: Path = request.getfixturevalue("tmp_path")
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "state"))


#: Test files that take a minute or more of one worker (measured with ``--durations``): handed
#: out first, so that no worker sits idle at the end while another finishes one of them.
SLOW_FILES = (
    "test_readme.py",
    "test_publish.py",
    "test_cli.py",
    "test_leak_guessing.py",
    "test_ui_browser.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(
        key=lambda item: (
            SLOW_FILES.index(item.path.name) if item.path.name in SLOW_FILES else len(SLOW_FILES)
        )
    )


def pytest_configure(config: pytest.Config) -> None:
    """No test touches the user's real home: HOME and the state directory point into a temporary
    folder for the whole run, before any fixture or test runs, removed when the run ends."""
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="casevault-test-home-"))
    config.add_cleanup(lambda: shutil.rmtree(home, ignore_errors=True))  # gone when pytest ends
    os.environ["HOME"] = str(home)
    os.environ["XDG_STATE_HOME"] = str(home / ".local" / "state")
    os.environ["CASEVAULT_STATE_DIR"] = str(home / "casevault-state")


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("master") / "demo"
    with pytest.MonkeyPatch.context() as mp:  # what making it remembers stays with it
        mp.setenv("CASEVAULT_STATE_DIR", str(tmp_path_factory.mktemp("master-state")))
        create_demo(path, publication=False)
    return path


@pytest.fixture
def demo_path(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy of the demo vault for one test."""
    dest = tmp_path / "vault"
    shutil.copytree(demo_master, dest)
    return dest


OpenAs = Callable[[str], Vault]


@pytest.fixture
def open_as(demo_path: Path) -> Iterator[OpenAs]:
    opened: list[Vault] = []

    def _open(name: str) -> Vault:
        v = Vault.open(demo_path, name, lambda _n: passphrase_for(name))
        opened.append(v)
        return v

    yield _open
    for v in opened:
        v.close()


@pytest.fixture
def opened_records(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the records :mod:`vault.services.cases` decrypts during the test, in order
    (to show that a search decrypts only what it shows)."""
    import json

    from vault.services import cases

    opened: list[str] = []
    real = cases.open_record

    def spy(body: bytes, *a: object, **k: object) -> object:
        opened.append(json.loads(body)["record_id"])
        return real(body, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(cases, "open_record", spy)
    return opened
