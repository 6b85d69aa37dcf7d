"""Issue 15 point 5: manual redactions survive a draft made again after its case changed.

A caseworker redacts a landmark by hand, the case is edited (the draft goes void), and a new draft
is made: without carrying, the landmark reached the reviewer unredacted.
"""

from __future__ import annotations

import pytest

from tests.conftest import OpenAs
from vault.services import cases, drafts
from vault.services.demo_data import demo_cases
from vault.services.drafts import Draft, Manual, carry_manual

DEMO = {c["case_id"]: c for c in demo_cases()}
CASE = next(cid for cid, c in DEMO.items() if not c["consent"]["publish_name"])
LANDMARK = "the old mill by the canal"  # invented


def _summary_with(extra: str) -> dict[str, str]:
    return {"public_summary": DEMO[CASE]["public_summary"] + " " + extra}


def _manual(d: Draft) -> list[str]:
    assert d.source is not None
    return [d.source[m.start : m.end] for m in d.manual_redactions]


def test_attack_a_draft_made_again_after_a_void_publishes_a_hand_redacted_landmark(
    open_as: OpenAs,
) -> None:
    cara = open_as("cara")
    cases.edit_case(cara, CASE, _summary_with(f"He was last seen at {LANDMARK}."))
    first = drafts.create_draft(cara, CASE, "en")
    first = drafts.edit_draft(cara, first.draft_id, redact_text=LANDMARK, reason="identifies home")
    assert LANDMARK not in first.text
    # the case changes (the first draft is void); the summary gains a sentence before the landmark
    cases.edit_case(
        cara, CASE, _summary_with(f"Neighbours were questioned. He was last seen at {LANDMARK}.")
    )
    again = drafts.create_draft(cara, CASE, "en")
    assert LANDMARK not in again.text
    assert _manual(again) == [LANDMARK]  # re-found by text: its offset moved
    assert again.source is not None and first.source is not None
    assert again.source.index(LANDMARK) != first.source.index(LANDMARK)
    carried = [r for r in again.redactions if "manual" in r.layers]
    assert [r.reason for r in carried] == [
        f"carried over from {first.draft_id} v2: identifies home"
    ]
    assert [m.carried_from for m in again.carried] == [f"{first.draft_id} v2"]
    assert again.dropped == []


def test_a_carried_redaction_whose_text_is_gone_is_dropped_and_listed(open_as: OpenAs) -> None:
    cara = open_as("cara")
    cases.edit_case(cara, CASE, _summary_with(f"He was last seen at {LANDMARK}."))
    first = drafts.create_draft(cara, CASE, "en")
    first = drafts.edit_draft(cara, first.draft_id, redact_text=LANDMARK, reason="identifies home")
    cases.edit_case(cara, CASE, _summary_with("He was last seen in town."))
    again = drafts.create_draft(cara, CASE, "en")
    assert again.manual_redactions == []
    assert [(m.reason, m.carried_from) for m in again.dropped] == [
        ("identifies home", f"{first.draft_id} v2")
    ]
    # and it stays listed on later versions of the new draft
    later = drafts.edit_draft(cara, again.draft_id, redact_text="in town", reason="vague")
    assert [m.reason for m in later.dropped] == ["identifies home"]


def test_a_release_is_not_carried(open_as: OpenAs) -> None:
    cara = open_as("cara")
    first = drafts.create_draft(cara, CASE, "en")
    assert first.redactions, "the demo draft withholds the name"
    withheld = first.text.count("[name withheld]")
    first = drafts.edit_draft(cara, first.draft_id, unredact=0, reason="family agreed")
    assert first.unredactions and first.text.count("[name withheld]") == withheld - 1
    cases.edit_case(cara, CASE, _summary_with("Neighbours were questioned."))
    again = drafts.create_draft(cara, CASE, "en")
    assert again.unredactions == [] and again.carried == []
    assert again.text.count("[name withheld]") == withheld


def test_carried_twice_keeps_the_original_reason_and_names_the_latest_draft(
    open_as: OpenAs,
) -> None:
    cara = open_as("cara")
    cases.edit_case(cara, CASE, _summary_with(f"He was last seen at {LANDMARK}."))
    first = drafts.create_draft(cara, CASE, "en")
    drafts.edit_draft(cara, first.draft_id, redact_text=LANDMARK, reason="identifies home")
    second = drafts.create_draft(cara, CASE, "en")
    third = drafts.create_draft(cara, CASE, "en")
    assert [r.reason for r in third.redactions if "manual" in r.layers] == [
        f"carried over from {second.draft_id} v1: identifies home"
    ]


def test_carrying_is_by_text_never_by_offset() -> None:
    earlier = Draft(
        "D-0007",
        3,
        "UA-000-00-001",
        "en",
        "cara",
        "2026-01-01T00:00:00Z",
        "",
        [],
        {},
        "",
        [Manual(0, 4, "landmark", "cara"), Manual(10, 14, "gone", "cara")],
        source="mill and weir",
    )
    carried, dropped = carry_manual(earlier, "a mill, another mill")
    assert [(m.start, m.end, m.carried_from) for m in carried] == [
        (2, 6, "D-0007 v3"),
        (16, 20, "D-0007 v3"),
    ]
    assert [m.reason for m in dropped] == ["gone"]


@pytest.mark.parametrize(
    "stored",
    [
        {"start": 1, "end": 2, "reason": "r", "by": "cara"},  # a draft made before carrying
        {"start": 1, "end": 2, "reason": "r", "by": "cara", "carried_from": None},
    ],
)
def test_manual_entries_of_older_drafts_still_read(stored: dict[str, object]) -> None:
    m = Manual.from_json(stored)
    assert (m.carried_from, m.shown_reason) == (None, "r")
