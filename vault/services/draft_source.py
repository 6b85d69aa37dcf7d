"""What a draft is built from: the source text, from public fields only (a case's, or an
action's with a line per person), and its redaction with the keys this person holds. Reads the
vault; seals and writes nothing (that is :mod:`vault.services.drafts`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from vault.errors import AccessDeniedError, NotFoundError
from vault.models import FieldKind
from vault.policy import Policy
from vault.publish.draft_text import CaseLayout, action_text, case_text
from vault.redact.engine import RedactionResult, redact
from vault.redact.entities import TermSet
from vault.services import actions as actions_svc
from vault.services.cases import open_version
from vault.services.leaks import VaultKnownValues, has_consent, withheld_names
from vault.services.own_values import own_terms_of
from vault.services.provenance import case_head
from vault.services.session import Vault


@dataclass(frozen=True)
class Manual:
    """A span redacted (or released) by hand, with the person's reason. ``carried_from`` names
    the earlier draft version ("D-0001 v2") a redaction was carried over from when a draft of
    the same subject was made again; ``reason`` stays the original reason, so a redaction
    carried twice does not nest its wording."""

    start: int
    end: int
    reason: str
    by: str
    carried_from: str | None = None  # absent in drafts made before carrying existed

    @property
    def shown_reason(self) -> str:
        """The reason as the reviewer reads it on the redaction."""
        if self.carried_from:
            return f"carried over from {self.carried_from}: {self.reason}"
        return self.reason

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manual:
        carried = data.get("carried_from")
        return cls(
            int(data["start"]),
            int(data["end"]),
            str(data["reason"]),
            str(data["by"]),
            str(carried) if carried is not None else None,
        )


def _year() -> int:
    return dt.datetime.now(dt.UTC).year


def _case_values(v: Vault, case_id: str) -> tuple[int, dict[str, Any]]:
    head = case_head(v, case_id)
    if head is None:
        raise NotFoundError(f"no case {case_id}")
    values: dict[str, Any] = dict(open_version(v, case_id, head).values)
    values["case_id"] = case_id
    return head, values


def _public(v: Vault, values: dict[str, Any]) -> dict[str, Any]:
    """The policy layer: only fields at the lowest level ever enter a draft."""
    lowest = v.policy.levels[0]
    return {
        f: val
        for f, val in values.items()
        if f in v.policy.fields and v.policy.level_of(f) == lowest
    }


def case_layout(policy: Policy, lang: str) -> CaseLayout:
    """The policy's [publication] table in one language: what a case draft is built from."""
    pub = policy.publication
    lowest = policy.levels[0]
    names = [f for f in policy.subject_name_fields() if policy.level_of(f) == lowest]
    return CaseLayout(
        tuple((f, policy.fields[f].label_in(f, lang)) for f in pub.facts),
        pub.summary,
        dict(pub.portrait),
        names[0] if names else None,
        frozenset(f for f in pub.facts if policy.fields[f].kind is FieldKind.STATUS),
        pub.age_at,
    )


@dataclass(frozen=True)
class Built:
    source: str
    result: RedactionResult
    versions: dict[str, int]
    checked_levels: list[str]  # the levels the author's leak lookup covered in full
    action_version: int | None = None  # an action draft: the version of the action it is of
    #: The person's own name when they consented to its publication (the heading names them):
    #: public by a recorded consent, so never an unchecked span of this draft.
    consented_name: str | None = None


def build(v: Vault, subject: str, lang: str, manual: list[Manual], unredact: list[Manual]) -> Built:
    names = TermSet()
    layout = case_layout(v.policy, lang)
    if case_head(v, subject) is not None:
        head, values = _case_values(v, subject)
        versions = {subject: head}
        action_version = None
        consented = (
            str(values.get(layout.name_field) or "") or None
            if layout.name_field and has_consent(v, values)
            else None
        )
        source = case_text(
            _public(v, values),
            lang,
            consent=has_consent(v, values),
            year=_year(),
            layout=layout,
        )
        withheld_names(v, values, names)
    else:
        if v.store.action(subject) is None:
            raise NotFoundError(f"no case or action {subject!r}")
        view = actions_svc.read_action(v, subject)
        action = view.action
        if action is None:
            raise AccessDeniedError(f"{v.user} ({v.role}) cannot read action {subject}")
        versions = {}
        for cid in action.case_ids:
            head, values = _case_values(v, cid)
            versions[cid] = head
            withheld_names(v, values, names)
        action_version = view.version
        consented = None
        source = action_text(action.model_dump(mode="json"), lang)
    # every form of these cases' own values, in every version of them
    known = VaultKnownValues(v, own=own_terms_of(v, versions))
    result = redact(
        source,
        lang=lang,
        known=known,
        subject_names=names,
        extra=[(m.start, m.end, m.shown_reason) for m in manual],
        keep=[(m.start, m.end) for m in unredact],
    )
    return Built(source, result, versions, list(known.levels), action_version, consented)
