"""A value of *another* case is found only through the vault-wide leak index, which holds a value
as written and as the text's readers read it (``indexed_terms``, ADR 0005's addendum). Per
corpus, how many labelled values a check finds when it knows them that way never falls below
the floor measured when the index was cut to those terms (docs/redaction.md, "A value of another
case"; ``benchmarks/redaction_eval.py --corpus heldout --another-case``), so a term taken out of
the index later cannot silently lose another case's values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vault.redact.entities import EntityInfo, TermSet, indexed_terms
from vault.redact.evaluate import evaluate

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: caught / labelled, 2026-12-05 (b8418b2): the same as the fuller index caught before it, but
#: for c (an ID number backwards), d (ROT13, a codename backwards, Chinese financial numerals)
#: and f (a month hyphenated across a line end).
FLOORS = {
    "adversarial": (474, 491),
    "heldout/a": (121, 169),
    "heldout/b": (103, 156),
    "heldout/c": (78, 172),
    "heldout/d": (101, 167),
    "heldout/e": (85, 186),
    "heldout/f": (107, 192),
}


def _indexed_known(path: Path) -> TermSet:
    terms: dict[str, EntityInfo] = {}
    for v in json.loads(path.read_text("utf-8"))["values"]:
        for term in indexed_terms(v["value"], v["kind"]):
            terms.setdefault(term, EntityInfo(v["kind"], v["level"]))
    return TermSet(terms)


@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_another_cases_values_are_found_as_often_as_when_the_index_was_cut(corpus: str) -> None:
    folder = FIXTURES / corpus
    rows = [
        json.loads(line)
        for line in (folder / "corpus.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    overall = evaluate(rows, _indexed_known(folder / "known.json")).overall
    floor, labelled = FLOORS[corpus]
    assert overall.labelled == labelled
    assert overall.caught >= floor, f"{corpus}: {overall.caught} < {floor} of {labelled}"


def test_the_index_alone_finds_less_than_every_term_so_the_floor_measures_the_index() -> None:
    """The floors are of the index, not of the engine: knowing every term finds more."""
    folder = FIXTURES / "heldout" / "a"
    rows = [json.loads(x) for x in (folder / "corpus.jsonl").read_text("utf-8").splitlines() if x]
    every = TermSet()
    for v in json.loads((folder / "known.json").read_text("utf-8"))["values"]:
        every.add_value(v["value"], EntityInfo(v["kind"], v["level"]))
    wide = evaluate(rows, _indexed_known(folder / "known.json")).overall.caught
    assert evaluate(rows, every).overall.caught > wide
