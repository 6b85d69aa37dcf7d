"""An import's transaction under a rollback journal (issue 23: all or nothing without a
write-ahead log the size of what it adds). In WAL mode a transaction writes every page to the
log and copies it into the database after the commit, so an import needed free disk of twice
what it added; under a rollback journal its new pages go into the database file directly. A
crash must still leave the vault as it was: the next opening rolls the hot journal back.
Invented cases only (the scale benchmark's)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import passphrase_for
from vault.bench.run import _folder_bytes, write_cases
from vault.errors import (
    BusyStoreError,
    DamagedStoreError,
    DiskFullError,
    StoreError,
    ValidationError,
)
from vault.services import layout
from vault.services.importer import import_file
from vault.services.session import Vault
from vault.store import SqlCipherStore, connection


def _open(root: Path) -> Vault:
    return Vault.open(root, "cara", lambda _n: passphrase_for("cara"))


def _journal_mode(v: Vault) -> str:
    return str(v.store._conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()


def test_an_import_needs_free_disk_of_about_what_it_adds(demo_path: Path, tmp_path: Path) -> None:
    """The vault folder's size, sampled while 400 cases are imported, never exceeds what it
    was by more than 1.2 times what the import adds (in WAL mode: 2.0 times, measured); no
    write-ahead log grows beside the database while the import writes, its journal does."""
    source = tmp_path / "cases.jsonl"
    write_cases(source, 400, first=7_000_000)
    db = demo_path / layout.DB_NAME
    before = _folder_bytes(demo_path)
    peak, seen = before, set()
    stop = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not stop.wait(0.01):
            peak = max(peak, _folder_bytes(demo_path))
            seen.update(p.name for p in demo_path.iterdir())

    watcher = threading.Thread(target=watch)
    with _open(demo_path) as v:
        watcher.start()
        try:
            assert import_file(v, source).count == 400
        finally:
            stop.set()
            watcher.join()
        assert _journal_mode(v) == "wal"  # back to WAL for everything after it
    after = _folder_bytes(demo_path)
    assert after - before > 2_000_000  # it did add something worth measuring
    assert peak - before <= 1.2 * (after - before)
    assert f"{db.name}-journal" in seen
    assert not (demo_path / f"{db.name}-journal").exists()


# the caseworker's demo passphrase comes from the benchmark's code, not the command line
_IMPORTER = """
import sys
from pathlib import Path
from vault.bench.run import _open
from vault.services.importer import import_file
with _open(Path(sys.argv[1])) as v:
    import_file(v, Path(sys.argv[2]))
