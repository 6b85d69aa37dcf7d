"""The numbers reader (issue 21): a protected phone or identity number is found however its digits
are written — other scripts, look-alike letters, words in en/fr/de/ru/tr/kk, Chinese numerals,
dictated, in pieces — and an unrelated number, a year, a count or a neighbour's ID is not.
All values are invented."""

from __future__ import annotations

import pytest

from tests.redaction_helpers import covered
from vault.redact.engine import redact
from vault.redact.entities import EntityInfo, TermSet, find_known
from vault.redact.readings import numbers

PHONE_KG = "+996 700 218 455"
PHONE_KZ = "+7 705 221 9034"
PHONE_TR = "+90 533 471 2290"
PHONE_DE = "+49 160 5521 8830"
PHONE_FR = "+33 6 71 42 58 09"
PHONE_CN = "+86 138 0471 2265"
PRC_ID = "65010219900315431X"
IIN = "900315400128"
PASSPORT = "AC5519027"
CODENAME = "FALCON-4"

VALUES = [
    (PHONE_KG, "phone"),
    (PHONE_KZ, "phone"),
    (PHONE_TR, "phone"),
    (PHONE_DE, "phone"),
    (PHONE_FR, "phone"),
    (PHONE_CN, "phone"),
    (PRC_ID, "id_number"),
    (IIN, "id_number"),
    (PASSPORT, "id_number"),
    (CODENAME, "codename"),
]


@pytest.fixture(scope="module")
def known() -> TermSet:
    ts = TermSet()
    for value, kind in VALUES:
        ts.add_value(value, EntityInfo(kind, "confidential"))
    return ts


def readings_known() -> set[str]:
    out: set[str] = set()
    for value, kind in VALUES:
        out |= numbers.value_readings(value, kind)
    return out


def read_spans(text: str) -> list[str]:
    """The spans of ``text`` whose number reading is a protected value's (this reader only)."""
    mine = readings_known()
    return [text[r.start : r.end] for r in numbers.text_readings(text) if r.term in mine]


# --- what it must read ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "part"),
    [
        # English dictation: digits, "oh", "double", tens
        (
            "en",
            "Call her on plus nine nine six, seven zero zero, two one eight, four five five.",
            "plus nine nine six, seven zero zero, two one eight, four five five",
        ),
        (
            "en",
            "Her number is seven, seven-oh-five, double two one, ninety, thirty-four.",
            "seven, seven-oh-five, double two one, ninety, thirty-four",
        ),
        # French: positional hundreds, quatre-vingt, paired digits with the trunk prefix
        (
            "fr",
            "Appelez le plus neuf cent quatre-vingt-seize, sept cents, deux cent dix-huit, "
            "quatre cent cinquante-cinq.",
            "plus neuf cent quatre-vingt-seize, sept cents, deux cent dix-huit, "
            "quatre cent cinquante-cinq",
        ),
        (
            "fr",
            "Elle est joignable au zéro six, soixante et onze, quarante-deux, cinquante-huit, "
            "zéro neuf.",
            "zéro six, soixante et onze, quarante-deux, cinquante-huit, zéro neuf",
        ),
        # German: compound number words, national format with trunk prefix
        (
            "de",
            "Die Nummer lautet null eins sechs null, fünfundfünfzig einundzwanzig, "
            "achtundachtzig dreißig.",
            "null eins sechs null, fünfundfünfzig einundzwanzig, achtundachtzig dreißig",
        ),
        (
            "de",
            "Erreichbar unter plus neunhundertsechsundneunzig, siebenhundert, "
            "zweihundertachtzehn, vierhundertfünfundfünfzig.",
            "plus neunhundertsechsundneunzig, siebenhundert, zweihundertachtzehn, "
            "vierhundertfünfundfünfzig",
        ),
        # Russian, Turkish, Kazakh words
        (
            "en",
            "Номер: семь семьсот пять двести двадцать один девяносто тридцать четыре.",
            "семь семьсот пять двести двадцать один девяносто тридцать четыре",
        ),
        (
            "en",
            "Numarası sıfır beş yüz otuz üç, dört yüz yetmiş bir, yirmi iki doksan.",
            "sıfır beş yüz otuz üç, dört yüz yetmiş bir, yirmi iki doksan",
        ),
        (
            "en",
            "Нөмірі жеті жеті жүз бес, екі жүз жиырма бір, тоқсан отыз төрт.",
            "жеті жеті жүз бес, екі жүз жиырма бір, тоқсан отыз төрт",
        ),
        # digits of other scripts: Arabic-Indic, Persian, full-width, Devanagari
        ("en", "The appeal prints +٩٩٦ ٧٠٠ ٢١٨ ٤٥٥ as the contact.", "+٩٩٦ ٧٠٠ ٢١٨ ٤٥٥"),
        ("en", "A note gives ۰۵۳۳ ۴۷۱ ۲۲۹۰ for the wife.", "۰۵۳۳ ۴۷۱ ۲۲۹۰"),
        (
            "en",
            "The screenshot shows ＋８６ １３８ ０４７１ ２２６５ in full.",
            "＋８６ １３８ ０４７１ ２２６５",
        ),
        ("en", "Written as ७७०५२२१९०३४ on the form.", "७७०५२२१९०३४"),
        # Chinese numerals, plain and financial
        ("en", "She wrote 一三八〇四七一二二六五 on the photograph.", "一三八〇四七一二二六五"),
        ("en", "The receipt says 壹叁捌零肆柒壹贰贰陆伍 in the margin.", "壹叁捌零肆柒壹贰贰陆伍"),
        # look-alike letters inside a run of digits
        ("en", "Typed from a photo: 65O1O2l99OO3l543lX, the lawyer has it.", "65O1O2l99OO3l543lX"),
        ("en", "Contact: +49 l6O 552l 883O (evenings).", "+49 l6O 552l 883O"),
        # identity numbers in words, with the check letter and a letter prefix
        (
            "de",
            "Die Ausweisnummer lautet sechs fünf null eins null zwei, eins neun neun null null "
            "drei eins fünf, vier drei eins X.",
            "sechs fünf null eins null zwei, eins neun neun null null drei eins fünf, "
            "vier drei eins X",
        ),
        (
            "en",
            "Her passport, A C five five one nine zero two seven, was kept.",
            "A C five five one nine zero two seven",
        ),
        (
            "en",
            "The IIN read aloud was nine oh oh three one five, four oh oh one two eight.",
            "nine oh oh three one five, four oh oh one two eight",
        ),
    ],
)
def test_reads_a_protected_number_however_written(
    known: TermSet, lang: str, text: str, part: str
) -> None:
    assert covered(text, part, known, lang), redact(text, lang=lang, known=known).text


