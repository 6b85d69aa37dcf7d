"""Audit entries: canonical bytes, signed by the person who acted. Pure.

An entry is canonical JSON (sorted keys, no spaces, ASCII; see docs/audit.md):

    {"format": "casevault-audit-v1", "vault": ID, "seq": N, "time": T, "actor": NAME,
     "action": "case.read", "cases": [...], "fields": [...], "details": {...}, "sig": B64}

``sig`` is Ed25519 over ``context("casevault/audit-entry/v1", <the same JSON without sig>)``.
The Merkle leaf is the whole JSON, ``sig`` included. Entries name cases and fields by id and
hold no protected value: anything else they must mention is a keyed hash.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vault.crypto import canonical_json, context, verify_signature
from vault.crypto.hierarchy import AUDIT_ENTRY
from vault.errors import IntegrityError

FORMAT = "casevault-audit-v1"
Detail = str | int | bool | None


@dataclass(frozen=True)
class Entry:
    """One audit entry, without its signature: who did what to which cases and fields, when,
    in which vault and at which position of its log. ``details`` hold ids, counts and keyed
    hashes, never a protected value."""

    vault: str
    seq: int
    time: str
    actor: str
    action: str
    cases: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    details: Mapping[str, Detail] = field(default_factory=dict)

    def unsigned(self) -> dict[str, Any]:
        """The JSON object that is signed: every member but ``sig``."""
        return {
            "format": FORMAT,
            "vault": self.vault,
            "seq": self.seq,
            "time": self.time,
            "actor": self.actor,
            "action": self.action,
            "cases": list(self.cases),
            "fields": list(self.fields),
            "details": dict(self.details),
        }

    def to_json(self) -> dict[str, Any]:
        """The entry for display (``audit log --json``)."""
        return self.unsigned()


def signed_message(entry: Entry) -> bytes:
    """The bytes the actor signs: the canonical unsigned JSON under the entry's context label,
    so that no other signed object of casevault can pass for an entry. Does no I/O."""
    return context(AUDIT_ENTRY, canonical_json(entry.unsigned()))


def encode(entry: Entry, sign: Callable[[bytes], bytes]) -> bytes:
    """The leaf bytes: the entry with its author's signature (``sign`` is the actor's Ed25519
    signing function). Does no I/O."""
    sig = base64.b64encode(sign(signed_message(entry))).decode("ascii")
    return canonical_json({**entry.unsigned(), "sig": sig})


def decode(body: bytes) -> tuple[Entry, bytes, bytes]:
    """Parse leaf bytes into (entry, signature, signed message). Raises IntegrityError when
    they are not an entry, or not exactly its canonical form (another spelling of the same JSON
    would hash to another leaf). Does not check the signature: see :func:`signature_ok`.
    Encodes once: the message is the body without its ``sig`` member."""
    try:
        d = json.loads(body)
        if d.get("format") != FORMAT:
            raise IntegrityError("not an audit entry")
        sig_b64 = d.pop("sig")
        sig = base64.b64decode(sig_b64, validate=True)
        entry = Entry(
            vault=str(d["vault"]),
            seq=int(d["seq"]),
            time=str(d["time"]),
            actor=str(d["actor"]),
            action=str(d["action"]),
            cases=tuple(str(c) for c in d["cases"]),
            fields=tuple(str(f) for f in d["fields"]),
            details=dict(d["details"]),
        )
        # json.loads reads NaN, Infinity and nesting canonical_json refuses: encoding is parsing too
        unsigned = canonical_json(entry.unsigned())
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as e:
        raise IntegrityError("an audit entry is malformed") from e
    # Keys are sorted, so "sig" sits just before the top-level "time" (the last such key). The
    # signature is re-encoded too: base64 has other spellings of the same bytes (unused low bits
    # set, extra padding) that b64decode accepts, and each would be another leaf.
    at = unsigned.rfind(b',"time":')
    expected = unsigned[:at] + b',"sig":"' + base64.b64encode(sig) + b'"' + unsigned[at:]
    if at < 0 or expected != body:
        raise IntegrityError("an audit entry is not in canonical form")
    return entry, sig, context(AUDIT_ENTRY, unsigned)


def signature_ok(sig: bytes, message: bytes, public: bytes) -> bool:
    """True when ``sig`` is an Ed25519 signature of ``message`` (from :func:`decode`) under
    ``public``. Never raises for a bad signature."""
    return verify_signature(public, sig, message)


def make(
    vault: str,
    seq: int,
    time: str,
    actor: str,
    action: str,
    *,
    cases: Sequence[str] = (),
    fields: Sequence[str] = (),
    details: Mapping[str, Detail] | None = None,
) -> Entry:
    """A new entry. Field names are sorted and deduplicated so the same read always logs the
    same bytes. Does no I/O."""
    return Entry(
        vault,
        seq,
        time,
        actor,
        action,
        tuple(cases),
        tuple(sorted(set(fields))),
        dict(details or {}),
    )
