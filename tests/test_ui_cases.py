"""The Cases pages of the web interface: the list with its filters and pages, finding a person by
a POST (never an address), one case as each role may see it, its history, entering and editing
through forms built from the policy; and the pure conversion between a record and a form
(:mod:`vault.ui.forms`), with what it refuses.

Forms are submitted as a browser would submit them: the inputs the page rendered, with their
values, changed where a person would type."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import OpenAs
from tests.ui_harness import ORIGIN, UiClient, run, ui_as
from vault.models import FieldKind
from vault.models.idnumbers import prc_check_char
from vault.policy import default_policy_text, parse_policy
from vault.services.demo_data import demo_cases
from vault.ui import forms

POLICY = parse_policy(default_policy_text())
SPECS = forms.field_specs(POLICY, "caseworker", "en")
DEMO = {c["case_id"]: c for c in demo_cases()}
CASE = "UA-061-21-004"  # Aidos Bekuly: names in Latin, Kazakh Cyrillic and Chinese

# An invented person, named only in Uyghur Arabic script, Kazakh Cyrillic and Chinese.
UYGHUR_NAME = "ئايگۈل ئەھمەت"
CYRILLIC_NAME = "Айгүл Әхмет"
CHINESE_NAME = "阿依古丽·艾合买提"
TESTIMONY = "Line one of an invented testimony.\nئىككىنچى قۇر\n\nЧетвёртая строка; 第五行。"
PRC_ID = "65010219850612123" + prc_check_char("65010219850612123")
NEW_ID = "UA-900-26-001"


# --- helpers --------------------------------------------------------------------------------------


class FormReader(HTMLParser):
    """The inputs of the form posting to ``action``, with the values a browser would send
    untouched: text inputs, hidden inputs, checked boxes, selected options, text areas (whose
    first line break after the tag is dropped, as HTML parsing does)."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.labels: set[str] = set()
        self.ids: dict[str, str] = {}  # id -> input name
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden" and "name" in a:
            self.ids[a.get("id", "")] = a["name"]
        if tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind == "checkbox" and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._select_value, self._first_option = a["name"], None, None
        elif tag == "option" and self._select is not None:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self._select_value = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            value = self._select_value if self._select_value is not None else self._first_option
            self.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)


def read_form(html: str, action: str) -> FormReader:
    reader = FormReader(action)
    reader.feed(html)
    assert reader.fields, f"no form posting to {action}"
    return reader


def filled(html: str, action: str, changes: dict[str, str]) -> list[tuple[str, str]]:
    """The form's inputs as rendered, with ``changes`` typed in (the form token left out: the
    harness adds it)."""
    fields = [(k, v) for k, v in read_form(html, action).fields if k != "form_token"]
    names = {k for k, _ in fields}
    missing = set(changes) - names
    assert not missing, f"the form has no input {missing}"
    return [(k, changes.get(k, v)) for k, v in fields]


def count(client: UiClient) -> int:
    from vault.services.cases import count_cases

    return run(client, count_cases)


def log_entries(client: UiClient, action: str, case_id: str | None = None) -> list[Any]:
    from vault.services.audit import audit_log

    return run(client, lambda v: audit_log(v, action=action, case_id=case_id, limit=1000))


def main_text(html: str) -> str:
    """What the page's main region says, tags stripped."""
    main = html.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def links(html: str) -> list[str]:
    return re.findall(r'(?:href|action|hx-post)="([^"]*)"', html)


def new_case_fields(**changes: str) -> dict[str, str]:
    """What a caseworker types into the new-case form for the invented person."""
    typed = {
        "f.case_id": NEW_ID,
        "f.full_name": UYGHUR_NAME,
        "f.name_variants": f"{CYRILLIC_NAME}\r\n{CHINESE_NAME}\r\n",
        "f.status": "detained_camp",
        "f.detained_on": "2018/4",
        "f.birth_year": "1985",
        "f.case_notes": TESTIMONY.replace("\n", "\r\n"),
        "f.family_contacts.0.name": "Әсел Әхмет",
        "f.family_contacts.0.relation": "sister",
        "f.family_contacts.0.phone": "+7 701 555 0142",
        "f.id_numbers.0.kind": "prc_resident_id",
        "f.id_numbers.0.value": PRC_ID,
    }
    typed.update(changes)
    return typed


# --- forms.py: pure -----------------------------------------------------------------------------


