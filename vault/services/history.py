"""A case's history: every version, oldest first, with what each changed (signatures and the
hash chain between versions checked)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vault.audit.log import AuditEvent
from vault.crypto import hash_bytes
from vault.errors import IntegrityError, NotFoundError
from vault.services.cases import normalise_case_id, open_version, protected_read
from vault.services.session import Vault


@dataclass(frozen=True)
class VersionInfo:
    case_id: str
    version: int
    author: str
    created_at: str
    hash: str
    changed: list[str]  # fields that differ from the previous version, where this person can tell
    withheld_changes: int  # fields this person cannot read, present in this version

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def case_history(v: Vault, case_id: str) -> list[VersionInfo]:
    """Every version, oldest first; checks each signature and the hash chain between them."""
    case_id = normalise_case_id(case_id)
    out: list[VersionInfo] = []
    read_fields: set[str] = set()
    with v.store.write():
        rows = v.store.case_versions(case_id)
        if not rows:
            raise NotFoundError(f"no case {case_id}")
        prev_hash = ""
        prev_values: dict[str, Any] = {}
        for expected, row in enumerate(rows, start=1):
            if row.version != expected:
                raise IntegrityError(f"case {case_id}: version {expected} is missing")
            opened = open_version(v, case_id, row.version)
            if opened.header.prev_hash != prev_hash:
                raise IntegrityError(f"case {case_id} v{row.version}: hash chain is broken")
            fields_now = set(opened.values)
            changed = sorted(
                f
                for f in fields_now | set(prev_values)
                if opened.values.get(f) != prev_values.get(f)
            )
            out.append(
                VersionInfo(
                    case_id,
                    row.version,
                    row.author,
                    row.created_at,
                    opened.body_hash,
                    changed,
                    len(opened.withheld),
                )
            )
            prev_hash = hash_bytes(row.body).hex()
            prev_values = opened.values
            read_fields |= set(opened.values)
        protected = protected_read(v, read_fields)
        if protected:
            v.log(
                AuditEvent(
                    "case.history",
                    cases=[case_id],
                    fields=protected,
                    details={"versions": len(rows)},
                )
            )
    return out
