"""The review workflow from the command line, as the people of the demo type it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import PASSPHRASES
from vault.cli import cli
from vault.services.demo_data import demo_cases

WITH_CONSENT = next(c["case_id"] for c in demo_cases() if c["consent"]["publish_name"])


def run(path: Path, user: str, *args: str, input: str | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(
        cli,
        list(args),
        input=input,
        env={
            "CASEVAULT_PATH": str(path),
            "CASEVAULT_USER": user,
            "CASEVAULT_PASSPHRASE": PASSPHRASES[user],
        },
    )
    return r.exit_code, r.stdout, r.stderr


def test_draft_review_approve_publish(demo_path: Path) -> None:
    code, out, err = run(
        demo_path, "cara", "--json", "draft", "create", WITH_CONSENT, "--lang", "fr"
    )
    assert code == 0, err
    draft = json.loads(out)
    # the person consented to be named: their name is no unchecked span of their own draft,
    # and nothing else in the demo's summary is unknown (tests/test_unchecked_review.py has spans)
    assert draft["status"]["state"] == "pending" and draft["lang"] == "fr"
    assert draft["unchecked"] == []
    code, out, err = run(demo_path, "rui", "review", "show", draft["draft"])
    assert code == 0, err
    assert "PENDING" in out and "redacted text" in out
    code, out, err = run(demo_path, "cara", "review", "approve", draft["draft"])
    assert code == 3 and err.strip() == "casevault: error: cara (caseworker) may not review drafts"
    code, out, err = run(demo_path, "pia", "review", "show", draft["draft"])
    assert code == 3 and "is not approved" in err
    code, out, err = run(demo_path, "rui", "review", "approve", draft["draft"])
    assert code == 0 and "approved" in out, err
    code, out, err = run(demo_path, "pia", "review", "show", draft["draft"], "--json")
    assert code == 0, err
    seen = json.loads(out)
    assert seen["text"] == draft["text"] and all(r["original"] is None for r in seen["redactions"])
    code, out, _ = run(demo_path, "pia", "review", "list")
    assert draft["draft"] in out


def test_consent_edit_voids_and_reject_needs_reason(demo_path: Path) -> None:
    code, out, err = run(demo_path, "cara", "--json", "draft", "create", WITH_CONSENT)
    draft_id = json.loads(out)["draft"]
    run(demo_path, "rui", "review", "approve", draft_id)
    code, out, err = run(
        demo_path,
        "cara",
        "case",
        "consent",
        WITH_CONSENT,
        "--publish-name",
        "no",
        "--given-by",
        "sister",
        "--date",
        "2026-11-20",
    )
    assert code == 0, err
    code, out, err = run(demo_path, "rui", "--json", "review", "list")
    states = {d["draft"]: d["status"]["state"] for d in json.loads(out)}
    assert states[draft_id] == "void"
    code, out, err = run(demo_path, "cara", "--json", "draft", "create", WITH_CONSENT)
    new_id = json.loads(out)["draft"]
    code, out, err = run(demo_path, "rui", "review", "reject", new_id)
    assert code == 2 and "Missing option '--reason'" in err
    code, out, err = run(demo_path, "rui", "review", "reject", new_id, "--reason", "too vague")
    assert code == 0 and "rejected" in out


def test_manual_redaction_is_asked_at_a_hidden_prompt(demo_path: Path) -> None:
    code, out, err = run(demo_path, "cara", "--json", "draft", "create", WITH_CONSENT)
    draft_id = json.loads(out)["draft"]
    code, out, err = run(
        demo_path,
        "cara",
        "--json",
        "draft",
        "edit",
        draft_id,
        "--redact",
        "--reason",
        "speculation",
        input="without charge\n",
    )
    assert code == 0, err
    d = json.loads(out)
    assert d["version"] == 2 and "without charge" not in d["text"]
    code, out, err = run(demo_path, "cara", "draft", "edit", draft_id, "--reason", "x")
    assert code == 2 and "exactly one of --redact or --unredact" in err


def test_bad_draft_requests_are_one_clear_line_and_change_nothing(demo_path: Path) -> None:
    from tests.conftest import passphrase_for
    from vault.services.session import Vault

    def drafts_and_log() -> tuple[int, int]:
        with Vault.open(demo_path, "ada", lambda _n: passphrase_for("ada")) as v:
            return v.store.count_drafts(), v.audit.size()

    before = drafts_and_log()
    for user, args, expected, code in [
        ("cara", ["draft", "create", "UA-999-99-999"], "no case or action 'UA-999-99-999'", 4),
        ("rui", ["review", "approve", "D-0042"], "no draft D-0042", 4),
        ("pia", ["draft", "create", WITH_CONSENT], "pia (publisher) may not create drafts", 3),
        ("ada", ["review", "list"], "ada (admin) may not see drafts", 3),
    ]:
        got, _, err = run(demo_path, user, *args)
        assert got == code, (args, err)
        assert err.strip() == f"casevault: error: {expected}"
    r = CliRunner().invoke(
        cli,
        ["draft", "create", WITH_CONSENT, "--lang", "es"],
        env={
            "CASEVAULT_PATH": str(demo_path),
            "CASEVAULT_USER": "cara",
            "CASEVAULT_PASSPHRASE": PASSPHRASES["cara"],
        },
    )
    assert r.exit_code == 2 and "'es' is not one of 'en', 'fr', 'de'" in r.stderr
    assert drafts_and_log() == before  # no draft, and no audit entry, was written


def test_more_bad_inputs_are_one_line_and_change_nothing(demo_path: Path, tmp_path: Path) -> None:
    from tests.conftest import passphrase_for
    from vault.services.session import Vault

    def state() -> tuple[int | None, int, int]:
        with Vault.open(demo_path, "ada", lambda _n: passphrase_for("ada")) as v:
            return v.store.case_head(WITH_CONSENT), v.audit.size(), v.store.count_drafts()

    _, out, _ = run(demo_path, "cara", "--json", "draft", "create", WITH_CONSENT)
    draft_id = json.loads(out)["draft"]
    bad_proof = tmp_path / "proof.json"
    bad_proof.write_text("{not json")
    before = state()
    for user, args, expected, exit_code in [
        (
            "cara",
            ["case", "consent", WITH_CONSENT, "--publish-name", "no", "--date", "May 2021"],
            "field consent.date: must be a date as YYYY-MM-DD",
            2,
        ),
        (
            "cara",
            ["draft", "edit", draft_id, "--unredact", "99", "--reason", "x"],
            f"no redaction #99 in {draft_id}",
            2,
        ),
        ("rui", ["audit", "prove", "100000"], "entry 100000 is not covered", 4),
        (
            "rui",
            ["audit", "check-proof", str(bad_proof), "--key", "rui+00+AAAA"],
            "cannot read proof file",
            2,
        ),
    ]:
        got, _, err = run(demo_path, user, *args)
        assert got == exit_code, (args, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("casevault: error: "), err
        assert expected in lines[0], lines[0]
    assert state() == before  # no case version, no audit entry, no draft
