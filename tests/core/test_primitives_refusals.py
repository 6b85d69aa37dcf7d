"""The thin layer over the vetted libraries: sizes, known answers, and every refusal.

AES-256-GCM, HPKE, Ed25519, HMAC, SHA-2 and HKDF each fed a wrong key, altered input or a
malformed argument must raise the project's own error (or return False for a signature), never
succeed and never leak a library exception.
"""

from __future__ import annotations

import hashlib
import hmac

import pytest

from vault.crypto import _primitives as p
from vault.errors import DecryptionError, IntegrityError

KEY = bytes(range(32))
NONCE = bytes(range(12))


def test_sizes() -> None:
    assert p.KEY_BYTES == 32
    assert p.NONCE_BYTES == 12
    assert p.MLKEM_SEED_BYTES == 64
    assert p.MLKEM768_PUBLIC_BYTES == 1184
    assert p.X25519_BYTES == 32
    assert p.ED25519_BYTES == 32
    assert p.KEM_PUBLIC_BYTES == 1216
    assert p.KEM_PRIVATE_BYTES == 96


@pytest.mark.parametrize("n", [0, 1, 16, 32])
def test_random_bytes_length_and_freshness(n: int) -> None:
    out = p.random_bytes(n)
    assert isinstance(out, bytes) and len(out) == n
    if n >= 16:
        assert out != p.random_bytes(n)


# --- AEAD -------------------------------------------------------------------------------------


def test_aead_seal_with_a_given_nonce_is_deterministic_and_prefixed() -> None:
    a = p.aead_seal(KEY, b"abc", b"ad", _nonce=NONCE)
    assert a[:12] == NONCE
    assert a == p.aead_seal(KEY, b"abc", b"ad", _nonce=NONCE)
    assert len(a) == 12 + 3 + 16


def test_aead_seal_draws_a_fresh_nonce() -> None:
    nonces = {p.aead_seal(KEY, b"abc", b"ad")[:12] for _ in range(8)}
    assert len(nonces) == 8


@pytest.mark.parametrize("n", [0, 11, 13, 16])
def test_aead_seal_refuses_a_nonce_of_the_wrong_length(n: int) -> None:
    with pytest.raises(ValueError, match=r"^bad nonce length$"):
        p.aead_seal(KEY, b"abc", b"ad", _nonce=b"\x00" * n)


def test_aead_open_boundary_and_refusals() -> None:
    empty = p.aead_seal(KEY, b"", b"ad", _nonce=NONCE)
    assert len(empty) == 28
    assert p.aead_open(KEY, empty, b"ad", "x") == b""
    blob = p.aead_seal(KEY, b"abc", b"ad", _nonce=NONCE)
    assert p.aead_open(KEY, blob, b"ad", "x") == b"abc"
    for bad_key, bad_blob, bad_ad in [
        (bytes(32), blob, b"ad"),
        (KEY, blob, b"ae"),
        (KEY, blob, b""),
        (KEY, blob[:-1], b"ad"),
        (KEY, blob[:27], b"ad"),
        (KEY, b"", b"ad"),
        (KEY, blob + b"\x00", b"ad"),
        (KEY, bytes([blob[0] ^ 1]) + blob[1:], b"ad"),
        (KEY, blob[:-1] + bytes([blob[-1] ^ 1]), b"ad"),
    ]:
        with pytest.raises(DecryptionError, match=r"^could not decrypt the thing: "):
            p.aead_open(bad_key, bad_blob, bad_ad, "the thing")


# --- HPKE -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kem() -> tuple[bytes, bytes]:
    private = p.kem_generate()
    return private, p.kem_public(private)


def test_kem_key_sizes(kem: tuple[bytes, bytes]) -> None:
    private, public = kem
    assert len(private) == 96
    assert len(public) == 1216
    assert p.kem_public(private) == public  # deterministic from the private key
    assert p.kem_generate() != private


