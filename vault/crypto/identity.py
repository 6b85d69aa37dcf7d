"""A person's identity: an Ed25519 signing key and a hybrid ML-KEM-768 + X25519 HPKE key.

The private half is sealed with AES-256-GCM under a key derived by Argon2id from the person's
passphrase. The Argon2id parameters and the public keys are in the associated data, and the
parameters are held to a floor here, so a writer of the identity file can neither downgrade the
KDF nor swap the public keys without the seal failing.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from vault.crypto import _primitives
from vault.crypto.hierarchy import fingerprint_message, identity_seal_ad
from vault.errors import AuthenticationError, DecryptionError, IntegrityError
from vault.models.secret import Passphrase, SecretBytes

SEALED_FORMAT = "casevault-identity-v1"
PUBLIC_FORMAT = "casevault-public-identity-v1"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters. The default is RFC 9106 §4 'second recommended option'."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    # The floor: parameters below it are refused when unsealing, wherever they came from.
    MIN_TIME_COST = 3
    MIN_MEMORY_KIB = 65536
    MIN_PARALLELISM = 1

    def check_floor(self) -> None:
        """Raise IntegrityError when a parameter is below the floor or absurdly high (a
        denial of service); does nothing otherwise."""
        if (
            self.time_cost < self.MIN_TIME_COST
            or self.memory_kib < self.MIN_MEMORY_KIB
            or self.parallelism < self.MIN_PARALLELISM
            or self.time_cost > 100
            or self.memory_kib > 8 * 1024 * 1024
            or self.parallelism > 64
        ):
            raise IntegrityError(
                "identity file asks for Argon2id parameters outside the allowed range"
            )


@dataclass(frozen=True)
class PublicIdentity:
    """The public half of an identity: a name, an Ed25519 and a hybrid KEM public key."""

    name: str
    sign_public: bytes
    kem_public: bytes

    def fingerprint(self) -> str:
        """SHA-256 over both public keys, hex: what a person reads aloud to confirm a key."""
        return _primitives.sha256(fingerprint_message(self.sign_public, self.kem_public)).hex()

    def to_json(self) -> dict[str, Any]:
        """The public identity file (``casevault-public-identity-v1``) as a JSON-able dict."""
        return {
            "format": PUBLIC_FORMAT,
            "name": self.name,
            "sign_public": _b64(self.sign_public),
            "kem_public": _b64(self.kem_public),
        }

    @classmethod
    def from_json(cls, data: Any) -> PublicIdentity:
        """Parse a public identity file. Raises IntegrityError when it is malformed, of another
        format, or holds keys of the wrong size."""
        try:
            if data["format"] != PUBLIC_FORMAT:
                raise IntegrityError("not a casevault public identity file")
            pub = cls(data["name"], _unb64(data["sign_public"]), _unb64(data["kem_public"]))
        except (KeyError, TypeError, ValueError) as e:
            raise IntegrityError("public identity file is malformed") from e
        if (
            len(pub.sign_public) != _primitives.ED25519_BYTES
            or len(pub.kem_public) != _primitives.KEM_PUBLIC_BYTES
        ):
            raise IntegrityError("public identity file holds keys of the wrong size")
        return pub


class Identity:
    """An unsealed identity. Holds private keys; never printable."""

    __slots__ = ("_kem", "_sign", "_signer", "public")

    def __init__(self, name: str, sign_private: SecretBytes, kem_private: SecretBytes) -> None:
        self._sign = sign_private
        self._kem = kem_private
        self._signer: _primitives.Signer | None = None  # the key parsed once, at first use
        self.public = PublicIdentity(
            name,
            _primitives.sign_public(sign_private.reveal()),
            _primitives.kem_public(kem_private.reveal()),
        )

    @property
    def name(self) -> str:
        """The person's name."""
        return self.public.name

    @classmethod
    def generate(cls, name: str) -> Identity:
        """A new identity with fresh random keys."""
        return cls(
            name, SecretBytes(_primitives.sign_generate()), SecretBytes(_primitives.kem_generate())
        )

    def sign(self, message: bytes) -> bytes:
        """Ed25519 signature of ``message``; the caller binds the purpose into the message
        (see :mod:`vault.crypto.hierarchy`). The key is parsed once per identity: an import
        signs two messages a case."""
        if self._signer is None:
            self._signer = _primitives.Signer(self._sign.reveal())
        return self._signer.sign(message)

    def open_wrapped(self, ciphertext: bytes, info: bytes, what: str) -> SecretBytes:
        """Open an HPKE ciphertext addressed to this identity (see :func:`wrap_to`). ``info``
        must be the context it was sealed with; raises DecryptionError otherwise."""
        return SecretBytes(_primitives.hpke_open(self._kem.reveal(), ciphertext, info, what))

    def __repr__(self) -> str:
        return f"Identity({self.name!r}, **********)"

    def _private_bundle(self) -> bytes:
        return self._sign.reveal() + self._kem.reveal()


