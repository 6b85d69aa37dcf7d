"""An import reads its cases into leak terms on worker processes: the same readings as in one
process, in the file's order, the first bad row in file order reported, no worker left behind."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import OpenAs
from vault.bench.cases import bench_case
from vault.errors import ValidationError
from vault.services import forked, import_pool
from vault.services.cases import validate_record
from vault.services.importer import import_file
from vault.services.leaks import (
    LeakKey,
    case_leak_terms,
    kinds_ad,
    kinds_parts,
    leak_case_row,
    writing_keys,
)
from vault.services.public_fields import own_check
from vault.store.interface import LeakCaseRow

N = 2 * import_pool.CHUNK + 30  # three chunks, the last one short


def _records(n: int, first: int = 7_000_000) -> list[dict[str, Any]]:
    return [bench_case(first + i)[0] for i in range(n)]


def _items(
    v: Any, records: list[dict[str, Any]], fail_at: int | None = None
) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for i, record in enumerate(records):
        if i == fail_at:
            raise ValueError(f"row {i} is bad")
        yield i, validate_record(v, record)


def _kinds(vault_id: str, keys: Mapping[str, LeakKey], reading: import_pool.Reading) -> list[bytes]:
    """Each part of a reading's sealed kinds, opened (the seals differ: each has its nonce)."""
    slots = {k.kinds_slot: k for k in keys.values()}
    row = LeakCaseRow(reading.case_id, reading.terms, reading.kinds)
    parts = kinds_parts(row, len(next(iter(slots))))
    return [
        slots[slot].sealer.open(sealed, kinds_ad(vault_id, row.case_id, slot, row.terms), "kinds")
        for slot, sealed in parts.items()
    ]


def _plain(
    vault_id: str, keys: Mapping[str, LeakKey], done: list[tuple[Any, Any, import_pool.Reading]]
) -> list[tuple[Any, ...]]:
    return [
        (tag, values, r.own, r.case_id, r.terms, r.lengths, _kinds(vault_id, keys, r))
        for tag, values, r in done
    ]


def test_workers_read_what_one_process_reads_in_the_same_order(open_as: OpenAs) -> None:
    v = open_as("cara")
    keys = writing_keys(v)
    records = _records(N)
    alone = list(import_pool.read_all(v.policy, keys, v.vault_id, _items(v, records), workers=0))
    forked = list(import_pool.read_all(v.policy, keys, v.vault_id, _items(v, records), workers=2))
    assert [tag for tag, _, _ in forked] == list(range(N))
    assert _plain(v.vault_id, keys, forked) == _plain(v.vault_id, keys, alone)
    # and what they read is the row the session itself makes, term for term and kind for kind
    values = alone[N - 1][1]
    direct = case_leak_terms(v, values)
    row = leak_case_row(v.vault_id, values["case_id"], direct)
    reading = alone[N - 1][2]
    made = reading.case_leaks(keys)
    assert made.row.case_id == values["case_id"] == reading.case_id
    assert made.row.terms == row.terms and len(made.row.kinds) == len(row.kinds)
    want = _kinds(
        v.vault_id, keys, import_pool.Reading(reading.own, row.case_id, row.terms, row.kinds, [])
    )
    assert _kinds(v.vault_id, keys, reading) == want
    assert made.lengths == direct.lengths
    assert reading.own == own_check(v.policy, values)
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("fail_at", [7, import_pool.CHUNK, 2 * import_pool.CHUNK + 3])
@pytest.mark.parametrize("workers", [0, 2])
def test_a_bad_item_comes_out_after_every_item_before_it(
    open_as: OpenAs, fail_at: int, workers: int
) -> None:
    v = open_as("cara")
    out: list[int] = []
    gen = import_pool.read_all(
        v.policy, writing_keys(v), v.vault_id, _items(v, _records(N), fail_at), workers=workers
    )
    with pytest.raises(ValueError, match=f"row {fail_at} is bad"):
        for tag, _, _ in gen:
            out.append(tag)
    assert out == list(range(fail_at))
    assert multiprocessing.active_children() == []


