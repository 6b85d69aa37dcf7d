"""Data types shared by every layer. Imports nothing from the rest of casevault but errors."""

from vault.models.action import Action, Official
from vault.models.case import (
    KIND_PARTS,
    Consent,
    FamilyContact,
    FieldKind,
    IdKind,
    IdNumber,
    Source,
    Status,
    ValueKind,
    ValueSource,
    build_record_model,
)
from vault.models.member import check_member_name

__all__ = [
    "KIND_PARTS",
    "Action",
    "Consent",
    "FamilyContact",
    "FieldKind",
    "IdKind",
    "IdNumber",
    "Official",
    "Source",
    "Status",
    "ValueKind",
    "ValueSource",
    "build_record_model",
    "check_member_name",
]
