"""The record format: sealing and opening one signed, versioned record (a case version, an
action or a draft). This module owns the format, as Fernet owns its token: callers hand it
values and a place and get values back; none of them parses a body or decodes a field.

A record version is canonical JSON holding its header (vault, kind, id, version, previous
version's hash, author, time, policy digest), per level the epoch its data key was made under and
a commitment to that data key, and per field its ciphertext. The data keys themselves, wrapped
under the level keys, travel *beside* the body (:class:`DataKeyWrap`), outside the signature: a
rotation re-wraps them under a new epoch without touching what the author signed, and the old
wrap is gone, so a level key of a past epoch opens nothing once the rotation is done. A wrap
needs no signature: whatever it opens must match the signed commitment, or it is refused.
A field's plaintext is its value encoded by :func:`encode_value`. The author signs the whole
body; the body names the previous version's hash, so versions form a chain. Pure: no I/O.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from vault.crypto.encoding import canonical_json
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
from vault.crypto.hierarchy import data_key_ad, field_ad, key_id, record_signature_message
from vault.crypto.identity import Identity, verify_signature
from vault.errors import DecryptionError, IntegrityError
from vault.models.secret import SecretBytes

FORMAT = "casevault-record-v2"

JSONValue: TypeAlias = str | int | float | bool | list["JSONValue"] | dict[str, "JSONValue"] | None
"""A value a record field can hold: anything JSON can say."""

LevelKeyLookup: TypeAlias = Callable[[str, int], SecretBytes | None]
"""``lookup(level, epoch)``: the reader's key of that level and epoch, or None if not held."""


@dataclass(frozen=True)
class RecordPlace:
    """Where a record version belongs: what a reader expects before trusting its content."""

    vault_id: str
    kind: str  # "case", "action" or "draft"
    record_id: str
    version: int
    author: str

    def describe(self) -> str:
        """Ids only, for messages: ``case UA-061-21-004 v2``."""
        return f"{self.kind} {self.record_id} v{self.version}"


@dataclass(frozen=True)
class RecordHeader:
    """The signed, unencrypted part of a record version."""

    vault_id: str
    kind: str  # "case", "action" or "draft"
    record_id: str
    version: int
    prev_hash: str  # hex SHA-256 of the previous version's body, "" for version 1
    author: str
    created_at: str
    policy: str  # digest of the policy it was written under

    @property
    def place(self) -> RecordPlace:
        """The place this header claims."""
        return RecordPlace(self.vault_id, self.kind, self.record_id, self.version, self.author)


@dataclass(frozen=True)
class LevelKey:
    """One epoch of a level's key, as a writer seals under it."""

    level: str
    epoch: int
    key: SecretBytes


@dataclass(frozen=True)
class DataKeyWrap:
    """One level's data key of one record version, wrapped under the level key of ``epoch``
    (AD: vault, record, version, level, epoch). Kept beside the body, outside the signature."""

    epoch: int
    wrapped: bytes


@dataclass(frozen=True)
class SealedRecord:
    """What :func:`seal_record` makes: the signed body, its signature and the data-key wraps."""

    body: bytes
    signature: bytes
    wraps: dict[str, DataKeyWrap]


@dataclass
class OpenedRecord:
    """A verified record version: its header, its body's hash and the fields the reader's keys
    opened, decoded. A field whose level the reader does not hold is *withheld* instead."""

    header: RecordHeader
    body_hash: str  # hex SHA-256 of the body, what the next version names as prev_hash
    values: dict[str, JSONValue] = field(default_factory=dict)  # field -> decoded value
    withheld: dict[str, str] = field(default_factory=dict)  # field -> level

    def text(self, name: str) -> str | None:
        """Field ``name`` as a string; None when absent or withheld. Raises IntegrityError when
        the signed value is not a string."""
        value = self.values.get(name)
        if value is not None and not isinstance(value, str):
            raise IntegrityError(f"{self.header.place.describe()}: field {name} is not text")
        return value

    def mapping(self, name: str) -> dict[str, Any] | None:
        """Field ``name`` as a JSON object; None when absent or withheld. Raises IntegrityError
        when the signed value is not an object."""
        value = self.values.get(name)
        if value is not None and not isinstance(value, dict):
            raise IntegrityError(f"{self.header.place.describe()}: field {name} is not an object")
        return value


