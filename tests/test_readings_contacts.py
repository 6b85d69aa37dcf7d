"""The contacts reader (issue 21): a protected e-mail address or messenger handle is found in any
form that gives it back once spaces, brackets and the words for "at", "dot" and "underscore" are
read, and an unrelated address, a common word or a public name is not. All values are invented."""

from __future__ import annotations

import pytest

from tests.redaction_helpers import covered
from vault.redact.engine import redact
from vault.redact.entities import EMAIL_WORDS, EntityInfo, TermSet, find_known
from vault.redact.readings import contacts

EMAIL = "aigerim.tasova@example.org"
EMAIL_DIGITS = "nurlanbek77@example.net"
HANDLE = "@aigerim_astana91"
WECHAT = "liuxmei_1968"
COMMON = "contact@example.org"  # a local part that is a common word
CITY_HANDLE = "@almaty1990"  # letters that are a public place

VALUES = [EMAIL, EMAIL_DIGITS, HANDLE, WECHAT, COMMON, CITY_HANDLE]


@pytest.fixture(scope="module")
def known() -> TermSet:
    ts = TermSet()
    for value in VALUES:
        ts.add_value(value, EntityInfo("email", "confidential"))
    return ts


def read_spans(text: str) -> list[str]:
    """The spans of ``text`` whose contact reading is a protected value's (this reader only)."""
    mine: set[str] = set()
    for value in VALUES:
        mine |= contacts.value_readings(value, "email")
    return [text[r.start : r.end] for r in contacts.text_readings(text) if r.term in mine]


@pytest.mark.parametrize(
    ("lang", "text", "part"),
    [
        ("en", "Write to aigerim dot tasova at example dot org for news.", None),
        ("en", "Contact: aigerim[dot]tasova[at]example[dot]org", None),
        ("en", "Contact: aigerim.tasova (at) example (dot) org today.", None),
        ("en", "Contact: aigerim.tasova{at}example{dot}org today.", None),
        ("en", "The appeal lists aigerim.tasova AT example DOT org as contact.", None),
        ("en", "Mail aigerim.tasova_at_example.org now.", "aigerim.tasova_at_example.org"),
        ("en", "Defanged: aigerim.tasova[@]example[.]org.", "aigerim.tasova[@]example[.]org"),
        ("en", "Spelled a i g e r i m . t a s o v a @ e x a m p l e . o r g to filters.", None),
        ("en", "Link: mailto:aigerim.tasova%40example.org in the petition.", None),
        ("en", "Full width: aigerim.tasova＠example．org here.", "aigerim.tasova＠example．org"),
        (
            "en",
            "Hidden: aigerim.tasova@\u200bexample.org here.",
            "aigerim.tasova@\u200bexample.org",
        ),
        ("en", "Reply to aigerim.ta-\nsova@example.org with documents.", None),
        ("en", "Look-alike: аigerim.tasovа@exаmple.org (Cyrillic a).", None),
        ("fr", "Écrire à aigerim.tasova arobase example point org.", None),
        ("fr", "Son adresse est aigerim point tasova chez example point org.", None),
        ("fr", "Contact : nurlanbek77 (arobase) example (point) net.", None),
        ("de", "Per E-Mail an aigerim.tasova ät example Punkt org.", None),
        ("de", "Kontakt: aigerim Punkt tasova (Klammeraffe) example Punkt org", None),
        ("en", "Пишите: aigerim точка tasova собака example точка org", None),
        ("en", "Yazın: aigerim nokta tasova et example nokta org", None),
        # handles, with or without @, with a platform link, spoken
        ("en", "She is on Telegram as aigerim_astana91 and answers at night.", "aigerim_astana91"),
        ("en", "Readers can DM @aigerim_astana91 for updates.", "@aigerim_astana91"),
        ("en", "She posts from t.me/aigerim_astana91 daily.", "t.me/aigerim_astana91"),
        ("en", "See instagram.com/aigerim_astana91 for photos.", "instagram.com/aigerim_astana91"),
        ("en", "Her username is aigerim underscore astana ninety-one.", None),
        ("de", "Der Name lautet aigerim Unterstrich astana einundneunzig.", None),
        ("en", "The WeChat ID is liuxmei_1968 and was deleted.", "liuxmei_1968"),
        ("en", "Her WeChat ID, spaced out, was l i u x m e i _ 1 9 6 8 in the note.", None),
        ("en", "Her WeChat name was liuxmei followed by her birth year.", "liuxmei"),
        # the local part alone, when distinctive
        ("en", "She signs as aigerim.tasova on the forum.", "aigerim.tasova"),
        ("en", "Her account nurlanbek77 posted it.", "nurlanbek77"),
    ],
)
def test_reads_a_protected_contact_however_written(
    known: TermSet, lang: str, text: str, part: str | None
) -> None:
    if part is None:  # the span between the first word and the end of the address
        part = _address_part(text)
    assert covered(text, part, known, lang), redact(text, lang=lang, known=known).text


