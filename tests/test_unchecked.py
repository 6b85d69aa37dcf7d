"""Unchecked spans (vault.redact.unchecked): each shape a reviewer must be made to look at, what
must NOT be marked (the burden), public terms, redactions, and text read as the last leak gate
reads it. All fictional."""

from __future__ import annotations

import pytest

from vault.redact.engine import redact
from vault.redact.entities import EntityInfo, TermSet
from vault.redact.unchecked import KINDS, find_unchecked, term_keys, value_shapes


def marked(text: str, lang: str = "en", **kw: object) -> list[tuple[str, str]]:
    return [(u.kind, text[u.start : u.end]) for u in find_unchecked(text, lang, **kw)]  # type: ignore[arg-type]


def kinds_of(text: str, lang: str = "en") -> set[str]:
    return {k for k, _ in marked(text, lang)}


# --- what must be marked, by kind -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "kind", "span"),
    [
        # numbers: digits of any script and separators, words, mixed, look-alike letters
        ("The file number is 4471 9920.", "en", "number", "4471 9920"),
        ("Le dossier porte le numéro ٤٤٧١٩٩٢٠ selon elle.", "fr", "number", "٤٤٧١٩٩٢٠"),
        (
            "She dictated nine nine six, five five five slowly.",
            "en",
            "number",
            "nine nine six, five five five",
        ),
        (
            "Er nannte fünfhundertfünfundfünfzig als Vorwahl.",
            "de",
            "number",
            "fünfhundertfünfundfünfzig",
        ),
        (
            "Il a dit quatre-vingt-treize mille cent.",
            "fr",
            "number",
            "quatre-vingt-treize mille cent",
        ),
        ("The ID reads 65O1O2l988O9l7342X on the card.", "en", "number", "65O1O2l988O9l7342X"),
        ("Her passport, A N 47 28 193, expired.", "en", "number", "A N 47 28 193"),
        ("Une somme de 1,500 yuans a été versée.", "fr", "number", "1,500"),
        # phones
        ("Call +49 l5l 2384 77l6 after six.", "en", "phone", "+49 l5l 2384 77l6"),
        (
            "Her line is +33 six, forty-eight, 27 93 fifteen.",
            "en",
            "phone",
            "+33 six, forty-eight, 27 93 fifteen",
        ),
        # dates with their day, in words, numeric, CJK, weekdays
        ("He was born on 9 March 1971 in a village.", "en", "date", "9 March 1971"),
        ("Née le 3 mars 1971, elle vit à Lyon.", "fr", "date", "3 mars 1971"),
        (
            "Geboren am Samstag, den 17. September 1988.",
            "de",
            "date",
            "Samstag, den 17. September 1988",
        ),
        ("The notice gives 17.09.88 as the date.", "en", "date", "17.09.88"),
        ("Written 5/3/'79 on the back.", "en", "date", "5/3/'79"),
        ("Born 13.IX.1965, the file says.", "en", "date", "13.IX.1965"),
        ("出生于1971年3月9日。", "en", "date", "1971年3月9日"),
        ("Born 一九七一年三月九日.", "en", "date", "一九七一年三月九日"),
        (
            "She was born on the twenty-eighth of January 1964.",
            "en",
            "date",
            "twenty-eighth of January 1964",
        ),
        ("Родилась 9 марта 1971 года в Кульдже.", "en", "date", "9 марта 1971"),
        # ... and the Cyrillic words around it, in another script than the draft's
        ("Родилась 9 марта 1971 года в Кульдже.", "en", "name", "года в Кульдже"),
        # contacts
        ("Write to aygul.t@example.org today.", "en", "email", "aygul.t@example.org"),
        (
            "Écrire à gulzire.neyaz arobase example point com svp.",
            "fr",
            "email",
            "gulzire.neyaz arobase example point com",
        ),
        ("Mail: dilnur [at] example (dot) net", "en", "email", "dilnur [at] example (dot) net"),
        ("Open mailto:someone%40example.net now.", "en", "email", "mailto:someone%40example.net"),
        ("Follow @toksun_watch for news.", "en", "handle", "@toksun_watch"),
        ("See t.me/some_relative_88 for the channel.", "en", "handle", "t.me/some_relative_88"),
        (
            "Her id is gulnar underscore almaty eighty-seven online.",
            "en",
            "handle",
            "gulnar underscore almaty eighty-seven",
        ),
        # encoded text: what it hides is unknown, so a reviewer reads it decoded
        (
            "In the page source: &#65;&#121;&#103;&#117;&#108; indeed.",
            "en",
            "encoded",
            "&#65;&#121;&#103;&#117;&#108;",
        ),
        ("The link had q=Ayg%C3%BCl%20Tursun in it.", "en", "encoded", "Ayg%C3%BCl%20Tursun"),
        ("Encoded as QXlnw7xsIFR1cnN1bg== in the file.", "en", "encoded", "QXlnw7xsIFR1cnN1bg=="),
        # dates in other calendars, and a day as an ordinal in digits
        (
            "Born on the 12th of Rajab 1391 by the family's reckoning.",
            "en",
            "date",
            "12th of Rajab 1391",
        ),
        ("She was born on the 28th of January 1964.", "en", "date", "28th of January 1964"),
        # addresses: a street word with a number near it
        ("Ze woont op de Prinsengracht 263 in Amsterdam.", "en", "address", "Prinsengracht 263"),
        ("The family lives at Lenin St. 14, flat 3 now.", "en", "address", "Lenin St. 14, flat 3"),
        ("Sie wohnt in der Lindenstraße 4 in Berlin.", "de", "address", "Lindenstraße 4"),
        ("Адрес: ул. Абая 15, кв. 7.", "en", "address", "ул. Абая 15, кв. 7"),
        # names: capitalised and rare, or in another script
        ("Her cousin Nurbek Sadyrov lives abroad.", "en", "name", "Nurbek Sadyrov"),
        ("The statement was signed by YASINOVA M. in court.", "en", "name", "YASINOVA M."),
        ("A letter from A. Tursunova arrived.", "en", "name", "A. Tursunova"),
        ("Chinese media named her 帕提古丽·托合提 in a video.", "en", "name", "帕提古丽·托合提"),
        ("The message from «Красный абрикос» arrived.", "en", "name", "Красный абрикос"),
        ("C'est d'Aygul que vient la lettre.", "fr", "name", "Aygul"),
        ("Die Familie von Aygul Tursun lebt in Berlin.", "de", "name", "Aygul Tursun"),
    ],
)
def test_each_shape_is_marked(text: str, lang: str, kind: str, span: str) -> None:
    assert (kind, span) in marked(text, lang), marked(text, lang)


