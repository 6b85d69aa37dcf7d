"""Adding a field is a policy edit: storage, search, redaction, drafts and lists follow the policy
with no code change. The fields added here exist in no code path of casevault."""

from __future__ import annotations

from pathlib import Path

from vault.crypto import Passphrase
from vault.policy import default_policy_text
from vault.services import case_list, cases, drafts, users
from vault.services.session import Vault

PW = {"ada": "new-field-ada-pass", "cara": "new-field-cara-pass", "rui": "new-field-rui-pass"}


def _policy() -> str:
    text = default_policy_text()
    edits = [
        (
            "[fields]\n",
            "[fields]\n"
            'nickname     = { kind = "text_list",  level = "restricted", holds = "subject_name" }\n'
            'spouse_phone = { kind = "short_text", level = "secret", holds = "phone" }\n'
            'trial_court  = { kind = "short_text", level = "public", '
            'label = { en = "Court", fr = "Tribunal", de = "Gericht" } }\n',
        ),
        (
            'names = ["full_name", "name_variants"]',
            'names = ["full_name", "name_variants", "nickname"]',
        ),
        (
            'facts = ["status", "detained_on", "charges", "sentence"]',
            'facts = ["status", "trial_court", "detained_on", "charges", "sentence"]',
        ),
        (
            'columns = ["full_name", "status", "detained_on"]',
            'columns = ["full_name", "status", "trial_court"]',
        ),
    ]
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    return text


def _open(path: Path, name: str) -> Vault:
    return Vault.open(path, name, lambda _n: Passphrase.from_text(PW[name]))


def test_a_new_field_needs_no_code(tmp_path: Path) -> None:
    path = tmp_path / "v"
    with Vault.init(path, "ada", Passphrase.from_text(PW["ada"]), policy_text=_policy()) as v:
        for name, role in (("cara", "caseworker"), ("rui", "reviewer")):
            users.add_member(v, name, role, passphrase=lambda n=name: Passphrase.from_text(PW[n]))
    record = {
        "case_id": "UA-900-26-001",
        "full_name": "Invented Toqtarbay",
        "gender": "male",
        "status": "detained_prison",
        "trial_court": "Invented District Court",
        "nickname": ["Kökbörü"],
        "spouse_phone": "+7 701 555 0199",
        "public_summary": "Kökbörü was taken in 2019. His wife can be reached on 8 701 555 0199.",
    }
    with _open(path, "cara") as v:
        cases.add_case(v, record, allow_leak="a leak planted on purpose, to test redaction")
        # storage: every new field comes back as written
        shown = cases.show_case(v, "UA-900-26-001").values
        assert {k: shown[k] for k in record} == record
        # search: the new name field is indexed, in any spelling
        assert [c.case_id for c in cases.find_cases(v, "kokboru").cases] == ["UA-900-26-001"]
        # lists show the policy's columns
        listed = case_list.list_cases(v)[0].values
        assert listed["trial_court"] == "Invented District Court"
        assert "public_summary" not in listed
        # drafts: the new fact line with its label; the new secret value and name redacted
        draft = drafts.create_draft(v, "UA-900-26-001", "de")
    assert "Gericht: Invented District Court" in draft.text
    assert "0199" not in draft.text and "Kökbörü" not in draft.text
    kinds = {(r.kind, r.level) for r in draft.redactions}
    assert ("phone", "secret") in kinds
    # the reviewer cannot read the secret field, and sees it withheld, not missing
    with _open(path, "rui") as v:
        view = cases.show_case(v, "UA-900-26-001")
    assert view.withheld.get("spouse_phone") == "secret"
    assert "spouse_phone" not in view.values
