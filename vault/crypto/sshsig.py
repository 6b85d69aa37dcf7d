"""SSH signatures (OpenSSH's ``PROTOCOL.sshsig``) made with a member's Ed25519 key, so anyone
can check a signed file with ``ssh-keygen -Y verify`` and an allowed-signers file. Pure.

This module only lays out bytes in the SSH wire format (RFC 4251 strings) and armours them;
the signature is Ed25519 from ``cryptography`` and the message hash SHA-512, as the format says:

    signed data = "SSHSIG" || string(namespace) || string("") || string("sha512")
                  || string(SHA-512(message))
    blob        = "SSHSIG" || uint32(1) || string(public key) || string(namespace)
                  || string("") || string("sha512") || string(signature)

The namespace keeps a signature made for one purpose from being accepted for another.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Callable
from dataclasses import dataclass

from vault.crypto import _primitives
from vault.errors import IntegrityError

MAGIC = b"SSHSIG"
VERSION = 1
KEY_TYPE = "ssh-ed25519"
HASH = "sha512"
BEGIN = "-----BEGIN SSH SIGNATURE-----"
END = "-----END SSH SIGNATURE-----"


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def public_key_blob(public: bytes) -> bytes:
    """An Ed25519 public key in the SSH wire format."""
    return _string(KEY_TYPE.encode()) + _string(public)


def public_key_line(public: bytes, comment: str = "") -> str:
    """The ``ssh-ed25519 AAAA... comment`` form of an authorized_keys or allowed_signers line."""
    line = f"{KEY_TYPE} {base64.b64encode(public_key_blob(public)).decode()}"
    return f"{line} {comment}" if comment else line


def parse_public_line(line: str) -> bytes:
    """The Ed25519 public key of an ``ssh-ed25519 AAAA... [comment]`` line."""
    parts = line.split()
    if len(parts) < 2 or parts[0] != KEY_TYPE:
        raise IntegrityError("not an ssh-ed25519 public key line")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except ValueError:
        raise IntegrityError("the public key is not base64") from None
    r = _Reader(blob)
    if r.string() != KEY_TYPE.encode():
        raise IntegrityError("not an ssh-ed25519 public key")
    public = r.string()
    if len(public) != 32 or r.pos != len(blob):
        raise IntegrityError("the public key is malformed")
    return public


def allowed_signers_line(principal: str, public: bytes, namespace: str) -> str:
    """One line of an ``ssh-keygen`` allowed-signers file for ``principal`` in ``namespace``."""
    return f'{principal} namespaces="{namespace}" {public_key_line(public)}'


def fingerprint(public: bytes) -> str:
    """The key's ``SHA256:...`` fingerprint, as ``ssh-keygen -l`` prints it."""
    digest = _primitives.sha256(public_key_blob(public))
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def _signed_data(namespace: str, message: bytes) -> bytes:
    return (
        MAGIC
        + _string(namespace.encode())
        + _string(b"")
        + _string(HASH.encode())
        + _string(_primitives.sha512(message))
    )


def sign(public: bytes, sign_raw: Callable[[bytes], bytes], namespace: str, message: bytes) -> str:
    """An armoured SSH signature of ``message`` in ``namespace``; ``sign_raw`` is the member's
    Ed25519 signing function and ``public`` its public key."""
    if not namespace:
        raise ValueError("an SSH signature needs a namespace")
    signature = sign_raw(_signed_data(namespace, message))
    blob = (
        MAGIC
        + struct.pack(">I", VERSION)
        + _string(public_key_blob(public))
        + _string(namespace.encode())
        + _string(b"")
        + _string(HASH.encode())
        + _string(_string(KEY_TYPE.encode()) + _string(signature))
    )
    text = base64.b64encode(blob).decode()
    lines = [text[i : i + 76] for i in range(0, len(text), 76)]
    return "\n".join([BEGIN, *lines, END]) + "\n"


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise IntegrityError("the SSH signature is truncated")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def uint32(self) -> int:
        value: int = struct.unpack(">I", self.take(4))[0]
        return value

    def string(self) -> bytes:
        return self.take(self.uint32())


@dataclass(frozen=True)
class SshSignature:
    """A parsed SSH signature: the signer's Ed25519 public key, the namespace, the signature."""

    public: bytes
    namespace: str
    signature: bytes


def parse(armoured: str) -> SshSignature:
    """Read an armoured SSH signature; refuses anything but an Ed25519 SHA-512 one."""
    text = armoured.strip()
    if not (text.startswith(BEGIN) and text.endswith(END)):
        raise IntegrityError("not an SSH signature (no BEGIN/END SSH SIGNATURE lines)")
    try:
        blob = base64.b64decode("".join(text[len(BEGIN) : -len(END)].split()), validate=True)
    except ValueError:
        raise IntegrityError("the SSH signature is not base64") from None
    r = _Reader(blob)
    if r.take(6) != MAGIC or r.uint32() != VERSION:
        raise IntegrityError("not a version 1 SSH signature")
    key = _Reader(r.string())
    if key.string() != KEY_TYPE.encode():
        raise IntegrityError("the SSH signature is not made with an Ed25519 key")
    public = key.string()
    namespace = r.string().decode("utf-8", "replace")
    r.string()  # reserved
    if r.string() != HASH.encode():
        raise IntegrityError("the SSH signature does not use SHA-512")
    sig = _Reader(r.string())
    if sig.string() != KEY_TYPE.encode():
        raise IntegrityError("the SSH signature is not an Ed25519 signature")
    signature = sig.string()
    # Nothing may follow the last field, inside the key and signature strings too (as
    # ssh-keygen refuses): otherwise one signature could be written as many different files.
    if (
        r.pos != len(blob)
        or key.pos != len(key.data)
        or sig.pos != len(sig.data)
        or len(public) != 32
        or len(signature) != 64
    ):
        raise IntegrityError("the SSH signature is malformed")
    return SshSignature(public, namespace, signature)


def verify(armoured: str, namespace: str, message: bytes) -> bytes:
    """Check an SSH signature over ``message`` in ``namespace``; returns the signer's public
    key (the caller decides whether it trusts it). Raises IntegrityError."""
    parsed = parse(armoured)
    if parsed.namespace != namespace:
        raise IntegrityError(f"the SSH signature is for namespace {parsed.namespace!r}")
    if not _primitives.verify(parsed.public, parsed.signature, _signed_data(namespace, message)):
        raise IntegrityError("the SSH signature does not match the file")
    return parsed.public
