"""Audit entries (vault/audit/entry.py): the exact bytes an entry is, the exact bytes its author
signs, and every way leaf bytes that are not exactly a canonical entry are refused.

Issue 22: written as specifications of what must be refused. Each member of an entry is
refused when missing, when of the wrong type, and when spelled any other way than the canonical
one; a single changed bit anywhere in an encoded entry is refused by decoding or by its
signature. Pure: no store, no command line."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.conftest import NAMES
from vault.audit import entry as en
from vault.crypto import Identity
from vault.errors import IntegrityError

VAULT = "v-3f2a"
TIME = "2031-04-05T06:07:08+00:00"
ACTOR = NAMES[0]

MALFORMED = "an audit entry is malformed"
NOT_CANONICAL = "an audit entry is not in canonical form"
NOT_AN_ENTRY = "not an audit entry"


def fake_sign(message: bytes) -> bytes:
    """A deterministic stand-in for Ed25519 (64 bytes) so that whole encodings can be pinned."""
    return hashlib.sha512(message).digest()


def sample() -> en.Entry:
    return en.make(
        VAULT,
        7,
        TIME,
        ACTOR,
        "case.read",
        cases=["UA-1", "UA-0"],
        fields=["phone", "name", "phone"],
        details={"n": 2, "ok": True, "q": None, "why": "k:ab12"},
    )


# The canonical unsigned JSON of sample(), written out by hand: sorted keys, no spaces.
SAMPLE_UNSIGNED = (
    b'{"action":"case.read","actor":"Tamsin Orvell","cases":["UA-1","UA-0"],'
    b'"details":{"n":2,"ok":true,"q":null,"why":"k:ab12"},"fields":["name","phone"],'
    b'"format":"casevault-audit-v1","seq":7,"time":"2031-04-05T06:07:08+00:00",'
    b'"vault":"v-3f2a"}'
)
LABEL = b"casevault/audit-entry/v1"
SAMPLE_MESSAGE = (
    len(LABEL).to_bytes(4, "big")
    + LABEL
    + len(SAMPLE_UNSIGNED).to_bytes(4, "big")
    + SAMPLE_UNSIGNED
)


def sample_body() -> bytes:
    return en.encode(sample(), fake_sign)


def refused(body: bytes) -> str:
    """The message decode refuses ``body`` with (fails the test if it accepts)."""
    with pytest.raises(IntegrityError) as err:
        en.decode(body)
    assert type(err.value) is IntegrityError
    return str(err.value)


def rebuilt(change: Callable[[dict[str, Any]], None]) -> bytes:
    """The sample's canonical body with ``change`` applied to its parsed JSON, re-encoded
    canonically (so only the change itself can make it wrong)."""
    d = json.loads(sample_body())
    change(d)
    return json.dumps(d, sort_keys=True, separators=(",", ":")).encode()


# --- the exact bytes ---------------------------------------------------------------------------


def test_format_name_is_pinned() -> None:
    assert en.FORMAT == "casevault-audit-v1"


def test_make_sorts_and_deduplicates_fields_but_keeps_cases_as_given() -> None:
    e = sample()
    assert e == en.Entry(
        vault=VAULT,
        seq=7,
        time=TIME,
        actor=ACTOR,
        action="case.read",
        cases=("UA-1", "UA-0"),
        fields=("name", "phone"),
        details={"n": 2, "ok": True, "q": None, "why": "k:ab12"},
    )
    assert isinstance(e.cases, tuple) and isinstance(e.fields, tuple)
    assert type(e.details) is dict


def test_make_without_optional_members_gives_empty_ones() -> None:
    e = en.make(VAULT, 0, TIME, ACTOR, "vault.init")
    assert (e.cases, e.fields, e.details) == ((), (), {})
    assert e == en.Entry(VAULT, 0, TIME, ACTOR, "vault.init")
    assert en.Entry(VAULT, 0, TIME, ACTOR, "x").details == {}


def test_make_copies_details_so_the_caller_cannot_change_a_logged_entry() -> None:
    details: dict[str, en.Detail] = {"n": 1}
    e = en.make(VAULT, 0, TIME, ACTOR, "x", details=details)
    details["n"] = 2
    assert e.details == {"n": 1}


def test_unsigned_is_every_member_but_the_signature() -> None:
    assert sample().unsigned() == {
        "format": "casevault-audit-v1",
        "vault": VAULT,
        "seq": 7,
        "time": TIME,
        "actor": ACTOR,
        "action": "case.read",
        "cases": ["UA-1", "UA-0"],
        "fields": ["name", "phone"],
        "details": {"n": 2, "ok": True, "q": None, "why": "k:ab12"},
    }
    assert sample().to_json() == sample().unsigned()


def test_signed_message_is_the_canonical_json_under_the_entry_label() -> None:
    assert en.signed_message(sample()) == SAMPLE_MESSAGE


def test_encode_is_the_canonical_json_with_the_signature_before_time() -> None:
    sig = base64.b64encode(fake_sign(SAMPLE_MESSAGE))
    at = SAMPLE_UNSIGNED.index(b',"time":')
    expected = SAMPLE_UNSIGNED[:at] + b',"sig":"' + sig + b'"' + SAMPLE_UNSIGNED[at:]
    assert sample_body() == expected


def test_encode_signs_exactly_the_signed_message() -> None:
    seen: list[bytes] = []

    def spy(message: bytes) -> bytes:
        seen.append(message)
        return b"\x01" * 64

    body = en.encode(sample(), spy)
    assert seen == [SAMPLE_MESSAGE]
    assert json.loads(body)["sig"] == base64.b64encode(b"\x01" * 64).decode()


def test_decode_returns_the_entry_its_signature_and_the_signed_message() -> None:
    entry, sig, message = en.decode(sample_body())
    assert entry == sample()
    assert sig == fake_sign(SAMPLE_MESSAGE)
    assert message == SAMPLE_MESSAGE
    assert type(entry.details) is dict
    assert isinstance(entry.cases, tuple) and isinstance(entry.fields, tuple)


def test_decode_accepts_a_details_member_named_time() -> None:
    # the top-level "time" is the last one in the bytes: a nested one must not confuse decode
    e = en.make(VAULT, 1, TIME, ACTOR, "x", details={"time": "t", "sig": "s"})
    assert en.decode(en.encode(e, fake_sign))[0] == e


# --- signatures --------------------------------------------------------------------------------


def test_signature_ok_only_for_the_authors_key_over_the_same_bytes(
    identities: dict[str, Identity],
) -> None:
    author, other = identities[NAMES[0]], identities[NAMES[1]]
    _, sig, message = en.decode(en.encode(sample(), author.sign))
    assert en.signature_ok(sig, message, author.public.sign_public) is True
    assert en.signature_ok(sig, message, other.public.sign_public) is False
    changed = en.signed_message(en.make(VAULT, 8, TIME, ACTOR, "case.read"))
    assert en.signature_ok(sig, changed, author.public.sign_public) is False
    flipped = bytes([sig[0] ^ 1]) + sig[1:]
    assert en.signature_ok(flipped, message, author.public.sign_public) is False
    assert en.signature_ok(sig[:-1], message, author.public.sign_public) is False
    assert en.signature_ok(sig, message, b"\x00" * 31) is False


def test_a_signature_by_another_member_does_not_pass_for_the_actors(
    identities: dict[str, Identity],
) -> None:
    # the body names Tamsin, but Baurzhan signed it
    body = en.encode(sample(), identities[NAMES[1]].sign)
    _, sig, message = en.decode(body)
    assert not en.signature_ok(sig, message, identities[NAMES[0]].public.sign_public)


# --- refusals: not an entry, malformed ---------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'"a string"',
        b"5",
        b"null",
        b'{"format": "casevault-audit-v1"',
        b"\xff\xfe{}",
    ],
)
def test_what_is_not_a_json_object_is_malformed(body: bytes) -> None:
    assert refused(body) == MALFORMED


@pytest.mark.parametrize("fmt", [None, "casevault-audit-v2", "CASEVAULT-AUDIT-V1", "", 1])
def test_another_format_is_not_an_entry(fmt: Any) -> None:
    assert refused(rebuilt(lambda d: d.__setitem__("format", fmt))) == NOT_AN_ENTRY


def test_a_missing_format_is_not_an_entry() -> None:
    assert refused(rebuilt(lambda d: d.pop("format"))) == NOT_AN_ENTRY


@pytest.mark.parametrize(
    "member", ["sig", "vault", "seq", "time", "actor", "action", "cases", "fields", "details"]
)
def test_each_missing_member_is_malformed(member: str) -> None:
    assert refused(rebuilt(lambda d: d.pop(member))) == MALFORMED


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("sig", "not base64!"),
        ("sig", 12),
        ("sig", None),
        ("seq", "seven"),
        ("seq", None),
        ("seq", [7]),
        ("cases", 5),
        ("cases", None),
        ("fields", 5),
        ("fields", None),
        ("details", 5),
        ("details", "text"),
        ("details", None),
    ],
)
def test_a_member_of_the_wrong_type_is_malformed(member: str, value: Any) -> None:
    assert refused(rebuilt(lambda d: d.__setitem__(member, value))) == MALFORMED


def test_a_number_with_a_leading_zero_is_malformed() -> None:
    assert refused(sample_body().replace(b'"seq":7', b'"seq":07')) == MALFORMED


def test_malformed_keeps_the_parse_error_as_its_cause() -> None:
    with pytest.raises(IntegrityError) as err:
        en.decode(b"not json")
    assert isinstance(err.value.__cause__, ValueError)


# --- refusals: not canonical (each member, each way) -------------------------------------------


@pytest.mark.parametrize(
    ("member", "value"),
    [
        # a value that converts to the same entry but is spelled otherwise
        ("vault", 3),
        ("vault", True),
        ("seq", "7"),
        ("seq", 7.0),
        ("seq", True),
        ("time", 2031),
        ("actor", None),
        ("action", 1.5),
        ("cases", "UA"),
        ("cases", [1, 0]),
        ("cases", {"UA-1": 1}),
        ("fields", "ab"),
        ("fields", [0]),
        ("details", [["n", 2]]),
    ],
)
def test_a_member_spelled_another_way_is_not_canonical(member: str, value: Any) -> None:
    assert refused(rebuilt(lambda d: d.__setitem__(member, value))) == NOT_CANONICAL


@pytest.mark.parametrize("member", ["extra", "Sig", "a", "zz", "sig2"])
def test_an_extra_member_is_not_canonical(member: str) -> None:
    assert refused(rebuilt(lambda d: d.__setitem__(member, "x"))) == NOT_CANONICAL


def test_each_value_changed_by_hand_still_decodes_but_no_longer_verifies(
    identities: dict[str, Identity],
) -> None:
    """A change that keeps the canonical form is the signature's to refuse."""
    author = identities[NAMES[0]]
    body = en.encode(sample(), author.sign)
    for old, new in [
        (b'"vault":"v-3f2a"', b'"vault":"v-3f2b"'),
        (b'"seq":7', b'"seq":8'),
        (b"T06:07:08", b"T06:07:09"),
        (b'"actor":"Tamsin Orvell"', b'"actor":"Ilse Marwood"'),
        (b'"case.read"', b'"case.edit"'),
        (b'"UA-1","UA-0"', b'"UA-0","UA-1"'),
        (b'"fields":["name","phone"]', b'"fields":["name"]'),
        (b'"n":2', b'"n":3'),
    ]:
        changed = body.replace(old, new)
        assert changed != body
        _, sig, message = en.decode(changed)
        assert not en.signature_ok(sig, message, author.public.sign_public), old


