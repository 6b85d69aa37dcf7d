"""Case records: `case add|edit|show|list|find|history|consent`.

Protected values never come as arguments: `--set` takes fields at the lowest level only (the
service decides which); anything else comes from `--from-json FILE`, standard input or a hidden
`--prompt`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vault.cli import render
from vault.cli.main import open_vault, output_options, print_result
from vault.errors import UsageError, ValidationError
from vault.models import FieldKind
from vault.models.fieldtext import parse_field_text

if TYPE_CHECKING:
    from vault.services.session import Vault


@click.group()
def case() -> None:
    """Case records: add, edit, show, list, find, history."""


allow_leak_option = click.option(
    "--allow-leak",
    "allow_leak",
    metavar="REASON",
    help="Save even though a public field holds what looks like a protected value (logged "
    "with the reason; every role reads public fields).",
)


def _read_json_source(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {source}") from e
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValidationError(f"{source}: not valid JSON (line {e.lineno})") from None
    except RecursionError:
        raise ValidationError(f"{source}: not valid JSON (nested too deeply)") from None


def _field_value(kind: FieldKind, raw: str) -> Any:
    try:
        return parse_field_text(kind, raw)
    except ValueError as e:  # the message names the kind expected, never the value
        raise ValidationError(str(e)) from None


def _parse_sets(v: Vault, pairs: tuple[str, ...], prompts: tuple[str, ...]) -> dict[str, Any]:
    """--set FIELD=VALUE (lowest-level fields only) and --prompt FIELD (asked, hidden)."""
    from vault.services.cases import check_argument_field

    out: dict[str, Any] = {}
    kinds = v.policy.kinds()
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep:
            # Not echoed: without '=' the whole argument may be a value.
            raise UsageError("--set takes FIELD=VALUE; one --set has no '='")
        check_argument_field(v, name)
        out[name] = _field_value(kinds[name], raw)
    for name in prompts:
        if name not in kinds:
            raise ValidationError(f"field {name}: unknown field")
        raw = click.prompt(f"{name} ({kinds[name].value})", hide_input=True, err=True)
        out[name] = _field_value(kinds[name], raw)
    return out


def _list_items(v: Vault, names: tuple[str, ...], verb: str) -> dict[str, list[Any]]:
    """--add FIELD / --remove FIELD: one item of a list field, asked at a hidden prompt."""
    from vault.services.cases import LIST_KINDS

    kinds = v.policy.kinds()
    out: dict[str, list[Any]] = {}
    for name in names:
        if kinds.get(name) not in LIST_KINDS:
            raise UsageError(f"--{verb} takes a list field; {name} is not one")
        kind = kinds[name]
        raw = click.prompt(f"item to {verb} ({name})", hide_input=True, err=True)
        value = _field_value(kind, raw)
        if kind is not FieldKind.TEXT_LIST:  # an object typed as JSON: one item, or a list
            value = value if isinstance(value, list) else [value]
        out.setdefault(name, []).extend(value if isinstance(value, list) else [value])
    return out


def _gather_fields(
    v: Vault, from_json: str | None, sets: tuple[str, ...], prompts: tuple[str, ...]
) -> dict[str, Any]:
    """Fields from --from-json (a JSON object), then --set and --prompt on top."""
    out: dict[str, Any] = {}
    if from_json:
        data = _read_json_source(from_json)
        if not isinstance(data, dict):
            raise ValidationError(f"{from_json}: expected a JSON object of fields")
        out.update(data)
    out.update(_parse_sets(v, sets, prompts))
    return out


@case.command("add")
@click.option("--from-json", "from_json", help="A JSON file with the record, or - for stdin.")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="FIELD=VALUE",
    help="A public field, e.g. --set case_id=UA-061-21-100 --set status=missing.",
)
@click.option(
    "--prompt",
    "prompts",
    multiple=True,
    metavar="FIELD",
    help="Ask for a field's value at a hidden prompt (for protected fields).",
)
@allow_leak_option
@output_options
@click.pass_context
def case_add(
    ctx: click.Context,
    from_json: str | None,
    sets: tuple[str, ...],
    prompts: tuple[str, ...],
    allow_leak: str | None,
) -> None:
    """Add a new case. With no option, you are asked for each field in turn."""
    from vault.cli.guided import guided_record
    from vault.services.cases import add_case

    v = open_vault(ctx)
    record = _gather_fields(v, from_json, sets, prompts)
    guided = not (from_json or sets or prompts)
    if guided:
        record = guided_record(v)
    if not record:
        raise UsageError("nothing to add: use --from-json FILE, --set or --prompt")
    try:
        view = add_case(v, record, allow_leak=allow_leak)
    except ValidationError as e:
        # What was typed is not lost: say what is wrong and offer to save it with a reason.
        if not (guided and "a protected value in a public field" in e.diagnostics()):
            raise
        click.echo(f"casevault: {e.diagnostics()}", err=True)
        reason = str(
            click.prompt(
                "Save anyway? Give the reason (logged), or press Enter to cancel",
                default="",
                show_default=False,
                err=True,
            )
        ).strip()
        if not reason:
            raise UsageError("nothing was saved") from None
        view = add_case(v, record, allow_leak=reason)
    print_result(ctx, view.write_summary(), f"Added case {view.case_id} (version {view.version}).")


@case.command("edit")
@click.argument("case_id")
@click.option("--from-json", "from_json", help="JSON object of fields to change, or - for stdin.")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", help="Change a public field.")
@click.option(
    "--prompt",
    "prompts",
    multiple=True,
    metavar="FIELD",
    help="Ask for a new value at a hidden prompt.",
)
@click.option("--clear", "clears", multiple=True, metavar="FIELD", help="Remove a field's value.")
@click.option(
    "--add",
    "adds",
    multiple=True,
    metavar="FIELD",
    help="Add one item to a list field (asked at a hidden prompt), keeping the others.",
)
@click.option(
    "--remove",
    "removes",
    multiple=True,
    metavar="FIELD",
    help="Remove one item from a list field (asked at a hidden prompt).",
)
@allow_leak_option
@output_options
@click.pass_context
def case_edit(
    ctx: click.Context,
    case_id: str,
    from_json: str | None,
    sets: tuple[str, ...],
    prompts: tuple[str, ...],
    clears: tuple[str, ...],
    adds: tuple[str, ...],
    removes: tuple[str, ...],
    allow_leak: str | None,
) -> None:
    """Change a case: a new version is written, the old one is kept. An edit that changes
    nothing writes nothing."""
    from vault.services.cases import LIST_KINDS, edit_case

    v = open_vault(ctx)
    kinds = v.policy.kinds()
    lists = [f for f in prompts if kinds.get(f) in LIST_KINDS]
    if lists:
        raise UsageError(
            f"{lists[0]} is a list: --add {lists[0]} or --remove {lists[0]} change one item; "
            "--from-json replaces the whole list"
        )
    changes = _gather_fields(v, from_json, sets, prompts)
    changes.update({f: None for f in clears})
    add = _list_items(v, adds, "add")
    remove = _list_items(v, removes, "remove")
    if not (changes or add or remove):
        raise UsageError(
            "nothing to change: use --set, --prompt, --add, --remove, --clear or --from-json"
        )
    view = edit_case(v, case_id, changes, add=add, remove=remove, allow_leak=allow_leak)
    if view.changed == []:
        text = f"No change: case {view.case_id} stays at version {view.version}."
    else:
        text = f"Case {view.case_id} is now at version {view.version}."
    print_result(ctx, view.write_summary(), text)


@case.command("show")
@click.argument("case_id")
@click.option("--version", "version", type=click.IntRange(min=1), help="An older version.")
@output_options
@click.pass_context
def case_show(ctx: click.Context, case_id: str, version: int | None) -> None:
    """Show a case; fields your role may not read are shown as withheld."""
    from vault.services.cases import show_case

    v = open_vault(ctx)
    data = show_case(v, case_id, version).to_json()
    print_result(ctx, data, render.case_table(data, v.policy))


@case.command("list")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="At most this many cases.",
)
@click.option("--after", help="Start after this case id (paging).")
@click.option("--status", help="Only cases with this status (e.g. detained_camp).")
@click.option("--region", help="Only cases from this home region.")
@click.option(
    "--since", help="Only cases detained on or after this date (YYYY, YYYY-MM, YYYY-MM-DD)."
)
@click.option("--until", help="Only cases detained on or before this date.")
@click.option("--action", "action_id", help="Only the cases of this Urgent Action.")
@output_options
@click.pass_context
def case_list(
    ctx: click.Context,
    limit: int,
    after: str | None,
    status: str | None,
    region: str | None,
    since: str | None,
    until: str | None,
    action_id: str | None,
) -> None:
    """List cases in id order, a page at a time; the next page's command is printed."""
    from vault.services.case_list import CaseFilter, list_cases
    from vault.services.cases import count_cases

    v = open_vault(ctx)
    where = CaseFilter(status, region, since, until, action_id)
    found = list_cases(v, limit=limit, after=after, where=where)
    rows = [c.to_json() for c in found]
    total = count_cases(v)
    human: list[Any] = [
        render.summary_table(
            rows,
            f"cases ({len(rows)} shown of {total})"
            if where.empty()
            else f"cases matching the filter ({len(rows)} shown; the vault holds {total})",
            v.policy,
        )
    ]
    if len(found) == limit:
        again = [f"--after {found[-1].case_id}", f"--limit {limit}"]
        for flag, value in (
            ("--status", status),
            ("--region", region),
            ("--since", since),
            ("--until", until),
            ("--action", action_id),
        ):
            if value:
                again.append(f"{flag} '{value}'")
        human.append(f"next page: casevault case list {' '.join(again)}")
    print_result(ctx, rows, human)


