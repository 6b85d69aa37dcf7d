"""Insider attacks on the audit log's unsigned parts (issue 14), each named for the attack.

A member holds the SQLCipher key and can rewrite any row. The audit log's index (the time,
actor and action columns of ``audit_entries`` and the ``audit_case_refs`` rows) is a copy of
each entry's signed body, kept so that ``audit log`` can filter; nothing signs it. Each test
edits the database as the insider would (``tests/insider.py``), then runs the product's normal
commands and asserts the exact line a person sees.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import PASSPHRASES, passphrase_for
from tests.insider import db_key, raw_db, run_as
from vault.audit import entry as en
from vault.audit import merkle
from vault.audit.log import AuditLog
from vault.crypto import Passphrase, unseal_identity
from vault.models.secret import SecretBytes
from vault.services import layout
from vault.services.session import Vault
from vault.store import AuditRow, SqlCipherStore

CASE = "UA-061-21-004"
OTHER_CASE = "UA-061-21-005"
EDITED = "the index was edited; run 'casevault audit verify'"


def _run(path: Path, user: str, *args: str) -> Result:
    return run_as(path, user, *args)


def _refused(r: Result, code: int = 5) -> str:
    """The one line a person sees when a command refuses."""
    assert r.exit_code == code, (r.exit_code, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def _verify_problems(path: Path) -> list[str]:
    """What `audit verify` says, run by the admin: every line, without the prefixes."""
    r = _run(path, "ada", "audit", "verify")
    assert r.exit_code == 5, (r.stdout, r.stderr)
    lines = r.stderr.splitlines()
    assert lines[0].startswith("casevault: error: ")
    assert all(line.startswith("casevault: also: ") for line in lines[1:])
    return [line.split(": ", 2)[2] for line in lines]


def _read_as_rui(path: Path) -> int:
    """rui (reviewer) reads a case's confidential fields: one case.read entry by rui."""
    r = _run(path, "rui", "case", "show", CASE)
    assert r.exit_code == 0, r.stderr
    with raw_db(path, "rui") as db:
        (seq,) = db.execute(
            "SELECT max(seq) FROM audit_entries WHERE actor = 'rui' AND action = 'case.read'"
        ).fetchone()
    assert seq is not None
    return int(seq)


def _listed_seqs(path: Path, *args: str) -> list[int]:
    r = _run(path, "ada", "--json", "audit", "log", *args)
    assert r.exit_code == 0, r.stderr

    return [line["seq"] for line in json.loads(r.stdout)]


# --- an untouched vault: everything is accepted -------------------------------------------------


def test_an_untouched_log_lists_and_verifies(demo_path: Path) -> None:
    seq = _read_as_rui(demo_path)
    assert seq in _listed_seqs(demo_path, "--person", "rui")
    assert seq in _listed_seqs(demo_path, "--case", CASE)
    assert seq in _listed_seqs(demo_path, "--action", "case.read")
    r = _run(demo_path, "ada", "audit", "verify")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("audit log OK: ")


# --- the index columns: time, actor, action -----------------------------------------------------


def test_attack_actor_column_edited_to_hide_own_reads(demo_path: Path) -> None:
    """rui rewrites the actor column of his read to 'cara': `audit log --person rui` no longer
    finds it, but any listing that shows it refuses, and verify names it."""
    seq = _read_as_rui(demo_path)
    with raw_db(demo_path, "rui") as db:
        db.execute("UPDATE audit_entries SET actor = 'cara' WHERE seq = ?", (seq,))
    # What a filter cannot see, it cannot show: this is why the help points to verify.
    assert seq not in _listed_seqs(demo_path, "--person", "rui")
    expected = (
        f"casevault: error: audit entry {seq}: its actor column says 'cara', its signed body "
        f"'rui': {EDITED}"
    )
    assert _refused(_run(demo_path, "ada", "audit", "log")) == expected
    assert _refused(_run(demo_path, "cara", "audit", "log", "--person", "cara")) == expected
    assert _verify_problems(demo_path) == [
        f"audit entry {seq}: its actor column says 'cara', its signed body 'rui': "
        "the index was edited"
    ]


def test_attack_action_column_edited_to_hide_a_read(demo_path: Path) -> None:
    seq = _read_as_rui(demo_path)
    with raw_db(demo_path, "rui") as db:
        db.execute("UPDATE audit_entries SET action = 'case.find' WHERE seq = ?", (seq,))
    assert seq not in _listed_seqs(demo_path, "--action", "case.read")
    assert _refused(_run(demo_path, "ada", "audit", "log", "--action", "case")) == (
        f"casevault: error: audit entry {seq}: its action column says 'case.find', its signed "
        f"body 'case.read': {EDITED}"
    )
    assert _verify_problems(demo_path)[0].startswith(f"audit entry {seq}: its action column")


