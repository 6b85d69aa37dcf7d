"""The dates reader's exact readings (issue 22): what each part of
:mod:`vault.redact.readings.dates` must read (exact ISO dates, exact spans) and, above all, what it
must refuse — a year alone, a day one past the month's end, a year one token too far, a separator
that is not one, a date across a sentence. A reader that reads less lets a date of birth through
into a publication; one that reads more redacts public dates. Every date and name is invented."""

from __future__ import annotations

import pytest

from vault.redact.readings import dates as D
from vault.redact.readings.dates import Part, Tok, dates_in, text_readings, value_readings


def readings(text: str) -> set[tuple[str, str]]:
    """(the text read, the ISO date it reads as) for every reading of ``text``."""
    return {(text[r.start : r.end], r.term.removeprefix("#date:")) for r in text_readings(text)}


def read_as(text: str, iso: str) -> set[str]:
    """The spans of ``text`` that read as ``iso``."""
    return {s for s, d in readings(text) if d == iso}


# --- a protected value ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("1964-01-28", {"#date:1964-01-28"}),
        ("  1964-01-28\t", {"#date:1964-01-28"}),  # surrounding white space
        ("1964-1-8", {"#date:1964-01-08"}),  # one-digit month and day
        ("2000-02-29", {"#date:2000-02-29"}),  # a leap day
        ("1900-02-29", set()),  # not a leap year
        ("1964-13-01", set()),
        ("1964-00-10", set()),
        ("1964-01-32", set()),
        ("64-01-28", set()),  # the year in full only
        ("1964-01-28x", set()),
        ("x1964-01-28", set()),
        ("1964-001-28", set()),
        ("1964/01/28", set()),
        ("28.01.1964", set()),
        ("1964", set()),
    ],
)
def test_a_date_of_birth_value_reads_as_its_one_date(value: str, want: set[str]) -> None:
    assert value_readings(value, "date_of_birth") == want


@pytest.mark.parametrize("kind", ["name", "phone", "date", "Date_of_birth", "date_of_birth "])
def test_other_kinds_of_value_give_no_date_reading(kind: str) -> None:
    assert value_readings("1964-01-28", kind) == set()


def test_an_impossible_date_is_none() -> None:
    assert D._date(1964, 1, 28) == "1964-01-28"
    assert D._date(1964, 2, 30) is None
    assert D._date(1964, 0, 1) is None
    assert D._date(0, 1, 1) is None


# --- small helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("vingt-huit", "vingt huit"),
        ("Twenty\u2010Eighth", "twenty eighth"),
        ("neunzehn\u2011hundert", "neunzehn hundert"),
        ("  one   thousand,  nine ", "one thousand nine"),
        ("a - , - b", "a b"),
        ("", ""),
    ],
)
def test_phrase_key_folds_each_word_and_joins_with_one_space(text: str, want: str) -> None:
    assert D._phrase_key(text) == want


def test_german_ordinals_take_their_inflections() -> None:
    assert D._de_inflections("fünfte") == ["fünfte", "fünften", "fünfter", "fünftes", "fünftem"]
    assert D._de_inflections("fünf") == ["fünf"]
    assert D._de_inflections("eins") == ["eins"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("28.01.1964", "28.01.1964"),
        ("٢٨/٠١/١٩٦٤", "28/01/1964"),  # Arabic-Indic
        ("۲۸", "28"),  # Extended Arabic-Indic
        ("２８．０１", "28．01"),  # full-width digits; the full stop is kept
        ("née ٥ mars", "née 5 mars"),  # a letter that is not ASCII is kept
        ("Kasım", "Kasım"),  # no digits at all
        ("१९६४", "1964"),  # Devanagari
    ],
)
def test_digits_of_any_script_become_ascii_one_for_one(text: str, want: str) -> None:
    out = D._ascii_digits(text)
    assert out == want
    assert len(out) == len(text)


def test_tokens_are_digit_runs_and_folded_words_with_their_offsets() -> None:
    toks = D._tokens("Née am 5. Mart '79, Января")
    assert toks == [
        Tok(0, 3, "nee", "Née"),
        Tok(4, 6, "am", "am"),
        Tok(7, 8, "5", "5"),
        Tok(10, 14, "mart", "Mart"),
        Tok(15, 18, "'79", "'79"),
        Tok(20, 26, "января", "Января"),  # a month word not in ASCII: as written, lower case
    ]


