"""Reader: dates of birth. See :mod:`vault.redact.readings`.

A protected date of birth (stored ISO, ``1964-01-28``) reads as one term, ``#date:1964-01-28``;
nothing weaker (a year alone, a day and month alone: those are the dates of public events too).

A text reads as every whole date it writes, each reading its own term:

* numeric dates in every order a reader could mean — day-month-year, month-day-year and year
  first (year-month-day, and year-day-month as CLDR's Uyghur writes it), separated by ``.``
  ``/`` ``-`` or spaces, a Roman-numeral month (``13.IX.1965``), a two-digit or apostrophe
  year (``5/3/'79``) read as both 19xx and 20xx, and compact ``yyyymmdd`` / ``ddmmyyyy``
  runs — so ``03/04/71`` reads as 1971-04-03 *and* 1971-03-04;
* dates with a month word: every month name and abbreviation CLDR (Babel) gives for en, fr, de,
  ru, tr, kk and ug (also transliterated to Latin), the day and year in digits of any script or
  in words (en/fr/de cardinals and ordinals made by num2words: "the twenty-eighth of January
  nineteen sixty-four", "fünften März neunzehnhundertneunundsiebzig"), with a weekday before;
* CJK dates (``1964年1月28日``, ``一九六四年一月二十八日``);
* fixed feast days with a year ("Christmas Eve 1983", "la veille de Noël 1983", "Heiligabend
  1983", "All Souls' Day" near "'91"), a day and month with a year a few words away ("Jahrgang
  1972, Geburtstag am 14. Juni"), a month and year followed by the day ("septembre 1988, le 17"),
  and a dated round birthday ("her fiftieth birthday on 14 June 2022" reads as 1972-06-14).

A date split further by paraphrase ("the winter of '64, on the 28th of the first month") is not
read. dateparser is not used: its search took 0.3 s on its first call, misread "am 28. Januar
1964" as 1964-01-01 and found no date in words; the month words come from the same CLDR data.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from vault.redact.readings import READING_PREFIX, Normalised, Reading, normalised

TAG = READING_PREFIX + "date:"
LOCALES = ("en", "fr", "de", "ru", "tr", "kk", "ug")
WORD_LANGS = ("en", "fr", "de")  # numbers in words (num2words)
YEARS = range(1900, 2031)  # years written in words that are read


def value_readings(value: str, kind: str) -> set[str]:
    if kind != "date_of_birth":
        return set()
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", value)
    if not m:
        return set()
    d = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return {TAG + d} if d else set()


def _date(y: int, m: int, d: int) -> str | None:
    try:
        return datetime.date(y, m, d).isoformat()
    except ValueError:
        return None


# --- folding and vocabularies -----------------------------------------------------------------


@lru_cache(maxsize=1)
def _to_latin() -> object:
    import icu

    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case, ASCII Latin (ICU), letters only: 'Kasım' and 'kasim', 'März' and 'marz'."""
    w = word.lower().replace("ß", "ss").replace("ı", "i")
    if not w.isascii():
        w = str(_to_latin().transliterate(w))  # type: ignore[attr-defined]
    return "".join(c for c in w if c.isascii() and c.isalpha())


def _phrase_key(text: str) -> str:
    return " ".join(fold(p) for p in re.split(r"[\s\-\u2010\u2011]+", text) if fold(p))


@lru_cache(maxsize=1)
def months() -> dict[str, int]:
    """Folded month word -> month number, from CLDR (format and stand-alone, wide and
    abbreviated) in :data:`LOCALES`, plus Roman numerals are not here (numeric dates only)."""
    from babel import Locale

    out: dict[str, int] = {}
    for loc in LOCALES:
        data = Locale.parse(loc).months
        for ctx in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for num, name in data[ctx][width].items():
                    for form in (name.lower().rstrip("."), fold(name)):
                        if form and not any(c.isdigit() for c in form) and len(form) >= 3:
                            out.setdefault(form, int(num))
    # "Sept" and the Uyghur Latin (ULY) spellings; the ug CLDR names folded give the rest
    out.setdefault("sept", 9)
    for num, name in enumerate(
        [
            "yanwar",
            "fewral",
            "mart",
            "aprel",
            "may",
            "iyun",
            "iyul",
            "awghust",
            "sentebir",
            "oktebir",
            "noyabir",
            "dekabir",
        ],
        1,
    ):
        out.setdefault(name, num)
    return out