def _address_part(text: str) -> str:
    for first in ("mailto:", "aigerim", "аigerim", "nurlanbek77", "a i g", "l i u"):
        if first in text:
            a = text.index(first)
            break
    else:
        raise AssertionError(text)
    ends = [
        text.index(t, a) + len(t)
        for t in ("org", "o r g", " net", "ninety-one", "einundneunzig", "1 9 6 8")
        if t in text[a:]
    ]
    return text[a : min(ends)]


@pytest.mark.parametrize(
    "text",
    [
        # another person at the same domain, the domain alone
        "Write to marat.tasov@example.org or see example.org for the press kit.",
        # a common-word local part and a public place are not looked for alone
        "Contact the consulate; Almaty officials declined to comment in 1990.",
        "Please contact us at the office. Example dot org is a public site.",
        # a first name from a handle, and the handle's words apart
        "Aigerim Nurlanova, a deputy minister in Astana, spoke on 9 May.",
        "The meeting at the embassy. Then the officials left at dawn.",
        # the letters of a WeChat ID that are not the ID
        "The liu family moved in 1968.",
    ],
)
def test_refuses_an_unrelated_contact(known: TermSet, text: str) -> None:
    assert read_spans(text) == []
    if "contact" not in text.lower():  # the spelling layer looks for a local part by itself
        assert not [h for h in find_known(text, known) if h.info.kind == "email"]


def test_terms_are_tagged_specific_and_bounded() -> None:
    assert contacts.value_readings(EMAIL, "email") == {
        contacts.TAG + contacts.key("aigerim.tasova") + "@" + contacts.key("example.org"),
        contacts.USER_TAG + contacts.key("aigerim.tasova"),
    }
    # a common word or a place is never a key by itself
    assert contacts.value_readings(COMMON, "email") == {
        contacts.TAG + contacts.key("contact@example.org")
    }
    assert contacts.value_readings(CITY_HANDLE, "email") == {
        contacts.USER_TAG + contacts.key("almaty1990")
    }
    # a handle read without its @ or platform link; letters before a number when distinctive
    assert contacts.value_readings("https://t.me/aigerim_astana91", "email") == {
        contacts.USER_TAG + contacts.key("aigerim_astana91")
    }
    assert contacts.USER_TAG + contacts.key("liuxmei") in contacts.value_readings(WECHAT, "email")
    for value in VALUES:
        terms = contacts.value_readings(value, "email")
        assert 1 <= len(terms) <= 3
        assert all(t.startswith(contacts.TAG) for t in terms)
    assert contacts.value_readings("Aigerim Tasova", "name") == set()


def test_reading_a_long_text_is_linear_work() -> None:
    """No test times a wall clock: a long text gives at most linearly more readings than one
    sentence (quadratic work would give about as many times more as there are sentences)."""
    sentence = (
        "Her sister, who writes at night from the consulate at Almaty, met officials at the "
        "embassy. Contact the office at press@example.org or call at 8 p.m. "
    )
    one = len(list(contacts.text_readings(sentence)))
    n = 2000 // len(sentence.split()) + 1
    many = len(list(contacts.text_readings(sentence * n)))
    assert many <= 2 * n * (one + 1)


@pytest.mark.parametrize(("at", "dot"), EMAIL_WORDS)  # each the spelling layer spells
@pytest.mark.parametrize("local_dot", [True, False])
def test_an_address_spoken_in_any_language_is_read(
    known: TermSet, at: str, dot: str, local_dot: bool
) -> None:
    local = f"aigerim {dot} tasova" if local_dot else "aigerim.tasova"
    for shown in (
        f"{local} {at} example {dot} org",
        f"{local} {at.upper()} example {dot.upper()} org",
        f"{local} [{at}] example [{dot}] org",
    ):
        text = f"Write to {shown} for news."
        assert covered(text, shown, known), text
        assert read_spans(text), text  # the reader itself, not only the spelling layer


def test_an_unrelated_spoken_address_is_not_read(known: TermSet) -> None:
    text = "Write to aigerim dot tasov arroba example punto org for news."
    assert read_spans(text) == []
