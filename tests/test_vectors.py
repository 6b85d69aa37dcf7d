"""Known-answer tests: the standards' own vectors, then casevault's pinned on-disk formats."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from vault.crypto import Passphrase, SecretBytes, _primitives, context, unseal_identity
from vault.crypto.envelope import blind_index, key_commitment
from vault.crypto.hierarchy import field_ad
from vault.crypto.records import DataKeyWrap, RecordPlace, encode_value, open_record
from vault.errors import AuthenticationError, DecryptionError, IntegrityError

VECTORS = Path(__file__).resolve().parents[1] / "keys" / "vectors"
STANDARDS = json.loads((VECTORS / "standards.json").read_text("utf-8"))
FORMAT = json.loads((VECTORS / "format.json").read_text("utf-8"))


@pytest.mark.parametrize("case", STANDARDS["aes_256_gcm"]["cases"], ids=lambda c: c["name"])
def test_aes_256_gcm_matches_gcm_spec(case: dict[str, str]) -> None:
    key, iv = bytes.fromhex(case["key"]), bytes.fromhex(case["iv"])
    pt, aad = bytes.fromhex(case["pt"]), bytes.fromhex(case["aad"])
    sealed = _primitives.aead_seal(key, pt, aad, _nonce=iv)
    assert sealed == iv + bytes.fromhex(case["ct"] + case["tag"])
    assert _primitives.aead_open(key, sealed, aad, "vector") == pt


@pytest.mark.parametrize("case", STANDARDS["ed25519"]["cases"], ids=lambda c: c["name"])
def test_ed25519_matches_rfc8032(case: dict[str, str]) -> None:
    secret, msg = bytes.fromhex(case["secret"]), bytes.fromhex(case["message"])
    assert _primitives.sign_public(secret).hex() == case["public"]
    assert _primitives.sign(secret, msg).hex() == case["signature"]
    assert _primitives.verify(bytes.fromhex(case["public"]), bytes.fromhex(case["signature"]), msg)
    assert not _primitives.verify(
        bytes.fromhex(case["public"]), bytes.fromhex(case["signature"]), msg + b"x"
    )


@pytest.mark.parametrize("case", STANDARDS["hmac_sha256"]["cases"], ids=lambda c: c["name"])
def test_hmac_sha256_matches_rfc4231(case: dict[str, str]) -> None:
    mac = _primitives.hmac_sha256(bytes.fromhex(case["key"]), bytes.fromhex(case["data"]))
    assert mac.hex() == case["mac"]


@pytest.mark.parametrize("case", STANDARDS["argon2id"]["cases"])
def test_argon2id_matches_reference_implementation(case: dict[str, object]) -> None:
    tag = _primitives.argon2id(
        str(case["password"]).encode(),
        str(case["salt"]).encode(),
        time_cost=int(str(case["time_cost"])),
        memory_kib=int(str(case["memory_kib"])),
        parallelism=int(str(case["parallelism"])),
    )
    assert tag.hex() == case["tag"]


def test_context_encoding_is_pinned_and_unambiguous() -> None:
    for case in FORMAT["context_encoding"]:
        assert context(case["label"], *case["parts"]).hex() == case["hex"]
    hexes = [c["hex"] for c in FORMAT["context_encoding"]]
    assert len(set(hexes)) == len(hexes)


def test_field_seal_is_pinned() -> None:
    v = FORMAT["field_seal"]
    key, nonce, ad = (bytes.fromhex(v[k]) for k in ("key", "nonce", "ad"))
    assert field_ad("vault-0001", "case:UA-000-00-001", 3, "full_name", "public", "public/1") == ad
    assert (
        _primitives.aead_seal(key, bytes.fromhex(v["plaintext"]), ad, _nonce=nonce).hex()
        == v["sealed"]
    )
    with pytest.raises(DecryptionError):
        _primitives.aead_open(key, bytes.fromhex(v["sealed"]), ad + b"x", "vector")


def test_key_commitment_and_blind_index_are_pinned() -> None:
    c = FORMAT["key_commitment"]
    assert (
        key_commitment(SecretBytes(bytes.fromhex(c["key"])), bytes.fromhex(c["ad"])).hex()
        == (c["commitment"])
    )
    b = FORMAT["blind_index"]
    digest = blind_index(SecretBytes(bytes.fromhex(b["key"])), b["namespace"], b["term"])
    assert digest.hex() == b["digest"]


def test_hpke_role_key_wrap_opens_with_pinned_private_key() -> None:
    v = FORMAT["hpke_role_key"]
    private = bytes.fromhex(v["kem_private"])
    assert _primitives.kem_public(private).hex() == v["kem_public"]
    out = _primitives.hpke_open(
        private, bytes.fromhex(v["ciphertext"]), bytes.fromhex(v["info"]), "vector"
    )
    assert out.hex() == v["plaintext"]
    with pytest.raises(DecryptionError):
        _primitives.hpke_open(private, bytes.fromhex(v["ciphertext"]), b"other context", "vector")


def test_sealed_identity_file_format_is_pinned() -> None:
    v = FORMAT["sealed_identity"]
    ident = unseal_identity(v["file"], Passphrase.from_text(v["passphrase"]))
    assert ident.public.fingerprint() == v["fingerprint"]
    assert ident.public.sign_public == _primitives.sign_public(bytes.fromhex(v["sign_private"]))
    with pytest.raises(AuthenticationError):
        unseal_identity(v["file"], Passphrase.from_text("wrong"))


def _pinned_wraps(v: dict[str, Any]) -> dict[str, DataKeyWrap]:
    return {
        level: DataKeyWrap(int(w["epoch"]), bytes.fromhex(w["wrapped"]))
        for level, w in v["wraps"].items()
    }


PINNED_PLACE = RecordPlace("vault-0001", "case", "UA-000-00-001", 1, "vera")


def test_record_format_is_pinned() -> None:
    v = FORMAT["record"]
    key = SecretBytes(bytes.fromhex(v["level_key"]))
    opened = open_record(
        base64.b64decode(v["body"]),
        bytes.fromhex(v["signature"]),
        bytes.fromhex(v["author_public"]),
        lambda level, epoch: key,
        wraps=_pinned_wraps(v),
        expect=PINNED_PLACE,
    )
    assert opened.values == {"full_name": "Vera Example", "sources": []}
    # the value encoding is pinned too: each field's plaintext is exactly what encode_value writes
    assert {f: encode_value(val).decode() for f, val in opened.values.items()} == v["values"]
    assert opened.header.place == PINNED_PLACE


def test_pinned_record_refused_at_another_place() -> None:
    v = FORMAT["record"]
    key = SecretBytes(bytes.fromhex(v["level_key"]))
    with pytest.raises(IntegrityError, match="another place"):
        open_record(
            base64.b64decode(v["body"]),
            bytes.fromhex(v["signature"]),
            bytes.fromhex(v["author_public"]),
            lambda level, epoch: key,
            wraps=_pinned_wraps(v),
            expect=RecordPlace("vault-0001", "case", "UA-000-00-001", 2, "vera"),
        )
