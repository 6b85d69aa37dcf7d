"""A case record as the fields of an HTML form, and back. Pure: no I/O, no vault.

Every input is named ``f.<field>`` (``f.<field>.<row>.<part>`` for a row of contacts, sources or
ID numbers, ``f.consent.<part>`` for consent), so nothing a person types can be taken for the
form token or another control. Typing is turned into values by the same parsers as the command
line (:func:`vault.models.fieldtext.parse_field_text`); the record schema checks the result
afterwards, in the services. A refusal here is a :class:`FormError` whose message names a field,
never what was typed.

What a form shows for each field kind:

- ``text``: a text area (testimony keeps its lines); ``short_text``: one line;
- ``text_list``: a text area, one item per line (blank lines dropped);
- ``int``, ``date``, ``approx_date``, ``status``: one input each (``status`` a choice);
- ``family_contacts``, ``sources``, ``id_numbers``: one row of inputs per item, and
  :data:`EMPTY_ROWS` empty rows to add more; a row left empty is ignored;
- ``consent``: a check box (may the name be published?), who gave it and when. Consent a record
  already holds stays recorded when the box is cleared (that withdraws it); on a record without
  consent, an untouched box, name and date record nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pydantic

from vault.models import FamilyContact, FieldKind, IdNumber, Source
from vault.models.case import MAX_LIST_ITEMS, ApproxDate
from vault.models.fieldtext import parse_field_text
from vault.policy import Policy

PREFIX = "f."
EMPTY_ROWS = 2
#: Rows a form may post for one structured field: every item a record may hold, and the empty
#: rows offered beside them.
MAX_ROWS = MAX_LIST_ITEMS + EMPTY_ROWS
CONSENT_PARTS = ("publish_name", "given_by", "date", "recorded")
YES = "yes"

#: The parts of each row kind, in the order the form shows them (the models' own order).
ROW_PARTS: dict[FieldKind, tuple[str, ...]] = {
    FieldKind.FAMILY_CONTACTS: tuple(FamilyContact.model_fields),
    FieldKind.SOURCES: tuple(Source.model_fields),
    FieldKind.ID_NUMBERS: tuple(IdNumber.model_fields),
}
#: Kinds typed into a text area rather than a one-line input.
MULTI_LINE = frozenset({FieldKind.TEXT, FieldKind.TEXT_LIST})

_ROW_NAME = re.compile(r"(0|[1-9][0-9]{0,5})\.([a-z_]+)", re.ASCII)


class FormError(ValueError):
    """A form that cannot be read as a record. The message names a field, never a value."""


@dataclass(frozen=True)
class FieldSpec:
    """One field of the policy as a form shows it."""

    name: str
    kind: FieldKind
    level: str
    label: str
    note: str = ""

    @property
    def parts(self) -> tuple[str, ...]:
        """The parts of a row (structured list kinds), else nothing."""
        return ROW_PARTS.get(self.kind, ())

    @property
    def input(self) -> str:
        """The input's name (the prefix of its rows' or parts' names)."""
        return PREFIX + self.name


@dataclass
class FormState:
    """What a form holds: each input's text by name, and how many rows each structured field
    shows."""

    values: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def row_input(spec: FieldSpec, row: int, part: str) -> str:
    return f"{spec.input}.{row}.{part}"


def part_input(spec: FieldSpec, part: str) -> str:
    return f"{spec.input}.{part}"


def field_specs(
    policy: Policy, role: str, lang: str, *, with_case_id: bool = True
) -> list[FieldSpec]:
    """The fields ``role`` may read, in the policy's order, labelled in ``lang`` (the policy's
    label for it, else the field's name in words)."""
    return [
        FieldSpec(name, fp.kind, fp.level, fp.label_in(name, lang), fp.note)
        for name, fp in policy.fields.items()
        if policy.can_read(role, fp.level) and (with_case_id or name != "case_id")
    ]


# --- record -> form ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else ""
    return str(value)


def record_to_form(specs: Iterable[FieldSpec], record: Mapping[str, Any]) -> FormState:
    """The form showing ``record``: each value as text, each list item as a row, and
    :data:`EMPTY_ROWS` empty rows after them."""
    state = FormState()
    for spec in specs:
        value = record.get(spec.name)
        if spec.kind in ROW_PARTS:
            items = value if isinstance(value, list) else []
            for i, item in enumerate(items):
                for part in spec.parts:
                    state.values[row_input(spec, i, part)] = _text(item.get(part))
            state.rows[spec.name] = len(items) + EMPTY_ROWS
        elif spec.kind is FieldKind.CONSENT:
            if isinstance(value, Mapping):
                for part in ("publish_name", "given_by", "date"):
                    state.values[part_input(spec, part)] = _text(value.get(part))
                state.values[part_input(spec, "recorded")] = YES
        elif spec.kind is FieldKind.TEXT_LIST:
            state.values[spec.input] = "\n".join(str(v) for v in value or [])
        else:
            state.values[spec.input] = _text(value)
    return state


# --- posted form -> form state ----------------------------------------------------------------


