"""The access policy: `policy show`, `policy check`, `policy set`."""

from __future__ import annotations

from pathlib import Path

import click

from vault.cli import render
from vault.cli.main import open_vault, output_options, print_result, settings
from vault.policy import default_policy_text, load_policy_file, parse_policy


@click.group()
def policy() -> None:
    """The access policy."""


@policy.command("show")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@output_options
@click.pass_context
def policy_show(ctx: click.Context, file: Path | None) -> None:
    """Show FILE, else the vault's policy (with --vault), else the built-in default."""
    s = settings(ctx)
    if file is not None:
        pol = load_policy_file(file)[0]
    elif s.vault is not None and s.user:
        pol = open_vault(ctx).policy
    else:
        pol = parse_policy(default_policy_text(), "built-in default policy")
    print_result(ctx, render.policy_json(pol), render.policy_tables(pol))


@policy.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@output_options
@click.pass_context
def policy_check(ctx: click.Context, file: Path) -> None:
    """Validate a policy file; exit non-zero with the first problem."""
    pol = load_policy_file(file)[0]
    print_result(
        ctx,
        {"ok": True, "name": pol.name, "version": pol.version},
        f"{file}: policy {pol.name} v{pol.version} is valid",
    )


@policy.command("set")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@output_options
@click.pass_context
def policy_set(ctx: click.Context, file: Path) -> None:
    """Put the policy in FILE in force (admin; signed and logged; every person's next unlock
    follows it)."""
    from vault.services.users import set_policy

    text = load_policy_file(file)[1]
    digest = set_policy(open_vault(ctx), text)
    print_result(
        ctx,
        {"policy": digest},
        f"Policy from {file} is in force (sha256 {digest[:16]}…), signed and logged.",
    )
