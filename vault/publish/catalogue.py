"""The fixed wording of a document in each language, from Babel ``.po`` catalogues. Pure.

A language is a folder ``locale/<lang>/LC_MESSAGES/casevault.po``: adding one is adding that
file. Each catalogue is read and compiled in memory (no ``.mo`` in git); its ``Language`` header
is the Babel locale dates and numbers are written in (``en_GB`` writes "3 December 2026").
A message a catalogue does not translate is an error, never a silent English fallback.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from vault.errors import UsageError
from vault.publish.bundle import CATALOGUE, LOCALE, bundle_files


@dataclass(frozen=True)
class Catalogue:
    """One language's wording: ``say(msgid, **values)`` and Babel-formatted dates and numbers."""

    lang: str
    locale: Locale
    messages: frozenset[str]
    translations: Translations

    def say(self, msgid: str, **values: str) -> str:
        """The catalogue's wording of ``msgid`` with ``%(name)s`` placeholders filled."""
        if msgid not in self.messages:
            raise UsageError(f"the {self.lang} catalogue has no wording for {msgid!r}")
        text: str = self.translations.ugettext(msgid)
        return text % values if values else text

    def date(self, day: dt.date) -> str:
        """A date in the language's long form: "3 December 2026", "3 décembre 2026"."""
        return str(format_date(day, format="long", locale=self.locale))

    def number(self, value: int) -> str:
        """A number as the language writes it."""
        return str(format_decimal(value, locale=self.locale))


def _catalogue_paths() -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for name, data in bundle_files():
        parts = name.split("/")
        if len(parts) == 4 and parts[0] == LOCALE and parts[2:] == ["LC_MESSAGES", CATALOGUE]:
            found[parts[1]] = data
    return found


def languages() -> tuple[str, ...]:
    """The languages a document can be written in, found from the catalogue files, sorted."""
    return tuple(sorted(_catalogue_paths()))


@cache
def catalogue(lang: str) -> Catalogue:
    """The compiled catalogue of ``lang``; an unknown language, an untranslated or fuzzy
    message is a :class:`~vault.errors.UsageError` naming it."""
    source = _catalogue_paths().get(lang)
    if source is None:
        raise UsageError(f"no catalogue for language {lang!r} (known: {', '.join(languages())})")
    po = read_po(io.BytesIO(source), locale=None, domain="casevault")
    messages: set[str] = set()
    for message in po:
        if not message.id:
            continue
        if not isinstance(message.id, str) or not message.string or message.fuzzy:
            raise UsageError(f"the {lang} catalogue does not translate {message.id!r}")
        messages.add(message.id)
    if po.locale is None:
        raise UsageError(f"the {lang} catalogue has no Language header")
    compiled = io.BytesIO()
    write_mo(compiled, po)
    compiled.seek(0)
    return Catalogue(lang, po.locale, frozenset(messages), Translations(fp=compiled))
