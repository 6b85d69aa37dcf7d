"""The numbers reader's exact readings (issue 22): what each step of
:mod:`vault.redact.readings.numbers` must read (exact digits, exact spans, exact reading terms)
and, above all, what it must refuse — a token one letter off, a gap one character too long, a
run one digit too short or too long, a word that is not a codename's.

A reader that reads less than this lets a detainee's family phone number or a source's identity
number through into a publication; one that reads more redacts years, counts and other people's
numbers. All numbers, names and codenames here are invented."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vault.redact.readings import Reading
from vault.redact.readings import numbers as num
from vault.redact.readings.numbers import _Chunk


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Each test reads its texts afresh (the chunks of the last few texts are cached)."""
    num._chunks.cache_clear()
    num.normalised_once.cache_clear()
    yield


def readings(text: str) -> set[tuple[int, int, str]]:
    """Every (start, end, digits) the number reader yields for ``text`` (normalised offsets)."""
    return set(num._readings(text, num._chunks(text)))


def terms(text: str) -> set[str]:
    return {form for _, _, form in readings(text)}


def numbers_of(text: str) -> list[tuple[tuple[int, int] | None, list[str], tuple[int, ...]]]:
    """The numbers of ``text``: (span of its plus, digits of its chunks, starts of its pieces)."""
    out = []
    for n in num._numbers(text, num._chunks(text)):
        plus = (n.plus.start, n.plus.end) if n.plus is not None else None
        out.append((plus, [c.digits for c in n.chunks], n.pieces))
    return out


def chunks_of(text: str) -> list[tuple[int, int, str, str]]:
    return [(c.start, c.end, c.digits, c.kind) for c in num._chunks(text)]


def codenames(text: str) -> list[tuple[int, int, str]]:
    return list(num._codename_readings(text, num._chunks(text)))


# --- words of the lexicon -----------------------------------------------------------------------


def test_a_phrase_is_its_folded_words_without_digits_or_marks() -> None:
    assert num._phrase("Quatre-Vingt-Seize") == ("quatre", "vingt", "seize")
    assert num._phrase("ZÉRO virgule 5_six") == ("zero", "virgule", "six")
    assert num._phrase("") == ()


def test_small_takes_the_longest_phrase_at_its_offset() -> None:
    lex = num._lexicon()
    assert num._small(["nine", "hundred", "and", "ninety", "six"], 0, lex) == (996, 5)
    assert num._small(["twenty", "one"], 0, lex) == (21, 2)
    assert num._small(["twenty", "one", "x"], 0, lex) == (21, 2)
    assert num._small(["x", "two"], 1, lex) == (2, 1)
    assert num._small(["x", "twenty", "one"], 1, lex) == (21, 2)
    assert num._small(["two", "x"], 0, lex) == (2, 1)
    assert num._small(["hello"], 0, lex) == (0, 0)
    assert num._small([], 0, lex) == (0, 0)
    assert num._small(["two"], 1, lex) == (0, 0)


def test_match_reads_a_phrase_then_thousand_then_a_phrase() -> None:
    lex = num._lexicon()
    assert num._match(["quatre", "vingt", "treize", "mille", "cent"], lex) == (93100, 5)
    assert num._match(["two", "thousand"], lex) == (2000, 2)
    assert num._match(["two", "thousand", "and"], lex) == (2000, 2)
    assert num._match(["two", "thousand", "thousand"], lex) == (2000, 2)
    assert num._match(["mille"], lex) == (1000, 1)
    assert num._match(["thousand", "two"], lex) == (1002, 2)
    assert num._match(["tausend", "x"], lex) == (1000, 1)
    assert num._match(["two"], lex) == (2, 1)
    assert num._match(["two", "x"], lex) == (2, 1)
    assert num._match(["hello", "thousand"], lex) == (0, 0)
    assert num._match(["hello"], lex) == (0, 0)
    assert num._match([], lex) == (0, 0)


