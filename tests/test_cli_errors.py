"""What a person sees when something goes wrong: a damaged or incomplete vault directory, a busy
vault, a careless passphrase file, Ctrl-C, no terminal, a mistyped command, a bad record. Every
error is one plain line on stderr with a documented exit code; never a traceback, a regular
expression, pydantic's wording or a protected value."""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pydantic
import pytest
from click.testing import CliRunner

from tests.conftest import PASSPHRASES
from tests.insider import db_key
from tests.test_cli import CASE, _installed_command, assert_one_line_error, run
from vault.cli import cli
from vault.cli.main import EXIT_MEANINGS, WAITING
from vault.models import build_record_model
from vault.models.problems import describe_problems, problem_lines
from vault.policy import default_policy_text, parse_policy
from vault.services import layout
from vault.store import connection
from vault.store.sqlcipher import SqlCipherStore

README = Path(__file__).resolve().parent.parent / "README.md"

# --- point 9: a damaged or incomplete vault directory says what is wrong and what to do ---------


def test_empty_database_says_lost_not_a_different_vault(demo_path: Path) -> None:
    db = demo_path / layout.DB_NAME
    db.write_bytes(b"")
    code, out, err = run(demo_path, "cara", "case", "list")
    assert_one_line_error(
        code,
        out,
        err,
        f"{db} is empty: the database was lost or truncated; restore it from a backup",
    )
    assert "different vaults" not in err
    assert code == 5
    assert db.stat().st_size == 0  # nothing was written into the empty file


def test_deleted_keyring_says_missing_not_a_non_vault(demo_path: Path) -> None:
    keyring = demo_path / layout.KEYRING_NAME
    keyring.unlink()
    code, out, err = run(demo_path, "cara", "case", "list")
    assert_one_line_error(
        code,
        out,
        err,
        f"{keyring} is missing: without it no one can open the database; restore it from a backup",
    )
    assert "not a casevault vault" not in err
    assert code == 5


def test_deleted_database_with_keyring_present(demo_path: Path) -> None:
    db = demo_path / layout.DB_NAME
    db.unlink()
    code, out, err = run(demo_path, "cara", "case", "list")
    assert_one_line_error(code, out, err, f"{db} is missing")
    assert "restore it from a backup" in err
    assert code == 5
    assert not db.exists()  # not silently re-created empty


def test_corrupt_keyring_says_which_file_and_what_to_do(demo_path: Path) -> None:
    keyring = demo_path / layout.KEYRING_NAME
    keyring.write_text(keyring.read_text("utf-8")[:100], "utf-8")
    code, out, err = run(demo_path, "cara", "case", "list")
    assert_one_line_error(code, out, err, f"{keyring} is not valid JSON")
    assert "restore it from a backup" in err
    assert code == 5


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file of any mode")
def test_unreadable_keyring_says_permission(demo_path: Path) -> None:
    keyring = demo_path / layout.KEYRING_NAME
    keyring.chmod(0)
    try:
        code, out, err = run(demo_path, "cara", "case", "list")
    finally:
        keyring.chmod(0o600)
    assert_one_line_error(code, out, err, f"{keyring} cannot be read (permission denied)")


# --- point 15: a passphrase file others can read is refused, as ssh refuses such a key ------------


def test_passphrase_file_readable_by_others_is_refused(demo_path: Path, tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASES["cara"] + "\n")
    pw.chmod(0o644)
    env = {"CASEVAULT_PATH": str(demo_path), "CASEVAULT_USER": "cara"}
    r = CliRunner().invoke(cli, ["--passphrase-file", str(pw), "case", "list"], env=env)
    assert_one_line_error(
        r.exit_code,
        r.stdout,
        r.stderr,
        f"passphrase file {pw} is readable by others (mode 0644): chmod 600 {pw}",
    )
    assert r.exit_code == 2
    assert PASSPHRASES["cara"] not in r.stderr
    pw.chmod(0o600)
    r = CliRunner().invoke(cli, ["--passphrase-file", str(pw), "case", "list"], env=env)
    assert r.exit_code == 0, r.stderr


