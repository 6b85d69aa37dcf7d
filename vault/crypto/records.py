"""Sealing and opening one signed, versioned record (a case version or an action).

A record version is canonical JSON holding, per level, a fresh data key wrapped under that
level's key plus a commitment to it, and per field its ciphertext. The author signs the body;
the body names the previous version's hash, so versions form a chain. Pure: no I/O.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vault.crypto import hierarchy as h
from vault.crypto.encoding import canonical_json, context
from vault.crypto.envelope import (
    commitment_matches,
    hash_bytes,
    key_commitment,
    new_key,
    open_sealed,
    seal,
    unwrap_key,
    wrap_key,
)
from vault.crypto.identity import Identity, verify_signature
from vault.errors import DecryptionError, IntegrityError
from vault.models.secret import SecretBytes

FORMAT = "casevault-record-v1"


@dataclass(frozen=True)
class RecordHeader:
    vault_id: str
    kind: str  # "case" or "action"
    record_id: str
    version: int
    prev_hash: str  # hex SHA-256 of the previous version's body, "" for version 1
    author: str
    created_at: str
    policy: str  # digest of the policy it was written under


@dataclass(frozen=True)
class LevelKey:
    level: str
    epoch: int
    key: SecretBytes


@dataclass
class OpenedRecord:
    header: RecordHeader
    body_hash: str
    values: dict[str, bytes] = field(default_factory=dict)  # field -> plaintext (canonical JSON)
    withheld: dict[str, str] = field(default_factory=dict)  # field -> level


def _signed_message(body: bytes) -> bytes:
    return context("casevault/record-signature/v1", body)


def _rid(header: RecordHeader) -> str:
    return f"{header.kind}:{header.record_id}"


def seal_record(
    header: RecordHeader,
    values: Mapping[str, tuple[str, bytes]],
    level_keys: Mapping[str, LevelKey],
    author: Identity,
) -> tuple[bytes, bytes]:
    """Encrypt ``{field: (level, plaintext)}`` and sign. Returns (body, signature).

    Needs the key of every level that occurs in ``values``.
    """
    if author.name != header.author:
        raise IntegrityError("a record must be signed by its author")
    rid = _rid(header)
    keys: dict[str, Any] = {}
    deks: dict[str, SecretBytes] = {}
    for level in sorted({lv for lv, _ in values.values()}):
        lk = level_keys.get(level)
        if lk is None:
            raise IntegrityError(f"no key for level {level!r}: cannot write it")
        dek = new_key()
        ad = h.data_key_ad(header.vault_id, rid, header.version, level, lk.epoch)
        deks[level] = dek
        keys[level] = {
            "epoch": lk.epoch,
            "wrapped": _b64(wrap_key(lk.key, dek, ad)),
            "commitment": _b64(key_commitment(dek, ad)),
        }
    fields: dict[str, Any] = {}
    for fname, (level, plaintext) in sorted(values.items()):
        key_id = f"{level}/{keys[level]['epoch']}"
        ad = h.field_ad(header.vault_id, rid, header.version, fname, level, key_id)
        fields[fname] = {"level": level, "ct": _b64(seal(deks[level], plaintext, ad))}
    body = canonical_json(
        {
            "format": FORMAT,
            "vault_id": header.vault_id,
            "kind": header.kind,
            "record_id": header.record_id,
            "version": header.version,
            "prev_hash": header.prev_hash,
            "author": header.author,
            "created_at": header.created_at,
            "policy": header.policy,
            "keys": keys,
            "fields": fields,
        }
    )
    return body, author.sign(_signed_message(body))


def parse_header(body: bytes) -> tuple[RecordHeader, dict[str, Any]]:
    try:
        d = json.loads(body)
        if d["format"] != FORMAT:
            raise IntegrityError("unknown record format")
        header = RecordHeader(
            str(d["vault_id"]),
            str(d["kind"]),
            str(d["record_id"]),
            int(d["version"]),
            str(d["prev_hash"]),
            str(d["author"]),
            str(d["created_at"]),
            str(d["policy"]),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise IntegrityError("a record body is malformed") from e
    return header, d


def verify_record(body: bytes, signature: bytes, author_public: bytes) -> RecordHeader:
    """Check the author's signature; return the header. Raises IntegrityError."""
    header, _ = parse_header(body)
    if not verify_signature(author_public, signature, _signed_message(body)):
        raise IntegrityError(
            f"{header.kind} {header.record_id} version {header.version}: bad signature"
        )
    return header


def open_record(
    body: bytes,
    signature: bytes,
    author_public: bytes,
    level_key: Callable[[str, int], SecretBytes | None],
    *,
    only: set[str] | None = None,
) -> OpenedRecord:
    """Verify and decrypt what the caller's keys allow. ``level_key(level, epoch)`` returns the
    key, or None when the caller may not read that level (the field is then *withheld*)."""
    header = verify_record(body, signature, author_public)
    _, d = parse_header(body)
    rid = _rid(header)
    out = OpenedRecord(header, hash_bytes(body).hex())
    deks: dict[str, SecretBytes | None] = {}
    try:
        for fname, entry in d["fields"].items():
            if only is not None and fname not in only:
                continue
            level = str(entry["level"])
            if level not in deks:
                kinfo = d["keys"][level]
                epoch = int(kinfo["epoch"])
                lk = level_key(level, epoch)
                if lk is None:
                    deks[level] = None
                else:
                    ad = h.data_key_ad(header.vault_id, rid, header.version, level, epoch)
                    what = f"{header.kind} {header.record_id} v{header.version} ({level} key)"
                    unwrapped = unwrap_key(lk, _unb64(kinfo["wrapped"]), ad, what)
                    if not commitment_matches(unwrapped, ad, _unb64(kinfo["commitment"])):
                        raise DecryptionError(what)
                    deks[level] = unwrapped
            dek = deks[level]
            if dek is None:
                out.withheld[fname] = level
                continue
            key_id = f"{level}/{d['keys'][level]['epoch']}"
            ad = h.field_ad(header.vault_id, rid, header.version, fname, level, key_id)
            out.values[fname] = open_sealed(
                dek, _unb64(entry["ct"]), ad, f"{header.kind} {header.record_id} field {fname}"
            )
    except (KeyError, TypeError, ValueError) as e:
        raise IntegrityError(f"{header.kind} {header.record_id}: record body is malformed") from e
    return out


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: Any) -> bytes:
    return base64.b64decode(str(s).encode("ascii"), validate=True)
