"""`casevault import`: new cases from JSON Lines or CSV, with a progress bar on a terminal;
``--dry-run`` checks a file without writing anything."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from vault.cli import render
from vault.cli.main import open_vault, output_options, print_result, wants_json
from vault.models.fieldtext import DateOrder

#: Said when another process has the vault open as an import starts (docs/import.md).
SHARED = (
    "casevault: note: another casevault process has this vault open (the web interface?), so "
    "this import goes through the write-ahead log and needs free disk of about twice what it "
    "adds"
)


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    help="Default: from the file name (.jsonl/.ndjson/.json or .csv).",
)
@click.option(
    "--date-order",
    type=click.Choice([o.value for o in DateOrder]),
    help="How to read CSV dates with the year last, such as 12/03/1980: day-month-year (dmy) "
    "or month-day-year (mdy). Without it such a date is refused. ISO dates need no option.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check every row and report how many cases would be imported; write and log nothing.",
)
@output_options
@click.pass_context
def import_(
    ctx: click.Context, file: Path, fmt: str | None, date_order: str | None, dry_run: bool
) -> None:
    """Import new cases from JSON Lines or CSV: all rows, or none (see docs/import.md)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from vault.services.importer import import_file

    v = open_vault(ctx)
    size = os.path.getsize(file)
    visible = sys.stderr.isatty() and not wants_json(ctx)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        disable=not visible,
        transient=True,
        console=render.console(stderr=True),
    ) as bar:
        task = bar.add_task(f"{'checking' if dry_run else 'importing'} {file.name}", total=size)
        result = import_file(
            v,
            file,
            fmt=fmt,
            progress=lambda done: bar.update(task, completed=done),
            date_order=DateOrder(date_order) if date_order else None,
            dry_run=dry_run,
            on_shared=lambda: bar.console.print(SHARED, markup=False, highlight=False),
        )
    if dry_run:
        text = (
            f"Dry run: all {result.count} rows of {file.name} are valid; an import would add "
            f"{result.count} cases. Nothing was written."
        )
    else:
        text = (
            f"Imported {result.count} cases from {file.name} ({result.format}, "
            f"sha256 {result.sha256[:16]}…)."
        )
    print_result(ctx, result.to_json(), text)
