"""The review screen of the web interface: drafts made and edited from the UI, every redaction
shown with its reason in words, the two-person rule, and a verdict only with every redaction
decided (approve: all accepted; reject: the rejected ones named in the reason)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.ui_harness import (
    ORIGIN,
    SAME_ORIGIN,
    UiClient,
    clear_spans,
    post_verdict,
    run,
    ui_as,
)
from vault.services.session import Vault

CASE = "UA-061-21-002"  # one redaction: a name without consent to publish it
OTHER = "UA-061-21-003"
MORE = "UA-061-21-004"
ALL_ACCEPTED = {0: "accept", 1: "accept", 2: "accept"}
NAME_REASON = "name withheld — no recorded consent to publish the name; public level"


def reviews(client: UiClient, draft_id: str) -> list[tuple[str, str, int]]:
    def work(v: Vault) -> list[tuple[str, str, int]]:
        out = []
        for version in range(1, 10):
            out += [(r.reviewer, r.verdict, version) for r in v.store.reviews(draft_id, version)]
        return out

    return run(client, work)


def log_actions(client: UiClient) -> list[str]:
    """Every audit entry's action, oldest first."""

    def work(v: Vault) -> list[str]:
        from vault.services.audit import audit_log

        return [line.entry.action for line in reversed(audit_log(v, limit=100_000))]

    return run(client, work)


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def one_error(page: str) -> str:
    """The page's one error line."""
    errors = re.findall(r'<p class="error" role="alert">([^<]*)</p>', page)
    assert len(errors) == 1 and "\n" not in errors[0], errors
    return str(errors[0])


def close(client: UiClient) -> None:
    client.ui.worker.shutdown()


