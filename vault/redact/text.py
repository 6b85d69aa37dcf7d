"""Folding text for redaction: the names redaction uses, from the one pipeline that search
uses too (:mod:`vault.models.folding`), so that a value the index can find is a value
redaction can see, spelled however it is spelled. Pure: no I/O.

Redaction folds a second way as well, because transliteration and look-alikes disagree: Cyrillic
'р' is 'r' to a reader of Russian but 'p' to a reader of Latin, so "Nіgһtјаг" written with
Cyrillic letters transliterates to "nightjag". The *look-alike* fold (:func:`lookalike_skeleton`)
maps each character to the ASCII letters of its UTS #39 confusables skeleton
(:mod:`vault.redact.confusables`, generated from ICU), then merges what stays confusable inside
ASCII itself (I, l, 1 and i; 0 and o; rn and m), so that case folding cannot undo the merge.
"""

from __future__ import annotations

from functools import lru_cache

from vault.models.folding import Skeleton, fold, fold_char, folded_words, is_cjk, skeleton, words
from vault.redact.confusables import LOOKALIKE

__all__ = [
    "Skeleton",
    "fold",
    "fold_char",
    "has_lookalike",
    "is_cjk",
    "lookalike_skeleton",
    "lookalike_words",
    "skeleton",
    "words",
]

#: Inside ASCII, what UTS #39 still calls confusable once case is folded away.
_ASCII_MERGE = str.maketrans({"l": "i", "1": "i", "0": "o", "m": "rn"})


@lru_cache(maxsize=8192)
def _lookalike_fold(ch: str) -> str:
    """One character under the look-alike fold: its UTS #39 prototype, else the ordinary fold,
    then the ASCII merges."""
    folded = LOOKALIKE.get(ch)
    if folded is None:
        folded = "i" if ch == "|" else fold_char(ch)
    return folded.translate(_ASCII_MERGE)


def has_lookalike(text: str) -> bool:
    """Whether the look-alike fold of ``text`` can differ from its ordinary fold beyond the
    ASCII merges (a character listed in the UTS #39 table)."""
    return any(ch in LOOKALIKE for ch in text if not ch.isascii())


def lookalike_skeleton(text: str) -> Skeleton:
    """The skeleton of ``text`` under the look-alike fold; words split by the same rule as
    :func:`vault.models.folding.skeleton` (invisible characters dropped, CJK a word each)."""
    return skeleton(text, _lookalike_fold)


def lookalike_words(text: str) -> list[str]:
    """The words of :func:`lookalike_skeleton` (for the terms of a value), without building the
    skeleton: a case's values are read this way hundreds of times as it is indexed."""
    return folded_words(text, _lookalike_fold)
