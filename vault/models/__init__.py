"""Data types shared by every layer. Imports nothing from the rest of casevault but errors."""

from vault.models.action import Action, Official
from vault.models.case import (
    Consent,
    FamilyContact,
    FieldKind,
    IdKind,
    IdNumber,
    Source,
    Status,
    build_record_model,
)
from vault.models.member import check_member_name

__all__ = [
    "Action",
    "Consent",
    "FamilyContact",
    "FieldKind",
    "IdKind",
    "IdNumber",
    "Official",
    "Source",
    "Status",
    "build_record_model",
    "check_member_name",
]
