"""Case records: the value types of every field kind, and a record schema built from a field map.

The list of fields and their levels is a policy decision (``policies/default.toml``); this module
only knows the *kinds* of value a field may hold. :func:`build_record_model` turns a
``{field: kind}`` map into a strict pydantic model. Pure: no I/O.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
    model_validator,
)

from vault.models.idnumbers import is_valid_kz_iin, is_valid_prc_resident_id

#: Longest free text accepted in one field (testimony can be long; 10 MB cannot).
MAX_TEXT_CHARS = 100_000
#: Longest short text (names, places, phone numbers).
MAX_SHORT_CHARS = 500
MAX_LIST_ITEMS = 200

_FORBIDDEN_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they make
#: text display in another order than it is stored, so "\u202enusruT\u202c" shows a name that no
#: search, leak check or redaction reads. Typed text never needs them (the marks U+200E and
#: U+200F, which change no order, stay allowed).
_FORBIDDEN_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _no_control_chars(value: str) -> str:
    if _FORBIDDEN_CONTROL.search(value):
        raise ValueError("contains a NUL or other control character")
    if _FORBIDDEN_BIDI.search(value):
        raise ValueError(
            "contains a direction override or isolate character (U+202A-U+202E, "
            "U+2066-U+2069), which makes text display in another order than it is stored"
        )
    return value


Text = Annotated[
    str,
    StringConstraints(max_length=MAX_TEXT_CHARS),
    AfterValidator(_no_control_chars),
]
ShortText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_SHORT_CHARS, strip_whitespace=True),
    AfterValidator(_no_control_chars),
]
CASE_ID_PATTERN = r"^[A-Z0-9][A-Z0-9-]{2,40}$"
CaseId = Annotated[str, StringConstraints(pattern=CASE_ID_PATTERN)]
#: A date that may be approximate: "2017", "2017-05" or "2017-05-14".
APPROX_DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
ApproxDate = Annotated[str, StringConstraints(pattern=APPROX_DATE_PATTERN)]
IsoDate = Annotated[
    str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Status(enum.StrEnum):
    MISSING = "missing"
    DETAINED_CAMP = "detained_camp"
    DETAINED_PRISON = "detained_prison"
    SENTENCED = "sentenced"
    RELEASED = "released"
    DECEASED = "deceased"
    UNKNOWN = "unknown"


class IdKind(enum.StrEnum):
    PRC_RESIDENT_ID = "prc_resident_id"
    PASSPORT = "passport"
    KZ_IIN = "kz_iin"
    OTHER = "other"


class FamilyContact(_Strict):
    name: ShortText
    relation: ShortText
    phone: ShortText | None = None
    email: ShortText | None = None
    location: ShortText | None = None
    #: Other names the person goes by (nicknames, short forms, a name in another script),
    #: separated by ";": protected like the name.
    aliases: ShortText | None = None


class Source(_Strict):
    codename: ShortText
    real_name: ShortText
    contact: ShortText | None = None
    relationship: ShortText | None = None
    risk: ShortText | None = None
    aliases: ShortText | None = None  # other names of the source, separated by ";"


#: The id kinds that carry a check digit, and what a valid one looks like (said in an error,
#: which never repeats the number itself).
_CHECKED_IDS: dict[IdKind, tuple[Callable[[str], bool], str]] = {
    IdKind.PRC_RESIDENT_ID: (
        is_valid_prc_resident_id,
        "not a valid PRC resident id (17 digits holding a real birth date, then a check "
        "digit or X; the length, the date or the check digit is wrong)",
    ),
    IdKind.KZ_IIN: (
        is_valid_kz_iin,
        "not a valid Kazakhstan IIN (12 digits holding a real birth date, a century digit "
        "and a check digit; the length, the date or the check digit is wrong)",
    ),
}


class IdNumber(_Strict):
    """An identity number. Kinds with a check digit are checked here, so every way a record
    comes in (import, ``case add``/``case edit``, JSON input) refuses a mistyped number."""

    kind: IdKind
    value: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z]+$")]

    @model_validator(mode="after")
    def _check_digit(self) -> IdNumber:
        checked = _CHECKED_IDS.get(self.kind)
        if checked is not None and not checked[0](self.value):
            raise ValueError(checked[1])
        return self


class Consent(_Strict):
    publish_name: bool
    given_by: ShortText | None = None
    date: IsoDate | None = None


class FieldKind(enum.StrEnum):
    """The value kinds a policy may give a field. Adding a kind is a code change; adding a field
    of an existing kind is a policy edit."""

    TEXT = "text"
    SHORT_TEXT = "short_text"
    TEXT_LIST = "text_list"
    INT = "int"
    DATE = "date"
    APPROX_DATE = "approx_date"
    STATUS = "status"
    FAMILY_CONTACTS = "family_contacts"
    SOURCES = "sources"
    ID_NUMBERS = "id_numbers"
    CONSENT = "consent"


class ValueKind(enum.StrEnum):
    """What a field's value *is*, for redaction and search (the policy's ``holds``).

    Every kind but FREE_TEXT names a value that is looked for in public text (a protected phone
    number typed into a summary); FREE_TEXT (testimony, notes) is never looked for as a whole
    and never enters a draft. SUBJECT_NAME is the person's own name: protected unless they
    consented to its publication, whatever the field's level.
    """

    SUBJECT_NAME = "subject_name"
    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"
    ID_NUMBER = "id_number"
    CODENAME = "codename"
    ADDRESS = "address"
    DATE_OF_BIRTH = "date_of_birth"
    PLACE = "place"
    FREE_TEXT = "free_text"


#: The parts of the structured kinds and what each part holds. A structured field's parts are
#: fixed by its kind (code); the policy says only its level.
KIND_PARTS: dict[FieldKind, tuple[tuple[str, ValueKind], ...]] = {
    FieldKind.FAMILY_CONTACTS: (
        ("name", ValueKind.NAME),
        ("aliases", ValueKind.NAME),
        ("phone", ValueKind.PHONE),
        ("email", ValueKind.EMAIL),
    ),
    FieldKind.SOURCES: (
        ("codename", ValueKind.CODENAME),
        ("real_name", ValueKind.NAME),
        ("aliases", ValueKind.NAME),
        ("contact", ValueKind.PHONE),
    ),
    FieldKind.ID_NUMBERS: (("value", ValueKind.ID_NUMBER),),
}


@dataclass(frozen=True)
class ValueSource:
    """Where a field's findable values are: its level, and its parts as (sub-key or None for
    the value itself, what the part holds)."""

    level: str
    parts: tuple[tuple[str | None, ValueKind], ...]


_KIND_TYPES: dict[FieldKind, Any] = {
    FieldKind.TEXT: Text,
    FieldKind.SHORT_TEXT: ShortText,
    FieldKind.TEXT_LIST: Annotated[list[ShortText], Field(max_length=MAX_LIST_ITEMS)],
    FieldKind.INT: Annotated[int, Field(ge=-(2**31), le=2**31)],
    FieldKind.DATE: IsoDate,
    FieldKind.APPROX_DATE: ApproxDate,
    FieldKind.STATUS: Status,
    FieldKind.FAMILY_CONTACTS: Annotated[list[FamilyContact], Field(max_length=MAX_LIST_ITEMS)],
    FieldKind.SOURCES: Annotated[list[Source], Field(max_length=MAX_LIST_ITEMS)],
    FieldKind.ID_NUMBERS: Annotated[list[IdNumber], Field(max_length=MAX_LIST_ITEMS)],
    FieldKind.CONSENT: Consent,
}


def build_record_model(fields: Mapping[str, FieldKind]) -> type[BaseModel]:
    """A strict pydantic model with one optional field per entry (``case_id`` required).

    Unknown keys are refused (``extra="forbid"``). Enum and nested values are accepted from
    their JSON forms, so the same model checks flags, JSON Lines and CSV rows.
    """
    definitions: dict[str, Any] = {}
    for name, kind in fields.items():
        tp = _KIND_TYPES[kind]
        if name == "case_id":
            definitions[name] = (CaseId, ...)
        else:
            definitions[name] = (tp | None, None)
    model: type[BaseModel] = create_model(
        "CaseRecord",
        __config__=ConfigDict(extra="forbid", frozen=True, strict=False),
        **definitions,
    )
    return model
