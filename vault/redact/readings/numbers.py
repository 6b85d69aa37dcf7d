"""Reader: numbers. Every number of a text read as the string of its digits, compared with the
digits of protected phone numbers, identity numbers and codenames. See :mod:`vault.redact.readings`.

A text is read as a sequence of *chunks*, each giving some digits:

* a run of digits of any script (``unicodedata.decimal``: Arabic-Indic, Persian, Devanagari...;
  full-width digits are ASCII after NFKC), with look-alike letters inside it read as digits
  (``O``/``o`` as 0, ``l``/``I`` as 1: "65O1O2l988") and an ID's check letter ``X`` kept;
* a number written in words, in en, fr, de, ru, tr and kk (word forms generated with
  ``num2words``, matched as whole phrases: "quatre-vingt-seize", "fünfhundertfünfundfünfzig",
  "nine hundred and ninety-six", "quatre-vingt-treize mille cent"), "oh" for zero, "double"
  and "triple" before a digit;
* a run of Chinese numerals (``unicodedata.numeric``: 〇一二三, financial 壹贰叁), read digit by
  digit or positionally (一百二十三) when it holds a unit character;
* a single capital letter standing before or after digits ("A N 47 28 193", "... 342 X").

Chunks separated only by spaces, commas, dots, dashes, slashes or brackets, or by a joining word
("and", "et", "puis", "und", "dann"...), form one number: "nine nine six, five five five" reads
996555, "sixty-six twenty-nine" 6629. A comma, a full stop, a spaced dash or a joining word sets
its *pieces* apart. The number, and every run of its consecutive pieces, with 6 or more digits
reads as a whole number ("#num:<digits>"); the number itself (without a leading "on", "un" or
"ein", which are number words in another language) also reads as a window ("#num:w:<digits>").
A leading "+" or "plus" is taken into the reading's span.

A protected phone reads as its digits in every format ``phonenumbers`` gives (E.164, with the
trunk prefix, with 00, its national significant number) and has as windows every run of 6 or
more consecutive digits of its national significant number; an identity number reads as its
letters and digits, and has as windows its runs of 6 or more that end at its last or second to
last character (the serial end: the start of a PRC ID or a Kazakh IIN is a place and a birth date
that other people share). So a number given in two parts ("... 533. The rest: 471 2290") matches
by each part of 6 digits or more, but a different phone of the same block written "700 218, 456"
does not match by its first two pieces. Years, counts and quantities are shorter than 6 digits
or are not such runs, so they never read as protected.

A codename of a word and a number ("NIGHTJAR-7") reads as the word and the number
("#num:cn:nightjar:7"), as does every word of 4 letters or more followed by a short number in a
text ("Nightjar Seven", "NIGHTJAR sept").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from vault.redact.readings import READING_PREFIX, Normalised, Reading, normalised

TAG = READING_PREFIX + "num:"
CODENAME_TAG = TAG + "cn:"
MIN_WINDOW = 6  # fewer digits are shared by too many numbers to be matched alone
MAX_DIGITS = 24  # longer runs of chunks or pieces (each of 1 character or more) are not one number
LANGS = ("en", "fr", "de", "ru", "tr", "kz")

#: Letters typed for digits inside a run of digits.
_LOOKALIKE_DIGITS = {"o": "0", "O": "0", "l": "1", "I": "1", "|": "1"}
#: Words that join the parts of one dictated number (and, then) in the supported languages.
_JOINERS = frozenset(
    {"and", "then", "et", "puis", "und", "dann", "danach", "и", "затем", "ve", "sonra", "және"}
)
_PLUS = frozenset({"plus", "плюс", "arti", "artı", "қосу"})
_ZERO_WORDS = {"oh": "0"}
_REPEAT = {"double": 2, "triple": 3, "doppel": 2, "doppelt": 2}
_NOT_NAMES = _JOINERS | _PLUS | frozenset(_ZERO_WORDS) | frozenset(_REPEAT)
_SPECIAL_WORDS = _NOT_NAMES
_SEPARATORS = frozenset(" \t\n\r\u00a0\u2009\u202f,.-\u2010\u2011\u2012\u2013\u2014/()[]~'\u2019")
_MAX_GAP = 6

_WORD_RE = re.compile(r"[^\W_]+|[^\w\s]")
_HAS_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    """A word as number words are compared: case and accents folded."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _phrase(words: str) -> tuple[str, ...]:
    return tuple(_fold(w) for w in re.findall(r"[^\W\d_]+", words))


