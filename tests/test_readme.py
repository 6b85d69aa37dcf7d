"""Every session in the README runs as written, in a fresh folder, after the set-up command
(issue 15.17; sqlite-utils' test_docs.py is the pattern): each `$ ` command in a ```text block
is run by bash, one block after another, and must exit as the README says — 0, or the
`(exit N)` shown after it. Its input files come from the repository (docs/examples/)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARK = "__casevault_readme_rc__"


def sessions() -> list[list[tuple[str, int]]]:
    """(command, expected exit code) for each ```text block of the README, in order."""
    blocks = re.findall(r"```text\n(.*?)```", (ROOT / "README.md").read_text("utf-8"), re.S)
    out = []
    for block in blocks:
        steps: list[tuple[str, int]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], 0))
            elif (m := re.fullmatch(r"\(exit (\d+)\)", line.strip())) and steps:
                steps[-1] = (steps[-1][0], int(m.group(1)))
        if steps:
            out.append(steps)
    return out


def test_the_readme_has_sessions() -> None:
    assert len(sessions()) >= 3
    assert any("casevault demo" in cmd for cmd, _ in sessions()[0])


def test_every_readme_session_runs_as_written(tmp_path: Path) -> None:
    work = tmp_path / "clone"
    work.mkdir()
    shutil.copytree(ROOT / "docs" / "examples", work / "docs" / "examples")
    script = ["set +e"]
    for steps in sessions():
        for command, _ in steps:
            script += [command, f'echo "{MARK} $?"']
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "CASEVAULT_STATE_DIR": str(tmp_path / "state"),
        "COLUMNS": "80",
    }
    for name in ("CASEVAULT_PATH", "CASEVAULT_USER", "CASEVAULT_PASSPHRASE"):
        env.pop(name, None)
    run = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    codes = [int(line.split()[1]) for line in run.stdout.splitlines() if line.startswith(MARK)]
    expected = [(cmd, rc) for steps in sessions() for cmd, rc in steps]
    assert len(codes) == len(expected), run.stderr[-2000:]
    wrong = [
        (cmd, want, got) for (cmd, want), got in zip(expected, codes, strict=True) if want != got
    ]
    assert not wrong, (wrong, run.stderr[-2000:])
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
