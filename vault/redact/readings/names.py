"""Reader: names. See :mod:`vault.redact.readings`.

A protected name (kinds ``name``, ``codename``, ``place``) and each name-like span of a text are
reduced to the same *keys*, so that a name written in another romanisation, another script, with
a typo or in part reads as the stored name:

1. **To Latin.** Each word is read in Latin letters: Cyrillic by ICU's ``Russian-Latin/BGN``
   (after the Kazakh letters ә ғ қ ң ө ұ ү һ і are read as Kazakh Latin writes them), a stored
   Cyrillic name also by every :mod:`iuliia` schema (so all standard romanisations, the French
   MVD one included); Arabic script as Uyghur (:func:`vault.models.folding.fold_char`); Han
   characters by :mod:`pypinyin`; anything else by ICU ``Any-Latin; Latin-ASCII``. The Turkish
   and Kazakh Latin letters ş ç ğ ı ö ü ä ə are read before accents are dropped.
2. **A coarse phonetic key** (:func:`word_key`) merges what romanisations disagree on:
   zh/j/dzh/dsch/tch/ch → ``j``; kh/h/x → ``h``; q/k/c/ck → ``k``; sh/sch/ş → ``š``; z/s/ts → ``s``;
   gh/g → ``g``; w/v → ``v``; ou/u/ü/ue → ``u``; y/i/ı → ``i``; doubled letters once. So
   Zhaksylykova, Jaksylykova, Dschaksylykowa and Жаксылыкова have one key, and so have Zhou,
   Chou (Wade-Giles) and Tchou (EFEO). A stored name also gets the keys of its French (sh → ch)
   and German (kh → ch) spellings, and a Chinese name its Wade-Giles and EFEO spellings.
3. **Terms** (each starts with ``#`` and a tag):

   * ``#name:`` the keys of two to four words of the name, sorted (any order: "Qadir Reyhangul"),
     and, where the keys have 8 letters or more, every form with one letter deleted, on both
     sides: equal terms then mean an edit distance of at most 2 (a typo, an extra vowel);
   * ``#nameinit:`` an initial with a surname ("A. Tursunova", "TURSUNOVA A."), the surname's
     key of 4 letters or more. Two initials ("A.T.") are not read: too short to be safe;
   * ``#name1:`` a given name alone — weaker, and so made only for a word of 5 letters or more
     that is rare in English, French and German (wordfreq Zipf < 2.5), with its short form
     (the first part of a given name whose rest is a Uyghur/Kazakh name suffix: Reyhangul →
     Reyhan) and a Chinese family diminutive (Xiaolan → Lanlan). The text reads one word this
     way only when it stands alone: no other name word next to it, a title or a common word
     aside ("Gulnar can be called", not "Gulnar Abdrakhmanova", a public official). Such a
     term says only "someone with this given name": an engine may want it to count only
     against the draft's own case;
   * ``#namesur:`` a surname alone after a title (Mme Neyaz, Frau Ablimits, M. Serikuly), only
     for a surname rarer still (Zipf < 1.5: Qadir, 2.25, is not read alone); never without the
     title, and never next to another name word ("Erkin Ablimit", the public brother of Dilnur
     Ablimit; "Tursun is a common Uyghur name");
   * ``#namew:`` the distinctive word of a protected small place (a village: Bulaqbeshi,
     Bulakbeschi), wherever it stands; a city, or "a facility near Kashgar", is public and gets
     no such term, and a codename's word alone (AMBER, HERON: a series) none either;
   * ``#namecode:`` a codename's word with its number, the number in digits or in words of the
     supported languages (NIGHTJAR-7, "Nightjar Seven", "NIGHTJAR sept").

The text side reads runs of name-like words (capitalised Latin words, words of another script,
runs of Han characters), with a Cyrillic word also read without a Russian case ending, a Latin
word without a German genitive ``-s`` and without a Uyghur affectionate ``-jan``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from vault.models.folding import fold_char, is_cjk
from vault.redact.readings import READING_PREFIX, Reading, is_plain, normalised

FULL = READING_PREFIX + "name:"
INITIAL = READING_PREFIX + "nameinit:"
ONE = READING_PREFIX + "name1:"
SURNAME = READING_PREFIX + "namesur:"
WORD = READING_PREFIX + "namew:"
CODE = READING_PREFIX + "namecode:"

#: Keys this long (letters) or longer are matched within a small edit distance.
FUZZY_MIN = 8
#: A word alone is read only when it has this many letters or more...
ALONE_MIN = 5
#: ...and is rarer than this (wordfreq Zipf) in every one of these languages (a given name)...
RARE_ZIPF = 2.5
#: ...or than this (a surname after a title: Qadir, 2.25 in English, is a public detainee's).
RARE_SURNAME_ZIPF = 1.5
#: A capitalised word this common in one of these languages is not a name word (a title,
#: a sentence's first word): it does not make its neighbour part of a longer name.
COMMON_ZIPF = 3.0
LANGS = ("en", "fr", "de")
#: At most this many words of a run are read together as one name.
MAX_WORDS = 4

#: Uyghur and Kazakh given-name endings after which the first part is the usual short form
#: (Reyhangul → Reyhan, Dilnurbek → Dilnur), as keys.
NAME_SUFFIXES = ("gul", "guli", "jan", "bek", "nur", "han", "hon", "ai", "bibi", "nisa", "niso")
#: Patronymic and "son of / daughter of" words and endings (as keys): optional in a name.
#: (A Kazakh -uly/-kyzy word is kept: it is usually the family name, Serikuly.)
PATRONYMIC_ENDS = ("ovij", "evij", "ovna", "evna")
#: "son/daughter of" written apart (Turkish oğlu/kızı, Kazakh uly/qyzy, Kyrgyz uulu/kyzy,
#: Uzbek o'g'li/qizi, Arabic ibn/bin/binti), as written; compared by their keys.
PATRONYMIC_SPELLINGS = (
    "uly",
    "ulı",
    "uulu",
    "kyzy",
    "qyzy",
    "qızı",
    "kızı",
    "oğlu",
    "oglu",
    "ogly",
    "o'g'li",
    "ugli",
    "qizi",
    "ibn",
    "bin",
    "binti",
)
#: Words of a place or codename that say what it is, not which one.
PLACE_WORDS = frozenset(
    {"village", "district", "county", "town", "city", "township", "kyshlak", "aul", "koy"}
)
#: A place with one of these words is a small one whose own name alone points to it (the family's
#: home village); a city or "a facility near Kashgar" is public, and its words are not read alone.
SMALL_PLACES = frozenset(
    {"village", "hamlet", "kyshlak", "aul", "koy", "köy", "mahalla", "dorf", "cun", "kent"}
)

_KAZAKH = str.maketrans(
    {
        "ә": "а",
        "Ә": "А",
        "ғ": "г",
        "Ғ": "Г",
        "қ": "к",
        "Қ": "К",
        "ң": "н",
        "Ң": "Н",
        "ө": "о",
        "Ө": "О",
        "ұ": "у",
        "Ұ": "У",
        "ү": "у",
        "Ү": "У",
        "һ": "х",
        "Һ": "Х",
        "і": "и",
        "І": "И",
    }
)
_LATIN_LETTERS = str.maketrans(
    {
        "ş": "sh",
        "ș": "sh",
        "ç": "ch",
        "ğ": "gh",
        "ı": "i",
        "ä": "a",
        "ə": "a",
        "ö": "o",
        "ü": "u",
        "ß": "ss",
        "ʹ": "",
        "'": "",
        "’": "",
        "ʼ": "",
        "-": "",
        "‐": "",
    }
)
_CLASSES = re.compile(
    r"schtsch|shch|tsch|dsch|dzh|sch|tch|zh|ch|dj|sh|kh|gh|ck|ts|tz|ph|ou|oo|ue|oe|[jxqkcwzy]"
)
_CLASS_OF = {
    "schtsch": "š",
    "shch": "š",
    "sch": "š",
    "sh": "š",
    "tsch": "j",
    "dsch": "j",
    "dzh": "j",
    "tch": "j",
    "zh": "j",
    "ch": "j",
    "dj": "j",
    "j": "j",
    "kh": "h",
    "x": "h",
    "gh": "g",
    "ck": "k",
    "q": "k",
    "k": "k",
    "c": "k",
    "ts": "s",
    "tz": "s",
    "z": "s",
    "ph": "f",
    "w": "v",
    "ou": "u",
    "oo": "u",
    "ue": "u",
    "oe": "o",
    "y": "i",
}
_DOUBLE = re.compile(r"(.)\1+")


#: Words a process remembers the readings of (each cache below): a name word comes back in
#: many cases (a common given name in thousands), and reading it is most of a name's cost.
#: A process holds them as long as it lives; an import's workers end with the import.
WORDS_REMEMBERED = 65536


@lru_cache(maxsize=WORDS_REMEMBERED)
def _latin_key(latin: str) -> str:
    s = latin.lower().translate(_LATIN_LETTERS)
    s = "".join(c for c in unicodedata.normalize("NFD", s) if c.isascii() and c.isalpha())
    s = _CLASSES.sub(lambda m: _CLASS_OF[m.group(0)], s)
    return _DOUBLE.sub(r"\1", s)


@lru_cache(maxsize=64)
def _transliterator(name: str) -> Any:
    import icu

    return icu.Transliterator.createInstance(name)


def _script(ch: str) -> str:
    if is_cjk(ch):
        return "han"
    if "\u0400" <= ch <= "\u04ff" or "\u0500" <= ch <= "\u052f":
        return "cyrillic"
    if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff":
        return "arabic"
    if ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff":
        return "latin"
    return "other"


@lru_cache(maxsize=WORDS_REMEMBERED)
def to_latin(word: str) -> str:
    """One word read in Latin letters (its script's usual reading)."""
    script = _script(word[0]) if word else "latin"
    if script == "latin":
        return word
    if script == "cyrillic":
        return str(_transliterator("Russian-Latin/BGN").transliterate(word.translate(_KAZAKH)))
    if script == "arabic":
        return "".join(fold_char(c) for c in word)
    if script == "han":
        return "".join(han_pinyin(word))
    return str(_transliterator("Any-Latin; Latin-ASCII").transliterate(word))


@lru_cache(maxsize=WORDS_REMEMBERED)
def han_pinyin(han: str) -> tuple[str, ...]:
    """Han characters in pinyin, a syllable each (pypinyin's reading, tones dropped)."""
    from pypinyin import lazy_pinyin

    return tuple(str(p) for p in lazy_pinyin(han))


@lru_cache(maxsize=WORDS_REMEMBERED)
def word_key(word: str) -> str:
    """The coarse phonetic key of one word in any script."""
    return _latin_key(to_latin(word))


# ---------------------------------------------------------------- terms shared by both sides


def _deletions(key: str) -> Iterator[str]:
    """``key`` and, when it has :data:`FUZZY_MIN` letters or more, each form with one letter
    of a word of 4 letters or more deleted (spaces kept). The final a of a woman's surname
    (Tursunova) is never deleted: Tursunov is her husband or brother, often the public
    detainee."""
    yield key
    if sum(c != " " for c in key) < FUZZY_MIN:
        return
    start = 0
    for word in key.split(" "):
        if len(word) >= 4:
            last = len(word) - 1 if word.endswith(_FEMININE) else len(word)
            for i in range(last):
                yield key[: start + i] + key[start + i + 1 :]
        start += len(word) + 1


#: Russian-style feminine surname endings, as keys (-ova, -eva, -ina, -aia, -skaia).
_FEMININE = ("ova", "eva", "ina", "aia")


def _full_terms(keys: Iterable[str], fuzzy: bool = True) -> Iterator[str]:
    """A name of two to four words (sorted); fuzzy only for two."""
    ks = sorted(keys)
    fuzzy = fuzzy and len(ks) == 2
    joined = " ".join(ks)
    for k in _deletions(joined) if fuzzy else (joined,):
        yield FULL + k


def _one_terms(key: str, fuzzy: bool = True, tag: str = ONE) -> Iterator[str]:
    for k in _deletions(key) if fuzzy else (key,):
        yield tag + k


# ---------------------------------------------------------------- protected values


@lru_cache(maxsize=WORDS_REMEMBERED)
def _is_rare(word: str, below: float = RARE_ZIPF) -> bool:
    from wordfreq import zipf_frequency

    w = word.lower()
    return all(zipf_frequency(w, lang) < below for lang in LANGS)


#: Titles before a surname in en/fr/de.
TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "m", "mme", "mlle", "madame", "monsieur", "frau", "herr"}
)


