"""What a document shows, in order and in its language: an :class:`UrgentAction` with every
fixed wording taken from the catalogue and every date written by Babel. Pure.

All four writers lay out the same :class:`Layout`, so a heading or a date cannot differ between
the Word, PDF, HTML and Markdown files of one action.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vault.publish.catalogue import catalogue
from vault.publish.document import UrgentAction


@dataclass(frozen=True)
class Line:
    """A labelled value: "Country: China"."""

    label: str
    value: str


@dataclass(frozen=True)
class Section:
    """One person: heading, fact lines and narrative paragraphs."""

    heading: str
    facts: tuple[Line, ...]
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Addressee:
    """An official to write to; the address one line per element."""

    title: str
    name: str
    address: tuple[str, ...]
    salutation: Line | None


@dataclass(frozen=True)
class Layout:
    """A document's content as the writers show it, top to bottom."""

    lang: str
    banner: str  # URGENT ACTION
    headline: str  # UA 061/21-1
    title: str
    details: tuple[Line, ...]  # date, first issue, follow-up, country, document index
    text: tuple[str, ...]
    people_heading: str
    people: tuple[Section, ...]
    asks_heading: str
    asks: tuple[str, ...]
    officials_heading: str
    officials: tuple[Addressee, ...]
    closing: str | None  # the deadline sentence, when the action has one
    imprint: str  # Published by <organisation>.
    author: str  # the organisation: the only author any metadata names
    published: dt.date

    @property
    def meta_title(self) -> str:
        """The title a file's metadata carries: "UA 061/21-1: <title>"."""
        return f"{self.headline}: {self.title}"


def _lines(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def layout(doc: UrgentAction) -> Layout:
    """The layout of ``doc`` in ``doc.lang``; an unknown language is a UsageError."""
    cat = catalogue(doc.lang)
    details = [Line(cat.say("Date"), cat.date(doc.published))]
    if doc.follow_up:
        details.append(Line(cat.say("Follow-up"), cat.number(doc.follow_up)))
        details.append(Line(cat.say("First issued"), cat.date(doc.issued)))
    details.append(Line(cat.say("Country"), doc.country))
    if doc.document_index:
        details.append(Line(cat.say("Document"), doc.document_index))
    salutation = cat.say("Salutation")
    officials = tuple(
        Addressee(
            official.title,
            official.name,
            _lines(official.address),
            Line(salutation, official.salutation) if official.salutation else None,
        )
        for official in doc.officials
    )
    people = tuple(
        Section(
            person.heading,
            tuple(Line(label, value) for label, value in person.facts),
            person.narrative,
        )
        for person in doc.people
    )
    closing = None
    if doc.closes is not None:
        closing = cat.say("Please take action before %(date)s.", date=cat.date(doc.closes))
    return Layout(
        lang=doc.lang,
        banner=cat.say("URGENT ACTION"),
        headline=cat.say("UA %(number)s", number=doc.number),
        title=doc.title,
        details=tuple(details),
        text=doc.text,
        people_heading=cat.say("People concerned"),
        people=people,
        asks_heading=cat.say("Recommended action"),
        asks=doc.asks,
        officials_heading=cat.say("Write to"),
        officials=officials,
        closing=closing,
        imprint=cat.say("Published by %(organisation)s.", organisation=doc.organisation),
        author=doc.organisation,
        published=doc.published,
    )
