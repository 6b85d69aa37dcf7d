"""`casevault publish`: an Urgent Action as Word, PDF, HTML and Markdown, signed and logged.

`casevault publish ACTION --out DIR` (the default command `make`); `publish check ACTION` (the
last leak gate, run by someone who reads every level); `publish list`; `publish verify DIR`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from vault.cli.main import open_vault, output_options, print_result
from vault.errors import UsageError

FORMAT_NAMES = ("docx", "pdf", "html", "md")


class _DefaultCommandGroup(click.Group):
    """`casevault publish ACTION ...` runs `publish make ACTION ...`; the other subcommands
    keep their names."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["make", *args]
        return super().parse_args(ctx, args)


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError("--date takes a date as YYYY-MM-DD") from None


def _langs(value: str | None) -> list[str] | None:
    from vault.publish.render import languages
    from vault.services.publication import parse_list

    return parse_list(value, languages(), "--lang")


@click.group("publish", cls=_DefaultCommandGroup)
def publish() -> None:
    """Publish an Urgent Action from its approved drafts.

    \b
    casevault publish ACTION --out DIR [--lang en,fr,de] [--format docx,pdf,html,md]
                                       [--date YYYY-MM-DD]
    (the same as `casevault publish make ...`; see `casevault publish make --help`)
    """


_lang_option = click.option(
    "--lang", "langs", help="Languages, comma-separated (default: every approved one)."
)
_date_option = click.option(
    "--date", "date", help="The publication date, YYYY-MM-DD (default: today, UTC)."
)


@publish.command("make")
@click.argument("action_id", metavar="ACTION")
@_lang_option
@click.option("--format", "formats", help="Formats, comma-separated: docx,pdf,html,md (default).")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A new (or empty) folder for the files.",
)
@_date_option
@output_options
@click.pass_context
def make(
    ctx: click.Context,
    action_id: str,
    langs: str | None,
    formats: str | None,
    out: Path,
    date: str | None,
) -> None:
    """Write the approved Urgent Action in every language and format, with a signed MANIFEST.json.

    Only approved drafts at the current case and action versions go in; anything else refuses
    the whole publication and writes nothing. The edition must have passed `publish check`
    since the vault last recorded new values. The files are written to a temporary folder and
    renamed at the end. Check the result anywhere with `ssh-keygen -Y verify` or
    `casevault publish verify DIR`.
    """
    from vault.services.clock import today
    from vault.services.publication import parse_list
    from vault.services.publisher import publish as run

    fmts = parse_list(formats, FORMAT_NAMES, "--format")
    v = open_vault(ctx)
    result = run(v, action_id, _langs(langs), fmts, out, _date(date) or today())
    data: dict[str, Any] = {
        "folder": str(result.folder),
        "files": [{"name": f.name, "sha256": f.sha256} for f in result.files],
        "manifest_sha256": result.manifest_sha256,
        "log_entry": result.entry,
    }
    count = len(result.files)
    lines = [f"Published {action_id} into {result.folder}: {count} file{'s' if count != 1 else ''}"]
    lines += [f"  {f.name}  {f.sha256[:16]}" for f in result.files]
    lines.append(f"  MANIFEST.json (sha256 {result.manifest_sha256[:16]}), MANIFEST.json.sig")
    lines.append(f"logged as audit entry {result.entry}; check: casevault publish verify {out}")
    print_result(ctx, data, "\n".join(lines))


@publish.command("check")
@click.argument("action_id", metavar="ACTION")
@_lang_option
@_date_option
@output_options
@click.pass_context
def check(ctx: click.Context, action_id: str, langs: str | None, date: str | None) -> None:
    """The last leak gate: render the edition and scan every part of every file at every level.

    Run by someone whose role reads every level (a caseworker). A protected value anywhere —
    text, metadata, file names — refuses, naming the case and the kind of value, never the
    value; the refusal is logged. A clean edition is logged as checked for that date, and the
    publisher may then publish it until the vault records new values.
    """
    from vault.services.clock import today
    from vault.services.publication import gather
    from vault.services.publication_gate import check_edition, require_every_level

    v = open_vault(ctx)
    require_every_level(v)
    edition = gather(v, action_id, _langs(langs), _date(date) or today())
    files = check_edition(v, edition)
    print_result(
        ctx,
        {"action": action_id, "date": edition.published.isoformat(), "files": len(files)},
        f"{action_id}: no protected value in {len(files)} files "
        f"({', '.join(edition.langs)}; every part, every level); checked for "
        f"{edition.published.isoformat()}",
    )


@publish.command("list")
@click.option("--action", "action_id", help="Only this action.")
@output_options
@click.pass_context
def list_(ctx: click.Context, action_id: str | None) -> None:
    """Past publications, newest first: when, who, follow-up number (no.), date, languages and
    the start of the manifest's SHA-256 (`--json` gives it whole)."""
    from vault.services.publisher import list_publications

    rows = list_publications(open_vault(ctx), action_id)
    table = Table(title="publications", title_justify="left")
    for column in ("when", "by", "action", "no.", "date", "langs", "manifest"):
        table.add_column(column, no_wrap=column in ("when", "action", "date", "manifest"))
    for p in rows:
        when = p.when.replace("T", " ").removesuffix("Z")[:16]  # minutes, UTC
        table.add_row(when, p.by, p.action, str(p.follow_up), p.date, p.langs, p.manifest[:8])
    print_result(ctx, [p.to_json() for p in rows], table if rows else "no publications yet")


@publish.command("signers")
@output_options
@click.pass_context
def signers(ctx: click.Context) -> None:
    """Print an ssh-keygen allowed-signers file of everyone who may publish.

    The keys come from the signed membership. Give the file to partners: they check a
    publication with `ssh-keygen -Y verify`."""
    from vault.services.publisher import allowed_signers

    lines = allowed_signers(open_vault(ctx))
    print_result(ctx, lines, "\n".join(lines))


@publish.command("verify")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--allowed-signers",
    "allowed",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An ssh-keygen allowed-signers file: the signer's key must be in it.",
)
@output_options
@click.pass_context
def verify(ctx: click.Context, folder: Path, allowed: Path | None) -> None:
    """Check a published folder without the vault: the manifest's SSH signature, every file's
    hash, the log checkpoint and the inclusion proof of its publish entry. Exits 5 on failure."""
    from vault.services.publisher import verify_folder

    try:
        allowed_text = allowed.read_text("utf-8") if allowed else None
    except (OSError, UnicodeDecodeError):
        raise UsageError(f"cannot read {allowed}") from None
    result = verify_folder(folder, allowed_text)
    trust = (
        "in the allowed-signers file"
        if result.signer_trusted
        else "not checked against an allowed-signers file: compare it with the one you know"
    )
    print_result(
        ctx,
        result.__dict__,
        f"{folder}: OK — {result.action} follow-up {result.follow_up}, {result.files} "
        f"file{'s' if result.files != 1 else ''} match the manifest; signed by "
        f"{result.signer} ({trust}); publish entry {result.log_entry} is in the signed log of "
        f"{result.tree_size} entries",
    )
