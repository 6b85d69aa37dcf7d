"""The values of the cases a check is about, read from their signed versions.

A check about some cases (a draft of a case or of an action, an edition of an Urgent Action)
looks for every term of their own values (:func:`vault.services.leaks.own_terms`): the forms a
writer makes up and the parts of a value, which the vault-wide leak index does not hold. They
are read from every version of each case (a value an edit took out is still the case's), up to
its current one, whose signature and place in the audit log are checked
(:func:`vault.services.provenance.case_head`, :func:`vault.services.cases.open_version`), never
from the leak index, whose rows any member holding a level key can rewrite.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from vault.errors import IntegrityError
from vault.redact.entities import TermSet, terms_remembered
from vault.services.cases import open_version
from vault.services.leaks import consented, own_terms
from vault.services.provenance import case_head
from vault.services.session import Vault


def _heads(v: Vault, case_ids: Iterable[str]) -> Iterator[tuple[str, int]]:
    """(case, its current version, checked) for each case of ``case_ids``, in case order. A
    case a check is about is never left out: casevault removes no case, so one with no current
    version (its row in ``cases`` deleted with the database key, while the check runs) is
    refused, not skipped."""
    for cid in sorted(set(case_ids)):
        head = case_head(v, cid)
        if head is None:
            raise IntegrityError(f"case {cid} has no current version; the vault was changed")
        yield cid, head


def head_values(v: Vault, case_ids: Iterable[str]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(case, its current signed version's values, as far as this session reads them) for each
    case of ``case_ids``, in case order (:func:`_heads`)."""
    for cid, head in _heads(v, case_ids):
        yield cid, open_version(v, cid, head).values


def own_terms_of(v: Vault, case_ids: Iterable[str]) -> dict[str, TermSet]:
    """Each case's :func:`~vault.services.leaks.own_terms`, read from every signed version of
    it: a value an edit took out (a relative removed, a number corrected) is still the case's,
    and typed into a public field by a later edit it is still found. The person's own name is
    public as the current version's consent says."""
    out: dict[str, TermSet] = {}
    for cid, head in _heads(v, case_ids):
        versions = [open_version(v, cid, n).values for n in range(1, head + 1)]
        with terms_remembered():  # a value the versions share is read into terms once
            out[cid] = own_terms(
                v.policy, *versions, name_is_public=consented(v.policy, versions[-1])
            )
    return out
