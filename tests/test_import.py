"""Import: JSON Lines and CSV, streaming, all-or-nothing, every bad input one clear error."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.conftest import OpenAs
from vault.errors import ValidationError
from vault.services import cases
from vault.services.importer import import_file


def _record(i: int, **extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "case_id": f"UA-100-26-{i:03d}",
        "full_name": f"Invented Person{i}",
        "status": "missing",
        "family_contacts": [
            {"name": f"Relative Number{i}", "relation": "sister", "phone": f"+7 701 555 {1000 + i}"}
        ],
    }
    base.update(extra)
    return base


def _jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


def test_jsonl_import_writes_every_row(open_as: OpenAs, tmp_path: Path) -> None:
    v = open_as("cara")
    before = v.store.count_cases()
    result = import_file(v, _jsonl(tmp_path / "new.jsonl", [_record(i) for i in range(1, 51)]))
    assert result.count == 50
    assert v.store.count_cases() == before + 50
    assert cases.show_case(v, "UA-100-26-007").values["family_contacts"][0]["phone"] == (
        "+7 701 555 1007"
    )
    assert [c.case_id for c in cases.find_cases(v, "Person7").cases] == ["UA-100-26-007"]


def test_csv_import_with_lists_and_json_cells(open_as: OpenAs, tmp_path: Path) -> None:
    v = open_as("cara")
    path = tmp_path / "sheet.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["case_id", "full_name", "name_variants", "birth_year", "id_numbers"])
        w.writerow(
            [
                "UA-100-26-001",
                "Invented Aygul",
                "Айгүл; 阿依古丽",
                "1990",
                json.dumps([{"kind": "passport", "value": "E12345678"}]),
            ]
        )
        w.writerow(["UA-100-26-002", "Invented Serik", "", "", ""])
    assert import_file(v, path).count == 2
    view = cases.show_case(v, "UA-100-26-001")
    assert view.values["name_variants"] == ["Айгүл", "阿依古丽"]
    assert view.values["birth_year"] == 1990
    assert "UA-100-26-001" in [c.case_id for c in cases.find_cases(v, "阿依古丽").cases]


BAD_JSONL = {
    "malformed JSON": ('{"case_id": "UA-100-26-002", ', "new.jsonl:2: not valid JSON"),
    "unknown field": (
        json.dumps(_record(2, favourite_colour="blue")),
        "new.jsonl:2: field favourite_colour: is not a field here",
    ),
    "wrong type": (
        json.dumps(_record(2, birth_year="nineteen ninety")),
        "new.jsonl:2: field birth_year",
    ),
    "NUL in a value": (
        json.dumps(_record(2, case_notes="before\u0000after")),
        "new.jsonl:2: field case_notes: Value error, contains a NUL",
    ),
    "10 MB field": (
        json.dumps(_record(2, case_notes="x" * 10_000_000)),
        "new.jsonl:2: field case_notes: is too long",
    ),
    "bad status": (json.dumps(_record(2, status="vanished")), "new.jsonl:2: field status"),
    "not an object": ("[1, 2, 3]", "new.jsonl:2: a record must be a JSON object"),
    "duplicate id": (json.dumps(_record(1)), "new.jsonl:2: case UA-100-26-001 already exists"),
}


@pytest.mark.parametrize("bad", sorted(BAD_JSONL))
def test_bad_jsonl_row_writes_nothing(open_as: OpenAs, tmp_path: Path, bad: str) -> None:
    v = open_as("cara")
    before = v.store.count_cases()
    line, expected = BAD_JSONL[bad]
    path = tmp_path / "new.jsonl"
    path.write_text(json.dumps(_record(1)) + "\n" + line + "\n" + json.dumps(_record(3)) + "\n")
    with pytest.raises(ValidationError) as e:
        import_file(v, path)
    message = e.value.diagnostics()
    assert message.startswith(expected.replace("Value error, ", "")), message
    assert "\n" not in message
    assert "Relative Number" not in message and "x" * 50 not in message
    assert v.store.count_cases() == before
    assert v.store.case_head("UA-100-26-001") is None


def test_invalid_utf8_is_named_with_its_line(open_as: OpenAs, tmp_path: Path) -> None:
    v = open_as("cara")
    path = tmp_path / "new.jsonl"
    path.write_bytes(json.dumps(_record(1)).encode() + b"\n" + b'{"case_id": "\xff\xfe"}\n')
    with pytest.raises(ValidationError, match=r"^new.jsonl:2: not valid UTF-8; save it as UTF-8$"):
        import_file(v, path)
    assert v.store.case_head("UA-100-26-001") is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"case_id,full_name\nUA-100-26-001,A Name\nUA-100-26-002,B\x00Name\n",
            "sheet.csv:3: field full_name: contains a NUL",
        ),
        (
            b"case_id,full_name\nUA-100-26-001,A Name\nUA-100-26-002,\xc3\x28\n",
            "sheet.csv:3: not valid UTF-8",
        ),
        (b"case_id,shoe_size\nUA-100-26-001,42\n", "sheet.csv:1: column 'shoe_size': unknown"),
        (
            b"case_id,birth_year\nUA-100-26-001,1990\nUA-100-26-002,old\n",
            "sheet.csv:3: field birth_year: not a valid int cell",
        ),
        (b"case_id,full_name\nUA-100-26-001,A Name,extra\n", "sheet.csv:2: 3 cells"),
        (
            b"case_id,id_numbers\n"
            b'UA-100-26-001,"[{""kind"": ""passport"", ""value"": ""E777123""}"\n',
            "sheet.csv:2: field id_numbers: not a valid id_numbers cell",
        ),
        (
            b"case_id,name_variants\nUA-100-26-001,[E777123\n",
            "sheet.csv:2: field name_variants: not a valid text_list cell",
        ),
    ],
)
def test_bad_csv_writes_nothing(
    open_as: OpenAs, tmp_path: Path, content: bytes, expected: str
) -> None:
    v = open_as("cara")
    before = v.store.count_cases()
    path = tmp_path / "sheet.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as e:
        import_file(v, path)
    assert e.value.diagnostics().startswith(expected), e.value.diagnostics()
    assert "E777123" not in e.value.diagnostics()
    assert v.store.count_cases() == before


def test_empty_file_is_an_error(open_as: OpenAs, tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    with pytest.raises(ValidationError, match="no records"):
        import_file(open_as("cara"), path)
