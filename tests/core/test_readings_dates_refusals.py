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
        # year first: year, month, day, and year, day, month (CLDR's Uyghur yMd is y-d-M)
        ("1971.03.04", {"1971-03-04", "1971-04-03"}),
        ("1971-3-4", {"1971-03-04", "1971-04-03"}),  # one-digit month and day, as typed
        ("1964.01.8", {"1964-01-08", "1964-08-01"}),
        ("28.01.5", set()),  # a one-digit year is none
        ("5.3.7", set()),
        ("1964 1 8", set()),
        ("1971/03/04", {"1971-03-04", "1971-04-03"}),
        ("1971-03-'04", set()),  # an apostrophe year is no day
        ("1971.03.1904", set()),  # two years
        ("1964.28.01", {"1964-01-28"}),  # year, day, month: no 28th month
        ("1964.28.13", set()),  # neither order is a date
        ("28 01 1964", {"1964-01-28"}),  # spaces: day, month and a four-digit year only
        ("8 01 1964", {"1964-01-08", "1964-08-01"}),
        ("03 04 1971", {"1971-04-03", "1971-03-04"}),
        ("28 1 1964", set()),
        ("28 01 64", set()),
        ("1964 01 28", set()),
        ("128 01 1964", set()),
        ("128.01.1964", set()),
        ("005.01.1964", set()),  # three digits are no day
        ("005 01 1964", set()),
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
        # a malformed numeral is no number
        ("十十", -1),
        ("一二十", -1),
        ("二十十", -1),
        ("二十一二", -1),
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
        ("一九六四年一月二十十日", set()),  # a malformed day
        ("一九六四年一二月八日", {"1964-12-08"}),  # digit by digit, as a year is written
    ],
)
def test_cjk_dates(text: str, want: set[str]) -> None:
    assert dates_in(text) == want


def test_a_cjk_date_is_read_with_its_exact_span() -> None:
    assert readings("她于一九六四年一月二十八日出生") == {("一九六四年一月二十八日", "1964-01-28")}
    assert readings("生于1964年1月28日。1965年2月29日") == {("1964年1月28日", "1964-01-28")}


# --- the parts of a date with words -----------------------------------------------------------