@dataclass(frozen=True)
class _Lexicon:
    small: dict[tuple[str, ...], int]  # 0..999, as phrases of folded words
    thousands: frozenset[str]
    longest: int
    firsts: frozenset[str]  # the first word of every phrase, and the words for thousand


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """Number words 0..999 of each language, made by num2words: 0..99 and the hundreds as
    generated, and each hundred followed by each of 1..99 (with and without "and")."""
    from num2words import num2words

    small: dict[tuple[str, ...], int] = {}
    thousands: set[str] = set()
    for lang in LANGS:
        tens = {n: num2words(n, lang=lang) for n in range(100)}
        hundreds = {h: num2words(h, lang=lang) for h in range(100, 1000, 100)}
        if lang == "fr":  # "deux cents" but "deux cent dix"
            hundreds = {h: w.removesuffix("s") for h, w in hundreds.items()}
        if lang == "tr":  # num2words writes "beşyüzotuzüç"; people also "beş yüz otuz üç"
            base = sorted(
                {num2words(n, lang=lang) for n in [*range(1, 10), *range(10, 100, 10), 100]},
                key=len,
                reverse=True,
            )
            split = re.compile("|".join(map(re.escape, base)))
            tens = {n: " ".join(split.findall(w)) or w for n, w in tens.items()}
            hundreds = {h: " ".join(split.findall(w)) or w for h, w in hundreds.items()}
        for n, w in tens.items():
            small.setdefault(_phrase(w), n)
            small.setdefault(_phrase(w.replace(" ", "")), n)
        for h, hw in hundreds.items():
            forms = [hw]
            if lang == "de" and hw.startswith("ein"):
                forms.append(hw.removeprefix("ein"))  # "hundert"
            if lang == "en":
                forms.append(hw.replace("one hundred", "a hundred"))
            if lang == "fr":
                forms.append(num2words(h, lang=lang))
            for f in forms:
                small.setdefault(_phrase(f), h)
                for n in range(1, 100):
                    tw = tens[n]
                    if lang in ("de", "tr"):  # written as one word
                        small.setdefault(_phrase((f + tw).replace(" ", "")), h + n)
                        if lang == "tr":
                            small.setdefault(_phrase(f + " " + tw), h + n)
                            small.setdefault(_phrase(f.replace(" ", "") + tw), h + n)
                    else:
                        small.setdefault(_phrase(f + " " + tw), h + n)
                        if lang == "en":
                            small.setdefault(_phrase(f + " and " + tw), h + n)
        thousand = num2words(1000, lang=lang)
        thousands.update(_phrase(thousand)[-1:])
    # forms num2words does not give: the bare "ein" of German compounds, Russian feminine/plural
    extra = {"eine": 1, "одна": 1, "одно": 1, "две": 2, "zero": 0, "zéro": 0}
    for w, n in extra.items():
        small.setdefault(_phrase(w), n)
    thousands.update({"thousand", "mille", "tausend", "тысяча", "тысячи", "тысяч", "bin", "мың"})
    thousands = {_fold(t) for t in thousands}
    for joiner in ("and", "et", "und"):  # a phrase never starts with a joining word
        small.pop((joiner,), None)
    longest = max(len(k) for k in small)
    firsts = frozenset({k[0] for k in small} | thousands)
    return _Lexicon(small, frozenset(thousands), longest, firsts)


@dataclass(frozen=True)
class _Chunk:
    start: int  # offsets in the normalised text
    end: int
    digits: str  # digits, or letters for a letter chunk
    kind: str  # "num", "letter", "plus", "join"


