"""Unit tests of vault.redact.unchecked (issue 22): every shape a reviewer must be made to look
at, pinned by its exact span and kind, with the near misses that must NOT be marked, and the
helpers each rule is made of. A mutant that stops a span being marked is a leak that passes
silently, so the positive cases are the ones that matter most. Invented names only."""

from __future__ import annotations

import pytest

from vault.redact import unchecked as U
from vault.redact.unchecked import (
    KINDS,
    REASONS,
    Unchecked,
    find_unchecked,
    term_keys,
    value_shapes,
)


def marked(text: str, lang: str = "en", **kw: object) -> list[tuple[int, int, str]]:
    return [(u.start, u.end, u.kind) for u in find_unchecked(text, lang, **kw)]  # type: ignore[arg-type]


# --- exact spans of each rule -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        # e-mail, with '@' and '.' however they are written
        ("Contact: nurbek.t@mail.kz today", "en", [(9, 25, "email")]),
        ("write to nurbek at mail dot kz today", "en", [(9, 30, "email")]),
        ("write to nurbek [at] mail [dot] kz today", "en", [(9, 34, "email")]),
        ("write to nurbek ＠ mail . kz today", "en", [(9, 27, "email")]),
        ("write to nurbek%40mail.kz today", "en", [(9, 25, "email")]),
        ("écrire à nurbek arobase mail point kz svp", "fr", [(9, 37, "email")]),
        ("write to nurbek собака mail точка kz today", "en", [(9, 36, "email")]),
        ("write to a.b.c@mail.co.uk today", "en", [(9, 25, "email")]),
        ("write to nurbek {at} mail (punkt) kz today", "en", [(9, 36, "email")]),
        ("see mailto:nurbek@mail.kz today", "en", [(4, 25, "email")]),
        # handles and personal links
        ("see @nurbek_t today", "en", [(4, 13, "handle")]),
        ("see x.com/nurbek9 today", "en", [(4, 17, "handle")]),
        ("see https://example.org/p/nurbek today", "en", [(4, 32, "handle")]),
        ("see www.example.org/nurbek today", "en", [(4, 26, "handle")]),
        ("see wa.me/77016625938 today", "en", [(4, 21, "handle")]),
        ("id nurbek underscore almaty today", "en", [(3, 33, "handle")]),
        ("id nurbek tiret bas almaty", "fr", [(3, 26, "handle")]),
        # phones: a '+' and four or more digits or number words
        ("call +49 151 2384 7716 now", "en", [(5, 22, "phone")]),
        ("call +7 seven oh one now", "en", [(5, 20, "phone")]),
        # numbers
        ("file 4471 9920 open", "en", [(5, 14, "number")]),
        ("file 4471 open", "en", [(5, 9, "number")]),
        ("the ID ٤٤٧١ here", "en", [(7, 11, "number")]),
        ("sum 1,500 here", "en", [(4, 9, "number")]),
        ("code 447 1 here", "en", [(5, 10, "number")]),
        ("A N 47 28 193 here", "en", [(0, 13, "number")]),
        ("in 1899 it", "en", [(3, 7, "number")]),
        ("in 2100 it", "en", [(3, 7, "number")]),
        ("in 2017-13 it", "en", [(3, 10, "number")]),
        ("in 2017-00 it", "en", [(3, 10, "number")]),
        ("nine nine six today", "en", [(0, 13, "number")]),
        ("one thousand men", "en", [(0, 12, "number")]),
        ("seven 4 5 today", "en", [(0, 9, "number")]),
        ("zwölfhundertdreiundvierzig", "de", [(0, 26, "number")]),
        ("tausend", "de", [(0, 7, "number")]),
        ("key 1234567890123456 ok", "en", [(4, 20, "number")]),
        # dates with their day
        ("born 9 March 1971 ok", "en", [(5, 17, "date")]),
        ("born March 9, 1971 ok", "en", [(5, 18, "date")]),
        ("born 9th of March ok", "en", [(5, 17, "date")]),
        ("born on Monday 12 ok", "en", [(8, 17, "date")]),
        ("born 12.03.1971 ok", "en", [(5, 15, "date")]),
        ("born 1971/03/12 ok", "en", [(5, 15, "date")]),
        ("born 12-III-71 ok", "en", [(5, 14, "date")]),
        ("born 5|3|'79 ok", "en", [(5, 12, "date")]),
        ("born 1971年3月9日 ok", "en", [(5, 14, "date")]),
        ("born 1971W10 ok", "en", [(5, 12, "date")]),
        ("born 1971-W10-2 ok", "en", [(5, 15, "date")]),
        ("born 1954-137 ok", "en", [(5, 13, "date")]),
        ("the first Monday of May 1954 here", "en", [(4, 28, "date")]),
        ("am vierten Sonntag im November 1954", "de", [(3, 35, "date")]),
        ("day 137 of 1954 here", "en", [(4, 15, "date")]),
        ("1958-жылы 23-ноябрда", "en", [(0, 20, "date")]),
        ("born 1995 jylǵy 12 ok", "en", [(5, 18, "date")]),
        ("born 12 Rajab 1391 ok", "en", [(5, 18, "date")]),
        ("the year 1971, and 12", "en", [(9, 21, "date")]),
        ("1971 year 12", "en", [(0, 12, "date")]),
        ("Mar 9", "en", [(0, 5, "date")]),
        ("9 mai", "fr", [(0, 5, "date")]),
        # addresses: a street word and a number near it, and house numbers beside a finding
        ("lives at 12 Abay St. ok", "en", [(9, 20, "address")]),
        ("lives at Abay St. 12 ok", "en", [(9, 20, "address")]),
        ("lives at Abay St., no. 12 ok", "en", [(9, 25, "address")]),
        ("ул. Абая 12", "en", [(0, 11, "address")]),
        ("Lindenstraße 14 Berlin", "de", [(0, 15, "address")]),
        ("Prinsengracht 263 ok", "en", [(0, 17, "address")]),
        ("Dostyk 212, kv. 7 ok", "en", [(0, 17, "address")]),
        ("Whg. 14 of Nurbek", "en", [(0, 7, "address"), (11, 17, "name")]),
        ("no. 5 only", "en", [(0, 5, "address")]),
        # encoded text
        ("&#77;&#117; Nurmemet ok", "en", [(0, 20, "encoded")]),
        ("%4E%75%72 ok", "en", [(0, 9, "encoded")]),
        ("\\u004e\\u0075 ok", "en", [(0, 12, "encoded")]),
        ("key SGVsbG8gV29ybGQx ok", "en", [(4, 20, "encoded")]),
        ("key SGVsbG8=  ok", "en", [(4, 12, "encoded")]),
        # names: capitalised and rare, lower case and unknown, or in another script
        ("Met Nurbek Toqtarov here", "en", [(0, 19, "name")]),
        ("met nurbekov here", "en", [(4, 12, "name")]),
        ("Мы видели Айгерим.", "en", [(0, 17, "name")]),
        ("ئۇ نۇرمەمەت بىلەن", "en", [(0, 17, "name")]),
        ("我见到了阿依古丽。", "en", [(0, 8, "name")]),
        ("signed by YASINOVA M. here", "en", [(10, 21, "name")]),
        ("from A. Tursunova here", "en", [(5, 17, "name")]),
        ("from TOQTAROV, Nurbek here", "en", [(5, 21, "name")]),
        ("from Toqtarov-Nurbek here", "en", [(5, 20, "name")]),
        ("d'Aygul ici", "fr", [(2, 7, "name")]),
        ("Aygul's car here", "en", [(0, 5, "name")]),
        ("ɴᴜʀʙᴇᴋ here", "en", [(0, 6, "name")]),
        ("key abcdefghijklmnop ok", "en", [(4, 20, "name")]),
        ("write to nurbek at mail today", "en", [(9, 15, "name")]),
    ],
)
def test_each_rule_marks_its_exact_span(
    text: str, lang: str, want: list[tuple[int, int, str]]
) -> None:
    assert marked(text, lang) == want


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("in 1971 it", "en"),  # a year alone is public
        ("in 2017-07 it", "en"),  # a year and month
        ("in 2099/12 it", "en"),
        ("in 1900.1 it", "en"),
        ("since June 2019 only", "en"),  # no day
        ("on 9 it", "en"),
        ("the 5th floor", "en"),
        ("room 447 here", "en"),  # three digits
        ("one or two things", "en"),
        ("three men", "en"),
        ("seven 4 today", "en"),  # a word and a digit: too few
        ("see @nur today", "en"),  # a handle of three letters
        ("an email@ here", "en"),
        ("The family has received no information.", "en"),
        ("Die Familie hat keine Nachricht erhalten.", "de"),
        ("La famille n'a reçu aucune information.", "fr"),
        ("a no 5 only", "en"),  # "no" with no full stop is a word
        ("st 12 words", "en"),
        ("He left on Monday.", "en"),
        ("twenty years", "en"),
        ("Monday to Friday", "en"),
        ("12th", "en"),
        ("May 1954", "en"),
        ("Room 12 of 1971", "en"),
    ],
)
def test_near_misses_are_not_marked(text: str, lang: str) -> None:
    assert marked(text, lang) == []


