"""The text every reader reads (issue 22): :func:`vault.redact.readings.normalised` and
:func:`displayed` with the exact characters and the original offsets each came from, what
:func:`differs` and :func:`is_plain` say of a text, and how the readers are gathered.

A character the gate reads otherwise than a reader of the publication does is a value let
through; an offset one off redacts a neighbour's letter instead of the value's. All names are
invented."""

from __future__ import annotations

import pytest

import vault.redact.readings as rd
from vault.redact.readings import Normalised, Reading

RLO, PDF = "\u202e", "\u202c"


def triple(norm: Normalised) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    return norm.text, norm.starts, norm.ends


# --- normalised -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("", (), ())),
        ("abc", ("abc", (0, 1, 2), (1, 2, 3))),
        ("a\tb\nc", ("a\tb\nc", (0, 1, 2, 3, 4), (1, 2, 3, 4, 5))),  # tab and newline kept
        ("a\u200bb", ("ab", (0, 2), (1, 3))),  # a format control dropped
        ("a\x00b\rc", ("abc", (0, 2, 4), (1, 3, 5))),  # other controls dropped
        ("Sa\u0301dyrov", ("Sádyrov", (0, 1, 3, 4, 5, 6, 7), (1, 3, 4, 5, 6, 7, 8))),
        ("Nu\u0308rbek", ("Nürbek", (0, 1, 3, 4, 5, 6), (1, 3, 4, 5, 6, 7))),
        ("q\u0301x", ("qx", (0, 2), (2, 3))),  # a mark that composes with nothing: dropped
        ("a\u200b\u0301b", ("áb", (0, 3), (3, 4))),  # an invisible before a mark: one letter
        ("a\u200b\u200b\u0301b", ("áb", (0, 4), (4, 5))),
        ("a\n\u0301b", ("a\nb", (0, 1, 3), (1, 3, 4))),  # the mark goes with the newline
        ("a\u200b\n\u0301b", ("a\nb", (0, 2, 4), (1, 4, 5))),  # a newline is no invisible
        ("a\u200b\t\u0301b", ("a\tb", (0, 2, 4), (1, 4, 5))),
        ("a\u200b", ("a", (0,), (1,))),
        ("a\u20ddb", ("ab", (0, 2), (2, 3))),  # an enclosing mark goes with its letter, dropped
        # Thai SARA AM folds to a mark and a letter: the mark of no letter dropped, not the rest
        ("\u0e01\u0e33", ("\u0e01\u0e32", (0, 1), (1, 2))),
        ("ｚｈ", ("zh", (0, 1), (1, 2))),  # NFKC
        ("ﬁx", ("fix", (0, 0, 1), (1, 1, 2))),  # one character read as two
        ("a&amp;b", ("a&amp;b", (0, 1, 2, 3, 4, 5, 6), (1, 2, 3, 4, 5, 6, 7))),  # as written
    ],
)
def test_normalised_text_and_offsets(
    text: str, expected: tuple[str, tuple[int, ...], tuple[int, ...]]
) -> None:
    assert triple(rd.normalised(text)) == expected


def test_span_runs_from_the_first_to_the_last_original_character() -> None:
    norm = rd.normalised("a\u200bb\u0301c")
    assert triple(norm) == ("abc", (0, 2, 4), (1, 4, 5))
    assert norm.span(0, 1) == (0, 1)
    assert norm.span(1, 2) == (2, 4)
    assert norm.span(0, 3) == (0, 5)
    shown = rd.displayed(RLO + "abc" + PDF + "d")
    assert triple(shown) == ("cbad", (3, 2, 1, 5), (4, 3, 2, 6))
    assert shown.span(0, 3) == (1, 4)  # reversed: the least start, the greatest end
    assert shown.span(0, 1) == (3, 4)
    assert shown.span(2, 4) == (1, 6)


