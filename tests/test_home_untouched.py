"""No test writes in the user's real home (issue 15.16)."""

from __future__ import annotations

import os
from pathlib import Path


def test_home_and_state_point_into_a_temporary_folder() -> None:
    home = Path(os.environ["HOME"])
    assert home.name.startswith("casevault-test-home-")
    assert Path(os.environ["CASEVAULT_STATE_DIR"]).is_relative_to(Path(os.environ["HOME"]).parent)


def test_a_session_remembers_its_vault_only_in_the_test_folder(open_as, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    open_as("cara").close()
    remembered = list((tmp_path / "state").rglob("*"))
    assert any(p.name == "cara.checkpoint" for p in remembered)