def parts(text: str) -> list[tuple[str, int, int, int, int]]:
    toks = D._tokens(text)
    return [(p.kind, p.value, p.start, p.end, p.value2) for p in D._parts(text, toks)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a day with an ordinal suffix is a day and an ordinal, and no two-digit year
        (
            "28th of January 1964",
            [("D", 28, 0, 2, 0), ("O", 28, 0, 2, 0), ("M", 1, 3, 4, 0), ("Y", 1964, 4, 5, 0)],
        ),
        ("5го января", [("D", 5, 0, 2, 0), ("O", 5, 0, 2, 0), ("M", 1, 2, 3, 0)]),
        # a suffix after a space is none: a day and a two-digit year
        ("28 th January", [("D", 28, 0, 1, 0), ("Y2", 28, 0, 1, 0), ("M", 1, 2, 3, 0)]),
        ("5-го января", [("D", 5, 0, 1, 0), ("M", 1, 2, 3, 0)]),
        ("5. Juni '79", [("D", 5, 0, 1, 0), ("M", 6, 1, 2, 0), ("Y2", 79, 2, 3, 0)]),
        ("'79th June", [("Y2", 79, 0, 1, 0), ("M", 6, 2, 3, 0)]),
        ("'5th June", [("D", 5, 0, 1, 0), ("M", 6, 2, 3, 0)]),  # an apostrophe number: no ordinal
        ("'1964 June", [("Y", 1964, 0, 1, 0), ("M", 6, 1, 2, 0)]),
        ("00 June", [("Y2", 0, 0, 1, 0), ("M", 6, 1, 2, 0)]),
        ("01 June", [("D", 1, 0, 1, 0), ("Y2", 1, 0, 1, 0), ("M", 6, 1, 2, 0)]),
        ("31 June", [("D", 31, 0, 1, 0), ("Y2", 31, 0, 1, 0), ("M", 6, 1, 2, 0)]),
        ("32 June", [("Y2", 32, 0, 1, 0), ("O", 32, 0, 1, 0), ("M", 6, 1, 2, 0)]),
        ("1000 June 2199", [("Y", 1000, 0, 1, 0), ("M", 6, 1, 2, 0), ("Y", 2199, 2, 3, 0)]),
        ("0999 June 2200", [("M", 6, 1, 2, 0)]),
        ("100th June 100", [("O", 100, 0, 2, 0), ("M", 6, 2, 3, 0)]),
        # numbers in words: the longest phrase
        ("twenty-eighth January", [("D", 28, 0, 2, 0), ("O", 28, 0, 2, 0), ("M", 1, 2, 3, 0)]),
        (
            "twenty; eighth January",
            [
                ("D", 20, 0, 1, 0),
                ("O", 20, 0, 1, 0),
                ("D", 8, 1, 2, 0),
                ("O", 8, 1, 2, 0),
                ("M", 1, 2, 3, 0),
            ],
        ),
        ("January nineteen sixty-four", [("M", 1, 0, 1, 0), ("Y", 1964, 1, 4, 0)]),
        ("fiftieth birthday", [("O", 50, 0, 1, 0)]),
        ("thirty-first January", [("D", 31, 0, 2, 0), ("O", 31, 0, 2, 0), ("M", 1, 2, 3, 0)]),
        ("thirty-second January", [("O", 32, 0, 2, 0), ("M", 1, 2, 3, 0)]),
        ("premier janvier", [("D", 1, 0, 1, 0), ("O", 1, 0, 1, 0), ("M", 1, 1, 2, 0)]),
        ("Christmas Eve 1983", [("F", 12, 0, 2, 24), ("Y", 1983, 2, 3, 0)]),
        ("All Souls' Day '91", [("F", 11, 0, 3, 2), ("Y2", 91, 3, 4, 0)]),
        ("new year's day", [("F", 1, 0, 4, 1)]),
        ("Christmas", [("F", 12, 0, 1, 25)]),
        # no month, feast or birthday word: no parts at all
        ("28 1964 twenty-eighth", []),
        ("in the year nineteen sixty-four", []),
    ],
)
def test_parts_of_dates_with_words(text: str, want: list[tuple[str, int, int, int, int]]) -> None:
    assert parts(text) == want


def test_parts_are_read_up_to_twelve_words_from_a_month_word() -> None:
    words = " ".join("abcdefghijkl")
    # twelve tokens after the month: read; thirteen: not
    assert parts("January " + words[:-2] + " 1964 1965") == [
        ("M", 1, 0, 1, 0),
        ("Y", 1964, 12, 13, 0),
    ]
    # twelve tokens before: read; thirteen: not
    assert parts("1963 " + words[:-2] + " January") == [("Y", 1963, 0, 1, 0), ("M", 1, 12, 13, 0)]
    assert parts("1963 " + words + " January") == [("M", 1, 13, 14, 0)]
    assert parts("x 1963 " + words[:-2] + " January") == [("Y", 1963, 1, 2, 0), ("M", 1, 13, 14, 0)]
    # a phrase in words that starts thirteen tokens before is not read as a year
    text = "one thousand nine hundred and sixty-four, a b c on 28 of January"
    assert ("Y", 1964, 0, 7, 0) not in parts(text)
    assert "1964-01-28" not in dates_in(text)
    assert "1964-01-28" in dates_in(text.replace(", a b c", ", b c"))


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Christmas Eve", ((12, 24), 2)),
        ("Christmas Day", ((12, 25), 2)),
        ("Christmas", ((12, 25), 1)),
        ("New Year's Eve", ((12, 31), 4)),
        ("All Souls", ((11, 2), 2)),
        ("all soul's day", ((11, 2), 4)),
        ("la veille de Noël", None),  # "la" starts no feast
        ("veille de Noël", ((12, 24), 3)),
        ("Heiligen Abend", ((12, 24), 2)),
        ("Valentine's Day", ((2, 14), 3)),
        ("Nowruz", ((3, 21), 1)),
        ("Eve", None),
        ("All right", None),  # the first word of a feast, and no feast
        ("All Saints' Night", ((11, 1), 2)),
    ],
)
def test_a_feast_is_its_longest_phrase(text: str, want: object) -> None:
    toks = D._tokens(text)
    assert D._feast_at(toks, 0) == want


