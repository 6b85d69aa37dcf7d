"""age through pyrage (vault/crypto/age.py): recipients, identity files and streams it refuses.

Keys are generated here (pyrage) or from a fixed test seed; none is real.
"""

from __future__ import annotations

import base64
import io

import pyrage
import pytest

from vault.crypto import _primitives, age, sshsig
from vault.errors import UsageError
from vault.models.secret import SecretBytes

IDENTITY = pyrage.x25519.Identity.generate()
RECIPIENT = str(IDENTITY.to_public())
OTHER = pyrage.x25519.Identity.generate()
_SSH_SEED = bytes(range(32))  # test key only
_SSH_PUB = _primitives.sign_public(_SSH_SEED)


def _openssh_private_key(seed: bytes, public: bytes) -> bytes:
    """An unencrypted OpenSSH Ed25519 private key file (openssh-key-v1), laid out by hand."""
    s = sshsig._string
    blob = sshsig.public_key_blob(public)
    private = (
        b"\x01\x02\x03\x04" * 2  # the two check integers
        + s(b"ssh-ed25519")
        + s(public)
        + s(seed + public)
        + s(b"")  # comment
    )
    private += bytes(range(1, 1 + (-len(private)) % 8))
    body = b"openssh-key-v1\x00" + s(b"none") + s(b"none") + s(b"")
    body += b"\x00\x00\x00\x01" + s(blob) + s(private)
    text = base64.b64encode(body).decode()
    lines = [text[i : i + 70] for i in range(0, len(text), 70)]
    armoured = ["-----BEGIN OPENSSH PRIVATE KEY-----", *lines, "-----END OPENSSH PRIVATE KEY-----"]
    return ("\n".join(armoured) + "\n").encode()


SSH_PRIVATE = _openssh_private_key(_SSH_SEED, _SSH_PUB)
SSH_PUBLIC = sshsig.public_key_line(_SSH_PUB)
PLAINTEXT = b"Fictional backup: case UA-000-00-001, Vera Example.\n" * 50


def _encrypt(recipients: list[age.AgeRecipient], data: bytes = PLAINTEXT) -> bytes:
    out = io.BytesIO()
    age.encrypt_stream(io.BytesIO(data), out, recipients)
    return out.getvalue()


def _decrypt(blob: bytes, identities: object) -> bytes:
    out = io.BytesIO()
    age.decrypt_stream(io.BytesIO(blob), out, identities)  # type: ignore[arg-type]
    return out.getvalue()


# --- recipients ---------------------------------------------------------------------------------


def test_an_age_recipient_is_parsed_to_its_canonical_text() -> None:
    r = age.parse_recipient(f"  {RECIPIENT}\n")
    assert r.text == RECIPIENT
    assert age.parse_recipient(RECIPIENT.upper()).text == RECIPIENT
    assert r == age.parse_recipient(RECIPIENT)  # the parsed key takes no part in equality
    assert repr(r) == f"AgeRecipient(text={RECIPIENT!r})"
    assert _decrypt(_encrypt([r]), [IDENTITY]) == PLAINTEXT


def test_an_ssh_recipient_drops_its_comment() -> None:
    r = age.parse_recipient(f"{SSH_PUBLIC} tamsin@example.org")
    assert r.text == SSH_PUBLIC
    assert age.parse_recipient(SSH_PUBLIC).text == SSH_PUBLIC
    assert age.parse_recipient(f"\t{SSH_PUBLIC}   a b c \n").text == SSH_PUBLIC
    ssh_identity = age.parse_age_identities(SecretBytes(SSH_PRIVATE))
    assert _decrypt(_encrypt([r]), ssh_identity) == PLAINTEXT


@pytest.mark.parametrize(
    "text",
    [
        "age1qqqq",
        RECIPIENT[:-1],
        RECIPIENT[:-1] + ("q" if RECIPIENT[-1] != "q" else "p"),
        "ssh-ed25519 AAAAxx",
        "ssh-ed25519 " + SSH_PUBLIC.split()[1][:-8],
    ],
    # ids, not the generated keys: the same on every xdist worker, and no key in the output
    ids=["short", "cut", "wrong-checksum", "ssh-garbage", "ssh-cut"],
)
def test_a_damaged_recipient_is_refused(text: str) -> None:
    with pytest.raises(UsageError) as e:
        age.parse_recipient(text)
    assert str(e.value) == (
        f"{age.shown(text.strip())} is not a valid age recipient (a damaged or mistyped key)"
    )


