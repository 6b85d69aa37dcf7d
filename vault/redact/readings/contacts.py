"""Reader: contacts. E-mail addresses and messenger handles read back to the address they stand
for, compared with protected ones (kind ``email``). See :mod:`vault.redact.readings`.

A text is read as pieces: words (a number in words, "eighty-seven", "siebenundachtzig", is read
as its digits when it stands apart), and the symbols of an address, written or spoken:

* "@" — the sign (also full-width, and ``%40`` of a mailto link) or a word for it: en "at",
  fr "arobase", "chez", de "at", "ät", "Klammeraffe", ru "собака", tr "et", kk "айқұлақ";
* "." — the dot or "dot", "point", "Punkt", "точка", "nokta", "нүкте";
* "_" and "-" — the signs or "underscore", "Unterstrich", "dash", "hyphen", "tiret".

Brackets around them are read through ("[at]", "(dot)", "{at}", "[.]"), as are invisible
characters (the text is NFKC-folded first), a hyphen that breaks a line, and a letter-by-letter
spelling ("r e y h a n . q a d i r"). Around each "@" every local part and domain the pieces allow
is read as an address; every word run together with its symbols, and every run of words joined by
a spoken symbol, is read as a local part or handle (with its "@", a "mailto:" or a platform link
such as ``t.me/`` taken into the span). Letters are compared under the look-alike fold of UTS #39
(as :func:`vault.redact.text.lookalike_skeleton` folds them), so "ma×iaolan" or a Cyrillic "а" reads
the same.

A protected address reads as itself and, when its local part is distinctive (6 characters or more,
and not a common word in any language the vault works in: ``wordfreq``), as its local part; a
handle as itself without "@" or a platform link; a local part or handle of letters and then digits
("zhoulh_1972", "maxiaolan88") also as its letters, when those are distinctive.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from vault.redact.confusables import LOOKALIKE
from vault.redact.readings import READING_PREFIX, Reading
from vault.redact.text import fold_char

TAG = READING_PREFIX + "mail:"
USER_TAG = TAG + "u:"
MIN_LOCAL = 6
MAX_ZIPF = 1.5  # a local part more frequent than this in any language is a word, not a person
ZIPF_LANGS = ("en", "fr", "de", "ru", "tr")  # wordfreq reads Kazakh as Russian

AT_WORDS = frozenset(
    {"at", "arobase", "chez", "klammeraffe", "ät", "собака", "et", "айқұлақ", "arroba", "sobaka"}
)
DOT_WORDS = frozenset({"dot", "point", "punkt", "точка", "nokta", "нүкте", "punto", "tochka"})
UNDERSCORE_WORDS = frozenset({"underscore", "unterstrich", "underline"})
DASH_WORDS = frozenset({"dash", "hyphen", "tiret", "bindestrich"})
_SYMBOL_OF = {"@": "@", ".": ".", "_": "_", "-": "-", "%40": "@"}
_BRACKETS = frozenset("()[]{}<>")
_MAX_WORDS = 4  # words of a local part or domain spoken with symbols between them
_MAX_PIECES = 40
_MAX_EXTENTS = 8  # starts of a local part (ends of a domain) tried around one symbol

#: What may stand before a handle or address and belongs to it.
_PREFIX = re.compile(
    r"(?:mailto:|(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|instagram\.com|vk\.com|"
    r"twitter\.com|x\.com|facebook\.com|tiktok\.com|github\.com)/@?)$",
    re.IGNORECASE,
)
_VALUE_PREFIX = re.compile(
    r"^(?:mailto:|(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|instagram\.com|vk\.com|"
    r"twitter\.com|x\.com|facebook\.com|tiktok\.com|github\.com)/)",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"%40|[^\W_]+|[^\w\s]|_")
_INDENT = re.compile(r"[ \t]*")

_ASCII_MERGE = str.maketrans({"l": "i", "1": "i", "0": "o", "m": "rn"})


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in "@._-":
        return ch
    folded = LOOKALIKE.get(ch)
    if folded is None:
        folded = "i" if ch == "|" else fold_char(ch)
    return folded.translate(_ASCII_MERGE)


@lru_cache(maxsize=16384)
def key(s: str) -> str:
    """An address, local part or handle as compared: NFKC, case and look-alikes folded."""
    return "".join(_fold_char(c) for c in unicodedata.normalize("NFKC", s))


@dataclass
class _Piece:
    start: int  # normalised offsets
    end: int
    text: str  # what it reads as: a word, or one of "@", ".", "_", "-"
    spaced: bool  # whitespace stands between it and the piece before
    spoken: bool = False  # a symbol said as a word ("dot", "underscore")

    @property
    def symbol(self) -> bool:
        return self.text in ("@", ".", "_", "-")


def _pieces(t: str, numbers: dict[int, tuple[int, str]]) -> list[list[_Piece]]:
    """The pieces of a normalised text, in zones (a breaking punctuation mark or a blank line
    ends one). Brackets are read through."""
    zones: list[list[_Piece]] = []
    zone: list[_Piece] = []
    last_end = 0
    skip_to = 0
    ws = False  # whitespace since the last piece
    for m in _TOKEN.finditer(t):
        s, e = m.span()
        if s < skip_to:
            continue
        tok = m.group()
        gap = t[last_end:s]
        if "\n\n" in gap or len(gap) > 3:
            if zone:
                zones.append(zone)
            zone = []
        ws = ws or bool(gap)
        last_end = e
        if tok in _BRACKETS:
            continue
        low = tok.casefold()
        text: str | None = None
        if tok in _SYMBOL_OF:
            text = _SYMBOL_OF[tok]
            if tok == "-" and not gap and t[e : e + 1] == "\n":  # a hyphen breaking a line
                # the next line's indent read through (spaces and tabs, never a second line end)
                last_end = next(_INDENT.finditer(t, e + 1)).end()  # always matches, maybe empty
                continue
        elif low in AT_WORDS:
            text = "@"
        elif low in DOT_WORDS:
            text = "."
        elif low in UNDERSCORE_WORDS:
            text = "_"
        elif low in DASH_WORDS:
            text = "-"
        elif tok[0].isalnum():
            text = tok
            number = numbers.get(s)
            if number is not None and ws and not tok.isdigit():
                e, text = number
                skip_to = last_end = e
        if text is None:
            if zone:
                zones.append(zone)
            zone = []
            ws = False
            continue
        if tok in _SYMBOL_OF:  # a sign in brackets ("[.]") is said: it ends no sentence
            spoken = t[s - 1 : s] in ("(", "[", "{", "<") and t[e : e + 1] in (")", "]", "}", ">")
        else:
            spoken = text != tok
        zone.append(_Piece(s, e, text, ws, spoken))
        ws = False
    if zone:
        zones.append(zone)
    return [_unspace(z) for z in zones]


def _unspace(zone: list[_Piece]) -> list[_Piece]:
    """A letter-by-letter spelling ("r e y h a n . q a d i r") run together: four or more
    one-character pieces, each a single space from the next."""
    i = 0
    while i < len(zone):
        j = i
        while (
            j + 1 < len(zone)
            and zone[j].end - zone[j].start == len(zone[j].text) == 1
            and zone[j + 1].end - zone[j + 1].start == len(zone[j + 1].text) == 1
            and zone[j + 1].start - zone[j].end <= 1
        ):
            j += 1
        if j - i >= 3:
            for p in zone[i + 1 : j + 1]:
                p.spaced = False
        i = j + 1
    return zone


def _join(pieces: list[_Piece]) -> str:
    return "".join(p.text for p in pieces)


def _is_word(p: _Piece) -> bool:
    return not p.symbol


def _full_stop(zone: list[_Piece], i: int) -> bool:
    """A written dot with a space after it ends a sentence: it is not inside an address."""
    p = zone[i]
    return p.text == "." and not p.spoken and i + 1 < len(zone) and zone[i + 1].spaced


def _lefts(zone: list[_Piece], k: int) -> Iterator[int]:
    """Where a local part ending before piece k may start."""
    words = tried = 0
    for i in range(k - 1, max(-1, k - 1 - _MAX_PIECES), -1):
        p = zone[i]
        if p.text == "@" or _full_stop(zone, i):
            return
        if _is_word(p):
            if len(p.text) > 1 or p.spaced:
                words += 1
            if words > _MAX_WORDS:
                return
            if i == 0 or p.spaced or zone[i - 1].symbol:  # never inside a written-out word
                yield i
                tried += 1
                if tried == _MAX_EXTENTS:
                    return


def _rights(zone: list[_Piece], k: int, *, need_dot: bool) -> Iterator[int]:
    """Where a domain (or the rest of a handle) starting after piece k may end."""
    words = tried = 0
    dot = False
    for j in range(k + 1, min(len(zone), k + 1 + _MAX_PIECES)):
        p = zone[j]
        if p.text == "@" or _full_stop(zone, j):
            return
        if p.text == ".":
            dot = True
        if _is_word(p):
            if len(p.text) > 1 or p.spaced:
                words += 1
            if words > _MAX_WORDS:
                return
            after = zone[j + 1] if j + 1 < len(zone) else None
            if (dot or not need_dot) and (after is None or after.spaced or after.symbol):
                yield j
                tried += 1
                if tried == _MAX_EXTENTS:
                    return


def _start_with_prefix(t: str, a: int) -> int:
    if a == 0 or t[a - 1] not in "/:@":
        return a
    m = _PREFIX.search(t, max(0, a - 40), a)
    return m.start() if m else a


def _readings(t: str, zones: list[list[_Piece]]) -> Iterator[tuple[int, int, str]]:
    for zone in zones:
        # a compact run: pieces with nothing between them ("gulnar_almaty87", "@handle")
        i = 0
        while i < len(zone):
            j = i
            while j + 1 < len(zone) and not zone[j + 1].spaced:
                j += 1
            if i == j:  # one word or symbol alone: the common case
                p = zone[i]
                if len(p.text) >= MIN_LOCAL:
                    yield _start_with_prefix(t, p.start), p.end, USER_TAG + key(p.text)
                i += 1
                continue
            run = zone[i : j + 1]
            ats = [n for n, q in enumerate(run) if q.text == "@"]
            body = run[1:] if ats == [0] else run[: ats[0]] if ats else run
            while body and body[0].symbol:
                body = body[1:]
            while body and body[-1].symbol:
                body = body[:-1]
            if body and len(_join(body)) >= MIN_LOCAL:
                a = _start_with_prefix(t, run[0].start if ats == [0] else body[0].start)
                yield a, body[-1].end, USER_TAG + key(_join(body))
            i = j + 1
        for k in [k for k, p in enumerate(zone) if p.text == "@" or p.spoken]:
            p = zone[k]
            if p.text == "@":
                lefts = list(_lefts(zone, k))
                for j in _rights(zone, k, need_dot=True):
                    domain = _join(zone[k + 1 : j + 1])
                    for i in lefts:
                        local = _join(zone[i:k])
                        a = _start_with_prefix(t, zone[i].start)
                        yield a, zone[j].end, TAG + key(local) + "@" + key(domain)
            elif p.spoken:
                # a spoken symbol inside a local part or handle ("gulnar underscore almaty")
                for i in _lefts(zone, k):  # a word: _lefts gives no symbol
                    for j in _rights(zone, k, need_dot=False):
                        run_text = _join(zone[i : j + 1])
                        if len(run_text) >= MIN_LOCAL:
                            yield zone[i].start, zone[j].end, USER_TAG + key(run_text)


def text_readings(text: str) -> Iterator[Reading]:
    from vault.redact.readings.numbers import normalised_once, word_numbers

    norm = normalised_once(text)
    t = norm.text
    if not t:
        return
    zones = _pieces(t, word_numbers(t))
    seen: set[tuple[int, int, str]] = set()
    for a, b, term in _readings(t, zones):
        if (a, b, term) in seen:
            continue
        seen.add((a, b, term))
        s, e = norm.span(a, b)
        yield Reading(s, e, term)


# --- a protected value -----------------------------------------------------------------------


def _distinctive(s: str) -> bool:
    """Whether a local part or its letters point to one person: 6 characters or more, and
    either not letters alone or not a word of any language the vault works in."""
    if len(s) < MIN_LOCAL:
        return False
    if not s.isalpha():
        return True
    from wordfreq import zipf_frequency

    return all(zipf_frequency(s, lang) < MAX_ZIPF for lang in ZIPF_LANGS)


def _user_terms(local: str) -> set[str]:
    out: set[str] = set()
    if _distinctive(local):
        out.add(USER_TAG + key(local))
    m = re.fullmatch(r"([^\W\d_]+)[._-]?(\d+)", local)
    if m and _distinctive(m.group(1)):
        out.add(USER_TAG + key(m.group(1)))
    return out


def value_readings(value: str, kind: str) -> set[str]:
    if kind != "email":
        return set()
    v = "".join(
        c for c in unicodedata.normalize("NFKC", value) if unicodedata.category(c) not in ("Cf",)
    ).strip()
    v = _VALUE_PREFIX.sub("", v).strip()
    if not v:
        return set()
    local, at, domain = v.rpartition("@")
    if at and local and domain:
        return {TAG + key(local) + "@" + key(domain)} | _user_terms(local)
    handle = v.lstrip("@")
    return _user_terms(handle)
