"""Insider attacks on publication (issue 16, ADR 0007), with the database key in hand.

Every member holds the SQLCipher key and can rewrite any row; only what a signature covers and
what the audit log records counts. Each test makes one attack on a copy of a small publishable
demo (drafts in every language, each approved by rui, the leak check run by cara), then runs
the product's own ``publish`` (or ``verify_folder``) and asserts the refusal. An attack that
gets through is marked ``xfail(strict=True)`` with what it does and what would stop it.

The publisher (pia) reads no case field and no level key, the caseworker (cara) reads every
level, the reviewer (rui) every level but secret. All data is invented.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.insider import identity, raw_db, rewrite_leak_pairs
from vault.audit.log import AuditEvent
from vault.crypto import Passphrase, sshsig
from vault.errors import IntegrityError, UsageError, VaultError
from vault.services import actions, cases, drafts, review
from vault.services import publication_gate as gate
from vault.services import publisher as publisher_svc
from vault.services.audit import proof_bundle
from vault.services.demo import DEMO_PEOPLE, create_demo
from vault.services.provenance import store_verdict
from vault.services.publication import OutputFile, gather, render_files
from vault.services.publication_gate import check_details
from vault.services.publisher import NAMESPACE, publish, verify_folder
from vault.services.session import Vault
from vault.store import AuditFilter

ACTION = "UA 061/21"
PASSWORDS = {name: pw for name, _role, pw in DEMO_PEOPLE}
NEW_CASE = {
    "case_id": "UA-099-26-001",
    "full_name": "Invented Person",
    "sources": [
        {
            "codename": "HERON-99",
            "real_name": "Wang Sample",  # an official named in the approved action text
            "contact": "+90 532 000 1111",
            "relationship": "cousin",
            "risk": "low",
        }
    ],
}


# --- fixtures ---------------------------------------------------------------------------------


@contextmanager
def opened(path: Path, name: str) -> Iterator[Vault]:
    v = Vault.open(path, name, lambda _n: Passphrase.from_text(PASSWORDS[name]))
    try:
        yield v
    finally:
        v.close()


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small publishable demo (4 people: the demo needs at least 4), never opened again."""
    path = tmp_path_factory.mktemp("pubinsider") / "demo"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEVAULT_STATE_DIR", str(tmp_path_factory.mktemp("pubinsider-state")))
        result = create_demo(path, count=4, publication=True)
    assert result.publishable and result.action_id == ACTION
    return path


