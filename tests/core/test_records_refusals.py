"""The record format: what a reader must refuse, and the layout it must be sealed in.

A record version is opened only when its signature verifies, it names exactly the place it was
found at, each data key unwraps and matches its signed commitment, and each field opens under the
associated data of its own place (vault, record, version, field, level, key id). Some refusals need
a body that is validly signed but wrong inside: those bodies are built here and signed by the
author, as a writer with the author's key (or a bug) could.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from typing import Any

import pytest

from vault.crypto import Identity, SecretBytes, canonical_json, seal, wrap_key
from vault.crypto.envelope import key_commitment, new_key, unwrap_key
from vault.crypto.hierarchy import data_key_ad, field_ad, record_signature_message
from vault.crypto.records import (
    FORMAT,
    DataKeyWrap,
    LevelKey,
    OpenedRecord,
    RecordHeader,
    RecordPlace,
    SealedRecord,
    encode_value,
    open_record,
    rewrap_data_key,
    seal_record,
)
from vault.errors import DecryptionError, IntegrityError

AUTHOR_NAME = "Tamsin Orvell"  # the first of the conftest identities
PLACE = RecordPlace("vault-1", "case", "UA-061-21-004", 2, AUTHOR_NAME)
HEADER = RecordHeader(
    "vault-1", "case", "UA-061-21-004", 2, "ab" * 32, AUTHOR_NAME, "2026-01-01T00:00:00Z", "0" * 64
)
PUBLIC_KEY = SecretBytes(b"\x01" * 32)
SECRET_KEY_3 = SecretBytes(b"\x03" * 32)
SECRET_KEY_4 = SecretBytes(b"\x04" * 32)
LEVEL_KEYS = {
    "public": LevelKey("public", 1, PUBLIC_KEY),
    "secret": LevelKey("secret", 3, SECRET_KEY_3),
}
KEYS = {("public", 1): PUBLIC_KEY, ("secret", 3): SECRET_KEY_3, ("secret", 4): SECRET_KEY_4}
VALUES: dict[str, tuple[str, Any]] = {
    "full_name": ("public", "Vera Exámple"),
    "sources": ("secret", [{"a": 1, "b": None}]),
    "notes": ("secret", "met on a Tuesday"),
}


def lp(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


def ctx(label: str, *parts: str | int) -> bytes:
    return lp(label.encode()) + b"".join(
        lp(struct.pack(">q", x) if isinstance(x, int) else x.encode()) for x in parts
    )


def lookup(level: str, epoch: int) -> SecretBytes | None:
    return KEYS.get((level, epoch))


@pytest.fixture(scope="module")
def author(identities: dict[str, Identity]) -> Identity:
    return identities[AUTHOR_NAME]


@pytest.fixture(scope="module")
def sealed(author: Identity) -> SealedRecord:
    return seal_record(HEADER, VALUES, LEVEL_KEYS, author)


def _open(
    author: Identity, body: bytes, sig: bytes, wraps: dict[str, DataKeyWrap], **kw: Any
) -> OpenedRecord:
    kw.setdefault("expect", PLACE)
    return open_record(body, sig, author.public.sign_public, lookup, wraps=wraps, **kw)


def _resign(author: Identity, d: dict[str, Any]) -> tuple[bytes, bytes]:
    body = canonical_json(d)
    return body, author.sign(record_signature_message(body))


def _dek(sealed: SealedRecord, level: str) -> SecretBytes:
    w = sealed.wraps[level]
    ad = data_key_ad("vault-1", "case:UA-061-21-004", 2, level, w.epoch)
    return unwrap_key(KEYS[(level, w.epoch)], w.wrapped, ad, "test")


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


# --- the format ---------------------------------------------------------------------------------


def test_describe_and_place() -> None:
    assert PLACE.describe() == "case UA-061-21-004 v2"
    assert HEADER.place == PLACE
    assert FORMAT == "casevault-record-v2"


def test_body_layout_is_exact(sealed: SealedRecord) -> None:
    d = json.loads(sealed.body)
    assert canonical_json(d) == sealed.body  # the body is canonical JSON
    assert list(d) == sorted(d)
    assert {k: v for k, v in d.items() if k not in ("keys", "fields")} == {
        "format": "casevault-record-v2",
        "vault_id": "vault-1",
        "kind": "case",
        "record_id": "UA-061-21-004",
        "version": 2,
        "prev_hash": "ab" * 32,
        "author": AUTHOR_NAME,
        "created_at": "2026-01-01T00:00:00Z",
        "policy": "0" * 64,
    }
    assert set(d["keys"]) == {"public", "secret"}
    assert d["keys"]["public"]["epoch"] == 1 and d["keys"]["secret"]["epoch"] == 3
    assert set(d["keys"]["public"]) == {"epoch", "commitment"}
    assert {n: f["level"] for n, f in d["fields"].items()} == {
        "full_name": "public",
        "sources": "secret",
        "notes": "secret",
    }
    assert all(set(f) == {"ct", "level"} for f in d["fields"].values())
    assert {lv: w.epoch for lv, w in sealed.wraps.items()} == {"public": 1, "secret": 3}


def test_signature_is_over_the_labelled_body(sealed: SealedRecord, author: Identity) -> None:
    from vault.crypto import verify_signature

    msg = lp(b"casevault/record-signature/v1") + lp(sealed.body)
    assert verify_signature(author.public.sign_public, sealed.signature, msg)
    assert not verify_signature(author.public.sign_public, sealed.signature, sealed.body)


def test_data_keys_and_fields_are_sealed_at_their_exact_place(sealed: SealedRecord) -> None:
    """Open the sealed record by hand, with associated data built here byte by byte."""
    d = json.loads(sealed.body)
    for level, epoch, key in (("public", 1, PUBLIC_KEY), ("secret", 3, SECRET_KEY_3)):
        dad = ctx("casevault/data-key/v1", "vault-1", "case:UA-061-21-004", 2, level, epoch)
        wrap = sealed.wraps[level]
        assert len(wrap.wrapped) == 60
        dek = unwrap_key(key, wrap.wrapped, dad, "t")
        commitment = base64.b64decode(d["keys"][level]["commitment"])
        assert commitment == key_commitment(dek, dad)
        for name, (lv, value) in VALUES.items():
            if lv != level:
                continue
            fad = ctx(
                "casevault/field/v1",
                "vault-1",
                "case:UA-061-21-004",
                2,
                name,
                level,
                f"{level}/{epoch}",
            )
            from vault.crypto import open_sealed

            pt = open_sealed(dek, base64.b64decode(d["fields"][name]["ct"]), fad, "t")
            assert pt == encode_value(value)
    assert _dek(sealed, "public") != _dek(sealed, "secret")  # one data key per level


def test_round_trip(sealed: SealedRecord, author: Identity) -> None:
    opened = _open(author, sealed.body, sealed.signature, sealed.wraps)
    assert opened.values == {name: v for name, (_, v) in VALUES.items()}
    assert opened.withheld == {}
    assert opened.header == HEADER
    assert opened.body_hash == hashlib.sha256(sealed.body).hexdigest()
    assert opened.text("full_name") == "Vera Exámple"
    assert opened.mapping("missing") is None and opened.text("missing") is None


def test_author_list_and_publics(sealed: SealedRecord, author: Identity) -> None:
    other = Identity.generate("Someone Else").public.sign_public
    for publics in ([author.public.sign_public], [other, author.public.sign_public]):
        opened = open_record(
            sealed.body, sealed.signature, publics, lookup, wraps=sealed.wraps, expect=PLACE
        )
        assert opened.values["notes"] == "met on a Tuesday"
    for publics in ([], [other], other):
        with pytest.raises(IntegrityError, match=r"^case UA-061-21-004 v2: bad signature$"):
            open_record(
                sealed.body, sealed.signature, publics, lookup, wraps=sealed.wraps, expect=PLACE
            )


def test_only_and_withheld(sealed: SealedRecord, author: Identity) -> None:
    only = _open(author, sealed.body, sealed.signature, sealed.wraps, only={"notes"})
    assert only.values == {"notes": "met on a Tuesday"} and only.withheld == {}
    nothing = _open(author, sealed.body, sealed.signature, sealed.wraps, only=set())
    assert nothing.values == {} and nothing.withheld == {}

    def public_only(level: str, epoch: int) -> SecretBytes | None:
        return PUBLIC_KEY if (level, epoch) == ("public", 1) else None

    opened = open_record(
        sealed.body,
        sealed.signature,
        author.public.sign_public,
        public_only,
        wraps=sealed.wraps,
        expect=PLACE,
    )
    assert opened.values == {"full_name": "Vera Exámple"}
    assert opened.withheld == {"sources": "secret", "notes": "secret"}
    assert opened.text("notes") is None


def test_level_key_is_asked_once_per_level_at_the_wraps_epoch(
    sealed: SealedRecord, author: Identity
) -> None:
    asked: list[tuple[str, int]] = []

    def counting(level: str, epoch: int) -> SecretBytes | None:
        asked.append((level, epoch))
        return lookup(level, epoch)

    open_record(
        sealed.body,
        sealed.signature,
        author.public.sign_public,
        counting,
        wraps=sealed.wraps,
        expect=PLACE,
    )
    assert sorted(asked) == [("public", 1), ("secret", 3)]


def test_text_and_mapping_refuse_the_wrong_type(author: Identity) -> None:
    s = seal_record(
        HEADER,
        {"n": ("public", 5), "m": ("public", {"k": [1]}), "t": ("public", "x")},
        LEVEL_KEYS,
        author,
    )
    opened = _open(author, s.body, s.signature, s.wraps)
    with pytest.raises(IntegrityError, match=r"^case UA-061-21-004 v2: field n is not text$"):
        opened.text("n")
    with pytest.raises(IntegrityError, match=r"^case UA-061-21-004 v2: field n is not an object$"):
        opened.mapping("n")
    with pytest.raises(IntegrityError, match=r"field t is not an object"):
        opened.mapping("t")
    with pytest.raises(IntegrityError, match=r"field m is not text"):
        opened.text("m")
    assert opened.mapping("m") == {"k": [1]}
    assert opened.text("t") == "x"


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("Vera Exámple", '"Vera Exámple"'.encode()),  # UTF-8, not escaped
        ("😀\n\x00", b'"\xf0\x9f\x98\x80\\n\\u0000"'),
        ({"b": 1, "a": [True, None, 1.5, -2]}, b'{"a":[true,null,1.5,-2],"b":1}'),
        ([], b"[]"),
        (None, b"null"),
        (0, b"0"),
        (2**70, b"1180591620717411303424"),
    ],
)
def test_encode_value_exact(value: Any, encoded: bytes) -> None:
    assert encode_value(value) == encoded


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), [float("-inf")]])
def test_encode_value_refuses_non_finite(bad: Any) -> None:
    with pytest.raises(ValueError):
        encode_value(bad)


# --- sealing refusals ---------------------------------------------------------------------------


def test_seal_refuses_another_author(identities: dict[str, Identity]) -> None:
    other = identities["Baurzhan Keldy"]
    with pytest.raises(IntegrityError, match=r"^a record must be signed by its author$"):
        seal_record(HEADER, VALUES, LEVEL_KEYS, other)


def test_seal_refuses_a_level_without_key(author: Identity) -> None:
    with pytest.raises(IntegrityError, match=r"^no key for level 'secret': cannot write it$"):
        seal_record(HEADER, VALUES, {"public": LEVEL_KEYS["public"]}, author)


def test_seal_refuses_unencodable_values(author: Identity) -> None:
    with pytest.raises(ValueError):
        seal_record(HEADER, {"x": ("public", float("nan"))}, LEVEL_KEYS, author)


# --- opening refusals ---------------------------------------------------------------------------


def test_bad_signature_is_refused(sealed: SealedRecord, author: Identity) -> None:
    for sig in (
        sealed.signature[:-1] + bytes([sealed.signature[-1] ^ 1]),
        b"",
        sealed.signature + b"\x00",
        author.sign(sealed.body),  # over the unlabelled body
    ):
        with pytest.raises(IntegrityError, match=r"^case UA-061-21-004 v2: bad signature$"):
            _open(author, sealed.body, sig, sealed.wraps)
    with pytest.raises(IntegrityError, match=r"bad signature"):
        _open(author, sealed.body + b" ", sealed.signature, sealed.wraps)


@pytest.mark.parametrize(
    "elsewhere",
    [
        RecordPlace("vault-2", "case", "UA-061-21-004", 2, AUTHOR_NAME),
        RecordPlace("vault-1", "action", "UA-061-21-004", 2, AUTHOR_NAME),
        RecordPlace("vault-1", "case", "UA-061-21-005", 2, AUTHOR_NAME),
        RecordPlace("vault-1", "case", "UA-061-21-004", 1, AUTHOR_NAME),
        RecordPlace("vault-1", "case", "UA-061-21-004", 2, "Ilse Marwood"),
    ],
)
def test_another_place_is_refused(
    sealed: SealedRecord, author: Identity, elsewhere: RecordPlace
) -> None:
    with pytest.raises(
        IntegrityError, match=rf"^{elsewhere.describe()}: record belongs to another"
    ):
        _open(author, sealed.body, sealed.signature, sealed.wraps, expect=elsewhere)


def _body(sealed: SealedRecord) -> dict[str, Any]:
    d: dict[str, Any] = json.loads(sealed.body)
    return d


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="casevault-record-v1"), "unknown record format"),
        (lambda d: d.pop("format"), "record body is malformed"),
        (lambda d: d.pop("vault_id"), "record body is malformed"),
        (lambda d: d.pop("kind"), "record body is malformed"),
        (lambda d: d.pop("record_id"), "record body is malformed"),
        (lambda d: d.pop("version"), "record body is malformed"),
        (lambda d: d.pop("prev_hash"), "record body is malformed"),
        (lambda d: d.pop("author"), "record body is malformed"),
        (lambda d: d.pop("created_at"), "record body is malformed"),
        (lambda d: d.pop("policy"), "record body is malformed"),
        (lambda d: d.pop("keys"), "record body is malformed"),
        (lambda d: d.pop("fields"), "record body is malformed"),
        (lambda d: d.update(version="two"), "record body is malformed"),
        (lambda d: d.update(version=None), "record body is malformed"),
        (lambda d: d.update(keys=[]), "record body is malformed"),
        (lambda d: d.update(fields=[]), "record body is malformed"),
        (lambda d: d.update(fields="x"), "record body is malformed"),
        (lambda d: d["fields"]["notes"].pop("level"), "record body is malformed"),
        (lambda d: d["fields"]["notes"].pop("ct"), "record body is malformed"),
        (lambda d: d["fields"]["notes"].update(level="top"), "record body is malformed"),
        (lambda d: d["fields"].update(notes=["secret"]), "record body is malformed"),
        (lambda d: d["keys"]["secret"].pop("epoch"), "record body is malformed"),
        (lambda d: d["keys"]["secret"].update(epoch="three"), "record body is malformed"),
        (lambda d: d["keys"]["secret"].pop("commitment"), "record body is malformed"),
        (lambda d: d["keys"]["secret"].update(commitment="!!"), "record body is malformed"),
        (lambda d: d["keys"].update(secret=3), "record body is malformed"),
        (lambda d: d["fields"]["notes"].update(ct="é"), "record body is malformed"),
    ],
)
def test_validly_signed_but_malformed_bodies_are_refused(
    sealed: SealedRecord, author: Identity, change: Any, message: str
) -> None:
    d = _body(sealed)
    change(d)
    body, sig = _resign(author, d)
    with pytest.raises(IntegrityError, match=rf"^case UA-061-21-004 v2: {message}$"):
        _open(author, body, sig, sealed.wraps)


def test_a_body_that_is_not_json_is_refused(author: Identity) -> None:
    for body in (b"not json", b"[1,2]", b'"s"', b"\xff\xfe"):
        sig = author.sign(record_signature_message(body))
        with pytest.raises(
            IntegrityError, match=r"^case UA-061-21-004 v2: record body is malformed$"
        ):
            _open(author, body, sig, {})


def test_base64_must_be_strict(sealed: SealedRecord, author: Identity) -> None:
    """A ciphertext or commitment with stray characters is refused, not silently cleaned."""
    for where in ("ct", "commitment"):
        d = _body(sealed)
        if where == "ct":
            d["fields"]["notes"]["ct"] += "!"
        else:
            d["keys"]["secret"]["commitment"] = "!" + d["keys"]["secret"]["commitment"]
        body, sig = _resign(author, d)
        with pytest.raises(IntegrityError, match=r"record body is malformed"):
            _open(author, body, sig, sealed.wraps)


def test_a_field_holding_no_json_value_is_refused(sealed: SealedRecord, author: Identity) -> None:
    dek = _dek(sealed, "secret")
    for plaintext in (b"\xff\xfe", b"{not json", b""):
        d = _body(sealed)
        ad = field_ad("vault-1", "case:UA-061-21-004", 2, "notes", "secret", "secret/3")
        d["fields"]["notes"]["ct"] = _b64(seal(dek, plaintext, ad))
        body, sig = _resign(author, d)
        with pytest.raises(
            IntegrityError, match=r"^case UA-061-21-004 v2: field notes does not hold a value$"
        ):
            _open(author, body, sig, sealed.wraps)


@pytest.mark.parametrize(
    "ad_args",
    [
        ("vault-2", "case:UA-061-21-004", 2, "notes", "secret", "secret/3"),
        ("vault-1", "case:UA-061-21-005", 2, "notes", "secret", "secret/3"),
        ("vault-1", "action:UA-061-21-004", 2, "notes", "secret", "secret/3"),
        ("vault-1", "case:UA-061-21-004", 1, "notes", "secret", "secret/3"),
        ("vault-1", "case:UA-061-21-004", 2, "sources", "secret", "secret/3"),
        ("vault-1", "case:UA-061-21-004", 2, "notes", "public", "secret/3"),
        ("vault-1", "case:UA-061-21-004", 2, "notes", "secret", "secret/4"),
    ],
)
def test_a_field_sealed_for_any_other_place_does_not_open(
    sealed: SealedRecord, author: Identity, ad_args: tuple[Any, ...]
) -> None:
    """Under the right data key, in a validly signed body: only the AD differs, part by part."""
    dek = _dek(sealed, "secret")
    d = _body(sealed)
    d["fields"]["notes"]["ct"] = _b64(seal(dek, b'"planted"', field_ad(*ad_args)))
    body, sig = _resign(author, d)
    with pytest.raises(
        DecryptionError, match=r"^could not decrypt case UA-061-21-004 field notes:"
    ):
        _open(author, body, sig, sealed.wraps)


def test_a_field_moved_to_another_field_does_not_open(
    sealed: SealedRecord, author: Identity
) -> None:
    d = _body(sealed)
    d["fields"]["notes"]["ct"] = d["fields"]["sources"]["ct"]
    body, sig = _resign(author, d)
    with pytest.raises(DecryptionError):
        _open(author, body, sig, sealed.wraps)


def test_missing_wrap_is_refused(sealed: SealedRecord, author: Identity) -> None:
    wraps = {"public": sealed.wraps["public"]}
    with pytest.raises(
        IntegrityError,
        match=r"^case UA-061-21-004 v2 \(secret key\): its wrapped data key is missing$",
    ):
        _open(author, sealed.body, sealed.signature, wraps)
    # but a reader who only reads the public fields does not need it
    opened = _open(author, sealed.body, sealed.signature, wraps, only={"full_name"})
    assert opened.values == {"full_name": "Vera Exámple"}


def test_a_wrap_older_than_the_signed_epoch_is_refused(
    sealed: SealedRecord, author: Identity
) -> None:
    dek = _dek(sealed, "secret")
    older = DataKeyWrap(
        2,
        wrap_key(SECRET_KEY_3, dek, data_key_ad("vault-1", "case:UA-061-21-004", 2, "secret", 2)),
    )
    wraps = {**sealed.wraps, "secret": older}
    with pytest.raises(IntegrityError, match=r"\(secret key\): its wrap names an epoch before"):
        _open(author, sealed.body, sealed.signature, wraps)


def test_rotation_moves_the_wrap_forward_only(sealed: SealedRecord, author: Identity) -> None:
    rotated = rewrap_data_key(
        "vault-1",
        "case:UA-061-21-004",
        2,
        "secret",
        sealed.wraps["secret"],
        SECRET_KEY_3,
        LevelKey("secret", 4, SECRET_KEY_4),
    )
    assert rotated.epoch == 4
    unwrap_key(
        SECRET_KEY_4,
        rotated.wrapped,
        ctx("casevault/data-key/v1", "vault-1", "case:UA-061-21-004", 2, "secret", 4),
        "t",
    )
    wraps = {**sealed.wraps, "secret": rotated}
    opened = _open(author, sealed.body, sealed.signature, wraps)
    assert opened.values["notes"] == "met on a Tuesday"
    # the epoch-3 key opens nothing through the new wrap
    only3 = {("public", 1): PUBLIC_KEY, ("secret", 4): SECRET_KEY_3}
    with pytest.raises(DecryptionError, match=r"\(secret key\)"):
        open_record(
            sealed.body,
            sealed.signature,
            author.public.sign_public,
            lambda lv, ep: only3.get((lv, ep)),
            wraps=wraps,
            expect=PLACE,
        )


@pytest.mark.parametrize(
    "where",
    [
        ("vault-2", "case:UA-061-21-004", 2, "secret"),
        ("vault-1", "case:UA-061-21-005", 2, "secret"),
        ("vault-1", "case:UA-061-21-004", 3, "secret"),
        ("vault-1", "case:UA-061-21-004", 2, "public"),
    ],
)
def test_rewrap_refuses_a_wrap_of_another_place(
    sealed: SealedRecord, where: tuple[str, str, int, str]
) -> None:
    with pytest.raises(DecryptionError):
        rewrap_data_key(
            *where, sealed.wraps["secret"], SECRET_KEY_3, LevelKey("secret", 4, SECRET_KEY_4)
        )


def test_rewrap_refuses_the_wrong_old_key(sealed: SealedRecord) -> None:
    with pytest.raises(
        DecryptionError, match=r"^could not decrypt case:UA-061-21-004 v2 \(secret key\):"
    ):
        rewrap_data_key(
            "vault-1",
            "case:UA-061-21-004",
            2,
            "secret",
            sealed.wraps["secret"],
            SECRET_KEY_4,
            LevelKey("secret", 4, SECRET_KEY_4),
        )


@pytest.mark.parametrize(
    "ad",
    [
        ("vault-2", "case:UA-061-21-004", 2, "secret", 3),
        ("vault-1", "case:UA-061-21-005", 2, "secret", 3),
        ("vault-1", "action:UA-061-21-004", 2, "secret", 3),
        ("vault-1", "case:UA-061-21-004", 1, "secret", 3),
        ("vault-1", "case:UA-061-21-004", 2, "public", 3),
        ("vault-1", "case:UA-061-21-004", 2, "secret", 4),
    ],
)
def test_a_data_key_wrapped_for_another_place_is_refused(
    sealed: SealedRecord, author: Identity, ad: tuple[str, str, int, str, int]
) -> None:
    wraps = {
        **sealed.wraps,
        "secret": DataKeyWrap(3, wrap_key(SECRET_KEY_3, _dek(sealed, "secret"), data_key_ad(*ad))),
    }
    with pytest.raises(
        DecryptionError, match=r"^could not decrypt case UA-061-21-004 v2 \(secret key\):"
    ):
        _open(author, sealed.body, sealed.signature, wraps)


def test_a_wrap_under_the_wrong_level_key_is_refused(
    sealed: SealedRecord, author: Identity
) -> None:
    def wrong(level: str, epoch: int) -> SecretBytes | None:
        return SECRET_KEY_4 if level == "secret" else lookup(level, epoch)

    with pytest.raises(DecryptionError, match=r"\(secret key\)"):
        open_record(
            sealed.body,
            sealed.signature,
            author.public.sign_public,
            wrong,
            wraps=sealed.wraps,
            expect=PLACE,
        )


def test_a_planted_data_key_fails_the_signed_commitment(
    sealed: SealedRecord, author: Identity
) -> None:
    """A writer of the wraps (not the author) plants another data key at the right place."""
    ad = data_key_ad("vault-1", "case:UA-061-21-004", 2, "secret", 3)
    planted = DataKeyWrap(3, wrap_key(SECRET_KEY_3, new_key(), ad))
    with pytest.raises(
        DecryptionError, match=r"^could not decrypt case UA-061-21-004 v2 \(secret key\):"
    ):
        _open(author, sealed.body, sealed.signature, {**sealed.wraps, "secret": planted})


def test_the_commitment_binds_the_epoch_the_key_was_made_in(
    sealed: SealedRecord, author: Identity
) -> None:
    """A body that claims the data key was made at epoch 4 fails its epoch-3 commitment, even
    with a valid epoch-4 wrap of the right data key."""
    dek = _dek(sealed, "secret")
    d = _body(sealed)
    d["keys"]["secret"]["epoch"] = 4
    for name in ("notes", "sources"):
        ad = field_ad("vault-1", "case:UA-061-21-004", 2, name, "secret", "secret/4")
        d["fields"][name]["ct"] = _b64(seal(dek, b'"x"', ad))
    body, sig = _resign(author, d)
    w4 = DataKeyWrap(
        4,
        wrap_key(SECRET_KEY_4, dek, data_key_ad("vault-1", "case:UA-061-21-004", 2, "secret", 4)),
    )
    with pytest.raises(DecryptionError, match=r"\(secret key\)"):
        _open(author, body, sig, {**sealed.wraps, "secret": w4})
    # and with a commitment made at epoch 4 it opens: the check above was the commitment
    d["keys"]["secret"]["commitment"] = _b64(
        key_commitment(dek, data_key_ad("vault-1", "case:UA-061-21-004", 2, "secret", 4))
    )
    body, sig = _resign(author, d)
    assert _open(author, body, sig, {**sealed.wraps, "secret": w4}).values["notes"] == "x"


def test_a_body_with_keys_or_fields_not_objects_names_why_in_its_cause(
    sealed: SealedRecord, author: Identity
) -> None:
    for name in ("keys", "fields"):
        d = _body(sealed)
        d[name] = [d[name]]
        body, sig = _resign(author, d)
        with pytest.raises(IntegrityError, match="record body is malformed") as e:
            _open(author, body, sig, sealed.wraps)
        assert type(e.value.__cause__) is TypeError
        assert str(e.value.__cause__) == "keys and fields must be objects"