@lru_cache(maxsize=1)
def weekdays() -> frozenset[str]:
    from babel import Locale

    out: set[str] = set()
    for loc in (*LOCALES, "zh"):  # 星期四, 周四
        data = Locale.parse(loc).days
        for ctx in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for name in data[ctx][width].values():
                    out.add(name.lower().rstrip("."))
                    out.add(fold(name))
    return frozenset(w for w in out if len(w) >= 2)


#: Words that may stand between the parts of one date, or before or after it.
FILLERS = frozenset(
    [
        "the",
        "of",
        "on",
        "le",
        "la",
        "l",
        "den",
        "am",
        "im",
        "de",
        "du",
        "der",
        "des",
        "vom",
        "von",
        "en",
        "in",
        "a",
        "года",
        "год",
        "г",
        "goda",
        "g",
        "yili",
        "yilinda",
        "jyly",
        "jylgy",
        "жылы",
        "жылғы",
        "ж",  # CLDR's Kazakh year mark: "1987 ж. 5 наурыз"
        "zh",
        "yil",
    ]
)
ARTICLES = frozenset(["the", "le", "la", "den"])  # taken into a date's span when just before it
YEAR_MARKS = frozenset(["г", "g", "ж", "zh"])  # a year's abbreviated word, with its dot
AFTER = frozenset(["года", "г", "goda", "g", "yili", "jyly", "жылы", "ж"])

#: Fixed feast days (month, day), en/fr/de, as folded phrases.
FEASTS: dict[str, tuple[int, int]] = {
    "christmas eve": (12, 24),
    "christmas day": (12, 25),
    "christmas": (12, 25),
    "veille de noel": (12, 24),
    "noel": (12, 25),
    "heiligabend": (12, 24),
    "heiliger abend": (12, 24),
    "heiligen abend": (12, 24),
    "weihnachtstag": (12, 25),
    "new years day": (1, 1),
    "new year s day": (1, 1),
    "jour de l an": (1, 1),
    "neujahr": (1, 1),
    "neujahrstag": (1, 1),
    "new years eve": (12, 31),
    "new year s eve": (12, 31),
    "saint sylvestre": (12, 31),
    "silvester": (12, 31),
    "all souls day": (11, 2),
    "all souls": (11, 2),
    "all soul s day": (11, 2),
    "jour des morts": (11, 2),
    "allerseelen": (11, 2),
    "all saints day": (11, 1),
    "all saints": (11, 1),
    "toussaint": (11, 1),
    "allerheiligen": (11, 1),
    "valentine s day": (2, 14),
    "saint valentin": (2, 14),
    "valentinstag": (2, 14),
    "nowruz": (3, 21),
    "navruz": (3, 21),
    "nauryz": (3, 21),
}
BIRTHDAY = frozenset({"birthday", "anniversaire", "geburtstag"})
POSSESSIVE = frozenset(
    [
        "her",
        "his",
        "their",
        "my",
        "sa",
        "son",
        "ihr",
        "ihren",
        "seinen",
        "seiner",
        "ihrem",
        "seinem",
    ]
)


def _de_inflections(word: str) -> list[str]:
    return [word, *(word + s for s in ("n", "r", "s", "m"))] if word.endswith("e") else [word]


