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

import bisect
import codecs
import contextlib
import datetime
import itertools
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

import phonenumbers
from babel import Locale
from babel.dates import DateTimeFormat, DateTimePattern, parse_pattern

from vault.models.case import ValueKind, ValueSource
from vault.redact.disguises import disguised_views
from vault.redact.meanings import wordings
from vault.redact.readings import READING_PREFIX, is_case_scoped, text_readings, value_readings
from vault.redact.readings.names import forget_words, han_pinyin
from vault.redact.text import (
    Skeleton,
    has_lookalike,
    is_cjk,
    lookalike_skeleton,
    lookalike_words,
    skeleton,
    words,
)

MIN_TERM = 4  # shorter values are too common to look for by themselves
#: Longer run-together spellings are not kept: every length adds a candidate per word of every
#: text checked (one keyed hash per key in a vault); a long value is found by its parts.
MAX_TERM = 32
MAX_WINDOW = 4
SORTED_PREFIX = "~"  # marks a sorted-words term so it never equals a run-together term


def is_run_together(term: str) -> bool:
    """Whether a term is a run-together spelling (looked for by its length in every text), not a
    sorted-words term or a reading (:mod:`vault.redact.readings`)."""
    return not term.startswith((SORTED_PREFIX, READING_PREFIX))


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
        self._lengths = {len(t) for t in self._terms if is_run_together(t)}

    def add_value(self, value: str, info: EntityInfo) -> None:
        read = _read(value, info.kind)
        # a term held already keeps its first value's info, as setdefault would
        self._terms.update(dict.fromkeys(read.every - self._terms.keys(), info))
        self._lengths |= read.lengths

    def lengths(self) -> set[int]:
        return set(self._lengths)

    def lookup(self, terms: Collection[str]) -> dict[str, EntityInfo]:
        return {t: self._terms[t] for t in terms if t in self._terms}

    def items(self) -> Iterable[tuple[str, EntityInfo]]:
        return self._terms.items()

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


#: Locales whose CLDR date patterns (Babel) a date of birth is looked for in: the drafts' languages
#: and those of the people and places the vault is about.
DATE_LOCALES = ("en", "fr", "de", "ru", "tr", "kk", "zh", "ug")
_CN_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")
_CN_SMALL = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def _cn_number(n: int) -> str:
    if n <= 10:
        return _CN_SMALL[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_SMALL[tens]) + "十" + _CN_SMALL[ones]


@lru_cache(maxsize=len(DATE_LOCALES))
def _date_patterns(locale: str) -> tuple[str, ...]:
    """Every CLDR pattern of a locale that writes a whole date: the four standard widths and the
    availableFormats skeletons holding year, month and day (with or without the weekday)."""
    loc = Locale.parse(locale)
    out = [loc.date_formats[w].pattern for w in ("short", "medium", "long", "full")]
    for sk, pattern in loc.datetime_skeletons.items():
        if "y" in sk and "M" in sk and "d" in sk and not set(sk) & set("GhHKkmsvBbW"):
            out.append(pattern.pattern)
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=len(DATE_LOCALES))
def _parsed_date_patterns(locale: str) -> tuple[tuple[Locale, DateTimePattern], ...]:
    """:func:`_date_patterns` parsed, each with its locale: parsed once, as a date is written
    in each of them for every case."""
    loc = Locale.parse(locale)
    return tuple((loc, parse_pattern(p)) for p in _date_patterns(locale))


#: A CLDR date field's letter, and the one part of a date it is written from (Babel's
#: DateTimeFormat: the year's number, the month's number or name, the day's number, the
#: weekday's name); a pattern with any other field is written by Babel whole.
_FIELD_PART = {"y": "year", "M": "month", "L": "month", "d": "day", "E": "wd", "c": "wd", "e": "wd"}
_FIELD = re.compile(r"%\((\w+)\)s")


@lru_cache(maxsize=len(DATE_LOCALES))
def _pattern_fields(locale: str) -> tuple[str, ...] | None:
    """The fields :func:`_date_patterns` of ``locale`` write, or None if one is written from
    more than one part of a date."""
    names = {n for _, p in _parsed_date_patterns(locale) for n in _FIELD.findall(str(p.format))}
    return tuple(sorted(names)) if all(n[0] in _FIELD_PART for n in names) else None


