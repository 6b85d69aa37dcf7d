"""Urgent Actions: add, edit, cases in and out, versions chained and checked on every read.

All people, texts and officials here are invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import PASSPHRASES, OpenAs
from tests.insider import raw_db
from vault.cli import cli
from vault.errors import AccessDeniedError, IntegrityError, NotFoundError, UsageError
from vault.services import actions

DEMO_ACTION = "UA 061/21"
NEW = "UA 200/26"
CASE_IN = "UA-061-21-004"  # the demo action names every demo case


def run(path: Path, user: str, *args: str, input: str | None = None) -> tuple[int, str, str]:
    env = {
        "CASEVAULT_PATH": str(path),
        "CASEVAULT_USER": user,
        "CASEVAULT_PASSPHRASE": PASSPHRASES[user],
    }
    result = CliRunner().invoke(cli, list(args), env=env, input=input)
    return result.exit_code, result.stdout, result.stderr


def one_line_error(code: int, err: str, expected: str, exit_code: int) -> str:
    assert code == exit_code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("casevault: error: ")
    assert expected in lines[0], lines[0]
    return lines[0]


def puts(path: Path, action_id: str) -> list[int]:
    """The versions the log records for one action, oldest first (read as an insider)."""
    with raw_db(path, "cara") as db:
        bodies = [
            bytes(r[0])
            for r in db.execute(
                "SELECT body FROM audit_entries WHERE action = 'action.put' ORDER BY seq"
            )
        ]
    out = []
    for body in bodies:
        details = json.loads(body)["details"]
        if details["action"] == action_id:
            out.append(details["version"])
    return out


def stored(path: Path, action_id: str) -> tuple[int, bytes, bytes]:
    with raw_db(path, "cara") as db:
        row = db.execute(
            "SELECT version, body, signature FROM actions WHERE action_id = ?", (action_id,)
        ).fetchone()
    return int(row[0]), bytes(row[1]), bytes(row[2])


def put_row(path: Path, action_id: str, version: int, body: bytes, signature: bytes) -> None:
    with raw_db(path, "cara") as db:
        db.execute(
            "UPDATE actions SET version = ?, body = ?, signature = ? WHERE action_id = ?",
            (version, body, signature, action_id),
        )


def new_action(tmp_path: Path) -> list[str]:
    """Arguments of an `action add` with texts from a file and at the prompt, and officials."""
    en = tmp_path / "en.txt"
    en.write_text("Write to the governor.\nAsk where they are held.\n", encoding="utf-8")
    officials = tmp_path / "officials.json"
    officials.write_text(
        json.dumps(
            [
                {
                    "title": "Provincial Governor (invented)",
                    "name": "Imaginary Official",
                    "address": "1 Nowhere Road, Fictional City",
                    "salutation": "Dear Governor",
                }
            ]
        ),
        encoding="utf-8",
    )
    return [
        "action",
        "add",
        "--set",
        f"action_id={NEW}",
        "--set",
        "title=Three invented teachers missing",
        "--set",
        "country=China",
        "--set",
        "issued=2026-02-01",
        "--set",
        "document_index=ASA 17/0001/2026",
        "--text-file",
        f"en={en}",
        "--text",
        "fr",
        "--officials-json",
        str(officials),
    ]


# --- add, show --------------------------------------------------------------------------------


def test_add_then_show_prints_texts_officials_and_cases(demo_path: Path, tmp_path: Path) -> None:
    code, out, err = run(
        demo_path, "cara", *new_action(tmp_path), input="Écrivez au gouverneur.\n.\n"
    )
    assert code == 0, err
    assert f"Added action {NEW} (version 1)." in out
    code, out, err = run(demo_path, "cara", "action", "add-case", NEW, CASE_IN)
    assert code == 0, err

    code, out, _ = run(demo_path, "rui", "action", "show", NEW)
    assert code == 0
    assert "[en]\nWrite to the governor.\nAsk where they are held." in out
    assert "[fr]\nÉcrivez au gouverneur." in out
    assert "Provincial Governor (invented); Imaginary Official" in out
    assert "document index: ASA 17/0001/2026" in out
    assert f"cases (1):\n  {CASE_IN}" in out

    code, out, _ = run(demo_path, "rui", "--json", "action", "show", NEW)
    data = json.loads(out)
    assert data["version"] == 2
    assert data["action"]["texts"] == {
        "en": "Write to the governor.\nAsk where they are held.",
        "fr": "Écrivez au gouverneur.",
    }
    assert data["action"]["officials"][0]["salutation"] == "Dear Governor"
    assert data["action"]["case_ids"] == [CASE_IN]
    assert puts(demo_path, NEW) == [1, 2]


def test_add_from_json_on_stdin_and_list(demo_path: Path) -> None:
    record = {
        "action_id": NEW,
        "title": "An invented action",
        "country": "China",
        "issued": "2026-02-01",
        "texts": {"de": "Schreiben Sie an die Behörden."},
        "case_ids": [CASE_IN],
    }
    code, _, err = run(
        demo_path, "cara", "action", "add", "--from-json", "-", input=json.dumps(record)
    )
    assert code == 0, err
    code, out, _ = run(demo_path, "cara", "--json", "action", "list")
    assert json.loads(out) == [DEMO_ACTION, NEW]


def test_add_of_an_existing_action_is_refused(demo_path: Path) -> None:
    code, _, err = run(
        demo_path,
        "cara",
        "action",
        "add",
        "--set",
        f"action_id={DEMO_ACTION}",
        "--set",
        "title=Again",
        "--set",
        "country=China",
        "--set",
        "issued=2026-01-01",
    )
    one_line_error(code, err, f"action {DEMO_ACTION} already exists", 2)
    assert puts(demo_path, DEMO_ACTION) == [1]


# --- edit: versions and the chain ------------------------------------------------------------


def test_edit_writes_a_new_version_chained_to_the_old(open_as: OpenAs) -> None:
    v = open_as("cara")
    before = actions.read_action(v, DEMO_ACTION)
    result = actions.edit_action(
        v, DEMO_ACTION, {"follow_up": 1, "closed": "2026-06-30"}, {"fr": None, "en": "New text."}
    )
    assert result.written
    after = result.view
    assert after.version == before.version + 1
    assert after.action is not None
    assert after.action.number() == "061/21-1"
    assert after.action.texts["en"] == "New text."
    assert "fr" not in after.action.texts
    assert before.action is not None
    assert after.action.texts["de"] == before.action.texts["de"]
    # the new body names the old one; a fresh read checks that against the log's entries
    assert actions.read_action(v, DEMO_ACTION).body_hash == after.body_hash
    with v.store.read():
        row = v.store.action(DEMO_ACTION)
    assert row is not None
    assert json.loads(row.body)["prev_hash"] == before.body_hash


def test_attack_entry_of_the_previous_version_hidden(demo_path: Path, open_as: OpenAs) -> None:
    """The chain is checked against the log: version 2 must name the body that the log's
    entry for version 1 records; with that entry out of reach the read is refused."""
    v = open_as("cara")
    actions.edit_action(v, DEMO_ACTION, {"follow_up": 1})
    v.close()
    with raw_db(demo_path, "cara") as db:
        db.execute(
            "UPDATE audit_entries SET action = 'action.hidden' WHERE seq = "
            "(SELECT min(seq) FROM audit_entries WHERE action = 'action.put')"
        )
    with pytest.raises(IntegrityError, match="the log records no version 1"):
        actions.read_action(open_as("rui"), DEMO_ACTION)


def test_edit_from_the_command_line(demo_path: Path, tmp_path: Path) -> None:
    de = tmp_path / "de.txt"
    de.write_text("Neuer Text.\n", encoding="utf-8")
    code, out, err = run(
        demo_path,
        "cara",
        "action",
        "edit",
        DEMO_ACTION,
        "--set",
        "follow_up=2",
        "--text-file",
        f"de={de}",
        "--remove-text",
        "fr",
    )
    assert code == 0, err
    assert f"Changed action {DEMO_ACTION} (version 2)." in out
    code, out, _ = run(demo_path, "cara", "action", "show", DEMO_ACTION)
    assert "follow-up 2: UA 061/21-2" in out
    assert "[de]\nNeuer Text." in out
    assert "[fr]" not in out


def test_an_edit_that_changes_nothing_writes_nothing(demo_path: Path, open_as: OpenAs) -> None:
    code, out, err = run(demo_path, "cara", "action", "edit", DEMO_ACTION, "--set", "country=China")
    assert code == 0, err
    assert "unchanged: nothing written (still version 1)" in out
    assert puts(demo_path, DEMO_ACTION) == [1]
    # the same content fed back as JSON is a no-op too
    current = actions.get_action(open_as("cara"), DEMO_ACTION)
    assert current is not None
    result = actions.edit_action(open_as("cara"), DEMO_ACTION, current.model_dump(mode="json"))
    assert not result.written
    assert puts(demo_path, DEMO_ACTION) == [1]


# --- cases in and out ------------------------------------------------------------------------


def test_remove_then_add_a_case(demo_path: Path) -> None:
    code, out, err = run(demo_path, "cara", "action", "remove-case", DEMO_ACTION, CASE_IN)
    assert code == 0, err
    assert "(version 2)" in out
    code, out, _ = run(demo_path, "cara", "--json", "action", "show", DEMO_ACTION)
    assert CASE_IN not in json.loads(out)["action"]["case_ids"]
    code, _, err = run(demo_path, "cara", "action", "add-case", DEMO_ACTION, CASE_IN)
    assert code == 0, err
    code, out, _ = run(demo_path, "cara", "--json", "action", "show", DEMO_ACTION)
    assert json.loads(out)["action"]["case_ids"][-1] == CASE_IN
    assert puts(demo_path, DEMO_ACTION) == [1, 2, 3]


@pytest.mark.parametrize(
    ("args", "expected", "exit_code"),
    [
        (("add-case", DEMO_ACTION, CASE_IN), f"case {CASE_IN} is already in action", 2),
        (("add-case", DEMO_ACTION, "UA-999-99-999"), "no case UA-999-99-999", 4),
        (("remove-case", DEMO_ACTION, "UA-999-99-999"), "case UA-999-99-999 is not in action", 2),
        (("add-case", "UA 999/99", CASE_IN), "no action 'UA 999/99'", 4),
    ],
)
def test_case_changes_that_make_no_sense_are_one_line(
    demo_path: Path, args: tuple[str, ...], expected: str, exit_code: int
) -> None:
    code, _, err = run(demo_path, "cara", "action", *args)
    one_line_error(code, err, expected, exit_code)
    assert puts(demo_path, DEMO_ACTION) == [1]


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "input", "expected"),
    [
        # a date that is no date: the field is named, the value is not repeated
        (("--set", "issued=2026-13-45"), None, "field issued: a date as YYYY-MM-DD"),
        (("--set", "follow_up=eleventy"), None, "field follow_up: a whole number from 0 to 99"),
        (("--set", "follow_up=100"), None, "field follow_up:"),
        (("--set", "closed=2020-01-01"), None, "field closed: the action closes before"),
        (("--set", "document_index=asa-17"), None, "field document_index:"),
        (("--set", "sentence=secret-ish"), None, "field sentence: not settable with --set"),
        (("--text-file", "xx=/nonexistent"), None, "field texts.xx: a language"),
        (("--text", "en"), "no end marker here\n", "text en: input ended before the line '.'"),
        (("--from-json", "-"), '{"colour": "red-ish"}', "field colour: unknown field"),
        (("--from-json", "-"), "[not json", "not valid JSON"),
        (("--officials-json", "-"), '[{"title": "T"}]', "field officials[0].name: is required"),
        (("--clear", "title"), None, "value for '--clear'"),
    ],
)
def test_bad_input_is_refused_in_one_line_and_writes_nothing(
    demo_path: Path, args: tuple[str, ...], input: str | None, expected: str
) -> None:
    code, out, err = run(demo_path, "cara", "action", "edit", DEMO_ACTION, *args, input=input)
    assert code == 2, err
    assert "Traceback" not in out + err
    assert expected in err, err
    for value in ("2026-13-45", "eleventy", "asa-17", "secret-ish", "red-ish", "[not json"):
        assert value not in err
    assert puts(demo_path, DEMO_ACTION) == [1]
    assert stored(demo_path, DEMO_ACTION)[0] == 1


def test_an_action_id_cannot_be_changed(open_as: OpenAs) -> None:
    with pytest.raises(UsageError, match="cannot be changed"):
        actions.edit_action(open_as("cara"), DEMO_ACTION, {"action_id": "UA 062/21"})


# --- who may write ----------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["pia", "rui", "ada"])
def test_only_case_writers_change_actions(demo_path: Path, user: str) -> None:
    code, _, err = run(demo_path, user, "action", "edit", DEMO_ACTION, "--set", "follow_up=1")
    one_line_error(code, err, "may not write actions", 3)
    code, _, err = run(demo_path, user, "action", "remove-case", DEMO_ACTION, CASE_IN)
    one_line_error(code, err, "may not write actions", 3)
    assert puts(demo_path, DEMO_ACTION) == [1]


def test_publisher_refused_by_the_service_too(open_as: OpenAs) -> None:
    v = open_as("pia")
    with pytest.raises(AccessDeniedError):
        actions.add_case(v, DEMO_ACTION, CASE_IN)


# --- tampering: what an insider does to the stored row is refused on read ---------------------


def test_attack_a_byte_of_the_stored_action_flipped(demo_path: Path) -> None:
    version, body, signature = stored(demo_path, DEMO_ACTION)
    flipped = bytearray(body)
    flipped[len(flipped) // 2] ^= 0x01
    put_row(demo_path, DEMO_ACTION, version, bytes(flipped), signature)
    code, _, err = run(demo_path, "rui", "action", "show", DEMO_ACTION)
    assert code == 5, err
    assert len(err.strip().splitlines()) == 1


def test_attack_action_set_back_to_an_older_version(demo_path: Path, open_as: OpenAs) -> None:
    """An insider keeps version 1 (signed, genuine) and puts it back after an edit: the
    signature holds, but the log records version 2 as the newest."""
    old = stored(demo_path, DEMO_ACTION)
    v = open_as("cara")
    actions.edit_action(v, DEMO_ACTION, {"follow_up": 1})
    v.close()
    put_row(demo_path, DEMO_ACTION, *old)
    code, _, err = run(demo_path, "rui", "action", "show", DEMO_ACTION)
    line = one_line_error(code, err, "is not the one its audit entry records", 5)
    assert DEMO_ACTION in line


def test_attack_version_number_raised_without_a_new_body(demo_path: Path) -> None:
    _, body, signature = stored(demo_path, DEMO_ACTION)
    put_row(demo_path, DEMO_ACTION, 2, body, signature)
    code, _, err = run(demo_path, "cara", "action", "show", DEMO_ACTION)
    assert code == 5, err


def test_attack_action_row_without_its_log_entry(demo_path: Path, open_as: OpenAs) -> None:
    """A genuine signed version whose log entry is gone (the row planted from another copy of
    the vault): refused, because no action.put entry records it."""
    with raw_db(demo_path, "cara") as db:
        db.execute("UPDATE audit_entries SET action = 'action.gone' WHERE action = 'action.put'")
    with pytest.raises(IntegrityError, match="has no audit entry"):
        actions.read_action(open_as("cara"), DEMO_ACTION)


def test_publisher_reads_no_action_text(demo_path: Path) -> None:
    """A publisher sees approved drafts only, never an action's working text."""
    code, _, err = run(demo_path, "pia", "action", "show", DEMO_ACTION)
    one_line_error(code, err, "your role does not read action", 3)


def test_unknown_action(open_as: OpenAs) -> None:
    with pytest.raises(NotFoundError):
        actions.read_action(open_as("cara"), "UA 999/99")
