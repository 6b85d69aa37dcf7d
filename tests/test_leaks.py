"""No protected value on stderr, in an error, or in a file beside the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from tests.conftest import PASSPHRASES
from vault.cli import cli
from vault.policy import default_policy_text, parse_policy
from vault.services.demo_data import demo_cases

POLICY = parse_policy(default_policy_text())


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def protected_values() -> set[str]:
    """Every value above public in the demo, at least 6 characters long (shorter ones, like
    'son', occur in ordinary words)."""
    out: set[str] = set()
    for c in demo_cases():
        for field, value in c.items():
            if POLICY.level_of(field) != "public":
                out |= {s for s in _strings(value) if len(s) >= 6}
    return out


def test_errors_and_notices_carry_no_protected_value(demo_path: Path, tmp_path: Path) -> None:
    secrets = protected_values()
    assert len(secrets) > 300
    victim = demo_cases()[3]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**victim, "case_id": "UA-400-26-001", "favourite": 1}) + "\n")
    leaky_row = tmp_path / "leaky.jsonl"
    leaky_row.write_text(
        json.dumps(
            {
                "case_id": "UA-400-26-002",
                "sources": [{"codename": victim["sources"][0]["real_name"] * 40, "real_name": "x"}],
            }
        )
        + "\n"
    )
    commands = [
        ("cara", ["import", str(bad)]),
        ("cara", ["import", str(leaky_row)]),
        (
            "cara",
            ["case", "edit", "UA-061-21-004", "--set", f"home_address={victim['home_address']}"],
        ),
        ("rui", ["case", "show", "UA-061-21-004"]),
        ("rui", ["case", "edit", "UA-061-21-004", "--set", "status=released"]),
    ]
    searches = [
        ("pia", ["case", "find"], victim["full_name"]),
        ("cara", ["case", "find"], victim["name_variants"][0]),
        ("cara", ["case", "find", victim["name_variants"][0]], None),  # refused as an argument
    ]
    for user, args, stdin in [*((u, a, None) for u, a in commands), *searches]:
        r = CliRunner().invoke(
            cli,
            args,
            input=stdin,
            env={
                "CASEVAULT_PATH": str(demo_path),
                "CASEVAULT_USER": user,
                "CASEVAULT_PASSPHRASE": PASSPHRASES[user],
            },
        )
        for s in secrets:
            assert s not in r.stderr, f"{args[0]}: stderr shows a protected value"
        assert "Traceback" not in r.stderr + r.stdout


def test_keyring_and_database_files_hold_no_plaintext(demo_path: Path) -> None:
    files = [p for p in demo_path.iterdir() if p.is_file()]
    assert {"keyring.json", "vault.db"} <= {p.name for p in files}
    for path in files:
        name, raw = path.name, path.read_bytes()
        for s in protected_values() | {c["full_name"] for c in demo_cases()}:
            assert s.encode("utf-8") not in raw, f"{name} holds a plaintext value"
