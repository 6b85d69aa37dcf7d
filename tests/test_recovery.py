"""Recovery (issue 17): trustees' SLIP-39 shares rebuild the recovery key, which enrols a new
admin, hands out keys held in escrow, and re-opens a locked vault — against a fresh checkpoint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASES
from vault.crypto import Passphrase
from vault.services import cases, layout, lifecycle, recovery
from vault.services.session import Vault

CASEVAULT = str(Path(sys.executable).with_name("casevault"))
NEW_ADMIN = "bea-invented-passphrase"


def _cli(
    root: Path, user: str | None, *args: str, new: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASEVAULT_PATH": str(root)}
    env.pop("CASEVAULT_PASSPHRASE", None)
    if user is not None:
        env["CASEVAULT_USER"] = user
        env["CASEVAULT_PASSPHRASE"] = PASSPHRASES.get(user, NEW_ADMIN)
    if new is not None:
        env["CASEVAULT_NEW_PASSPHRASE"] = new
    return subprocess.run(
        [CASEVAULT, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def _setup(root: Path, tmp: Path, threshold: int = 2) -> list[str]:
    r = _cli(
        root,
        "ada",
        "--json",
        "recovery",
        "setup",
        "--trustee",
        "Tess",
        "--trustee",
        "Uma",
        "--trustee",
        "Vik",
        "--threshold",
        str(threshold),
    )
    assert r.returncode == 0, r.stderr
    shares = [s["share"] for s in json.loads(r.stdout)["shares"]]
    assert len(shares) == 3 and len(set(shares)) == 3
    return shares


def _shares_file(tmp: Path, shares: list[str], name: str = "shares.txt") -> Path:
    path = tmp / name
    path.write_text("\n".join(shares) + "\n", "utf-8")
    path.chmod(0o600)
    return path


def _checkpoint(root: Path, tmp: Path, user: str = "rui") -> Path:
    out = tmp / f"checkpoint-{user}.txt"
    out.unlink(missing_ok=True)
    r = _cli(root, user, "audit", "checkpoint", "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


def test_lock_then_recover_with_two_of_three_shares_enrols_an_admin(
    demo_path: Path, tmp_path: Path
) -> None:
    shares = _setup(demo_path, tmp_path)
    _cli(demo_path, "cara", "case", "list")  # a caseworker unlocks: the escrow is made
    cp = _checkpoint(demo_path, tmp_path)
    locked = _cli(demo_path, "pia", "lock", "--yes")
    assert locked.returncode == 0, locked.stderr
    keyring = layout.read_keyring(demo_path)
    assert set(keyring["db_key_wraps"]) == {"recovery"}  # nobody else's wrap is left
    refused = _cli(demo_path, "rui", "case", "list")
    assert refused.returncode == 3 and "locked" in refused.stderr
    assert refused.stderr.count("\n") == 1

    r = _cli(
        demo_path,
        None,
        "recover",
        "--checkpoint",
        str(cp),
        "--shares-file",
        str(_shares_file(tmp_path, [shares[2], shares[0]])),
        "--admin",
        "bea",
        new=NEW_ADMIN,
    )
    assert r.returncode == 0, r.stderr
    assert "Enrolled bea" in r.stdout and "access is back" in r.stdout
    assert _cli(demo_path, "rui", "case", "show", "UA-061-21-001").returncode == 0
    listed = _cli(demo_path, "bea", "--json", "user", "list")
    people = {p["name"]: p for p in json.loads(listed.stdout)}
    assert people["bea"]["role"] == "admin" and people["bea"]["added_by"] == "recovery"
    assert people["bea"]["has_keys"]  # its admin role key came from the escrow
    log = _cli(demo_path, "bea", "--json", "audit", "log", "--person", "recovery")
    actions = {e["action"] for e in json.loads(log.stdout)}
    assert {"member.add", "recovery.use"} <= actions
    assert _cli(demo_path, "bea", "audit", "verify").returncode == 0


@pytest.mark.parametrize("problem", ["one share", "other setup", "mistyped", "duplicate"])
def test_too_few_wrong_or_mistyped_shares_reveal_nothing(
    demo_path: Path, tmp_path: Path, problem: str
) -> None:
    shares = _setup(demo_path, tmp_path)
    cp = _checkpoint(demo_path, tmp_path)
    if problem == "one share":
        given = [shares[0]]
    elif problem == "other setup":
        other = tmp_path / "other"
        shutil.copytree(demo_path, other)
        given = [shares[0], _setup(other, tmp_path)[1]]
    elif problem == "mistyped":
        words = shares[1].split()
        words[5] = "academic" if words[5] != "academic" else "acid"
        given = [shares[0], " ".join(words)]
    else:
        given = [shares[0], shares[0]]
    before = (demo_path / layout.KEYRING_NAME).read_bytes()
    r = _cli(
        demo_path,
        None,
        "recover",
        "--checkpoint",
        str(cp),
        "--shares-file",
        str(_shares_file(tmp_path, given)),
        "--admin",
        "bea",
        new=NEW_ADMIN,
    )
    assert r.returncode in (2, 3), r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    for share in shares:
        assert not any(w in r.stderr.split() for w in share.split()[4:])  # no word echoed
    assert (demo_path / layout.KEYRING_NAME).read_bytes() == before


def test_recover_refuses_a_rolled_back_copy_and_a_stale_checkpoint(
    demo_path: Path, tmp_path: Path
) -> None:
    shares = _setup(demo_path, tmp_path)
    old_copy = tmp_path / "old-copy"
    shutil.copytree(demo_path, old_copy)
    _cli(demo_path, "cara", "case", "list")
    cp = _checkpoint(demo_path, tmp_path)  # taken after the copy: the copy is behind it
    r = _cli(
        old_copy,
        None,
        "recover",
        "--checkpoint",
        str(cp),
        "--shares-file",
        str(_shares_file(tmp_path, shares[:2])),
        "--admin",
        "bea",
        new=NEW_ADMIN,
    )
    assert r.returncode == 5 and "rollback" in r.stderr, r.stderr
    with pytest.raises(Exception, match="days old"):
        recovery.recover(
            demo_path,
            shares[:2],
            cp.read_text("utf-8"),
            max_age=__import__("datetime").timedelta(seconds=-1),
        )


def test_lock_without_recovery_is_refused(demo_path: Path) -> None:
    r = _cli(demo_path, "pia", "lock", "--yes")
    assert r.returncode == 2 and "no recovery key" in r.stderr
    assert "pia" in layout.read_keyring(demo_path)["db_key_wraps"]


def test_a_lost_only_caseworker_gets_every_case_back_from_the_escrow(
    demo_path: Path, tmp_path: Path
) -> None:
    """cara, the only caseworker, forgot her passphrase. The admin gives her a new identity;
    nobody else holds the level keys; the trustees' recovery key holds them in escrow."""
    shares = _setup(demo_path, tmp_path)
    _cli(demo_path, "cara", "case", "list")  # her unlock wraps the keys to the escrow
    new_pw = Passphrase.from_text("cara-new-invented-passphrase")
    with Vault.open(demo_path, "ada", lambda _n: Passphrase.from_text(PASSPHRASES["ada"])) as v:
        lifecycle.rekey_member(v, "cara", passphrase=lambda: new_pw)
    with Vault.open(demo_path, "cara", lambda _n: new_pw) as v:
        assert v.notice.waiting_for_keys
    cp = _checkpoint(demo_path, tmp_path)
    r = _cli(
        demo_path,
        None,
        "recover",
        "--checkpoint",
        str(cp),
        "--shares-file",
        str(_shares_file(tmp_path, shares[1:])),
    )
    assert r.returncode == 0, r.stderr
    assert "cara" in r.stdout
    with Vault.open(demo_path, "cara", lambda _n: new_pw) as v:
        assert not v.notice.waiting_for_keys
        view = cases.show_case(v, "UA-061-21-001")
        assert not view.withheld and view.values["full_name"]
        report = lifecycle.rotate(v)
        assert report.retired
    assert _cli(demo_path, "ada", "audit", "verify").returncode == 0