def encode_value(value: JSONValue) -> bytes:
    """The plaintext of a field: compact UTF-8 JSON with sorted keys, so one value always has
    one encoding (pinned by ``keys/vectors/format.json``). Raises ValueError for NaN/infinity."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def _decode_value(plaintext: bytes, place: RecordPlace, name: str) -> JSONValue:
    try:
        value: JSONValue = json.loads(plaintext.decode("utf-8"))
    except (ValueError, RecursionError) as e:  # UnicodeDecodeError, JSONDecodeError: ValueErrors
        raise IntegrityError(f"{place.describe()}: field {name} does not hold a value") from e
    return value


def _record_ref(header: RecordHeader) -> str:
    # The record part of the associated data ("case:UA-061-21-004").
    return f"{header.kind}:{header.record_id}"


def seal_record(
    header: RecordHeader,
    values: Mapping[str, tuple[str, JSONValue]],
    level_keys: Mapping[str, LevelKey],
    author: Identity,
) -> SealedRecord:
    """Encrypt ``{field: (level, value)}`` and sign. Does no I/O.

    Each level present gets a fresh data key, wrapped under that level's current key with AD
    (vault, record, version, level, epoch) and committed to in the body; each field is sealed
    under its level's data key with AD (vault, record, version, field, level, key id). Raises
    IntegrityError when ``author`` is not the header's author or a level's key is missing, and
    ValueError when a value is not JSON-able.
    """
    if author.name != header.author:
        raise IntegrityError("a record must be signed by its author")
    rid = _record_ref(header)
    keys: dict[str, dict[str, Any]] = {}
    wraps: dict[str, DataKeyWrap] = {}
    deks: dict[str, SecretBytes] = {}
    for level in sorted({lv for lv, _ in values.values()}):
        lk = level_keys.get(level)
        if lk is None:
            raise IntegrityError(f"no key for level {level!r}: cannot write it")
        dek = new_key()
        ad = data_key_ad(header.vault_id, rid, header.version, level, lk.epoch)
        deks[level] = dek
        keys[level] = {"epoch": lk.epoch, "commitment": _b64(key_commitment(dek, ad))}
        wraps[level] = DataKeyWrap(lk.epoch, wrap_key(lk.key, dek, ad))
    fields: dict[str, Any] = {}
    for name, (level, value) in sorted(values.items()):
        kid = key_id(level, keys[level]["epoch"])
        ad = field_ad(header.vault_id, rid, header.version, name, level, kid)
        fields[name] = {"level": level, "ct": _b64(seal(deks[level], encode_value(value), ad))}
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
    return SealedRecord(body, author.sign(record_signature_message(body)), wraps)


def open_record(
    body: bytes,
    signature: bytes,
    author_public: bytes | Sequence[bytes],
    level_key: LevelKeyLookup,
    *,
    wraps: Mapping[str, DataKeyWrap],
    expect: RecordPlace,
    only: set[str] | None = None,
) -> OpenedRecord:
    """Verify a record version found at ``expect`` and decrypt what the reader's keys allow.

    1. the author's Ed25519 signature over the body must verify under ``author_public`` (or
       one of them: every key the author held, after a re-key);
    2. the header must name exactly ``expect`` (vault, kind, id, version, author): a validly
       signed version copied to another row is refused;
    3. per level read, the data key must unwrap (from ``wraps``, under the level key of the
       wrap's epoch) and match its signed commitment.

    ``level_key(level, epoch)`` returns the key, or None when the reader may not read that level
    (its fields are then *withheld*); ``only`` limits which fields are decrypted. Raises
    IntegrityError (bad signature, wrong place, malformed body or value) or DecryptionError (a
    key or field that does not open). Does no I/O.
    """
    publics = [author_public] if isinstance(author_public, bytes) else list(author_public)
    message = record_signature_message(body)
    if not any(verify_signature(pub, signature, message) for pub in publics):
        raise IntegrityError(f"{expect.describe()}: bad signature")
    header, keys, fields = _parse(body, expect)
    if header.place != expect:
        raise IntegrityError(f"{expect.describe()}: record belongs to another place")
    rid = _record_ref(header)
    out = OpenedRecord(header, hash_bytes(body).hex())
    deks: dict[str, SecretBytes | None] = {}
    try:
        for name, entry in fields.items():
            if only is not None and name not in only:
                continue
            level = str(entry["level"])
            epoch = int(keys[level]["epoch"])
            if level not in deks:
                deks[level] = _data_key(header, rid, level, epoch, keys[level], wraps, level_key)
            dek = deks[level]
            if dek is None:
                out.withheld[name] = level
                continue
            ad = field_ad(header.vault_id, rid, header.version, name, level, key_id(level, epoch))
            what = f"{header.kind} {header.record_id} field {name}"
            plaintext = open_sealed(dek, _unb64(entry["ct"]), ad, what)
            out.values[name] = _decode_value(plaintext, expect, name)
    except (KeyError, TypeError, ValueError) as e:
        raise IntegrityError(f"{expect.describe()}: record body is malformed") from e
    return out


def _data_key(
    header: RecordHeader,
    rid: str,
    level: str,
    epoch: int,
    kinfo: Mapping[str, Any],
    wraps: Mapping[str, DataKeyWrap],
    level_key: LevelKeyLookup,
) -> SecretBytes | None:
    what = f"{header.kind} {header.record_id} v{header.version} ({level} key)"
    wrap = wraps.get(level)
    if wrap is None:
        raise IntegrityError(f"{what}: its wrapped data key is missing")
    if wrap.epoch < epoch:  # a rotation only moves a data key forward
        raise IntegrityError(f"{what}: its wrap names an epoch before the one it was made in")
    lk = level_key(level, wrap.epoch)
    if lk is None:
        return None
    dek = unwrap_key(
        lk, wrap.wrapped, data_key_ad(header.vault_id, rid, header.version, level, wrap.epoch), what
    )
    # The commitment binds the place and the epoch the data key was made under (signed).
    made = data_key_ad(header.vault_id, rid, header.version, level, epoch)
    if not commitment_matches(dek, made, _unb64(kinfo["commitment"])):
        raise DecryptionError(what)
    return dek


def rewrap_data_key(
    vault_id: str,
    record: str,
    version: int,
    level: str,
    wrap: DataKeyWrap,
    old_key: SecretBytes,
    new_key: LevelKey,
) -> DataKeyWrap:
    """A data key re-wrapped under a newer epoch of its level's key (a rotation). ``record`` is
    ``kind:id``. The old wrap must open under ``old_key`` (its epoch's key) with its AD; the
    signed commitment is checked whenever the record is read. Raises DecryptionError."""
    what = f"{record} v{version} ({level} key)"
    dek = unwrap_key(
        old_key, wrap.wrapped, data_key_ad(vault_id, record, version, level, wrap.epoch), what
    )
    ad = data_key_ad(vault_id, record, version, level, new_key.epoch)
    return DataKeyWrap(new_key.epoch, wrap_key(new_key.key, dek, ad))


def _parse(body: bytes, expect: RecordPlace) -> tuple[RecordHeader, dict[str, Any], dict[str, Any]]:
    """The header, the key entries and the field entries of a body (parsed once)."""
    try:
        d = json.loads(body)
        if d["format"] != FORMAT:
            raise IntegrityError(f"{expect.describe()}: unknown record format")
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
        keys, fields = d["keys"], d["fields"]
        if not isinstance(keys, dict) or not isinstance(fields, dict):
            raise TypeError("keys and fields must be objects")
    except (KeyError, TypeError, ValueError, RecursionError) as e:
        raise IntegrityError(f"{expect.describe()}: record body is malformed") from e
    return header, keys, fields


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: Any) -> bytes:
    return base64.b64decode(str(s).encode("ascii"), validate=True)
