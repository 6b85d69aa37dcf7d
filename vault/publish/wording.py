"""Describing a person without naming them, and the draft's fixed wording, in en/fr/de. Pure.

"a 34-year-old Uyghur teacher from Kashgar" — built only from public fields. Words the tables
below do not know (an occupation typed freely) stay as typed, in the draft's language sentence.

Field values that are words (a status, "none known", "15 years (reported)") are said in the
draft's language by :func:`localise_value` and :func:`status_word`; French agreement follows the
recorded gender (:func:`agree`), and keeps the inclusive "(e)" form when the gender is unknown.
German predicative participles (verschwunden, inhaftiert) do not agree, so German needs no rule.
The tables are pure Python: Babel would give month names and unit plurals, but not the set
phrases a case record uses, so it is not a dependency.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

LANGS = ("en", "fr", "de")


#: The word before a case id in a draft's heading. Field labels are in the policy.
STATUS = {
    "missing": {"en": "missing", "fr": "disparu(e)", "de": "verschwunden"},
    "detained_camp": {
        "en": "detained in a camp",
        "fr": "détenu(e) dans un camp",
        "de": "in einem Lager inhaftiert",
    },
    "detained_prison": {
        "en": "detained in prison",
        "fr": "détenu(e) en prison",
        "de": "im Gefängnis inhaftiert",
    },
    "sentenced": {"en": "sentenced", "fr": "condamné(e)", "de": "verurteilt"},
    "released": {"en": "released", "fr": "libéré(e)", "de": "freigelassen"},
    "deceased": {"en": "deceased", "fr": "décédé(e)", "de": "verstorben"},
    # "inconnue" agrees with the French label "Situation"
    "unknown": {"en": "unknown", "fr": "inconnue", "de": "unbekannt"},
}

#: Whole values a case record uses as set phrases, said in the draft's language (matched
#: ignoring case and surrounding space). French forms agree with the label they follow in the
#: default policy: "Chefs d'accusation" (masculine plural), "Peine" and "Situation" (feminine).
PHRASES = {
    "none known": {"fr": "aucun connu", "de": "keine bekannt"},
    "none": {"fr": "aucun", "de": "keine"},
    "unknown": {"fr": "inconnue", "de": "unbekannt"},
    "not known": {"fr": "inconnue", "de": "unbekannt"},
    "not disclosed": {"fr": "non communiqués", "de": "nicht mitgeteilt"},
    "not disclosed to the family": {
        "fr": "non communiqués à la famille",
        "de": "der Familie nicht mitgeteilt",
    },
    "no charges": {"fr": "aucun chef d'accusation", "de": "keine Anklage"},
    "life imprisonment": {"fr": "réclusion à perpétuité", "de": "lebenslange Haft"},
    "death sentence": {"fr": "peine de mort", "de": "Todesstrafe"},
    "extremism": {"fr": "extrémisme", "de": "Extremismus"},
    "separatism": {"fr": "séparatisme", "de": "Separatismus"},
    "terrorism": {"fr": "terrorisme", "de": "Terrorismus"},
    "inciting ethnic hatred": {
        "fr": "incitation à la haine ethnique",
        "de": "Aufstachelung zum ethnischen Hass",
    },
}

#: Trailing qualifiers in parentheses: "15 years (reported)".
QUALIFIERS = {
    "reported": {"fr": "selon des informations", "de": "Berichten zufolge"},
    "unconfirmed": {"fr": "non confirmé", "de": "unbestätigt"},
    "confirmed": {"fr": "confirmé", "de": "bestätigt"},
}

#: Sentence units: unit -> lang -> (singular, plural).
UNITS = {
    "year": {"fr": ("an", "ans"), "de": ("Jahr", "Jahre")},
    "month": {"fr": ("mois", "mois"), "de": ("Monat", "Monate")},
    "day": {"fr": ("jour", "jours"), "de": ("Tag", "Tage")},
}

#: How a quoted term is quoted in each language.
QUOTES = {"en": ("'", "'"), "fr": ("« ", " »"), "de": ("„", "“")}

_QUALIFIED = re.compile(r"^(?P<core>.*?)\s*\((?P<q>[^()]*)\)\s*$", re.DOTALL)
_QUOTED = re.compile(r"^['\"‘“](?P<term>[^'\"’”]+)['\"’”]$")
_UNIT = re.compile(r"^(?P<n>\d+)\s+(?P<unit>year|month|day)s?$", re.IGNORECASE)
_INCLUSIVE = re.compile(r"(?<=\w)\((e|ne|le)\)")

# ethnicity -> lang -> (masculine, feminine) adjective
ETHNICITY = {
    "uyghur": {
        "en": ("Uyghur", "Uyghur"),
        "fr": ("ouïghour", "ouïghoure"),
        "de": ("uigurischer", "uigurische"),
    },
    "kazakh": {
        "en": ("Kazakh", "Kazakh"),
        "fr": ("kazakh", "kazakhe"),
        "de": ("kasachischer", "kasachische"),
    },
    "kyrgyz": {
        "en": ("Kyrgyz", "Kyrgyz"),
        "fr": ("kirghiz", "kirghize"),
        "de": ("kirgisischer", "kirgisische"),
    },
}

# occupation -> lang -> (masculine, feminine)
OCCUPATION = {
    "teacher": {"fr": ("enseignant", "enseignante"), "de": ("Lehrer", "Lehrerin")},
    "farmer": {"fr": ("agriculteur", "agricultrice"), "de": ("Landwirt", "Landwirtin")},
    "shopkeeper": {"fr": ("commerçant", "commerçante"), "de": ("Ladenbesitzer", "Ladenbesitzerin")},
    "doctor": {"fr": ("médecin", "médecin"), "de": ("Arzt", "Ärztin")},
    "truck driver": {
        "fr": ("chauffeur routier", "chauffeuse routière"),
        "de": ("Lkw-Fahrer", "Lkw-Fahrerin"),
    },
    "poet": {"fr": ("poète", "poétesse"), "de": ("Dichter", "Dichterin")},
    "student": {"fr": ("étudiant", "étudiante"), "de": ("Student", "Studentin")},
    "engineer": {"fr": ("ingénieur", "ingénieure"), "de": ("Ingenieur", "Ingenieurin")},
    "trader": {"fr": ("négociant", "négociante"), "de": ("Händler", "Händlerin")},
    "nurse": {"fr": ("infirmier", "infirmière"), "de": ("Krankenpfleger", "Krankenpflegerin")},
    "tailor": {"fr": ("tailleur", "couturière"), "de": ("Schneider", "Schneiderin")},
    "retired accountant": {
        "fr": ("comptable retraité", "comptable retraitée"),
        "de": ("Buchhalter im Ruhestand", "Buchhalterin im Ruhestand"),
    },
    "musician": {"fr": ("musicien", "musicienne"), "de": ("Musiker", "Musikerin")},
    "herder": {"fr": ("éleveur", "éleveuse"), "de": ("Hirte", "Hirtin")},
}


def gender_of(value: object) -> str | None:
    """The gender as "female" or "male", or None when the record does not say."""
    g = str(value or "").strip().lower()
    if g in ("female", "f", "woman", "w"):
        return "female"
    if g in ("male", "m", "man"):
        return "male"
    return None


def agree(text: str, gender: str | None) -> str:
    """Resolve French inclusive endings by the recorded gender: "détenu(e)" is "détenu" for a
    man, "détenue" for a woman, and stays "détenu(e)" when the gender is unknown."""
    g = gender_of(gender)
    if g is None:
        return text
    return _INCLUSIVE.sub(lambda m: m.group(1) if g == "female" else "", text)


def status_word(value: object, lang: str, gender: object = None) -> str:
    """A status value in the draft's language, agreeing with the person's gender."""
    raw = str(value)
    return agree(STATUS.get(raw, {}).get(lang, raw), gender_of(gender))


def _localise_core(text: str, lang: str) -> str:
    phrase = PHRASES.get(" ".join(text.lower().split()))
    if phrase is not None:
        return phrase[lang]
    unit = _UNIT.match(text.strip())
    if unit is not None:
        n = int(unit.group("n"))
        forms = UNITS[unit.group("unit").lower()][lang]
        return f"{n} {forms[0] if n == 1 else forms[1]}"
    quoted = _QUOTED.match(text.strip())
    if quoted is not None:
        term = quoted.group("term")
        inner = PHRASES.get(" ".join(term.lower().split()), {}).get(lang, term)
        left, right = QUOTES[lang]
        return f"{left}{inner}{right}"
    return text


def localise_value(value: object, lang: str, gender: object = None) -> str:
    """A field value said in the draft's language when it is a set phrase, a quoted known term
    or a number with a unit, with an optional qualifier in parentheses ("15 years (reported)"
    is "15 ans (selon des informations)"). Anything else stays as typed: free text is never
    translated by guess."""
    text = str(value)
    if lang == "en" or lang not in LANGS:
        return text
    qualified = _QUALIFIED.match(text)
    if qualified is not None and qualified.group("q").strip().lower() in QUALIFIERS:
        core = _localise_core(qualified.group("core"), lang)
        qualifier = QUALIFIERS[qualified.group("q").strip().lower()][lang]
        out = f"{core} ({qualifier})"
    else:
        out = _localise_core(text, lang)
    # only words from the tables agree; text typed by a person is left exactly as typed
    return agree(out, gender_of(gender)) if out != text else text


# --- the age: one place ---------------------------------------------------------------------

_STATED_AGE = re.compile(
    r"\b(?P<n>\d{1,3})(?:[- ]year[- ]old\b|\s+ans\b|-jährige[rn]?\b)", re.IGNORECASE
)
_YEAR = re.compile(r"^\s*(?P<y>\d{4})")


def stated_ages(summary: object) -> list[int]:
    """The ages the narrative states, in order ("a 34-year-old", "34 ans", "34-jährige")."""
    return [int(m.group("n")) for m in _STATED_AGE.finditer(str(summary or ""))]


def age_year(birth_year: object, summary: object, age_at: object, fallback: int) -> int:
    """The year at which a heading states the person's age, so that it never contradicts the
    narrative and does not change with the day a draft is made.

    1. When the narrative states an age that fits (the year it points to is neither before the
       ``age_at`` year, nor before birth, nor after ``fallback``, today), that year: the
       narrative is what the reviewer reads and approves, and it was written at some past date
       (the demo's at 2021); the heading must say the same age, not one computed today.
    2. Otherwise the year of the date field the policy names (``publication.age_at``, the
       detention date): the age when the person was taken is a fixed fact, so a draft made
       again next year says the same thing, and an edit does not find its source changed.
    3. Otherwise ``fallback``.
    """
    found = _YEAR.match(str(age_at or ""))
    at = int(found.group("y")) if found is not None and int(found.group("y")) <= fallback else None
    if isinstance(birth_year, int):
        for age in stated_ages(summary):
            stated = birth_year + age
            # an age pointing before the person was taken, or after today, is someone else's
            # ("his 12-year-old son", "his 70-year-old mother")
            if (at or birth_year) <= stated <= fallback:
                return stated
    return at if at is not None else fallback


def _gendered(pair: tuple[str, str], gender: str | None) -> str:
    return pair[1] if gender == "female" else pair[0]


def _inclusive(pair: tuple[str, str], lang: str) -> str:
    """Both forms, for a person whose gender is not recorded: "enseignant(e)", "Lehrer/-in"."""
    masc, fem = pair
    if masc == fem:
        return masc
    if lang == "fr" and fem.startswith(masc):
        return f"{masc}({fem[len(masc) :]})"
    if lang == "de" and fem.startswith(masc):
        return f"{masc}/-{fem[len(masc) :]}"
    return f"{masc}/{fem}"


def describe(portrait: Mapping[str, Any], lang: str, year: int) -> str:
    """A description from public values only, by role (gender, ethnicity, birth_year,
    occupation, region; the policy's publication.portrait maps fields to them). Missing parts
    are left out. ``year`` is the year the age is stated at (see :func:`age_year`). When the
    gender is not recorded the sentence is built on "personne"/"Person" (grammatically
    feminine, so adjectives agree with it) and an occupation takes its inclusive form."""
    record = portrait
    gender = gender_of(record.get("gender"))
    birth_year = record.get("birth_year")
    age = year - birth_year if isinstance(birth_year, int) and 0 < year - birth_year < 130 else None
    eth_raw = str(record.get("ethnicity") or "")
    occ_raw = str(record.get("occupation") or "")
    region = record.get("region")
    eth = ETHNICITY.get(eth_raw.lower(), {}).get(lang)
    occ = OCCUPATION.get(occ_raw.lower(), {}).get(lang)
    if lang == "en":
        words = []
        if age is not None:
            words.append(f"{age}-year-old")
        if eth_raw:
            words.append(eth[0] if eth else eth_raw)
        words.append(
            occ_raw or ("woman" if gender == "female" else "man" if gender == "male" else "person")
        )
        text = " ".join(words)
        article = "an" if text[:1].lower() in "aeiou" and not text.startswith("one") else "a"
        out = f"{article} {text}"
        return out + (f" from {region}" if region else "")
    if lang == "fr":
        noun = "un homme" if gender == "male" else "une femme" if gender else "une personne"
        parts = [noun]
        if eth_raw:
            # "une personne" is feminine whatever the person's gender
            parts.append(_gendered(eth, gender or "female") if eth else eth_raw)
        if age is not None:
            parts.append(f"de {age} ans")
        out = " ".join(parts)
        if occ_raw:
            if occ is None:
                out += ", " + occ_raw
            else:
                out += ", " + (_gendered(occ, gender) if gender else _inclusive(occ, lang))
        if region:
            out += (
                f", originaire d'{region}"
                if region[:1].lower() in "aeiouy"
                else (f", originaire de {region}")
            )
        return out
    if lang == "de":
        # "Person" is feminine, so with no recorded gender the adjectives take the feminine form
        female = gender != "male"
        parts = ["eine" if female else "ein"]
        if age is not None:
            parts.append(f"{age}-jährige" if female else f"{age}-jähriger")
        if eth_raw:
            parts.append(_gendered(eth, "female" if female else "male") if eth else eth_raw)
        if gender is None:
            parts.append("Person")
            if occ_raw:
                parts.append(f"({_inclusive(occ, lang) if occ else occ_raw})")
        else:
            noun = (_gendered(occ, gender) if occ else occ_raw) or (
                "Frau" if gender == "female" else "Mann"
            )
            parts.append(noun)
        out = " ".join(parts)
        return out + (f" aus {region}" if region else "")
    raise ValueError(f"unknown language {lang!r}")