def test_an_apostrophe_without_digits_is_no_token() -> None:
    assert [t.word for t in D._tokens("All Souls' Day")] == ["all", "souls", "day"]


def tok(a: int, b: int) -> Tok:
    return Tok(a, b, "", "")


@pytest.mark.parametrize(
    "gap",
    [" ", "\t", "\n", "\u00a0", ",", ".", "-", "/", "\u2010", "\u2011", "\u2013", "", ", -/"],
)
def test_a_gap_of_separators_joins_two_tokens(gap: str) -> None:
    text = "28" + gap + "01"
    assert D._gap_ok(text, tok(0, 2), tok(2 + len(gap), 4 + len(gap)))


@pytest.mark.parametrize("gap", ["  ,  ", ";", ":", "_", "(", "x", "X", "\u2014", "'", " . ; "])
def test_anything_else_or_more_than_four_characters_parts_two_tokens(gap: str) -> None:
    text = "28" + gap + "01"
    assert not D._gap_ok(text, tok(0, 2), tok(2 + len(gap), 4 + len(gap)))


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("79", [1979, 2079]),
        ("'79", [1979, 2079]),
        ("'05", [1905, 2005]),
        ("00", [1900, 2000]),
        ("1964", [1964]),
        ("'1964", [1964]),
        ("1000", [1000]),
        ("2199", [2199]),
        ("0999", []),
        ("2200", []),
    ],
)
def test_years_of_a_numeric_date(text: str, want: list[int]) -> None:
    assert D._years(text) == want


def test_year_values_of_a_part() -> None:
    assert D._year_values(Part("Y", 1964, 0, 1)) == [1964]
    assert D._year_values(Part("Y2", 64, 0, 1)) == [1964, 2064]
    assert D._year_values(Part("Y2", 5, 0, 1)) == [1905, 2005]


# --- numeric dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("03/04/71", {"1971-04-03", "1971-03-04", "2071-04-03", "2071-03-04"}),
        ("28.01.1964", {"1964-01-28"}),
        ("1.2.1964", {"1964-02-01", "1964-01-02"}),
        ("28-1-64", {"1964-01-28", "2064-01-28"}),
        ("5/3/'79", {"1979-03-05", "1979-05-03", "2079-03-05", "2079-05-03"}),
        ("28.01.'1964", {"1964-01-28"}),
        ("1971.03.04", {"1971-03-04"}),  # year first: year, month, day only
        ("1971-3-4", {"1971-03-04"}),  # one-digit month and day, as a value may be written
        ("1964.01.8", {"1964-01-08"}),
        ("28.01.5", set()),  # a one-digit year is none
        ("5.3.7", set()),
        ("1964 1 8", set()),
        ("1971/03/04", {"1971-03-04"}),
        ("1971-03-'04", set()),  # an apostrophe year is no day
        ("1971.03.1904", set()),  # two years
        ("1964.28.01", set()),  # year, day, month is no order
        ("28 01 1964", {"1964-01-28"}),  # spaces: day, month and a four-digit year only
        ("8 01 1964", {"1964-01-08", "1964-08-01"}),
        ("03 04 1971", {"1971-04-03", "1971-03-04"}),
        ("28 1 1964", set()),
        ("28 01 64", set()),
        ("1964 01 28", set()),
        ("128 01 1964", set()),
        ("128.01.1964", set()),
        ("28.13.1964", set()),  # no month 13, and 13 is no day-first month
        ("31.04.1964", set()),  # April has 30 days, and 31 is no month
        ("29.02.1964", {"1964-02-29"}),
        ("29.02.1965", set()),
        ("28.00.1964", set()),
        ("00.01.1964", set()),
        ("28.01.0999", set()),  # a four-digit year out of range
        ("28.01.2200", set()),
        ("28.01.1000", {"1000-01-28"}),
        ("28.01.2199", {"2199-01-28"}),
        ("28/01.1964", set()),  # two different separators
        ("28.01.1964.5", set()),  # more digit groups after
        ("1.28.01.1964", set()),  # and before
        ("28.01.19645", set()),
        ("13.IX.1965", {"1965-09-13"}),  # a Roman month: day, month, year only
        ("13.ix.1965", {"1965-09-13"}),
        ("03.IV.71", {"1971-04-03", "2071-04-03"}),
        ("1965-IX-13", {"1965-09-13"}),
        ("13.XII.1965", {"1965-12-13"}),
        ("13.VIII.1965", {"1965-08-13"}),
        ("13.IIII.1965", set()),  # no Roman numeral
        ("13.VX.1965", set()),
        ("13.XIII.1965", set()),
        ("13.Ix.1965", set()),  # one case or the other
    ],
)
def test_numeric_dates(text: str, want: set[str]) -> None:
    assert dates_in(text) == want
    assert dates_in("born " + text + " in Ghulja") == want