def test_a_number_given_in_pieces_matches_each_piece_of_six_digits_or_more(known: TermSet) -> None:
    text = "The line begins +90 533. In a second message she gave the rest: 471 2290."
    assert read_spans(text) == ["471 2290"]
    assert covered(text, "471 2290", known)
    # the five digits of the first piece are left to the reviewer (unchecked), not matched
    assert not any("533" in text[h.start : h.end] for h in find_known(text, known))
    words = "Son portable commence par sept cents ; la suite : deux cent dix-huit puis "
    words += "quatre cent cinquante-cinq."
    assert covered(words, "deux cent dix-huit puis quatre cent cinquante-cinq", known, "fr")


def test_an_identity_number_matches_by_its_serial_end(known: TermSet) -> None:
    text = "His IIN ends in 400128, the lawyer said."
    assert read_spans(text) == ["400128"]
    text = "Die letzten Ziffern sind 9003154312 und dann nichts mehr."
    assert covered(text, "9003154312", known, "de")


def test_a_codename_with_its_number_in_words(known: TermSet) -> None:
    for text, part, lang in [
        ("The witness Falcon Four confirmed the transfer.", "Falcon Four", "en"),
        ("La source FALCON quatre a décrit la cellule.", "FALCON quatre", "fr"),
        ("Die Quelle Falcon vier bestätigte es.", "Falcon vier", "de"),
    ]:
        assert covered(text, part, known, lang)


def test_terms_are_tagged_and_bounded() -> None:
    for value, kind in VALUES:
        terms = numbers.value_readings(value, kind)
        assert terms, value
        assert all(t.startswith(numbers.TAG) for t in terms)
        assert len(terms) <= 150
    assert numbers.value_readings("Almaty", "place") == set()
    assert numbers.value_readings("1990-03-15", "date_of_birth") == set()


# --- what it must refuse -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # another phone number of the same operator block, grouped the same way
        "The consulate's line is +996 700 218 456.",
        "Call the office on nine nine six, seven zero zero, two one eight, four five six.",
        # a neighbour's PRC ID: same region and birth date, another serial
        "The neighbour's ID number is 650102199003152228.",
        "Her ID number is 650102 19900315 2228, issued in Urumqi.",
        # the start of the protected ID alone is a place and a birth date, shared by others
        "The ID begins 650102199003, the rest is unknown.",
        # years, counts, percentages, quantities, document symbols
        "In 1990, 2003 and 2015 about 1,500 men were held 20 km away; 55% were released.",
        "The Working Group adopted Opinion No. 8/2022 on CERD/C/CHN/CO/14-17.",
        "The Council rejected it by nineteen votes to seventeen at its fifty-first session.",
        "Der Rat lehnte mit neunzehn zu siebzehn Stimmen ab, zwölf Jahre Haft.",
        "Il a été condamné à quinze ans par le tribunal, dix-neuf voix contre dix-sept.",
        # the country code and operator prefix are shared by every subscriber
        "Her number starts with +996 700 and nothing more was said.",
        # a codename's word with another number, or another word with its number
        "Falcon Five and Article 4 were cited.",
    ],
)
def test_refuses_an_unrelated_number(known: TermSet, text: str) -> None:
    assert read_spans(text) == []
    assert not [
        h for h in find_known(text, known) if h.info.kind in ("phone", "id_number", "codename")
    ]


def test_reading_a_long_text_is_linear_work() -> None:
    """No test times a wall clock: a long text gives at most linearly more readings than one
    sentence (quadratic work would give about as many times more as there are sentences)."""
    sentence = (
        "On 14 March 2019 the court in Ghulja sentenced him to fourteen years; his sister, "
        "who lives at number twelve with 3 children, called on +44 20 7946 0018 at 8 p.m. "
    )
    one = len(list(numbers.text_readings(sentence)))
    n = 2000 // len(sentence.split()) + 1
    many = len(list(numbers.text_readings(sentence * n)))
    assert many <= 2 * n * (one + 1)
