"""The leak index's runs (vault.store.leak_runs, migration 0009): pairs kept in rows of many,
edited a run at a time, found where their order says; and the rows of the layout before it
turned into runs that hold the same pairs."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.insider import leak_pairs
from vault.errors import IntegrityError
from vault.models.secret import SecretBytes
from vault.store import SqlCipherStore, sqlcipher
from vault.store import leak_runs as runs
from vault.store.connection import _apply_migrations
from vault.store.interface import LeakCaseRow
from vault.store.migrations import MIGRATIONS

TERMS = [bytes([i * 17 % 256]) * 15 + bytes([i]) for i in range(10)]  # a small universe
CASES = [f"CASE-{i}" for i in range(6)]


def _sound(db: object) -> list[bytes]:
    """Every pair of the runs, after checking what a reader relies on: each run whole pairs,
    ascending, no longer than RUN_MAX, its key at most its first pair and above every pair
    of the run before, and its marks by its key (and no other marks)."""
    out: list[bytes] = []
    for key, data in db.execute("SELECT key, pairs FROM leak_runs ORDER BY key"):  # type: ignore[attr-defined]
        pairs = runs.split(bytes(data))
        assert len(pairs) <= runs.RUN_MAX
        assert bytes(key) <= pairs[0]
        assert not out or out[-1] < bytes(key)
        out += pairs
    marked = dict(db.execute("SELECT key, marks FROM leak_marks"))  # type: ignore[attr-defined]
    stored = dict(db.execute("SELECT key, pairs FROM leak_runs"))  # type: ignore[attr-defined]
    assert marked == {key: runs.marks(data) for key, data in stored.items()}  # each run's own
    return out


def test_a_pair_is_the_term_then_the_number_big_endian() -> None:
    p = runs.pair(TERMS[1], 258)
    assert p == TERMS[1] + b"\x00\x00\x01\x02"
    assert (runs.term_of(p), runs.number_of(p)) == (TERMS[1], 258)
    with pytest.raises(ValueError, match="too large"):
        runs.pair(TERMS[1], 2**32)
    with pytest.raises(ValueError, match="too large"):
        runs.pair(TERMS[1], -1)
    with pytest.raises(ValueError, match="size"):
        runs.pair(TERMS[1][:15], 1)


@pytest.mark.parametrize(
    "run",
    [b"", b"\x01" * 19, runs.pair(TERMS[2], 1) + runs.pair(TERMS[1], 1),
     runs.pair(TERMS[1], 1) * 2],
)  # fmt: skip
def test_a_run_not_whole_ascending_pairs_is_refused(run: bytes) -> None:
    with pytest.raises(ValueError, match="malformed"):
        runs.split(run)


def test_the_messages_and_the_widest_pair() -> None:
    with pytest.raises(ValueError) as e:
        runs.pair(TERMS[1], 2**32)
    assert str(e.value) == "a case number too large for the leak index"
    with pytest.raises(ValueError) as e:
        runs.pair(TERMS[1][:15], 1)
    assert str(e.value) == "a keyed leak term is not the size the index stores"
    with pytest.raises(ValueError) as e:
        runs.split_pairs(b"\x01" * 21)
    assert str(e.value) == runs.MALFORMED == "a row of the leak index is malformed"
    assert runs.last_pair(TERMS[3]) == TERMS[3] + b"\xff\xff\xff\xff"
    assert runs.first_pair(TERMS[3]) == TERMS[3] + bytes(4)
    assert runs.numbers_in(runs.pair(TERMS[3], 2**32 - 1), TERMS[3]) == [2**32 - 1]


@pytest.mark.parametrize("few", [0, 8])  # pairs put in one by one, or the run merged
def test_edit_adds_only_what_is_missing_and_removes_only_what_is_there(
    monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    monkeypatch.setattr(runs, "FEW", few)
    run = [runs.pair(TERMS[0], n) for n in (2, 4, 6)]
    stored = runs.joined(run)
    gone = runs.pair(TERMS[0], 3)
    assert runs.edit(stored, [run[1]], add=True) == ([stored], 0)  # there already
    assert runs.edit(stored, [gone], add=False) == ([stored], 0)  # not there
    assert runs.edit(stored, [gone], add=True) == ([runs.joined(sorted([*run, gone]))], 1)
    assert runs.edit(stored, run[:2], add=False) == ([run[2]], 2)
    assert runs.edit(stored, run, add=False) == ([], 3)
    below = runs.pair(TERMS[0], 1)
    assert runs.edit(stored, [below, run[0]], add=True) == ([below + stored], 1)


@pytest.mark.parametrize("few", [0, runs.RUN_MAX])
def test_edit_cuts_a_run_only_past_its_max(monkeypatch: pytest.MonkeyPatch, few: int) -> None:
    monkeypatch.setattr(runs, "FEW", few)
    pairs = [runs.pair(TERMS[0], n) for n in range(0, 2 * runs.RUN_MAX + 4, 2)]
    full = runs.joined(pairs[: runs.RUN_MAX - 1])
    made, gained = runs.edit(full, [pairs[runs.RUN_MAX - 1]], add=True)
    assert (made, gained) == ([runs.joined(pairs[: runs.RUN_MAX])], 1)  # at its max: whole
    made, gained = runs.edit(made[0], [pairs[runs.RUN_MAX]], add=True)
    assert gained == 1
    assert [len(m) // runs.PAIR for m in made] == [runs.RUN_PAIRS, runs.RUN_PAIRS, 1]
    assert b"".join(made) == runs.joined(pairs[: runs.RUN_MAX + 1])


def test_merged_keeps_each_pair_once() -> None:
    a, b, c = (runs.pair(TERMS[0], n) for n in (1, 2, 3))
    assert runs.merged([], [a, b]) == [a, b]
    assert runs.merged([a], [b, c]) == [a, b, c]
    assert runs.merged([a, b], [b, c]) == [a, b, c]  # the run's last is the first added
    assert runs.merged([a, c], [b]) == [a, b, c]
    assert runs.merged([b], [a, b]) == [a, b]


def test_a_parts_pairs_are_sorted_in_place_and_each_kept_once() -> None:
    a, b, c = (bytes([n]) * 20 for n in (1, 2, 3))
    held = [c, a, b]
    assert runs.sorted_once(held) is held and held == [a, b, c]  # no copy made
    assert runs.sorted_once([b, a, b, c, a]) == [a, b, c]


def test_cut_keeps_a_run_to_its_max_then_cuts_it_to_its_size() -> None:
    pairs = [runs.pair(TERMS[0], n) for n in range(runs.RUN_MAX + 1)]
    assert runs.cut(pairs[:-1]) == [pairs[:-1]]
    pieces = runs.cut(pairs)
    assert [len(p) for p in pieces] == [runs.RUN_PAIRS, runs.RUN_PAIRS, 1]
    assert [p for piece in pieces for p in piece] == pairs


def test_a_term_is_found_only_where_a_pair_starts() -> None:
    """A run's bytes can spell a term across two pairs: that is no pair of the term. Here the
    term (16 bytes of 7) is spelt from the last byte of the first pair's number on, one byte
    before the second pair, whose term it is, and again in the third."""
    term = bytes([7]) * 16
    stored = runs.joined([runs.pair(bytes(16), 7), runs.pair(term, 9), runs.pair(term, 11)])
    assert stored.find(term) == runs.PAIR - 1  # spelt across the first two pairs
    assert runs.numbers_in(stored, term) == [9, 11]
    assert runs.holds_in(stored, runs.pair(term, 11))
    assert runs.numbers_in(stored, bytes([7]) * 15 + b"\x00") == []  # across the 2nd and 3rd
    assert not runs.holds_in(stored, bytes([7]) * 15 + bytes(4) + b"\x0b")


def test_numbers_of_and_holds_read_only_the_term_asked() -> None:
    run = sorted(runs.pair(t, n) for t in TERMS[:3] for n in (5, 1, 9))
    stored = runs.joined(run)
    for term in TERMS[:3]:
        assert runs.numbers_in(stored, term) == [1, 5, 9]
    assert runs.numbers_in(stored, TERMS[5]) == []
    assert runs.numbers_in(stored, TERMS[0][:15] + b"\xff") == []
    for p in run:
        assert runs.holds_in(stored, p)
    assert not runs.holds_in(stored, runs.pair(TERMS[2], 8))
    assert not runs.holds_in(stored, runs.pair(TERMS[9], 1))  # after the last pair
    assert runs.check_whole(stored) == stored
    with pytest.raises(ValueError, match="malformed"):
        runs.check_whole(stored[:-1])
    assert runs.merged(run[:3], run[3:]) == run
    assert runs.merged(run[3:], run[:4]) == run
    assert runs.without(run, run[1:]) == run[:1]


def _store(tmp: Path) -> SqlCipherStore:
    return SqlCipherStore.create(tmp / "v.db", SecretBytes(bytes(range(32))))


_OPS = st.lists(
    st.tuples(
        st.sampled_from(CASES),
        st.sets(st.sampled_from(TERMS), max_size=8),
        st.booleans(),  # staged (an import's batch), merged at the op's end
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ops=_OPS,
    size=st.sampled_from([1, 2, 3, runs.RUN_PAIRS]),
    few=st.sampled_from([0, 2, 8]),
    sought=st.sampled_from([0, 3, 2000]),
)
def test_the_runs_hold_what_each_case_was_last_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ops: list[tuple[str, set[bytes], bool]],
    size: int, few: int, sought: int,
) -> None:  # fmt: skip
    """Against a model (case -> its terms): after every replace, each term is found in exactly
    the cases that hold it, at most per_term of them, and only in a case asked about; the runs
    stay sound. Small runs make a common term span many, and every split and merge run."""
    monkeypatch.setattr(runs, "RUN_PAIRS", size)
    monkeypatch.setattr(runs, "RUN_MAX", 2 * size)
    monkeypatch.setattr(runs, "FEW", few)  # pairs put in one by one up to this many, or merged
    monkeypatch.setattr(sqlcipher, "_LOOKUP_CHUNK", 3)  # a lookup of TERMS in four chunks
    monkeypatch.setattr(sqlcipher, "_SOUGHT_PAIRS", sought)  # runs found by seek or by range
    model: dict[str, set[bytes]] = {}
    with tempfile.TemporaryDirectory(dir=tmp_path) as tmp:
        store = _store(Path(tmp))
        try:
            for case_id, terms, staged in ops:
                row = LeakCaseRow(case_id, b"".join(sorted(terms)), b"k")
                with store.write():
                    store.replace_leak_cases([row], staged=staged)
                    model[case_id] = set(terms)
                    if staged:
                        assert store.merge_staged_leak_terms() == len(terms)
                with store.read():
                    held = _sound(store._conn)
                    assert len(held) == sum(len(t) for t in model.values())
                    every = store.find_leak_terms(TERMS)
                    assert sorted(every) == sorted((t, c) for c, ts in model.items() for t in ts)
                    for term in TERMS:
                        holders = {c for c, t in model.items() if term in t}
                        found = store.find_leak_terms([term, term])
                        assert sorted(c for _, c in found) == sorted(holders)
                        few = store.find_leak_terms([term], per_term=2)
                        assert len(few) == min(2, len(holders))
                        assert {c for _, c in few} <= holders
                        for c in (case_id, "CASE-NONE"):
                            mine = store.find_leak_terms([term], cases=[c])
                            assert mine == ([(term, c)] if c in holders else [])
        finally:
            store.close()


def test_a_run_damaged_by_hand_is_refused_or_found_by_the_cases_own_probe(
    tmp_path: Path,
) -> None:
    """A run cut short is refused as damage by any lookup. A run put out of order reads as
    whole pairs: lookups and the probe of a case's own pairs still find each pair in it (they
    find a pair, they do not bisect for it), and the pass over every run that `casevault check`
    makes names the disorder."""
    store = _store(tmp_path)
    try:
        with store.write():
            store.replace_leak_cases([LeakCaseRow("CASE-0", b"".join(TERMS[:5]), b"k")])
            (data,) = store._conn.execute("SELECT pairs FROM leak_runs").fetchone()
            pairs = runs.split(bytes(data))
            disordered = b"".join(pairs[::-1])
            store._conn.execute("UPDATE leak_runs SET pairs = ?", (disordered,))
            store._conn.execute("UPDATE leak_marks SET marks = ?", (runs.marks(disordered),))
        with store.read():
            held = store.find_leak_terms(TERMS[:5], cases=["CASE-0"])
            anyone = store.find_leak_terms(TERMS[:5])
            check = runs.RunsCheck()
            for key, run, marks in store.leak_runs_in_order():
                check.feed(key, run, marks)
        assert sorted(held) == sorted(anyone) == sorted((t, "CASE-0") for t in TERMS[:5])
        assert check.problems == {"have pairs out of order or repeated": 1}
        with store.write():
            store._conn.execute("UPDATE leak_runs SET pairs = ?", (bytes(data)[:-1],))
        with store.read(), pytest.raises(IntegrityError, match="leak index is damaged"):
            store.find_leak_terms([TERMS[0]])
        with store.write(), pytest.raises(IntegrityError, match="leak index is damaged"):
            store.replace_leak_cases([LeakCaseRow("CASE-1", TERMS[0], b"k")])
        with store.write():  # the run gone, its marks left: what they say it may hold, refused
            store._conn.execute("DELETE FROM leak_runs")
        within = max(TERMS[:5])  # not the run's first: its marks alone say where it may be
        with store.read(), pytest.raises(IntegrityError, match=r"damaged \(marks of no run\)"):
            store.find_leak_terms([within])
    finally:
        store.close()


@pytest.mark.parametrize("pairs", [None, b"", TERMS[0] + b"\0\0\0"])
def test_migration_0010_marks_every_run_and_refuses_one_not_whole_pairs(
    pairs: bytes | None,
) -> None:
    """Runs written before the marks: after migration 0010 each has the marks of its pairs by
    its key; a run that is not whole pairs is refused as a damaged leak index."""
    conn = _migrated_before("0010_leak_run_marks")
    made = sorted(runs.pair(t, n) for t in TERMS for n in (1, 9, 70_000))
    stored = [(run[0], runs.joined(run)) for run in runs.cut(made)]
    if pairs is not None:
        stored.append((b"\xff" * runs.PAIR, pairs))
    conn.executemany("INSERT INTO leak_runs(key, pairs) VALUES (?, ?)", stored)
    if pairs is not None:
        with pytest.raises(IntegrityError, match=r"^the leak index is damaged \(a row of"):
            _apply_migrations(conn)
        return
    _apply_migrations(conn)
    assert _sound(conn) == made
    assert conn.execute("SELECT count(*) FROM leak_marks").fetchone()[0] == len(stored)


def _migrated_before(name: str) -> Any:
    """An in-memory database with every migration before ``name`` applied: a vault of the
    layout before it."""
    import vault.store.connection as connection

    conn = sqlcipher3.connect(":memory:", isolation_level=None)
    names = [n for n, _ in MIGRATIONS]
    original = connection.MIGRATIONS
    connection.MIGRATIONS = MIGRATIONS[: names.index(name)]  # type: ignore[attr-defined]
    try:
        _apply_migrations(conn)
    finally:
        connection.MIGRATIONS = original  # type: ignore[attr-defined]
    return conn


def test_migration_0009_turns_each_row_into_a_pair_of_a_run() -> None:
    """A vault of the layout before (a row a pair): after the migration its runs hold the same
    pairs in order, cut at 96, each keyed by its first pair, and leak_terms is gone."""
    conn = _migrated_before("0009_leak_index_runs")
    rows = [(t, n) for t in TERMS for n in (1, 7, 300, 70_000, 2**32 - 1)]
    rows += [(bytes([200]) * 16, n) for n in range(2, 500)]  # a common term: many runs
    conn.executemany("INSERT INTO leak_terms(term, no) VALUES (?, ?)", rows)
    _apply_migrations(conn)
    assert _sound(conn) == sorted(runs.pair(t, n) for t, n in rows)
    keys = [bytes(r[0]) for r in conn.execute("SELECT key FROM leak_runs ORDER BY key")]
    sizes = [
        len(bytes(r[0])) // runs.PAIR
        for r in conn.execute("SELECT pairs FROM leak_runs ORDER BY key")
    ]
    assert sizes == [96] * (len(rows) // 96) + [len(rows) % 96]
    assert all(
        k == bytes(d)[: runs.PAIR] for k, d in conn.execute("SELECT key, pairs FROM leak_runs")
    )
    assert len(keys) == len(sizes)
    table = conn.execute("SELECT name FROM sqlite_master WHERE name = 'leak_terms'").fetchone()
    assert table is None
    assert sorted(leak_pairs(conn)) == sorted(rows)


@pytest.mark.parametrize(
    "term, no", [("text", 1), (5, 1), (TERMS[0], 5.5), (TERMS[0][:15], 1), (TERMS[0], 2**32)]
)
def test_migration_0009_refuses_a_row_it_cannot_make_a_pair_of(term: object, no: object) -> None:
    """A vault damaged before the upgrade: refused as a damaged leak index, never a TypeError,
    an allocation of ``term`` bytes, or a number rounded into another case's."""
    conn = _migrated_before("0009_leak_index_runs")
    conn.execute("INSERT INTO leak_terms(term, no) VALUES (?, ?)", (term, no))
    with pytest.raises(
        IntegrityError, match=r"^the leak index is damaged \(a row of it is malformed\)$"
    ):
        _apply_migrations(conn)


