"""Unchecked spans: what is left in a redacted text that could point to a person and that no
layer has judged — a reviewer must redact or accept each one before the text can be approved.

Redaction finds the values the vault knows. What it does not know — a relative's name no one
recorded, a number written in a way no reader reads — passes silently unless something asks a
person to look at it. After redaction, every remaining span of one of these shapes is *unchecked*:

* ``number``: a number of 4 or more digits in any script and with any separators (a year on its
  own, 1900-2099, or a year and month, "2017-07", is not: a year of birth is a public field), or
  a number written in words that reads as 1,000 or more or is dictated digit by digit (three
  number words in a row), or digits mixed with number words;
* ``date``: a date with its day — in words in the supported languages (a month or weekday with a
  number beside it that is not a year alone), numeric in any order, or with the CJK year and
  month signs; a year with a day-sized number near it and a word between them that is no word of
  the language or says "day" or "year" (a calendar or language no month list holds); an ISO week
  or ordinal date; the nth weekday of a month;
* ``email``: anything shaped like an e-mail address, also with "at" and "dot" written out;
* ``handle``: an @handle, or a link to a personal page or a messenger;
* ``encoded``: text in an encoding a reader decodes but no reading reads — HTML character
  references, percent-encoding, backslash-u escapes, a Base64 run — what it hides is unknown;
* ``phone``: digits dialled with a leading '+';
* ``address``: a street word (St., ул., Straße, rue, Cad., mkr. ...) with a number near it; and
  a small number (a house or flat number, with its label) standing beside another finding, which
  joins it — a street in a layout no street word names still has its numbers beside its name;
* ``name``: a run of words with a capital letter, in a script other than Latin, or in lower case
  but known to no word list of the text's language nor of English, unless each word is a common
  word of the text's language (word frequencies: ``wordfreq``) or a public term.

Encoded text joins what stands beside it (one span to judge: "&#77;&#117; Nurmemet").

A span is cleared by the vault's list of accepted public terms (places, officials,
organisations, laws, dates of public events): a signed state record a reviewer makes by accepting
a span (:mod:`vault.services.public_terms`). :func:`term_keys` gives the keys a span is accepted
under. The text is read as the publication's last leak gate reads it: NFKC-folded, invisible
characters removed (:func:`vault.redact.readings.normalised`), and also as displayed where that
differs (markup, references, an override, spelled letters:
:func:`~vault.redact.readings.displayed`). Pure: no I/O (word-frequency data is a library's
file).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from vault.models.folding import fold
from vault.redact.disguises import decoded_pieces
from vault.redact.readings import differs, displayed, normalised

#: A word is common (not name-like) in a language when its Zipf frequency there is at least this
#: (3 = once per million words). Tuned on the demo Urgent Action's burden, not on any corpus.
COMMON_ZIPF = 3.0

KINDS = ("email", "handle", "phone", "date", "address", "number", "encoded", "name")
REASONS = {
    "email": "shaped like an e-mail address",
    "handle": "shaped like a handle or a personal link",
    "encoded": "encoded text (entities, percent or \\u escapes, Base64): read it decoded",
    "phone": "shaped like a phone number",
    "date": "a date",
    "address": "shaped like a street address",
    "number": "a number of 4 or more digits",
    "name": "a name-like word not on the public list",
}


@dataclass(frozen=True)
class Unchecked:
    """One unchecked span of a redacted text (offsets in that text, end exclusive)."""

    start: int
    end: int
    kind: str
    reason: str

    def to_json(self, text: str) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "reason": self.reason,
            "text": text[self.start : self.end],
        }


# --- shapes ------------------------------------------------------------------------------------
# --- shapes ------------------------------------------------------------------------------------

_AT_WORDS = r"at|ät|arobase|chez|klammeraffe|собака|at-sign"
_DOT_WORDS = r"dot|punkt|point|точка|nokta|nokta"
_AT = rf"(?:\s*[@＠]\s*|%40|\s*[\[(\{{]\s*(?:{_AT_WORDS}|@)\s*[\])\}}]\s*|\s+(?:{_AT_WORDS})\s+)"
_DOT = rf"(?:\.|\s+\.\s+|\s*[\[(\{{]\s*(?:{_DOT_WORDS})\s*[\])\}}]\s*|\s+(?:{_DOT_WORDS})\s+)"
# bounded (an address part has at most 64 characters and a few dots): a long run of "a.a.a."
# must not cost the square of its length
_LOCAL = rf"(?<![\w+\-])[\w+\-]{{1,64}}(?:{_DOT}[\w+\-]{{1,64}}){{0,8}}"
_EMAIL = re.compile(
    rf"(?:mailto:)?{_LOCAL}{_AT}[\w\-]{{1,63}}(?:{_DOT}[\w\-]{{1,63}}){{1,8}}", re.IGNORECASE
)
_HANDLE = re.compile(
    r"(?<![\w@])@[\w.]{3,}\w"
    r"|(?:https?://|www\.|mailto:)\S+\w"
    r"|(?<![\w.])(?:t\.me|vk\.com|instagram\.com|facebook\.com|x\.com|twitter\.com|"
    r"douyin\.com|weibo\.com|tiktok\.com|wa\.me|signal\.me)/\S*\w"
    r"|(?<!\w)[^\W\d_]\w*\s+(?:underscore|unterstrich|tiret\s+bas|tiret\s+du\s+bas|"
    r"alt\s+çizgi)\s+[\w\-]+(?:\s+[\w\-]+)?",
    re.IGNORECASE,
)
_ENCODED = re.compile(
    r"(?:&#(?:\d{2,6}|[xX][0-9a-fA-F]{2,5});|&[a-zA-Z]{2,8};){2,}"
    r"|(?<![\w.\-])[\w.\-]{0,40}(?:%[0-9A-Fa-f]{2}[\w.\-]{0,40}){2,}"
    r"|(?:\\[uU][0-9a-fA-F]{4}){2,}"
    r"|(?<![\w+/=])(?=[A-Za-z0-9+/]*\d)(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])"
    r"(?:[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9+/]{8,}={1,2})(?![\w+/=])"
    r"|(?<![\w+/=])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])[A-Za-z0-9+/]{6,}={1,2}"
    r"(?![\w+/=])"
)
_CJK_NUM = "〇零一二三四五六七八九十百千廿卅0-9"
_CJK_DATE = re.compile(
    rf"[{_CJK_NUM}]{{1,4}}\s*年\s*[{_CJK_NUM}]{{1,3}}\s*月(?:\s*[{_CJK_NUM}]{{1,3}}\s*[日号])?"
)
_CJK_NUMERALS = re.compile(rf"[{_CJK_NUM}年月日号]+")
_STREET = (
    r"st|str|street|straße|strasse|rd|road|ave|avenue|bd|blvd|boulevard|rue|allée|impasse|"
    r"chemin|quai|lane|gasse|weg|platz|allee|ul|ulitsa|ulica|prospekt|prosp|mkr|"
    r"mikrorayon|microdistrict|micro-district|cad|caddesi|cd|sok|sokak|sk|mah|mahallesi|"
    r"bulvarı|köşesi|apt|apartment|flat|kv|kvartira|dom|bldg|building|bât|bâtiment|"
    r"haus|wohnung|hinterhaus|vorderhaus|étage|appartement|daire|kat|no|nr|bis|"
    r"huisnummer|bus|postbus|"
    r"улица|ул|проспект|пр|микрорайон|мкр|дом|д|кв|квартира|даңғылы|көшесі|үй|пәтер"
)
_STREET_WORD = re.compile(rf"(?<!\w)(?:{_STREET})(?:\.|:|(?!\w))", re.IGNORECASE)
_STREET_SUFFIX = re.compile(
    r"\w+(?:straße|strasse|str\.|weg|gasse|platz|allee|damm|ring|ufer|caddesi|sokak|sokağı|"
    r"straat|laan|gracht|plein|kade|steeg|dijk|singel)(?!\w)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-·・](?=[^\W\d_]))*")
_ELISION = re.compile(r"^(?:[dlnjmst]|qu)['’]", re.IGNORECASE)
_NAME_GLUE = re.compile(r"^[ \t\u00a0\-·・]{1,3}$|^[ \t]*,[ \t]*$")  # never across a line


@lru_cache(maxsize=1)
def _number_words() -> frozenset[str]:
    """Words of numbers, cardinal and ordinal, in the supported languages (num2words), for
    numbers written out; with the words that dictate digits ("oh", "double") and signs."""
    from num2words import num2words

    out: set[str] = {"oh", "double", "triple", "zero", "null", "nil", "zéro", "doppel", "plus"}
    out |= {"mil", "first", "premier", "première", "erste", "ersten", "zweiten"}
    for lang in ("en", "fr", "de", "ru", "tr", "kz"):
        for n in [*range(0, 101), 1000, 1000000]:
            for to in ("cardinal", "ordinal"):
                try:
                    spoken = num2words(n, lang=lang, to=to)
                except (NotImplementedError, OverflowError, KeyError, TypeError, AttributeError):
                    continue
                out.update(w for w in re.split(r"[\s\-]+", spoken.lower()) if w)
    # "one", "un" and "eins" stay: a run needs three number words before it counts
    # words of two letters or fewer in Turkish or Russian are words of en/fr/de too ("on" is 10)
    common = {w for w in out if len(w) <= 2} - {"oh", "un"}
    return frozenset(out - common - {"and", "et", "und", "и", "a", "an", "une", "ein", "eine"})


_DE_NUMBER = re.compile(
    r"^(?:ein|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwan|dreißig|"
    r"vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig|hundert|tausend|und|zig|null|"
    r"t|st|te|ten|ter|tes|sten|ste)+$"
)
#: Digits with look-alike letters for some of them (O for 0, l and I for 1), and an ID's check
#: letter X at the end; or a day written as an ordinal in digits (28th, 1er, 5te).
_DIGITISH = re.compile(
    r"^(?:[\dOoIl]*\d[\dOoIl]*[Xx]?|\d{1,2}(?:st|nd|rd|th|er|re|e|ème|eme|te|ten|ter))$"
)


def _is_number_word(word: str) -> bool:
    w = word.lower()
    return w in _number_words() or (len(w) >= 6 and bool(_DE_NUMBER.match(w)))


def _big_number_word(word: str) -> bool:
    w = word.lower()
    # "mil" (Spanish, Turkish) is also in "mille" and "million"
    return any(k in w for k in ("thousand", "tausend", "тысяч", "mil"))


def _script_other_than_latin(word: str) -> bool:
    """A letter not of the Latin script, or a Latin letter no one writes a name in — small
    capitals, IPA and phonetic letters (ɴᴜʀʙᴇᴋ): both are shapes no reading reads."""
    return any(
        ch.isalpha()
        and (not unicodedata.name(ch, "").startswith("LATIN") or "\u0250" <= ch <= "\u1dbf")
        for ch in word
    )


@lru_cache(maxsize=65536)
def _zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang))


def _common(word: str, lang: str) -> bool:
    return _zipf(word.lower(), lang) >= COMMON_ZIPF


def _unknown_word(word: str, lang: str) -> bool:
    """A word in lower case that is no word of ``lang`` nor of English at all (not in their word
    lists, down to once in a billion words): a name typed in lower case ("nurbek"), a name run
    together ("mahirequrban"), a disguised word."""
    w = word.lower()
    if len(w) < 4 or "'" in w or "’" in w:
        return False
    parts = [p for p in re.split(r"[\-·・]", w) if p]
    return all(_zipf(p, lang) == 0 and _zipf(p, "en") == 0 for p in parts)


# --- public terms ------------------------------------------------------------------------------


#: The longest run of a name's words that is a key of its own (a name has few words; a run of
#: many words is prose, and its keys would grow with the cube of its length).
MAX_NAME_RUN = 6


def term_keys(text: str, kind: str) -> list[str]:
    """The public-term keys a span is accepted under: the span folded whole and, for a name of
    several words, each run of two or more of its words in order (so "Ili Kazakh" is clear once
    "Ili Kazakh Autonomous Prefecture" was accepted). A word alone is cleared only when it was
    accepted alone: accepting "Nurbek Bazaar" and "Sadyrov Mosque" as places clears neither
    "Nurbek" nor "Nurbek Sadyrov", and accepting a detainee's name "Aygul Tursun" clears no
    relative who shares one of its words."""
    whole = fold(text)
    keys = [f"{kind}:{whole}"] if whole else []
    if kind == "name":
        words = [w for w in (fold(m.group()) for m in _WORD.finditer(text)) if w]
        for size in range(2, min(len(words), MAX_NAME_RUN + 1)):
            for at in range(len(words) - size + 1):
                keys.append(f"name:{''.join(words[at : at + size])}")
    return list(dict.fromkeys(keys))


def _cleared(text: str, kind: str, public: Collection[str]) -> bool:
    keys = term_keys(text, kind)
    return not keys or keys[0] in public


# --- numbers, dates, addresses -----------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """A run of numeric tokens (digit groups, number words, digits with look-alike letters),
    with the single capital letters and the '+' written among them."""

    start: int
    end: int
    digits: int  # digits written as digits
    words: int  # number words
    big: bool  # a word of a thousand or more
    plus: bool


_TOKEN = re.compile(r"\+|[^\W_]+")
_RUN_GLUE = re.compile(
    r"^(?:[\s,.\-/()\u00a0\u2009\u202f\u2011:'’;|·_‧•*]{0,4}|\s+(?:and|et|und|и)\s+)$",
    re.IGNORECASE,
)


@lru_cache(maxsize=8)
def _numeric_runs(text: str) -> list[_Run]:
    runs: list[_Run] = []
    cur: list[tuple[int, int, str]] = []  # (start, end, type): d digits, w word, l letter, +

    def close() -> None:
        while cur and cur[-1][2] in "l+":
            cur.pop()
        # single capitals before the digits stay: a passport's letters ("A N 47 28 193")
        if any(t in "dw" for _, _, t in cur):
            toks = [(text[a:b], t) for a, b, t in cur]
            runs.append(
                _Run(
                    cur[0][0],
                    cur[-1][1],
                    sum(sum(c.isdigit() for c in tok) for tok, _ in toks),
                    sum(t == "w" for _, t in toks),
                    any(t == "w" and _big_number_word(tok) for tok, t in toks),
                    any(t == "+" for _, t in toks),
                )
            )
        cur.clear()

    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok == "+":
            kind = "+"
        elif _DIGITISH.match(tok):
            kind = "d"
        elif _is_number_word(tok):
            kind = "w"
        elif len(tok) == 1 and tok.isupper():
            kind = "l"
        else:
            close()
            continue
        if cur and not _RUN_GLUE.match(text[cur[-1][1] : m.start()]):
            close()
        cur.append((m.start(), m.end(), kind))
    close()
    return runs


def _is_bare_year(raw: str) -> bool:
    """A year on its own, or a year and month ("2017-07", an approximate date): public facts
    (a year of birth is a public field); a date that can point to a birth has its day."""
    m = re.fullmatch(r"(\d{4})(?:[-/.](\d{1,2}))?", raw)
    if m is None:
        return False
    return 1900 <= int(m[1]) <= 2099 and (m[2] is None or 1 <= int(m[2]) <= 12)


def _is_number(r: _Run, raw: str) -> bool:
    """Whether a numeric run is long enough to point to a person: 4 or more digits (not a bare
    year), three number words or more (dictated), a word of a thousand or more, digits mixed with
    words, or a long German compound number."""
    return (
        (r.digits >= 4 and not _is_bare_year(raw))
        or r.words >= 3
        or r.big
        or bool(r.words and r.digits and r.digits + r.words >= 3)
        or (r.words == 1 and not r.digits and len(raw) >= 12)
    )


def _numbers(text: str, runs: list[_Run]) -> Iterator[tuple[int, int, str]]:
    for r in runs:
        raw = text[r.start : r.end]
        if r.plus and r.digits + r.words >= 4:
            yield r.start, r.end, "phone"
        elif _is_number(r, raw):
            yield r.start, r.end, "number"


@lru_cache(maxsize=1)
def _date_words() -> re.Pattern[str]:
    """Month and weekday names of every supported language (wide, abbreviated, genitive)."""
    from babel.dates import get_day_names, get_month_names

    names: set[str] = set()
    for loc in ("en", "fr", "de", "ru", "tr", "kk", "ug", "nl"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for getter in (get_month_names, get_day_names):
                    names.update(
                        n.lower().rstrip(".") for n in getter(width, context, loc).values()
                    )
    names |= _OTHER_CALENDAR_MONTHS
    words = sorted((n for n in names if len(n) >= 3), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")\.?(?!\w)", re.I)


#: Months of the Hijri and Chinese lunar calendars, as they are written in Latin letters and in
#: Chinese: a date of birth is often remembered in them.
_OTHER_CALENDAR_MONTHS = frozenset(
    {
        "muharram",
        "safar",
        "rabi al-awwal",
        "rabi' al-awwal",
        "rabi al-thani",
        "rabi' al-thani",
        "rabi ul-awwal",
        "rabi ul-akhir",
        "jumada al-awwal",
        "jumada al-ula",
        "jumada al-thani",
        "jumada al-akhirah",
        "rajab",
        "shaban",
        "sha'ban",
        "ramadan",
        "ramazan",
        "shawwal",
        "dhu al-qadah",
        "dhu al-qi'dah",
        "dhul-qadah",
        "dhu al-hijjah",
        "dhul-hijjah",
        "zulhijja",
        "lunar month",
        "正月",
        "腊月",
        "冬月",
        "闰月",
    }
)


_DATE_GLUE = re.compile(
    r"^(?:[\s,.\-/]{0,4}|[\s,]*(?:of|de|du|le|den|am|the|on|в|года?|г\.)[\s,.]*|\s+of\s+the\s+)$",
    re.I,
)
_NUMERIC_DATE = re.compile(
    r"(?<![\w.])\d{1,4}\s?[./\-;|·_]\s?(?:\d{1,2}|[IVX]{1,4})\s?[./\-;|·_]\s?['’]?\d{2,4}"
    r"(?![.\-/;|·_]?\d)"
)


def _is_day(text: str, r: _Run) -> bool:
    """Whether a run next to a month could be its day: not a year alone (a month and a year
    point to no one; a date of birth needs its day)."""
    raw = text[r.start : r.end]
    return not (_is_bare_year(raw) or re.fullmatch(r"['’]\d{2}", raw))


#: An ISO week date ("1971-W10-2") or ordinal date ("1954-137").
_ISO_OTHER_DATE = re.compile(r"(?<![\w\-])(?:19|20)\d{2}(?:-?W\d{2}(?:-?[1-7])?|-?\d{3})(?![\w\-])")
#: Words that say a number is a day or a year ("day 137 of 1954", "1995 jylǵy 12 sáýirde").
_DAY_YEAR_WORDS = frozenset(
    {
        "day",
        "days",
        "jour",
        "jours",
        "tag",
        "tage",
        "tages",
        "year",
        "years",
        "an",
        "année",
        "jahr",
        "jahre",
        "jahres",
        "yil",
        "yili",
        "yılı",
        "jyl",
        "jylǵy",
        "jyly",
        "жыл",
        "жылы",
        "жылғы",
        "жылдын",
        "год",
        "года",
        "году",
        "г",
    }
)
#: An ordinal before a weekday: "the third Monday of May 1954", "am vierten Sonntag im November".
_NTH = (
    r"first|second|third|fourth|fifth|last|premier|première|deuxième|second|seconde|troisième|"
    r"quatrième|cinquième|dernier|dernière|erste|ersten|zweite|zweiten|dritte|dritten|vierte|"
    r"vierten|fünfte|fünften|letzte|letzten|1st|2nd|3rd|4th|5th"
)


def _year_like(raw: str) -> bool:
    return bool(re.fullmatch(r"\d{4}", raw)) and 1300 <= int(raw) <= 2099


def _day_like(raw: str) -> bool:
    digits = re.match(r"\d{1,3}", raw)
    return digits is not None and len(raw) <= 6 and 1 <= int(digits.group()) <= 366


def _year_and_day(text: str, runs: list[_Run], lang: str) -> Iterator[tuple[int, int, str]]:
    """A year with a day-sized number near it, with at most two words between them of which one
    is not a word of the language or says "day" or "year": a date in a language or calendar no
    month list holds ("1958-жылы 23-ноябрда", "1995 jylǵy 12 sáýirde", "day 137 of 1954")."""
    for i, r in enumerate(runs):
        if not _year_like(text[r.start : r.end]):
            continue
        for other in runs[max(0, i - 2) : i + 3]:
            if other is r or not _day_like(text[other.start : other.end]):
                continue
            a, b = (other.end, r.start) if other.end <= r.start else (r.end, other.start)
            if b - a > 30:
                continue
            between = _WORD.findall(text[a:b])
            if len(between) > 2:
                continue
            lead = _WORD.match(text, max(r.end, other.end) + 1)  # a suffix after a hyphen
            end = max(r.end, other.end)
            if text[end : end + 1] == "-" and lead is not None:
                end = lead.end()
            near = [*between]
            before = re.search(
                r"([^\W\d_]+)\s*$",
                text[max(0, min(r.start, other.start) - 12) : min(r.start, other.start)],
            )
            if before:
                near.append(before.group(1))
            if any(w.lower() in _DAY_YEAR_WORDS or not _common(w, lang) for w in near):
                yield min(r.start, other.start), end, "date"


def _dates(text: str, runs: list[_Run]) -> Iterator[tuple[int, int, str]]:
    for m in _ISO_OTHER_DATE.finditer(text):
        yield m.start(), m.end(), "date"
    for m in re.finditer(rf"(?<!\w)(?:{_NTH})\s+", text, re.IGNORECASE):
        weekday = _date_words().match(text, m.end())
        if weekday is None:
            continue
        end = weekday.end()
        for r in runs:  # the month and year after it
            if r.start >= end and r.start - end <= 20:
                end = r.end
                break
        yield m.start(), end, "date"
    for m in _CJK_DATE.finditer(text):
        yield m.start(), m.end(), "date"
    for m in _NUMERIC_DATE.finditer(text):
        yield m.start(), m.end(), "date"
    for m in _date_words().finditer(text):
        start, end, day = m.start(), m.end(), False
        for r in runs:  # numbers just before and just after a month or weekday make a date
            if r.end <= m.start() and _DATE_GLUE.match(text[r.end : m.start()]):
                start, day = r.start, day or _is_day(text, r)
            elif r.start >= m.end() and _DATE_GLUE.match(text[m.end() : r.start]):
                end, day = r.end, day or _is_day(text, r)
                break
        if day:
            yield start, end, "date"


_BEFORE_STREET = re.compile(r"[\s,:\-]*(?:[^\W\d_][\w'’\-]*[\s,]+){0,3}")
_AFTER_STREET = re.compile(
    r"[\s,:\-]*(?:no\.?|nr\.?|numéro|number|n°|№)?[\s,:\-]*(?:[^\W\d_][\w'’\-]*[\s,]+){0,2}",
    re.IGNORECASE,
)
_STREET_NAME = re.compile(r"(?:[^\W\d_a-zа-яё][\w'’\-]*[\s\-]+){1,3}$")


def _addresses(text: str, runs: list[_Run]) -> Iterator[tuple[int, int, str]]:
    for pattern in (_STREET_WORD, _STREET_SUFFIX):
        for m in pattern.finditer(text):
            word = m.group()
            if pattern is _STREET_WORD and len(word.rstrip(".:")) <= 2 and word[-1] not in ".:":
                continue  # "d", "no", "st" alone are words too: only with their full stop
            start, end, near = m.start(), m.end(), False
            for r in runs:  # a number a few words before or after the street word
                if 0 <= m.start() - r.end <= 30 and _BEFORE_STREET.fullmatch(
                    text[r.end : m.start()]
                ):
                    start, near = min(start, r.start), True
                if 0 <= r.start - m.end() <= 30 and _AFTER_STREET.fullmatch(
                    text[m.end() : r.start]
                ):
                    end, near = max(end, r.end), True
            if not near:
                continue
            name = _STREET_NAME.search(text[max(0, start - 40) : start])  # "Zhibek Zholy St."
            if name:
                start -= len(name.group())
            yield start, end, "address"


@lru_cache(maxsize=8)
def _shape_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """Every value shape of a normalised text (kept for the few texts read last: the engine
    widens redactions with them, then the unchecked spans are found in the same text)."""
    return tuple(_find_shapes(text))


def _find_shapes(text: str) -> Iterator[tuple[int, int, str]]:
    for _, start, end in decoded_pieces(text):
        yield start, end, "encoded"
    for m in _EMAIL.finditer(text):
        yield m.start(), m.end(), "email"
    for m in _HANDLE.finditer(text):
        yield m.start(), m.end(), "handle"
    for m in _ENCODED.finditer(text):
        yield m.start(), m.end(), "encoded"
    runs = _numeric_runs(text)
    yield from _dates(text, runs)
    yield from _numbers(text, runs)
    yield from _addresses(text, runs)


def value_shapes(text: str) -> list[tuple[int, int, str]]:
    """The spans of ``text`` shaped like a value (e-mail, handle, phone, date, number, address),
    in its own offsets: a redaction of part of one is widened to all of it
    (:func:`vault.redact.engine.redact`), so that no "+49" or "@" is left beside it."""
    norm = normalised(text)
    return [(*norm.span(a, b), kind) for a, b, kind in _shape_spans(norm.text) if a < b]


# --- names -------------------------------------------------------------------------------------


def _name_spans(text: str, lang: str) -> Iterator[tuple[int, int, str]]:
    """Runs of capitalised words or words in another script (an initial's full stop and a comma
    between surname and given name kept inside), with at least one word that is not a common word
    of ``lang``."""
    group: list[tuple[int, int, bool]] = []  # (start, end, rare)
    out: list[tuple[int, int, str]] = []

    def flush() -> None:
        if group and any(rare for _, _, rare in group):
            end = group[-1][1]
            if end - group[-1][0] == 1 and text[end : end + 1] == ".":
                end += 1  # "YASINOVA M."
            out.append((group[0][0], end, "name"))
        group.clear()

    for m in _WORD.finditer(text):
        word, start = m.group(), m.start()
        elided = _ELISION.match(word)
        if elided and len(word) > elided.end():
            start += elided.end()
            word = word[elided.end() :]
        if word[-2:] in ("'s", "’s"):
            word = word[:-2]
        other = _script_other_than_latin(word)
        if other and _CJK_NUMERALS.fullmatch(word):
            flush()  # a date or number in CJK numerals is read as one, not as a name
            continue
        if not (other or any(c.isupper() for c in word) or _unknown_word(word, lang)):
            flush()
            continue
        if group:
            gap = text[group[-1][1] : start]
            initial = group[-1][1] - group[-1][0] == 1 and gap in (". ", ".")
            if not (initial or _NAME_GLUE.match(gap)):
                flush()
        parts = [p for p in re.split(r"['’\-·・]", word) if p]
        rare = other or not any(_common(p, lang) for p in (word, *parts))
        group.append((start, start + len(word), rare))
    flush()
    return iter(out)


#: A house number beside a finding, until it is merged with it (then it is an ``address``).
_HOUSE_KIND = "house"
_PRIORITY = {kind: i for i, kind in enumerate((*KINDS[:5], _HOUSE_KIND, *KINDS[5:]))}


def _outside(s: int, e: int, skip: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pieces of s..e outside every skipped span."""
    pieces = [(s, e)]
    for x, y in skip:
        pieces = [
            piece
            for a, b in pieces
            for piece in ((a, min(b, x)), (max(a, y), b))
            if piece[0] < piece[1]
        ]
    return pieces