# --- displayed --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a&amp;b", ("a&b", (0, 1, 6), (1, 6, 7))),
        ("x&#233;y", ("xéy", (0, 1, 7), (1, 7, 8))),
        ("x&#xE9;y", ("xéy", (0, 1, 7), (1, 7, 8))),
        ("x&#XE9;y", ("xéy", (0, 1, 7), (1, 7, 8))),
        ("x<b>y</b>z", ("xyz", (0, 4, 9), (1, 5, 10))),
        ('x<a href="t.me/zh">y</a>', ("xy", (0, 19), (1, 20))),
        ("x<br/>y", ("xy", (0, 6), (1, 7))),
        ("a<!-- c -->b", ("ab", (0, 11), (1, 12))),
        ("a<!--\n-->b", ("ab", (0, 9), (1, 10))),  # a comment over lines
        ("a < b", ("a < b", (0, 1, 2, 3, 4), (1, 2, 3, 4, 5))),  # no tag
        ("a<1>b", ("a<1>b", (0, 1, 2, 3, 4), (1, 2, 3, 4, 5))),
        ("AT&T", ("AT&T", (0, 1, 2, 3), (1, 2, 3, 4))),  # no reference
        # a reference that stands for no character: read as written, each from all of it
        ("&nosuchname;", ("&nosuchname;", (0,) * 12, (12,) * 12)),
        ("&#xD800;", ("&#xD800;", (0,) * 8, (8,) * 8)),  # a surrogate
        ("&#1114112;", ("&#1114112;", (0,) * 10, (10,) * 10)),  # out of range
        ("&#xFFFD;", ("\ufffd", (0,), (8,))),  # the replacement character itself
        ("&#xfffd;", ("\ufffd", (0,), (8,))),
        ("&#65533;", ("\ufffd", (0,), (8,))),
        ("&#0;", ("&#0;", (0,) * 4, (4,) * 4)),
        ("a&lt;b&gt;c", ("a<b>c", (0, 1, 5, 6, 10), (1, 5, 6, 10, 11))),
    ],
)
def test_displayed_reads_markup_as_shown(
    text: str, expected: tuple[str, tuple[int, ...], tuple[int, ...]]
) -> None:
    assert triple(rd.displayed(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (RLO + "abc" + PDF + "d", ("cbad", (3, 2, 1, 5), (4, 3, 2, 6))),
        (RLO + "ab\ncd", ("ba\ncd", (2, 1, 3, 4, 5), (3, 2, 4, 5, 6))),  # up to the line's end
        (RLO + "abc", ("cba", (3, 2, 1), (4, 3, 2))),  # up to the text's end
        (RLO + PDF + "ab", ("ab", (2, 3), (3, 4))),  # an empty run
        (
            "x" + RLO + "ab" + PDF + "y" + RLO + "cd",
            ("xbaydc", (0, 3, 2, 5, 8, 7), (1, 4, 3, 6, 9, 8)),
        ),
        (RLO + "\u0301a" + PDF, ("á", (1,), (3,))),  # a mark shown after its letter
        ("zh" + RLO + "&amp;x" + PDF, ("zhx&", (0, 1, 8, 3), (1, 2, 9, 8))),
    ],
)
def test_displayed_reverses_a_right_to_left_override(
    text: str, expected: tuple[str, tuple[int, ...], tuple[int, ...]]
) -> None:
    assert triple(rd.displayed(text)) == expected


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("A-y-g-u-l", "Aygul"),
        ("L.é.o.p.a.r.d", "Léopard"),
        ("4 7 2 8", "4728"),
        ("a*b*c", "abc"),  # three letters, one mark between
        ("x_y_z", "xyz"),
        ("1/2/3", "123"),
        ("a|b|c", "abc"),
        ("a~b~c", "abc"),
        ("a,b,c", "abc"),
        ("a+b+c", "abc"),
        ("a·b·c", "abc"),
        # followed or preceded by a word (mended: a word after the run stopped it)
        ("call 4 7 2 8 now", "call 4728 now"),
        ("name A y g u l today", "name Aygul today"),
        ("a b c d e f", "abcdef"),
        # not spelled: two letters, three spaced, a mark that changes, a word in it
        ("a-b", "a-b"),
        ("a b c", "a b c"),
        ("a-b.c", "a-b.c"),
        ("ab-c-d", "ab-c-d"),
        ("a-b-cd", "a-b-cd"),
        ("a b c dd", "a b c dd"),
        ("a b cc d e", "a b cc d e"),
        ("a  b  c  d", "a  b  c  d"),
        ("a&b&c", "a&b&c"),
    ],
)
def test_displayed_runs_a_spelled_word_together(text: str, shown: str) -> None:
    assert rd.displayed(text).text == shown


def test_a_spelled_word_keeps_the_offsets_of_its_letters() -> None:
    assert triple(rd.displayed("A-y-g-u-l")) == ("Aygul", (0, 2, 4, 6, 8), (1, 3, 5, 7, 9))
    assert triple(rd.displayed("4 7 2 8")) == ("4728", (0, 2, 4, 6), (1, 3, 5, 7))


