"""The only module that touches ``cryptography.hazmat`` and ``argon2`` (ruff TID251 enforces it).

Everything here is a thin call into a vetted implementation: AES-256-GCM, HPKE (RFC 9180) with the
hybrid ML-KEM-768 + X25519 KEM, Ed25519, HMAC-SHA-256, SHA-256 and Argon2id. No primitive, mode or
padding is written here. Callers above use the recipes in :mod:`vault.crypto`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.asymmetric import ed25519, mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hpke import (
    AEAD,
    KDF,
    KEM,
    MLKEM768X25519PrivateKey,
    MLKEM768X25519PublicKey,
    Suite,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vault.errors import DecryptionError, IntegrityError

KEY_BYTES = 32
NONCE_BYTES = 12
MLKEM_SEED_BYTES = 64
MLKEM768_PUBLIC_BYTES = 1184
X25519_BYTES = 32
ED25519_BYTES = 32
KEM_PUBLIC_BYTES = MLKEM768_PUBLIC_BYTES + X25519_BYTES
KEM_PRIVATE_BYTES = MLKEM_SEED_BYTES + X25519_BYTES

_SUITE = Suite(KEM.MLKEM768_X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)


def random_bytes(n: int) -> bytes:
    """``n`` bytes from the operating system's CSPRNG."""
    return os.urandom(n)


# --- AEAD -------------------------------------------------------------------------------------


class Aead:
    """AES-256-GCM under one key, its cipher object made once: many seals and opens under one
    key (a level key wrapping thousands of data keys) without setting the key up each time."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, ad: bytes) -> bytes:
        """A fresh random 96-bit nonce each call; returns nonce || ciphertext || tag. A key
        object used many times takes no nonce from its caller: none can be repeated."""
        return self._seal_at(os.urandom(NONCE_BYTES), plaintext, ad)

    def _seal_at(self, nonce: bytes, plaintext: bytes, ad: bytes) -> bytes:
        if len(nonce) != NONCE_BYTES:
            raise ValueError("bad nonce length")
        return nonce + self._aead.encrypt(nonce, plaintext, ad)

    def open(self, blob: bytes, ad: bytes, what: str) -> bytes:
        """Inverse of :meth:`seal`. Raises DecryptionError (naming only ``what``) when the key
        is wrong, ``blob`` is too short or altered, or ``ad`` differs."""
        if len(blob) < NONCE_BYTES + 16:
            raise DecryptionError(what)
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], ad)
        except InvalidTag as e:
            raise DecryptionError(what) from e


def aead_seal(key: bytes, plaintext: bytes, ad: bytes, *, _nonce: bytes | None = None) -> bytes:
    """:meth:`Aead.seal` under ``key``, once. ``_nonce`` exists only so that known-answer
    vectors can be reproduced, on a key object used for that one seal."""
    aead = Aead(key)
    return aead.seal(plaintext, ad) if _nonce is None else aead._seal_at(_nonce, plaintext, ad)


def aead_open(key: bytes, blob: bytes, ad: bytes, what: str) -> bytes:
    """:meth:`Aead.open` under ``key``, once."""
    return Aead(key).open(blob, ad, what)


# --- HPKE -------------------------------------------------------------------------------------


def kem_generate() -> bytes:
    """A fresh hybrid KEM private key, serialised as ML-KEM-768 seed (64) || X25519 (32)."""
    m = mlkem.MLKEM768PrivateKey.generate()
    x = x25519.X25519PrivateKey.generate()
    return m.private_bytes_raw() + x.private_bytes_raw()


def _kem_private(private: bytes) -> MLKEM768X25519PrivateKey:
    if len(private) != KEM_PRIVATE_BYTES:
        raise ValueError("bad KEM private key length")
    m = mlkem.MLKEM768PrivateKey.from_seed_bytes(private[:MLKEM_SEED_BYTES])
    x = x25519.X25519PrivateKey.from_private_bytes(private[MLKEM_SEED_BYTES:])
    return MLKEM768X25519PrivateKey(m, x)


def kem_public(private: bytes) -> bytes:
    """Public half: ML-KEM-768 encapsulation key (1184) || X25519 public key (32)."""
    m = mlkem.MLKEM768PrivateKey.from_seed_bytes(private[:MLKEM_SEED_BYTES])
    x = x25519.X25519PrivateKey.from_private_bytes(private[MLKEM_SEED_BYTES:])
    raw = serialization.Encoding.Raw
    return m.public_key().public_bytes_raw() + x.public_key().public_bytes(
        raw, serialization.PublicFormat.Raw
    )


def _kem_public_key(public: bytes) -> MLKEM768X25519PublicKey:
    if len(public) != KEM_PUBLIC_BYTES:
        raise IntegrityError("a KEM public key has the wrong length")
    try:
        m = mlkem.MLKEM768PublicKey.from_public_bytes(public[:MLKEM768_PUBLIC_BYTES])
        x = x25519.X25519PublicKey.from_public_bytes(public[MLKEM768_PUBLIC_BYTES:])
    except ValueError as e:
        raise IntegrityError("a KEM public key is malformed") from e
    return MLKEM768X25519PublicKey(m, x)


def hpke_seal(public: bytes, plaintext: bytes, info: bytes) -> bytes:
    """HPKE base mode, single shot; ``info`` binds the context (RFC 9180 §8.1)."""
    return _SUITE.encrypt(plaintext, _kem_public_key(public), info=info)


def hpke_open(private: bytes, ciphertext: bytes, info: bytes, what: str) -> bytes:
    """Inverse of :func:`hpke_seal`. Raises DecryptionError (naming only ``what``) when the
    private key is not the recipient's, the ciphertext was altered or ``info`` differs."""
    try:
        return _SUITE.decrypt(ciphertext, _kem_private(private), info=info)
    except (InvalidTag, ValueError) as e:
        raise DecryptionError(what) from e


