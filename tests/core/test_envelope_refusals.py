"""Envelope recipes: what must fail to open, with the one opaque DecryptionError.

Wrong key, every part of the associated data changed, a truncated or extended ciphertext, a
flipped bit in the nonce, the body or the tag: each is refused. A wrap that opens to something
other than a 256-bit key is refused too. Commitments and blind indexes are compared to values
computed here independently.
"""

from __future__ import annotations

import hashlib
import hmac
import struct

import pytest

from vault.crypto import (
    BlindIndexer,
    Sealer,
    SecretBytes,
    blind_index,
    commitment_matches,
    hash_bytes,
    key_commitment,
    new_key,
    open_sealed,
    seal,
    unwrap_key,
    wrap_key,
)
from vault.crypto.hierarchy import field_ad
from vault.errors import DecryptionError

KEY = SecretBytes(bytes(range(32)))
OTHER = SecretBytes(bytes(range(1, 33)))
AD = field_ad("vault-1", "case:UA-1", 2, "full_name", "public", "public/1")
WHAT = "case UA-1 field full_name"
REFUSED = f"could not decrypt {WHAT}: it was altered, moved, or the key is wrong"


def lp(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


def test_new_key_is_32_fresh_bytes() -> None:
    a, b = new_key(), new_key()
    assert isinstance(a, SecretBytes)
    assert len(a.reveal()) == 32
    assert a != b


def test_seal_round_trip_and_layout() -> None:
    blob = seal(KEY, b"testimony", AD)
    assert len(blob) == 12 + len(b"testimony") + 16
    assert open_sealed(KEY, blob, AD, WHAT) == b"testimony"
    assert seal(KEY, b"testimony", AD)[:12] != blob[:12]  # a fresh nonce each time


def test_empty_plaintext_opens() -> None:
    blob = seal(KEY, b"", AD)
    assert len(blob) == 28
    assert open_sealed(KEY, blob, AD, WHAT) == b""


def _refused(key: SecretBytes, blob: bytes, ad: bytes) -> None:
    with pytest.raises(DecryptionError) as e:
        open_sealed(key, blob, ad, WHAT)
    assert str(e.value) == REFUSED


def test_wrong_key_is_refused() -> None:
    _refused(OTHER, seal(KEY, b"testimony", AD), AD)


@pytest.mark.parametrize(
    "moved",
    [
        field_ad("vault-2", "case:UA-1", 2, "full_name", "public", "public/1"),
        field_ad("vault-1", "case:UA-2", 2, "full_name", "public", "public/1"),
        field_ad("vault-1", "action:UA-1", 2, "full_name", "public", "public/1"),
        field_ad("vault-1", "case:UA-1", 3, "full_name", "public", "public/1"),
        field_ad("vault-1", "case:UA-1", 2, "case_notes", "public", "public/1"),
        field_ad("vault-1", "case:UA-1", 2, "full_name", "secret", "public/1"),
        field_ad("vault-1", "case:UA-1", 2, "full_name", "public", "public/2"),
        b"",
        AD + b"\x00",
        AD[:-1],
    ],
)
def test_every_part_of_the_ad_is_bound(moved: bytes) -> None:
    _refused(KEY, seal(KEY, b"testimony", AD), moved)


def test_truncated_and_extended_ciphertexts_are_refused() -> None:
    blob = seal(KEY, b"testimony", AD)
    for cut in range(len(blob)):
        _refused(KEY, blob[:cut], AD)
    _refused(KEY, blob + b"\x00", AD)
    _refused(KEY, b"\x00" + blob, AD)


def test_too_short_blobs_are_refused_before_decrypting() -> None:
    for n in (0, 1, 12, 27):
        _refused(KEY, b"\x00" * n, AD)


@pytest.mark.parametrize("where", ["nonce", "body", "tag"])
def test_a_flipped_bit_anywhere_is_refused(where: str) -> None:
    blob = seal(KEY, b"testimony", AD)
    start, end = {"nonce": (0, 12), "body": (12, 21), "tag": (21, 37)}[where]
    for i in range(start, end):
        for bit in (0, 7):
            flipped = bytearray(blob)
            flipped[i] ^= 1 << bit
            _refused(KEY, bytes(flipped), AD)


# --- key wrapping -------------------------------------------------------------------------------


def test_wrap_round_trip() -> None:
    dek = new_key()
    wrapped = wrap_key(KEY, dek, AD)
    assert len(wrapped) == 60
    assert unwrap_key(KEY, wrapped, AD, WHAT) == dek


def test_wrap_refused_under_wrong_kek_ad_or_tamper() -> None:
    wrapped = wrap_key(KEY, new_key(), AD)
    for kek, blob, ad in [
        (OTHER, wrapped, AD),
        (KEY, wrapped, AD + b"x"),
        (KEY, wrapped[:-1], AD),
        (KEY, wrapped + b"\x00", AD),
        (KEY, bytes([wrapped[0] ^ 1]) + wrapped[1:], AD),
        (KEY, wrapped[:-1] + bytes([wrapped[-1] ^ 0x80]), AD),
    ]:
        with pytest.raises(DecryptionError) as e:
            unwrap_key(kek, blob, ad, WHAT)
        assert str(e.value) == REFUSED


@pytest.mark.parametrize("n", [0, 16, 31, 33, 64])
def test_unwrap_refuses_what_is_not_a_256_bit_key(n: int) -> None:
    blob = seal(KEY, b"k" * n, AD)  # authentic, but not a key
    with pytest.raises(DecryptionError) as e:
        unwrap_key(KEY, blob, AD, WHAT)
    assert str(e.value) == REFUSED


# --- commitments, hashes, blind indexes -------------------------------------------------------


def _commit(key: bytes, ad: bytes) -> bytes:
    return hmac.new(key, lp(b"casevault/key-commitment/v1") + lp(ad), hashlib.sha256).digest()


def test_key_commitment_value() -> None:
    assert key_commitment(KEY, AD) == _commit(KEY.reveal(), AD)


def test_commitment_matches_only_its_key_and_place() -> None:
    c = key_commitment(KEY, AD)
    assert commitment_matches(KEY, AD, c) is True
    assert commitment_matches(OTHER, AD, c) is False
    assert commitment_matches(KEY, AD + b"x", c) is False
    assert commitment_matches(KEY, AD, c[:-1]) is False
    assert commitment_matches(KEY, AD, c + b"\x00") is False
    assert commitment_matches(KEY, AD, bytes([c[0] ^ 1]) + c[1:]) is False
    assert commitment_matches(KEY, AD, b"") is False


def test_hash_bytes_is_sha256() -> None:
    assert hash_bytes(b"abc").hex() == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert hash_bytes(b"").hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def _index(key: bytes, namespace: str, term: str) -> bytes:
    msg = lp(b"casevault/blind-index/v1") + lp(namespace.encode()) + lp(term.encode())
    return hmac.new(key, msg, hashlib.sha256).digest()[:16]


TERMS = ["vera", "Vera", "", "é", "vera example", "x" * 300, "names"]


def test_blind_index_values() -> None:
    for term in TERMS:
        assert blind_index(KEY, "names", term) == _index(KEY.reveal(), "names", term)
    assert len({blind_index(KEY, "names", t) for t in TERMS}) == len(TERMS)
    assert blind_index(KEY, "names", "vera") != blind_index(KEY, "ids", "vera")
    assert blind_index(KEY, "names", "vera") != blind_index(OTHER, "names", "vera")


def test_blind_indexer_gives_blind_index_bytes() -> None:
    for namespace in ("names", "ids", ""):
        indexer = BlindIndexer(KEY, namespace)
        for term in TERMS * 2:  # the state is copied, never consumed
            assert indexer(term) == _index(KEY.reveal(), namespace, term)
    assert BlindIndexer(OTHER, "names")("vera") == _index(OTHER.reveal(), "names", "vera")


def test_blind_index_prefix_cache_serves_many_namespaces() -> None:
    namespaces = [f"ns{i}" for i in range(80)]
    for _ in range(2):
        for ns in namespaces:
            assert blind_index(KEY, ns, "t") == _index(KEY.reveal(), ns, "t")


def test_a_sealer_seals_what_open_sealed_opens_and_the_reverse() -> None:
    key = new_key()
    sealer = Sealer(key)
    blobs = [sealer.seal(b"kind", b"ad-1") for _ in range(3)]
    assert len({b[:12] for b in blobs}) == 3  # a fresh nonce for each
    assert all(open_sealed(key, b, b"ad-1", "row") == b"kind" for b in blobs)
    assert sealer.open(seal(key, b"other", b"ad-2"), b"ad-2", "row") == b"other"


@pytest.mark.parametrize("change", ["ad", "key", "blob"])
def test_a_sealer_refuses_what_open_sealed_refuses(change: str) -> None:
    key = new_key()
    blob = Sealer(key).seal(b"kind", b"ad")
    opener = Sealer(new_key() if change == "key" else key)
    ad = b"ad2" if change == "ad" else b"ad"
    if change == "blob":
        blob = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(DecryptionError, match=r"^could not decrypt leak row: "):
        opener.open(blob, ad, "leak row")


@pytest.mark.parametrize("size", [0, 1, 31, 800])
def test_a_seal_is_its_plaintext_and_exactly_seal_overhead_more(size: int) -> None:
    """SEAL_OVERHEAD is what the leak index strides its sealed parts by: one byte off and every
    case's kinds would read as damaged."""
    from vault.crypto import SEAL_OVERHEAD, seal

    assert SEAL_OVERHEAD == 28
    assert len(seal(KEY, b"k" * size, b"ad")) == size + SEAL_OVERHEAD