def _digit_token(token: str) -> str | None:
    """The digits a token of letters and digits reads as, or None: every digit of any script,
    look-alike letters inside (O, l, I), a leading code of up to 3 letters ("AN4728193", kept
    in lower case) and a trailing check letter X."""
    if token.isalpha() or not any(unicodedata.decimal(c, None) is not None for c in token):
        return None
    body = token
    tail = ""
    if (
        len(body) > 1
        and body[-1] in "xX"
        and (unicodedata.decimal(body[-2], None) is not None or body[-2] in _LOOKALIKE_DIGITS)
    ):
        body, tail = body[:-1], "x"
    head = ""
    m = re.match(r"[A-Za-z]{1,3}", body)
    out: list[str] = []
    for c in body:
        d = unicodedata.decimal(c, None)
        if d is not None:
            out.append(str(d))
        elif c in _LOOKALIKE_DIGITS:
            out.append(_LOOKALIKE_DIGITS[c])
        else:
            out = []
            break
    if not out and m:
        head = m.group().lower()
        out = []
        for c in body[m.end() :]:
            d = unicodedata.decimal(c, None)
            if d is not None:
                out.append(str(d))
            elif c in _LOOKALIKE_DIGITS:
                out.append(_LOOKALIKE_DIGITS[c])
            else:
                return None
        if not out:
            return None
    elif not out:
        return None
    return head + "".join(out) + tail


_CJK_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CJK_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}