def test_new_passphrase_file_writable_by_group_is_refused(tmp_path: Path) -> None:
    pw = tmp_path / "new-pw"
    pw.write_text("a long enough new passphrase\n")
    pw.chmod(0o620)
    r = CliRunner().invoke(
        cli, ["init", str(tmp_path / "v"), "--admin", "ana", "--new-passphrase-file", str(pw)]
    )
    assert_one_line_error(r.exit_code, r.stdout, r.stderr, "is writable by others (mode 0620)")
    assert not (tmp_path / "v" / layout.KEYRING_NAME).exists()


# --- point 11: one error style, documented exit codes, Ctrl-C is 130 --------------------------


def test_click_usage_error_is_one_line_in_our_style(demo_path: Path) -> None:
    code, out, err = run(demo_path, "cara", "case", "show")
    assert_one_line_error(code, out, err, "Missing argument 'CASE_ID'")
    assert "case show --help')" in err
    assert "Usage:" not in err
    assert code == 2


def test_unknown_global_option_is_one_line() -> None:
    r = CliRunner().invoke(cli, ["--no-such-option", "case", "list"])
    assert_one_line_error(r.exit_code, r.stdout, r.stderr, "No such option")
    assert r.exit_code == 2


@pytest.fixture
def prompt_raises(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[type[BaseException]]]:
    """click.prompt as it behaves when the person presses Ctrl-C (or input ends) at it: it
    raises Abort from the KeyboardInterrupt (or EOFError)."""
    cause: list[type[BaseException]] = [KeyboardInterrupt]

    def fake_prompt(*_a: Any, **_k: Any) -> str:
        try:
            raise cause[0]()
        except (KeyboardInterrupt, EOFError):
            raise click.Abort() from None

    monkeypatch.setattr(click, "prompt", fake_prompt)
    yield cause


def test_ctrl_c_at_the_passphrase_prompt_is_130_and_one_line(
    demo_path: Path, prompt_raises: list[type[BaseException]]
) -> None:
    env = {"CASEVAULT_PATH": str(demo_path), "CASEVAULT_USER": "cara"}
    r = CliRunner().invoke(cli, ["case", "list"], env=env)
    assert r.exit_code == 130
    assert "Aborted!" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        "casevault: interrupted; a write in progress was rolled back"
    ]


def test_end_of_input_at_a_prompt_is_bad_input_not_aborted(demo_path: Path) -> None:
    env = {"CASEVAULT_PATH": str(demo_path), "CASEVAULT_USER": "cara"}
    r = CliRunner().invoke(cli, ["case", "list"], env=env, input="")
    said = [line for line in r.stderr.splitlines() if line.strip()]
    assert said[0] == "Passphrase: "  # the prompt itself
    assert said[1:] == ["casevault: error: input ended before the prompt was answered"]
    assert "Aborted!" not in r.stderr
    assert r.exit_code == 2


