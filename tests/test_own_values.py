"""A check about some cases looks for every form of *their* values, read from their signed
versions (vault/services/own_values.py), never from the leak index: a draft of a case, its check,
an action's draft, an edit. The first five were found by a second reader of b8418b2, each
failing on that commit's code. Invented names only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import OpenAs
from vault.errors import IntegrityError, ValidationError
from vault.redact.entities import find_known
from vault.services import actions, cases, draft_check, drafts, leaks
from vault.services.leaks import VaultKnownValues, case_leak_terms, store_leak_terms
from vault.services.own_values import own_terms_of
from vault.services.session import Vault

SISTER = {"name": "Ormanjan Tashpolatova", "relation": "sister"}


def _consenting_holder(case_id: str, **more: Any) -> dict[str, Any]:
    """An invented person who consented to be named, with a secret sister."""
    return {
        "case_id": case_id,
        "full_name": "Invented Holder",
        "consent": {"publish_name": True},
        "family_contacts": [SISTER],
        **more,
    }


def _draft_with_a_planted_given_name(open_as: OpenAs, case_id: str) -> tuple[Vault, str]:
    """A case whose public summary holds its secret sister's given name alone (saved with an
    override), drafted by a reviewer, who reads no secret value and so cannot redact it."""
    cara = open_as("cara")
    cases.add_case(
        cara,
        _consenting_holder(case_id, public_summary="Her sister Ormanjan was questioned twice."),
        allow_leak="planted on purpose, to test the draft check",
    )
    draft = drafts.create_draft(open_as("rui"), case_id, "en")
    assert "Ormanjan" in draft.text
    return cara, draft.draft_id


def test_the_draft_check_finds_a_part_of_the_cases_own_value(open_as: OpenAs) -> None:
    cara, draft_id = _draft_with_a_planted_given_name(open_as, "UA-778-26-001")
    with pytest.raises(ValidationError, match="secret"):
        draft_check.check_draft(cara, draft_id)


def test_the_draft_check_refuses_a_case_whose_current_row_was_deleted(open_as: OpenAs) -> None:
    """An insider deletes the case's (unsigned) row in ``cases`` while the check runs: the check
    must not then skip the case's own values and sign the draft as checked."""
    case_id = "UA-778-26-002"
    cara, draft_id = _draft_with_a_planted_given_name(open_as, case_id)
    conn = cara.store._conn  # any member holding the database key
    with cara.store.write():
        saved = conn.execute("SELECT * FROM cases WHERE case_id = ?", (case_id,)).fetchone()
        conn.execute("DELETE FROM cases WHERE case_id = ?", (case_id,))
    try:
        with pytest.raises(IntegrityError, match=f"case {case_id} has no current version"):
            draft_check.check_draft(cara, draft_id)
    finally:
        with cara.store.write():
            marks = ",".join("?" * len(saved))
            conn.execute(f"INSERT INTO cases VALUES ({marks})", tuple(saved))  # noqa: S608
    assert draft_check.unchecked_levels(cara, drafts.get_draft(cara, draft_id))


def test_an_action_draft_redacts_a_part_of_each_of_its_cases(open_as: OpenAs) -> None:
    cara = open_as("cara")
    one, two = "UA-780-26-001", "UA-780-26-002"
    cases.add_case(cara, {"case_id": one, "full_name": "Invented One"})
    cases.add_case(cara, {"case_id": two, "full_name": "Invented Two", "family_contacts": [SISTER]})
    actions.add_action(
        cara,
        {
            "action_id": "UA 099/26",
            "title": "An invented action",
            "country": "China",
            "issued": "2026-02-01",
            "texts": {"en": "Her sister Ormanjan was questioned twice."},
            "case_ids": [one, two],
        },
    )
    draft = drafts.create_draft(cara, "UA 099/26", "en")
    assert "Ormanjan" not in draft.text


