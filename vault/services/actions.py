"""Urgent Actions: one campaign text, many cases. Stored signed and sealed at the lowest level."""

from __future__ import annotations

from typing import Any

import pydantic

from vault.audit.log import AuditEvent
from vault.crypto import hash_bytes
from vault.crypto.records import RecordHeader, RecordPlace, open_record, seal_record
from vault.errors import NotFoundError, ValidationError
from vault.models import Action
from vault.services.cases import describe_validation
from vault.services.clock import now
from vault.services.provenance import case_head
from vault.services.session import Vault
from vault.store import ActionRow

KIND = "action"


def put_action(v: Vault, data: dict[str, Any]) -> Action:
    """Create or replace an action (a new version; the previous one is named by hash)."""
    v.require(v.policy.can_write_cases(v.role), "write actions")
    try:
        action = Action.model_validate(data)
    except pydantic.ValidationError as e:
        raise ValidationError(describe_validation(e)) from None
    level = v.policy.levels[0]
    with v.store.write():
        unknown = [c for c in action.case_ids if case_head(v, c) is None]
        if unknown:
            raise NotFoundError(f"action names unknown case {unknown[0]}")
        old = v.store.action(action.action_id)
        version = (old.version + 1) if old else 1
        prev = hash_bytes(old.body).hex() if old else ""
        created = now()
        header = RecordHeader(
            v.vault_id, KIND, action.action_id, version, prev, v.user, created, v.policy_digest
        )
        payload = action.model_dump(mode="json")
        body, sig = seal_record(
            header, {"action": (level, payload)}, v.keys.current_level_keys(), v.identity
        )
        v.store.put_action(ActionRow(action.action_id, version, v.user, created, body, sig))
        v.log(
            AuditEvent(
                "action.put",
                cases=action.case_ids[:50],
                details={
                    "action": action.action_id,
                    "version": version,
                    "case_count": len(action.case_ids),
                },
            )
        )
    return action


def get_action(v: Vault, action_id: str) -> Action | None:
    """The action, or None when this person's role does not read its level."""
    with v.store.read():
        row = v.store.action(action_id)
    if row is None:
        raise NotFoundError(f"no action {action_id!r}")
    author = v.members.verified(row.author)
    place = RecordPlace(v.vault_id, KIND, action_id, row.version, row.author)
    opened = open_record(
        row.body, row.signature, author.sign_public, v.keys.level_key, expect=place
    )
    payload = opened.mapping("action")
    if payload is None:
        return None
    return Action.model_validate(payload)


def list_actions(v: Vault) -> list[str]:
    """The ids of every action, in order."""
    with v.store.read():
        return v.store.action_ids()
