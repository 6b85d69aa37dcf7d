"""Insider attacks with the database key in hand (issue 14), each named for the attack and
asserting the refusal a person sees when they next use the vault normally."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import PASSPHRASES, passphrase_for
from tests.insider import db_key, identity, raw_db, state_rows
from tests.review_helpers import approve, clear_unchecked
from vault.cli import cli
from vault.crypto import (
    Identity,
    Passphrase,
    SecretBytes,
    canonical_json,
    hierarchy,
    new_key,
    sealed_public,
    unwrap_key,
    wrap_key,
    wrap_to,
)
from vault.errors import DecryptionError
from vault.policy import state as signed_state
from vault.services import cases, drafts, layout, users
from vault.services import review as review_svc
from vault.services import session as session_module
from vault.services.keyring import Keyring
from vault.services.members import Members, load_state, public_identity
from vault.services.session import Vault


def _run(path: Path, user: str, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    env = {
        "CASEVAULT_PATH": str(path),
        "CASEVAULT_USER": user,
        "CASEVAULT_PASSPHRASE": PASSPHRASES[user],
    }
    r = runner.invoke(cli, list(args), env=env)
    return r.exit_code, r.stdout, r.stderr


def test_attack_trigger_that_drops_reads_makes_the_vault_refuse_to_open(demo_path: Path) -> None:
    with raw_db(demo_path, "rui") as db:
        db.execute(
            "CREATE TRIGGER hide_reads AFTER INSERT ON audit_entries WHEN NEW.actor = 'rui' "
            "BEGIN DELETE FROM audit_entries WHERE seq = NEW.seq; END"
        )
    code, _, err = _run(demo_path, "cara", "case", "list")
    assert code != 0
    assert "trigger 'hide_reads' that casevault did not create" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "ddl",
    [
        "CREATE VIEW v AS SELECT * FROM cases",
        "CREATE TABLE shadow (x)",
        "CREATE INDEX extra ON cases (head_version)",
    ],
)
def test_attack_any_object_added_to_the_schema_is_refused(demo_path: Path, ddl: str) -> None:
    with raw_db(demo_path, "pia") as db:
        db.execute(ddl)
    code, _, err = _run(demo_path, "cara", "case", "list")
    assert code != 0 and "that casevault did not create" in err


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE state_records SET log_seq = 'x' WHERE seq = 1",
        "UPDATE state_records SET body = 'not a blob' WHERE seq = 2",
        "UPDATE case_versions SET log_seq = 'x' WHERE version = 1",
        "UPDATE key_wraps SET wrapped = 'x' WHERE holder = 'cara'",  # found by attack
        "UPDATE key_wraps SET wrapped = 'x' WHERE holder = 'caseworker@1'",
        "UPDATE audit_entries SET body = 'x' WHERE seq = (SELECT max(seq) FROM audit_entries)",
    ],
)
def test_attack_text_in_a_numeric_or_blob_column_is_a_clean_error(
    demo_path: Path, sql: str
) -> None:
    with raw_db(demo_path, "pia") as db:
        db.execute(sql)
    code, _, err = _run(demo_path, "cara", "case", "show", "UA-061-21-004")
    assert code != 0
    assert err.startswith("casevault: error:") and "malformed" in err
    assert "internal error" not in err and "Traceback" not in err


# --- 1. the policy and the epochs are signed state, not rows ----------------------------------


def _role_wraps(path: Path, role: str) -> set[tuple[str, int]]:
    with raw_db(path, "cara") as db:
        rows = db.execute(
            "SELECT holder, epoch FROM key_wraps WHERE kind = 'role' AND name = ?", (role,)
        )
        return {(str(r[0]), int(r[1])) for r in rows}


def _publisher_reads_everything(policy: str) -> str:
    return policy.replace(
        "reads = []\npublishes = true",
        'reads = ["public", "restricted", "confidential", "secret"]'
        "\npublishes = true\nmanages_people = true\nreviews = true",
    )


def test_attack_publisher_rewrites_the_signed_policy_in_place(demo_path: Path) -> None:
    with raw_db(demo_path, "pia") as db:
        seq, body, _, _ = state_rows(db)[0]
        record = json.loads(body)
        record["payload"]["policy"] = _publisher_reads_everything(record["payload"]["policy"])
        assert "manages_people = true\nreviews" in record["payload"]["policy"]
        forged = json.dumps(record, sort_keys=True, separators=(",", ":")).encode()
        db.execute("UPDATE state_records SET body = ? WHERE seq = ?", (forged, seq))
    before = _role_wraps(demo_path, "publisher")
    code, _, err = _run(demo_path, "cara", "case", "list")
    assert code == 5 and "genesis record's signature is invalid" in err
    assert _role_wraps(demo_path, "publisher") == before  # nothing delivered


def test_attack_publisher_appends_her_own_policy_change(demo_path: Path) -> None:
    pia = identity(demo_path, "pia")
    with raw_db(demo_path, "pia") as db:
        rows = state_rows(db)
        seq, last, _, _ = rows[-1]
        vault_id = json.loads(last)["vault_id"]
        policy = _publisher_reads_everything(json.loads(rows[0][1])["payload"]["policy"])
        prev = hashlib.sha256(last).hexdigest()
        body = signed_state.encode(
            vault_id,
            seq + 1,
            prev,
            signed_state.POLICY_SET,
            "pia",
            "2026-12-01T00:00:00Z",
            {"policy": policy},
        )
        db.execute(
            "INSERT INTO state_records VALUES (?,?,?,?,?,?)",
            (seq + 1, "policy.set", "pia", body, pia.sign(signed_state.signed_message(body)), 0),
        )
    code, _, err = _run(demo_path, "cara", "case", "list")
    assert code == 5
    assert f"state record {seq + 1} (policy.set) is signed by a publisher, who may not" in err


def test_attack_policy_and_epoch_rows_in_meta_steer_nothing(demo_path: Path) -> None:
    """The old attack: a publisher writes a policy and bumps her role's epoch in `meta`. Those
    rows are no longer read: the next caseworker command delivers nothing to her."""
    with raw_db(demo_path, "pia") as db:
        policy = json.loads(state_rows(db)[0][1])["payload"]["policy"]
        db.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('policy', ?)",
            (_publisher_reads_everything(policy).encode(),),
        )
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('epoch:role:publisher', '2')")
    before = _role_wraps(demo_path, "publisher")
    code, _, err = _run(demo_path, "cara", "case", "list")
    assert code == 0 and "delivered keys to" not in err
    assert _role_wraps(demo_path, "publisher") == before
    code, out, _ = _run(demo_path, "pia", "case", "show", "UA-061-21-004")
    assert "withheld (secret)" in out or code != 0


# --- 2. freshness first, and the founder pinned -----------------------------------------------


def test_attack_member_enrolled_in_an_older_copy_receives_no_key(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "old-copy"
    shutil.copytree(demo_path, old)
    assert (
        _run(demo_path, "cara", "case", "edit", "UA-061-21-004", "--set", "status=released")[0] == 0
    )
    # the admin, on a machine that never saw the newer vault, enrols a member in the old copy
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "admins-machine"))
    with Vault.open(old, "ada", lambda _n: passphrase_for("ada")) as admin:
        users.add_member(
            admin, "mallory", "caseworker", passphrase=lambda: Passphrase.from_text("x" * 16)
        )
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "state"))
    shutil.rmtree(demo_path)
    shutil.copytree(old, demo_path)
    code, _, err = _run(demo_path, "cara", "case", "list")
    assert code == 5 and "last saw on this machine" in err
    assert not any(h == "mallory" for h, _ in _role_wraps(demo_path, "caseworker"))


def test_attack_vault_replaced_by_one_with_another_founder(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run(demo_path, "cara", "case", "list")[0] == 0  # cara's machine pins the founder
    real = layout.read_keyring(demo_path)
    fake = tmp_path / "fake"
    monkeypatch.setattr(session_module.secrets, "token_hex", lambda _n: real["vault_id"])
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "eves-machine"))
    eve = Passphrase.from_text("eve-is-the-founder-now")
    with Vault.init(fake, "eve", eve) as v:
        users.add_member(v, "cara", "caseworker", public=sealed_public(real["identities"]["cara"]))
    keyring = layout.read_keyring(fake)
    keyring["identities"]["cara"] = real["identities"]["cara"]
    layout.write_json_atomic(fake / layout.KEYRING_NAME, keyring)
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "state"))
    shutil.rmtree(demo_path)
    shutil.copytree(fake, demo_path)
    code, _, err = _run(demo_path, "cara", "case", "list")
    assert code == 5 and "is not the one pinned on this machine at first use" in err


def test_first_use_on_a_machine_pins_the_founder_to_compare(demo_path: Path) -> None:
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        founder = v.members.verified(v.state.founder)
        assert v.notice.first_use_founder == public_identity(founder).fingerprint()
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        assert v.notice.first_use_founder is None


# --- 4. the current version is checked, not taken from a pointer -------------------------------


CASE = "UA-061-21-004"


def _approved_then_voided(path: Path) -> str:
    with Vault.open(path, "cara", lambda _n: passphrase_for("cara")) as v:
        draft_id = drafts.create_draft(v, CASE, "en").draft_id
    with Vault.open(path, "rui", lambda _n: passphrase_for("rui")) as v:
        assert approve(v, draft_id).state == "approved"
    code, _, _ = _run(path, "cara", "case", "consent", CASE, "--publish-name", "no")
    assert code == 0
    return draft_id


def test_attack_head_pointer_set_back_revives_no_approval(demo_path: Path) -> None:
    draft_id = _approved_then_voided(demo_path)
    with raw_db(demo_path, "pia") as db:
        db.execute("UPDATE cases SET head_version = head_version - 1 WHERE case_id = ?", (CASE,))
    code, _, err = _run(demo_path, "pia", "review", "show", draft_id)
    assert code == 5 and "current version was set back" in err
    code, _, err = _run(demo_path, "rui", "case", "show", CASE)
    assert code == 5 and "current version was set back" in err


def test_attack_newest_version_deleted_and_head_set_back(demo_path: Path) -> None:
    draft_id = _approved_then_voided(demo_path)
    with raw_db(demo_path, "pia") as db:
        head = int(
            db.execute("SELECT head_version FROM cases WHERE case_id = ?", (CASE,)).fetchone()[0]
        )
        db.execute("DELETE FROM case_versions WHERE case_id = ? AND version = ?", (CASE, head))
        db.execute("UPDATE cases SET head_version = ? WHERE case_id = ?", (head - 1, CASE))
    code, _, err = _run(demo_path, "pia", "review", "show", draft_id)
    assert code == 5 and "a version was removed" in err


# --- 5. database state is bound to the log ------------------------------------------------------


def test_attack_caseworker_rewrites_a_version_in_place(demo_path: Path) -> None:
    """cara re-seals version 1 of a case with other content, signed by herself, with no new
    version and no log entry: the signature is valid, the log says otherwise."""
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        values = cases.show_case(v, CASE).values | {"status": "released"}
        prepared = cases.prepare_version(v, CASE, 1, "", values)
        forged = prepared.row
    with raw_db(demo_path, "cara") as db:
        db.execute(
            "UPDATE case_versions SET body = ?, signature = ? WHERE case_id = ? AND version = 1",
            (forged.body, forged.signature, CASE),
        )
        for w in prepared.wraps:  # and the new data keys' wraps beside it
            db.execute(
                "UPDATE data_key_wraps SET epoch = ?, wrapped = ? "
                "WHERE record = ? AND version = ? AND level = ?",
                (w.epoch, w.wrapped, w.record, w.version, w.level),
            )
    code, _, err = _run(demo_path, "rui", "case", "show", CASE)
    assert code == 5 and f"case {CASE} v1 is not the one its audit entry records" in err


def test_attack_signed_approval_inserted_without_a_log_entry(demo_path: Path) -> None:
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        d = drafts.create_draft(v, CASE, "en")
    with Vault.open(demo_path, "rui", lambda _n: passphrase_for("rui")) as v:
        clear_unchecked(v, d.draft_id)
        draft = drafts.get_draft(v, d.draft_id)
        signature = v.identity.sign(review_svc.approval_message(v, draft, "rui"))
        body = canonical_json({"verdict": "approve", "text_sha256": draft.text_hash})
    with raw_db(demo_path, "rui") as db:
        for log_seq in (-1, 0):  # no entry, and an entry that records something else
            db.execute("DELETE FROM reviews")
            db.execute(
                "INSERT INTO reviews VALUES (?,?,?,?,?,?,?,?)",
                (d.draft_id, 1, "rui", "approve", "2026-12-01T00:00:00Z", body, signature, log_seq),
            )
            with Vault.open(demo_path, "pia", lambda _n: passphrase_for("pia")) as v:
                assert review_svc.status(v, drafts.get_draft(v, d.draft_id)).state == "pending"


def test_attack_admin_resigns_a_member_record_with_keys_he_holds(demo_path: Path) -> None:
    ada = identity(demo_path, "ada")
    sock = Identity.generate("cara")
    with raw_db(demo_path, "ada") as db:
        for seq, body, _, _ in state_rows(db):
            record = json.loads(body)
            if record["payload"].get("name") == "cara":
                record["payload"]["sign_public"] = base64.b64encode(
                    sock.public.sign_public
                ).decode()
                record["payload"]["kem_public"] = base64.b64encode(sock.public.kem_public).decode()
                forged = json.dumps(record, sort_keys=True, separators=(",", ":")).encode()
                signature = ada.sign(signed_state.signed_message(forged))
                db.execute(
                    "UPDATE state_records SET body = ?, signature = ? WHERE seq = ?",
                    (forged, signature, seq),
                )
    before = _role_wraps(demo_path, "caseworker")
    code, _, err = _run(demo_path, "rui", "case", "list")
    assert code == 5 and "state record" in err
    assert _role_wraps(demo_path, "caseworker") == before


def test_audit_verify_cross_checks_drafts_verdicts_and_heads(demo_path: Path) -> None:
    """Rows rewritten, removed or set back behind the log's back are each named by verify."""
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        d = drafts.create_draft(v, CASE, "en")
    with Vault.open(demo_path, "rui", lambda _n: passphrase_for("rui")) as v:
        approve(v, d.draft_id)
    assert _run(demo_path, "cara", "case", "edit", CASE, "--set", "status=released")[0] == 0
    with raw_db(demo_path, "pia") as db:
        db.execute("DELETE FROM reviews")
        db.execute("UPDATE drafts SET body = CAST(body || ' ' AS BLOB)")
        db.execute("UPDATE cases SET head_version = 1 WHERE case_id = ?", (CASE,))
    code, _, err = _run(demo_path, "pia", "audit", "verify")
    assert code == 5
    assert f"records rui's approve of {d.draft_id} v1, which is not in the vault" in err
    assert f"records draft {d.draft_id} v1 with another body: it was rewritten" in err
    assert f"case {CASE}: its current version is not its last: it was set back" in err