def test_every_kind_has_its_reason() -> None:
    assert KINDS == ("email", "handle", "phone", "date", "address", "number", "encoded", "name")
    assert set(REASONS) == set(KINDS)
    got = find_unchecked("file 4471 open", "en")
    assert got == [Unchecked(5, 9, "number", "a number of 4 or more digits")]
    assert got[0].to_json("file 4471 open") == {
        "start": 5,
        "end": 9,
        "kind": "number",
        "reason": "a number of 4 or more digits",
        "text": "4471",
    }


# --- helpers of numbers and dates -------------------------------------------------------------


def test_bare_years() -> None:
    for raw in ("1971", "1900", "2099", "2017-07", "2017/1", "2017.12", "2017-01"):
        assert U._is_bare_year(raw), raw
    for raw in ("1899", "2100", "2017-13", "2017-00", "20171", "1971-07-01", "197", "x1971"):
        assert not U._is_bare_year(raw), raw


def test_year_and_day_sizes() -> None:
    assert [U._year_like(x) for x in ("1300", "1299", "2099", "2100", "123", "12345")] == [
        True,
        False,
        True,
        False,
        False,
        False,
    ]
    assert [
        U._day_like(x) for x in ("1", "0", "366", "367", "12th", "123456", "1234567", "abc")
    ] == [
        True,
        False,
        True,
        False,
        True,
        True,
        False,
        False,
    ]


