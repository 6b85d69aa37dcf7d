"""The held-out redaction corpora (tests/fixtures/heldout/*, issue 21) are well formed, and the
figures docs/redaction.md reports on them hold: per corpus and family, what is redacted and what
is redacted or unchecked never falls below the floor recorded once after the work
(tests/fixtures/heldout/figures.json); public strings stay kept. They were written blind to the
engine, by writers of their own families of evasion; corpora A to D were later looked at row by
row to improve the engine, E and F were not."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from vault.redact.entities import EntityInfo, TermSet
from vault.redact.evaluate import evaluate

HELDOUT = Path(__file__).resolve().parent / "fixtures" / "heldout"
KINDS = {"name", "phone", "email", "id_number", "date_of_birth", "address", "codename", "place"}
LEVELS = {"restricted", "confidential", "secret"}
CORPORA = sorted(p for p in HELDOUT.iterdir() if (p / "corpus.jsonl").is_file())


def problems(rows: list[dict[str, Any]], values: list[dict[str, Any]]) -> list[str]:
    """What is wrong with a corpus: a span outside its text or empty, a kind or level not known,
    a duplicate id, a public string to keep that the text does not hold, a family not said."""
    found = []
    for v in values:
        if v.get("kind") not in KINDS or v.get("level") not in LEVELS or not v.get("value"):
            found.append(f"value {v!r}: kind, level or value wrong")
    ids = [row.get("id") for row in rows]
    if len(set(ids)) != len(ids):
        found.append("duplicate ids")
    for row in rows:
        text = row.get("text")
        if not isinstance(text, str) or row.get("lang") not in ("en", "fr", "de"):
            found.append(f"#{row.get('id')}: no text or an unknown language")
            continue
        if not row.get("family"):
            found.append(f"#{row['id']}: no family")
        for a, b, kind in row.get("spans", []):
            if not (0 <= a < b <= len(text)) or not text[a:b].strip():
                found.append(f"#{row['id']}: span {a}-{b} is outside the text or empty")
            if kind not in KINDS:
                found.append(f"#{row['id']}: span kind {kind!r}")
        for public in row.get("keep", []):
            if public not in text:
                found.append(f"#{row['id']}: public string {public!r} is not in the text")
    return found


def _load(folder: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = [
        json.loads(line)
        for line in (folder / "corpus.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    values = json.loads((folder / "known.json").read_text("utf-8"))["values"]
    return rows, values


def test_there_are_six_held_out_corpora() -> None:
    # a to d: looked at row by row while the engine was written; e and f: not (docs/redaction.md)
    assert [p.name for p in CORPORA] == ["a", "b", "c", "d", "e", "f"]


@pytest.mark.parametrize("folder", CORPORA, ids=lambda p: p.name)
def test_a_held_out_corpus_is_well_formed(folder: Path) -> None:
    rows, values = _load(folder)
    assert len(values) >= 20
    assert sum(1 for r in rows if r["spans"]) >= 80
    assert sum(1 for r in rows if not r["spans"]) >= 20
    assert len({r["family"] for r in rows if r["spans"]}) >= 4
    assert (folder / "README.md").is_file()
    assert problems(rows, values) == []


def test_the_check_refuses_a_broken_corpus() -> None:
    rows = [
        {"id": 1, "lang": "en", "family": "x", "text": "call 123", "spans": [[5, 20, "phone"]]},
        {"id": 1, "lang": "xx", "family": "x", "text": "t", "spans": []},
        {"id": 2, "lang": "en", "family": "", "text": "a b", "spans": [[1, 2, "rumour"]]},
        {"id": 3, "lang": "en", "family": "x", "text": "Urumqi", "spans": [], "keep": ["Kashgar"]},
    ]
    values = [{"value": "", "kind": "name", "level": "secret"}, {"value": "x", "kind": "name"}]
    found = problems(rows, values)
    assert len(found) == 9, found


@pytest.mark.parametrize("folder", CORPORA, ids=lambda p: p.name)
def test_the_evaluation_reads_every_family_and_public_string(folder: Path) -> None:
    rows, values = _load(folder)
    known = TermSet()
    for v in values:
        known.add_value(v["value"], EntityInfo(v["kind"], v["level"]))
    ev = evaluate(rows, known)
    labelled = sum(len(r["spans"]) for r in rows)
    assert ev.overall.labelled == labelled
    assert sum(t.labelled for t in ev.by_family.values()) == labelled
    assert ev.public == sum(len(r.get("keep", [])) for r in rows)
    assert ev.public_kept + len(ev.public_lost) == ev.public


def test_a_public_string_a_redaction_touches_counts_as_lost() -> None:
    known = TermSet()
    known.add_value("Yengisar", EntityInfo("place", "restricted"))  # invented: a family's village
    rows = [
        {
            "id": 1,
            "lang": "en",
            "family": "p",
            "text": "Held near Yengisar.",
            "spans": [],
            "keep": ["Yengisar"],
        },
        {
            "id": 2,
            "lang": "en",
            "family": "p",
            "text": "Held in Urumqi.",
            "spans": [],
            "keep": ["Urumqi"],
        },
    ]
    ev = evaluate(rows, known)
    assert (ev.public, ev.public_kept) == (2, 1)
    assert ev.public_lost == [(1, "Yengisar")]


# --- the figures docs/redaction.md reports hold: a floor per family, never tuned on -----------

FIGURES = json.loads((HELDOUT / "figures.json").read_text("utf-8"))["corpora"]


@functools.cache
def _evaluation(name: str) -> Any:
    rows, values = _load(HELDOUT / name)
    known = TermSet()
    for v in values:
        known.add_value(v["value"], EntityInfo(v["kind"], v["level"]))
    return evaluate(rows, known)


@pytest.mark.parametrize(
    ("corpus", "family"),
    [(c, f) for c, data in sorted(FIGURES.items()) for f in sorted(data["families"])],
)
def test_no_family_falls_below_its_reported_figure(corpus: str, family: str) -> None:
    """Each family of each held-out corpus is redacted, and redacted or unchecked, at least as
    often as docs/redaction.md reports: a change that loses what a reviewer was shown fails
    here. The floors were recorded once, after the work; they were not tuned to."""
    want = FIGURES[corpus]["families"][family]
    got = _evaluation(corpus).by_family[family]
    assert got.labelled == want["labelled"]
    assert got.caught >= want["caught"], f"{corpus}/{family}: redacted {got.caught} < {want}"
    assert got.flagged >= want["flagged"], f"{corpus}/{family}: shown {got.flagged} < {want}"


@pytest.mark.parametrize("corpus", sorted(FIGURES))
def test_public_strings_are_kept_as_reported(corpus: str) -> None:
    ev = _evaluation(corpus)
    assert ev.public == FIGURES[corpus]["public"]
    assert ev.public_kept >= FIGURES[corpus]["public_kept"]