@pytest.fixture
def vault(master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the master, opened with a fresh memory of what each person saw."""
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "state"))
    dest = tmp_path / "vault"
    shutil.copytree(master, dest)
    return dest


def _checks(v: Vault) -> list[Any]:
    found = v.audit.find(AuditFilter(action=gate.CHECKED, limit=50), v.members.sign_keys())
    return [e for _, e in found if e.action == gate.CHECKED]


def _checked_day(path: Path) -> dt.date:
    with opened(path, "pia") as v, v.store.read():
        return dt.date.fromisoformat(str(_checks(v)[0].details["date"]))


@pytest.fixture(scope="module")
def day(master: Path, tmp_path_factory: pytest.TempPathFactory) -> dt.date:
    """The date cara's leak check in the master was made for."""
    copy = tmp_path_factory.mktemp("day") / "vault"
    shutil.copytree(master, copy)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEVAULT_STATE_DIR", str(copy.parent / "state"))
        return _checked_day(copy)


@dataclass(frozen=True)
class Published:
    vault: Path
    folder: Path
    day: dt.date


@pytest.fixture(scope="module")
def published(master: Path, day: dt.date, tmp_path_factory: pytest.TempPathFactory) -> Published:
    """One Markdown publication made by pia, for the folder-tampering tests (read only)."""
    base = tmp_path_factory.mktemp("published")
    path = base / "vault"
    shutil.copytree(master, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEVAULT_STATE_DIR", str(base / "state"))
        with opened(path, "pia") as pia:
            publish(pia, ACTION, None, ["md"], base / "ua", day)
    return Published(path, base / "ua", day)


def _publish(path: Path, out: Path, day: dt.date, langs: list[str] | None = None) -> None:
    with opened(path, "pia") as pia:
        publish(pia, ACTION, langs, ["md"], out, day)


def _publications(path: Path, who: str = "pia") -> list[Any]:
    with opened(path, who) as v:
        return publisher_svc.list_publications(v)


def _refused(
    path: Path, out: Path, day: dt.date, match: str, exc: type[Exception] = VaultError
) -> None:
    """pia's publish is refused with ``match``, and nothing is written or logged."""
    with pytest.raises(exc, match=match or None):
        _publish(path, out, day)
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}.partial-*"))


def _draft_rows(path: Path) -> dict[tuple[str, str], str]:
    """(subject, lang) -> newest draft id, as the unsigned columns say."""
    with raw_db(path, "pia") as db:
        rows = db.execute("SELECT draft_id, subject, lang FROM drafts ORDER BY draft_id, version")
        return {(str(r[1]), str(r[2])): str(r[0]) for r in rows}


def _first_case(path: Path) -> str:
    return sorted(s for s, _ in _draft_rows(path) if s != ACTION)[0]


def _new_draft(path: Path, subject: str, lang: str, verdict: str | None) -> str:
    """cara makes a newer draft of ``subject`` in ``lang``; rui gives ``verdict`` (or none)."""
    with opened(path, "cara") as cara:
        draft_id = drafts.create_draft(cara, subject, lang).draft_id
    if verdict is not None:
        with opened(path, "rui") as rui:
            review.give_verdict(
                rui, draft_id, verdict, "not this text" if verdict == "reject" else None
            )
    return draft_id


def test_the_untouched_copy_publishes(vault: Path, day: dt.date, tmp_path: Path) -> None:
    """The control: every refusal below is caused by its attack, not by the setup."""
    _publish(vault, tmp_path / "ua", day)
    assert verify_folder(tmp_path / "ua").action == ACTION


# --- 1. draft rows rewritten ------------------------------------------------------------------


def _swap_columns(path: Path, a: str, b: str, column: str) -> None:
    with raw_db(path, "pia") as db:
        va = db.execute(f"SELECT {column} FROM drafts WHERE draft_id = ?", (a,)).fetchone()[0]  # noqa: S608
        vb = db.execute(f"SELECT {column} FROM drafts WHERE draft_id = ?", (b,)).fetchone()[0]  # noqa: S608
        db.execute(f"UPDATE drafts SET {column} = ? WHERE draft_id = ?", (vb, a))  # noqa: S608
        db.execute(f"UPDATE drafts SET {column} = ? WHERE draft_id = ?", (va, b))  # noqa: S608


def test_attack_approved_row_carries_a_rejected_drafts_text(
    vault: Path, day: dt.date, tmp_path: Path
) -> None:
    case = _first_case(vault)
    approved = _draft_rows(vault)[(case, "en")]
    rejected = _new_draft(vault, case, "en", "reject")
    _refused(vault, tmp_path / "before", day, "rejected")
    with raw_db(vault, "pia") as db:
        body, sig, seq = db.execute(
            "SELECT body, signature, log_seq FROM drafts WHERE draft_id = ?", (rejected,)
        ).fetchone()
        db.execute(
            "UPDATE drafts SET body = ?, signature = ?, log_seq = ? WHERE draft_id = ?",
            (body, sig, seq, approved),
        )
        db.execute("DELETE FROM drafts WHERE draft_id = ?", (rejected,))
    _refused(vault, tmp_path / "ua", day, "record belongs to another place")


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("body byte flipped", "bad signature"),
        ("version column", "record belongs to another place"),
        # a row's subject and language are compared with its signed body
        ("subjects of two cases swapped", "signed body name different subjects"),
        ("languages swapped", "signed body name different subjects"),
    ],
)
def test_attack_approved_draft_row_columns_rewritten(
    vault: Path, day: dt.date, tmp_path: Path, how: str, message: str
) -> None:
    rows = _draft_rows(vault)
    cases_ = sorted({s for s, _ in rows if s != ACTION})
    a, b = rows[(cases_[0], "en")], rows[(cases_[1], "en")]
    with raw_db(vault, "pia") as db:
        if how == "body byte flipped":
            body = bytearray(
                db.execute("SELECT body FROM drafts WHERE draft_id = ?", (a,)).fetchone()[0]
            )
            body[len(body) // 2] ^= 1
            db.execute("UPDATE drafts SET body = ? WHERE draft_id = ?", (bytes(body), a))
        elif how == "version column":
            db.execute("UPDATE drafts SET version = 2 WHERE draft_id = ?", (a,))
    if how == "subjects of two cases swapped":
        _swap_columns(vault, a, b, "subject")
    elif how == "languages swapped":  # the French action text under "en" and the other way
        _swap_columns(vault, rows[(ACTION, "en")], rows[(ACTION, "fr")], "lang")
    _refused(vault, tmp_path / "ua", day, message)


@pytest.mark.parametrize("how", ["lang column edited", "subject column edited", "row deleted"])
def test_attack_newer_rejected_draft_hidden_revives_the_older_approval(
    vault: Path, day: dt.date, tmp_path: Path, how: str
) -> None:
    case = _first_case(vault)
    rejected = _new_draft(vault, case, "en", "reject")
    _refused(vault, tmp_path / "before", day, "rejected")
    with raw_db(vault, "pia") as db:
        if how == "lang column edited":
            db.execute("UPDATE drafts SET lang = 'xx' WHERE draft_id = ?", (rejected,))
        elif how == "subject column edited":
            db.execute("UPDATE drafts SET subject = 'nothing' WHERE draft_id = ?", (rejected,))
        else:
            db.execute("DELETE FROM drafts WHERE draft_id = ?", (rejected,))
    _refused(vault, tmp_path / "ua", day, "")


# --- 2. approvals forged ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "how", ["another draft's approval row copied", "signed by pia as rui", "pia approves as pia"]
)
def test_attack_forged_approval_of_a_pending_draft(
    vault: Path, day: dt.date, tmp_path: Path, how: str
) -> None:
    case = _first_case(vault)
    approved = _draft_rows(vault)[(case, "en")]
    pending = _new_draft(vault, case, "en", None)
    _refused(vault, tmp_path / "before", day, "pending")
    if how == "pia approves as pia":  # logged and signed, but her role does not review
        with opened(vault, "pia") as pia, pia.store.write():
            draft = drafts.get_draft(pia, pending)
            message = review.approval_message(pia, draft, "pia")
            body = json.dumps({"verdict": "approve", "text_sha256": draft.text_hash}).encode()
            store_verdict(
                pia, pending, 1, draft.versions, "approve", body, pia.identity.sign(message)
            )
    else:
        with raw_db(vault, "pia") as db:
            row = list(
                db.execute(
                    "SELECT reviewer, verdict, created_at, body, signature, log_seq FROM reviews "
                    "WHERE draft_id = ? AND verdict = 'approve'",
                    (approved,),
                ).fetchone()
            )
            if how == "signed by pia as rui":
                with opened(vault, "pia") as pia, pia.store.read():
                    draft = drafts.get_draft(pia, pending)
                    row[4] = identity(vault, "pia").sign(review.approval_message(pia, draft, "rui"))
            db.execute(
                "INSERT INTO reviews (draft_id, version, reviewer, verdict, created_at, body, "
                "signature, log_seq) VALUES (?, 1, ?, ?, ?, ?, ?, ?)",
                (pending, *row),
            )
    _refused(vault, tmp_path / "ua", day, "pending")