def test_is_day() -> None:
    def run(text: str) -> U._Run:
        (r,) = U._numeric_runs(text)
        return r

    assert U._is_day("9", run("9"))
    assert not U._is_day("1971", run("1971"))
    assert not U._is_day("x'71", U._Run(1, 4, 2, 0, False, False))
    assert not U._is_day("x’71", U._Run(1, 4, 2, 0, False, False))
    assert U._is_day("x'712", U._Run(1, 5, 3, 0, False, False))


def test_is_number() -> None:
    def run(digits: int = 0, words: int = 0, big: bool = False) -> U._Run:
        return U._Run(0, 0, digits, words, big, False)

    assert U._is_number(run(4), "4471")
    assert not U._is_number(run(4), "1971")
    assert not U._is_number(run(3), "447")
    assert U._is_number(run(words=3), "x")
    assert not U._is_number(run(words=2), "x")
    assert U._is_number(run(words=1, big=True), "x")
    assert U._is_number(run(digits=2, words=1), "x")
    assert U._is_number(run(digits=1, words=2), "x")
    assert not U._is_number(run(digits=1, words=1), "x")
    assert not U._is_number(run(digits=2), "x")
    assert U._is_number(run(words=1), "x" * 12)
    assert not U._is_number(run(words=1), "x" * 11)
    assert not U._is_number(run(digits=1, words=1), "x" * 12)