def test_attack_time_column_moved_out_of_a_since_window(demo_path: Path) -> None:
    seq = _read_as_rui(demo_path)
    with raw_db(demo_path, "rui") as db:
        (signed_time,) = db.execute(
            "SELECT time FROM audit_entries WHERE seq = ?", (seq,)
        ).fetchone()
        db.execute("UPDATE audit_entries SET time = '2001-01-01T00:00:00Z' WHERE seq = ?", (seq,))
    assert seq not in _listed_seqs(demo_path, "--since", signed_time)
    expected = (
        f"audit entry {seq}: its time column says '2001-01-01T00:00:00Z', its signed body "
        f"'{signed_time}': the index was edited"
    )
    assert _refused(_run(demo_path, "ada", "audit", "log")) == (
        f"casevault: error: {expected}; run 'casevault audit verify'"
    )
    assert _verify_problems(demo_path) == [expected]


def test_attack_every_column_edited_reports_each(demo_path: Path) -> None:
    seq = _read_as_rui(demo_path)
    with raw_db(demo_path, "rui") as db:
        db.execute(
            "UPDATE audit_entries SET actor = 'pia', action = 'key.deliver', time = "
            "'2001-01-01T00:00:00Z' WHERE seq = ?",
            (seq,),
        )
    problems = _verify_problems(demo_path)
    assert [p.split(":")[1].strip() for p in problems] == [
        "its time column says '2001-01-01T00",
        "its actor column says 'pia', its signed body 'rui'",
        "its action column says 'key.deliver', its signed body 'case.read'",
    ]


# --- the case index ----------------------------------------------------------------------------


def test_attack_case_ref_rows_deleted(demo_path: Path) -> None:
    """rui deletes the index row that files his read under the case: `audit log --case` no
    longer finds it; verify names the entry and the case."""
    seq = _read_as_rui(demo_path)
    with raw_db(demo_path, "rui") as db:
        db.execute("DELETE FROM audit_case_refs WHERE seq = ?", (seq,))
    assert seq not in _listed_seqs(demo_path, "--case", CASE)
    assert _verify_problems(demo_path) == [
        f"audit entry {seq}: its signed body names {CASE}, the case index does not: the index "
        "was edited (the entry is hidden from 'audit log --case')"
    ]


def test_attack_case_ref_row_added_files_an_entry_under_another_case(demo_path: Path) -> None:
    seq = _read_as_rui(demo_path)
    with raw_db(demo_path, "rui") as db:
        db.execute("INSERT INTO audit_case_refs(case_id, seq) VALUES (?, ?)", (OTHER_CASE, seq))
    assert _refused(_run(demo_path, "ada", "audit", "log", "--case", OTHER_CASE)) == (
        f"casevault: error: audit entry {seq}: the case index files it under {OTHER_CASE}, its "
        f"signed body does not name it: {EDITED}"
    )
    assert _verify_problems(demo_path) == [
        f"audit entry {seq}: the case index files it under {OTHER_CASE}, its signed body does "
        "not name it: the index was edited"
    ]


def test_attack_case_ref_moved_to_another_case(demo_path: Path) -> None:
    seq = _read_as_rui(demo_path)
    with raw_db(demo_path, "rui") as db:
        db.execute("UPDATE audit_case_refs SET case_id = ? WHERE seq = ?", (OTHER_CASE, seq))
    problems = _verify_problems(demo_path)
    assert len(problems) == 2
    assert f"its signed body names {CASE}, the case index does not" in problems[0]
    assert f"the case index files it under {OTHER_CASE}" in problems[1]


# --- the body itself: still signed -------------------------------------------------------------


def test_attack_body_edited_to_another_actor_is_refused_by_the_listing(demo_path: Path) -> None:
    seq = _read_as_rui(demo_path)
    with raw_db(demo_path, "rui") as db:
        (body,) = db.execute("SELECT body FROM audit_entries WHERE seq = ?", (seq,)).fetchone()
        changed = bytes(body).replace(b'"actor":"rui"', b'"actor":"cara"')
        db.execute(
            "UPDATE audit_entries SET body = ?, actor = 'cara' WHERE seq = ?", (changed, seq)
        )
    line = _refused(_run(demo_path, "ada", "audit", "log", "--person", "cara"))
    assert line == (
        f"casevault: error: audit entry {seq} (case.read) does not verify under cara's key: "
        "changed, or forged with a key that is not a member's; run 'casevault audit verify'"
    )


# --- time ----------------------------------------------------------------------------------------


def _append_signed(root: Path, name: str, time: str) -> int:
    """The insider's own code: an entry signed with their real identity, stamped ``time``,
    appended with its tree nodes and a head signed by them, as casevault would write it."""
    keyring = layout.read_keyring(root)
    ident = unseal_identity(keyring["identities"][name], passphrase_for(name))
    store = SqlCipherStore.open(layout.db_path(root), SecretBytes(db_key(root, name)))
    try:
        log = AuditLog(store, str(keyring["vault_id"]))
        with store.write():
            seq = log.size()
            entry = en.make(log.vault_id, seq, time, name, "case.history", cases=[CASE])
            body = en.encode(entry, ident.sign)
            front = log.frontier(seq)
            nodes = front.append(merkle.leaf_hash(body))
            store.append_audit(AuditRow(seq, time, name, entry.action, (CASE,), body), nodes)
            store.put_audit_head(
                front.size,
                log.signed_head(front.size, front.root(), ident, ident.public.sign_public, time),
            )
    finally:
        store.close()
    return seq


