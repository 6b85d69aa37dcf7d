"""Unchecked spans on the review screen of the web interface: each one marked in the text as it
will be published and listed with its kind and why it is asked about (in the page's language,
by kind); a reviewer clears each by accepting it as public (a signed ``terms.accept`` state
record, logged, that later drafts read) or redacting it (a new version by the reviewer); every
such form goes through the same gate as the page's other POSTs; approval waits until none is
left, and the page says so."""

from __future__ import annotations

import html
import re
from pathlib import Path

from tests.ui_harness import ORIGIN, SAME_ORIGIN, UiClient, post_verdict, run, ui_as
from vault.services.session import Vault

CASE = "UA-061-21-002"
#: What a caseworker might write (invented): a date, a cousin, two small places, a handle and an
#: address that no layer knows, so the review screen has spans to clear.
SUMMARY = (
    "He was taken from his clinic on 12 March 2018. His cousin Nurbek Sadyrov, who lives in "
    "Osh, says he was moved to a camp near Toksun in 2019. Messages came from @toksun_watch, "
    "and the family can be written to at Lenin St. 14, flat 3."
)
DRAFT = "D-0001"
PAGE = f"/drafts/{DRAFT}"
ACCEPT = f"{PAGE}/spans/accept"
REDACT = f"{PAGE}/spans/redact"
KIND_WORDS = {
    "en": {
        "email": "e-mail address",
        "handle": "handle or link",
        "phone": "phone number",
        "date": "date",
        "address": "street address",
        "number": "number",
        "name": "name",
    },
    "fr": {
        "email": "adresse e-mail",
        "handle": "pseudonyme ou lien",
        "phone": "numéro de téléphone",
        "date": "date",
        "address": "adresse postale",
        "number": "nombre",
        "name": "nom",
    },
}
UNCHECKED_MARK = re.compile(r'<mark class="unchecked" id="u(\d+)">')


# --- helpers --------------------------------------------------------------------------------


def spans(client: UiClient, draft_id: str = DRAFT) -> list[tuple[str, str]]:
    """(kind, text) of each unchecked span of the draft's newest version, as the services say."""

    def work(v: Vault) -> list[tuple[str, str]]:
        from vault.services.drafts import get_draft
        from vault.services.public_terms import unchecked_spans

        d = get_draft(v, draft_id)
        return [(u.kind, d.text[u.start : u.end]) for u in unchecked_spans(v, d)]

    return run(client, work)


def audit_size(client: UiClient) -> int:
    return run(client, lambda v: v.audit.size())


def actions(client: UiClient) -> list[str]:
    """Every audit entry's action, oldest first."""

    def work(v: Vault) -> list[str]:
        from vault.services.audit import audit_log

        return [line.entry.action for line in reversed(audit_log(v, limit=100_000))]

    return run(client, work)


def terms(client: UiClient) -> frozenset[str]:
    return run(client, lambda v: v.state.public_terms)


def version(client: UiClient, draft_id: str = DRAFT) -> tuple[int, str]:
    def work(v: Vault) -> tuple[int, str]:
        from vault.services.drafts import get_draft

        d = get_draft(v, draft_id)
        return d.version, d.author

    return run(client, work)


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def one_error(page: str) -> str:
    errors = re.findall(r'<p class="error" role="alert">([^<]*)</p>', page)
    assert len(errors) == 1 and "\n" not in errors[0], errors
    return html.unescape(errors[0])


def close(client: UiClient) -> None:
    client.ui.worker.shutdown()


def drafted(demo_path: Path, subject: str = CASE, lang: str = "en") -> None:
    """cara, a caseworker, drafts ``subject`` from the interface (D-0001 first)."""
    cara = ui_as(demo_path, "cara")

    def summary(v: Vault) -> None:
        from vault.services.cases import edit_case, open_version
        from vault.services.provenance import case_head

        with v.store.read():
            head = case_head(v, subject)
            assert head is not None
            before = str(open_version(v, subject, head).values.get("public_summary", ""))
        edit_case(v, subject, {"public_summary": f"{before} {SUMMARY}"})

    run(cara, summary)
    made = cara.submit("/drafts/new", {"subject": subject, "lang": lang})
    assert made.status_code == 303, made.text
    close(cara)