def test_shares_typed_at_the_hidden_prompt_end_with_an_empty_line(
    demo_path: Path, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from vault.cli import cli

    shares = _setup(demo_path, tmp_path)
    cp = _checkpoint(demo_path, tmp_path)
    r = CliRunner().invoke(
        cli,
        ["--vault", str(demo_path), "recover", "--checkpoint", str(cp)],
        input=f"{shares[0]}\n{shares[2]}\n\n",
    )
    assert r.exit_code == 0, r.output
    assert "extends the checkpoint" in r.stdout
    # typed hidden, not echoed: no run of three of its words appears (one word alone may be any
    # English word of the output: SLIP-39's list holds "academic", "being", "extend"...)
    words = shares[0].split()
    assert not any(" ".join(words[i : i + 3]) in r.output for i in range(len(words) - 2))


def test_init_with_bad_trustees_makes_no_vault(tmp_path: Path) -> None:
    path = tmp_path / "new"
    r = _cli(
        path,
        None,
        "init",
        str(path),
        "--admin",
        "ada",
        "--trustee",
        "Tess",
        "--threshold",
        "2",
        new="an-invented-admin-passphrase",
    )
    assert r.returncode == 2 and "threshold" in r.stderr and r.stderr.count("\n") == 1
    assert not path.exists()
    ok = _cli(
        path,
        None,
        "--json",
        "init",
        str(path),
        "--admin",
        "ada",
        "--trustee",
        "Tess",
        "--trustee",
        "Uma",
        "--threshold",
        "2",
        new="an-invented-admin-passphrase",
    )
    assert ok.returncode == 0, ok.stderr
    assert len(json.loads(ok.stdout.split("\n{")[0])["shares"]) == 2


def test_re_keying_the_founder_keeps_every_machine_working(demo_path: Path) -> None:
    """The founder's pin is of the keys the genesis record names, not of their current ones."""
    new_pw = Passphrase.from_text("ada-new-invented-passphrase")
    with Vault.open(demo_path, "ada", lambda _n: Passphrase.from_text(PASSPHRASES["ada"])) as v:
        from vault.services import users

        users.add_member(v, "bea", "admin", passphrase=lambda: Passphrase.from_text(NEW_ADMIN))
    assert _cli(demo_path, "rui", "case", "list").returncode == 0  # rui pins the founder
    r = _cli(demo_path, "bea", "user", "rekey", "ada", new="ada-new-invented-passphrase")
    assert r.returncode == 0, r.stderr
    after = _cli(demo_path, "rui", "case", "list")
    assert after.returncode == 0, after.stderr
    with Vault.open(demo_path, "ada", lambda _n: new_pw) as v:
        assert v.user == "ada"


def test_after_a_second_setup_the_new_shares_enrol_an_admin(
    demo_path: Path, tmp_path: Path
) -> None:
    """A trustee left: the admin runs setup again. The new shares must do everything the old
    ones did, and the old ones open nothing. The setup's own output is a valid shares file."""
    old = _setup(demo_path, tmp_path)
    for who in ("cara", "rui", "pia"):
        _cli(demo_path, who, "case", "list")  # each escrows their role key
    out = tmp_path / "setup.txt"
    r = _cli(
        demo_path,
        "ada",
        "recovery",
        "setup",
        "--trustee",
        "Tess",
        "--trustee",
        "Uma",
        "--trustee",
        "Wim",
        "--threshold",
        "2",
    )
    assert r.returncode == 0, r.stderr
    out.write_text(r.stdout, "utf-8")  # the heading and "Name: words" lines, as printed
    out.chmod(0o600)
    for who in ("cara", "rui", "pia"):
        _cli(demo_path, who, "case", "list")
    cp = _checkpoint(demo_path, tmp_path)
    stale = _cli(
        demo_path,
        None,
        "recover",
        "--checkpoint",
        str(cp),
        "--shares-file",
        str(_shares_file(tmp_path, old[:2], "old.txt")),
        "--admin",
        "bea",
        new=NEW_ADMIN,
    )
    assert stale.returncode == 3, stale.stderr
    keyring = (demo_path / layout.KEYRING_NAME).read_bytes()
    assert b'"bea"' not in keyring  # a refused recovery leaves nothing behind
    r = _cli(
        demo_path,
        None,
        "recover",
        "--checkpoint",
        str(cp),
        "--shares-file",
        str(out),
        "--admin",
        "bea",
        new=NEW_ADMIN,
    )
    assert r.returncode == 0, r.stderr
    people = {
        p["name"]: p for p in json.loads(_cli(demo_path, "bea", "--json", "user", "list").stdout)
    }
    assert people["bea"]["has_keys"]


@pytest.mark.parametrize(
    ("user", "args", "code", "says"),
    [
        ("ada", ["recovery", "setup", "--trustee", "Tess"], 2, "--threshold"),
        ("ada", ["recovery", "setup", "--threshold", "2"], 2, "at least one trustee"),
        (
            "ada",
            ["recovery", "setup", "--trustee", "Tess", "--trustee", "Tess", "--threshold", "2"],
            2,
            "named once",
        ),
        (
            "ada",
            ["recovery", "setup", "--trustee", "Tess", "--trustee", "Uma", "--threshold", "3"],
            2,
            "threshold",
        ),
        (
            "rui",
            ["recovery", "setup", "--trustee", "Tess", "--trustee", "Uma", "--threshold", "2"],
            3,
            "may not set up recovery",
        ),
        ("ada", ["backup", "verify", "any.age"], 2, "--age-identity KEYFILE or --shares-file"),
        ("ada", ["recover", "--checkpoint", "CP", "--max-checkpoint-age", "0"], 2, "0"),
        ("pia", ["lock", "--yes"], 2, "no recovery key"),
    ],
)
def test_bad_recovery_commands_are_one_line_and_change_nothing(
    demo_path: Path, tmp_path: Path, user: str, args: list[str], code: int, says: str
) -> None:
    from tests.insider import raw_db

    cp = _checkpoint(demo_path, tmp_path)
    args = [str(cp) if a == "CP" else a for a in args]

    def log_size() -> int:
        with raw_db(demo_path, "rui") as db:
            return int(db.execute("SELECT count(*) FROM audit_entries").fetchone()[0])

    before, keyring = log_size(), (demo_path / layout.KEYRING_NAME).read_bytes()
    r = _cli(demo_path, user, *args)
    assert r.returncode == code, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in r.stderr
    assert log_size() == before
    assert (demo_path / layout.KEYRING_NAME).read_bytes() == keyring