FULL_RECORD: dict[str, Any] = {
    "case_id": "UA-900-26-002",
    "full_name": UYGHUR_NAME,
    "name_variants": [CYRILLIC_NAME, CHINESE_NAME],
    "birth_year": 1985,
    "status": "sentenced",
    "detained_on": "2018-04",
    "date_of_birth": "1985-06-12",
    "case_notes": TESTIMONY,
    "consent": {"publish_name": True, "given_by": "sister", "date": "2021-08-17"},
    "family_contacts": [
        {"name": "Әсел Әхмет", "relation": "sister", "phone": "+7 701 555 0142"},
        {"name": "艾合买提", "relation": "father"},
    ],
    "sources": [{"codename": "K-7", "real_name": "Invented Source"}],
    "id_numbers": [{"kind": "prc_resident_id", "value": PRC_ID}],
}


def browser_post(state: forms.FormState) -> list[tuple[str, object]]:
    """A form state as a browser posts it: every input, empty ones too, text areas in CRLF."""
    return [(k, v.replace("\n", "\r\n")) for k, v in state.values.items()]


def test_record_round_trips_through_the_form_in_every_script() -> None:
    state = forms.record_to_form(SPECS, FULL_RECORD)
    assert state.rows["family_contacts"] == 2 + forms.EMPTY_ROWS
    assert state.get("f.family_contacts.1.name") == "艾合买提"
    assert state.get("f.name_variants") == f"{CYRILLIC_NAME}\n{CHINESE_NAME}"
    assert state.get("f.consent.publish_name") == "yes"
    back = forms.form_to_record(SPECS, forms.posted_state(SPECS, browser_post(state)))
    assert forms.new_record(back) == FULL_RECORD
    assert back["case_notes"] == TESTIMONY  # CRLF from the browser back to the stored LF
    assert forms.changes(FULL_RECORD, back) == {}


def test_empty_rows_and_empty_inputs_are_ignored() -> None:
    posted = [
        ("f.case_id", " UA-900-26-003 "),
        ("f.full_name", "   "),
        ("f.name_variants", "\r\n  \r\nАйгүл\r\n"),
        ("f.family_contacts.0.name", ""),
        ("f.family_contacts.0.relation", " "),
        ("f.family_contacts.1.name", "Invented"),
        ("f.family_contacts.1.relation", "brother"),
        ("f.id_numbers.0.kind", ""),
        ("f.id_numbers.0.value", ""),
        ("f.consent.given_by", ""),
        ("f.consent.date", ""),
        ("form_token", "not a field"),
    ]
    state = forms.posted_state(SPECS, posted)
    assert state.rows["family_contacts"] == 2 + forms.EMPTY_ROWS  # up to the last typed row
    record = forms.new_record(forms.form_to_record(SPECS, state))
    assert record == {
        "case_id": "UA-900-26-003",
        "name_variants": ["Айгүл"],
        "family_contacts": [{"name": "Invented", "relation": "brother"}],
    }


def test_consent_box_recorded_or_not() -> None:
    def consent(**typed: str) -> Any:
        posted = [(f"f.consent.{k}", v) for k, v in typed.items()]
        return forms.form_to_record(SPECS, forms.posted_state(SPECS, posted))["consent"]

    assert consent() is None  # nothing ticked or typed: no consent recorded
    assert consent(publish_name="yes") == {"publish_name": True}
    assert consent(given_by="mother", date="2021-8-3") == {
        "publish_name": False,
        "given_by": "mother",
        "date": "2021-08-03",
    }
    # consent the record held stays recorded when the box is cleared: that withdraws it
    assert consent(recorded="yes") == {"publish_name": False}


def test_changes_name_only_what_differs() -> None:
    after = dict(FULL_RECORD, status="released", case_notes=None)
    assert forms.changes(FULL_RECORD, after) == {"status": "released", "case_notes": None}
    assert forms.changes(FULL_RECORD, dict(FULL_RECORD, case_id="OTHER")) == {}


def test_typed_values_parse_like_the_command_line() -> None:
    state = forms.posted_state(
        SPECS, [("f.detained_on", "2017/3"), ("f.birth_year", " 1990 "), ("f.date_of_birth", "")]
    )
    record = forms.form_to_record(SPECS, state)
    assert record["detained_on"] == "2017-03"
    assert record["birth_year"] == 1990
    assert record["date_of_birth"] is None