def reviewer(demo_path: Path) -> tuple[UiClient, str, list[tuple[str, str]]]:
    """rui, a reviewer, on the review screen of cara's draft: the page and its spans."""
    drafted(demo_path)
    rui = ui_as(demo_path, "rui")
    found = spans(rui)
    assert found, "the demo draft has no unchecked span: nothing to test"
    screen = rui.get(PAGE)
    assert screen.status_code == 200
    return rui, screen.text, found


def approve_sentence(n: int) -> str:
    if n == 1:
        return "1 span is unchecked: accept or redact it before approving."
    return f"{n} spans are unchecked: accept or redact each one before approving."


# --- tests ----------------------------------------------------------------------------------


def test_unchecked_spans_are_marked_and_listed(demo_path: Path) -> None:
    rui, page, found = reviewer(demo_path)
    n = len(found)
    # one mark in the published text for each span, numbered in order, apart from redactions
    assert [int(i) for i in UNCHECKED_MARK.findall(page)] == list(range(n))
    published = page.split('id="h-published"')[1].split('id="h-original"')[0]
    assert len(UNCHECKED_MARK.findall(published)) == n
    assert '<mark class="redaction">' in published  # the name redaction is still its own mark
    for i, (kind, text) in enumerate(found):
        # the mark holds the span's own text (escaped, in its own direction), its number and kind
        assert (
            f'<mark class="unchecked" id="u{i}"><span dir="auto">{html.escape(text)}</span></mark>'
            f'<sup><a href="#unchecked-{i}">u{i}</a> {KIND_WORDS["en"][kind]}</sup>'
        ) in published
    # and the list: one row per span, with its number, kind, text and reason by kind
    rows = re.findall(r'<tr id="unchecked-(\d+)">(.*?)</tr>', page, re.S)
    assert [int(i) for i, _ in rows] == list(range(n))
    for (_i, row), (kind, text) in zip(rows, found, strict=True):
        assert f"<td>{KIND_WORDS['en'][kind]}</td>" in row
        assert html.escape(text) in row
    heading = f"{n} unchecked span{'s' if n != 1 else ''}"
    assert f'<h2 id="h-unchecked">{heading}</h2>' in page
    # a reviewer gets both decisions on each span, and "accept all"
    assert page.count(f'action="{ACCEPT}"') == n + (1 if n > 1 else 0)
    assert page.count(f'action="{REDACT}"') == n
    assert page.count('name="reason" required') >= n  # a redaction asks for its reason
    assert 'name="span" value="all"' in page or n == 1
    # approval waits, and the page says why, in words
    assert re.search(r'value="approve" class="primary" disabled', page)
    assert approve_sentence(n) in page
    close(rui)


def test_accepting_a_span_records_a_public_term(demo_path: Path) -> None:
    rui, page, found = reviewer(demo_path)
    number = next((i for i, (kind, _t) in enumerate(found) if kind == "number"), 0)
    kind, text = found[number]
    terms_before, size_before = terms(rui), audit_size(rui)

    accepted = rui.submit(ACCEPT, {"span": str(number), "spans": hidden(page, "spans")})
    assert accepted.status_code == 303, accepted.text
    assert accepted.headers["location"] == f"{PAGE}#unchecked"  # back to the page (PRG)

    # a signed state record: the list of public terms grew, and the log says so
    assert terms(rui) > terms_before
    assert audit_size(rui) > size_before
    assert "terms.accept" in actions(rui)[size_before:]
    # the span is cleared (every occurrence of the same text with it), the others stay
    left = spans(rui)
    assert (kind, text) not in left and len(left) < len(found)
    assert version(rui) == (1, "cara")  # accepting makes no new version
    again = rui.get(PAGE).text
    assert len(UNCHECKED_MARK.findall(again)) == len(left)

    # the next draft that says the same is not asked about it
    made = rui.submit("/drafts/new", {"subject": CASE, "lang": "en"})
    assert made.status_code == 303 and made.headers["location"] == "/drafts/D-0002"
    assert text in run(rui, lambda v: _text(v, "D-0002"))
    assert (kind, text) not in spans(rui, "D-0002")
    close(rui)


def _text(v: Vault, draft_id: str) -> str:
    from vault.services.drafts import get_draft

    return get_draft(v, draft_id).text


