"""The mutant-run plugin (tests/mutant_run.py) must record a test that overruns its CPU allowance
as a timeout, must leave an ordinary run alone, and must not cut short a test within its
allowance: a false timeout would count a surviving mutant as killed and overstate the score."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests import mutant_run

ROOT = Path(__file__).resolve().parent.parent
MUTANT = "vault.example.x_f__mutmut_1"

CONFTEST = """
pytest_plugins = ("tests.mutant_run",)
from mutmut.state import state
state().duration_by_test["test_spin.py::test_spin"] = {measured}
state().duration_by_test["test_spin.py::test_examples"] = 0.01
"""

TESTS = """
import time
from hypothesis import Phase, given, settings, strategies as st

def test_spin():
    end = time.process_time() + {spin}
    while time.process_time() < end:
        pass

@settings(max_examples=3)
@given(st.integers())
def test_examples(x):
    assert Phase.shrink not in test_examples._hypothesis_internal_use_settings.phases
"""


def _pytest(folder: Path, tests: list[str], mutant: str, **env: str) -> int:
    """pytest run in ``folder`` as mutmut's child for ``mutant`` would run it; its exit code."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", *tests],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT), "MUTANT_UNDER_TEST": mutant, **env},
        capture_output=True,
        check=False,
        timeout=120,
    ).returncode


def _run(tmp_path: Path, test: str, *, mutant: str, measured: float, spin: float) -> int:
    (tmp_path / "conftest.py").write_text(textwrap.dedent(CONFTEST.format(measured=measured)))
    (tmp_path / "test_spin.py").write_text(textwrap.dedent(TESTS.format(spin=spin)))
    return _pytest(tmp_path, [test], mutant)


def test_a_test_past_its_allowance_is_a_timeout(tmp_path: Path) -> None:
    assert mutant_run.allowance(0.001) == mutant_run.CPU_FLOOR_S
    spin = mutant_run.CPU_FLOOR_S + 1.0
    code = _run(tmp_path, "test_spin.py::test_spin", mutant=MUTANT, measured=0.001, spin=spin)
    assert code == mutant_run.TIMEOUT_EXIT == 36


def test_a_test_within_its_allowance_runs_to_the_end(tmp_path: Path) -> None:
    measured = 0.2  # allowance 2 s: a 1.5 s spin must pass
    assert mutant_run.allowance(measured) == pytest.approx(2.0)
    code = _run(tmp_path, "test_spin.py::test_spin", mutant=MUTANT, measured=measured, spin=1.5)
    assert code == 0


@pytest.mark.parametrize("not_a_mutant", ["", "stats", "fail"])
def test_outside_a_mutant_run_nothing_changes(tmp_path: Path, not_a_mutant: str) -> None:
    spin = mutant_run.CPU_FLOOR_S + 0.5
    code = _run(tmp_path, "test_spin.py", mutant=not_a_mutant, measured=0.001, spin=spin)
    assert code == 1  # the spin runs to the end, and Hypothesis still shrinks


def test_a_mutant_run_does_not_shrink(tmp_path: Path) -> None:
    code = _run(tmp_path, "test_spin.py::test_examples", mutant=MUTANT, measured=0.001, spin=0)
    assert code == 0


NAMED = """
import os
from pathlib import Path

import pytest

def _ran(what):
    with Path(os.environ["RAN_LOG"]).open("a") as f:
        f.write(what + "\\n")

def test_one():
    _ran("one")

@pytest.mark.parametrize("n", [1, 2, 3])
def test_two(n):
    _ran(f"two-{n}")

class TestThree:
    def test_three(self):
        _ran("three")
"""


@pytest.mark.parametrize("mutant", [MUTANT, ""])
def test_a_mutant_run_runs_exactly_the_named_tests_in_their_order(
    tmp_path: Path, mutant: str
) -> None:
    """mutmut names a mutant's tests one by one, fastest first; the mutant-run plugin collects
    their files once and must still run those tests, only those, in that order."""
    (tmp_path / "conftest.py").write_text('pytest_plugins = ("tests.mutant_run",)\n')
    (tmp_path / "test_named.py").write_text(textwrap.dedent(NAMED))
    (tmp_path / "test_other.py").write_text("def test_other():\n    raise AssertionError\n")
    log = tmp_path / "ran.txt"
    named = [
        "test_named.py::TestThree::test_three",
        "test_named.py::test_two[3]",
        "test_named.py::test_one",
        "test_named.py::test_two[1]",
    ]
    assert _pytest(tmp_path, named, mutant, RAN_LOG=str(log)) == 0
    assert log.read_text().split() == ["three", "two-3", "one", "two-1"]


PHASES = """
from hypothesis import Phase, example, given, settings, strategies as st

class TestInAClass:
    @settings(max_examples=3)
    @given(st.integers())
    def test_method(self, x):
        assert Phase.shrink not in TestInAClass.test_method._hypothesis_internal_use_settings.phases

@settings(phases=[Phase.explicit])
@example(7)
@given(st.integers())
def test_explicit_only(x):
    assert x == 7  # only the explicit example may run: the plugin removes shrinking, nothing else
"""


def _run_phases(tmp_path: Path, *tests: str) -> int:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ("tests.mutant_run",)\n')
    (tmp_path / "test_phases.py").write_text(textwrap.dedent(PHASES))
    return _pytest(tmp_path, list(tests), MUTANT)


def test_a_mutant_run_keeps_every_phase_but_shrinking_also_in_a_class(tmp_path: Path) -> None:
    named = ["test_phases.py::TestInAClass::test_method", "test_phases.py::test_explicit_only"]
    assert _run_phases(tmp_path, *named) == 0


def test_a_named_test_that_is_not_found_stops_the_run(tmp_path: Path) -> None:
    named = ["test_phases.py::test_explicit_only", "test_phases.py::test_gone"]
    assert _run_phases(tmp_path, *named) == 4  # pytest's usage error; mutmut stops on it