def find_unchecked(
    text: str,
    lang: str,
    *,
    skip: Sequence[tuple[int, int]] = (),
    public: Collection[str] = frozenset(),
) -> list[Unchecked]:
    """The unchecked spans of a redacted ``text`` in language ``lang``: every span of a shape
    that could point to a person, outside ``skip`` (the replacements of redactions: a finding
    that touches one keeps its parts outside it), not cleared by ``public`` (keys of
    :func:`term_keys`). Overlapping findings are one span, of the kind that ranks first in
    :data:`KINDS`. A small number beside a finding (a house or flat number, "Dostyk 212",
    "Whg. 14") joins it as part of an address, and encoded text joins what stands beside it
    ("&#77;&#117; Nurmemet" is one name to look at): only spaces and a comma, colon, slash or
    dash between them."""
    raw: list[tuple[int, int, str]] = []
    # what is written, and (where a reader takes it in otherwise) what is displayed
    for norm in (normalised(text), displayed(text)) if differs(text) else (normalised(text),):
        dates = _year_and_day(norm.text, _numeric_runs(norm.text), lang)
        for a, b, kind in [*_shape_spans(norm.text), *dates, *_name_spans(norm.text, lang)]:
            if a < b:
                s, e = norm.span(a, b)
                raw += [(x, y, kind) for x, y in _outside(s, e, skip) if text[x:y].strip(" .,;:-")]
    found = [
        f for f in _merged(text, raw, overlapping_only=True) if not _cleared_span(text, f, public)
    ]
    joined = _merged(text, [*found, *_house_numbers(text, found, skip)], overlapping_only=False)
    return [
        Unchecked(s, e, kind, REASONS[kind])
        for s, e, kind in (_public_kind(f) for f in joined)
        if not _cleared(text[s:e], kind, public)
    ]


