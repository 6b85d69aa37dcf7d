"""Urgent Actions: `action list`, `action show`."""

from __future__ import annotations

import click

from vault.cli.main import open_vault, output_options, print_result
from vault.errors import AccessDeniedError


@click.group()
def action() -> None:
    """Urgent Actions."""


@action.command("list")
@output_options
@click.pass_context
def action_list(ctx: click.Context) -> None:
    """List actions."""
    from vault.services.actions import list_actions

    ids = list_actions(open_vault(ctx))
    print_result(ctx, ids, "\n".join(ids) or "no actions")


@action.command("show")
@click.argument("action_id")
@output_options
@click.pass_context
def action_show(ctx: click.Context, action_id: str) -> None:
    """Show an action's texts and cases."""
    from vault.services.actions import get_action

    a = get_action(open_vault(ctx), action_id)
    if a is None:
        raise AccessDeniedError(f"your role does not read action {action_id}")
    data = a.model_dump(mode="json")
    lines = [
        f"{a.action_id}: {a.title}",
        f"country {a.country}, issued {a.issued}",
        f"{len(a.case_ids)} cases: {', '.join(a.case_ids[:8])}"
        + (" …" if len(a.case_ids) > 8 else ""),
    ]
    lines += [f"[{lang}] {text}" for lang, text in a.texts.items()]
    print_result(ctx, data, "\n".join(lines))
