"""Runs of the leak index: its (keyed term, case number) pairs in byte order, cut into rows of
about :data:`RUN_PAIRS` pairs each (migration 0009, ADR 0010). No I/O.

A pair is the keyed term (:data:`LEAK_TERM_BYTES`) then the case's number in the store, big-
endian in :data:`NUMBER_BYTES`, so pairs sort by term, then by case. A run is the pairs of one
row run together; its key is at most its first pair, and more than every pair of the run before
it, so the run that holds (or would hold) a pair is the last one whose key is not above it.

One row a run instead of one a pair: a million cases hold about 220 million pairs, and SQLite's
cost is per row (each one a B-tree insert): written a run at a time, the index costs about what
its bytes cost (docs/performance.md).

Each run has its marks (migration 0010, ADR 0011): two bytes of each pair's term, kept in a
table of their own by the run's key, a tenth of the runs' bytes. A lookup reads a run's marks
first and the run only when they show the term may be in it: a term is rarely in the index, and
a run is a random page read of a table too large to cache (a text's check asks about a thousand
terms, each in a different run).
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Iterator, Sequence

from vault.store.interface import LEAK_TERM_BYTES

NUMBER_BYTES = 4  # a case's number in a pair
PAIR = LEAK_TERM_BYTES + NUMBER_BYTES
#: Pairs a run is cut to: two runs (1,920 bytes each) fill a 4 KiB page of SQLCipher's.
RUN_PAIRS = 96
#: A run that grows past this many pairs (a case saved adds to the runs its terms fall in) is
#: cut again into runs of RUN_PAIRS; it still fits one page.
RUN_MAX = 2 * RUN_PAIRS
LAST_NUMBER = 2 ** (8 * NUMBER_BYTES) - 1
#: Up to this many pairs go into (or out of) a run each where its order says (a case saved puts
#: one pair in most runs it touches); more, and the run is split into pairs and merged.
FEW = 8
MALFORMED = "a row of the leak index is malformed"
_WHOLE_PAIRS = re.compile(b".{%d}" % PAIR, re.DOTALL)
#: Where in a keyed term the two bytes of its mark are: past the bytes the terms of one run
#: share (the runs of a million cases share about 21 bits), so the marks of a run differ.
MARK_AT = 8


#: Why a keyed term cannot be paired (:func:`pair`).
TERM_SIZE = "a keyed leak term is not the size the index stores"


def pair(term: bytes, no: int) -> bytes:
    """The pair of a keyed term and a case number. ValueError if either does not fit."""
    if len(term) != LEAK_TERM_BYTES:
        raise ValueError(TERM_SIZE)
    return term + number_bytes(no)


def number_bytes(no: int) -> bytes:
    """A case number as a pair holds it. ValueError if it does not fit."""
    if not 0 <= no <= LAST_NUMBER:
        raise ValueError("a case number too large for the leak index")
    return no.to_bytes(NUMBER_BYTES, "big")


def term_of(p: bytes) -> bytes:
    return p[:LEAK_TERM_BYTES]


def number_of(p: bytes) -> int:
    return int.from_bytes(p[LEAK_TERM_BYTES:PAIR], "big")


def first_pair(term: bytes) -> bytes:
    """The smallest pair a term can have (its lowest case number)."""
    return term + bytes(NUMBER_BYTES)


def last_pair(term: bytes) -> bytes:
    """The largest pair a term can have."""
    return term + b"\xff" * NUMBER_BYTES


def split(run: bytes) -> list[bytes]:
    """A run's pairs. ValueError if it is not whole pairs in strictly ascending order: a reader
    that bisects a run must find each pair where its order says."""
    if not whole(run):
        raise ValueError(MALFORMED)
    pairs = [run[i : i + PAIR] for i in range(0, len(run), PAIR)]
    if any(a >= b for a, b in itertools.pairwise(pairs)):
        raise ValueError(MALFORMED)
    return pairs


def split_pairs(data: bytes) -> list[bytes]:
    """Pairs run together in any order (an import's held-aside ones). ValueError if they are
    not whole pairs."""
    if len(data) % PAIR:
        raise ValueError(MALFORMED)
    return _WHOLE_PAIRS.findall(data)  # cut in C: an import's end cuts 220 million


def joined(pairs: Sequence[bytes]) -> bytes:
    return b"".join(pairs)


def merged(run: Sequence[bytes], more: Sequence[bytes]) -> list[bytes]:
    """The pairs of both, ascending, each once (both ascending, each once, already). All of
    ``more`` after the run's last (an import into runs it makes as it goes) is appended."""
    if not run or (more and run[-1] < more[0]):
        return [*run, *more]
    return sorted_once([*run, *more])  # two ascending runs: sort merges them in linear time


def sorted_once(pairs: list[bytes]) -> list[bytes]:
    """``pairs`` sorted in place, each once. In place: a part of a million cases' import is
    870,000 pairs, and ``sorted(set(...))`` of them peaked 31 MiB higher and took half as long
    again (tracemalloc, an inline script). Pairs are rarely repeated (an import's never: a
    case's terms are each listed once, and every case is new), so a copy without repeats is
    rarely made."""
    pairs.sort()
    if any(map(operator.eq, pairs, itertools.islice(pairs, 1, None))):
        return list(dict.fromkeys(pairs))
    return pairs


def without(run: Sequence[bytes], fewer: Sequence[bytes]) -> list[bytes]:
    """The pairs of ``run`` not among ``fewer``, in their order."""
    gone = set(fewer)
    return [p for p in run if p not in gone]


def cut(pairs: list[bytes]) -> list[list[bytes]]:
    """``pairs`` as the runs to store: itself while it is at most :data:`RUN_MAX`, else runs of
    :data:`RUN_PAIRS` (the last may be shorter)."""
    if len(pairs) <= RUN_MAX:
        return [pairs]
    return [pairs[i : i + RUN_PAIRS] for i in range(0, len(pairs), RUN_PAIRS)]


def _at(run: bytes, p: bytes) -> int:
    """Where ``p`` would go among the pairs of an ascending run as stored (bisected in place: an
    edit of a few pairs need not split the run into pairs)."""
    lo, hi = 0, len(run) // PAIR
    while lo < hi:
        mid = (lo + hi) // 2
        if run[mid * PAIR : mid * PAIR + PAIR] < p:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _aligned(run: bytes, sought: bytes) -> Iterator[int]:
    """Where ``sought`` starts a pair of a run as stored (whole pairs), in order: found by
    ``bytes.find`` (in C; a lookup reads thousands of runs), a find that starts within a pair
    skipped."""
    at = run.find(sought)
    while at != -1:
        if at % PAIR:
            at = run.find(sought, at + 1)
        else:
            yield at
            at = run.find(sought, at + PAIR)


def numbers_in(run: bytes, term: bytes) -> list[int]:
    """The case numbers ``term`` has in a run as stored (whole pairs: :func:`check_whole`), in
    the run's order."""
    return [
        int.from_bytes(run[at + LEAK_TERM_BYTES : at + PAIR], "big") for at in _aligned(run, term)
    ]


def holds_in(run: bytes, p: bytes) -> bool:
    """Whether a run as stored (whole pairs) holds the pair."""
    return next(_aligned(run, p), None) is not None


def marks(run: bytes) -> bytes:
    """The marks of a run as stored (whole pairs): byte :data:`MARK_AT` of each pair's term in
    the run's order, then the byte after it of each (sliced in C: an import writes millions)."""
    return run[MARK_AT::PAIR] + run[MARK_AT + 1 :: PAIR]


def may_hold(marks: bytes, term: bytes) -> bool:
    """Whether a run of these :func:`marks` may hold ``term``: False only when no pair's two
    bytes are the term's (a run of 96 pairs says True of a term it does not hold about once in
    680 lookups; the run is then read)."""
    half = len(marks) // 2
    first, second = term[MARK_AT], term[MARK_AT + 1]
    at = marks.find(first, 0, half)
    while at != -1:
        if marks[half + at] == second:
            return True
        at = marks.find(first, at + 1, half)
    return False


def whole(run: bytes) -> bool:
    """Whether a run as stored is whole pairs, at least one."""
    return bool(run) and not len(run) % PAIR


def check_whole(run: bytes) -> bytes:
    """``run`` if it is whole pairs; ValueError if not. A lookup reads a run only this far: a
    run keyed out of place or marks not its own can hide a pair from it, as a pair deleted can,
    and `casevault check` finds each (:class:`RunsCheck` reads every run and its marks; each
    case's pairs are probed)."""
    if not whole(run):
        raise ValueError(MALFORMED)
    return run


def pieces(pairs: list[bytes]) -> list[bytes]:
    """Ascending pairs as the runs to store them in, each as stored (:func:`cut`)."""
    return [joined(run) for run in cut(pairs) if run]


def edit(run: bytes, pairs: Sequence[bytes], *, add: bool) -> tuple[list[bytes], int]:
    """A run as stored (whole pairs) after ``pairs`` (ascending, each once) are added to it or
    removed from it: the runs to store in its place (none when it is left empty; more than one
    when it grew past :data:`RUN_MAX`), and how many pairs it gained or lost."""
    if len(pairs) > FEW:
        have = split_pairs(run)
        made = merged(have, pairs) if add else without(have, pairs)
        return pieces(made), abs(len(made) - len(have))
    changed = 0
    for p in pairs:
        at = _at(run, p) * PAIR
        there = run[at : at + PAIR] == p
        if add and not there:
            run, changed = run[:at] + p + run[at:], changed + 1
        elif there and not add:
            run, changed = run[:at] + run[at + PAIR :], changed + 1
    if len(run) > RUN_MAX * PAIR:
        return pieces(split_pairs(run)), changed
    return ([run] if run else []), changed


class RunsCheck:
    """What a pass over every run, in key order, finds wrong with their shape (no I/O: fed one
    run at a time). A lookup finds the run a term falls in by the runs' keys, and asks that
    run's marks before reading it; an edit bisects a run. A run keyed above its first pair or
    overlapping the run before, or marks that are not the run's, can hide a pair from every
    lookup while it is still there for an exact probe, so `casevault check` reads every run
    this way (and a run out of order misleads an edit)."""

    def __init__(self) -> None:
        self.pairs = 0
        self.runs = 0
        self.problems: dict[str, int] = {}
        self._last: bytes | None = None

    def _bad(self, why: str) -> None:
        self.problems[why] = self.problems.get(why, 0) + 1

    def feed(self, key: bytes, run: bytes, run_marks: bytes | None) -> None:
        """One run: its key, its pairs, and the marks stored for its key (None: none are)."""
        self.runs += 1
        if len(key) != PAIR:
            self._bad("are keyed by what is not a pair")
        if not whole(run):
            self._bad("are not whole pairs")
            return
        if run_marks is None or run_marks != marks(run):
            self._bad("have marks that are not their pairs'")
        pairs = split_pairs(run)
        self.pairs += len(pairs)
        if any(a >= b for a, b in itertools.pairwise(pairs)):
            self._bad("have pairs out of order or repeated")
        if key > pairs[0]:
            self._bad("are keyed above their first pair")
        if self._last is not None and key <= self._last:
            self._bad("overlap the run before")
        self._last = max(self._last or pairs[-1], pairs[-1])
