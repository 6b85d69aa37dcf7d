"""Reader: home addresses. See :mod:`vault.redact.readings`.

A protected address matches by its distinctive parts standing close together, not by its whole
string. Its parts are read from the value as typed ("Zhibek Zholy St. 48, apt. 12, Almaty
050000", "ул. Абая 15, кв. 7", "Lindenstraße 4, 10115 Berlin", "Atatürk Cad. No:12 D:5
Zeytinburnu/İstanbul"):

* the street's own name — the words beside a street-type word (:data:`STREET_TYPES`: street,
  St., Straße, rue, bd, ул., улица, проспект, көшесі, Cad., Sokak, Mahallesi, mkr., микрорайон
  ...; a German compound "Lindenstraße" gives "linden"), or a numbered street ("34. Sokak");
* the house number (after No/Nr/№/дом/Haus/building or beside the street name), the flat number
  (after apt./flat/кв./Wohnung/appartement/D:), and the postcode (four or more digits).

Its terms are ``#addr:<street-key>|<house>``, ``#addr:<street-key>|<flat>`` and
``#addr:pc<postcode>|<house>`` (and flat): at most a dozen per value. The street key folds
spelling: case, diacritics and script (Cyrillic by iuliia's Wikipedia schema, the rest by ICU
"Any-Latin; Latin-ASCII"), then zh/j/sh/sch/dsch, kh/h/x, q/k, w/v, y/i, ou/u, z/s and double
letters, so "Jibek Joly" meets "Zhibek Zholy" and "Schetyssu" meets "Zhetysu"; each key also
stands without a last vowel (Абая / Abay).

A text reads as each number — digits of any script, or en/fr/de words ("zweihundertzwölf",
"quatre-vingt-treize mille cent") — paired with each word, or run of up to three words, within
:data:`WINDOW` tokens before or after it, and with each other number there (a postcode). A
street name alone, with no house or flat number near, is not read: the spelling layer already
matches a whole street part of two or more words, and a single street name is too often a
public place (a public street with another house number does not match either).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from vault.redact.readings import READING_PREFIX, Reading
from vault.redact.readings.dates import fold, read

TAG = READING_PREFIX + "addr:"
WINDOW = 6  # tokens between a street name and a number of the same address
WORD_LANGS = ("en", "fr", "de")

#: Street-type words of the supported languages and their abbreviations, as written (lower
#: case) and folded: never part of a street's own name.
STREET_TYPES = frozenset(
    [
        "street",
        "st",
        "str",
        "strasse",
        "straße",
        "gasse",
        "weg",
        "allee",
        "platz",
        "ring",
        "damm",
        "ufer",
        "chaussee",
        "road",
        "rd",
        "avenue",
        "ave",
        "av",
        "boulevard",
        "blvd",
        "bd",
        "bvd",
        "lane",
        "ln",
        "square",
        "sq",
        "drive",
        "dr",
        "way",
        "rue",
        "place",
        "pl",
        "impasse",
        "chemin",
        "quai",
        "cours",
        "allée",
        "ulitsa",
        "ulica",
        "ul",
        "улица",
        "ул",
        "ул",
        "проспект",
        "просп",
        "пр",
        "prospekt",
        "prosp",
        "prospekti",
        "pr",
        "даңғылы",
        "dangyly",
        "dangghyly",
        "dangghili",
        "көшесі",
        "koshesi",
        "kosesi",
        "köşesi",
        "kosh",
        "k-si",
        "caddesi",
        "cad",
        "cd",
        "cadde",
        "sokak",
        "sokağı",
        "sokagi",
        "sok",
        "sk",
        "bulvar",
        "bulvarı",
        "bulvari",
        "mahallesi",
        "mahalle",
        "mah",
        "mh",
        "mikrorayon",
        "mikroraion",
        "mikrorajon",
        "mkr",
        "microdistrict",
        "microdistrikt",
        "микрорайон",
        "мкр",
        "quarter",
        "quartier",
        "viertel",
        "kvartal",
        "квартал",
        "pereulok",
        "переулок",
        "пер",
        "shosse",
        "шоссе",
        "naberezhnaya",
        "набережная",
        "district",
    ]
)
HOUSE_MARKERS = frozenset(
    [
        "number",
        "no",
        "nr",
        "n",
        "numara",
        "numero",
        "numéro",
        "house",
        "haus",
        "дом",
        "д",
        "building",
        "bldg",
        "bina",
        "korpus",
        "корпус",
        "block",
        "blok",
        "bloc",
        "gebaude",
        "gebäude",
        "hausnummer",
    ]
)
FLAT_MARKERS = frozenset(
    [
        "apartment",
        "apt",
        "flat",
        "kv",
        "кв",
        "квартира",
        "kvartira",
        "wohnung",
        "whg",
        "appartement",
        "app",
        "appt",
        "daire",
        "logement",
    ]
)
STOP = frozenset(
    [
        "the",
        "of",
        "and",
        "in",
        "at",
        "on",
        "to",
        "des",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "von",
        "vom",
        "zum",
        "zur",
        "du",
        "de",
        "la",
        "le",
        "les",
        "au",
        "aux",
        "im",
        "am",
        "a",
        "an",
        "et",
        "und",
        "à",
    ]
)
COMPOUND_TYPES = ("strasse", "str", "gasse", "weg", "platz", "allee", "ring", "damm")
THOUSAND = frozenset({"thousand", "mille", "mil", "tausend"})

_PHONETIC = (
    ("dsch", "j"),
    ("tsch", "ch"),
    ("sch", "sh"),
    ("dzh", "j"),
    ("zh", "j"),
    ("sh", "j"),
    ("kh", "h"),
    ("q", "k"),
    ("x", "h"),
    ("w", "v"),
    ("ou", "u"),
    ("ph", "f"),
    ("ck", "k"),
    ("y", "i"),
    ("z", "s"),
)


@lru_cache(maxsize=65536)
def _latin(word: str) -> str:
    if any("\u0400" <= c <= "\u04ff" for c in word):
        import iuliia

        word = iuliia.WIKIPEDIA.translate(word)
    return fold(word)


@lru_cache(maxsize=65536)
def street_key(word: str) -> str:
    """A word (or words run together) folded to its sound: 'Zhibek Zholy' -> 'jibekjoli'."""
    w = "".join(_latin(p) for p in re.split(r"[\s\-]+", word))
    for a, b in _PHONETIC:
        w = w.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", w)


def _keys(key: str) -> set[str]:
    """A key and, if long enough, the key without its last vowel (Абая 'abaia' / Abay 'abai')."""
    out = {key} if len(key) >= 4 else set()
    if len(key) >= 5 and key[-1] in "aeiou":
        out.add(key[:-1])
    return out


def _kind(low: str) -> str:
    f = fold(low) if low.isascii() else low
    if low in STREET_TYPES or f in STREET_TYPES:
        return "T"
    if low in FLAT_MARKERS or f in FLAT_MARKERS:
        return "F"
    if low in HOUSE_MARKERS or f in HOUSE_MARKERS:
        return "H"
    if low in STOP or len(f) <= 2:
        return "S"
    return "W"


@lru_cache(maxsize=1)
def number_words() -> dict[str, int]:
    """Folded phrase ('quatre vingt treize', 'thirty fourth', 'zweihundertzwolf') -> value, for
    1..999 cardinal and ordinal in en, fr, de (num2words)."""
    from num2words import num2words

    out: dict[str, int] = {}
    for lang in WORD_LANGS:
        for n in range(1, 1000):
            # ordinals of house and street numbers stop at a hundred ("the hundredth street")
            spoken = [num2words(n, lang=lang)]
            if n <= 100:
                spoken.append(num2words(n, lang=lang, to="ordinal"))
            for f in spoken:
                forms = [f]
                if lang == "de" and f.endswith("e"):
                    forms += [f + s for s in ("n", "r", "s", "m")]
                if lang == "en":
                    forms.append(f.replace(" and ", " "))
                for g in forms:
                    key = " ".join(fold(p) for p in re.split(r"[\s\-]+", g) if fold(p))
                    out.setdefault(key, n)
    return out


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    return frozenset(k.split()[0] for k in number_words()) | THOUSAND


@lru_cache(maxsize=1)
def _longest() -> int:
    return max(len(k.split()) for k in number_words())


# --- tokens ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"\d+|[^\W\d_]+")


@dataclass
class Tok:
    start: int
    end: int
    kind: str  # N number, T street type, H house marker, F flat marker, S stop word, W word
    low: str  # lower case (words) or the digits
    value: int = 0
    ordinal: bool = False  # digits written "34." or an ordinal word
    cased: bool = True  # a word not written in lower case (a name), or of a script without case


def _joined(text: str, a: Tok, b: Tok) -> bool:
    gap = text[a.end : b.start]
    return len(gap) <= 3 and all(c in " \t\n\u00a0-\u2010\u2011" for c in gap)


def tokens(text: str) -> list[Tok]:
    raw = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    words = number_words() if any(not r[2][0].isdigit() for r in raw) else {}
    first = _first_words() if words else frozenset()
    out: list[Tok] = []
    i = 0
    while i < len(raw):
        s, e, w = raw[i]
        if w[0].isdigit():
            ordinal = text[e : e + 1] == "." and not text[e + 1 : e + 2].isdigit()
            out.append(Tok(s, e, "N", w, int(w[:18]), ordinal))  # a long run reads as no house
            i += 1
            continue
        low = w.lower()
        f = fold(low)
        if f in first:
            value, j = _number_phrase(text, raw, i, words)
            if j > i:
                out.append(
                    Tok(s, raw[j - 1][1], "N", str(value), value, _is_ordinal(raw[j - 1][2]))
                )
                i = j
                continue
        out.append(Tok(s, e, _kind(low), low, cased=not w[0].islower()))
        i += 1
    return out


def _is_ordinal(word: str) -> bool:
    w = fold(word)
    return w.endswith(("th", "st", "nd", "rd", "ieme", "te", "ten", "ter", "tes"))  # "-ste(n)" too


def _phrase(
    text: str, raw: list[tuple[int, int, str]], i: int, words: dict[str, int]
) -> tuple[int, int]:
    best = (0, i)
    parts: list[str] = []
    for j in range(i, min(len(raw), i + _longest())):
        if raw[j][2][0].isdigit():
            break
        if j > i:
            gap = text[raw[j - 1][1] : raw[j][0]]
            if len(gap) > 2 or any(c not in " -\u2010\u2011" for c in gap):
                break
        parts.append(fold(raw[j][2]))
        v = words.get(" ".join(parts))
        if v:
            best = (v, j + 1)
    return best


def _number_phrase(
    text: str, raw: list[tuple[int, int, str]], i: int, words: dict[str, int]
) -> tuple[int, int]:
    """A number in words at raw[i], with a thousands word ('quatre-vingt-treize mille cent')."""
    value, j = _phrase(text, raw, i, words)
    if j == i and fold(raw[i][2]) in THOUSAND:
        value, j = 1, i  # 'mille cent'
        thousands_at = i
    elif (
        j < len(raw)
        and fold(raw[j][2]) in THOUSAND
        and text[raw[j - 1][1] : raw[j][0]] in (" ", "-")
    ):
        thousands_at = j
    else:
        return value, j
    rest, k = _phrase(text, raw, thousands_at + 1, words) if thousands_at + 1 < len(raw) else (0, 0)
    if k > thousands_at + 1 and text[raw[thousands_at][1] : raw[thousands_at + 1][0]] in (" ", "-"):
        return value * 1000 + rest, k
    return value * 1000, thousands_at + 1


# --- value side ------------------------------------------------------------------------------


def _compound_stem(low: str) -> str | None:
    f = fold(low)
    for tail in COMPOUND_TYPES:
        if f.endswith(tail) and len(f) >= len(tail) + 4:
            return f[: -len(tail)]
    return None


def value_readings(value: str, kind: str) -> set[str]:
    if kind != "address":
        return set()
    text = read(value)[1]
    toks = tokens(text)
    keys: set[str] = set()
    numbered: set[int] = set()
    houses: list[int] = []
    flats: list[int] = []
    postcodes: list[int] = []
    for i, t in enumerate(toks):
        if t.kind == "T":  # the street's own name: the words before it, else those after it
            run = _name_run(text, toks, i, -1) or _name_run(text, toks, i, +1)
            if run:
                keys.add(street_key(" ".join(run)))
            elif i > 0 and toks[i - 1].kind == "N" and toks[i - 1].ordinal:
                numbered.add(i - 1)  # "34. Sokak"
        elif t.kind == "W":
            stem = _compound_stem(t.low)
            if stem:
                run = _name_run(text, toks, i, -1)
                keys.add(street_key(" ".join([*run, stem])))
    for i, t in enumerate(toks):
        if t.kind != "N" or i in numbered:
            continue
        if i > 0 and toks[i - 1].kind == "W" and text[toks[i - 1].end : t.start] == "-":
            continue  # part of a name: "Zhetysu-2"
        before = toks[i - 1].kind if i > 0 else ""
        # "D:" (Turkish daire) after a house number: the flat ("d" is no marker of any kind)
        if before == "F" or (toks[i - 1].low == "d" and houses):
            flats.append(t.value)
        elif before == "H":
            houses.append(t.value)
        elif len(t.low) >= 4:
            postcodes.append(t.value)
        elif not houses:
            houses.append(t.value)
        else:
            flats.append(t.value)
    if not keys:  # no street-type word: the first run of words (whatever stands before it)
        for i, t in enumerate(toks):
            if t.kind == "W":
                # from toks[i] itself on (index -1 of the slice stands before it)
                keys.add(street_key(" ".join(_name_run(text, toks[i:], -1, +1))))
                break
    out: set[str] = set()
    numbers = houses + flats
    for k in keys:
        for kk in _keys(k):
            out.update(f"{TAG}{kk}|{n}" for n in numbers)
    for i in numbered:
        out.update(f"{TAG}{toks[i].value}|{n}" for n in numbers)
    for p in postcodes:
        out.update(f"{TAG}pc{p}|{n}" for n in numbers)
    return out


def _name_run(text: str, toks: list[Tok], i: int, step: int) -> list[str]:
    """The words of a name next to toks[i] in direction step (up to three, stop words skipped
    when a word follows them: 'rue des Glycines')."""
    run: list[Tok] = []
    j = i + step
    while 0 <= j < len(toks) and len(run) < 3:
        t = toks[j]
        prev = toks[j - step]
        if t.kind == "N" and step < 0 and j > 0 and text[toks[j - 1].end : t.start] == "-":
            j += step  # the number of a name: "Zhetysu-2 microdistrict"
            continue
        joined = _joined(text, t, prev) if step < 0 else _joined(text, prev, t)
        after_dot = step > 0 and t.kind == "W" and text[prev.end : t.start].strip() in (".", "")
        if not joined and not after_dot:  # "ул. Абая": the abbreviation's full stop
            break
        if t.kind == "W":
            run.append(t)
        elif t.kind == "S" and step > 0 and not run:
            pass
        else:
            break
        j += step
    run.sort(key=lambda t: t.start)
    return [t.low for t in run]


# --- text side -------------------------------------------------------------------------------


def _extend(toks: list[Tok], a: int, b: int, text: str) -> tuple[int, int]:
    """Take in the street-type words, markers and a name's attached number around a match."""
    while a > 0 and toks[a - 1].kind in "THF" and toks[a - 1].end >= toks[a].start - 3:
        a -= 1
    while (
        a > 1
        and toks[a - 1].kind == "S"
        and toks[a - 2].kind == "T"
        and toks[a - 1].end >= toks[a].start - 3
    ):
        a -= 2
    while b < len(toks) and (
        toks[b].kind == "T"
        or (toks[b].kind == "N" and text[toks[b - 1].end : toks[b].start] == "-")
    ):
        b += 1
    return a, b