def test_the_runs_check_names_each_shape_a_lookup_would_misread() -> None:
    a, b, c, d = (runs.pair(TERMS[0], n) for n in (1, 2, 3, 4))
    sound = runs.RunsCheck()
    for key, run in [(a, a + b), (c, c + d)]:
        sound.feed(key, run, runs.marks(run))
    assert (sound.problems, sound.pairs, sound.runs) == ({}, 4, 2)
    cases = {
        "have pairs out of order or repeated": [(a, b + a)],
        "are keyed above their first pair": [(b, a + c)],
        "overlap the run before": [(a, a + c), (b, b + d)],
        "are not whole pairs": [(a, a[:-1])],
        "are keyed by what is not a pair": [(a[:16], a + b)],
    }
    e = runs.pair(TERMS[0], 5)
    cases["overlap the run before"] += [(c, c + d)]  # a key equal to the last pair before it
    for why, fed in cases.items():
        check = runs.RunsCheck()
        for key, run in fed:
            check.feed(key, run, runs.marks(run))
        assert check.problems == {why: len(fed) - (why == "overlap the run before")}, why
    # the last pair of a run of three, not its second, is what the next run must be above
    f = runs.pair(TERMS[0], 6)
    for fed in ([(a, a + b + c), (c, c + d + e)], [(a, a + b), (c, c + d + e), (e, e + f)]):
        after = runs.RunsCheck()
        for key, run in fed:
            after.feed(key, run, runs.marks(run))
        assert after.problems == {"overlap the run before": 1}, len(fed)
    repeated = runs.RunsCheck()
    repeated.feed(a, a + a, runs.marks(a + a))
    assert repeated.problems == {"have pairs out of order or repeated": 1}
    other = runs.pair(TERMS[1], 1)
    flipped = bytes(x ^ 1 for x in runs.marks(a + b))
    for marks in (None, b"", runs.marks(a), runs.marks(a + other), flipped):
        wrong = runs.RunsCheck()
        wrong.feed(a, a + b, marks)
        assert wrong.problems == {"have marks that are not their pairs'": 1}, marks


