"""A name lookup reads the rows of its rarest word and looks the other words up only for the
cases that word named (vault.services.name_index.matching_cases): the same cases as reading
every word's rows, without reading every case that holds a common given name."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import OpenAs
from vault.services import cases
from vault.services.cases import add_case
from vault.services.name_index import matching_cases


def _add(v: Any, n: int, name: str) -> None:
    add_case(v, {"case_id": f"UA-500-26-{n:03d}", "full_name": name, "status": "missing"})


def test_a_common_word_beside_a_rare_one_is_read_only_for_the_rare_ones_cases(
    open_as: OpenAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    v = open_as("cara")
    for n in range(12):
        _add(v, n, f"Zarema Invented{n}")  # a given name twelve cases share
    _add(v, 99, "Zarema Quillfeather")
    calls: list[tuple[int, Any]] = []
    find = v.store.find_index_terms

    def counted(namespace: str, terms: Any, *, cases: Any = None) -> Any:
        rows = list(find(namespace, terms, cases=cases))
        calls.append((len(rows), cases))
        return iter(rows)

    monkeypatch.setattr(v.store, "find_index_terms", counted)
    with v.store.read():
        assert matching_cases(v, "Zarema Quillfeather") == {"UA-500-26-099"}
        assert matching_cases(v, "quillfeather ZAREMA") == {"UA-500-26-099"}
    first_read = [rows for rows, within in calls if within is None]
    assert first_read and max(first_read) <= 1  # the rare word's rows, never the twelve
    assert all(within == ["UA-500-26-099"] for rows, within in calls if within is not None)


def test_the_order_of_reading_changes_no_result(open_as: OpenAs) -> None:
    v = open_as("cara")
    for n in range(6):
        _add(v, n, f"Aybike Shared{n % 2}")
    _add(v, 50, "Aybike Lonely")
    with v.store.read():
        assert matching_cases(v, "Aybike") == {f"UA-500-26-{n:03d}" for n in (*range(6), 50)}
        assert matching_cases(v, "Aybike Shared1") == {"UA-500-26-001", "UA-500-26-003",
                                                       "UA-500-26-005"}  # fmt: skip
        assert matching_cases(v, "Shared0 Aybike") == {"UA-500-26-000", "UA-500-26-002",
                                                       "UA-500-26-004"}  # fmt: skip
        assert matching_cases(v, "Aybike Nobody") == set()
    assert [c.case_id for c in cases.find_cases(v, "Lonely Aybike").cases] == ["UA-500-26-050"]


def test_a_store_lookup_within_cases_reads_only_theirs(open_as: OpenAs) -> None:
    v = open_as("cara")
    _add(v, 1, "Gulbahar Within")
    _add(v, 2, "Gulbahar Without")
    with v.store.read():
        every = sorted(v.store._conn.execute(
            "SELECT namespace, term, case_id FROM search_index WHERE case_id LIKE 'UA-500-26-%'"
        ).fetchall())  # fmt: skip
        namespace, term = every[0][0], every[0][1]
        holders = {cid for ns, t, cid in every if (ns, t) == (namespace, term)}
        assert v.store.count_index_terms(namespace, [term]) >= len(holders)
        for cid in holders:
            found = list(v.store.find_index_terms(namespace, [term], cases=[cid]))
            assert [c for _, c in found] == [cid]
        assert list(v.store.find_index_terms(namespace, [term], cases=[])) == []
