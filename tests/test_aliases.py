"""Aliases and nicknames are fields a caseworker records for a relative or a source: protected
like the name, in drafts and in the leak check of public fields. All fictional."""

from __future__ import annotations

import pytest

from tests.conftest import OpenAs
from vault.errors import ValidationError
from vault.services import cases, drafts, public_terms
from vault.services.provenance import case_head

CASE = "UA-061-21-004"


def _with_alias(open_as: OpenAs) -> None:
    cw = open_as("cara")
    with cw.store.read():
        values = dict(cases.open_version(cw, CASE, case_head(cw, CASE)).values)
    contacts = [dict(c) for c in values["family_contacts"]]
    contacts[0]["aliases"] = "Little Sparrow; Айгуль-апа"
    cases.edit_case(cw, CASE, {"family_contacts": contacts})


def test_an_alias_is_redacted_like_the_name(open_as: OpenAs) -> None:
    _with_alias(open_as)
    cw = open_as("cara")
    cases.edit_case(
        cw,
        CASE,
        {"public_summary": "His sister, called Little Sparrow at home, and Айгуль-апа wrote."},
        allow_leak="testing that the draft redacts what the guard let through",
    )
    d = drafts.create_draft(cw, CASE, "en")
    assert "Little Sparrow" not in d.text and "Айгуль" not in d.text
    assert {r.kind for r in d.redactions} >= {"name"}
    assert all(r.level == "secret" for r in d.redactions if r.kind == "name")


def test_an_alias_in_a_public_field_is_refused(open_as: OpenAs) -> None:
    _with_alias(open_as)
    with pytest.raises(ValidationError, match="protected value"):
        cases.edit_case(open_as("cara"), CASE, {"public_summary": "Little Sparrow spoke to us."})


def test_an_alias_of_a_source_is_protected_too(open_as: OpenAs) -> None:
    cw = open_as("cara")
    with cw.store.read():
        values = dict(cases.open_version(cw, CASE, case_head(cw, CASE)).values)
    sources = [dict(s) for s in values.get("sources") or []] or [
        {"codename": "KESTREL-9", "real_name": "Invented Person"}
    ]
    sources[0]["aliases"] = "Uncle Tea"
    cases.edit_case(cw, CASE, {"sources": sources})
    with pytest.raises(ValidationError, match="protected value"):
        cases.edit_case(cw, CASE, {"public_summary": "Uncle Tea told us about the trial."})


def test_a_part_of_a_name_counts_only_in_its_own_case(open_as: OpenAs) -> None:
    """A given name alone is read as a relative's only in drafts of that relative's case: in a
    vault of many cases every common given name is someone's, and elsewhere it is left to the
    unchecked spans (a reviewer looks at it)."""
    cw = open_as("cara")
    other = "UA-061-21-005"
    with cw.store.read():
        values = dict(cases.open_version(cw, CASE, case_head(cw, CASE)).values)
    contacts = [dict(c) for c in values["family_contacts"]]
    contacts[0]["name"] = "Zulpiyagul Ehmetova"  # invented
    cases.edit_case(cw, CASE, {"family_contacts": contacts})
    said = "Zulpiyagul wrote to us in May."
    for case_id in (CASE, other):
        cases.edit_case(cw, case_id, {"public_summary": said}, allow_leak="testing the scope")
    own = drafts.create_draft(cw, CASE, "en")
    assert "Zulpiyagul" not in own.text
    elsewhere = drafts.create_draft(cw, other, "en")
    assert "Zulpiyagul" in elsewhere.text
    rui = open_as("rui")
    spans = public_terms.unchecked_spans(rui, drafts.get_draft(rui, elsewhere.draft_id))
    assert "Zulpiyagul" in {elsewhere.text[u.start : u.end] for u in spans}