def test_numeric_runs() -> None:
    assert U._numeric_runs("A N 47 28 193 and +7 701 six, forty X") == [
        U._Run(0, 13, 7, 0, False, False),
        U._Run(18, 35, 4, 2, False, True),
    ]
    assert U._numeric_runs("one thousand, 12") == [U._Run(0, 16, 2, 2, True, False)]
    # a glue word is a token of its own: it ends the run (so "1971 and 1975" stays two years)
    assert U._numeric_runs("4 et 5") == [
        U._Run(0, 1, 1, 0, False, False),
        U._Run(5, 6, 1, 0, False, False),
    ]
    assert U._numeric_runs("4 or 5") == [
        U._Run(0, 1, 1, 0, False, False),
        U._Run(5, 6, 1, 0, False, False),
    ]
    assert U._numeric_runs("A B") == []  # capitals alone are no run
    assert U._numeric_runs("+ 5 A") == [U._Run(0, 3, 1, 0, False, True)]  # trailing letter dropped
    assert U._numeric_runs("12     34") == [
        U._Run(0, 2, 2, 0, False, False),
        U._Run(7, 9, 2, 0, False, False),
    ]
    assert U._numeric_runs("12    34") == [U._Run(0, 8, 4, 0, False, False)]
    assert U._numeric_runs("65O1O2l988O9l7342X") == [U._Run(0, 18, 12, 0, False, False)]


def test_number_words() -> None:
    words = U._number_words()
    for w in ("nine", "neun", "neuf", "девять", "dokuz", "oh", "double", "zéro", "first", "un"):
        assert w in words, w
    for w in ("and", "et", "und", "и", "a", "on", "une", "ein", "eine"):
        assert w not in words, w
    assert U._is_number_word("Nine")
    assert U._is_number_word("fünfhundert")  # a German compound, six letters or more
    assert not U._is_number_word("einsx")
    assert U._is_number_word("elfter")  # six letters: long enough to be read as a compound
    assert not U._is_number_word("zwan")
    assert [
        U._big_number_word(w) for w in ("thousand", "Mille", "Tausend", "тысяча", "million", "mil")
    ] == [True] * 6
    assert not U._big_number_word("ten")


def test_scripts_other_than_latin() -> None:
    for w in ("Айгерим", "ɴᴜʀʙᴇᴋ", "نۇر", "古丽", "ɐ", "ᶿ"):
        assert U._script_other_than_latin(w), w
    for w in ("Nurbek", "Nürbek", "ɏ", "ǝ", "12", "-"):
        assert not U._script_other_than_latin(w), w


def test_unknown_words() -> None:
    assert U._unknown_word("nurbek", "en")
    assert U._unknown_word("Nurbek", "en")
    assert U._unknown_word("nurbek-qasym", "en")
    assert not U._unknown_word("nur", "en")  # too short to tell
    assert not U._unknown_word("the", "en")
    assert not U._unknown_word("nurbek's", "en")
    assert not U._unknown_word("nurbek’s", "en")
    assert not U._unknown_word("mahire-house", "en")
    assert not U._unknown_word("maison", "fr")
    assert not U._unknown_word("house", "fr")  # a word of English is a word too
    assert U._common("The", "en") and U._common("house", "en") and not U._common("nurbek", "en")


# --- public terms -------------------------------------------------------------------------------


def test_term_keys() -> None:
    assert term_keys("Ili Kazakh Autonomous Prefecture", "name") == [
        "name:ilikazakhautonomousprefecture",
        "name:ilikazakh",
        "name:kazakhautonomous",
        "name:autonomousprefecture",
        "name:ilikazakhautonomous",
        "name:kazakhautonomousprefecture",
    ]
    assert term_keys("12 34", "number") == ["number:1234"]
    assert term_keys("Nurbek Sadyrov", "address") == ["address:nurbeksadyrov"]
    assert term_keys("...", "name") == []
    assert term_keys("Nurbek", "name") == ["name:nurbek"]
    keys = term_keys("A B C D E F G H", "name")
    # runs of two to six words, never a word alone nor a run of seven
    assert len(keys) == 1 + 7 + 6 + 5 + 4 + 3
    assert "name:a" not in keys and "name:abcdefg" not in keys and "name:abcdef" in keys
    assert term_keys("A B C D E F G", "name")[-1] == "name:bcdefg"


