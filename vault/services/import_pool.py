"""Reading an import's cases into their leak terms on the other cores while this one writes.

Most of an import's time is pure reading: each case's protected values turned into their leak
terms (every spelling, script and disguise, :mod:`vault.redact.entities`) and its public fields
checked against its own values. That work needs no database, so an import hands it, a chunk
of cases at a time, to worker processes forked from the unlocked session, and writes each
chunk (encrypted, signed, logged) as its results come back, in the file's order.

What crosses between the processes: a chunk's validated values going out (the import file
holds them in the clear already), and coming back each case's findings (field, kind, level)
and its leak terms as keyed hashes with their level and kind, never a term or a value. A
worker holds the level keys because it is a fork of the session that holds them; it gets
nothing else, opens no file and touches no database (the parent's connection is never used
in it), and exits with the import. With one core, or a chunk the file never fills, nothing is
forked and the same functions run in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from typing import Any

from vault.policy import Policy
from vault.redact.entities import terms_remembered
from vault.services.leaks import LeakKey, LeakTerms, case_leak_terms_with
from vault.services.public_fields import OwnCheck, own_check

#: Cases handed to a worker at a time: large enough that a chunk's transfer costs little
#: beside its reading (tens of ms), small enough that the first results come back soon.
CHUNK = 50
#: Chunks out at once per worker: enough to keep each busy while this process writes.
AHEAD = 2


@dataclass(frozen=True)
class Reading:
    """What a case's values were read into: its own check and its leak terms, each term as
    (level, keyed term, kind), its run-together lengths per level."""

    own: OwnCheck
    terms: list[tuple[str, bytes, str]]
    lengths: list[tuple[str, set[int]]]

    def leak_terms(self, keys: Mapping[str, LeakKey]) -> LeakTerms:
        """The :class:`LeakTerms` these hashes are, under this process's own key objects."""
        return LeakTerms(
            [(keys[level], term, kind) for level, term, kind in self.terms],
            [(keys[level], lens) for level, lens in self.lengths],
            list(keys.values()),
        )


@dataclass(frozen=True)
class _Reader:
    policy: Policy
    keys: Mapping[str, LeakKey]

    def read(self, values: Mapping[str, Any]) -> Reading:
        with terms_remembered():  # the own check and the leak terms read the same values
            own = own_check(self.policy, values)
            terms = case_leak_terms_with(self.policy, self.keys, values)
        return Reading(
            own,
            [(key.level, term, kind) for key, term, kind in terms.terms],
            [(key.level, lens) for key, lens in terms.lengths],
        )


#: The reader a worker runs, set in this process just before the workers are forked (a fork
#: inherits it; nothing of it is ever sent through a pipe).
_READER: _Reader | None = None


def _read_chunk(chunk: Sequence[Mapping[str, Any]]) -> list[Reading]:
    reader = _READER
    if reader is None:  # pragma: no cover - a worker is only ever forked with one set
        raise RuntimeError("an import worker started without its reader")
    return [reader.read(values) for values in chunk]


def workers_wanted() -> int:
    """How many worker processes an import uses: one per core this process may run on, and
    none on one core. Not one fewer for the writer: reading is about three quarters of the
    work (measured: with one worker on two cores, the writer waited 20 s of 28 s)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 0 if (cores or 1) < 2 else (cores or 1)


def read_all(
    policy: Policy,
    keys: Mapping[str, LeakKey],
    items: Iterable[tuple[Any, Mapping[str, Any]]],
    *,
    workers: int | None = None,
) -> Generator[tuple[Any, Mapping[str, Any], Reading], None, None]:
    """``(tag, values, reading)`` for each ``(tag, values)`` of ``items``, in their order, read
    on ``workers`` forked processes (default :func:`workers_wanted`) while the caller uses each
    result. ``items`` is consumed in this process (it may read a file, raise, or touch the
    database): a chunk is sent only once it is whole, so an error in ``items`` comes out after
    every earlier item's result, as it would one by one."""
    global _READER
    reader = _Reader(policy, dict(keys))
    count = workers_wanted() if workers is None else workers
    source = iter(items)
    first, failure = _take(source, CHUNK)
    if count < 1 or len(first) < CHUNK:  # one core, or too few cases to be worth a fork
        for tag, values in first:
            yield tag, values, reader.read(values)
        if failure is not None:
            raise failure
        for tag, values in source:
            yield tag, values, reader.read(values)
        return
    # Read one case here first: the word lists, dictionaries and transliterators it loads are
    # then loaded once, in pages the forks share, instead of once in each worker.
    reader.read(first[0][1])
    _READER = reader
    try:
        pool = multiprocessing.get_context("fork").Pool(count)
    finally:
        _READER = None  # only the forks keep it
    with pool:  # leaving it any other way than at the end terminates the workers
        yield from _pipelined(pool, first, failure, source, count * AHEAD)
        pool.close()
        pool.join()


Item = tuple[Any, Mapping[str, Any]]


def _pipelined(
    pool: Pool, first: list[Item], failure: Exception | None, source: Iterator[Item], ahead: int
) -> Iterator[tuple[Any, Mapping[str, Any], Reading]]:
    pending: deque[tuple[list[Item], AsyncResult[list[Reading]]]] = deque()

    def submit(chunk: list[Item]) -> None:
        if chunk:
            values = [v for _, v in chunk]
            pending.append((chunk, pool.apply_async(_read_chunk, (values,))))

    submit(first)
    done = failure is not None or len(first) < CHUNK
    while pending:
        while not done and len(pending) < ahead:
            chunk, failure = _take(source, CHUNK)
            submit(chunk)
            done = failure is not None or len(chunk) < CHUNK
        chunk, result = pending.popleft()
        for (tag, values), reading in zip(chunk, result.get(), strict=True):
            yield tag, values, reading
    if failure is not None:
        raise failure  # after every item before it, as one by one


def _take(source: Iterator[Item], n: int) -> tuple[list[Item], Exception | None]:
    """Up to ``n`` items, and what stopped the source if it raised (the items before it kept)."""
    out: list[Item] = []
    try:
        for item in source:
            out.append(item)
            if len(out) == n:
                break
    except Exception as e:  # a bad row: raised once every row before it has been used
        return out, e
    return out, None
