"""Issue 3: the tamper-evident audit log. Coverage, no plaintext, and one test per attack, each
tampering with the database directly (holding the SQLCipher key) and expecting `verify` to name
what happened."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import PASSPHRASES, OpenAs, passphrase_for
from tests.test_leaks import protected_values
from vault.audit import checkpoint as cp
from vault.audit import entry as en
from vault.audit import merkle
from vault.audit.log import AuditLog
from vault.audit.witness import Witness, state_dir
from vault.cli import cli
from vault.crypto import Identity, Passphrase
from vault.errors import AuthenticationError, IntegrityError, ValidationError
from vault.services import audit, cases, history, users
from vault.services.importer import import_file
from vault.services.session import Vault
from vault.store import AuditRow, SqlCipherStore

CASE = "UA-061-21-004"


def _actions(v: Vault) -> list[str]:
    return [line.entry.action for line in reversed(audit.audit_log(v, limit=10_000))]


def _problems(v: Vault) -> list[str]:
    result = audit.verify(v)
    assert not result.ok
    return result.problems


# --- coverage -----------------------------------------------------------------------------------


def test_demo_vault_log_verifies_and_covers_its_making(open_as: OpenAs) -> None:
    v = open_as("ada")
    result = audit.verify(v)
    assert result.ok, result.problems
    acts = _actions(v)
    assert acts[0] == "vault.init"
    assert acts.count("member.add") == 3  # the founder is enrolled by vault.init
    assert {"key.create", "key.deliver", "case.bulk_create", "action.put"} <= set(acts)


def test_reads_of_protected_fields_are_logged_with_ids_only(open_as: OpenAs) -> None:
    v = open_as("rui")
    cases.show_case(v, CASE)
    last = audit.audit_log(v, limit=1)[0].entry
    assert (last.action, last.actor, last.cases) == ("case.read", "rui", (CASE,))
    assert "case_notes" in last.fields and "sources" not in last.fields  # withheld: not read
    p = open_as("pia")
    before = p.audit.size()
    cases.show_case(p, CASE)  # a publisher reads no protected field: nothing to log
    assert p.audit.size() == before


def test_every_kind_of_action_leaves_its_entry(
    open_as: OpenAs, demo_path: Path, tmp_path: Path
) -> None:
    v = open_as("cara")
    cases.edit_case(v, CASE, {"status": "released"})
    cases.find_cases(v, "Nurlan")
    history.case_history(v, CASE)
    src = tmp_path / "new.jsonl"
    src.write_text(json.dumps({"case_id": "UA-500-26-001", "full_name": "Invented Log"}) + "\n")
    import_file(v, src)
    v.close()
    with pytest.raises(AuthenticationError):
        Vault.open(demo_path, "cara", lambda _n: Passphrase.from_text("not it"))
    admin = Vault.open(demo_path, "ada", lambda _n: passphrase_for("ada"))
    users.add_member(
        admin, "omar", "reviewer", passphrase=lambda: Passphrase.from_text("omar passphrase 1")
    )
    admin.close()
    users.change_passphrase(
        demo_path,
        "omar",
        lambda _n: Passphrase.from_text("omar passphrase 1"),
        Passphrase.from_text("omar passphrase 2"),
    )
    w = Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara"))
    acts = _actions(w)
    for action in (
        "case.edit",
        "case.find",
        "case.history",
        "case.import",
        "auth.failed",
        "member.add",
        "member.passwd",
        "key.deliver",
    ):
        assert action in acts, action
    imp = next(line.entry for line in audit.audit_log(w, action="case.import"))
    assert imp.details["count"] == 1 and len(str(imp.details["sha256"])) == 64
    assert imp.details["file"] != "new.jsonl"  # a keyed hash, not the name
    failed = next(line.entry for line in audit.audit_log(w, action="auth.failed"))
    assert failed.details["user"] == "cara" and failed.details["reason"] == "wrong passphrase"
    assert audit.verify(w).ok
    w.close()


def test_a_failed_action_leaves_no_entry(open_as: OpenAs, tmp_path: Path) -> None:
    """No entry without its action: the entry is in the action's transaction."""
    v = open_as("cara")
    before = v.audit.size()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"case_id": "UA-500-26-001"}\n{"case_id": "UA-500-26-002", "x": 1}\n')
    with pytest.raises(ValidationError):
        import_file(v, bad)
    with pytest.raises(Exception):  # noqa: B017 - any failure, as long as nothing is logged
        cases.edit_case(v, "UA-999-99-999", {"status": "missing"})
    assert v.audit.size() == before