def test_hpke_round_trip_and_refusals(kem: tuple[bytes, bytes]) -> None:
    private, public = kem
    ct = p.hpke_seal(public, b"role key", b"info")
    assert p.hpke_open(private, ct, b"info", "w") == b"role key"
    assert p.hpke_seal(public, b"role key", b"info") != ct  # fresh encapsulation
    other = p.kem_generate()
    refused = [
        (other, ct, b"info"),
        (private, ct, b"infx"),
        (private, ct, b""),
        (private, ct[:-1], b"info"),
        (private, ct + b"\x00", b"info"),
        (private, ct[:100], b"info"),
        (private, b"", b"info"),
        (private, bytes([ct[0] ^ 1]) + ct[1:], b"info"),  # in the encapsulation
        (private, ct[:-1] + bytes([ct[-1] ^ 1]), b"info"),  # in the tag
        (private[:95], ct, b"info"),  # a private key of the wrong length
        (private + b"\x00", ct, b"info"),
    ]
    for priv, blob, info in refused:
        with pytest.raises(DecryptionError, match=r"^could not decrypt the wrap: "):
            p.hpke_open(priv, blob, info, "the wrap")


def test_hpke_x25519_half_matters(kem: tuple[bytes, bytes]) -> None:
    private, public = kem
    ct = p.hpke_seal(public, b"k", b"info")
    swapped = private[:64] + p.kem_generate()[64:]
    with pytest.raises(DecryptionError):
        p.hpke_open(swapped, ct, b"info", "w")


@pytest.mark.parametrize("n", [95, 97, 0])
def test_kem_private_of_wrong_length_is_refused(n: int) -> None:
    with pytest.raises(ValueError, match=r"^bad KEM private key length$"):
        p._kem_private(b"\x01" * n)


@pytest.mark.parametrize("n", [0, 1184, 1215, 1217])
def test_hpke_seal_refuses_a_public_key_of_the_wrong_length(
    kem: tuple[bytes, bytes], n: int
) -> None:
    public = (kem[1] * 2)[:n]
    with pytest.raises(IntegrityError, match=r"^a KEM public key has the wrong length$"):
        p.hpke_seal(public, b"k", b"info")


def test_hpke_seal_refuses_a_malformed_public_key(kem: tuple[bytes, bytes]) -> None:
    # every ML-KEM coefficient 4095 >= q: not an encapsulation key (FIPS 203 input check)
    bad = b"\xff" * 1184 + kem[1][1184:]
    with pytest.raises(IntegrityError, match=r"^a KEM public key is malformed$"):
        p.hpke_seal(bad, b"k", b"info")


# --- Ed25519 ----------------------------------------------------------------------------------


def test_sign_and_verify_refusals() -> None:
    private = p.sign_generate()
    assert len(private) == 32
    assert p.sign_generate() != private
    public = p.sign_public(private)
    assert len(public) == 32
    sig = p.sign(private, b"msg")
    assert len(sig) == 64
    assert p.verify(public, sig, b"msg") is True
    other = p.sign_public(p.sign_generate())
    for pub, s, m in [
        (public, sig, b"msh"),
        (public, sig, b""),
        (other, sig, b"msg"),
        (public, sig[:-1], b"msg"),  # malformed signature: False, no exception
        (public, sig + b"\x00", b"msg"),
        (public, b"", b"msg"),
        (public, bytes([sig[0] ^ 1]) + sig[1:], b"msg"),
        (public, sig[:-1] + bytes([sig[-1] ^ 1]), b"msg"),
        (public[:-1], sig, b"msg"),  # malformed key: False, no exception
        (public + b"\x00", sig, b"msg"),
        (b"", sig, b"msg"),
    ]:
        assert p.verify(pub, s, m) is False


# --- hashes, MACs, KDFs -------------------------------------------------------------------------


def test_hash_known_answers() -> None:
    assert p.sha256(b"abc").hex() == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert p.sha512(b"abc").hex() == (
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
    )


def test_hmac_state_after_a_prefix_gives_the_same_mac() -> None:
    mac = p.hmac_sha256_after(KEY, b"prefix|")
    for rest in (b"", b"a", b"tail" * 50, b"a"):  # each message on its own: the state is copied
        assert mac(rest) == p.hmac_sha256(KEY, b"prefix|" + rest)
        assert mac(rest) == hmac.new(KEY, b"prefix|" + rest, hashlib.sha256).digest()
    assert mac(b"a") != p.hmac_sha256_after(KEY, b"prefix")(b"a")


