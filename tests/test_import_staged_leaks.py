"""An import's leak term rows are held aside while its cases are written and go into the leak
index, in key order, at its end (vault.store.sqlcipher.merge_staged_leak_terms): the index it
leaves is the one writing each case on its own leaves, nothing stays staged, and an import that
fails leaves neither."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import OpenAs
from tests.insider import leak_pairs
from vault.errors import ValidationError
from vault.services import importer
from vault.services.importer import import_file
from vault.services.leak_check import check_leak_index
from vault.services.session import Vault


def _rows(n: int, first: int = 1) -> list[dict[str, object]]:
    return [
        {
            "case_id": f"UA-300-26-{i:03d}",
            "full_name": f"Invented Staged{i}",
            "status": "missing",
            "family_contacts": [
                {
                    "name": f"Sister Number{i}",
                    "relation": "sister",
                    "phone": f"+7 701 555 {2000 + i}",
                }
            ],
        }
        for i in range(first, first + n)
    ]


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def _counts(v: Vault) -> tuple[int, int]:
    conn = v.store._conn  # the raw tables: what no service reads
    (staged,) = conn.execute("SELECT count(*) FROM main.leak_terms_pending").fetchone()  # rows
    return int(staged), len(leak_pairs(conn))


def test_an_import_in_many_batches_leaves_the_index_whole_and_nothing_staged(
    open_as: OpenAs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH", 7)  # 40 cases: six batches, then the rest
    v = open_as("cara")
    _, before = _counts(v)
    import_file(v, _jsonl(tmp_path / "cases.jsonl", _rows(40)))
    staged, after = _counts(v)
    assert staged == 0
    lists = v.store.leak_cases([f"UA-300-26-{i:03d}" for i in range(1, 41)])
    assert len(lists) == 40
    # every term a case's row lists has its term row (check_leak_index looks each one up)
    assert after - before == sum(len(row.term_list()) for row in lists.values())
    found = check_leak_index(v)
    assert found.ok, found.problems


def test_an_imported_value_is_found_by_a_later_check_of_another_case(
    open_as: OpenAs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vault.redact.entities import find_known
    from vault.services.leaks import VaultKnownValues

    monkeypatch.setattr(importer, "BATCH", 3)
    v = open_as("cara")
    import_file(v, _jsonl(tmp_path / "cases.jsonl", _rows(10)))
    text = "We spoke to Sister Number4 last week; her phone is +7 701 555 2009."
    found = {text[f.start : f.end] for f in find_known(text, VaultKnownValues(v))}
    assert {"Sister Number4", "+7 701 555 2009"} <= found


def test_a_failed_import_leaves_no_staged_row_and_no_term_row(
    open_as: OpenAs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH", 4)
    v = open_as("cara")
    before = _counts(v)
    rows: list[dict[str, object]] = [*_rows(12), {"case_id": "UA-300-26-999", "status": "??"}]
    with pytest.raises(ValidationError):
        import_file(v, _jsonl(tmp_path / "bad.jsonl", rows))
    assert _counts(v) == before
    assert v.store.leak_cases(["UA-300-26-001"]) == {}


def test_an_import_after_a_case_written_on_the_same_connection(
    open_as: OpenAs, tmp_path: Path
) -> None:
    # a save sorts its rows in a temporary table; the import's own must not be mistaken for it
    from vault.services.cases import add_case

    v = open_as("cara")
    add_case(v, {"case_id": "UA-300-26-900", "full_name": "Invented Before", "status": "missing"})
    assert import_file(v, _jsonl(tmp_path / "cases.jsonl", _rows(3))).count == 3
    assert check_leak_index(v).ok


def test_rows_left_staged_by_hand_are_named_by_the_check_and_dropped_by_an_import(
    open_as: OpenAs, tmp_path: Path
) -> None:
    v = open_as("cara")
    planted = bytes(16)
    (no,) = v.store._conn.execute("SELECT min(no) FROM leak_cases").fetchone()
    with v.store.write():  # an insider with the database key plants rows for the next import
        v.store._conn.executemany(
            "INSERT INTO main.leak_terms_pending(part, seq, pairs) VALUES (?, ?, ?)",
            [(p, s, (bytes([p]) + planted[1:] + no.to_bytes(4, "big")) * 2) for p in range(256)
             for s in (1, 2)],
        )  # fmt: skip
    found = check_leak_index(v)
    assert not found.ok
    assert "1024 leak term rows wait for an import that is not running" in found.problems
    import_file(v, _jsonl(tmp_path / "cases.jsonl", _rows(3)))
    assert _counts(v)[0] == 0
    assert v.store.find_leak_terms([planted]) == []  # dropped, never merged
    assert check_leak_index(v).ok


def test_a_malformed_row_left_by_hand_is_counted_and_dropped(
    open_as: OpenAs, tmp_path: Path
) -> None:
    v = open_as("cara")
    with v.store.write():
        v.store._conn.execute(
            "INSERT INTO main.leak_terms_pending(part, seq, pairs) VALUES (7, 1, x'0102')"
        )
    assert "1 leak term rows wait for an import that is not running" in (
        check_leak_index(v).problems
    )
    assert import_file(v, _jsonl(tmp_path / "cases.jsonl", _rows(2))).count == 2
    assert _counts(v)[0] == 0 and check_leak_index(v).ok


def test_a_term_staged_twice_is_one_row(open_as: OpenAs) -> None:
    from vault.store.interface import LeakCaseRow

    v = open_as("cara")
    term = bytes(range(16))
    with v.store.write():
        v.store.replace_leak_cases([LeakCaseRow("CASE-A", term, b"k")], staged=True)
        v.store.replace_leak_cases([LeakCaseRow("CASE-B", term + term[::-1], b"k")], staged=True)
        assert v.store.find_leak_terms([term]) == []  # held aside until the merge
        assert v.store.merge_staged_leak_terms() == 3
        assert sorted(c for _, c in v.store.find_leak_terms([term])) == ["CASE-A", "CASE-B"]
        assert v.store.find_leak_terms([term[::-1]]) == [(term[::-1], "CASE-B")]
    assert _counts(v)[0] == 0


def test_a_pair_staged_twice_goes_into_the_index_once(open_as: OpenAs) -> None:
    from vault.store.interface import LeakCaseRow

    v = open_as("cara")
    term = bytes(range(16))
    _, before = _counts(v)
    with v.store.write():
        for _ in range(2):  # the same case's row, staged again: the same (term, number) pair
            v.store.replace_leak_cases([LeakCaseRow("CASE-A", term, b"k")], staged=True)
        assert v.store.merge_staged_leak_terms() == 1
        assert v.store.find_leak_terms([term]) == [(term, "CASE-A")]
    assert _counts(v) == (0, before + 1)


def test_a_staged_row_with_a_cut_term_is_refused_and_a_term_twice_in_a_row_is_one_pair(
    open_as: OpenAs,
) -> None:
    """Staging makes each pair straight into its part: a row whose terms end in part of a term
    is refused whole (nothing staged), and a term a row lists twice is one pair once merged."""
    from vault.errors import IntegrityError
    from vault.store.interface import LeakCaseRow

    v = open_as("cara")
    term, other = bytes(range(16)), bytes(range(1, 17))
    for cut in (term[:5], term + other[:15]):
        with pytest.raises(IntegrityError, match="not the size the index stores"), v.store.write():
            v.store.replace_leak_cases([LeakCaseRow("CASE-A", cut, b"k")], staged=True)
        assert _counts(v)[0] == 0
    with v.store.write():
        v.store.replace_leak_cases([LeakCaseRow("CASE-A", term + other + term, b"k")], staged=True)
        assert v.store.count_pending_leak_terms() == 3  # as the row lists them
        held = v.store._conn.execute("SELECT part, pairs FROM main.leak_terms_pending").fetchall()
        assert sorted(part for part, _ in held) == [0, 1]  # each pair in its term's part
        assert all(pairs[i] == part for part, pairs in held for i in range(0, len(pairs), 20))
        assert v.store.merge_staged_leak_terms() == 2
        found = v.store.find_leak_terms([term, other])
        assert sorted(found) == [(term, "CASE-A"), (other, "CASE-A")]
    assert _counts(v)[0] == 0


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_id_repeated_batches_apart_is_refused_and_nothing_is_written(
    open_as: OpenAs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dry_run: bool
) -> None:
    # the importer remembers only the ids of the batch not yet written; an id of an earlier
    # batch is found in the store, inside the import's own transaction
    monkeypatch.setattr(importer, "BATCH", 4)
    v = open_as("cara")
    before = _counts(v)
    rows = _rows(10)
    rows.append({**rows[1], "full_name": "Invented Again"})  # line 11 repeats line 2's id
    with pytest.raises(ValidationError, match=r"^cases\.jsonl:11: case UA-300-26-002 already"):
        import_file(v, _jsonl(tmp_path / "cases.jsonl", rows), dry_run=dry_run)
    assert _counts(v) == before
    assert v.store.case_head("UA-300-26-001") is None


def test_an_id_repeated_within_the_batch_not_yet_written_is_refused(
    open_as: OpenAs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH", 4)
    v = open_as("cara")
    rows = _rows(6)
    rows.insert(6, {**rows[4], "full_name": "Invented Again"})  # line 7 repeats line 5's
    with pytest.raises(ValidationError, match=r"^cases\.jsonl:7: case UA-300-26-005 already"):
        import_file(v, _jsonl(tmp_path / "cases.jsonl", rows))
    assert v.store.case_head("UA-300-26-001") is None