def _public_kind(span: tuple[int, int, str]) -> tuple[int, int, str]:
    s, e, kind = span
    return (s, e, "address" if kind == _HOUSE_KIND else kind)


def _cleared_span(text: str, span: tuple[int, int, str], public: Collection[str]) -> bool:
    s, e, kind = _public_kind(span)
    return _cleared(text[s:e], kind, public)


def _merged(
    text: str, spans: Sequence[tuple[int, int, str]], *, overlapping_only: bool
) -> list[tuple[int, int, str]]:
    """Overlapping spans as one, of the kind that ranks first; unless ``overlapping_only``, also
    a house number or encoded text and the span it stands beside (:data:`_BESIDE`)."""
    merged: list[tuple[int, int, str]] = []
    for s, e, kind in sorted(spans, key=lambda t: (t[0], -t[1])):
        if merged and (
            s < merged[-1][1]
            or (
                not overlapping_only
                and {kind, merged[-1][2]} & {"encoded", _HOUSE_KIND}
                and _touches(text, merged[-1][:2], (s, e))
            )
        ):
            ps, pe, pkind = merged[-1]
            merged[-1] = (ps, max(pe, e), kind if _PRIORITY[kind] < _PRIORITY[pkind] else pkind)
        else:
            merged.append((s, e, kind))
    return merged


