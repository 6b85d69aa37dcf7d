"""The ASCII fast path of word splitting (vault.models.folding) gives exactly the words the
character-by-character rule gives, under the ordinary fold and the look-alike fold: it is only
a faster way to the same answer."""

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
