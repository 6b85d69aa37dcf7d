"""Pure work mapped over forked workers: in order, an item's error after every earlier result,
and a worker that dies ends the map with an error instead of a wait that never ends."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vault.errors import WorkerError
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
    with pytest.raises(WorkerError) as e:
        for n, _ in ordered_map(work, range(100), chunk=10, workers=2):
            out.append(n)
    assert e.value.diagnostics() == (
        "a worker process ended before its work was done (killed, or out of memory); "
        "nothing was written"
    )
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


def test_an_error_in_the_work_comes_after_the_items_before_it_in_its_chunk() -> None:
    """Item 33 fails on a worker: items 0-32 come out first, as one by one, even though 30-32
    share its chunk; nothing after it does."""

    def work(n: int) -> int:
        if n == 33:
            raise ValueError(f"item {n} cannot be read")
        return n

    for workers in (0, 2):
        out: list[int] = []
        with pytest.raises(ValueError, match="item 33 cannot be read"):
            for n, _ in ordered_map(work, range(100), chunk=10, workers=workers):
                out.append(n)
        assert out == list(range(33))
    assert multiprocessing.active_children() == []


_PARENT = """
import os, sys, time
from vault.services.forked import ordered_map
seen = set()
for _, pid in ordered_map(lambda n: (time.sleep(0.01), os.getpid())[1], range(10**6),
                          chunk=5, workers=2):
    if pid not in seen:
        seen.add(pid)
        print(pid, flush=True)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"  # a zombie has died
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal")
def test_workers_die_with_a_parent_that_is_killed() -> None:
    """A parent killed outright runs no clean-up; its workers, forked copies of an unlocked
    session, must not live on waiting for work: they die with it."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen(
        [sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    workers = [int(proc.stdout.readline()) for _ in range(2)]
    assert all(_alive(pid) for pid in workers) and os.getpid() not in workers
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived its killed parent"
        time.sleep(0.05)
