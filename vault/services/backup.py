"""Backups: a consistent snapshot of the vault, signed by its maker, encrypted in the age format.

A backup file is an age-encrypted (age-encryption.org/v1) uncompressed tar of exactly these
regular files, in this order::

    MANIFEST.json   format, vault id, backup id, when and by whom, the maker's Ed25519 public key,
                    the audit log's size and root in the snapshot, the signed state's sequence
                    number, and the size and SHA-256 of each file below
    MANIFEST.sig    the maker's Ed25519 signature over :func:`manifest_message` (base64, one line)
    checkpoint.txt  the snapshot's latest signed tree head (a C2SP checkpoint note)
    keyring.json    the vault's keyring when the backup was made (it holds no key in the clear)
    vault.db        the snapshot, still SQLCipher-encrypted under the vault's database key

So the standard ``age -d -i KEYFILE FILE | tar x`` opens one; what it yields is still a vault that
only its members can unlock. :func:`create_backup` logs the backup first, then copies the database
with SQLite's online backup API (other processes keep reading and writing), and streams the tar
through age straight into ``FILE.partial``, renamed to ``FILE`` when whole: no plaintext tar is
ever written to disk, and a crash leaves no ``FILE``. :func:`verify_backup` and
:func:`restore_backup` decrypt as a stream and read the tar as it comes, checking each header;
nothing is trusted, and nothing is renamed into place, before the whole file has decrypted and
every check has passed.

The age container itself (pyrage) is :mod:`vault.crypto.age`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import errno
import hashlib
import io
import json
import os
import secrets
import shutil
import tarfile
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from vault.audit import checkpoint as cp
from vault.audit.log import ORIGIN_PREFIX, AuditEvent
from vault.crypto import SecretBytes, age, context, verify_signature
from vault.crypto.age import AgeRecipient, parse_age_identities, parse_recipient, shown
from vault.crypto.hierarchy import db_key_info
from vault.crypto.sshsig import fingerprint
from vault.errors import (
    AuthenticationError,
    ConflictError,
    IntegrityError,
    NotFoundError,
    UsageError,
    VaultError,
)
from vault.services import layout
from vault.services.clock import now
from vault.services.members import load_state
from vault.services.session import Vault
from vault.store import SqlCipherStore

FORMAT = "casevault-backup-v1"
MANIFEST = "MANIFEST.json"
SIGNATURE = "MANIFEST.sig"
CHECKPOINT = "checkpoint.txt"
KEYRING = layout.KEYRING_NAME
DATABASE = layout.DB_NAME
#: The members of a backup, in the order they are written.
MEMBERS = (MANIFEST, SIGNATURE, CHECKPOINT, KEYRING, DATABASE)
#: The files the manifest lists (it cannot list itself or its signature).
LISTED = (CHECKPOINT, KEYRING, DATABASE)
SIGNED_LABEL = "casevault/backup-manifest/v1"
CREATED = "backup.create"
RECIPIENT_NAMESPACE = "backup-recipient"
PARTIAL_SUFFIX = ".partial"

# Every member but the database is read into memory: a crafted file (anyone holding a
# recipient's public key can make one) must not make us buffer gigabytes.
_SMALL_LIMIT = {MANIFEST: 1 << 20, SIGNATURE: 1 << 10, CHECKPOINT: 1 << 16, KEYRING: 1 << 24}
_BLOCK = 512
_RECORD = 20 * _BLOCK  # tar's record: the archive is padded to a multiple of it
_CHUNK = 1 << 20
_SQLITE_PLAINTEXT = b"SQLite format 3\x00"


# --- recipients and identities ---------------------------------------------------------------


def backup_recipients(
    v: Vault, named: Sequence[str], extra: Sequence[AgeRecipient] = ()
) -> list[AgeRecipient]:
    """Everyone a backup is encrypted to: the recipients named on the command line, and
    ``extra`` ones the caller adds. THE place for recipients the vault itself adds (its recovery
    key's age recipient goes here), so that every backup is encrypted to them. Duplicates are
    dropped; the order is kept."""
    own = [] if v.state.recovery is None else [parse_recipient(v.state.recovery.age_recipient)]
    chosen: dict[str, AgeRecipient] = {}
    for r in [*own, *(parse_recipient(text) for text in named), *extra]:
        chosen.setdefault(r.text, r)
    return list(chosen.values())


# --- the manifest: pure ---------------------------------------------------------------------


def manifest_message(manifest: bytes) -> bytes:
    """What the maker signs: the manifest's bytes under the backup's purpose label, so the
    signature is valid for nothing else a member signs. Does no I/O."""
    return context(SIGNED_LABEL, manifest)


@dataclass(frozen=True)
class BackupFile:
    name: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Snapshot:
    """What a backup records of its snapshot."""

    vault_id: str
    backup_id: str
    created_at: str
    created_by: str
    created_by_key: bytes  # Ed25519 public key
    audit_size: int
    audit_root: bytes
    state_seq: int
    entry: int  # the backup.create entry


def build_manifest(s: Snapshot, files: Sequence[BackupFile]) -> bytes:
    """The manifest's bytes (sorted-key JSON, as a publication's). Does no I/O."""
    manifest = {
        "format": FORMAT,
        "vault_id": s.vault_id,
        "backup_id": s.backup_id,
        "created_at": s.created_at,
        "created_by": s.created_by,
        "created_by_key": base64.b64encode(s.created_by_key).decode("ascii"),
        "audit": {
            "size": s.audit_size,
            "root": base64.b64encode(s.audit_root).decode("ascii"),
            "entry": s.entry,
        },
        "state_seq": s.state_seq,
        "files": [{"name": f.name, "bytes": f.bytes, "sha256": f.sha256} for f in files],
    }
    return (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()


@dataclass(frozen=True)
class BackupReport:
    """What :func:`verify_backup` established (and :func:`restore_backup` relied on)."""

    snapshot: Snapshot
    signer: str  # the maker's key, as an SSH SHA256 fingerprint
    checkpoint_signers: list[str]  # who signed the tree head
    checkpoint_by_maker: bool  # the maker's signature on it was checked here
    files: list[BackupFile]
    restored_to: Path | None = None

    def to_json(self) -> dict[str, Any]:
        s = self.snapshot
        return {
            "vault_id": s.vault_id,
            "backup_id": s.backup_id,
            "created_at": s.created_at,
            "created_by": s.created_by,
            "signer": self.signer,
            "audit_size": s.audit_size,
            "audit_root": base64.b64encode(s.audit_root).decode("ascii"),
            "audit_entry": s.entry,
            "state_seq": s.state_seq,
            "checkpoint_signers": self.checkpoint_signers,
            "checkpoint_by_maker": self.checkpoint_by_maker,
            "files": [f.__dict__.copy() for f in self.files],
            "restored_to": None if self.restored_to is None else str(self.restored_to),
        }


@dataclass
class _Member:
    """One member as the tar reader saw it: size, SHA-256, first bytes, and the whole content
    for the small ones."""

    size: int = 0
    digest: Any = field(default_factory=hashlib.sha256)
    head: bytes = b""
    data: bytearray | None = None


def _split_note(note: str) -> tuple[str, list[str]]:
    """A signed note's text and the names on its signature lines (unchecked)."""
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise IntegrityError(f"{CHECKPOINT} is not a signed note")
    names = [
        line.removeprefix("\u2014 ").partition(" ")[0]
        for line in note[cut + 2 :].splitlines()
        if line.startswith("\u2014 ")
    ]
    return note[: cut + 1], names


