"""Urgent Actions: one campaign text, many cases. Stored signed and sealed at the lowest level.

Versioned and signed like cases, but the store keeps only the newest version of each action
(one row, replaced). What makes the row trustworthy is the log: every version is written with an
``action.put`` entry naming its version and its body's hash, and each version's signed header
names the previous version's body hash. A read checks the row's signature and place, that the
newest ``action.put`` entry for the action records exactly this version and body, and that the
chain to the previous version's entry holds: a row set back to an older version, rewritten in
place, or planted without an entry is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pydantic

from vault.audit import entry as audit_entry
from vault.audit.log import AuditEvent
from vault.crypto import hash_bytes
from vault.crypto.records import RecordHeader, RecordPlace, open_record, seal_record
from vault.errors import IntegrityError, NotFoundError, UsageError, ValidationError
from vault.models import Action
from vault.models.action import LANGUAGES, OPTIONAL_FIELDS
from vault.services.cases import describe_validation
from vault.services.clock import now
from vault.services.provenance import case_head, logged_entry
from vault.services.record_keys import wrap_rows, wraps_of
from vault.services.session import Vault
from vault.store import ActionRow, AuditFilter

KIND = "action"
PUT = "action.put"
#: How many ``action.put`` entries a read scans for the newest of one action: every edit of
#: every action adds one, and a vault holds a handful of actions.
MAX_PUT_ENTRIES = 100_000


@dataclass(frozen=True)
class ActionView:
    """The newest version of an action, verified, as this person may see it (``action`` is None
    when their role does not read its level)."""

    action_id: str
    version: int
    author: str
    updated_at: str
    body_hash: str
    action: Action | None

    def to_json(self) -> dict[str, Any]:
        return {
            "action_id": self.action_id,
            "version": self.version,
            "author": self.author,
            "updated_at": self.updated_at,
            "hash": self.body_hash,
            "action": self.action.model_dump(mode="json") if self.action else None,
        }


@dataclass(frozen=True)
class ActionWrite:
    """What a write did: ``written`` is False for a change that changed nothing."""

    view: ActionView
    written: bool

    def to_json(self) -> dict[str, Any]:
        return {"written": self.written, **self.view.to_json()}


# --- validation -------------------------------------------------------------------------------


def validate_action(data: Mapping[str, Any]) -> Action:
    """The whole action checked by the model; one line naming the field, never a value."""
    if not isinstance(data, Mapping):
        raise ValidationError("an action must be a JSON object")
    try:
        return Action.model_validate(dict(data))
    except pydantic.ValidationError as e:
        raise ValidationError(describe_validation(e)) from None


# --- reading ----------------------------------------------------------------------------------


def _put_entries(v: Vault, action_id: str) -> list[audit_entry.Entry]:
    """The ``action.put`` entries for one action, newest first (decoded, not yet checked)."""
    out = []
    for row in v.store.find_audit(AuditFilter(action=PUT, limit=MAX_PUT_ENTRIES)):
        entry, _, _ = audit_entry.decode(row.body)
        if entry.details.get("action") == action_id:
            out.append(entry)
    return out


def _open(v: Vault, action_id: str) -> ActionView:
    """The stored action, verified; call inside a transaction.

    1. the author is an enrolled member who may write cases (and so actions);
    2. the signature holds and the body is at its place (vault, kind, id, version, author);
    3. the newest ``action.put`` entry for it is signed by the author and names this version
       and this body's hash (a row set back or rewritten in place is refused);
    4. the body names as its predecessor the body hash that the previous version's entry
       records (none for version 1): the chain of versions is unbroken.
    """
    row = v.store.action(action_id)
    if row is None:
        raise NotFoundError(f"no action {action_id!r}")
    what = f"action {action_id} v{row.version}"
    author = v.members.verified(row.author)  # 1
    if not v.policy.can_write_cases(author.role):
        raise IntegrityError(f"{what}: written by someone who may not write actions")
    place = RecordPlace(v.vault_id, KIND, action_id, row.version, row.author)
    opened = open_record(  # 2
        row.body,
        row.signature,
        v.members.keys_of(author.name),
        v.keys.level_key,
        wraps=wraps_of(v.store, KIND, action_id, row.version),
        expect=place,
    )
    entries = _put_entries(v, action_id)
    if not entries:
        raise IntegrityError(f"{what} has no audit entry: it was not written by casevault")
    logged_entry(  # 3
        v,
        entries[0].seq,
        what=what,
        actor=row.author,
        actions=(PUT,),
        details={"action": action_id, "version": row.version},
        body=row.body,
    )
    expected_prev = ""  # 4
    if row.version > 1:
        previous = next((e for e in entries if e.details.get("version") == row.version - 1), None)
        recorded = previous.details.get("body") if previous else None
        if not isinstance(recorded, str):
            raise IntegrityError(f"{what}: the log records no version {row.version - 1}")
        expected_prev = recorded
    if opened.header.prev_hash != expected_prev:
        raise IntegrityError(f"{what}: hash chain to the previous version is broken")
    payload = opened.mapping("action")
    action = None
    if payload is not None:
        try:
            action = Action.model_validate(payload)
        except pydantic.ValidationError:
            raise IntegrityError(f"{what}: its signed content is not an action") from None
        if action.action_id != action_id:
            raise IntegrityError(f"{what}: its signed content names another action")
    return ActionView(action_id, row.version, row.author, row.updated_at, opened.body_hash, action)


def read_action(v: Vault, action_id: str) -> ActionView:
    """The newest version of an action, verified (see :func:`_open`)."""
    with v.store.read():
        return _open(v, action_id)


def get_action(v: Vault, action_id: str) -> Action | None:
    """The action, or None when this person's role does not read its level."""
    return read_action(v, action_id).action