def test_review_in_the_ui(demo_path: Path) -> None:
    # --- cara, a caseworker, makes two drafts and hides one more word by hand -----------------
    cara = ui_as(demo_path, "cara")
    listing = cara.get("/drafts")
    assert listing.status_code == 200 and 'action="/drafts/new"' in listing.text
    made = cara.submit("/drafts/new", {"subject": CASE, "lang": "en"})
    assert made.status_code == 303 and made.headers["location"] == "/drafts/D-0001"
    assert (
        cara.submit("/drafts/new", {"subject": OTHER, "lang": "en"}).headers["location"]
        == "/drafts/D-0002"
    )

    screen = cara.get("/drafts/D-0001")
    assert screen.status_code == 200
    assert '<mark class="redaction"><span dir="auto">[name withheld]</span></mark>' in screen.text
    assert f'<span class="reason">({NAME_REASON})</span>' in screen.text
    assert "Ablimit Tursun" in screen.text  # the original, beside it: cara reads it
    # the author is offered no verdict, and told why
    assert 'name="verdict"' not in screen.text and "two-person rule" in screen.text

    hide = cara.submit(
        "/drafts/D-0001/redact", {"text": "Turpan", "reason": "the town identifies the family"}
    )
    assert hide.status_code == 303 and hide.headers["location"] == "/drafts/D-0001"
    screen = cara.get("/drafts/D-0001").text
    # both places the town is named are hidden: three redactions now
    assert "version 2" in screen and "Redaction #2" in screen and "Redaction #3" not in screen
    assert "the town identifies the family" in screen
    assert "Turpan" not in screen.split('id="h-published"')[1].split('id="h-original"')[0]

    # a forged verdict by the author (a caseworker, who reviews nothing): the service refuses
    before = log_actions(cara)
    forged = post_verdict(cara, "D-0001", "approve", ALL_ACCEPTED)
    assert forged.status_code == 403
    assert one_error(forged.text) == "cara (caseworker) may not review drafts"
    assert reviews(cara, "D-0001") == []
    assert not any(a.startswith("review.") for a in log_actions(cara)[len(before) :])
    close(cara)

    # --- rui, the reviewer --------------------------------------------------------------------
    rui = ui_as(demo_path, "rui")
    screen = rui.get("/drafts/D-0001").text
    assert screen.count('type="radio"') == 6 and "<legend>Redaction #0</legend>" in screen
    assert re.search(r'value="approve" class="primary" disabled', screen)  # nothing decided yet

    # the buttons follow the decisions (htmx re-renders them on every change)
    some = {"count": "3", "r0": "accept", "r1": "accept"}
    buttons = rui.submit("/drafts/D-0001/buttons", some)
    assert 'id="verdict-buttons"' in buttons.text and "<html" not in buttons.text
    assert re.search(r'value="approve" class="primary" disabled', buttons.text)
    assert "2 of 3 redactions decided" in buttons.text
    buttons = rui.submit("/drafts/D-0001/buttons", {**some, "r2": "accept"})
    assert 'value="approve" class="primary">' in buttons.text
    buttons = rui.submit("/drafts/D-0001/buttons", {**some, "r1": "reject", "r2": "accept"})
    assert re.search(r'value="approve" class="primary" disabled', buttons.text)
    assert "you can only reject the draft" in buttons.text

    # without JavaScript: "check my decisions" shows the screen again with them kept
    checked = rui.submit(
        "/drafts/D-0001/verdict",
        {"verdict": "check", "r0": "accept", "r1": "accept", "r2": "accept", "version": "2"},
    )
    assert checked.status_code == 200
    assert 'value="approve" class="primary">' in checked.text
    assert re.search(r'id="r1-accept" name="r1" value="accept" checked', checked.text)

    # approving with a redaction undecided, or one rejected: refused, nothing recorded
    before = log_actions(rui)
    undecided = post_verdict(rui, "D-0001", "approve", {0: "accept", 2: "accept"})
    assert undecided.status_code == 400
    assert "decide every redaction before approving: #1 not decided yet" in undecided.text
    one_rejected = post_verdict(rui, "D-0001", "approve", {**ALL_ACCEPTED, 1: "reject"})
    assert one_rejected.status_code == 400
    assert "redaction #1 is rejected: the draft can only be rejected" in one_rejected.text
    assert reviews(rui, "D-0001") == []
    after = log_actions(rui)[len(before) :]
    assert after and set(after) == {"draft.read"}  # showing the screen again, nothing else

    # a rejection without any reason is refused too
    empty = post_verdict(rui, "D-0001", "reject", ALL_ACCEPTED)
    assert empty.status_code == 400 and "say why" in empty.text
    assert reviews(rui, "D-0001") == []

    # rejecting: the reason names the rejected redaction and adds the reviewer's words
    def town(v: Vault) -> int:
        from vault.services.drafts import get_draft

        reds = get_draft(v, "D-0001").redactions
        return next(i for i, r in enumerate(reds) if "town" in r.reason)

    n = run(rui, town)
    rejected = post_verdict(
        rui,
        "D-0001",
        "reject",
        {**ALL_ACCEPTED, n: "reject"},
        reason="Keep the town: it is public.",
    )
    assert rejected.status_code == 303 and rejected.headers["location"] == "/drafts/D-0001"
    assert reviews(rui, "D-0001") == [("rui", "reject", 2)]
    assert log_actions(rui)[-1] == "review.reject"

    def reasons(v: Vault) -> list[tuple[str, str]]:
        from vault.services import review

        d, _st = review.show_draft(v, "D-0001")
        return review.rejection_reasons(v, d)

    [(who, text)] = run(rui, reasons)
    assert who == "rui"
    assert text.startswith(f"Rejected redactions: #{n} withheld — the town identifies the family.")
    assert "the town identifies the family" in text and "Keep the town: it is public." in text
    assert text.count("#") == 1 and "Turpan" not in text  # never the original in a reason
    screen = rui.get("/drafts/D-0001").text
    assert "rejected" in screen and "Rejected by rui" in screen

    # approving with every redaction accepted (and every unchecked span accepted as public:
    # tests/test_ui_unchecked.py shows that part of the screen)
    clear_spans(rui, "D-0002")
    approved = post_verdict(rui, "D-0002", "approve", {0: "accept"})
    assert approved.status_code == 303
    assert reviews(rui, "D-0002") == [("rui", "approve", 1)]
    assert log_actions(rui)[-1] == "review.approve"
    screen = rui.get("/drafts/D-0002").text
    assert "<strong>approved</strong>: approved by rui" in screen

    # rui drafts too: on his own draft he is offered no verdict, and a forged one is refused by
    # the service (two-person rule)
    assert rui.submit("/drafts/new", {"subject": MORE, "lang": "fr"}).status_code == 303
    own = rui.get("/drafts/D-0003").text
    assert 'name="verdict"' not in own and "two-person rule" in own
    before = log_actions(rui)
    forged = post_verdict(rui, "D-0003", "approve", {0: "accept"})
    assert forged.status_code == 403
    assert one_error(forged.text) == (
        "rui wrote D-0003: the author cannot review it (two-person rule)"
    )
    assert reviews(rui, "D-0003") == []
    assert not any(a.startswith("review.") for a in log_actions(rui)[len(before) :])
    listing = rui.get("/drafts").text
    assert "D-0001" in listing and "D-0002" in listing and "approved by rui" in listing
    close(rui)


