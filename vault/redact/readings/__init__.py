"""Readings: what a span of text *means*, compared with what a protected value means.

The known-entity layer (:mod:`vault.redact.entities`) compares spellings: a value's skeleton run
together, its words sorted. A reading compares meanings instead: a phone number written in words
and a phone number in digits both *read* as the same digit string; "9 March 1971", "09.03.71" and
"1971年3月9日" all read as the date 1971-03-09. Each reader here turns

* a protected value into reading terms (:func:`value_readings`), stored in the leak index as
  blind-index terms under the per-level leak keys like every other term, and
* a text into :class:`Reading` spans (:func:`text_readings`), each with the term it reads as,
  looked up in the same index.

A reading term always starts with :data:`READING_PREFIX` and its reader's tag ("#num:", "#date:"
...), so it never equals a spelling term, and it is never counted among the run-together term
lengths (candidates of a text are not made by length for readings). Pure: no I/O, no keys.

Text is read as the publication's last leak gate reads it: NFKC-folded, with invisible characters
(format controls, combining marks of no letter) removed — :func:`normalised` gives that text and
a map back to the original offsets. Where a reader would take the text in otherwise than it is
written (markup, character references, a right-to-left override, letters spelled one by one),
it is read a second time as :func:`displayed`, and both readings count.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

READING_PREFIX = "#"


@dataclass(frozen=True)
class Reading:
    start: int  # offsets in the original text
    end: int
    term: str  # READING_PREFIX + tag + ":" + the normalised reading


@dataclass(frozen=True)
class Normalised:
    """A text as read (:func:`normalised`, :func:`displayed`), with, for each of its characters,
    the original offsets it came from (``starts[i]``..``ends[i]``)."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Original offsets of normalised characters a..b (exclusive): from the first to the
        last character they came from (under a right-to-left override the order differs)."""
        return min(self.starts[a:b]), max(self.ends[a:b])


_INVISIBLE = frozenset({"Cf", "Cc"})
_MARKS = frozenset({"Mn", "Me"})

#: Markup a reader of the text sees through: a tag (dropped), a comment (dropped), a character
#: reference (read as the character it stands for).
_MARKUP = re.compile(
    r"<!--.{0,400}?-->|</?[A-Za-z][A-Za-z0-9]{0,15}(?:\s[^<>]{0,200})?/?>"
    r"|&#[0-9]{1,7};|&#[xX][0-9a-fA-F]{1,6};|&[A-Za-z][A-Za-z0-9]{1,31};",
    re.DOTALL,
)
_RLO, _PDF = "\u202e", "\u202c"
#: Letters or digits spelled one by one with the same mark between them ("A-y-g-u-l",
#: "L.é.o.p.a.r.d", "4 7 2 8"): read run together, as a reader reads them.
_SPELLED = re.compile(
    r"(?<![^\W_])[^\W_](?:([\-.*_·,/+|~])[^\W_])(?:\1[^\W_]){1,38}(?![^\W_]|\1[^\W_])"
    r"|(?<![^\W_])[^\W_](?: [^\W_]){3,39}(?![^\W_]| [^\W_](?![^\W_]))"
)


def _reference(ref: str) -> str:
    """The character(s) a character reference stands for; the reference itself if it stands for
    none (an unknown name, a code point out of range)."""
    out = html.unescape(ref)
    if out == ref or ("\ufffd" in out and "fffd" not in ref.lower() and "65533" not in ref):
        return ref  # no character, a surrogate or a code point out of range: read as written
    return out


def _units(text: str) -> list[tuple[str, int, int]]:
    """The text as displayed, unit by unit (characters, with the original offsets each came
    from): markup dropped or read, and a run under a right-to-left override (U+202E, up to its
    pop U+202C or the end of the line) in the order it is shown, reversed."""
    units: list[tuple[str, int, int]] = []
    pos = 0
    if "<" in text or "&" in text:
        for m in _MARKUP.finditer(text):
            units += [(c, i, i + 1) for i, c in enumerate(text[pos : m.start()], pos)]
            if m.group()[0] == "&":
                units += [(c, m.start(), m.end()) for c in _reference(m.group())]
            pos = m.end()
    units += [(c, i, i + 1) for i, c in enumerate(text[pos:], pos)]
    if _RLO not in text:
        return units
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(units):
        if units[i][0] != _RLO:
            out.append(units[i])
            i += 1
            continue
        j = i + 1
        while j < len(units) and units[j][0] not in (_PDF, "\n"):
            j += 1
        out += reversed(units[i + 1 : j])
        i = j
    return out


@lru_cache(maxsize=16)
def normalised(text: str) -> Normalised:
    """``text`` as the last leak gate reads it; kept for the few texts read last, since every
    reader (and the unchecked spans) reads the same text. NFKC is applied to each letter with
    the combining marks after it (so "u" + U+0308 is "ü", one letter of its word), invisible
    characters between them dropped; a mark that composes with nothing is dropped too, so it
    never cuts a word in two ("Sa\u0301dyrov" is read "Sádyrov", "Nu\u0308rbek" "Nürbek")."""
    return _composed([(c, i, i + 1) for i, c in enumerate(text)])


@lru_cache(maxsize=16)
def displayed(text: str) -> Normalised:
    """``text`` as a reader takes it in, which may differ from how it is written: tags and
    comments dropped, character references read as their characters, a run under a right-to-left
    override in the order it is shown, letters spelled one by one with one mark between them
    ("A-y-g-u-l") run together; then as :func:`normalised`. A publication shows the text as
    written (markup escaped), so both are read: what is written, and what it says."""
    return _run_together(_composed(_units(text)))


def differs(text: str) -> bool:
    """Whether :func:`displayed` reads ``text`` otherwise than :func:`normalised` (only then
    is it read twice)."""
    if "<" not in text and "&" not in text and _RLO not in text and not _SPELLED.search(text):
        return False
    return displayed(text).text != normalised(text).text


def _composed(units: list[tuple[str, int, int]]) -> Normalised:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(units)
    while i < n:
        ch, a, b = units[i]
        if ch not in "\n\t" and unicodedata.category(ch) in _INVISIBLE:
            i += 1
            continue
        j, cluster = i + 1, ch
        while j < n:
            k = j  # invisible characters belong to the letter only when a mark follows them
            while (
                k < n
                and units[k][0] not in "\n\t"
                and unicodedata.category(units[k][0]) in _INVISIBLE
            ):
                k += 1
            if k < n and unicodedata.category(units[k][0]) in _MARKS:
                cluster += units[k][0]
                b = max(b, units[k][2])
                a = min(a, units[k][1])
                j = k + 1
            else:
                break
        for c in unicodedata.normalize("NFKC", cluster):
            if unicodedata.category(c) in ("Mn", "Me") and out:
                continue  # a mark of no letter: dropped, as the skeleton drops it
            out.append(c)
            starts.append(a)
            ends.append(b)
        i = j
    return Normalised("".join(out), tuple(starts), tuple(ends))


def _run_together(norm: Normalised) -> Normalised:
    """``norm`` with letters spelled one by one read run together (their marks dropped)."""
    drop: set[int] = set()
    for m in _SPELLED.finditer(norm.text):
        drop.update(i for i in range(m.start(), m.end()) if not norm.text[i].isalnum())
    if not drop:
        return norm
    keep = [i for i in range(len(norm.text)) if i not in drop]
    return Normalised(
        "".join(norm.text[i] for i in keep),
        tuple(norm.starts[i] for i in keep),
        tuple(norm.ends[i] for i in keep),
    )


def is_plain(text: str) -> bool:
    """Whether :func:`normalised` certainly leaves ``text`` as it is (no invisible character, no
    combining mark, NFKC already): then its offsets are the original ones, and the
    per-character map need not be built."""
    if not unicodedata.is_normalized("NFKC", text):
        return False
    return not any(
        c not in "\n\t" and unicodedata.category(c) in ("Cf", "Cc", "Mn", "Me") for c in set(text)
    )


Reader = tuple[Callable[[str, str], Iterable[str]], Callable[[str], Iterable[Reading]]]


def _readers() -> list[Reader]:
    """Every reader module's (value_readings, text_readings). Imported here so that each reader
    is one module with its own library (dateparser, iuliia...), loaded when first used."""
    out: list[Reader] = []
    from vault.redact.readings import addresses, contacts, dates, names, numbers

    for mod in (numbers, dates, names, contacts, addresses):
        out.append((mod.value_readings, mod.text_readings))
    return out


_CACHE: list[Reader] = []


def readers() -> list[Reader]:
    if not _CACHE:
        _CACHE.extend(_readers())
    return _CACHE


def value_readings(value: str, kind: str) -> set[str]:
    """Every reading term of one protected value of ``kind`` (name, phone, email, id_number,
    date_of_birth, address, codename, place)."""
    out: set[str] = set()
    for of_value, _ in readers():
        out.update(of_value(value, kind))
    return out


@lru_cache(maxsize=512)
def text_readings(text: str) -> tuple[Reading, ...]:
    """Every reading of every span of ``text`` any reader can read (kept for the texts read
    last: a draft's text is read again by the publication's last gate, and each text is read
    for the vault's values and for the withheld names)."""
    out: list[Reading] = []
    for _, of_text in readers():
        out.extend(of_text(text))
    if differs(text):  # and what it says, displayed: mapped back to where it is written
        shown = displayed(text)
        for _, of_text in readers():
            for r in of_text(shown.text):
                out.append(Reading(*shown.span(r.start, r.end), r.term))
    return tuple(out)


#: Readings that a part of a value gives: of a name (a given name alone, a titled surname, an
#: initial with a surname), and of a number (a window: six or more of a phone's or an ID's
#: digits, :mod:`vault.redact.readings.numbers`). Two people can share one, and in a vault of
#: many cases every common given name is some relative's, and every six-digit number some case's
#: window ("2019-09", a month, was one at 100,000 bench cases). They count only for the cases a
#: check is about (the draft's, the edition's, the case being saved), never vault-wide
#: (:class:`vault.services.leaks.VaultKnownValues`); a whole number still counts vault-wide.
CASE_SCOPED = tuple(READING_PREFIX + tag for tag in ("name1:", "namesur:", "nameinit:", "num:w:"))


def is_case_scoped(term: str) -> bool:
    return term.startswith(CASE_SCOPED)
