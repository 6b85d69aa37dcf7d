"""Nothing unchecked passes review: a draft with unchecked spans cannot be approved; a reviewer
accepts (a signed, logged public term) or redacts each one, in the command line; the list of
public terms counts only as the signed state says. All fictional."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import OpenAs, passphrase_for
from tests.insider import identity, raw_db, state_rows
from tests.review_helpers import run, vault_now
from vault.errors import AccessDeniedError, IntegrityError, UsageError
from vault.policy import state as signed_state
from vault.services import cases, drafts, public_terms
from vault.services import review as review_svc
from vault.services.demo_data import demo_cases
from vault.services.session import Vault

CASE = "UA-061-21-004"
#: A demo case whose person consented to be named (invented).
WITH_CONSENT = next(c["case_id"] for c in demo_cases() if c["consent"]["publish_name"])
SUMMARY = (
    "He was taken from his workshop on 12 March 2018. His cousin Nurbek Sadyrov, who lives in "
    "Osh, says he was moved to a camp near Toksun in 2019. Messages came from @toksun_watch, "
    "and the family can be written to at Lenin St. 14, flat 3."
)


def _draft(demo_path: Path) -> dict[str, object]:
    code, _, err = run(
        demo_path, "cara", "case", "edit", CASE, "--set", f"public_summary={SUMMARY}"
    )
    assert code == 0, err
    code, out, err = run(demo_path, "cara", "--json", "draft", "create", CASE)
    assert code == 0, err
    return dict(json.loads(out))


def test_json_lists_every_unchecked_span_and_approval_waits(demo_path: Path) -> None:
    d = _draft(demo_path)
    spans = d["unchecked"]
    assert isinstance(spans, list) and d["status"]["state"] == "unchecked"  # type: ignore[index]
    text = str(d["text"])
    got = {(s["kind"], text[s["start"] : s["end"]]) for s in spans}
    assert {
        ("date", "12 March 2018"),
        ("name", "Nurbek Sadyrov"),
        ("name", "Toksun"),
        ("handle", "@toksun_watch"),
        ("address", "Lenin St. 14, flat 3"),
    } <= got
    assert all(s["reason"] and s["index"] == i for i, s in enumerate(spans))
    code, _, err = run(demo_path, "rui", "review", "approve", str(d["draft"]))
    assert code == 2 and "unchecked span" in err and err.count("\n") == 1


def test_accept_one_span_redact_another_then_approve(demo_path: Path, open_as: OpenAs) -> None:
    d = _draft(demo_path)
    draft_id, text = str(d["draft"]), str(d["text"])
    spans = d["unchecked"]
    assert isinstance(spans, list)
    toksun = next(s["index"] for s in spans if text[s["start"] : s["end"]] == "Toksun")
    before = vault_now(demo_path)
    code, out, err = run(demo_path, "rui", "review", "accept", draft_id, "--span", f"u{toksun}")
    assert code == 0, err
    audit, states = vault_now(demo_path)
    assert (audit, states) == (before[0] + 1, before[1] + 1)  # one signed record, one entry
    rui = open_as("rui")
    assert "name:toksun" in rui.state.public_terms
    with raw_db(demo_path, "rui") as db:
        kind = db.execute("SELECT kind FROM state_records ORDER BY seq DESC LIMIT 1").fetchone()
        assert kind[0] == "terms.accept"
    # the spans are numbered afresh: the cousin's number is read again, as a reviewer would
    code, out, err = run(demo_path, "rui", "--json", "review", "show", draft_id)
    assert code == 0, err
    shown = json.loads(out)
    assert "Toksun" not in {text[s["start"] : s["end"]] for s in shown["unchecked"]}
    cousin = next(
        s["index"] for s in shown["unchecked"] if text[s["start"] : s["end"]] == "Nurbek Sadyrov"
    )
    # the cousin is redacted by hand: a new version by rui, the name gone from the text
    code, out, err = run(
        demo_path,
        "rui",
        "--json",
        "review",
        "redact",
        draft_id,
        "--span",
        str(cousin),
        "--reason",
        "a relative",
    )
    assert code == 0, err
    v2 = json.loads(out)
    assert v2["version"] == 2 and "Nurbek Sadyrov" not in v2["text"]
    assert any(r["layers"] == ["manual"] for r in v2["redactions"])
    # rui made version 2: the two-person rule keeps him from approving it
    code, _, err = run(demo_path, "rui", "review", "accept", draft_id, "--all")
    assert code == 0, err
    code, _, err = run(demo_path, "rui", "review", "approve", draft_id)
    assert code == 3 and "two-person rule" in err
    # the next draft of a case that says "Toksun" asks no more about it
    code, out, err = run(demo_path, "cara", "--json", "draft", "create", CASE, "--lang", "fr")
    assert code == 0, err
    again = json.loads(out)
    assert "Toksun" not in {again["text"][s["start"] : s["end"]] for s in again["unchecked"]}


def test_who_may_accept_and_bad_span_numbers_leave_the_vault_as_it_was(demo_path: Path) -> None:
    d = _draft(demo_path)
    draft_id = str(d["draft"])
    before = vault_now(demo_path)
    for user, args, message, exit_code in [
        ("cara", ["--all"], "may not accept public terms", 3),
        ("pia", ["--all"], "may not accept public terms", 3),
        ("rui", ["--span", "99"], "no unchecked span u99", 2),
        ("rui", ["--span", "x"], "--span takes a span's number", 2),
        ("rui", [], "give --span N", 2),
        ("rui", ["--span", "0", "--all"], "not both", 2),
    ]:
        code, _, err = run(demo_path, user, "review", "accept", draft_id, *args)
        assert code == exit_code and message in err, (user, args, err)
        assert err.startswith("casevault: error:") and err.count("\n") == 1
    code, _, err = run(demo_path, "rui", "review", "accept", "D-0999", "--all")
    assert code == 4 and "no draft D-0999" in err
    code, _, err = run(
        demo_path, "rui", "review", "redact", draft_id, "--span", "0", "--reason", " "
    )
    assert code == 2 and "reason" in err
    code, _, err = run(demo_path, "rui", "review", "withdraw", "word:nothing-like-it")
    assert code == 2 and "not an accepted public term" in err
    assert vault_now(demo_path) == before


def test_withdrawing_a_term_brings_its_spans_back(demo_path: Path, open_as: OpenAs) -> None:
    d = _draft(demo_path)
    draft_id = str(d["draft"])
    rui = open_as("rui")
    _, left = public_terms.accept_spans(rui, draft_id, None)
    assert left == []
    assert review_svc.status(rui, drafts.get_draft(rui, draft_id)).state == "pending"
    assert public_terms.withdraw_terms(rui, ["name:toksun"]) == 1
    spans = public_terms.unchecked_spans(rui, drafts.get_draft(rui, draft_id))
    assert [s.kind for s in spans] == ["name"]
    with pytest.raises(UsageError, match="unchecked span"):
        review_svc.give_verdict(rui, draft_id, "approve")


def test_a_term_row_written_by_hand_counts_for_nothing(demo_path: Path, open_as: OpenAs) -> None:
    """An insider holding the database key writes a terms.accept record signed with their own
    key: a caseworker may not make one, so the vault refuses the chain; and no other table
    holds public terms, so nothing else written by hand clears a span."""
    d = _draft(demo_path)
    draft_id = str(d["draft"])
    cara = identity(demo_path, "cara")
    with raw_db(demo_path, "cara") as db:
        rows = state_rows(db)
        seq, body, _, log_seq = rows[-1]
        record = json.loads(body)
        forged = signed_state.encode(
            record["vault_id"],
            seq + 1,
            signed_state.parse(body).hash,
            signed_state.TERMS_ACCEPT,
            "cara",
            record["time"],
            {"terms": ["word:toksun", "word:nurbek", "word:sadyrov"]},
        )
        db.execute(
            "INSERT INTO state_records(seq, kind, author, body, signature, log_seq) "
            "VALUES (?,?,?,?,?,?)",
            (
                seq + 1,
                signed_state.TERMS_ACCEPT,
                "cara",
                forged,
                cara.sign(signed_state.signed_message(forged)),
                log_seq,
            ),
        )
    with pytest.raises(IntegrityError, match="signed by a caseworker, who may not"):
        Vault.open(demo_path, "rui", lambda _n: passphrase_for("rui"))
    code, _, err = run(demo_path, "rui", "review", "approve", draft_id)
    assert code == 5 and "who may not" in err


def test_a_caseworker_cannot_accept_and_the_service_says_so(open_as: OpenAs) -> None:
    cw = open_as("cara")
    cases.edit_case(cw, CASE, {"public_summary": SUMMARY})
    d = drafts.create_draft(cw, CASE, "en")
    with pytest.raises(AccessDeniedError, match="may not accept public terms"):
        public_terms.accept_spans(cw, d.draft_id, None)


def test_a_consented_name_is_no_unchecked_span_of_its_own_draft(open_as: OpenAs) -> None:
    """The person consented to be named: their name in the heading and the narrative is public
    in their own draft (the consent is a recorded field of the signed case), and only there."""
    cw = open_as("cara")
    d = drafts.create_draft(cw, WITH_CONSENT, "en")
    name = str(d.consented_name)
    assert name and name in d.text
    rui = open_as("rui")
    texts = {d.text[u.start : u.end] for u in public_terms.unchecked_spans(rui, d)}
    assert not any(name in t or t in name.split() for t in texts)
    other = drafts.create_draft(cw, CASE, "en")
    assert other.consented_name != name