def test_a_verdict_for_a_changed_draft_is_refused(demo_path: Path) -> None:
    """The verdict is for the version the page showed: a newer one must be reviewed again."""
    cara = ui_as(demo_path, "cara")
    cara.submit("/drafts/new", {"subject": CASE, "lang": "en"})
    close(cara)
    rui = ui_as(demo_path, "rui")
    old = rui.get("/drafts/D-0001").text
    close(rui)
    cara = ui_as(demo_path, "cara")
    cara.submit("/drafts/D-0001/redact", {"text": "Turpan", "reason": "identifies the family"})
    close(cara)
    rui = ui_as(demo_path, "rui")
    stale = rui.submit(
        "/drafts/D-0001/verdict",
        {
            "verdict": "approve",
            "r0": "accept",
            "version": hidden(old, "version"),
            "text_sha256": hidden(old, "text_sha256"),
        },
    )
    assert stale.status_code == 409 and "changed since this page was shown" in stale.text
    assert reviews(rui, "D-0001") == []

    # a foreign origin, or no form token: refused, nothing recorded
    fields = {"verdict": "approve", "r0": "accept", "r1": "accept", "r2": "accept", "version": "2"}
    foreign = rui.post(
        "/drafts/D-0001/verdict",
        data=fields,
        headers={"origin": "http://127.0.0.1:9999", "sec-fetch-site": "same-site"},
    )
    assert foreign.status_code == 403
    tokenless = rui.post("/drafts/D-0001/verdict", data=fields, headers=SAME_ORIGIN)
    assert tokenless.status_code == 403
    assert reviews(rui, "D-0001") == []
    assert ORIGIN.startswith("http://127.0.0.1")
    close(rui)


def test_a_reviewer_sees_what_waits_for_them(demo_path: Path) -> None:
    """The drafts list, newest first, with 'Waiting for your review': pending drafts someone
    else wrote that this person has not judged; the author's own draft never waits for them."""
    cara = ui_as(demo_path, "cara")
    assert cara.submit("/drafts/new", {"subject": CASE, "lang": "en"}).status_code == 303
    assert cara.submit("/drafts/new", {"subject": OTHER, "lang": "en"}).status_code == 303
    mine = cara.get("/drafts?show=waiting").text
    assert "Waiting for your review (0)" in mine and 'href="/drafts/D-0001"' not in mine
    close(cara)

    rui = ui_as(demo_path, "rui")
    # a draft held back by unchecked spans is 'unchecked', not yet 'pending': rui clears them
    clear_spans(rui, "D-0001")
    clear_spans(rui, "D-0002")
    listing = rui.get("/drafts").text
    assert "Waiting for your review (2)" in listing
    assert listing.index('href="/drafts/D-0002"') < listing.index('href="/drafts/D-0001"')
    decided = {i: "accept" for i in range(len(run(rui, lambda v: _redactions(v, "D-0001"))))}
    assert post_verdict(rui, "D-0001", "approve", decided).status_code == 303
    waiting = rui.get("/drafts?show=waiting").text
    assert 'href="/drafts/D-0002"' in waiting and 'href="/drafts/D-0001"' not in waiting
    approved = rui.get("/drafts?show=approved").text
    assert 'href="/drafts/D-0001"' in approved and 'href="/drafts/D-0002"' not in approved
    assert rui.get("/drafts?show=<script>").status_code == 200  # an unknown view is all
    close(rui)


def _redactions(v: Vault, draft_id: str) -> list[Any]:
    from vault.services.drafts import get_draft

    return list(get_draft(v, draft_id).redactions)