@lru_cache(maxsize=1)
def number_words() -> dict[str, tuple[int, bool]]:
    """Folded phrase -> (value, is_year_form) for days 1..31 (cardinal, ordinal), ordinals up to
    120 (round birthdays) and the years of :data:`YEARS`, in :data:`WORD_LANGS` (num2words)."""
    from num2words import num2words

    out: dict[str, tuple[int, bool]] = {}
    for lang in WORD_LANGS:
        for n in range(1, 121):
            forms = [num2words(n, lang=lang, to="ordinal")]
            if n <= 31:
                forms.append(num2words(n, lang=lang))
            for f in forms:
                for g in _de_inflections(f) if lang == "de" else [f]:
                    out.setdefault(_phrase_key(g), (n, False))
        if lang == "fr":
            out.setdefault("premier", (1, False))
        for y in YEARS:
            forms = [num2words(y, lang=lang, to="year"), num2words(y, lang=lang)]
            if lang == "fr":
                forms += [f.replace("mille", "mil") for f in forms]
            if lang == "en":
                forms.append(num2words(y, lang=lang).replace(" and ", " "))
            for f in forms:
                out[_phrase_key(f)] = (y, True)
    return out


@lru_cache(maxsize=1)
def _max_phrase() -> int:
    return max(len(k.split()) for k in number_words())


@lru_cache(maxsize=1)
def _first_number_words() -> frozenset[str]:
    return frozenset(k.split()[0] for k in number_words())


# --- tokens ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"'?\d+|[^\W\d_]+")
ORDINAL_SUFFIX = frozenset(
    [
        "st",
        "nd",
        "rd",
        "th",
        "er",
        "re",
        "e",
        "eme",
        "ere",
        "go",
        "ogo",
        "inci",
        "nci",
        "unci",
        "uncu",
    ]
)


@dataclass
class Tok:
    start: int  # normalised offsets
    end: int
    word: str  # folded (letters) or the digits
    raw: str


@dataclass
class Part:
    kind: str  # D (day or 1..31), M (month), Y (year), Y2 (two-digit year), F (feast), O (ordinal)
    value: int
    start: int  # token index
    end: int  # token index, exclusive
    value2: int = 0  # feast day


def _ascii_digits(text: str) -> str:
    """Digits of any script as ASCII, one character for one (offsets kept). The table holds the
    text's own characters only (all of Unicode's would take half a second to build)."""
    if text.isascii():
        return text
    # every character str.isdigit() takes has a digit value (Unicode's Numeric_Type Digit or
    # Decimal), and an empty table translates nothing
    table = {
        ord(c): str(unicodedata.digit(c)) for c in set(text) if not c.isascii() and c.isdigit()
    }
    return text.translate(table)


@lru_cache(maxsize=8)
def read(text: str) -> tuple[Normalised, str]:
    """A text as the readers of dates and addresses read it: normalised (one pass for both),
    and with its digits in ASCII."""
    norm = normalised(text)
    return norm, _ascii_digits(norm.text)


def _tokens(text: str) -> list[Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        if raw[0].isdigit() or raw[0] == "'":
            out.append(Tok(m.start(), m.end(), raw, raw))
        else:
            low = raw.lower()
            out.append(Tok(m.start(), m.end(), low if low in _raw_words() else fold(raw), raw))
    return out


@lru_cache(maxsize=1)
def _raw_words() -> frozenset[str]:
    return frozenset(k for k in (*months(), *weekdays(), *FILLERS) if not k.isascii())


def _gap_ok(text: str, a: Tok, b: Tok) -> bool:
    gap = text[a.end : b.start]
    return len(gap) <= 4 and all(c in " \t\n\u00a0,.-/\u2010\u2011\u2013" for c in gap)


# --- numeric dates --------------------------------------------------------------------------

_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
    "xi": 11,
    "xii": 12,
}
_NUMERIC = re.compile(
    r"(?<![\d.,/\-])(\d{1,4})([./\-]|\s)(\d{1,2}|[IVX]{1,4}|[ivx]{1,4})\2('?\d{4}|'?\d{2}|\d)(?![\d]|[./\-]\d)"
)
_COMPACT = re.compile(r"(?<![\d.,/\-])(\d{8})(?![\d]|[./\-,]\d)")
_CJK_NUM = "〇零一二三四五六七八九十两"
_CJK = re.compile(
    rf"([0-9{_CJK_NUM}]{{2,4}})\s*年\s*([0-9{_CJK_NUM}]{{1,3}})\s*月\s*([0-9{_CJK_NUM}]{{1,3}})\s*[日号號]"
)