def test_a_spelled_run_has_at_most_forty_letters() -> None:
    forty = "-".join("ab" * 20)
    assert rd.displayed(forty).text == "ab" * 20
    forty_spaced = " ".join("ab" * 20)
    assert rd.displayed(forty_spaced).text == "ab" * 20


# --- differs and is_plain ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "differs"),
    [
        ("plain words 12", False),
        ("a&amp;b", True),
        ("x<b>y</b>", True),
        (RLO + "ab", True),
        (RLO + "a", False),  # one letter reversed reads the same
        ("A-y-g-u-l", True),
        ("4 7 2 8", True),
        ("a < b", False),
        ("AT&T", False),
        ("a-b", False),
        ("a\u200bb", False),  # invisible: both readings drop it
    ],
)
def test_differs(text: str, differs: bool) -> None:
    assert rd.differs(text) is differs


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("", True),
        ("Zhanar Bekova, 1971", True),
        ("a\tb\nc", True),
        ("Sádyrov", True),  # composed already
        ("Sa\u0301dyrov", False),  # a combining mark
        ("a\u20ddb", False),  # an enclosing mark
        ("q\u0301", False),  # a combining mark that composes with nothing: NFKC already
        ("a\u200bb", False),  # a format control
        ("a\x00b", False),
        ("a\rb", False),
        ("ｚ", False),  # not NFKC
        ("ﬁ", False),
    ],
)
def test_is_plain(text: str, plain: bool) -> None:
    assert rd.is_plain(text) is plain


# --- the readers ------------------------------------------------------------------------------


def test_readers_are_the_five_reader_modules_once() -> None:
    mods = [(v.__module__, t.__module__) for v, t in rd.readers()]
    names = ["numbers", "dates", "names", "contacts", "addresses"]
    assert mods == [(f"vault.redact.readings.{n}",) * 2 for n in names]
    assert [v.__name__ for v, _ in rd.readers()] == ["value_readings"] * 5
    assert [t.__name__ for _, t in rd.readers()] == ["text_readings"] * 5
    assert rd.readers() is rd.readers()
    assert len(rd.readers()) == 5
    fresh = rd._readers()
    assert fresh == rd.readers() and fresh is not rd.readers()


def test_readers_are_gathered_once_when_first_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    cache: list[rd.Reader] = []
    monkeypatch.setattr(rd, "_CACHE", cache)
    got = rd.readers()
    assert got is cache
    assert [t.__module__ for _, t in got][3] == "vault.redact.readings.contacts"
    assert len(got) == 5
    assert rd.readers() is cache and len(cache) == 5


def test_value_readings_gathers_every_reader() -> None:
    from vault.redact.readings import contacts

    terms = rd.value_readings("zhanar.bekova@mail.kz", "email")
    assert terms == {"#mail:zhanar.bekova@rnaii.kz", "#mail:u:zhanar.bekova"}
    assert contacts.value_readings("zhanar.bekova@mail.kz", "email") <= terms
    assert rd.value_readings("zhanar.bekova@mail.kz", "phone") == set()


def test_text_readings_reads_what_is_written_and_what_is_shown() -> None:
    text = "zhanar&#46;bekova@mail.kz"
    got = rd.text_readings(text)
    assert isinstance(got, tuple)
    # as shown: the reference read as ".", mapped back to the written span
    assert Reading(0, len(text), "#mail:zhanar.bekova@rnaii.kz") in got
    # as written
    assert Reading(11, len(text), "#mail:bekova@rnaii.kz") in got
    assert Reading(0, 6, "#mail:u:zhanar") in got
    plain = rd.text_readings("zhanar.bekova@mail.kz")
    assert Reading(0, 21, "#mail:zhanar.bekova@rnaii.kz") in plain
    assert len(plain) == len(set(plain))


def test_text_readings_reads_a_reversed_run_as_shown() -> None:
    text = "mail " + RLO + "zk.liam@ranahz" + PDF
    assert Reading(6, 20, "#mail:zhanar@rnaii.kz") in rd.text_readings(text)


def test_case_scoped_terms() -> None:
    assert rd.CASE_SCOPED == ("#name1:", "#namesur:", "#nameinit:", "#num:w:")
    for term in ("#name1:zhanar", "#namesur:bekova", "#nameinit:z bekova", "#num:w:201909"):
        assert rd.is_case_scoped(term)
    for term in (
        "#name:zhanar bekova",
        "#mail:u:zhanar",
        "name1:zhanar",
        "#Name1:zhanar",
        "",
        "#num:650402200012019094",
        "#num:cn:nightjar:7",
    ):
        assert not rd.is_case_scoped(term)