def test_redacting_a_span_makes_a_new_version(demo_path: Path) -> None:
    rui, page, found = reviewer(demo_path)
    kind, text = found[0]
    size_before = audit_size(rui)

    # a redaction needs its reason: refused in one line, nothing changes
    no_reason = rui.submit(REDACT, {"span": "0", "spans": hidden(page, "spans"), "reason": " "})
    assert no_reason.status_code == 400
    assert one_error(no_reason.text) == "a reason is required"
    assert version(rui) == (1, "cara")

    done = rui.submit(
        REDACT,
        {"span": "0", "spans": hidden(page, "spans"), "reason": "it names the family's street"},
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"{PAGE}#unchecked"
    assert version(rui) == (2, "rui")  # a new version, by the reviewer

    def manual(v: Vault) -> list[tuple[str, str]]:
        from vault.services.drafts import get_draft

        d = get_draft(v, DRAFT)
        return [(m.reason, m.by) for m in d.manual_redactions]

    assert ("it names the family's street", "rui") in run(rui, manual)
    assert text not in run(rui, lambda v: _text(v, DRAFT))
    assert (kind, text) not in spans(rui)
    assert "draft.edit" in actions(rui)[size_before:] or audit_size(rui) > size_before
    # the new version is rui's: he may no longer approve it (two-person rule)
    screen = rui.get(PAGE).text
    assert "version 2" in screen and "two-person rule" in screen
    assert 'name="verdict"' not in screen
    close(rui)


def test_span_forms_from_elsewhere_change_nothing(demo_path: Path) -> None:
    rui, page, found = reviewer(demo_path)
    fields = {"span": "0", "spans": hidden(page, "spans"), "reason": "forged"}
    token = rui.token()
    size_before, terms_before = audit_size(rui), terms(rui)
    for path in (ACCEPT, REDACT):
        # no form token
        assert rui.post(path, data=fields, headers=SAME_ORIGIN).status_code == 403
        # a wrong one
        wrong = {**fields, "form_token": "x" * 43}
        assert rui.post(path, data=wrong, headers=SAME_ORIGIN).status_code == 403
        # the right token from another origin (another local port), or no Origin at all
        signed = {**fields, "form_token": token}
        foreign = {"origin": "http://127.0.0.1:9999", "sec-fetch-site": "same-site"}
        assert rui.post(path, data=signed, headers=foreign).status_code == 403
        cross = {"origin": "https://example.org", "sec-fetch-site": "cross-site"}
        assert rui.post(path, data=signed, headers=cross).status_code == 403
        no_origin = {"sec-fetch-site": "same-origin"}
        assert rui.post(path, data=signed, headers=no_origin).status_code == 403
    assert audit_size(rui) == size_before and terms(rui) == terms_before
    assert version(rui) == (1, "cara") and spans(rui) == found
    assert ORIGIN.startswith("http://127.0.0.1")

    # a span that does not exist, or no span at all: the page's one line, nothing recorded
    missing = rui.submit(ACCEPT, {"span": "99", "spans": hidden(page, "spans")})
    assert missing.status_code == 400 and "no unchecked span u99" in one_error(missing.text)
    nothing = rui.submit(ACCEPT, {"span": "", "spans": hidden(page, "spans")})
    assert nothing.status_code == 400 and one_error(nothing.text) == "choose the unchecked span"
    assert terms(rui) == terms_before
    assert "terms.accept" not in actions(rui)[size_before:]

    # a page shown before the spans changed: its numbers no longer say which span was meant
    first = rui.submit(ACCEPT, {"span": str(len(found) - 1), "spans": hidden(page, "spans")})
    assert first.status_code == 303
    after = terms(rui)
    for path in (ACCEPT, REDACT):
        stale = rui.submit(path, {"span": "0", "spans": hidden(page, "spans"), "reason": "x"})
        assert stale.status_code == 409
        assert one_error(stale.text).startswith(f"The unchecked spans of {DRAFT} changed since")
    assert terms(rui) == after and version(rui) == (1, "cara")
    close(rui)


def test_a_publisher_gets_no_controls_and_is_refused(demo_path: Path) -> None:
    rui, page, found = reviewer(demo_path)
    key = hidden(page, "spans")
    close(rui)

    pia = ui_as(demo_path, "pia")  # publisher: publishes approved drafts, reviews nothing
    size_before, terms_before = audit_size(pia), terms(pia)
    seen = pia.get(PAGE)
    assert seen.status_code == 403  # not approved: a publisher does not see it at all
    assert f'action="{ACCEPT}"' not in seen.text and f'action="{REDACT}"' not in seen.text
    for path in (ACCEPT, REDACT):
        forged = pia.submit(path, {"span": "0", "spans": key, "reason": "publisher"})
        assert forged.status_code == 403
        assert f'action="{ACCEPT}"' not in forged.text
    assert terms(pia) == terms_before
    assert not {"terms.accept", "draft.edit"} & set(actions(pia)[size_before:])
    assert version(pia) == (1, "cara")
    close(pia)

    # once approved, the publisher reads it: no span is left and no control is offered
    rui = ui_as(demo_path, "rui")
    assert rui.submit(ACCEPT, {"span": "all", "spans": key}).status_code == 303
    assert post_verdict(rui, DRAFT, "approve").status_code == 303
    close(rui)
    pia = ui_as(demo_path, "pia")
    seen = pia.get(PAGE)
    assert seen.status_code == 200 and "<strong>approved</strong>" in seen.text
    assert f'action="{ACCEPT}"' not in seen.text and f'action="{REDACT}"' not in seen.text
    assert not UNCHECKED_MARK.search(seen.text)
    close(pia)
    assert found


def test_approval_waits_for_every_span(demo_path: Path) -> None:
    rui, page, found = reviewer(demo_path)
    n = len(found)
    # the htmx buttons follow the page's count of spans: approve stays disabled
    buttons = rui.submit(f"{PAGE}/buttons", {"count": "1", "r0": "accept", "unchecked": str(n)})
    assert re.search(r'value="approve" class="primary" disabled', buttons.text)
    assert approve_sentence(n) in buttons.text

    # the server refuses a forged approval, whatever the form says, and says why in one line
    size_before = audit_size(rui)
    refused = post_verdict(rui, DRAFT, "approve")
    assert refused.status_code == 400
    assert one_error(refused.text) == approve_sentence(n)
    assert not any(a.startswith("review.") for a in actions(rui)[size_before:])

    def verdicts(v: Vault) -> list[str]:
        return [r.verdict for r in v.store.reviews(DRAFT, 1)]

    assert run(rui, verdicts) == []

    # accept all, then approve
    cleared = rui.submit(ACCEPT, {"span": "all", "spans": hidden(page, "spans")})
    assert cleared.status_code == 303 and spans(rui) == []
    screen = rui.get(PAGE).text
    assert 'id="h-unchecked"' not in screen and not UNCHECKED_MARK.search(screen)
    assert hidden(screen, "unchecked") == "0"
    approved = post_verdict(rui, DRAFT, "approve")
    assert approved.status_code == 303
    assert run(rui, verdicts) == ["approve"]
    close(rui)


def test_the_page_words_spans_in_its_language(demo_path: Path) -> None:
    rui, page, found = reviewer(demo_path)
    from vault.redact.unchecked import REASONS

    english_reason = REASONS["name"]
    assert english_reason not in page  # the services' English reason is never passed through
    assert rui.submit("/lang", {"lang": "fr", "back": PAGE}).status_code == 303
    french = rui.get(PAGE).text
    n = len(found)
    kinds = {kind for kind, _t in found}
    for kind in kinds:
        assert f"<td>{KIND_WORDS['fr'][kind]}</td>" in french
    assert f"{n} passages non vérifiés" in french or n == 1
    assert "Accepter comme public" in french and "Masquer" in french
    assert "passages ne sont pas vérifiés" in french or n == 1
    # (the status line is the services' own, in English, as everywhere in the interface)
    assert english_reason not in french and "Accept as public" not in french
    assert "Why it is asked about" not in french
    if "name" in kinds:
        assert "ressemble à un nom" in french
    # a refusal the page writes itself is in French too
    refused = post_verdict(rui, DRAFT, "approve")
    assert refused.status_code == 400
    assert one_error(refused.text).startswith(f"{n} passage")
    assert rui.submit("/lang", {"lang": "de", "back": PAGE}).status_code == 303
    german = rui.get(PAGE).text
    assert "Als öffentlich übernehmen" in german and "ungeprüfte Stelle" in german
    close(rui)