# --- key wraps count only when the signed hierarchy committed to the key --------------------


def _fresh_vault(path: Path) -> None:
    with Vault.init(path, "ada", passphrase_for("ada")) as v:
        for name, role in (("cara", "caseworker"), ("rui", "reviewer"), ("pia", "publisher")):
            users.add_member(v, name, role, passphrase=lambda n=name: passphrase_for(n))


def test_attack_publisher_plants_the_key_hierarchy_before_the_first_caseworker(
    tmp_path: Path,
) -> None:
    """Found by attack: before any caseworker unlocked, the publisher made every level key
    herself and wrapped role keys of her own to every member; the first caseworker then sealed
    her cases under keys the publisher held. Now the first writer is whoever finds no signed
    hierarchy, she re-keys every role, and a key that is not the signed one opens nothing."""
    path = tmp_path / "v"
    _fresh_vault(path)
    keyring = layout.read_keyring(path)
    from vault.store import SqlCipherStore

    store = SqlCipherStore.open(path / layout.DB_NAME, SecretBytes(db_key(path, "pia")))
    try:
        state, _ = load_state(store, keyring["vault_id"])
        planter = Keyring(
            store,
            state.policy,
            keyring["vault_id"],
            identity(path, "pia"),
            "caseworker",
            Members(state),
            SecretBytes(db_key(path, "pia")),
        )
        with store.write():
            planter.deliver()  # her keys, wrapped to every member, no signed record
        planted = planter.current_level_keys()
    finally:
        store.close()
    assert set(planted) == {"public", "restricted", "confidential", "secret"}
    record = {
        "case_id": "UA-900-26-002",
        "full_name": "Invented Person",
        "id_numbers": [{"kind": "passport", "value": "E12345678"}],
    }
    with Vault.open(path, "cara", lambda _n: passphrase_for("cara")) as v:
        cases.add_case(v, record)
        assert v.keys.current_level_keys()["secret"].key != planted["secret"].key
    with raw_db(path, "pia") as db:
        stolen = db.execute(
            "SELECT wrapped FROM data_key_wraps WHERE record = ? AND level = 'secret'",
            ("case:UA-900-26-002",),
        ).fetchone()[0]
    ad = hierarchy.data_key_ad(keyring["vault_id"], "case:UA-900-26-002", 1, "secret", 1)
    with pytest.raises(DecryptionError):
        unwrap_key(planted["secret"].key, bytes(stolen), ad, "dek")
    code, _, err = _run(path, "pia", "audit", "verify")
    assert code == 0, err