@pytest.mark.parametrize(
    "respell",
    [
        lambda b: b.replace(b",", b", ", 1),  # a space
        lambda b: b.replace(b":", b": ", 1),
        lambda b: b + b"\n",  # trailing bytes
        lambda b: b" " + b,  # leading bytes
        lambda b: b.replace(b'"seq":7', b'"seq":7.0'),  # a float spelling
        lambda b: b.replace(b'"seq":7', b'"seq":7e0'),
        lambda b: b.replace(b"Tamsin", b"Tam\\u0073in"),  # an escaped letter
        lambda b: b.replace(b'{"action"', b'{"action":"x","action"', 1),  # a duplicate key
    ],
)
def test_another_spelling_of_the_same_json_is_not_canonical(respell: Any) -> None:
    body = sample_body()
    changed = respell(body)
    assert changed != body
    assert refused(changed) == NOT_CANONICAL


def test_members_in_another_order_are_not_canonical() -> None:
    d = json.loads(sample_body())
    swapped = {"vault": d.pop("vault"), **d}
    assert refused(json.dumps(swapped, separators=(",", ":")).encode()) == NOT_CANONICAL


def test_the_signature_moved_elsewhere_is_not_canonical() -> None:
    d = json.loads(sample_body())
    sig = d.pop("sig")
    body = json.dumps(d, sort_keys=True, separators=(",", ":")).encode()
    moved = body[:-1] + b',"sig":"' + sig.encode() + b'"}'
    assert refused(moved) == NOT_CANONICAL