def _years(text: str) -> list[int]:
    y = text.lstrip("'")
    n = int(y)
    if len(y) == 4:
        return [n] if 1000 <= n <= 2199 else []
    return [1900 + n, 2000 + n]


def _numeric(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _NUMERIC.finditer(text):
        a, sep, b, c = m.group(1), m.group(2), m.group(3), m.group(4)
        if sep.isspace() and not (len(a) <= 2 and len(b) == 2 and len(c) == 4):
            continue  # spaces separate digit groups of phone numbers too: only dd mm yyyy
        roman = not b.isdigit()
        mid = _ROMAN.get(b.lower(), 0) if roman else int(b)
        if not mid:
            continue
        found: set[str | None] = set()
        if len(a) == 4 and len(c) <= 2:  # year first, 1964-1-8 too ('28 is 3 characters: no day)
            found.add(_date(int(a), mid, int(c)))
            if not roman:  # and year, day, month: CLDR's Uyghur "y-d-M" (1987-5-3 is 5 March)
                found.add(_date(int(a), int(c), mid))
        elif len(a) <= 2 and len(c) > 1:  # a one-digit year is none
            for y in _years(c):
                found.add(_date(y, mid, int(a)))  # day, month, year
                if not roman:
                    found.add(_date(y, int(a), mid))  # month, day, year
        for d in found:
            if d:
                yield m.start(), m.end(), d
    for m in _COMPACT.finditer(text):
        s = m.group(1)
        for d in (
            _date(int(s[:4]), int(s[4:6]), int(s[6:])),
            _date(int(s[4:]), int(s[2:4]), int(s[:2])),
        ):
            if d and 1900 <= int(d[:4]) <= 2099:
                yield m.start(), m.end(), d


def _cjk_number(s: str) -> int:
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
    if "十" in s:
        tens, _, ones = s.partition("十")
        if (tens and tens not in digits) or (ones and ones not in digits):
            return -1  # 二十十, 一二十: no number
        return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)
    n = 0
    for c in s:
        if c not in digits:
            return -1
        n = n * 10 + digits[c]
    return n