def test_cleared() -> None:
    assert U._cleared("Nurbek", "name", {"name:nurbek"})
    assert not U._cleared("Nurbek", "name", {"number:nurbek"})
    assert not U._cleared("Nurbek Sadyrov", "name", {"name:nurbek"})
    assert U._cleared("...", "name", set())  # nothing to clear it under: nothing to show


def test_a_public_term_clears_only_its_own_span() -> None:
    text = "Met Nurbek Toqtarov and Aygul Sadyrova"
    assert marked(text) == [(0, 19, "name"), (24, 38, "name")]
    public = {"name:metnurbektoqtarov"}
    assert marked(text, public=public) == [(24, 38, "name")]
    assert marked(text, public={"name:nurbektoqtarov"}) == [(0, 19, "name"), (24, 38, "name")]


def test_a_house_number_beside_a_cleared_name_is_not_marked_alone() -> None:
    # "Dostyk" cleared as a public name: its house number has no finding to stand beside
    assert marked("Dostyk 212 ok", public={"name:dostyk"}) == []
    assert marked("Dostyk 212 ok") == [(0, 10, "address")]
    # the joined span is cleared under its own key
    assert marked("Dostyk 212 ok", public={"address:dostyk212"}) == []


# --- spans, merging, house numbers ----------------------------------------------------------------


def test_outside() -> None:
    assert U._outside(0, 10, [(2, 4), (8, 12)]) == [(0, 2), (4, 8)]
    assert U._outside(0, 10, []) == [(0, 10)]
    assert U._outside(3, 5, [(0, 10)]) == []
    assert U._outside(0, 10, [(0, 1)]) == [(1, 10)]
    assert U._outside(0, 10, [(9, 10)]) == [(0, 9)]


def test_redactions_are_skipped_and_the_rest_kept() -> None:
    text = "Met Nurbek Toqtarov here"
    assert marked(text, skip=[(4, 10)]) == [(0, 4, "name"), (10, 19, "name")]
    assert marked(text, skip=[(0, 24)]) == []
    # what is left beside a redaction is only punctuation: nothing to mark
    assert marked("Nurbek [x]. ok", skip=[(7, 10)]) == [(0, 6, "name")]
    assert marked("Nurbek 4471", skip=[(0, 6)]) == [(7, 11, "number")]


def test_touches() -> None:
    assert U._touches("ab, cd", (0, 2), (4, 6))
    assert U._touches("ab, cd", (4, 6), (0, 2))  # either order
    assert U._touches("ab cd", (0, 2), (3, 5))
    assert U._touches("ab/cd", (0, 2), (3, 5))
    assert U._touches("ab – cd", (0, 2), (5, 7))
    assert U._touches("abcd", (0, 2), (2, 4))
    assert U._touches("ab. cd", (0, 2), (4, 6))  # an abbreviation's full stop
    assert U._touches("abcd. ef", (0, 4), (6, 8))
    assert not U._touches("abcde. ef", (0, 5), (7, 9))
    assert not U._touches("ab\ncd", (0, 2), (3, 5))
    assert not U._touches("ab,, cd", (0, 2), (5, 7))
    assert not U._touches("ab; cd", (0, 2), (4, 6))
    assert not U._touches("ab cd", (0, 4), (3, 5))  # overlapping is not side by side
    assert not U._touches("1. cd", (0, 1), (3, 5))  # a digit is no abbreviation


