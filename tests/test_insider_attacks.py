"""Insider attacks with the database key in hand (issue 14), each named for the attack and
asserting the refusal a person sees when they next use the vault normally."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import PASSPHRASES
from tests.insider import raw_db
from vault.cli import cli
from vault.services import layout


def _run(path: Path, user: str, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    env = {
        "CASEVAULT_PATH": str(path),
        "CASEVAULT_USER": user,
        "CASEVAULT_PASSPHRASE": PASSPHRASES[user],
    }
    r = runner.invoke(cli, list(args), env=env)
    return r.exit_code, r.stdout, r.stderr


def test_attack_trigger_that_drops_reads_makes_the_vault_refuse_to_open(demo_path: Path) -> None:
    with raw_db(demo_path, "rui") as db:
        db.execute(
            "CREATE TRIGGER hide_reads AFTER INSERT ON audit_entries WHEN NEW.actor = 'rui' "
            "BEGIN DELETE FROM audit_entries WHERE seq = NEW.seq; END"
        )
    code, _, err = _run(demo_path, "cara", "case", "list")
    assert code != 0
    assert "trigger 'hide_reads' that casevault did not create" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "ddl",
    [
        "CREATE VIEW v AS SELECT * FROM cases",
        "CREATE TABLE shadow (x)",
        "CREATE INDEX extra ON cases (head_version)",
    ],
)
def test_attack_any_object_added_to_the_schema_is_refused(demo_path: Path, ddl: str) -> None:
    with raw_db(demo_path, "pia") as db:
        db.execute(ddl)
    code, _, err = _run(demo_path, "cara", "case", "list")
    assert code != 0 and "that casevault did not create" in err


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE state_records SET log_seq = 'x' WHERE seq = 1",
        "UPDATE state_records SET body = 'not a blob' WHERE seq = 2",
        "UPDATE case_versions SET log_seq = 'x' WHERE version = 1",
    ],
)
def test_attack_text_in_a_numeric_or_blob_column_is_a_clean_error(
    demo_path: Path, sql: str
) -> None:
    with raw_db(demo_path, "pia") as db:
        db.execute(sql)
    code, _, err = _run(demo_path, "cara", "case", "show", "UA-061-21-004")
    assert code != 0
    assert err.startswith("casevault: error:") and "malformed" in err
    assert "internal error" not in err and "Traceback" not in err


def test_a_flipped_byte_in_an_unread_page_is_found_and_named(
    demo_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from vault.crypto import Passphrase
    from vault.services.session import Vault

    db = demo_path / layout.DB_NAME
    with Vault.open(demo_path, "cara", lambda _n: Passphrase.from_text(PASSPHRASES["cara"])):
        pass  # checkpoint the WAL into the file
    data = bytearray(db.read_bytes())
    page = len(data) // 4096 - 2  # a page near the end: case data no unlock reads
    data[page * 4096 + 200] ^= 0x01
    db.write_bytes(bytes(data))
    with Vault.open(demo_path, "cara", lambda _n: Passphrase.from_text(PASSPHRASES["cara"])) as v:
        problems = v.store.integrity_check()  # type: ignore[attr-defined]
    assert problems and f"page {page + 1}" in problems[0]
    captured = capfd.readouterr()
    assert "ERROR CORE" not in captured.err  # SQLCipher's own log lines never reach a person
