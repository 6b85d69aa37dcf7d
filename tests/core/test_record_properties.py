"""Properties of the record encoding (Hypothesis): any JSON value round-trips through a sealed
record, its encodings are one-to-one, and any single-bit change of an encrypted record, a wrap or
an envelope is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault.crypto import (
    Identity,
    SecretBytes,
    canonical_json,
    open_sealed,
    seal,
    unwrap_key,
    wrap_key,
)
from vault.crypto.records import (
    DataKeyWrap,
    LevelKey,
    RecordHeader,
    RecordPlace,
    SealedRecord,
    encode_value,
    open_record,
    seal_record,
)
from vault.errors import DecryptionError, IntegrityError

AUTHOR = "Ilse Marwood"  # one of the conftest identities
PLACE = RecordPlace("vault-p", "action", "A-7", 1, AUTHOR)
HEADER = RecordHeader("vault-p", "action", "A-7", 1, "", AUTHOR, "2026-02-02T00:00:00Z", "f" * 64)
KEYS = {
    "public": LevelKey("public", 1, SecretBytes(b"\x11" * 32)),
    "secret": LevelKey("secret", 2, SecretBytes(b"\x22" * 32)),
}


def lookup(level: str, epoch: int) -> SecretBytes | None:
    lk = KEYS.get(level)
    return lk.key if lk is not None and lk.epoch == epoch else None


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10,
)
FIELDS = st.dictionaries(
    st.text(min_size=1, max_size=12),
    st.tuples(st.sampled_from(["public", "secret"]), JSON),
    min_size=1,
    max_size=4,
)


@pytest.fixture(scope="module")
def author(identities: dict[str, Identity]) -> Identity:
    return identities[AUTHOR]


def _open(author: Identity, s: SealedRecord, **kw: Any) -> Any:
    kw.setdefault("wraps", s.wraps)
    return open_record(s.body, s.signature, author.public.sign_public, lookup, expect=PLACE, **kw)


@settings(max_examples=25, deadline=None)
@given(values=FIELDS)
def test_any_values_round_trip(author: Identity, values: dict[str, tuple[str, Any]]) -> None:
    s = seal_record(HEADER, values, KEYS, author)
    opened = _open(author, s)
    assert opened.values == {name: v for name, (_, v) in values.items()}
    assert opened.withheld == {}
    assert opened.header == HEADER
    assert set(s.wraps) == {lv for lv, _ in values.values()}


@settings(max_examples=50, deadline=None)
@given(value=JSON)
def test_encode_value_is_one_to_one_and_reversible(value: Any) -> None:
    encoded = encode_value(value)
    assert json.loads(encoded.decode("utf-8")) == value
    assert encode_value(json.loads(encoded)) == encoded  # one value, one encoding


@settings(max_examples=40, deadline=None)
@given(obj=st.dictionaries(st.text(), JSON, max_size=5))
def test_canonical_json_is_ascii_deterministic_and_reversible(obj: dict[str, Any]) -> None:
    out = canonical_json(obj)
    out.decode("ascii")
    assert json.loads(out) == obj
    assert canonical_json(json.loads(out)) == out
    assert canonical_json(dict(reversed(list(obj.items())))) == out


def _flip(b: bytes, i: int, bit: int) -> bytes:
    out = bytearray(b)
    out[i % len(out)] ^= 1 << bit
    return bytes(out)


@settings(max_examples=50, deadline=None)
@given(
    values=FIELDS,
    part=st.sampled_from(["body", "signature", "wrap"]),
    i=st.integers(0, 10**6),
    bit=st.integers(0, 7),
)
def test_any_single_bit_change_of_a_sealed_record_is_refused(
    author: Identity, values: dict[str, tuple[str, Any]], part: str, i: int, bit: int
) -> None:
    s = seal_record(HEADER, values, KEYS, author)
    if part == "body":
        s = SealedRecord(_flip(s.body, i, bit), s.signature, s.wraps)
    elif part == "signature":
        s = SealedRecord(s.body, _flip(s.signature, i, bit), s.wraps)
    else:
        level = sorted(s.wraps)[i % len(s.wraps)]
        w = s.wraps[level]
        s = SealedRecord(
            s.body, s.signature, {**s.wraps, level: DataKeyWrap(w.epoch, _flip(w.wrapped, i, bit))}
        )
    with pytest.raises((IntegrityError, DecryptionError)):
        _open(author, s)


@settings(max_examples=80, deadline=None)
@given(
    plaintext=st.binary(max_size=64),
    ad=st.binary(max_size=64),
    i=st.integers(0, 10**6),
    bit=st.integers(0, 7),
)
def test_any_single_bit_change_of_an_envelope_is_refused(
    plaintext: bytes, ad: bytes, i: int, bit: int
) -> None:
    key = SecretBytes(b"\x33" * 32)
    blob = seal(key, plaintext, ad)
    assert open_sealed(key, blob, ad, "p") == plaintext
    with pytest.raises(DecryptionError):
        open_sealed(key, _flip(blob, i, bit), ad, "p")
    if ad:
        with pytest.raises(DecryptionError):
            open_sealed(key, blob, _flip(ad, i, bit), "p")
    wrapped = wrap_key(key, SecretBytes(plaintext[:32].ljust(32, b"\0")), ad)
    with pytest.raises(DecryptionError):
        unwrap_key(key, _flip(wrapped, i, bit), ad, "p")
