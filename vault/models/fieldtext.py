"""A field value typed as text — a CSV cell, a ``--set`` argument, a hidden prompt — turned into
the value its kind holds. One parser per kind, so the command line and the importer accept the
same forms. Pure: no I/O.

The result is not yet validated: the record schema (:func:`vault.models.build_record_model`)
checks it afterwards. A refusal is a :class:`ValueError` whose message says what was expected and
never repeats the text, which may be a protected value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from vault.models.case import FieldKind

#: Kinds whose value is a list or an object, typed as JSON.
JSON_KINDS = frozenset(
    {FieldKind.FAMILY_CONTACTS, FieldKind.SOURCES, FieldKind.ID_NUMBERS, FieldKind.CONSENT}
)


def _as_int(raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise ValueError("expected a whole number") from None


def _as_json(kind: FieldKind) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            raise ValueError(f"expected JSON for a {kind.value} field") from None

    return parse


def _as_text_list(raw: str) -> Any:
    """A JSON array, or plain text separated by ``;`` (blank parts dropped)."""
    stripped = raw.strip()
    if stripped.startswith("["):
        return _as_json(FieldKind.TEXT_LIST)(stripped)
    return [part.strip() for part in stripped.split(";") if part.strip()]


def _as_text(raw: str) -> str:
    return raw


_PARSERS: dict[FieldKind, Callable[[str], Any]] = {
    FieldKind.TEXT: _as_text,
    FieldKind.SHORT_TEXT: _as_text,
    FieldKind.TEXT_LIST: _as_text_list,
    FieldKind.INT: _as_int,
    FieldKind.DATE: _as_text,
    FieldKind.APPROX_DATE: _as_text,
    FieldKind.STATUS: _as_text,
    **{kind: _as_json(kind) for kind in JSON_KINDS},
}


def parse_field_text(kind: FieldKind, raw: str) -> Any:
    """The value of a field of ``kind`` typed as ``raw``.

    ``int``: digits (surrounding spaces ignored). ``text_list``: a JSON array, or text separated
    by ``;``. ``family_contacts``, ``sources``, ``id_numbers``, ``consent``: JSON. Every other
    kind: the text as it is (the schema checks dates and statuses).

    Raises :class:`ValueError` with a plain-language message that never contains ``raw``.
    """
    return _PARSERS[kind](raw)