# --- one token read as digits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("700218455", "700218455"),
        ("٩٩٦٧٠٠", "996700"),  # Arabic-Indic
        ("۰۵۳۳", "0533"),  # Persian
        ("७७०५", "7705"),  # Devanagari
        ("65O1O2l988", "6501021988"),  # O and l typed for 0 and 1
        ("I23", "123"),  # a look-alike at the start is a digit, not a code letter
        ("O12", "012"),
        ("1|2", "112"),
        ("12X", "12x"),  # the check letter, kept in lower case
        ("12x", "12x"),
        ("1X", "1x"),
        ("123X", "123x"),
        ("1OX", "10x"),  # the check letter after a look-alike digit
        ("431lX", "4311x"),
        ("AN4728193", "an4728193"),  # a code of up to 3 letters, kept in lower case
        ("A1", "a1"),
        ("Ab1", "ab1"),
        ("ABC123", "abc123"),
        ("AO123", "ao123"),  # a letter of the code, not a look-alike digit
        ("A1O", "a10"),
        ("AC5519027X", "ac5519027x"),
    ],
)
def test_digit_token_reads(token: str, expected: str) -> None:
    assert num._digit_token(token) == expected


@pytest.mark.parametrize(
    "token",
    [
        "Nightjar",  # letters only
        "X",
        "OlI",  # look-alikes with no digit
        "O|",
        "l|",
        "ABCD123",  # a code of 4 letters
        "12a34",  # a letter inside the digits
        "1AX",  # X after a letter is no check letter
        "12XX",
        "A12b",  # a letter after the code's digits
        "AB1C2",
        "Ⅻ",  # a Roman numeral is no decimal digit
    ],
)
def test_digit_token_refuses(token: str) -> None:
    assert num._digit_token(token) is None


# --- Chinese numerals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ch", "value"),
    [
        ("〇", 0),  # U+3007, the first of the range
        ("一", 1),
        ("九", 9),
        ("零", 0),
        ("两", 2),
        ("兩", 2),
        ("壹", 1),
        ("玖", 9),
        ("\uf9b2", 0),  # compatibility ideographs (U+F900..U+FAFF)
        ("\uf9d1", 6),
        ("\uf96b", 3),
    ],
)
def test_cjk_value_reads_a_digit(ch: str, value: int) -> None:
    assert num._cjk_value(ch) == value
    assert num._is_cjk_numeral(ch)


@pytest.mark.parametrize(
    "ch",
    [
        "5",
        "٥",  # a digit of another script: read elsewhere, not as a Chinese numeral
        "①",
        "Ⅴ",
        "〆",  # U+3006, just before the range
        "中",
        "a",
        "X",
        "〸",  # Hangzhou numeral ten: a value of 10 or more is no digit
        "廿",
        "\uf9fd",  # compatibility ideograph for ten
    ],
)
def test_cjk_value_refuses(ch: str) -> None:
    assert num._cjk_value(ch) is None
    assert not num._is_cjk_numeral(ch)


@pytest.mark.parametrize("ch", ["十", "拾", "百", "佰", "千", "仟", "万", "萬", "亿", "億"])
def test_units_are_numerals_without_a_digit_value(ch: str) -> None:
    assert num._cjk_value(ch) is None
    assert num._is_cjk_numeral(ch)


@pytest.mark.parametrize(
    ("run", "digits"),
    [
        ("一三八〇四七一二二六五", "13804712265"),  # digit by digit
        ("壹叁捌零", "1380"),
        ("〇〇七", "007"),
        ("一百二十三", "123"),  # positionally
        ("十五", "15"),
        ("二十", "20"),
        ("两百", "200"),
        ("三万", "30000"),
        ("十万", "100000"),
        ("三万五千", "35000"),
        ("一万零五", "10005"),
        ("一千零五十", "1050"),
        ("一亿", "100000000"),
        ("一亿二千万", "120000000"),
        ("一百〇", "100"),
        ("壹佰贰拾叁", "123"),
    ],
)
def test_cjk_digits(run: str, digits: str) -> None:
    assert num._cjk_digits(run) == digits


# --- tokens and chunks --------------------------------------------------------------------------


def test_tokens_split_chinese_numerals_from_the_letters_around_them() -> None:
    assert num._tokens("电话一三八〇号 x") == [
        (0, 2, "电话"),
        (2, 6, "一三八〇"),
        (6, 7, "号"),
        (8, 9, "x"),
    ]
    assert num._tokens("二十号") == [(0, 2, "二十"), (2, 3, "号")]
    assert num._tokens("Zéro 65O1, ok") == [
        (0, 4, "Zéro"),
        (5, 9, "65O1"),
        (9, 10, ","),
        (11, 13, "ok"),
    ]
    assert num._tokens("") == []