def test_every_kind_has_a_reason_and_a_test_above() -> None:
    assert set(KINDS) == {
        "email",
        "handle",
        "phone",
        "date",
        "address",
        "number",
        "encoded",
        "name",
    }


# --- what must not be marked: the reviewer's burden ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("He was detained in 2017 and sentenced in 2019 to 15 years.", "en"),  # bare years
        ("Detained: 2017-07", "en"),  # an approximate date: year and month
        ("She has not been heard from since June 2019.", "en"),  # month and year, no day
        ("The family has received no official information.", "en"),
        ("Die Familie hat keine offizielle Nachricht erhalten.", "de"),  # German nouns are common
        ("La famille n'a reçu aucune information officielle.", "fr"),
        ("One of the three men was released on bail.", "en"),  # number words that are not a number
        ("She said one or two things about it.", "en"),
        ("The office is on the 5th floor, 3rd door on the left.", "en"),  # ordinals, no month
        ("Le 3e rapport du Comité a été publié.", "fr"),
    ],
)
def test_ordinary_text_is_not_marked(text: str, lang: str) -> None:
    assert marked(text, lang) == []


def test_a_public_term_clears_a_span_and_only_its_own_words() -> None:
    text = "He was held in Toksun with Nurbek Sadyrov."
    before = marked(text)
    assert ("name", "Toksun") in before and ("name", "Nurbek Sadyrov") in before
    public = frozenset(term_keys("Toksun", "name"))
    after = marked(text, public=public)
    assert ("name", "Toksun") not in after and ("name", "Nurbek Sadyrov") in after
    # a surname accepted for a public person does not clear a relative who shares it
    public |= frozenset(term_keys("Alim Sadyrov", "name"))
    assert ("name", "Nurbek Sadyrov") in marked(text, public=public)


def test_a_span_is_cleared_only_as_its_own_kind() -> None:
    # accepting "2018" as a number does not clear a date that contains it
    public = frozenset(term_keys("4471", "number"))
    assert ("date", "9 March 1971") in marked("Born 9 March 1971; file 4471.", public=public)
    assert ("number", "4471") not in marked("Born 9 March 1971; file 4471.", public=public)


def test_redactions_are_skipped_and_what_touches_them_keeps_its_outside() -> None:
    text = "Call [withheld] or write to @[withheld]_news."
    a = text.index("[withheld]")
    b = text.index("[withheld]", a + 1)
    skip = [(a, a + 10), (b, b + 10)]
    got = marked(text, skip=skip)
    assert all(
        not (s < y and x < e)
        for x, y in skip
        for (_, span) in got
        for s, e in [(text.index(span), text.index(span) + len(span))]
    )


def test_text_is_read_after_nfkc_and_without_invisible_characters() -> None:
    # full-width digits and a zero-width space inside a number: read as the gate reads them
    text = "Her number ends in ４４７１\u200b９９２０ as she wrote."
    got = marked(text)
    assert got and got[0][0] == "number" and got[0][1].startswith("４４７１")
    # a soft hyphen inside a name does not hide it
    assert kinds_of("Her cousin Nur\u00adbek Sadyrov called.") == {"name"}


def test_a_partial_redaction_widens_to_the_whole_shape() -> None:
    # the known local part of a handle or an e-mail: nothing of the shape is left beside it
    known = TermSet()
    known.add_value("gulnar_almaty87", EntityInfo("email", "secret"))
    out = redact("Readers can DM @gulnar_almaty87 on Telegram.", lang="en", known=known)
    assert "@" not in out.text and "gulnar" not in out.text
    shapes = value_shapes("Call +49 151 2384 7716 today")
    assert "phone" in {k for _, _, k in shapes}