def test_audit_log_filters(open_as: OpenAs) -> None:
    v = open_as("rui")
    cases.show_case(v, CASE)
    cases.show_case(v, "UA-061-21-005")
    assert {line.entry.cases for line in audit.audit_log(v, case_id=CASE)} >= {(CASE,)}
    assert all(line.entry.actor == "rui" for line in audit.audit_log(v, actor="rui"))
    assert {line.entry.action for line in audit.audit_log(v, action="case")} <= {
        "case.read",
        "case.bulk_create",
        "case.find",
        "case.create",
        "case.edit",
        "case.history",
        "case.import",
    }
    assert audit.audit_log(v, since="2999-01-01") == []


def test_no_protected_value_in_the_log_storage(open_as: OpenAs) -> None:
    v = open_as("cara")
    cases.show_case(v, CASE)
    cases.find_cases(v, "Nurlan Toqtar")
    rows = _db(v).execute("SELECT body FROM audit_entries")
    blob = b"".join(bytes(r[0]) for r in rows)
    blob += "".join(note for _, note in v.store.audit_heads()).encode()
    for value in protected_values() | {"Nurlan Toqtar", "Nurlan"}:
        assert value.encode("utf-8") not in blob


# --- the attacks ----------------------------------------------------------------------------------


def _db(v: Vault) -> Any:
    """The raw database connection, as an attacker holding the SQLCipher key has it."""
    assert isinstance(v.store, SqlCipherStore)
    return v.store._conn


def _sql(v: Vault, statement: str, *args: object) -> None:
    with v.store.write():
        _db(v).execute(statement, args)


def test_attack_entry_bytes_changed(open_as: OpenAs) -> None:
    v = open_as("cara")
    row = v.store.audit_entry(3)
    assert row is not None
    changed = row.body.replace(b'"cases":[]', b'"cases":["UA-061-21-004"]')
    assert changed != row.body
    _sql(v, "UPDATE audit_entries SET body = ? WHERE seq = 3", changed)
    problems = _problems(v)
    assert "audit entry 3 (member.add) does not verify under ada's key" in problems[0]


def test_attack_entry_deleted_in_the_middle(open_as: OpenAs) -> None:
    v = open_as("cara")
    _sql(v, "DELETE FROM audit_entries WHERE seq = 5")
    assert _problems(v)[0] == "audit entries 5..5 are missing: deleted"


def test_attack_last_entries_truncated(open_as: OpenAs) -> None:
    v = open_as("cara")
    size = v.audit.size()
    _sql(v, "DELETE FROM audit_entries WHERE seq >= ?", size - 3)
    problems = _problems(v)
    assert any(f"covers {size} entries, only {size - 3} remain" in p for p in problems)
    assert "the log was truncated" in " ".join(problems)


def test_attack_truncation_with_heads_removed_is_caught_by_cross_check(open_as: OpenAs) -> None:
    """The attacker also drops the signed heads: the case versions without entries betray it."""
    v = open_as("cara")
    cases.edit_case(v, CASE, {"status": "released"})
    size = v.audit.size()
    _sql(v, "DELETE FROM audit_entries WHERE seq = ?", size - 1)
    _sql(v, "DELETE FROM audit_heads WHERE size = ?", size)
    _sql(v, "DELETE FROM audit_nodes WHERE level = 0 AND idx = ?", size - 1)
    problems = _problems(v)
    assert any(
        "case_versions, the vault holds 65: rows with no audit entry" in p for p in problems
    ), problems


