"""Crypto recipes: binding to place, tamper detection, KDF floor, secrets that do not print."""

from __future__ import annotations

import copy
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault.crypto import (
    Identity,
    KdfParams,
    Passphrase,
    SecretBytes,
    context,
    new_key,
    open_sealed,
    seal,
    seal_identity,
    unseal_identity,
    unwrap_key,
    wrap_key,
)
from vault.crypto import hierarchy as h
from vault.errors import AuthenticationError, DecryptionError, IntegrityError

KEY = SecretBytes(bytes(range(32)))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200), st.data())
def test_any_single_byte_flip_in_a_sealed_field_fails(plaintext: bytes, data: st.DataObject) -> None:
    ad = h.field_ad("v", "case:X", 1, "full_name", "public", "public/1")
    blob = bytearray(seal(KEY, plaintext, ad))
    i = data.draw(st.integers(0, len(blob) - 1))
    bit = data.draw(st.integers(0, 7))
    blob[i] ^= 1 << bit
    with pytest.raises(DecryptionError):
        open_sealed(KEY, bytes(blob), ad, "field")


@pytest.mark.parametrize(
    "moved",
    [
        h.field_ad("v", "case:Y", 1, "full_name", "public", "public/1"),  # another case
        h.field_ad("v", "case:X", 1, "case_notes", "public", "public/1"),  # another field
        h.field_ad("v", "case:X", 2, "full_name", "public", "public/1"),  # another version
        h.field_ad("w", "case:X", 1, "full_name", "public", "public/1"),  # another vault
        h.field_ad("v", "case:X", 1, "full_name", "public", "public/2"),  # another key id
    ],
)
def test_ciphertext_moved_to_another_place_does_not_open(moved: bytes) -> None:
    ad = h.field_ad("v", "case:X", 1, "full_name", "public", "public/1")
    blob = seal(KEY, b'"Example Name"', ad)
    assert open_sealed(KEY, blob, ad, "field") == b'"Example Name"'
    with pytest.raises(DecryptionError):
        open_sealed(KEY, blob, moved, "field")


def test_decryption_error_is_opaque() -> None:
    blob = seal(KEY, b"secret testimony", b"ad")
    with pytest.raises(DecryptionError) as e:
        open_sealed(new_key(), blob, b"ad", "case X field case_notes")
    assert "secret testimony" not in str(e.value)
    assert "altered, moved, or the key is wrong" in str(e.value)


def test_wrapped_key_bound_to_its_context() -> None:
    k = new_key()
    wrapped = wrap_key(KEY, k, context("casevault/test/v1", "a"))
    assert unwrap_key(KEY, wrapped, context("casevault/test/v1", "a"), "k") == k
    with pytest.raises(DecryptionError):
        unwrap_key(KEY, wrapped, context("casevault/test/v1", "b"), "k")


def test_secrets_do_not_print_pickle_or_hash() -> None:
    s = Passphrase.from_text("correct horse battery staple")
    for text in (repr(s), str(s), f"{s}", repr([s]), repr({"k": s})):
        assert "correct horse" not in text
        assert "**********" in text
    with pytest.raises(TypeError):
        pickle.dumps(s)
    with pytest.raises(TypeError):
        hash(s)
    ident = Identity.generate("alice")
    assert "**********" in repr(ident)


def test_identity_seal_roundtrip_and_wrong_passphrase() -> None:
    ident = Identity.generate("alice")
    sealed = seal_identity(ident, Passphrase.from_text("a long enough passphrase"))
    assert unseal_identity(sealed, Passphrase.from_text("a long enough passphrase")).public == (
        ident.public
    )
    with pytest.raises(AuthenticationError) as e:
        unseal_identity(sealed, Passphrase.from_text("not it"))
    assert "not it" not in str(e.value)


def test_kdf_downgrade_in_identity_file_is_refused() -> None:
    """Attack: a writer of the identity file lowers Argon2id's cost to speed up guessing."""
    ident = Identity.generate("alice")
    sealed = seal_identity(ident, Passphrase.from_text("a long enough passphrase"))
    weak = copy.deepcopy(sealed)
    weak["kdf"]["memory_kib"] = 8
    weak["kdf"]["time_cost"] = 1
    with pytest.raises(IntegrityError):
        unseal_identity(weak, Passphrase.from_text("a long enough passphrase"))
    with pytest.raises(IntegrityError):
        seal_identity(ident, Passphrase.from_text("x" * 20), KdfParams(1, 1024, 1))


def test_kdf_raise_without_resealing_fails_authentication() -> None:
    """The parameters are in the associated data: changing them (even upwards) breaks the seal."""
    ident = Identity.generate("alice")
    sealed = seal_identity(ident, Passphrase.from_text("a long enough passphrase"))
    changed = copy.deepcopy(sealed)
    changed["kdf"]["time_cost"] = 4
    with pytest.raises(AuthenticationError):
        unseal_identity(changed, Passphrase.from_text("a long enough passphrase"))


def test_swapped_public_key_in_identity_file_is_refused() -> None:
    """Attack: replace the public keys next to a sealed private key with the attacker's."""
    a, b = Identity.generate("alice"), Identity.generate("alice")
    sealed = seal_identity(a, Passphrase.from_text("a long enough passphrase"))
    other = seal_identity(b, Passphrase.from_text("a long enough passphrase"))
    sealed["kem_public"] = other["kem_public"]
    with pytest.raises(AuthenticationError):
        unseal_identity(sealed, Passphrase.from_text("a long enough passphrase"))
