"""Every word of the interface is translated into French and German: the catalogues are checked
against what the templates and pages actually say (extracted with the project's own extraction
map, vault/ui/babel.cfg, as `pybabel extract` reads it), so a new English string without its
translations fails here, not in front of a user. A translation keeps the placeholders of its
English text exactly: Jinja2's newstyle gettext formats every message with its named values,
so a lost, renamed or extra `%(name)s` (or a bare `%`) breaks the page or drops a fact."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from markupsafe import escape

from vault.ui import i18n

UI = Path(str(files("vault.ui")))
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != "en"]
#: gettext's plural rule of each language (two forms: French counts 0 and 1 as singular).
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "de": "nplurals=2; plural=(n != 1);"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@cache
def _said() -> frozenset[str]:
    with (UI / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(UI), method_map=method_map, options_map=options_map
    ):
        found.add(message if isinstance(message, str) else message[0])
    return frozenset(found)


def _catalog(lang: str) -> Catalog:
    source = UI / "locale" / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    return read_po(BytesIO(source.read_bytes()), locale=lang, domain=i18n.DOMAIN)


def _key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _complete(message: Message) -> bool:
    """Translated, and in every plural form if it has them."""
    string = message.string
    return all(string) if isinstance(string, tuple | list) else bool(string)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _wrong_placeholders(message: Message) -> str | None:
    """What is wrong with the placeholders of one translation, if anything."""
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    names = set().union(*(_placeholders(i) for i in ids))
    values = {name: "x" for name in names}
    for n, string in enumerate(strings):
        # The last (or only) form names exactly what the English names; an earlier plural form
        # may leave the count out ("une entrée"), never add a name.
        got = _placeholders(string)
        last = n == len(strings) - 1
        expected = _placeholders(ids[-1]) if last else names
        if (got != expected) if last else not got <= expected:
            return f"placeholders {sorted(got)} where the English has {sorted(expected)}"
        try:
            string % values  # what Jinja2's newstyle gettext does to every message
        except (KeyError, ValueError, TypeError) as e:
            return f"does not format: {e!r} (a literal % is written %%)"
        if "<" in string or ">" in string:
            return "markup in a translation (the English has none; it would show escaped)"
    return None


def test_the_extraction_finds_the_templates() -> None:
    said = _said()
    assert len(said) > 40
    assert {"Lock now", "Audit log", "Drafts and review"} <= said


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang: str) -> None:
    translated = {_key(m) for m in _catalog(lang) if m.id and _complete(m) and not m.fuzzy}
    missing = sorted(_said() - translated)
    assert not missing, f"{lang}: {len(missing)} untranslated or fuzzy, e.g. {missing[:5]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders_of_the_english(lang: str) -> None:
    wrong = {
        _key(m): problem
        for m in _catalog(lang)
        if m.id and m.string and (problem := _wrong_placeholders(m))
    }
    assert not wrong, f"{lang}: {wrong}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogue_header_and_no_leftovers(lang: str) -> None:
    catalog = _catalog(lang)
    assert str(catalog.locale) == lang
    assert catalog.mime_headers and dict(catalog.mime_headers)["Language"] == lang
    assert catalog.charset.lower() == "utf-8"
    assert dict(catalog.mime_headers)["Plural-Forms"] == PLURAL_FORMS[lang]
    assert not catalog.fuzzy, "the header is marked fuzzy"
    assert not catalog.obsolete, f"obsolete (#~) entries: {sorted(catalog.obsolete)[:5]}"


def test_the_placeholder_check_catches_what_it_should() -> None:
    def message(msgid: str, msgstr: str) -> Message:
        return Message(msgid, msgstr)

    assert _wrong_placeholders(message("Case %(id)s", "Dossier %(id)s")) is None
    assert _wrong_placeholders(message("Case %(id)s", "Dossier %(ident)s"))
    assert _wrong_placeholders(message("Case %(id)s", "Dossier"))
    assert _wrong_placeholders(message("Case", "Dossier %(id)s"))
    assert _wrong_placeholders(message("Done", "100 % fait"))
    assert _wrong_placeholders(message("Done", "100 %% fait")) is None
    plural = Message(("%(num)s entry", "%(num)s entries"), ("une entrée", "%(num)s entrées"))
    assert _wrong_placeholders(plural) is None


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_lock_page_reads_in_the_language(lang: str) -> None:
    context = {
        "lang": lang,
        "form_token": "x",
        "user": "cara",
        "role": "caseworker",
        "unlocked": False,
        "path": "/",
        "error": None,
    }
    page = i18n.render(lang, "lock.html", context)
    catalog = _catalog(lang)
    for english in ("The vault is locked", "Unlock", "Skip to content", "Language"):
        translation = catalog[english].string
        assert translation and translation != english
        assert str(escape(translation)) in page
    assert f'<html lang="{lang}">' in page


def test_a_page_is_rendered_in_the_session_language() -> None:
    env = i18n.environment("fr")
    text = env.from_string('{{ _("Lock now") }}').render()
    assert text != "Lock now" and text
    assert i18n.environment("de").from_string('{{ _("Lock now") }}').render() not in (
        "Lock now",
        text,
    )


def test_user_text_keeps_its_own_direction_and_is_escaped() -> None:
    assert str(i18n.user_text("ئايگۈل")) == '<span dir="auto">ئايگۈل</span>'
    assert str(i18n.user_text("<b>x</b>")) == '<span dir="auto">&lt;b&gt;x&lt;/b&gt;</span>'
    assert str(i18n.user_text(None)) == ""


def test_browser_language_is_followed_when_spoken() -> None:
    assert i18n.pick_language("de-CH,de;q=0.9,en;q=0.8") == "de"
    assert i18n.pick_language("ug,fr;q=0.5") == "fr"
    assert i18n.pick_language("ug,zh") == "en"
    assert i18n.pick_language(None) == "en"
