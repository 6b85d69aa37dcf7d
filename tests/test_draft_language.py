"""Issue 15 point 7: a draft speaks one language, agrees with the recorded gender, and states
one age. Before: a German draft said "Urteil: 15 years", a French one "Chefs d'accusation: none
known" and "détenu(e)" for a man, and the heading's age was computed today while the summary
stated an older one."""

from __future__ import annotations

import re
from typing import Any

import pytest

from vault.policy import default_policy_text, parse_policy
from vault.publish import wording as describe
from vault.publish.draft_text import case_text as case_source
from vault.services.demo_data import demo_cases
from vault.services.draft_source import case_layout

POLICY = parse_policy(default_policy_text())
LOWEST = POLICY.levels[0]
DEMO = demo_cases()


def _public(case: dict[str, Any], **changes: Any) -> dict[str, Any]:
    public = {f: v for f, v in case.items() if f in POLICY.fields and POLICY.level_of(f) == LOWEST}
    public.update(changes)
    return public


def _source(public: dict[str, Any], lang: str, year: int = 2026) -> str:
    return case_source(public, lang, consent=False, year=year, layout=case_layout(POLICY, lang))


def _facts(src: str) -> dict[str, str]:
    head = src.split("\n\n", 1)[0].splitlines()[1:]
    return dict(line.split(": ", 1) for line in head)


CASE = _public(
    DEMO[0],
    gender="male",
    status="detained_camp",
    charges="none known",
    sentence="15 years (reported)",
)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            {
                "Situation": "détenu dans un camp",
                "Chefs d'accusation": "aucun connu",
                "Peine": "15 ans (selon des informations)",
            },
        ),
        (
            "de",
            {
                "Status": "in einem Lager inhaftiert",
                "Anklage": "keine bekannt",
                "Urteil": "15 Jahre (Berichten zufolge)",
            },
        ),
        (
            "en",
            {
                "Status": "detained in a camp",
                "Charges": "none known",
                "Sentence": "15 years (reported)",
            },
        ),
    ],
)
def test_field_values_that_are_words_are_said_in_the_drafts_language(
    lang: str, expected: dict[str, str]
) -> None:
    facts = _facts(_source(CASE, lang))
    assert {k: facts[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("value", "fr", "de"),
    [
        ("unknown", "inconnue", "unbekannt"),
        (
            "not disclosed to the family",
            "non communiqués à la famille",
            "der Familie nicht mitgeteilt",
        ),
        (
            "'extremism' (reported)",
            "« extrémisme » (selon des informations)",
            "„Extremismus“ (Berichten zufolge)",
        ),
        ("1 year", "1 an", "1 Jahr"),
        ("18 months", "18 mois", "18 Monate"),
        # free text is never translated by guess: it stays exactly as typed
        ("held at a facility (reported by a neighbour)", None, None),
    ],
)
def test_every_phrase_the_demo_writes_is_localised(
    value: str, fr: str | None, de: str | None
) -> None:
    assert describe.localise_value(value, "fr") == (fr or value)
    assert describe.localise_value(value, "de") == (de or value)
    assert describe.localise_value(value, "en") == value


def test_demo_values_never_stay_english_in_a_french_or_german_draft() -> None:
    for case in DEMO:
        public = _public(case)
        english = _facts(_source(public, "en"))
        for lang in ("fr", "de"):
            facts = _facts(_source(public, lang))
            for label, value in facts.items():
                if value[:1].isdigit():
                    continue  # a date
                assert value not in english.values(), (case["case_id"], lang, label, value)


@pytest.mark.parametrize(
    ("gender", "situation", "arrested", "heading"),
    [
        ("male", "détenu dans un camp", "Arrêté", "Un homme ouïghour"),
        ("female", "détenue dans un camp", "Arrêtée", "Une femme ouïghoure"),
        # unknown gender: an inclusive form, never a guess
        (None, "détenu(e) dans un camp", "Arrêté(e)", "Une personne ouïghoure"),
    ],
)
def test_french_agreement_follows_the_recorded_gender(
    gender: str | None, situation: str, arrested: str, heading: str
) -> None:
    public = _public(DEMO[0], gender=gender, ethnicity="Uyghur", status="detained_camp")
    src = _source(public, "fr")
    facts = _facts(src)
    assert facts["Situation"] == situation
    assert arrested in facts
    assert src.split("\n", 1)[0].startswith(heading)
    assert "(e)" not in src.split("\n\n", 1)[0] or gender is None


@pytest.mark.parametrize(
    ("gender", "expected"),
    [
        ("female", "eine 34-jährige uigurische Lehrerin"),
        ("male", "ein 34-jähriger uigurischer Lehrer"),
        (None, "eine 34-jährige uigurische Person (Lehrer/-in)"),
    ],
)
def test_german_description_agrees_and_is_inclusive_when_gender_is_unknown(
    gender: str | None, expected: str
) -> None:
    portrait = {
        "gender": gender,
        "ethnicity": "Uyghur",
        "birth_year": 1987,
        "occupation": "teacher",
    }
    assert describe.describe(portrait, "de", 2021) == expected
    # German status participles do not agree: the same word for everyone
    assert describe.status_word("missing", "de", gender) == "verschwunden"


def test_french_status_by_gender() -> None:
    assert describe.status_word("missing", "fr", "female") == "disparue"
    assert describe.status_word("missing", "fr", "male") == "disparu"
    assert describe.status_word("missing", "fr", None) == "disparu(e)"
    assert describe.status_word("missing", "fr", "female").count("(") == 0


_AGE = {
    "en": re.compile(r"(\d+)-year-old"),
    "fr": re.compile(r"de (\d+) ans"),
    "de": re.compile(r"(\d+)-jährige"),
}


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
@pytest.mark.parametrize("today", [2021, 2026, 2040])
def test_a_demo_case_never_shows_two_different_ages(lang: str, today: int) -> None:
    for case in DEMO:
        src = _source(_public(case), lang, year=today)
        heading = src.partition("\n")[0]
        summary = src.split("\n\n", 1)[1]
        ages = {int(a) for a in _AGE[lang].findall(heading)}
        ages |= {int(a) for a in _AGE["en"].findall(summary)}  # the summary is as typed
        assert len(ages) == 1, (case["case_id"], lang, today, src)


def test_without_a_stated_age_the_heading_uses_the_detention_year_not_today() -> None:
    public = _public(DEMO[0], birth_year=1980, detained_on="2018-04", public_summary="No news.")
    for today in (2026, 2031):
        heading = _source(public, "en", year=today).split("\n", 1)[0]
        assert "A 38-year-old" in heading, heading


@pytest.mark.parametrize(
    "summary",
    [
        "His 70-year-old mother waits for news.",  # 1980 + 70 is after today
        "His 12-year-old son waits for news.",  # 1980 + 12 is before he was taken
        "His 12-year-old son says the 38-year-old was taken.",  # the first age that fits
    ],
)
def test_an_age_the_summary_states_for_someone_else_is_not_taken(summary: str) -> None:
    public = _public(DEMO[0], birth_year=1980, detained_on="2018-04", public_summary=summary)
    assert "A 38-year-old" in _source(public, "en", year=2026)
