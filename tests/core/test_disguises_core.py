"""The disguised views of a text, exactly (issue 22): which stretches of leetspeak are read again
and where each character of a view came from; which encoded runs are decoded and which are
refused (wrong length, wrong alphabet, undecodable, unreadable). A view that maps a character to
the wrong place redacts the wrong span; a run that is not decoded lets an encoded value through.
All names are invented."""

from __future__ import annotations

import base64

import pytest

from vault.redact import disguises as dg
from vault.redact.disguises import View, decoded_pieces, disguised_views


def _b64(s: str) -> str:
    return base64.b64encode(s.encode("utf-8")).decode("ascii")


def _ids(start: int, end: int) -> list[tuple[int, int]]:
    return [(i, i + 1) for i in range(start, end)]


# --- View ---------------------------------------------------------------------------------------


def test_view_span_is_the_least_start_and_greatest_end() -> None:
    view = View("abcd", ((4, 5), (2, 3), (9, 12), (7, 8)))
    assert view.span(0, 2) == (2, 5)
    assert view.span(1, 3) == (2, 12)
    assert view.span(2, 4) == (7, 12)
    assert view.span(3, 4) == (7, 8)
    assert view.span(0, 4) == (2, 12)


# --- leetspeak ----------------------------------------------------------------------------------


def test_leet_translation_table() -> None:
    assert "013457@$".translate(dg._LEET) == "oieastas"


@pytest.mark.parametrize(
    ("text", "view", "start"),
    [
        ("He is P4rh4t Tursun now", "He is Parhat Tursun now", 0),
        ("one two P4rh4t three four five", "one two Parhat three four", 0),  # two words a side
        ("a b c d3fgh", "b c defgh", 2),
        ("P4rh4t T0rsun", "Parhat Torsun", 0),  # stretches that touch are one
        ("p@ss w0rd", "pass word", 0),
        ("x@abc1", "xaabci", 0),
        ("4bcd", "abcd", 0),
        ("abc1", "abci", 0),
        ("café1x", "caféix", 0),
        ("_ab1", "_abi", 0),
        ("P4rh4t.x", "Parhat.x", 0),
        ("$ilv3rf0x", "silverfox", 0),
        ("x\tP4rh4t\u00a0y", "x\tParhat\u00a0y", 0),
        ("a" * 39 + "1", "a" * 39 + "i", 0),  # forty characters: still a word
    ],
)
def test_leet_view_text(text: str, view: str, start: int) -> None:
    out = dg._leet(text)
    assert out is not None
    assert out.text == view
    assert out.origin == tuple(_ids(start, start + len(view)))


@pytest.mark.parametrize(
    "text",
    [
        "abc 2019 x",  # digits alone
        "ab1",  # three characters
        "a" * 40 + "1",  # forty-one
        "abcd",  # letters alone
        "1234",
        "@@@@",
        "",
    ],
)
def test_no_leet_view(text: str) -> None:
    assert dg._leet(text) is None


def test_leet_stretches_on_two_lines_are_two_stretches() -> None:
    text = "a P4rh4t b\nc T0rs un d"
    out = dg._leet(text)
    assert out is not None
    assert out.text == "a Parhat b\nc Tors un d"
    assert out.origin == (*_ids(0, 10), (11, 11), *_ids(11, 22))


def test_leet_reads_back_at_most_eighty_characters() -> None:
    text = "w " * 50 + "abc x P4rh4t"  # the two words before it are within reach
    out = dg._leet(text)
    assert out is not None and out.text == "abc x Parhat"
    long_word = "y" * 100
    text = long_word + " P4rh4t"
    out = dg._leet(text)
    assert out is not None
    assert out.text == "y" * 79 + " Parhat"
    assert out.origin[0] == (21, 22)


def test_leet_far_apart_stretches() -> None:
    text = "P4rh4t a b c d e T0rsun"
    out = dg._leet(text)
    assert out is not None
    assert out.text == "Parhat a b\nd e Torsun"
    assert out.origin == (*_ids(0, 10), (13, 13), *_ids(13, 23))


