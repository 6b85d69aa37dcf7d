"""A policy change is a signed state record by an admin, logged; others follow it at unlock."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import PASSPHRASES, OpenAs
from vault.cli import cli
from vault.errors import AccessDeniedError, UsageError
from vault.services import audit, users


def _two_approvals(v_policy: str) -> str:
    return v_policy.replace("approvals_required = 1", "approvals_required = 2")


def test_admin_sets_a_policy_everyone_follows(open_as: OpenAs) -> None:
    ada = open_as("ada")
    users.set_policy(ada, _two_approvals(ada.policy_text))
    assert ada.policy.review.approvals_required == 2
    ada.close()
    rui = open_as("rui")
    assert rui.policy.review.approvals_required == 2
    result = audit.verify(rui)
    assert result.ok, result.problems
    last = [e for e in audit.audit_log(rui, action="policy.set")]
    assert last and last[0].entry.actor == "ada"


@pytest.mark.parametrize(
    ("who", "change", "error", "message"),
    [
        ("pia", _two_approvals, AccessDeniedError, "may not change the policy"),
        ("ada", lambda t: t, UsageError, "already in force"),
        (
            "ada",
            lambda t: t.replace("[roles.publisher]", "[roles.printer]"),
            UsageError,
            "has no role 'publisher'",
        ),
        ("ada", lambda t: t.replace("manages_people = true", ""), Exception, "manage"),
    ],
)
def test_policy_changes_that_must_be_refused(
    open_as: OpenAs, who: str, change: object, error: type[Exception], message: str
) -> None:
    v = open_as(who)
    text = open_as("ada").policy_text
    with pytest.raises(error, match=message):
        users.set_policy(v, change(text))  # type: ignore[operator]


def test_policy_set_command(demo_path: Path, tmp_path: Path) -> None:
    env = {
        "CASEVAULT_PATH": str(demo_path),
        "CASEVAULT_USER": "ada",
        "CASEVAULT_PASSPHRASE": PASSPHRASES["ada"],
    }
    shown = CliRunner().invoke(cli, ["policy", "show", "--json"], env=env)
    assert shown.exit_code == 0
    from vault.policy import default_policy_text

    new = tmp_path / "p.toml"
    new.write_text(_two_approvals(default_policy_text()), "utf-8")
    r = CliRunner().invoke(cli, ["policy", "set", str(new)], env=env)
    assert r.exit_code == 0, r.stderr
    assert "in force" in r.stdout
    env["CASEVAULT_USER"], env["CASEVAULT_PASSPHRASE"] = "pia", PASSPHRASES["pia"]
    r = CliRunner().invoke(cli, ["policy", "set", str(new)], env=env)
    assert r.exit_code == 3 and "may not change the policy" in r.stderr