def test_chunks_of_a_dictated_number() -> None:
    text = "Call +996 double five triple two oh A, plus 7 dann twenty-one 一百二十三"
    assert chunks_of(text) == [
        (0, 4, "", "word"),
        (5, 6, "", "plus"),
        (6, 9, "996", "num"),
        (10, 21, "55", "num"),
        (22, 32, "222", "num"),
        (33, 35, "0", "num"),
        (36, 37, "a", "letter"),
        (39, 43, "", "plus"),
        (44, 45, "7", "num"),
        (46, 50, "", "join"),
        (51, 61, "21", "num"),
        (62, 67, "123", "num"),
    ]


def test_word_numbers_are_the_chunks_written_in_words() -> None:
    assert num.word_numbers("Call nine 12 oh, twenty-one A 1") == {
        5: (9, "9"),
        13: (15, "0"),
        17: (27, "21"),
    }
    assert num.word_numbers("Room 12, 34 A") == {}


# --- numbers and their pieces -------------------------------------------------------------------


def test_strong_gaps_set_pieces_apart() -> None:
    for gap in (",", ", ", ";", "\u2013", " \u2014 ", ". ", " - ", "x, y"):
        assert num._strong(gap), gap
    for gap in ("", " ", ".", "-", " -", "- ", "/", "(", "X", "XX"):
        assert not num._strong(gap), gap


def test_weak_words_are_the_articles_and_the_turkish_ten() -> None:
    text = "on ON un une ein Eine bir one zehn"
    spans = [(m, m + len(w)) for m, w in _word_spans(text)]
    weak = [num._weak(text, _Chunk(a, b, "", "num")) for a, b in spans]
    assert weak == [True, True, True, True, True, True, True, False, False]


def _word_spans(text: str) -> list[tuple[int, str]]:
    out, at = [], 0
    for w in text.split(" "):
        out.append((at, w))
        at += len(w) + 1
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call +996 700 218 455 now", [((5, 6), ["996", "700", "218", "455"], (0,))]),
        ("nine nine six, five five five", [(None, ["9", "9", "6", "5", "5", "5"], (0, 3))]),
        ("plus 996, 700 218", [((0, 4), ["996", "700", "218"], (0, 1))]),
        # a gap of 6 separators joins, of 7 does not
        ("700 218      455", [(None, ["700", "218", "455"], (0,))]),
        ("700 218       455", [(None, ["700", "218"], (0,)), (None, ["455"], (0,))]),
        # a mark that is no separator, or a blank line, ends a number
        ("700:218", [(None, ["700"], (0,)), (None, ["218"], (0,))]),
        ("700\n\n218", [(None, ["700"], (0,)), (None, ["218"], (0,))]),
        ("700\n218", [(None, ["700", "218"], (0,))]),
        ("700 (218) 455", [(None, ["700", "218", "455"], (0,))]),
        # a word ends a number
        ("12 Room 700218", [(None, ["12"], (0,)), (None, ["700218"], (0,))]),
        # a joining word sets a piece apart; before or after nothing, it is nothing
        ("700218 and 455", [(None, ["700218", "455"], (0, 1))]),
        ("and 700218", [(None, ["700218"], (0,))]),
        ("700218 and", [(None, ["700218"], (0,))]),
        ("12 and 34 56", [(None, ["12", "34", "56"], (0, 1))]),
        # a plus opens a new number and belongs to it
        ("+ 12 plus 700218", [((0, 1), ["12"], (0,)), ((5, 9), ["700218"], (0,))]),
        ("12 + 34", [(None, ["12"], (0,)), ((3, 4), ["34"], (0,))]),
        ("+ Room 12", [(None, ["12"], (0,))]),
        ("+:12", [(None, ["12"], (0,))]),
        # a weak word is a piece of its own, before or after
        ("on 7 00218", [(None, ["10", "7", "00218"], (0, 1))]),
        ("700218 on", [(None, ["700218", "10"], (0, 1))]),
        ("12, 34 eine 56", [(None, ["12", "34", "1", "56"], (0, 1, 2, 3))]),
        ("A C 551902 7", [(None, ["a", "c", "551902", "7"], (0,))]),
        ("12 - 34.56. 78", [(None, ["12", "34", "56", "78"], (0, 1, 3))]),
        ("12 -34 . 56", [(None, ["12", "34", "56"], (0, 2))]),
    ],
)
def test_numbers(
    text: str, expected: list[tuple[tuple[int, int] | None, list[str], tuple[int, ...]]]
) -> None:
    assert numbers_of(text) == expected