def list_actions(v: Vault) -> list[str]:
    """The ids of every action, in order."""
    with v.store.read():
        return v.store.action_ids()


# --- writing ----------------------------------------------------------------------------------


def _require_writer(v: Vault) -> None:
    v.require(v.policy.can_write_cases(v.role), "write actions")


def _check_cases(v: Vault, case_ids: list[str]) -> None:
    unknown = [c for c in case_ids if case_head(v, c) is None]
    if unknown:
        raise NotFoundError(f"action names unknown case {unknown[0]}")


def _store(v: Vault, action: Action, before: ActionView | None) -> ActionView:
    """Seal, sign, store and log one new version; call inside a write transaction."""
    version = before.version + 1 if before else 1
    prev = before.body_hash if before else ""
    created = now()
    header = RecordHeader(
        v.vault_id, KIND, action.action_id, version, prev, v.user, created, v.policy_digest
    )
    level = v.policy.levels[0]
    payload = action.model_dump(mode="json")
    sealed = seal_record(
        header, {"action": (level, payload)}, v.keys.current_level_keys(), v.identity
    )
    body = sealed.body
    v.store.put_data_key_wraps(wrap_rows(KIND, action.action_id, version, sealed.wraps))
    v.store.put_action(
        ActionRow(action.action_id, version, v.user, created, body, sealed.signature)
    )
    v.log(
        AuditEvent(
            PUT,
            cases=action.case_ids[:50],
            details={
                "action": action.action_id,
                "version": version,
                "body": hash_bytes(body).hex(),
                "case_count": len(action.case_ids),
            },
        )
    )
    return _open(v, action.action_id)


def _replace(v: Vault, before: ActionView, after: Action) -> ActionWrite:
    if before.action == after:
        return ActionWrite(before, written=False)
    return ActionWrite(_store(v, after, before), written=True)


def _current(v: Vault, action_id: str) -> tuple[ActionView, Action]:
    """The action an edit starts from; refused when this person cannot read all of it."""
    before = _open(v, action_id)
    if before.action is None:
        raise IntegrityError(f"action {action_id}: cannot edit without reading it")
    return before, before.action


def add_action(v: Vault, data: Mapping[str, Any]) -> ActionView:
    """A new action (version 1). Refused when one with its id exists."""
    _require_writer(v)
    action = validate_action(data)
    with v.store.write():
        if v.store.action(action.action_id) is not None:
            raise UsageError(f"action {action.action_id} already exists (use 'action edit')")
        _check_cases(v, action.case_ids)
        return _store(v, action, None)


def put_action(v: Vault, data: Mapping[str, Any]) -> Action:
    """Create an action, or write its content as a new version (the demo's way in)."""
    _require_writer(v)
    action = validate_action(data)
    with v.store.write():
        _check_cases(v, action.case_ids)
        if v.store.action(action.action_id) is None:
            _store(v, action, None)
        else:
            _replace(v, _open(v, action.action_id), action)
    return action


def edit_action(
    v: Vault,
    action_id: str,
    changes: Mapping[str, Any],
    texts: Mapping[str, str | None] | None = None,
) -> ActionWrite:
    """Change an action: a new version chained to the one it replaces; nothing is written when
    the result equals the current version.

    ``changes`` sets top-level fields (None clears an optional one); ``texts`` sets the text of
    one language, or removes it with None. Read, merge and write happen in one transaction."""
    _require_writer(v)
    if "action_id" in changes and changes["action_id"] != action_id:
        raise UsageError("an action id cannot be changed")
    for name, value in changes.items():
        if name not in Action.model_fields:
            raise ValidationError(f"field {name}: unknown field")
        if value is None and name not in OPTIONAL_FIELDS:
            raise ValidationError(f"field {name}: is required and cannot be cleared")
    for lang in texts or {}:
        if lang not in LANGUAGES:
            raise ValidationError(f"field texts.{lang}: a language: {', '.join(LANGUAGES)}")
    with v.store.write():
        before, current = _current(v, action_id)
        merged = current.model_dump(mode="json")
        for name, value in changes.items():
            merged[name] = value
        merged_texts = dict(merged["texts"])
        for lang, text in (texts or {}).items():
            if text is None:
                merged_texts.pop(lang, None)
            else:
                merged_texts[lang] = text
        merged["texts"] = merged_texts
        after = validate_action(merged)
        _check_cases(v, [c for c in after.case_ids if c not in current.case_ids])
        return _replace(v, before, after)


def add_case(v: Vault, action_id: str, case_id: str) -> ActionWrite:
    """Name one more case in an action (a new version)."""
    _require_writer(v)
    with v.store.write():
        before, current = _current(v, action_id)
        if case_id in current.case_ids:
            raise UsageError(f"case {case_id} is already in action {action_id}")
        if case_head(v, case_id) is None:
            raise NotFoundError(f"no case {case_id}")
        after = validate_action({**current.model_dump(), "case_ids": [*current.case_ids, case_id]})
        return _replace(v, before, after)


def remove_case(v: Vault, action_id: str, case_id: str) -> ActionWrite:
    """Take a case out of an action (a new version; the case itself is untouched)."""
    _require_writer(v)
    with v.store.write():
        before, current = _current(v, action_id)
        if case_id not in current.case_ids:
            raise UsageError(f"case {case_id} is not in action {action_id}")
        kept = [c for c in current.case_ids if c != case_id]
        after = validate_action({**current.model_dump(), "case_ids": kept})
        return _replace(v, before, after)


def action_head(v: Vault, action_id: str) -> int:
    """The current version of an action, verified (its signature, its log entry and the chain
    to the previous version): what an action draft's approval is bound to."""
    return read_action(v, action_id).version