def test_ctrl_c_while_a_command_runs_is_130(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vault.services.session import Vault

    def interrupted(*_a: Any, **_k: Any) -> Vault:
        raise KeyboardInterrupt

    monkeypatch.setattr(Vault, "open", interrupted)
    code, _out, err = run(demo_path, "cara", "case", "list")
    assert code == 130
    assert err.strip().splitlines() == [
        "casevault: interrupted; a write in progress was rolled back"
    ]


def test_no_terminal_for_the_passphrase_says_what_to_do(demo_path: Path) -> None:
    """The installed command, with no controlling terminal (a new session) and stdin a pipe:
    getpass would warn (GetPassWarning) and read the passphrase from stdin, echoed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEVAULT_")}
    env.update({"CASEVAULT_PATH": str(demo_path), "CASEVAULT_USER": "cara"})
    env["CASEVAULT_STATE_DIR"] = os.environ["CASEVAULT_STATE_DIR"]
    p = subprocess.run(
        [_installed_command(), "case", "list"],
        input=PASSPHRASES["cara"] + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        start_new_session=True,  # no controlling terminal: /dev/tty cannot be opened
    )
    assert p.returncode == 2, p.stderr
    assert p.stderr.strip().splitlines() == [
        "casevault: error: no terminal to ask for the passphrase: set CASEVAULT_PASSPHRASE or "
        "use --passphrase-file"
    ]
    assert "GetPassWarning" not in p.stderr
    assert p.stdout == ""


def test_exit_codes_documented_in_help_and_readme() -> None:
    r = CliRunner().invoke(cli, ["--help"])
    assert r.exit_code == 0
    assert "Exit codes" in r.stdout
    readme = README.read_text("utf-8")
    sentence = readme[readme.index("Errors are one line on stderr") :].split("\n\n")[0]
    for code, _meaning in EXIT_MEANINGS:
        assert re.search(rf"^\s+{code}\s", r.stdout, re.MULTILINE), code
        assert re.search(rf"\b{code}\b", sentence), code


# --- point 11: a record's problems in plain words, all of them ---------------------------------


def _problems(record: dict[str, Any]) -> pydantic.ValidationError:
    model = build_record_model(parse_policy(default_policy_text()).kinds())
    with pytest.raises(pydantic.ValidationError) as info:
        model.model_validate(record)
    return info.value


def test_bad_case_id_is_described_in_words_not_a_regex() -> None:
    e = _problems({"case_id": "ua 1 secret-name", "status": "missing"})
    text = describe_problems(e)
    assert "case_id: must be capital letters, digits and hyphens, 3-41 characters" in text
    for leak in ("^", "$", "[A-Z", "pattern", "Input should", "ua 1 secret-name"):
        assert leak not in text


def test_every_problem_of_a_record_is_listed_without_values() -> None:
    secret = "Ayşe Secret-Name"
    e = _problems({"case_id": "bad id", "status": secret, "unknown_field": secret, "full_name": 5})
    lines = problem_lines(e)
    assert len(lines) >= 3, lines
    joined = describe_problems(e, "row 4: ")
    assert joined.startswith(f"row 4: {len(lines)} problems: ")
    assert "more problems" not in joined
    assert any(line.startswith("case_id: ") for line in lines)
    assert any(line.startswith("status: must be one of: ") for line in lines)
    assert "unknown_field: is not a field here" in lines
    assert secret not in joined
    for wording in ("Input should", "Extra inputs", "pydantic", "type=", "http"):
        assert wording not in joined


# --- point 13: a busy vault says so at once; reads do not queue behind a writer ---------------


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 3000)


def _hold_write_lock(db: Path, key: bytes, seconds: float) -> tuple[threading.Thread, Any]:
    """Another process's write, as SQLite sees it: a connection holding BEGIN IMMEDIATE for
    ``seconds``. Returns the thread and an event set once the lock is held."""
    import sqlcipher3

    held = threading.Event()

    def hold() -> None:
        conn = sqlcipher3.connect(str(db), isolation_level=None)
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(10)
    return thread, held


def test_a_waiting_write_says_so_at_once_then_goes_ahead(
    demo_path: Path, short_timeout: None
) -> None:
    thread, _ = _hold_write_lock(demo_path / layout.DB_NAME, db_key(demo_path, "cara"), 1.0)
    try:
        code, out, err = run(demo_path, "cara", "case", "show", CASE)  # logs a read: a write
    finally:
        thread.join()
    assert code == 0, err
    assert err.count(WAITING) == 1
    assert CASE in out


def test_a_read_that_logs_nothing_does_not_queue_behind_a_writer(
    demo_path: Path, short_timeout: None
) -> None:
    thread, _ = _hold_write_lock(demo_path / layout.DB_NAME, db_key(demo_path, "cara"), 6.0)
    try:
        started = time.monotonic()
        code, _out, err = run(demo_path, "cara", "policy", "show")
        took = time.monotonic() - started
    finally:
        thread.join()
    assert code == 0, err
    assert WAITING not in err
    assert took < 3.0  # less than the busy timeout: it never waited for the lock


def test_store_calls_on_wait_only_when_it_must_wait(tmp_path: Path, short_timeout: None) -> None:
    from vault.models.secret import SecretBytes

    key = bytes(range(32))
    db = tmp_path / "v.db"
    SqlCipherStore.create(db, SecretBytes(key)).close()
    calls: list[int] = []
    store = SqlCipherStore.open(db, SecretBytes(key), on_wait=lambda: calls.append(1))
    try:
        with store.write():
            pass
        assert calls == []  # no one else writing: no notice
        thread, _ = _hold_write_lock(db, key, 0.8)
        with store.read():  # reading beside a writer: no wait, no notice
            store.get_meta("vault_id")
        assert calls == []
        with store.write():
            pass
        thread.join()
        assert calls == [1]
    finally:
        store.close()