"""


def test_an_import_killed_after_writing_into_the_file_leaves_the_vault_as_before(
    demo_path: Path, tmp_path: Path
) -> None:
    """Killed once the import's pages are in the database file itself (the file has grown,
    its journal beside it), the vault opens as it was: the same cases, a sound file of its
    old size, WAL mode again, no journal left; and the same file then imports whole."""
    source = tmp_path / "cases.jsonl"
    write_cases(source, 3000, first=7_000_000)
    db = demo_path / layout.DB_NAME
    with _open(demo_path) as v:
        count = v.store.count_cases()
    size = db.stat().st_size
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen(
        [sys.executable, "-c", _IMPORTER, str(demo_path), str(source)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    journal = demo_path / f"{db.name}-journal"
    deadline = time.monotonic() + 300
    while not (journal.exists() and db.stat().st_size > size + 4_000_000):
        assert proc.poll() is None, "the import ended before it wrote into the file"
        assert time.monotonic() < deadline, "the import never wrote into the file"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    assert journal.exists()  # a hot journal: the crash really left the file half-written
    held = journal.read_bytes()  # the old pages, copied aside: encrypted as the file is
    assert len(held) > 4096
    for clear in (b"SQLite format 3", b"UA-061-21", b"case_versions", b"cara"):
        assert clear not in held
    with _open(demo_path) as v:
        assert v.store.count_cases() == count
        assert v.store.case_head("UA-900-26-7000000") is None
        assert v.store.integrity_check() == []
        assert _journal_mode(v) == "wal"
    assert not journal.exists()
    assert db.stat().st_size == size
    with _open(demo_path) as v:
        assert import_file(v, source).count == 3000
        assert v.store.count_cases() == count + 3000


def test_an_import_beside_another_open_session_still_commits_whole(
    demo_path: Path, tmp_path: Path
) -> None:
    """Another connection open on the vault keeps it in WAL mode (the journal mode cannot
    change under it): the import runs as before, and the other session reads its cases."""
    source = tmp_path / "cases.jsonl"
    write_cases(source, 30, first=7_000_000)
    told: list[bool] = []
    with _open(demo_path) as other, _open(demo_path) as v:
        before = other.store.count_cases()
        assert import_file(v, source, on_shared=lambda: told.append(True)).count == 30
        assert told == [True]  # the person is told it needs about twice the free disk
        assert _journal_mode(v) == "wal"
        assert other.store.count_cases() == before + 30
    assert not (demo_path / f"{layout.DB_NAME}-journal").exists()


def test_opening_a_vault_an_import_holds_says_it_is_busy(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a writer holds the vault under a rollback journal (an import, once its pages spill
    into the file, holds SQLite's exclusive lock until it commits), opening it fails with the
    one line that says the vault is busy, not that the key is wrong."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 300)
    with _open(demo_path) as v:
        raw = v.store._conn._conn
        assert str(raw.execute("PRAGMA journal_mode = DELETE").fetchone()[0]) == "delete"
        raw.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(StoreError, match="the vault is busy") as caught:
                _open(demo_path)
            assert "key is wrong" not in str(caught.value)
        finally:
            raw.execute("ROLLBACK")


def test_an_import_refused_part_way_leaves_wal_mode_and_no_journal(
    demo_path: Path, tmp_path: Path
) -> None:
    """A bad row after many good ones: nothing is written, and the vault is back in WAL mode
    for the writes after it."""
    source = tmp_path / "cases.jsonl"
    write_cases(source, 120, first=7_000_000)
    with source.open("a", encoding="utf-8") as fh:
        fh.write('{"case_id": "UA-900-26-7999999", "date_of_birth": "not a date"}\n')
    with _open(demo_path) as v:
        before = v.store.count_cases()
        with pytest.raises(ValidationError, match=r"cases\.jsonl:121: "):
            import_file(v, source)
        assert v.store.count_cases() == before
        assert _journal_mode(v) == "wal"


def test_a_full_disk_says_so_and_leaves_the_vault_as_it_was(
    demo_path: Path, tmp_path: Path
) -> None:
    """The disk fills part-way through an import (SQLite's page limit stands in for it): one
    line says the disk is full and nothing was written, not that the vault is damaged; the
    vault is as it was, sound, back in WAL mode."""
    source = tmp_path / "cases.jsonl"
    write_cases(source, 400, first=7_000_000)
    with _open(demo_path) as v:
        before = v.store.count_cases()
        pages = int(v.store._conn.execute("PRAGMA page_count").fetchone()[0])
        v.store._conn.execute(f"PRAGMA max_page_count = {pages + 200}")
        with pytest.raises(DiskFullError) as caught:
            import_file(v, source)
        assert caught.value.diagnostics().startswith("the disk is full: nothing was written")
        assert not isinstance(caught.value, DamagedStoreError)
        assert v.store.count_cases() == before
        assert _journal_mode(v) == "wal"
        assert v.store.integrity_check() == []


def test_the_bulk_write_syncs_its_folder_and_returns_to_full_sync(demo_path: Path) -> None:
    """Under the rollback journal the commit syncs the folder too (``EXTRA``: a power cut just
    after it cannot bring the journal back); after it, WAL mode and ``FULL`` as every write."""
    with _open(demo_path) as v:
        sync = v.store._conn.execute
        with v.store.bulk_write():
            assert _journal_mode(v) == "delete"
            assert int(sync("PRAGMA synchronous").fetchone()[0]) == 3  # EXTRA
        assert _journal_mode(v) == "wal"
        assert int(sync("PRAGMA synchronous").fetchone()[0]) == 2  # FULL


def test_switching_back_to_wal_never_hides_an_error_nor_fails_a_commit(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If WAL mode cannot be had back: a committed write stays committed and is not reported as
    failed (a retry would find its cases already there), and an error that ended the write is
    the one raised."""

    def refuse(self: object) -> None:
        raise StoreError("the vault is busy")

    monkeypatch.setattr(SqlCipherStore, "_enter_wal", refuse)
    with _open(demo_path) as v:
        with v.store.bulk_write():
            assert _journal_mode(v) == "delete"  # alone on the vault: it did switch
            v.store.put_meta("journal-test", b"committed")
        assert v.store.get_meta("journal-test") == b"committed"
        with pytest.raises(ValueError, match=r"sheet\.csv:7"), v.store.bulk_write():
            v.store.put_meta("journal-test", b"rolled back")
            raise ValueError("sheet.csv:7: field date_of_birth: not a date")
        assert v.store.get_meta("journal-test") == b"committed"


def test_leaving_wal_fails_loudly_unless_another_connection_is_the_reason(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only another connection (busy) sends the import on in WAL mode; any other failure of the
    switch (a damaged page, a full disk in the checkpoint it runs) is raised, not hidden."""
    with _open(demo_path) as v:
        guarded = v.store._conn
        real = guarded.execute

        def damaged(sql: str, args: tuple[object, ...] = ()) -> object:
            if sql == "PRAGMA journal_mode = DELETE":
                raise DamagedStoreError("the vault database is damaged")
            return real(sql, args)

        monkeypatch.setattr(guarded, "execute", damaged)
        with pytest.raises(DamagedStoreError), v.store.bulk_write():
            pass
        monkeypatch.undo()
        assert _journal_mode(v) == "wal"


def test_an_opening_held_back_by_an_import_does_not_try_a_staged_key(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy vault is not a re-key cut short: the staged key is not tried (it would wait as
    long again, then say the key is wrong)."""
    from vault.services import session

    tried: list[str] = []

    def busy(*_a: object, **_k: object) -> object:
        raise BusyStoreError("the vault is busy")

    monkeypatch.setattr(session.SqlCipherStore, "open", busy)
    monkeypatch.setattr(
        session.layout, "staged_db_key_wrap", lambda *_a: tried.append("staged") or "x"
    )
    with pytest.raises(BusyStoreError):
        _open(demo_path)
    assert tried == []
