"""Meanings: a codename or a place said in other words — translated, or by a synonym.

A source called "Nightingale" is written "Rossignol" in a French summary and "Nachtigall" in a
German one; "Pomegranate" becomes "Punica granatum" or "Granatapfel"; "Snow Leopard" becomes
"Schneeleopard" or "the ounce". No spelling rule reads these: they are the same *meaning*. This
module gives a codename's or a place's other wordings from two standard open dictionaries, read
from the files the operating system installs (Debian packages, installed by ``.ci/run``):

* FreeDict's bilingual dictionaries (``dict-freedict-eng-fra``, ``-eng-deu``, ``-eng-rus``,
  ``-eng-tur``, ``-fra-eng``, ``-deu-eng``; dictd format in ``/usr/share/dictd``): each word of
  the value, and the whole value, translated from English into French, German, Russian and
  Turkish (and from French or German into English first, for a value stored in those);
* Princeton WordNet (``wordnet-base``, ``/usr/share/wordnet``): the English synonyms of the value
  (its synset: "snow leopard" — "ounce", "Panthera uncia").

The wordings are made when the value is written and stored as its terms, like every other
spelling (:func:`vault.redact.entities.value_terms`): a text is read once, whatever the vault
holds. A dictionary that is not installed gives nothing (``installed()`` says which are).
The dictionaries are data files, read like a library's data; nothing here writes. A damaged or
missing dictionary gives no wording: the value keeps its own terms, and what a vault written
without them misses is left to review (docs/limitations.md).
"""

from __future__ import annotations

import itertools
import mmap
import re
import struct
import zlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

DICTD = Path("/usr/share/dictd")
WORDNET = Path("/usr/share/wordnet")
#: (from, to) pairs read; English is the pivot.
PAIRS = (("eng", "fra"), ("eng", "deu"), ("eng", "rus"), ("eng", "tur"))
BACK = (("fra", "eng"), ("deu", "eng"))
#: Translations kept per word and wordings per value: a word has a handful of senses, and a
#: value's terms are leak-index rows.
PER_WORD = 3
PER_VALUE = 40

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _number(field: bytes) -> int:
    """A dictd index number (base 64, most significant digit first)."""
    value = 0
    for c in field.decode("ascii"):
        value = value * 64 + _B64.index(c)
    return value


class _Dictzip:
    """Random access into a dictzip file (gzip whose extra field lists its independently
    compressed chunks: dictzip(1)); only the chunks an entry lies in are inflated."""

    def __init__(self, path: Path) -> None:
        self._path = path
        with path.open("rb") as f:
            head = f.read(12)
            if head[:3] != b"\x1f\x8b\x08" or not head[3] & 4:
                raise ValueError(f"{path.name} is not a dictzip file")
            (xlen,) = struct.unpack("<H", head[10:12])
            extra = f.read(xlen)
            flags = head[3]
            offset = 12 + xlen
            if flags & 8:  # original file name, zero-terminated
                while f.read(1) not in (b"\0", b""):
                    offset += 1
                offset += 1
            if flags & 16:  # comment
                while f.read(1) not in (b"\0", b""):
                    offset += 1
                offset += 1
            if flags & 2:  # the header's CRC-16
                offset += 2
        sizes: list[int] = []
        self._chunk = 0
        pos = 0
        while pos + 4 <= len(extra):
            sub, length = extra[pos : pos + 2], struct.unpack("<H", extra[pos + 2 : pos + 4])[0]
            body = extra[pos + 4 : pos + 4 + length]
            if sub == b"RA":
                try:
                    _, self._chunk, count = struct.unpack("<HHH", body[:6])
                    sizes = list(struct.unpack(f"<{count}H", body[6 : 6 + 2 * count]))
                except struct.error:
                    raise ValueError(f"{path.name} has a damaged chunk table") from None
            pos += 4 + length
        if not sizes or self._chunk <= 0:
            raise ValueError(f"{path.name} has no dictzip chunk table")
        self._starts = list(itertools.accumulate(sizes[:-1], initial=offset))
        self._sizes = sizes

    def read(self, start: int, length: int) -> bytes:
        first, last = start // self._chunk, (start + length - 1) // self._chunk
        out = bytearray()
        with self._path.open("rb") as f:
            for n in range(first, min(last, len(self._sizes) - 1) + 1):
                f.seek(self._starts[n])
                out += zlib.decompressobj(-15).decompress(f.read(self._sizes[n]))
        skip = start - first * self._chunk
        return bytes(out[skip : skip + length])


class _Dictionary:
    """One dictd dictionary: its index searched in place (memory-mapped), entries inflated on
    demand."""

    def __init__(self, name: str) -> None:
        self._index_path = DICTD / f"{name}.index"
        self._body = _Dictzip(DICTD / f"{name}.dict.dz")
        with self._index_path.open("rb") as f:
            self._index = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)

    def entries(self, headword: str) -> Iterator[str]:
        """Every entry whose headword is ``headword`` in any case: the index is sorted by its
        headwords in lower case (FreeDict's are), so a binary search finds the first."""
        key = headword.lower().encode("utf-8")
        for line in _lines_of(self._index, key, b"\t"):
            fields = line.split(b"\t")
            if len(fields) == 3:
                yield self._body.read(_number(fields[1]), _number(fields[2])).decode("utf-8")


def _headword(index: mmap.mmap, start: int, sep: bytes) -> bytes:
    end = index.find(sep, start)
    line_end = index.find(b"\n", start)
    if end < 0 or 0 <= line_end < end:
        end = line_end if line_end >= 0 else len(index)
    word = index[start:end]
    if word.isascii():  # most headwords: lower-cased as bytes, the same as through str
        return word.lower()
    return word.decode("utf-8", "replace").lower().encode("utf-8")