@pytest.mark.parametrize(
    "text",
    ["", "ssh-ed25519", "ssh-rsa AAAAB3NzaC1yc2E", "tamsin@example.org", "AGE-SECRET-KEY-1QQ"],
)
def test_what_is_not_a_recipient_at_all_is_refused(text: str) -> None:
    with pytest.raises(UsageError) as e:
        age.parse_recipient(text)
    assert str(e.value) == (
        f"{age.shown(text)} is not an age recipient: give an age public key (age1…) or an "
        "ssh-ed25519 public key line"
    )


def test_shown_keeps_printable_ascii_and_cuts_long_text() -> None:
    assert age.shown("age1abc") == "'age1abc'"
    assert age.shown("ag\u00e9\u200b1\n\tx") == "'ag??1??x'"
    assert age.shown("a" * 70) == repr("a" * 70)
    assert age.shown("a" * 71) == repr("a" * 67 + "...")
    assert age.shown("\u00e9" * 80) == repr("?" * 67 + "...")


# --- identity files -----------------------------------------------------------------------------


def test_an_age_keygen_file_gives_every_identity_in_order() -> None:
    text = (
        "# created: 2026-01-01T00:00:00Z\n"
        f"# public key: {RECIPIENT}\n"
        f"{IDENTITY}\n"
        "\n"
        f"   {OTHER}   \n"
        "  # an indented comment\n"
    )
    ids = age.parse_age_identities(SecretBytes(text.encode()))
    assert [str(i.to_public()) for i in ids] == [RECIPIENT, str(OTHER.to_public())]
    assert age.parse_age_identities(SecretBytes(f"{IDENTITY}".encode()))[0].to_public()


def test_an_unencrypted_openssh_key_gives_one_ssh_identity() -> None:
    ids = age.parse_age_identities(SecretBytes(SSH_PRIVATE))
    assert len(ids) == 1 and isinstance(ids[0], pyrage.ssh.Identity)


@pytest.mark.parametrize(
    "raw",
    [
        SSH_PRIVATE.replace(b"b3Blbn", b"b3Blbm"),
        SSH_PRIVATE[:-80] + b"\n-----END OPENSSH PRIVATE KEY-----\n",
        b"notes\n-----BEGIN OPENSSH PRIVATE KEY-----\n",
    ],
    ids=["damaged", "cut", "unfinished"],
)
def test_an_unusable_ssh_private_key_is_refused_without_showing_it(raw: bytes) -> None:
    with pytest.raises(UsageError) as e:
        age.parse_age_identities(SecretBytes(raw))
    assert str(e.value) == (
        "the SSH private key cannot be used (age needs an unencrypted ssh-ed25519 key)"
    )


def _refusal(raw: bytes) -> str:
    with pytest.raises(UsageError) as e:
        age.parse_age_identities(SecretBytes(raw))
    message = str(e.value)
    assert str(IDENTITY) not in message and "SECRET-KEY-1Q" not in message
    return message


def test_an_identity_file_that_is_not_text_is_refused() -> None:
    assert _refusal(b"\xff\xfe" + str(IDENTITY).encode()) == "the age identity file is not text"


@pytest.mark.parametrize(
    "raw",
    [
        f"{IDENTITY}\n{RECIPIENT}\n".encode(),
        f"{IDENTITY}\nage-secret-key-1{str(IDENTITY)[16:]}\n".encode(),
        b"ssh-ed25519 AAAA\n",
    ],
    ids=["recipient-line", "lower-case", "ssh-public"],
)
def test_a_line_that_is_not_an_identity_is_refused_unshown(raw: bytes) -> None:
    assert _refusal(raw) == (
        "the age identity file holds a line that is not an age identity "
        "(AGE-SECRET-KEY-1…); the line is not shown"
    )