@lru_cache(maxsize=4096)
def _date_field(locale: str, name: str, part: int) -> str:
    """Field ``name`` of a date whose :data:`_FIELD_PART` is ``part``, as Babel writes it: the
    same for every date with that part, so worked out once for all of them."""
    which = _FIELD_PART[name[0]]
    if which == "year":
        d = datetime.date(part, 1, 1)
    elif which == "month":
        d = datetime.date(2001, part, 1)
    elif which == "day":
        d = datetime.date(2001, 1, part)
    else:
        d = datetime.date(2001, 1, 1 + part)  # 2001-01-01 was a Monday (weekday 0)
    return str(DateTimeFormat(d, Locale.parse(locale))[name])


def _date_fields(locale: str, names: tuple[str, ...], d: datetime.date) -> dict[str, str]:
    parts = {"year": d.year, "month": d.month, "day": d.day, "wd": d.weekday()}
    return {n: _date_field(locale, n, parts[_FIELD_PART[n[0]]]) for n in names}


def _cldr_dates(d: datetime.date) -> list[str]:
    out: list[str] = []
    for locale in DATE_LOCALES:  # what babel.dates.format_date(d, pattern, locale) gives
        names = _pattern_fields(locale)
        if names is None:
            out += [pattern.apply(d, loc) for loc, pattern in _parsed_date_patterns(locale)]
            continue
        fields = _date_fields(locale, names, d)
        out += [str(pattern.format) % fields for _, pattern in _parsed_date_patterns(locale)]
    out.append(
        f"{d.year}".translate(_CN_DIGITS) + f"年{_cn_number(d.month)}月{_cn_number(d.day)}日"
    )
    out.append(f"{_cn_number(d.month)}月{_cn_number(d.day)}日")
    return out


def date_spellings(iso: str) -> list[str]:
    """The ways a date of birth is written: the fixed en/fr/de forms and every whole-date
    pattern CLDR gives for :data:`DATE_LOCALES` (digits of other scripts fold to ASCII)."""
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
    with contextlib.suppress(ValueError):  # not a calendar date: the fixed forms only
        out += _cldr_dates(datetime.date(int(y), mo, d))
    out += [f"{y}/{mo:02d}/{d:02d}", f"{y}/{mo}/{d}", f"{y}.{mo:02d}.{d:02d}"]
    return list(dict.fromkeys(out))


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


#: How people spell out '@' and '.' to fool harvesters, per language, as (at, dot) pairs (the
#: skeleton folds brackets and case away): en, fr, de, ru (and its transliteration), tr, kk, es.
EMAIL_WORDS: tuple[tuple[str, str], ...] = (
    ("at", "dot"),
    ("at", "point"),
    ("at", "punkt"),
    ("arobase", "point"),
    ("klammeraffe", "punkt"),
    ("собака", "точка"),
    ("sobaka", "tochka"),
    ("et", "nokta"),
    ("айқұлақ", "нүкте"),
    ("arroba", "punto"),
)


def email_spellings(value: str) -> list[str]:
    """The address, its local part, and the address with '@' (and '.') spelled out as words
    in each language (:data:`EMAIL_WORDS`)."""
    local, _, domain = value.partition("@")
    out = [value, local]
    if not domain:
        return out
    for at, dot in EMAIL_WORDS:
        for loc in {local, local.replace(".", f" {dot} ")}:
            out.append(f"{loc} {at} {domain.replace('.', f' {dot} ')}")
        out.append(f"{local} {at} {domain}")
    return out


#: Street and house words and their postal abbreviations, folded, one group per meaning: each
#: form of a group is looked for wherever a value has another (USPS Pub. 28, La Poste, Deutsche
#: Post, Russian Post and Kazpost, PTT conventions).
ADDRESS_WORDS: tuple[tuple[str, ...], ...] = (
    ("street", "st", "str"),
    ("road", "rd"),
    ("avenue", "ave", "av"),
    ("boulevard", "blvd", "bd", "bvd"),
    ("lane", "ln"),
    ("square", "sq"),
    ("apartment", "apt", "flat"),
    ("number", "no", "nr", "n", "numara"),
    ("rue", "r"),
    ("place", "pl"),
    ("strasse", "str"),
    ("platz", "pl"),
    ("ulitsa", "ul"),
    ("dom", "d"),
    ("kvartira", "kv"),
    ("prospekt", "pr", "prosp", "prospekti", "dangghili"),
    ("mikroraion", "mkr", "mikrorayon", "shaghyn audany"),
    ("mahallesi", "mah", "mh", "mahalle"),
    ("caddesi", "cad", "cd", "cadde"),
    ("sokak", "sokagi", "sok", "sk"),
    ("koshesi", "kosh", "k si", "koshe"),
    ("ui", "u"),
    ("pater", "p"),
)
_ADDRESS_ALT: dict[str, tuple[str, ...]] = {}
for _group in ADDRESS_WORDS:
    for _form in _group:
        _ADDRESS_ALT[_form] = tuple(dict.fromkeys((*_ADDRESS_ALT.get(_form, ()), *_group)))
