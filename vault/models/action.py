"""Urgent Actions: one campaign, many cases. Pure data.

Every constraint says in plain words what it wants, so that an error names the field and the
expected form and never echoes the value or a regular expression.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from vault.models.case import CASE_ID_PATTERN, ShortText, Text

#: Languages an action is written in (the publication templates know these).
LANGUAGES = ("en", "fr", "de")
#: Fields of an action that are a single short value: what `--set FIELD=VALUE` may name.
SCALAR_FIELDS = ("action_id", "title", "country", "issued", "closed", "follow_up", "document_index")
#: The fields an edit may clear (the others are required).
OPTIONAL_FIELDS = ("closed", "document_index")
MAX_OFFICIALS = 50
MAX_ACTION_CASES = 10_000


def _matches(pattern: str, expected: str) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(expected)
        return value

    return AfterValidator(check)


ActionId = Annotated[
    str,
    _matches(r"UA [0-9]{3}/[0-9]{2}", "'UA', a space, three digits, '/', two digits (UA 061/21)"),
]
Day = Annotated[
    str, _matches(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])", "a date as YYYY-MM-DD")
]
ActionCaseId = Annotated[
    str,
    _matches(
        CASE_ID_PATTERN.strip("^$"),
        "a case id: capital letters, digits and hyphens, 3-41 characters",
    ),
]
Lang = Annotated[str, _matches(r"en|fr|de", "a language: en, fr or de")]
#: An Amnesty-style document index, e.g. ``ASA 17/4243/2021``.
DocumentIndex = Annotated[
    str,
    _matches(
        r"[A-Z]{3} [0-9]{2}/[0-9]{1,5}/[0-9]{4}",
        "three capital letters, a space, then NN/NNNN/YYYY (ASA 17/4243/2021)",
    ),
]


class Official(BaseModel):
    """Someone to write to: title, name, postal address and the salutation of the letter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: ShortText
    name: ShortText
    address: ShortText | None = None
    salutation: ShortText | None = None


class Action(BaseModel):
    """One Urgent Action (`follow_up` 0 is the first issue; 1 is 061/21-1, and so on)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action_id: ActionId
    title: ShortText
    country: ShortText
    issued: Day
    closed: Day | None = None
    follow_up: int = Field(default=0, ge=0, le=99)
    document_index: DocumentIndex | None = None
    texts: dict[Lang, Text] = Field(default_factory=dict)
    #: Recommended actions: what supporters should ask for, per language.
    asks: dict[Lang, Text] = Field(default_factory=dict)
    officials: list[Official] = Field(default_factory=list, max_length=MAX_OFFICIALS)
    case_ids: list[ActionCaseId] = Field(default_factory=list, max_length=MAX_ACTION_CASES)

    @field_validator("closed")
    @classmethod
    def _closes_after_issue(cls, closed: str | None, info: ValidationInfo) -> str | None:
        issued = info.data.get("issued")
        if closed is not None and isinstance(issued, str) and closed < issued:
            raise ValueError("the action closes before it was issued")
        return closed

    @field_validator("case_ids")
    @classmethod
    def _each_case_once(cls, case_ids: list[str]) -> list[str]:
        if len(set(case_ids)) != len(case_ids):
            raise ValueError("a case is named twice")
        return case_ids

    def number(self) -> str:
        """The number as printed: ``061/21``, then ``061/21-1`` for the first follow-up."""
        base = self.action_id.removeprefix("UA ")
        return f"{base}-{self.follow_up}" if self.follow_up else base
