"""Pure work mapped over forked workers: in order, an item's error after every earlier result,
and a worker that dies ends the map with an error instead of a wait that never ends."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool

import pytest

from vault.services.forked import ordered_map

SECRET_HELD_HERE = {"key": 7}  # what a worker may use because the fork copied it


def test_results_come_back_in_order_computed_with_what_the_fork_copied() -> None:
    got = list(ordered_map(lambda n: n * SECRET_HELD_HERE["key"], range(95), chunk=10, workers=2))
    assert got == [(n, n * 7) for n in range(95)]
    assert multiprocessing.active_children() == []


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    parent = os.getpid()

    def work(n: int) -> int:
        if n == 33 and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
        return n

    out: list[int] = []
    with pytest.raises(BrokenProcessPool):
        for n, _ in ordered_map(work, range(100), chunk=10, workers=2):
            out.append(n)
    # results already back come out in order; none from the dead worker's chunk or after it
    assert out == list(range(len(out))) and len(out) <= 30
    assert multiprocessing.active_children() == []


def test_an_items_error_comes_after_every_earlier_result() -> None:
    def items() -> Iterator[int]:
        yield from range(25)
        raise ValueError("item 25 is bad")

    out: list[int] = []
    with pytest.raises(ValueError, match="item 25 is bad"):
        for n, _ in ordered_map(lambda n: n, items(), chunk=10, workers=2):
            out.append(n)
    assert out == list(range(25))
