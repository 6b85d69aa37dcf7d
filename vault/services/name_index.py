"""The blind name index, written with each case version, the lookup over it, and the keyed hash
a search is logged under.

The index holds keyed hashes of every spelling of the names the policy's ``search.names``
lists, one namespace per field, each keyed by a key derived from the key of that field's level:
a role searches exactly the fields it may read, and cannot test a guess about any other. A
search hashes the words typed and looks them up, decrypting nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vault.crypto import blind_index, derive_key
from vault.errors import AccessDeniedError, IntegrityError, UsageError
from vault.models.names import exact_term, query_terms, search_terms
from vault.models.secret import SecretBytes
from vault.policy import KeyKind
from vault.services.session import Vault

#: HKDF purpose of the search-audit key, derived from the searcher's role key.

#: What a case version adds to the name index: namespace (the field's name) -> keyed terms.
IndexTerms = dict[str, set[bytes]]


def field_key(level_key: SecretBytes, field: str) -> SecretBytes:
    """The index key of one searched field, from one epoch of its level's key."""
    return derive_key(level_key, f"name index/{field}")


def index_terms(v: Vault, values: Mapping[str, Any]) -> IndexTerms:
    """The name-index terms of a case's values, per searched field (no I/O beyond the
    keyring). A writer holds every level's key; a missing one is refused."""
    keys = v.keys.current_level_keys()
    out: IndexTerms = {}
    for fname in v.policy.search.names:
        level = v.policy.level_of(fname)
        held = keys.get(level)
        if held is None:
            raise IntegrityError(f"this session has no {level} level key; cannot write a case")
        key = field_key(held.key, fname)
        value = values.get(fname)
        terms: set[str] = set()
        for text in value if isinstance(value, list) else [value] if value else []:
            terms |= search_terms(str(text))
        out[fname] = {blind_index(key, fname, t) for t in terms}
    return out


def store_index_terms(v: Vault, case_id: str, terms: IndexTerms) -> None:
    """Make ``terms`` a case's whole name index, in the caller's write transaction."""
    for namespace, hashed in terms.items():
        v.store.replace_index_terms(case_id, namespace, hashed)


def search_keys(v: Vault) -> list[tuple[str, SecretBytes]]:
    """(field, key) for every searched field this session may read, at every epoch of its level
    the session can open. AccessDeniedError when there is none (a role that reads no searched
    field, such as a publisher)."""
    out: list[tuple[str, SecretBytes]] = []
    for fname in v.policy.search_fields(v.role):
        level = v.policy.level_of(fname)
        for epoch in v.state.live_epochs(KeyKind.LEVEL, level):
            key = v.keys.level_key(level, epoch)
            if key is not None:
                out.append((fname, field_key(key, fname)))
    if not out:
        raise AccessDeniedError(f"{v.user} ({v.role}) may not search names")
    return out


def require_search(v: Vault) -> None:
    """Refuse a session that may not search, before anyone is asked for a name."""
    search_keys(v)


def matching_cases(v: Vault, text: str) -> set[str]:
    """Ids of the cases whose known names, in the fields this session may read, contain every
    word of ``text`` (any script or spelling the case records; case, diacritics and word order
    do not matter). Reads the blind index only; call inside a transaction."""
    keys = search_keys(v)
    groups = query_terms(text)
    if not groups:
        raise UsageError("give at least one word to search for")
    asked = [
        [(fname, [blind_index(key, fname, f) for f in sorted(forms)]) for fname, key in keys]
        for forms in groups
    ]
    # The rarest word first: its rows are read; each other word is looked up only for the
    # cases it named, so a common given name beside a rare family name costs as little as
    # the family name (a lookup need not grow with the vault).
    asked.sort(key=lambda group: sum(v.store.count_index_terms(f, d) for f, d in group))
    matched: set[str] | None = None
    for group in asked:
        within = None if matched is None else sorted(matched)
        hits: set[str] = set()
        for fname, digests in group:
            hits |= {cid for _, cid in v.store.find_index_terms(fname, digests, cases=within)}
        matched = hits if matched is None else matched & hits
        if not matched:
            break
    return matched or set()


def matching_exactly(v: Vault, text: str) -> set[str]:
    """Ids of the cases with a known name of exactly the words of ``text``, in its order
    (:func:`~vault.models.names.exact_term`); empty for a one-word text."""
    term = exact_term(text)
    if term is None:
        return set()
    hits: set[str] = set()
    for fname, key in search_keys(v):
        found = v.store.find_index_terms(fname, [blind_index(key, fname, term)])
        hits |= {cid for _, cid in found}
    return hits


def search_hash(v: Vault, text: str) -> str:
    """The keyed hash a search text is logged under (see :meth:`Vault.keyed`: only members of
    the searcher's role can test a guess of what was searched for)."""
    return v.keyed("search", text)