# --- 3. a leak check logged by someone who does not read every level ----------------------------


@pytest.mark.parametrize("who", ["pia", "rui", "ada"])
def test_attack_own_publish_check_by_a_member_who_does_not_read_every_level(
    vault: Path, day: dt.date, tmp_path: Path, who: str
) -> None:
    later = day + dt.timedelta(days=1)  # cara checked `day` only
    with opened(vault, "pia") as pia:
        details = check_details(gather(pia, ACTION, None, later))
    with opened(vault, who) as v, v.store.write():
        v.log(AuditEvent(gate.CHECKED, details=details))
    _refused(vault, tmp_path / "ua", later, "not made at every level")
    assert _publications(vault) == []


def test_attack_publisher_checks_again_after_a_value_was_recorded(
    vault: Path, day: dt.date, tmp_path: Path
) -> None:
    with opened(vault, "cara") as cara:
        cases.add_case(cara, NEW_CASE)
    _refused(vault, tmp_path / "before", day, "after its leak check")
    with opened(vault, "pia") as pia, pia.store.write():
        pia.log(AuditEvent(gate.CHECKED, details=check_details(gather(pia, ACTION, None, day))))
    _refused(vault, tmp_path / "ua", day, "not made at every level")


# --- 4. hiding a write made after the check -----------------------------------------------------


