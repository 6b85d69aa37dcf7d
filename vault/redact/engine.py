"""The redaction engine: (text, known values, consent) -> redacted text + every redaction with
its span, layer, reason and replacement. Pure: no I/O, no keys, no database.

Layers, strongest first:
1. policy — only public fields are ever given to the builder; the person's own name goes out only
   with recorded consent, otherwise it becomes a description (heading) or "[name withheld]";
2. known-entity — every protected value the vault knows, in any spelling or script
   (:mod:`vault.redact.entities`);
3. pattern — identifiers recognised by shape and check digit (:mod:`vault.redact.detectors`).
Overlapping findings merge into one redaction that names every layer that caught it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from vault.redact.detectors import detect
from vault.redact.entities import KnownValues, find_known
from vault.redact.unchecked import value_shapes

LAYER_ORDER = ("consent", "manual", "known-entity", "pattern")
#: What a redacted span reads as, per language.
WITHHELD = {"en": "[withheld]", "fr": "[masqué]", "de": "[geschwärzt]"}
NAME_WITHHELD = {"en": "[name withheld]", "fr": "[nom masqué]", "de": "[Name geschwärzt]"}


@dataclass(frozen=True)
class Redaction:
    start: int  # span in the source text
    end: int
    out_start: int  # span of the replacement in the redacted text
    out_end: int
    layers: tuple[str, ...]
    kind: str
    reason: str
    replacement: str
    level: str | None = None  # level of the protected value, when the known-entity layer knows

    @property
    def layer(self) -> str:
        return self.layers[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "out_start": self.out_start,
            "out_end": self.out_end,
            "layers": list(self.layers),
            "kind": self.kind,
            "reason": self.reason,
            "replacement": self.replacement,
            "level": self.level,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Redaction:
        return cls(
            int(data["start"]),
            int(data["end"]),
            int(data["out_start"]),
            int(data["out_end"]),
            tuple(data["layers"]),
            str(data["kind"]),
            str(data["reason"]),
            str(data["replacement"]),
            data.get("level"),
        )


@dataclass(frozen=True)
class RedactionResult:
    source: str
    text: str
    redactions: tuple[Redaction, ...]


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    layer: str
    kind: str
    reason: str
    replacement: str
    level: str | None


def _merge(spans: Sequence[_Span]) -> list[list[_Span]]:
    groups: list[list[_Span]] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if groups and s.start < max(x.end for x in groups[-1]):
            groups[-1].append(s)
        else:
            groups.append([s])
    return groups


def apply(source: str, spans: Sequence[_Span]) -> RedactionResult:
    out: list[str] = []
    reds: list[Redaction] = []
    pos = 0
    length = 0
    for group in _merge(spans):
        start = min(s.start for s in group)
        end = max(s.end for s in group)
        lead = min(group, key=lambda s: LAYER_ORDER.index(s.layer))
        layers = tuple(sorted({s.layer for s in group}, key=LAYER_ORDER.index))
        level = next((s.level for s in group if s.level), None)
        chunk = source[pos:start]
        out.append(chunk)
        length += len(chunk)
        out.append(lead.replacement)
        reds.append(
            Redaction(
                start,
                end,
                length,
                length + len(lead.replacement),
                layers,
                lead.kind,
                lead.reason,
                lead.replacement,
                level,
            )
        )
        length += len(lead.replacement)
        pos = end
    out.append(source[pos:])
    return RedactionResult(source, "".join(out), tuple(reds))


def _widen(text: str, start: int, kind: str) -> int:
    """Take a phone number's leading '+' along with it."""
    if kind == "phone" and start > 0 and text[start - 1] == "+":
        start -= 1
    return start


