"""The command line. Parses, prompts and prints; the work is in :mod:`vault.services`.

:mod:`vault.cli.main` holds the `casevault` group and what every command shares; each command
group lives in a module of its own and is attached here.
"""

from vault.cli import (
    actions,
    audit,
    backup,
    bench,
    cases,
    check,
    importing,
    keys,
    people,
    policy,
    publish,
    recovery,
    review,
    ui,
    vaults,
)
from vault.cli.main import cli

for _command in (
    vaults.init,
    vaults.demo,
    people.identity,
    people.user,
    cases.case,
    importing.import_,
    actions.action,
    review.draft,
    review.review,
    audit.audit,
    check.check,
    policy.policy,
    publish.publish,
    keys.keys,
    backup.backup,
    recovery.recovery,
    recovery.recover,
    recovery.lock,
    ui.ui,
    bench.bench,
):
    cli.add_command(_command)


def main() -> None:
    """The `casevault` console script."""
    cli(prog_name="casevault")


__all__ = ["cli", "main"]
