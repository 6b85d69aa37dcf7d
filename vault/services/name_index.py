"""The blind name index, written with each case version, and the lookup over it.

The index holds keyed hashes of every spelling of the names the policy's ``search.names``
lists; a search hashes the words typed and looks them up, decrypting nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vault.crypto import blind_index
from vault.errors import AccessDeniedError, IntegrityError, UsageError
from vault.models.names import query_terms, search_terms
from vault.policy import ExtraKey, KeyRef
from vault.services.session import Vault

NAMES = ExtraKey.NAMES.value  # the blind name index's namespace
NAMES_KEY = KeyRef.for_extra(ExtraKey.NAMES)

#: What a case version adds to the name index: namespace -> keyed terms.
IndexTerms = dict[str, set[bytes]]


def index_terms(v: Vault, values: Mapping[str, Any]) -> IndexTerms:
    """The name-index terms of a case's values (no I/O)."""
    key = v.keys.key(NAMES_KEY)
    if key is None:
        raise IntegrityError("this session has no name-index key; cannot write a case")
    terms: set[str] = set()
    for fname in v.policy.search.names:
        value = values.get(fname)
        for text in value if isinstance(value, list) else [value] if value else []:
            terms |= search_terms(str(text))
    return {NAMES: {blind_index(key, NAMES, t) for t in terms}}


def store_index_terms(v: Vault, case_id: str, terms: IndexTerms) -> None:
    """Make ``terms`` a case's whole name index, in the caller's write transaction."""
    for namespace, hashed in terms.items():
        v.store.replace_index_terms(case_id, namespace, hashed)


def matching_cases(v: Vault, text: str) -> set[str]:
    """Ids of the cases whose known names contain every word of ``text`` (any script or
    spelling the case records; case, diacritics and word order do not matter). Reads the blind
    index only; call inside a transaction."""
    key = v.keys.key(NAMES_KEY)
    if key is None:
        raise AccessDeniedError(f"{v.user} ({v.role}) may not search names")
    groups = query_terms(text)
    if not groups:
        raise UsageError("give at least one word to search for")
    matched: set[str] | None = None
    for forms in groups:
        digests = [blind_index(key, NAMES, f) for f in sorted(forms)]
        hits = {cid for _, cid in v.store.find_index_terms(NAMES, digests)}
        matched = hits if matched is None else matched & hits
        if not matched:
            break
    return matched or set()
