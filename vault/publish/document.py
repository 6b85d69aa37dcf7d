"""An Urgent Action as a document: plain data, built from approved draft text only. Pure.

The writers (DOCX, PDF, HTML, Markdown) take one :class:`UrgentAction` in one language and give
bytes; nothing else goes into a file. Every string here is approved public text, or a label the
writers take from the language's catalogue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

FORMATS = ("docx", "pdf", "html", "md")


@dataclass(frozen=True)
class Official:
    """Someone to write to, as the action's approved text gives them."""

    title: str
    name: str
    address: str | None = None
    salutation: str | None = None


@dataclass(frozen=True)
class Person:
    """One person's section, from their approved case draft: a heading (their name with
    consent, else a description), fact lines (label, value) and narrative paragraphs."""

    heading: str
    facts: tuple[tuple[str, str], ...] = ()
    narrative: tuple[str, ...] = ()


@dataclass(frozen=True)
class UrgentAction:
    """One Urgent Action in one language.

    ``number`` is as printed (``061/21``, ``061/21-1`` for the first follow-up); ``issued`` is
    the date of the first issue, ``published`` the date of this publication (every date a file
    carries, metadata included); ``closes`` the last day to act, if the action says one.
    ``organisation`` is the author a file's metadata names (from the policy), never a person.
    """

    lang: str
    number: str
    follow_up: int
    title: str
    country: str
    issued: dt.date
    published: dt.date
    organisation: str
    document_index: str | None = None
    closes: dt.date | None = None
    text: tuple[str, ...] = ()  # the action's own paragraphs
    asks: tuple[str, ...] = ()  # recommended actions, one paragraph each
    officials: tuple[Official, ...] = ()
    people: tuple[Person, ...] = field(default_factory=tuple)


def file_stem(doc: UrgentAction) -> str:
    """The file name without extension: ``UA-061-21-en``, ``UA-061-21-1-de``. Public parts only."""
    return f"UA-{doc.number.replace('/', '-')}-{doc.lang}"