def test_hkdf_matches_rfc5869_case_3_and_binds_info() -> None:
    # RFC 5869 A.3: IKM 0x0b * 22, no salt, no info; the first 32 bytes of its OKM
    okm = p.hkdf_sha256(b"\x0b" * 22, b"")
    assert okm.hex() == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
    a, b = p.hkdf_sha256(KEY, b"purpose-a"), p.hkdf_sha256(KEY, b"purpose-b")
    assert len(a) == 32 and a != b and a != p.hkdf_sha256(KEY, b"")


def test_argon2id_reference_known_answers_and_every_parameter_bound() -> None:
    # phc-winner-argon2 src/test.c, Argon2id v=0x13: password "password", salt "somesalt"
    kat = {
        1: "9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe",
        2: "6d093c501fd5999645e0ea3bf620d7b8be7fd2db59c20d9fff9539da2bf57037",
    }
    for lanes, tag in kat.items():
        out = p.argon2id(b"password", b"somesalt", time_cost=2, memory_kib=256, parallelism=lanes)
        assert out.hex() == tag
    base = p.argon2id(b"password", b"somesalt", time_cost=1, memory_kib=64, parallelism=1)
    others = {
        p.argon2id(b"passwore", b"somesalt", time_cost=1, memory_kib=64, parallelism=1),
        p.argon2id(b"password", b"somesalu", time_cost=1, memory_kib=64, parallelism=1),
        p.argon2id(b"password", b"somesalt", time_cost=2, memory_kib=64, parallelism=1),
        p.argon2id(b"password", b"somesalt", time_cost=1, memory_kib=72, parallelism=1),
    }
    assert base not in others and len(others) == 4


# --- key objects made once (issue 23) ----------------------------------------------------------


def test_one_aead_object_seals_and_opens_many_and_agrees_with_the_one_shot_calls() -> None:
    aead = p.Aead(KEY)
    blobs = [aead.seal(bytes([i]) * i, b"ad%d" % i) for i in range(20)]
    assert len({b[:12] for b in blobs}) == 20  # a fresh nonce for every seal
    for i, blob in enumerate(blobs):
        assert aead.open(blob, b"ad%d" % i, "x") == bytes([i]) * i
        assert p.aead_open(KEY, blob, b"ad%d" % i, "x") == bytes([i]) * i
    fixed = p.aead_seal(KEY, b"abc", b"ad", _nonce=NONCE)
    assert aead.open(fixed, b"ad", "x") == b"abc"


def test_a_reusable_aead_object_takes_no_nonce_from_its_caller() -> None:
    """A key object sealing many values must draw every nonce itself: one given twice would
    repeat a (key, nonce) pair, which breaks AES-GCM."""
    with pytest.raises(TypeError):
        p.Aead(KEY).seal(b"abc", b"ad", _nonce=NONCE)  # type: ignore[call-arg]


def test_a_reused_aead_object_still_refuses_after_it_has_opened() -> None:
    aead = p.Aead(KEY)
    blob = aead.seal(b"secret", b"ad")
    assert aead.open(blob, b"ad", "x") == b"secret"
    with pytest.raises(DecryptionError, match=r"^could not decrypt x: "):
        aead.open(blob, b"other ad", "x")
    with pytest.raises(DecryptionError, match=r"^could not decrypt x: "):
        p.Aead(bytes(32)).open(blob, b"ad", "x")
    flipped = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(DecryptionError, match=r"^could not decrypt x: "):
        aead.open(flipped, b"ad", "x")
    with pytest.raises(DecryptionError, match=r"^could not decrypt x: "):
        aead.open(blob[:27], b"ad", "x")
    assert aead.open(blob, b"ad", "x") == b"secret"


def test_one_signer_object_signs_as_the_one_shot_call_and_only_its_message_verifies() -> None:
    private = p.sign_generate()
    signer = p.Signer(private)
    public = p.sign_public(private)
    for message in (b"", b"one", b"two" * 100):
        signature = signer.sign(message)
        assert signature == p.sign(private, message)  # Ed25519 is deterministic
        assert p.verify(public, signature, message)
        assert not p.verify(public, signature, message + b"!")
    assert not p.verify(p.sign_public(p.sign_generate()), signer.sign(b"one"), b"one")


@pytest.mark.parametrize("n", [0, 31, 33, 64])
def test_a_signer_refuses_a_private_key_of_the_wrong_length(n: int) -> None:
    with pytest.raises(ValueError):
        p.Signer(b"\x01" * n)