def _search_text() -> str:
    """The name to search for: a visible prompt at a terminal, else standard input. Never an
    argument (ADR 0004): a name variant is protected, and arguments stay in ``ps`` and shell
    history."""
    from vault.services.cases import MAX_SEARCH_TEXT

    if sys.stdin.isatty():
        text = click.prompt("Name to find", err=True, default="", show_default=False)
    else:
        text = sys.stdin.read(MAX_SEARCH_TEXT + 1)
        if len(text) > MAX_SEARCH_TEXT:
            raise UsageError(f"the name on standard input is longer than {MAX_SEARCH_TEXT} chars")
    return " ".join(str(text).split())


@case.command("find")
@click.argument("text", nargs=-1, metavar="")
@click.option(
    "--page", type=click.IntRange(min=1), default=1, show_default=True, help="Which page."
)
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=1000),
    default=50,
    show_default=True,
    help="At most this many cases a page.",
)
@output_options
@click.pass_context
def case_find(ctx: click.Context, text: tuple[str, ...], page: int, limit: int) -> None:
    """Find cases by name, in any script or spelling the case records, in the fields your role
    may read: those holding the name as written first, a page at a time. The name is asked for
    at a prompt, or read from standard input when that is not a terminal
    (`casevault case find < name.txt`); never give it as an argument."""
    from vault.services.cases import find_cases
    from vault.services.name_index import require_search

    if text:
        raise UsageError("give the name at the prompt or on standard input, not as an argument")
    v = open_vault(ctx)
    require_search(v)
    found = find_cases(v, _search_text(), page=page, limit=limit)
    rows = [c.to_json() for c in found.cases]
    title = f"{found.total} matching case(s)"
    if found.exact and found.exact < found.total:
        title += f", {found.exact} with the name as written (first)"
    if found.pages > 1:
        last = found.first + len(rows) - 1
        title += f"; {found.first}-{last} shown, page {found.page} of {found.pages}"
    human: list[Any] = [render.summary_table(rows, title, v.policy)]
    if found.page < found.pages:
        human.append(
            f"next page: casevault case find --page {found.page + 1} --limit {limit} "
            "(the name is asked again)"
        )
    print_result(ctx, rows, human)


