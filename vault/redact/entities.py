"""The known-entity layer: every protected value the vault holds, found in text whatever its
spelling, script, spacing or word order. Pure: no I/O.

A value is turned into *terms*: its skeleton run together (catches spacing, hyphenation, case,
diacritics, invisible characters, look-alike letters and other scripts) and, for multi-word
values, its words sorted (catches changed word order). Chinese values also get their pinyin
(pypinyin). Text is turned into *candidates* the same way: skeleton substrings that start and end
on word boundaries (an English possessive 's or German genitive s may follow), and sorted windows
of 2-4 words. A lookup (a set in tests, a keyed-hash index in a vault) says which candidates are
known values — so the engine can find a secret value without the caller ever holding it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import phonenumbers
from pypinyin import lazy_pinyin

from vault.models.case import ValueKind, ValueSource
from vault.redact.text import Skeleton, is_cjk, skeleton, words

MIN_TERM = 4  # shorter values are too common to look for by themselves
MAX_WINDOW = 4
SORTED_PREFIX = "~"  # marks a sorted-words term so it never equals a run-together term


@dataclass(frozen=True)
class EntityInfo:
    kind: str  # name, phone, email, id_number, codename, address, date_of_birth, place
    level: str  # the level of the field it came from


class KnownValues(Protocol):
    """Answers which candidate terms are protected values. Never returns the values."""

    def lengths(self) -> Collection[int]: ...

    def lookup(self, terms: Collection[str]) -> Mapping[str, EntityInfo]: ...


class TermSet:
    """An in-memory KnownValues (tests, the fixture corpus, a single case's own values)."""

    def __init__(self, terms: Mapping[str, EntityInfo] | None = None) -> None:
        self._terms: dict[str, EntityInfo] = dict(terms or {})

    def add_value(self, value: str, info: EntityInfo) -> None:
        for term in value_terms(value, info.kind):
            self._terms.setdefault(term, info)

    def lengths(self) -> set[int]:
        return {len(t) for t in self._terms if not t.startswith(SORTED_PREFIX)}

    def lookup(self, terms: Collection[str]) -> dict[str, EntityInfo]:
        return {t: self._terms[t] for t in terms if t in self._terms}

    def __len__(self) -> int:
        return len(self._terms)


# --- terms of a value -------------------------------------------------------------------------


_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
}


