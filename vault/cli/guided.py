"""Guided case entry: `casevault case add` with no option asks for each field in turn.

Each question names the field, its level and what it takes (the allowed values of a choice);
values above the lowest level are typed hidden. Free text (testimony) runs over several lines
and ends with a line holding only "."; contacts, sources and ID numbers are asked part by part,
never as JSON typed blind. A value that does not fit is asked again, keeping every answer
already given. Only prompts here: the record is checked and written by the services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
import pydantic

from vault.errors import ValidationError
from vault.models import FieldKind, IdKind, Status
from vault.models.fieldtext import parse_field_text

if TYPE_CHECKING:
    from vault.services.session import Vault

END = "."
_PARTS = {
    FieldKind.FAMILY_CONTACTS: (
        "family contact",
        ("name", "relation", "phone", "email", "location"),
    ),
    FieldKind.SOURCES: ("source", ("codename", "real_name", "contact", "relationship", "risk")),
    FieldKind.ID_NUMBERS: ("ID number", ("kind", "value")),
}
_CHOICES: dict[FieldKind, list[str]] = {FieldKind.STATUS: [s.value for s in Status]}


def _ask(label: str, hidden: bool, required: bool = False) -> str:
    return str(
        click.prompt(
            label,
            default="" if not required else None,
            show_default=False,
            hide_input=hidden,
            err=True,
        )
    ).strip()


def _text(label: str, hidden: bool) -> str:
    click.echo(f"{label} — several lines; end with a line holding only '{END}'", err=True)
    lines: list[str] = []
    while True:
        line = str(click.prompt("", default="", show_default=False, hide_input=hidden, err=True))
        if line.strip() == END:
            return "\n".join(lines).strip()
        lines.append(line)


def _items(kind: FieldKind, name: str, hidden: bool) -> list[dict[str, str]] | None:
    what, parts = _PARTS[kind]
    items: list[dict[str, str]] = []
    article = "an" if what[:1].lower() in "aeiou" or what.startswith("ID") else "a"
    while click.confirm(f"add {article} {what} to {name}?", default=False, err=True):
        item: dict[str, str] = {}
        for part in parts:
            if kind is FieldKind.ID_NUMBERS and part == "kind":
                choice = click.Choice([k.value for k in IdKind])
                item[part] = str(click.prompt("  kind", type=choice, err=True))
                continue
            answer = _ask(f"  {part}", hidden)
            if answer:
                item[part] = answer
        items.append(item)
    return items or None


def _consent(name: str, hidden: bool) -> dict[str, Any] | None:
    """Consent asked as questions, not JSON: may the name be published, who said so, when."""
    if not click.confirm(
        f"record {name} now? (casevault case consent can do it later)", default=False, err=True
    ):
        return None
    consent: dict[str, Any] = {
        "publish_name": click.confirm(
            "  may the person's name be published?", default=False, err=True
        )
    }
    given_by = _ask("  given by (a relation such as 'sister' is enough)", hidden)
    if given_by:
        consent["given_by"] = given_by
    when = _ask("  date (YYYY-MM-DD)", hidden)
    if when:
        consent["date"] = when
    return consent


def _one_field(v: Vault, name: str) -> Any:
    fp = v.policy.fields[name]
    hidden = fp.level != v.policy.levels[0]
    label = f"{name} ({fp.level}{', hidden' if hidden else ''})"
    if fp.kind in _CHOICES:
        label += f" [{'/'.join(_CHOICES[fp.kind])}]"
    if fp.kind in _PARTS:
        return _items(fp.kind, name, hidden)
    if fp.kind is FieldKind.CONSENT:
        return _consent(name, hidden)
    if fp.kind is FieldKind.TEXT:
        return _text(label, hidden) or None
    raw = _ask(label, hidden, required=name == "case_id")
    if not raw:
        return None
    try:
        return parse_field_text(fp.kind, raw)
    except ValueError as e:
        raise ValidationError(str(e)) from None


def guided_record(v: Vault) -> dict[str, Any]:
    """Ask for every field the policy has, in its order; re-ask a field whose value does not fit
    (the message names the field, never the value)."""
    click.echo("A new case: press Enter to leave a field empty.", err=True)
    record: dict[str, Any] = {}
    for name in v.policy.fields:
        while True:
            try:
                value = _one_field(v, name)
                if value is not None:
                    probe = {"case_id": record.get("case_id", "AAA"), name: value}
                    v.case_model.model_validate(probe)
                    record[name] = value
                break
            except (ValidationError, pydantic.ValidationError) as e:
                reason = e.diagnostics() if isinstance(e, ValidationError) else "does not fit"
                click.echo(f"casevault: {name}: {reason}; try again", err=True)
    return record
