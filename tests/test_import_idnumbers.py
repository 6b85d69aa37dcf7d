"""Issue 15, point 6: an id number with a wrong check digit is refused wherever a record comes in
(import, `case add`, `case edit`, JSON input), naming the field, never the number; and a JSON line
nested 100,000 deep is bad input (exit 2, line named), not an internal error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pydantic
import pytest
from click.testing import CliRunner, Result

from tests.conftest import PASSPHRASES, OpenAs
from vault.cli import cli
from vault.errors import ValidationError
from vault.models import FieldKind, IdNumber, build_record_model
from vault.models.idnumbers import kz_iin_check_digit, prc_check_char
from vault.services import cases
from vault.services.importer import import_file

# Invented numbers: a region code, a birth date and a serial, with the right check character.
PRC_FIRST17 = "65010219900101123"
PRC_GOOD = PRC_FIRST17 + prc_check_char(PRC_FIRST17)
PRC_BAD = PRC_FIRST17 + ("1" if PRC_GOOD[-1] != "1" else "2")
IIN_FIRST11 = "90010140123"
_IIN_CHECK = kz_iin_check_digit(IIN_FIRST11)
assert _IIN_CHECK is not None
IIN_GOOD = IIN_FIRST11 + str(_IIN_CHECK)
IIN_BAD = IIN_FIRST11 + str((_IIN_CHECK + 1) % 10)
EXISTING = "UA-061-21-004"  # a demo case


def _ids(kind: str, value: str) -> list[dict[str, str]]:
    return [{"kind": "passport", "value": "E12345678"}, {"kind": kind, "value": value}]


def _cli(demo_path: Path, user: str, args: list[str], stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        cli,
        args,
        input=stdin,
        env={
            "CASEVAULT_PATH": str(demo_path),
            "CASEVAULT_USER": user,
            "CASEVAULT_PASSPHRASE": PASSPHRASES[user],
        },
    )


@pytest.mark.parametrize(
    ("kind", "good", "bad"), [("prc_resident_id", PRC_GOOD, PRC_BAD), ("kz_iin", IIN_GOOD, IIN_BAD)]
)
def test_the_model_checks_every_id_kind_with_a_check_digit(kind: str, good: str, bad: str) -> None:
    assert IdNumber.model_validate({"kind": kind, "value": good}).value == good
    with pytest.raises(pydantic.ValidationError) as e:
        IdNumber.model_validate({"kind": kind, "value": bad})
    assert "check digit" in str(e.value.errors()[0]["msg"])
    model = build_record_model({"case_id": FieldKind.SHORT_TEXT, "ids": FieldKind.ID_NUMBERS})
    with pytest.raises(pydantic.ValidationError):
        model.model_validate({"case_id": "UA-1-001", "ids": _ids(kind, bad)})


def test_kinds_without_a_check_digit_are_not_checked() -> None:
    for kind in ("passport", "other"):
        assert IdNumber.model_validate({"kind": kind, "value": PRC_BAD}).value == PRC_BAD


@pytest.mark.parametrize(("kind", "bad"), [("prc_resident_id", PRC_BAD), ("kz_iin", IIN_BAD)])
def test_import_refuses_a_wrong_check_digit_naming_file_line_and_field(
    open_as: OpenAs, tmp_path: Path, kind: str, bad: str
) -> None:
    v = open_as("cara")
    before = v.store.count_cases()
    path = tmp_path / "new.jsonl"
    rows = [
        {
            "case_id": "UA-100-26-001",
            "id_numbers": _ids(kind, PRC_GOOD if "prc" in kind else IIN_GOOD),
        },
        {"case_id": "UA-100-26-002", "id_numbers": _ids(kind, bad)},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(ValidationError) as e:
        import_file(v, path)
    message = e.value.diagnostics()
    assert message.startswith("new.jsonl:2: field id_numbers[1]: not a valid "), message
    assert bad not in message and bad[:-1] not in message
    assert v.store.count_cases() == before


def test_csv_import_refuses_a_wrong_check_digit(open_as: OpenAs, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    cell = json.dumps(_ids("kz_iin", IIN_BAD)).replace('"', '""')
    path.write_text(f'case_id;id_numbers\nUA-100-26-001;"{cell}"\n', "utf-8")
    with pytest.raises(ValidationError, match=r"^sheet.csv:2: field id_numbers\[1\]: not a valid"):
        import_file(open_as("cara"), path)


def test_case_add_refuses_a_wrong_check_digit(open_as: OpenAs) -> None:
    v = open_as("cara")
    record: dict[str, Any] = {
        "case_id": "UA-100-26-009",
        "id_numbers": _ids("prc_resident_id", PRC_BAD),
    }
    with pytest.raises(ValidationError) as e:
        cases.add_case(v, record)
    assert "field id_numbers[1]: not a valid PRC resident id" in e.value.diagnostics()
    assert PRC_BAD not in e.value.diagnostics()
    assert v.store.case_head("UA-100-26-009") is None


def test_cli_add_and_edit_from_json_refuse_a_wrong_check_digit(demo_path: Path) -> None:
    new = json.dumps({"case_id": "UA-100-26-010", "id_numbers": _ids("kz_iin", IIN_BAD)})
    added = _cli(demo_path, "cara", ["case", "add", "--from-json", "-"], new)
    change = json.dumps({"id_numbers": _ids("prc_resident_id", PRC_BAD)})
    edited = _cli(demo_path, "cara", ["case", "edit", EXISTING, "--from-json", "-"], change)
    for r in (added, edited):
        assert r.exit_code == 2, r.output
        assert "field id_numbers[1]: not a valid" in r.stderr
        assert IIN_BAD not in r.output and PRC_BAD not in r.output
    good = json.dumps({"id_numbers": _ids("prc_resident_id", PRC_GOOD)})
    ok = _cli(demo_path, "cara", ["case", "edit", EXISTING, "--from-json", "-"], good)
    assert ok.exit_code == 0, ok.stderr


def test_attack_100000_deep_json_line_is_bad_input_not_a_crash(
    demo_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text(
        json.dumps({"case_id": "UA-100-26-001"}) + "\n" + "[" * 100_000 + "]" * 100_000 + "\n"
    )
    r = _cli(demo_path, "cara", ["import", str(path)])
    assert r.exit_code == 2, r.stderr
    assert r.stderr.strip() == "casevault: error: deep.jsonl:2: not valid JSON (nested too deeply)"


def test_deeply_nested_json_in_a_csv_cell_is_a_cell_error(open_as: OpenAs, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("case_id,id_numbers\nUA-100-26-001," + "[" * 100_000 + "\n", "utf-8")
    with pytest.raises(ValidationError, match=r"^sheet.csv:2: field id_numbers: not a valid"):
        import_file(open_as("cara"), path)