def test_attack_case_version_deleted_is_caught_by_cross_check(open_as: OpenAs) -> None:
    """The attacker removes the edit itself, not its entry: the log names the missing version."""
    v = open_as("cara")
    cases.edit_case(v, CASE, {"status": "released"})
    edit = audit.audit_log(v, action="case.edit", limit=1)[0]
    version = edit.entry.details["version"]
    _sql(v, "DELETE FROM case_versions WHERE case_id = ? AND version = ?", CASE, version)
    problems = _problems(v)
    assert problems[0] == (
        f"audit entry {edit.seq} records {CASE} v{version}, which is not in the vault: "
        "it was removed"
    )
    assert any(
        p.endswith("case_versions, the vault holds 64: audit entries whose rows were removed")
        for p in problems
    ), problems
    assert problems[-1] == f"case {CASE}: its current version is not its last: it was set back"


def test_attack_two_entries_swapped(open_as: OpenAs) -> None:
    v = open_as("cara")
    a, b = v.store.audit_entry(6), v.store.audit_entry(7)
    assert a is not None and b is not None
    _sql(v, "UPDATE audit_entries SET body = ? WHERE seq = 6", b.body)
    _sql(v, "UPDATE audit_entries SET body = ? WHERE seq = 7", a.body)
    problems = _problems(v)
    assert problems[0] == ("audit entry 6 holds entry 7: entries were swapped or reordered")


def test_attack_vault_replaced_by_an_older_copy(demo_path: Path, tmp_path: Path) -> None:
    old = tmp_path / "old-copy"
    shutil.copytree(demo_path, old)
    v = Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara"))
    cases.edit_case(v, CASE, {"status": "released"})  # the edit the attacker wants to undo
    kept_outside = audit.make_checkpoint(v).note
    v.close()
    shutil.rmtree(demo_path)
    shutil.copytree(old, demo_path)  # the rollback
    # cara saw the newer log on this machine: her unlock refuses the old copy outright
    with pytest.raises(IntegrityError, match=r"rollback: .*compared with what cara last saw"):
        Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara"))
    # rui never saw it here: the copy is self-consistent, only the outside checkpoint tells
    v = Vault.open(demo_path, "rui", lambda _n: passphrase_for("rui"))
    assert audit.verify(v).ok
    with pytest.raises(
        IntegrityError,
        match=r"rollback: the checkpoint .* covers \d+ entries, "
        r"this vault's log has only \d+",
    ):
        audit.verify_against(v, kept_outside)
    v.close()


def test_attack_old_copy_with_new_entries_is_a_fork(demo_path: Path, tmp_path: Path) -> None:
    old = tmp_path / "old-copy"
    shutil.copytree(demo_path, old)
    v = Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara"))
    cases.edit_case(v, CASE, {"status": "released"})
    kept_outside = audit.make_checkpoint(v).note
    v.close()
    shutil.rmtree(demo_path)
    shutil.copytree(old, demo_path)
    v = Vault.open(demo_path, "rui", lambda _n: passphrase_for("rui"))
    for _ in range(8):  # the attacker pads the old copy past the checkpoint's size
        cases.show_case(v, CASE)
    with pytest.raises(IntegrityError, match="does not extend the checkpoint"):
        audit.verify_against(v, kept_outside)
    v.close()
    with pytest.raises(IntegrityError, match=r"does not extend .*what cara last saw"):
        Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara"))


def _append_forged(v: Vault, actor: str, forger: Identity) -> int:
    log = AuditLog(v.store, v.vault_id)
    seq = log.size()
    entry = en.make(
        v.vault_id,
        seq,
        "2026-01-01T00:00:00Z",
        actor,
        "case.read",
        cases=[CASE],
        fields=["sources"],
        details={"version": 1},
    )
    body = en.encode(entry, forger.sign)
    with v.store.write():
        front = log.frontier(seq)
        nodes = front.append(merkle.leaf_hash(body))
        v.store.append_audit(AuditRow(seq, entry.time, actor, entry.action, (CASE,), body), nodes)
        v.store.put_audit_head(
            front.size,
            log.signed_head(
                front.size, front.root(), forger, forger.public.sign_public, entry.time
            ),
        )
    return seq


