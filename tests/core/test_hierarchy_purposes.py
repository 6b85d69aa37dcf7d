"""Every purpose label and associated-data layout, pinned, and every parameter of each one bound.

A label dropped or shared would let a value made for one purpose be taken for another (two
purposes sharing a key, a signature over one kind of message valid as another). So: each label is
pinned to its exact text, no two labels are equal, each layout is pinned to exact bytes built here
by hand, and changing any single parameter of any layout changes its bytes — and, for the key
derivations built on them, the key.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Callable
from typing import Any

import pytest

from vault.crypto import SecretBytes, derive_key, hierarchy, keyed_hash
from vault.crypto.envelope import blind_index, key_commitment
from vault.crypto.hierarchy import key_id


def lp(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


def ctx(label: str, *parts: bytes | str | int) -> bytes:
    """The context layout, written independently of vault.crypto.encoding."""
    out = lp(label.encode())
    for p in parts:
        if isinstance(p, int):
            out += lp(struct.pack(">q", p))
        elif isinstance(p, str):
            out += lp(p.encode())
        else:
            out += lp(p)
    return out


LABELS = {
    "DB_KEY": "casevault/db-key/v1",
    "ROLE_KEY": "casevault/role-key/v1",
    "LEVEL_KEY": "casevault/level-key/v1",
    "INDEX_KEY": "casevault/index-key/v1",
    "DATA_KEY": "casevault/data-key/v1",
    "FIELD": "casevault/field/v1",
    "KEY_COMMITMENT": "casevault/key-commitment/v1",
    "BLIND_INDEX": "casevault/blind-index/v1",
    "DERIVE": "casevault/derive/v1",
    "KEYED_HASH": "casevault/keyed-hash/v1",
    "FINGERPRINT": "casevault/fingerprint/v1",
    "IDENTITY_SEAL": "casevault/identity-seal/v1",
    "RECORD_SIGNATURE": "casevault/record-signature/v1",
    "APPROVAL": "casevault/approval/v1",
    "REVIEW_REASON": "casevault/review-reason/v1",
    "AUDIT_ENTRY": "casevault/audit-entry/v1",
    "STATE_RECORD": "casevault/state-record/v1",
    "DRAFT_CHECK": "casevault/draft-check/v1",
    "HELD_KEY": "casevault/held-key/v1",
    "LEAK_TERM": "casevault/leak-term/v1",
    "LEAK_LENGTHS": "casevault/leak-lengths/v1",
    "RECOVERY": "casevault/recovery/v1",
}


@pytest.mark.parametrize(("name", "text"), sorted(LABELS.items()))
def test_label_is_pinned(name: str, text: str) -> None:
    assert getattr(hierarchy, name) == text


def test_labels_are_all_distinct() -> None:
    assert len(set(LABELS.values())) == len(LABELS)


SIGN_PUB = bytes(range(32))
KEM_PUB = bytes(range(200, 256)) * 4
SALT = b"\x10" * 16

# (function, arguments, expected bytes); each argument is varied below, one at a time.
LAYOUTS: list[tuple[Callable[..., bytes], tuple[Any, ...], bytes]] = [
    (hierarchy.db_key_info, ("vault-1", "ana"), ctx(LABELS["DB_KEY"], "vault-1", "ana")),
    (
        hierarchy.role_key_info,
        ("vault-1", "lawyer", 4, "ana", KEM_PUB),
        ctx(LABELS["ROLE_KEY"], "vault-1", "lawyer", 4, "ana", KEM_PUB),
    ),
    (
        hierarchy.level_key_ad,
        ("vault-1", "secret", 5, "lawyer", 6),
        ctx(LABELS["LEVEL_KEY"], "vault-1", "secret", 5, "lawyer", 6),
    ),
    (
        hierarchy.index_key_ad,
        ("vault-1", "names", 5, "lawyer", 6),
        ctx(LABELS["INDEX_KEY"], "vault-1", "names", 5, "lawyer", 6),
    ),
    (
        hierarchy.data_key_ad,
        ("vault-1", "case:UA-1", 7, "secret", 8),
        ctx(LABELS["DATA_KEY"], "vault-1", "case:UA-1", 7, "secret", 8),
    ),
    (
        hierarchy.field_ad,
        ("vault-1", "case:UA-1", 7, "full_name", "secret", "secret/8"),
        ctx(LABELS["FIELD"], "vault-1", "case:UA-1", 7, "full_name", "secret", "secret/8"),
    ),
    (
        hierarchy.record_signature_message,
        (b'{"a":1}',),
        ctx(LABELS["RECORD_SIGNATURE"], b'{"a":1}'),
    ),
    (
        hierarchy.held_key_ad,
        ("vault-1", "level", "secret", 9),
        ctx(LABELS["HELD_KEY"], "vault-1", "level", "secret", 9),
    ),
    (hierarchy.draft_check_message, (b"stmt",), ctx(LABELS["DRAFT_CHECK"], b"stmt")),
    (hierarchy.state_record_message, (b"body",), ctx(LABELS["STATE_RECORD"], b"body")),
    (hierarchy.approval_message, (b"stmt",), ctx(LABELS["APPROVAL"], b"stmt")),
    (
        hierarchy.review_reason_ad,
        ("vault-1", "D-1", 2, "ana"),
        ctx(LABELS["REVIEW_REASON"], "vault-1", "D-1", 2, "ana"),
    ),
    (hierarchy.key_commitment_message, (b"ad",), ctx(LABELS["KEY_COMMITMENT"], b"ad")),
    (hierarchy.blind_index_prefix, ("names",), ctx(LABELS["BLIND_INDEX"], "names")),
    (hierarchy.derive_info, ("audit-names",), ctx(LABELS["DERIVE"], "audit-names")),
    (
        hierarchy.keyed_hash_message,
        ("search", "Vera"),
        ctx(LABELS["KEYED_HASH"], "search", "Vera"),
    ),
    (
        hierarchy.fingerprint_message,
        (SIGN_PUB, KEM_PUB),
        ctx(LABELS["FINGERPRINT"], SIGN_PUB, KEM_PUB),
    ),
    (
        hierarchy.identity_seal_ad,
        ("ana", SALT, 3, 65536, 4, SIGN_PUB, KEM_PUB),
        ctx(LABELS["IDENTITY_SEAL"], "ana", SALT, 3, 65536, 4, SIGN_PUB, KEM_PUB),
    ),
    (hierarchy.recovery_info, ("signing",), ctx(LABELS["RECOVERY"], "signing")),
]


@pytest.mark.parametrize(
    ("fn", "args", "expected"), LAYOUTS, ids=lambda x: getattr(x, "__name__", "")
)
def test_layout_is_pinned(fn: Callable[..., bytes], args: tuple[Any, ...], expected: bytes) -> None:
    assert fn(*args) == expected


def _other(value: Any) -> Any:
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    return value + b"x"


@pytest.mark.parametrize(
    ("fn", "args", "expected"), LAYOUTS, ids=lambda x: getattr(x, "__name__", "")
)
def test_every_parameter_is_bound(
    fn: Callable[..., bytes], args: tuple[Any, ...], expected: bytes
) -> None:
    seen = {fn(*args)}
    for i in range(len(args)):
        changed = (*args[:i], _other(args[i]), *args[i + 1 :])
        seen.add(fn(*changed))
    assert len(seen) == len(args) + 1, "some parameter does not change the bytes"


def test_no_two_layouts_coincide() -> None:
    assert len({expected for _, _, expected in LAYOUTS}) == len(LAYOUTS)


def test_key_id() -> None:
    assert key_id("secret", 3) == "secret/3"
    assert key_id("public", 0) == "public/0"
    assert key_id("secret", 3) != key_id("secret", 4) != key_id("public", 4)


# --- derivations: different purposes/contexts never share a key -------------------------------

ROOT = SecretBytes(bytes(range(32)))


def _hkdf32(key: bytes, info: bytes) -> bytes:
    prk = hmac.new(b"\x00" * 32, key, hashlib.sha256).digest()  # RFC 5869 extract, no salt
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()  # expand, T(1)


def test_derive_key_is_hkdf_over_the_purpose_context() -> None:
    for purpose in ("audit-names", "search", "", "é"):
        expected = _hkdf32(ROOT.reveal(), ctx(LABELS["DERIVE"], purpose))
        assert derive_key(ROOT, purpose).reveal() == expected


def test_derived_keys_of_different_purposes_or_roots_differ() -> None:
    purposes = ["audit-names", "audit-namesx", "search", "", "a", "b"]
    keys = [derive_key(ROOT, p).reveal() for p in purposes]
    assert len(set(keys)) == len(keys)
    assert ROOT.reveal() not in keys  # never the root itself
    other = SecretBytes(bytes(range(1, 33)))
    assert derive_key(other, "search") != derive_key(ROOT, "search")
    assert len(derive_key(ROOT, "search")) == 32


def test_keyed_hash_is_hmac_over_namespace_and_value() -> None:
    expected = hmac.new(
        ROOT.reveal(), ctx(LABELS["KEYED_HASH"], "search", "Vera"), hashlib.sha256
    ).hexdigest()[:32]
    assert keyed_hash(ROOT, "search", "Vera") == expected
    outs = {
        keyed_hash(ROOT, "search", "Vera"),
        keyed_hash(ROOT, "searchx", "Vera"),
        keyed_hash(ROOT, "search", "Verax"),
        keyed_hash(ROOT, "searchV", "era"),
        keyed_hash(SecretBytes(b"\x01" * 32), "search", "Vera"),
    }
    assert len(outs) == 5


def test_blind_index_is_hmac_over_namespace_and_term_truncated() -> None:
    full = hmac.new(ROOT.reveal(), ctx(LABELS["BLIND_INDEX"], "names", "vera"), hashlib.sha256)
    assert blind_index(ROOT, "names", "vera") == full.digest()[:16]
    outs = {
        blind_index(ROOT, "names", "vera"),
        blind_index(ROOT, "ids", "vera"),
        blind_index(ROOT, "names", "verb"),
        blind_index(ROOT, "namesv", "era"),
    }
    assert len(outs) == 4


def test_key_commitment_is_hmac_over_labelled_ad() -> None:
    expected = hmac.new(
        ROOT.reveal(), ctx(LABELS["KEY_COMMITMENT"], b"the-ad"), hashlib.sha256
    ).digest()
    assert key_commitment(ROOT, b"the-ad") == expected
    assert key_commitment(ROOT, b"the-ad") != key_commitment(ROOT, b"the-ae")
    # a commitment is never the plain MAC of the AD (the label separates the purposes)
    assert key_commitment(ROOT, b"x") != hmac.new(ROOT.reveal(), b"x", hashlib.sha256).digest()
