"""Storage behind a narrow interface. Only this package touches the database."""

from vault.store.interface import ActionRow, AuditRow, CaseVersionRow, KeyWrapRow, MemberRow, Store
from vault.store.sqlcipher import SqlCipherStore

__all__ = [
    "ActionRow",
    "AuditRow",
    "CaseVersionRow",
    "KeyWrapRow",
    "MemberRow",
    "SqlCipherStore",
    "Store",
]
