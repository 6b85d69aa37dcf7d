"""Envelope encryption recipes: random keys, key wrapping, field sealing, key commitments.

Every call takes the associated data that names the ciphertext's place (build it with
:mod:`vault.crypto.hierarchy`); a ciphertext moved to another place fails to open. Every failure
to open is one opaque :class:`~vault.errors.DecryptionError`. Pure: no I/O.
"""

from __future__ import annotations

import functools
import hmac

from vault.crypto import _primitives
from vault.crypto.hierarchy import (
    blind_index_prefix,
    derive_info,
    key_commitment_message,
    keyed_hash_message,
)
from vault.errors import DecryptionError
from vault.models.secret import SecretBytes


def new_key() -> SecretBytes:
    """A fresh random 256-bit symmetric key from the operating system's CSPRNG."""
    return SecretBytes(_primitives.random_bytes(_primitives.KEY_BYTES))


#: How much longer a sealed value is than what it seals: the 96-bit nonce and the 128-bit tag.
SEAL_OVERHEAD = _primitives.NONCE_BYTES + 16


def seal(key: SecretBytes, plaintext: bytes, ad: bytes) -> bytes:
    """AES-256-GCM under ``key`` with a fresh random nonce, ``ad`` bound as associated data.

    Returns nonce || ciphertext || tag; :func:`open_sealed` with the same ``ad`` reverses it.
    """
    return _primitives.aead_seal(key.reveal(), plaintext, ad)


def open_sealed(key: SecretBytes, blob: bytes, ad: bytes, what: str) -> bytes:
    """Inverse of :func:`seal`. Raises DecryptionError when the key is wrong or ``blob`` or
    ``ad`` was altered; ``what`` names the thing in the message (an id, never a value)."""
    return _primitives.aead_open(key.reveal(), blob, ad, what)


class Sealer:
    """:func:`seal` and :func:`open_sealed` under one key, its cipher set up once: the same
    bytes and the same refusals, for many values under one key (a case's hundreds of leak-index
    rows under its level's key)."""

    __slots__ = ("_aead",)

    def __init__(self, key: SecretBytes) -> None:
        self._aead = _primitives.Aead(key.reveal())

    def seal(self, plaintext: bytes, ad: bytes) -> bytes:
        return self._aead.seal(plaintext, ad)

    def open(self, blob: bytes, ad: bytes, what: str) -> bytes:
        return self._aead.open(blob, ad, what)


def wrap_key(kek: SecretBytes, key: SecretBytes, ad: bytes) -> bytes:
    """Wrap a 256-bit key under another with AES-256-GCM, ``ad`` bound (60 bytes out)."""
    return _primitives.aead_seal(kek.reveal(), key.reveal(), ad)


def unwrap_key(kek: SecretBytes, blob: bytes, ad: bytes, what: str) -> SecretBytes:
    """Inverse of :func:`wrap_key`. Raises DecryptionError when the key-encryption key is wrong,
    ``blob`` or ``ad`` was altered, or what opens is not a 256-bit key."""
    out = _primitives.aead_open(kek.reveal(), blob, ad, what)
    if len(out) != _primitives.KEY_BYTES:
        raise DecryptionError(what)
    return SecretBytes(out)


def key_commitment(key: SecretBytes, ad: bytes) -> bytes:
    """HMAC-SHA-256 keyed by ``key`` over its place: commits a signed record to its data keys.

    AES-GCM is not key-committing; the signed record carries this value, and a reader checks the
    key it unwrapped against it, so a writer cannot hand two roles two different plaintexts.
    """
    return _primitives.hmac_sha256(key.reveal(), key_commitment_message(ad))


def commitment_matches(key: SecretBytes, ad: bytes, expected: bytes) -> bool:
    """Whether ``expected`` is the commitment to ``key`` at ``ad`` (constant-time compare)."""
    return hmac.compare_digest(key_commitment(key, ad), expected)


def hash_bytes(data: bytes) -> bytes:
    """SHA-256 of ``data`` (32 bytes)."""
    return _primitives.sha256(data)


def blind_index(key: SecretBytes, namespace: str, term: str) -> bytes:
    """Keyed HMAC-SHA-256 of a normalised term, truncated to 128 bits, for exact-match lookup
    without decrypting rows. ``namespace`` separates indexes (names, ids) under one key."""
    encoded = term.encode("utf-8")
    message = _index_prefix(namespace) + len(encoded).to_bytes(4, "big") + encoded
    return _primitives.hmac_sha256(key.reveal(), message)[:16]


class BlindIndexer:
    """:func:`blind_index` of many terms under one key and namespace: the keyed hash state after
    the namespace is made once and copied for each term (the same bytes, without re-keying HMAC
    per term — a draft's check hashes thousands of candidate terms)."""

    def __init__(self, key: SecretBytes, namespace: str) -> None:
        self._mac = _primitives.hmac_sha256_after(key.reveal(), _index_prefix(namespace))

    def __call__(self, term: str) -> bytes:
        encoded = term.encode("utf-8")
        return self._mac(len(encoded).to_bytes(4, "big") + encoded)[:16]


@functools.lru_cache(maxsize=64)
def _index_prefix(namespace: str) -> bytes:
    # context(label, namespace, term) without its last part: the same bytes, computed once
    return blind_index_prefix(namespace)


def derive_key(key: SecretBytes, purpose: str) -> SecretBytes:
    """A sub-key for one named purpose (HKDF-SHA-256, info = the purpose's context)."""
    return SecretBytes(_primitives.hkdf_sha256(key.reveal(), derive_info(purpose)))


def keyed_hash(key: SecretBytes, namespace: str, value: str) -> str:
    """HMAC-SHA-256 of a value, hex, 128 bits: lets the audit log name a value without holding
    it (a search term, a file name)."""
    digest = _primitives.hmac_sha256(key.reveal(), keyed_hash_message(namespace, value))
    return digest[:16].hex()