def _text(data: bytes | bytearray | None, name: str) -> str:
    try:
        return bytes(data or b"").decode("utf-8")
    except UnicodeDecodeError:
        raise IntegrityError(f"{name} in the backup is not UTF-8 text") from None


def check_contents(members: Mapping[str, _Member]) -> BackupReport:
    """Check what the tar held (its members already limited to exactly :data:`MEMBERS`, each a
    regular file). Raises IntegrityError on the first failure. Does no I/O."""
    # 1. Every member is there.
    missing = [name for name in MEMBERS if name not in members]
    if missing:
        raise IntegrityError(f"the backup lacks {', '.join(missing)}")
    manifest_bytes = bytes(members[MANIFEST].data or b"")
    # 2. The manifest parses and is a backup manifest.
    try:
        manifest = json.loads(manifest_bytes)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise IntegrityError(f"{MANIFEST} is not a casevault backup manifest ({FORMAT})")
        key = base64.b64decode(manifest["created_by_key"], validate=True)
        audit = manifest["audit"]
        snap = Snapshot(
            vault_id=_str(manifest["vault_id"]),
            backup_id=_str(manifest["backup_id"]),
            created_at=_str(manifest["created_at"]),
            created_by=_str(manifest["created_by"]),
            created_by_key=key,
            audit_size=_int(audit["size"]),
            audit_root=base64.b64decode(audit["root"], validate=True),
            state_seq=_int(manifest["state_seq"]),
            entry=_int(audit["entry"]),
        )
        listed = [
            BackupFile(_str(f["name"]), _int(f["bytes"]), _str(f["sha256"]))
            for f in manifest["files"]
        ]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise IntegrityError(f"{MANIFEST} in the backup is malformed") from None
    # 3. The maker's signature over it, under the key it names.
    try:
        signature = base64.b64decode(bytes(members[SIGNATURE].data or b"").strip(), validate=True)
    except (ValueError, binascii.Error):
        raise IntegrityError(f"{SIGNATURE} in the backup is malformed") from None
    if len(key) != 32 or not verify_signature(key, signature, manifest_message(manifest_bytes)):
        raise IntegrityError(f"the signature over {MANIFEST} does not verify: it was altered")
    # 4. The listed files are exactly the others, with their sizes and hashes.
    if sorted(f.name for f in listed) != sorted(LISTED):
        raise IntegrityError(f"{MANIFEST} does not list exactly {', '.join(LISTED)}")
    for f in listed:
        got = members[f.name]
        if got.size != f.bytes or got.digest.hexdigest() != f.sha256:
            raise IntegrityError(f"{f.name} in the backup does not match its hash in {MANIFEST}")
    # 5. The checkpoint is this vault's log at the size and root the manifest names; the maker's
    #    signature on it, when there is one, verifies (another member's is checked by
    #    `casevault audit verify` in the restored vault: their key is in its database).
    note = _text(members[CHECKPOINT].data, CHECKPOINT)
    text, signers = _split_note(note)
    ckpt = cp.parse_checkpoint(text)
    if ckpt.origin != ORIGIN_PREFIX + snap.vault_id:
        raise IntegrityError(f"{CHECKPOINT} is the log of another vault")
    if (ckpt.size, ckpt.root) != (snap.audit_size, snap.audit_root):
        raise IntegrityError(f"{CHECKPOINT} does not match the audit log the manifest names")
    by_maker = snap.created_by in signers
    if by_maker:
        cp.open_note(note, {(snap.created_by, cp.key_id(snap.created_by, key)): key})
    # 6. The keyring belongs to the same vault, and the database is encrypted.
    try:
        keyring = json.loads(_text(members[KEYRING].data, KEYRING))
    except json.JSONDecodeError:
        raise IntegrityError(f"{KEYRING} in the backup is not valid JSON") from None
    if not isinstance(keyring, dict) or keyring.get("format") != layout.KEYRING_FORMAT:
        raise IntegrityError(f"{KEYRING} in the backup is not a casevault keyring")
    if keyring.get("vault_id") != snap.vault_id:
        raise IntegrityError(f"{KEYRING} in the backup belongs to another vault")
    if members[DATABASE].head.startswith(_SQLITE_PLAINTEXT):
        raise IntegrityError(f"{DATABASE} in the backup is an unencrypted SQLite file")
    return BackupReport(snap, fingerprint(key), signers, by_maker, listed)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError("not a count")
    return value