def test_marks_say_a_run_may_hold_each_of_its_terms_and_rarely_one_it_does_not() -> None:
    """A run's marks are two bytes of each pair's term: every term of the run may be there;
    of terms not there, only those sharing both bytes with one of its pairs (about one in 680
    for a run of 96 pairs)."""
    rng = random.Random(11)  # noqa: S311  # invented keyed terms
    pairs = sorted(runs.pair(rng.randbytes(16), n) for n in range(runs.RUN_PAIRS))
    run = runs.joined(pairs)
    marks = runs.marks(run)
    assert len(marks) == 2 * runs.RUN_PAIRS
    assert all(runs.may_hold(marks, runs.term_of(p)) for p in pairs)
    absent = [rng.randbytes(16) for _ in range(20_000)]
    said = sum(runs.may_hold(marks, t) for t in absent)
    assert said < 200  # 29 expected (20,000 x 96 / 65,536)
    at = runs.MARK_AT
    for p in pairs[:8]:  # the first byte alike is not enough
        term = runs.term_of(p)
        seconds = {q[at + 1] for q in pairs if q[at] == term[at]}
        free = next(x for x in range(256) if x not in seconds)
        assert not runs.may_hold(marks, term[: at + 1] + bytes([free]) + term[at + 2 :])
    both = {(q[at], q[at + 1]) for q in pairs}  # nor both bytes, each in a different pair
    apart = next((q[at], r[at + 1]) for q in pairs for r in pairs if (q[at], r[at + 1]) not in both)
    assert not runs.may_hold(marks, bytes(at) + bytes(apart) + bytes(16 - at - 2))
    assert not runs.may_hold(b"", pairs[0][:16])
