"""What a mutant's run of the tests does differently (issue 22), as a pytest plugin the root
conftest loads. It acts only in the process mutmut forks to test one mutant (its
``MUTANT_UNDER_TEST`` names a mutant); mutmut's stats and clean runs, and every ordinary pytest
run, are untouched.

A mutant's run is read for one thing, its exit code. It differs from an ordinary run in this:

- a CPU allowance per test: a test may use :data:`CPU_FACTOR` times the CPU mutmut measured for
  it in its stats run, and never less than :data:`CPU_FLOOR_S`, before the mutant is recorded as
  a timeout (mutmut's exit code 36, exactly as mutmut's own limit records it). mutmut's limit is
  per mutant, 2.5 times the sum of every test it runs: a mutant that loops forever in its first
  test held a worker for that whole sum (11 s for a tokenizer's mutants) instead of about a second.
  The allowance is process CPU time (every thread's), so a test that only waits is never cut;
- matching each named test against every collected one: mutmut names a mutant's tests one by one
  (hundreds for a reading's helper), and pytest matches each name against every test of its file
  and builds every parametrized case of every file it opens. Here each file is collected once,
  only the named functions are built, and the named tests run in mutmut's order. A named test that
  is not found stops the run with pytest's usage error, as pytest itself would;
- the failure's traceback;
- Hypothesis' shrinking of a failing example (a mutant is killed by the first failure, not the
  smallest); every other phase a test has stays as it is.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

CPU_FACTOR = 10.0
CPU_FLOOR_S = 1.0
#: mutmut's exit code for a timeout (mutmut.stats.status_by_exit_code, 3.8.1).
TIMEOUT_EXIT = 36


def in_a_mutant_run() -> bool:
    """True in the process mutmut forks to test one mutant."""
    return "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", "")


def measured_call_seconds(nodeid: str) -> float | None:
    """The call-phase time mutmut measured for this test in its stats run (inherited from the
    mutmut process that forked this one), or None outside a mutant's run or for a test it never
    measured."""
    if not in_a_mutant_run():
        return None
    try:
        from mutmut.state import state
    except ImportError:
        return None
    seconds = state().duration_by_test.get(nodeid)
    return float(seconds) if seconds is not None else None


def allowance(measured_seconds: float) -> float:
    """CPU seconds a test may use in a mutant's run."""
    return max(CPU_FLOOR_S, CPU_FACTOR * measured_seconds)


#: In a mutant's run: the tests mutmut named, in its order (None outside a mutant's run, or when
#: it named something other than single tests).
_named: list[str] | None = None
#: (file, name) of each named test and of the class it is in, for building only those.
_named_parts: set[tuple[str, str]] = set()
#: The files of the named tests and every folder above them.
_on_the_way: set[Path] = set()


def pytest_configure(config: pytest.Config) -> None:
    global _named
    if not in_a_mutant_run():
        return
    config.option.tbstyle = "no"
    if config.args and all("::" in arg for arg in config.args):
        _named = list(config.args)
        _named_parts.update(
            (path, name.split("[")[0])  # a test class's name too, and a test's without its case
            for path, *names in (a.split("::") for a in _named)
            for name in names
        )
        config.args = list(dict.fromkeys(arg.split("::")[0] for arg in _named))
        files = {config.invocation_params.dir / arg for arg in config.args}
        _on_the_way.update(files, *(f.parents for f in files))


@pytest.hookimpl(tryfirst=True)
def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """Open no folder and no file that leads to no named test: pytest lists a folder again for
    each file named in it, and makes a node for every file it lists."""
    if _named is None or collection_path in _on_the_way:
        return None
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(
    collector: pytest.Module | pytest.Class, name: str, obj: object
) -> list[pytest.Item] | None:
    """Build no test function that mutmut did not name (its parametrized cases included)."""
    if _named is None or not callable(obj):
        return None
    path = collector.nodeid.split("::")[0]
    if (path, name) in _named_parts:
        return None
    return []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not in_a_mutant_run():
        return
    if _named is not None:
        by_id = {item.nodeid: item for item in items}
        missing = [test for test in _named if test not in by_id]
        if missing:  # as pytest itself refuses a name it cannot find (mutmut stops on it)
            raise pytest.UsageError(f"not found: {missing[0]} (and {len(missing) - 1} more)")
        named = set(_named)
        config.hook.pytest_deselected(items=[i for i in items if i.nodeid not in named])
        items[:] = [by_id[test] for test in _named]
    from hypothesis import Phase, settings

    for item in items:
        test = getattr(item, "obj", None)
        test = getattr(test, "__func__", test)  # a test method: its function holds the settings
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if own is not None:
            test._hypothesis_internal_use_settings = settings(  # type: ignore[union-attr]
                own, phases=tuple(phase for phase in own.phases if phase is not Phase.shrink)
            )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """The call phase under its CPU allowance; setup (a session fixture's Argon2id) is not
    counted."""
    measured = measured_call_seconds(item.nodeid)
    if measured is None:
        return (yield)

    def _timeout(_signum: int, _frame: object) -> None:
        os._exit(TIMEOUT_EXIT)

    previous = signal.signal(signal.SIGPROF, _timeout)
    signal.setitimer(signal.ITIMER_PROF, allowance(measured))
    try:
        return (yield)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