# --- dates with words: readings and spans -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # day month year, with fillers, a weekday and an article taken into the span
        (
            "born on Tuesday, January 28, 1964 in Ghulja",
            {("Tuesday, January 28, 1964", "1964-01-28")},
        ),
        ("the 28th of January, 1964", {("the 28th of January, 1964", "1964-01-28")}),
        ("Le 28 janvier 1964", {("Le 28 janvier 1964", "1964-01-28")}),
        ("28 January 1964 was a Tuesday", {("28 January 1964", "1964-01-28")}),
        ("Tuesday \u2014 28 January 1964", {("28 January 1964", "1964-01-28")}),
        ("Tuesday;28 January 1964", {("28 January 1964", "1964-01-28")}),
        ("den 28. Januar 1964 geboren", {("den 28. Januar 1964", "1964-01-28")}),
        ("am Dienstag, den 28. Januar 1964", {("Dienstag, den 28. Januar 1964", "1964-01-28")}),
        (
            "am Dienstag, dem 28. Januar 1964",
            {("28. Januar 1964", "1964-01-28")},
        ),  # "dem": no article
        ("28 января 1964 г. в Алматы", {("28 января 1964 г", "1964-01-28")}),
        ("28 января 1964 года", {("28 января 1964 года", "1964-01-28")}),
        ("28 января 1964; года", {("28 января 1964", "1964-01-28")}),
        ("28 of the January 1964", {("28 of the January 1964", "1964-01-28")}),
        ("28 January of the 1964", {("28 January of the 1964", "1964-01-28")}),
        (
            "28 January of the '64",
            {("28 January of the '64", "1964-01-28"), ("28 January of the '64", "2064-01-28")},
        ),
        ("28-Jan-64", {("28-Jan-64", "1964-01-28"), ("28-Jan-64", "2064-01-28")}),
        ("28 January, 1964", {("28 January, 1964", "1964-01-28")}),
        ("28’ January 1964", {("28’ January 1964", "1964-01-28")}),  # a quote between
        ("28 January , , , 1964", {("28 January , , , 1964", "1964-01-28")}),  # five characters
        ("28 January 1964", {("28 January 1964", "1964-01-28")}),
        ("28 January (1964)", {("28 January (1964", "1964-01-28")}),  # the year a word away
        ("28 January of the the 1964", {("28 January of the the 1964", "1964-01-28")}),
        ("31 April 1964", set()),
        ("29 February 1964", {("29 February 1964", "1964-02-29")}),
        ("29 February 1965", set()),
        # month day year
        ("January 28, 1964", {("January 28, 1964", "1964-01-28")}),
        ("Tuesday January 28th 1964", {("Tuesday January 28th 1964", "1964-01-28")}),
        ("January 28, '64", {("January 28, '64", "1964-01-28"), ("January 28, '64", "2064-01-28")}),
        ("Jan 28 64", {("Jan 28 64", "1964-01-28"), ("Jan 28 64", "2064-01-28")}),
        ("January 28 '64", {("January 28 '64", "1964-01-28"), ("January 28 '64", "2064-01-28")}),
        ("January 28, 1964 and 1965", {("January 28, 1964", "1964-01-28")}),
        ("January the 28, of 1964", {("January the 28, of 1964", "1964-01-28")}),
        ("April 31, 1964", set()),
        # month year, then the day after a filler
        ("septembre 1988, le 17", {("septembre 1988, le 17", "1988-09-17")}),
        ("January 1964, the 28th", {("January 1964, the 28th", "1964-01-28")}),
        ("January 1964, on the 28th", {("January 1964, on the 28th", "1964-01-28")}),
        ("septembre 1988, le 31", set()),
        ("septembre 1988, samedi 17", {("septembre 1988, samedi 17", "1988-09-17")}),
        (
            "September 1988, Saturday the 17th",
            {("September 1988, Saturday the 17th", "1988-09-17")},
        ),
        # year month day
        ("1964 жылғы 28 қаңтар", {("1964 жылғы 28 қаңтар", "1964-01-28")}),
        ("1964 Ocak 28", {("1964 Ocak 28", "1964-01-28")}),
        ("1964 Şubat 30", set()),
        # numbers in words
        (
            "the twenty-eighth of January nineteen sixty-four",
            {("the twenty-eighth of January nineteen sixty-four", "1964-01-28")},
        ),
        (
            "le premier janvier mil neuf cent soixante-quatre",
            {("le premier janvier mil neuf cent soixante-quatre", "1964-01-01")},
        ),
        # feasts with a year (one filler at most between)
        ("Christmas Eve 1983", {("Christmas Eve 1983", "1983-12-24")}),
        (
            "Christmas Eve of 83",
            {("Christmas Eve of 83", "1983-12-24"), ("Christmas Eve of 83", "2083-12-24")},
        ),
        (
            "Christmas Eve, '83",
            {("Christmas Eve, '83", "1983-12-24"), ("Christmas Eve, '83", "2083-12-24")},
        ),
        ("la veille de Noël 1983", {("la veille de Noël 1983", "1983-12-24")}),
        ("Heiligabend 1983", {("Heiligabend 1983", "1983-12-24")}),
        ("Neujahr 2000", {("Neujahr 2000", "2000-01-01")}),
    ],
)
def test_dates_with_words(text: str, want: set[tuple[str, str]]) -> None:
    assert readings(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "28 of the the January 1964",  # three words between day and month
        "28 January of the the 64",  # a bare two-digit year: two words away at most
        "28 January; 1964",  # a separator that is not one
        "28;January 1964",
        "28 January (64",
        "28 foo January 1964",  # a word that is no filler
        "January 28 foo 1964",
        "septembre of the 1988, le 17",  # the year straight after the month
        "septembre 1988 17",  # the day after a filler
        "septembre 1988, le le le 17",
        "1964, Ocak foo 28",
        "Christmas Eve of the 83",  # a two-digit year one word away at most
        "Christmas Eve foo 83",
        "28 1964",
        "January 1964",  # a month and year
        "28 January",  # a day and month
        "the twenty-eighth of January",
    ],
)
def test_no_date_with_words_is_read(text: str) -> None:
    assert dates_in(text) == set()


