"""The text of a draft, and how a publication reads it back. Pure.

A draft's text is what a reviewer approves, word for word; a publication is built from nothing
else. So the text has a small fixed shape that :func:`parse_case_text` and
:func:`parse_action_text` read back into a :class:`~vault.publish.document.Person` or an
:class:`ActionText`:

A case draft: the heading (the person's name with consent, else a description), the fact lines
``Label: value``, a blank line, then the narrative paragraphs. No record id: the draft names its
subject in its signed body, not in its text.

An action draft::

    UA 061/21: <title>
    Country: <country>
    Issued: <YYYY-MM-DD>
    Document: <index>          (when set)
    Closes: <YYYY-MM-DD>       (when set)

    <the action's text>

    ## Recommended action
    <what to ask for>

    ## Write to
    Title: ...
    Name: ...
    Address: ...
    Salutation: ...

The keys are fixed English words so the shape does not depend on the language; the writers say
them in the document's language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vault.errors import ValidationError
from vault.publish import wording
from vault.publish.document import Official, Person

ASKS_HEADING = "## Recommended action"
OFFICIALS_HEADING = "## Write to"
_OFFICIAL_KEYS = ("Title", "Name", "Address", "Salutation")
_HEAD = re.compile(r"^UA (?P<n>[0-9]{3}/[0-9]{2})(?:-(?P<f>[0-9]{1,2}))?: (?P<title>.+)$")


@dataclass(frozen=True)
class CaseLayout:
    """What a case draft is built from, in one language (from the policy's [publication]
    table): fact lines in order as (field, label), the narrative field, the fields that describe
    a person who is not named (role -> field), the field holding their name, the fields
    whose values are status words (said in the draft's language), and the date field whose year
    a heading states the age at when the narrative states none."""

    facts: tuple[tuple[str, str], ...]
    summary: str | None
    portrait: Mapping[str, str]
    name_field: str | None
    status_fields: frozenset[str] = frozenset()
    age_at: str | None = None


def case_heading(
    public: Mapping[str, Any], lang: str, *, consent: bool, year: int, layout: CaseLayout
) -> str:
    """The person as a draft names them: their name with consent, else a description whose age
    agrees with the narrative (:func:`vault.publish.wording.age_year`)."""
    name = public.get(layout.name_field) if layout.name_field else None
    if consent and name:
        return str(name)
    portrait = {role: public.get(f) for role, f in layout.portrait.items()}
    summary = public.get(layout.summary) if layout.summary else None
    at = public.get(layout.age_at) if layout.age_at else None
    return wording.describe(
        portrait, lang, wording.age_year(portrait.get("birth_year"), summary, at, year)
    )


def case_gender(public: Mapping[str, Any], layout: CaseLayout) -> str | None:
    """The recorded gender (the portrait's gender field), for agreement; None if unknown."""
    field = layout.portrait.get("gender")
    return wording.gender_of(public.get(field)) if field else None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def case_text(
    public: Mapping[str, Any],
    lang: str,
    *,
    consent: bool,
    year: int,
    layout: CaseLayout,
) -> str:
    """The text of a case draft, from public fields only. Without consent the heading is a
    description of the person, never their name. Labels and values that are words are said in
    the draft's language and agree with the recorded gender; ``year`` is today, used for the
    age only when neither the narrative nor the policy's ``age_at`` date gives one."""
    heading = case_heading(public, lang, consent=consent, year=year, layout=layout)
    gender = case_gender(public, layout)
    lines = [_one_line(heading[:1].upper() + heading[1:])]
    for f, label in layout.facts:
        value = public.get(f)
        if value in (None, ""):
            continue
        if f in layout.status_fields:
            value = wording.status_word(value, lang, gender)
        elif isinstance(value, str):
            value = wording.localise_value(value, lang, gender)
        lines.append(f"{wording.agree(label, gender)}: {_one_line(str(value))}")
    summary = public.get(layout.summary) if layout.summary else None
    if summary:
        lines += ["", str(summary).strip()]
    return "\n".join(lines) + "\n"


def _paragraphs(lines: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append(" ".join(current))
            current = []
    return tuple(out)


def parse_case_text(text: str) -> Person:
    """A case draft's text as a person's section of a document. Refuses a text with no
    heading."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or not lines[0].strip():
        raise ValidationError("a case draft's text has no heading line")
    facts: list[tuple[str, str]] = []
    rest = 1
    for rest, line in enumerate(lines[1:], start=1):  # noqa: B007 (rest is used after the loop)
        if not line.strip():
            break
        label, sep, value = line.partition(": ")
        if not sep:
            break
        facts.append((label.strip(), value.strip()))
    else:
        rest = len(lines)
    return Person(lines[0].strip(), tuple(facts), _paragraphs(lines[rest:]))


@dataclass(frozen=True)
class ActionText:
    """What an approved action draft says, read back from its text."""

    number: str
    follow_up: int
    title: str
    country: str
    issued: dt.date
    document_index: str | None
    closes: dt.date | None
    text: tuple[str, ...]
    asks: tuple[str, ...]
    officials: tuple[Official, ...]


def action_text(action: Mapping[str, Any], lang: str) -> str:
    """An Urgent Action's draft text in one language (see the module docstring)."""
    number = str(action["action_id"]).removeprefix("UA ")
    if action.get("follow_up"):
        number += f"-{action['follow_up']}"
    lines = [f"UA {number}: {_one_line(str(action['title']))}"]
    lines.append(f"Country: {_one_line(str(action['country']))}")
    lines.append(f"Issued: {action['issued']}")
    if action.get("document_index"):
        lines.append(f"Document: {action['document_index']}")
    if action.get("closed"):
        lines.append(f"Closes: {action['closed']}")
    lines += ["", str(action.get("texts", {}).get(lang, "")).strip()]
    asks = str(action.get("asks", {}).get(lang, "")).strip()
    if asks:
        lines += ["", ASKS_HEADING, asks]
    officials = action.get("officials") or []
    if officials:
        lines += ["", OFFICIALS_HEADING]
        for i, official in enumerate(officials):
            if i:
                lines.append("")
            for key in _OFFICIAL_KEYS:
                value = official.get(key.lower())
                if value:
                    lines.append(f"{key}: {_one_line(str(value))}")
    return "\n".join(lines) + "\n"


def _date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(f"an action draft's {what} line is not a date") from None


def _officials(lines: Sequence[str]) -> tuple[Official, ...]:
    out: list[Official] = []
    block: dict[str, str] = {}
    for line in [*lines, ""]:
        if not line.strip():
            if block:
                if "title" not in block or "name" not in block:
                    raise ValidationError("an official in an action draft lacks a title or name")
                out.append(
                    Official(
                        block["title"], block["name"], block.get("address"), block.get("salutation")
                    )
                )
                block = {}
            continue
        key, sep, value = line.partition(": ")
        if not sep or key not in _OFFICIAL_KEYS:
            raise ValidationError("an action draft's 'Write to' section has a line it cannot read")
        block[key.lower()] = value.strip()
    return tuple(out)


def parse_action_text(text: str) -> ActionText:
    """An approved action draft's text read back. Refuses a text not in the shape
    :func:`action_text` writes (a hand edit that broke it), naming the line's role only."""
    lines = text.replace("\r\n", "\n").split("\n")
    head = _HEAD.match(lines[0]) if lines else None
    if head is None:
        raise ValidationError("an action draft's first line is not 'UA NNN/YY: title'")
    meta: dict[str, str] = {}
    i = 1
    while i < len(lines) and lines[i].strip():
        key, sep, value = lines[i].partition(": ")
        if not sep or key not in ("Country", "Issued", "Document", "Closes"):
            raise ValidationError("an action draft's header has a line it cannot read")
        meta[key] = value.strip()
        i += 1
    if "Country" not in meta or "Issued" not in meta:
        raise ValidationError("an action draft's header lacks its country or issue date")
    body = lines[i:]
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in body:
        if line.strip() in (ASKS_HEADING, OFFICIALS_HEADING) and line.strip() not in sections:
            current = line.strip()
            sections[current] = []
        else:
            sections[current].append(line)
    return ActionText(
        number=head["n"] + (f"-{head['f']}" if head["f"] else ""),
        follow_up=int(head["f"] or 0),
        title=head["title"].strip(),
        country=meta["Country"],
        issued=_date(meta["Issued"], "issue date"),
        document_index=meta.get("Document"),
        closes=_date(meta["Closes"], "closing date") if "Closes" in meta else None,
        text=_paragraphs(sections[""]),
        asks=_paragraphs(sections.get(ASKS_HEADING, [])),
        officials=_officials(sections.get(OFFICIALS_HEADING, [])),
    )
