"""The vault on disk: a directory holding the SQLCipher database and the keyring file.

    PATH/vault.db       SQLCipher database (all records, members, wrapped role/level keys)
    PATH/keyring.json   what must be read *before* the database can be opened: the vault id, the
                        database key HPKE-wrapped to each person, and sealed identities of people
                        enrolled on this machine. It holds no key in the clear.

The keyring is replaced atomically (write to a sibling file, fsync, rename, fsync the directory)
under an exclusive lock, so a crash leaves either the old or the new file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vault.errors import DamagedStoreError, NotFoundError, StoreError
from vault.models.member import RECOVERY_NAME

DB_NAME = "vault.db"
KEYRING_NAME = "keyring.json"
LOCK_NAME = ".keyring.lock"
FAILED_UNLOCKS = "failed-unlocks.jsonl"
KEYRING_FORMAT = "casevault-keyring-v1"


def db_path(root: Path) -> Path:
    return root / DB_NAME


def is_vault(root: Path) -> bool:
    return (root / KEYRING_NAME).is_file() and (root / DB_NAME).is_file()


def _lost(path: Path, what: str) -> DamagedStoreError:
    return DamagedStoreError(f"{path} {what}; restore it from a backup")


def require_vault(root: Path) -> None:
    """Refuse a directory that is not a whole vault, saying which file is wrong and what to do:
    a missing or empty file is damage to restore from a backup, not a different vault."""
    if not root.exists():
        raise NotFoundError(f"{root}: no such vault (create one with 'casevault init')")
    if not root.is_dir():
        raise StoreError(f"{root} is a file, not a vault directory")
    keyring, db = root / KEYRING_NAME, root / DB_NAME
    if not keyring.exists() and not db.exists():
        raise StoreError(
            f"{root} is not a casevault vault: it holds neither {KEYRING_NAME} nor {DB_NAME}"
        )
    if not keyring.is_file():
        raise _lost(keyring, "is missing: without it no one can open the database")
    if not db.is_file():
        raise _lost(db, "is missing: the records, members and audit log were in it")
    if db.stat().st_size == 0:
        raise _lost(db, "is empty: the database was lost or truncated")
    if keyring.stat().st_size == 0:
        raise _lost(keyring, "is empty: without it no one can open the database")


def read_keyring(root: Path) -> dict[str, Any]:
    path = root / KEYRING_NAME
    try:
        text = path.read_text("utf-8")
    except PermissionError as e:
        raise StoreError(
            f"{path} cannot be read (permission denied): run casevault as the vault's owner "
            "or fix the file's permissions"
        ) from e
    except FileNotFoundError as e:
        raise _lost(path, "is missing: without it no one can open the database") from e
    except (OSError, UnicodeDecodeError) as e:
        raise _lost(path, "cannot be read: the file is damaged") from e
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        raise _lost(path, "is not valid JSON: the file is damaged or was truncated") from e
    if not isinstance(data, dict) or data.get("format") != KEYRING_FORMAT:
        raise _lost(path, "is not a casevault keyring (unknown format)")
    for key in ("vault_id", "db_key_wraps", "identities"):
        if key not in data:
            raise _lost(path, f"lacks its {key!r} part: the file is damaged")
    return data


def write_json_atomic(path: Path, data: dict[str, Any], mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` as JSON: a sibling file written, synced, renamed, and the
    folder synced, so a crash leaves the old file or the new one."""
    tmp = path.with_name(path.name + ".new")
    payload = json.dumps(data, indent=1, sort_keys=True).encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)  # a leftover temp file keeps its old mode otherwise
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def write_new_file(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write a file that must not exist yet (O_EXCL), synced to disk before returning."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def keyring_lock(root: Path) -> Iterator[None]:
    """Exclusive lock for read-modify-write of the keyring by concurrent processes."""
    fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def new_keyring(vault_id: str) -> dict[str, Any]:
    return {"format": KEYRING_FORMAT, "vault_id": vault_id, "db_key_wraps": {}, "identities": {}}


def update_keyring(root: Path, change: dict[str, Any]) -> None:
    """Merge per-person entries into the keyring atomically.

    ``change`` = {"db_key_wraps": {name: b64|None}, "identities": {name: sealed|None}};
    None removes the entry.
    """
    with keyring_lock(root):
        data = read_keyring(root)
        for section in ("db_key_wraps", "identities"):
            for name, value in change.get(section, {}).items():
                if value is None:
                    data[section].pop(name, None)
                else:
                    data[section][name] = value
        write_json_atomic(root / KEYRING_NAME, data)


# --- re-keying the database: two phases, so a crash never strands the only key ----------------


def stage_db_key(root: Path, epoch: int, wraps: dict[str, str]) -> None:
    """Before the database is re-keyed: keep the new key's wraps beside the current ones, so that
    a crash after the re-key still finds a key that opens it (:func:`staged_db_key_wrap`)."""
    with keyring_lock(root):
        data = read_keyring(root)
        data["next_db_key"] = {"epoch": epoch, "wraps": wraps}
        write_json_atomic(root / KEYRING_NAME, data)


def staged_db_key_wrap(keyring: dict[str, Any], user: str) -> str | None:
    """The staged new database key wrapped to ``user``, if a re-key was under way."""
    staged = keyring.get("next_db_key")
    if not isinstance(staged, dict) or not isinstance(staged.get("wraps"), dict):
        return None
    wrap = staged["wraps"].get(user)
    return wrap if isinstance(wrap, str) else None


def promote_db_key(root: Path, identities: dict[str, Any] | None = None) -> None:
    """After the re-key: the staged wraps become the only ones. The wraps and sealed identities
    of people who no longer receive the key (revoked) leave the keyring; ``identities`` adds or
    replaces sealed identities (a re-keyed person's new one). A no-op when nothing is staged."""
    with keyring_lock(root):
        data = read_keyring(root)
        staged = data.pop("next_db_key", None)
        if not isinstance(staged, dict):
            return
        wraps = dict(staged["wraps"])
        gone = sorted(set(data["db_key_wraps"]) - set(wraps))
        if gone:  # only to say so when they try to open it; the signed state is what counts
            data["revoked"] = sorted({*data.get("revoked", []), *gone})
        data["db_key_wraps"] = wraps
        data["identities"] = {
            name: sealed for name, sealed in data["identities"].items() if name in wraps
        }
        for name, sealed in (identities or {}).items():
            if sealed is None:
                data["identities"].pop(name, None)
            else:
                data["identities"][name] = sealed
        write_json_atomic(root / KEYRING_NAME, data)


# --- the emergency lock ------------------------------------------------------------------------

RECOVERY_HOLDER = RECOVERY_NAME  # the keyring entry of the recovery key


def lock(root: Path, by: str, time: str, recovery_wrap: str) -> int:
    """After the database was re-keyed for the lock: ``recovery_wrap`` (the new key, wrapped to
    the recovery key) becomes the only wrap; the keyring is marked locked. Returns how many
    people's wraps were removed (they open nothing now: the file is under the new key)."""
    with keyring_lock(root):
        data = read_keyring(root)
        removed = len([n for n in data["db_key_wraps"] if n != RECOVERY_HOLDER])
        data["db_key_wraps"] = {RECOVERY_HOLDER: recovery_wrap}
        data.pop("next_db_key", None)
        data["locked"] = {"at": time, "by": by}
        write_json_atomic(root / KEYRING_NAME, data)
        return removed


def not_a_member(keyring: dict[str, Any], user: str) -> str:
    """The one line for a name with no wrap in the keyring: revoked, or never a member."""
    revoked = keyring.get("revoked")
    if isinstance(revoked, list) and user in revoked:
        return f"{user!r} was revoked from this vault: their keys open nothing here any more"
    return f"{user!r} is not a member of this vault"


def locked(keyring: dict[str, Any]) -> dict[str, Any] | None:
    """When and by whom the vault was locked on this machine, or None."""
    mark = keyring.get("locked")
    return mark if isinstance(mark, dict) else None


def is_locked(root: Path) -> bool:
    return locked(read_keyring(root)) is not None


def unlock(root: Path, wraps: dict[str, str]) -> None:
    """Put every member's wrap of the database key back (made with the recovery key)."""
    with keyring_lock(root):
        data = read_keyring(root)
        data["db_key_wraps"] = {**data["db_key_wraps"], **wraps}
        data.pop("locked", None)
        write_json_atomic(root / KEYRING_NAME, data)


def note_failed_unlock(root: Path, user: str | None, reason: str, time: str) -> None:
    """Remember a failed unlock until someone can write it into the audit log (the database
    cannot be opened without a passphrase). Holds a member name or "(unknown)", never what was
    typed. Best effort: a failure to write this note never hides the original error."""
    line = json.dumps({"user": user or "(unknown)", "reason": reason, "time": time})
    try:
        with keyring_lock(root):
            fd = os.open(root / FAILED_UNLOCKS, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, (line + "\n").encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
    except OSError:
        pass


def pending_failed_unlocks(root: Path) -> list[dict[str, Any]]:
    path = root / FAILED_UNLOCKS
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    out: list[dict[str, Any]] = []
    for line in lines:
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            item = {"user": "(unreadable note)", "reason": "corrupt note", "time": None}
        if isinstance(item, dict):
            out.append(
                {
                    k: item.get(k) if isinstance(item.get(k), str) else None
                    for k in ("user", "reason", "time")
                }
            )
    return out


def clear_failed_unlocks(root: Path, count: int) -> None:
    """Drop the first ``count`` notes (those just logged), keeping any added meanwhile."""
    path = root / FAILED_UNLOCKS
    with keyring_lock(root):
        try:
            lines = path.read_text("utf-8").splitlines()
        except OSError:
            return
        rest = lines[count:]
        if rest:
            tmp = path.with_name(path.name + ".new")
            tmp.write_text("\n".join(rest) + "\n", "utf-8")
            os.replace(tmp, path)
        else:
            path.unlink(missing_ok=True)
