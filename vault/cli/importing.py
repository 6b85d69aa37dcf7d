"""`casevault import`: new cases from JSON Lines or CSV, with a progress bar on a terminal."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from vault.cli import render
from vault.cli.main import open_vault, output_options, print_result, wants_json


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    help="Default: from the file name (.jsonl/.ndjson/.json or .csv).",
)
@output_options
@click.pass_context
def import_(ctx: click.Context, file: Path, fmt: str | None) -> None:
    """Import new cases from JSON Lines or CSV: all rows, or none."""
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
        task = bar.add_task(f"importing {file.name}", total=size)
        result = import_file(
            v, file, fmt=fmt, progress=lambda done: bar.update(task, completed=done)
        )
    print_result(
        ctx,
        result.to_json(),
        f"Imported {result.count} cases from {file.name} ({result.format}, "
        f"sha256 {result.sha256[:16]}…).",
    )