def test_a_numeric_date_is_read_with_its_exact_span() -> None:
    assert readings("born 28.01.1964 in Ghulja") == {("28.01.1964", "1964-01-28")}
    assert readings("(13.IX.1965)") == {("13.IX.1965", "1965-09-13")}


def test_a_date_after_a_refused_one_is_still_read() -> None:
    assert dates_in("13.00.1965 and 14.01.1966") == {"1966-01-14"}
    assert dates_in("13.VX.1965 and 14.I.1966") == {"1966-01-14"}
    assert dates_in("28 01 64 and 29 01 1966") == {"1966-01-29"}


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("19640128", {"1964-01-28"}),  # yyyymmdd
        ("28011964", {"1964-01-28"}),  # ddmmyyyy
        ("19710304", {"1971-03-04"}),  # one order only makes a year in range
        ("04031971", {"1971-03-04"}),
        ("19000101", {"1900-01-01"}),
        ("20991231", {"2099-12-31"}),
        ("18991231", set()),
        ("21000101", set()),
        ("01011900", {"1900-01-01"}),
        ("31122099", {"2099-12-31"}),
        ("31121899", set()),
        ("01012100", set()),
        ("19641328", set()),
        ("196401281", set()),  # nine digits
        ("1.19640128", set()),
    ],
)
def test_compact_dates(text: str, want: set[str]) -> None:
    assert dates_in(text) == want


# --- CJK dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("0", 0),
        ("1964", 1964),
        ("〇", 0),
        ("零", 0),
        ("两", 2),
        ("一九六四", 1964),
        ("一九〇五", 1905),
        ("一九零五", 1905),
        ("二〇一二", 2012),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十八", 28),
        ("三十一", 31),
        ("两十", 20),
        ("九", 9),
        ("x", -1),
        ("一x", -1),
    ],
)
def test_cjk_numbers(text: str, want: int) -> None:
    assert D._cjk_number(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("1964年1月28日", {"1964-01-28"}),
        ("1964 年 1 月 28 日", {"1964-01-28"}),
        ("1964年1月28号", {"1964-01-28"}),
        ("1964年1月28號", {"1964-01-28"}),
        ("一九六四年一月二十八日", {"1964-01-28"}),
        ("一九六四年十二月三十一日", {"1964-12-31"}),
        ("64年1月28日", {"1964-01-28", "2064-01-28"}),
        ("六四年一月二十八日", {"1964-01-28", "2064-01-28"}),
        ("00年1月1日", {"1900-01-01", "2000-01-01"}),
        ("99年1月1日", {"1999-01-01", "2099-01-01"}),
        ("1000年1月1日", {"1000-01-01"}),
        ("999年1月1日", set()),  # three digits: no year
        ("100年1月1日", set()),
        ("1964年2月30日", set()),
        ("1964年13月1日", set()),
        ("1964年1月28", set()),  # no day mark
        ("1964年1月", set()),
    ],
)
def test_cjk_dates(text: str, want: set[str]) -> None:
    assert dates_in(text) == want


def test_a_cjk_date_is_read_with_its_exact_span() -> None:
    assert readings("她于一九六四年一月二十八日出生") == {("一九六四年一月二十八日", "1964-01-28")}
    assert readings("生于1964年1月28日。1965年2月29日") == {("1964年1月28日", "1964-01-28")}
