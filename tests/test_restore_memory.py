"""A restore is an explicit, signed and logged event that every person's memory of the vault
accepts (issue 17), while a rollback without one is still refused."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyrage

from tests.conftest import PASSPHRASES

CASEVAULT = str(Path(sys.executable).with_name("casevault"))
LATE = "UA-900-26-200"


def _cli(root: Path, user: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASEVAULT_PATH": str(root)}
    env.pop("CASEVAULT_USER", None)
    env.pop("CASEVAULT_PASSPHRASE", None)
    if user is not None:
        env["CASEVAULT_USER"] = user
        env["CASEVAULT_PASSPHRASE"] = PASSPHRASES[user]
    return subprocess.run(
        [CASEVAULT, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def _backup_to_a_new_key(root: Path, tmp: Path) -> tuple[Path, Path]:
    """ada backs the vault up to a new age key: (the key file, the backup)."""
    key = pyrage.x25519.Identity.generate()
    keyfile = tmp / "backup.key"
    keyfile.write_text(str(key) + "\n", "utf-8")
    keyfile.chmod(0o600)
    backup = tmp / "vault.age"
    made = _cli(
        root, "ada", "backup", "create", "--to", str(backup), "--recipient", str(key.to_public())
    )
    assert made.returncode == 0, made.stderr
    return keyfile, backup


def _late_case(root: Path, tmp: Path) -> None:
    record = tmp / "late.json"
    record.write_text(json.dumps({"case_id": LATE, "full_name": "Invented Late"}), "utf-8")
    r = _cli(root, "cara", "case", "add", "--from-json", str(record))
    assert r.returncode == 0, r.stderr


def test_a_signed_restore_is_accepted_by_everyone_and_a_plain_rollback_is_not(
    demo_path: Path, tmp_path: Path
) -> None:
    keyfile, backup = _backup_to_a_new_key(demo_path, tmp_path)
    _late_case(demo_path, tmp_path)
    assert _cli(demo_path, "rui", "case", "show", LATE).returncode == 0  # rui has seen it

    restored = tmp_path / "restored"
    # nobody to sign it: refused before anything is written
    anon = _cli(
        restored,
        None,
        "backup",
        "restore",
        str(backup),
        "--to",
        str(restored),
        "--age-identity",
        str(keyfile),
    )
    assert anon.returncode == 2 and not restored.exists()
    r = _cli(
        restored,
        "ada",
        "backup",
        "restore",
        str(backup),
        "--to",
        str(restored),
        "--age-identity",
        str(keyfile),
    )
    assert r.returncode == 0, r.stderr
    assert "signed and logged by ada" in r.stdout

    # rui remembers a longer log of this vault; the signed restore makes him accept it
    seen = _cli(restored, "rui", "case", "list")
    assert seen.returncode == 0, seen.stderr
    assert "restored on" in seen.stderr and "by ada" in seen.stderr
    assert _cli(restored, "rui", "case", "show", LATE).returncode == 4  # after the backup
    again = _cli(restored, "rui", "case", "list")
    assert "restored on" not in again.stderr  # said once
    log = _cli(restored, "rui", "--json", "audit", "log", "--action", "vault.restore")
    assert [e["actor"] for e in json.loads(log.stdout)] == ["ada"]
    assert _cli(restored, "ada", "audit", "verify").returncode == 0

    # a rollback with no signed restore is refused as before
    older = tmp_path / "older"
    shutil.copytree(restored, older)
    _late_case(restored, tmp_path)
    assert _cli(restored, "rui", "case", "show", LATE).returncode == 0
    rolled = _cli(older, "rui", "case", "list")
    assert rolled.returncode == 5 and "roll" in rolled.stderr, rolled.stderr


def test_the_trustees_restore_a_backup_made_to_the_recovery_key(
    demo_path: Path, tmp_path: Path
) -> None:
    setup = _cli(
        demo_path,
        "ada",
        "--json",
        "recovery",
        "setup",
        "--trustee",
        "Tess",
        "--trustee",
        "Uma",
        "--threshold",
        "2",
    )
    assert setup.returncode == 0, setup.stderr
    shares = tmp_path / "shares.txt"
    shares.write_text("\n".join(s["share"] for s in json.loads(setup.stdout)["shares"]) + "\n")
    shares.chmod(0o600)
    backup = tmp_path / "vault.age"
    made = _cli(demo_path, "ada", "backup", "create", "--to", str(backup))  # the recovery key
    assert made.returncode == 0, made.stderr
    assert (
        _cli(
            demo_path, None, "backup", "verify", str(backup), "--shares-file", str(shares)
        ).returncode
        == 0
    )
    _late_case(demo_path, tmp_path)
    assert _cli(demo_path, "rui", "case", "show", LATE).returncode == 0
    restored = tmp_path / "restored"
    r = _cli(
        restored,
        None,
        "backup",
        "restore",
        str(backup),
        "--to",
        str(restored),
        "--shares-file",
        str(shares),
    )
    assert r.returncode == 0, r.stderr
    assert "the recovery key" in r.stdout
    seen = _cli(restored, "rui", "case", "list")
    assert seen.returncode == 0 and "by recovery" in seen.stderr, seen.stderr
    assert _cli(restored, "ada", "audit", "verify").returncode == 0


def test_a_restore_nobody_may_sign_leaves_nothing_and_no_memory(
    demo_path: Path, tmp_path: Path
) -> None:
    keyfile, backup = _backup_to_a_new_key(demo_path, tmp_path)
    _late_case(demo_path, tmp_path)
    assert _cli(demo_path, "rui", "case", "show", LATE).returncode == 0
    memory = sorted((tmp_path / "state").rglob("rui.*"))
    before = {p: p.read_bytes() for p in memory}
    restored = tmp_path / "restored"
    r = _cli(
        restored,
        "rui",
        "backup",
        "restore",
        str(backup),
        "--to",
        str(restored),
        "--age-identity",
        str(keyfile),
    )
    assert r.returncode == 3 and "may not record a restore" in r.stderr
    assert r.stderr.count("\n") == 1
    assert not restored.exists()
    assert {p: p.read_bytes() for p in memory} == before  # rui remembers what he saw


def test_a_restore_from_before_a_revocation_revokes_again_whom_the_restorer_saw_revoked(
    demo_path: Path, tmp_path: Path
) -> None:
    keyfile, backup = _backup_to_a_new_key(demo_path, tmp_path)
    assert _cli(demo_path, "ada", "user", "revoke", "pia", "--reason", "left").returncode == 0
    assert _cli(demo_path, "rui", "case", "list").returncode == 0  # rui saw it too
    restored = tmp_path / "restored"
    r = _cli(
        restored,
        "ada",
        "backup",
        "restore",
        str(backup),
        "--to",
        str(restored),
        "--age-identity",
        str(keyfile),
    )
    assert r.returncode == 0, r.stderr
    assert "Revoked again" in r.stdout and "pia" in r.stdout
    listed = json.loads(_cli(restored, "ada", "--json", "user", "list").stdout)
    assert next(p for p in listed if p["name"] == "pia")["revoked_at"]
    seen = _cli(restored, "rui", "case", "list")  # rui's memory accepts it: nothing undone
    assert seen.returncode == 0, seen.stderr
    assert "pia" not in layout_wraps(restored)


def layout_wraps(root: Path) -> set[str]:
    return set(json.loads((root / "keyring.json").read_text("utf-8"))["db_key_wraps"])
