"""Urgent Actions: `action add|edit|add-case|remove-case|list|show`.

An action is public-level text, so its fields may come as arguments (`--set FIELD=VALUE`);
long texts come from a file (`--text-file LANG=FILE`) or a prompt that ends at a line ".";
officials and whole actions come as JSON from a file or standard input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from vault.cli.main import open_vault, output_options, print_result
from vault.errors import AccessDeniedError, UsageError, ValidationError
from vault.models.action import LANGUAGES, OPTIONAL_FIELDS, SCALAR_FIELDS

if TYPE_CHECKING:
    from vault.services.actions import ActionView, ActionWrite

F = TypeVar("F", bound=Callable[..., Any])

#: The line that ends a text typed at the prompt.
END_MARKER = "."
MAX_INPUT_CHARS = 2_000_000  # a few long texts in three languages; not a database dump


@click.group()
def action() -> None:
    """Urgent Actions: add, edit, add-case, remove-case, list, show."""


# --- input ------------------------------------------------------------------------------------


def _read_source(source: str, what: str) -> str:
    try:
        if source == "-":
            text = sys.stdin.read(MAX_INPUT_CHARS + 1)
        else:
            with Path(source).open(encoding="utf-8-sig") as f:
                text = f.read(MAX_INPUT_CHARS + 1)
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {what} from {source} (save it as UTF-8 text)") from e
    if len(text) > MAX_INPUT_CHARS:
        raise UsageError(f"{what} in {source} is longer than {MAX_INPUT_CHARS} characters")
    return text


def _read_json(source: str, what: str) -> Any:
    text = _read_source(source, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValidationError(f"{source}: not valid JSON (line {e.lineno})") from None
    except RecursionError:
        raise ValidationError(f"{source}: JSON nested too deeply") from None


def _scalar(name: str, raw: str) -> Any:
    if name not in SCALAR_FIELDS:
        raise ValidationError(
            f"field {name}: not settable with --set (one of: {', '.join(SCALAR_FIELDS)})"
        )
    if name == "follow_up":
        try:
            return int(raw)
        except ValueError:
            raise ValidationError("field follow_up: a whole number from 0 to 99") from None
    return raw


def _prompted_text(lang: str) -> str:
    """Multi-line text typed at the prompt (or piped), ended by a line holding only '.'."""
    click.echo(f"Text [{lang}]; end with a line holding only '{END_MARKER}':", err=True)
    lines: list[str] = []
    size = 0
    while True:
        line = sys.stdin.readline()
        if not line:
            raise UsageError(f"text {lang}: input ended before the line '{END_MARKER}'")
        if line.rstrip("\r\n") == END_MARKER:
            return "".join(lines).rstrip("\r\n")
        size += len(line)
        if size > MAX_INPUT_CHARS:
            raise UsageError(f"text {lang}: longer than {MAX_INPUT_CHARS} characters")
        lines.append(line)


def _language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValidationError(f"field texts.{lang}: a language: {', '.join(LANGUAGES)}")
    return lang


def _gather(
    from_json: str | None,
    sets: tuple[str, ...],
    text_files: tuple[str, ...],
    prompted: tuple[str, ...],
    officials: str | None,
) -> tuple[dict[str, Any], dict[str, str | None]]:
    """(top-level fields, texts by language) from every source, later ones on top."""
    stdin_users = [s for s in (from_json, officials) if s == "-"] + list(prompted)
    if len(stdin_users) > 1:
        raise UsageError("only one of --from-json -, --officials-json - and --text reads stdin")
    fields: dict[str, Any] = {}
    texts: dict[str, str | None] = {}
    if from_json:
        data = _read_json(from_json, "the action")
        if not isinstance(data, dict):
            raise ValidationError(f"{from_json}: expected a JSON object of fields")
        given_texts = data.pop("texts", None)
        if given_texts is not None:
            if not isinstance(given_texts, dict):
                raise ValidationError("field texts: an object of language: text")
            texts.update(given_texts)
        fields.update(data)
    if officials:
        listed = _read_json(officials, "the officials")
        if not isinstance(listed, list):
            raise ValidationError(f"{officials}: expected a JSON list of officials")
        fields["officials"] = listed
    for pair in sets:
        name, sep, raw = pair.partition("=")
        if not sep:
            raise UsageError("--set takes FIELD=VALUE; one --set has no '='")
        fields[name] = _scalar(name, raw)
    files = []
    for pair in text_files:
        lang, sep, path = pair.partition("=")
        if not sep or not path:
            raise UsageError("--text-file takes LANG=FILE; one has no '='")
        files.append((_language(lang), path))
    for lang in prompted:
        _language(lang)
    # Read only once every language is known good: a typo should not cost a typed text.
    for lang, path in files:
        texts[lang] = _read_source(path, f"text {lang}").rstrip("\r\n")
    for lang in prompted:
        texts[lang] = _prompted_text(lang)
    return fields, texts


def input_options(fn: F) -> F:
    """The options by which `action add` and `action edit` take content."""
    for option in reversed(
        [
            click.option(
                "--from-json",
                "from_json",
                metavar="FILE|-",
                help="A JSON object of the action's fields (texts, officials, case_ids too), "
                "from a file or - for stdin.",
            ),
            click.option(
                "--set",
                "sets",
                multiple=True,
                metavar="FIELD=VALUE",
                help=f"A field, one of: {', '.join(SCALAR_FIELDS)}.",
            ),
            click.option(
                "--text-file",
                "text_files",
                multiple=True,
                metavar="LANG=FILE",
                help=f"The text in one language ({', '.join(LANGUAGES)}) from a UTF-8 file.",
            ),
            click.option(
                "--text",
                "prompted",
                multiple=True,
                metavar="LANG",
                help=f"Type the text in one language; end it with a line '{END_MARKER}'.",
            ),
            click.option(
                "--officials-json",
                "officials",
                metavar="FILE|-",
                help="A JSON list of officials to write to: "
                '[{"title": …, "name": …, "address": …, "salutation": …}].',
            ),
        ]
    ):
        fn = option(fn)
    return fn


# --- output -----------------------------------------------------------------------------------


def _show_lines(view: ActionView) -> list[str]:
    a = view.action
    if a is None:
        return [f"{view.action_id}: withheld from your role"]
    lines = [
        f"{a.action_id}, version {view.version} by {view.author}, {view.updated_at}",
        f"title: {a.title}",
        f"country: {a.country}",
        f"issued: {a.issued}" + (f", closed: {a.closed}" if a.closed else ""),
    ]
    if a.follow_up:
        lines.append(f"follow-up {a.follow_up}: UA {a.number()}")
    if a.document_index:
        lines.append(f"document index: {a.document_index}")
    for lang in LANGUAGES:
        if lang in a.texts:
            lines += ["", f"[{lang}]", a.texts[lang]]
    lines += ["", f"officials ({len(a.officials)}):"]
    for o in a.officials:
        parts = [
            o.title,
            o.name,
            o.address,
            f"salutation: {o.salutation}" if o.salutation else None,
        ]
        lines.append("  " + "; ".join(p for p in parts if p))
    lines += ["", f"cases ({len(a.case_ids)}):"]
    lines += [f"  {c}" for c in a.case_ids]
    return lines


def _report(ctx: click.Context, result: ActionWrite, done: str) -> None:
    if result.written:
        message = f"{done} (version {result.view.version})."
    else:
        message = (
            f"Action {result.view.action_id} unchanged: nothing written "
            f"(still version {result.view.version})."
        )
    print_result(ctx, result.to_json(), message)


# --- commands ---------------------------------------------------------------------------------


@action.command("add")
@input_options
@output_options
@click.pass_context
def action_add(
    ctx: click.Context,
    from_json: str | None,
    sets: tuple[str, ...],
    text_files: tuple[str, ...],
    prompted: tuple[str, ...],
    officials: str | None,
) -> None:
    """Add a new action (version 1).

    For example: --set "action_id=UA 061/21" --set title=… --set country=…
    --set issued=2021-03-08 --text-file en=ua-en.txt --officials-json officials.json"""
    from vault.services.actions import ActionWrite, add_action

    fields, texts = _gather(from_json, sets, text_files, prompted, officials)
    if not fields and not texts:
        raise UsageError("nothing to add: use --from-json, --set, --text-file or --text")
    v = open_vault(ctx)
    view = add_action(v, {**fields, "texts": texts})
    _report(ctx, ActionWrite(view, written=True), f"Added action {view.action_id}")


@action.command("edit")
@click.argument("action_id")
@input_options
@click.option(
    "--clear",
    "clears",
    multiple=True,
    type=click.Choice(OPTIONAL_FIELDS),
    help="Remove an optional field's value.",
)
@click.option(
    "--remove-text",
    "removed",
    multiple=True,
    metavar="LANG",
    help="Remove the text in one language.",
)
@output_options
@click.pass_context
def action_edit(
    ctx: click.Context,
    action_id: str,
    from_json: str | None,
    sets: tuple[str, ...],
    text_files: tuple[str, ...],
    prompted: tuple[str, ...],
    officials: str | None,
    clears: tuple[str, ...],
    removed: tuple[str, ...],
) -> None:
    """Change an action: a new version chained to the old one.

    Texts change per language; officials and case_ids given are the whole new list. A change
    that changes nothing writes nothing."""
    from vault.services.actions import edit_action

    fields, texts = _gather(from_json, sets, text_files, prompted, officials)
    fields.update({name: None for name in clears})
    texts.update({_language(lang): None for lang in removed})
    if not fields and not texts:
        raise UsageError(
            "nothing to change: use --set, --text-file, --text, --officials-json, --clear, "
            "--remove-text or --from-json"
        )
    result = edit_action(open_vault(ctx), action_id, fields, texts)
    _report(ctx, result, f"Changed action {action_id}")


@action.command("add-case")
@click.argument("action_id")
@click.argument("case_id")
@output_options
@click.pass_context
def action_add_case(ctx: click.Context, action_id: str, case_id: str) -> None:
    """Name one more case in an action (a new version)."""
    from vault.services.actions import add_case

    result = add_case(open_vault(ctx), action_id, case_id)
    _report(ctx, result, f"Added case {case_id} to action {action_id}")


@action.command("remove-case")
@click.argument("action_id")
@click.argument("case_id")
@output_options
@click.pass_context
def action_remove_case(ctx: click.Context, action_id: str, case_id: str) -> None:
    """Take a case out of an action (a new version; the case itself stays)."""
    from vault.services.actions import remove_case

    result = remove_case(open_vault(ctx), action_id, case_id)
    _report(ctx, result, f"Removed case {case_id} from action {action_id}")


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
    """Show an action's texts per language, officials and cases.

    The signature, the chain to the previous version and the log entry that records the
    version are checked first."""
    from vault.services.actions import read_action

    view = read_action(open_vault(ctx), action_id)
    if view.action is None:
        raise AccessDeniedError(f"your role does not read action {action_id}")
    print_result(ctx, view.to_json(), _show_lines(view))
