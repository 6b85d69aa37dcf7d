"""The addresses reader (issue 21): a home address is found by its distinctive parts — the
street's own name, house and flat number, postcode — standing close together, however the
street type is abbreviated or the name transliterated; a public street with another number, or
a street name with no number near, is not a match."""

from __future__ import annotations

import pytest

from vault.redact.engine import redact
from vault.redact.entities import EntityInfo, TermSet
from vault.redact.readings.addresses import street_key, text_readings, value_readings

# invented addresses
ALMATY = "Zhibek Zholy St. 48, apt. 12, Almaty 050000"
ABAYA = "ул. Абая 15, кв. 7"
BERLIN = "Lindenstraße 4, 10115 Berlin"
ISTANBUL = "Atatürk Cad. No:12 D:5 Zeytinburnu/İstanbul"
MONTREUIL = "42 rue des Glycines, 93100 Montreuil"
MKR = "Zhetysu-2 microdistrict, building 14, apartment 37, Almaty"
NUMBERED = "Telsiz Mahallesi, 34. Sokak No. 12, Zeytinburnu, Istanbul"


def _read(value: str, text: str) -> list[str]:
    """The spans of text that read as one of value's terms."""
    terms = value_readings(value, "address")
    return [text[r.start : r.end] for r in text_readings(text) if r.term in terms]


def test_a_value_reads_as_its_parts_and_few_terms() -> None:
    assert value_readings(ALMATY, "address") >= {
        "#addr:jibekjoli|48",
        "#addr:jibekjoli|12",
        "#addr:pc50000|48",
    }
    assert value_readings(ISTANBUL, "address") == {"#addr:ataturk|12", "#addr:ataturk|5"}
    assert value_readings(BERLIN, "address") == {"#addr:linden|4", "#addr:pc10115|4"}
    assert "#addr:34|12" in value_readings(NUMBERED, "address")
    assert value_readings(ALMATY, "name") == set()
    for v in (ALMATY, ABAYA, BERLIN, ISTANBUL, MONTREUIL, MKR, NUMBERED):
        assert 0 < len(value_readings(v, "address")) <= 20


def test_the_street_key_folds_script_case_and_romanisation() -> None:
    assert street_key("Jibek Joly") == street_key("Zhibek Zholy") == street_key("ЖИБЕК ЖОЛЫ")
    assert street_key("Schetyssu") == street_key("Zhetysu")
    assert street_key("Atatürk") == street_key("ATATURK")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (ALMATY, "She lives at Jibek Joly Street 48, flat 12."),
        (ALMATY, "Адрес: Жибек Жолы, дом 48, кв. 12."),
        (ALMATY, "the flat on Zhibek-Zholy ulitsa, house forty-eight"),
        (ALMATY, "postcode 050000, building 48"),
        (ABAYA, "she lives on Abaya street 15 in Almaty"),
        (ABAYA, "ihre Wohnung: Abay-Straße 15, Wohnung 7"),
        (BERLIN, "Sie wohnt in der Lindenstr. 4 in Berlin."),
        (BERLIN, "wohnhaft Linden Straße vier"),
        (ISTANBUL, "Ataturk Caddesi No 12, Daire 5"),
        (ISTANBUL, "the family at 12 Atatürk Avenue"),
        (MONTREUIL, "habite au quarante-deux, rue des Glycines"),
        (MONTREUIL, "42, bd des Glycines, Montreuil"),
        (MKR, "Die Cousine wohnt im Mikrorajon Schetyssu-zwei, Haus vierzehn"),
        (MKR, "building fourteen, flat thirty-seven, in Almaty's Zhetysu-two microdistrict"),
        (NUMBERED, "at number twelve, Thirty-fourth Street, in the Telsiz quarter"),
        (NUMBERED, "au numéro douze de la trente-quatrième rue"),
    ],
)
def test_the_address_is_read_from_its_parts(value: str, text: str) -> None:
    assert _read(value, text)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (ALMATY, "The protest on Zhibek Zholy was dispersed."),  # the street, no number near
        (ALMATY, "Zhibek Zholy 7 is the city's main shopping street."),  # another house
        (ISTANBUL, "Atatürk Cad. No: 120 houses the consulate."),
        (ABAYA, "The ministry on Abay Avenue 33 declined to comment."),
        (BERLIN, "Die Lindenstraße 9 liegt in Köln."),
        (MONTREUIL, "93100 Montreuil is the postcode of the town hall, 1 place Jean-Jaurès."),
        (MKR, "Fourteen people were detained in Almaty in 2018."),
        (NUMBERED, "Article 34, paragraph 12 of the Convention applies."),
    ],
)
def test_a_public_street_or_other_number_does_not_match(value: str, text: str) -> None:
    assert not _read(value, text)


def test_a_public_street_with_another_number_does_not_match() -> None:
    value = "Tiananmen Lane 12, apt. 3, Beijing"
    assert not _read(value, "Protesters gathered at Tiananmen on 4 June, some 5 streets away.")
    assert _read(value, "his flat at Tiananmen Lane 12")


def test_redact_removes_the_parts_and_keeps_the_city() -> None:
    known = TermSet()
    known.add_value(MONTREUIL, EntityInfo("address", "secret"))
    text = "Mme Neyaz habite au quarante-deux, rue des Glycines, à Montreuil depuis 2019."
    out = redact(text, lang="fr", known=known).text
    assert "Glycines" not in out and "quarante-deux" not in out
    assert "2019" in out


def test_a_long_text_is_read_in_linear_work() -> None:
    """No test times a wall clock: a long text must give no more readings than its sentences
    give one by one, twice over (a reading may pair words across two sentences; none across
    many: no quadratic blow-up)."""
    sentence = "The court in Urumqi heard 12 witnesses on Friday, said Article 19."
    one = len(list(text_readings(sentence)))
    many = len(list(text_readings(" ".join([sentence] * 170))))
    assert many <= 2 * 170 * (one + 1)  # linear: quadratic work would give ~170 times more
