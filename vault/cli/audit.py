"""The tamper-evident audit log: `audit log|verify|checkpoint|prove|check-proof|key`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from vault.cli import render
from vault.cli.main import EXIT_CODES, open_vault, output_options, print_result, wants_json
from vault.errors import IntegrityError, UsageError


@click.group()
def audit() -> None:
    """The tamper-evident audit log: list, verify, checkpoint, prove."""


@audit.command("log")
@click.option("--person", help="Only entries by this person.")
@click.option("--case", "case_id", help="Only entries naming this case.")
@click.option("--action", "action_", help="Only this action, or family (e.g. 'case').")
@click.option("--since", help="ISO time, e.g. 2026-11-01 or 2026-11-01T12:00:00Z.")
@click.option("--until", help="ISO time; entries at or before it (compared as text).")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="At most this many entries.",
)
@output_options
@click.pass_context
def audit_log(
    ctx: click.Context,
    person: str | None,
    case_id: str | None,
    action_: str | None,
    since: str | None,
    until: str | None,
    limit: int,
) -> None:
    """Entries, newest first. Values are never shown: cases and fields by id, others hashed.

    Every entry shown is checked against its signature first; an entry whose index columns
    were edited is refused, naming it. A filtered listing cannot prove that nothing was hidden
    from it (the filters run on an index a member can edit): run `casevault audit verify`,
    which reads every entry.
    """
    from vault.services import audit as svc

    lines = svc.audit_log(
        open_vault(ctx),
        actor=person,
        action=action_,
        case_id=case_id,
        since=since,
        until=until,
        limit=limit,
    )
    out = [f"audit log: {len(lines)} entries, newest first"]
    for line in lines:
        e = line.entry
        parts = [f"#{line.seq}", e.time, e.actor, e.action]
        if e.cases:
            more = f" (+{len(e.cases) - 3} more)" if len(e.cases) > 3 else ""
            parts.append("cases=" + ",".join(e.cases[:3]) + more)
        if e.fields:
            parts.append("fields=" + ",".join(e.fields))
        parts += [f"{k}={val}" for k, val in sorted(e.details.items())]
        out.append("  ".join(parts))
    print_result(ctx, [line.to_json() for line in lines], "\n".join(out))


@audit.command("verify")
@click.option(
    "--against",
    "against",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A checkpoint kept outside the vault: prove the log extends it.",
)
@output_options
@click.pass_context
def audit_verify(ctx: click.Context, against: Path | None) -> None:
    """Recompute the whole log; exit 5 naming every problem found.

    Checks each entry's position, bytes, vault, signature, index columns and case index
    against its signed body, that time never runs backwards, every signed tree head, the stored
    tree nodes, and that the log and the vault agree on case versions.
    """
    from vault.services import audit as svc

    v = open_vault(ctx)
    result = svc.verify(v)
    extended: tuple[int, int] | None = None
    if result.ok and against is not None:
        extended = svc.verify_against(v, svc.read_note(against))
    data = result.to_json()
    if extended is not None:
        data["checkpoint"] = {"size": extended[0], "extended_to": extended[1]}
    if not result.ok:
        if wants_json(ctx):
            render.emit_json(data)
        click.echo(f"casevault: error: {result.problems[0]}", err=True)
        for problem in result.problems[1:]:
            click.echo(f"casevault: also: {problem}", err=True)
        ctx.exit(EXIT_CODES[IntegrityError])
    text = (
        f"audit log OK: {result.size} entries, {result.heads_checked} signed tree heads, "
        f"root {data['root']}"
    )
    if extended is not None:
        text += f"\nextends the checkpoint at size {extended[0]} (consistency proof checked)"
    print_result(ctx, data, text)


@audit.command("checkpoint")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="File to write the signed checkpoint to.",
)
@output_options
@click.pass_context
def audit_checkpoint(ctx: click.Context, out: Path) -> None:
    """Write a signed checkpoint (C2SP tlog-checkpoint) to keep outside the vault."""
    from vault.services import audit as svc

    c = svc.make_checkpoint(open_vault(ctx))
    try:
        out.write_text(c.note, "utf-8")
    except OSError as e:
        raise UsageError(f"cannot write {out}") from e
    print_result(
        ctx,
        {"file": str(out), "size": c.size, "verifier_key": c.verifier_key},
        f"Wrote checkpoint of {c.size} entries to {out}\n"
        f"Verifier key (publish it with the checkpoint): {c.verifier_key}",
    )


@audit.command("prove")
@click.argument("entry", type=click.IntRange(min=0))
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Prove against this checkpoint (default: a fresh one signed by you).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the proof bundle here (default: print it).",
)
@output_options
@click.pass_context
def audit_prove(
    ctx: click.Context, entry: int, checkpoint_file: Path | None, out: Path | None
) -> None:
    """An inclusion proof for ENTRY that anyone can check with `audit check-proof`."""
    from vault.services import audit as svc

    note = svc.read_note(checkpoint_file) if checkpoint_file else None
    bundle = svc.prove(open_vault(ctx), entry, note)
    text = json.dumps(bundle, indent=2, sort_keys=True)
    if out is not None:
        try:
            out.write_text(text + "\n", "utf-8")
        except OSError as e:
            raise UsageError(f"cannot write {out}") from e
        click.echo(f"Wrote inclusion proof of entry {entry} to {out}", err=True)
    else:
        click.echo(text)


@audit.command("check-proof")
@click.argument("proof_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--key",
    "keys",
    multiple=True,
    required=True,
    help="A trusted verifier key (name+id+key), as printed by `audit checkpoint`.",
)
@output_options
@click.pass_context
def audit_check_proof(ctx: click.Context, proof_file: Path, keys: tuple[str, ...]) -> None:
    """Check an inclusion proof with no vault at all: only the file and a published key."""
    from vault.services import audit as svc

    result = svc.check_proof_bundle(svc.read_bundle(proof_file), list(keys))
    e = result.entry
    print_result(
        ctx,
        {
            "ok": True,
            "entry": e.to_json(),
            "tree_size": result.tree_size,
            "signed_by": result.signers,
        },
        f"OK: entry {e.seq} ({e.action} by {e.actor} at {e.time}) is in the log of "
        f"{result.tree_size} entries signed by {', '.join(result.signers)}",
    )


@audit.command("key")
@click.argument("name", required=False)
@output_options
@click.pass_context
def audit_key(ctx: click.Context, name: str | None) -> None:
    """Print the verifier key that checks notes signed by NAME (default: you)."""
    from vault.services import audit as svc

    vkey = svc.verifier_key(open_vault(ctx), name)
    print_result(ctx, {"verifier_key": vkey}, vkey)