# --- Ed25519 ------------------------------------------------------------------------------------


def sign_generate() -> bytes:
    """A fresh Ed25519 private key (32 raw bytes)."""
    return ed25519.Ed25519PrivateKey.generate().private_bytes_raw()


def sign_public(private: bytes) -> bytes:
    """The Ed25519 public key (32 raw bytes) of a private key."""
    return ed25519.Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


class Signer:
    """An Ed25519 private key parsed once, for many signatures by one author. :func:`sign` uses
    it once per call; the scale benchmark's floor prices a signature with one made once."""

    __slots__ = ("_key",)

    def __init__(self, private: bytes) -> None:
        self._key = ed25519.Ed25519PrivateKey.from_private_bytes(private)

    def sign(self, message: bytes) -> bytes:
        """Ed25519 signature (RFC 8032) of ``message``: 64 bytes."""
        return self._key.sign(message)


def sign(private: bytes, message: bytes) -> bytes:
    """:meth:`Signer.sign` under ``private``, once."""
    return Signer(private).sign(message)


def verify(public: bytes, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is valid for ``message`` under ``public``; a malformed key or
    signature is False, never an exception."""
    try:
        ed25519.Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# --- hashes, MACs, KDF ----------------------------------------------------------------------------


def sha256(data: bytes) -> bytes:
    """SHA-256 digest (32 bytes)."""
    return hashlib.sha256(data).digest()


def sha512(data: bytes) -> bytes:
    """SHA-512 (the hash an SSH signature signs, RFC PROTOCOL.sshsig)."""
    return hashlib.sha512(data).digest()


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    """HMAC-SHA-256 (RFC 2104) of ``data`` under ``key`` (32 bytes)."""
    return hmac.new(key, data, hashlib.sha256).digest()


def hmac_sha256_after(key: bytes, prefix: bytes) -> Callable[[bytes], bytes]:
    """HMAC-SHA-256 under ``key`` of ``prefix + rest``, as a function of ``rest``: the state
    after the prefix is made once and copied for each message, without keying again (a check
    hashes thousands of terms under one key; cryptography's state copies in 1.6 µs a term where
    the standard library's took 2.1)."""
    state = crypto_hmac.HMAC(key, hashes.SHA256())
    state.update(prefix)

    def mac(rest: bytes) -> bytes:
        h = state.copy()
        h.update(rest)
        return h.finalize()

    return mac


def argon2id(
    passphrase: bytes, salt: bytes, *, time_cost: int, memory_kib: int, parallelism: int
) -> bytes:
    """Argon2id (RFC 9106) of ``passphrase``: a 32-byte key. The caller enforces the
    parameter floor (:class:`vault.crypto.identity.KdfParams`)."""
    return hash_secret_raw(
        passphrase,
        salt,
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def hkdf_sha256(key: bytes, info: bytes) -> bytes:
    """HKDF-SHA-256 (RFC 5869), no salt, 32 bytes out: a sub-key for one purpose."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(key)