def test_attack_entry_time_moved_backwards(demo_path: Path) -> None:
    """rui signs an entry with his real key but an earlier time (to put a read before a
    revocation, say): it lists, since he did sign it, but verify names it."""
    with raw_db(demo_path, "rui") as db:
        (last_time,) = db.execute(
            "SELECT time FROM audit_entries ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    seq = _append_signed(demo_path, "rui", "2026-01-01T00:00:00Z")
    assert seq in _listed_seqs(demo_path, "--person", "rui")
    assert _verify_problems(demo_path) == [
        f"audit entry {seq}: its time 2026-01-01T00:00:00Z is before that of entry {seq - 1} "
        f"({last_time}): back-dated, or written with the clock set back"
    ]


def test_a_clock_set_back_never_writes_an_earlier_time(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member whose clock runs years behind: casevault stamps the last entry's time instead."""
    with raw_db(demo_path, "cara") as db:
        (last_time,) = db.execute(
            "SELECT time FROM audit_entries ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    monkeypatch.setattr("vault.services.session.now", lambda: "2001-01-01T00:00:00Z")
    with Vault.open(demo_path, "rui", lambda _n: Passphrase.from_text(PASSPHRASES["rui"])) as v:
        from vault.services import audit, cases

        cases.show_case(v, CASE)
        newest = audit.audit_log(v, limit=1)[0].entry
        assert newest.action == "case.read" and newest.time == last_time
        assert audit.verify(v).ok


def test_an_entry_at_the_same_second_as_its_predecessor_is_not_backwards(
    demo_path: Path,
) -> None:
    with raw_db(demo_path, "rui") as db:
        (last_time,) = db.execute(
            "SELECT time FROM audit_entries ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    _append_signed(demo_path, "rui", last_time)
    r = _run(demo_path, "ada", "audit", "verify")
    assert r.exit_code == 0, r.stderr


# --- casevault check -----------------------------------------------------------------------------


def test_check_of_a_sound_vault_exits_0(demo_path: Path) -> None:
    r = _run(demo_path, "cara", "check")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("vault OK: every database page is sound; audit log OK: ")


def _root_page(root: Path, table: str) -> int:
    with raw_db(root, "cara") as db:
        (page,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
    return int(page)


def _flip_a_byte(root: Path, page: int) -> None:
    """Flip one bit of a page of vault.db (1-based page number, as SQLite counts), after the WAL
    is checkpointed into the file."""
    db = root / layout.DB_NAME
    with Vault.open(root, "cara", lambda _n: Passphrase.from_text(PASSPHRASES["cara"])):
        pass
    data = bytearray(db.read_bytes())
    data[(page - 1) * 4096 + 200] ^= 0x01
    db.write_bytes(bytes(data))


def test_attack_flipped_byte_in_an_unread_page_is_named_by_check(
    demo_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # The leak index is read only when a draft is built or exported: no unlock, list or verify
    # reads its pages, so only the page check can find the flip.
    page = _root_page(demo_path, "leak_runs")
    _flip_a_byte(demo_path, page)
    assert _run(demo_path, "cara", "audit", "verify").exit_code == 0
    r = _run(demo_path, "cara", "check")
    assert r.exit_code == 5, (r.stdout, r.stderr)
    assert r.stderr.splitlines() == [
        f"casevault: error: the vault is damaged: database: page {page} fails its HMAC check: "
        "it was changed outside casevault, or the disk is failing"
    ]
    assert r.stdout == ""
    assert "ERROR CORE" not in capfd.readouterr().err  # no SQLCipher log line reaches a person


def test_attack_flipped_byte_in_a_page_every_unlock_reads_is_a_clear_refusal(
    demo_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    _flip_a_byte(demo_path, _root_page(demo_path, "meta"))  # the vault id: unlock reads it
    line = _refused(_run(demo_path, "cara", "check"))
    assert line == (
        "casevault: error: the vault is damaged: the database cannot be opened (a page every "
        "unlock reads is damaged), so it cannot be checked page by page; restore a backup"
    )
    line = _refused(_run(demo_path, "cara", "case", "list"), code=5)
    assert "damaged" in line
    assert "ERROR CORE" not in capfd.readouterr().err


def test_check_reports_damaged_pages_and_log_problems_in_one_report(demo_path: Path) -> None:
    seq = _read_as_rui(demo_path)
    with raw_db(demo_path, "rui") as db:
        db.execute("UPDATE audit_entries SET actor = 'cara' WHERE seq = ?", (seq,))
    r = _run(demo_path, "ada", "--json", "check")
    assert r.exit_code == 5
    assert r.stderr.splitlines()[0] == (
        f"casevault: error: the vault is damaged: audit entry {seq}: its actor column says "
        "'cara', its signed body 'rui': the index was edited"
    )

    report = json.loads(r.stdout)
    assert report["ok"] is False and report["database"] == []
    assert report["audit"]["problems"] == [r.stderr.splitlines()[0].split("damaged: ", 1)[1]]