def _last_entry(path: Path, action: str) -> int:
    with raw_db(path, "pia") as db:
        return int(
            db.execute("SELECT max(seq) FROM audit_entries WHERE action = ?", (action,)).fetchone()[
                0
            ]
        )


def test_attack_case_create_after_the_check_hidden_by_its_action_column(
    vault: Path, day: dt.date, tmp_path: Path
) -> None:
    with opened(vault, "cara") as cara:
        cases.add_case(cara, NEW_CASE)
    _refused(vault, tmp_path / "before", day, "after its leak check")
    seq = _last_entry(vault, "case.create")
    with raw_db(vault, "pia") as db:
        db.execute("UPDATE audit_entries SET action = 'case.read' WHERE seq = ?", (seq,))
    _refused(vault, tmp_path / "ua", day, "")


def test_attack_case_edit_undone_and_hidden_by_its_action_column(
    vault: Path, day: dt.date, tmp_path: Path
) -> None:
    case = _first_case(vault)
    with opened(vault, "cara") as cara:
        cases.edit_case(cara, case, {"status": "released"})
    _refused(vault, tmp_path / "before", day, r"void|no approved draft")
    seq = _last_entry(vault, "case.edit")
    with raw_db(vault, "pia") as db:
        db.execute("DELETE FROM case_versions WHERE case_id = ? AND version = 2", (case,))
        db.execute("UPDATE cases SET head_version = 1 WHERE case_id = ?", (case,))
        db.execute("UPDATE audit_entries SET action = 'case.read' WHERE seq = ?", (seq,))
    _refused(vault, tmp_path / "ua", day, "")


def test_attack_case_create_entry_deleted_alone(vault: Path, day: dt.date, tmp_path: Path) -> None:
    """Deleting only the entry row: its tree nodes stay, so the publish entry cannot be
    appended at that place (refused, though as a raw SQLite constraint error, not a
    casevault IntegrityError naming the missing entry)."""
    with opened(vault, "cara") as cara:
        cases.add_case(cara, NEW_CASE)
    seq = _last_entry(vault, "case.create")
    with raw_db(vault, "pia") as db:
        db.execute("DELETE FROM audit_entries WHERE seq = ?", (seq,))
    _refused(vault, tmp_path / "ua", day, "UNIQUE constraint failed: audit_nodes", Exception)
    with raw_db(vault, "pia") as db:
        assert not db.execute("SELECT 1 FROM audit_entries WHERE action = 'publish'").fetchall()


def _roll_back_cara_tail(path: Path) -> None:
    """Everything cara's case creation wrote, removed: her entry (the log's tail), its tree
    nodes, case index rows and signed head, and the case, its version and leak terms."""
    seq = _last_entry(path, "case.create")
    case_id = NEW_CASE["case_id"]
    with raw_db(path, "pia") as db:
        assert db.execute("SELECT max(seq) FROM audit_entries").fetchone()[0] == seq
        db.execute("DELETE FROM audit_entries WHERE seq = ?", (seq,))
        db.execute("DELETE FROM audit_case_refs WHERE seq = ?", (seq,))
        db.execute("DELETE FROM audit_heads WHERE size > ?", (seq,))
        for level in range(seq.bit_length() + 1):
            db.execute(
                "DELETE FROM audit_nodes WHERE level = ? AND (idx + 1) << ? > ?",
                (level, level, seq),
            )
        (no,) = db.execute("SELECT no FROM leak_cases WHERE case_id = ?", (case_id,)).fetchone()
        rewrite_leak_pairs(db, drop=lambda _term, n: n == no)
        for table in ("case_versions", "cases", "leak_cases", "search_index"):
            db.execute(f"DELETE FROM {table} WHERE case_id = ?", (case_id,))  # noqa: S608


