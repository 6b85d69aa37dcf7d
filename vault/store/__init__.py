"""Storage behind a narrow interface. Only this package touches the database."""

from vault.store.interface import (
    ActionRow,
    AuditFilter,
    AuditRow,
    CaseVersionRow,
    DataKeyWrapRow,
    DraftRow,
    KeyWrapRow,
    ReviewRow,
    StateRow,
    Store,
)
from vault.store.sqlcipher import SqlCipherStore

__all__ = [
    "ActionRow",
    "AuditFilter",
    "AuditRow",
    "CaseVersionRow",
    "DataKeyWrapRow",
    "DraftRow",
    "KeyWrapRow",
    "ReviewRow",
    "SqlCipherStore",
    "StateRow",
    "Store",
]
