"""What the vault-wide leak index holds of a value (``indexed_terms``), against every term a check
about the value's own case looks for (``value_terms``). Invented values only."""

from __future__ import annotations

import pytest

from vault.redact.entities import (
    MIN_DATE_DIGITS,
    SORTED_PREFIX,
    indexed_terms,
    is_weak_date_term,
    value_terms,
    words,
)
from vault.redact.readings import is_case_scoped

VALUES = [
    ("Ormanjan Tashpolatova", "name"),
    ("Орманжан Ташполатова", "name"),
    ("阿依古丽·吐尔逊", "name"),
    ("Nurbek Qasymuly", "name"),
    ("+7 701 452 3778", "phone"),
    ("ilmira.q@example.org", "email"),
    ("652901199301203290", "id_number"),
    ("No. 41, Qizilgul Boulevard, Ghulja", "address"),
    ("12 Main St, Almaty", "address"),
    ("1961-11-04", "date_of_birth"),
    ("HERON-3", "codename"),
    ("Aksu bus station", "place"),
]


@pytest.mark.parametrize(("value", "kind"), VALUES)
def test_the_index_holds_a_part_of_what_a_check_of_the_case_looks_for(
    value: str, kind: str
) -> None:
    every, held = value_terms(value, kind), indexed_terms(value, kind)
    assert held and held <= every
    assert not any(is_case_scoped(t) for t in held)  # a part of a value: two people share it
    assert not any(is_weak_date_term(t, kind) for t in held)


@pytest.mark.parametrize(("value", "kind"), VALUES)
def test_the_value_as_written_is_held(value: str, kind: str) -> None:
    joined = "".join(words(value))
    assert joined in indexed_terms(value, kind) or kind == "date_of_birth"


def test_forms_only_a_writer_makes_up_are_left_to_the_own_case() -> None:
    name = indexed_terms("Ormanjan Tashpolatova", "name")
    assert "avotalophsatnajnamro" in value_terms("Ormanjan Tashpolatova", "name")
    assert "avotalophsatnajnamro" not in name  # backwards
    address = indexed_terms("No. 41, Qizilgul Boulevard, Ghulja", "address")
    every = value_terms("No. 41, Qizilgul Boulevard, Ghulja", "address")
    assert "qizilgulblvd" in every and "qizilgulblvd" not in address  # abbreviated
    assert "qizilgulboulevard" in address and "qizilgulboulevardghulja" in address  # turned
    mail = indexed_terms("ilmira.q@example.org", "email")
    spelled = "ilmiraqsobakaexampletochkaorg"
    assert spelled in value_terms("ilmira.q@example.org", "email") and spelled not in mail
    assert not any("at" in t and "dot" in t for t in mail)  # no spelling with the words
    assert "qiziiguibouievardghuija" in address  # a turned part, in its look-alike fold too
    assert "#mail:iirnira.q@exarnpie.org" in mail  # what a spelled-out one reads as (its skeleton)


def test_a_date_is_held_by_its_reading_and_its_eight_digits_only() -> None:
    held = indexed_terms("1961-11-04", "date_of_birth")
    assert held == {"#date:1961-11-04", "04111961", "11041961", "19611104"}
    assert all(len(t) >= MIN_DATE_DIGITS for t in held if t.isdigit())
    every = value_terms("1961-11-04", "date_of_birth")
    assert "4november1961" in every and "4november1961" not in held
    assert any(t.startswith(SORTED_PREFIX) for t in every)


def test_a_names_spellings_in_other_scripts_and_its_typos_are_held() -> None:
    held = indexed_terms("Орманжан Ташполатова", "name")
    assert "ormanzhantashpolatova" in held or "ormanjantashpolatova" in held
    assert sum(t.startswith("#name:") for t in held) > 5  # one-letter deletions, for typos


def test_candidates_made_once_find_what_a_lookup_of_its_own_lengths_finds() -> None:
    """An import makes a public field's candidates once, for any lengths, on a worker; looked up
    against the index (other lengths) they must find exactly what ``find_known`` finds."""
    from vault.redact.entities import (
        EntityInfo,
        TermSet,
        find_known,
        find_known_in,
        text_candidates,
    )

    known = TermSet()
    for value, kind in VALUES:
        known.add_value(value, EntityInfo(kind, "secret"))
    texts = [
        "Ormanjan Tashpolatova (born 4 Nov 1961) called +7 701 452 3778.",
        "Write to ilmira dot q at example dot org or to HERON 3 at the Aksu bus station.",
        "Nothing here: the court of Urumqi, 12 May, case 4471.",
        "Орманжан Ташполатова, 12 Main Street, Almaty; avotalophsaT najnamrO.",
    ]
    for text in texts:
        assert find_known_in(text, text_candidates(text), known) == find_known(text, known)
    assert find_known(texts[0], known) and not find_known(texts[2], known)
    small = TermSet({"heron3": EntityInfo("codename", "secret")})  # one length only
    assert find_known_in(texts[1], text_candidates(texts[1]), small) == find_known(texts[1], small)
    assert [h.info.kind for h in find_known(texts[1], small)] == ["codename"]
    words_only = TermSet({"~bb cc": EntityInfo("name", "secret")})  # no run-together length
    hits = find_known_in("Cc Bb met.", text_candidates("Cc Bb met."), words_only)
    assert hits == find_known("Cc Bb met.", words_only) and len(hits) == 1


def test_candidates_made_once_still_find_a_term_longer_than_today_makes() -> None:
    """An index written by an earlier casevault can hold run-together terms longer than
    :data:`MAX_TERM` (found by a second reader): they are still looked for."""
    from vault.redact.entities import (
        MAX_TERM,
        EntityInfo,
        TermSet,
        find_known,
        find_known_in,
        text_candidates,
    )

    long = "ormanjantashpolatovaqizilgulbekovna"
    assert len(long) > MAX_TERM
    old = TermSet({long: EntityInfo("name", "secret")})
    text = "Signed: OrmanjanTashpolatovaQizilgulbekovna, in Aksu."
    hits = find_known_in(text, text_candidates(text), old)
    assert hits == find_known(text, old) and len(hits) == 1
