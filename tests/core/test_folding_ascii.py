"""The fast paths of word splitting (vault.models.folding: a fixed table for ASCII text, a
table filled as characters are met for any other) give exactly the words the
character-by-character rule gives, under the ordinary fold and the look-alike fold: they are
only faster ways to the same answer."""

from __future__ import annotations

import string
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vault.models import folding
from vault.redact import text as redact_text

FOLDS: dict[str, Callable[[str], str]] = {
    "ordinary": folding.fold_char,
    "look-alike": redact_text._lookalike_fold,
}


@pytest.mark.parametrize("fold", FOLDS)
@settings(max_examples=300)
@given(text=st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
@example(text="Gusa Miboza, No. 78 Anar Road")
@example(text="a.b@mail.kz\t\x00\x7fX_y-Z 0l1|m")
@example(text=string.printable)
def test_ascii_words_are_the_character_rules_words(fold: str, text: str) -> None:
    one = FOLDS[fold]
    for split_cjk in (True, False):
        want = folding._split_chars(text, split_cjk=split_cjk, fold_one=one)
        assert folding._split(text, split_cjk=split_cjk, fold_one=one) == want


#: Letters of the scripts casework is written in, separators, marks and invisible characters.
_MIXED = st.sampled_from(
    [
        *"Gül Ähmet Сәуле Қайрат ئايگۈل مۇھەممەت 阿依古丽·阿布力米提 卡里",
        *["\u200b", "\u200d", "\u00ad", "\u0301", "\u064b", "-", "\u2013", "_", ".", "@", "\n"],
        *["\u00df", "\u0130", "\ufb01", "\uff21", "\u2460", "\u00bd", "\U0001d400", "\U00020000"],
    ]
)


@pytest.mark.parametrize("fold", FOLDS)
@settings(max_examples=300)
@given(
    text=st.lists(st.one_of(_MIXED, st.characters(exclude_categories=["Cs"])), max_size=40).map(
        "".join
    )
)
@example(text="Карисо Тумеди, 卡里·图美迪 ساۋۇت")
@example(text="a\u200bb c\u0301d 卡x里")
def test_any_texts_words_are_the_character_rules_words(fold: str, text: str) -> None:
    one = FOLDS[fold]
    for split_cjk in (True, False):
        want = folding._split_chars(text, split_cjk=split_cjk, fold_one=one)
        assert folding._split(text, split_cjk=split_cjk, fold_one=one) == want


def test_a_character_that_folds_to_a_space_takes_the_character_rule_in_any_text() -> None:
    def spaced(ch: str) -> str:
        return "a b" if ch == "ж" else folding.fold_char(ch)

    assert folding.folded_words("xжz é", spaced) == ["xa bz", "e"]


def test_the_fast_path_splits_on_every_ascii_separator() -> None:
    seps = "".join(c for c in map(chr, range(128)) if not c.isalnum())
    assert folding.words(f"ab{seps}CD") == ["ab", "cd"]
    assert folding.words("x" + "".join(f"{c}y" for c in seps)) == ["x"] + ["y"] * len(seps)


def test_a_fold_to_other_than_letters_and_digits_takes_the_character_rule() -> None:
    def spaced(ch: str) -> str:
        return "a b" if ch == "q" else folding.fold_char(ch)

    assert folding._ascii_table(spaced) is None
    assert folding.folded_words("xqz", spaced) == ["xa bz"]


def test_text_with_a_non_ascii_character_still_folds_it() -> None:
    assert folding.words("Gül Ähmet Сәуле") == ["gul", "ahmet", "saule"]