def _lines_of(index: mmap.mmap, key: bytes, sep: bytes) -> Iterator[bytes]:
    """The lines of a sorted index (sorted by their first field, ``sep``-ended, in lower case:
    dictd's and WordNet's are) whose first field is ``key``: a binary search, then a scan of the
    lines that match."""
    lo, hi = 0, len(index)  # the first matching line starts in [lo, hi]
    while lo < hi:
        mid = index.rfind(b"\n", 0, (lo + hi) // 2) + 1
        mid = max(mid, lo)
        if _headword(index, mid, sep) < key:
            nxt = index.find(b"\n", mid)
            lo = len(index) if nxt < 0 else nxt + 1
        else:
            hi = mid
    at = lo
    while at < len(index) and _headword(index, at, sep) == key:
        end = index.find(b"\n", at)
        end = len(index) if end < 0 else end
        yield index[at:end]
        at = end + 1


@lru_cache(maxsize=16)
def _dictionary(name: str) -> _Dictionary | None:
    try:
        return _Dictionary(name)
    except (OSError, ValueError):
        return None


def installed() -> list[str]:
    """The dictionaries this machine has (FreeDict pairs and WordNet)."""
    names = [f"freedict-{a}-{b}" for a, b in (*PAIRS, *BACK)]
    out = [n for n in names if _dictionary(n) is not None]
    if (WORDNET / "index.noun").is_file():
        out.append("wordnet")
    return out


_GRAMMAR = re.compile(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}")


def _translations(entry: str) -> list[str]:
    """The translations an entry gives, in its order: the lines after the headword, numbered or
    not, split at commas and semicolons, without grammar marks, notes and cross-references."""
    out: list[str] = []
    for line in entry.splitlines()[1:]:
        stripped = line.strip()
        if not stripped or stripped.startswith(("see:", "Note:", "Synonym:", "Synonyms:", '"')):
            continue
        stripped = re.sub(r"^\d+\.\s*", "", stripped)
        for part in re.split(r"[,;]", _GRAMMAR.sub("", stripped)):
            word = " ".join(part.split()).rstrip(".")
            if _a_wording(word):
                out.append(word)
    return out


def _a_wording(text: str) -> bool:
    """A translation fit to be a term: one to three words of letters (no definition, no
    number, no abbreviation)."""
    words = text.split()
    return 0 < len(words) <= 3 and all(w.replace("-", "").replace("'", "").isalpha() for w in words)


def translate(phrase: str, pair: tuple[str, str]) -> list[str]:
    """``phrase`` in the other language of ``pair``, most usual sense first ([] if the
    dictionary is not installed or has no entry)."""
    d = _dictionary(f"freedict-{pair[0]}-{pair[1]}")
    if d is None:
        return []
    out: list[str] = []
    try:
        for entry in d.entries(phrase.lower()):
            out += _translations(entry)
    except (ValueError, OSError, zlib.error, UnicodeDecodeError):
        return []  # a damaged dictionary gives no wording (the value keeps its own terms)
    return list(dict.fromkeys(out))


def synonyms(phrase: str) -> list[str]:
    """The English synonyms of ``phrase`` in its most usual sense (the nouns of its first
    WordNet synset), e.g. "snow leopard": ounce, Panthera uncia."""
    index, data = WORDNET / "index.noun", WORDNET / "data.noun"
    if not index.is_file() or not data.is_file():
        return []
    try:
        return _synonyms(index, data, "_".join(phrase.lower().split()))
    except (ValueError, OSError, IndexError, UnicodeDecodeError):
        return []  # a damaged word net gives no synonym


@lru_cache(maxsize=4)
def _mapped(path: Path) -> mmap.mmap:
    """A word net file mapped once per process (read only; a codename or place asks it for
    each value, and opening and mapping it cost more than the search)."""
    with path.open("rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def _synonyms(index: Path, data: Path, lemma: str) -> list[str]:
    found = next(_lines_of(_mapped(index), lemma.encode("utf-8"), b" "), None)
    if found is None:
        return []
    line = found.decode("utf-8").split()
    offsets = [int(x) for x in line if len(x) == 8 and x.isdigit()]
    out: list[str] = []
    with data.open("rb") as f:
        for offset in offsets[:1]:  # the most usual sense only ("nightingale": the bird)
            f.seek(offset)
            fields = f.readline().decode("utf-8").split()
            count = int(fields[3], 16)
            out += [fields[4 + 2 * i].replace("_", " ") for i in range(count)]
    return [w for w in dict.fromkeys(out) if w.lower() != lemma.replace("_", " ")]


@lru_cache(maxsize=256)
def wordings(value: str) -> tuple[str, ...]:
    """Other wordings of a codename or place: its English synonyms, and it and each of them
    translated whole and word by word into French, German, Russian and Turkish (a value in
    French or German is first put into English). At most :data:`PER_VALUE`."""
    words = value.split()
    if not words or len(words) > 4:
        return ()
    english = [value]
    for pair in BACK:  # a value stored in French or German
        english += translate(value, pair)[:PER_WORD]
    english = list(dict.fromkeys([*english, *(s for e in english[:2] for s in synonyms(e))]))
    out: list[str] = [e for e in english if e != value]
    for phrase in english[:4]:
        for pair in PAIRS:
            whole = translate(phrase, pair)[:PER_WORD]
            out += whole
            parts = phrase.split()
            if len(parts) > 1 and not whole and pair[1] != "tur":  # Turkish gives definitions
                each = [translate(p, pair)[:PER_WORD] or [p] for p in parts]
                out += [" ".join(c) for c in itertools.islice(itertools.product(*each), 9)]
    return tuple(list(dict.fromkeys(w for w in out if w.lower() != value.lower()))[:PER_VALUE])
