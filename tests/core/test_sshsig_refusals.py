"""SSH signatures (vault/crypto/sshsig.py): what must be refused, and the exact bytes of the format.

The pinned signature below was checked once by ``ssh-keygen -Y verify`` (OpenSSH 9) with the
allowed-signers line this module writes, and the fingerprint by ``ssh-keygen -l``: a change of
layout fails here without running OpenSSH. Keys come from a fixed test seed (Ed25519 signing is
deterministic), never a real key.
"""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest

from vault.crypto import _primitives, sshsig
from vault.errors import IntegrityError

SEED = bytes(range(32))  # test key only
PUBLIC = _primitives.sign_public(SEED)
OTHER_SEED = bytes(range(1, 33))
OTHER_PUBLIC = _primitives.sign_public(OTHER_SEED)
NAMESPACE = "casevault-test"
MESSAGE = b"Fictional case note: the well in Harrowby was repaired.\n"

PINNED_SIGNATURE = """\
-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgA6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1f
HdyGZBJVMbgAAAAOY2FzZXZhdWx0LXRlc3QAAAAAAAAABnNoYTUxMgAAAFMAAAALc3NoLWVkMjU1
MTkAAABAF4QqIAVIA6FUjAAhNci+FDej2Hd+aNwNOnLgjRcujyPVwc36TzhUJMV5ecgL7QPEXrgW
eh9gJRSGm/sodo+BBw==
-----END SSH SIGNATURE-----
"""
PINNED_LINE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"
PINNED_FINGERPRINT = "SHA256:lbmsoA0yIEcEiVDRnMWuzm+nV+3ZEEpVIURqFoeSspg"


