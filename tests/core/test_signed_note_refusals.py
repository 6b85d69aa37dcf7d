"""What a C2SP signed note, verifier key or checkpoint reader must refuse (issue 22).

The cases are data: keys/vectors/signed_note_negative.json, whose entries name their source (the Go
reference implementation's note_test.go, the C2SP checkpoint spec's example, or "derived"). Each
test pins the error class and message casevault gives, so that a reader that stops checking (or
checks less) fails here. The positive vectors are keys/vectors/signed_note.json."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from vault.audit import checkpoint as cp
from vault.crypto import _primitives as p
from vault.errors import IntegrityError

VECTORS = Path(__file__).resolve().parents[2] / "keys" / "vectors"
V = json.loads((VECTORS / "signed_note.json").read_text("utf-8"))
NEG = json.loads((VECTORS / "signed_note_negative.json").read_text("utf-8"))

TEXT: str = V["text"]
PETER_SIG: str = V["peter"]["sig_line"]
ENOCH_SIG: str = V["enoch"]["sig_line"]


def _seed(skey: str) -> bytes:
    raw = base64.b64decode(skey.split("+", 4)[4])
    return raw[1:]


PETER_SEED = _seed(V["peter"]["skey"])
PETER_NAME, PETER_PUB = cp.parse_verifier_key(V["peter"]["vkey"])
ENOCH_NAME, ENOCH_PUB = cp.parse_verifier_key(V["enoch"]["vkey"])
KEYS = {
    "peter": {(PETER_NAME, cp.key_id(PETER_NAME, PETER_PUB)): PETER_PUB},
    "enoch": {(ENOCH_NAME, cp.key_id(ENOCH_NAME, ENOCH_PUB)): ENOCH_PUB},
}


def _keys(names: list[str]) -> dict[tuple[str, bytes], bytes]:
    out: dict[tuple[str, bytes], bytes] = {}
    for n in names:
        out.update(KEYS[n])
    return out


def _peter_sign(message: bytes) -> bytes:
    return p.sign(PETER_SEED, message)


ERRORS: dict[str, type[Exception]] = {
    "MalformedNoteError": cp.MalformedNoteError,
    "IntegrityError": IntegrityError,
}


# --- open_note: the Go reference's TestOpen cases and the ones derived from them ----------------


@pytest.mark.parametrize("case", NEG["open"], ids=lambda c: c["name"])
def test_open_note_cases(case: dict[str, Any]) -> None:
    want = case["want"]
    keys = _keys(case["keys"])
    if "error" in want:
        with pytest.raises(ERRORS[want["error"]]) as caught:
            cp.open_note(case["note"], keys)
        # exactly that class: a malformed note is not reported as a bad signature, nor back
        assert type(caught.value) is ERRORS[want["error"]]
        assert str(caught.value) == want["message"]
    else:
        opened = cp.open_note(case["note"], keys)
        assert opened.text == TEXT
        assert opened.verified == want["verified"]
        assert opened.unverified == want["unverified"]


def test_every_case_names_its_source() -> None:
    for group in ("open", "sign", "verifier_keys", "checkpoints"):
        for case in NEG[group]:
            src = case["source"]
            assert (isinstance(src, str) and src.startswith("derived")) or (
                src["repo"] and src["path"] and len(src["commit"]) == 40
            ), case["name"]


def test_an_unknown_signer_is_skipped_not_the_end_of_the_note() -> None:
    """Unknown signers before, between and after known ones: every line is read."""
    note = TEXT + "\n" + ENOCH_SIG + ENOCH_SIG + PETER_SIG + ENOCH_SIG
    opened = cp.open_note(note, KEYS["peter"])
    assert (opened.verified, opened.unverified) == (["PeterNeumann"], ["EnochRoot"])
    # and a bad signature by a known signer after an unknown one is still found
    bad = PETER_SIG.replace("x08go", "y08go")  # changes the key id: unknown
    bad_sig = (PETER_SIG.encode()[:60] + b"ABCD" + PETER_SIG.encode()[60:]).decode()
    with pytest.raises(IntegrityError, match=r"^invalid signature for key PeterNeumann\+c74f20a3$"):
        cp.open_note(TEXT + "\n" + bad + ENOCH_SIG + bad_sig, KEYS["peter"])


def test_a_known_signature_repeated_is_listed_once() -> None:
    opened = cp.open_note(TEXT + "\n" + PETER_SIG * 3 + ENOCH_SIG * 2, _keys(["peter", "enoch"]))
    assert opened.verified == ["PeterNeumann", "EnochRoot"]
    assert opened.unverified == []
    opened = cp.open_note(TEXT + "\n" + ENOCH_SIG * 3 + PETER_SIG, KEYS["peter"])
    assert opened.unverified == ["EnochRoot"]


def test_the_signature_limit_is_one_hundred_lines() -> None:
    assert cp.MAX_SIGNATURES == 100
    assert cp.open_note(TEXT + "\n" + PETER_SIG * 100, KEYS["peter"]).verified == ["PeterNeumann"]
    with pytest.raises(cp.MalformedNoteError):
        cp.open_note(TEXT + "\n" + PETER_SIG * 101, KEYS["peter"])


def test_a_five_byte_blob_is_a_signature_to_check_not_a_syntax_error() -> None:
    """4 bytes (a key id alone) is malformed; 5 bytes is a key id and a (bad) signature."""
    kid = cp.key_id(PETER_NAME, PETER_PUB)
    four = base64.b64encode(kid).decode()
    five = base64.b64encode(kid + b"\x00").decode()
    with pytest.raises(cp.MalformedNoteError):
        cp.open_note(f"{TEXT}\n\u2014 PeterNeumann {four}\n", KEYS["peter"])
    with pytest.raises(IntegrityError, match=r"^invalid signature for key PeterNeumann"):
        cp.open_note(f"{TEXT}\n\u2014 PeterNeumann {five}\n", KEYS["peter"])
    # the key id is the first four bytes exactly: a signature whose id is off by one is unknown
    other = base64.b64encode(kid[:3] + bytes([kid[3] ^ 1]) + b"\x00" * 64).decode()
    with pytest.raises(IntegrityError, match=r"^note has no verifiable signatures$"):
        cp.open_note(f"{TEXT}\n\u2014 PeterNeumann {other}\n", KEYS["peter"])


def test_control_characters_in_the_text_are_refused_down_to_0x1f() -> None:
    for c in ("\x00", "\x01", "\t", "\r", "\x1b", "\x1f"):
        text = "a" + c + "b\n"
        note = cp.sign_note(text, PETER_NAME, PETER_PUB, _peter_sign)
        with pytest.raises(cp.MalformedNoteError):
            cp.open_note(note, KEYS["peter"])
    text = "a b\x7f\u00e9\n"  # space, DEL and non-ASCII text are fine
    note = cp.sign_note(text, PETER_NAME, PETER_PUB, _peter_sign)
    assert cp.open_note(note, KEYS["peter"]).text == text


def test_a_note_whose_text_is_a_single_newline_opens() -> None:
    note = cp.sign_note("\n", PETER_NAME, PETER_PUB, _peter_sign)
    assert note.startswith("\n\n\u2014 PeterNeumann ")
    assert cp.open_note(note, KEYS["peter"]).text == "\n"


def test_the_signed_bytes_are_the_text_with_its_final_newline_only() -> None:
    """The signature covers the text up to and including its last newline, not the blank line."""
    seen: list[bytes] = []

    def sign(message: bytes) -> bytes:
        seen.append(message)
        return _peter_sign(message)

    note = cp.sign_note(TEXT, PETER_NAME, PETER_PUB, sign)
    assert seen == [TEXT.encode("utf-8")]
    assert note == TEXT + "\n" + PETER_SIG


def test_opened_note_lists_are_fresh() -> None:
    a = cp.open_note(TEXT + "\n" + PETER_SIG, KEYS["peter"])
    b = cp.open_note(TEXT + "\n" + PETER_SIG, KEYS["peter"])
    assert a == b and a.verified is not b.verified and a.unverified == []


# --- sign_note -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", NEG["sign"], ids=lambda c: c["name"])
def test_sign_note_refuses(case: dict[str, str]) -> None:
    called: list[bytes] = []
    with pytest.raises(cp.MalformedNoteError) as caught:
        cp.sign_note(case["text"], case["signer"], PETER_PUB, lambda m: called.append(m) or b"")
    assert str(caught.value) == "malformed note"
    assert called == []  # refused before anything is signed


# --- verifier keys ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", NEG["verifier_keys"], ids=lambda c: c["name"])
def test_verifier_key_cases(case: dict[str, str]) -> None:
    with pytest.raises(cp.MalformedNoteError):
        cp.parse_verifier_key(case["vkey"])


def test_every_substring_and_one_byte_change_of_a_key_is_refused() -> None:
    """TestNewVerifier's own loops: every proper substring, and each byte incremented."""
    vkey = V["peter"]["vkey"]
    for i in range(len(vkey) + 1):
        for j in range(i + 1, len(vkey) + 1):
            if (i, j) != (0, len(vkey)):
                with pytest.raises(cp.MalformedNoteError):
                    cp.parse_verifier_key(vkey[i:j])
    for i in range(len(vkey)):
        with pytest.raises(cp.MalformedNoteError):
            cp.parse_verifier_key(vkey[:i] + chr(ord(vkey[i]) + 1) + vkey[i + 1 :])


