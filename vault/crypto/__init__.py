"""Crypto recipes for casevault. Only :mod:`vault.crypto._primitives` touches ``cryptography``.

Recipes take and return values; nothing here does I/O.
"""

from vault.crypto.encoding import canonical_json, context, extend_context
from vault.crypto.envelope import (
    SEAL_OVERHEAD,
    BlindIndexer,
    Sealer,
    blind_index,
    commitment_matches,
    derive_key,
    hash_bytes,
    key_commitment,
    keyed_hash,
    new_key,
    open_sealed,
    seal,
    unwrap_key,
    wrap_key,
)
from vault.crypto.identity import (
    Identity,
    KdfParams,
    PublicIdentity,
    seal_identity,
    sealed_public,
    unseal_identity,
    verify_signature,
    wrap_to,
)
from vault.models.secret import Passphrase, SecretBytes

__all__ = [
    "SEAL_OVERHEAD",
    "BlindIndexer",
    "Identity",
    "KdfParams",
    "Passphrase",
    "PublicIdentity",
    "Sealer",
    "SecretBytes",
    "blind_index",
    "canonical_json",
    "commitment_matches",
    "context",
    "derive_key",
    "extend_context",
    "hash_bytes",
    "key_commitment",
    "keyed_hash",
    "new_key",
    "open_sealed",
    "seal",
    "seal_identity",
    "sealed_public",
    "unseal_identity",
    "unwrap_key",
    "verify_signature",
    "wrap_key",
    "wrap_to",
]