@case.command("history")
@click.argument("case_id")
@output_options
@click.pass_context
def case_history(ctx: click.Context, case_id: str) -> None:
    """Every version of a case, oldest first (signatures and hash chain checked)."""
    from rich.table import Table

    from vault.services.history import case_history as history

    versions = history(open_vault(ctx), case_id)
    table = Table(title=f"history of {case_id}", title_justify="left")
    table.add_column("version")
    table.add_column("when", no_wrap=True)
    table.add_column("by")
    table.add_column("changed")
    table.add_column("hash", no_wrap=True)
    for h in versions:
        if h.version == 1:
            changed = f"created with {len(h.changed)} readable fields"
        else:
            changed = ", ".join(h.changed) or "—"
        if h.withheld_changes:
            changed += f" (+{h.withheld_changes} withheld fields)"
        table.add_row(str(h.version), h.created_at, h.author, changed, h.hash[:16])
    print_result(ctx, [h.to_json() for h in versions], table)


@case.command("consent")
@click.argument("case_id")
@click.option(
    "--publish-name",
    type=click.Choice(["yes", "no"]),
    required=True,
    help="May the person's name be published?",
)
@click.option(
    "--given-by",
    help="Who gave or withdrew consent (a relation such as 'sister' is "
    "enough; a name typed here stays in shell history).",
)
@click.option("--date", "date_", help="When, as YYYY-MM-DD.")
@output_options
@click.pass_context
def case_consent(
    ctx: click.Context, case_id: str, publish_name: str, given_by: str | None, date_: str | None
) -> None:
    """Record or withdraw consent to publish a name (voids approvals of earlier versions)."""
    from vault.services.cases import set_consent

    view = set_consent(open_vault(ctx), case_id, publish_name == "yes", given_by, date_)
    print_result(
        ctx,
        view.to_json(),
        f"Consent recorded for {case_id} (version {view.version}); "
        "approvals of earlier versions no longer count.",
    )
