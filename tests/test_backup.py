"""Backups (the age format): made while the vault is in use, opened by the standard `age` tool,
restored row for row, and refused — in one line, leaving nothing at the target — when the key is
wrong, the file is truncated or altered, or its tar holds anything a backup never holds.

Every person here is invented (the demo vault). One backup of the demo is made for this module
and copied by the tests that alter it; tests that write to a vault use their own copy.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
import pytest
from click.testing import CliRunner

from tests.conftest import PASSPHRASES, passphrase_for
from tests.insider import db_key, raw_db
from tests.review_helpers import approve
from vault.cli import cli
from vault.crypto import Identity, SecretBytes, verify_signature
from vault.crypto import age as age_crypto
from vault.crypto.sshsig import fingerprint
from vault.errors import AccessDeniedError, AuthenticationError, IntegrityError, UsageError
from vault.services import audit as audit_svc
from vault.services import backup as backup_svc
from vault.services import cases, drafts, layout
from vault.services.backup import (
    BackupInfo,
    create_backup,
    manifest_message,
    restore_backup,
    verify_backup,
)
from vault.services.demo import DEMO_PEOPLE
from vault.services.session import Vault
from vault.store import AuditFilter, SqlCipherStore

ADMIN = next(name for name, role, _pw in DEMO_PEOPLE if role == "admin")
CASEWORKER = next(name for name, role, _pw in DEMO_PEOPLE if role == "caseworker")
REVIEWER = next(name for name, role, _pw in DEMO_PEOPLE if role == "reviewer")
CASE = "UA-061-21-004"
MEMBERS = ["MANIFEST.json", "MANIFEST.sig", "checkpoint.txt", "keyring.json", "vault.db"]


# --- helpers ---------------------------------------------------------------------------------


def age_key(folder: Path, name: str = "key.txt") -> tuple[Path, str]:
    """A new age identity file, as age-keygen writes it, and its recipient."""
    ident = pyrage.x25519.Identity.generate()
    recipient = str(ident.to_public())
    path = folder / name
    path.write_text(
        f"# created: 2026-01-01T00:00:00Z\n# public key: {recipient}\n{ident}\n", "utf-8"
    )
    path.chmod(0o600)
    return path, recipient


def secret(path: Path) -> SecretBytes:
    return SecretBytes(path.read_bytes())


@contextlib.contextmanager
def opened(path: Path, name: str) -> Iterator[Vault]:
    v = Vault.open(path, name, lambda _n: passphrase_for(name))
    try:
        yield v
    finally:
        v.close()


def run(*args: str, vault: Path | None = None, user: str | None = None) -> tuple[int, str, str]:
    env: dict[str, str | None] = {"CASEVAULT_PATH": str(vault) if vault else None}
    if user:
        env["CASEVAULT_USER"] = user
        env["CASEVAULT_PASSPHRASE"] = PASSPHRASES[user]
    r = CliRunner().invoke(cli, list(args), env=env)
    return r.exit_code, r.stdout, r.stderr


def assert_one_line(code: int, out: str, err: str, expected: str, exit_code: int) -> None:
    assert code == exit_code, (code, out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("casevault: error: ")
    assert expected in lines[0], lines[0]


def leftovers(folder: Path) -> list[str]:
    """Temporary files a backup or restore would leave beside its target."""
    return sorted(p.name for p in folder.iterdir() if ".partial" in p.name or ".restore-" in p.name)


def plain_members(file: Path, key: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    """The tar inside a backup, member by member (decrypted with pyrage)."""
    ident = pyrage.x25519.Identity.from_str(key.read_text().strip().splitlines()[-1])
    data = pyrage.decrypt(file.read_bytes(), [ident])
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        out = []
        for m in tar.getmembers():
            f = tar.extractfile(m)
            out.append((m, f.read() if f else b""))
        return out


def make_tar(
    entries: list[tuple[tarfile.TarInfo, bytes]], fmt: int = tarfile.USTAR_FORMAT
) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for info, data in entries:
            info.size = len(data) if info.isreg() else 0
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return buf.getvalue()


def regular(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    return info, data


def seal(tar_bytes: bytes, recipient: str, out: Path) -> Path:
    out.write_bytes(pyrage.encrypt(tar_bytes, [pyrage.x25519.Recipient.from_str(recipient)]))
    return out


# --- one backup of the demo, shared by the tests that only read it ------------------------------


@dataclass(frozen=True)
class Made:
    vault: Path
    file: Path
    key: Path
    recipient: str
    info: BackupInfo
    size_before: int  # the audit log's size when create began


@pytest.fixture(scope="module")
def made(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Made:
    base = tmp_path_factory.mktemp("backup")
    root = base / "vault"
    shutil.copytree(demo_master, root)
    key, recipient = age_key(base)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEVAULT_STATE_DIR", str(base / "state"))
        # Drafts and a review, so that the restore compares rows of every kind.
        with opened(root, CASEWORKER) as v:
            action_id = v.store.action_ids()[0]
            draft_ids = [drafts.create_draft(v, s, "en").draft_id for s in (action_id, CASE)]
        with opened(root, REVIEWER) as v:
            approve(v, draft_ids[0])
        with opened(root, ADMIN) as v:
            before = v.audit.size()
            info = create_backup(v, base / "demo.age", [recipient])
    return Made(root, base / "demo.age", key, recipient, info, before)


# --- making a backup -------------------------------------------------------------------------


def test_backup_is_logged_without_its_recipients(made: Made) -> None:
    assert made.info.snapshot.audit_size == made.size_before + 1  # the backup.create entry
    with opened(made.vault, ADMIN) as v, v.store.read():
        entries = v.audit.find(AuditFilter(action="backup"), v.members.sign_keys())
        (seq, entry), *_ = entries
        body = v.store.audit_entry(seq).body
        expected = v.keyed(backup_svc.RECIPIENT_NAMESPACE, made.recipient)
    assert entry.action == "backup.create"
    assert seq == made.info.snapshot.entry
    assert entry.details["backup"] == made.info.snapshot.backup_id
    assert entry.details["recipients"] == 1
    assert entry.details["recipient_digests"] == expected
    assert made.recipient.encode() not in body
    assert made.recipient[4:20].encode() not in body


def test_verify_reports_what_it_checked(made: Made) -> None:
    report = verify_backup(made.file, secret(made.key))
    s = report.snapshot
    assert s == made.info.snapshot
    assert s.created_by == ADMIN
    assert report.signer == fingerprint(s.created_by_key)
    assert report.checkpoint_by_maker  # the maker's own entry was the last one
    assert [f.name for f in report.files] == ["checkpoint.txt", "keyring.json", "vault.db"]
    assert report.files == made.info.files
    keyring = (made.vault / layout.KEYRING_NAME).read_bytes()
    assert report.files[1].sha256 == hashlib.sha256(keyring).hexdigest()


def test_the_age_tool_decrypts_the_backup(made: Made, tmp_path: Path) -> None:
    """THE interop test: the standard `age` (Debian package) opens the backup; tar reads it; the
    manifest's hashes and its signature hold for what came out."""
    age = shutil.which("age")
    if age is None:
        pytest.skip("the age command is not installed (Debian package 'age'); CI installs it")
    tar_path = tmp_path / "backup.tar"
    p = subprocess.run(
        [age, "-d", "-i", str(made.key), "-o", str(tar_path), str(made.file)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    with tarfile.open(tar_path, mode="r:") as tar:
        assert [m.name for m in tar.getmembers()] == MEMBERS
        assert all(m.isreg() and m.mode == 0o600 for m in tar.getmembers())
        tar.extractall(tmp_path / "out", filter="data")
    out = tmp_path / "out"
    manifest_bytes = (out / "MANIFEST.json").read_bytes()
    manifest = json.loads(manifest_bytes)
    assert manifest["format"] == "casevault-backup-v1"
    assert manifest["vault_id"] == layout.read_keyring(made.vault)["vault_id"]
    for f in manifest["files"]:
        data = (out / f["name"]).read_bytes()
        assert len(data) == f["bytes"]
        assert hashlib.sha256(data).hexdigest() == f["sha256"]
    key = base64.b64decode(manifest["created_by_key"])
    signature = base64.b64decode((out / "MANIFEST.sig").read_bytes())
    assert verify_signature(key, signature, manifest_message(manifest_bytes))
    assert (out / "vault.db").read_bytes()[:16] != b"SQLite format 3\x00"  # still encrypted
    assert manifest["audit"]["size"] == int((out / "checkpoint.txt").read_text().split("\n")[1])


def test_backup_made_by_the_installed_command_to_an_age_keygen_key(
    demo_path: Path, tmp_path: Path
) -> None:
    """The real console script, and a key made by the real age-keygen."""
    keygen = shutil.which("age-keygen")
    if keygen is None:
        pytest.skip("age-keygen is not installed (Debian package 'age'); CI installs it")
    beside = Path(sys.executable).parent / "casevault"
    casevault = str(beside) if beside.exists() else shutil.which("casevault")
    assert casevault, "the casevault console script is not installed (pip install -e .)"
    key = tmp_path / "age.key"
    subprocess.run([keygen, "-o", str(key)], check=True, capture_output=True, timeout=30)
    recipient = subprocess.run(
        [keygen, "-y", str(key)], check=True, capture_output=True, text=True, timeout=30
    ).stdout.strip()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CASEVAULT_")},
        "CASEVAULT_STATE_DIR": str(tmp_path / "state"),
        "CASEVAULT_PATH": str(demo_path),
        "CASEVAULT_USER": ADMIN,
        "CASEVAULT_PASSPHRASE": PASSPHRASES[ADMIN],
    }
    out = tmp_path / "b.age"
    p = subprocess.run(
        [casevault, "backup", "create", "--to", str(out), "--recipient", recipient],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert f"Backup written to {out}" in p.stdout
    p = subprocess.run(
        [casevault, "backup", "verify", str(out), "--age-identity", str(key)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert ": OK — vault" in p.stdout
    secret_line = key.read_text().strip().splitlines()[-1]
    for text in (p.stdout, p.stderr):
        assert secret_line not in text and "AGE-SECRET-KEY" not in text


EDITED = "UA-061-21-010"
_EDITOR = """
import sys
import time
from pathlib import Path
from vault.crypto import Passphrase
from vault.services.session import Vault
from vault.services import cases
root, stop = Path(sys.argv[1]), Path(sys.argv[2])
v = Vault.open(root, "cara", lambda _n: Passphrase.from_text("demo-cara-not-secret"))
i = 0
while not stop.exists() and i < 5000:
    cases.edit_case(v, "UA-061-21-010", {"risk_notes": f"edit-{i}"})
    if i == 0:
        print("started", flush=True)
    i += 1
    time.sleep(0.01)  # a writer at working speed: SQLite's lock is not fair to a tight loop
v.close()
"""


def _versions(store: SqlCipherStore, case_id: str) -> int:
    with store.read():
        return len(store.case_versions(case_id))


def test_backup_is_the_vault_at_one_moment_while_others_read_and_write(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection holds a read transaction open, and another process edits a case over
    and over before, during and after the backup. The backup is the vault as of one committed
    transaction: a prefix of the log that verifies, holding the edits made before it and none
    made after."""
    key, recipient = age_key(tmp_path)
    stop = tmp_path / "stop"
    db_key_bytes = SecretBytes(db_key(demo_path, ADMIN))
    other = SqlCipherStore.open(demo_path / layout.DB_NAME, db_key_bytes)
    editor = subprocess.Popen(
        [sys.executable, "-c", _EDITOR, str(demo_path), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        with opened(demo_path, ADMIN) as admin:
            assert editor.stdout is not None
            assert editor.stdout.readline().strip() == "started"
            with other.read():
                held = other.audit_size()
                info = create_backup(admin, tmp_path / "b.age", [recipient])
                assert other.audit_size() == held  # the reader's view did not move
        restore_backup(tmp_path / "b.age", tmp_path / "restored", secret(key))
        restored = SqlCipherStore.open(tmp_path / "restored" / layout.DB_NAME, db_key_bytes)
        in_backup = _versions(restored, EDITED)
        deadline = time.monotonic() + 60
        while _versions(other, EDITED) <= in_backup and time.monotonic() < deadline:
            time.sleep(0.05)  # until the editor has written after the backup's moment
        stop.touch()
        assert editor.wait(timeout=120) == 0
    finally:
        stop.touch()
        other.close()
        if editor.poll() is None:
            editor.kill()
    original = SqlCipherStore.open(demo_path / layout.DB_NAME, db_key_bytes)
    try:
        size = info.snapshot.audit_size
        assert held < size < original.audit_size()
        assert 1 < in_backup < _versions(original, EDITED)  # edits on both sides of it
        with original.read(), restored.read():
            assert list(restored.audit_entries()) == list(original.audit_entries())[:size]
            assert restored.case_versions(EDITED) == original.case_versions(EDITED)[:in_backup]
        head = restored.latest_audit_head()
        assert head is not None and head[0] == size
    finally:
        original.close()
        restored.close()
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "fresh-state"))
    with opened(tmp_path / "restored", CASEWORKER) as v:
        assert audit_svc.verify(v).ok
        notes = cases.show_case(v, EDITED).values.get("risk_notes")
        assert notes == f"edit-{in_backup - 2}"  # version 1 is the demo's


# --- restoring -------------------------------------------------------------------------------


def _rows(store: SqlCipherStore) -> dict[str, Any]:
    """Everything a vault holds, through the store's own reads."""
    with store.read():
        case_ids = store.case_ids()
        drafts = store.drafts()
        action_ids = store.action_ids()
        return {
            "vault_id": store.get_meta("vault_id"),
            "case_ids": case_ids,
            "case_versions": {c: store.case_versions(c) for c in case_ids},
            "drafts": drafts,
            "reviews": {
                (d.draft_id, d.version): store.reviews(d.draft_id, d.version) for d in drafts
            },
            "actions": {a: store.action(a) for a in action_ids},
            "audit": list(store.audit_entries()),
            "audit_heads": list(store.audit_heads()),
            "audit_case_refs": sorted(store.audit_case_refs()),
            "state": store.state_rows(),
            "key_wraps": {k: store.key_wraps(k) for k in ("role", "level", "index")},
        }


def _tables(root: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read with a plain keyed connection."""
    with raw_db(root, ADMIN) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            name: sorted(
                (tuple(row) for row in db.execute(f'SELECT * FROM "{name}"')),  # noqa: S608
                key=repr,
            )
            for name in names
        }


def test_restore_holds_every_case_version_draft_action_audit_entry_and_state_record(
    made: Made, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "restored"
    report = restore_backup(made.file, target, secret(made.key))
    assert report.restored_to == target
    assert sorted(p.name for p in target.iterdir()) == ["keyring.json", "vault.db"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o700)
    assert (target / "keyring.json").read_bytes() == (made.vault / "keyring.json").read_bytes()
    assert leftovers(tmp_path) == []
    key = SecretBytes(db_key(made.vault, ADMIN))
    assert key.reveal() == db_key(target, ADMIN)
    original = SqlCipherStore.open(made.vault / layout.DB_NAME, key)
    restored = SqlCipherStore.open(target / layout.DB_NAME, key)
    try:
        before, after = _rows(original), _rows(restored)
        assert restored.integrity_check() == []
    finally:
        original.close()
        restored.close()
    assert len(before["case_ids"]) == 64 and len(before["drafts"]) == 2 and before["actions"]
    assert any(before["reviews"].values())
    for part in before:  # one assertion per part, so a failure names it
        assert after[part] == before[part], part
    for case_id, versions in before["case_versions"].items():  # row by row, as asked
        for old, new in zip(versions, after["case_versions"][case_id], strict=True):
            assert (new.version, new.body, new.signature) == (old.version, old.body, old.signature)
    assert len(after["audit"]) == made.info.snapshot.audit_size
    assert _tables(target) == _tables(made.vault)
    # A person opens the restored vault on a machine that has never seen it, and reads a case.
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "fresh-state"))
    with opened(target, CASEWORKER) as v:
        view = cases.show_case(v, CASE)
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "other-state"))
    shutil.copytree(made.vault, tmp_path / "original")  # reading logs the read: not in `made`
    with opened(tmp_path / "original", CASEWORKER) as v:
        assert cases.show_case(v, CASE).values == view.values
    assert view.values["case_id"] == CASE


def test_restore_through_the_command_line_says_what_it_checked(made: Made, tmp_path: Path) -> None:
    target = tmp_path / "restored"
    code, out, err = run(
        "backup",
        "restore",
        str(made.file),
        "--to",
        str(target),
        "--age-identity",
        str(made.key),
        user=ADMIN,
    )
    assert code == 0, err
    assert out.startswith(f"Restored into {target}; the restore is signed and logged by {ADMIN}.\n")
    assert made.info.snapshot.backup_id in out
    assert "3 files match the signed manifest" in out
    assert "AGE-SECRET-KEY" not in out + err
    code, out, err = run(
        "--json", "backup", "verify", str(made.file), "--age-identity", str(made.key)
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["audit_size"] == made.info.snapshot.audit_size
    assert data["created_by"] == ADMIN


# --- refusals --------------------------------------------------------------------------------


def test_restore_onto_an_existing_folder_refuses_and_leaves_it_unchanged(
    made: Made, tmp_path: Path
) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    code, out, err = run(
        "backup",
        "restore",
        str(made.file),
        "--to",
        str(target),
        "--age-identity",
        str(made.key),
        user=ADMIN,
    )
    assert_one_line(code, out, err, "refusing to overwrite", 2)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert (target / "notes.txt").read_text() == "mine"
    assert leftovers(tmp_path) == []
    file_target = tmp_path / "a-file"
    file_target.write_text("x")
    with pytest.raises(UsageError, match="refusing to overwrite"):
        restore_backup(made.file, file_target, secret(made.key))
    assert file_target.read_text() == "x"
    (tmp_path / "empty").mkdir()  # an empty folder may be restored into
    restore_backup(made.file, tmp_path / "empty", secret(made.key))
    assert sorted(p.name for p in (tmp_path / "empty").iterdir()) == ["keyring.json", "vault.db"]


def test_a_wrong_age_identity_refuses(made: Made, tmp_path: Path) -> None:
    other, _ = age_key(tmp_path, "other.txt")
    target = tmp_path / "restored"
    code, out, err = run(
        "backup",
        "restore",
        str(made.file),
        "--to",
        str(target),
        "--age-identity",
        str(other),
        user=ADMIN,
    )
    assert_one_line(code, out, err, "does not open", 3)
    assert not target.exists() and leftovers(tmp_path) == []
    assert "AGE-SECRET-KEY" not in out + err
    with pytest.raises(AuthenticationError):
        verify_backup(made.file, secret(other))


@pytest.mark.parametrize(
    "bad_key",
    [b"", b"# only a comment\n", b"AGE-SECRET-KEY-1NOTAKEY\n", b"ssh-ed25519 AAAA\n", b"\xff\xfe"],
    ids=["empty", "comments only", "damaged key", "a public key", "not text"],
)
def test_an_unusable_identity_file_refuses_without_showing_it(
    made: Made, tmp_path: Path, bad_key: bytes
) -> None:
    keyfile = tmp_path / "bad.txt"
    keyfile.write_bytes(bad_key)
    code, out, err = run("backup", "verify", str(made.file), "--age-identity", str(keyfile))
    assert_one_line(code, out, err, "identity", 2)
    if bad_key.strip():
        assert bad_key.strip().decode("utf-8", "replace") not in err


def _damaged(made: Made, tmp_path: Path, change: Callable[[bytearray], bytearray]) -> Path:
    data = change(bytearray(made.file.read_bytes()))
    out = tmp_path / "damaged.age"
    out.write_bytes(bytes(data))
    return out


def _without_last_chunk(d: bytearray) -> bytearray:
    header_end = d.index(b"\n", d.index(b"\n--- ") + 1) + 1
    payload = header_end + 16  # the nonce
    chunk = 64 * 1024 + 16
    full = (len(d) - payload - 1) // chunk  # chunks before the last
    assert full > 1
    return d[: payload + full * chunk]


def _cut(at: int) -> Callable[[bytearray], bytearray]:
    return lambda d: d[: at if at >= 0 else len(d) + at]


def _flip(at: int) -> Callable[[bytearray], bytearray]:
    def change(d: bytearray) -> bytearray:
        i = at if at >= 0 else len(d) + at
        d[i] ^= 0x01
        return d

    return change


@pytest.mark.parametrize(
    "change",
    [
        _cut(0),  # empty
        _cut(60),  # in the header
        _cut(300),  # just after the header
        "last chunk",  # whole chunks kept, the last one gone: age's last-chunk flag catches it
        _cut(-1),
        _flip(3),  # the version line
        _flip(40),  # the recipient stanza
        _flip(200),  # the header's MAC or the nonce
        _flip(1000),  # the first chunk
        _flip(-5000),  # deep in the database
        _flip(-1),  # the last tag
    ],
    ids=[
        "empty",
        "cut in header",
        "cut after header",
        "last chunk gone",
        "last byte gone",
        "flip version",
        "flip stanza",
        "flip header end",
        "flip first chunk",
        "flip database",
        "flip last tag",
    ],
)
def test_a_truncated_or_altered_backup_refuses(
    made: Made, tmp_path: Path, change: Callable[[bytearray], bytearray] | str
) -> None:
    if change == "last chunk":
        change = _without_last_chunk
    assert callable(change)
    damaged = _damaged(made, tmp_path, change)
    target = tmp_path / "restored"
    with pytest.raises((IntegrityError, AuthenticationError)):
        restore_backup(damaged, target, secret(made.key))
    assert not target.exists() and leftovers(tmp_path) == []


def test_a_flipped_byte_in_the_data_is_exit_5_in_one_line(made: Made, tmp_path: Path) -> None:
    damaged = _damaged(made, tmp_path, _flip(len(made.file.read_bytes()) // 2))
    code, out, err = run(
        "backup",
        "restore",
        str(damaged),
        "--to",
        str(tmp_path / "r"),
        "--age-identity",
        str(made.key),
        user=ADMIN,
    )
    assert_one_line(code, out, err, "damaged, truncated or was altered", 5)
    assert not (tmp_path / "r").exists() and leftovers(tmp_path) == []
    truncated = _damaged(made, tmp_path, _cut(-100))
    code, out, err = run("backup", "verify", str(truncated), "--age-identity", str(made.key))
    assert_one_line(code, out, err, "damaged, truncated or was altered", 5)


# Tars built by hand from the backup's own members and encrypted to its recipient: what anyone
# holding the recipient's public key can make. Each is refused before anything is written.
Members = dict[str, bytes]


def _in_order(m: Members, replace: Members | None = None) -> list[tuple[tarfile.TarInfo, bytes]]:
    return [regular(name, (replace or {}).get(name, m[name])) for name in MEMBERS]


def _special(name: str, kind: bytes, target: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, b""


def _flip_in(data: bytes) -> bytes:
    b = bytearray(data)
    b[len(b) // 2] ^= 1
    return bytes(b)


def _edit_manifest(m: Members, change: Callable[[dict[str, Any]], None]) -> bytes:
    manifest = json.loads(m["MANIFEST.json"])
    change(manifest)
    return json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"


def _one_less(d: dict[str, Any]) -> None:
    d["audit"]["size"] -= 1


def _with_pax_header(m: Members) -> bytes:
    entries = _in_order(m)
    entries[0][0].pax_headers = {"comment": "hello"}
    return make_tar(entries, tarfile.PAX_FORMAT)


TAMPERED: dict[str, tuple[Callable[[Members], bytes], str]] = {
    "an extra member": (
        lambda m: make_tar([*_in_order(m), regular("notes.txt", b"hi")]),
        "which a backup never holds",
    ),
    "a ../ path": (
        lambda m: make_tar([*_in_order(m)[:4], regular("../vault.db", m["vault.db"])]),
        "'../vault.db', which a backup never holds",
    ),
    "an absolute path": (
        lambda m: make_tar([*_in_order(m)[:4], regular("/srv/vault.db", m["vault.db"])]),
        "which a backup never holds",
    ),
    "a folder": (
        lambda m: make_tar([_special("vault.db", tarfile.DIRTYPE), *_in_order(m)[:4]]),
        "not a regular file",
    ),
    "a symlink": (
        lambda m: make_tar(
            [
                *_in_order(m)[:3],
                _special("keyring.json", tarfile.SYMTYPE, "/etc/passwd"),
                *_in_order(m)[4:],
            ]
        ),
        "not a regular file",
    ),
    "a hard link": (
        lambda m: make_tar(
            [*_in_order(m)[:4], _special("vault.db", tarfile.LNKTYPE, "keyring.json")]
        ),
        "not a regular file",
    ),
    "a pax header": (_with_pax_header, "not a regular file"),
    "a member twice": (
        lambda m: make_tar([*_in_order(m), regular("vault.db", m["vault.db"])]),
        "vault.db twice",
    ),
    "a member missing": (
        lambda m: make_tar([e for e in _in_order(m) if e[0].name != "checkpoint.txt"]),
        "lacks checkpoint.txt",
    ),
    "two members swapped": (
        lambda m: make_tar(
            _in_order(m, {"keyring.json": m["checkpoint.txt"], "checkpoint.txt": m["keyring.json"]})
        ),
        "does not match its hash",
    ),
    "a byte of the database flipped": (
        lambda m: make_tar(_in_order(m, {"vault.db": _flip_in(m["vault.db"])})),
        "vault.db in the backup does not match its hash",
    ),
    "the manifest edited": (
        lambda m: make_tar(_in_order(m, {"MANIFEST.json": _edit_manifest(m, _one_less)})),
        "signature over MANIFEST.json does not verify",
    ),
    "the signature emptied": (
        lambda m: make_tar(_in_order(m, {"MANIFEST.sig": b"\n"})),
        "does not verify",
    ),
    "data after the end": (
        lambda m: make_tar(_in_order(m)) + b"hidden" + b"\0" * 506,
        "data after the end",
    ),
}


@pytest.mark.parametrize("what", list(TAMPERED))
def test_a_tar_holding_anything_else_refuses(made: Made, tmp_path: Path, what: str) -> None:
    members = {info.name: data for info, data in plain_members(made.file, made.key)}
    build, expected = TAMPERED[what]
    forged = seal(build(members), made.recipient, tmp_path / "forged.age")
    target = tmp_path / "restored"
    code, out, err = run(
        "backup",
        "restore",
        str(forged),
        "--to",
        str(target),
        "--age-identity",
        str(made.key),
        user=ADMIN,
    )
    assert_one_line(code, out, err, expected, 5)
    assert not target.exists() and leftovers(tmp_path) == []


def test_the_untouched_members_rebuilt_by_hand_still_verify(made: Made, tmp_path: Path) -> None:
    """The forgeries above fail for what was changed, not for how the tar was built."""
    members = {info.name: data for info, data in plain_members(made.file, made.key)}
    rebuilt = seal(make_tar(_in_order(members)), made.recipient, tmp_path / "rebuilt.age")
    assert verify_backup(rebuilt, secret(made.key)).snapshot == made.info.snapshot


def test_a_backup_signed_by_a_stranger_shows_the_strangers_key(made: Made, tmp_path: Path) -> None:
    """age does not say who encrypted a file: anyone holding a recipient's public key can make a
    backup. The report names the key that signed it, for the person to compare with the one they
    know; a stranger's key under a member's name fails on the checkpoint that member signed."""
    members = {info.name: data for info, data in plain_members(made.file, made.key)}
    stranger = Identity.generate("mallory")

    def forged(name: str) -> Path:
        def change(d: dict[str, Any]) -> None:
            d["created_by"] = name
            d["created_by_key"] = base64.b64encode(stranger.public.sign_public).decode()

        manifest = _edit_manifest(members, change)
        signature = base64.b64encode(stranger.sign(manifest_message(manifest))) + b"\n"
        tar = make_tar(_in_order(members, {"MANIFEST.json": manifest, "MANIFEST.sig": signature}))
        return seal(tar, made.recipient, tmp_path / f"{name}.age")

    report = verify_backup(forged("mallory"), secret(made.key))
    assert report.signer == fingerprint(stranger.public.sign_public)
    assert report.signer != fingerprint(made.info.snapshot.created_by_key)
    assert not report.checkpoint_by_maker and report.checkpoint_signers == [ADMIN]
    with pytest.raises(IntegrityError, match="no verifiable signatures"):
        verify_backup(forged(ADMIN), secret(made.key))


def test_create_refusals_leave_no_file(demo_path: Path, tmp_path: Path) -> None:
    _key, recipient = age_key(tmp_path)
    out = tmp_path / "b.age"
    code, o, e = run("backup", "create", "--to", str(out), vault=demo_path, user=ADMIN)
    assert_one_line(code, o, e, "no recipient", 2)
    code, o, e = run(
        "backup",
        "create",
        "--to",
        str(out),
        "--recipient",
        "age1notakey",
        vault=demo_path,
        user=ADMIN,
    )
    assert_one_line(code, o, e, "not a valid age recipient", 2)
    code, o, e = run(
        "backup",
        "create",
        "--to",
        str(out),
        "--recipient",
        "ssh-rsa AAAAB3Nza",
        vault=demo_path,
        user=ADMIN,
    )
    assert_one_line(code, o, e, "not an age recipient", 2)
    code, o, e = run(
        "backup",
        "create",
        "--to",
        str(out),
        "--recipient",
        recipient,
        vault=demo_path,
        user=CASEWORKER,
    )
    assert_one_line(code, o, e, f"{CASEWORKER} (caseworker) may not make a backup", 3)
    assert not out.exists() and leftovers(tmp_path) == []
    out.write_bytes(b"precious")
    code, o, e = run(
        "backup",
        "create",
        "--to",
        str(out),
        "--recipient",
        recipient,
        vault=demo_path,
        user=ADMIN,
    )
    assert_one_line(code, o, e, "already exists", 2)
    assert out.read_bytes() == b"precious"
    with opened(demo_path, ADMIN) as v, v.store.read():
        assert not v.audit.find(AuditFilter(action="backup"), v.members.sign_keys())


def test_refusal_by_role_is_an_access_error(
    open_as: Callable[[str], Vault], tmp_path: Path
) -> None:
    _key, recipient = age_key(tmp_path)
    with pytest.raises(AccessDeniedError):
        create_backup(open_as(CASEWORKER), tmp_path / "b.age", [recipient])


def test_a_crash_while_writing_leaves_no_backup_and_the_next_run_says_why(
    open_as: Callable[[str], Vault], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, recipient = age_key(tmp_path)
    out = tmp_path / "b.age"
    v = open_as(ADMIN)

    def half_then_fail(reader: Any, writer: Any, recipients: Any) -> None:
        writer.write(b"age-encryption.org/v1\n" + reader.read(4096))
        raise pyrage.EncryptError("disk full")

    with monkeypatch.context() as mp:
        mp.setattr(age_crypto.pyrage, "encrypt_io", half_then_fail)
        with pytest.raises(backup_svc.VaultError, match="could not encrypt"):
            create_backup(v, out, [recipient])
    assert not out.exists() and leftovers(tmp_path) == []
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    # A kill -9 in the middle leaves the partial file: the next run names it and stops.
    partial = tmp_path / "b.age.partial"
    partial.write_bytes(b"age-encryption.org/v1\n")
    with pytest.raises(UsageError, match="left from an interrupted backup"):
        create_backup(v, out, [recipient])
    partial.unlink()
    info = create_backup(v, out, [recipient])
    assert verify_backup(out, secret(key)).snapshot == info.snapshot
    assert oct(out.stat().st_mode & 0o777) == oct(0o600)


def test_several_recipients_and_an_ssh_key_each_open_it(
    open_as: Callable[[str], Vault], tmp_path: Path
) -> None:
    keygen = shutil.which("ssh-keygen")
    k1, r1 = age_key(tmp_path, "one.txt")
    k2, r2 = age_key(tmp_path, "two.txt")
    named = [r1, r2, r1.upper()]  # the same key twice counts once
    keys = [k1, k2]
    if keygen is not None:
        ssh_key = tmp_path / "id_ed25519"
        subprocess.run(
            [keygen, "-q", "-t", "ed25519", "-N", "", "-C", "someone@example", "-f", str(ssh_key)],
            check=True,
            timeout=30,
        )
        named.append(Path(f"{ssh_key}.pub").read_text().strip())
        keys.append(ssh_key)
    info = create_backup(open_as(ADMIN), tmp_path / "b.age", named)
    assert info.recipients == len(keys)
    for keyfile in keys:
        assert verify_backup(tmp_path / "b.age", secret(keyfile)).snapshot == info.snapshot


def test_no_secret_is_printed(demo_path: Path, tmp_path: Path) -> None:
    key, recipient = age_key(tmp_path)
    out = tmp_path / "b.age"
    said = [
        run(
            "backup",
            "create",
            "--to",
            str(out),
            "--recipient",
            recipient,
            vault=demo_path,
            user=ADMIN,
        )
    ]
    said.append(run("backup", "verify", str(out), "--age-identity", str(key)))
    said.append(
        run(
            "backup",
            "restore",
            str(out),
            "--to",
            str(tmp_path / "r"),
            "--age-identity",
            str(key),
            user=ADMIN,
        )
    )
    said.append(run("--json", "backup", "verify", str(out), "--age-identity", str(key)))
    secret_line = key.read_text().strip().splitlines()[-1]
    for code, o, e in said:
        assert code == 0, e
        for text in (o, e):
            assert secret_line not in text
            assert "AGE-SECRET-KEY" not in text
            assert PASSPHRASES[ADMIN] not in text
            assert db_key(demo_path, ADMIN).hex() not in text
