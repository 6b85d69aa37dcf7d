"""Envelope encryption recipes: random keys, key wrapping, field sealing, key commitments.

Every call takes the associated data that names the ciphertext's place (build it with
:func:`vault.crypto.encoding.context`); a ciphertext moved to another place fails to open.
Failures are one opaque :class:`~vault.errors.DecryptionError`.
"""

from __future__ import annotations

import functools
import hmac

from vault.crypto import _primitives as p
from vault.crypto.encoding import context
from vault.errors import DecryptionError
from vault.models.secret import SecretBytes


def new_key() -> SecretBytes:
    """A fresh random 256-bit symmetric key."""
    return SecretBytes(p.random_bytes(p.KEY_BYTES))


def seal(key: SecretBytes, plaintext: bytes, ad: bytes) -> bytes:
    """AES-256-GCM, random nonce, ``ad`` bound. Output: nonce || ciphertext || tag."""
    return p.aead_seal(key.reveal(), plaintext, ad)


def open_sealed(key: SecretBytes, blob: bytes, ad: bytes, what: str) -> bytes:
    """Inverse of :func:`seal`; ``what`` names the thing (an id, never a value) for the error."""
    return p.aead_open(key.reveal(), blob, ad, what)


def wrap_key(kek: SecretBytes, key: SecretBytes, ad: bytes) -> bytes:
    """Wrap a 256-bit key under another with AES-256-GCM (60 bytes out)."""
    return p.aead_seal(kek.reveal(), key.reveal(), ad)


def unwrap_key(kek: SecretBytes, blob: bytes, ad: bytes, what: str) -> SecretBytes:
    out = p.aead_open(kek.reveal(), blob, ad, what)
    if len(out) != p.KEY_BYTES:
        raise DecryptionError(what)
    return SecretBytes(out)


def key_commitment(key: SecretBytes, ad: bytes) -> bytes:
    """HMAC-SHA-256 keyed by ``key`` over its place: commits a signed record to its data keys.

    AES-GCM is not key-committing; the signed record carries this value, and a reader checks the
    key it unwrapped against it, so a writer cannot hand two roles two different plaintexts.
    """
    return p.hmac_sha256(key.reveal(), context("casevault/key-commitment/v1", ad))


def commitment_matches(key: SecretBytes, ad: bytes, expected: bytes) -> bool:
    return hmac.compare_digest(key_commitment(key, ad), expected)


def hash_bytes(data: bytes) -> bytes:
    """SHA-256."""
    return p.sha256(data)


def blind_index(key: SecretBytes, namespace: str, term: str) -> bytes:
    """Keyed HMAC-SHA-256 of a normalised term, truncated to 128 bits, for exact-match lookup
    without decrypting rows. ``namespace`` separates indexes (names, ids) under one key."""
    encoded = term.encode("utf-8")
    message = _index_prefix(namespace) + len(encoded).to_bytes(4, "big") + encoded
    return p.hmac_sha256(key.reveal(), message)[:16]


@functools.lru_cache(maxsize=64)
def _index_prefix(namespace: str) -> bytes:
    # context(label, namespace, term) without its last part: the same bytes, computed once
    return context("casevault/blind-index/v1", namespace)


def derive_key(key: SecretBytes, purpose: str) -> SecretBytes:
    """A sub-key for one named purpose (HKDF-SHA-256, info = the purpose's context)."""
    return SecretBytes(p.hkdf_sha256(key.reveal(), context("casevault/derive/v1", purpose)))


def keyed_hash(key: SecretBytes, namespace: str, value: str) -> str:
    """HMAC-SHA-256 of a value, hex, 128 bits: lets the audit log name a value without holding
    it (a search term, a file name)."""
    return p.hmac_sha256(key.reveal(), context("casevault/keyed-hash/v1", namespace, value))[
        :16
    ].hex()