@pytest.mark.xfail(
    strict=True,
    reason="threat model section 4 (a single file cannot see it): the publisher cuts cara's "
    "trailing case.create entry, its signed head and tree nodes, and the case's rows; what "
    "remains is a log every signature of which holds, and publish goes out with the stale "
    "check. Only cara's witness (her next unlock) names it, after the fact. Mitigation: "
    "publish should require an outside checkpoint (audit checkpoint --out) newer than the "
    "check, or cara's countersignature on the checkpoint the manifest carries",
)
def test_attack_case_create_after_the_check_cut_off_the_log(
    vault: Path, day: dt.date, tmp_path: Path
) -> None:
    with opened(vault, "cara") as cara:
        cases.add_case(cara, NEW_CASE)
    _roll_back_cara_tail(vault)
    _refused(vault, tmp_path / "ua", day, "")


def test_a_cut_tail_is_named_at_the_checkers_next_unlock(
    vault: Path, day: dt.date, tmp_path: Path
) -> None:
    with opened(vault, "cara") as cara:
        cases.add_case(cara, NEW_CASE)
    _roll_back_cara_tail(vault)
    with contextlib.suppress(VaultError):  # refused would be even better
        _publish(vault, tmp_path / "ua", day)
    with pytest.raises(IntegrityError, match="cara last saw"), opened(vault, "cara"):
        pass


# --- 5. a check for another date or edition -----------------------------------------------------


def test_attack_check_for_one_day_reused_on_another(
    vault: Path, day: dt.date, tmp_path: Path
) -> None:
    _refused(vault, tmp_path / "later", day + dt.timedelta(days=1), "has not passed the leak check")


def test_a_check_of_every_language_covers_one_and_a_language_can_be_added_later(
    vault: Path, day: dt.date, tmp_path: Path
) -> None:
    # The check vouches for each language's document: publishing one language is covered, and
    # the others may follow under the same follow-up with the content already checked.
    _publish(vault, tmp_path / "fr", day, ["fr"])
    assert sorted(p.name for p in (tmp_path / "fr").glob("UA-*")) == ["UA-061-21-fr.md"]
    _publish(vault, tmp_path / "all", day)
    assert {p.name for p in (tmp_path / "all").glob("UA-*")} == {
        f"UA-061-21-{lang}.md" for lang in ("de", "en", "fr")
    }
    assert (tmp_path / "fr" / "UA-061-21-fr.md").read_bytes() == (
        tmp_path / "all" / "UA-061-21-fr.md"
    ).read_bytes()
    assert len(_publications(vault)) == 2


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("date in the body", "does not verify under cara's key"),
        ("time column", "its time column says"),
        ("actor column", "its actor column says 'rui'"),
    ],
)
def test_attack_check_entry_rewritten(
    vault: Path, day: dt.date, tmp_path: Path, how: str, message: str
) -> None:
    later = day + dt.timedelta(days=1)
    seq = _last_entry(vault, gate.CHECKED)
    with raw_db(vault, "pia") as db:
        if how == "date in the body":
            body = bytes(
                db.execute("SELECT body FROM audit_entries WHERE seq = ?", (seq,)).fetchone()[0]
            )
            old = f'"date":"{day.isoformat()}"'.encode()
            assert old in body
            body = body.replace(old, f'"date":"{later.isoformat()}"'.encode())
            db.execute("UPDATE audit_entries SET body = ? WHERE seq = ?", (body, seq))
        elif how == "time column":
            db.execute(
                "UPDATE audit_entries SET time = '2099-01-01T00:00:00Z' WHERE seq = ?", (seq,)
            )
        else:
            db.execute("UPDATE audit_entries SET actor = 'rui' WHERE seq = ?", (seq,))
    target = later if how == "date in the body" else day
    _refused(vault, tmp_path / "ua", target, message)