def _beside_type(toks: list[Tok], j: int) -> bool:
    """A word in lower case is read as a street name only beside a street-type word ('ул.
    абая', 'jibek jolu street', 'rue des glycines'); otherwise only names are ('Abaya')."""
    near = (j - 1, j + 1, j + 2, j + 3, j - 2)
    return any(0 <= k < len(toks) and toks[k].kind == "T" for k in near)


def text_readings(text: str) -> Iterator[Reading]:
    norm, t = read(text)
    toks = tokens(t)
    nums = [i for i, x in enumerate(toks) if x.kind == "N" and 0 < x.value < 1_000_000]
    if not nums:
        return
    seen: set[tuple[int, int, str]] = set()

    def emit(a: int, b: int, term: str) -> Iterator[Reading]:
        a, b = _extend(toks, a, b, t)
        s, e = norm.span(toks[a].start, toks[b - 1].end)
        if (s, e, term) not in seen:
            seen.add((s, e, term))
            yield Reading(s, e, term)

    for i in nums:
        n = toks[i].value
        lo, hi = max(0, i - WINDOW), min(len(toks), i + WINDOW + 1)
        for j in range(lo, hi):
            x = toks[j]
            if j == i:
                continue
            if x.kind == "W" and (x.cased or _beside_type(toks, j)):
                run = [j]
                for k in range(j + 1, min(j + 3, hi)):
                    if toks[k].kind != "W" or not _joined(t, toks[k - 1], toks[k]):
                        break
                    run.append(k)
                for m in range(1, len(run) + 1):
                    grams = [" ".join(toks[r].low for r in run[:m])]
                    if m == 1:
                        stem = _compound_stem(x.low)
                        if stem:
                            grams.append(stem)
                    for g in grams:
                        for key in _keys(street_key(g)):
                            a, b = min(i, j), max(i, run[m - 1]) + 1
                            yield from emit(a, b, f"{TAG}{key}|{n}")
            elif x.kind == "N":
                near_type = any(0 <= k < len(toks) and toks[k].kind == "T" for k in (j - 1, j + 1))
                if near_type:  # a numbered street: "Thirty-fourth Street", "34. Sokak"
                    yield from emit(min(i, j), max(i, j) + 1, f"{TAG}{x.value}|{n}")
                if x.value >= 1000:  # a postcode
                    yield from emit(min(i, j), max(i, j) + 1, f"{TAG}pc{x.value}|{n}")