def redact(
    text: str,
    *,
    lang: str,
    known: KnownValues,
    subject_names: KnownValues | None = None,
    extra: Sequence[tuple[int, int, str]] = (),
    keep: Sequence[tuple[int, int]] = (),
) -> RedactionResult:
    """Find and replace. ``subject_names`` are the person's own names when they did not consent
    to publication (replaced by "[name withheld]"); ``extra`` are manual redactions
    (start, end, reason); ``keep`` are spans a person released by hand (with a reason kept
    elsewhere): automatic findings overlapping them are dropped."""
    withheld = WITHHELD[lang]
    spans: list[_Span] = []
    if subject_names is not None:
        spans += [
            _Span(
                h.start,
                h.end,
                "consent",
                "name",
                "no recorded consent to publish the name",
                NAME_WITHHELD[lang],
                h.info.level,
            )
            for h in find_known(text, subject_names)
        ]
    spans += [
        _Span(
            _widen(text, h.start, h.info.kind),
            h.end,
            "known-entity",
            h.info.kind,
            f"a protected {h.info.kind.replace('_', ' ')} held in the vault",
            withheld,
            h.info.level,
        )
        for h in find_known(text, known)
    ]
    spans += [
        _Span(f.start, f.end, "pattern", f.kind, f.reason, withheld, None) for f in detect(text)
    ]
    spans = [s for s in spans if not any(s.start < b and a < s.end for a, b in keep)]
    widened = [_whole_letters(text, s) for s in _widen_to_shapes(text, spans)]
    widened = [_whole_address(text, s) if s.kind == "address" else s for s in widened]
    spans = [_short_of(text, keep, w, s) for w, s in zip(widened, spans, strict=True)]
    spans += [_Span(a, b, "manual", "manual", reason, withheld, None) for a, b, reason in extra]
    return apply(text, spans)


#: A piece of an address beside a found one: a capitalised word, a number (with its letters),
#: an abbreviation, the words of a street's name ("des", "de", "van") — with the separators of an
#: address written on one line.
_ADDRESS_PIECE = (
    r"(?:[^\W\d_][\w'’]*(?<=\w)\.?(?<![a-zà-ÿ]{5}\.)(?=\W|$)|\d[\w/\-]*|\([^()\n]{1,30}\))"
)
#: What separates the pieces of an address written on one line.
_SEPARATORS = " \t\u00a0,;/–-"
_ADDRESS_SEP = r"[ \t\u00a0,;/–\-]{1,3}"
_ADDRESS_AFTER = re.compile(rf"(?:{_ADDRESS_SEP}{_ADDRESS_PIECE})+")
_ADDRESS_BEFORE = re.compile(rf"(?:{_ADDRESS_PIECE}{_ADDRESS_SEP})+$")


#: Words that come before an address in prose and are none of it.
_PREPOSITIONS = frozenset(
    {
        "at",
        "in",
        "on",
        "to",
        "of",
        "near",
        "from",
        "with",
        "by",
        "au",
        "aux",
        "à",
        "en",
        "dans",
        "chez",
        "vers",
        "de",
        "du",
        "des",
        "im",
        "am",
        "bei",
        "zu",
        "nach",
        "von",
        "aus",
        "unter",
    }
)


def _address_piece_ok(piece: str) -> bool:
    """A piece that may belong to an address: not a word in lower case of more than three
    letters (prose goes on there: "Almaty, where she lives"), unless it ends with a full stop
    (an abbreviation: "all.", "esc.")."""
    word = piece.strip(_SEPARATORS)
    return not (word[:1].islower() and len(word.rstrip(".")) > 3 and not word.endswith("."))