# --- writing a tar as a stream -----------------------------------------------------------------


class _ChunkReader(io.RawIOBase):
    """A readable stream over an iterator of byte chunks, so that age encrypts the tar as it is
    made: no plaintext tar is ever on disk."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._buf = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buf:
            nxt = next(self._chunks, None)
            if nxt is None:
                return 0
            self._buf = memoryview(nxt)
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


@dataclass
class _Source:
    name: str
    size: int
    data: bytes | None = None  # small members
    path: Path | None = None  # the database snapshot
    seen: Any = field(default_factory=hashlib.sha256)  # what was actually streamed


def _tar_chunks(sources: Sequence[_Source], mtime: int) -> Iterator[bytes]:
    """An uncompressed POSIX (ustar) tar of ``sources``: regular files, mode 0600, no owner."""
    total = 0
    for s in sources:
        info = tarfile.TarInfo(s.name)
        info.size, info.mtime, info.mode, info.type = s.size, mtime, 0o600, tarfile.REGTYPE
        header = info.tobuf(format=tarfile.USTAR_FORMAT, encoding="utf-8", errors="strict")
        yield header
        sent = 0
        if s.data is not None:
            s.seen.update(s.data)
            sent = len(s.data)
            yield s.data
        elif s.path is not None:
            with s.path.open("rb") as f:
                while sent < s.size and (chunk := f.read(min(_CHUNK, s.size - sent))):
                    s.seen.update(chunk)
                    sent += len(chunk)
                    yield chunk
        if sent != s.size:  # the file shrank: what follows would not be a tar; checked after
            yield b"\0" * (s.size - sent)
        pad = -s.size % _BLOCK
        yield b"\0" * pad
        total += len(header) + s.size + pad
    end = 2 * _BLOCK
    end += -(total + end) % _RECORD
    yield b"\0" * end


# --- reading a tar as a stream ---------------------------------------------------------------


class _TarSink(io.RawIOBase):
    """A writable stream that reads the decrypted tar as age writes it: each header is checked
    as it comes (exactly the expected names, regular files only, no duplicates, nothing after
    the end), the small members are kept, the database is hashed and, when restoring, copied to
    ``db_out``. A problem is kept and raised by :meth:`finish`, after decryption has finished: a
    truncated or altered file fails there first, and its error is the one to report."""

    def __init__(self, db_out: BinaryIO | None) -> None:
        super().__init__()
        self._db_out = db_out
        self._buf = bytearray()
        self._state = "header"
        self._current: _Member | None = None
        self._left = 0
        self._pad = 0
        self.members: dict[str, _Member] = {}
        self.problem: VaultError | None = None

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = memoryview(b).cast("B")
        if self.problem is None:
            try:
                self._feed(data)
            except VaultError as e:
                self.problem = e
            except OSError as e:
                self.problem = VaultError(f"cannot write the restored database: {e.strerror}")
        return len(data)

    def _feed(self, data: memoryview) -> None:
        while data:
            if self._state == "data":
                n = min(self._left, len(data))
                self._take(data[:n])
                data, self._left = data[n:], self._left - n
                if not self._left:
                    self._state = "pad"
            elif self._state == "pad":
                n = min(self._pad, len(data))
                if any(data[:n]):
                    raise IntegrityError("the backup's tar is malformed (bad padding)")
                data, self._pad = data[n:], self._pad - n
                if not self._pad:
                    self._state = "header"
            elif self._state == "end":
                if any(data):
                    raise IntegrityError("the backup holds data after the end of its tar")
                return
            else:
                n = min(_BLOCK - len(self._buf), len(data))
                self._buf += data[:n]
                data = data[n:]
                if len(self._buf) == _BLOCK:
                    self._header(bytes(self._buf))
                    self._buf.clear()

    def _header(self, block: bytes) -> None:
        if not any(block):
            self._state = "end"
            return
        try:
            info = tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
        except (tarfile.HeaderError, ValueError, UnicodeError):
            raise IntegrityError("the backup's tar is malformed (a damaged header)") from None
        name = info.name
        if info.type not in (tarfile.REGTYPE, tarfile.AREGTYPE):
            raise IntegrityError(
                f"the backup holds {shown(name)}, which is not a regular file (a link, "
                "a folder, a device or an extended header): a backup never does"
            )
        if name not in MEMBERS:
            raise IntegrityError(f"the backup holds {shown(name)}, which a backup never holds")
        if name in self.members:
            raise IntegrityError(f"the backup holds {name} twice")
        limit = _SMALL_LIMIT.get(name)
        if limit is not None and info.size > limit:
            raise IntegrityError(f"{name} in the backup is too large")
        self._current = self.members[name] = _Member(data=None if name == DATABASE else bytearray())
        self._left, self._pad = info.size, -info.size % _BLOCK
        self._state = "data" if info.size else ("pad" if self._pad else "header")

    def _take(self, chunk: memoryview) -> None:
        m = self._current
        if m is None:  # not reached: _header sets it before any data
            raise IntegrityError("the backup's tar is malformed")
        if len(m.head) < 16:
            m.head += bytes(chunk[: 16 - len(m.head)])
        m.size += len(chunk)
        m.digest.update(chunk)
        if m.data is not None:
            m.data += chunk
        elif self._db_out is not None:
            self._db_out.write(chunk)

    def finish(self) -> dict[str, _Member]:
        if self.problem is not None:
            raise self.problem
        if self._state != "end":
            raise IntegrityError("the backup's tar ends early (no end-of-archive marker)")
        return self.members


# --- files -----------------------------------------------------------------------------------


def _partial(out: Path) -> Path:
    return out.with_name(out.name + PARTIAL_SUFFIX)


def _check_new_file(out: Path) -> None:
    if out.exists() or out.is_symlink():
        raise UsageError(f"{out} already exists: a backup never overwrites a file")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent} is not a folder")
    if _partial(out).exists() or _partial(out).is_symlink():
        raise UsageError(
            f"{_partial(out)} is left from an interrupted backup (or one still running): "
            "remove it, then run the backup again"
        )


def _place_file(tmp: Path, out: Path) -> None:
    """Give the finished file its name without ever replacing a file someone made meanwhile:
    a hard link fails if ``out`` exists (where links are not supported, check and rename)."""
    try:
        os.link(tmp, out)
    except FileExistsError:
        raise UsageError(f"{out} appeared while the backup was made; it was not touched") from None
    except OSError as e:
        if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if out.exists() or out.is_symlink():
            raise UsageError(
                f"{out} appeared while the backup was made; it was not touched"
            ) from None
        os.rename(tmp, out)
        return
    tmp.unlink()


# --- creating --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupInfo:
    """What :func:`create_backup` wrote."""

    path: Path
    bytes: int
    snapshot: Snapshot
    recipients: int
    manifest_sha256: str
    files: list[BackupFile]

    def to_json(self) -> dict[str, Any]:
        s = self.snapshot
        return {
            "path": str(self.path),
            "bytes": self.bytes,
            "backup_id": s.backup_id,
            "vault_id": s.vault_id,
            "created_at": s.created_at,
            "created_by": s.created_by,
            "audit_size": s.audit_size,
            "audit_entry": s.entry,
            "state_seq": s.state_seq,
            "recipients": self.recipients,
            "manifest_sha256": self.manifest_sha256,
            "files": [f.__dict__.copy() for f in self.files],
        }


def _session_db_key(v: Vault) -> SecretBytes:
    return v.keys.database_key()


def _read_keyring(v: Vault, db_key: SecretBytes) -> bytes:
    """The keyring file's bytes, read under its lock, checked to be this vault's and to wrap,
    for the maker, the key the snapshot was taken under (else a key rotation ran meanwhile and
    the pair would not open)."""
    with layout.keyring_lock(v.root):
        data = layout.read_keyring(v.root)
        raw = (v.root / KEYRING).read_bytes()
    if json.loads(raw) != data or data["vault_id"] != v.vault_id:
        raise ConflictError(f"{KEYRING} changed while the backup was made; run it again")
    wrapped = data["db_key_wraps"].get(v.user)
    try:
        key = v.identity.open_wrapped(
            base64.b64decode(wrapped), db_key_info(v.vault_id, v.user), "database key"
        )
    except (VaultError, ValueError, TypeError):
        key = None
    if key != db_key:
        raise ConflictError(
            "the vault's database key changed while the backup was made (a key rotation?); "
            "run the backup again"
        )
    return raw


def _snapshot_facts(path: Path, key: SecretBytes, vault_id: str) -> tuple[int, str, bytes, int]:
    """(audit size, checkpoint note, root, state seq) of the snapshot, after checking every page
    of it, its signed state chain, and that its latest signed head covers its whole log."""
    snap = SqlCipherStore.open(path, key)
    try:
        problems = snap.integrity_check()
        if problems:
            raise IntegrityError(
                "the snapshot of the vault fails its page check: the vault is damaged; run "
                "'casevault check'"
            )
        with snap.read():
            state, _heads = load_state(snap, vault_id)
            head = snap.latest_audit_head()
            size = snap.audit_size()
    finally:
        snap.close()
    if head is None or head[0] != size:
        raise IntegrityError(
            "the vault's latest signed tree head does not cover its whole audit log; "
            "run 'casevault audit verify'"
        )
    text, _ = _split_note(head[1])
    ckpt = cp.parse_checkpoint(text)
    if ckpt.size != size:
        raise IntegrityError("the vault's latest signed tree head is malformed")
    return size, head[1], ckpt.root, state.seq


def create_backup(
    v: Vault,
    out: Path,
    recipients: Sequence[str],
    extra_recipients: Sequence[AgeRecipient] = (),
) -> BackupInfo:
    """Write a backup of the open vault to the new file ``out``, encrypted to ``recipients``
    (age or ssh-ed25519 public keys) and ``extra_recipients`` (see :func:`backup_recipients`).
    Only a person whose role manages people may. Logs the backup (its id, how many recipients,
    keyed digests of them: never the list) before the snapshot, so the backup holds the entry
    that records it."""
    v.require(v.policy.can_manage_people(v.role), "make a backup")
    _check_new_file(out)
    chosen = backup_recipients(v, recipients, extra_recipients)
    if not chosen:
        raise UsageError("no recipient: name at least one with --recipient age1…")
    digests = sorted(v.keyed(RECIPIENT_NAMESPACE, r.text) for r in chosen)
    try:
        # The snapshot's folder first: a folder we cannot write to fails before anything is
        # logged.
        with tempfile.TemporaryDirectory(prefix=f".{out.name}.", dir=out.parent) as tmp:
            return _write_backup(v, out, chosen, digests, Path(tmp))
    except OSError as e:
        raise VaultError(f"cannot write the backup {out}: {e.strerror or e}") from None


def _write_backup(
    v: Vault, out: Path, chosen: list[AgeRecipient], digests: list[str], tmp: Path
) -> BackupInfo:
    backup_id = secrets.token_hex(16)
    with v.store.write():
        v.log(
            AuditEvent(
                CREATED,
                details={
                    "backup": backup_id,
                    "recipients": len(chosen),
                    "recipient_digests": ",".join(digests),
                },
            )
        )
        entry = v.audit.size() - 1
    created_at = now()
    db_key = _session_db_key(v)
    snap_path = tmp / DATABASE
    v.store.snapshot_to(snap_path, db_key)
    size, note, root, state_seq = _snapshot_facts(snap_path, db_key, v.vault_id)
    keyring = _read_keyring(v, db_key)
    db_hash = hashlib.sha256()
    with snap_path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            db_hash.update(chunk)
    checkpoint = note.encode("utf-8")
    files = [
        BackupFile(CHECKPOINT, len(checkpoint), hashlib.sha256(checkpoint).hexdigest()),
        BackupFile(KEYRING, len(keyring), hashlib.sha256(keyring).hexdigest()),
        BackupFile(DATABASE, snap_path.stat().st_size, db_hash.hexdigest()),
    ]
    snapshot = Snapshot(
        v.vault_id,
        backup_id,
        created_at,
        v.user,
        v.identity.public.sign_public,
        size,
        root,
        state_seq,
        entry,
    )
    manifest = build_manifest(snapshot, files)
    signature = base64.b64encode(v.identity.sign(manifest_message(manifest))) + b"\n"
    sources = [
        _Source(MANIFEST, len(manifest), data=manifest),
        _Source(SIGNATURE, len(signature), data=signature),
        _Source(CHECKPOINT, len(checkpoint), data=checkpoint),
        _Source(KEYRING, len(keyring), data=keyring),
        _Source(DATABASE, files[2].bytes, path=snap_path),
    ]
    mtime = int(dt.datetime.fromisoformat(created_at.replace("Z", "+00:00")).timestamp())
    partial = _partial(out)
    # O_EXCL: a second backup to the same file at the same time fails here, not later.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            reader = io.BufferedReader(_ChunkReader(_tar_chunks(sources, mtime)), _CHUNK)
            try:
                age.encrypt_stream(reader, f, chosen)
            except age.AgeError as e:
                raise VaultError(f"age could not encrypt the backup ({e})") from None
            f.flush()
            os.fsync(f.fileno())
        if sources[-1].seen.hexdigest() != files[2].sha256:
            raise ConflictError("the snapshot changed while it was written; run it again")
        _place_file(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    layout.fsync_dir(out.parent)
    return BackupInfo(
        out,
        out.stat().st_size,
        snapshot,
        len(chosen),
        hashlib.sha256(manifest).hexdigest(),
        files,
    )


# --- verifying and restoring ----------------------------------------------------------------


def _decrypt(file: Path, identities: list[Any], sink: _TarSink) -> dict[str, _Member]:
    """Decrypt ``file`` as a stream into ``sink``; then what the sink read, or the one error
    that says what is wrong (checked in this order: the file, the key, the data, the tar)."""
    try:
        reader = file.open("rb")
    except FileNotFoundError:
        raise NotFoundError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{file} is a folder, not a backup file") from None
    except OSError as e:
        raise UsageError(f"cannot read {file}: {e.strerror}") from None
    with reader:
        try:
            age.decrypt_stream(reader, sink, identities)
        except age.AgeError as e:
            if e.wrong_key:
                raise AuthenticationError(
                    f"the age identity given does not open {file}: it was encrypted to other "
                    "recipients (or its header was altered)"
                ) from None
            raise IntegrityError(
                f"{file} is damaged, truncated or was altered: it fails age's checks"
            ) from None
        except OSError as e:
            if e.errno is not None:  # a real I/O error, not age's authentication failure
                raise VaultError(f"cannot read {file}: {e.strerror}") from None
            raise IntegrityError(
                f"{file} is damaged, truncated or was altered: it fails age's checks"
            ) from None
    return sink.finish()


def verify_backup(file: Path, age_identity: SecretBytes) -> BackupReport:
    """Decrypt ``file`` with the age identity file's content ``age_identity`` and check it
    wholly (see :func:`check_contents`): holds no more than a hash of the database in memory,
    writes nothing. Raises AuthenticationError for an identity that does not open it,
    IntegrityError for anything damaged or altered."""
    identities = parse_age_identities(age_identity)
    return check_contents(_decrypt(file, identities, _TarSink(None)))


def _check_restore_target(to: Path) -> None:
    if to.is_symlink() or (to.exists() and not to.is_dir()):
        raise UsageError(f"{to} exists: refusing to overwrite it")
    if to.is_dir() and any(to.iterdir()):
        raise UsageError(f"{to} exists and is not empty: refusing to overwrite it")
    if not to.parent.is_dir():
        raise UsageError(f"{to.parent} is not a folder")


def restore_backup(file: Path, to: Path, age_identity: SecretBytes) -> BackupReport:
    """Restore ``file`` into the new vault folder ``to`` (absent or empty): decrypt and check it
    as :func:`verify_backup` does, writing the database into a folder beside ``to`` as it comes,
    then the keyring; fsync both, rename the folder to ``to`` and fsync its parent. Nothing is at
    ``to`` unless every check passed. Does not open the vault."""
    identities = parse_age_identities(age_identity)
    _check_restore_target(to)
    staging = to.parent / f".{to.name}.restore-{secrets.token_hex(4)}"
    try:
        staging.mkdir(mode=0o700)
    except OSError as e:
        raise VaultError(f"cannot write beside {to}: {e.strerror or e}") from None
    renamed = False
    try:
        fd = os.open(staging / DATABASE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as db_out:
            members = _decrypt(file, identities, _TarSink(db_out))
            db_out.flush()
            os.fsync(db_out.fileno())
        report = check_contents(members)
        layout.write_new_file(staging / KEYRING, bytes(members[KEYRING].data or b""))
        layout.fsync_dir(staging)
        _check_restore_target(to)  # again: someone may have written there meanwhile
        if to.is_dir():
            to.rmdir()  # empty, checked just now; fails if someone wrote into it since
        staging.rename(to)
        renamed = True
        layout.fsync_dir(to.parent)
    except OSError as e:
        raise VaultError(f"cannot restore into {to}: {e.strerror or e}") from None
    finally:
        if not renamed:
            shutil.rmtree(staging, ignore_errors=True)
    return BackupReport(
        report.snapshot,
        report.signer,
        report.checkpoint_signers,
        report.checkpoint_by_maker,
        report.files,
        restored_to=to,
    )
