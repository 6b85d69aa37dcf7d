"""`casevault ui`: the vault in the person's own browser, on 127.0.0.1 only."""

from __future__ import annotations

import json

import click

from vault.cli import secrets
from vault.cli.main import output_options, settings, wants_json


@click.command("ui")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option("--no-browser", is_flag=True, help="Print the launch link only; do not open it.")
@click.option(
    "--lock-after",
    type=click.IntRange(min=5),
    default=600,
    show_default=True,
    metavar="SECONDS",
    help="Lock the vault after this many seconds without use.",
)
@output_options
@click.pass_context
def ui(ctx: click.Context, port: int, no_browser: bool, lock_after: int) -> None:
    """Open the vault in your browser: unlock once here, then enter and find cases, review,
    approve and publish there. The printed link works once; nothing else on this machine
    can use the interface without it."""
    from vault.ui.server import serve
    from vault.ui.worker import Opening

    s = settings(ctx)
    opening = Opening(s.root(), s.who(), s.identity)

    def announce(user: str, role: str, url: str) -> None:
        if wants_json(ctx):  # one line a script can read before the server answers
            click.echo(json.dumps({"user": user, "role": role, "url": url}, ensure_ascii=False))
        else:
            click.echo(f"casevault ui: {user} ({role}) at {url}")
            click.echo("The link works once. Lock now or Ctrl-C here closes the vault.")

    serve(
        opening,
        secrets.existing(s.passphrase_file),
        port=port,
        lock_after=float(lock_after),
        open_browser=not no_browser,
        announce=announce,
    )
