"""Policy files: the default loads, and every kind of mistake is refused with a clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from vault.errors import PolicyError
from vault.policy import default_policy_text, parse_policy

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = (ROOT / "policies" / "default.toml").read_text("utf-8")


def test_repository_policy_is_the_packaged_default() -> None:
    assert default_policy_text() == DEFAULT


def test_default_policy_matches_the_design() -> None:
    p = parse_policy(DEFAULT)
    assert p.levels == ["public", "restricted", "confidential", "secret"]
    assert p.readable_levels("reviewer") == ["public", "restricted", "confidential"]
    assert p.readable_levels("publisher") == []
    assert p.readable_levels("admin") == []
    assert {f for f in p.fields if p.level_of(f) == "secret"} == {
        "family_contacts",
        "sources",
        "id_numbers",
    }
    assert p.readable_levels("nobody") == []  # unknown role reads nothing


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('kind = "status",', 'kind = "mood",'), "fields.status.kind: unknown value"),
        (('level = "secret",', 'level = "top",'), "has unknown level 'top'"),
        (
            ('reads = ["public", "restricted", "confidential"]', 'reads = ["public", "hidden"]'),
            "role 'reviewer' reads unknown level 'hidden'",
        ),
        (
            (
                'family_contacts    = { kind = "family_contacts", level = "secret",',
                'family_contacts    = { kind = "family_contacts",',
            ),
            "fields.family_contacts.level: Field required",
        ),
        (
            ("writes_cases = true", "writes_cases = true\ncolour = 1"),
            "roles.caseworker.colour: unknown key",
        ),
        (
            (
                'reads = ["public", "restricted", "confidential", "secret"]\nwrites_cases',
                'reads = ["public"]\nwrites_cases',
            ),
            "role 'caseworker' writes cases, so it must read every level",
        ),
        (("manages_people = true", ""), "no role manages people"),
        (
            (
                'case_id            = { kind = "short_text",      level = "public",',
                'case_id            = { kind = "short_text",      level = "secret",',
            ),
            "field 'case_id' must be at the lowest level",
        ),
        (
            ('names = ["full_name", "name_variants"]', 'names = ["full_name", "sources"]'),
            "search field 'sources' is not a text field",
        ),
        (
            ('names = ["full_name", "name_variants"]', 'names = ["full_name", "home_address"]'),
            "search field 'home_address' does not hold a name",
        ),
        # A blind index of a field with few distinct values answers every guess:
        (
            ('names = ["full_name", "name_variants"]', 'names = ["full_name", "gender"]'),
            "search field 'gender' does not hold a name (a blind index of a field with few "
            "distinct values answers every guess)",
        ),
        (
            ('names = ["full_name", "name_variants"]', 'names = ["ethnicity"]'),
            "search field 'ethnicity' does not hold a name",
        ),
        (
            ('names = ["full_name", "name_variants"]', 'names = ["full_name", "status"]'),
            "search field 'status' is not a text field",
        ),
        (
            (
                'level = "restricted", holds = "free_text",',
                'level = "restricted",',
            ),
            "field 'risk_notes' is restricted but does not say what it holds",
        ),
        (
            (
                'kind = "id_numbers",      level = "secret",',
                'kind = "id_numbers",      level = "secret", holds = "name",',
            ),
            "field 'id_numbers': a id_numbers field says what it holds",
        ),
        (
            (
                'consent            = { kind = "consent",         level = "restricted",',
                'consent2           = { kind = "consent",         level = "restricted" }\n'
                'consent            = { kind = "consent",         level = "restricted",',
            ),
            "more than one consent field",
        ),
        (
            (
                'facts = ["status", "detained_on", "charges", "sentence"]',
                'facts = ["status", "date_of_birth"]',
            ),
            "publication field 'date_of_birth' is not at the lowest level",
        ),
        (
            ('summary = "public_summary"', 'summary = "summary"'),
            "publication names an unknown field 'summary'",
        ),
        (
            ('region = "home_region"', 'hometown = "home_region"'),
            "publication.portrait: unknown role 'hometown'",
        ),
        (
            ('columns = ["full_name", "status", "detained_on"]', 'columns = ["nickname"]'),
            "display names an unknown field 'nickname'",
        ),
        (('holds = "place",', 'holds = "rumour",'), "holds: unknown value"),
        (("format = 1", "format = 2"), "unsupported policy format 2"),
        (('"Xinjiang", "Xinjiang Uyghur', '"X", "Xinjiang Uyghur'), "public_terms"),
        (('"Xinjiang", "Xinjiang Uyghur', f'"{"x" * 121}", "Xinjiang Uyghur'), "public_terms"),
        (("public_terms = [", "public_terms = [3, "), "public_terms"),
        (("[fields]", "[fields"), "not valid TOML"),
    ],
)
def test_bad_policy_is_refused(edit: tuple[str, str], message: str) -> None:
    old, new = edit
    assert old in DEFAULT
    with pytest.raises(PolicyError) as e:
        parse_policy(DEFAULT.replace(old, new, 1), "test.toml")
    assert message in e.value.diagnostics()
    assert e.value.diagnostics().startswith("test.toml")
    assert "\n" not in e.value.diagnostics()


def test_new_field_is_a_policy_edit_not_code() -> None:
    p = parse_policy(
        DEFAULT.replace(
            "[fields]\n",
            '[fields]\nlawyer_name = { kind = "short_text", level = "confidential", '
            'holds = "name" }\n',
        )
    )
    assert p.level_of("lawyer_name") == "confidential"
    from vault.models import build_record_model

    model = build_record_model(p.kinds())
    assert model.model_validate({"case_id": "UA-1-1", "lawyer_name": "X"})


def test_index_keys_follow_the_levels_a_role_reads() -> None:
    """No name-index or leak-index key of its own: both are derived from level keys, so what a
    role can hash a guess with is exactly what it reads (issue 14.3, 14.7)."""
    policy = parse_policy(DEFAULT)
    assert [str(k) for k in policy.keys_of("reviewer")] == [
        "public level key",
        "restricted level key",
        "confidential level key",
        "publication key",
    ]
    assert [str(k) for k in policy.keys_of("publisher")] == ["publication key"]
    assert policy.keys_of("admin") == []
    assert policy.search_fields("reviewer") == ["full_name", "name_variants"]
    assert policy.search_fields("publisher") == []
    assert not policy.holds_extra_key("reviewer", "leaks")
    assert not policy.holds_extra_key("caseworker", "names")