@lru_cache(maxsize=WORDS_REMEMBERED)
def _is_common(word: str) -> bool:
    """A word, not a name: a title, or a word of 4 letters or more common in en/fr/de (a
    capitalised German noun, a sentence's first word). A short common word (Ma, Li, Chen) may
    be a Chinese surname, so it still counts as a name."""
    from wordfreq import zipf_frequency

    w = word.lower().rstrip(".")
    if w in TITLES or w == "st":
        return True
    return len(w) >= 4 and any(zipf_frequency(w, lang) >= COMMON_ZIPF for lang in LANGS)


_SPLIT = re.compile(r"[\s,;/·・•]+")


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    # each distinct toned syllable once (the dictionary repeats a few thousand across 40,000
    # characters): the table is made in every process that reads a name
    toned = {r for readings in pinyin_dict.values() for r in str(readings).split(",")}
    out = {str(to_normal(r)).replace("ü", "v") for r in toned}
    return frozenset(s for s in out if s.isascii() and s.isalpha())


@lru_cache(maxsize=WORDS_REMEMBERED)
def _pinyin_split(word: str) -> tuple[str, ...] | None:
    """``word`` (lower-case Latin) cut into pinyin syllables, longest first, or None."""
    syl = _syllables()
    w = word.lower().replace("-", "").replace("'", "")
    out: list[str] = []
    i = 0
    while i < len(w):
        for j in range(min(len(w), i + 6), i, -1):
            if w[i:j] in syl and (j == len(w) or _pinyin_rest_ok(w[j:], syl)):
                out.append(w[i:j])
                i = j
                break
        else:
            return None
    return tuple(out)