def test_attack_forged_entry_signed_by_a_non_member_key(open_as: OpenAs) -> None:
    v = open_as("cara")
    forger = Identity.generate("cara")  # claims to be cara, holds another key
    seq = _append_forged(v, "cara", forger)
    problems = _problems(v)
    assert problems[0].startswith(f"audit entry {seq} (case.read) does not verify under cara's")
    assert any("no verifiable signatures" in p for p in problems)  # the head is forged too


def test_attack_forged_entry_in_the_name_of_a_stranger(open_as: OpenAs) -> None:
    v = open_as("cara")
    seq = _append_forged(v, "mallory", Identity.generate("mallory"))
    assert _problems(v)[0] == (
        f"audit entry {seq} claims to be by 'mallory', who is not a member: forged"
    )


# --- checkpoints and proofs a third party can check -----------------------------------------------


def test_checkpoint_is_a_c2sp_note_signed_by_the_person(open_as: OpenAs) -> None:
    v = open_as("rui")
    c = audit.make_checkpoint(v)
    name, public = cp.parse_verifier_key(c.verifier_key)
    opened = cp.open_note(c.note, {(name, cp.key_id(name, public)): public})
    parsed = cp.parse_checkpoint(opened.text)
    assert (parsed.origin, parsed.size) == (f"casevault/{v.vault_id}", c.size)
    assert parsed.root == v.audit.root_at(c.size)
    assert opened.verified == ["rui"]
    assert audit.verify_against(v, c.note) == (c.size, c.size + 1)


def test_inclusion_proof_checks_with_bundle_and_key_alone(open_as: OpenAs, tmp_path: Path) -> None:
    v = open_as("rui")
    bundle = audit.prove(v, 3)
    vkey = audit.verifier_key(v)
    v.close()
    result = audit.check_proof_bundle(json.loads(json.dumps(bundle)), [vkey])
    assert result.entry.seq == 3 and result.entry.action == "member.add"
    tampered = dict(bundle)
    body = base64.b64decode(bundle["entry"]).replace(b'"cases":[]', b'"cases":["UA-061-21-004"]')
    tampered["entry"] = base64.b64encode(body).decode()
    with pytest.raises(IntegrityError, match="inclusion proof fails"):
        audit.check_proof_bundle(tampered, [vkey])
    other = cp.verifier_key("rui", Identity.generate("rui").public.sign_public)
    with pytest.raises(IntegrityError, match="no verifiable signatures"):
        audit.check_proof_bundle(bundle, [other])


def test_cli_verify_names_the_first_bad_entry(demo_path: Path, tmp_path: Path) -> None:
    env = {
        "CASEVAULT_PATH": str(demo_path),
        "CASEVAULT_USER": "cara",
        "CASEVAULT_PASSPHRASE": PASSPHRASES["cara"],
    }
    r = CliRunner().invoke(cli, ["audit", "checkpoint", "--out", str(tmp_path / "cp")], env=env)
    assert r.exit_code == 0, r.stderr
    r = CliRunner().invoke(cli, ["audit", "verify", "--against", str(tmp_path / "cp")], env=env)
    assert r.exit_code == 0, r.stderr
    assert "extends the checkpoint" in r.stdout
    r = CliRunner().invoke(cli, ["audit", "prove", "2", "--out", str(tmp_path / "p.json")], env=env)
    assert r.exit_code == 0, r.stderr
    key = CliRunner().invoke(cli, ["audit", "key"], env=env).stdout.strip()
    r = CliRunner().invoke(cli, ["audit", "check-proof", str(tmp_path / "p.json"), "--key", key])
    assert r.exit_code == 0 and r.stdout.startswith("OK: entry 2"), r.stderr
    v = Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara"))
    _sql(v, "DELETE FROM audit_entries WHERE seq = 7")  # a key delivery: no state record's
    v.close()
    r = CliRunner().invoke(cli, ["audit", "verify"], env=env)
    assert r.exit_code == 5
    assert r.stderr.splitlines()[0] == "casevault: error: audit entries 7..7 are missing: deleted"
    assert "Traceback" not in r.stderr


# --- the witness: what a person last saw of the log, kept outside the vault -------------------


def _latest_head(v: Vault) -> str:
    with v.store.read():
        head = v.store.latest_audit_head()
    assert head is not None
    return head[1]