def _cjk_value(ch: str) -> int | None:
    if ch in "两兩":
        return 2
    if ch in _CJK_UNITS or ch in _CJK_BIG:
        return None
    if not ("\u3007" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"):
        return None
    v = unicodedata.numeric(ch, None)
    return int(v) if v is not None and v < 10 and v == int(v) else None


def _is_cjk_numeral(ch: str) -> bool:
    if ch < "\u3007":
        return False
    return _cjk_value(ch) is not None or ch in _CJK_UNITS or ch in _CJK_BIG


def _cjk_digits(run: str) -> str:
    """A run of Chinese numerals: digit by digit, or positionally if it holds a unit."""
    if not any(c in _CJK_UNITS or c in _CJK_BIG for c in run):
        return "".join(str(_cjk_value(c)) for c in run)
    total = section = num = 0
    for c in run:
        if c in _CJK_UNITS:
            section += (num or 1) * _CJK_UNITS[c]
            num = 0
        elif c in _CJK_BIG:
            total += (section + num) * _CJK_BIG[c]
            section = num = 0
        else:
            num = _cjk_value(c) or 0
    return str(total + section + num)


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """Runs of letters and digits ("65O1O2l988", "AN4728193" are one token) and single marks;
    Chinese numerals are split from the letters around them."""
    out: list[tuple[int, int, str]] = []
    for m in _WORD_RE.finditer(text):
        s, e = m.span()
        tok = m.group()
        if tok.isascii() or not any(_is_cjk_numeral(c) for c in tok):
            out.append((s, e, tok))
            continue
        j = s
        while j < e:
            kind = _is_cjk_numeral(text[j])
            k = j
            while k < e and _is_cjk_numeral(text[k]) == kind:
                k += 1
            out.append((j, k, text[j:k]))
            j = k
    return out


@lru_cache(maxsize=4)
def _chunks(text: str) -> tuple[_Chunk, ...]:
    lex = _lexicon()
    toks = _tokens(text)
    out: list[_Chunk] = []
    i = 0
    while i < len(toks):
        s, e, tok = toks[i]
        if _is_cjk_numeral(tok[0]):
            if all(_is_cjk_numeral(c) for c in tok):
                out.append(_Chunk(s, e, _cjk_digits(tok), "num"))
            i += 1
            continue
        digits = _digit_token(tok) if _HAS_DIGIT.search(tok) else None
        if digits is not None:
            out.append(_Chunk(s, e, digits, "num"))
            i += 1
            continue
        if tok == "+":
            out.append(_Chunk(s, e, "", "plus"))
            i += 1
            continue
        if not tok[0].isalpha():
            i += 1
            continue
        folded = _fold(tok)
        if folded not in lex.firsts and folded not in _SPECIAL_WORDS:
            if len(tok) == 1 and "A" <= tok <= "Z":
                out.append(_Chunk(s, e, tok.lower(), "letter"))
            else:
                out.append(_Chunk(s, e, "", "word"))
            i += 1
            continue
        # number words: the longest phrase of the lexicon, then "thousand" and another phrase
        words: list[str] = []
        ends: list[int] = []
        k = i
        while k < len(toks) and len(words) < lex.longest + 4:
            tt = toks[k][2]
            if not tt[0].isalpha():
                if tt in "-" and k + 1 < len(toks):
                    k += 1
                    continue
                break
            words.append(_fold(tt))
            ends.append(k)
            k += 1
        value, used = _match(words, lex)
        if used:
            end_tok = ends[used - 1]
            out.append(_Chunk(s, toks[end_tok][1], str(value), "num"))
            i = end_tok + 1
            continue
        w = words[0] if words else _fold(tok)
        if w in _ZERO_WORDS:
            out.append(_Chunk(s, e, _ZERO_WORDS[w], "num"))
        elif w in _REPEAT and len(words) > 1:
            v, u = _match(words[1:2], lex)
            if u and v < 10:
                out.append(_Chunk(s, toks[ends[1]][1], str(v) * _REPEAT[w], "num"))
                i = ends[1] + 1
                continue
        elif w in _PLUS:
            out.append(_Chunk(s, e, "", "plus"))
        elif w in _JOINERS:
            out.append(_Chunk(s, e, "", "join"))
        elif len(tok) == 1 and "A" <= tok <= "Z":
            out.append(_Chunk(s, e, tok.lower(), "letter"))
        else:
            out.append(_Chunk(s, e, "", "word"))
        i += 1
    return tuple(out)


def _match(words: list[str], lex: _Lexicon) -> tuple[int, int]:
    """(value, words used) of the number phrase at the start of ``words``: a phrase of 0..999,
    optionally followed by a word for thousand and another phrase."""
    value, used = _small(words, 0, lex)
    if used and used < len(words) and words[used] in lex.thousands and value < 1000:
        rest, more = _small(words, used + 1, lex)
        return value * 1000 + rest, used + 1 + more
    if not used and words and words[0] in lex.thousands:
        rest, more = _small(words, 1, lex)
        return 1000 + rest, 1 + more
    return value, used


def _small(words: list[str], at: int, lex: _Lexicon) -> tuple[int, int]:
    for n in range(min(lex.longest, len(words) - at), 0, -1):
        v = lex.small.get(tuple(words[at : at + n]))
        if v is not None:
            return v, n
    return 0, 0


@dataclass(frozen=True)
class _Number:
    """One number of a text: its chunks, whether a "+" or "plus" stands before it, and where
    its pieces start (after a comma, a full stop, a dash or a joining word: a number given in
    parts)."""

    plus: _Chunk | None
    chunks: tuple[_Chunk, ...]
    pieces: tuple[int, ...]  # index of the first chunk of each piece; 0 first


def _strong(gap: str) -> bool:
    return any(c in gap for c in ",;\u2013\u2014") or ". " in gap or " - " in gap


def _numbers(text: str, chunks: tuple[_Chunk, ...]) -> list[_Number]:
    """The chunks of ``text`` grouped into numbers: chunks whose gap is only separators or a
    joining word ("and", "puis")."""
    out: list[_Number] = []
    current: list[_Chunk] = []
    pieces: list[int] = []
    plus: _Chunk | None = None
    pending: _Chunk | None = None  # a plus or joining word after the last chunk

    def close() -> None:
        nonlocal current, pieces, plus, pending
        if current:
            out.append(_Number(plus, tuple(current), tuple(pieces)))
        current, pieces, plus, pending = [], [], None, None

    for ch in chunks:
        if ch.kind == "word":
            close()
            continue
        last = pending or (current[-1] if current else None)
        gap = text[last.end : ch.start] if last is not None else ""
        if last is not None and (
            len(gap) > _MAX_GAP or not all(c in _SEPARATORS for c in gap) or "\n\n" in gap
        ):
            close()
            last = None
        if ch.kind in ("num", "letter"):
            if not current:
                plus = pending if pending is not None and pending.kind == "plus" else plus
                pieces = [0]
            elif (
                _strong(gap)
                or (pending is not None and pending.kind == "join")
                or _weak(text, current[-1])
                or _weak(text, ch)
            ):
                pieces.append(len(current))
            current.append(ch)
            pending = None
        elif ch.kind == "plus":
            close()
            pending = ch
        elif current:  # a joining word: only between two chunks of a number
            pending = ch
    close()
    return out


#: Number words that are also the commonest words of another language ("on" is ten in Turkish,
#: "un" and "ein" are articles): never the start of a number with what follows.
_WEAK = frozenset({"on", "un", "une", "ein", "eine", "bir"})


def _weak(text: str, ch: _Chunk) -> bool:
    return _fold(text[ch.start : ch.end]) in _WEAK


def _readings(text: str, all_chunks: tuple[_Chunk, ...]) -> Iterator[tuple[int, int, str]]:
    """Every number of the text and every run of its consecutive pieces, with 6 or more digits,
    as a whole reading ("#num:..."); the number itself (without a weak word at either end) also
    as a window ("#num:w:..."): a protected window matches a number given on its own, never a
    piece of a longer one (another phone of the same block, grouped by commas)."""
    for number in _numbers(text, all_chunks):
        chunks = number.chunks
        if sum(len(c.digits) for c in chunks) < MIN_WINDOW:
            continue
        bounds = [*number.pieces, len(chunks)]
        first_core = 1 if len(bounds) > 2 and _weak(text, chunks[0]) else 0
        last_core = len(bounds) - (2 if len(bounds) > 2 and _weak(text, chunks[-1]) else 1)
        for bi in range(len(bounds) - 1):
            for bj in range(bi + 1, len(bounds)):
                run = chunks[bounds[bi] : bounds[bj]]
                acc = "".join(c.digits for c in run)
                if len(acc) > MAX_DIGITS:
                    break
                if sum(c.isdigit() for c in acc) < MIN_WINDOW:
                    continue
                whole = bi == first_core and bj == last_core
                first = run[0].start
                start = number.plus.start if number.plus is not None and bi == 0 else first
                bare = acc.lstrip("abcdefghijklmnopqrstuvwxyz")
                forms = {acc, bare} if len(bare) >= MIN_WINDOW else {acc}
                if bare.endswith("x") and len(bare) > MIN_WINDOW:
                    forms.add(bare[:-1])
                for form in forms:
                    yield start if form == acc else first, run[-1].end, form
                    if whole:
                        yield start if form == acc else first, run[-1].end, "w:" + form


def _codename_readings(norm: str, chunks: tuple[_Chunk, ...]) -> Iterator[tuple[int, int, str]]:
    """A word followed by a short number ("Nightjar Seven", "NIGHTJAR sept"): read as a codename
    with a number."""
    lex = _lexicon()
    for ch in chunks:
        if ch.kind != "num" or not ch.digits.isdigit() or len(ch.digits) > 4:
            continue
        k = ch.start
        while k > 0 and norm[k - 1] in _CODENAME_GLUE:
            k -= 1
        m = _WORD_BEFORE.search(norm, max(0, k - 40), k)
        if k == ch.start or m is None:
            continue
        word = _fold(m.group())
        if (word,) not in lex.small and word not in _NOT_NAMES:
            yield m.start(), ch.end, CODENAME_TAG + word + ":" + str(int(ch.digits))


_CODENAME_GLUE = frozenset(" -_.#\u00a0")
_WORD_BEFORE = re.compile(r"(?<![^\W\d_])[^\W\d_]{4,}$")


def word_numbers(text: str) -> dict[int, tuple[int, str]]:
    """The numbers written in words in a normalised text: start -> (end, digits)."""
    return {
        c.start: (c.end, c.digits)
        for c in _chunks(text)
        if c.kind == "num" and any(ch.isalpha() for ch in text[c.start : c.end])
    }


@lru_cache(maxsize=4)
def normalised_once(text: str) -> Normalised:
    """:func:`vault.redact.readings.normalised`, made once for the readers of one text."""
    return normalised(text)


def text_readings(text: str) -> Iterator[Reading]:
    norm = normalised_once(text)
    t = norm.text
    if not t:
        return
    chunks = _chunks(t)
    seen: set[tuple[int, int, str]] = set()
    for a, b, digits in _readings(t, chunks):
        key = (a, b, digits)
        if key in seen:
            continue
        seen.add(key)
        s, e = norm.span(a, b)
        yield Reading(s, e, TAG + digits)
    for a, b, term in _codename_readings(t, chunks):
        s, e = norm.span(a, b)
        yield Reading(s, e, term)


# --- a protected value -----------------------------------------------------------------------


def _digits_of(value: str) -> str:
    out = []
    for c in unicodedata.normalize("NFKC", value):
        d = unicodedata.decimal(c, None)
        if d is not None:
            out.append(str(d))
    return "".join(out)


def _windows(s: str, *, ends: tuple[int, ...] | None = None) -> set[str]:
    """Every run of at least MIN_WINDOW consecutive characters of ``s``; only those ending at
    one of ``ends`` (exclusive end offsets) if given."""
    out: set[str] = set()
    n = len(s)
    for b in range(MIN_WINDOW, n + 1):
        if ends is not None and b not in ends:
            continue
        for a in range(0, b - MIN_WINDOW + 1):
            out.add(s[a:b])
    return out


def phone_readings(value: str) -> set[str]:
    import phonenumbers

    digits = _digits_of(value)
    out = {digits} if len(digits) >= MIN_WINDOW else set()
    written = "+" + digits[2:] if digits.startswith("00") else value  # 00 written for "+"
    try:
        num = phonenumbers.parse(written, None)
    except phonenumbers.NumberParseException:
        return out | {"w:" + w for w in _windows(digits)} if len(digits) >= 7 else out
    nsn = phonenumbers.national_significant_number(num)
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)[1:]
    national = _digits_of(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL))
    out |= {e164, "00" + e164, national, nsn}
    out |= {"w:" + w for w in _windows(nsn)}
    return {d for d in out if len(d) >= MIN_WINDOW}


