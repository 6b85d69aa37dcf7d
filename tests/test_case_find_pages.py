"""`case find` a page at a time: the cases holding the name as written first, only the page's
cases decrypted, the total and the page logged, a page past the end refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import OpenAs
from tests.test_cli import assert_one_line_error, run
from vault.errors import UsageError
from vault.services import audit, cases
from vault.services.importer import import_file

#: Invented people sharing the words "Zarema Qudaybergen": two hold exactly that name, the
#: others hold it inside a longer name or in another order.
NAMES = {
    "UA-610-26-001": "Zarema Qudaybergen Sultan",
    "UA-610-26-002": "Qudaybergen Zarema",
    "UA-610-26-003": "Zarema Qudaybergen",
    "UA-610-26-004": "Aigerim Zarema Qudaybergen",
    "UA-610-26-005": "Zarema Qudaybergen",
    "UA-610-26-006": "Zarema Tolqyn Qudaybergen",
    "UA-610-26-007": "Zaremaqudaybergen",  # the exact term, but not both words: no match
}
EXACT = ["UA-610-26-003", "UA-610-26-005"]
REST = ["UA-610-26-001", "UA-610-26-002", "UA-610-26-004", "UA-610-26-006"]


@pytest.fixture
def many(open_as: OpenAs, tmp_path: Path) -> OpenAs:
    rows = [{"case_id": cid, "full_name": name, "status": "missing"} for cid, name in NAMES.items()]
    src = tmp_path / "zarema.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    import_file(open_as("cara"), src)
    return open_as


def test_pages_rank_the_name_as_written_first_and_decrypt_only_the_page(
    many: OpenAs, opened_records: list[str]
) -> None:
    v = many("cara")
    opened = opened_records
    pages = [cases.find_cases(v, "zarema  QUDAYBERGEN", page=n, limit=4) for n in (1, 2)]
    assert [c.case_id for c in pages[0].cases] == EXACT + REST[:2]
    assert [c.case_id for c in pages[1].cases] == REST[2:]
    assert len(opened) == len(EXACT + REST)  # each match decrypted once, on its own page
    assert [(p.total, p.exact, p.pages, p.first) for p in pages] == [(6, 2, 2, 1), (6, 2, 2, 5)]
    # one word: no case holds "Zarema" as written more than another; plain id order
    alone = cases.find_cases(v, "Zarema", limit=3)
    assert [c.case_id for c in alone.cases] == sorted(NAMES)[:3]
    assert (alone.total, alone.exact) == (6, 0)
    logged = v.audit.size()
    with pytest.raises(UsageError, match="there is no page 3: the name matches 6 case"):
        cases.find_cases(v, "Zarema", page=3, limit=3)
    # the refusal tells how many match: it is a search, and logged as one
    assert v.audit.size() == logged + 1
    entry = audit.audit_log(v, limit=1)[0].entry
    assert (entry.action, entry.cases, entry.details["results"]) == ("case.find", (), 6)
    assert (entry.details["page"], entry.details["limit"], entry.details["exact"]) == (3, 3, 0)
    nothing = cases.find_cases(v, "Nobodyhere Atall", page=1)
    assert (nothing.cases, nothing.total, nothing.pages, nothing.first) == ([], 0, 1, 0)


def test_the_log_names_the_page_shown_and_how_many_matched(many: OpenAs) -> None:
    v = many("cara")
    cases.find_cases(v, "Zarema Qudaybergen", page=2, limit=4)
    entry = audit.audit_log(v, limit=1)[0].entry
    assert entry.action == "case.find"
    assert entry.cases == tuple(REST[2:])
    assert entry.details["results"] == 6
    assert entry.details["page"] == 2
    assert "Zarema" not in json.dumps(entry.details)


def test_the_command_prints_a_page_and_the_next_pages_command(
    many: OpenAs, demo_path: Path
) -> None:
    code, out, err = run(
        demo_path, "cara", "case", "find", "--limit", "4", input="Zarema Qudaybergen\n"
    )
    assert code == 0, err
    assert "6 matching case(s), 2 with the name as written (first); 1-4 shown, page 1 of 2" in out
    assert "next page: casevault case find --page 2 --limit 4 (the name is asked again)" in out
    assert out.index("UA-610-26-003") < out.index("UA-610-26-001")
    code, out, err = run(
        demo_path, "cara", "--json", "case", "find", "--page", "2", "--limit", "4",
        input="Zarema Qudaybergen\n",
    )  # fmt: skip
    assert code == 0, err
    assert [r["case_id"] for r in json.loads(out)] == REST[2:]
    code, out, err = run(
        demo_path, "cara", "case", "find", "--page", "9", input="Zarema Qudaybergen\n"
    )
    assert_one_line_error(code, out, err, "there is no page 9: the name matches 6 case(s)")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--page", "0"), "Invalid value for '--page': 0 is not in the range x>=1"),
        (("--limit", "5000"), "Invalid value for '--limit': 5000 is not in the range 1<=x<=1000"),
    ],
)
def test_a_page_or_limit_out_of_range_is_one_line_and_no_search(
    demo_path: Path, open_as: OpenAs, args: tuple[str, ...], expected: str
) -> None:
    before = open_as("cara").audit.size()
    code, out, err = run(demo_path, "cara", "case", "find", *args, input="Nurlan\n")
    assert_one_line_error(code, out, err, expected)
    assert open_as("cara").audit.size() == before  # refused before any search: nothing logged
