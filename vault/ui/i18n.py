"""The interface's wording in English, French and German, from Babel ``.po`` catalogues.

A language is ``locale/<lang>/LC_MESSAGES/ui.po`` beside this module, read and compiled in
memory (no ``.mo`` in git), as the publication catalogues are. English is the source text.
Each language has its own Jinja2 environment, so one request's language never leaks into
another's page.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from vault.errors import UsageError

LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "de": "Deutsch"}
DOMAIN = "ui"


def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of ``lang`` (English: the source text itself)."""
    if lang not in LANGUAGES:
        raise UsageError(f"no interface language {lang!r} (known: {', '.join(LANGUAGES)})")
    if lang == "en":
        return NullTranslations()
    source = files("vault.ui").joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    if not source.is_file():
        return NullTranslations()
    po = read_po(io.BytesIO(source.read_bytes()), locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, po)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def user_text(value: object) -> Markup:
    """Text a person typed, in its own direction: a Uyghur name reads right to left inside an
    English sentence, and an English one left to right on a page of Arabic script."""
    if value is None or value == "":
        return Markup("")
    return Markup('<span dir="auto">{}</span>').format(value)


def pick_language(accept_language: str | None) -> str:
    """The first of the browser's languages the interface speaks; English otherwise."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        base = tag.split("-")[0]
        if base in LANGUAGES:
            return base
    return "en"


@cache
def catalogue(lang: str) -> NullTranslations:
    """``lang``'s compiled catalogue, once per process: for the few lines a page writes in
    Python (a refusal it explains in the person's language)."""
    return translations(lang)


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("vault.ui", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(catalogue(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["u"] = user_text
    env.globals["LANGUAGES"] = LANGUAGES
    return env


def render(lang: str, template: str, context: dict[str, Any]) -> str:
    return environment(lang).get_template(template).render(context)