def test_attack_level_key_wraps_replaced_with_planted_keys(demo_path: Path) -> None:
    """After the hierarchy exists, a publisher overwrites the caseworkers' level-key wraps with
    keys of her own under a role key she wrapped to cara: nothing is sealed or opened under
    them; the next command refuses the key."""
    keyring = layout.read_keyring(demo_path)
    vault_id = keyring["vault_id"]
    fake_role = new_key()
    cara = sealed_public(keyring["identities"]["cara"])
    with raw_db(demo_path, "pia") as db:
        info = hierarchy.role_key_info(vault_id, "caseworker", 1, "cara", cara.kem_public)
        db.execute(
            "UPDATE key_wraps SET wrapped = ? WHERE kind='role' AND name='caseworker' "
            "AND holder='cara'",
            (wrap_to(cara, fake_role, info),),
        )
        for level in ("public", "restricted", "confidential", "secret"):
            ad = hierarchy.level_key_ad(vault_id, level, 1, "caseworker", 1)
            db.execute(
                "UPDATE key_wraps SET wrapped = ? WHERE kind='level' AND name=? "
                "AND holder='caseworker@1'",
                (wrap_key(fake_role, new_key(), ad), level),
            )
    code, _, err = _run(demo_path, "cara", "case", "show", CASE)
    assert code == 5
    assert "is not the one the vault's signed key record names: it was planted" in err