@pytest.mark.parametrize(
    ("posted", "says"),
    [
        ([("f.birth_year", "nineteen")], "field birth_year: expected a whole number"),
        ([("f.detained_on", "12/03/2017")], "field detained_on: a date with the year last"),
        ([("f.nonsense", "x")], "an input this form does not have"),
        ([("f.full_name.0.name", "x")], "field full_name: the form has an input"),
        ([("f.family_contacts.0.nickname", "x")], "a row input this field does not have"),
        ([("f.family_contacts.x.name", "x")], "a row input this field does not have"),
        ([("f.family_contacts.01.name", "x")], "a row input this field does not have"),
        ([("f.family_contacts.202.name", "x")], "at most 200 items"),
        ([("f.consent.publish_name", "maybe")], "the check box sent an unexpected value"),
        ([("f.consent.secret", "x")], "field consent: the form has an input"),
        ([("f.status", "missing"), ("f.status", "released")], "field status: sent twice"),
    ],
)
def test_forms_refuse(posted: list[tuple[str, object]], says: str) -> None:
    with pytest.raises(forms.FormError) as caught:
        forms.form_to_record(SPECS, forms.posted_state(SPECS, posted))
    assert says in str(caught.value)
    for _name, value in posted:  # what was typed is never repeated
        if isinstance(value, str) and len(value) > 2:
            assert value not in str(caught.value)


def test_a_field_the_role_may_not_read_is_no_input() -> None:
    reviewer = forms.field_specs(POLICY, "reviewer", "fr")
    names = {s.name for s in reviewer}
    assert "id_numbers" not in names and "sources" not in names and "case_notes" in names
    assert next(s for s in reviewer if s.name == "status").label == "Situation"
    assert next(s for s in reviewer if s.name == "home_region").label == "Région d'origine"
    with pytest.raises(forms.FormError):
        forms.posted_state(reviewer, [("f.id_numbers.0.value", PRC_ID)])
    assert forms.field_specs(POLICY, "publisher", "en") == []
    assert {s.kind for s in SPECS} == set(FieldKind)


def test_filter_dates() -> None:
    assert forms.filter_date("", "from") is None
    assert forms.filter_date(" 2017/3 ", "from") == "2017-03"
    assert forms.filter_date("2019", "from") == "2019"
    for bad in ("2017-13", "yesterday", "12/03/2017"):
        with pytest.raises(forms.FormError, match="from: expected a date"):
            forms.filter_date(bad, "from")


# --- the list -----------------------------------------------------------------------------------


def case_ids(html: str) -> list[str]:
    return re.findall(r'<td><a href="/cases/([A-Z0-9-]+)">', html)


def test_list_filters_and_pages(demo_path: Path) -> None:
    client = ui_as(demo_path, "cara")
    first = client.get("/cases")
    assert first.status_code == 200
    page1 = case_ids(first.text)
    assert page1 == sorted(DEMO)[:50]
    assert 'href="/cases/new"' in first.text
    assert "Aidos Bekuly" in first.text  # a list column: the full name
    nxt = re.search(r'href="(/cases\?[^"]+)" rel="next"', first.text)
    assert nxt and nxt.group(1) == f"/cases?after={page1[-1]}"
    second = client.get(nxt.group(1).replace("&amp;", "&"))
    assert case_ids(second.text) == sorted(DEMO)[50:]
    assert 'rel="next"' not in second.text

    status = DEMO[CASE]["status"]
    want = sorted(c for c, r in DEMO.items() if r.get("status") == status)
    filtered = client.get(f"/cases?status={status}")
    assert case_ids(filtered.text) == want and 0 < len(want) < 50
    assert f'<option value="{status}" selected>' in filtered.text

    region = DEMO[CASE]["home_region"]
    since = "2019"
    want = sorted(
        c
        for c, r in DEMO.items()
        if r.get("home_region") == region and r.get("detained_on", "") >= since
    )
    both = client.get("/cases", params={"region": region.upper(), "since": since})
    assert case_ids(both.text) == want and CASE in want

    for bad in ("/cases?status=vanished", "/cases?since=last-year"):
        refused = client.get(bad)
        assert refused.status_code == 400
        assert case_ids(refused.text) == []
        assert 'class="error"' in refused.text


# --- finding a person ---------------------------------------------------------------------------