def date_spellings(iso: str) -> list[str]:
    """The ways a date of birth is written in en/fr/de."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    if not m:
        return [iso]
    y, mo, d = m.group(1), int(m.group(2)), int(m.group(3))
    out = [
        iso,
        f"{d:02d}.{mo:02d}.{y}",
        f"{d}.{mo}.{y}",
        f"{d:02d}/{mo:02d}/{y}",
        f"{mo:02d}/{d:02d}/{y}",
    ]
    for lang, names in _MONTHS.items():
        month = names[mo - 1]
        out += [f"{d} {month} {y}", f"{d}. {month} {y}"]
        if lang == "en":
            out.append(f"{month} {d}, {y}")
    return out


def phone_spellings(value: str) -> list[str]:
    """E.164 and national significant number (so '+7 701 …' also finds '8 701 …')."""
    out = [value]
    try:
        num = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return out
    out.append(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164))
    out.append(phonenumbers.national_significant_number(num))
    return out


def email_spellings(value: str) -> list[str]:
    local = value.split("@", 1)[0]
    return [value, local]


def address_spellings(value: str) -> list[str]:
    """The whole address and each comma-separated part of two or more words."""
    parts = [p.strip() for p in value.split(",")]
    return [value, *(p for p in parts if len(p.split()) >= 2)]


def _value_spellings(value: str, kind: str) -> list[str]:
    if kind == "date_of_birth":
        return date_spellings(value)
    if kind == "phone":
        return phone_spellings(value)
    if kind == "email":
        return email_spellings(value)
    if kind == "address":
        return address_spellings(value)
    out = [value]
    if any(is_cjk(c) for c in value):
        out.append(" ".join(w for w in lazy_pinyin(value) if w.strip(" ·")))
        out.append("".join(w for w in lazy_pinyin(value) if w.strip(" ·")))
    return out


def value_terms(value: str, kind: str) -> set[str]:
    """Every term under which a protected value is looked for."""
    terms: set[str] = set()
    for spelling in _value_spellings(value, kind):
        ws = words(spelling)
        joined = "".join(ws)
        if len(joined) >= MIN_TERM:
            terms.add(joined)
        if 2 <= len(ws) <= MAX_WINDOW:
            terms.add(SORTED_PREFIX + " ".join(sorted(ws)))
    return terms


# --- candidates from text --------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    term: str
    start: int  # original offsets
    end: int


def _boundary_end(sk: Skeleton, e: int) -> bool:
    """A term may end at skeleton index e (exclusive) if a word ends there, or only a
    possessive/genitive 's' follows before the word ends."""
    if sk.word_end[e - 1]:
        return True
    return e < len(sk.chars) and sk.chars[e] == "s" and sk.word_end[e]


_WORD_GLUE = set(" \t\n\r\u00a0,-\u2010\u2011\u2012\u2013\u2014'\u2019")


def _joinable(gap: str) -> bool:
    """Words of one name may be separated by spaces, a comma ("TOQTAR, Nurlan"), hyphens or
    line breaks — not by brackets or sentence punctuation."""
    return len(gap) <= 6 and all(c in _WORD_GLUE for c in gap)


def candidates(text: str, sk: Skeleton, lengths: Iterable[int]) -> Iterator[Candidate]:
    lens = sorted({n for n in lengths if n >= MIN_TERM})
    n = len(sk.chars)
    for a in range(n):
        if not sk.word_start[a]:
            continue
        for length in lens:
            e = a + length
            if e > n:
                break
            if _boundary_end(sk, e):
                s, t = sk.span(a, e)
                yield Candidate(sk.chars[a:e], s, t)
    toks = sk.tokens
    for i in range(len(toks)):
        for k in range(2, MAX_WINDOW + 1):
            if i + k > len(toks):
                break
            window = toks[i : i + k]
            gap = text[sk.end[window[-2][1] - 1] : sk.start[window[-1][0]]]
            if not _joinable(gap):
                break
            words = sorted(sk.chars[a:b] for a, b in window)
            s, _ = sk.span(*window[0])
            _, t = sk.span(*window[-1])
            yield Candidate(SORTED_PREFIX + " ".join(words), s, t)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    info: EntityInfo


def find_known(text: str, known: KnownValues) -> list[Hit]:
    """Every span of ``text`` that spells a known protected value."""
    sk = skeleton(text)
    cands = list(candidates(text, sk, known.lengths()))
    found = known.lookup({c.term for c in cands})
    return [Hit(c.start, c.end, found[c.term]) for c in cands if c.term in found]


# --- which values of a case are protected ---------------------------------------------------------


def protected_values(
    record: Mapping[str, Any],
    sources: Mapping[str, ValueSource],
    lowest: str,
    *,
    name_is_public: bool,
) -> list[tuple[str, EntityInfo]]:
    """(value, info) for every protected value of one case. ``sources`` says where the findable
    values are (the policy's :meth:`value_sources`). The person's own names count only when
    they have not consented to publication; any other value counts only above ``lowest``.
    Long free text (testimony, notes) is never a source: it never enters a draft."""
    out: list[tuple[str, EntityInfo]] = []
    for fname, source in sources.items():
        if fname not in record:
            continue
        value = record[fname]
        items = value if isinstance(value, list) else [value]
        for key, holds in source.parts:
            if holds is ValueKind.SUBJECT_NAME:
                if name_is_public:
                    continue  # consent to publish the name covers it in every script
            elif source.level == lowest:
                continue
            for item in items:
                raw = item.get(key) if key and isinstance(item, dict) else item
                if isinstance(raw, str) and raw.strip() and not is_placeholder(raw):
                    out.append((raw, EntityInfo(_entity_kind(holds, raw), source.level)))
    return out


#: What people type when they have no value: never a value to look for. Indexed, "unknown" in a
#: detention facility would be redacted, and refused in public fields, in every case.
PLACEHOLDERS = frozenset(
    "".join(words(w))
    for w in (
        "unknown",
        "not known",
        "none",
        "none known",
        "n/a",
        "na",
        "nil",
        "not disclosed",
        "not disclosed to the family",
        "undisclosed",
        "no information",
        "tbd",
        "to be confirmed",
        "inconnu",
        "inconnue",
        "aucun",
        "aucune",
        "non communiqué",
        "unbekannt",
        "keine",
        "nicht bekannt",
        "keine angabe",
        "неизвестно",
        "нет",
        "белгісіз",
        "bilinmiyor",
        "未知",
        "不详",
    )
)


def is_placeholder(value: str) -> bool:
    """Whether a value is a placeholder for "no value" (never indexed as a protected value)."""
    folded = "".join(words(value))
    return not folded or folded in PLACEHOLDERS


def _entity_kind(holds: ValueKind, raw: str) -> str:
    """The kind a value is found as: a contact that is not phone-shaped is a name (a handle)."""
    if holds is ValueKind.SUBJECT_NAME:
        return ValueKind.NAME.value
    if holds is ValueKind.PHONE and sum(c.isdigit() for c in raw) < 7:
        return ValueKind.NAME.value
    return holds.value
