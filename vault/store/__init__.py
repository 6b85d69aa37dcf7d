"""Storage behind a narrow interface. Only this package touches the database."""

from vault.store.interface import ActionRow, CaseVersionRow, KeyWrapRow, MemberRow, Store
from vault.store.sqlcipher import SqlCipherStore

__all__ = ["ActionRow", "CaseVersionRow", "KeyWrapRow", "MemberRow", "SqlCipherStore", "Store"]