#: What may stand between two findings that are read as one: spaces, and one comma, colon,
#: slash or dash (not a full stop: a sentence ends there; not a line break).
_BESIDE = re.compile(r"[ \t\u00a0\u202f]*[,:/\-–]?[ \t\u00a0\u202f]*")

#: A house, flat or building number: digits with a letter or a Roman numeral after a dash or
#: slash ("31-III", "3B", "8bis", "3-2-1104", "14-úı"), with at most one short label before it
#: ("appt 47", "Whg. 14", "No:37", "kv. 7", "n° 23").
_HOUSE = re.compile(
    r"(?P<label>(?<![^\W\d_])[^\W\d_]{1,6}\.?[ \t\u00a0]?[:°]?[ \t\u00a0]?)?"
    r"(?P<number>(?<![\w.])\d{1,5}(?:[-/]?(?:[^\W\d_]{1,4}|\d{1,5})){0,6}+)(?![\w])"
)


def _overlaps(span: tuple[int, int], others: Sequence[tuple[int, int]]) -> bool:
    return any(a < span[1] and span[0] < b for a, b in others)


def _touches(text: str, one: tuple[int, int], other: tuple[int, int]) -> bool:
    """Whether two spans stand side by side (only :data:`_BESIDE` between them)."""
    (_, e), (a, _) = sorted((one, other))
    gap = text[e:a]
    if gap.startswith(".") and re.search(r"(?<![^\W\d_])[^\W\d_]{1,4}\Z", text[:e]):
        gap = gap[1:]  # the full stop of an abbreviation ("Whg. 14", "kv. 7")
    return e <= a and bool(_BESIDE.fullmatch(gap))


