"""JSON nested deeper than Python's recursion limit is refused with the module's own error, not a
RecursionError (found by the state module's review, issue 22): an audit entry or a record body is
parsed from a row any member can rewrite, and a record body is parsed after its signature verifies,
so an author's key is enough to plant one."""

from __future__ import annotations

import pytest

from vault.audit import entry
from vault.crypto import Identity
from vault.crypto.hierarchy import record_signature_message
from vault.crypto.records import RecordPlace, open_record
from vault.errors import IntegrityError

DEEP = b"[" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
def test_a_deeply_nested_audit_entry_is_refused(body: bytes) -> None:
    with pytest.raises(IntegrityError):
        entry.decode(body)


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
def test_a_signed_deeply_nested_record_body_is_refused(
    body: bytes, identities: dict[str, Identity]
) -> None:
    author = next(iter(identities.values()))
    place = RecordPlace("vault-1", "case", "UA-061-21-004", 1, author.name)
    with pytest.raises(IntegrityError):
        open_record(
            body,
            author.sign(record_signature_message(body)),
            author.public.sign_public,
            lambda level, epoch: None,
            wraps={},
            expect=place,
        )


@pytest.mark.parametrize("value", [b"NaN", b"Infinity", b"-Infinity", b"[" * 990 + b"]" * 990])
def test_an_audit_entry_json_reads_but_canonical_form_refuses_is_malformed(value: bytes) -> None:
    """json.loads reads NaN, Infinity and nesting just under the limit; the canonical encoder
    does not: decode refuses them as malformed, not with ValueError or RecursionError."""
    body = (
        b'{"format":"casevault-audit-v1","sig":"AAAA","vault":"v","seq":1,"time":"t",'
        b'"actor":"a","action":"x","cases":[],"fields":[],"details":{"a":' + value + b"}}"
    )
    with pytest.raises(IntegrityError):
        entry.decode(body)


@pytest.mark.parametrize("field", ["_key", "_commitments"])
def test_state_base64_that_is_not_ascii_is_malformed(field: str) -> None:
    from vault.policy import state

    with pytest.raises(IntegrityError):
        if field == "_key":
            state._key({"k": "\u00e9\u00e9\u00e9\u00e9"}, "k", 32)
        else:
            payload = {"commitments": {"level:public:1": "\u00e9\u00e9\u00e9\u00e9"}}
            state._commitments(state.StateRecord(2, "keys.create", "a", "t", "p", payload, b""))