def test_verifier_key_messages_say_which_check_failed() -> None:
    vkey = V["peter"]["vkey"]
    with pytest.raises(cp.MalformedNoteError, match=r"^malformed verifier key$"):
        cp.parse_verifier_key(vkey.replace("c74f20a3", "c74f20a"))
    with pytest.raises(cp.MalformedNoteError, match=r"^malformed verifier key$"):
        cp.parse_verifier_key("PeterNeumann+c74f20a3+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
    with pytest.raises(cp.MalformedNoteError, match=r"^malformed verifier key$"):
        cp.parse_verifier_key("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10")
    with pytest.raises(cp.MalformedNoteError, match=r"^malformed verifier key$"):
        cp.parse_verifier_key("PeterNeumann+c74f20ag+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
    with pytest.raises(cp.MalformedNoteError, match=r"^verifier key id does not match the key$"):
        cp.parse_verifier_key(vkey.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(cp.MalformedNoteError, match=r"^verifier key id does not match the key$"):
        cp.parse_verifier_key(vkey.replace("c74f20a3", "C74F20A3"))
    with pytest.raises(cp.MalformedNoteError, match=r"^verifier key id does not match the key$"):
        cp.parse_verifier_key(vkey.replace("PeterNeumann", "PeterNeumanm"))


def _key_with_plus() -> tuple[bytes, str]:
    """A public key whose base64 holds a '+', found by counting seeds (deterministic)."""
    for i in range(1000):
        public = p.sign_public(i.to_bytes(32, "big"))
        encoded = base64.b64encode(bytes([1]) + public).decode()
        if "+" in encoded:
            return public, encoded
    raise AssertionError("no seed below 1000 gives a '+'")  # pragma: no cover


def test_a_key_whose_base64_holds_a_plus_round_trips() -> None:
    public, encoded = _key_with_plus()
    vkey = cp.verifier_key("Tamsin.Orvell", public)
    assert vkey.endswith("+" + encoded)
    assert cp.parse_verifier_key(vkey) == ("Tamsin.Orvell", public)
    with pytest.raises(cp.MalformedNoteError):
        cp.parse_verifier_key(vkey + "+")


def test_verifier_key_layout_is_pinned() -> None:
    public = bytes(range(32))
    kid = cp.key_id("Ilse.Marwood", public)
    assert len(kid) == 4
    assert kid == hashlib.sha256(b"Ilse.Marwood\n\x01" + public).digest()[:4]
    vkey = cp.verifier_key("Ilse.Marwood", public)
    assert vkey == "Ilse.Marwood+" + kid.hex() + "+" + base64.b64encode(b"\x01" + public).decode()
    assert cp.parse_verifier_key(vkey) == ("Ilse.Marwood", public)


# --- checkpoints -----------------------------------------------------------------------------


def test_the_c2sp_example_checkpoint_parses_and_rebuilds() -> None:
    ex = NEG["checkpoint_example"]
    c = cp.parse_checkpoint(ex["text"])
    assert c == cp.Checkpoint(ex["origin"], ex["size"], base64.b64decode(ex["root"]), ())
    assert c.text() == ex["text"]


@pytest.mark.parametrize("case", NEG["checkpoints"], ids=lambda c: c["name"])
def test_checkpoint_cases(case: dict[str, str]) -> None:
    with pytest.raises(cp.MalformedNoteError) as caught:
        cp.parse_checkpoint(case["text"])
    assert str(caught.value) == "malformed checkpoint"


def test_checkpoint_edges_that_parse() -> None:
    root = bytes(range(32))
    r = base64.b64encode(root).decode()
    assert cp.parse_checkpoint(f"o\n0\n{r}\n") == cp.Checkpoint("o", 0, root)
    assert cp.parse_checkpoint(f"o\n10\n{r}\n").size == 10
    assert cp.parse_checkpoint(f"o\n7\n{r}\nx\ny z\n").extensions == ("x", "y z")
    c = cp.Checkpoint("casevault/Ilse", 3, root, ("time 2026-01-01T00:00:00Z",))
    assert c.text() == f"casevault/Ilse\n3\n{r}\ntime 2026-01-01T00:00:00Z\n"
    assert cp.Checkpoint("o", 1, root).extensions == ()


def test_a_checkpoint_root_of_every_wrong_length_is_refused() -> None:
    for n in (0, 1, 16, 31, 33, 48, 64):
        r = base64.b64encode(bytes(n)).decode()
        with pytest.raises(cp.MalformedNoteError):
            cp.parse_checkpoint(f"o\n1\n{r}\n")


def test_malformed_errors_are_integrity_errors_with_their_own_message() -> None:
    assert issubclass(cp.MalformedNoteError, IntegrityError)
    assert str(cp.MalformedNoteError()) == "malformed note"
    assert cp.MalformedNoteError("x").diagnostics() == "x"


@pytest.mark.parametrize("name", ["Peter Neumann", "", "Peter\tNeumann", "Peter\u2003Neumann"])
def test_an_invalid_name_is_refused_even_with_a_matching_key_id(name: str) -> None:
    """The name is checked for itself: a key id computed over a bad name does not make it good."""
    encoded = base64.b64encode(b"\x01" + PETER_PUB).decode()
    vkey = f"{name}+{cp.key_id(name, PETER_PUB).hex()}+{encoded}"
    with pytest.raises(cp.MalformedNoteError, match=r"^malformed verifier key$"):
        cp.parse_verifier_key(vkey)