def test_christmas_with_a_bare_two_digit_number_after_it() -> None:
    # "83" straight after a feast is read as its year: a reader may mean just that
    assert dates_in("Christmas 83 years ago") == {"1983-12-25", "2083-12-25"}


def test_a_weekday_just_before_or_after_a_date_is_part_of_it_and_nothing_further() -> None:
    """CLDR's full patterns write the weekday after the date (tr "5 Mart 1987 Perşembe", kk
    "…, бейсенбі", zh "…星期四"): it is part of the date a reader sees. A word after it, a
    weekday further off, or a word that is no weekday is not."""
    assert readings("28 January 1964, Tuesday") == {("28 January 1964, Tuesday", "1964-01-28")}
    assert readings("On 28 January 1964, Tuesday, in Aksu") == {
        ("28 January 1964, Tuesday", "1964-01-28")
    }
    assert readings("Di., 28.01.1964 und") == {("Di., 28.01.1964", "1964-01-28")}
    assert readings("Am Di., 28.01.1964 und") == {("Di., 28.01.1964", "1964-01-28")}
    assert readings("1964年1月28日星期二") == {("1964年1月28日星期二", "1964-01-28")}
    assert readings("28 January 1964 le") == {("28 January 1964", "1964-01-28")}
    assert readings("28 January 1964, then Tuesday") == {("28 January 1964", "1964-01-28")}
    assert readings("28 January 1964, Tuesdays") == {("28 January 1964", "1964-01-28")}