def test_find_is_a_post_and_the_name_is_in_no_address(demo_path: Path) -> None:
    client = ui_as(demo_path, "cara")
    before = len(log_entries(client, "case.find"))
    name = DEMO[CASE]["name_variants"][0]  # Kazakh Cyrillic
    answer = client.submit("/cases/find", {"name": f"  {name} "})
    assert answer.status_code == 200 and not answer.history
    assert case_ids(answer.text) == [CASE]
    assert str(answer.url) == f"{ORIGIN}/cases/find"
    for link in links(answer.text):
        assert name not in link and "name=" not in link
    assert len(log_entries(client, "case.find")) == before + 1  # logged as the CLI logs it

    # a name in a GET query finds nothing: the form is shown empty and nothing is searched
    fetched = client.get("/cases/find", params={"name": name})
    assert fetched.status_code == 200
    assert case_ids(fetched.text) == [] and name not in fetched.text
    assert len(log_entries(client, "case.find")) == before + 1

    # the find forms post; no form on the list sends a name by GET
    listing = client.get("/cases").text
    form = read_form(listing, "/cases/find")
    assert ("name", "") in form.fields
    assert re.search(r'<form method="post" action="/cases/find"', listing)

    empty = client.submit("/cases/find", {"name": " · "})
    assert empty.status_code == 400
    assert "give at least one word" in empty.text


# --- entering a case ----------------------------------------------------------------------------


def test_new_case_in_uyghur_script_round_trips_and_is_found_by_latin(demo_path: Path) -> None:
    client = ui_as(demo_path, "cara")
    blank = client.get("/cases/new")
    assert blank.status_code == 200
    form = read_form(blank.text, "/cases/new")
    named = {name for id_, name in form.ids.items()}
    assert {id_ for id_ in form.ids} <= form.labels  # every input has its label
    assert "f.id_numbers.1.value" in named and "f.id_numbers.2.value" not in named
    before = count(client)

    saved = client.submit("/cases/new", filled(blank.text, "/cases/new", new_case_fields()))
    assert saved.status_code == 303, main_text(saved.text)
    assert saved.headers["location"] == f"/cases/{NEW_ID}"
    assert count(client) == before + 1

    shown = client.get(f"/cases/{NEW_ID}")
    assert shown.status_code == 200
    html = shown.text
    for text in (UYGHUR_NAME, CYRILLIC_NAME, CHINESE_NAME, "Әсел Әхмет", PRC_ID, "2018-04"):
        assert f'<span dir="auto">{text}</span>' in html
    assert "PRC resident ID" in html and "detained in a camp" in html
    # the testimony keeps its lines, each in its own direction
    lines = TESTIMONY.split("\n")
    assert "<br>".join(f'<span dir="auto">{line}</span>' if line else "" for line in lines) in html
    created = log_entries(client, "case.create", NEW_ID)
    assert len(created) == 1 and created[0].entry.actor == "cara"
    assert "case_notes" in created[0].entry.fields

    for latin in ("Aigul Akhmet", "akhmet AIGUL", "Ayiguli"):  # from Cyrillic, from Chinese
        found = client.submit("/cases/find", {"name": latin})
        assert NEW_ID in case_ids(found.text), latin


def test_invalid_input_is_shown_again_and_changes_nothing(demo_path: Path) -> None:
    client = ui_as(demo_path, "cara")
    blank = client.get("/cases/new").text
    before = count(client)
    bad_id = PRC_ID[:-1] + ("0" if PRC_ID[-1] != "0" else "1")
    for typed, says in (
        ({"f.id_numbers.0.value": bad_id}, "field id_numbers[0]: not a valid PRC resident id"),
        ({"f.date_of_birth": "1985-13-01"}, "field date_of_birth: must be a date as YYYY-MM-DD"),
        ({"f.date_of_birth": "30/02/1985"}, "field date_of_birth: a date with the year last"),
        ({"f.detained_on": "spring 2018"}, "field detained_on: must be a date as YYYY"),
        ({"f.birth_year": "1985.5"}, "field birth_year: expected a whole number"),
    ):
        answer = client.submit("/cases/new", filled(blank, "/cases/new", new_case_fields(**typed)))
        assert answer.status_code == 400, typed
        error = re.findall(r'<p class="error" role="alert">([^<]*)</p>', answer.text)
        assert len(error) == 1 and error[0].startswith(says), error
        assert "\n" not in error[0]
        for value in typed.values():
            assert value not in error[0]
        # what was typed is still there, in the form, and in no address
        again = dict(read_form(answer.text, "/cases/new").fields)
        assert again["f.full_name"] == UYGHUR_NAME
        assert again["f.case_notes"] == TESTIMONY
        assert again["f.family_contacts.0.phone"] == "+7 701 555 0142"
        for key, value in typed.items():
            assert again[key] == value
        assert "location" not in answer.headers
    assert count(client) == before
    assert log_entries(client, "case.create", NEW_ID) == []

    taken = client.submit("/cases/new", filled(blank, "/cases/new", {"f.case_id": CASE}))
    assert taken.status_code == 400 and f"case {CASE} already exists" in taken.text
    assert count(client) == before


