"""Urgent Actions: one campaign, many cases. Pure data."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from vault.models.case import CaseId, IsoDate, ShortText, Text

ActionId = Annotated[str, StringConstraints(pattern=r"^UA [0-9]{3}/[0-9]{2}$")]
Lang = Annotated[str, StringConstraints(pattern=r"^(en|fr|de)$")]


class Official(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: ShortText
    name: ShortText
    address: ShortText | None = None
    salutation: ShortText | None = None


class Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action_id: ActionId
    title: ShortText
    country: ShortText
    issued: IsoDate
    closed: IsoDate | None = None
    follow_up: int = Field(default=0, ge=0, le=99)
    texts: dict[Lang, Text] = Field(default_factory=dict)
    officials: list[Official] = Field(default_factory=list)
    case_ids: list[CaseId] = Field(default_factory=list)