# --- a day and month with the year a few words away -------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Jahrgang 1972, Geburtstag am 14. Juni", {("1972, Geburtstag am 14. Juni", "1972-06-14")}),
        ("am 14. Juni, Jahrgang 1972.", {("14. Juni, Jahrgang 1972", "1972-06-14")}),
        ("Jahrgang 1972, Geburtstag am 14-Juni", {("1972, Geburtstag am 14-Juni", "1972-06-14")}),
        (
            "Jahrgang: 1972, Geburtstag am 14. Juni",
            {("1972, Geburtstag am 14. Juni", "1972-06-14")},
        ),
        ("Jahrgang 1972, laut Xaver am 14. Juni", {("1972, laut Xaver am 14. Juni", "1972-06-14")}),
        (
            "Jahrgang '72, Geburtstag am 14. Juni",
            {
                ("'72, Geburtstag am 14. Juni", "1972-06-14"),
                ("'72, Geburtstag am 14. Juni", "2072-06-14"),
            },
        ),
        (
            "Jahrgang 1971 oder 1972, Geburtstag am 14. Juni",
            {("1972, Geburtstag am 14. Juni", "1972-06-14")},
        ),
        ("am 14. Juni (1972)", {("14. Juni (1972", "1972-06-14")}),
        (
            "in '91 All Souls' Day",
            {("'91 All Souls' Day", "1991-11-02"), ("'91 All Souls' Day", "2091-11-02")},
        ),
        ("Christmas Eve, in the year 1983", {("Christmas Eve, in the year 1983", "1983-12-24")}),
        # another feast between: the year is the nearer feast's only
        (
            "'91, Christmas, All Souls' Day",
            {("'91, Christmas", "1991-12-25"), ("'91, Christmas", "2091-12-25")},
        ),
        ("am 14. Juni, Jahrgang 72", set()),  # a bare two-digit year is no year a word away
        ("Jahrgang 1972, Geburtstag am 14/Juni", set()),  # a day and month written apart
        ("Jahrgang 1972, im März, Geburtstag am 14. Juni", set()),  # another month between
        ("am 14. Juni, im März 1972", set()),
        ("am 14. Juni 1972-1973", {("14. Juni 1972", "1972-06-14")}),
        ("am 30. Juni, Jahrgang 1972, 31. Juni", {("30. Juni, Jahrgang 1972", "1972-06-30")}),
    ],
)
def test_a_year_a_few_words_away(text: str, want: set[tuple[str, str]]) -> None:
    assert readings(text) == want


@pytest.mark.parametrize("stop", [".", ";", ":", "!", "?"])
def test_a_year_is_not_read_across_a_sentence(stop: str) -> None:
    assert dates_in(f"Jahrgang 1972{stop} Geburtstag am 14. Juni") == set()
    assert dates_in(f"Geburtstag am 14. Juni{stop} Jahrgang 1972") == set()
    assert dates_in(f"'91{stop} All Souls' Day") == set()


def test_the_year_is_six_words_away_at_most() -> None:
    six = "laut ihrer alten Akte aus Urumqi"
    assert dates_in(f"Jahrgang 1972 {six} 14. Juni") == {"1972-06-14"}
    assert dates_in(f"Jahrgang 1972 {six} wohl 14. Juni") == set()
    assert dates_in(f"am 14. Juni {six} 1972") == {"1972-06-14"}
    assert dates_in(f"am 14. Juni {six} wohl 1972") == set()
    assert dates_in(f"'91 {six} All Souls") == {"1991-11-02", "2091-11-02"}
    assert dates_in(f"'91 {six} wohl All Souls") == set()