def _s(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _sign(message: bytes = MESSAGE, namespace: str = NAMESPACE, seed: bytes = SEED) -> str:
    public = _primitives.sign_public(seed)
    return sshsig.sign(public, lambda d: _primitives.sign(seed, d), namespace, message)


def _armour(blob: bytes) -> str:
    return f"{sshsig.BEGIN}\n{base64.b64encode(blob).decode()}\n{sshsig.END}\n"


def _blob(
    *,
    magic: bytes = b"SSHSIG",
    version: bytes = b"\x00\x00\x00\x01",
    key_type: bytes = b"ssh-ed25519",
    public: bytes = PUBLIC,
    key_extra: bytes = b"",
    namespace: bytes = NAMESPACE.encode(),
    reserved: bytes = b"",
    hash_name: bytes = b"sha512",
    sig_type: bytes = b"ssh-ed25519",
    signature: bytes | None = None,
    sig_extra: bytes = b"",
    trailer: bytes = b"",
) -> bytes:
    """An SSHSIG blob laid out by hand, field by field, so each can be made wrong on its own."""
    if signature is None:
        signed = (
            b"SSHSIG"
            + _s(namespace)
            + _s(reserved)
            + _s(hash_name)
            + _s(hashlib.sha512(MESSAGE).digest())
        )
        signature = _primitives.sign(SEED, signed)
    return (
        magic
        + version
        + _s(_s(key_type) + _s(public) + key_extra)
        + _s(namespace)
        + _s(reserved)
        + _s(hash_name)
        + _s(_s(sig_type) + _s(signature) + sig_extra)
        + trailer
    )


# --- exact bytes --------------------------------------------------------------------------------


def test_wire_strings_and_public_key_blob_are_exact() -> None:
    assert sshsig._string(b"") == b"\x00\x00\x00\x00"
    assert sshsig._string(b"ab") == b"\x00\x00\x00\x02ab"
    assert sshsig.public_key_blob(PUBLIC) == b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + PUBLIC


def test_public_key_line_allowed_signers_line_and_fingerprint_match_openssh() -> None:
    assert sshsig.public_key_line(PUBLIC) == PINNED_LINE
    assert sshsig.public_key_line(PUBLIC, "tamsin@example.org") == (
        PINNED_LINE + " tamsin@example.org"
    )
    assert sshsig.allowed_signers_line("tamsin@example.org", PUBLIC, NAMESPACE) == (
        f'tamsin@example.org namespaces="{NAMESPACE}" {PINNED_LINE}'
    )
    assert sshsig.fingerprint(PUBLIC) == PINNED_FINGERPRINT


def test_signed_data_is_exactly_the_protocol_layout() -> None:
    assert sshsig._signed_data(NAMESPACE, MESSAGE) == (
        b"SSHSIG"
        + b"\x00\x00\x00\x0e"
        + NAMESPACE.encode()
        + b"\x00\x00\x00\x00"
        + b"\x00\x00\x00\x06sha512"
        + b"\x00\x00\x00\x40"
        + hashlib.sha512(MESSAGE).digest()
    )


def test_sign_gives_the_pinned_signature_openssh_verified() -> None:
    armoured = _sign()
    assert armoured == PINNED_SIGNATURE
    lines = armoured.splitlines()
    assert all(len(line) == 76 for line in lines[1:-2]) and 0 < len(lines[-2]) <= 76
    assert sshsig.verify(armoured, NAMESPACE, MESSAGE) == PUBLIC
    assert sshsig.parse(armoured) == sshsig.SshSignature(PUBLIC, NAMESPACE, armoured_sig())


def armoured_sig() -> bytes:
    return base64.b64decode("".join(PINNED_SIGNATURE.splitlines()[1:-1]))[-64:]


def test_sign_wraps_a_short_blob_on_one_line() -> None:
    # a one-character namespace still gives a blob longer than 76 characters: exact line split
    armoured = _sign(namespace="x")
    body = armoured.splitlines()[1:-1]
    assert [len(b) for b in body[:-1]] == [76] * (len(body) - 1)
    assert "".join(body) == base64.b64encode(base64.b64decode("".join(body))).decode()
    assert armoured.endswith("\n" + sshsig.END + "\n")
    assert armoured.startswith(sshsig.BEGIN + "\n")


def test_sign_refuses_an_empty_namespace() -> None:
    with pytest.raises(ValueError) as e:
        _sign(namespace="")
    assert str(e.value) == "an SSH signature needs a namespace"


def test_hand_laid_blob_verifies_so_the_refusals_below_change_one_thing_each() -> None:
    assert sshsig.verify(_armour(_blob()), NAMESPACE, MESSAGE) == PUBLIC
    assert sshsig.parse(_armour(_blob())).public == PUBLIC


# --- verification refusals ----------------------------------------------------------------------


def test_a_signature_over_other_bytes_is_refused() -> None:
    armoured = _sign()
    for other in (MESSAGE + b" ", MESSAGE[:-1], b"", MESSAGE.replace(b"well", b"Well")):
        with pytest.raises(IntegrityError, match=r"^the SSH signature does not match the file$"):
            sshsig.verify(armoured, NAMESPACE, other)


def test_a_signature_in_another_namespace_is_refused_naming_it() -> None:
    armoured = _sign(namespace="casevault-other")
    with pytest.raises(IntegrityError) as e:
        sshsig.verify(armoured, NAMESPACE, MESSAGE)
    assert str(e.value) == "the SSH signature is for namespace 'casevault-other'"
    with pytest.raises(IntegrityError, match="for namespace 'casevault-test'"):
        sshsig.verify(_sign(), "casevault-tes", MESSAGE)


def test_a_signature_whose_key_is_swapped_for_another_is_refused() -> None:
    # the signature by SEED, but the blob claims OTHER_PUBLIC signed it
    with pytest.raises(IntegrityError, match=r"^the SSH signature does not match the file$"):
        sshsig.verify(_armour(_blob(public=OTHER_PUBLIC)), NAMESPACE, MESSAGE)
    # and a signature really made by the other key reports the other key
    assert sshsig.verify(_sign(seed=OTHER_SEED), NAMESPACE, MESSAGE) == OTHER_PUBLIC


def test_a_non_empty_reserved_field_is_read_but_never_verifies() -> None:
    # the reserved string is signed as empty; one that is not empty cannot match
    armoured = _armour(_blob(reserved=b"x"))
    assert sshsig.parse(armoured).namespace == NAMESPACE
    with pytest.raises(IntegrityError, match=r"^the SSH signature does not match the file$"):
        sshsig.verify(armoured, NAMESPACE, MESSAGE)


def test_a_flipped_signature_bit_is_refused() -> None:
    sig = bytearray(armoured_sig())
    sig[10] ^= 1
    with pytest.raises(IntegrityError, match=r"^the SSH signature does not match the file$"):
        sshsig.verify(_armour(_blob(signature=bytes(sig))), NAMESPACE, MESSAGE)


# --- malformed blobs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blob", "reason"),
    [
        (_blob(magic=b"SSHSIH"), "not a version 1 SSH signature"),
        (_blob(magic=b"sshsig"), "not a version 1 SSH signature"),
        (_blob(version=b"\x00\x00\x00\x00"), "not a version 1 SSH signature"),
        (_blob(version=b"\x00\x00\x00\x02"), "not a version 1 SSH signature"),
        (_blob(version=b"\x01\x00\x00\x01"), "not a version 1 SSH signature"),
        (_blob(key_type=b"ssh-rsa"), "the SSH signature is not made with an Ed25519 key"),
        (_blob(key_type=b"ssh-ed25519 "), "the SSH signature is not made with an Ed25519 key"),
        (_blob(hash_name=b"sha256"), "the SSH signature does not use SHA-512"),
        (_blob(hash_name=b"SHA512"), "the SSH signature does not use SHA-512"),
        (_blob(sig_type=b"rsa-sha2-512"), "the SSH signature is not an Ed25519 signature"),
        (_blob(trailer=b"\x00"), "the SSH signature is malformed"),
        (_blob(public=PUBLIC[:31]), "the SSH signature is malformed"),
        (_blob(public=PUBLIC + b"\x00"), "the SSH signature is malformed"),
        (_blob(signature=armoured_sig()[:63]), "the SSH signature is malformed"),
        (_blob(signature=armoured_sig() + b"\x00"), "the SSH signature is malformed"),
        (_blob()[:-1], "the SSH signature is truncated"),
        (_blob()[:5], "the SSH signature is truncated"),
        (_blob()[:9], "the SSH signature is truncated"),
        (b"", "the SSH signature is truncated"),
        # length prefixes with the top bit set are huge unsigned numbers, never negative ones
        # (read as signed, -4 would step back onto the prefix itself and be read again)
        (_blob()[:10] + b"\xff\xff\xff\xff" + _blob()[14:], "the SSH signature is truncated"),
        (_blob()[:10] + b"\x80\x00\x00\x00" + _blob()[14:], "the SSH signature is truncated"),
        (_blob()[:65] + b"\xff\xff\xff\xfc" + _blob()[69:], "the SSH signature is truncated"),
        (_blob()[:-87] + b"\xff\xff\xff\xfc" + _blob()[-83:], "the SSH signature is truncated"),
        # bytes left over inside the key or signature string: ssh-keygen refuses both
        # ("unexpected bytes remain after decoding"); accepting them made signatures malleable
        (_blob(key_extra=b"\x00\x00\x00\x00"), "the SSH signature is malformed"),
        (_blob(key_extra=b"\x00"), "the SSH signature is malformed"),
        (_blob(sig_extra=b"\x00\x00\x00\x00"), "the SSH signature is malformed"),
        (_blob(sig_extra=b"\x00"), "the SSH signature is malformed"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_malformed_blob_is_refused_by_parse_and_verify(blob: bytes, reason: str) -> None:
    with pytest.raises(IntegrityError) as e:
        sshsig.parse(_armour(blob))
    assert str(e.value) == reason
    with pytest.raises(IntegrityError) as e2:
        sshsig.verify(_armour(blob), NAMESPACE, MESSAGE)
    assert str(e2.value) == reason


def test_a_length_prefix_past_the_end_is_truncation_and_exactly_at_the_end_is_not() -> None:
    blob = _blob()
    # the last string (the signature wrapper) claims one byte more than there is
    n = len(blob)
    last_len = struct.unpack(">I", blob[n - 87 : n - 83])[0]
    assert last_len == 83
    longer = blob[: n - 87] + struct.pack(">I", 84) + blob[n - 83 :]
    with pytest.raises(IntegrityError, match="truncated"):
        sshsig.parse(_armour(longer))
    reader = sshsig._Reader(b"\x00\x00\x00\x02ab")
    assert reader.string() == b"ab" and reader.pos == 6
    with pytest.raises(IntegrityError, match="truncated"):
        reader.take(1)
    assert sshsig._Reader(b"abc").take(3) == b"abc"
    assert sshsig._Reader(b"\x01\x02\x03\x04").uint32() == 0x01020304


def test_a_namespace_that_is_not_utf8_is_read_with_replacement_and_refused() -> None:
    armoured = _armour(_blob(namespace=b"casevault-\xff"))
    assert sshsig.parse(armoured).namespace == "casevault-\ufffd"
    with pytest.raises(IntegrityError, match="for namespace 'casevault-\ufffd'"):
        sshsig.verify(armoured, NAMESPACE, MESSAGE)


NO_ARMOUR = "not an SSH signature (no BEGIN/END SSH SIGNATURE lines)"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not an SSH signature (no BEGIN/END SSH SIGNATURE lines)"),
        (PINNED_SIGNATURE.replace("BEGIN SSH", "BEGIN PGP"), NO_ARMOUR),
        (PINNED_SIGNATURE.replace("END SSH", "END PGP"), NO_ARMOUR),
        (PINNED_SIGNATURE.replace("\n-----END", "\n-----END SSH SIGNATURE-----x"), NO_ARMOUR),
        ("x" + PINNED_SIGNATURE, NO_ARMOUR),
        # characters outside base64 are refused, not skipped (a lenient decoder would skip them
        # and read a valid signature)
        (PINNED_SIGNATURE.replace("U1NI", "U1N*I", 1), "the SSH signature is not base64"),
        (PINNED_SIGNATURE.replace("U1NI", "U1NI.", 1), "the SSH signature is not base64"),
        (PINNED_SIGNATURE.replace("U1NI", "U1N*", 1), "the SSH signature is not base64"),
        (PINNED_SIGNATURE.replace("BBw==", "BBw="), "the SSH signature is not base64"),
    ],
)
def test_armour_that_is_not_an_ssh_signature_is_refused(text: str, reason: str) -> None:
    with pytest.raises(IntegrityError) as e:
        sshsig.parse(text)
    assert str(e.value) == reason


def test_surrounding_whitespace_and_rewrapped_lines_are_accepted() -> None:
    body = "".join(PINNED_SIGNATURE.splitlines()[1:-1])
    rewrapped = f"\n  {sshsig.BEGIN}\r\n" + "\n".join(
        body[i : i + 10] for i in range(0, len(body), 10)
    )
    rewrapped += f"\n{sshsig.END}\n\n"
    assert sshsig.verify(rewrapped, NAMESPACE, MESSAGE) == PUBLIC


# --- public key lines ---------------------------------------------------------------------------


def test_public_key_lines_round_trip_with_and_without_comment() -> None:
    assert sshsig.parse_public_line(PINNED_LINE) == PUBLIC
    assert sshsig.parse_public_line(PINNED_LINE + " a comment with words") == PUBLIC
    assert sshsig.parse_public_line("  " + PINNED_LINE + "\n") == PUBLIC


def _line(blob: bytes, key_type: str = "ssh-ed25519") -> str:
    return f"{key_type} {base64.b64encode(blob).decode()}"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("", "not an ssh-ed25519 public key line"),
        ("ssh-ed25519", "not an ssh-ed25519 public key line"),
        (PINNED_LINE.replace("ssh-ed25519 ", "ssh-rsa "), "not an ssh-ed25519 public key line"),
        (PINNED_LINE.split()[1], "not an ssh-ed25519 public key line"),
        ("ssh-ed25519 AAAA*AAA", "the public key is not base64"),
        ("ssh-ed25519 AAAAC3N", "the public key is not base64"),
        (
            "ssh-ed25519 " + PINNED_LINE.split()[1].replace("AAAAC3", "AAAA*C3"),
            "the public key is not base64",
        ),
        (
            "ssh-ed25519 " + PINNED_LINE.split()[1][:-4] + "-" + PINNED_LINE.split()[1][-4:],
            "the public key is not base64",
        ),
        (_line(_s(b"ssh-rsa") + _s(PUBLIC)), "not an ssh-ed25519 public key"),
        (_line(_s(b"ssh-ed25519") + _s(PUBLIC[:31])), "the public key is malformed"),
        (_line(_s(b"ssh-ed25519") + _s(PUBLIC + b"\x00")), "the public key is malformed"),
        (_line(_s(b"ssh-ed25519") + _s(PUBLIC) + b"\x00"), "the public key is malformed"),
        (_line(_s(b"ssh-ed25519") + _s(PUBLIC)[:-1]), "the SSH signature is truncated"),
        (_line(b"\xff\xff\xff\xfc" + _s(PUBLIC)), "the SSH signature is truncated"),
    ],
)
def test_a_bad_public_key_line_is_refused(line: str, reason: str) -> None:
    with pytest.raises(IntegrityError) as e:
        sshsig.parse_public_line(line)
    assert str(e.value) == reason