def wrap_to(recipient: PublicIdentity, key: SecretBytes, info: bytes) -> bytes:
    """HPKE-seal ``key`` to a person; ``info`` must name the context (vault, purpose, person)."""
    return _primitives.hpke_seal(recipient.kem_public, key.reveal(), info)


def verify_signature(public: bytes, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature of ``message`` by ``public``; never
    raises for a bad signature or a malformed key (both are False)."""
    return _primitives.verify(public, signature, message)


def _seal_ad(name: str, salt: bytes, params: KdfParams, pub: PublicIdentity) -> bytes:
    return identity_seal_ad(
        name,
        salt,
        params.time_cost,
        params.memory_kib,
        params.parallelism,
        pub.sign_public,
        pub.kem_public,
    )


def _kdf(passphrase: Passphrase, salt: bytes, params: KdfParams) -> bytes:
    params.check_floor()
    return _primitives.argon2id(
        passphrase.reveal(),
        salt,
        time_cost=params.time_cost,
        memory_kib=params.memory_kib,
        parallelism=params.parallelism,
    )


def seal_identity(
    identity: Identity, passphrase: Passphrase, params: KdfParams | None = None
) -> dict[str, Any]:
    """The sealed identity as a JSON-able dict (the on-disk format, pinned by keys/vectors).

    The private keys are sealed with AES-256-GCM under Argon2id(passphrase, random salt); the AD
    binds the name, the salt, the KDF parameters and both public keys. Raises IntegrityError when
    ``params`` is below the floor. Does no I/O.
    """
    params = params or KdfParams()
    salt = _primitives.random_bytes(16)
    key = _kdf(passphrase, salt, params)
    pub = identity.public
    blob = _primitives.aead_seal(
        key, identity._private_bundle(), _seal_ad(pub.name, salt, params, pub)
    )
    return {
        "format": SEALED_FORMAT,
        "name": pub.name,
        "kdf": {
            "alg": "argon2id",
            "salt": _b64(salt),
            "time_cost": params.time_cost,
            "memory_kib": params.memory_kib,
            "parallelism": params.parallelism,
        },
        "sign_public": _b64(pub.sign_public),
        "kem_public": _b64(pub.kem_public),
        "sealed": _b64(blob),
    }


def sealed_public(sealed: Any) -> PublicIdentity:
    """The public identity of a sealed identity file, without the passphrase. Raises
    IntegrityError when the file is malformed."""
    return PublicIdentity.from_json({**sealed, "format": PUBLIC_FORMAT})


def unseal_identity(sealed: Any, passphrase: Passphrase) -> Identity:
    """Open a sealed identity. A wrong passphrase and a tampered sealed part give the same
    AuthenticationError; a malformed file, parameters outside the floor or public keys that do not
    match the private ones raise IntegrityError."""
    try:
        if sealed["format"] != SEALED_FORMAT or sealed["kdf"]["alg"] != "argon2id":
            raise IntegrityError("not a casevault identity file")
        kdf = sealed["kdf"]
        params = KdfParams(int(kdf["time_cost"]), int(kdf["memory_kib"]), int(kdf["parallelism"]))
        salt = _unb64(kdf["salt"])
        pub = PublicIdentity(
            sealed["name"], _unb64(sealed["sign_public"]), _unb64(sealed["kem_public"])
        )
        blob = _unb64(sealed["sealed"])
    except (KeyError, TypeError, ValueError) as e:
        raise IntegrityError("identity file is malformed") from e
    key = _kdf(passphrase, salt, params)
    try:
        bundle = _primitives.aead_open(key, blob, _seal_ad(pub.name, salt, params, pub), "identity")
    except DecryptionError as e:
        raise AuthenticationError(f"wrong passphrase for {pub.name!r}") from e
    ident = Identity(
        pub.name,
        SecretBytes(bundle[: _primitives.ED25519_BYTES]),
        SecretBytes(bundle[_primitives.ED25519_BYTES :]),
    )
    if ident.public != pub:  # the stored public keys must be the ones the private keys make
        raise IntegrityError("identity file's public keys do not match its private keys")
    return ident


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: Any) -> bytes:
    if not isinstance(s, str):  # a JSON number or list is malformed, not an AttributeError
        raise TypeError
    return base64.b64decode(s.encode("ascii"), validate=True)