# --- readings of a text -------------------------------------------------------------------------


def test_a_number_of_one_piece_reads_whole_and_as_a_window() -> None:
    assert readings("Call +996 700 218 455 now") == {
        (5, 21, "996700218455"),
        (5, 21, "w:996700218455"),
    }
    assert readings("Code 400128.") == {(5, 11, "400128"), (5, 11, "w:400128")}
    assert readings("Code 40012.") == set()
    assert readings("Code A 40012.") == set()  # a letter is no digit


def test_runs_of_pieces_read_whole_but_only_the_number_is_a_window() -> None:
    assert readings("plus 996, 700 218 455") == {
        (0, 21, "996700218455"),
        (0, 21, "w:996700218455"),
        (10, 21, "700218455"),  # no plus in the span of a later piece
    }
    assert readings("12, 3456") == {(0, 8, "123456"), (0, 8, "w:123456")}
    assert readings("1234567, 12") == {
        (0, 7, "1234567"),
        (0, 11, "123456712"),
        (0, 11, "w:123456712"),
    }


def test_a_weak_word_at_either_end_is_left_out_of_the_window() -> None:
    assert readings("on 700218") == {
        (0, 9, "10700218"),
        (3, 9, "700218"),
        (3, 9, "w:700218"),
    }
    assert readings("700218 on") == {
        (0, 6, "700218"),
        (0, 6, "w:700218"),
        (0, 9, "70021810"),
    }
    assert readings("un deux trois quatre cinq six") == {(0, 29, "123456")}
    assert readings("on 123456 on") == {
        (0, 9, "10123456"),
        (0, 12, "1012345610"),
        (3, 9, "123456"),
        (3, 9, "w:123456"),
        (3, 12, "12345610"),
    }


def test_a_short_number_before_a_long_one_does_not_stop_the_reading() -> None:
    assert readings("Room 12, call 700218455") == {
        (14, 23, "700218455"),
        (14, 23, "w:700218455"),
    }


def test_a_number_dictated_digit_by_digit_with_commas_is_read_whole() -> None:
    """A phone read out one digit at a time, a comma after each, is one number of 12 pieces: it
    reads as its 12 digits, and as a window (it was missed when runs stopped at 8 pieces)."""
    text = "Her number: nine, nine, six, seven, zero, zero, two, one, eight, four, five, five."
    assert {"996700218455", "w:996700218455", "70021845", "700218455"} <= terms(text)
    protected = num.value_readings("+996 700 218 455", "phone")
    read = {r.term for r in num.text_readings(text)}
    assert {"#num:996700218455", "#num:700218455"} <= read & protected
    assert {r.term for r in num.text_readings("Her number: 7, 0, 0, 2, 1, 8, 4, 5, 5.")} & protected


def test_runs_of_pieces_up_to_24_digits_read_as_one() -> None:
    assert terms("1, 2, 3, 4, 5, 6, 7, 8, 9") == {
        "123456789",
        "w:123456789",
        "123456",
        "1234567",
        "12345678",
        "234567",
        "2345678",
        "23456789",
        "345678",
        "3456789",
        "456789",
    }
    assert terms("123456789012345678901234") == {
        "123456789012345678901234",
        "w:123456789012345678901234",
    }
    assert terms("1234567890123456789012345") == set()
    assert terms("1234567890123, 1234567890124") == {"1234567890123", "1234567890124"}
    digits = "1, 2, 3, 4, 5, 6, 7, 8, 9, 0, " * 2 + "1, 2, 3, 4, 5"
    read = terms(digits)  # 25 pieces of one digit: the runs of 24 are read, not the 25
    assert "123456789012345678901234" in read
    assert "234567890123456789012345" in read
    assert not any(len(t) > 24 for t in read if not t.startswith("w:"))
    assert not any(t.startswith("w:") for t in read)


def test_a_leading_plus_is_in_the_span_of_the_number_as_read() -> None:
    assert readings("plus 700218") == {(0, 11, "700218"), (0, 11, "w:700218")}
    assert readings("Tel. + 700218") == {(5, 13, "700218"), (5, 13, "w:700218")}