def test_an_index_written_with_every_term_counts_no_part_of_another_case(
    open_as: OpenAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vault indexed before b8418b2 holds every term of a case, its parts and a date's short
    digits included: a check about another case must not count them (they are somebody's)."""
    v = open_as("cara")
    other = "UA-779-26-002"
    values: dict[str, Any] = {
        "case_id": other,
        "full_name": "Invented Other",
        "date_of_birth": "1958-07-23",
        "family_contacts": [{"name": "Tolqyn Zhanuzaqqyzy", "relation": "sister"}],
    }
    cases.add_case(v, values)
    every = leaks.case_terms
    monkeypatch.setattr(leaks, "case_terms", lambda p, vals, indexed=False: every(p, vals))
    with v.store.write():  # the rows as an earlier casevault wrote them
        store_leak_terms(v, other, case_leak_terms(v, values))
    monkeypatch.setattr(leaks, "case_terms", every)
    with v.store.read():
        for text in ("Her sister Tolqyn wrote.", "born 230758"):
            assert not find_known(text, VaultKnownValues(v)), text
            about_another = VaultKnownValues(v, own=own_terms_of(v, ["UA-061-21-004"]))
            assert not find_known(text, about_another), text
            assert find_known(text, VaultKnownValues(v, own=own_terms_of(v, [other]))), text


@pytest.mark.parametrize(
    "text",
    [
        "Her sister Ormanjan was questioned.",  # a part of the value
        "avotalophsaT najnamrO",  # backwards: a form only a writer makes up
        "mail ilmiraq at example org",  # spelled out, and glued
    ],
)
def test_an_edit_that_removes_a_value_and_types_it_into_the_summary_is_refused(
    open_as: OpenAs, text: str
) -> None:
    v = open_as("cara")
    case_id = "UA-777-26-001"
    cases.add_case(
        v,
        {
            "case_id": case_id,
            "full_name": "Invented Holder",
            "family_contacts": [{**SISTER, "email": "ilmira.q@example.org"}],
        },
    )
    with pytest.raises(ValidationError, match="public_summary"):
        cases.edit_case(v, case_id, {"family_contacts": None, "public_summary": text})
    with pytest.raises(ValidationError, match="public_summary"):  # and keeping it, as before
        cases.edit_case(v, case_id, {"public_summary": text})
    with v.store.read():
        assert v.store.case_head(case_id) == 1  # nothing written
    cases.edit_case(v, case_id, {"family_contacts": None, "public_summary": "No news."})


def test_a_term_two_values_share_is_of_the_higher_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever order the policy lists its fields in, a term two of a case's values give counts
    at the higher one's level (a place named like a relative: invented)."""
    from vault.policy import Policy, default_policy_text, parse_policy

    policy = parse_policy(default_policy_text())
    values = {
        "case_id": "UA-781-26-001",
        "full_name": "Invented Holder",
        "last_seen_place": "Ormanjan Tashpolat",
        "family_contacts": [{"name": "Ormanjan Tashpolat", "relation": "sister"}],
    }
    place, sister = policy.fields["last_seen_place"].level, policy.fields["family_contacts"].level
    assert policy.rank(sister) > policy.rank(place)
    in_order = policy.value_sources()
    for sources in (in_order, dict(reversed(list(in_order.items())))):
        monkeypatch.setattr(Policy, "value_sources", lambda self, s=sources: s)
        held = dict(leaks.own_terms(policy, values).items())
        assert held["ormanjantashpolat"].level == sister


def test_a_value_taken_out_by_an_earlier_edit_is_still_the_cases(open_as: OpenAs) -> None:
    """Two edits: the first removes the sister, the second types her given name into the
    summary (each saved: neither holds both). A draft of the case, and its check, read every
    signed version, so the name is still found (second reader of bbbe626)."""
    cara = open_as("cara")
    case_id = "UA-782-26-001"
    cases.add_case(cara, _consenting_holder(case_id))
    cases.edit_case(cara, case_id, {"family_contacts": None})
    cases.edit_case(cara, case_id, {"public_summary": "Her sister Ormanjan was questioned."})
    assert "Ormanjan" not in drafts.create_draft(cara, case_id, "en").text
    draft = drafts.create_draft(open_as("rui"), case_id, "en")  # reads no secret value
    assert "Ormanjan" in draft.text
    with pytest.raises(ValidationError, match="secret"):
        draft_check.check_draft(cara, draft.draft_id)
