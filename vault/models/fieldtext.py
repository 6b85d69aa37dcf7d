"""A field value typed as text — a CSV cell, a ``--set`` argument, a hidden prompt — turned into
the value its kind holds. One parser per kind, so the command line and the importer accept the
same forms. Pure: no I/O.

Dates: ISO ``1980-03-12`` (with a midnight time a spreadsheet may add), or the year first with
any of ``/ . -`` (``1980/3/12``). A date with the year last (``12/03/1980``) is ambiguous and is
read only with a declared :class:`DateOrder`; without one it is a :class:`DateOrderError`.
Approximate dates also take a month and a year (``03/2017``, ``2017/3``).

The result is not yet validated: the record schema (:func:`vault.models.build_record_model`)
checks it afterwards. A refusal is a :class:`ValueError` whose message says what was expected and
never repeats the text, which may be a protected value.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import re
from collections.abc import Callable
from typing import Any

from vault.models.case import FieldKind

#: Kinds whose value is a list or an object, typed as JSON.
JSON_KINDS = frozenset(
    {FieldKind.FAMILY_CONTACTS, FieldKind.SOURCES, FieldKind.ID_NUMBERS, FieldKind.CONSENT}
)


class DateOrder(enum.StrEnum):
    """The order of day, month and year in a numeric date such as ``12/03/1980``."""

    DMY = "dmy"
    MDY = "mdy"
    YMD = "ymd"


class DateOrderError(ValueError):
    """A numeric date with the year last was given, and no order was declared to read it."""


#: Said where no order can be declared (``--set``, ``--prompt``); the importer says its option.
_NO_ORDER = "a date with the year last is ambiguous; write it year first, as YYYY-MM-DD"
_ISO_MIDNIGHT = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?", re.ASCII)
_ISO_APPROX = re.compile(r"\d{4}(?:-\d{2})?", re.ASCII)
_THREE_PARTS = re.compile(r"(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})", re.ASCII)
_TWO_PARTS = re.compile(r"(\d{1,4})[./-](\d{1,4})", re.ASCII)


def _iso(year: str, month: str, day: str) -> str:
    if len(year) != 4:
        raise ValueError("expected a four-digit year")
    try:
        return _dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        raise ValueError("not a real calendar date") from None


def _as_date(raw: str, order: DateOrder | None, *, approx: bool) -> str:
    text = raw.strip()
    iso = _ISO_MIDNIGHT.fullmatch(text)
    if iso:
        return iso.group(1)
    if approx and _ISO_APPROX.fullmatch(text):
        return text
    three = _THREE_PARTS.fullmatch(text)
    if three:
        first, _sep, middle, last = three.groups()
        if len(first) == 4:  # year first: every spreadsheet means year-month-day
            return _iso(first, middle, last)
        if order is None:
            raise DateOrderError(_NO_ORDER)
        if order is DateOrder.YMD:
            raise ValueError("the year is last, which does not match the year-month-day order")
        if order is DateOrder.DMY:
            return _iso(last, middle, first)
        return _iso(last, first, middle)
    two = _TWO_PARTS.fullmatch(text) if approx else None
    if two:  # a month and a four-digit year, in either order: never ambiguous
        a, b = two.groups()
        year, month = (a, b) if len(a) == 4 else (b, a)
        if len(year) != 4 or not 1 <= int(month) <= 12:
            raise ValueError("expected a month and a four-digit year")
        return f"{year}-{int(month):02d}"
    return text  # the schema refuses anything else, naming the field


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
        except RecursionError:  # thousands of nested brackets: bad input, not a crash
            raise ValueError(f"JSON nested too deeply for a {kind.value} field") from None
        except ValueError:  # an integer of more digits than Python reads: not its own words
            raise ValueError(f"a number in the JSON is too long for a {kind.value} field") from None

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
    FieldKind.STATUS: _as_text,
    **{kind: _as_json(kind) for kind in JSON_KINDS},
}


def parse_field_text(kind: FieldKind, raw: str, *, date_order: DateOrder | None = None) -> Any:
    """The value of a field of ``kind`` typed as ``raw``.

    ``int``: digits (surrounding spaces ignored). ``text_list``: a JSON array, or text separated
    by ``;``. ``family_contacts``, ``sources``, ``id_numbers``, ``consent``: JSON. ``date`` and
    ``approx_date``: the forms in the module docstring, returned as ISO; a date with the year
    last is read in ``date_order`` and is a :class:`DateOrderError` without one. Every other
    kind: the text as it is (the schema checks statuses).

    Raises :class:`ValueError` with a plain-language message that never contains ``raw``.
    """
    if kind is FieldKind.DATE or kind is FieldKind.APPROX_DATE:
        return _as_date(raw, date_order, approx=kind is FieldKind.APPROX_DATE)
    return _PARSERS[kind](raw)
