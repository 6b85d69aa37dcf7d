"""Measuring the engine on a labelled corpus: recall and precision, per layer and per kind. Pure.

A labelled span counts as caught when redactions cover every character of it. A redaction counts
as correct when it overlaps a labelled span. A layer's recall is the share of labelled spans that
layer alone would have caught; its precision, the share of its redactions that are correct.
Rows may name a ``family`` (the adversarial corpus does: the kind of evasion tried); each family
gets its own tally, and the rows with no labelled span (sentences that must stay) count how many
came out untouched. Rows may list public strings to ``keep`` (officials, places, laws, UN bodies):
one is kept when some occurrence of it in the text is touched by no redaction.

Each tally also counts what a reviewer is made to look at: a labelled span is *flagged* when
redactions and unchecked spans (:mod:`vault.redact.unchecked`) together cover every character of
it; ``unchecked`` counts the unchecked spans and ``words`` the words of the texts, for the burden
(unchecked spans per 1,000 words).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vault.redact.engine import LAYER_ORDER, Redaction, redact
from vault.redact.entities import KnownValues
from vault.redact.unchecked import find_unchecked


@dataclass
class Tally:
    labelled: int = 0
    caught: int = 0
    redactions: int = 0
    correct: int = 0
    flagged: int = 0  # labelled spans covered by redactions and unchecked spans together

    @property
    def recall(self) -> float:
        return self.caught / self.labelled if self.labelled else 1.0

    @property
    def flagged_recall(self) -> float:
        return self.flagged / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.redactions if self.redactions else 1.0


@dataclass
class Evaluation:
    overall: Tally = field(default_factory=Tally)
    by_layer: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_family: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    clean: int = 0  # rows with no labelled span
    clean_untouched: int = 0  # ... that came out with no redaction
    public: int = 0  # public strings the rows say must survive
    public_kept: int = 0  # ... that did
    public_lost: list[tuple[int, str]] = field(default_factory=list)  # id, string
    missed: list[tuple[int, str, str]] = field(default_factory=list)  # id, trick, text
    false_positives: list[tuple[int, str]] = field(default_factory=list)
    unflagged: list[tuple[int, str, str]] = field(default_factory=list)  # neither, id/trick/span
    words: int = 0  # words of every text
    unchecked: int = 0  # unchecked spans left in every text
    clean_words: int = 0
    clean_unchecked: int = 0

    @property
    def burden(self) -> float:
        """Unchecked spans per 1,000 words of the rows with nothing to protect."""
        return 1000 * self.clean_unchecked / self.clean_words if self.clean_words else 0.0


def source_span(redactions: Sequence[Redaction], start: int, end: int) -> tuple[int, int]:
    """Where a span of the redacted text (outside every replacement) was in the source."""
    shift = 0
    for r in redactions:
        if r.out_end <= start:
            shift = r.end - r.out_end
    return start + shift, end + shift


def _covered(span: tuple[int, int], cover: Sequence[tuple[int, int]]) -> bool:
    chars = set(range(*span))
    for a, b in cover:
        chars -= set(range(a, b))
    return not chars


def _kept(text: str, public: str, cover: Sequence[tuple[int, int]]) -> bool:
    start = text.find(public)
    while start >= 0:
        end = start + len(public)
        if not any(a < end and start < b for a, b in cover):
            return True
        start = text.find(public, start + 1)
    return False


def evaluate(rows: Iterable[Mapping[str, Any]], known: KnownValues) -> Evaluation:
    ev = Evaluation()
    for row in rows:
        text = str(row["text"])
        result = redact(text, lang=str(row["lang"]), known=known)
        labelled = [(int(a), int(b), str(k)) for a, b, k in row["spans"]]
        cover_all = [(r.start, r.end) for r in result.redactions]
        unchecked = find_unchecked(
            result.text,
            str(row["lang"]),
            skip=[(r.out_start, r.out_end) for r in result.redactions],
        )
        flag_cover = cover_all + [source_span(result.redactions, u.start, u.end) for u in unchecked]
        n_words = len(text.split())
        ev.words += n_words
        ev.unchecked += len(unchecked)
        family = ev.by_family[str(row["family"])] if "family" in row else None
        if not labelled:
            ev.clean += 1
            ev.clean_untouched += not result.redactions
            ev.clean_words += n_words
            ev.clean_unchecked += len(unchecked)
        for public in row.get("keep", ()):
            ev.public += 1
            if _kept(text, str(public), cover_all):
                ev.public_kept += 1
            else:
                ev.public_lost.append((int(row["id"]), str(public)))
        for a, b, kind in labelled:
            hit = _covered((a, b), cover_all)
            flagged = _covered((a, b), flag_cover)
            for tally in (ev.overall, family, ev.by_kind[kind]):
                if tally is not None:
                    tally.labelled += 1
                    tally.caught += hit
                    tally.flagged += flagged
            if not flagged:
                ev.unflagged.append((int(row["id"]), str(row["trick"]), text[a:b]))
            if not hit:
                ev.missed.append((int(row["id"]), str(row["trick"]), text))
            for layer in LAYER_ORDER:
                own = [(r.start, r.end) for r in result.redactions if layer in r.layers]
                ev.by_layer[layer].labelled += 1
                ev.by_layer[layer].caught += _covered((a, b), own)
        for r in result.redactions:
            ok = any(r.start < b and a < r.end for a, b, _ in labelled)
            ev.overall.redactions += 1
            ev.overall.correct += ok
            if family is not None:
                family.redactions += 1
                family.correct += ok
            for layer in r.layers:
                ev.by_layer[layer].redactions += 1
                ev.by_layer[layer].correct += ok
            if not ok:
                ev.false_positives.append((int(row["id"]), text[r.start : r.end]))
    return ev