def test_merged() -> None:
    assert U._merged("ab cd", [(0, 2, "name"), (1, 4, "number")], overlapping_only=True) == [
        (0, 4, "number")
    ]
    assert U._merged("ab cd", [(1, 4, "number"), (0, 2, "email")], overlapping_only=True) == [
        (0, 4, "email")
    ]
    assert U._merged("ab cd", [(0, 2, "name"), (3, 5, "house")], overlapping_only=True) == [
        (0, 2, "name"),
        (3, 5, "house"),
    ]
    assert U._merged("ab cd", [(0, 2, "name"), (3, 5, "house")], overlapping_only=False) == [
        (0, 5, "house")
    ]
    assert U._merged("ab cd", [(0, 2, "name"), (3, 5, "encoded")], overlapping_only=False) == [
        (0, 5, "encoded")
    ]
    assert U._merged("ab cd", [(0, 2, "name"), (3, 5, "number")], overlapping_only=False) == [
        (0, 2, "name"),
        (3, 5, "number"),
    ]
    assert U._merged("ab; cd", [(0, 2, "name"), (4, 6, "house")], overlapping_only=False) == [
        (0, 2, "name"),
        (4, 6, "house"),
    ]
    assert U._merged("abcd", [(0, 4, "name"), (1, 2, "date")], overlapping_only=True) == [
        (0, 4, "date")
    ]
    assert U._merged("abcd", [(0, 2, "name"), (2, 4, "date")], overlapping_only=True) == [
        (0, 2, "name"),
        (2, 4, "date"),
    ]
    assert U._PRIORITY == {
        "email": 0,
        "handle": 1,
        "phone": 2,
        "date": 3,
        "address": 4,
        "house": 5,
        "number": 6,
        "encoded": 7,
        "name": 8,
    }


def test_house_numbers() -> None:
    assert U._house_numbers("Dostyk 212, kv. 7", [(0, 6, "name")], []) == [
        (7, 10, "house"),
        (12, 17, "house"),
    ]
    assert U._house_numbers("Nurbek 1999", [(0, 6, "name")], []) == []  # a year
    assert U._house_numbers("12 of Nurbek", [(6, 12, "name")], []) == []  # "of" between
    assert U._house_numbers("Nurbek 5 6 7", [(0, 6, "name")], []) == [
        (7, 8, "house"),
        (9, 10, "house"),
        (11, 12, "house"),
    ]
    assert U._house_numbers("7 6 Nurbek", [(4, 10, "name")], []) == [
        (0, 1, "house"),
        (2, 3, "house"),
    ]
    assert U._house_numbers("Nurbek 5", [(0, 6, "name")], [(7, 8)]) == []  # redacted already
    assert U._house_numbers("Nurbek 5", [], []) == []
    assert U._house_numbers("Nurbek 5", [(0, 6, "name")], []) == [(7, 8, "house")]
    assert U._house_numbers("apt 7 Nurbek", [(6, 12, "name")], []) == [(0, 5, "house")]
    assert U._house_numbers("Nurbek apt 7", [(0, 6, "name")], []) == [(7, 12, "house")]
    assert U._house_numbers("Nurbek. 7", [(0, 6, "name")], []) == []
    assert U._house_numbers("Nurbek 31-III, 3B", [(0, 6, "name")], []) == [
        (7, 13, "house"),
        (15, 17, "house"),
    ]
    # the word before the number is the finding itself: not a label
    assert U._house_numbers("Nurbek 7", [(0, 6, "name")], []) == [(7, 8, "house")]
    assert U._house_numbers("Abc 7", [(0, 3, "name")], []) == [(4, 5, "house")]


def test_value_shapes_are_in_the_texts_own_offsets() -> None:
    assert value_shapes("Call +49 151 2384 7716 today") == [(5, 22, "phone")]
    # a full-width number: normalised to read, reported where it stands
    assert value_shapes("Ｎo ４４７１ here") == [(3, 7, "number")]
    assert value_shapes("nothing here") == []
    assert value_shapes("nurbek.t@mail.kz") == [(0, 16, "email")]


def test_text_read_as_displayed_too() -> None:
    # a right-to-left override shows "4471 9920" reversed; both readings are looked at
    text = "see \u202e0299 1744\u202c ok"
    assert [k for _, _, k in marked(text)] == ["number"]
    # markup hides the digits from a plain reading, not from a displayed one
    got = marked("see 44<b></b>71 ok")
    assert got and got[0][2] == "number"


def test_overlaps() -> None:
    assert U._overlaps((2, 5), [(4, 6)])
    assert U._overlaps((2, 5), [(0, 3)])
    assert U._overlaps((2, 5), [(0, 9)])
    assert not U._overlaps((2, 5), [(5, 6)])
    assert not U._overlaps((2, 5), [(0, 2)])
    assert not U._overlaps((2, 5), [])


