"""`casevault check`: is anything in this vault damaged or tampered with?"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from vault.cli import render
from vault.cli.main import EXIT_CODES, open_vault, output_options, print_result, wants_json
from vault.errors import DamagedStoreError, IntegrityError

if TYPE_CHECKING:  # imported when the command runs, so `--help` stays quick
    from vault.services.session import Vault

UNOPENABLE = (
    "the vault is damaged: the database cannot be opened (a page every unlock reads is "
    "damaged), so it cannot be checked page by page; restore a backup"
)


def _open_to_check(ctx: click.Context) -> Vault:
    # The store's message for a damaged file sends the person here: say something else.
    try:
        return open_vault(ctx)
    except DamagedStoreError:
        click.echo(f"casevault: error: {UNOPENABLE}", err=True)
        ctx.exit(EXIT_CODES[IntegrityError])


@click.command("check")
@output_options
@click.pass_context
def check(ctx: click.Context) -> None:
    """Check the whole vault: every database page, the whole audit log, the leak index.

    Pages are checked by SQLCipher's HMAC of each page (a flipped byte in a page no command
    reads is found here) and SQLite's structural check; the log as `audit verify` checks it.
    Run by a member who reads every level, every case's leak index is also compared with its
    signed version (a row deleted or rewritten with the database key would hide a value from
    the leak checks); others are told it was not checked. Exits 5 naming every damaged page,
    every problem in the log and every case whose leak index is wrong, 0 when all is sound.
    """
    from vault.services import audit as svc

    result = svc.check(_open_to_check(ctx))
    if not result.ok:
        if wants_json(ctx):
            render.emit_json(result.to_json())
        problems = result.problems
        click.echo(f"casevault: error: the vault is damaged: {problems[0]}", err=True)
        for problem in problems[1:]:
            click.echo(f"casevault: also: {problem}", err=True)
        ctx.exit(EXIT_CODES[IntegrityError])
    leaks = result.leaks
    said = (
        f"leak index OK: {leaks.checked} cases hold what their signed versions say"
        if leaks.skipped is None
        else f"leak index not checked: {leaks.skipped}"
    )
    print_result(
        ctx,
        result.to_json(),
        f"vault OK: every database page is sound; audit log OK: {result.log.size} entries, "
        f"{result.log.heads_checked} signed tree heads; {said}",
    )
