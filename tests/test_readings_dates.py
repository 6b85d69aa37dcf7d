"""The dates reader (issue 21): a date of birth is compared by the date a text means, in any
order, language, script or numeral system — and never fires on a public date or a year alone."""

from __future__ import annotations

import pytest

from vault.redact.engine import redact
from vault.redact.entities import EntityInfo, TermSet
from vault.redact.readings.dates import dates_in, text_readings, value_readings

DOB = "1964-01-28"  # invented


def _known(*values: str) -> TermSet:
    known = TermSet()
    for v in values:
        known.add_value(v, EntityInfo("date_of_birth", "secret"))
    return known


def test_a_value_reads_as_one_term_and_nothing_weaker() -> None:
    assert value_readings(DOB, "date_of_birth") == {"#date:1964-01-28"}
    assert value_readings(DOB, "name") == set()
    assert value_readings("not a date", "date_of_birth") == set()
    assert value_readings("1964-02-30", "date_of_birth") == set()


@pytest.mark.parametrize(
    "text",
    [
        "born 28.01.1964 in Ghulja",
        "born 28/1/64",
        "born 1/28/1964",
        "born 1964.01.28",
        "born 1964-01-28",
        "born 28 01 1964",
        "born 28-Jan-64",
        "born 28.I.1964",
        "born 19640128",
        "born on the twenty-eighth of January 1964",
        "born on Tuesday, January 28, 1964",
        "born on the 28th of January, 1964",
        "born January twenty-eighth, nineteen sixty-four",
        "née le 28 janvier 1964",
        "née le mardi 28 janvier 64",
        "née le vingt-huit janvier mil neuf cent soixante-quatre",
        "geboren am 28. Januar 1964",
        "am achtundzwanzigsten Januar neunzehnhundertvierundsechzig geboren",
        "родилась 28 января 1964 г.",
        "28 Ocak 1964 doğumlu",
        "1964 жылғы 28 қаңтар",
        "1964年1月28日出生",
        "一九六四年一月二十八日",
        "born ٢٨/٠١/١٩٦٤",
        "born ２８.０１.１９６４",
        "celebrated her fiftieth birthday on 28 January 2014",
        "Jahrgang 1964, Geburtstag am 28. Januar",
    ],
)
def test_every_form_of_the_date_reads_as_it(text: str) -> None:
    assert DOB in dates_in(text)


def test_an_ambiguous_numeric_date_yields_each_reading() -> None:
    assert {"1971-04-03", "1971-03-04", "2071-04-03", "2071-03-04"} <= dates_in("03/04/71")
    # year first: year-month-day, and year-day-month as CLDR's Uyghur yMd writes it
    assert dates_in("1987-5-3") == {"1987-05-03", "1987-03-05"}
    assert dates_in("1987-5-13") == {"1987-05-13"}  # no 13th month
    assert dates_in("1987-V-3") == {"1987-05-03"}  # a Roman month is the month


@pytest.mark.parametrize(
    "text",
    [
        "She was born in 1964.",  # a year alone
        "About 1,500 people signed in 1964.",
        "The letter of 28 January 2019 was never answered.",  # a public date, same day and month
        "The letter sent on the twenty-eighth of January was never answered.",
        "He was detained on 29 January 1964.",  # a different day
        "Opinion No. 8/2022 and AU 47/21 and CERD/C/CHN/CO/14-17",
        "Call +7 701 384 6629 after 8 p.m.",
    ],
)
def test_no_reading_of_the_protected_date(text: str) -> None:
    assert DOB not in dates_in(text)


def test_redact_removes_the_date_and_keeps_public_dates() -> None:
    known = _known(DOB, "1979-03-05")
    text = (
        "Patigul, born on the twenty-eighth of January 1964, was questioned on 5 March 2020; "
        "her daughter (geb. 5.3.79) was not."
    )
    out = redact(text, lang="en", known=known).text
    assert "January 1964" not in out and "5.3.79" not in out
    assert "5 March 2020" in out


def test_spans_take_the_weekday_and_article() -> None:
    text = "Die Tochter kam an einem Samstag, den 17. September 1988 zur Welt."
    spans = {text[r.start : r.end] for r in text_readings(text) if r.term == "#date:1988-09-17"}
    assert "Samstag, den 17. September 1988" in spans


def test_offsets_are_of_the_original_text_with_invisible_characters() -> None:
    text = "born 28\u200b.01.1964 here"
    (r,) = [r for r in text_readings(text) if r.term == "#date:" + DOB]
    assert text[r.start : r.end] == "28\u200b.01.1964"


def test_a_long_text_is_read_in_linear_work() -> None:
    """No test times a wall clock: a long text must give no more readings than its sentences
    give one by one, twice over (a reading may pair words across two sentences; none across
    many: no quadratic blow-up)."""
    sentence = "The court met on 5 July 2021 in Urumqi and heard 12 witnesses."
    one = len(list(text_readings(sentence)))
    many = len(list(text_readings(" ".join([sentence] * 170))))
    assert many <= 2 * 170 * (one + 1)  # linear: quadratic work would give ~170 times more