def test_leak_in_a_public_field_offers_saving_with_a_reason(demo_path: Path) -> None:
    client = ui_as(demo_path, "cara")
    blank = client.get("/cases/new").text
    before = count(client)
    leaky = new_case_fields(**{"f.public_summary": "Call her sister on +7 701 555 0142."})
    refused = client.submit("/cases/new", filled(blank, "/cases/new", leaky))
    assert refused.status_code == 400
    assert "a protected value in a public field" in refused.text
    assert count(client) == before
    assert "allow_leak" in dict(read_form(refused.text, "/cases/new").fields)
    # sent again with an empty reason: still refused
    shown_again = read_form(refused.text, "/cases/new").fields
    again = client.submit("/cases/new", [(k, v) for k, v in shown_again if k != "form_token"])
    assert again.status_code == 400 and count(client) == before
    with_reason = [
        (k, "the number is the family's public hotline (invented)" if k == "allow_leak" else v)
        for k, v in read_form(refused.text, "/cases/new").fields
        if k != "form_token"
    ]
    saved = client.submit("/cases/new", with_reason)
    assert saved.status_code == 303
    assert count(client) == before + 1
    assert len(log_entries(client, "case.leak_override", NEW_ID)) == 1


# --- editing, history ---------------------------------------------------------------------------


def test_edit_sends_only_the_changes_and_history_links_versions(demo_path: Path) -> None:
    from vault.services.cases import edit_case

    client = ui_as(demo_path, "cara")
    action = f"/cases/{CASE}/edit"
    form_page = client.get(action)
    assert form_page.status_code == 200
    # unchanged, as rendered: nothing is written
    same = client.submit(action, filled(form_page.text, action, {}))
    assert same.status_code == 303
    assert log_entries(client, "case.edit", CASE) == []

    # meanwhile someone else changes another field (version 2)
    run(client, edit_case, CASE, {"occupation": "invented occupation"})
    notes = DEMO[CASE]["case_notes"] + "\nA second invented line: ئىككىنچى قۇر."
    typed = {"f.case_notes": notes, "f.status": "released"}
    saved = client.submit(action, filled(form_page.text, action, typed))
    assert saved.status_code == 303 and saved.headers["location"] == f"/cases/{CASE}"
    edits = log_entries(client, "case.edit", CASE)
    assert len(edits) == 2
    assert set(edits[0].entry.fields) == {"case_notes", "status"}  # newest first
    shown = client.get(f"/cases/{CASE}").text
    assert "invented occupation" in shown  # the other edit was kept
    assert "released" in shown and '<span dir="auto">A second invented line' in shown
    assert "Version 3" in shown

    history = client.get(f"/cases/{CASE}/history")
    assert history.status_code == 200
    for n in (1, 2, 3):
        assert f'href="/cases/{CASE}?version={n}"' in history.text
    assert "Case notes and testimony, Status" in history.text
    old = client.get(f"/cases/{CASE}?version=1")
    assert old.status_code == 200 and "This is an earlier version." in old.text
    assert "detained in a prison" in old.text and "invented occupation" not in old.text
    assert client.get(f"/cases/{CASE}?version=x").status_code == 400
    assert client.get(f"/cases/{CASE}?version=9").status_code == 404
    assert client.get("/cases/UA-000-00-000").status_code == 404

    # a bad value on edit: the form again, the case unchanged
    bad = client.submit(action, filled(form_page.text, action, {"f.birth_year": "old"}))
    assert bad.status_code == 400 and "field birth_year: expected a whole number" in bad.text
    assert len(log_entries(client, "case.edit", CASE)) == 2


# --- who may see what ---------------------------------------------------------------------------