def _pinyin_rest_ok(rest: str, syl: frozenset[str]) -> bool:
    return any(rest[:n] in syl for n in range(1, min(len(rest), 6) + 1))


_EFEO_INITIALS = (
    ("zh", "tch"),
    ("ch", "tch"),
    ("sh", "ch"),
    ("x", "s"),
    ("q", "ts"),
    ("j", "ts"),
    ("z", "ts"),
    ("c", "ts"),
    ("r", "j"),
)
_EFEO_FINALS = (
    ("iu", "ieou"),
    ("ui", "ouei"),
    ("uo", "o"),
    ("ian", "ien"),
    ("un", "ouen"),
    ("u", "ou"),
)


def _efeo(syllable: str) -> str:
    initial, final = "", syllable
    for a, b in _EFEO_INITIALS:
        if syllable.startswith(a):
            initial, final = b, syllable[len(a) :]
            break
    else:
        if syllable and syllable[0] not in "aeiouy":
            initial, final = syllable[0], syllable[1:]
    for a, b in _EFEO_FINALS:
        if final.endswith(a):
            final = final[: -len(a)] + b
            break
    return initial + final


def _wade_giles(syllable: str) -> str:
    from pypinyin.style.wadegiles import to_wade_glides

    return str(to_wade_glides(syllable)).replace("'", "")