def test_letters_and_the_check_letter_give_more_forms() -> None:
    assert readings("A C 551902 7") == {
        (0, 12, "ac5519027"),
        (0, 12, "w:ac5519027"),
        (0, 12, "5519027"),
        (0, 12, "w:5519027"),
    }
    assert readings("A N 400128") == {
        (0, 10, "an400128"),
        (0, 10, "w:an400128"),
        (0, 10, "400128"),
        (0, 10, "w:400128"),
    }
    assert readings("650102 19900315 431X") == {
        (0, 20, "65010219900315431x"),
        (0, 20, "w:65010219900315431x"),
        (0, 20, "65010219900315431"),
        (0, 20, "w:65010219900315431"),
    }
    # the plus only in the span of the number as written: its other forms start at its digits
    assert readings("+ 1234567X") == {
        (0, 10, "1234567x"),
        (0, 10, "w:1234567x"),
        (2, 10, "1234567"),
        (2, 10, "w:1234567"),
    }
    assert readings("+ A 123456") == {
        (0, 10, "a123456"),
        (0, 10, "w:a123456"),
        (2, 10, "123456"),
        (2, 10, "w:123456"),
    }
    assert readings("12345 X") == set()  # 5 digits and a letter


# --- codenames ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NIGHTJAR-7", [(0, 10, "#num:cn:nightjar:7")]),
        ("NIGHTJAR 007", [(0, 12, "#num:cn:nightjar:7")]),
        ("Nightjar Seven", [(0, 14, "#num:cn:nightjar:7")]),
        ("NIGHTJAR sept", [(0, 13, "#num:cn:nightjar:7")]),
        ("Nightjar 1234", [(0, 13, "#num:cn:nightjar:1234")]),
        ("Nightjar #_ 3", [(0, 13, "#num:cn:nightjar:3")]),
        ("Épervier 2", [(0, 10, "#num:cn:epervier:2")]),
        ("Seen: Kite 5", [(6, 12, "#num:cn:kite:5")]),
        ("Nightjar" * 5 + " 7", [(0, 42, "#num:cn:" + "nightjar" * 5 + ":7")]),
    ],
)
def test_codename_readings(text: str, expected: list[tuple[int, int, str]]) -> None:
    assert codenames(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "7",
        "- 7",
        "Nightjar 12345",  # more than 4 digits
        "Nightjar AB12",  # letters in the number
        "Nightjar A",
        "Nightjar七",  # no mark between the word and the number
        "Nightjar:7",
        "Owl 7",  # fewer than 4 letters
        "Twenty 5",  # a number word
        "Nightjar plus 7",  # a word that is no name
        "Nightjar then 7",
        "Nightjar" * 5 + "N 7",  # a word of more than 40 letters
    ],
)
def test_codename_refusals(text: str) -> None:
    assert codenames(text) == []


# --- a text read end to end ---------------------------------------------------------------------


def test_text_readings_map_back_to_the_original_offsets() -> None:
    text = "Tel: ＋８６ １３８\u200b０４７１ ２２６５, FALCON-4."
    assert list(num.text_readings(text)) == [
        Reading(5, 22, "#num:8613804712265"),
        Reading(5, 22, "#num:w:8613804712265"),
        Reading(24, 32, "#num:cn:falcon:4"),
    ]
    assert list(num.text_readings("")) == []
    assert list(num.text_readings("\u200b")) == []
    assert list(num.text_readings("Nothing to read here.")) == []


# --- a protected value --------------------------------------------------------------------------


def test_digits_of_a_value() -> None:
    assert num._digits_of("+996 (700) 218-455") == "996700218455"
    assert num._digits_of("＋８６ ٩٩٦ ①²") == "8699612"
    assert num._digits_of("no digits") == ""


def test_windows() -> None:
    assert num._windows("12345") == set()
    assert num._windows("123456") == {"123456"}
    assert num._windows("1234567") == {"123456", "234567", "1234567"}
    assert num._windows("12345678", ends=(7,)) == {"1234567", "234567"}
    assert num._windows("12345678", ends=(7, 8)) == {
        "1234567",
        "234567",
        "12345678",
        "2345678",
        "345678",
    }
    assert num._windows("12345678", ends=()) == set()


def test_phone_readings_of_a_number_in_international_form() -> None:
    assert num.phone_readings("+996 700 218 455") == {
        "996700218455",  # E.164
        "00996700218455",
        "0700218455",  # national, with the trunk prefix
        "700218455",  # national significant number
        "w:700218455",
        "w:70021845",
        "w:00218455",
        "w:7002184",
        "w:0021845",
        "w:0218455",
        "w:700218",
        "w:002184",
        "w:021845",
        "w:218455",
    }
    # the digits as written are read too, "(0)" and all
    written = num.phone_readings("+44 (0)20 7946 0018")
    assert {"4402079460018", "442079460018", "00442079460018", "02079460018"} <= written
    assert num.phone_readings("+376 312345") == {"376312345", "00376312345", "312345", "w:312345"}
    assert num.phone_readings("+996 12345") == {"99612345", "0099612345"}


