"""The age file format (age-encryption.org/v1) through pyrage: recipients, identities, and
streamed encryption. Backups are age files so that the standard ``age`` tool opens them; this
module is the only place that touches pyrage. Pure: no I/O beyond the streams it is handed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import pyrage

from vault.errors import UsageError
from vault.models.secret import SecretBytes


class AgeError(Exception):
    """age refused to encrypt or decrypt; ``wrong_key`` when no identity given opens the file
    (otherwise the file fails age's checks: damaged, truncated or altered)."""

    def __init__(self, why: str, *, wrong_key: bool = False) -> None:
        super().__init__(why)
        self.wrong_key = wrong_key


@dataclass(frozen=True)
class AgeRecipient:
    """One recipient of a backup: its canonical text (what is hashed into the log) and the
    parsed pyrage recipient."""

    text: str
    key: Any = field(compare=False, repr=False)


def parse_recipient(text: str) -> AgeRecipient:
    """An age recipient (``age1…``) or an SSH Ed25519 public key line (``ssh-ed25519 AAAA…``,
    the comment dropped). Raises UsageError for anything else. Does no I/O."""
    value = text.strip()
    try:
        if value.lower().startswith("age1"):
            key = pyrage.x25519.Recipient.from_str(value)
            return AgeRecipient(str(key), key)
        parts = value.split()
        if len(parts) >= 2 and parts[0] == "ssh-ed25519":
            canonical = f"{parts[0]} {parts[1]}"
            return AgeRecipient(canonical, pyrage.ssh.Recipient.from_str(canonical))
    except pyrage.RecipientError:
        raise UsageError(
            f"{shown(value)} is not a valid age recipient (a damaged or mistyped key)"
        ) from None
    raise UsageError(
        f"{shown(value)} is not an age recipient: give an age public key (age1…) or an "
        "ssh-ed25519 public key line"
    )


def parse_age_identities(keyfile: SecretBytes) -> list[Any]:
    """The identities of an age identity file (``age-keygen`` output: ``#`` comment lines, then
    ``AGE-SECRET-KEY-1…`` lines) or an unencrypted OpenSSH Ed25519 private key. Raises
    UsageError without showing any line of it. Does no I/O."""
    raw = keyfile.reveal()
    try:
        if b"-----BEGIN OPENSSH PRIVATE KEY-----" in raw:
            return [pyrage.ssh.Identity.from_buffer(raw)]
        text = raw.decode("utf-8")
    except pyrage.IdentityError:
        raise UsageError(
            "the SSH private key cannot be used (age needs an unencrypted ssh-ed25519 key)"
        ) from None
    except UnicodeDecodeError:
        raise UsageError("the age identity file is not text") from None
    identities = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith("AGE-SECRET-KEY-1"):
            raise UsageError(
                "the age identity file holds a line that is not an age identity "
                "(AGE-SECRET-KEY-1…); the line is not shown"
            )
        try:
            identities.append(pyrage.x25519.Identity.from_str(line))
        except pyrage.IdentityError:
            raise UsageError(
                "the age identity file holds a damaged AGE-SECRET-KEY-1… line; it is not shown"
            ) from None
    if not identities:
        raise UsageError("the age identity file holds no identity (AGE-SECRET-KEY-1…)")
    return identities


def shown(value: str) -> str:
    """A recipient as an error message may show it: public, but typed by a person (it could
    be anything), so printable ASCII only and cut short."""
    clean = value.encode("ascii", "replace").decode("ascii")
    clean = "".join(c if c.isprintable() else "?" for c in clean)
    return repr(clean if len(clean) <= 70 else clean[:67] + "...")


def encrypt_stream(reader: Any, writer: BinaryIO, recipients: Sequence[AgeRecipient]) -> None:
    """Encrypt what ``reader`` yields into ``writer`` to every recipient. Raises AgeError."""
    try:
        pyrage.encrypt_io(reader, writer, [r.key for r in recipients])
    except pyrage.EncryptError as e:
        raise AgeError(str(e)) from None


def decrypt_stream(reader: BinaryIO, writer: Any, identities: Sequence[Any]) -> None:
    """Decrypt ``reader`` into ``writer`` with any of ``identities``. Raises AgeError; lets an
    OSError of the streams through."""
    try:
        pyrage.decrypt_io(reader, writer, list(identities))
    except pyrage.DecryptError as e:
        raise AgeError(str(e), wrong_key="no matching keys" in str(e).lower()) from None
