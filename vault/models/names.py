"""Normalising names for search, so that spelling, case, diacritics and script do not hide a match.

Pure: no I/O. Used to build blind-index terms when a case is written and when a query is typed,
so both sides see exactly the same normal form.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Zero-width and other invisible format characters (Unicode category Cf) are dropped.
_TOKEN_SPLIT = re.compile(r"[^\w]+|_", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC, case-folded, without combining marks or invisible format characters."""
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))
    return unicodedata.normalize("NFC", kept)


def tokens(text: str) -> list[str]:
    """The words of a normalised name (split on anything that is not a letter or digit)."""
    return [t for t in _TOKEN_SPLIT.split(normalise(text)) if t]


def latin_tokens(text: str) -> list[str]:
    """The words of the name transliterated to ASCII (anyascii): 'Абдулла' -> 'abdulla'."""
    return tokens(anyascii(normalise(text)))


def search_terms(text: str) -> set[str]:
    """Every term a name is findable by: each word, all words run together, in its own script
    and transliterated to Latin. Order-free: a query matches when all its words are present."""
    terms: set[str] = set()
    for words in (tokens(text), latin_tokens(text)):
        terms.update(words)
        if len(words) > 1:
            terms.add("".join(words))
    return terms


def query_terms(text: str) -> list[set[str]]:
    """For a typed query: per query word, the set of forms that may match it (as typed, and
    transliterated). A name run together ('abdullakadir') is itself an indexed term."""
    own = tokens(text)
    groups: list[set[str]] = []
    for word in own:
        forms = {word}
        forms.update(latin_tokens(word))
        forms.discard("")
        groups.append(forms)
    return groups
