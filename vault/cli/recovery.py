"""Recovery: `recovery setup` (trustees and their shares), `recover`, and the emergency `lock`.

Shares are secrets: they are never taken as command-line arguments. `recover` reads them at a
hidden prompt, or from a file given with --shares-file (one share per line, mode 0600).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from vault.cli import secrets
from vault.cli.main import (
    new_passphrase_file_option,
    open_vault,
    output_options,
    print_result,
    settings,
    wants_json,
)
from vault.errors import UsageError

if TYPE_CHECKING:
    from vault.services.recovery import Share


F = TypeVar("F", bound=Callable[..., Any])


def trustee_options(fn: F) -> F:
    """--trustee (repeatable) and --threshold, shared by `init` and `recovery setup`."""
    fn = click.option(
        "--threshold",
        type=int,
        help="How many trustees' shares rebuild the recovery key (2 or more; 1 only with a "
        "single trustee).",
    )(fn)
    return click.option(
        "--trustee",
        "trustees",
        multiple=True,
        metavar="NAME",
        help="A person who keeps one recovery share on paper; repeat once per trustee.",
    )(fn)


def show_shares(ctx: click.Context, shares: list[Share], threshold: int) -> None:
    """Show each share once. At a terminal: one trustee at a time, the screen cleared after
    each; otherwise (a script) all of them, which the script must keep as safely as paper."""
    data = [{"trustee": s.trustee, "share": s.mnemonic} for s in shares]
    if wants_json(ctx) or not sys.stdout.isatty():
        print_result(
            ctx,
            {"threshold": threshold, "shares": data},
            "\n".join(
                [f"Recovery shares ({threshold} of {len(shares)} rebuild the recovery key):"]
                + [f"{s.trustee}: {s.mnemonic}" for s in shares]
            ),
        )
        return
    click.echo(
        f"{len(shares)} recovery shares follow, one per trustee; any {threshold} rebuild the "
        "recovery key. Each is shown once: write it on paper, check it, hand it over."
    )
    for i, s in enumerate(shares, 1):
        click.prompt(
            f"Share {i} of {len(shares)} is for {s.trustee}. Press Enter to show it",
            default="",
            show_default=False,
            prompt_suffix=" ",
        )
        click.echo(f"\n{s.trustee}:\n\n  {s.mnemonic}\n")
        click.prompt(
            "Written down and checked? Press Enter to clear the screen",
            default="",
            show_default=False,
            prompt_suffix=" ",
        )
        click.clear()
    click.echo("All shares shown. They are not stored anywhere: keep the paper safe.")


@click.group()
def recovery() -> None:
    """The recovery key: trustees hold its shares on paper (SLIP-39)."""


@recovery.command("setup")
@trustee_options
@output_options
@click.pass_context
def recovery_setup(ctx: click.Context, trustees: tuple[str, ...], threshold: int | None) -> None:
    """Make a new recovery key and split it among trustees (admin only).

    Each trustee gets one SLIP-39 share to write on paper; any THRESHOLD of them rebuild the key
    with `casevault recover`. The key can enrol a new admin, reaches every key in escrow (no lost
    passphrase loses a case) and re-opens a locked vault. Running it again replaces the key."""
    from vault.services.recovery import setup

    if threshold is None:
        raise UsageError("give --threshold: how many trustees' shares rebuild the key")
    shares = setup(open_vault(ctx), list(trustees), threshold)
    show_shares(ctx, shares, threshold)


def read_shares(path: Path | None) -> list[str]:
    if path is not None:
        secrets.check_private_file(path, "shares file")
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise UsageError(f"cannot read shares file {path}") from e
        return _share_lines(text)
    out: list[str] = []
    click.echo("Type each trustee's share (hidden); an empty line when all are in.", err=True)
    while True:
        line = secrets.hidden_prompt(
            f"Share {len(out) + 1}",
            no_terminal="no terminal to type the shares at: use --shares-file FILE",
            empty_ok=True,
        )
        if not line.strip():
            return out
        out.append(line)


def _share_lines(text: str) -> list[str]:
    """The shares of a file: one per line, as typed, or as `recovery setup` prints them
    ("Tess: word word …", after a heading line): the heading and the names are dropped."""
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("Recovery shares"):
            continue
        out.append(line.rsplit(":", 1)[-1])  # SLIP-39 words hold no colon
    return out


@click.command()
@click.option(
    "--checkpoint",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    required=True,
    help="A fresh signed checkpoint kept outside the vault ('audit checkpoint'): the vault's "
    "log must extend it.",
)
@click.option("--admin", help="Enrol a new admin with this name (a lost or departed admin).")
@click.option(
    "--max-checkpoint-age",
    type=click.IntRange(1, 3650),
    default=14,
    show_default=True,
    metavar="DAYS",
    help="How old the checkpoint may be. After a long lock nobody can make a new one: give the "
    "newest checkpoint you have and a larger value.",
)
@click.option(
    "--shares-file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="The shares, one per line (mode 0600); default: typed at a hidden prompt.",
)
@new_passphrase_file_option
@output_options
@click.pass_context
def recover(
    ctx: click.Context,
    checkpoint: Path,
    admin: str | None,
    max_checkpoint_age: int,
    shares_file: Path | None,
    new_passphrase_file: Path | None,
) -> None:
    """Act with the recovery key: the trustees present their shares.

    Enrols a new admin (--admin NAME), hands keys to every member lacking them (held in escrow
    by the recovery key), and re-opens a vault closed with `casevault lock`. Logged under the
    name 'recovery'."""
    from vault.services.audit import read_note
    from vault.services.recovery import recover as run

    s = settings(ctx)
    note = read_note(checkpoint)
    shares = read_shares(shares_file)
    result = run(
        s.root(),
        shares,
        note,
        admin=admin,
        passphrase=(lambda: secrets.new(admin, new_passphrase_file)) if admin else None,
        max_age=dt.timedelta(days=max_checkpoint_age),
    )
    lines = [f"Recovered: the vault's log ({result.log_size} entries) extends the checkpoint."]
    if result.admin:
        lines.append(f"Enrolled {result.admin} as admin; fingerprint {result.fingerprint}.")
    if result.delivered:
        lines.append("Keys delivered to: " + ", ".join(result.delivered) + ".")
    if result.unlocked:
        lines.append("The vault was locked; everyone's access is back.")
    print_result(
        ctx,
        {
            "admin": result.admin,
            "fingerprint": result.fingerprint,
            "delivered": result.delivered,
            "unlocked": result.unlocked,
            "checkpoint_size": result.checkpoint_size,
            "log_size": result.log_size,
        },
        "\n".join(lines),
    )


@click.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@output_options
@click.pass_context
def lock(ctx: click.Context, yes: bool) -> None:
    """Emergency: make the vault unopenable on this machine until the recovery shares come.

    For a device about to be seized: every person's wrap of the database key leaves the keyring;
    only the recovery key's stays. No data is destroyed; `casevault recover` re-opens it. It does
    not help against a copy already taken (see docs/keys.md)."""
    from vault.services.recovery import lock as run

    v = open_vault(ctx)
    if (
        not yes
        and sys.stdin.isatty()
        and not click.confirm("Lock the vault for everyone until the trustees meet?", err=True)
    ):
        print_result(ctx, {"locked": False}, "Nothing was locked.")
        return
    removed = run(v)
    v.close()
    print_result(
        ctx,
        {"locked": True, "wraps_removed": removed},
        f"Locked: {removed} wraps of the database key removed; only the recovery key opens it.",
    )
