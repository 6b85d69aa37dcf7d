"""Listing cases a page at a time, filtered by status, region, detention date or action.

Public fields are sealed like every other, so a filter decrypts, case by case in id order, only
the few public fields it compares and the list shows, until a page is full. Which field is the
status, the region or the detention date is the policy's (the ``status`` kind, the portrait's
``region``, the first public date among the publication facts), never a name in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from vault.errors import NotFoundError, UsageError
from vault.models import FieldKind, Status
from vault.models.case import APPROX_DATE_PATTERN
from vault.services.cases import CaseView, open_version, view_of
from vault.services.provenance import case_head
from vault.services.session import Vault

SCAN_BATCH = 500


_APPROX_DATE = re.compile(APPROX_DATE_PATTERN)


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    region: str | None = None
    since: str | None = None  # detention date from (an approximate date compares as text)
    until: str | None = None
    action: str | None = None

    def empty(self) -> bool:
        return not any((self.status, self.region, self.since, self.until, self.action))


def _fields(v: Vault) -> tuple[str | None, str | None, str | None]:
    policy = v.policy
    status = next((f for f, fp in policy.fields.items() if fp.kind is FieldKind.STATUS), None)
    region = policy.publication.portrait.get("region")
    date = next(
        (
            f
            for f in policy.publication.facts
            if policy.fields[f].kind in (FieldKind.APPROX_DATE, FieldKind.DATE)
        ),
        None,
    )
    return status, region, date


def _matches(view: CaseView, f: CaseFilter, fields: tuple[str | None, ...]) -> bool:
    status, region, date = fields
    values = view.values
    if f.status and (status is None or values.get(status) != f.status):
        return False
    if f.region and (
        region is None or str(values.get(region, "")).casefold() != f.region.casefold()
    ):
        return False
    when = str(values.get(date, "")) if date else ""
    if f.since and (not when or when < f.since):
        return False
    return not (f.until and (not when or when[: len(f.until)] > f.until))


def list_cases(
    v: Vault, *, limit: int = 100, after: str | None = None, where: CaseFilter | None = None
) -> list[CaseView]:
    """A page of cases in id order after ``after``, with the public fields the list shows,
    keeping only those ``where`` matches."""
    if limit < 1:
        raise UsageError("limit must be at least 1")
    where = where or CaseFilter()
    if where.status is not None:
        allowed_status = [s.value for s in Status]
        if where.status.strip().lower() not in allowed_status:
            raise UsageError(f"status must be one of: {', '.join(allowed_status)}")
        where = replace(where, status=where.status.strip().lower())
    for bound, what in ((where.since, "since"), (where.until, "until")):
        if bound and not _APPROX_DATE.fullmatch(bound):
            # compared as text, anything else would match nothing (or everything) in silence
            raise UsageError(f"{what}: expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
    fields = _fields(v)
    wanted = set(v.policy.display.columns) | {f for f in fields if f}
    out: list[CaseView] = []
    with v.store.read():
        allowed: set[str] | None = None
        if where.action:
            from vault.services.actions import get_action

            action = get_action(v, where.action)
            if action is None:
                raise NotFoundError(f"your role does not read action {where.action}")
            allowed = set(action.case_ids)
        cursor = after
        while len(out) < limit:
            batch = v.store.case_ids(limit=SCAN_BATCH, after=cursor)
            if not batch:
                break
            for cid in batch:
                if allowed is not None and cid not in allowed:
                    continue
                head = case_head(v, cid)
                if head is None:
                    continue
                view = view_of(open_version(v, cid, head, only=wanted))
                if where.empty() or _matches(view, where, fields):
                    out.append(view)
                    if len(out) == limit:
                        break
            cursor = batch[-1]
    return out
