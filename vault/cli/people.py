"""People: your own identity keys (`identity`), and enrolment in a vault (`user`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from vault.cli import secrets
from vault.cli.main import (
    new_passphrase_file_option,
    open_vault,
    output_options,
    print_result,
    settings,
)


@click.group()
def identity() -> None:
    """Your own identity keys, made on your own machine."""


@identity.command("new")
@click.argument("name")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Where to write NAME.identity/NAME.pub.",
)
@new_passphrase_file_option
@output_options
@click.pass_context
def identity_new(
    ctx: click.Context, name: str, out_dir: Path, new_passphrase_file: Path | None
) -> None:
    """Make an identity: keep NAME.identity, give NAME.pub to the admin."""
    from vault.services.users import new_identity

    priv, pub, fp = new_identity(name, secrets.new(name, new_passphrase_file), out_dir)
    print_result(
        ctx,
        {"identity": str(priv), "public": str(pub), "fingerprint": fp},
        f"Wrote {priv} (keep it; sealed with your passphrase)\n"
        f"Wrote {pub} (give this to the admin)\n"
        f"Fingerprint {fp} — read it to the admin so they can check the file.",
    )


def _identity_source(name: str, public_key: Path | None, passphrase_file: Path | None) -> Any:
    """The person's new identity, as the services take it: their own public key file, or a
    passphrase asked for (only when the service needs it) to seal one made here."""
    from vault.services.users import read_public_identity

    if public_key is not None:
        return {"public": read_public_identity(public_key)}
    return {"passphrase": lambda: secrets.new(name, passphrase_file)}


@click.group()
def user() -> None:
    """People: add, list, change passphrase, revoke, re-key."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, help="One of the policy's roles.")
@click.option(
    "--public-key",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="NAME.pub made by `casevault identity new` (no private key passes to you).",
)
@new_passphrase_file_option
@output_options
@click.pass_context
def user_add(
    ctx: click.Context,
    name: str,
    role: str,
    public_key: Path | None,
    new_passphrase_file: Path | None,
) -> None:
    """Enrol NAME with ROLE (admin only)."""
    from vault.services.users import add_member

    info = add_member(
        open_vault(ctx), name, role, **_identity_source(name, public_key, new_passphrase_file)
    )
    keys = "has keys" if info.has_keys else "keys arrive when a caseworker next unlocks the vault"
    print_result(
        ctx,
        info.to_json(),
        f"Added {info.name} as {info.role} ({keys}); fingerprint {info.fingerprint}",
    )


@user.command("list")
@output_options
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """Everyone enrolled in the vault."""
    from rich.table import Table

    from vault.services.users import list_members

    members = list_members(open_vault(ctx))
    table = Table(title="people", title_justify="left")
    for col in ("name", "role", "added", "by", "keys", "fingerprint"):
        table.add_column(col)
    for m in members:
        table.add_row(
            m.name,
            m.role,
            m.added_at,
            m.added_by,
            f"revoked {m.revoked_at[:10]}" if m.revoked_at else "yes" if m.has_keys else "waiting",
            m.fingerprint[:16],
        )
    print_result(ctx, [m.to_json() for m in members], table)


@user.command("passwd")
@new_passphrase_file_option
@output_options
@click.pass_context
def user_passwd(ctx: click.Context, new_passphrase_file: Path | None) -> None:
    """Change your passphrase (your keys stay the same)."""
    from vault.services.users import change_passphrase

    s = settings(ctx)
    who = s.who()
    fp = change_passphrase(
        s.root(),
        who,
        lambda _n: secrets.existing(s.passphrase_file),
        secrets.new(who, new_passphrase_file),
        identity_file=s.identity,
    )
    print_result(ctx, {"user": who, "fingerprint": fp}, f"Passphrase changed for {who}.")


@user.command("revoke")
@click.argument("name")
@click.option("--reason", required=True, help="Why (kept in the signed record; no case data).")
@output_options
@click.pass_context
def user_revoke(ctx: click.Context, name: str, reason: str) -> None:
    """Revoke NAME (admin only): their keys stop counting now.

    A new epoch starts for every key they could reach, and the database is re-keyed to the
    remaining people at once, so their identity file, passphrase and old copy of the database
    key open nothing written from now on. Then a caseworker runs `casevault keys rotate` so
    that the old keys open nothing at all. The last admin cannot be revoked."""
    from vault.services.lifecycle import revoke

    r = revoke(open_vault(ctx), name, reason)
    print_result(
        ctx,
        {
            "name": r.name,
            "role": r.role,
            "epochs": r.epochs,
            "database_rekeyed": r.database_rekeyed,
        },
        f"Revoked {r.name} ({r.role}). New epochs: "
        + ", ".join(f"{k} {e}" for k, e in r.epochs.items())
        + (". The database was re-keyed." if r.database_rekeyed else ".")
        + (
            "\nNext: a caseworker unlocks (the new keys are made then) and runs "
            "'casevault keys rotate'."
            if any(not k.startswith(("role:", "db:")) for k in r.epochs)
            else ""
        ),
    )


@user.command("rekey")
@click.argument("name")
@click.option(
    "--public-key",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="NAME.pub of the new identity made by `casevault identity new` on their machine.",
)
@new_passphrase_file_option
@output_options
@click.pass_context
def user_rekey(
    ctx: click.Context, name: str, public_key: Path | None, new_passphrase_file: Path | None
) -> None:
    """Give NAME a new identity (lost laptop, leaked passphrase); the old one is revoked.

    NAME keeps their name, role and history; everything their old identity could reach gets a
    new epoch, as for `user revoke`."""
    from vault.services.lifecycle import rekey_member

    r = rekey_member(
        open_vault(ctx), name, **_identity_source(name, public_key, new_passphrase_file)
    )
    print_result(
        ctx,
        {
            "name": r.name,
            "role": r.role,
            "epochs": r.epochs,
            "database_rekeyed": r.database_rekeyed,
        },
        f"{r.name} has a new identity; the old one opens nothing new."
        + ("" if public_key else " Give them the new passphrase in person.")
        + "\nNext: a caseworker unlocks and runs 'casevault keys rotate'.",
    )