def id_readings(value: str) -> set[str]:
    """An identity number: its letters and digits, and its runs of 6 or more that end at its
    last or second to last character (never one from its start alone)."""
    chars = []
    for c in unicodedata.normalize("NFKC", value):
        d = unicodedata.decimal(c, None)
        if d is not None:
            chars.append(str(d))
        elif c.isascii() and c.isalpha():
            chars.append(c.lower())
    s = "".join(chars)
    if sum(c.isdigit() for c in s) < MIN_WINDOW:
        return set()
    n = len(s)
    digits = "".join(c for c in s if c.isdigit())
    windows = _windows(s, ends=(n - 1, n)) | _windows(digits, ends=(len(digits) - 1, len(digits)))
    out = {s} | {"w:" + w for w in windows if sum(c.isdigit() for c in w) >= MIN_WINDOW}
    return out


def codename_readings(value: str) -> set[str]:
    m = re.fullmatch(
        r"\s*([^\W\d_]{4,})[\s\-_.#]*(\d{1,4})\s*", unicodedata.normalize("NFKC", value)
    )
    if not m:
        return set()
    return {CODENAME_TAG + _fold(m.group(1)) + ":" + str(int(_digits_of(m.group(2))))}


def value_readings(value: str, kind: str) -> set[str]:
    if kind == "phone":
        return {TAG + d for d in phone_readings(value)}
    if kind == "id_number":
        return {TAG + d for d in id_readings(value)}
    if kind == "codename":
        return codename_readings(value)
    return set()