# --- 6. the published folder tampered with ------------------------------------------------------


def _copy(published: Published, tmp_path: Path) -> Path:
    folder = tmp_path / "copy"
    shutil.copytree(published.folder, folder)
    return folder


def _manifest(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "MANIFEST.json").read_bytes())
    return data


def _write_manifest(folder: Path, manifest: dict[str, Any], signer: str | None) -> None:
    """Write the manifest as publish lays it out; sign it with ``signer``'s own key, if any."""
    data = (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()
    (folder / "MANIFEST.json").write_bytes(data)
    if signer is not None:
        ident = identity_of(signer)
        sig = sshsig.sign(ident.public.sign_public, ident.sign, NAMESPACE, data)
        (folder / "MANIFEST.json.sig").write_text(sig, encoding="ascii")


_IDENTITIES: dict[str, Any] = {}


def identity_of(name: str) -> Any:
    return _IDENTITIES[name]


@pytest.fixture(autouse=True)
def _identities(request: pytest.FixtureRequest) -> None:
    if "published" in request.fixturenames:
        pub: Published = request.getfixturevalue("published")
        for name in ("pia", "cara"):
            if name not in _IDENTITIES:
                _IDENTITIES[name] = identity(pub.vault, name)


def _pia_allowed(published: Published) -> str:
    return sshsig.allowed_signers_line("pia", identity_of("pia").public.sign_public, NAMESPACE)


def test_the_published_folder_verifies(published: Published) -> None:
    check = verify_folder(published.folder, _pia_allowed(published))
    assert check.signer_trusted and check.files == 3


@pytest.mark.parametrize("signer", [None, "pia"])
def test_attack_file_swapped_and_its_hash_fixed(
    published: Published, tmp_path: Path, signer: str | None
) -> None:
    folder = _copy(published, tmp_path)
    en, fr = folder / "UA-061-21-en.md", folder / "UA-061-21-fr.md"
    en.write_bytes(fr.read_bytes())
    manifest = _manifest(folder)
    for f in manifest["files"]:
        if f["name"] == en.name:
            f["sha256"] = hashlib.sha256(en.read_bytes()).hexdigest()
            f["bytes"] = len(en.read_bytes())
    _write_manifest(folder, manifest, signer)
    # an outsider cannot sign: the signature fails; pia re-signing her own manifest still
    # cannot make the log entry (signed, in the proof) record these files
    match = "does not match the file" if signer is None else "does not record this publication"
    with pytest.raises(IntegrityError, match=match):
        verify_folder(folder, _pia_allowed(published))


def test_attack_manifest_resigned_by_another_member(published: Published, tmp_path: Path) -> None:
    folder = _copy(published, tmp_path)
    manifest = _manifest(folder)
    manifest["signer"] = sshsig.public_key_line(identity_of("cara").public.sign_public)
    _write_manifest(folder, manifest, "cara")
    with pytest.raises(IntegrityError, match="allowed-signers file lacks"):
        verify_folder(folder, _pia_allowed(published))
    with pytest.raises(IntegrityError, match="not signed by the manifest's signer"):
        verify_folder(folder)  # no allowed-signers file: the log entry is still pia's
    allowed = tmp_path / "allowed"
    allowed.write_text(_pia_allowed(published) + "\n", encoding="utf-8")
    with (folder / "MANIFEST.json").open("rb") as stdin:
        r = subprocess.run(
            [
                "ssh-keygen",
                "-Y",
                "verify",
                "-f",
                str(allowed),
                "-I",
                "pia",
                "-n",
                NAMESPACE,
                "-s",
                str(folder / "MANIFEST.json.sig"),
            ],
            stdin=stdin,
            capture_output=True,
            check=False,
        )
    assert r.returncode != 0


def _other_proof(published: Published, tmp_path: Path, action: str) -> dict[str, Any]:
    """A genuine inclusion proof of pia's newest entry of ``action``, at the latest head."""
    path = tmp_path / "proofvault"
    shutil.copytree(published.vault, path)
    with opened(path, "pia") as v, v.store.read():
        found = v.audit.find(
            AuditFilter(action=action, actor="pia", limit=5), v.members.sign_keys()
        )
        seq = next(s for s, e in found if e.action == action)
        head = v.store.latest_audit_head()
        assert head is not None
        return proof_bundle(v, seq, head[1])


@pytest.mark.parametrize("signer", [None, "pia"])
def test_attack_log_proof_replaced_with_one_for_another_entry(
    published: Published, tmp_path: Path, signer: str | None
) -> None:
    folder = _copy(published, tmp_path)
    manifest = _manifest(folder)
    manifest["log"] = _other_proof(published, tmp_path, publisher_svc.SIGNED)
    _write_manifest(folder, manifest, signer)
    match = "does not match the file" if signer is None else "does not record this publication"
    with pytest.raises(IntegrityError, match=match):
        verify_folder(folder, _pia_allowed(published))


@pytest.mark.parametrize("signer", [None, "pia"])
def test_attack_a_language_dropped_from_folder_and_manifest(
    published: Published, tmp_path: Path, signer: str | None
) -> None:
    folder = _copy(published, tmp_path)
    (folder / "UA-061-21-de.md").unlink()
    manifest = _manifest(folder)
    manifest["files"] = [f for f in manifest["files"] if f["name"] != "UA-061-21-de.md"]
    manifest["languages"] = [x for x in manifest["languages"] if x != "de"]
    manifest["approvals"] = [a for a in manifest["approvals"] if a["lang"] != "de"]
    _write_manifest(folder, manifest, signer)
    match = "does not match the file" if signer is None else "does not record this publication"
    with pytest.raises(IntegrityError, match=match):
        verify_folder(folder, _pia_allowed(published))


# --- 7. the action edited, or set back ----------------------------------------------------------


def _action_row(path: Path) -> tuple[Any, ...]:
    with raw_db(path, "pia") as db:
        row = db.execute(
            "SELECT version, author, updated_at, body, signature FROM actions WHERE action_id = ?",
            (ACTION,),
        ).fetchone()
        return tuple(row)


def _set_action_row(path: Path, row: tuple[Any, ...]) -> None:
    with raw_db(path, "pia") as db:
        db.execute(
            "UPDATE actions SET version = ?, author = ?, updated_at = ?, body = ?, signature = ? "
            "WHERE action_id = ?",
            (*row, ACTION),
        )


def _edit_action(path: Path) -> None:
    with opened(path, "cara") as cara:
        actions.edit_action(cara, ACTION, {"follow_up": 1})


def test_attack_old_action_approval_does_not_publish_an_edited_action(
    vault: Path, day: dt.date, tmp_path: Path
) -> None:
    _edit_action(vault)
    _refused(vault, tmp_path / "ua", day, r"void|no approved draft")
    with pytest.raises(VaultError, match=r"void|older version"), opened(vault, "pia") as pia:
        publish(pia, ACTION, ["en"], ["md"], tmp_path / "en", day)


def test_attack_action_row_set_back_to_the_approved_version(
    vault: Path, day: dt.date, tmp_path: Path
) -> None:
    old = _action_row(vault)
    _edit_action(vault)
    _set_action_row(vault, old)
    _refused(vault, tmp_path / "ua", day, "rewritten")


def test_attack_action_row_set_back_and_its_put_entry_hidden(
    vault: Path, day: dt.date, tmp_path: Path
) -> None:
    old = _action_row(vault)
    _edit_action(vault)
    seq = _last_entry(vault, actions.PUT)
    _set_action_row(vault, old)
    with raw_db(vault, "pia") as db:
        db.execute("UPDATE audit_entries SET action = 'action.read' WHERE seq = ?", (seq,))
    _refused(vault, tmp_path / "ua", day, "")


# --- 8. the output folder -----------------------------------------------------------------------


@pytest.mark.parametrize("target", ["non-empty folder", "empty folder"])
def test_attack_output_is_a_symlink_to_a_folder(
    vault: Path, day: dt.date, tmp_path: Path, target: str
) -> None:
    real = tmp_path / "elsewhere"
    real.mkdir()
    if target == "non-empty folder":
        (real / "keep.txt").write_text("someone's file\n", encoding="utf-8")
    out = tmp_path / "ua"
    out.symlink_to(real, target_is_directory=True)
    with pytest.raises(UsageError, match="is not a folder"):
        _publish(vault, out, day)
    assert out.is_symlink() and sorted(p.name for p in real.iterdir()) == (
        ["keep.txt"] if target == "non-empty folder" else []
    )
    assert _publications(vault) == []


def _race(monkeypatch: pytest.MonkeyPatch, make: Any) -> None:
    """Another process makes the target after publish checked it, while files are rendered."""
    real = render_files  # what publisher_svc imported

    def render_then_race(*args: Any, **kwargs: Any) -> Any:
        files = real(*args, **kwargs)
        make()
        return files

    monkeypatch.setattr(publisher_svc, "render_files", render_then_race)


@pytest.mark.parametrize("how", ["folder with a file", "symlink to a folder"])
def test_attack_target_created_by_another_process_meanwhile(
    vault: Path, day: dt.date, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    out = tmp_path / "ua"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("someone's file\n", encoding="utf-8")

    def make() -> None:
        if how == "folder with a file":
            out.mkdir()
            (out / "keep.txt").write_text("someone's file\n", encoding="utf-8")
        else:
            out.symlink_to(elsewhere, target_is_directory=True)

    _race(monkeypatch, make)
    with pytest.raises(OSError):
        _publish(vault, out, day)
    assert (out / "keep.txt").read_text("utf-8") == "someone's file\n"
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]
    assert not list(tmp_path.glob(".ua.partial-*"))


def test_a_publication_that_never_went_out_is_not_logged(
    vault: Path, day: dt.date, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "ua"

    def make() -> None:
        out.mkdir()
        (out / "keep.txt").write_text("someone's file\n", encoding="utf-8")

    _race(monkeypatch, make)
    with pytest.raises(OSError):
        _publish(vault, out, day)
    assert _publications(vault) == []


# --- 9. the leak index of an edition's case deleted -------------------------------------------


def _delete_leak_index_of(path: Path, case_id: str) -> None:
    with raw_db(path, "pia") as db:
        (no,) = db.execute("SELECT no FROM leak_cases WHERE case_id = ?", (case_id,)).fetchone()
        rewrite_leak_pairs(db, drop=lambda _term, n: n == no)
        db.execute("DELETE FROM leak_cases WHERE case_id = ?", (case_id,))
        db.execute("DELETE FROM leak_terms_v1 WHERE case_id = ?", (case_id,))


@pytest.mark.parametrize("deleted", [False, True])
def test_attack_leak_index_of_an_edition_case_deleted(
    vault: Path, day: dt.date, deleted: bool
) -> None:
    """A rendering that holds the name of a relative in one of the edition's own cases (a
    version written around the service, say) is refused by the leak check whether or not that
    case's leak-index rows are there: the check reads the edition's cases from their signed
    versions too, not only from rows any member can delete. (A name: no pattern finds it.)"""
    subject = _first_case(vault)
    with opened(vault, "cara") as cara:
        name = cases.show_case(cara, subject).values["family_contacts"][0]["name"]
    if deleted:
        _delete_leak_index_of(vault, subject)
    with opened(vault, "cara") as cara, cara.store.read():
        edition = gather(cara, ACTION, ["en"], day)
        planted = OutputFile("UA-061-21-en.md", "md", "en", f"Ask {name} today.".encode())
        findings = gate.scan_edition(cara, edition, [planted])
    assert findings
    assert {(f.kind, f.owners) for f in findings} == {("name", (subject,))}
    assert name not in findings[0].line()