def test_attack_newest_draft_version_deleted_revives_no_approval(demo_path: Path) -> None:
    """Found by attack: rui approved v1, cara made v2 by redacting more; deleting v2 served v1
    as approved again, with the text v2 had hidden."""
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        d = drafts.create_draft(v, CASE, "en")
    with Vault.open(demo_path, "rui", lambda _n: passphrase_for("rui")) as v:
        assert approve(v, d.draft_id).state == "approved"
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        word = d.text.split()[-1].strip(".")
        drafts.edit_draft(v, d.draft_id, redact_text=word, reason="too specific")
    with raw_db(demo_path, "pia") as db:
        db.execute("DELETE FROM drafts WHERE draft_id = ? AND version = 2", (d.draft_id,))
    code, _, err = _run(demo_path, "pia", "review", "show", d.draft_id)
    assert code == 5 and "the log records version 2, the vault holds only 1" in err


def test_attack_rejection_deleted_turns_no_draft_approved(demo_path: Path) -> None:
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        d = drafts.create_draft(v, CASE, "en")
    with Vault.open(demo_path, "rui", lambda _n: passphrase_for("rui")) as v:
        approve(v, d.draft_id)
        assert review_svc.give_verdict(v, d.draft_id, "reject", "names a relative").state == (
            "rejected"
        )
    with raw_db(demo_path, "pia") as db:
        db.execute("DELETE FROM reviews WHERE verdict = 'reject'")
    code, _, err = _run(demo_path, "pia", "review", "list")
    assert code == 5 and "rui's reject, which the vault no longer holds" in err