def _whole_address(text: str, span: _Span) -> _Span:
    """A found address covers the rest of it written beside it on the same line: the city, the
    postcode, the flat, the state in brackets ("[withheld], Almaty", "[withheld] (Virginia)") —
    pieces of an address are identifying together, and are labelled with it."""
    start, end = span.start, span.end
    m = _ADDRESS_AFTER.match(text, end)
    if m:
        pieces = re.findall(rf"{_ADDRESS_SEP}{_ADDRESS_PIECE}", m.group())
        taken: list[str] = []
        for piece in pieces:
            if not _address_piece_ok(piece) or sum(map(len, taken)) + len(piece) > 60:
                break
            taken.append(piece)
        while taken and _prose_word(taken[-1]):
            taken.pop()  # an address ends on a name or a number, not on "and she", "now."
        end += sum(map(len, taken))
    m = _ADDRESS_BEFORE.search(text, max(0, start - 60), start)
    if m:
        pieces = re.findall(rf"{_ADDRESS_PIECE}{_ADDRESS_SEP}", m.group())
        for piece in reversed(pieces):
            lower = piece[:1].islower() and not piece.rstrip(_SEPARATORS).endswith(".")
            if lower and (
                not text[start : start + 1].isdigit()
                or piece.strip(_SEPARATORS).lower() in _PREPOSITIONS
            ):
                break  # a word in lower case before an address is its label only before a number
            if piece[:1].isupper() and _sentence_starts(text, start - len(piece)):
                break
            if _ends_sentence(piece):
                break  # "Oslo. Mirabad St. 31": the sentence before is none of it
            start -= len(piece)
    return span if (start, end) == (span.start, span.end) else replace(span, start=start, end=end)


def _prose_word(piece: str) -> bool:
    """A word in lower case (with or without a full stop): it may sit inside an address
    ("des", "kv.") but never ends one."""
    word = piece.strip(_SEPARATORS)
    return word[:1].islower()


def _ends_sentence(piece: str) -> bool:
    """A word with a full stop that is no abbreviation: capitalised and of four letters or more
    ("Oslo.", "Baku."), or in lower case and of six or more ("there."); "St.", "kv.", "Whg.",
    "appt." and "UAE." are abbreviations."""
    word = piece.rstrip(_SEPARATORS)
    if not word.endswith("."):
        return False
    letters = word[:-1]
    if letters[:1].isupper():
        return len(letters) >= 4 and not letters.isupper()
    return len(letters) >= 6


def _sentence_starts(text: str, at: int) -> bool:
    """Whether a sentence starts at ``at`` (the text's start, or after ". ", "! ", "? ")."""
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?:"


def _short_of(text: str, keep: Sequence[tuple[int, int]], widened: _Span, found: _Span) -> _Span:
    """A widened finding stops where a span a person released begins (and before the commas
    and spaces in front of it): releasing the city beside an address (or a mark after a name)
    releases that, never the address or the name."""
    left = max((b for a, b in keep if b <= found.start), default=widened.start)
    right = min((a for a, b in keep if a >= found.end), default=widened.end)
    start, end = max(widened.start, left), min(widened.end, right)
    if end < widened.end:
        while end > found.end and text[end - 1] in _SEPARATORS:
            end -= 1
    if start > widened.start:
        while start < found.start and text[start] in _SEPARATORS:
            start += 1
    if (start, end) == (widened.start, widened.end):
        return widened
    return replace(widened, start=start, end=end)


def _whole_letters(text: str, span: _Span) -> _Span:
    """A redaction ends after the combining marks and invisible characters of its last letter
    (a struck-through name "G\u0336u\u0336l\u0336" leaves no stroke behind to count letters by),
    and starts before the format characters in front of it (an override left alone would turn the
    replacement and the rest of the line round)."""
    start, end = span.start, span.end
    while end < len(text) and _mark_or_invisible(text[end]):  # never a line break (Cc)
        end += 1
    while start > 0 and unicodedata.category(text[start - 1]) == "Cf":
        start -= 1  # a direction override before it goes with it: it would turn the rest round
    return span if (start, end) == (span.start, span.end) else replace(span, start=start, end=end)


def _mark_or_invisible(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me", "Cf")


def _widen_to_shapes(text: str, spans: list[_Span]) -> list[_Span]:
    """A finding inside something shaped like a value (an e-mail, a handle, a phone number, a
    date, a number, an address: :func:`vault.redact.unchecked.value_shapes`) covers all of it:
    a protected e-mail's local part found alone must not leave "@" or "arobase example point
    com" behind, nor a phone's digits its "+49"."""
    if not spans:
        return spans
    shapes = value_shapes(text)
    out = []
    for s in spans:
        start, end = s.start, s.end
        for a, b, _ in shapes:
            if a < end and start < b:
                start, end = min(start, a), max(end, b)
        out.append(replace(s, start=start, end=end))
    return out
