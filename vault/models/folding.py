"""The one Unicode folding pipeline: search (the blind name index) and redaction fold alike.

A character is folded by: NFKC, case folding, removal of combining marks, transliteration to
ASCII (anyascii: Cyrillic and Greek look-alikes, Arabic script and Chinese characters all become
Latin), keeping only ASCII letters and digits. Text is split into words by one rule:

- a character that folds to letters or digits belongs to a word;
- an invisible format character or a combining mark (zero-width space, joiners, soft hyphen) is
  dropped without even counting as a separator, so it cannot split a word;
- a letter with no ASCII rendering stays inside the word it is in and adds nothing;
- anything else (spaces, hyphens, line breaks, punctuation, underscore) separates words;
- a CJK character is a word of its own (Chinese has no spaces: a name stands inside a longer
  run). :func:`runs` is the one variant: it keeps a run of CJK characters together, as a name
  typed into a search box is.

A *skeleton* keeps the folded characters with the span each came from in the original text, so
a redaction can cut the original exactly. Pure: no I/O.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from anyascii import anyascii

_INVISIBLE = frozenset({"Cf", "Mn", "Me"})


class _Kind(Enum):
    WORD = 1  # folds to ASCII letters or digits
    CJK = 2  # a CJK character: a word of its own (see runs())
    SILENT = 3  # a letter with no ASCII rendering: stays in its word, adds nothing
    INVISIBLE = 4  # format character or combining mark: dropped, not a separator
    SEPARATOR = 5


#: Uyghur Arabic letters that anyascii reads as Arabic or Persian, read as Uyghur instead, as
#: the Uyghur Latin alphabet (Uyghur Latin Yéziqi, 2006) writes them: the hamza is only the
#: carrier of a word-initial vowel (ئايگۈل is "Aygül"), alef is "a", waw the vowel "o", ve "w" and
#: alef maksura the vowel "i". So a Uyghur name typed in Arabic script folds to the key its usual
#: Latin spelling folds to.
UYGHUR_LETTERS: dict[str, str] = {
    "\u0626": "",  # ئ hamza on yeh: vowel carrier, silent
    "\u0627": "a",  # ا
    "\u0648": "o",  # و
    "\u06cb": "w",  # ۋ
    "\u0649": "i",  # ى
}


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """The folded (ASCII letters and digits) form of one character; '' when it has none."""
    base = unicodedata.normalize("NFKC", ch).casefold()
    base = "".join(UYGHUR_LETTERS.get(c, c) for c in base)
    base = "".join(c for c in unicodedata.normalize("NFD", base) if unicodedata.category(c) != "Mn")
    return "".join(c for c in anyascii(base).lower() if c.isascii() and c.isalnum())


@lru_cache(maxsize=8192)
def _classify(ch: str, fold_one: Callable[[str], str] = fold_char) -> tuple[_Kind, str]:
    folded = fold_one(ch)
    if folded:
        return (_Kind.CJK if is_cjk(ch) else _Kind.WORD), folded
    category = unicodedata.category(ch)
    if category in _INVISIBLE:
        return _Kind.INVISIBLE, ""
    if category.startswith("L"):
        return _Kind.SILENT, ""
    return _Kind.SEPARATOR, ""


def fold(text: str) -> str:
    """The folded characters of ``text`` run together (separators dropped)."""
    return "".join(fold_char(c) for c in text)


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` is a CJK unified ideograph (basic, extension A or compatibility)."""
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


@lru_cache(maxsize=8)
def _ascii_table(fold_one: Callable[[str], str]) -> dict[int, str] | None:
    """What each ASCII character becomes under ``fold_one`` by the splitting rule: its folded
    form, nothing (a character that neither adds to a word nor ends it) or a space (a
    separator). None if a character folds to anything but letters and digits."""
    table: dict[int, str] = {}
    for code in range(128):
        kind, folded = _classify(chr(code), fold_one)
        if kind is _Kind.SEPARATOR:
            table[code] = " "
        elif kind is _Kind.WORD:
            if not folded.isalnum():
                return None
            table[code] = folded
        else:  # no ASCII character is CJK; one that folds to nothing stays inside its word
            table[code] = ""
    return table


class _Unsplittable(Exception):
    """A character folds to something other than letters and digits: split it by hand."""


