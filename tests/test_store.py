"""The SQLCipher store: opening safely, refusing what is not a vault, concurrency, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import OpenAs, passphrase_for
from vault.errors import AuthenticationError, NotFoundError, StoreError
from vault.models.secret import SecretBytes
from vault.services import cases, history, layout
from vault.services.session import Vault
from vault.store import SqlCipherStore


def test_database_file_is_encrypted(demo_path: Path) -> None:
    raw = (demo_path / layout.DB_NAME).read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    for value in (b"UA-061-21", b"case_versions", b"cara"):
        assert value not in raw


def test_wrong_database_key_is_refused(demo_path: Path) -> None:
    with pytest.raises(StoreError, match="not a vault database, or the key is wrong"):
        SqlCipherStore.open(demo_path / layout.DB_NAME, SecretBytes(bytes(32)))


def test_plaintext_sqlite_file_is_refused(tmp_path: Path) -> None:
    import sqlcipher3

    path = tmp_path / "plain.db"
    conn = sqlcipher3.connect(str(path))
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="unencrypted"):
        SqlCipherStore.open(path, SecretBytes(bytes(32)))


def test_path_that_is_not_a_vault(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(StoreError, match="is not a casevault vault"):
        Vault.open(tmp_path, "cara", lambda _n: passphrase_for("cara"))
    with pytest.raises(NotFoundError, match="no such vault"):  # exit 4, as --help says
        Vault.open(tmp_path / "missing", "cara", lambda _n: passphrase_for("cara"))


def test_wrong_passphrase_and_unknown_user(demo_path: Path) -> None:
    from vault.crypto import Passphrase

    with pytest.raises(AuthenticationError, match="wrong passphrase for 'cara'"):
        Vault.open(demo_path, "cara", lambda _n: Passphrase.from_text("guess"))
    with pytest.raises(AuthenticationError, match="'zed' is not a member"):
        Vault.open(demo_path, "zed", lambda _n: Passphrase.from_text("guess"))


def test_flipped_byte_in_a_page_is_found_by_integrity_check(demo_path: Path) -> None:
    v = Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara"))
    v.store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert v.store.integrity_check() == []
    v.close()
    db = demo_path / layout.DB_NAME
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0x01
    db.write_bytes(bytes(data))
    v = Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara"))
    assert v.store.integrity_check() != []
    v.close()


_EDITOR = """
import sys
from pathlib import Path
from vault.crypto import Passphrase
from vault.services.session import Vault
from vault.services import cases
root, tag, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
v = Vault.open(root, "cara", lambda _n: Passphrase.from_text("demo-cara-not-secret"))
for i in range(n):
    cases.edit_case(v, "UA-061-21-010", {"risk_notes": f"{tag}-{i}"})
v.close()
"""


def test_two_processes_editing_one_case_lose_no_update(demo_path: Path) -> None:
    n = 8
    procs = [
        subprocess.Popen([sys.executable, "-c", _EDITOR, str(demo_path), tag, str(n)])
        for tag in ("A", "B")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    v = Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara"))
    hist = history.case_history(v, "UA-061-21-010")  # also checks the hash chain
    assert [h.version for h in hist] == list(range(1, 2 * n + 2))
    notes = {
        cases.show_case(v, "UA-061-21-010", h.version).values.get("risk_notes") for h in hist[1:]
    }
    assert notes == {f"{t}-{i}" for t in "AB" for i in range(n)}
    v.close()


_IMPORTER = """
import sys
from pathlib import Path
from vault.crypto import Passphrase
from vault.services.session import Vault
from vault.services.importer import import_file
v = Vault.open(Path(sys.argv[1]), "cara", lambda _n: Passphrase.from_text("demo-cara-not-secret"))
print("started", flush=True)
import_file(v, Path(sys.argv[2]))
print("done", flush=True)
"""


def test_import_killed_midway_leaves_vault_as_before(demo_path: Path, tmp_path: Path) -> None:
    rows = [
        {"case_id": f"UA-200-26-{i:04d}", "full_name": f"Invented Crash{i}"} for i in range(30000)
    ]
    src = tmp_path / "big.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    proc = subprocess.Popen(
        [sys.executable, "-c", _IMPORTER, str(demo_path), str(src)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started"
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL  # it really died mid-import
    v = Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara"))
    count = v.store.count_cases()
    assert count in (64, 64 + 30000)
    assert v.store.integrity_check() == []
    if count == 64:
        assert v.store.case_head("UA-200-26-0000") is None
    v.close()


def test_migrations_are_recorded(open_as: OpenAs) -> None:
    v = open_as("cara")
    names = [r[0] for r in v.store._conn.execute("SELECT name FROM schema_migrations")]
    from vault.store.migrations import MIGRATIONS

    assert names == [name for name, _ in MIGRATIONS]
    assert names[:3] == ["0001_core", "0002_audit", "0003_review"]


def test_audit_filters_find_exactly_their_entries(tmp_path: Path) -> None:
    """An action matches itself and its sub-actions ("key.rotate" finds "key.rotate.start"),
    a family ("case") every action under it, never a name that only starts the same way; a
    case's entries come from the log's case index; filters combine; newest first, limited."""
    from vault.store import AuditFilter, AuditRow

    store = SqlCipherStore.create(tmp_path / "v.db", SecretBytes(os.urandom(32)))
    rows = [
        ("case.create", "cara", ("C1",)),
        ("case.read", "rui", ("C1",)),
        ("case.read", "cara", ("C2",)),
        ("cases.export", "cara", ()),  # starts like "case", is not of its family
        ("key.rotate", "cara", ()),
        ("key.rotate.start", "cara", ()),
        ("key.rotated", "cara", ()),  # starts like "key.rotate", is not one of its sub-actions
        ("action.put", "cara", ("C2",)),
    ]
    with store.write():
        for seq, (action, actor, refs) in enumerate(rows):
            time_ = f"2026-01-0{seq + 1}T00:00:00Z"
            store.append_audit(AuditRow(seq, time_, actor, action, refs, b"{}"), [])

    def seqs(**kw: object) -> list[int]:
        with store.read():
            return [r.seq for r in store.find_audit(AuditFilter(**kw))]  # type: ignore[arg-type]

    assert seqs() == [7, 6, 5, 4, 3, 2, 1, 0]
    assert seqs(action="case") == [2, 1, 0]
    assert seqs(action="case.read") == [2, 1]
    assert seqs(action="key.rotate") == [5, 4]
    assert seqs(action="key") == [6, 5, 4]
    assert seqs(action="action.put") == [7]
    assert seqs(case_id="C1") == [1, 0]
    assert seqs(case_id="C2", action="case") == [2]
    assert seqs(case_id="C2", actor="cara") == [7, 2]
    assert seqs(actor="rui") == [1]
    assert seqs(action="case.read", actor="cara") == [2]
    assert seqs(since="2026-01-03T00:00:00Z", until="2026-01-05T00:00:00Z") == [4, 3, 2]
    assert seqs(action="case", limit=2) == [2, 1]
    assert seqs(case_id="C1", limit=1) == [1]
    assert seqs(action="case_read") == []  # "_" is no wildcard
    store.close()