def test_a_non_ascii_spelling_is_not_canonical() -> None:
    e = en.make(VAULT, 0, TIME, "Ilse M\u00e4rwood", "x")
    body = en.encode(e, fake_sign)
    assert b"\\u00e4" in body
    assert en.decode(body)[0] == e
    raw = body.replace(b"\\u00e4", "\u00e4".encode())
    assert refused(raw) == NOT_CANONICAL


def test_a_signature_in_non_canonical_base64_is_not_canonical() -> None:
    """64 signature bytes are 88 base64 characters, the last two "=": the last letter carries
    four unused bits. Setting one spells the same signature another way, a second leaf for the
    same signed entry; decode refuses it (it used to accept it, and the signature verified)."""
    body = sample_body()
    sig = json.loads(body)["sig"]
    assert sig.endswith("==")
    letter = sig[-3]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    other = alphabet[alphabet.index(letter) ^ 1]
    respelled = sig[:-3] + other + "=="
    assert base64.b64decode(respelled) == base64.b64decode(sig)
    assert refused(body.replace(sig.encode(), respelled.encode())) == NOT_CANONICAL


@pytest.mark.parametrize("sig", ["QUJD=", "QUJD==", "QUI=A", "QUI"])
def test_a_signature_with_padding_spelled_otherwise_is_refused(sig: str) -> None:
    # "QUJD=" and "QUJD==" decode (to "ABC") although "QUJD" is the only spelling of it
    body = rebuilt(lambda d: d.__setitem__("sig", sig))
    assert refused(body) in {NOT_CANONICAL, MALFORMED}
    assert refused(body) == (NOT_CANONICAL if sig.startswith("QUJD") else MALFORMED)


