"""The engine: every evasion trick of issue 4 point 2, the consent rule, and no over-reach."""

from __future__ import annotations

import pytest

from vault.policy import default_policy_text, parse_policy
from vault.publish.draft_text import case_text as case_source
from vault.redact.engine import redact
from vault.redact.entities import EntityInfo, TermSet
from vault.services.draft_source import case_layout

KNOWN = TermSet()
for value, kind in [
    ("Saule Toqtar", "name"),
    ("Сәуле Тоқтар", "name"),
    ("莎乌列·托克塔尔", "name"),
    ("سائۇلە توقتار", "name"),
    ("+7 701 662 5938", "phone"),
    ("saule.toqtar22@example.org", "email"),
    ("654201198303120615", "id_number"),
    ("WILLOW-04", "codename"),
    ("No. 155, Bostan Road, Tacheng", "address"),
    ("1983-03-12", "date_of_birth"),
]:
    KNOWN.add_value(value, EntityInfo(kind, "secret"))

POLICY = parse_policy(default_policy_text())


def redacted(text: str) -> str:
    return redact(text, lang="en", known=KNOWN).text


@pytest.mark.parametrize(
    ("trick", "text"),
    [
        ("as recorded", "His sister Saule Toqtar spoke to us."),
        ("case", "His sister SAULE toqtar spoke to us."),
        ("NFKC full-width", "His sister Ｓａｕｌｅ Ｔｏｑｔａｒ spoke to us."),
        ("diacritics", "His sister Sàulé Töqtar spoke to us."),
        ("zero-width", "His sister Sau\u200ble Toq\u200dtar spoke to us."),
        ("soft hyphen", "His sister Sau\u00adle Toqtar spoke to us."),
        ("Cyrillic homoglyphs", "His sister S\u0430ule T\u043eqtar spoke to us."),
        ("Greek homoglyphs", "His sister Saule T\u03bfqtar spoke to us."),
        ("runs of spaces", "His sister Saule    Toqtar spoke to us."),
        ("line break", "His sister Saule\nToqtar spoke to us."),
        ("hyphenation", "His sister Sau-\nle Toqtar spoke to us."),
        ("word order", "His sister Toqtar Saule spoke to us."),
        ("surname first with comma", "His sister TOQTAR, Saule spoke to us."),
        ("possessive", "Saule Toqtar's phone was taken."),
        ("German genitive", "Saule Toqtars Telefon wurde beschlagnahmt."),
        ("Kazakh Cyrillic", "Его сестра Сәуле Тоқтар рассказала."),
        ("Chinese", "他的妹妹莎乌列·托克塔尔说。"),
        ("Chinese without dot", "他的妹妹莎乌列托克塔尔说。"),
        ("pinyin", "His sister Sha wu lie Tuo ke ta er spoke."),
        ("Uyghur Arabic", "ئۇنىڭ سىڭلىسى سائۇلە توقتار سۆزلىدى."),
        ("phone national form", "Call 8 (701) 662-59-38."),
        ("phone run together", "Call 77016625938."),
        ("e-mail local part", "Write to saule.toqtar22 at the usual domain."),
        ("id number with spaces", "ID 654201 19830312 0615."),
        ("codename", "Source willow 04 confirmed it."),
        ("address part", "She lived on Bostan Road."),
        ("date of birth spelled out", "Born 12 March 1983."),
        ("date of birth in German", "Geboren am 12. März 1983."),
    ],
)
def test_evasion_tricks_are_caught(trick: str, text: str) -> None:
    out = redacted(text)
    assert "[withheld]" in out, (trick, out)
    for word in (
        "Saule",
        "Toqtar",
        "Сәуле",
        "莎乌列",
        "5938",
        "toqtar22",
        "0615",
        "willow",
        "Bostan",
        "1983",
    ):
        assert word.lower() not in out.lower(), (trick, out)


@pytest.mark.parametrize(
    "text",
    [
        "The Kashgar Intermediate People's Court sentenced him in 2019.",
        "Write to the Chair of the Xinjiang Uyghur Autonomous Region People's Government.",
        "He was last seen in Tacheng and Almaty is where the family lives.",
        "Urgent Action UA 061/21 was issued on 8 March 2021.",
        "Saule is a common name; Toqtar is a surname; neither alone is redacted.",
        "The Toqtarov family and Sauleh Hotel are not the same people.",
    ],
)
def test_public_facts_are_not_redacted(text: str) -> None:
    assert redacted(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Born 12.03.83 in Tacheng.",
        "Born 3/12/83.",
        "Born 12/3/1983.",
        "Born 12031983.",
        "Born 19830312.",
        "Born 1983-03-12.",
    ],
)
def test_a_date_of_birth_in_digits_is_found_by_its_separators(text: str) -> None:
    assert "[withheld]" in redacted(text), text


