"""A date of birth's CLDR spellings (vault.redact.entities) are written field by field from
each field's one part of the date, remembered across dates: they must be exactly what Babel's
own format_date writes with the same pattern and locale, for any date."""

from __future__ import annotations

import datetime

import pytest
from babel.dates import format_date
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vault.redact import entities


def _babels(d: datetime.date) -> list[str]:
    return [
        format_date(d, pattern, locale=locale)
        for locale in entities.DATE_LOCALES
        for pattern in entities._date_patterns(locale)
    ]


@settings(max_examples=200, deadline=None)
@given(d=st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(2199, 12, 31)))
@example(d=datetime.date(2000, 2, 29))
@example(d=datetime.date(1999, 12, 31))
@example(d=datetime.date(1987, 3, 5))
def test_each_pattern_writes_what_babel_writes(d: datetime.date) -> None:
    assert entities._cldr_dates(d)[:-2] == _babels(d)


def test_every_locale_is_written_field_by_field() -> None:
    # the fast way must be the way taken: a locale whose patterns gained a field written from
    # two parts of a date would fall back to Babel whole, silently slower
    assert all(entities._pattern_fields(loc) is not None for loc in entities.DATE_LOCALES)


def test_each_locale_is_written_without_babel_formatting_the_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the fields are worked out once per part; writing a date then only fills its patterns
    from babel.dates import DateTimePattern

    want = entities._cldr_dates(datetime.date(1991, 7, 14))

    def refused(*_args: object) -> str:
        raise AssertionError("a date written by Babel whole")

    monkeypatch.setattr(DateTimePattern, "apply", refused)
    assert entities._cldr_dates(datetime.date(1991, 7, 14)) == want


def test_a_pattern_with_another_field_is_written_by_babel_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d = datetime.date(1984, 1, 18)
    monkeypatch.setattr(entities, "_pattern_fields", lambda locale: None)
    assert entities._cldr_dates(d)[:-2] == _babels(d)


@pytest.mark.parametrize("weekday", range(7))
def test_a_weekday_name_is_that_weekdays(weekday: int) -> None:
    d = datetime.date(2024, 1, 1) + datetime.timedelta(days=weekday)  # a Monday, then on
    assert entities._date_field("en", "EEEE", d.weekday()) == format_date(d, "EEEE", locale="en")
