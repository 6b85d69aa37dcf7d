"""Folding text so that tricks do not hide a value, while remembering where each character came
from. Pure: no I/O.

A *skeleton* keeps only letters and digits, each folded: NFKC, case-folded, diacritics removed,
transliterated to ASCII by anyascii (so Cyrillic and Greek look-alikes, other scripts and Chinese
characters all become Latin). Separators (spaces, hyphens, line breaks, punctuation) are dropped;
invisible format characters (zero-width space, joiners, soft hyphen) are dropped without even
counting as a separator. Every skeleton character points back to its span in the original text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

_INVISIBLE = {"Cf", "Mn", "Me"}


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """The skeleton characters of one original character ('' for separators)."""
    base = unicodedata.normalize("NFKC", ch).casefold()
    base = "".join(c for c in unicodedata.normalize("NFD", base) if unicodedata.category(c) != "Mn")
    return "".join(c for c in anyascii(base).lower() if c.isascii() and c.isalnum())


def fold(text: str) -> str:
    return "".join(fold_char(c) for c in text)


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


@dataclass(frozen=True)
class Skeleton:
    chars: str
    start: tuple[int, ...]  # original start offset of each skeleton char
    end: tuple[int, ...]  # original end offset (exclusive)
    word_start: tuple[bool, ...]
    word_end: tuple[bool, ...]
    tokens: tuple[tuple[int, int], ...]  # [a, b) in skeleton indices

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Original span of skeleton chars [a, b)."""
        return self.start[a], self.end[b - 1]


def skeleton(text: str) -> Skeleton:
    chars: list[str] = []
    start: list[int] = []
    end: list[int] = []
    wstart: list[bool] = []
    wend: list[bool] = []
    tokens: list[tuple[int, int]] = []
    token_open: int | None = None

    def close() -> None:
        nonlocal token_open
        if token_open is not None and token_open < len(chars):
            wend[-1] = True
            tokens.append((token_open, len(chars)))
        token_open = None

    for i, ch in enumerate(text):
        folded = fold_char(ch)
        if not folded:
            category = unicodedata.category(ch)
            if category in _INVISIBLE:
                continue  # zero-width and combining marks: not even a separator
            if category.startswith("L") and token_open is not None:
                end[-1] = i + 1  # a letter with no ASCII rendering (Arabic alef) stays in the word
                continue
            close()
            continue
        cjk = is_cjk(ch)
        if cjk:
            close()  # each CJK character is a word of its own
        if token_open is None:
            token_open = len(chars)
            first = True
        else:
            first = False
        for j, c in enumerate(folded):
            chars.append(c)
            start.append(i)
            end.append(i + 1)
            wstart.append(first and j == 0)
            wend.append(False)
        if cjk:
            close()
    close()
    return Skeleton(
        "".join(chars), tuple(start), tuple(end), tuple(wstart), tuple(wend), tuple(tokens)
    )


def words(text: str) -> list[str]:
    """The folded words of a value (the tokens of its skeleton, without offsets: faster)."""
    out: list[str] = []
    current: list[str] = []
    for ch in text:
        folded = fold_char(ch)
        if not folded:
            category = unicodedata.category(ch)
            if category in _INVISIBLE or (category.startswith("L") and current):
                continue
            if current:
                out.append("".join(current))
                current = []
            continue
        if is_cjk(ch):
            if current:
                out.append("".join(current))
                current = []
            out.append(folded)
            continue
        current.append(folded)
    if current:
        out.append("".join(current))
    return out


def sorted_tokens(text: str) -> str:
    """The words of a value, folded and sorted: the same for any word order."""
    return " ".join(sorted(words(text)))
