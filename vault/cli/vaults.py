"""Making a vault: `init` (an empty one, you its first admin) and `demo` (a ready one)."""

from __future__ import annotations

from pathlib import Path

import click

from vault.cli import secrets
from vault.cli.main import new_passphrase_file_option, output_options, print_result
from vault.cli.recovery import show_shares, trustee_options
from vault.errors import UsageError
from vault.policy import default_policy_text, load_policy_file


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--admin", required=True, help="Name of the first admin (you).")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Policy file (default: the built-in policies/default.toml).",
)
@trustee_options
@new_passphrase_file_option
@output_options
@click.pass_context
def init(
    ctx: click.Context,
    path: Path,
    admin: str,
    policy_file: Path | None,
    trustees: tuple[str, ...],
    threshold: int | None,
    new_passphrase_file: Path | None,
) -> None:
    """Create a new vault at PATH with you as its first admin.

    With --trustee (repeated) and --threshold, the recovery key is set up at once and its
    shares shown, one per trustee (see `casevault recovery setup`)."""
    from vault.services.recovery import check_trustees, setup
    from vault.services.session import Vault

    if bool(trustees) != (threshold is not None):
        raise UsageError("give --trustee (once per trustee) and --threshold together")
    if threshold is not None:
        check_trustees(trustees, threshold)  # refused before the vault is made
    text = load_policy_file(policy_file)[1] if policy_file else default_policy_text()
    pw = secrets.new(admin, new_passphrase_file)
    with Vault.init(path, admin, pw, policy_text=text) as v:
        fp = v.identity.public.fingerprint()
        shares = setup(v, list(trustees), threshold) if threshold is not None else []
    if shares and threshold is not None:
        show_shares(ctx, shares, threshold)
    print_result(
        ctx,
        {"vault": str(path), "admin": admin, "fingerprint": fp},
        f"Created vault {path}\nadmin {admin}, key fingerprint {fp}\n"
        f"Next: casevault --vault {path} --user {admin} user add NAME --role ROLE",
    )


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@output_options
@click.pass_context
def demo(ctx: click.Context, path: Path) -> None:
    """Create a ready demo vault at PATH: 64 invented cases, one action, four people.

    The action and each person in it are drafted in en, fr and de, approved by the reviewer,
    and leak-checked for today, so the publisher can publish it at once (about a minute)."""
    from vault.services.demo import create_demo

    result = create_demo(path)
    people = [{"name": n, "role": r, "passphrase": p} for n, r, p in result.people]
    lines = [
        f"Demo vault created at {path}: {result.cases} fictional cases, action {result.action_id}.",
        *(
            [
                "The action and each person in it are drafted in en/fr/de, approved and "
                "leak-checked for today: publish it as pia."
            ]
            if result.publishable
            else []
        ),
        "Every person in it is invented. The passphrases below are for this demo only.",
        "",
    ]
    lines += [f"  {n:<6} {r:<11} passphrase: {p}" for n, r, p in result.people]
    lines += [
        "",
        "Try:",
        f"  export CASEVAULT_PATH={path} CASEVAULT_USER=cara",
        "  export CASEVAULT_PASSPHRASE=demo-cara-not-secret   # demo only",
        "  casevault case list --limit 5",
        f"  casevault case show {result.example_case}",
        f"  echo '{result.example_query}' | casevault case find   # a name never as an argument",
        "  export CASEVAULT_USER=rui CASEVAULT_PASSPHRASE=demo-rui-not-secret",
        f"  casevault case show {result.example_case}      # the reviewer: secret fields withheld",
        "  export CASEVAULT_USER=pia CASEVAULT_PASSPHRASE=demo-pia-not-secret",
        f"  casevault publish '{result.action_id}' --out ./ua   # the publisher",
    ]
    print_result(
        ctx,
        {"vault": str(path), "cases": result.cases, "action": result.action_id, "people": people},
        "\n".join(lines),
    )