@pytest.mark.parametrize(
    ("word", "lang"),
    [
        ("day", "en"),
        ("days", "en"),
        ("year", "en"),
        ("years", "en"),
        ("an", "fr"),
        ("année", "fr"),
        ("jour", "fr"),
        ("jours", "fr"),
        ("tag", "de"),
        ("tage", "de"),
        ("tages", "de"),
        ("jahr", "de"),
        ("jahre", "de"),
        ("jahres", "de"),
        ("yil", "tr"),
        ("yılı", "tr"),
        ("г", "ru"),
        ("год", "ru"),
        ("года", "ru"),
        ("году", "ru"),
    ],
)
def test_a_common_word_that_says_day_or_year_makes_a_date(word: str, lang: str) -> None:
    # the word is common in the language: only its meaning makes "1954 <word> 12" a date
    assert U._common(word, lang)
    text = f"1954 {word} 12"
    assert marked(text, lang) == [(0, len(text), "date")]
    assert marked(f"1954 {word} 12".replace(word, "the" if lang == "en" else "la"), lang) == []


def _year_day(text: str, lang: str = "en") -> list[tuple[int, int, str]]:
    return list(U._year_and_day(text, U._numeric_runs(text), lang))


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        # runs up to two before and two after the year are its day's candidates, not three
        (
            "4     5     6 qz 1954 qz 7     8     9",
            "en",
            [(6, 21, "date"), (12, 21, "date"), (17, 26, "date"), (17, 32, "date")],
        ),
        # a number too big for a day is passed over, not the end of the search
        ("5000 qz 1954 qz 7", "en", [(8, 17, "date")]),
        ("The record here says 1995 jylǵy 12", "en", [(21, 34, "date")]),
        # at most 30 characters between them
        ("1954 " + "q" * 28 + " 12", "en", [(0, 36, "date")]),
        ("1954 " + "q" * 29 + " 12", "en", []),
        # at most two words between them
        ("1954 qz qz 12", "en", [(0, 13, "date")]),
        ("1954 qz qz qz 12", "en", []),
        # a suffix after a hyphen is part of the date; a word after a space is not
        ("1958-жылы 23-й", "en", [(0, 14, "date")]),
        ("1954 qz 12 ab", "en", [(0, 10, "date")]),
        ("1954 qz 12- ok", "en", [(0, 10, "date")]),
        # the word just before (within 12 characters) counts too
        ("г 12 и 1954", "ru", [(2, 11, "date")]),
        ("x 12 и 1954", "ru", []),
        ("today" + " " * 8 + "12 of 1954", "en", [(13, 23, "date")]),  # "oday" is no word
        ("today" + " " * 7 + "12 of 1954", "en", []),
        ("day 137 of 1954", "en", [(4, 15, "date")]),
        ("12 qz 1954", "en", [(0, 10, "date")]),
        ("12 of 1954", "en", []),
        # a run too far, or with too many words between, is passed over, not the end
        ("5 " + "q" * 30 + " 1954 qz 7", "en", [(33, 42, "date")]),
        ("5 qz qz qz 1954 qz 7", "en", [(11, 20, "date")]),
    ],
)
def test_year_and_day(text: str, lang: str, want: list[tuple[int, int, str]]) -> None:
    assert _year_day(text, lang) == want


def test_word_edges_of_the_helpers() -> None:
    assert U._script_other_than_latin("\U00017000")  # a letter with no name in unicodedata
    assert U._common("abject", "en")  # Zipf exactly 3.0: common
    assert U._unknown_word("qzxv", "en")  # four letters are enough to tell
    assert not U._touches("ab.; cd", (0, 2), (4, 6))  # only the full stop is dropped
    assert not U._touches("ab.\n cd", (0, 2), (5, 7))