# --- encoded runs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        (f"x {_b64('Parhat Tursun')} y", [("Parhat Tursun", 2, 22)]),
        (_b64("Parhat"), [("Parhat", 0, 8)]),
        (_b64("Parhat T"), [("Parhat T", 0, 12)]),  # one '='
        (_b64("Parhat Tu"), [("Parhat Tu", 0, 12)]),  # none
        (_b64("Parhat\nTursun"), [("Parhat\nTursun", 0, 20)]),
        (_b64("a\tb cd"), [("a\tb cd", 0, 8)]),
        ("%50%61rhat", [("Pa", 0, 6)]),
        ("%50%61%72", [("Par", 0, 9)]),
        ("%c3%a9t%C3%A9", [("é", 0, 6), ("é", 7, 13)]),
        ("\\u0050\\u0061rhat", [("Pa", 0, 12)]),
        (
            f"{_b64('Parhat')} %50%61 \\u0050\\u0061",
            [("Parhat", 0, 8), ("Pa", 9, 15), ("Pa", 16, 28)],
        ),
    ],
)
def test_decoded_pieces(text: str, pieces: list[tuple[str, int, int]]) -> None:
    assert list(decoded_pieces(text)) == pieces


@pytest.mark.parametrize(
    "text",
    [
        "abcdefgh",  # letters of one case: a word, not Base64
        "ABCDEFGH",
        "TDFVTUZL",  # a word in capitals, though it decodes to "L1UMFK"
        "eeiimsmf",  # a word in lower case, though it decodes to letters
        "abcdEFGHx",  # length not a multiple of four
        _b64("Parhat")[:-1],
        _b64("Parhat Tursun")[:-1],  # its '=' short
        "MTIzNDU2Nzg=",  # "12345678": no letter in it
        "AAECAwQFBgc=",  # control characters
        "x+" + _b64("Parhat"),  # run on from a '+'
        _b64("Parhat") + "x",
        "_" + _b64("Parhat"),
        "UGFy",
        "UGFyaGE=",  # the shortest run read is eight characters before its padding
        _b64("Parhat") + "===",
        "%FF%FE",  # not UTF-8
        "%31%32",  # no letter
        "%41%00",  # a control character
        "\\u0050\\U0061",  # an upper-case U wants eight digits
        "\\ud800",  # a lone surrogate
        "\\u0031",
        "%4",
        "\\u005",
    ],
)
def test_no_decoded_pieces(text: str) -> None:
    assert list(decoded_pieces(text)) == []


@pytest.mark.parametrize(
    "refused", ["TDFVTUZL", "abcdefg", "%FF", "\\U0050", "\\ud800", "MTIzNDU2Nzg="]
)
def test_a_refused_run_does_not_stop_the_reading_of_the_next(refused: str) -> None:
    text = f"{refused} {_b64('Parhat')} %50%61 \\u0050\\u0061"
    at = len(refused) + 1
    assert list(decoded_pieces(text)) == [
        ("Parhat", at, at + 8),
        ("Pa", at + 9, at + 15),
        ("Pa", at + 16, at + 28),
    ]


def test_base64_padding_inside_a_run_is_refused() -> None:
    # "=" only at the end: the run stops at the first "=" and what follows is another run
    assert list(decoded_pieces("UGFy=aGF0")) == []


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        (b"Parhat", "Parhat"),
        (b"a\nb\tc", "a\nb\tc"),
        ("é".encode(), "é"),
        (b"\xff", None),
        (b"123", None),
        (b"", None),
        (b"a\rb", None),
        (b"a\x00", None),
        ("a\u200b".encode(), None),  # a format character (Cf)
        ("a\ue000".encode(), None),  # private use (Co)
    ],
)
def test_readable(raw: bytes, out: str | None) -> None:
    assert dg._readable(raw) == out


def test_decoded_view_maps_each_character_to_its_whole_run() -> None:
    text = f"a {_b64('Parhat')} b %50%61"
    view = dg._decoded(text)
    assert view is not None
    assert view.text == "Parhat\nPa"
    assert view.origin == ((2, 10),) * 6 + ((13, 13),) + ((13, 19),) * 2
    assert dg._decoded("nothing encoded") is None


# --- all the views ------------------------------------------------------------------------------


def test_disguised_views_in_order() -> None:
    text = "Par<b>hat</b> P4rh4t " + _b64("Parhat")
    views = disguised_views(text)
    assert [v.text for v in views] == [
        "Parhat P4rh4t " + _b64("Parhat"),
        "Par<b>hat</b> Parhat " + _b64("Parhat").replace("0", "o"),  # of the text as written
        "Parhat",
    ]
    shown = views[0]
    assert shown.origin[:6] == ((0, 1), (1, 2), (2, 3), (6, 7), (7, 8), (8, 9))
    assert len(shown.origin) == len(shown.text)


def test_disguised_views_of_plain_text_are_none() -> None:
    assert disguised_views("plain text, nothing to read") == ()


def test_each_view_alone() -> None:
    assert [v.text for v in disguised_views("Par<b>hat</b>")] == ["Parhat"]
    assert [v.text for v in disguised_views("P4rh4t")] == ["Parhat"]
    assert [v.text for v in disguised_views("%50%61")] == ["Pa"]