# --- round birthdays --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("her fiftieth birthday on 14 June 2022", "her fiftieth birthday on 14 June 2022"),
        ("Her fiftieth birthday on 14 June 2022", "Her fiftieth birthday on 14 June 2022"),
        ("Fiftieth birthday on 14 June 2022, with her", "Fiftieth birthday on 14 June 2022"),
        ("a fiftieth birthday on 14.06.2022", "fiftieth birthday on 14.06.2022"),
        ("her 50th birthday on June 14, 2022", "her 50th birthday on June 14, 2022"),
        (
            "her fiftieth birthday on the 14 of June of 2022",
            "her fiftieth birthday on the 14 of June of 2022",
        ),
        ("her fiftieth birthday, June the 14, 2022", "her fiftieth birthday, June the 14, 2022"),
        ("her fiftieth birthday on June 14 of 2022", "her fiftieth birthday on June 14 of 2022"),
        (
            "her fiftieth birthday on 14 June twenty twenty-two",
            "her fiftieth birthday on 14 June twenty twenty-two",
        ),
        ("sa 50e anniversaire le 14 juin 2022", "sa 50e anniversaire le 14 juin 2022"),
        ("son anniversaire, 50e, le 14 juin 2022", "son anniversaire, 50e, le 14 juin 2022"),
        (
            "seinen fünfzigsten runden Geburtstag am 14. Juni 2022",
            "seinen fünfzigsten runden Geburtstag am 14. Juni 2022",
        ),
        (
            "her fiftieth birthday was on the 14 June 2022",
            "her fiftieth birthday was on the 14 June 2022",
        ),
        (
            "her fiftieth birthday2 fell on a 14 June 2022",
            "her fiftieth birthday2 fell on a 14 June 2022",
        ),
    ],
)
def test_a_round_birthday_reads_as_the_birth(text: str, want: str) -> None:
    assert read_as(text, "1972-06-14") == {want}


@pytest.mark.parametrize(
    "text",
    [
        "her birthday on 14 June 2022",  # no ordinal
        "seinen fünfzigsten großen runden Geburtstag am 14. Juni 2022",  # ordinal too far
        "her birthday, the fiftieth, on 14 June 2022",  # or after
        "her fiftieth birthday fell on the 14 June 2022",  # the date 13 characters after
        "her fiftieth birthday2 fell up on 14 June 2022",
        "her fiftieth birthday on the 14 of the June 2022",  # the day and month apart
        "her fiftieth birthday on 14 June of the 2022",  # the month and year apart
        "her fiftieth birthday, June of the 14, 2022",
        "her fiftieth birthday, June 14 of the 2022",
        "her fiftieth birthday on 14 June '22",  # a two-digit year
        "her fiftieth birthday on 31 June 2022",
        "her fiftieth birthday on 14 June",
        "It was her fiftieth birthday",
    ],
)
def test_no_birth_is_read_from_a_birthday(text: str) -> None:
    assert "1972-06-14" not in dates_in(text)
    assert all(not iso.startswith("1972") for iso in dates_in(text))


def test_a_birthday_on_a_leap_day_gives_no_birth_on_a_day_that_never_was() -> None:
    assert dates_in("her fiftieth birthday on 29 February 2024") == {"2024-02-29"}
    assert dates_in("her 48th birthday on 29 February 2024") == {"2024-02-29", "1976-02-29"}


def test_a_100th_birthday() -> None:
    assert dates_in("her 100th birthday on 1 May 2030") == {"2030-05-01", "1930-05-01"}


def test_a_birthday_reads_the_date_within_sixty_characters_after_it() -> None:
    # the date ends at the 60th character after the word that follows "birthday": read whole
    text = "her fiftieth birthday was on a 28 January one thousand nine hundred and sixty-four"
    assert "1914-01-28" in dates_in(text)
    assert "1910-01-28" not in dates_in(text)
    # one character further, its year is cut: the birth is not read as 1914
    assert "1914-01-28" not in dates_in(text.replace(" a 28", " an 28"))


def test_an_ordinal_read_by_the_birthday_is_the_first_one() -> None:
    assert dates_in("her fiftieth 60th birthday on 14 June 2022") == {"2022-06-14", "1962-06-14"}