# --- properties --------------------------------------------------------------------------------

TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FF), max_size=12)
DETAIL = st.one_of(TEXT, st.integers(-(2**40), 2**40), st.booleans(), st.none())
ENTRIES = st.builds(
    en.make,
    TEXT,
    st.integers(0, 2**48),
    TEXT,
    TEXT,
    TEXT,
    cases=st.lists(TEXT, max_size=4),
    fields=st.lists(TEXT, max_size=4),
    details=st.dictionaries(TEXT, DETAIL, max_size=4),
)


@settings(max_examples=120, deadline=None)
@given(ENTRIES)
def test_encoding_round_trips(entry: en.Entry) -> None:
    body = en.encode(entry, fake_sign)
    decoded, sig, message = en.decode(body)
    assert decoded == entry
    assert sig == fake_sign(en.signed_message(entry))
    assert message == en.signed_message(entry)
    assert en.encode(decoded, fake_sign) == body


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ENTRIES, st.data())
def test_any_single_bit_change_is_refused(
    identities: dict[str, Identity], entry: en.Entry, data: st.DataObject
) -> None:
    author = identities[NAMES[0]]
    body = en.encode(entry, author.sign)
    at = data.draw(st.integers(0, len(body) * 8 - 1), label="bit")
    changed = bytearray(body)
    changed[at // 8] ^= 1 << (at % 8)
    try:
        _, sig, message = en.decode(bytes(changed))
    except IntegrityError:
        return
    assert not en.signature_ok(sig, message, author.public.sign_public)
