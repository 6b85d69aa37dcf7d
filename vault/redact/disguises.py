"""Disguised views of a text: what it says once a disguise a reader undoes is undone. Pure.

A writer who wants a value past the engine — or who pastes it from a place that stored it so —
may write it in leetspeak ("P0m3gr4n4t3") or encoded (Base64, percent-escapes, ``\\u``
escapes). Any reader undoes these in seconds. Each :class:`View` here is the text with one
disguise undone, and a map back to the original offsets; the known-entity layer
(:mod:`vault.redact.entities`) looks for the vault's values in each view as it does in the text.
A view is made only when the text holds that disguise. A value written backwards or in ROT13
needs no view: its own terms include those spellings.

The text as displayed (markup dropped, references read, an override in display order, letters
spelled one by one run together: :func:`vault.redact.readings.displayed`) is a view too, for the
spellings; the readers read it themselves.
"""

from __future__ import annotations

import base64
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from vault.redact.readings import differs, displayed


@dataclass(frozen=True)
class View:
    """A text with one disguise undone; ``origin[i]`` is the span of the original text that
    character ``i`` came from."""

    text: str
    origin: tuple[tuple[int, int], ...]

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Original offsets of view characters a..b (exclusive)."""
        return min(s for s, _ in self.origin[a:b]), max(e for _, e in self.origin[a:b])


_LEET = str.maketrans("013457@$", "oieastas")
_LEET_WORD = re.compile(
    r"(?<![\w@$])(?=[\w@$]{0,39}[^\W\d_])(?=[\w@$]{0,39}[0-9@$])[\w@$]{4,40}(?![\w@$])"
)
_BASE64 = re.compile(r"(?<![\w+/=])[A-Za-z0-9+/]{8,}={0,2}(?![\w+/=])")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_U_ESCAPE = re.compile(r"(?:\\[uU][0-9a-fA-F]{4})+")


#: The words around a word in leetspeak that are read with it (a name of two or three words).
_AROUND = re.compile(r"(?:\S+[ \t\u00a0]+){0,2}\S*$")
_AFTER = re.compile(r"\S*(?:[ \t\u00a0]+\S+){0,2}")


def _leet(text: str) -> View | None:
    """The words in leetspeak with digits read as letters, each with up to two words either side
    (one stretch per line; stretches that touch are one), mapped to their places: only these
    stretches, not the whole text, are read again."""
    stretches: list[tuple[int, int]] = []
    for m in _LEET_WORD.finditer(text):
        # Both patterns match the empty string, so each has a first match (the one search() and
        # match() would give: the leftmost, and for _AFTER the one at m.end()).
        start = next(_AROUND.finditer(text, max(0, m.start() - 80), m.start())).start()
        end = next(_AFTER.finditer(text, m.end())).end()
        if stretches and start <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], max(end, stretches[-1][1]))
        else:
            stretches.append((start, end))
    if not stretches:
        return None
    chars: list[str] = []
    origin: list[tuple[int, int]] = []
    for start, end in stretches:
        if chars:
            chars.append("\n")
            origin.append((start, start))
        piece = _LEET_WORD.sub(lambda m: m.group().translate(_LEET), text[start:end])
        chars += piece
        origin += [(i, i + 1) for i in range(start, end)]
    return View("".join(chars), tuple(origin))


def _readable(raw: bytes) -> str | None:
    """Decoded bytes as text, if they are printable UTF-8 with letters in them."""
    try:
        out = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not any(c.isalpha() for c in out):
        return None
    if any(unicodedata.category(c)[0] == "C" and c not in "\n\t" for c in out):
        return None
    return out


def decoded_pieces(text: str) -> Iterator[tuple[str, int, int]]:
    """(decoded text, start, end) of every encoded run of ``text`` that decodes to readable text."""
    for m in _BASE64.finditer(text):
        run = m.group()
        if len(run) % 4 or (run.isalpha() and (run.islower() or run.isupper())):
            continue
        # The run is of the alphabet only, padded at its end, and of a length that is a multiple
        # of four: it always decodes (_BASE64 and the test above guarantee what validation would).
        out = _readable(base64.b64decode(run))
        if out:
            yield out, m.start(), m.end()
    for m in _PERCENT.finditer(text):
        out = _readable(urllib.parse.unquote_to_bytes(m.group()))
        if out:
            yield out, m.start(), m.end()
    for m in _U_ESCAPE.finditer(text):
        try:
            raw = m.group().encode("ascii").decode("unicode_escape")
        except UnicodeDecodeError:
            continue
        out = _readable(raw.encode("utf-8", "surrogatepass"))
        if out:
            yield out, m.start(), m.end()


def _decoded(text: str) -> View | None:
    """Every encoded run of ``text``, decoded, one per line; each decoded character maps to its
    whole run."""
    chars: list[str] = []
    origin: list[tuple[int, int]] = []
    for out, start, end in decoded_pieces(text):
        if chars:
            chars.append("\n")
            origin.append((start, start))
        chars += out
        origin += [(start, end)] * len(out)
    return View("".join(chars), tuple(origin)) if chars else None


@lru_cache(maxsize=64)
def disguised_views(text: str) -> tuple[View, ...]:
    """``text`` as displayed (if that differs), with leetspeak digits read as letters (if a word
    mixes them), and its encoded runs decoded (if it has any). Backwards and ROT13 need no view:
    a value's own terms include its spelling backwards and in ROT13
    (:func:`vault.redact.entities.disguised_terms`)."""
    views: list[View] = []
    if differs(text):
        shown = displayed(text)
        views.append(View(shown.text, tuple(zip(shown.starts, shown.ends, strict=True))))
    leet = _leet(text)
    if leet is not None:
        views.append(leet)
    decoded = _decoded(text)
    if decoded is not None:
        views.append(decoded)
    return tuple(views)