@pytest.mark.parametrize(
    "text",
    [
        # the case's own date of birth (1983-03-12) in short digit runs and groups: found among
        # its own values (a draft's, an edition's); vault-wide they count for no other case
        # (tests/test_leak_index_lookup.py)
        "Born 120383 in Tacheng.",
        "Born 12 3 1983 in Tacheng.",
        "Born 12 03 83 in Tacheng.",
        "Born 1983 12 03 in Tacheng.",
    ],
)
def test_the_cases_own_date_of_birth_in_short_digits_is_found(text: str) -> None:
    assert "[withheld]" in redacted(text), text


def test_a_date_of_births_weak_terms_are_kept_and_named() -> None:
    from vault.redact.entities import is_weak_date_term, is_weak_shape, value_terms

    terms = value_terms("1983-03-12", "date_of_birth")
    digits = {t for t in terms if t.isdigit()}
    assert {"12031983", "19830312", "03121983", "120383", "31283"} <= digits
    weak = {t for t in terms if is_weak_date_term(t, "date_of_birth")}
    assert "120383" in weak and "~12 3 83" in weak and "~12 1983 3" in weak
    assert not weak & {"12031983", "19830312", "~12 1983 march"}
    # the rule is a date's: a short run of digits of another kind is not weak
    assert is_weak_shape("1203") and not is_weak_date_term("1203", "id_number")
    assert not is_weak_shape("~12 march") and not is_weak_shape("12031983")


def test_redactions_record_span_layer_reason_and_replacement() -> None:
    text = "Saule Toqtar (+7 701 662 5938) and passport E86072800."
    result = redact(text, lang="de", known=KNOWN)
    assert result.text == "[geschwärzt] ([geschwärzt]) and passport [geschwärzt]."
    spans = [(text[r.start : r.end], r.layers, r.kind) for r in result.redactions]
    assert spans == [
        ("Saule Toqtar", ("known-entity",), "name"),
        ("+7 701 662 5938", ("known-entity", "pattern"), "phone"),
        ("E86072800", ("pattern",), "passport"),
    ]
    for r in result.redactions:
        assert result.text[r.out_start : r.out_end] == r.replacement


def test_without_consent_the_person_is_described_never_named() -> None:
    public = {
        "case_id": "UA-001-26-001",
        "full_name": "Invented Aygul",
        "gender": "female",
        "birth_year": 1987,
        "ethnicity": "Uyghur",
        "occupation": "teacher",
        "home_region": "Kashgar",
        "status": "missing",
        "public_summary": "Invented Aygul, a teacher, disappeared. Aygul Invented's family waits.",
    }
    names = TermSet()
    names.add_value("Invented Aygul", EntityInfo("name", "public"))
    for lang, heading, withheld in [
        ("en", "A 34-year-old Uyghur teacher from Kashgar", "[name withheld]"),
        ("fr", "Une femme ouïghoure de 34 ans, enseignante", "[nom masqué]"),
        ("de", "Eine 34-jährige uigurische Lehrerin aus Kashgar", "[Name geschwärzt]"),
    ]:
        src = case_source(public, lang, consent=False, year=2021, layout=case_layout(POLICY, lang))
        out = redact(src, lang=lang, known=TermSet(), subject_names=names).text
        assert heading in out
        assert "Aygul" not in out and out.count(withheld) == 2
    src = case_source(public, "en", consent=True, year=2021, layout=case_layout(POLICY, "en"))
    assert src.startswith("Invented Aygul")
    assert "UA-001-26-001" not in src


def test_manual_redaction_and_release() -> None:
    text = "Saule Toqtar lives near the old mill."
    mill = text.index("old mill")
    out = redact(text, lang="en", known=KNOWN, extra=[(mill, mill + 8, "landmark")])
    assert out.text == "[withheld] lives near the [withheld]."
    assert out.redactions[1].layers == ("manual",)
    released = redact(text, lang="en", known=KNOWN, keep=[(0, 12)])
    assert released.text == text


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.fixtures.make_redaction_corpus import NAME_TRICKS  # noqa: E402
from vault.redact.text import fold  # noqa: E402

_WORDS = [
    "the",
    "family",
    "said",
    "Kashgar",
    "court",
    "in",
    "2019",
    "and",
    "—",
    "(",
    ")",
    ",",
    "police",
    "Almaty",
    "news",
    "no",
    "letter",
    "UA",
    "061/21",
    "people",
]
_NAMES = ["Saule Toqtar", "Сәуле Тоқтар", "莎乌列·托克塔尔"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(_WORDS), max_size=12),
    st.lists(st.sampled_from(_WORDS), max_size=12),
    st.sampled_from(_NAMES),
    st.sampled_from(sorted(NAME_TRICKS)),
)
def test_a_known_name_never_survives_in_any_context(
    before: list[str], after: list[str], name: str, trick: str
) -> None:
    """Property: wherever a known name stands, whichever trick spells it, its folded form is
    gone from the output."""
    value = NAME_TRICKS[trick](name) if name.isascii() else name
    text = " ".join([*before, value, *after]) + "."
    out = redacted(text)
    assert fold(name) not in fold(out), (trick, text, out)
