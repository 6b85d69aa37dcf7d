"""`casevault keys`: the key hierarchy's lifecycle on this vault and this machine."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from vault.cli.main import output_options, print_result

if TYPE_CHECKING:
    from vault.crypto import KdfParams


@click.group()
def keys() -> None:
    """Rotate keys after a revocation; tune the passphrase key derivation to this machine."""


@keys.command("tune")
@click.option(
    "--target",
    type=float,
    default=1.0,
    show_default=True,
    metavar="SECONDS",
    help="How long one unlock may take on this machine (more than 0, at most 60).",
)
@click.option(
    "--max-memory",
    type=int,
    metavar="MiB",
    help="The most memory one unlock may use, 64 to 8192 [default: 1024, or a quarter of "
    "physical memory when that is less].",
)
@click.option(
    "--save",
    is_flag=True,
    help="Remember the proposal as this machine's choice (kdf.json in the state folder).",
)
@output_options
@click.pass_context
def keys_tune(ctx: click.Context, target: float, max_memory: int | None, save: bool) -> None:
    """Measure Argon2id here and propose parameters for a target unlock time.

    Needs no vault and no passphrase: it times derivations of a random passphrase. It starts at
    the floor, RFC 9106's second recommended option (time cost 3, 64 MiB; parallelism is the
    number of cores, at most 4), raises memory first (doubling, up to --max-memory), then the
    time cost, while one derivation stays within --target. It never proposes less than the
    floor: when the floor alone is slower than the target, it says so and proposes the floor.
    It measures at most 12 points, each twice, so it takes several times the target.

    The parameters travel with each identity sealed under them: every machine that
    unlocks it pays for them. Tune on the slowest machine your people use, and keep
    --max-memory below what that machine can spare. --save writes kdf.json (mode 0600)
    in this machine's state folder: $CASEVAULT_STATE_DIR, else $XDG_STATE_HOME/casevault,
    else ~/.local/state/casevault. The floor is enforced whenever an identity is
    unsealed, whatever a file says; a damaged or below-floor kdf.json is ignored.
    """
    from rich.table import Table

    from vault.services import kdf_tuning as svc

    proposal = svc.tune(target, max_memory)
    path = svc.save(proposal.params) if save else None

    table = Table(
        title=f"Argon2id on this machine: target {proposal.target_seconds:g} s, "
        f"memory up to {proposal.max_memory_kib // 1024} MiB",
        title_justify="left",
    )
    for col, justify in (
        ("time cost", "right"),
        ("memory MiB", "right"),
        ("parallelism", "right"),
        ("seconds", "right"),
        ("", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for p, s in proposal.measured:
        notes = ["proposed"] if p == proposal.params else []
        notes += ["over target"] if s > proposal.target_seconds else []
        table.add_row(
            str(p.time_cost),
            f"{p.memory_kib / 1024:g}",
            str(p.parallelism),
            f"{s:.3f}",
            ", ".join(notes),
        )

    def describe(p: KdfParams) -> str:
        return (
            f"time cost {p.time_cost}, memory {p.memory_kib / 1024:g} MiB, "
            f"parallelism {p.parallelism}"
        )

    lines = [
        f"Proposal: {describe(proposal.params)} ({proposal.seconds:.3f} s here).",
        f"Floor:    {describe(proposal.floor)} (never less: RFC 9106's second\n"
        "          recommended option, t=3 and 64 MiB, with up to 4 lanes as cores allow).",
    ]
    if proposal.floor_too_slow:
        lines.append(
            f"The floor already takes {proposal.seconds:.3f} s here, more than the "
            f"{proposal.target_seconds:g} s target: the floor is proposed, as nothing lower "
            "is allowed."
        )
    if path is not None:
        lines.append(f"Saved as this machine's choice in {path}.")
    print_result(ctx, svc.to_json(proposal, path), [table, "\n".join(lines)])


@keys.command("rotate")
@click.option(
    "--batch",
    type=click.IntRange(1, 100_000),
    default=500,
    show_default=True,
    help="Data keys (or cases) per transaction: each batch is kept even if the run stops.",
)
@output_options
@click.pass_context
def keys_rotate(ctx: click.Context, batch: int) -> None:
    """Re-wrap every data key under the current epochs, then retire the old ones.

    Run by a caseworker after `user revoke` or `user rekey` (the new keys are made when a
    caseworker first unlocks after it). It re-wraps every record's data keys, re-indexes every
    case, and then retires the old epochs: from then on the old level keys open nothing. It can
    be stopped at any moment (even killed): the vault opens and reads as before, and running it
    again goes on where it stopped."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from vault.cli import render
    from vault.cli.main import open_vault, wants_json
    from vault.services.lifecycle import rotate

    v = open_vault(ctx)
    visible = sys.stderr.isatty() and not wants_json(ctx)
    tasks: dict[str, Any] = {}
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        disable=not visible,
        transient=True,
        console=render.console(stderr=True),
    ) as bar:

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        report = rotate(v, batch=batch, progress=progress)
    if report.already_current:
        text = "Nothing to rotate: every key is at its only live epoch."
    else:
        rewrapped = sum(report.rewrapped.values())
        text = f"Re-wrapped {rewrapped} data keys and re-indexed {report.reindexed} cases. " + (
            "Retired "
            + ", ".join(f"{k.split(':', 1)[1]} before epoch {e}" for k, e in report.retired.items())
            + f"; {report.wraps_deleted} old key wraps deleted."
            if report.retired
            else "Old epochs stay live: something was written under them meanwhile; run again."
        )
    print_result(
        ctx,
        {
            "rewrapped": report.rewrapped,
            "reindexed": report.reindexed,
            "retired": report.retired,
            "wraps_deleted": report.wraps_deleted,
            "already_current": report.already_current,
        },
        text,
    )