def _one_line(text: str) -> str:
    """Browsers send a text area's lines as CRLF; a record keeps them as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def posted_state(specs: Iterable[FieldSpec], items: Iterable[tuple[str, object]]) -> FormState:
    """What the person typed, as a form state to read or to show again. Inputs outside the
    form (the form token, buttons) are skipped; an input named like a field that the form does
    not have, a row past :data:`MAX_ROWS` or an input sent twice is refused."""
    by_name = {spec.name: spec for spec in specs}
    state = FormState()
    last_row: dict[str, int] = {}
    for name, raw in items:
        if not name.startswith(PREFIX):
            continue
        if not isinstance(raw, str):
            raise FormError("the form sent a file where text was expected")
        fname, _sep, rest = name[len(PREFIX) :].partition(".")
        spec = by_name.get(fname)
        if spec is None:
            raise FormError("the form has an input this form does not have")
        if spec.kind in ROW_PARTS:
            match = _ROW_NAME.fullmatch(rest)
            if match is None or match.group(2) not in spec.parts:
                raise FormError(f"field {fname}: the form has a row input this field does not have")
            row = int(match.group(1))
            if row >= MAX_ROWS:
                raise FormError(f"field {fname}: at most {MAX_LIST_ITEMS} items")
            if raw.strip():
                last_row[fname] = max(last_row.get(fname, -1), row)
        elif spec.kind is FieldKind.CONSENT:
            if rest not in CONSENT_PARTS:
                raise FormError(f"field {fname}: the form has an input this field does not have")
        elif rest:
            raise FormError(f"field {fname}: the form has an input this field does not have")
        if name in state.values:
            raise FormError(f"field {fname}: sent twice")
        state.values[name] = _one_line(raw)
    for spec in by_name.values():
        if spec.kind in ROW_PARTS:
            state.rows[spec.name] = last_row.get(spec.name, -1) + 1 + EMPTY_ROWS
    return state


# --- form state -> record ---------------------------------------------------------------------


def _parsed(spec: FieldSpec, text: str) -> Any:
    try:
        return parse_field_text(spec.kind, text)
    except ValueError as e:  # the message names the kind expected, never the text
        raise FormError(f"field {spec.name}: {e}") from None


def _rows(spec: FieldSpec, state: FormState) -> list[dict[str, str]] | None:
    items: list[dict[str, str]] = []
    for row in range(min(state.rows.get(spec.name, 0), MAX_ROWS)):
        item = {}
        for part in spec.parts:
            text = state.get(row_input(spec, row, part)).strip()
            if text:
                item[part] = text
        if item:  # an empty row is ignored
            items.append(item)
    return items or None


def _consent(spec: FieldSpec, state: FormState) -> dict[str, Any] | None:
    box = state.get(part_input(spec, "publish_name"))
    if box not in ("", YES):
        raise FormError(f"field {spec.name}: the check box sent an unexpected value")
    given_by = state.get(part_input(spec, "given_by")).strip()
    date = state.get(part_input(spec, "date")).strip()
    recorded = state.get(part_input(spec, "recorded")) == YES
    if not (box or given_by or date or recorded):
        return None
    consent: dict[str, Any] = {"publish_name": box == YES}
    if given_by:
        consent["given_by"] = given_by
    if date:
        consent["date"] = _parsed(FieldSpec(spec.name, FieldKind.DATE, spec.level, ""), date)
    return consent


def form_to_record(specs: Iterable[FieldSpec], state: FormState) -> dict[str, Any]:
    """Every field of the form with its value, None where the form leaves it empty. Not
    validated: the services check the record against the policy's schema."""
    out: dict[str, Any] = {}
    for spec in specs:
        if spec.kind in ROW_PARTS:
            out[spec.name] = _rows(spec, state)
        elif spec.kind is FieldKind.CONSENT:
            out[spec.name] = _consent(spec, state)
        else:
            text = state.get(spec.input)
            if spec.kind is not FieldKind.TEXT:
                text = text.strip()
            if not text.strip():
                out[spec.name] = None
            elif spec.kind is FieldKind.TEXT_LIST:
                out[spec.name] = [line.strip() for line in text.split("\n") if line.strip()]
            else:
                out[spec.name] = _parsed(spec, text)
    return out


def new_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record to add: the fields that hold a value."""
    return {name: value for name, value in record.items() if value is not None}


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``after`` whose value differs from ``before`` (None: cleared), for an
    edit that sends only what the person changed; ``case_id`` is never a change."""
    return {
        name: value
        for name, value in after.items()
        if name != "case_id" and value != before.get(name)
    }


_APPROX_DATE: pydantic.TypeAdapter[str] = pydantic.TypeAdapter(ApproxDate)


def filter_date(text: str, what: str) -> str | None:
    """A detention date typed into the list's filter, as the list compares it (YYYY, YYYY-MM
    or YYYY-MM-DD, read as the command line reads it); None when empty."""
    text = text.strip()
    if not text:
        return None
    try:
        value = parse_field_text(FieldKind.APPROX_DATE, text)
        return str(_APPROX_DATE.validate_python(value))
    except (ValueError, pydantic.ValidationError):
        raise FormError(f"{what}: expected a date as YYYY, YYYY-MM or YYYY-MM-DD") from None
