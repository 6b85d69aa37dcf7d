"""The command line, as a person types it: through click's runner and through the installed
`casevault` command. Every error is one line on stderr, a non-zero exit, and no traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import PASSPHRASES
from vault.cli import cli
from vault.services.demo_data import demo_cases

DEMO = {c["case_id"]: c for c in demo_cases()}
CASE = "UA-061-21-004"


def run(
    path: Path,
    user: str | None,
    *args: str,
    passphrase: str | None = None,
    input: str | None = None,
) -> tuple[int, str, str]:
    env = {"CASEVAULT_PATH": str(path)}
    if user:
        env["CASEVAULT_USER"] = user
        env["CASEVAULT_PASSPHRASE"] = passphrase or PASSPHRASES[user]
    result = CliRunner().invoke(cli, list(args), env=env, input=input)
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_error(code: int, out: str, err: str, expected: str) -> None:
    assert code != 0
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("casevault: error: ")
    assert expected in lines[0], lines[0]


def test_show_json_as_each_role(demo_path: Path) -> None:
    code, out, _ = run(demo_path, "cara", "--json", "case", "show", CASE)
    assert code == 0
    data = json.loads(out)
    assert data["fields"]["id_numbers"] == DEMO[CASE]["id_numbers"]
    code, out, _ = run(demo_path, "rui", "--json", "case", "show", CASE)
    data = json.loads(out)
    assert set(data["withheld"]) == {"family_contacts", "sources", "id_numbers"}
    assert DEMO[CASE]["sources"][0]["real_name"] not in out


def test_show_as_publisher_prints_withheld_not_error(demo_path: Path) -> None:
    code, out, err = run(demo_path, "pia", "case", "show", CASE)
    assert code == 0, err
    assert "withheld (secret)" in out and "withheld (public)" in out
    assert DEMO[CASE]["full_name"] not in out


def test_list_find_history(demo_path: Path) -> None:
    def cara_json(*args: str, input: str | None = None) -> Any:
        code, out, err = run(demo_path, "cara", "--json", *args, input=input)
        assert code == 0, err
        return json.loads(out)

    assert [r["case_id"] for r in cara_json("case", "list", "--limit", "3")] == [
        "UA-061-21-001",
        "UA-061-21-002",
        "UA-061-21-003",
    ]
    assert [r["case_id"] for r in cara_json("case", "list", "--after", "UA-061-21-063")] == [
        "UA-061-21-064"
    ]
    variant = DEMO[CASE]["name_variants"][0]
    assert CASE in [r["case_id"] for r in cara_json("case", "find", input=variant + "\n")]
    assert cara_json("case", "history", CASE)[0]["version"] == 1


def test_add_and_edit_from_flags_and_json(demo_path: Path, tmp_path: Path) -> None:
    code, out, err = run(
        demo_path,
        "cara",
        "case",
        "add",
        "--set",
        "case_id=UA-300-26-001",
        "--set",
        "full_name=Invented Flag Person",
        "--set",
        "status=missing",
        "--set",
        "birth_year=1980",
    )
    assert code == 0, err
    rec = tmp_path / "rec.json"
    rec.write_text(json.dumps({"sources": [{"codename": "OWL", "real_name": "Invented Src"}]}))
    code, out, err = run(
        demo_path, "cara", "case", "edit", "UA-300-26-001", "--from-json", str(rec)
    )
    assert code == 0, err
    assert "version 2" in out
    code, out, err = run(
        demo_path,
        "cara",
        "case",
        "edit",
        "UA-300-26-001",
        "--prompt",
        "home_address",
        input="Invented Street 1\n",
    )
    assert code == 0, err
    code, out, _ = run(demo_path, "cara", "--json", "case", "show", "UA-300-26-001")
    fields = json.loads(out)["fields"]
    assert fields["home_address"] == "Invented Street 1"
    assert fields["sources"][0]["codename"] == "OWL"
    assert fields["birth_year"] == 1980


def test_protected_value_refused_as_argument(demo_path: Path) -> None:
    code, out, err = run(
        demo_path, "cara", "case", "edit", CASE, "--set", "home_address=Invented Street 9"
    )
    assert_one_line_error(code, out, err, "field home_address is confidential")
    assert "Invented Street 9" not in err


@pytest.mark.parametrize(
    ("args", "user", "passphrase", "expected", "exit_code"),
    [
        (("case", "show", CASE), "cara", "wrong passphrase!", "wrong passphrase for 'cara'", 3),
        (("case", "show", CASE), "nobody", "whatever passphrase", "'nobody' is not a member", 3),
        (
            ("case", "edit", "UA-999-99-999", "--set", "status=missing"),
            "cara",
            None,
            "no case UA-999-99-999",
            4,
        ),
        (
            ("user", "add", "newbie", "--role", "overlord"),
            "ada",
            None,
            "unknown role 'overlord'",
            2,
        ),
        (
            ("case", "edit", CASE, "--set", "status=missing"),
            "rui",
            None,
            "rui (reviewer) may not edit cases",
            3,
        ),
        (("case", "find"), "pia", None, "pia (publisher) may not search names", 3),
        (("case", "show", "UA-999-99-999"), "cara", None, "no case UA-999-99-999", 4),
    ],
)
def test_errors_are_one_clear_line(
    demo_path: Path,
    args: tuple[str, ...],
    user: str,
    passphrase: str | None,
    expected: str,
    exit_code: int,
) -> None:
    env_user = user if user in PASSPHRASES else None
    if env_user is None:
        result = CliRunner().invoke(
            cli,
            list(args),
            env={
                "CASEVAULT_PATH": str(demo_path),
                "CASEVAULT_USER": user,
                "CASEVAULT_PASSPHRASE": passphrase or "",
            },
        )
        code, out, err = result.exit_code, result.stdout, result.stderr
    else:
        code, out, err = run(demo_path, user, *args, passphrase=passphrase)
    assert_one_line_error(code, out, err, expected)
    assert code == exit_code


def test_not_a_vault(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("x")
    code, out, err = run(tmp_path, "cara", "case", "list")
    assert_one_line_error(code, out, err, "is not a casevault vault")


def test_user_add_with_public_key_from_own_machine(demo_path: Path, tmp_path: Path) -> None:
    env = {"CASEVAULT_NEW_PASSPHRASE": "a passphrase only nadia knows"}
    r = CliRunner().invoke(cli, ["identity", "new", "nadia", "--out", str(tmp_path)], env=env)
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "nadia.identity").exists()
    code, _, err = run(
        demo_path,
        "ada",
        "user",
        "add",
        "nadia",
        "--role",
        "reviewer",
        "--public-key",
        str(tmp_path / "nadia.pub"),
    )
    assert code == 0, err
    keyring = json.loads((demo_path / "keyring.json").read_text())
    assert "nadia" not in keyring["identities"]  # the private key never came here
    # A reviewer key holder (rui's role key exists) delivers on next unlock by rui:
    run(demo_path, "rui", "case", "list", "--limit", "1")
    r = CliRunner().invoke(
        cli,
        ["--identity", str(tmp_path / "nadia.identity"), "--json", "case", "show", CASE],
        env={
            "CASEVAULT_PATH": str(demo_path),
            "CASEVAULT_USER": "nadia",
            "CASEVAULT_PASSPHRASE": "a passphrase only nadia knows",
        },
    )
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["fields"]["case_notes"] == DEMO[CASE]["case_notes"]


def test_user_add_list_passwd(demo_path: Path) -> None:
    r = CliRunner().invoke(
        cli,
        ["user", "add", "omar", "--role", "caseworker"],
        env={
            "CASEVAULT_PATH": str(demo_path),
            "CASEVAULT_USER": "ada",
            "CASEVAULT_PASSPHRASE": PASSPHRASES["ada"],
            "CASEVAULT_NEW_PASSPHRASE": "omar's first passphrase",
        },
    )
    assert r.exit_code == 0, r.stderr
    code, out, _ = run(demo_path, "ada", "--json", "user", "list")
    people = {m["name"]: m for m in json.loads(out)}
    assert people["omar"]["role"] == "caseworker"
    r = CliRunner().invoke(
        cli,
        ["user", "passwd"],
        env={
            "CASEVAULT_PATH": str(demo_path),
            "CASEVAULT_USER": "omar",
            "CASEVAULT_PASSPHRASE": "omar's first passphrase",
            "CASEVAULT_NEW_PASSPHRASE": "omar's second passphrase",
        },
    )
    assert r.exit_code == 0, r.stderr
    # Until a caseworker unlocks, omar holds no caseworker key: everything withheld, with a note.
    code, out, err = run(
        demo_path, "omar", "--json", "case", "show", CASE, passphrase="omar's second passphrase"
    )
    assert code == 0
    assert "sources" in json.loads(out)["withheld"]
    assert "keys have not reached you yet" in err
    code, out, err = run(demo_path, "cara", "case", "list", "--limit", "1")
    assert "delivered keys to: omar" in err
    code, out, err = run(demo_path, "omar", "case", "list", passphrase="omar's first passphrase")
    assert_one_line_error(code, out, err, "wrong passphrase")
    code, out, err = run(
        demo_path, "omar", "--json", "case", "show", CASE, passphrase="omar's second passphrase"
    )
    assert code == 0, err
    assert json.loads(out)["fields"]["sources"] == DEMO[CASE]["sources"]


def test_short_new_passphrase_refused(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli,
        ["init", str(tmp_path / "v"), "--admin", "ada"],
        env={"CASEVAULT_NEW_PASSPHRASE": "short"},
    )
    assert_one_line_error(r.exit_code, r.stdout, r.stderr, "at least 12 characters")


def test_policy_show(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["--json", "policy", "show"])
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["fields"]["sources"]["read_by"] == ["caseworker"]
    bad = tmp_path / "bad.toml"
    bad.write_text("format = 1\n")
    r = CliRunner().invoke(cli, ["policy", "check", str(bad)])
    assert_one_line_error(r.exit_code, r.stdout, r.stderr, "bad.toml")


def _installed_command() -> str:
    beside = Path(sys.executable).parent / "casevault"
    found = str(beside) if beside.exists() else shutil.which("casevault")
    if found is None:
        pytest.fail("the casevault console script is not installed (pip install -e .)")
    return found


def test_installed_command_end_to_end(tmp_path: Path) -> None:
    """The real console script, as a new user types it: demo, then reads, then a bad unlock."""
    casevault = _installed_command()
    path = tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEVAULT_")}
    p = subprocess.run(
        [casevault, "demo", str(path)], capture_output=True, text=True, env=env, timeout=120
    )
    assert p.returncode == 0, p.stderr
    assert "demo-cara-not-secret" in p.stdout
    env.update(
        {
            "CASEVAULT_PATH": str(path),
            "CASEVAULT_USER": "rui",
            "CASEVAULT_PASSPHRASE": PASSPHRASES["rui"],
        }
    )
    p = subprocess.run(
        [casevault, "--json", "case", "show", CASE],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["withheld"]["sources"] == "secret"
    p = subprocess.run(
        [casevault, "case", "show", CASE, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["withheld"]["sources"] == "secret"
    env["CASEVAULT_PASSPHRASE"] = "not the passphrase"
    p = subprocess.run(
        [casevault, "case", "list"], capture_output=True, text=True, env=env, timeout=60
    )
    assert p.returncode == 3
    assert p.stderr.strip() == "casevault: error: wrong passphrase for 'rui'"


def test_values_are_printed_literally_not_as_markup(demo_path: Path, tmp_path: Path) -> None:
    rec = tmp_path / "r.json"
    rec.write_text(json.dumps({"case_notes": "[bold]not markup[/bold] [withheld]"}))
    code, _, err = run(demo_path, "cara", "case", "edit", CASE, "--from-json", str(rec))
    assert code == 0, err
    code, out, _ = run(demo_path, "cara", "case", "show", CASE)
    assert "[bold]not markup[/bold]" in out and "[withheld]" in out


def test_json_before_or_after_the_command(demo_path: Path) -> None:
    before = CliRunner().invoke(cli, ["--json", "policy", "show"])
    after = CliRunner().invoke(cli, ["policy", "show", "--json"])
    assert before.exit_code == after.exit_code == 0
    assert json.loads(before.stdout) == json.loads(after.stdout)
    code, out, err = run(demo_path, "cara", "case", "show", CASE, "--json")
    assert code == 0, err
    assert json.loads(out)["fields"]["id_numbers"] == DEMO[CASE]["id_numbers"]
    code, out, err = run(demo_path, "cara", "case", "list", "--json", "--limit", "2")
    assert code == 0, err
    assert len(json.loads(out)) == 2
    # "--json" typed as the name to find is a name like any other, not the option:
    code, out, err = run(demo_path, "cara", "case", "find", input="--json\n")
    assert code == 0, err
    assert "matching case(s)" in out


@pytest.mark.parametrize(
    ("args", "input", "expected"),
    [
        (("--set", "Invented Street 9"), None, "--set takes FIELD=VALUE"),
        (("--set", "birth_year=Invented Street 9"), None, "expected a whole number"),
        (
            ("--add", "family_contacts"),
            '[{"phone": "Invented Street 9"\n',
            "expected JSON for a family_contacts field",
        ),
        (("--prompt", "Invented Street 9"), None, "unknown field"),
    ],
)
def test_bad_field_text_is_one_line_that_never_repeats_it(
    demo_path: Path, args: tuple[str, ...], input: str | None, expected: str
) -> None:
    code, out, err = run(demo_path, "cara", "case", "edit", CASE, *args, input=input)
    if input is not None:  # the hidden prompt's question is on stderr too
        err = err.removeprefix("item to add (family_contacts): \n")
    assert_one_line_error(code, out, err, expected)
    assert code == 2
    assert "Invented Street 9" not in err.replace("field Invented Street 9: unknown field", "")


@pytest.mark.parametrize("bad", ["31/12/2020", "yesterday", "2019-13", "2019-02-32", "19"])
def test_case_list_refuses_a_date_bound_it_cannot_compare(demo_path: Path, bad: str) -> None:
    """Compared as text, '31/12/2020' matched nothing and the list came back empty, exit 0."""
    code, out, err = run(demo_path, "cara", "case", "list", "--since", bad)
    assert_one_line_error(code, out, err, "since: expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
    assert code == 2
    code, out, _err = run(demo_path, "cara", "case", "list", "--since", "2019-02", "--limit", "3")
    assert code == 0 and "UA-061-21" in out


def _state(path: Path) -> tuple[int, int]:
    """The audit log's size and the number of case versions: what a refused command must leave."""
    from tests.conftest import passphrase_for
    from vault.services.session import Vault

    with Vault.open(path, "cara", lambda _n: passphrase_for("cara")) as v:
        return v.store.audit_size(), v.store.count_case_versions()


