"""benchmarks/import_budget.py refuses what would make its passes read each other's cases, in one
line, before it reads or writes anything (the script is not a test: its figures are in
docs/performance.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "import_budget.py"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--cases", "0"], "--cases must be 1 to 100,000"),
        (["--cases", "100001"], "--cases must be 1 to 100,000"),
        (["--warm", "500001"], "--warm must be 0 to 500,000"),
        (["--warm", "-1"], "--warm must be 0 to 500,000"),
        (["--import-cases", "0"], "--import-cases must be 1 or more"),
    ],
)
def test_the_budget_script_refuses_passes_that_would_overlap(
    tmp_path: Path, args: list[str], says: str
) -> None:
    env = {**os.environ, "CASEVAULT_STATE_DIR": str(tmp_path / "state")}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1
    assert errors[0].startswith(f"import_budget.py: error: {says}")
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing read into, nothing written
