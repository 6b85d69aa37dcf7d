"""Cases through the service layer: versions, withheld fields, name search, tampering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import OpenAs
from tests.insider import raw_db
from vault.errors import AccessDeniedError, IntegrityError, NotFoundError, UsageError
from vault.models.folding import fold, runs, skeleton, words
from vault.models.names import query_terms, search_terms
from vault.services import cases, history, name_index
from vault.services.demo_data import demo_cases

DEMO = {c["case_id"]: c for c in demo_cases()}
CASE = "UA-061-21-004"


def test_caseworker_sees_every_field(open_as: OpenAs) -> None:
    view = cases.show_case(open_as("cara"), CASE)
    assert view.withheld == {}
    assert view.values["sources"] == DEMO[CASE]["sources"]
    assert view.values["id_numbers"] == DEMO[CASE]["id_numbers"]


def test_reviewer_sees_secret_fields_as_withheld(open_as: OpenAs) -> None:
    view = cases.show_case(open_as("rui"), CASE)
    assert view.withheld == {
        "family_contacts": "secret",
        "sources": "secret",
        "id_numbers": "secret",
    }
    assert view.values["case_notes"] == DEMO[CASE]["case_notes"]
    assert "sources" not in view.values


def test_publisher_and_admin_read_no_case_field(open_as: OpenAs) -> None:
    for name in ("pia", "ada"):
        view = cases.show_case(open_as(name), CASE)
        assert set(view.values) == {"case_id"}
        assert set(view.withheld) == set(DEMO[CASE]) - {"case_id"}


def test_edit_appends_a_version_and_keeps_the_old_one(open_as: OpenAs) -> None:
    v = open_as("cara")
    before = cases.show_case(v, CASE)
    new_status = "deceased" if before.values["status"] != "deceased" else "released"
    after = cases.edit_case(v, CASE, {"status": new_status, "health_concerns": None})
    assert after.version == before.version + 1
    assert after.values["status"] == new_status
    assert "health_concerns" not in after.values
    old = cases.show_case(v, CASE, version=before.version)
    assert old.values == before.values
    hist = history.case_history(v, CASE)
    assert [h.version for h in hist] == [1, 2]
    assert hist[1].changed == ["health_concerns", "status"]


def test_edit_of_missing_case_is_not_found(open_as: OpenAs) -> None:
    with pytest.raises(NotFoundError, match="no case UA-999-99-999"):
        cases.edit_case(open_as("cara"), "UA-999-99-999", {"status": "released"})


def test_add_existing_case_is_refused(open_as: OpenAs) -> None:
    with pytest.raises(UsageError, match="already exists"):
        cases.add_case(open_as("cara"), {"case_id": CASE})


def test_reviewer_cannot_write(open_as: OpenAs) -> None:
    with pytest.raises(AccessDeniedError):
        cases.edit_case(open_as("rui"), CASE, {"status": "released"})


@pytest.mark.parametrize(
    "query_of",
    [
        lambda c: c["full_name"],  # as recorded
        lambda c: c["full_name"].upper(),  # case
        lambda c: " ".join(reversed(c["full_name"].split())),  # word order
        lambda c: c["name_variants"][0],  # Uyghur Arabic / Kazakh Cyrillic
        lambda c: c["name_variants"][1],  # Chinese
        lambda c: c["name_variants"][1].split("·")[0],  # Chinese given name alone
        lambda c: c["name_variants"][-1],  # other Latin spelling
        lambda c: c["full_name"].replace("a", "á", 1),  # diacritics
        lambda c: c["full_name"].replace(" ", "\u200b ", 1),  # zero-width space
    ],
)
def test_find_by_any_known_spelling_or_script(open_as: OpenAs, query_of: object) -> None:
    record = DEMO[CASE]
    query = query_of(record)  # type: ignore[operator]
    hits = [c.case_id for c in cases.find_cases(open_as("cara"), query).cases]
    assert CASE in hits


def test_find_does_not_return_non_matches(open_as: OpenAs) -> None:
    assert cases.find_cases(open_as("cara"), "Nobodyhere Atall").cases == []


def test_find_uses_index_not_a_scan(open_as: OpenAs, opened_records: list[str]) -> None:
    """Search must not decrypt every case: count versions opened."""
    v = open_as("cara")
    opened = opened_records
    hits = cases.find_cases(v, DEMO[CASE]["full_name"]).cases
    assert len(opened) == len(hits) < 5


@pytest.mark.parametrize("user", ["cara", "rui"])
def test_search_finds_every_demo_name_in_every_script(open_as: OpenAs, user: str) -> None:
    """Per-field index keys lose nothing: every recorded spelling of every demo person finds
    their case, for each role that reads the names."""
    v = open_as(user)
    missed = []
    with v.store.read():
        for record in DEMO.values():
            for name in [record["full_name"], *record["name_variants"]]:
                if record["case_id"] not in name_index.matching_cases(v, name):
                    missed.append(record["case_id"])
    assert missed == []


def test_index_rows_are_per_field(demo_path: Path) -> None:
    with raw_db(demo_path, "pia") as db:
        spaces = {r[0] for r in db.execute("SELECT DISTINCT namespace FROM search_index")}
        wraps = {
            r[0] for r in db.execute("SELECT DISTINCT name FROM key_wraps WHERE kind = 'index'")
        }
    assert spaces == {"full_name", "name_variants"}
    assert wraps == {"publication"}  # no name-index or leak-index key of its own


def test_publisher_cannot_search_names(open_as: OpenAs) -> None:
    with pytest.raises(AccessDeniedError):
        cases.find_cases(open_as("pia"), "Nurlan")


def test_tampered_version_body_is_detected(open_as: OpenAs) -> None:
    """Attack: someone with the database key edits a stored record body."""
    v = open_as("cara")
    row = v.store.case_version(CASE, 1)
    assert row is not None
    forged = row.body.replace(b'"version":1', b'"version":1 ', 1)
    with v.store.write():
        v.store._conn.execute(
            "UPDATE case_versions SET body = ? WHERE case_id = ? AND version = 1", (forged, CASE)
        )
    with pytest.raises(IntegrityError, match="bad signature"):
        cases.show_case(v, CASE)


def test_version_moved_to_another_case_is_detected(open_as: OpenAs) -> None:
    """Attack: copy a validly signed version of one case into the row of another."""
    v = open_as("cara")
    src = v.store.case_version("UA-061-21-001", 1)
    assert src is not None
    with v.store.write():
        v.store._conn.execute(
            "UPDATE case_versions SET body = ?, signature = ? WHERE case_id = ? AND version = 1",
            (src.body, src.signature, CASE),
        )
    with pytest.raises(IntegrityError, match="another place"):
        cases.show_case(v, CASE)


def test_member_key_swap_is_detected(open_as: OpenAs) -> None:
    """Attack: replace a caseworker's signing key in her signed enrolment record to forge
    records in her name. The record no longer verifies: every unlock refuses the vault."""
    import base64

    attacker = open_as("rui")
    with attacker.store.write():
        conn = attacker.store._conn  # type: ignore[attr-defined]
        seq, body = next(
            (r[0], bytes(r[1]))
            for r in conn.execute("SELECT seq, body FROM state_records ORDER BY seq")
            if json.loads(bytes(r[1]))["payload"].get("name") == "cara"
        )
        record = json.loads(body)
        record["payload"]["sign_public"] = base64.b64encode(b"\x01" * 32).decode()
        forged = json.dumps(record, sort_keys=True, separators=(",", ":")).encode()
        conn.execute("UPDATE state_records SET body = ? WHERE seq = ?", (forged, seq))
    attacker.close()
    with pytest.raises(IntegrityError, match="invalid signature"):
        open_as("rui")


# --- search and redaction fold alike ----------------------------------------------------------

TRICKY_TEXT = st.text(
    alphabet=st.sampled_from("aZé\u0301\u200b\u00ad -_.'阿依·Абئابدۇ١3ßİıǅﬁ①\n"), max_size=30
)


@settings(max_examples=200, deadline=None)
@given(TRICKY_TEXT)
def test_skeleton_tokens_are_the_words_redaction_and_search_split(text: str) -> None:
    """One word rule: the skeleton redaction cuts with splits exactly as ``words`` does, and a
    search run differs only by keeping CJK characters together."""
    sk = skeleton(text)
    assert [sk.chars[a:b] for a, b in sk.tokens] == words(text)
    assert "".join(runs(text)) == "".join(words(text)) == fold(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(TRICKY_TEXT, min_size=1, max_size=3))
def test_a_name_is_found_by_its_own_words_in_any_order(parts: list[str]) -> None:
    name = " ".join(parts)
    indexed = search_terms(name)
    for forms in query_terms(" ".join(reversed(parts))):
        assert forms & indexed


def test_search_folds_as_redaction_does() -> None:
    assert query_terms("ÁBDULLA\u200b-Kadir") == [{"abdulla"}, {"kadir"}]
    assert search_terms("阿依古丽·阿布力米提") == {"ayiguli", "abulimiti", "ayiguliabulimiti"}
    assert search_terms("Абдулла") == {"abdulla"} == set(words("Абдулла"))


@pytest.mark.parametrize(
    ("arabic_script", "latin"),
    [
        ("ئايگۈل ئەھمەت", "Aygül Ehmet"),  # word-initial vowels carried by hamza
        ("ئابدۇۋەلى", "Abduweli"),  # ve is w, alef maksura is i
        ("ئوسمان", "Osman"),  # waw as the vowel o
        ("مۇھەممەت", "Muhemmet"),
    ],
)
def test_uyghur_arabic_script_folds_to_its_latin_spelling(arabic_script: str, latin: str) -> None:
    """Invented names: a Uyghur name typed in Arabic script is found by its Uyghur Latin
    spelling, and the other way round (the name index and redaction fold alike)."""
    from vault.models.folding import words

    assert words(arabic_script) == words(latin)


def test_uyghur_folding_keeps_different_names_apart() -> None:
    from vault.models.folding import words

    assert words("ئوسمان") != words("ئۇسمان")  # Osman / Usman: o and u stay different
    assert words("ئەلى") != words("ئالى")  # Eli / Ali
