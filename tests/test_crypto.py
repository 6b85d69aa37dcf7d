"""Crypto recipes: binding to place, tamper detection, KDF floor, secrets that do not print."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any

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
from vault.crypto.hierarchy import field_ad
from vault.crypto.records import (
    DataKeyWrap,
    JSONValue,
    LevelKey,
    OpenedRecord,
    RecordHeader,
    RecordPlace,
    open_record,
    rewrap_data_key,
    seal_record,
)
from vault.errors import AuthenticationError, DecryptionError, IntegrityError

KEY = SecretBytes(bytes(range(32)))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200), st.data())
def test_any_single_byte_flip_in_a_sealed_field_fails(
    plaintext: bytes, data: st.DataObject
) -> None:
    ad = field_ad("v", "case:X", 1, "full_name", "public", "public/1")
    blob = bytearray(seal(KEY, plaintext, ad))
    i = data.draw(st.integers(0, len(blob) - 1))
    bit = data.draw(st.integers(0, 7))
    blob[i] ^= 1 << bit
    with pytest.raises(DecryptionError):
        open_sealed(KEY, bytes(blob), ad, "field")


@pytest.mark.parametrize(
    "moved",
    [
        field_ad("v", "case:Y", 1, "full_name", "public", "public/1"),  # another case
        field_ad("v", "case:X", 1, "case_notes", "public", "public/1"),  # another field
        field_ad("v", "case:X", 2, "full_name", "public", "public/1"),  # another version
        field_ad("w", "case:X", 1, "full_name", "public", "public/1"),  # another vault
        field_ad("v", "case:X", 1, "full_name", "public", "public/2"),  # another key id
    ],
)
def test_ciphertext_moved_to_another_place_does_not_open(moved: bytes) -> None:
    ad = field_ad("v", "case:X", 1, "full_name", "public", "public/1")
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


# --- records: one format, one place check, one value encoding ---------------------------------

AUTHOR = Identity.generate("vera")
PLACE = RecordPlace("vault-1", "case", "UA-000-00-001", 2, "vera")
HEADER = RecordHeader(*dataclasses.astuple(PLACE)[:4], "ab" * 32, "vera", "2026-01-01", "0" * 64)
LEVEL_KEYS = {"public": LevelKey("public", 1, KEY), "secret": LevelKey("secret", 3, new_key())}


def _lookup(level: str, epoch: int) -> SecretBytes | None:
    lk = LEVEL_KEYS.get(level)
    return lk.key if lk is not None and lk.epoch == epoch else None


_WRAPS: dict[bytes, dict[str, DataKeyWrap]] = {}  # body -> the data-key wraps sealed with it


def _seal(values: dict[str, tuple[str, JSONValue]]) -> tuple[bytes, bytes]:
    sealed = seal_record(HEADER, values, LEVEL_KEYS, AUTHOR)
    _WRAPS[sealed.body] = sealed.wraps
    return sealed.body, sealed.signature


def _open(body: bytes, sig: bytes, **kw: Any) -> OpenedRecord:
    kw.setdefault("wraps", _WRAPS.get(body, _WRAPS.get(BODY, {})))
    return open_record(body, sig, AUTHOR.public.sign_public, _lookup, **{"expect": PLACE, **kw})


BODY, SIG = _seal({"full_name": ("public", "Vera Example"), "sources": ("secret", [{"a": 1}])})
WRAPS = _WRAPS[BODY]

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def test_record_opens_at_its_place_with_its_header() -> None:
    opened = _open(BODY, SIG)
    assert opened.header == HEADER
    assert opened.header.place == PLACE
    assert opened.values == {"full_name": "Vera Example", "sources": [{"a": 1}]}
    assert opened.text("full_name") == "Vera Example"
    with pytest.raises(IntegrityError, match="field sources is not text"):
        opened.text("sources")


@pytest.mark.parametrize(
    "elsewhere",
    [
        dataclasses.replace(PLACE, vault_id="vault-2"),  # a copy of another vault
        dataclasses.replace(PLACE, kind="draft"),  # a case version shown as a draft
        dataclasses.replace(PLACE, record_id="UA-000-00-002"),  # another case's row
        dataclasses.replace(PLACE, version=1),  # an older or newer version's row
        dataclasses.replace(PLACE, author="rui"),  # a row that names another author
    ],
)
def test_record_opened_at_another_place_is_refused(elsewhere: RecordPlace) -> None:
    """Attack: a validly signed version copied into a row where it does not belong."""
    with pytest.raises(IntegrityError, match="record belongs to another place"):
        _open(BODY, SIG, expect=elsewhere)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=12), JSON_VALUES, max_size=5))
def test_record_values_round_trip(values: dict[str, JSONValue]) -> None:
    body, sig = _seal({name: ("public", value) for name, value in values.items()})
    assert _open(body, sig).values == values


@settings(max_examples=150, deadline=None)
@given(st.booleans(), st.data())
def test_any_single_bit_flip_in_a_record_is_refused(in_body: bool, data: st.DataObject) -> None:
    blob = bytearray(BODY if in_body else SIG)
    i = data.draw(st.integers(0, len(blob) - 1))
    blob[i] ^= 1 << data.draw(st.integers(0, 7))
    body, sig = (bytes(blob), SIG) if in_body else (BODY, bytes(blob))
    with pytest.raises(IntegrityError, match="bad signature"):
        _open(body, sig)


def test_record_fields_above_the_readers_levels_are_withheld() -> None:
    opened = open_record(
        BODY,
        SIG,
        AUTHOR.public.sign_public,
        lambda level, epoch: KEY if level == "public" else None,
        wraps=WRAPS,
        expect=PLACE,
    )
    assert opened.values == {"full_name": "Vera Example"}
    assert opened.withheld == {"sources": "secret"}
    assert set(_open(BODY, SIG, only={"sources"}).values) == {"sources"}


def test_record_signed_by_someone_else_is_refused() -> None:
    other = Identity.generate("vera")
    with pytest.raises(IntegrityError, match="bad signature"):
        open_record(BODY, SIG, other.public.sign_public, _lookup, wraps=WRAPS, expect=PLACE)
    with pytest.raises(IntegrityError, match="signed by its author"):
        seal_record(HEADER, {}, LEVEL_KEYS, Identity.generate("rui"))


def test_record_with_a_wrong_level_key_does_not_open() -> None:
    with pytest.raises(DecryptionError):
        open_record(
            BODY,
            SIG,
            AUTHOR.public.sign_public,
            lambda _l, _e: new_key(),
            wraps=WRAPS,
            expect=PLACE,
        )


# --- data-key wraps beside the body (record format v2) -----------------------------------------


def test_rotated_wrap_opens_only_under_the_new_epoch() -> None:
    """A rotation re-wraps the secret level's data key under epoch 4: the record opens with the
    epoch-4 key, and the epoch-3 key (what a revoked member may have kept) opens nothing."""
    old, new = LEVEL_KEYS["secret"], LevelKey("secret", 4, new_key())
    rotated = rewrap_data_key(
        "vault-1", "case:UA-000-00-001", 2, "secret", WRAPS["secret"], old.key, new
    )
    assert rotated.epoch == 4
    wraps = {**WRAPS, "secret": rotated}
    opened = open_record(
        BODY,
        SIG,
        AUTHOR.public.sign_public,
        lambda level, epoch: {3: None, 4: new.key}[epoch] if level == "secret" else KEY,
        wraps=wraps,
        expect=PLACE,
    )
    assert opened.values["sources"] == [{"a": 1}]
    with pytest.raises(DecryptionError):  # the old key does not open the new wrap
        open_record(
            BODY, SIG, AUTHOR.public.sign_public, lambda _l, _e: old.key, wraps=wraps, expect=PLACE
        )
    with pytest.raises(DecryptionError):  # a re-wrap needs the old epoch's key
        rewrap_data_key("vault-1", "case:UA-000-00-001", 2, "secret", WRAPS["secret"], new.key, new)


def test_a_wrap_moved_from_another_record_or_level_is_refused() -> None:
    other_body, _ = _seal({"sources": ("secret", ["other"])})
    moved = {**WRAPS, "secret": _WRAPS[other_body]["secret"]}
    with pytest.raises(DecryptionError):  # the same place, but not the committed data key
        _open(BODY, SIG, wraps=moved)
    # the public level's wrapped key, relabelled as the secret level's at its epoch
    swapped = {**WRAPS, "secret": DataKeyWrap(3, WRAPS["public"].wrapped)}
    with pytest.raises(DecryptionError):
        _open(BODY, SIG, wraps=swapped)


def test_a_planted_data_key_is_refused_by_the_signed_commitment() -> None:
    """An insider holding the level key wraps a data key of their own at the record's place:
    the wrap opens, but the key is not the one the author committed to."""
    from vault.crypto.hierarchy import data_key_ad

    lk = LEVEL_KEYS["secret"]
    ad = data_key_ad("vault-1", "case:UA-000-00-001", 2, "secret", lk.epoch)
    planted = DataKeyWrap(lk.epoch, wrap_key(lk.key, new_key(), ad))
    with pytest.raises(DecryptionError):
        _open(BODY, SIG, wraps={**WRAPS, "secret": planted})


def test_a_missing_wrap_is_an_integrity_error() -> None:
    with pytest.raises(IntegrityError, match="wrapped data key is missing"):
        _open(BODY, SIG, wraps={"public": WRAPS["public"]})
