"""`audit verify` checks the log's signatures on worker processes: it finds what checking
them one by one in this process finds, each entry's problem once, in entry order."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from tests.conftest import OpenAs
from tests.insider import raw_db
from vault.services import audit


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 10 entries, so that the demo's entries go to the workers, many chunks."""
    monkeypatch.setattr(audit, "VERIFY_CHUNK", 10)


def _problems(open_as: OpenAs, monkeypatch: pytest.MonkeyPatch, cores: int) -> list[str]:
    monkeypatch.setattr(audit, "cores", lambda: cores)
    return audit.verify(open_as("cara")).problems


def test_a_forged_entry_far_down_the_log_is_found_on_the_workers(
    demo_path: Path, open_as: OpenAs, monkeypatch: pytest.MonkeyPatch, small_chunks: None
) -> None:
    with raw_db(demo_path, "pia") as db:
        size = db.execute("SELECT count(*) FROM audit_entries").fetchone()[0]
        assert size > 5 * audit.VERIFY_CHUNK
        late = size - 7  # in the last chunks, well after the first
        (body,) = db.execute("SELECT body FROM audit_entries WHERE seq = ?", (late,)).fetchone()
        actor = b'"actor":"'
        at = bytes(body).index(actor) + len(actor)
        forged = bytes(body)[:at] + b"X" + bytes(body)[at + 1 :]  # a name the entry did not sign
        db.execute("UPDATE audit_entries SET body = ? WHERE seq = ?", (forged, late))
    on_workers = _problems(open_as, monkeypatch, cores=2)
    here = _problems(open_as, monkeypatch, cores=1)
    assert on_workers == here
    assert any(p.startswith(f"audit entry {late} ") for p in on_workers)
    assert len([p for p in on_workers if "does not verify" in p or "not a member" in p]) == 1
    assert multiprocessing.active_children() == []


def test_a_clean_log_is_clean_on_the_workers(
    open_as: OpenAs, monkeypatch: pytest.MonkeyPatch, small_chunks: None
) -> None:
    assert _problems(open_as, monkeypatch, cores=2) == []
