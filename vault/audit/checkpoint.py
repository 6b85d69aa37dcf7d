"""C2SP signed notes (signed-note) and transparency-log checkpoints (tlog-checkpoint). Pure.

A note is UTF-8 text ending in a newline, a blank line, then signature lines
``— <name> <base64(key id[4] || signature)>``. The key id of an Ed25519 key is the first four
bytes of SHA-256(name || "\\n" || 0x01 || public key). A checkpoint's text is
``<origin>\\n<tree size>\\n<base64 root hash>\\n`` plus optional extension lines.
Checked against the Go reference implementation's vectors (keys/vectors/signed_note.json).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from vault.crypto import hash_bytes, verify_signature
from vault.errors import IntegrityError

ALG_ED25519 = 1
_DASH = "\u2014 "
MAX_SIGNATURES = 100


class MalformedNoteError(IntegrityError):
    """A note, checkpoint or verifier key that does not follow the C2SP syntax. A subclass of
    IntegrityError: a note is evidence, and evidence that does not parse was tampered with."""

    def __init__(self, why: str = "malformed note") -> None:
        super().__init__(why)


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_id(name: str, public: bytes) -> bytes:
    """The 4-byte signed-note key id of an Ed25519 key: it lets a reader pick the key to try
    without trusting the name alone. Does no I/O."""
    return hash_bytes(name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public)[:4]


def verifier_key(name: str, public: bytes) -> str:
    """The published form: ``name+hexkeyid+base64(0x01 || public key)``."""
    encoded = base64.b64encode(bytes([ALG_ED25519]) + public).decode()
    return f"{name}+{key_id(name, public).hex()}+{encoded}"


def parse_verifier_key(vkey: str) -> tuple[str, bytes]:
    """(name, Ed25519 public key) from a published verifier key. Raises MalformedNoteError for
    any mangling: bad syntax, non-canonical base64 or hex, or a key id that does not match."""
    parts = vkey.split("+", 2)  # the base64 key may itself contain "+"
    if len(parts) != 3 or not _valid_name(parts[0]) or len(parts[1]) != 8:
        raise MalformedNoteError("malformed verifier key")
    name, hexid, b64key = parts
    try:
        raw = base64.b64decode(b64key, validate=True)
        kid = bytes.fromhex(hexid)
    except ValueError as e:  # binascii.Error, a character outside ASCII, or bad hex
        raise MalformedNoteError("malformed verifier key") from e
    if len(raw) != 33 or raw[0] != ALG_ED25519 or base64.b64encode(raw).decode() != b64key:
        raise MalformedNoteError("malformed verifier key")
    if key_id(name, raw[1:]) != kid or hexid != hexid.lower():
        raise MalformedNoteError("verifier key id does not match the key")
    return name, raw[1:]


def sign_note(text: str, name: str, public: bytes, sign: Callable[[bytes], bytes]) -> str:
    """The note with one Ed25519 signature line by ``name``. Raises MalformedNoteError for text
    that is not a note body (no final newline, a blank line inside) or an invalid name."""
    if not text.endswith("\n") or "\n\n" in text or not _valid_name(name):
        raise MalformedNoteError()
    sig = sign(text.encode("utf-8"))
    blob = base64.b64encode(key_id(name, public) + sig).decode()
    return f"{text}\n{_DASH}{name} {blob}\n"


@dataclass(frozen=True)
class OpenedNote:
    """A note whose signatures were checked: its text, and who signed it."""

    text: str
    verified: list[str]  # names whose signatures verified
    unverified: list[str]  # names we hold no key for


def open_note(note: str, keys: Mapping[tuple[str, bytes], bytes]) -> OpenedNote:
    """Split and verify a note. ``keys`` maps (name, key id) to an Ed25519 public key.

    Raises MalformedNoteError for bad syntax, IntegrityError for a signature that does not
    verify under a known key, and IntegrityError when no signature verifies.
    """
    if not note.endswith("\n") or "\x00" in note:
        raise MalformedNoteError()
    split = note.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError()
    text, sigs = note[: split + 1], note[split + 2 :]
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise MalformedNoteError()
    lines = sigs.split("\n")[:-1]
    if not lines or len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError()
    verified: list[str] = []
    unverified: list[str] = []
    for line in lines:
        if not line.startswith(_DASH):
            raise MalformedNoteError()
        name, _, blob = line[len(_DASH) :].partition(" ")
        if not _valid_name(name):  # a space in the blob: b64decode(validate=True) refuses it
            raise MalformedNoteError()
        try:
            raw = base64.b64decode(blob, validate=True)
        except ValueError as e:  # binascii.Error, or a character outside ASCII
            raise MalformedNoteError() from e
        if len(raw) < 5:
            raise MalformedNoteError()
        kid, sig = raw[:4], raw[4:]
        public = keys.get((name, kid))
        if public is None:
            if name not in unverified:
                unverified.append(name)
            continue
        if not verify_signature(public, sig, text.encode("utf-8")):
            raise IntegrityError(f"invalid signature for key {name}+{kid.hex()}")
        if name not in verified:
            verified.append(name)
    if not verified:
        raise IntegrityError("note has no verifiable signatures")
    return OpenedNote(text, verified, unverified)


@dataclass(frozen=True)
class Checkpoint:
    """A C2SP tlog-checkpoint body: which log, how many entries, their root hash, and any
    extension lines (ours: ``time …``). Unsigned; :func:`sign_note` signs its text."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        """The note text: origin, size, base64 root, extensions, one per line. Does no I/O."""
        lines = [
            self.origin,
            str(self.size),
            base64.b64encode(self.root).decode(),
            *self.extensions,
        ]
        return "\n".join(lines) + "\n"


#: The largest tree size: a signed 64-bit number, as the Go reference (tlog.ParseTree) and
#: SQLite read it. Its 19 digits bound the text before int() reads it.
_MAX_SIZE = 2**63 - 1
_SIZE_DIGITS = len(str(_MAX_SIZE))


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint's text (as :func:`open_note` returns it, signatures already checked).
    Raises MalformedNoteError for anything but the canonical form: no leading zeros, a 32-byte
    root in strict base64, no empty extension line."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise MalformedNoteError("malformed checkpoint")
    origin, size_s, root_s, *ext = lines[:-1]
    # ASCII decimal only: str.isdigit() also takes other scripts' digits ("１２", "²"); at most
    # 19 digits before int() reads it (it refuses more than 4300), then at most _MAX_SIZE
    if (
        not origin
        or not (size_s.isascii() and size_s.isdigit() and len(size_s) <= _SIZE_DIGITS)
        or (size_s != "0" and size_s.startswith("0"))
    ):
        raise MalformedNoteError("malformed checkpoint")
    try:
        root = base64.b64decode(root_s, validate=True)
    except ValueError as e:  # binascii.Error, or a character outside ASCII
        raise MalformedNoteError("malformed checkpoint") from e
    # another spelling of the same 32 bytes ("...AB=" for "...AA=") would be another text
    canonical = base64.b64encode(root).decode("ascii") == root_s
    size = int(size_s)
    if size > _MAX_SIZE or len(root) != 32 or not canonical or any(not line for line in ext):
        raise MalformedNoteError("malformed checkpoint")
    return Checkpoint(origin, size, root, tuple(ext))