@pytest.mark.parametrize(
    "line",
    [
        str(IDENTITY)[:-1],
        str(IDENTITY)[:-1] + ("Q" if str(IDENTITY)[-1] != "Q" else "P"),
        "AGE-SECRET-KEY-1QQQQ",
    ],
    ids=["cut", "wrong-checksum", "short"],
)
def test_a_damaged_identity_line_is_refused_unshown(line: str) -> None:
    assert _refusal(f"# key\n{line}\n".encode()) == (
        "the age identity file holds a damaged AGE-SECRET-KEY-1… line; it is not shown"
    )


@pytest.mark.parametrize("raw", [b"", b"\n\n", b"# created: 2026\n# public key: age1x\n", b"  \n"])
def test_an_identity_file_without_an_identity_is_refused(raw: bytes) -> None:
    assert _refusal(raw) == "the age identity file holds no identity (AGE-SECRET-KEY-1…)"


# --- streams ------------------------------------------------------------------------------------


def test_encrypting_to_no_recipient_is_an_age_error() -> None:
    with pytest.raises(age.AgeError) as e:
        _encrypt([])
    assert e.value.wrong_key is False
    assert "recipient" in str(e.value).lower()


def test_any_one_of_several_recipients_opens_the_file() -> None:
    blob = _encrypt([age.parse_recipient(RECIPIENT), age.parse_recipient(SSH_PUBLIC)])
    assert _decrypt(blob, (IDENTITY,)) == PLAINTEXT
    assert _decrypt(blob, age.parse_age_identities(SecretBytes(SSH_PRIVATE))) == PLAINTEXT
    assert _decrypt(blob, (OTHER, IDENTITY)) == PLAINTEXT  # a tuple, the right key second


def test_the_wrong_identity_is_refused_as_the_wrong_key() -> None:
    blob = _encrypt([age.parse_recipient(RECIPIENT)])
    for identities in ([OTHER], (OTHER,), []):
        with pytest.raises(age.AgeError) as e:
            _decrypt(blob, identities)
        assert e.value.wrong_key is True
        assert "no matching keys" in str(e.value).lower()


@pytest.mark.parametrize("where", ["version", "mac"])
def test_a_damaged_header_is_refused_and_not_as_the_wrong_key(where: str) -> None:
    blob = bytearray(_encrypt([age.parse_recipient(RECIPIENT)]))
    at = 3 if where == "version" else blob.index(b"\n--- ") + 8
    blob[at] ^= 0x01
    with pytest.raises(age.AgeError) as e:
        _decrypt(bytes(blob), [IDENTITY])
    assert e.value.wrong_key is False


def test_a_damaged_recipient_stanza_is_refused() -> None:
    # age cannot tell an altered stanza from one for another key ("no matching keys") unless the
    # change breaks its encoding ("header is invalid"): refused either way, never opened
    blob = _encrypt([age.parse_recipient(RECIPIENT)])
    at = blob.index(b"-> X25519 ") + 12
    for replacement in b"AQgw":
        damaged = bytearray(blob)
        if damaged[at] == replacement:
            continue
        damaged[at] = replacement
        with pytest.raises(age.AgeError):
            _decrypt(bytes(damaged), [IDENTITY])


@pytest.mark.parametrize("at", [-1, -20, -(len(PLAINTEXT) // 2)])
def test_a_damaged_or_truncated_payload_gives_no_plaintext(at: int) -> None:
    # pyrage reports payload damage through the stream as an OSError without an errno (the
    # backup service tells it from a real I/O error by that), never as success
    blob = bytearray(_encrypt([age.parse_recipient(RECIPIENT)]))
    blob[at] ^= 0x80
    for damaged in (bytes(blob), bytes(blob[: len(blob) - 10])):
        with pytest.raises((age.AgeError, OSError)) as e:
            _decrypt(damaged, [IDENTITY])
        if isinstance(e.value, age.AgeError):
            assert e.value.wrong_key is False
        else:
            assert e.value.errno is None


def test_not_an_age_file_is_refused_and_not_as_the_wrong_key() -> None:
    for junk in (b"", b"age-encryption.org/v2\n", b"garbage" * 20):
        with pytest.raises(age.AgeError) as e:
            _decrypt(junk, [IDENTITY])
        assert e.value.wrong_key is False


def test_age_error_defaults() -> None:
    e = age.AgeError("why")
    assert str(e) == "why" and e.wrong_key is False
    assert age.AgeError("why", wrong_key=True).wrong_key is True