def _cjk(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _CJK.finditer(text):
        y, mo, d = (_cjk_number(g) for g in m.groups())
        years = [y] if y >= 1000 else [1900 + y, 2000 + y] if 0 <= y < 100 else []
        for yy in years:
            iso = _date(yy, mo, d)
            if iso:
                yield m.start(), m.end(), iso


# --- dates with words -----------------------------------------------------------------------


def _parts(text: str, toks: list[Tok]) -> list[Part]:
    """Day, month, year, feast and ordinal parts, numbers in words read near a month word."""
    mon = months()
    anchors = [
        i
        for i, t in enumerate(toks)
        if t.word in mon or t.word in BIRTHDAY or t.word in _feast_first()
    ]
    if not anchors:
        return []
    near: set[int] = set()
    for i in anchors:
        near.update(range(max(0, i - 12), min(len(toks), i + 13)))
    words = number_words()
    first = _first_number_words()
    out: list[Part] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if i not in near:
            i += 1
            continue
        w = t.word
        if w and (w[0].isdigit() or w[0] == "'"):
            digits = w.lstrip("'")
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            step = 1
            if nxt and nxt.start == t.end and nxt.word in ORDINAL_SUFFIX and w[0] != "'":
                step = 2  # 28th, 1er, 5-го (the hyphen is not a letter: 5го)
            n = int(digits)
            if w[0] == "'" and len(digits) == 2:
                out.append(Part("Y2", n, i, i + 1))
            elif len(digits) == 4 and 1000 <= n <= 2199:
                out.append(Part("Y", n, i, i + 1))
            elif len(digits) <= 2:
                if 1 <= n <= 31:
                    out.append(Part("D", n, i, i + step))
                if len(digits) == 2 and step == 1:
                    out.append(Part("Y2", n, i, i + 1))
                if step == 2 or n > 31:
                    out.append(Part("O", n, i, i + step))
            elif step == 2:
                out.append(Part("O", n, i, i + step))
            i += step
            continue
        if w in mon:
            out.append(Part("M", mon[w], i, i + 1))
            i += 1
            continue
        feast = _feast_at(toks, i)
        if feast:
            (fm, fd), j = feast
            out.append(Part("F", fm, i, j, fd))
            i = j
            continue
        if w in first:
            best = None
            phrase: list[str] = []
            for j in range(i, min(len(toks), i + _max_phrase())):
                if j > i and not _gap_ok(text, toks[j - 1], toks[j]):
                    break
                phrase.append(toks[j].word)
                hit = words.get(" ".join(phrase))
                if hit:
                    best = (hit, j + 1)
            if best:
                (n, is_year), j = best
                if is_year:
                    out.append(Part("Y", n, i, j))
                else:
                    if n <= 31:
                        out.append(Part("D", n, i, j))
                    out.append(Part("O", n, i, j))
                i = j
                continue
        i += 1
    return out


@lru_cache(maxsize=1)
def _feast_first() -> frozenset[str]:
    return frozenset(k.split()[0] for k in FEASTS)


def _feast_at(toks: list[Tok], i: int) -> tuple[tuple[int, int], int] | None:
    if toks[i].word not in _feast_first():
        return None
    best = None
    phrase: list[str] = []
    for j in range(i, min(len(toks), i + 5)):
        phrase.append(toks[j].word)
        if " ".join(phrase) in FEASTS:
            best = (FEASTS[" ".join(phrase)], j + 1)
    return best


def _between_ok(text: str, toks: list[Tok], a: Part, b: Part) -> bool:
    """Parts a and b (b starting after a ends, a few tokens on at most: :func:`_word_dates`
    offers no others) are one date: only fillers and weekdays between them."""
    for k in range(a.end, b.start):
        if toks[k].word not in FILLERS and toks[k].word not in weekdays():
            return False
    for k in range(a.end, b.start + 1):  # a.end > 0: toks[k - 1] is a token of the text
        if not _gap_ok(text, toks[k - 1], toks[k]):
            gap = text[toks[k - 1].end : toks[k].start]
            if gap.strip(" ,.'\u2019") != "":
                return False
    return True


def _year_values(p: Part) -> list[int]:
    return [p.value] if p.kind == "Y" else [1900 + p.value, 2000 + p.value]


def _word_dates(text: str, toks: list[Tok]) -> Iterator[tuple[int, int, str]]:
    parts = _parts(text, toks)
    if not parts:
        return
    by_start: dict[int, list[Part]] = {}
    for p in parts:
        by_start.setdefault(p.start, []).append(p)

    def following(p: Part, kinds: str, most: int = 2) -> list[Part]:
        out = []
        for s in range(p.end, p.end + most + 1):
            for q in by_start.get(s, []):
                if q.kind in kinds.split() and _between_ok(text, toks, p, q):
                    out.append(q)
        return out

    def span(a: int, b: int) -> tuple[int, int]:
        # take in a weekday and an article before, and "года"/"г." after
        while (
            a > 0
            and (toks[a - 1].word in weekdays() or toks[a - 1].word in ARTICLES)
            and _gap_ok(text, toks[a - 1], toks[a])
        ):
            a -= 1
        while b < len(toks) and toks[b].word in AFTER and _gap_ok(text, toks[b - 1], toks[b]):
            b += 1
        return toks[a].start, toks[b - 1].end

    for p in parts:
        if p.kind == "D":  # day month year
            for m in following(p, "M"):
                ys = following(m, "Y Y2")
                for y in ys:
                    for yy in _year_values(y):
                        d = _date(yy, m.value, p.value)
                        if d:
                            yield (*span(p.start, y.end), d)
                if not ys:  # day and month, the year a few words away
                    yield from _near_year(text, toks, parts, p.start, m.end, m.value, p.value, span)
        elif p.kind == "M":
            for day in following(p, "D"):  # month day, year (January 28, '64 too)
                for y in following(day, "Y Y2"):
                    for yy in _year_values(y):
                        d = _date(yy, p.value, day.value)
                        if d:
                            yield (*span(p.start, y.end), d)
            for y in following(p, "Y", most=1):  # month year, le/the/am day
                for day in following(y, "D", most=2):
                    if day.start > y.end:  # a filler or weekday between: le 17, samedi 17
                        d = _date(y.value, p.value, day.value)
                        if d:
                            yield (*span(p.start, day.end), d)
        elif p.kind == "Y":  # year month day (kk, tr, ug, hu order)
            for m in following(p, "M"):
                for day in following(m, "D"):
                    d = _date(p.value, m.value, day.value)
                    if d:
                        yield (*span(p.start, day.end), d)
        elif p.kind == "F":
            ys = following(p, "Y Y2", most=1)
            for y in ys:
                for yy in _year_values(y):
                    d = _date(yy, p.value, p.value2)
                    if d:
                        yield (*span(p.start, y.end), d)
            if not ys:
                yield from _near_year(text, toks, parts, p.start, p.end, p.value, p.value2, span)
    yield from _birthdays(text, toks, parts)


NEAR = 6  # tokens between a day-and-month and a year read as one date of birth


def _near_year(
    text: str,
    toks: list[Tok],
    parts: list[Part],
    a: int,
    b: int,
    month: int,
    day: int,
    span: object,
) -> Iterator[tuple[int, int, str]]:
    """A day and month with no year of their own, and a year (four digits or 'yy) a few words
    before or after, with no other month or year between: "Jahrgang 1972, Geburtstag am 14. Juni",
    "in the autumn of '91, on All Souls' Day"."""
    if any(text[toks[k - 1].end : toks[k].start].strip(" ,.'\u2019-") for k in range(a + 1, b)):
        return
    for y in parts:
        if y.kind not in ("Y", "Y2") or (y.kind == "Y2" and not toks[y.start].word.startswith("'")):
            continue
        if y.end <= a and a - y.end <= NEAR:
            lo, hi = y.end, a
        elif y.start >= b and y.start - b <= NEAR:
            lo, hi = b, y.start
        else:
            continue
        if any(q.kind in ("M", "Y", "F") and lo <= q.start < hi for q in parts):
            continue
        gaps = (
            text[toks[k - 1].end : toks[k].start].removeprefix(
                "." if toks[k - 1].word in YEAR_MARKS else ""
            )
            for k in range(lo, hi + 1)
        )
        if any(c in ".;:!?" for gap in gaps for c in gap):
            continue  # not across a sentence (the dot of "1987 г." or "1987 ж." is no end)
        for yy in _year_values(y):
            d = _date(yy, month, day)
            if d:
                s, e = span(min(a, y.start), max(b, y.end))  # type: ignore[operator]
                yield s, e, d


def _birthdays(text: str, toks: list[Tok], parts: list[Part]) -> Iterator[tuple[int, int, str]]:
    """'her fiftieth birthday on 14 June 2022' is a birth on 14 June 1972 (en, fr, de)."""
    for i, t in enumerate(toks):
        if t.word not in BIRTHDAY:
            continue
        ords = [p for p in parts if p.kind == "O" and i - 1 <= p.end <= i]  # 50e anniversaire
        ords += [p for p in parts if p.kind == "O" and p.start == i + 1]  # anniversaire, 50e
        if not ords:
            continue
        n = ords[0].value
        for d in _dates_after(text, toks, i + 1):
            s, e, iso = d
            if s - toks[i].end > 12:
                continue
            y = int(iso[:4]) - n
            born = _date(y, int(iso[5:7]), int(iso[8:]))
            if born:
                a = min(ords[0].start, i)
                if a > 0 and toks[a - 1].word in POSSESSIVE:
                    a -= 1
                yield toks[a].start, e, born


def _dates_after(text: str, toks: list[Tok], i: int) -> list[tuple[int, int, str]]:
    if i >= len(toks):
        return []
    a = toks[i].start
    piece = text[a : a + 60]
    sub = _tokens(piece)
    found = list(_numeric(piece)) + [x for x in _word_dates_simple(piece, sub) if x[0] <= 12]
    return [(s + a, e + a, d) for s, e, d in found]


def _word_dates_simple(text: str, toks: list[Tok]) -> Iterator[tuple[int, int, str]]:
    parts = _parts(text, toks)
    for p in parts:
        for m in parts:
            if p.kind == "D" and m.kind == "M" and m.start in (p.end, p.end + 1):
                for y in parts:
                    if y.kind == "Y" and y.start in (m.end, m.end + 1):
                        d = _date(y.value, m.value, p.value)
                        if d:
                            yield toks[p.start].start, toks[y.end - 1].end, d
            if p.kind == "M" and m.kind == "D" and m.start in (p.end, p.end + 1):
                for y in parts:
                    if y.kind == "Y" and y.start in (m.end, m.end + 1):
                        d = _date(y.value, p.value, m.value)
                        if d:
                            yield toks[p.start].start, toks[y.end - 1].end, d


# --- the reader ------------------------------------------------------------------------------

_PREFILTER = re.compile(r"\d|[年月]|[^\W\d_]{3,}")


def text_readings(text: str) -> Iterator[Reading]:
    norm, t = read(text)
    if not _PREFILTER.search(t):
        return
    seen: set[tuple[int, int, str]] = set()
    found: list[tuple[int, int, str]] = []
    if any(c.isdigit() for c in t):
        found += _numeric(t)
    if "年" in t:
        found += _cjk(t)
    found += _word_dates(t, _tokens(t))
    for s, e, iso in found:
        s, e = _with_weekday(t, s, e)
        if (s, e, iso) in seen:
            continue
        seen.add((s, e, iso))
        a, b = norm.span(s, e)
        yield Reading(a, b, TAG + iso)


_WEEKDAY_BEFORE = re.compile(r"([^\W\d_]+)\.?[ ,،]{0,2}$")
_WEEKDAY_AFTER = re.compile(r"\.?[ ,،]{0,2}([^\W\d_]+)\.?")


def _is_weekday(word: str) -> bool:
    return word.lower() in weekdays() or fold(word) in weekdays()


def _with_weekday(t: str, s: int, e: int) -> tuple[int, int]:
    """A date's span with the name of its weekday just before or after it taken in ("Do.,
    5.3.1987", "1987年3月5日星期四", "21 Kasım 1992 Cumartesi"): CLDR's full and weekday
    patterns write it there, and it is part of the date a reader sees."""
    before = _WEEKDAY_BEFORE.search(t, max(0, s - 24), s)
    if before and _is_weekday(before.group(1)):
        s = before.start(1)
    after = _WEEKDAY_AFTER.match(t, e)
    if after and _is_weekday(after.group(1)):
        e = after.end()
    return s, e


def dates_in(text: str) -> set[str]:
    """Every ISO date ``text`` reads as (for tests and tools)."""
    return {r.term.removeprefix(TAG) for r in text_readings(text)}