def _chinese_forms(words: list[str]) -> list[list[str]]:
    """A name in pinyin (every word cut into syllables, the first word one syllable) in its
    Wade-Giles and EFEO forms, each word's syllables run together and apart."""
    cuts = [_pinyin_split(w) for w in words]
    if len(words) < 2 or any(c is None for c in cuts) or len(cuts[0] or []) != 1:
        return []
    out: list[list[str]] = []
    sylls = [c or () for c in cuts]
    for conv in (_wade_giles, _efeo):
        out.append(["".join(conv(s) for s in c) for c in sylls])
    out.append([s for c in sylls for s in c])
    return out


def _word_variants(key: str) -> set[str]:
    """A word key and its keys as a French (sh → ch) and a German (kh → ch) writer spells it."""
    out = {key}
    if "š" in key:
        out.add(key.replace("š", "j"))
    if "h" in key:
        out.add(key.replace("h", "j"))
    return out


@lru_cache(maxsize=1)
def _patronymic_words() -> frozenset[str]:
    return frozenset(_latin_key(w) for w in PATRONYMIC_SPELLINGS)


def _is_patronymic(key: str) -> bool:
    return key in _patronymic_words() or (len(key) > 6 and key.endswith(PATRONYMIC_ENDS))


def _short_forms(key: str) -> set[str]:
    out: set[str] = set()
    for suffix in NAME_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= ALONE_MIN - 1:
            out.add(key[: -len(suffix)])
    return out


