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
    spans = _widen_to_shapes(text, spans)
    spans = [s for s in spans if not any(s.start < b and a < s.end for a, b in keep)]
    spans += [_Span(a, b, "manual", "manual", reason, withheld, None) for a, b, reason in extra]
    return apply(text, spans)


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
