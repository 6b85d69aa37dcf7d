"""Properties of the policy loader (vault/policy/loader.py) on policy files it did not write.

Valid policies, built by strategies that follow every rule of the model, parse to what they say
and survive being written out again. Any other text or bytes give :class:`PolicyError` and never
another exception; a damaged policy that still parses obeys the rules that keep the vault fail
closed (a writer reads every level, case ids sit at the lowest level, some role manages people).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault.errors import PolicyError, VaultError
from vault.models.case import KIND_PARTS, FieldKind, ValueKind
from vault.policy.loader import default_policy_text, load_policy_file, parse_policy
from vault.policy.model import PORTRAIT_ROLES, Policy

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEFAULT_TEXT = default_policy_text()


# --- a small TOML writer for the subset a policy uses ----------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def to_toml(policy: dict[str, Any]) -> str:
    """Top-level scalars and lists, then one table per section (roles.X, fields as inline)."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in policy.items() if not isinstance(v, dict)]
    for section, body in policy.items():
        if not isinstance(body, dict):
            continue
        if section == "roles":
            for role, rp in body.items():
                lines.append(f"\n[roles.{role}]")
                lines += [f"{k} = {_toml_value(v)}" for k, v in rp.items()]
        else:
            lines.append(f"\n[{section}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in body.items()]
    return "\n".join(lines) + "\n"


# --- valid policies --------------------------------------------------------------------------

_name = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
_text = st.text(st.characters(codec="utf-8"), max_size=30)
_TEXT_KINDS = [FieldKind.SHORT_TEXT, FieldKind.TEXT, FieldKind.TEXT_LIST]
_STRUCTURED = [*KIND_PARTS, FieldKind.CONSENT]
_PLAIN = [k for k in FieldKind if k not in _STRUCTURED]
_HOLDS = [v.value for v in ValueKind]


@st.composite
def policies(draw: st.DrawFn) -> dict[str, Any]:
    """A policy that every rule of :class:`Policy` accepts, as the dict its TOML parses to."""
    levels = draw(st.lists(_name, min_size=1, max_size=4, unique=True))
    low = levels[0]
    role_names = draw(st.lists(_name, min_size=2, max_size=5, unique=True))
    roles: dict[str, dict[str, Any]] = {}
    for i, role in enumerate(role_names):
        reads = draw(st.lists(st.sampled_from(levels), unique=True))
        rp: dict[str, Any] = {"reads": reads}
        if draw(st.booleans()):
            rp["description"] = draw(_text)
        if i == 0 or draw(st.booleans()):  # the first writes cases, so reads every level
            rp["writes_cases"] = True
            rp["reads"] = list(levels)
        if i == 1 or draw(st.booleans()):
            rp["manages_people"] = True
        if low in rp["reads"] and draw(st.booleans()):
            rp["drafts"] = True
        for flag in ("reviews", "publishes"):
            if draw(st.booleans()):
                rp[flag] = True
        roles[role] = rp
    if any(rp.get("drafts") for rp in roles.values()):
        roles[role_names[1]]["reviews"] = True
    fields: dict[str, dict[str, Any]] = {"case_id": {"kind": "short_text", "level": low}}
    consent_used = False
    for fname in draw(st.lists(_name, max_size=6, unique=True)):
        if fname == "case_id":
            continue
        kind = draw(st.sampled_from(list(FieldKind)))
        if kind is FieldKind.CONSENT and consent_used:
            kind = FieldKind.TEXT
        consent_used |= kind is FieldKind.CONSENT
        fp: dict[str, Any] = {"kind": kind.value, "level": draw(st.sampled_from(levels))}
        if kind not in _STRUCTURED and (fp["level"] != low or draw(st.booleans())):
            fp["holds"] = draw(st.sampled_from(_HOLDS))
        if draw(st.booleans()):
            fp["label"] = draw(st.dictionaries(st.from_regex(r"[a-z]{2}", fullmatch=True), _text))
        if draw(st.booleans()):
            fp["note"] = draw(_text)
        fields[fname] = fp
    lowest = [f for f, fp in fields.items() if fp["level"] == low]
    dates = [f for f in lowest if fields[f]["kind"] in ("date", "approx_date")]
    names = [
        f
        for f, fp in fields.items()
        if fp["kind"] in _TEXT_KINDS and fp.get("holds") in ("name", "subject_name")
    ]
    policy: dict[str, Any] = {
        "format": 1,
        "name": draw(_name),
        "version": draw(st.integers(1, 2**31)),
        "levels": levels,
        "roles": roles,
        "fields": fields,
    }
    if names and draw(st.booleans()):
        policy["search"] = {"names": draw(st.lists(st.sampled_from(names), unique=True))}
    if draw(st.booleans()):
        policy["review"] = {
            "approvals_required": draw(st.integers(1, 10)),
            "public_terms": draw(st.lists(st.text(min_size=2, max_size=20), max_size=4)),
        }
    if draw(st.booleans()):
        pub: dict[str, Any] = {"facts": draw(st.lists(st.sampled_from(lowest), max_size=3))}
        pub["portrait"] = draw(
            st.dictionaries(st.sampled_from(PORTRAIT_ROLES), st.sampled_from(lowest), max_size=3)
        )
        if draw(st.booleans()):
            pub["summary"] = draw(st.sampled_from(lowest))
        if dates and draw(st.booleans()):
            pub["age_at"] = draw(st.sampled_from(dates))
        if draw(st.booleans()):
            pub["organisation"] = draw(st.text(min_size=1, max_size=40))
        policy["publication"] = pub
    if draw(st.booleans()):
        policy["display"] = {"columns": draw(st.lists(st.sampled_from(sorted(fields))))}
    return policy


def _said(policy: Policy, given_: dict[str, Any]) -> None:
    """Every value the file gave is the value the parsed policy holds."""
    dumped = policy.model_dump(mode="json")
    for key, value in given_.items():
        if key in ("roles", "fields"):
            for name, sub in value.items():
                for k, v in sub.items():
                    assert dumped[key][name][k] == v, (key, name, k)
            assert set(dumped[key]) == set(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                assert dumped[key][k] == v, (key, k)
        else:
            assert dumped[key] == value, key


@settings(SETTINGS, max_examples=60)
@given(policies())
def test_valid_policy_parses_to_what_it_says_and_round_trips(given_: dict[str, Any]) -> None:
    text = to_toml(given_)
    policy = parse_policy(text)
    _said(policy, given_)
    again = parse_policy(to_toml(policy.model_dump(mode="json", exclude_none=True)))
    assert again == policy


def test_default_policy_round_trips_through_the_writer() -> None:
    policy = parse_policy(DEFAULT_TEXT)
    assert parse_policy(to_toml(policy.model_dump(mode="json", exclude_none=True))) == policy


# --- hostile text ----------------------------------------------------------------------------


def _fail_closed(text: str) -> None:
    """Either PolicyError naming its source, or a policy that keeps the vault's rules."""
    try:
        policy = parse_policy(text, "hostile.toml")
    except VaultError as e:
        assert type(e) is PolicyError, repr(e)
        assert str(e).startswith("hostile.toml: "), str(e)
        return
    levels = set(policy.levels)
    assert policy.format == 1
    assert policy.fields["case_id"].level == policy.levels[0]
    assert any(rp.manages_people for rp in policy.roles.values())
    for rp in policy.roles.values():
        assert set(rp.reads) <= levels
        assert not rp.writes_cases or set(rp.reads) == levels
    assert all(fp.level in levels for fp in policy.fields.values())


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text_gives_only_policy_errors(text: str) -> None:
    _fail_closed(text)


_LINES = DEFAULT_TEXT.splitlines(keepends=True)


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["drop", "twice", "cut", "junk", "swap"]),
            st.integers(0, len(_LINES) - 1),
            st.integers(0, 200),
            st.text(max_size=12),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_damaged_default_policy_fails_closed(edits: list[tuple[str, int, int, str]]) -> None:
    """Lines of the shipped policy dropped, repeated, cut or spliced with junk: refused with a
    PolicyError, or, when still valid, no rule broken."""
    lines = list(_LINES)
    for what, i, at, junk in edits:
        i %= len(lines)
        if what == "drop":
            del lines[i]
        elif what == "twice":
            lines.insert(i, lines[i])
        elif what == "cut":
            lines[i] = lines[i][: at % (len(lines[i]) + 1)] + "\n"
        elif what == "junk":
            pos = at % (len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + junk + lines[i][pos:]
        else:
            j = at % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        if not lines:
            break
    _fail_closed("".join(lines))


_ASSIGNMENTS = [
    ("format", "2"),
    ("format", '"1"'),
    ("levels", "[]"),
    ("levels", '["public", "public"]'),
    ("version", "0"),
    ("version", "1" * 5000),
    ("name", '"Not A Name"'),
    ("levels", "[" * 5000 + "]" * 5000),
    ("levels", '["public", "restricted", "confidential", "secret", "x\\u0000"]'),
]


@pytest.mark.parametrize(("key", "value"), _ASSIGNMENTS)
def test_a_bad_top_level_value_is_a_policy_error(key: str, value: str) -> None:
    start = DEFAULT_TEXT.index(f"\n{key} = ") + 1
    end = DEFAULT_TEXT.index("\n", start)
    with pytest.raises(PolicyError, match=r"^policy: "):
        parse_policy(DEFAULT_TEXT[:start] + f"{key} = {value}" + DEFAULT_TEXT[end:])


@SETTINGS
@given(st.binary(max_size=300))
def test_a_policy_file_of_any_bytes_gives_only_policy_errors(
    tmp_path_factory: Any, data: bytes
) -> None:
    path = Path(tmp_path_factory.mktemp("policy")) / "policy.toml"
    path.write_bytes(data)
    try:
        load_policy_file(path)
    except VaultError as e:
        assert type(e) is PolicyError, repr(e)


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe" + DEFAULT_TEXT.encode("utf-16-le"),
        b"\xef\xbb\xbf" + DEFAULT_TEXT.encode(),
        DEFAULT_TEXT.encode().replace(b"public", b"p\xc3blic", 1),
        DEFAULT_TEXT.encode() + b"\x00",
    ],
)
def test_a_policy_file_in_another_encoding_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "policy.toml"
    path.write_bytes(data)
    with pytest.raises(PolicyError):
        load_policy_file(path)
