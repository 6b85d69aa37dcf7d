"""Every command is documented (in the manner of sqlite-utils' tests/test_docs.py): it has help
text, every option has help, it has a section in docs/cli.md, and that file is current."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from vault.cli import cli
from vault.cli.reference import all_commands, render_reference

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
COMMANDS = all_commands()
IDS = [" ".join(path) for path, _ in COMMANDS]
LEAVES = [(path, cmd) for path, cmd in COMMANDS if not isinstance(cmd, click.Group)]


@pytest.fixture(scope="module")
def documented() -> set[str]:
    return set(re.findall(r"^## (casevault.*)$", DOCS.read_text("utf-8"), flags=re.M))


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=IDS)
def test_command_has_help(path: list[str], cmd: click.Command) -> None:
    assert cmd.help, f"{' '.join(path)} has no help text"
    r = CliRunner().invoke(cli, [*path[1:], "--help"], prog_name="casevault")
    assert r.exit_code == 0, r.output
    shown = " ".join(r.output.split())
    assert f"Usage: {' '.join(path)} " in shown
    assert " ".join(cmd.help.split("\n\n")[0].split()) in shown


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=IDS)
def test_every_option_has_help(path: list[str], cmd: click.Command) -> None:
    bare = [p.name for p in cmd.params if isinstance(p, click.Option) and not p.help]
    assert not bare, f"{' '.join(path)}: options without help: {bare}"


@pytest.mark.parametrize("name", IDS)
def test_command_is_in_the_reference(documented: set[str], name: str) -> None:
    assert name in documented, f"{name} is not in docs/cli.md"


def test_reference_documents_no_command_that_is_gone(documented: set[str]) -> None:
    assert documented == set(IDS)


@pytest.mark.parametrize(("path", "cmd"), LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_every_command_accepts_json_after_it(path: list[str], cmd: click.Command) -> None:
    assert any("--json" in p.opts for p in cmd.params), f"{' '.join(path)} lacks --json"


def test_reference_is_current() -> None:
    assert DOCS.read_text("utf-8") == render_reference(), (
        "docs/cli.md is stale: python -m vault.cli.reference > docs/cli.md"
    )
