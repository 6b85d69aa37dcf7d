"""Issue 15, point 12: spreadsheets as they come — `;` and tab separators, a UTF-8 byte-order
mark, padded cells, dates with a declared order — and a clear refusal of other encodings, of an
ambiguous date, and a dry run that writes and logs nothing. Fixtures: tests/fixtures/import/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import PASSPHRASES, OpenAs
from vault.cli import cli
from vault.errors import ValidationError
from vault.models.fieldtext import DateOrder
from vault.services import cases
from vault.services.importer import detect_separator, import_file

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def _cli(demo_path: Path, args: list[str]) -> Result:
    return CliRunner().invoke(
        cli,
        args,
        env={
            "CASEVAULT_PATH": str(demo_path),
            "CASEVAULT_USER": "cara",
            "CASEVAULT_PASSPHRASE": PASSPHRASES["cara"],
        },
    )


@pytest.mark.parametrize(
    ("header", "separator"),
    [
        ("case_id,full_name", ","),
        ("case_id;full_name;status", ";"),
        ("case_id\tfull_name", "\t"),
        ("case_id", ","),
        ('"case_id";"full_name"', ";"),
    ],
)
def test_separator_is_read_from_the_header(header: str, separator: str) -> None:
    assert detect_separator(header) == separator


def test_semicolon_sheet_with_bom_crlf_padding_and_day_first_dates(
    open_as: OpenAs, tmp_path: Path
) -> None:
    v = open_as("cara")
    result = import_file(v, FIXTURES / "semicolon_dmy.csv", date_order=DateOrder.DMY)
    assert result.count == 2
    first = cases.show_case(v, "UA-900-26-001").values
    assert first["full_name"] == "Invented Aynur"  # trimmed
    assert first["name_variants"] == ["Айнур", "阿依努尔"]
    assert first["date_of_birth"] == "1984-03-12"
    assert first["detained_on"] == "2018-05"
    assert first["status"] == "missing"
    assert first["family_contacts"][0]["relation"] == "brother"
    second = cases.show_case(v, "UA-900-26-002").values
    assert second["date_of_birth"] == "1979-11-30"
    assert "name_variants" not in second


def test_tab_separated_sheet(open_as: OpenAs) -> None:
    v = open_as("cara")
    assert import_file(v, FIXTURES / "tabs.csv").count == 1
    assert cases.show_case(v, "UA-900-26-003").values["birth_year"] == 1990


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("utf16.csv", "utf16.csv:1: UTF-16 text, not UTF-8; save it as CSV UTF-8"),
        ("latin1.csv", "latin1.csv:2: not valid UTF-8; save it as CSV UTF-8"),
        (
            "utf16le_no_bom.csv",
            "utf16le_no_bom.csv:1: UTF-16 text, not UTF-8; save it as CSV UTF-8",
        ),
    ],
)
def test_other_encodings_are_refused_with_the_advice_to_save_as_csv_utf8(
    open_as: OpenAs, fixture: str, expected: str
) -> None:
    v = open_as("cara")
    before = v.store.count_cases()
    with pytest.raises(ValidationError) as e:
        import_file(v, FIXTURES / fixture)
    assert e.value.diagnostics() == expected
    assert v.store.count_cases() == before


def test_an_ambiguous_date_without_a_declared_order_names_row_and_field(
    open_as: OpenAs, tmp_path: Path
) -> None:
    v = open_as("cara")
    before = v.store.count_cases()
    path = tmp_path / "sheet.csv"
    path.write_text(
        "case_id,date_of_birth\nUA-900-26-010,1984-03-12\nUA-900-26-011,12/03/1984\n", "utf-8"
    )
    with pytest.raises(ValidationError) as e:
        import_file(v, path)
    assert e.value.diagnostics() == (
        "sheet.csv:3: field date_of_birth: a date with the year last is ambiguous; "
        "declare the order with --date-order dmy or mdy"
    )
    assert v.store.count_cases() == before
    assert import_file(v, path, date_order=DateOrder.MDY).count == 2
    assert cases.show_case(v, "UA-900-26-011").values["date_of_birth"] == "1984-12-03"


def test_an_impossible_date_is_refused_without_repeating_it(
    open_as: OpenAs, tmp_path: Path
) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("case_id;date_of_birth\nUA-900-26-012;31/02/1984\n", "utf-8")
    with pytest.raises(ValidationError) as e:
        import_file(open_as("cara"), path, date_order=DateOrder.DMY)
    assert e.value.diagnostics() == (
        "sheet.csv:2: field date_of_birth: not a valid date cell (not a real calendar date)"
    )


def test_dry_run_counts_rows_and_writes_and_logs_nothing(open_as: OpenAs, demo_path: Path) -> None:
    v = open_as("cara")
    cases_before, log_before = v.store.count_cases(), v.audit.size()
    db_before = (demo_path / "vault.db").read_bytes()
    result = import_file(v, FIXTURES / "semicolon_dmy.csv", date_order=DateOrder.DMY, dry_run=True)
    assert (result.count, result.dry_run) == (2, True)
    assert v.store.count_cases() == cases_before
    assert v.audit.size() == log_before
    assert (demo_path / "vault.db").read_bytes() == db_before
    assert v.store.case_head("UA-900-26-001") is None


def test_dry_run_refuses_a_bad_file_like_the_import(open_as: OpenAs) -> None:
    with pytest.raises(ValidationError, match=r"^semicolon_dmy.csv:2: field date_of_birth"):
        import_file(open_as("cara"), FIXTURES / "semicolon_dmy.csv", dry_run=True)


def test_dry_run_finds_a_case_id_already_in_the_vault(open_as: OpenAs, tmp_path: Path) -> None:
    path = tmp_path / "again.csv"
    path.write_text("case_id,full_name\nUA-061-21-004,Invented Again\n", "utf-8")
    with pytest.raises(ValidationError, match="already exists"):
        import_file(open_as("cara"), path, dry_run=True)


def test_cli_dry_run_then_import_with_date_order(demo_path: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    shutil.copy(FIXTURES / "semicolon_dmy.csv", sheet)
    refused = _cli(demo_path, ["import", "--dry-run", str(sheet)])
    assert refused.exit_code == 2
    assert refused.stderr.startswith("casevault: error: sheet.csv:2: field date_of_birth: ")
    checked = _cli(demo_path, ["import", "--dry-run", "--date-order", "dmy", str(sheet)])
    assert checked.exit_code == 0, checked.stderr
    assert "would add 2 cases" in checked.stdout and "Nothing was written" in checked.stdout
    done = _cli(demo_path, ["--json", "import", "--date-order", "dmy", str(sheet)])
    assert done.exit_code == 0, done.stderr
    assert '"count": 2' in done.stdout and '"dry_run": false' in done.stdout


def test_the_example_in_docs_import_md_imports_as_documented(
    open_as: OpenAs, tmp_path: Path
) -> None:
    doc = (Path(__file__).parent.parent / "docs" / "import.md").read_text("utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(example, "utf-8")
    v = open_as("cara")
    assert import_file(v, sheet, date_order=DateOrder.DMY, dry_run=True).count == 1
    assert import_file(v, sheet, date_order=DateOrder.DMY).count == 1
    values = cases.show_case(v, "UA-100-26-001").values
    assert values["date_of_birth"] == "1990-05-14"
    assert values["name_variants"] == ["Айгүл", "阿依古丽"]
    assert values["id_numbers"] == [{"kind": "passport", "value": "E12345678"}]
