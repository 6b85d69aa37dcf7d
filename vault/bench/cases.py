"""Invented cases for the scale benchmark: as many as asked, each about 1 KB of JSON, the same
for the same seed. Pure: no I/O (the runner writes them out).

Names are made of invented syllables, each with a fixed Latin, Cyrillic, Uyghur Arabic and Chinese
form, so every person has a full name in four scripts and no name is a real person's. A given
name is two syllables (576 of them: a common word, about 1,700 cases each at a million), a family
name three (13,824): a full name is nearly always one person. Places, phones and ID numbers come
from the demo's generators (:mod:`vault.services.demo_data`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from vault.services.demo_data import (
    DIASPORA,
    OCCUPATIONS,
    STATUSES,
    STREETS,
    UYGHUR_REGIONS,
    phone_number,
    prc_resident_id,
)

#: (Latin, Cyrillic, Uyghur Arabic, Chinese) of each invented syllable.
SYLLABLES: tuple[tuple[str, str, str, str], ...] = (
    ("ka", "ка", "كا", "卡"),
    ("ri", "ри", "رى", "里"),
    ("tu", "ту", "تۇ", "图"),
    ("me", "ме", "مې", "美"),
    ("so", "со", "سو", "索"),
    ("la", "ла", "لا", "拉"),
    ("nu", "ну", "نۇ", "努"),
    ("ba", "ба", "با", "巴"),
    ("di", "ди", "دى", "迪"),
    ("ke", "ке", "كې", "克"),
    ("ma", "ма", "ما", "玛"),
    ("sa", "са", "سا", "萨"),
    ("ti", "ти", "تى", "提"),
    ("ya", "я", "يا", "亚"),
    ("re", "ре", "رې", "热"),
    ("mi", "ми", "مى", "米"),
    ("ha", "ха", "ھا", "哈"),
    ("li", "ли", "لى", "丽"),
    ("na", "на", "نا", "娜"),
    ("ku", "ку", "كۇ", "库"),
    ("za", "за", "زا", "扎"),
    ("gu", "гу", "گۇ", "古"),
    ("bo", "бо", "بو", "博"),
    ("de", "де", "دې", "德"),
)
SCRIPTS = ("latin", "cyrillic", "arabic", "chinese")


@dataclass(frozen=True)
class Name:
    """One invented name in the four scripts."""

    latin: str
    cyrillic: str
    arabic: str
    chinese: str

    def form(self, script: str) -> str:
        value: str = getattr(self, script)
        return value


def _name(rng: random.Random, syllables: int) -> Name:
    parts = [SYLLABLES[rng.randrange(len(SYLLABLES))] for _ in range(syllables)]
    return Name(
        "".join(p[0] for p in parts).capitalize(),
        "".join(p[1] for p in parts).capitalize(),
        "".join(p[2] for p in parts),
        "".join(p[3] for p in parts),
    )


@dataclass(frozen=True)
class Person:
    given: Name
    family: Name

    def full(self, script: str) -> str:
        sep = "·" if script == "chinese" else " "
        return f"{self.given.form(script)}{sep}{self.family.form(script)}"


def person(rng: random.Random) -> Person:
    return Person(_name(rng, 2), _name(rng, 3))


def case_id(i: int) -> str:
    """The id of the ``i``-th invented case (0-based)."""
    return f"UA-900-26-{i:07d}"


def bench_case(i: int, seed: int = 2026) -> tuple[dict[str, Any], Person]:
    """The ``i``-th invented case and its person (the same for the same ``i`` and seed)."""
    rng = random.Random(seed * 10_000_019 + i)  # noqa: S311  # nosec B311 - invented data
    who = person(rng)
    region, code = rng.choice(UYGHUR_REGIONS)
    female = rng.random() < 0.4
    born = dt.date(rng.randrange(1950, 2001), rng.randrange(1, 13), rng.randrange(1, 29))
    relatives = []
    for relation in ("sister", "son"):
        rel = person(rng)
        place = rng.choice(DIASPORA)
        relatives.append(
            {
                "name": rel.full("latin"),
                "relation": relation,
                "phone": phone_number(rng, place),
                "email": f"{rel.given.latin.lower()}.{i}@example.org",
                "location": place[0],
            }
        )
    source = person(rng)
    record = {
        "case_id": case_id(i),
        "full_name": who.full("latin"),
        "name_variants": [who.full(s) for s in SCRIPTS[1:]],
        "gender": "female" if female else "male",
        "ethnicity": "Uyghur",
        "birth_year": born.year,
        "occupation": rng.choice(OCCUPATIONS),
        "home_region": region,
        "status": rng.choice(STATUSES),
        "detained_on": f"{rng.randrange(2017, 2020)}-{rng.randrange(1, 13):02d}",
        "public_summary": (
            "Detained without charge; the family has received no official information. "
            "A fictional case made for the scale benchmark."
        ),
        "last_seen_place": f"{region} bus station",
        "risk_notes": "relatives abroad were warned by phone not to speak to journalists",
        "date_of_birth": born.isoformat(),
        "home_address": f"No. {rng.randrange(1, 200)}, {rng.choice(STREETS)} Road, {region}",
        "case_notes": (
            f"Testimony of a sister (interview 2021): {who.given.latin} was taken from home at "
            "night; neighbours saw two vehicles. Invented text."
        ),
        "family_contacts": relatives,
        "sources": [{"codename": f"HERON-{i}", "real_name": source.full("latin")}],
        "id_numbers": [
            {"kind": "prc_resident_id", "value": prc_resident_id(rng, code, born, female)}
        ],
    }
    return record, who


def bench_cases(n: int, seed: int = 2026) -> Iterator[dict[str, Any]]:
    """The first ``n`` invented cases, one at a time."""
    for i in range(n):
        yield bench_case(i, seed)[0]


#: Common words a public summary is mostly made of (the invented words are the rest).
_SUMMARY_WORDS = (
    "the", "family", "was", "told", "that", "he", "had", "been", "taken", "to", "a", "camp",
    "near", "city", "in", "and", "no", "one", "has", "heard", "from", "her", "since",
    "relatives", "abroad", "were", "questioned", "about", "their", "work",
)  # fmt: skip


#: The words of an invented public summary (:func:`public_summary`).
SUMMARY_WORDS = 40


#: The letters of a summary's invented words: consonants no invented syllable has, so that no
#: word or run of words of a summary spells an invented name (the import would refuse it).
_SUMMARY_CONSONANTS = "cfjpvwx"


def public_summary(i: int, seed: int = 2026, words: int = SUMMARY_WORDS) -> str:
    """An invented public summary of ``words`` words, different for each ``i``: common words and
    invented words no invented name can hold (:data:`_SUMMARY_CONSONANTS`). The bench's main
    import shares one summary among its cases; these are each case's own, as a real file's."""
    rng = random.Random(seed * 7_000_003 + i)  # noqa: S311  # nosec B311 - invented data
    out = []
    for _ in range(words):
        if rng.random() < 0.6:
            out.append(rng.choice(_SUMMARY_WORDS))
        else:
            out.append(
                "".join(
                    rng.choice(_SUMMARY_CONSONANTS) + rng.choice("aeiou")
                    for _ in range(rng.randrange(2, 5))
                )
            )
    return " ".join(out).capitalize() + "."