def test_a_phone_written_with_00_reads_as_the_same_phone_with_plus() -> None:
    """00 is written for "+": the value gives every format the "+" form gives (it gave only its
    digits, and its national form "0700 218 455" in a text was not redacted)."""
    plus = num.phone_readings("+996 700 218 455")
    assert num.phone_readings("00996 700 218 455") == plus
    assert num.phone_readings("00 (996) 700-218-455") == plus
    assert "0700218455" in num.phone_readings("00996 700 218 455")


def test_phone_readings_of_a_number_that_does_not_parse() -> None:
    assert num.phone_readings("2 218 455") == {
        "2218455",
        "w:2218455",
        "w:221845",
        "w:218455",
    }
    assert num.phone_readings("218 455") == {"218455"}  # six digits: no windows
    assert num.phone_readings("18 455") == set()


def test_id_readings_end_at_the_serial() -> None:
    assert num.id_readings("900315400128") == {
        "900315400128",
        "w:900315400128",
        "w:00315400128",
        "w:0315400128",
        "w:315400128",
        "w:15400128",
        "w:5400128",
        "w:400128",
        "w:90031540012",
        "w:0031540012",
        "w:031540012",
        "w:31540012",
        "w:1540012",
        "w:540012",
    }
    assert num.id_readings("AC 551902-7") == {
        "ac5519027",
        "w:ac5519027",
        "w:c5519027",
        "w:5519027",
        "w:519027",
        "w:ac551902",
        "w:c551902",
        "w:551902",
    }


def test_id_readings_of_a_check_letter_and_letters_between_digits() -> None:
    assert num.id_readings("12345678A9") == {
        "12345678a9",
        "w:12345678a9",
        "w:2345678a9",
        "w:345678a9",
        "w:45678a9",
        "w:12345678a",
        "w:2345678a",
        "w:345678a",
        "w:123456789",
        "w:23456789",
        "w:3456789",
        "w:456789",
        "w:12345678",
        "w:2345678",
        "w:345678",
    }
    prc = num.id_readings("650102 19900315 431X")
    assert {"65010219900315431x", "w:65010219900315431x", "w:65010219900315431"} <= prc
    assert {"w:315431x", "w:315431", "w:031543"} <= prc
    assert "w:15431x" not in prc  # five digits and a letter
    assert "w:650102199003" not in prc  # the place and birth date alone
    assert len(prc) == 1 + 12 + 12 + 11  # ending at 18, at 17, and the digits' ending at 16


def test_id_readings_refuse_fewer_than_six_digits() -> None:
    assert num.id_readings("AB12345") == set()
    assert num.id_readings("АБ123456") == {"123456", "w:123456"}  # Cyrillic letters dropped
    assert num.id_readings("ab-1234.56") == {"ab123456", "w:ab123456", "w:b123456", "w:123456"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("FALCON-4", {"#num:cn:falcon:4"}),
        (" Nightjar 007 ", {"#num:cn:nightjar:7"}),
        ("Nightjar#_.12", {"#num:cn:nightjar:12"}),
        ("Kite4", {"#num:cn:kite:4"}),
        ("Épervier-٣", {"#num:cn:epervier:3"}),
        ("ＫＩＴＥ－９", {"#num:cn:kite:9"}),
        ("Owl-4", set()),
        ("Falcon-12345", set()),
        ("Falcon", set()),
        ("4-Falcon", set()),
        ("Falcon 4 x", set()),
    ],
)
def test_codename_value_readings(value: str, expected: set[str]) -> None:
    assert num.codename_readings(value) == expected
    assert num.value_readings(value, "codename") == expected


def test_value_readings_by_kind() -> None:
    assert num.value_readings("218 455", "phone") == {"#num:218455"}
    assert num.value_readings("AB 123456", "id_number") == {
        "#num:ab123456",
        "#num:w:ab123456",
        "#num:w:b123456",
        "#num:w:123456",
    }
    assert num.value_readings("218 455", "person") == set()
    assert num.value_readings("FALCON-4", "phone") == set()
