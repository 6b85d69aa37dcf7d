"""The one parser of a field value typed as text, shared by `--set`/`--prompt` and CSV cells."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vault.models import FieldKind
from vault.models.fieldtext import JSON_KINDS, DateOrder, DateOrderError, parse_field_text

PHONE = "+7 701 555 1234"


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        (FieldKind.INT, "1990", 1990),
        (FieldKind.INT, " 1990 ", 1990),
        (FieldKind.TEXT_LIST, "Айгүл; 阿依古丽", ["Айгүл", "阿依古丽"]),
        (FieldKind.TEXT_LIST, " a ;; b ; ", ["a", "b"]),
        (FieldKind.TEXT_LIST, ' ["a; b", "c"] ', ["a; b", "c"]),
        (FieldKind.TEXT_LIST, "", []),
        (
            FieldKind.ID_NUMBERS,
            '[{"kind": "passport", "value": "E1"}]',
            [{"kind": "passport", "value": "E1"}],
        ),
        (FieldKind.CONSENT, '{"publish_name": true}', {"publish_name": True}),
        (
            FieldKind.TEXT,
            "  kept as typed; with [brackets]  ",
            "  kept as typed; with [brackets]  ",
        ),
        (FieldKind.SHORT_TEXT, "UA-061-21-004", "UA-061-21-004"),
        (FieldKind.DATE, "1990-05-01", "1990-05-01"),
        (FieldKind.APPROX_DATE, "2017-03", "2017-03"),
        (FieldKind.STATUS, "missing", "missing"),
    ],
)
def test_accepted_forms(kind: FieldKind, raw: str, value: Any) -> None:
    assert parse_field_text(kind, raw) == value


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        (FieldKind.INT, "nineteen ninety", "expected a whole number"),
        (FieldKind.INT, PHONE, "expected a whole number"),
        (FieldKind.TEXT_LIST, f'["{PHONE}"', "expected JSON for a text_list field"),
        *[
            (kind, f'[{{"phone": "{PHONE}"', f"expected JSON for a {kind.value} field")
            for kind in sorted(JSON_KINDS)
        ],
    ],
)
def test_refusal_names_the_kind_and_never_the_value(
    kind: FieldKind, raw: str, message: str
) -> None:
    with pytest.raises(ValueError, match="^" + message + "$") as e:
        parse_field_text(kind, raw)
    assert PHONE not in str(e.value)
    assert e.value.__cause__ is None and e.value.__suppress_context__  # no JSON error chained


def test_every_field_kind_has_a_parser() -> None:
    for kind in FieldKind:
        parse_field_text(kind, "[]" if kind in JSON_KINDS else "1")


MESSAGES = {
    "expected a whole number",
    "expected a four-digit year",
    "not a real calendar date",
    "expected a month and a four-digit year",
    "the year is last, which does not match the year-month-day order",
    "a date with the year last is ambiguous; write it year first, as YYYY-MM-DD",
    *(f"expected JSON for a {k.value} field" for k in FieldKind),
    *(f"JSON nested too deeply for a {k.value} field" for k in FieldKind),
}


@given(st.sampled_from(sorted(FieldKind)), st.text(max_size=40))
def test_any_text_parses_or_is_refused_with_a_fixed_message(kind: FieldKind, raw: str) -> None:
    """A refusal is one of a few fixed sentences, so no part of the text can leak into it."""
    try:
        parse_field_text(kind, raw)
    except ValueError as e:
        assert str(e) in MESSAGES


@pytest.mark.parametrize(
    ("kind", "raw", "order", "value"),
    [
        (FieldKind.DATE, " 1980-03-12 ", None, "1980-03-12"),
        (FieldKind.DATE, "1980-03-12 00:00:00", None, "1980-03-12"),  # a spreadsheet's datetime
        (FieldKind.DATE, "1980/3/12", None, "1980-03-12"),  # year first is never ambiguous
        (FieldKind.DATE, "12/03/1980", DateOrder.DMY, "1980-03-12"),
        (FieldKind.DATE, "12.03.1980", DateOrder.DMY, "1980-03-12"),
        (FieldKind.DATE, "03/12/1980", DateOrder.MDY, "1980-03-12"),
        (FieldKind.DATE, "1980-03-12", DateOrder.MDY, "1980-03-12"),
        (FieldKind.APPROX_DATE, "2017", None, "2017"),
        (FieldKind.APPROX_DATE, "2017-05", None, "2017-05"),
        (FieldKind.APPROX_DATE, "05/2017", None, "2017-05"),
        (FieldKind.APPROX_DATE, "2017/5", None, "2017-05"),
        (FieldKind.APPROX_DATE, "14/05/2017", DateOrder.DMY, "2017-05-14"),
    ],
)
def test_dates_as_a_spreadsheet_writes_them(
    kind: FieldKind, raw: str, order: DateOrder | None, value: str
) -> None:
    assert parse_field_text(kind, raw, date_order=order) == value


@pytest.mark.parametrize("kind", [FieldKind.DATE, FieldKind.APPROX_DATE])
def test_a_date_with_the_year_last_needs_a_declared_order(kind: FieldKind) -> None:
    with pytest.raises(DateOrderError):
        parse_field_text(kind, "12/03/1980")


@pytest.mark.parametrize(
    ("raw", "order", "message"),
    [
        ("31/02/1980", DateOrder.DMY, "not a real calendar date"),
        ("12/03/80", DateOrder.DMY, "expected a four-digit year"),
        ("12/03/1980", DateOrder.YMD, "the year is last"),
    ],
)
def test_impossible_dates_are_refused(raw: str, order: DateOrder, message: str) -> None:
    with pytest.raises(ValueError, match=message) as e:
        parse_field_text(FieldKind.DATE, raw, date_order=order)
    assert raw not in str(e.value)


def test_json_nested_too_deeply_is_a_refusal_not_a_crash() -> None:
    with pytest.raises(ValueError, match=r"^JSON nested too deeply for a sources field$"):
        parse_field_text(FieldKind.SOURCES, "[" * 100_000 + "]" * 100_000)