def _spellings(value: str) -> list[list[str]]:
    """The words of a stored name in each Latin spelling it has (each a list of words)."""
    ws = [w for w in _SPLIT.split(value.strip()) if w]
    if not ws:
        return []
    out: list[list[str]] = []
    if any(_script(c) == "han" for c in value):
        han = "".join(c for c in value if is_cjk(c))
        if len(ws) >= 2 or re.search(r"[·・•]", value):  # given·family, written apart
            parts = [p for p in re.split(r"[·・•\s]+", value) if p]
            return [["".join(han_pinyin(p)) for p in parts]]
        for cut in (1, 2) if len(han) >= 4 else (1,):
            if len(han) > cut:
                out.append(["".join(han_pinyin(han[:cut])), "".join(han_pinyin(han[cut:]))])
        return out
    out.append([to_latin(w) for w in ws])
    if any(_script(c) == "cyrillic" for c in value):
        # each scheme's spelling of the name, word by word (a scheme reads a word alone)
        each = [_cyrillic_spellings(w) for w in value.split()]  # not empty: ws is not
        for n in range(len(each[0])):
            out.append([w for forms in each for w in forms[n].split()])
    else:
        out.extend(_chinese_forms([w.lower() for w in ws]))
    return out


@lru_cache(maxsize=WORDS_REMEMBERED // 4)
def _cyrillic_spellings(word: str) -> tuple[str, ...]:
    """A Cyrillic word (no spaces) in Latin letters by each iuliia scheme, then by ICU's
    Cyrillic-Latin: :func:`_spellings` joins them word by word into a name's spellings. The
    29 forms are about 5 distinct strings, each held once."""
    import iuliia

    kazakh = word.translate(_KAZAKH)
    forms = [str(iuliia.schemas.get(name).translate(kazakh)) for name in iuliia.schemas.names()]
    forms.append(str(_transliterator("Cyrillic-Latin").transliterate(word)))
    one: dict[str, str] = {}
    return tuple(one.setdefault(f, f) for f in forms)


def forget_words() -> None:
    """Forget every name word this process has read (the caches above): a session that ends
    leaves none of its names behind in a process that lives on (the web interface)."""
    for remembered in (
        _latin_key, to_latin, han_pinyin, word_key, _is_rare, _is_common, _pinyin_split,
        _cyrillic_spellings, _forms, _group_terms,
    ):  # fmt: skip
        remembered.cache_clear()


def _name_terms(value: str) -> set[str]:
    terms: set[str] = set()
    key_lists: list[list[str]] = []
    spellings = _spellings(value)
    for spelling in spellings:
        keys = [k for k in (_latin_key(w) for w in spelling) if k]
        if keys and keys not in key_lists:
            key_lists.append(keys)
    if not key_lists:
        return terms
    primary = key_lists[0]
    # family name first, given name last: Han characters run together, or pinyin
    chinese = all(is_cjk(c) for c in value.strip()) or bool(
        _chinese_forms([w.lower() for w in _SPLIT.split(value.strip()) if w])
    )
    first = [w for w in spellings[0] if _latin_key(w)]  # as primary: words of a key
    given_at, surname_at = (len(first) - 1, 0) if chinese else (0, len(first) - 1)
    alone: dict[int, str] = {}  # word index -> tag of its term alone
    for i, w in enumerate(first):
        if len(w) < ALONE_MIN or _is_patronymic(_latin_key(w)):
            continue
        if i == given_at and _is_rare(w):
            alone[i] = ONE
        elif i == surname_at and len(first) >= 2 and _is_rare(w, RARE_SURNAME_ZIPF):
            alone[i] = SURNAME
    for n, keys in enumerate(key_lists):
        core = [k for k in keys if not _is_patronymic(k)] if len(keys) > 2 else keys
        if len(core) > MAX_WORDS:  # the text reads at most four words together
            core = [core[0], core[-1]]
        if len(keys) > MAX_WORDS:
            keys = core
        variants: list[list[str]] = [core]
        if n == 0 and not chinese:
            for i, k in enumerate(core):
                for alt in _word_variants(k) - {k}:
                    variants.append([*core[:i], alt, *core[i + 1 :]])
        for ks in variants:
            if len(ks) >= 2:
                terms.update(_full_terms(ks, fuzzy=n == 0 or len(key_lists) <= 3))
            if len(keys) > len(ks):  # a patronymic dropped (keys has three words or more)
                terms.update(_full_terms(keys, fuzzy=False))
            if len(ks) > 2:  # given name with surname, no middle name
                terms.update(_full_terms([ks[0], ks[-1]], fuzzy=False))
            if len(ks) >= 2 and n == 0 and not chinese:
                for a in range(len(ks)):
                    for b in range(len(ks)):
                        if a != b and len(ks[b]) >= 4:
                            terms.add(INITIAL + ks[a][0] + " " + ks[b])
        if len(keys) == len(primary):
            for i, tag in alone.items():
                if len(keys[i]) >= ALONE_MIN:  # i < len(first) == len(primary)
                    terms.update(_one_terms(keys[i], fuzzy=n == 0, tag=tag))
    # short forms and diminutives of the given name (the first word; a Chinese name's last)
    given = primary[-1] if chinese else primary[0]
    if given_at in alone:
        for short in _short_forms(given):
            if _is_rare(short):
                terms.update(_one_terms(short, fuzzy=False))
    if chinese:
        cut = _pinyin_split(first[-1].lower()) or ()  # the given name, in pinyin
        if len(cut) >= 2:
            dim = _latin_key(cut[-1] * 2)
            if len(dim) >= ALONE_MIN - 1:
                terms.add(ONE + dim)
            terms.add(FULL + " ".join(sorted([primary[0], *(_latin_key(s) for s in cut)])))
    return terms


@lru_cache(maxsize=1)
def _number_words() -> dict[str, int]:
    """Number words 0..99 of the supported languages (num2words), as keys, with their values."""
    from num2words import num2words

    out: dict[str, int] = {}
    for lang in ("en", "fr", "de", "ru", "tr"):
        for n in range(100):
            try:
                w = str(num2words(n, lang=lang))
            except (NotImplementedError, OverflowError):  # pragma: no cover - library gap
                continue
            out.setdefault(word_key(w.replace(" ", "")), n)
    return out


def _distinctive(words: list[str]) -> list[str]:
    return [
        w
        for w in words
        if w.isalpha() and len(w) >= ALONE_MIN and w.lower() not in PLACE_WORDS and _is_rare(w)
    ]


def _place_terms(value: str, code: bool) -> set[str]:
    words = re.findall(r"[^\W\d_]+|\d+", value)
    terms: set[str] = set()
    letters = [w for w in words if not w.isdigit()]
    if not code and any(w.lower() in SMALL_PLACES for w in letters):
        for w in _distinctive(letters):
            k = word_key(w)
            terms.update(WORD + d for d in _deletions(k))
            terms.update(WORD + v for v in _word_variants(k))  # French ch, German ch
    if code:
        digits = [w for w in words if w.isdigit()]
        keys = [k for k in (word_key(w) for w in letters) if k][-3:]
        if keys and digits:
            terms.add(CODE + " ".join(keys) + " " + str(int(digits[-1])))
    elif len(letters) >= 2:
        keys = [word_key(w) for w in letters if w.lower() not in PLACE_WORDS]
        keys = [k for k in keys if k]
        if 2 <= len(keys) <= MAX_WORDS:
            terms.update(_full_terms(keys))
    return terms


#: Whether a name also gets its partial terms (a given name alone, a titled surname, an initial
#: with the surname). Two values can share one (Rustem Osman, Rustem Hoshur: "#name1:rustem"),
#: so a guess at a secret name can hit a partial term of a value the guesser reads; such a hit
#: confirms nothing he cannot read, but tests/test_leak_guessing.py counts it. False drops them
#: (and the recall of names given in part).
PARTIAL_TERMS = True
_PARTIAL = (ONE, SURNAME, INITIAL)


def value_readings(value: str, kind: str) -> set[str]:
    if kind == "name":
        terms = _name_terms(value)
        return terms if PARTIAL_TERMS else {t for t in terms if not t.startswith(_PARTIAL)}
    if kind == "place":
        return _place_terms(value, code=False)
    if kind == "codename":
        return _place_terms(value, code=True)
    return set()


# ---------------------------------------------------------------- text


_TOKEN = re.compile(
    r"[^\W\d_]+(?:(?:['’\-‐]|[0135](?=[^\W\d_]))[^\W\d_]+)*(?:['’]s)?\.?|\d+",
)
#: ASCII look-alikes inside a Latin word: a digit between letters, a capital I after a small
#: letter (Ald0s BekuIy, GuInar).
_LOOKALIKE = re.compile(r"[0135]|(?<=[a-z])I")
_LOOKALIKE_AS = {"0": "o", "1": "l", "3": "e", "5": "s", "I": "l"}
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_CYRILLIC_ENDINGS = ("ой", "ую", "ым", "ом", "ы", "у", "е", "а", "и")


def _name_word(tok: str) -> bool:
    c = tok[0]
    if not c.isalpha():
        return False
    s = _script(c)
    if s in ("latin", "cyrillic"):
        return c.isupper()
    return s != "han"


@lru_cache(maxsize=16384)
def _forms(tok: str) -> tuple[str, ...]:
    """The keys one word of a text can be read as (itself, without an ending)."""
    word = tok.rstrip(".")
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    base = word_key(word)
    out = [base]
    script = _script(word[0])
    if script == "cyrillic":
        low = word.lower()
        for end in _CYRILLIC_ENDINGS:
            if low.endswith(end) and len(low) - len(end) >= 3:
                stem = word[: -len(end)]
                out.append(word_key(stem))
                if end in ("ой", "ую", "у", "е", "ы"):
                    out.append(word_key(stem + "а"))
                break
    elif script == "latin" and _LOOKALIKE.search(word):
        out.append(word_key(_LOOKALIKE.sub(lambda m: _LOOKALIKE_AS[m.group(0)], word)))
    if script == "latin" and len(word) >= 6:
        if word.endswith("s"):  # a German genitive: Frau Ablimits Nummer
            out.append(word_key(word[:-1]))
        if base.endswith("jan") and len(base) >= 8:  # Uyghur affectionate -jan
            out.append(base[:-3])
    return tuple(k for k in dict.fromkeys(out) if k)


def _runs(text: str) -> Iterator[list[tuple[int, int, str]]]:
    """Runs of name-like words (start, end, token) of a normalised text, split at anything but
    a space between two words."""
    run: list[tuple[int, int, str]] = []
    last_end = -1
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if not _name_word(tok):
            if run:
                yield run
            run, last_end = [], -1
            continue
        gap = text[last_end : m.start()] if last_end >= 0 else ""
        prev = run[-1][2] if run else ""
        sentence_end = prev.endswith(".") and len(prev) > 2 and not _is_title(prev)
        if run and (gap.strip() or "\n" in gap or len(gap) > 2 or sentence_end):
            yield run
            run = []
        run.append((m.start(), m.end(), tok))
        last_end = m.end()
    if run:
        yield run


def _is_title(tok: str) -> bool:
    return tok.lower().rstrip(".") in TITLES


def _initial(tok: str) -> str | None:
    if len(tok) == 2 and tok.endswith(".") and tok[0].isalpha():
        return word_key(tok[0])[:1] or None
    return None


def _run_readings(run: list[tuple[int, int, str]]) -> Iterator[tuple[int, int, str]]:
    toks = [t for _, _, t in run]
    inits = [_initial(t) for t in toks]
    forms = [() if i is not None else _forms(t) for t, i in zip(toks, inits, strict=True)]
    common = [
        _is_common(t) if i is None or t == "M." else False for t, i in zip(toks, inits, strict=True)
    ]
    n = len(run)
    for i in range(n):
        if inits[i] is not None:
            continue
        s, e = run[i][0], run[i][1]
        if toks[i].endswith(".") and len(toks[i]) > 2:
            e -= 1
        for k in forms[i]:
            yield s, e, WORD + k
        alone = all(common[j] for j in (i - 1, i + 1) if 0 <= j < n) and not common[i]
        if alone:
            for k in forms[i]:
                for t in _one_terms(k):
                    yield s, e, t
            if i > 0 and _is_title(toks[i - 1]):
                for k in forms[i]:
                    for t in _one_terms(k, tag=SURNAME):
                        yield s, e, t
        # an initial next to it
        for j in (i - 1, i + 1):
            if 0 <= j < n and inits[j] is not None:
                a, b = min(s, run[j][0]), max(e, run[j][1])
                for k in forms[i]:
                    if len(k) >= 4:
                        yield a, b, INITIAL + f"{inits[j]} {k}"
    # two to four words together, and two with one between (a middle name, a patronymic)
    for i in range(n):
        for j in range(i + 1, min(n, i + MAX_WORDS)):
            idx = list(range(i, j + 1))
            groups = [idx]
            if j == i + 2:
                groups.append([i, j])
            for g in groups:
                if any(inits[x] is not None for x in g):
                    continue
                s, e = run[i][0], run[j][1]
                if toks[j].endswith(".") and len(toks[j]) > 2:
                    e -= 1
                fuzzy = not (common[g[0]] or common[g[-1]])
                for combo in _combos([forms[x] for x in g]):
                    for t in _group_terms(tuple(combo), fuzzy):
                        yield s, e, t


@lru_cache(maxsize=16384)
def _group_terms(keys: tuple[str, ...], fuzzy: bool) -> tuple[str, ...]:
    return tuple(_full_terms(keys, fuzzy))


def _combos(forms: list[tuple[str, ...]]) -> Iterator[list[str]]:
    out: list[list[str]] = [[]]
    for f in forms:
        out = [[*c, k] for c in out for k in f]
    yield from out


def _han_readings(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _HAN_RUN.finditer(text):
        run = m.group(0)
        syl = [han_pinyin(c)[0] for c in run]
        for i in range(len(run)):
            for j in range(i + 2, min(len(run), i + 4) + 1):
                s, e = m.start() + i, m.start() + j
                whole = _latin_key("".join(syl[i:j]))
                yield s, e, ONE + whole
                for cut in (1, 2):
                    if j - i > cut:
                        a = _latin_key("".join(syl[i : i + cut]))
                        b = _latin_key("".join(syl[i + cut : j]))
                        for t in _full_terms([a, b]):
                            yield s, e, t


def _number_readings(text: str, run: list[tuple[int, int, str]]) -> Iterator[tuple[int, int, str]]:
    """A codename: name words followed by a number, in digits or in one word."""
    words = [word_key(t.rstrip(".")) for _, _, t in run]
    for i, (_, e, _tok) in enumerate(run):
        m = _NEXT.match(text, e)
        if not m:
            continue
        nxt = m.group(1)
        number = int(nxt) if nxt.isdigit() else _number_words().get(word_key(nxt))
        if number is None:
            continue
        for k in range(max(0, i - 2), i + 1):
            yield run[k][0], m.end(1), CODE + " ".join(words[k : i + 1]) + " " + str(number)


_NEXT = re.compile(r"[ \-‐–]{0,2}(\d+|[^\W\d_]+(?:-[^\W\d_]+)*)")


def text_readings(text: str) -> Iterator[Reading]:
    norm = None if is_plain(text) else normalised(text)
    t = text if norm is None else norm.text
    seen: set[tuple[int, int, str]] = set()
    found: list[tuple[int, int, str]] = []
    for run in _runs(t):
        found.extend(_run_readings(run))
        found.extend(_number_readings(t, run))
    if _HAN_RUN.search(t):
        found.extend(_han_readings(t))
    for s, e, term in found:
        if (s, e, term) in seen:  # every reading spans a character or more
            continue
        seen.add((s, e, term))
        a, b = (s, e) if norm is None else norm.span(s, e)
        yield Reading(a, b, term)