def test_dates_after_a_word() -> None:
    text = "birthday on 14 June 2022 and 15.06.2022"
    toks = D._tokens(text)
    assert sorted(D._dates_after(text, toks, 1)) == [(12, 24, "2022-06-14"), (29, 39, "2022-06-15")]
    assert D._dates_after(text, toks, len(toks)) == []


# --- the reader -------------------------------------------------------------------------------


def test_each_reading_once_and_the_later_ones_kept() -> None:
    # both "birthday"s read the same birth from the same span: it is given once, and the
    # readings after it are still given
    text = "her fiftieth birthday birthday, 14 June 2022; his sixtieth birthday on 1 May 2020"
    found = [(r.start, r.end, r.term) for r in text_readings(text)]
    assert len(found) == len(set(found))
    assert {t for _, _, t in found} == {
        "#date:2022-06-14",
        "#date:1972-06-14",
        "#date:2020-05-01",
        "#date:1960-05-01",
    }


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("née le ２８ janvier 1964", {("le ２８ janvier 1964", "1964-01-28")}),
        ("born 2\u200b8.01.1964", {("2\u200b8.01.1964", "1964-01-28")}),
        ("生于一九六四年一月二十八日", {("一九六四年一月二十八日", "1964-01-28")}),
        ("Christmas Eve 1983", {("Christmas Eve 1983", "1983-12-24")}),
        ("", set()),
        ("!!", set()),
        ("ab 12", set()),
        ("1964", set()),
        ("January", set()),
    ],
)
def test_readings_are_of_the_original_text(text: str, want: set[tuple[str, str]]) -> None:
    assert readings(text) == want
    assert all(r.term.startswith("#date:") for r in text_readings(text))


def test_a_year_passed_over_does_not_stop_the_next() -> None:
    assert dates_in("Akte 1971. Geburtstag am 14. Juni, Jahrgang 1972") == {"1972-06-14"}
    far = "Akte 1960 laut ihrer alten Akte aus Urumqi wohl, am 14. Juni, Jahrgang 1972"
    assert dates_in(far) == {"1972-06-14"}


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("On the 60th day, her fiftieth birthday on 14 June 2022", {"2022-06-14", "1972-06-14"}),
        ("No birthday party; her fiftieth birthday on 14 June 2022", {"2022-06-14", "1972-06-14"}),
        ("her fiftieth birthday, 14 June 2022", {"2022-06-14", "1972-06-14"}),
        ("her fiftieth birthday on 14 December 2022", {"2022-12-14", "1972-12-14"}),
        ("her fiftieth birthday on June 5, 2022", {"2022-06-05", "1972-06-05"}),
        # a two-digit year is no year of the birthday's date (no birth in the year 17)
        ("her 5th birthday on 14 June '22", {"1922-06-14", "2022-06-14"}),
        ("her 5th birthday on June 14 '22", {"1922-06-14", "2022-06-14"}),
        # the date 13 characters on is passed over for the one within 12
        (
            "her fiftieth birthday on 14 June 2022, or 15.06.2022",
            {"2022-06-14", "2022-06-15", "1972-06-14"},
        ),
    ],
)
def test_the_birthday_reads_its_own_ordinal_and_date(text: str, want: set[str]) -> None:
    assert dates_in(text) == want


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Records list 1987 ж. 5 наурыз as the day", "1987 ж. 5 наурыз"),  # CLDR kk: y 'ж'. d MMMM
        ("Records list 1987 г. 5 марта as the day", "1987 г. 5 марта"),
        ("Records list 1987\u202fж. 05 нау. as the day", "1987\u202fж. 05 нау"),
    ],
)
def test_a_years_abbreviated_word_and_its_dot_stand_between_year_and_day(
    text: str, span: str
) -> None:
    """The dot after "ж" or "г" (the year's word, abbreviated) is no end of a sentence."""
    assert readings(text) == {(span, "1987-03-05")}


def test_a_sentences_end_between_year_and_day_still_parts_them() -> None:
    assert readings("Records list 1987. On 5 March she left.") == set()