@pytest.mark.parametrize("bad", ["31/12/2020", "yesterday", "2026-13-45", "2026-02-30"])
def test_audit_log_refuses_a_time_bound_it_cannot_compare(demo_path: Path, bad: str) -> None:
    before = _state(demo_path)
    code, out, err = run(demo_path, "cara", "audit", "log", "--since", bad)
    assert_one_line_error(code, out, err, "since: expected an ISO date or time")
    assert code == 2
    assert _state(demo_path) == before


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_a_direction_override_in_record_text_is_refused(demo_path: Path, control: str) -> None:
    """A name stored reversed inside U+202E displays as the name but is read by no check."""
    before = _state(demo_path)
    value = f"public_summary=Family asks. {control}nusruT timilbA\u202c was seen."
    code, out, err = run(demo_path, "cara", "case", "edit", CASE, "--set", value)
    assert_one_line_error(code, out, err, "direction override or isolate character")
    assert code == 2
    assert "nusruT" not in err
    assert _state(demo_path) == before


def test_ui_on_a_busy_port_says_so_before_asking_anything(demo_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = str(taken.getsockname()[1])
        code, out, err = run(demo_path, "cara", "ui", "--no-browser", "--port", port)
    assert_one_line_error(code, out, err, f"cannot listen on 127.0.0.1 port {port}")
    assert code == 2 and out == ""


def test_an_edit_that_clears_the_relatives_and_types_one_backwards_is_refused(
    demo_path: Path,
) -> None:
    """The values an edit takes out are still the case's: a niece removed in the same edit
    that writes her name backwards into the summary is found (one line, nothing written)."""
    before = _state(demo_path)
    niece = DEMO[CASE]["family_contacts"][0]["name"]
    summary = f"public_summary=A letter came, signed {niece[::-1]}."
    code, out, err = run(
        demo_path, "cara", "case", "edit", CASE, "--clear", "family_contacts", "--set", summary
    )
    assert_one_line_error(code, out, err, "public_summary: name (secret)")
    assert niece not in err and niece[::-1] not in err
    assert _state(demo_path) == before
