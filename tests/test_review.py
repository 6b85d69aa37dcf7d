"""The review workflow of issue 4: drafts, the two-person rule, approvals voided by edits and by
consent withdrawal, several approvals, what each role may see."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import OpenAs
from tests.review_helpers import approve
from vault.crypto import Passphrase
from vault.errors import AccessDeniedError, UsageError, ValidationError
from vault.policy import default_policy_text
from vault.services import audit, cases, draft_check, drafts, users
from vault.services import review as review_svc
from vault.services.demo_data import demo_cases
from vault.services.session import Vault

DEMO = {c["case_id"]: c for c in demo_cases()}
NO_CONSENT = next(cid for cid, c in DEMO.items() if not c["consent"]["publish_name"])
WITH_CONSENT = next(cid for cid, c in DEMO.items() if c["consent"]["publish_name"])


def _leak(v: Vault, case_id: str, other: str) -> None:
    """Put another case's family phone and this case's source codename into the summary."""
    rec = DEMO[case_id]
    phone = DEMO[other]["family_contacts"][0]["phone"]
    cases.edit_case(
        v,
        case_id,
        {
            "public_summary": rec["public_summary"] + f" Call {phone}. "
            f"Source {rec['sources'][0]['codename']} saw it."
        },
        allow_leak="a leak planted on purpose, to test redaction",
    )


def test_draft_hides_protected_values_from_any_case(open_as: OpenAs) -> None:
    cw = open_as("cara")
    _leak(cw, NO_CONSENT, "UA-061-21-033")
    d = drafts.create_draft(cw, NO_CONSENT, "en")
    rec = DEMO[NO_CONSENT]
    assert rec["full_name"] not in d.text
    assert DEMO["UA-061-21-033"]["family_contacts"][0]["phone"] not in d.text
    assert rec["sources"][0]["codename"] not in d.text
    assert "[name withheld]" in d.text
    kinds = {r.kind for r in d.redactions}
    assert {"name", "phone", "codename"} <= kinds
    # nothing above public enters the draft at all (policy layer)
    for field in ("case_notes", "home_address", "risk_notes"):
        assert str(rec[field]) not in d.text


def test_two_person_rule(open_as: OpenAs, demo_path: Path) -> None:
    rui = open_as("rui")
    d = drafts.create_draft(rui, WITH_CONSENT, "fr")
    with pytest.raises(AccessDeniedError, match="two-person rule"):
        approve(rui, d.draft_id)
    with pytest.raises(AccessDeniedError, match="may not review"):
        approve(open_as("cara"), d.draft_id)
    admin = open_as("ada")
    users.add_member(
        admin, "nadia", "reviewer", passphrase=lambda: Passphrase.from_text("nadia passphrase 1")
    )
    open_as("rui").close()  # rui's unlock delivers the reviewer key to nadia
    nadia = Vault.open(demo_path, "nadia", lambda _n: Passphrase.from_text("nadia passphrase 1"))
    # rui drafted it: his lookup cannot see secret values, so a caseworker must check it first
    with pytest.raises(UsageError, match="not checked against the secret level"):
        approve(nadia, d.draft_id)
    draft_check.check_draft(open_as("cara"), d.draft_id)
    st = approve(nadia, d.draft_id)
    assert (st.state, st.approvals) == ("approved", ["nadia"])
    with pytest.raises(UsageError, match="already"):
        approve(nadia, d.draft_id)
    nadia.close()


def test_edit_after_approval_voids_it_visibly(open_as: OpenAs) -> None:
    d = drafts.create_draft(open_as("cara"), WITH_CONSENT, "en")
    rui = open_as("rui")
    assert approve(rui, d.draft_id).state == "approved"
    cases.edit_case(open_as("cara"), WITH_CONSENT, {"charges": "none known (updated)"})
    st = review_svc.status(rui, drafts.get_draft(rui, d.draft_id))
    assert st.state == "void" and WITH_CONSENT in st.detail
    with pytest.raises(UsageError, match="void"):
        approve(rui, d.draft_id)
    with pytest.raises(AccessDeniedError, match="not approved"):
        review_svc.show_draft(open_as("pia"), d.draft_id)


def test_consent_withdrawal_voids_approvals_that_named_the_person(open_as: OpenAs) -> None:
    cw = open_as("cara")
    name = DEMO[WITH_CONSENT]["full_name"]
    d = drafts.create_draft(cw, WITH_CONSENT, "en")
    assert name in d.text
    action = drafts.create_draft(cw, "UA 061/21", "de")
    assert name not in action.text  # a person's section comes from their own case draft
    rui = open_as("rui")
    approve(rui, d.draft_id)
    approve(rui, action.draft_id)
    cases.set_consent(cw, WITH_CONSENT, False, "sister", "2026-11-01")
    for draft_id in (d.draft_id, action.draft_id):
        assert review_svc.status(rui, drafts.get_draft(rui, draft_id)).state == "void"
    again = drafts.create_draft(cw, WITH_CONSENT, "en")
    assert name not in again.text and "year-old" in again.text


def test_rejection_needs_and_keeps_a_reason(open_as: OpenAs) -> None:
    d = drafts.create_draft(open_as("cara"), NO_CONSENT, "en")
    rui = open_as("rui")
    with pytest.raises(UsageError, match="reason"):
        review_svc.give_verdict(rui, d.draft_id, "reject", "  ")
    assert review_svc.give_verdict(
        rui, d.draft_id, "reject", "the village is too specific"
    ).state == ("rejected")
    assert review_svc.rejection_reasons(rui, drafts.get_draft(rui, d.draft_id)) == [
        ("rui", "the village is too specific")
    ]


def test_originals_only_where_the_level_allows(open_as: OpenAs) -> None:
    cw = open_as("cara")
    _leak(cw, NO_CONSENT, "UA-061-21-033")
    d = drafts.create_draft(cw, NO_CONSENT, "en")
    secret = [i for i, r in enumerate(d.redactions) if r.level == "secret"]
    assert secret and all(i in d.originals for i in secret)  # the caseworker sees them
    seen_by_reviewer, _ = review_svc.show_draft(open_as("rui"), d.draft_id)
    assert not any(i in seen_by_reviewer.originals for i in secret)
    assert seen_by_reviewer.text == d.text


def test_publisher_sees_approved_text_only(open_as: OpenAs) -> None:
    d = drafts.create_draft(open_as("cara"), WITH_CONSENT, "de")
    pia = open_as("pia")
    with pytest.raises(AccessDeniedError, match="not approved"):
        review_svc.show_draft(pia, d.draft_id)
    assert review_svc.list_drafts(pia) == []
    approve(open_as("rui"), d.draft_id)
    seen, st = review_svc.show_draft(pia, d.draft_id)
    assert st.state == "approved" and seen.text == d.text
    assert seen.source is None and seen.originals == {}
    with pytest.raises(AccessDeniedError):
        drafts.create_draft(pia, WITH_CONSENT, "en")


def test_manual_unredaction_needs_reason_and_is_shown(open_as: OpenAs) -> None:
    cw = open_as("cara")
    _leak(cw, NO_CONSENT, "UA-061-21-033")
    d = drafts.create_draft(cw, NO_CONSENT, "en")
    approve(open_as("rui"), d.draft_id)
    with pytest.raises(UsageError, match="reason"):
        drafts.edit_draft(cw, d.draft_id, unredact=0, reason="")
    codename = DEMO[NO_CONSENT]["sources"][0]["codename"]
    idx = next(
        i for i, r in enumerate(d.redactions) if d.source and d.source[r.start : r.end] == codename
    )
    d2 = drafts.edit_draft(cw, d.draft_id, unredact=idx, reason="the codename is public")
    assert d2.version == 2 and codename in d2.text
    assert [(m.reason, m.by) for m in d2.unredactions] == [("the codename is public", "cara")]
    assert review_svc.status(cw, d2).state == "pending"  # the v1 approval does not carry over
    d3 = drafts.edit_draft(cw, d.draft_id, redact_text="without charge", reason="speculative")
    assert "without charge" not in d3.text and d3.redactions


def test_policy_can_require_two_approvals(tmp_path: Path) -> None:
    text = default_policy_text().replace("approvals_required = 1", "approvals_required = 2")
    root = tmp_path / "v"

    def pw(n: str) -> Passphrase:
        return Passphrase.from_text(f"{n} passphrase 123")

    with Vault.init(root, "ada", pw("ada"), policy_text=text) as a:
        for n, role in (("cara", "caseworker"), ("rui", "reviewer"), ("ron", "reviewer")):
            users.add_member(a, n, role, passphrase=lambda n=n: pw(n))
    with Vault.open(root, "cara", pw) as cw:
        cases.add_case(
            cw,
            {
                "case_id": "UA-002-26-001",
                "full_name": "Invented Two",
                "public_summary": "Invented Two is missing.",
            },
        )
        d = drafts.create_draft(cw, "UA-002-26-001", "en")
    with Vault.open(root, "rui", pw) as r:
        assert approve(r, d.draft_id).state == "pending"
    with Vault.open(root, "ron", pw) as r:
        st = approve(r, d.draft_id)
        assert st.state == "approved" and sorted(st.approvals) == ["ron", "rui"]
        actions = [line.entry.action for line in audit.audit_log(r, action="review")]
        assert actions == ["review.approve", "review.approve"]
        assert audit.verify(r).ok


def test_attack_approval_replayed_onto_another_version_does_not_count(open_as: OpenAs) -> None:
    cw = open_as("cara")
    d = drafts.create_draft(cw, WITH_CONSENT, "en")
    rui = open_as("rui")
    approve(rui, d.draft_id)
    d2 = drafts.edit_draft(cw, d.draft_id, redact_text="without charge", reason="speculative")
    row = cw.store.reviews(d.draft_id, 1)[0]
    with cw.store.write():  # the attacker copies rui's signed approval onto version 2
        cw.store._conn.execute(
            "INSERT INTO reviews VALUES (?,?,?,?,?,?,?,?)",
            (
                row.draft_id,
                2,
                row.reviewer,
                row.verdict,
                row.created_at,
                row.body,
                row.signature,
                row.log_seq,
            ),
        )
    assert review_svc.status(rui, drafts.get_draft(rui, d.draft_id)).state == "pending"
    assert review_svc.status(rui, d2).approvals == []


def test_attack_draft_text_changed_in_the_database(open_as: OpenAs) -> None:
    from vault.errors import IntegrityError

    cw = open_as("cara")
    d = drafts.create_draft(cw, WITH_CONSENT, "en")
    row = cw.store.draft(d.draft_id)
    assert row is not None
    forged = row.body.replace(b'"version":1', b'"version":1 ', 1)
    with cw.store.write():
        cw.store._conn.execute(
            "UPDATE drafts SET body = ? WHERE draft_id = ?", (forged, d.draft_id)
        )
    with pytest.raises(IntegrityError, match="bad signature"):
        drafts.get_draft(open_as("rui"), d.draft_id)


def test_draft_labels_come_from_the_policy_in_the_drafts_language(open_as: OpenAs) -> None:
    cw = open_as("cara")
    assert "\nSituation: " in drafts.create_draft(cw, WITH_CONSENT, "fr").text
    assert "\nStatus: " in drafts.create_draft(cw, WITH_CONSENT, "en").text


def test_a_reviewers_draft_that_exposes_a_secret_value_fails_the_check(
    open_as: OpenAs,
) -> None:
    """A reviewer drafts with the keys he holds: a secret relative's name in the summary, which
    the caseworker's lookup would redact, stays in his text. It cannot be approved unchecked,
    and the caseworker's check finds it (naming the level and where, never the value)."""
    rec = demo_cases()[7]
    relative = rec["family_contacts"][0]["name"]
    cara = open_as("cara")
    cases.edit_case(
        cara,
        rec["case_id"],
        {"public_summary": f"{relative} asked for news."},
        allow_leak="a leak planted on purpose, to test redaction",
    )
    assert relative not in drafts.create_draft(cara, rec["case_id"], "en").text
    rui = open_as("rui")
    d = drafts.create_draft(rui, rec["case_id"], "en")
    assert relative in d.text  # his lookup cannot see the secret name
    assert d.checked_levels == ["public", "restricted", "confidential"]
    assert review_svc.status(rui, d).state == "unchecked"
    with pytest.raises(ValidationError, match=r"protected value\(s\) of level secret") as e:
        draft_check.check_draft(cara, d.draft_id)
    assert relative not in e.value.diagnostics()
    assert review_svc.status(rui, drafts.get_draft(rui, d.draft_id)).state == "unchecked"
