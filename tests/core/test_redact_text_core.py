"""The look-alike fold redaction reads a text with (issue 22): each character to the ASCII letters
of its UTS #39 prototype, then the merges inside ASCII (I, l, 1 and i; 0 and o; rn and m), and
the skeleton's words and offsets. A fold that keeps two look-alikes apart lets a value written
with the other one through."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault.redact import text as rt
from vault.redact.text import has_lookalike, lookalike_skeleton, lookalike_words

CYR_A, CYR_ER, CYR_O = "\u0430", "\u0440", "\u043e"  # а р о
GREEK_NU = "\u03bd"  # ν looks like v


@pytest.mark.parametrize(
    ("ch", "folded"),
    [
        ("l", "i"),
        ("L", "i"),
        ("I", "i"),
        ("1", "i"),
        ("i", "i"),
        ("|", "i"),  # a bar reads as an l
        ("0", "o"),
        ("O", "o"),
        ("m", "rn"),
        ("M", "rn"),
        ("a", "a"),
        ("7", "7"),
        (" ", ""),
        ("-", ""),
        (CYR_ER, "p"),  # Cyrillic er looks like p (transliterated it is r)
        ("é", "e"),
        ("Ж", "zh"),  # no prototype: the ordinary fold
        ("\u2160", "i"),  # Roman numeral one
        ("\U0001d5c5", "i"),  # mathematical sans-serif l: prototype l, then merged
    ],
)
def test_lookalike_fold_of_one_character(ch: str, folded: str) -> None:
    assert rt._lookalike_fold(ch) == folded


def test_ascii_merges() -> None:
    assert "lI1i0oOmM".translate(rt._ASCII_MERGE) == "iIiioo" + "O" + "rnM"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"N\u0456g\u04bbt\u0458{CYR_A}\u0433", True),  # Cyrillic look-alikes of "Nightjar"
        (f"R{CYR_O}ma", False),  # Cyrillic o: no entry beyond the ordinary fold
        (CYR_ER, True),
        ("Almaty 10 |", False),  # ASCII only: the ASCII merges are no look-alike
        ("", False),
        ("Ж", False),
        (f"abc {CYR_ER}", True),
    ],
)
def test_has_lookalike(text: str, expected: bool) -> None:
    assert has_lookalike(text) is expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (f"N\u0456g\u04bbt\u0458{CYR_A}\u0433 x", ["nightjar", "x"]),
        ("Almaty 10", ["airnaty", "io"]),
        ("a\u200bb 北京", ["ab", "bei", "jing"]),  # invisible dropped, CJK a word each
        ("Ill-0m", ["iii", "orn"]),
        (f"{CYR_ER}a{CYR_ER}a", ["papa"]),
        ("", []),
        (" - ", []),
    ],
)
def test_lookalike_words(text: str, words: list[str]) -> None:
    assert lookalike_words(text) == words


def test_lookalike_skeleton_maps_back_to_the_original() -> None:
    text = "x Mo1"
    sk = lookalike_skeleton(text)
    assert sk.chars == "xrnoi"
    assert sk.tokens == ((0, 1), (1, 5))
    assert sk.span(1, 5) == (2, 5)
    assert sk.span(1, 3) == (2, 3)  # "rn" both came from the M
    assert sk.start == (0, 2, 2, 3, 4)
    assert sk.end == (1, 3, 3, 4, 5)


def test_the_ordinary_fold_is_reexported() -> None:
    assert rt.fold("Sàulé T0") == "saulet0"
    assert rt.words("Sàulé T0") == ["saule", "t0"]
    assert rt.skeleton("ab").chars == "ab"
    assert rt.fold_char("Ö") == "o"
    assert rt.is_cjk("北") and not rt.is_cjk("b")


_MIXED = st.text(
    alphabet=st.sampled_from(
        [
            *"aAlI1|0Om -.,'",
            *(CYR_A, CYR_ER, CYR_O, GREEK_NU, "\u0456", "\u04bb", "\u0458"),
            *("\u200b", "\u00ad", "\u0626", "\u0640", "\u02bc", "\u05d0", "\u06cb"),
            *("北", "京", "ä", "ß", "\u0301", "ﬁ"),
        ]
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_MIXED)
def test_lookalike_words_are_exactly_the_skeleton_tokens(text: str) -> None:
    """The words are read without building the skeleton; they must be its tokens, for silent
    letters, invisible characters, CJK and multi-letter folds alike."""
    sk = lookalike_skeleton(text)
    assert lookalike_words(text) == [sk.chars[a:b] for a, b in sk.tokens]


def test_lookalike_words_keep_a_silent_letter_inside_its_word() -> None:
    # a letter with no ASCII reading (the Arabic tatweel, a modifier apostrophe) folds to
    # nothing but does not split the word it stands in; a space does
    assert lookalike_words("a\u0640b c") == ["ab", "c"]
    assert lookalike_words("a\u02bcb") == ["ab"]
