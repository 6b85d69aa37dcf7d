"""Signed notes and checkpoints against the Go reference vectors (keys/vectors/signed_note.json)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from vault.audit import checkpoint as cp
from vault.crypto import _primitives as p
from vault.errors import IntegrityError

V = json.loads(
    (Path(__file__).resolve().parents[1] / "keys" / "vectors" / "signed_note.json").read_text()
)


def _seed(skey: str) -> bytes:
    raw = base64.b64decode(skey.split("+", 4)[4])
    assert raw[0] == 1
    return raw[1:]


def test_verifier_key_parses_and_rebuilds() -> None:
    name, public = cp.parse_verifier_key(V["peter"]["vkey"])
    assert name == "PeterNeumann"
    assert cp.verifier_key(name, public) == V["peter"]["vkey"]
    assert cp.key_id(name, public).hex() == "c74f20a3"


def test_mangled_verifier_keys_are_refused() -> None:
    vkey = V["peter"]["vkey"]
    for i in range(len(vkey)):
        mangled = vkey[:i] + chr(ord(vkey[i]) + 1) + vkey[i + 1 :]
        with pytest.raises(IntegrityError):
            cp.parse_verifier_key(mangled)
    with pytest.raises(IntegrityError):
        cp.parse_verifier_key(vkey[:-1])


def test_signing_reproduces_the_go_note_byte_for_byte() -> None:
    seed = _seed(V["peter"]["skey"])
    name, public = cp.parse_verifier_key(V["peter"]["vkey"])
    assert p.sign_public(seed) == public
    note = cp.sign_note(V["text"], name, public, lambda m: p.sign(seed, m))
    assert note == V["text"] + "\n" + V["peter"]["sig_line"]


def test_open_with_one_known_and_one_unknown_signer() -> None:
    name, public = cp.parse_verifier_key(V["peter"]["vkey"])
    keys = {(name, cp.key_id(name, public)): public}
    note = V["text"] + "\n" + V["peter"]["sig_line"] + V["enoch"]["sig_line"]
    opened = cp.open_note(note, keys)
    assert opened.text == V["text"]
    assert opened.verified == ["PeterNeumann"] and opened.unverified == ["EnochRoot"]
    ename, epub = cp.parse_verifier_key(V["enoch"]["vkey"])
    keys[(ename, cp.key_id(ename, epub))] = epub
    assert cp.open_note(note, keys).verified == ["PeterNeumann", "EnochRoot"]
    with pytest.raises(IntegrityError, match="no verifiable signatures"):
        cp.open_note(note, {})


def test_changed_text_or_signature_fails() -> None:
    name, public = cp.parse_verifier_key(V["peter"]["vkey"])
    keys = {(name, cp.key_id(name, public)): public}
    note = V["text"] + "\n" + V["peter"]["sig_line"]
    with pytest.raises(IntegrityError, match="invalid signature"):
        cp.open_note(note.replace("cryptography", "cryptographY"), keys)
    sig = V["peter"]["sig_line"]
    with pytest.raises(IntegrityError):
        cp.open_note(V["text"] + "\n" + sig[:60] + "ABCD" + sig[60:], keys)


@pytest.mark.parametrize("suffix", V["malformed_suffixes"])
def test_malformed_notes_from_the_go_tests(suffix: str) -> None:
    name, public = cp.parse_verifier_key(V["peter"]["vkey"])
    with pytest.raises(cp.MalformedNoteError):
        cp.open_note(V["text"] + suffix, {(name, cp.key_id(name, public)): public})


def test_checkpoint_round_trip_and_refusals() -> None:
    c = cp.Checkpoint("casevault/abc", 12, bytes(range(32)), ("time 2026-01-01T00:00:00Z",))
    assert cp.parse_checkpoint(c.text()) == c
    for bad in (
        "casevault/abc\n012\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "casevault/abc\n12\nnot-base64\n",
        "casevault/abc\n12\n",
    ):
        with pytest.raises(IntegrityError):
            cp.parse_checkpoint(bad)
