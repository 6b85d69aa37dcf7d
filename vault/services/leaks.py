"""The leak index: every protected value of every case, as keyed hashes of its search terms.

A drafter or reviewer can then find a secret value in a text (a family member's phone number in a
public summary) without being able to read it: the text's candidate terms are hashed with the
leak key and looked up. Written in the same transaction as each case version.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from vault.crypto import blind_index
from vault.errors import AccessDeniedError
from vault.models.secret import SecretBytes
from vault.policy import ExtraKey, KeyRef
from vault.redact.entities import EntityInfo, protected_values, value_terms
from vault.services.session import Vault

LEAKS = ExtraKey.LEAKS.value  # the leak index's namespace


def has_consent(v: Vault, values: Mapping[str, Any]) -> bool:
    """Whether the case records consent to publish the person's name (the policy's consent
    field says ``publish_name: true``)."""
    field = v.policy.consent_field()
    consent = values.get(field) if field else None
    return isinstance(consent, dict) and consent.get("publish_name") is True


def case_terms(
    v: Vault, values: Mapping[str, Any]
) -> tuple[list[tuple[str, EntityInfo]], set[int]]:
    """(term, info) for every protected value of a case, and the term lengths."""
    out: list[tuple[str, EntityInfo]] = []
    lengths: set[int] = set()
    for value, info in protected_values(
        values,
        v.policy.value_sources(),
        v.policy.levels[0],
        name_is_public=has_consent(v, values),
    ):
        for term in value_terms(value, info.kind):
            out.append((term, info))
            if not term.startswith("~"):
                lengths.add(len(term))
    return out, lengths


@dataclass(frozen=True)
class LeakTerms:
    """What a case version adds to the leak index."""

    rows: list[tuple[bytes, str, str]]  # (keyed term, kind, level)
    lengths: set[int]


def case_leak_terms(v: Vault, values: Mapping[str, Any]) -> LeakTerms:
    """The leak-index terms of a case's protected values (no I/O)."""
    key = _key(v)
    terms, lengths = case_terms(v, values)
    return LeakTerms([(blind_index(key, LEAKS, t), i.kind, i.level) for t, i in terms], lengths)


def store_leak_terms(v: Vault, case_id: str, terms: LeakTerms) -> None:
    """Make ``terms`` a case's whole leak index, in the caller's write transaction."""
    v.store.replace_leak_terms(case_id, terms.rows, terms.lengths)


def _key(v: Vault) -> SecretBytes:
    key = v.keys.key(KeyRef.for_extra(ExtraKey.LEAKS))
    if key is None:
        raise AccessDeniedError(f"{v.user} ({v.role}) holds no leak-index key")
    return key


class VaultKnownValues:
    """KnownValues backed by the vault's leak index (hashed lookups; no value is decrypted)."""

    def __init__(self, v: Vault) -> None:
        self._v = v
        self._key = _key(v)
        self._lengths = v.store.leak_lengths()

    def lengths(self) -> Collection[int]:
        return self._lengths

    def lookup(self, terms: Collection[str]) -> dict[str, EntityInfo]:
        by_hash = {blind_index(self._key, LEAKS, t): t for t in terms}
        found = self._v.store.find_leak_terms(list(by_hash))
        return {by_hash[h]: EntityInfo(kind, level) for h, (kind, level) in found.items()}
