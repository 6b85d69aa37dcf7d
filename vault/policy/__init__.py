"""Policy: the level of each field and the levels each role reads. Data, checked at load."""

from vault.policy.keys import ExtraKey, KeyKind, KeyRef
from vault.policy.loader import default_policy_text, load_policy_file, parse_policy, policy_digest
from vault.policy.model import FieldPolicy, Policy, RolePolicy

__all__ = [
    "ExtraKey",
    "FieldPolicy",
    "KeyKind",
    "KeyRef",
    "Policy",
    "RolePolicy",
    "default_policy_text",
    "load_policy_file",
    "parse_policy",
    "policy_digest",
]
