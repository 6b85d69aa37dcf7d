"""A caseworker's ordinary day (issue 15): what the first release got wrong, each a test."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import PASSPHRASES, OpenAs
from vault.cli import cli
from vault.services import cases, drafts
from vault.services.demo_data import demo_cases

CASE = "UA-061-21-004"
DEMO = {c["case_id"]: c for c in demo_cases()}


def _run(path: Path, user: str, *args: str, input: str | None = None) -> tuple[int, str, str]:
    env = {
        "CASEVAULT_PATH": str(path),
        "CASEVAULT_USER": user,
        "CASEVAULT_PASSPHRASE": PASSPHRASES[user],
    }
    r = CliRunner().invoke(cli, list(args), env=env, input=input)
    return r.exit_code, r.stdout, r.stderr


def test_json_edit_prints_no_field_value(demo_path: Path) -> None:
    """15.1: `--json case edit` printed the whole record, secret fields included, and logged no
    read. A write now reports ids and field names only."""
    secret = DEMO[CASE]["id_numbers"][0]["value"]
    code, out, err = _run(
        demo_path, "cara", "--json", "case", "edit", CASE, "--set", "status=released"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data == {"case_id": CASE, "version": 2, "changed": ["status"], "unchanged": False}
    assert secret not in out and DEMO[CASE]["full_name"] not in out


def test_an_edit_that_changes_nothing_writes_nothing(demo_path: Path, open_as: OpenAs) -> None:
    """15.2: the same value, or the record fed back, made a new version and voided approvals."""
    v = open_as("cara")
    same = cases.edit_case(v, CASE, {"status": DEMO[CASE]["status"]})
    assert (same.version, same.changed) == (1, [])
    fed_back = cases.show_case(v, CASE).values
    assert cases.edit_case(v, CASE, fed_back).changed == []
    code, out, _ = _run(
        demo_path, "cara", "case", "edit", CASE, "--set", f"status={DEMO[CASE]['status']}"
    )
    assert code == 0 and "No change" in out
    assert cases.show_case(open_as("cara"), CASE).version == 1


def test_list_fields_take_single_items(demo_path: Path, open_as: OpenAs) -> None:
    """15.4: `--prompt name_variants` silently replaced the whole list (a Cyrillic spelling
    vanished and search no longer found the person)."""
    variants = DEMO[CASE]["name_variants"]
    code, _, err = _run(
        demo_path, "cara", "case", "edit", CASE, "--prompt", "name_variants", input="Only One\n"
    )
    assert code == 2 and "is a list: --add name_variants" in err
    code, _, err = _run(
        demo_path, "cara", "case", "edit", CASE, "--add", "name_variants", input="Aydos Bekuli\n"
    )
    assert code == 0, err
    after = cases.show_case(open_as("cara"), CASE).values["name_variants"]
    assert after == [*variants, "Aydos Bekuli"]
    code, _, err = _run(
        demo_path, "cara", "case", "edit", CASE, "--remove", "name_variants", input="Aydos Bekuli\n"
    )
    assert code == 0, err
    assert cases.show_case(open_as("cara"), CASE).values["name_variants"] == variants
    code, _, err = _run(
        demo_path, "cara", "case", "edit", CASE, "--remove", "name_variants", input="Never There\n"
    )
    assert code == 2 and "not in it" in err and "Never There" not in err
    assert [c.case_id for c in cases.find_cases(open_as("cara"), variants[0]).cases] == [CASE]


def test_case_ids_are_matched_trimmed_and_in_any_case(demo_path: Path) -> None:
    """15.14: ` ua-061-21-004 ` is the same case."""
    code, out, err = _run(demo_path, "cara", "--json", "case", "show", " ua-061-21-004 ")
    assert code == 0, err
    assert json.loads(out)["case_id"] == CASE
    code, _, err = _run(
        demo_path, "cara", "case", "edit", "ua-061-21-004", "--set", "status=released"
    )
    assert code == 0, err


def test_a_secret_value_typed_into_a_public_field_is_refused(
    demo_path: Path, open_as: OpenAs, tmp_path: Path
) -> None:
    """15.3: a public summary naming a sister (kept only in the secret family_contacts) was shown
    in full to every role. Saving refuses, naming the field and kind, never the value; an
    override needs a reason and is logged."""
    sister = DEMO[CASE]["family_contacts"][0]["name"]
    summary = tmp_path / "s.json"
    summary.write_text(json.dumps({"public_summary": f"{sister} waits for news."}), "utf-8")
    code, _, err = _run(demo_path, "cara", "case", "edit", CASE, "--from-json", str(summary))
    assert code == 2
    assert "public_summary: name (secret)" in err and sister not in err
    assert cases.show_case(open_as("cara"), CASE).version == 1  # nothing written
    code, _, err = _run(
        demo_path,
        "cara",
        "case",
        "edit",
        CASE,
        "--from-json",
        str(summary),
        "--allow-leak",
        "the family asked for it",
    )
    assert code == 0, err
    from vault.services import audit

    logged = audit.audit_log(open_as("ada"), action="case.leak_override", limit=5)
    assert logged and logged[0].entry.fields == ("public_summary",)
    assert "family asked" not in str(logged[0].entry.details)


def test_a_public_summary_without_protected_values_saves(open_as: OpenAs) -> None:
    v = open_as("cara")
    view = cases.edit_case(v, CASE, {"public_summary": "He was a teacher in Aksu."})
    assert view.changed == ["public_summary"]


def test_case_list_filters_and_prints_the_next_page(demo_path: Path) -> None:
    """15.14: case list filters by status, region, date range and action, and prints the
    command for the next page."""
    status = DEMO[CASE]["status"]
    expected = sorted(c for c, r in DEMO.items() if r["status"] == status)
    code, out, err = _run(demo_path, "cara", "--json", "case", "list", "--status", status)
    assert code == 0, err
    assert [r["case_id"] for r in json.loads(out)] == expected
    region = DEMO[CASE]["home_region"]
    code, out, _ = _run(demo_path, "cara", "--json", "case", "list", "--region", region.upper())
    assert CASE in [r["case_id"] for r in json.loads(out)]
    assert all(DEMO[r["case_id"]]["home_region"] == region for r in json.loads(out))
    code, out, _ = _run(
        demo_path, "cara", "--json", "case", "list", "--since", "2019", "--until", "2019"
    )
    dates = [DEMO[r["case_id"]]["detained_on"] for r in json.loads(out)]
    assert dates and all(d.startswith("2019") for d in dates)
    code, out, _ = _run(demo_path, "cara", "case", "list", "--limit", "2", "--status", status)
    assert code == 0
    assert (
        f"next page: casevault case list --after {expected[1]} --limit 2 --status '{status}'" in out
    )
    code, out, _ = _run(demo_path, "cara", "--json", "case", "list", "--action", "UA 061/21")
    assert len(json.loads(out)) == min(100, len(DEMO))


def test_case_add_with_no_option_guides_through_the_fields(
    demo_path: Path, open_as: OpenAs
) -> None:
    """15.10: case add guides the person through the fields: levels shown, allowed values
    listed, testimony over several lines, contacts asked part by part, a bad value asked again
    keeping what was typed."""
    answers = {
        "case_id": "UA-777-26-001",
        "full_name": "Invented Guided",
        "status": "nowhere\ndetained_camp",  # refused, asked again
        "birth_year": "1980",
        "case_notes": "first line\nsecond line\n.",
    }
    policy = open_as("cara").policy
    lines: list[str] = []
    for name, fp in policy.fields.items():
        if name == "family_contacts":
            lines += ["y", "Invented Sister", "sister", "+7 701 555 0100", "", "", "n"]
        elif name == "consent":  # asked as questions, not JSON typed blind
            lines += ["y", "y", "sister", "2024-05-01"]
        elif fp.kind.value in ("sources", "id_numbers"):
            lines.append("n")
        elif name in answers:
            lines += answers[name].split("\n")
        elif fp.kind.value == "text":
            lines.append(".")
        else:
            lines.append("")
    code, _, err = _run(demo_path, "cara", "case", "add", input="\n".join(lines) + "\n")
    assert code == 0, err
    assert "status (public) [missing/detained_camp/" in err
    assert "case_notes (confidential, hidden)" in err
    refusal = next(line for line in err.splitlines() if "try again" in line)
    assert refusal == "casevault: status: does not fit; try again"  # never the value
    view = cases.show_case(open_as("cara"), "UA-777-26-001").values
    assert view["status"] == "detained_camp" and view["birth_year"] == 1980
    assert view["consent"] == {"publish_name": True, "given_by": "sister", "date": "2024-05-01"}
    assert view["case_notes"] == "first line\nsecond line"
    assert view["family_contacts"] == [
        {"name": "Invented Sister", "relation": "sister", "phone": "+7 701 555 0100"}
    ]


def test_deeply_nested_json_for_a_case_is_bad_input(demo_path: Path, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    code, _, err = _run(demo_path, "cara", "case", "edit", CASE, "--from-json", str(deep))
    assert code == 2 and "nested too deeply" in err and "internal error" not in err


def test_import_refuses_a_protected_value_in_a_public_field(
    demo_path: Path, tmp_path: Path, open_as: OpenAs
) -> None:
    sister = DEMO[CASE]["family_contacts"][0]["name"]
    src = tmp_path / "new.jsonl"
    rows = [
        {"case_id": "UA-888-26-001", "full_name": "Invented One"},
        {
            "case_id": "UA-888-26-002",
            "full_name": "Invented Two",
            "public_summary": f"{sister} was seen with him.",
        },
    ]
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    code, _, err = _run(demo_path, "cara", "import", str(src))
    assert code == 2
    assert "new.jsonl:2: case UA-888-26-002: a protected value in a public field" in err
    assert sister not in err
    assert "UA-888-26-001" not in [
        c.case_id for c in cases.find_cases(open_as("cara"), "Invented One").cases
    ]


def test_a_placeholder_typed_in_a_protected_field_poisons_nothing(
    demo_path: Path, open_as: OpenAs
) -> None:
    """Found by a new user's trial: 'unknown' typed as a detention facility was indexed as a
    protected value, so 'unknown' was then refused in public fields and redacted in every
    case's draft. A placeholder for "no value" is never a value to look for."""
    code, _, err = _run(
        demo_path, "cara", "case", "edit", CASE, "--prompt", "detention_facility", input="unknown\n"
    )
    assert code == 0, err
    code, _, err = _run(
        demo_path, "cara", "case", "edit", "UA-061-21-005", "--set", "charges=unknown"
    )
    assert code == 0, err
    d = drafts.create_draft(open_as("cara"), "UA-061-21-005", "en")
    assert "[withheld]" not in d.text.split("\n\n")[0]


def test_case_list_refuses_an_unknown_status_and_takes_any_case(demo_path: Path) -> None:
    code, _, err = _run(demo_path, "cara", "case", "list", "--status", "nonsense")
    assert code == 2 and "status must be one of: missing" in err
    code, out, _ = _run(demo_path, "cara", "--json", "case", "list", "--status", "MISSING")
    assert code == 0 and all(DEMO[r["case_id"]]["status"] == "missing" for r in json.loads(out))
