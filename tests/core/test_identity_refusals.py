"""Identities: the sealed file refuses every tamper, the KDF floor holds, public files are checked.

Full-strength Argon2id costs about a second, so: the session's ``sealed_identity`` is unsealed
through a memo of the real Argon2id (one derivation for the right passphrase, one for a wrong
one), and the tamper tests that must show the *associated data* binds a field (salt, each KDF
parameter) use a stand-in KDF that ignores salt and parameters, so that only the associated data
can tell the tampered file from the real one.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import struct
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.core.conftest import NAMES, SEALED_PASSPHRASE
from vault.crypto import (
    Identity,
    KdfParams,
    Passphrase,
    PublicIdentity,
    SecretBytes,
    _primitives,
    seal_identity,
    sealed_public,
    unseal_identity,
    verify_signature,
    wrap_to,
)
from vault.crypto.hierarchy import identity_seal_ad
from vault.errors import AuthenticationError, DecryptionError, IntegrityError

PASS = Passphrase.from_text(SEALED_PASSPHRASE)
WRONG = Passphrase.from_text(SEALED_PASSPHRASE + "!")
_REAL_ARGON2ID = _primitives.argon2id
_MEMO: dict[tuple[Any, ...], bytes] = {}


def lp(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


def _memo_argon2id(
    passphrase: bytes, salt: bytes, *, time_cost: int, memory_kib: int, parallelism: int
) -> bytes:
    k = (passphrase, salt, time_cost, memory_kib, parallelism)
    if k not in _MEMO:
        _MEMO[k] = _REAL_ARGON2ID(
            passphrase, salt, time_cost=time_cost, memory_kib=memory_kib, parallelism=parallelism
        )
    return _MEMO[k]


CALLS: list[tuple[Any, ...]] = []


def _blind_argon2id(
    passphrase: bytes, salt: bytes, *, time_cost: int, memory_kib: int, parallelism: int
) -> bytes:
    """A stand-in that depends on the passphrase only: salt and parameters are bound by the AD
    alone. Records what it was given."""
    CALLS.append((passphrase, salt, time_cost, memory_kib, parallelism))
    return hashlib.sha256(b"stand-in kdf|" + passphrase).digest()


@pytest.fixture
def real_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_primitives, "argon2id", _memo_argon2id)


@pytest.fixture
def blind_kdf(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Any, ...]]]:
    CALLS.clear()
    monkeypatch.setattr(_primitives, "argon2id", _blind_argon2id)
    yield CALLS


@pytest.fixture(scope="module")
def owner(identities: dict[str, Identity]) -> Identity:
    return identities[NAMES[0]]


@pytest.fixture(scope="module")
def other(identities: dict[str, Identity]) -> Identity:
    return identities[NAMES[1]]


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def _flip_b64(s: str, i: int = 0) -> str:
    raw = bytearray(base64.b64decode(s))
    raw[i] ^= 1
    return _b64(bytes(raw))


# --- KDF parameters -------------------------------------------------------------------------------


def test_kdf_defaults_and_floor_are_pinned() -> None:
    assert KdfParams() == KdfParams(3, 65536, 4)
    assert (KdfParams.MIN_TIME_COST, KdfParams.MIN_MEMORY_KIB, KdfParams.MIN_PARALLELISM) == (
        3,
        65536,
        1,
    )


@pytest.mark.parametrize(
    "params",
    [
        KdfParams(3, 65536, 1),
        KdfParams(3, 65536, 4),
        KdfParams(100, 65536, 4),
        KdfParams(3, 8 * 1024 * 1024, 4),
        KdfParams(3, 65536, 64),
        KdfParams(100, 8 * 1024 * 1024, 64),
    ],
)
def test_floor_and_ceiling_accept_their_edges(params: KdfParams) -> None:
    assert params.check_floor() is None


@pytest.mark.parametrize(
    "params",
    [
        KdfParams(2, 65536, 4),
        KdfParams(0, 65536, 4),
        KdfParams(3, 65535, 4),
        KdfParams(3, 8, 4),
        KdfParams(3, 65536, 0),
        KdfParams(101, 65536, 4),
        KdfParams(3, 8 * 1024 * 1024 + 1, 4),
        KdfParams(3, 65536, 65),
        KdfParams(-1, -1, -1),
    ],
)
def test_parameters_outside_the_range_are_refused(params: KdfParams) -> None:
    with pytest.raises(
        IntegrityError, match=r"^identity file asks for Argon2id parameters outside"
    ):
        params.check_floor()


# --- public identities ----------------------------------------------------------------------------


def test_fingerprint_is_sha256_of_both_labelled_keys(owner: Identity) -> None:
    pub = owner.public
    msg = lp(b"casevault/fingerprint/v1") + lp(pub.sign_public) + lp(pub.kem_public)
    assert pub.fingerprint() == hashlib.sha256(msg).hexdigest()


def test_public_identity_json_round_trip(owner: Identity) -> None:
    pub = owner.public
    data = pub.to_json()
    assert data == {
        "format": "casevault-public-identity-v1",
        "name": NAMES[0],
        "sign_public": _b64(pub.sign_public),
        "kem_public": _b64(pub.kem_public),
    }
    assert PublicIdentity.from_json(data) == pub
    assert len(pub.sign_public) == 32 and len(pub.kem_public) == 1216


def _public_variants(pub: PublicIdentity) -> list[tuple[Any, str]]:
    good = pub.to_json()
    return [
        ({**good, "format": "casevault-identity-v1"}, "^not a casevault public identity file$"),
        ({k: v for k, v in good.items() if k != "format"}, "^public identity file is malformed$"),
        ({k: v for k, v in good.items() if k != "name"}, "^public identity file is malformed$"),
        ({k: v for k, v in good.items() if k != "sign_public"}, "is malformed$"),
        ({k: v for k, v in good.items() if k != "kem_public"}, "is malformed$"),
        ({**good, "sign_public": good["sign_public"] + "!"}, "is malformed$"),
        ({**good, "kem_public": "é"}, "is malformed$"),
        ({**good, "sign_public": 5}, "is malformed$"),
        (None, "is malformed$"),
        ("a string", "is malformed$"),
        ({**good, "sign_public": _b64(pub.sign_public[:-1])}, "holds keys of the wrong size$"),
        ({**good, "sign_public": _b64(pub.sign_public + b"\0")}, "holds keys of the wrong size$"),
        ({**good, "kem_public": _b64(pub.kem_public[:-1])}, "holds keys of the wrong size$"),
        ({**good, "kem_public": _b64(pub.kem_public + b"\0")}, "holds keys of the wrong size$"),
    ]


def test_malformed_public_files_are_refused(owner: Identity) -> None:
    for data, message in _public_variants(owner.public):
        with pytest.raises(IntegrityError, match=message):
            PublicIdentity.from_json(data)


# --- identities -----------------------------------------------------------------------------------


def test_identity_signs_and_opens_its_wraps(owner: Identity, other: Identity) -> None:
    assert owner.name == NAMES[0]
    sig = owner.sign(b"message")
    assert verify_signature(owner.public.sign_public, sig, b"message") is True
    assert verify_signature(owner.public.sign_public, sig, b"messagf") is False
    assert verify_signature(other.public.sign_public, sig, b"message") is False
    assert verify_signature(b"short", sig, b"message") is False
    key = SecretBytes(b"\x07" * 32)
    ct = wrap_to(owner.public, key, b"info")
    assert owner.open_wrapped(ct, b"info", "w") == key
    with pytest.raises(DecryptionError, match=r"^could not decrypt the wrap:"):
        owner.open_wrapped(ct, b"other info", "the wrap")
    with pytest.raises(DecryptionError):
        other.open_wrapped(ct, b"info", "the wrap")


def test_identity_never_prints_its_keys(owner: Identity) -> None:
    text = repr(owner)
    assert text == f"Identity({NAMES[0]!r}, **********)"
    assert owner._private_bundle().hex() not in text


def test_generated_identities_differ() -> None:
    a, b = Identity.generate("same"), Identity.generate("same")
    assert a.public.name == "same"
    assert a.public != b.public
    assert a.public.sign_public != b.public.sign_public
    assert a.public.kem_public != b.public.kem_public


def test_private_bundle_layout(owner: Identity) -> None:
    bundle = owner._private_bundle()
    assert len(bundle) == 32 + 96
    assert _primitives.sign_public(bundle[:32]) == owner.public.sign_public
    assert _primitives.kem_public(bundle[32:]) == owner.public.kem_public


# --- the session's sealed identity, with the real Argon2id ----------------------------------------


def test_sealed_file_layout(sealed_identity: dict[str, Any], owner: Identity) -> None:
    s = sealed_identity
    assert set(s) == {"format", "name", "kdf", "sign_public", "kem_public", "sealed"}
    assert s["format"] == "casevault-identity-v1"
    assert s["name"] == NAMES[0]
    assert {k: v for k, v in s["kdf"].items() if k != "salt"} == {
        "alg": "argon2id",
        "time_cost": 3,
        "memory_kib": 65536,
        "parallelism": 4,
    }
    assert len(base64.b64decode(s["kdf"]["salt"], validate=True)) == 16
    assert s["sign_public"] == _b64(owner.public.sign_public)
    assert s["kem_public"] == _b64(owner.public.kem_public)
    assert len(base64.b64decode(s["sealed"], validate=True)) == 12 + 128 + 16
    assert sealed_public(s) == owner.public


def test_unseal_with_the_right_passphrase(
    real_kdf: None, sealed_identity: dict[str, Any], owner: Identity
) -> None:
    ident = unseal_identity(sealed_identity, PASS)
    assert ident.public == owner.public
    assert ident._private_bundle() == owner._private_bundle()
    assert verify_signature(owner.public.sign_public, ident.sign(b"m"), b"m")


def test_unseal_with_a_wrong_passphrase(real_kdf: None, sealed_identity: dict[str, Any]) -> None:
    with pytest.raises(AuthenticationError, match=rf"^wrong passphrase for {NAMES[0]!r}$") as e:
        unseal_identity(sealed_identity, WRONG)
    assert SEALED_PASSPHRASE not in str(e.value)


def _tamper(
    s: dict[str, Any], other: Identity
) -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
    return [
        ("name", lambda d: d.update(name=NAMES[1])),
        ("sign_public", lambda d: d.update(sign_public=_b64(other.public.sign_public))),
        ("kem_public", lambda d: d.update(kem_public=_b64(other.public.kem_public))),
        ("sealed nonce", lambda d: d.update(sealed=_flip_b64(s["sealed"], 0))),
        ("sealed body", lambda d: d.update(sealed=_flip_b64(s["sealed"], 40))),
        ("sealed tag", lambda d: d.update(sealed=_flip_b64(s["sealed"], -1))),
        ("sealed short", lambda d: d.update(sealed=_b64(base64.b64decode(s["sealed"])[:-1]))),
        ("sealed long", lambda d: d.update(sealed=_b64(base64.b64decode(s["sealed"]) + b"\0"))),
        ("sealed empty", lambda d: d.update(sealed="")),
    ]


def test_every_tampered_field_fails_authentication(
    real_kdf: None, sealed_identity: dict[str, Any], other: Identity
) -> None:
    """Same passphrase, salt and parameters (one memoised derivation): the AD or the ciphertext
    alone refuses each of these."""
    for what, change in _tamper(sealed_identity, other):
        d = copy.deepcopy(sealed_identity)
        change(d)
        with pytest.raises(AuthenticationError, match=r"^wrong passphrase for "):
            unseal_identity(d, PASS)
        assert what


def _malformed(s: dict[str, Any]) -> list[tuple[Callable[[dict[str, Any]], Any], str]]:
    return [
        (lambda d: d.update(format="casevault-identity-v2"), "^not a casevault identity file$"),
        (lambda d: d["kdf"].update(alg="argon2i"), "^not a casevault identity file$"),
        (lambda d: d.pop("format"), "^identity file is malformed$"),
        (lambda d: d.pop("kdf"), "^identity file is malformed$"),
        (lambda d: d["kdf"].pop("alg"), "^identity file is malformed$"),
        (lambda d: d["kdf"].pop("salt"), "^identity file is malformed$"),
        (lambda d: d["kdf"].pop("time_cost"), "^identity file is malformed$"),
        (lambda d: d["kdf"].pop("memory_kib"), "^identity file is malformed$"),
        (lambda d: d["kdf"].pop("parallelism"), "^identity file is malformed$"),
        (lambda d: d["kdf"].update(time_cost="three"), "^identity file is malformed$"),
        (lambda d: d["kdf"].update(memory_kib=None), "^identity file is malformed$"),
        (lambda d: d["kdf"].update(parallelism=[4]), "^identity file is malformed$"),
        (lambda d: d["kdf"].update(salt=s["kdf"]["salt"] + "!"), "^identity file is malformed$"),
        (lambda d: d["kdf"].update(salt=5), "^identity file is malformed$"),
        (lambda d: d.pop("name"), "^identity file is malformed$"),
        (lambda d: d.pop("sign_public"), "^identity file is malformed$"),
        (lambda d: d.pop("kem_public"), "^identity file is malformed$"),
        (lambda d: d.pop("sealed"), "^identity file is malformed$"),
        (lambda d: d.update(sealed="é"), "^identity file is malformed$"),
        (lambda d: d.update(sign_public="*" + s["sign_public"]), "^identity file is malformed$"),
        (lambda d: d.update(kem_public=s["kem_public"][1:]), "^identity file is malformed$"),
        (lambda d: d.update(kdf="argon2id"), "^identity file is malformed$"),
        # parameters outside the range are refused before any derivation
        (lambda d: d["kdf"].update(time_cost=2), "outside the allowed range$"),
        (lambda d: d["kdf"].update(memory_kib=65535), "outside the allowed range$"),
        (lambda d: d["kdf"].update(parallelism=0), "outside the allowed range$"),
        (lambda d: d["kdf"].update(time_cost=101), "outside the allowed range$"),
        (lambda d: d["kdf"].update(memory_kib=8 * 1024 * 1024 + 1), "outside the allowed range$"),
        (lambda d: d["kdf"].update(parallelism=65), "outside the allowed range$"),
    ]


def test_malformed_files_and_params_outside_the_floor_are_refused(
    blind_kdf: list[tuple[Any, ...]], sealed_identity: dict[str, Any]
) -> None:
    for change, message in _malformed(sealed_identity):
        d = copy.deepcopy(sealed_identity)
        change(d)
        with pytest.raises(IntegrityError, match=message):
            unseal_identity(d, PASS)
    assert blind_kdf == []  # nothing was derived for any of them
    for bad in (None, [], "x"):
        with pytest.raises(IntegrityError, match=r"^identity file is malformed$"):
            unseal_identity(bad, PASS)


def test_sealed_public_refuses_malformed_files(sealed_identity: dict[str, Any]) -> None:
    for key in ("name", "sign_public", "kem_public"):
        d = {k: v for k, v in sealed_identity.items() if k != key}
        with pytest.raises(IntegrityError, match=r"^public identity file is malformed$"):
            sealed_public(d)
    d = {**sealed_identity, "kem_public": _b64(b"\0" * 10)}
    with pytest.raises(IntegrityError, match=r"wrong size"):
        sealed_public(d)


# --- sealing, with the stand-in KDF: the AD binds salt and parameters -----------------------------


def test_seal_passes_passphrase_salt_and_parameters_to_the_kdf(
    blind_kdf: list[tuple[Any, ...]], owner: Identity
) -> None:
    s = seal_identity(owner, PASS, KdfParams(4, 70000, 2))
    salt = base64.b64decode(s["kdf"]["salt"])
    assert blind_kdf == [(SEALED_PASSPHRASE.encode(), salt, 4, 70000, 2)]
    assert s["kdf"] == {
        "alg": "argon2id",
        "salt": _b64(salt),
        "time_cost": 4,
        "memory_kib": 70000,
        "parallelism": 2,
    }
    blind_kdf.clear()
    assert unseal_identity(s, PASS).public == owner.public
    assert blind_kdf == [(SEALED_PASSPHRASE.encode(), salt, 4, 70000, 2)]
    # the sealed part is AES-GCM under the KDF's key, the AD built from the file's own fields
    key = _blind_argon2id(
        SEALED_PASSPHRASE.encode(), salt, time_cost=0, memory_kib=0, parallelism=0
    )
    ad = identity_seal_ad(
        NAMES[0], salt, 4, 70000, 2, owner.public.sign_public, owner.public.kem_public
    )
    assert _primitives.aead_open(key, base64.b64decode(s["sealed"]), ad, "t") == (
        owner._private_bundle()
    )


def test_seal_uses_the_default_parameters_and_a_fresh_salt(
    blind_kdf: list[tuple[Any, ...]], owner: Identity
) -> None:
    a, b = seal_identity(owner, PASS), seal_identity(owner, PASS)
    assert a["kdf"]["salt"] != b["kdf"]["salt"]
    assert [c[2:] for c in blind_kdf] == [(3, 65536, 4), (3, 65536, 4)]
    assert all(len(c[1]) == 16 for c in blind_kdf)


def test_seal_refuses_parameters_below_the_floor(
    blind_kdf: list[tuple[Any, ...]], owner: Identity
) -> None:
    for params in (KdfParams(2, 65536, 4), KdfParams(3, 1024, 4), KdfParams(3, 65536, 0)):
        with pytest.raises(IntegrityError, match=r"outside the allowed range"):
            seal_identity(owner, PASS, params)
    assert blind_kdf == []


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["kdf"].update(salt=_flip_b64(d["kdf"]["salt"])),
        lambda d: d["kdf"].update(time_cost=d["kdf"]["time_cost"] + 1),
        lambda d: d["kdf"].update(memory_kib=d["kdf"]["memory_kib"] + 1),
        lambda d: d["kdf"].update(parallelism=d["kdf"]["parallelism"] + 1),
        lambda d: d["kdf"].update(parallelism=d["kdf"]["parallelism"] - 1),
        lambda d: d.update(name="Someone Else"),
    ],
)
def test_salt_and_parameters_are_bound_by_the_associated_data(
    blind_kdf: list[tuple[Any, ...]], owner: Identity, change: Callable[[dict[str, Any]], None]
) -> None:
    s = seal_identity(owner, PASS)
    assert unseal_identity(s, PASS).public == owner.public
    change(s)
    with pytest.raises(AuthenticationError):
        unseal_identity(s, PASS)


def test_public_keys_that_do_not_match_the_private_ones_are_refused(
    blind_kdf: list[tuple[Any, ...]], owner: Identity, other: Identity
) -> None:
    """A file whose AD (and public keys) are another person's, sealing this person's private keys:
    authentic, but the public keys are not the ones the private keys make."""
    s = seal_identity(owner, PASS)
    salt = base64.b64decode(s["kdf"]["salt"])
    key = _blind_argon2id(PASS.reveal(), salt, time_cost=3, memory_kib=65536, parallelism=4)
    for sign_pub, kem_pub in (
        (other.public.sign_public, owner.public.kem_public),
        (owner.public.sign_public, other.public.kem_public),
    ):
        ad = identity_seal_ad(NAMES[0], salt, 3, 65536, 4, sign_pub, kem_pub)
        forged = {
            **s,
            "sign_public": _b64(sign_pub),
            "kem_public": _b64(kem_pub),
            "sealed": _b64(_primitives.aead_seal(key, owner._private_bundle(), ad)),
        }
        with pytest.raises(IntegrityError, match=r"^identity file's public keys do not match"):
            unseal_identity(forged, PASS)


def test_a_failed_unseal_chains_the_opaque_decryption_error(
    blind_kdf: list[tuple[Any, ...]], owner: Identity
) -> None:
    s = seal_identity(owner, PASS)
    with pytest.raises(AuthenticationError) as e:
        unseal_identity(s, WRONG)
    assert type(e.value.__cause__) is DecryptionError
    assert str(e.value.__cause__) == (
        "could not decrypt identity: it was altered, moved, or the key is wrong"
    )