_COMPOUND = ("strasse", "str")  # German writes the street word into the name: Lindenstraße
MAX_ADDRESS_FORMS = 48


def _address_word_forms(word: str) -> tuple[str, ...]:
    forms = _ADDRESS_ALT.get(word, (word,))
    for tail in _COMPOUND:
        if word.endswith(tail) and len(word) > len(tail) + 2:
            stem = word[: -len(tail)]
            forms = (
                *forms,
                *(f"{stem}{t}" for t in _COMPOUND),
                *(f"{stem} {t}" for t in _COMPOUND),
            )
    return forms


def _bare_parts(parts: list[str]) -> list[bool]:
    # A part of only house words and numbers ("No. 2", "Flat 7") names no place by itself:
    # "List Number 2" is a word-processor's style. It counts beside another part, never alone.
    return [all(w.isdigit() or w in _ADDRESS_ALT for w in words(p)) for p in parts]


def _whole_and_parts(value: str, parts: list[str], bare: list[bool]) -> list[str]:
    return [value, *(p for i, p in enumerate(parts) if len(p.split()) >= 2 and not bare[i])]


def address_written(value: str) -> list[str]:
    """The address as written, each comma-separated part of two or more words (not a bare
    house part), and the parts as written turned to start at each part, whole and without the
    last (the city first, or left out): the spellings the vault-wide leak index holds
    (:func:`indexed_terms`)."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    out = _whole_and_parts(value, parts, _bare_parts(parts))
    for k in range(len(parts)):
        turned = parts[k:] + parts[:k]
        out += [", ".join(turned[:cut]) for cut in (len(parts), len(parts) - 1) if cut >= 2]
    return list(dict.fromkeys(out))


def address_spellings(value: str) -> list[str]:
    """The whole address, each comma-separated part of two or more words, the parts rotated
    (the city first), and each of these with every street or house word abbreviated or spelled
    out (:data:`ADDRESS_WORDS`; at most :data:`MAX_ADDRESS_FORMS` forms per part)."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    part_forms: list[list[str]] = []
    for part in parts:
        ws = words(part)
        if len(ws) >= 2 and ws[0].isdigit():  # "12 Main St" is also "Main St 12"
            ws = [*ws[1:], ws[0]]
        elif len(ws) >= 2 and ws[-1].isdigit():
            ws = [ws[-1], *ws[:-1]]
        options = [_address_word_forms(w) for w in words(part)]
        moved = [_address_word_forms(w) for w in ws]
        forms = [
            " ".join(c)
            for opts in (options, moved)
            for c in itertools.islice(itertools.product(*opts), MAX_ADDRESS_FORMS // 2)
        ]
        part_forms.append(list(dict.fromkeys(forms)))
    bare = _bare_parts(parts)
    out = _whole_and_parts(value, parts, bare)
    for i, forms in enumerate(part_forms):
        if not bare[i]:
            out += [f for f in forms if len(f.split()) >= 2]
    for k in range(len(parts)):
        rotated = part_forms[k:] + part_forms[:k]
        for cut in (len(parts), len(parts) - 1):
            if cut >= 2 or (cut == 1 and len(parts) > 1 and not bare[k]):
                out += [
                    ", ".join(c)
                    for c in itertools.islice(itertools.product(*rotated[:cut]), MAX_ADDRESS_FORMS)
                ]
                # each form of one part beside the others as written, past the product's cap
                for i in range(cut):
                    out += [
                        ", ".join(f if j == i else rotated[j][0] for j in range(cut))
                        for f in rotated[i]
                    ]
    return list(dict.fromkeys(out))


#: Patronymic endings, folded: the Kazakh and Kyrgyz son-of/daughter-of words, and the Russian
#: forms the same patronymic takes in a passport. Each is looked for wherever another stands.
PATRONYMIC_ENDINGS: tuple[tuple[str, ...], ...] = (
    ("uly", "uli", "ulu", "ugli", "ogli", "ovich", "evich"),
    ("kyzy", "kizi", "qizi", "kyz", "ovna", "evna"),
)


#: Letters the romanisations of Uyghur, Kazakh and Russian write differently (folded), each
#: tried across the whole name: Uyghur Latin q and x are k and kh elsewhere, Russian writes zh,
#: kh, ts where Turkic Latin writes j, h/x, c.
TRANSLIT_VARIANTS: tuple[tuple[str, str], ...] = (
    ("q", "k"),
    ("k", "q"),
    ("kh", "h"),
    ("kh", "x"),
    ("x", "kh"),
    ("h", "kh"),
    ("zh", "j"),
    ("j", "zh"),
    ("gh", "g"),
    ("y", "i"),
    ("i", "y"),
    ("w", "v"),
    ("ch", "c"),
    ("sh", "s"),
)


def name_spellings(value: str) -> list[str]:
    """A person's name, with each patronymic ending in its other forms
    (:data:`PATRONYMIC_ENDINGS`). Not with the first name as an initial: "A. Hasan" is every
    relative whose name starts with A, so its term would confirm a wrong guess at a name to
    whoever hashes guesses against the leak index (tests/test_leak_guessing.py)."""
    out = [value]
    ws = words(value)
    if len(ws) < 2 or any(is_cjk(c) for c in value):
        return out
    folded = " ".join(ws)
    for a, b in TRANSLIT_VARIANTS:
        if a in folded:
            out.append(folded.replace(a, b))
    for i, w in enumerate(ws):
        for group in PATRONYMIC_ENDINGS:
            for end in group:
                if w.endswith(end) and len(w) > len(end) + 1:
                    for alt in group:
                        if alt != end:
                            out.append(" ".join([*ws[:i], w[: -len(end)] + alt, *ws[i + 1 :]]))
    return out


def _pinyin(value: str) -> str:
    if all(is_cjk(c) or c in " ·・" for c in value):  # Han words: each read once (names.py)
        runs = re.split(r"[ ·・]+", value)
        return " ".join(s for run in runs for s in han_pinyin(run))
    from pypinyin import lazy_pinyin  # its dictionaries take 0.2 s: only Chinese values need it

    return " ".join(w for w in lazy_pinyin(value) if w.strip(" ·・"))


def _value_spellings(value: str, kind: str) -> list[str]:
    if kind == "date_of_birth":
        return date_spellings(value)
    if kind == "phone":
        return phone_spellings(value)
    if kind == "email":
        return email_spellings(value)
    if kind == "address":
        return address_spellings(value)
    out = name_spellings(value)
    if kind in ("codename", "place"):
        out += wordings(value)  # translated, or a synonym: "Rossignol", "Punica granatum"
    if any(is_cjk(c) for c in value):
        parts = [p for p in re.split(r"[·・•\s]+", value) if p]
        out.append(_pinyin(value))
        out.append(_pinyin(value).replace(" ", ""))
        if len(parts) == 2:  # given·family as family given, each run together
            out.append(" ".join(_pinyin(p).replace(" ", "") for p in reversed(parts)))
            out.append(" ".join(_pinyin(p).replace(" ", "") for p in parts))
    return out


#: Kinds also looked for by their look-alike fold: those written in letters. Digits and dates
#: are not (a '0' typed as 'O' is still read by the digit-run and pattern layers), which keeps a
#: date of birth's terms, one leak-index row each, from doubling.
LOOKALIKE_KINDS = frozenset({"name", "codename", "email", "address"})


@dataclass(frozen=True)
class ValueTerms:
    """What one protected value is read into (:func:`value_terms`, :func:`indexed_terms`)."""

    every: frozenset[str]  # every term it is looked for under, in a check about its own case
    indexed: frozenset[str]  # those the vault-wide leak index holds (a subset)
    lengths: frozenset[int]  # the lengths of its run-together terms among ``every``


#: The terms of each (value, kind) already read, inside :func:`terms_remembered`; None outside.
_REMEMBERED: ContextVar[dict[tuple[str, str], ValueTerms] | None] = ContextVar(
    "remembered_value_terms", default=None
)


@contextlib.contextmanager
def terms_remembered() -> Iterator[None]:
    """Inside this block each (value, kind) is read into terms once: writing a case reads its
    values for the public-field check and again for its leak index, and reading them is most of
    an import's time. What is remembered is forgotten when the block ends (one case's values,
    for the time it is written)."""
    token = _REMEMBERED.set({})
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def forget_values() -> None:
    """Forget the words and values this process has read into terms (the readers' caches): a
    session that closes leaves none of its values behind in a process that lives on."""
    forget_words()
    wordings.cache_clear()


def _read(value: str, kind: str) -> ValueTerms:
    remembered = _REMEMBERED.get()
    if remembered is None:
        return _read_value(value, kind)
    found = remembered.get((value, kind))
    if found is None:
        found = remembered[(value, kind)] = _read_value(value, kind)
    return found


def value_terms(value: str, kind: str) -> set[str]:
    """Every term under which a protected value is looked for in a check about its own case
    (a draft of it, an edition holding it, the case being saved): each spelling folded the
    ordinary way and, for :data:`LOOKALIKE_KINDS`, the look-alike way
    (:func:`vault.redact.text.lookalike_words`), written backwards, and each reading. A new
    set each call."""
    return set(_read(value, kind).every)


def indexed_terms(value: str, kind: str) -> set[str]:
    """The terms of :func:`value_terms` the vault-wide leak index holds: what finds a value of
    *another* case in a text. Left out, and looked for only in a check about the value's own
    case (whose values the check reads from their signed versions): the forms a writer makes
    up (an address's street and house words abbreviated or spelled out and its number moved,
    an e-mail address's '@' and '.' spelled out, a date in every locale's pattern, a value
    backwards or in ROT13; an address's parts as written are held, in every turn), since the
    text's own readings meet the address's street and number, the spelled-out e-mail address
    and the date; and the parts of a value (:func:`is_case_scoped`, a date's weak terms),
    which two people share. A new set each call."""
    return set(_read(value, kind).indexed)


#: A date's digits run together count vault-wide from this many: "18011984" and "19840118".
#: Fewer ("180184" from 18.01.84, "5180" from 5/1/80) is a number any text holds ("11 884
#: people", a PDF's object offsets), and among thousands of cases every such number is
#: somebody's date of birth; so are its digit groups in any order ("~2 3 51"). Those terms are
#: kept, and count only for the cases a check is about (:func:`is_weak_date_term`).
MIN_DATE_DIGITS = 8


def is_weak_shape(term: str) -> bool:
    """Whether ``term`` has the shape of a weak date term, whatever its kind: digits run together,
    fewer than :data:`MIN_DATE_DIGITS`, or digit groups in any order. (A leak-index lookup
    learns a term's kind only from the rows it reads, so it asks about such terms and drops
    those of a date, :func:`is_weak_date_term`.)"""
    if term.startswith(SORTED_PREFIX):
        return term[len(SORTED_PREFIX) :].replace(" ", "").isdigit()
    return term.isdigit() and len(term) < MIN_DATE_DIGITS


def is_weak_date_term(term: str, kind: str) -> bool:
    """Whether ``term``, found as a value of ``kind``, is a date of birth's weak term: it counts
    for the cases a check is about (the draft's, the edition's, the case being saved), never
    vault-wide (:class:`vault.services.leaks.VaultKnownValues`)."""
    return kind == "date_of_birth" and is_weak_shape(term)


def _spelling_terms(spelling: str, lookalike: bool) -> set[str]:
    terms: set[str] = set()
    for ws in (words(spelling), lookalike_words(spelling)) if lookalike else (words(spelling),):
        joined = "".join(ws)
        if MIN_TERM <= len(joined) <= MAX_TERM:
            terms.add(joined)
        if 2 <= len(ws) <= MAX_WINDOW:
            terms.add(SORTED_PREFIX + " ".join(sorted(ws)))
    return terms


def _indexed_spellings(value: str, kind: str, spellings: list[str]) -> list[str]:
    """The spellings of :func:`indexed_terms` (a date's are chosen by their terms)."""
    if kind == "email":
        return spellings[:2]  # the address and its local part
    if kind == "address":
        return address_written(value)
    return spellings


def _read_value(value: str, kind: str) -> ValueTerms:
    lookalike = kind in LOOKALIKE_KINDS
    spellings = _value_spellings(value, kind)
    each = {s: _spelling_terms(s, lookalike) for s in dict.fromkeys(spellings)}
    readings = value_readings(value, kind)
    every = set().union(*each.values()) | disguised_terms(value, kind) | readings
    indexed = {r for r in readings if not is_case_scoped(r)}
    if kind == "date_of_birth":  # its digits run together, whole: 19840118, 18011984, 01181984
        indexed |= {t for t in every if t.isdigit() and len(t) >= MIN_DATE_DIGITS}
    else:
        for s in _indexed_spellings(value, kind, spellings):
            indexed |= each[s] if s in each else _spelling_terms(s, lookalike)
    every |= indexed
    return ValueTerms(
        frozenset(every), frozenset(indexed), frozenset(len(t) for t in every if is_run_together(t))
    )


#: Kinds of value a writer disguises by writing them backwards or in ROT13.
DISGUISED_KINDS = frozenset({"name", "codename", "place", "email", "id_number", "phone"})


def disguised_terms(value: str, kind: str) -> set[str]:
    """The value's spelling backwards ("asyE misaqlubO") and in ROT13, as terms: any reader
    undoes either in seconds, and the text's own candidates then meet them with no second pass
    over the text."""
    if kind not in DISGUISED_KINDS:
        return set()
    joined = "".join(words(value))
    out = {joined[::-1], codecs.encode(joined, "rot13")}
    return {t for t in out if MIN_TERM <= len(t) <= MAX_TERM and t != joined}


# --- candidates from text --------------------------------------------------------------------


class Candidate(NamedTuple):
    """A term a text could hold a value under, and the span of the text it spells. A named
    tuple: an import makes a case's candidates on a worker and sends them to the writer, and a
    tuple is made and unpickled at a fraction of a frozen dataclass's cost."""

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
    want = {n for n in lengths if n >= MIN_TERM}
    n = len(sk.chars)
    if want:
        longest = max(want)
        ends = [e for e in range(1, n + 1) if _boundary_end(sk, e)]
        for a in range(n):
            if not sk.word_start[a]:
                continue
            for j in range(bisect.bisect_right(ends, a), len(ends)):
                e = ends[j]
                if e - a > longest:
                    break
                if e - a in want:
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


#: A run of digits as phone numbers are written in any format libphonenumber knows: an optional
#: '+' or 'tel:', digits of any script, and between them spaces, dots, dashes, brackets or the
#: '~' of a wait-for-tone ("8~10 7 701 ...").
_DIGIT_RUN = re.compile(
    r"(?<![\w+])(?:tel:)?\+?[(\[]?\d(?:[\s.\-()\[\]~\u00a0\u2009\u202f\u2011]{0,3}\d)*"
)
MIN_PHONE_DIGITS = 7


def phone_candidates(text: str, lengths: Collection[int]) -> Iterator[Candidate]:
    """Each run of digits as the suffixes a known number could be: a phone number in any
    format ends with its national significant number (trunk prefix, country code and
    international call prefix all come before it), so every suffix of a known length is a
    candidate, and a hit covers the whole run with whatever prefix it was dialled with."""
    lens = [n for n in lengths if n >= MIN_PHONE_DIGITS]
    for m in _DIGIT_RUN.finditer(text):
        digits = "".join(str(unicodedata.digit(c)) for c in m.group() if c.isdigit())
        if len(digits) < MIN_PHONE_DIGITS:
            continue
        start, end = m.start(), m.end()
        if text[start] in "([" and ")" not in m.group() and "]" not in m.group():
            start += 1
        for n in lens:
            if n <= len(digits):
                yield Candidate(digits[-n:], start, end)


def _all_candidates(text: str, lengths: Collection[int], readings: bool) -> list[Candidate]:
    cands = _spelling_candidates(text, lengths)
    if readings:
        cands += (Candidate(r.term, r.start, r.end) for r in text_readings(text))
        cands += _view_candidates(text, lengths)
    return cands


def _view_candidates(text: str, lengths: Collection[int]) -> list[Candidate]:
    """The spelling candidates of each disguised view of ``text`` (backwards, ROT13, ...), at
    the offsets of ``text`` they come from."""
    return [
        Candidate(c.term, *view.span(c.start, c.end))
        for view in disguised_views(text)
        for c in _spelling_candidates(view.text, lengths)
    ]


def _spelling_candidates(text: str, lengths: Collection[int]) -> list[Candidate]:
    cands = list(candidates(text, skeleton(text), lengths))
    if has_lookalike(text):  # only then can the look-alike fold find what the ordinary one missed
        cands += candidates(text, lookalike_skeleton(text), lengths)
    cands += phone_candidates(text, lengths)
    return cands


#: Every length a run-together term can have: candidates made for all of them serve any lookup
#: (:func:`text_candidates`, :func:`find_known_in`).
EVERY_LENGTH = range(MIN_TERM, MAX_TERM + 1)
_EVERY_LENGTH = frozenset(EVERY_LENGTH)


def text_candidates(text: str, *, readings: bool = True) -> list[Candidate]:
    """Every candidate of ``text`` for a lookup of any lengths: made once (an import makes them
    on another core) and looked up against several known values (:func:`find_known_in`)."""
    return _all_candidates(text, EVERY_LENGTH, readings)


def asked(terms: Iterable[str], lengths: Collection[int]) -> list[str]:
    """The terms a lookup asks: every sorted-words and reading term, and a run-together term
    only of a length the known values hold (no value of another length was run together)."""
    return [t for t in terms if len(t) in lengths or not is_run_together(t)]


def find_known_in(text: str, cands: Sequence[Candidate], known: KnownValues) -> list[Hit]:
    """:func:`find_known` of ``text`` from its :func:`text_candidates`: those of a length
    ``known`` holds, and every sorted-words and reading term, as :func:`find_known` makes them."""
    lengths = set(known.lengths())
    longer = {n for n in lengths if n not in EVERY_LENGTH}  # held by an index of an earlier layout
    if longer:
        cands = [*cands, *_spelling_candidates(text, longer), *_view_candidates(text, longer)]
    found = known.lookup(set(asked((c.term for c in cands), lengths)))
    return [
        Hit(c.start, _abbreviation_end(text, c.end), found[c.term])
        for c in cands
        if c.term in found
    ]


def find_known_among(text: str, terms: Collection[str], known: KnownValues) -> list[Hit]:
    """:func:`find_known_in` of ``text``, given only its candidates' terms (``{c.term for c in
    text_candidates(text)}``): the same lookup, and the candidates made again, here, only when
    ``known`` holds one of them. An import's workers send each case's terms to the writer, not
    its candidates: unpickling a text's candidates cost the writer about 0.2 ms a case, and the
    index holds none of a text's terms but for a leak."""
    lengths = set(known.lengths())
    # an index of an earlier layout holds terms of more lengths: its candidates made whole
    if lengths <= _EVERY_LENGTH and not known.lookup(set(asked(terms, lengths))):
        return []
    return find_known_in(text, text_candidates(text), known)


def find_known(text: str, known: KnownValues) -> list[Hit]:
    """Every span of ``text`` that spells a known protected value: candidates of its ordinary
    skeleton, of its look-alike skeleton (UTS #39), and runs of digits read as phone numbers."""
    return find_known_each([text], known)[0]


def find_known_each(
    texts: Sequence[str], known: KnownValues, *, readings: bool = True
) -> list[list[Hit]]:
    """:func:`find_known` of each text on its own (no value is matched across two texts), with
    one lookup for all of them. ``readings`` off: spellings and digit runs only, no readings of
    what spans mean — for the raw markup of an output file (tags, attributes, PDF objects),
    whose text a reader sees is read whole, readings and all."""
    lengths = known.lengths()
    per_text = [_all_candidates(text, lengths, readings) for text in texts]
    found = known.lookup({c.term for cands in per_text for c in cands})
    return [
        [
            Hit(c.start, _abbreviation_end(text, c.end), found[c.term])
            for c in cands
            if c.term in found
        ]
        for text, cands in zip(texts, per_text, strict=True)
    ]


def _abbreviation_end(text: str, end: int) -> int:
    """Take the full stop of an abbreviation that ends a hit ("1987 г.", "Zhibek Zholy St.")
    along with it: the last word is at most three letters."""
    if end < len(text) and text[end] == ".":
        k = end
        while k > 0 and text[k - 1].isalpha():
            k -= 1
        if 0 < end - k <= 3 and not (k > 0 and text[k - 1].isalnum()):
            return end + 1
    return end


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
                if not isinstance(raw, str):
                    continue
                # a person's aliases are one value each ("Reyhan; Reyhanjan")
                for one in raw.split(";") if key == "aliases" else (raw,):
                    if one.strip() and not is_placeholder(one):
                        out.append(
                            (one.strip(), EntityInfo(_entity_kind(holds, one), source.level))
                        )
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