def test_reviewer_sees_secret_fields_withheld_and_cannot_write(demo_path: Path) -> None:
    client = ui_as(demo_path, "rui")
    listing = client.get("/cases")
    assert listing.status_code == 200 and 'href="/cases/new"' not in listing.text
    shown = client.get(f"/cases/{CASE}")
    assert shown.status_code == 200
    text = main_text(shown.text)
    assert "Family contacts secret withheld: your role does not read secret fields" in text
    assert "ID numbers secret withheld" in text and "Sources secret withheld" in text
    for contact in DEMO[CASE]["family_contacts"]:
        assert contact["phone"] not in shown.text
    for number in DEMO[CASE]["id_numbers"]:
        assert number["value"] not in shown.text
    assert DEMO[CASE]["case_notes"].split("\n")[0] in shown.text  # confidential: read
    assert f'href="/cases/{CASE}/edit"' not in shown.text
    assert 'action="/drafts/new"' in shown.text  # a reviewer drafts
    reads = log_entries(client, "case.read", CASE)
    assert len(reads) == 1 and "id_numbers" not in reads[0].entry.fields

    for path in ("/cases/new", f"/cases/{CASE}/edit"):
        page = client.get(path)
        assert page.status_code == 403
        assert "does not enter or edit case records" in page.text
    refused = client.submit(f"/cases/{CASE}/edit", {"base_version": "1", "f.status": "released"})
    assert refused.status_code == 403
    added = client.submit("/cases/new", {"f.case_id": NEW_ID})
    assert added.status_code == 403 and count(client) == 64
    assert log_entries(client, "case.edit", CASE) == []


def test_publisher_is_refused_case_pages(demo_path: Path) -> None:
    client = ui_as(demo_path, "pia")
    for path in ("/cases", f"/cases/{CASE}", f"/cases/{CASE}/history", "/cases/find"):
        page = client.get(path)
        assert page.status_code == 403, path
        assert "Your role (publisher) reads no case records" in page.text
        assert CASE not in main_text(page.text).replace(path, "")
    found = client.submit("/cases/find", {"name": "Aidos"})
    assert found.status_code == 403 and case_ids(found.text) == []
    assert log_entries(client, "case.read") == []


def test_a_foreign_or_tokenless_post_changes_nothing(demo_path: Path) -> None:
    client = ui_as(demo_path, "cara")
    blank = client.get("/cases/new").text
    fields = dict(filled(blank, "/cases/new", new_case_fields()))
    token = client.token()
    before = count(client)
    tries = [
        ({"origin": ORIGIN, "sec-fetch-site": "same-origin"}, fields),  # no form token
        (
            {"origin": "http://127.0.0.1:9999", "sec-fetch-site": "same-site"},
            {**fields, "form_token": token},
        ),
        (
            {"origin": "http://evil.example", "sec-fetch-site": "cross-site"},
            {**fields, "form_token": token},
        ),
        ({"origin": ORIGIN, "sec-fetch-site": "same-origin"}, {**fields, "form_token": "forged"}),
    ]
    for headers, data in tries:
        answer = client.post("/cases/new", data=data, headers=headers)
        assert answer.status_code == 403
        found = client.post("/cases/find", data={"name": "Aidos", **data}, headers=headers)
        assert found.status_code == 403 and case_ids(found.text) == []
        edit = client.post(
            f"/cases/{CASE}/edit", data={**data, "base_version": "1"}, headers=headers
        )
        assert edit.status_code == 403
    assert count(client) == before
    assert log_entries(client, "case.create", NEW_ID) == []
    assert log_entries(client, "case.edit", CASE) == []
    assert log_entries(client, "case.find") == []


def test_find_shows_the_first_page_and_says_how_many_match(
    demo_path: Path, open_as: OpenAs, tmp_path: Path
) -> None:
    """A name held by more cases than a page shows: the first 50 are listed (those with the
    name as written first) and the page says so; the heading counts every match."""
    import json

    from vault.services.cases import FIND_PAGE
    from vault.services.importer import import_file

    rows = [
        {"case_id": f"UA-620-26-{n:03}", "full_name": f"Zarema Qudaybergen Testperson{n}"}
        for n in range(FIND_PAGE + 3)
    ]
    rows[-1]["full_name"] = "Zarema Qudaybergen"  # as written: listed first, though last by id
    src = tmp_path / "zarema.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    import_file(open_as("cara"), src)
    answer = ui_as(demo_path, "cara").submit("/cases/find", {"name": "Zarema Qudaybergen"})
    assert answer.status_code == 200
    shown = case_ids(answer.text)
    assert len(shown) == FIND_PAGE
    assert shown[0] == rows[-1]["case_id"]
    assert f"{FIND_PAGE + 3} matching cases" in answer.text
    assert f"The first {FIND_PAGE} are shown" in answer.text
