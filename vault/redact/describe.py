"""Describing a person without naming them, and the draft's fixed wording, in en/fr/de. Pure.

"a 34-year-old Uyghur teacher from Kashgar" — built only from public fields. Words the tables
below do not know (an occupation typed freely) stay as typed, in the draft's language sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGS = ("en", "fr", "de")

WITHHELD = {"en": "[withheld]", "fr": "[masqué]", "de": "[geschwärzt]"}
NAME_WITHHELD = {"en": "[name withheld]", "fr": "[nom masqué]", "de": "[Name geschwärzt]"}

#: The word before a case id in a draft's heading. Field labels are in the policy.
LABELS = {
    "en": {"case": "Case"},
    "fr": {"case": "Dossier"},
    "de": {"case": "Fall"},
}

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
    "unknown": {"en": "unknown", "fr": "inconnue", "de": "unbekannt"},
}

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


def _gendered(pair: tuple[str, str], gender: str | None) -> str:
    return pair[1] if gender == "female" else pair[0]


def describe(portrait: Mapping[str, Any], lang: str, year: int) -> str:
    """A description from public values only, by role (gender, ethnicity, birth_year,
    occupation, region; the policy's publication.portrait maps fields to them). Missing parts
    are left out."""
    record = portrait
    gender = record.get("gender")
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
        female = gender == "female"
        noun = "une femme" if female else "un homme" if gender == "male" else "une personne"
        parts = [noun]
        if eth_raw:
            parts.append(_gendered(eth, gender) if eth else eth_raw)
        if age is not None:
            parts.append(f"de {age} ans")
        out = " ".join(parts)
        if occ_raw:
            out += ", " + (_gendered(occ, gender) if occ else occ_raw)
        if region:
            out += (
                f", originaire d'{region}"
                if region[:1].lower() in "aeiouy"
                else (f", originaire de {region}")
            )
        return out
    if lang == "de":
        female = gender == "female"
        article = "eine" if female else "ein"
        parts = [article]
        if age is not None:
            parts.append(f"{age}-jährige" if female else f"{age}-jähriger")
        if eth_raw:
            parts.append(_gendered(eth, gender) if eth else eth_raw)
        noun = (_gendered(occ, gender) if occ else occ_raw) or (
            "Frau" if female else "Mann" if gender == "male" else "Person"
        )
        parts.append(noun)
        out = " ".join(parts)
        return out + (f" aus {region}" if region else "")
    raise ValueError(f"unknown language {lang!r}")