#: Characters a split table remembers at most (a text may hold every code point: past this,
#: a character's part is worked out each time, from :func:`_classify`'s own cache).
SPLIT_TABLE_SIZE = 16384


class _SplitTable(dict[int, str]):
    """What each character becomes by the splitting rule, as :meth:`str.translate` reads it,
    filled in as characters are first met (up to :data:`SPLIT_TABLE_SIZE`): its folded form
    (a CJK character's with a space each side when it is a word of its own), nothing, or a
    space (a separator)."""

    def __init__(self, fold_one: Callable[[str], str], split_cjk: bool) -> None:
        super().__init__()
        self.fold_one, self.split_cjk = fold_one, split_cjk

    def __missing__(self, code: int) -> str:
        kind, folded = _classify(chr(code), self.fold_one)
        if kind in (_Kind.WORD, _Kind.CJK) and not folded.isalnum():
            raise _Unsplittable
        if kind is _Kind.CJK and self.split_cjk:
            folded = f" {folded} "
        elif kind is _Kind.SEPARATOR:
            folded = " "
        if len(self) < SPLIT_TABLE_SIZE:
            self[code] = folded
        return folded


@lru_cache(maxsize=16)
def _split_table(fold_one: Callable[[str], str], split_cjk: bool) -> _SplitTable:
    return _SplitTable(fold_one, split_cjk)


def _split(text: str, *, split_cjk: bool, fold_one: Callable[[str], str] = fold_char) -> list[str]:
    table = _ascii_table(fold_one) if text.isascii() else None
    if table is not None:  # most text: the same words as character by character, at str's speed
        return text.translate(table).split()
    try:  # the same words again, each character's part looked up once per process
        return text.translate(_split_table(fold_one, split_cjk)).split()
    except _Unsplittable:
        return _split_chars(text, split_cjk=split_cjk, fold_one=fold_one)


def _split_chars(text: str, *, split_cjk: bool, fold_one: Callable[[str], str]) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    for ch in text:
        kind, folded = _classify(ch, fold_one)
        if kind is _Kind.WORD or (kind is _Kind.CJK and not split_cjk):
            current.append(folded)
        elif kind is _Kind.CJK:
            if current:
                out.append("".join(current))
                current = []
            out.append(folded)
        elif kind is _Kind.SEPARATOR and current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def words(text: str) -> list[str]:
    """The folded words of ``text``, each CJK character a word (the tokens of its skeleton,
    without offsets: faster)."""
    return _split(text, split_cjk=True)


def folded_words(text: str, fold_one: Callable[[str], str]) -> list[str]:
    """The words of ``text`` under another fold of one character: exactly the tokens of
    ``skeleton(text, fold_one)``, without building the skeleton."""
    return _split(text, split_cjk=True, fold_one=fold_one)


def runs(text: str) -> list[str]:
    """The folded words of ``text`` split by the same rule, except that a run of CJK characters
    stays one word: '阿依古丽·阿布力米提' -> ['ayiguli', 'abulimiti']."""
    return _split(text, split_cjk=False)


@dataclass(frozen=True)
class Skeleton:
    """The folded characters of a text, each with the span of the original it came from."""

    chars: str
    start: tuple[int, ...]  # original start offset of each skeleton char
    end: tuple[int, ...]  # original end offset (exclusive)
    word_start: tuple[bool, ...]
    word_end: tuple[bool, ...]
    tokens: tuple[tuple[int, int], ...]  # [a, b) in skeleton indices

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Original span of skeleton chars [a, b)."""
        return self.start[a], self.end[b - 1]


def skeleton(text: str, fold_one: Callable[[str], str] = fold_char) -> Skeleton:
    """The skeleton of ``text``; its tokens are exactly :func:`words` of the same text.
    ``fold_one`` folds one character (another fold, e.g. the look-alike one, keeps the same
    word rule: invisible characters dropped, a silent letter cut with its word, CJK a word
    each)."""
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
        kind, folded = _classify(ch, fold_one)
        if kind is _Kind.INVISIBLE:
            continue
        if kind is _Kind.SILENT:
            if token_open is not None:
                end[-1] = i + 1  # the silent letter is cut with the word it stands in
            continue
        if kind is _Kind.SEPARATOR:
            close()
            continue
        cjk = kind is _Kind.CJK
        if cjk:
            close()
        first = token_open is None
        if first:
            token_open = len(chars)
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
