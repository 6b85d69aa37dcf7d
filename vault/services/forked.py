"""Pure work on the other cores, in order: a function mapped over a stream of items by worker
processes forked from this one, while this process uses each result as it comes back.

An import reads its cases into leak terms this way (:mod:`vault.services.import_pool`), and
``audit verify`` checks its entries' signatures (:func:`vault.services.audit.verify`). The
function reaches the workers by the fork alone: it is never pickled, so it may hold what this
process holds (the level keys of an unlocked session); only the items go out and the results
come back, through pipes. A fork inherits all of this process: a copy of its memory (the
database key and the person's identity among it) and its open files (the database, its
write-ahead log, an import file). The work must be pure: it opens no file and never touches
the database connection or the files it inherits (a forked worker ends with ``os._exit``,
running no finaliser, so its copies are never closed or flushed). A worker ignores Ctrl-C
(this process stops it) and dies with this process, however it dies; a worker that dies ends
the map with a one-line
:class:`~vault.errors.WorkerError`. With one core, or fewer items than one chunk, nothing is
forked and the function runs here.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from vault.errors import WorkerError

T = TypeVar("T")
R = TypeVar("R")

#: Chunks out at once per worker: enough to keep each busy while this process uses results.
AHEAD = 2
#: Chunks out at once however few the workers: enough to keep them reading while this process
#: writes a batch (an import writes 1,000 cases at a time, 20 chunks of 50; with 4 chunks out
#: on two cores the workers stood idle through each batch's write, 1.64 of 2 cores busy).
AHEAD_AT_LEAST = 20

#: The function a worker runs, installed in it by the fork (never pickled).
_WORK: Callable[[Any], Any] | None = None


#: Linux's prctl option that has the kernel send a signal to a process when its parent dies.
_PR_SET_PDEATHSIG = 1


def _install(work: Callable[[Any], Any], parent: int) -> None:
    global _WORK
    _WORK = work
    # Ctrl-C reaches the whole process group: this process's parent stops the work (and
    # says so in one line); a worker only waits to be told, with no traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(parent)


def _die_with(parent: int) -> None:
    """End this worker when the process that forked it dies, however it dies. A parent killed
    (SIGKILL, the out-of-memory killer) runs no clean-up, and its workers would wait forever
    for work from it, each holding a copy of the unlocked session's memory (its level keys
    among it): the kernel kills them instead (Linux's ``PR_SET_PDEATHSIG``). A parent that
    died before the call was made is caught by the check after it."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            os._exit(1)  # no promise to die with the parent: do no work
    if os.getppid() != parent:
        os._exit(1)


class _Raised:
    """An item's work raised: carried back in its place, so that the items before it in the
    same chunk still come out first."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _run_chunk(chunk: Sequence[Any]) -> list[Any]:
    work = _WORK
    if work is None:  # pragma: no cover - a worker is only ever started by _install
        raise RuntimeError("a worker started without its work")
    out: list[Any] = []
    for item in chunk:
        try:
            out.append(work(item))
        except Exception as e:  # the caller raises it in its turn, after the items before it
            out.append(_Raised(e))
            break
    return out


def cores() -> int:
    """How many cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - Linux has sched_getaffinity


def ordered_map(
    work: Callable[[T], R],
    items: Iterable[T],
    *,
    chunk: int,
    workers: int,
    warm: bool = False,
) -> Generator[tuple[T, R], None, None]:
    """``(item, work(item))`` for each of ``items``, in order, ``work`` run on ``workers``
    forked processes (none: here). ``items`` is consumed in this process, a chunk ahead of the
    results; an error it raises comes out after every earlier item's result, as one by one.
    ``warm``: run ``work`` once here on the first item before forking, so that what it loads
    on first use is loaded once, in pages the workers share. Closing the generator early (an
    error in the caller) terminates the workers."""
    source = iter(items)
    first, failure = _take(source, chunk)
    if workers < 1 or len(first) < chunk:
        for item in first:
            yield item, work(item)
        if failure is not None:
            raise failure
        for item in source:
            yield item, work(item)
        return
    if warm:
        work(first[0])
    # fork: the work reaches each worker as its initializer's argument, in the forked memory
    # (a fork's arguments are never pickled). A worker that dies (killed, out of memory)
    # breaks the pool: every result still awaited raises BrokenProcessPool instead of hanging.
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_install,
        initargs=(work, os.getpid()),
    )  # fmt: skip
    try:
        ahead = max(workers * AHEAD, AHEAD_AT_LEAST)
        yield from _pipelined(pool, first, failure, source, chunk, ahead)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _pipelined(
    pool: ProcessPoolExecutor,
    first: list[T],
    failure: Exception | None,
    source: Iterator[T],
    size: int,
    ahead: int,
) -> Iterator[tuple[T, Any]]:
    pending: deque[tuple[list[T], Future[list[Any]]]] = deque()

    def submit(part: list[T]) -> None:
        if part:
            try:
                pending.append((part, pool.submit(_run_chunk, part)))
            except BrokenProcessPool:  # a worker died before this chunk went out
                raise _worker_died() from None

    submit(first)
    done = failure is not None or len(first) < size
    while pending:
        while not done and len(pending) < ahead:
            part, failure = _take(source, size)
            submit(part)
            done = failure is not None or len(part) < size
        part, result = pending.popleft()
        try:
            results = result.result()
        except BrokenProcessPool:
            raise _worker_died() from None
        for item, out in zip(part, results, strict=False):
            if isinstance(out, _Raised):
                raise out.error
            yield item, out
    if failure is not None:
        raise failure  # after every item before it, as one by one


def _worker_died() -> WorkerError:
    return WorkerError(
        "a worker process ended before its work was done (killed, or out of memory); "
        "nothing was written"
    )


def _take(source: Iterator[T], n: int) -> tuple[list[T], Exception | None]:
    """Up to ``n`` items, and what stopped the source if it raised (the items before it kept)."""
    out: list[T] = []
    try:
        for item in source:
            out.append(item)
            if len(out) == n:
                break
    except Exception as e:  # a bad item: raised once every item before it has been used
        return out, e
    return out, None
