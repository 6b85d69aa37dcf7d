"""Attacks on unchecked spans and the signed list of public terms (issue 21), with the database
key in hand and as members with a legitimate role. A refused attack is a passing test asserting
the refusal (one-line error, vault as it was); a hole that is still open is a strict xfail naming
it. All fictional."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import OpenAs, passphrase_for
from tests.insider import identity, raw_db, state_rows
from tests.review_helpers import run, vault_now
from vault.errors import AccessDeniedError, IntegrityError, UsageError
from vault.policy import state as signed_state
from vault.redact.unchecked import find_unchecked, term_keys
from vault.services import cases, drafts, public_terms
from vault.services import review as review_svc
from vault.services.session import Vault

CASE = "UA-061-21-004"
SUMMARY = (
    "He was taken from his workshop on 12 March 2018. His cousin Nurbek Sadyrov, who lives in "
    "Osh, says he was moved to a camp near Toksun in 2019."
)


def _draft(v: Vault, summary: str = SUMMARY) -> str:
    cases.edit_case(v, CASE, {"public_summary": summary})
    return drafts.create_draft(v, CASE, "en").draft_id


def _spans(text: str, public: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    return [(text[u.start : u.end], u.kind) for u in find_unchecked(text, "en", public=public)]


def _insert_state(path: Path, signer: str, kind: str, payload: dict[str, Any]) -> None:
    """An insider appends a state record signed with ``signer``'s own key, with no audit
    entry of its own (log_seq points at the last record's entry)."""
    ident = identity(path, signer)
    with raw_db(path, signer) as db:
        seq, body, _, log_seq = state_rows(db)[-1]
        last = json.loads(body)
        forged = signed_state.encode(
            last["vault_id"],
            seq + 1,
            signed_state.parse(body).hash,
            kind,
            signer,
            last["time"],
            payload,
        )
        db.execute(
            "INSERT INTO state_records(seq, kind, author, body, signature, log_seq) "
            "VALUES (?,?,?,?,?,?)",
            (
                seq + 1,
                kind,
                signer,
                forged,
                ident.sign(signed_state.signed_message(forged)),
                log_seq,
            ),
        )


def _refused_everywhere(path: Path, draft_id: str, match: str) -> None:
    """The vault refuses to open for anyone and the command line says so in one line; nothing
    is logged."""
    before = vault_now(path)
    with pytest.raises(IntegrityError, match=match):
        Vault.open(path, "rui", lambda _n: passphrase_for("rui"))
    code, _, err = run(path, "rui", "review", "approve", draft_id)
    assert code == 5 and err.startswith("casevault: error:") and err.count("\n") == 1, err
    assert vault_now(path) == before


# --- forged and malformed terms.accept records (database key in hand) ---------------------------


def test_a_reviewer_signed_terms_record_with_no_audit_entry_is_refused(
    demo_path: Path, open_as: OpenAs
) -> None:
    """The reviewer's own key signs a terms.accept naming the cousin's words, slipped into
    state_records without an audit entry: the chain check refuses it."""
    cara = open_as("cara")
    draft_id = _draft(cara)
    cara.close()
    _insert_state(
        demo_path,
        "rui",
        signed_state.TERMS_ACCEPT,
        {"terms": ["word:nurbek", "word:sadyrov", "name:nurbek sadyrov"]},
    )
    _refused_everywhere(demo_path, draft_id, "no audit entry|not the one its audit entry")


#: Malformed term lists a reviewer's own key signs: too many, empty, not a list, not strings,
#: no kind, too long, an empty text.
MALFORMED: list[Any] = [
    [f"word:t{i:05d}" for i in range(signed_state.MAX_TERMS + 1)],
    [],
    "word:nurbek",
    [1234],
    ["nurbek"],
    ["word:" + "x" * signed_state.MAX_TERM_CHARS],
    ["word:"],
]


def test_a_malformed_terms_record_is_refused(demo_path: Path) -> None:
    """Each malformed record in turn (taken out again before the next): the replay refuses it
    before anything else is read."""
    for i, terms in enumerate(MALFORMED):
        top = vault_now(demo_path)[1]
        _insert_state(demo_path, "rui", signed_state.TERMS_ACCEPT, {"terms": terms})
        if i == 0:
            _refused_everywhere(demo_path, "D-0001", "names no valid list of public terms")
        else:
            with pytest.raises(IntegrityError, match="names no valid list of public terms"):
                Vault.open(demo_path, "rui", lambda _n: passphrase_for("rui"))
        with raw_db(demo_path, "rui") as db:
            db.execute("DELETE FROM state_records WHERE seq > ?", (top,))


def test_a_replayed_terms_record_is_refused(demo_path: Path, open_as: OpenAs) -> None:
    """A reviewer's genuine terms.accept, copied again as the next record (same body, signature
    and audit entry): its number and previous hash do not fit."""
    cara = open_as("cara")
    draft_id = _draft(cara)
    rui = open_as("rui")
    public_terms.accept_spans(rui, draft_id, [0])
    cara.close()
    rui.close()
    with raw_db(demo_path, "rui") as db:
        rows = state_rows(db)
        _seq, body, sig, log_seq = next(
            r for r in reversed(rows) if signed_state.parse(r[1]).kind == "terms.accept"
        )
        top = rows[-1][0]
        db.execute(
            "INSERT INTO state_records(seq, kind, author, body, signature, log_seq) "
            "VALUES (?,?,?,?,?,?)",
            (top + 1, "terms.accept", "rui", body, sig, log_seq),
        )
    _refused_everywhere(demo_path, draft_id, "state record")


def test_a_terms_record_signed_by_a_publisher_is_refused(demo_path: Path) -> None:
    _insert_state(demo_path, "pia", signed_state.TERMS_ACCEPT, {"terms": ["word:nurbek"]})
    _refused_everywhere(demo_path, "D-0001", "signed by a publisher, who may not")


def test_a_withdraw_record_signed_by_a_caseworker_is_refused(demo_path: Path) -> None:
    """Withdrawing is as guarded as accepting (a caseworker could bring back spans to stall a
    reviewer, or hide that a term was once accepted)."""
    _insert_state(demo_path, "cara", signed_state.TERMS_WITHDRAW, {"terms": ["word:toksun"]})
    _refused_everywhere(demo_path, "D-0001", "signed by a caseworker, who may not")


# --- roles --------------------------------------------------------------------------------------


def test_publisher_and_caseworker_may_not_withdraw_or_accept(
    demo_path: Path, open_as: OpenAs
) -> None:
    rui = open_as("rui")
    cases.edit_case(open_as("cara"), CASE, {"public_summary": SUMMARY})
    d = drafts.create_draft(open_as("cara"), CASE, "en")
    public_terms.accept_spans(rui, d.draft_id, [0])  # one term a reviewer really accepted
    some = public_terms.accepted_terms(rui)[0]
    rui.close()
    before = vault_now(demo_path)
    for user in ("cara", "pia"):
        code, _, err = run(demo_path, user, "review", "withdraw", some)
        assert code == 3 and "may not withdraw public terms" in err, err
        assert err.count("\n") == 1
        v = open_as(user)
        with pytest.raises(AccessDeniedError):
            public_terms.withdraw_terms(v, [some])
        with pytest.raises(AccessDeniedError):
            public_terms.accept_spans(v, "D-0001", None)
    assert vault_now(demo_path) == before


# --- approvals and withdrawals ------------------------------------------------------------------


def test_withdrawing_a_term_after_approval_holds_the_draft_back_again(open_as: OpenAs) -> None:
    """An approval given while the spans were accepted does not outlive the terms: once one is
    withdrawn the draft is unchecked again, not approved (so it cannot be published)."""
    cara = open_as("cara")
    draft_id = _draft(cara)
    rui = open_as("rui")
    public_terms.accept_spans(rui, draft_id, None)
    assert review_svc.give_verdict(rui, draft_id, "approve").state == "approved"
    public_terms.withdraw_terms(rui, ["name:toksun"])
    st = review_svc.status(rui, drafts.get_draft(rui, draft_id))
    assert st.state == "unchecked" and st.spans == 1
    # another session (the publisher's) sees the withdrawal too
    pia = open_as("pia")
    with pytest.raises(AccessDeniedError, match="not approved"):
        review_svc.show_draft(pia, draft_id)


def test_approving_with_unchecked_spans_is_refused_and_logs_nothing(
    demo_path: Path, open_as: OpenAs
) -> None:
    cara = open_as("cara")
    draft_id = _draft(cara)
    cara.close()
    before = vault_now(demo_path)
    code, _, err = run(demo_path, "rui", "review", "approve", draft_id)
    assert code == 2 and "unchecked span" in err and err.count("\n") == 1
    assert vault_now(demo_path) == before
    rui = open_as("rui")
    with pytest.raises(UsageError, match="unchecked span"):
        review_svc.give_verdict(rui, draft_id, "approve")


# --- smuggling through accepted word keys -------------------------------------------------------


def test_accepted_place_words_do_not_clear_a_person_made_of_them() -> None:
    public = frozenset(term_keys("Nurbek Bazaar", "name") + term_keys("Sadyrov Mosque", "name"))
    assert _spans("His cousin Nurbek Sadyrov called.", public) == [("Nurbek Sadyrov", "name")]
    assert _spans("His cousin Nurbek called.", public) == [("Nurbek", "name")]


def test_word_keys_alone_do_not_clear_a_name_with_an_unaccepted_word() -> None:
    """The documented half: 'Aygul Tursun' stays unchecked when only 'Tursun' was accepted."""
    public = frozenset(term_keys("Tursun Bazaar", "name"))
    assert _spans("His cousin Aygul Tursun called.", public) == [("Aygul Tursun", "name")]


def test_an_accepted_number_clears_no_other_kind() -> None:
    public = frozenset(term_keys("12 March 2018", "date"))
    assert _spans("Born 12 March 2018.", public) == []
    assert _spans("His ID is 12032018.", public) == [("12032018", "number")]


# --- text tricks: what a reader of the published text sees, the detector must see -------------


def test_invisible_and_bidi_characters_do_not_hide_a_name() -> None:
    for text, span in [
        ("His cousin Nur\u200bbek Sad\u200dyrov called.", "Nur\u200bbek Sad\u200dyrov"),
        ("His cousin \u202eNurbek\u202c called.", "Nurbek"),
        ("His cousin \u2066Nurbek\u2069 called.", "Nurbek"),
        ("His cousin Nur\u00adbek called.", "Nur\u00adbek"),
        ("His cousin Ｎｕｒｂｅｋ called.", "Ｎｕｒｂｅｋ"),
        ("His cousin 𝐍𝐮𝐫𝐛𝐞𝐤 called.", "𝐍𝐮𝐫𝐛𝐞𝐤"),
        ("His cousin NURBEK called.", "NURBEK"),
        ("His cousin Nurbek\nSadyrov called.", "Nurbek"),
    ]:
        assert (span, "name") in _spans(text), text


def test_look_alike_letters_and_line_breaks_do_not_hide_a_date_or_number() -> None:
    assert _spans("Born 12 Μarch 1990.")  # Greek capital Mu: still marked (as a name)
    assert _spans("Born 12\u2028March 1990.") == [("12\u2028March 1990", "date")]
    assert _spans("Born 12\u00a0March\u00a01990.") == [("12\u00a0March\u00a01990", "date")]
    assert _spans("ID 4 7 2 8 1 9 3.") == [("4 7 2 8 1 9 3", "number")]
    assert _spans("Write to nurbek＠mail．ru") == [("nurbek＠mail．ru", "email")]


def test_a_combining_mark_does_not_hide_a_name() -> None:
    assert _spans("His cousin Nu\u0308rbek called.") == [("Nu\u0308rbek", "name")]


def test_a_combining_mark_does_not_cut_a_name_short() -> None:
    assert _spans("His cousin Nurbek Sa\u0301dyrov called.") == [("Nurbek Sa\u0301dyrov", "name")]


def test_small_capitals_do_not_hide_a_name() -> None:
    assert _spans("His cousin ɴᴜʀʙᴇᴋ called.") == [("ɴᴜʀʙᴇᴋ", "name")]


def test_a_lower_case_name_is_marked() -> None:
    """A name typed in lower case is no word of the language: it is shown (it was a strict
    xfail until words no word list knows were read as names)."""
    assert _spans("His cousin nurbek sadyrov called.") == [("nurbek sadyrov", "name")]


@pytest.mark.parametrize(
    "text",
    [
        "His passport is 123;456;789.",
        "Born 12;03;1990 in the city.",
        "Born 12|03|1990.",
        "Call 701·234·567 now.",
        "Call 701_234_567 now.",
    ],
)
def test_odd_separators_do_not_hide_a_number(text: str) -> None:
    assert _spans(text)


def test_a_spaced_email_is_marked() -> None:
    assert _spans("Write to nurbek @ mail . ru") == [("nurbek @ mail . ru", "email")]


def _relative(v: Vault) -> str:
    from vault.services.provenance import case_head

    with v.store.read():
        values = dict(cases.open_version(v, CASE, case_head(v, CASE)).values)
    return str(values["family_contacts"][0]["name"])


def _left_in_draft(v: Vault, said: str) -> tuple[bool, list[str]]:
    """Whether ``said`` is left in a new draft of the case, and the draft's unchecked spans."""
    cases.edit_case(
        v,
        CASE,
        {"public_summary": f"His relative {said} wrote to us."},
        allow_leak="testing what the draft makes of it",
    )
    d = drafts.create_draft(v, CASE, "en")
    return said in d.text, [d.text[u.start : u.end] for u in public_terms.unchecked_spans(v, d)]


def test_a_relatives_name_in_tricked_letters_is_still_redacted(open_as: OpenAs) -> None:
    """The known relative's full name with accents added, in small capitals or in lower case:
    redaction still takes it out of the draft; the given name alone is redacted or marked."""
    cara = open_as("cara")
    name = _relative(cara)
    small = str.maketrans("ABEKLSUY", "ᴀʙᴇᴋʟꜱᴜʏ")
    for said in (
        " ".join(w[:2] + "\u0301" + w[2:] for w in name.split()),
        name.upper().translate(small),
        name.lower(),
    ):
        left, _ = _left_in_draft(cara, said)
        assert not left, said
    given = name.split()[0]
    left, spans = _left_in_draft(cara, given)
    assert not left or given in spans


def test_a_relatives_given_name_with_a_combining_mark_is_caught(open_as: OpenAs) -> None:
    cara = open_as("cara")
    given = _relative(cara).split()[0]
    said = given[:2] + "\u0308" + given[2:]
    left, spans = _left_in_draft(cara, said)
    assert not left or said in spans
