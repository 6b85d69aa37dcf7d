"""Invented people for the demo vault and the test fixtures. Pure and seeded: no I/O.

Every person here is fictional: given names and family names are drawn at random from lists of
common names and combined; addresses, phone numbers, e-mail addresses (reserved example domains),
sources and ID numbers are generated. ID numbers carry valid check digits so that validators and
the leak scanner meet realistic values. No real detainee's name or details are used.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from vault.models.idnumbers import kz_iin_check_digit, prc_check_char


@dataclass(frozen=True)
class NameForm:
    latin: str
    native: str  # Uyghur Arabic script, or Kazakh Cyrillic
    chinese: str
    alt_latin: str | None = None


# (Latin, Uyghur Arabic, Chinese rendering, other Latin spelling)
UYGHUR_MALE = [
    NameForm("Abdulla", "ئابدۇللا", "阿卜杜拉", "Abdullah"),
    NameForm("Ablimit", "ئابلىمىت", "阿不力米提", "Ablimet"),
    NameForm("Adil", "ئادىل", "阿迪力"),
    NameForm("Alim", "ئالىم", "阿力木", "Alimjan"),
    NameForm("Erkin", "ئەركىن", "艾尔肯", "Arkin"),
    NameForm("Ekber", "ئەكبەر", "艾克拜尔", "Akbar"),
    NameForm("Memet", "مەمەت", "麦麦提", "Mehmet"),
    NameForm("Perhat", "پەرھات", "帕尔哈提", "Parhat"),
    NameForm("Yasin", "ياسىن", "亚森", "Yassin"),
    NameForm("Qurban", "قۇربان", "库尔班", "Kurban"),
    NameForm("Obul", "ئوبۇل", "吾布力"),
    NameForm("Tahir", "تاھىر", "塔依尔", "Tayir"),
    NameForm("Rustem", "رۇستەم", "如斯坦木", "Rustam"),
    NameForm("Mutellip", "مۇتەللىپ", "穆塔里甫", "Mutalip"),
    NameForm("Ghopur", "غوپۇر", "吾甫尔", "Gopur"),
]
UYGHUR_FEMALE = [
    NameForm("Gulnar", "گۈلنار", "古丽娜尔", "Gulnara"),
    NameForm("Mihray", "مىھراي", "米热依", "Mihrai"),
    NameForm("Aygul", "ئايگۈل", "阿依古丽", "Aigul"),
    NameForm("Zohre", "زۆھرە", "祖合热", "Zuhra"),
    NameForm("Patigul", "پاتىگۈل", "帕提古丽"),
    NameForm("Reyhan", "رەيھان", "热依汗", "Rayhan"),
    NameForm("Nurgul", "نۇرگۈل", "努尔古丽"),
    NameForm("Mehriban", "مېھرىبان", "米合日巴努", "Mehribanu"),
    NameForm("Gulmire", "گۈلمىرە", "古丽米热", "Gulmira"),
    NameForm("Ayshem", "ئايشەم", "阿依先木", "Aysham"),
]
UYGHUR_FAMILY = [
    NameForm("Tursun", "تۇرسۇن", "吐尔逊", "Tursoon"),
    NameForm("Rozi", "روزى", "肉孜", "Rozy"),
    NameForm("Qadir", "قادىر", "卡德尔", "Kadir"),
    NameForm("Hoshur", "ھوشۇر", "吾守尔", "Hoshor"),
    NameForm("Niyaz", "نىياز", "尼亚孜", "Niyas"),
    NameForm("Osman", "ئوسمان", "吾斯曼", "Usman"),
    NameForm("Sabir", "سابىر", "沙比尔", "Sabirjan"),
    NameForm("Yusup", "يۇسۇپ", "玉素甫", "Yusuf"),
    NameForm("Ehmet", "ئەخمەت", "艾合买提", "Ahmet"),
    NameForm("Kerim", "كېرىم", "克力木", "Karim"),
    NameForm("Imin", "ئىمىن", "依明", "Emin"),
    NameForm("Hasan", "ھەسەن", "哈森", "Hassan"),
    NameForm("Abla", "ئابلا", "阿布拉", "Ablah"),
    NameForm("Jume", "جۈمە", "居马", "Juma"),
]
KAZAKH_MALE = [
    NameForm("Serik", "Серік", "赛力克", "Serick"),
    NameForm("Nurlan", "Нұрлан", "努尔兰"),
    NameForm("Erlan", "Ерлан", "叶尔兰", "Yerlan"),
    NameForm("Qairat", "Қайрат", "哈依拉提", "Kairat"),
    NameForm("Baurzhan", "Бауыржан", "包尔江", "Bauyrzhan"),
    NameForm("Aidos", "Айдос", "艾多斯"),
    NameForm("Daulet", "Дәулет", "道列提", "Dawlet"),
    NameForm("Askar", "Асқар", "阿斯卡尔", "Asqar"),
    NameForm("Yerzhan", "Ержан", "叶尔江", "Erzhan"),
    NameForm("Marat", "Марат", "马拉特"),
    NameForm("Talgat", "Талғат", "塔里哈提", "Talghat"),
    NameForm("Berik", "Берік", "别热克", "Berick"),
]
KAZAKH_FEMALE = [
    NameForm("Aigerim", "Әйгерім", "阿依格丽姆", "Aygerim"),
    NameForm("Gulnur", "Гүлнұр", "古丽努尔"),
    NameForm("Dana", "Дана", "达娜"),
    NameForm("Saule", "Сәуле", "莎乌列", "Sauleh"),
    NameForm("Aliya", "Әлия", "阿丽娅", "Aliia"),
    NameForm("Zhanar", "Жанар", "加娜尔", "Janar"),
    NameForm("Madina", "Мадина", "玛迪娜"),
    NameForm("Asel", "Әсел", "阿赛丽", "Assel"),
]
KAZAKH_FAMILY = [
    NameForm("Bekuly", "Бекұлы", "别克吾利", "Bekuli"),
    NameForm("Sarsenbai", "Сәрсенбай", "沙尔森拜", "Sarsenbay"),
    NameForm("Toqtar", "Тоқтар", "托克塔尔", "Toktar"),
    NameForm("Musauly", "Мұсаұлы", "木沙吾利", "Musauli"),
    NameForm("Zhumabai", "Жұмабай", "朱马拜", "Jumabay"),
    NameForm("Nurlanuly", "Нұрланұлы", "努尔兰吾利", "Nurlanuli"),
    NameForm("Serikbai", "Серікбай", "赛力克拜", "Serikbay"),
    NameForm("Akhmet", "Ахмет", "阿合买提", "Ahmet"),
]

UYGHUR_REGIONS = [
    ("Kashgar", "653101"),
    ("Hotan", "653201"),
    ("Aksu", "652901"),
    ("Turpan", "650402"),
    ("Kumul", "650502"),
    ("Urumqi", "650102"),
    ("Ghulja", "654002"),
]
KAZAKH_REGIONS = [("Altay", "654301"), ("Tacheng", "654201"), ("Ghulja", "654002")]
OCCUPATIONS = [
    "teacher",
    "farmer",
    "shopkeeper",
    "doctor",
    "truck driver",
    "poet",
    "student",
    "engineer",
    "trader",
    "nurse",
    "tailor",
    "retired accountant",
    "musician",
    "herder",
]
STATUSES = [
    "missing",
    "detained_camp",
    "detained_prison",
    "sentenced",
    "released",
    "unknown",
]
STREETS = ["Anar", "Yengi", "Bagh", "Chinar", "Tengri", "Almaz", "Kok Tal", "Bostan"]
# (city, dialling prefix, digits after the prefix): lengths valid for libphonenumber
DIASPORA = [
    ("Almaty", "+7 701", 7),
    ("Istanbul", "+90 532", 7),
    ("Amsterdam", "+31 6", 8),
    ("Munich", "+49 151", 8),
    ("Toronto", "+1 416", 7),
    ("Bishkek", "+996 555", 6),
]
RELATIONS_FEMALE = ["sister", "daughter", "mother", "cousin", "niece"]
RELATIONS_MALE = ["brother", "son", "father", "cousin", "nephew"]
CODENAMES = ["KESTREL", "WILLOW", "AMBER", "HERON", "LANTERN", "MAPLE", "ORCHID", "RIVER"]


@dataclass(frozen=True)
class Person:
    given: NameForm
    family: NameForm
    ethnicity: str

    @property
    def latin(self) -> str:
        return f"{self.given.latin} {self.family.latin}"

    def variants(self) -> list[str]:
        out = [
            f"{self.given.native} {self.family.native}",
            f"{self.given.chinese}·{self.family.chinese}",
        ]
        if self.given.alt_latin or self.family.alt_latin:
            given = self.given.alt_latin or self.given.latin
            out.append(f"{given} {self.family.alt_latin or self.family.latin}")
        return out


def prc_resident_id(rng: random.Random, region: str, born: dt.date, female: bool) -> str:
    seq = rng.randrange(0, 100) * 10 + (
        rng.choice([0, 2, 4, 6, 8]) if female else rng.choice([1, 3, 5, 7, 9])
    )
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + prc_check_char(first17)


def kz_iin(rng: random.Random, born: dt.date, female: bool) -> str:
    century = (3 if born.year < 2000 else 5) + (1 if female else 0)
    while True:
        first11 = f"{born:%y%m%d}{century}{rng.randrange(0, 10000):04d}"
        check = kz_iin_check_digit(first11)
        if check is not None:
            return first11 + str(check)


def phone_number(rng: random.Random, place: tuple[str, str, int]) -> str:
    _, prefix, digits = place
    # a leading 2-5 keeps every country's number in an allocated range
    rest = str(rng.randrange(2, 6)) + str(rng.randrange(10 ** (digits - 2), 10 ** (digits - 1)))
    return f"{prefix} {rest[:3]} {rest[3:]}"


def _person(rng: random.Random, kazakh: bool, female: bool) -> Person:
    if kazakh:
        given = rng.choice(KAZAKH_FEMALE if female else KAZAKH_MALE)
        return Person(given, rng.choice(KAZAKH_FAMILY), "Kazakh")
    given = rng.choice(UYGHUR_FEMALE if female else UYGHUR_MALE)
    return Person(given, rng.choice(UYGHUR_FAMILY), "Uyghur")


def _fresh(rng: random.Random, kazakh: bool, female: bool, used: set[str]) -> Person:
    """A person whose Latin name is not used yet, so that no invented name stands for two
    people (the leak scanner cannot tell two people of one name apart)."""
    person = _person(rng, kazakh, female)
    for _ in range(500):
        if person.latin not in used:
            break
        person = _person(rng, kazakh, female)
    used.add(person.latin)
    return person


def demo_cases(count: int = 64, seed: int = 6121) -> list[dict[str, Any]]:
    """``count`` invented case records, the same for the same seed."""
    # Seeded on purpose: the demo must be the same every time. It makes no secret.
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    out: list[dict[str, Any]] = []
    used: set[str] = set()
    for i in range(1, count + 1):
        kazakh = i % 4 == 0
        female = rng.random() < 0.4
        person = _fresh(rng, kazakh, female, used)
        region, code = rng.choice(KAZAKH_REGIONS if kazakh else UYGHUR_REGIONS)
        born = dt.date(rng.randrange(1950, 2001), rng.randrange(1, 13), rng.randrange(1, 29))
        occupation = rng.choice(OCCUPATIONS)
        status = rng.choice(STATUSES)
        detained = f"{rng.randrange(2017, 2020)}-{rng.randrange(1, 13):02d}"
        consent = rng.random() < 0.5
        relatives = []
        for _ in range(rng.randrange(1, 4)):
            rel_female = rng.random() < 0.5
            rel = _fresh(rng, kazakh, rel_female, used)
            relations = list(RELATIONS_FEMALE if rel_female else RELATIONS_MALE)
            if rel_female != female:
                relations.append("wife" if rel_female else "husband")
            place = rng.choice(DIASPORA)
            city = place[0]
            handle = f"{rel.given.latin}.{rel.family.latin}{rng.randrange(10, 99)}".lower()
            relatives.append(
                {
                    "name": rel.latin,
                    "relation": rng.choice(relations),
                    "phone": phone_number(rng, place),
                    "email": f"{handle}@example.org",
                    "location": city,
                }
            )
        src = _fresh(rng, kazakh, rng.random() < 0.5, used)
        ids: list[dict[str, str]] = [
            {"kind": "prc_resident_id", "value": prc_resident_id(rng, code, born, female)}
        ]
        if kazakh:
            ids.append({"kind": "kz_iin", "value": kz_iin(rng, born, female)})
        if rng.random() < 0.3:
            ids.append({"kind": "passport", "value": f"E{rng.randrange(10**7, 10**8)}"})
        age = 2021 - born.year
        pronoun = "She" if female else "He"
        out.append(
            {
                "case_id": f"UA-061-21-{i:03d}",
                "full_name": person.latin,
                "name_variants": person.variants(),
                "gender": "female" if female else "male",
                "ethnicity": person.ethnicity,
                "birth_year": born.year,
                "occupation": occupation,
                "home_region": region,
                "status": status,
                "detained_on": detained,
                "charges": rng.choice(
                    ["none known", "not disclosed to the family", "'extremism' (reported)"]
                ),
                "sentence": "unknown"
                if status != "sentenced"
                else f"{rng.randrange(5, 21)} years (reported)",
                "public_summary": (
                    f"{person.latin}, a {age}-year-old {person.ethnicity} {occupation} "
                    f"from {region}, "
                    f"has not been heard from since {detained}. {pronoun} is believed to be held "
                    "without charge. The family has received no official information."
                ),
                "last_seen_place": f"{region} city centre",
                "detention_facility": f"a facility near {region} (unconfirmed)",
                "consent": {
                    "publish_name": consent,
                    "given_by": relatives[0]["name"],
                    "date": f"2021-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                },
                "risk_notes": "relatives abroad were warned by phone not to speak to journalists",
                "date_of_birth": born.isoformat(),
                "home_address": (
                    f"No. {rng.randrange(1, 200)}, {rng.choice(STREETS)} Road, {region}"
                ),
                "case_notes": (
                    f"Testimony of a {relatives[0]['relation']} (interview 2021): "
                    f"{person.given.latin} "
                    "was taken from home at night; neighbours saw two vehicles. Later messages "
                    "stopped. This testimony is fictional demo text."
                ),
                "health_concerns": rng.choice(
                    ["diabetes, needs insulin", "heart condition", "none known"]
                ),
                "family_contacts": relatives,
                "sources": [
                    {
                        "codename": f"{rng.choice(CODENAMES)}-{i:02d}",
                        "real_name": src.latin,
                        "contact": phone_number(rng, rng.choice(DIASPORA)),
                        "relationship": "former neighbour",
                        "risk": "high: family still in the region",
                    }
                ],
                "id_numbers": ids,
            }
        )
    return out


def demo_action(case_ids: list[str]) -> dict[str, Any]:
    return {
        "action_id": "UA 061/21",
        "title": "Dozens detained or missing in Xinjiang (demo action, fictional details)",
        "country": "China",
        "issued": "2021-03-08",
        "follow_up": 0,
        "texts": {
            "en": "The people named in this action are missing or detained. Their families have "
            "had no news of them for years. Please write to the authorities.",
            "fr": "Les personnes citées dans cette action sont disparues ou détenues. Leurs "
            "familles sont sans nouvelles depuis des années. Écrivez aux autorités.",
            "de": "Die in dieser Aktion genannten Menschen sind verschwunden oder inhaftiert. "
            "Ihre Familien haben seit Jahren nichts von ihnen gehört. Bitte schreiben Sie an "
            "die Behörden.",
        },
        "asks": {
            "en": "Write to the authorities, politely, and ask them to: reveal where each person "
            "is held; release everyone detained only for their religion or ethnicity; let "
            "families visit and talk with them.",
            "fr": "Écrivez aux autorités, poliment, pour leur demander de : révéler où chaque "
            "personne est détenue ; libérer toutes les personnes détenues uniquement en raison de "
            "leur religion ou de leur origine ; permettre aux familles de leur rendre visite.",
            "de": "Schreiben Sie höflich an die Behörden und fordern Sie sie auf: den Haftort "
            "jeder Person offenzulegen; alle freizulassen, die allein wegen ihrer Religion oder "
            "Herkunft inhaftiert sind; Familien Besuche und Gespräche zu erlauben.",
        },
        "officials": [
            {
                "title": "Regional Chair (fictional)",
                "name": "Chen Demo",
                "address": "1 Example Avenue, Demo City 000000, China (fictional address)",
                "salutation": "Dear Chair",
            },
            {
                "title": "Ambassador (fictional)",
                "name": "Wang Sample",
                "address": "2 Sample Street, Demo Capital 00000 (fictional address)",
                "salutation": "Dear Ambassador",
            },
        ],
        "case_ids": case_ids,
    }