@pytest.mark.parametrize(
    ("text", "kw", "want"),
    [
        ("Aygul’s car here", {}, [(0, 5, "name")]),  # the typographic possessive is cut too
        ("三月九日 Nurbek Toqtarov", {}, [(5, 20, "name")]),  # a CJK date does not end the search
        ("Nurbek. Toqtarov", {}, [(0, 6, "name"), (8, 16, "name")]),  # a sentence ends there
        ("from A.Tursunova here", {}, [(5, 16, "name")]),  # an initial with no space
        # what is left of a span beside a redaction is marked unless it is only punctuation
        ("signed by YASINOVA M. here", {"skip": [(10, 18), (19, 20)]}, []),
        ("Nurbek X ok", {"skip": [(0, 6)]}, [(6, 8, "name")]),
        # a cleared name does not stay inside the encoded text beside it
        ("%4E%75%72 Nurmemet ok", {}, [(0, 18, "encoded")]),
        ("%4E%75%72 Nurmemet ok", {"public": {"name:nurmemet"}}, [(0, 9, "encoded")]),
    ],
)
def test_name_and_join_edges(
    text: str, kw: dict[str, object], want: list[tuple[int, int, str]]
) -> None:
    assert marked(text, **kw) == want


def test_a_hyphenated_word_of_common_parts_is_not_rare() -> None:
    # both parts are common words; the whole, as one token, is not
    assert not U._common("Abject-Afield", "en")
    assert list(U._name_spans("Abject-Afield", "en")) == []
    assert list(U._name_spans("Abject-Afield Nurbek", "en")) == [(0, 20, "name")]


def test_house_numbers_go_on_past_a_year() -> None:
    assert U._house_numbers("1999 Nurbek 5", [(5, 11, "name")], []) == [(12, 13, "house")]


def _dates(text: str) -> list[tuple[int, int, str]]:
    return list(U._dates(text, U._numeric_runs(text)))


def test_nth_weekday_dates() -> None:
    assert _dates("The First Monday of May 1954") == [(4, 28, "date"), (4, 16, "date")]
    # an ordinal with no weekday after it does not end the search
    assert _dates("first came the second Monday of May 1954")[0] == (15, 40, "date")
    # the month and year after it: a run starting right after, or at most 20 characters on
    assert _dates("first Monday.12 ok") == [(0, 15, "date"), (0, 15, "date")]
    assert _dates("first Monday" + " " * 17 + "qz 1954")[0] == (0, 36, "date")
    assert _dates("first Monday" + " " * 18 + "qz 1954")[0] == (0, 12, "date")


_L28 = "Abcdefghijklmnopqrstuvwxyzab"  # a word of 28 letters: with its two spaces, 30 characters


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Abay ave 12", [(0, 11, "address")]),  # a street word of three letters needs no stop
        ("no, Abay St. 12", [(4, 15, "address")]),  # a bare "no" does not end the search
        ("Abay St. and Lenin St. 12", [(13, 25, "address")]),  # nor a street with no number
        ("Abay St.12", [(0, 10, "address")]),  # the number right after the full stop
        # a number at most 30 characters before or after the street word
        ("12 " + _L28 + " St.", [(0, 35, "address")]),
        ("12 " + _L28 + "c St.", []),
        ("St. " + _L28 + " 12", [(0, 35, "address")]),
        ("St. " + _L28 + "c 12", []),
        ("St. " + "q" * 40 + " 12", []),
        ("12" + " " * 31 + "St.", []),
        # the street's name is looked for in the 40 characters before it
        ("Q" + "w" * 39 + " St. 12", [(41, 47, "address")]),
    ],
)
def test_address_edges(text: str, want: list[tuple[int, int, str]]) -> None:
    assert list(U._addresses(text, U._numeric_runs(text))) == want


def test_a_mark_left_beside_a_redaction_lends_no_kind() -> None:
    """A finding cut by a redaction can leave nothing outside it but a mark (the "-" before
    "[withheld]"). That mark alone is no finding: it must not join the span it touches and give it
    its kind. Here a right-to-left override makes the displayed text read a date across the
    redaction; "St." stays a street address. (Found by mutation testing: with the marks kept,
    `find_unchecked` 35, the address was reported as a date.)"""
    text = "St.\u202e-[withheld]2\n1983"
    skip = [(text.index("["), text.index("]") + 1)]
    found = find_unchecked(text, "en", skip=skip)
    assert [(f.start, f.end, f.kind) for f in found] == [(0, 5, "address"), (15, 21, "date")]