def _check(w: Witness, v: Vault) -> None:
    with v.store.read():
        w.check(v.audit, v.members.sign_keys())


def _rolled_back(demo_path: Path, tmp_path: Path, w: Witness) -> Vault:
    """cara edits a case and her witness remembers it; then the vault is replaced by the copy
    taken before. Returns the old copy opened by rui (who never saw the newer log)."""
    old = tmp_path / "old-copy"
    shutil.copytree(demo_path, old)
    v = Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara"))
    cases.edit_case(v, CASE, {"status": "released"})  # the edit the attacker wants to undo
    w.remember(_latest_head(v))
    v.close()
    shutil.rmtree(demo_path)
    shutil.copytree(old, demo_path)
    return Vault.open(demo_path, "rui", lambda _n: passphrase_for("rui"))


def test_witness_with_nothing_remembered_checks_nothing(open_as: OpenAs, tmp_path: Path) -> None:
    v = open_as("cara")
    w = Witness(v.vault_id, "cara", tmp_path / "witness")
    assert w.remembered() is None
    _check(w, v)  # a first unlock on this machine: nothing to compare with


def test_witness_accepts_the_log_it_saw_and_its_extensions(open_as: OpenAs, tmp_path: Path) -> None:
    v = open_as("cara")
    w = Witness(v.vault_id, "cara", tmp_path / "witness")
    note = _latest_head(v)
    w.remember(note)
    assert w.remembered() == note
    assert w.path == tmp_path / "witness" / v.vault_id / "cara.checkpoint"
    _check(w, v)
    cases.show_case(v, CASE)  # the log grows: it still extends what cara saw
    _check(w, v)


def test_attack_witness_refuses_a_rolled_back_vault(demo_path: Path, tmp_path: Path) -> None:
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as first:
        w = Witness(first.vault_id, "cara", tmp_path / "witness")
    v = _rolled_back(demo_path, tmp_path, w)
    with pytest.raises(IntegrityError) as caught:
        _check(w, v)
    message = caught.value.diagnostics()
    assert message.startswith("rollback: the checkpoint (signed by cara) covers ")
    assert message.endswith(
        f"it is an older copy (compared with what cara last saw on this machine, {w.path}; "
        "a backup is restored on purpose with 'casevault backup restore', which signs it)"
    )
    w.path.rename(w.path.with_name("moved-away"))  # the backup was restored on purpose
    _check(w, v)
    v.close()


def test_attack_witness_refuses_an_old_copy_with_new_entries(
    demo_path: Path, tmp_path: Path
) -> None:
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as first:
        w = Witness(first.vault_id, "cara", tmp_path / "witness")
    v = _rolled_back(demo_path, tmp_path, w)
    for _ in range(8):  # the attacker pads the old copy past the remembered size
        cases.show_case(v, CASE)
    with pytest.raises(
        IntegrityError,
        match=r"does not extend the checkpoint at size \d+: its "
        r"history was rewritten .*\(compared with what cara last saw",
    ):
        _check(w, v)
    v.close()


def test_witness_reads_what_a_session_remembered(open_as: OpenAs) -> None:
    """The file format and place did not change: a session's memory is the witness's."""
    v = open_as("rui")
    vault_id, note = v.vault_id, _latest_head(v)
    v.close()
    assert Witness(vault_id, "rui").remembered() == note


def test_witness_never_raises_when_it_cannot_remember(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    for root in (blocker, blocker / "below"):
        w = Witness("0123abcd", "cara", root)
        w.remember("a note\n")  # best effort: the work goes on
        assert w.remembered() is None
    taken = Witness("0123abcd", "cara", tmp_path / "state2")
    taken.path.mkdir(parents=True)  # a directory where the file should go
    taken.remember("a note\n")
    assert taken.remembered() is None


def test_state_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert state_dir() == tmp_path / "explicit"
    assert Witness("v1", "ada").path == tmp_path / "explicit" / "v1" / "ada.checkpoint"
    monkeypatch.delenv("CASEVAULT_STATE_DIR")
    assert state_dir() == tmp_path / "xdg" / "casevault"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert state_dir() == tmp_path / "home" / ".local" / "state" / "casevault"