def _house_numbers(
    text: str, found: Sequence[tuple[int, int, str]], skip: Sequence[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """Small numbers standing beside a finding (or beside one that stands beside a finding), as
    ``address`` spans: a street in a layout no street word names still has its numbers next to
    its name. A year alone (1900-2099) is no house number."""
    taken = [(a, b) for a, b, _ in found] + list(skip)
    numbers = []
    for m in _HOUSE.finditer(text):
        start, end = m.span()
        if _is_bare_year(m.group("number")) or _overlaps((m.start("number"), end), taken):
            continue  # a year; or a number some finding (encoded text, a date) holds already
        if _overlaps((start, end), taken):
            start = m.start("number")  # the word before is the finding itself, not a label
        numbers.append((start, end))
    if not numbers or not found:
        return []
    items = sorted([(s, e, True) for s, e, _ in found] + [(s, e, False) for s, e in numbers])
    joined = [flag for _, _, flag in items]
    for order in (range(1, len(items)), range(len(items) - 2, -1, -1)):
        for i in order:  # left to right, then right to left: chains of numbers either side
            j = i - 1 if order.step == 1 else i + 1
            if not joined[i] and joined[j] and _touches(text, items[i][:2], items[j][:2]):
                joined[i] = True
    return [
        (s, e, _HOUSE_KIND) for (s, e, flag), j in zip(items, joined, strict=True) if j and not flag
    ]