def test_an_import_names_the_first_bad_line_in_file_order(open_as: OpenAs, tmp_path: Path) -> None:
    """Line 12 types a relative's phone into the public summary (found only once its case is
    read, on a worker); line 101 is not JSON (found as the file is read, earlier in time).
    The error is line 12's, as a one-by-one import gives; nothing is written; no worker stays."""
    v = open_as("cara")
    before = v.store.count_cases()
    records = _records(N)
    phone = records[11]["family_contacts"][0]["phone"]
    records[11]["public_summary"] = f"Relatives can be reached on {phone}."
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines[100] = "{not json"
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(ValidationError) as e:
        import_file(v, path)
    message = e.value.diagnostics()
    assert message.startswith(f"many.jsonl:12: case {records[11]['case_id']}: a protected value")
    assert phone not in message
    assert v.store.count_cases() == before
    assert multiprocessing.active_children() == []
    lines[11] = json.dumps(_records(1, first=7_100_000)[0], ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(ValidationError, match=r"^many\.jsonl:101: not valid JSON"):
        import_file(v, path)
    assert v.store.count_cases() == before
    assert multiprocessing.active_children() == []


def test_the_reader_is_left_only_in_the_forks(open_as: OpenAs) -> None:
    """The keys a worker reads with reach it by the fork alone: this process's module-level
    handle to them is cleared as soon as the workers exist."""
    v = open_as("cara")
    gen = import_pool.read_all(
        v.policy, writing_keys(v), v.vault_id, _items(v, _records(N)), workers=2
    )
    next(gen)
    assert forked._WORK is None
    gen.close()
    assert multiprocessing.active_children() == []


def test_a_lookup_asked_for_many_cases_that_fails_leaves_errors_in_file_order(
    open_as: OpenAs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An import asks the index about many cases' texts at once; if that lookup fails (a
    damaged index), each case's own check asks again, in file order: the first bad line's
    error is the one given, and nothing the failed lookup asked is remembered as absent."""
    from vault.errors import IntegrityError
    from vault.redact.entities import find_known
    from vault.services import leaks

    v = open_as("cara")
    existing = v.store.case_ids(limit=1)[0]
    records = _records(5)
    records[0]["case_id"] = existing  # line 1: a case that exists
    path = tmp_path / "few.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")

    def damaged(self: leaks.VaultKnownValues, terms: object) -> None:
        raise IntegrityError("the leak index of case X is damaged")

    monkeypatch.setattr(leaks.VaultKnownValues, "ask", damaged)
    with pytest.raises(ValidationError, match=rf"^few\.jsonl:1: case {existing} already exists"):
        import_file(v, path, dry_run=True)
    monkeypatch.undo()
    # a lookup that fails remembers nothing: asked again, the value is found
    phone = records[1]["family_contacts"][0]["phone"]
    v2 = open_as("cara")
    import_file(v2, _written(tmp_path / "ok.jsonl", records[1:]))
    known = leaks.VaultKnownValues(v2)
    find = v2.store.find_leak_terms
    calls = []

    def once(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("the leak index of case X is damaged")
        return find(*args, **kw)

    monkeypatch.setattr(v2.store, "find_leak_terms", once)
    with v2.store.read():
        with pytest.raises(IntegrityError):
            find_known(f"call {phone}", known)
        assert find_known(f"call {phone}", known)


def _written(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    return path


def test_cases_are_asked_about_together_up_to_a_count_of_cases_or_of_terms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The lookup made for many cases at once ends at ASKED_TOGETHER cases or, for long texts,
    at ASKED_TERMS terms (a 2,000-word summary gives 18,000): its memory is bounded by terms,
    not by cases alone. Every reading comes out, in order."""
    from types import SimpleNamespace

    from vault.services import importer

    monkeypatch.setattr(importer, "ASKED_TOGETHER", 4)
    monkeypatch.setattr(importer, "ASKED_TERMS", 25)

    class Known:
        def __init__(self) -> None:
            self.asked: list[set[str]] = []

        def ask(self, terms: set[str]) -> None:
            self.asked.append(set(terms))

    def reading(i: int, words: int) -> Any:
        made = {f"~w{i} n{n}" for n in range(words)}  # sorted words: asked
        made |= {"abcdef", "abcdefg"}  # run together
        return SimpleNamespace(own=SimpleNamespace(terms={"public_summary": frozenset(made)}))

    sizes = [1, 1, 1, 1, 1, 30, 20, 3]  # four cases; two past 25 terms; two at 25
    readings = [(n, {}, reading(n, w)) for n, w in enumerate(sizes)]
    known = Known()
    out = list(importer._asked_together(iter(readings), known))  # type: ignore[arg-type]
    assert out == readings
    assert [len(a) for a in known.asked] == [4 + 2, 1 + 30 + 2, 20 + 3 + 2]
    assert all({"abcdef", "abcdefg"} <= a for a in known.asked)
