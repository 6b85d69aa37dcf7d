"""Protected values typed into public fields are refused when a case is saved.

A public field (the summary, the charges) is readable by every role: a sister's name or a
phone number typed there is read by the reviewer and the publisher. Before a version is
written, each public text field is scanned as a draft would be: for every protected value the
vault knows (the leak index, and this case's own protected values) and for identifiers with a
recognisable shape (the pattern layer). A finding refuses the save, naming the field and the
kind of value, never the value; saving anyway needs an explicit override with a reason, logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vault.audit.log import AuditEvent
from vault.errors import ValidationError
from vault.models import FieldKind, ValueKind
from vault.redact.detectors import detect
from vault.redact.entities import EntityInfo, TermSet, find_known, protected_values
from vault.services.leaks import VaultKnownValues
from vault.services.session import Vault

_TEXT = {FieldKind.TEXT, FieldKind.SHORT_TEXT, FieldKind.TEXT_LIST}


@dataclass(frozen=True)
class Finding:
    field: str
    kind: str  # phone, name, id_number, ... as the detectors name them
    level: str | None  # the level of the protected value, when the vault knows it


def public_text_fields(v: Vault) -> list[str]:
    """The public text fields a person types free text into (not the person's own name)."""
    lowest = v.policy.levels[0]
    return [
        f
        for f, fp in v.policy.fields.items()
        if fp.level == lowest
        and fp.kind in _TEXT
        and f != "case_id"
        and fp.holds is not ValueKind.SUBJECT_NAME
    ]


def protected_in_public_fields(
    v: Vault, values: Mapping[str, Any], known: VaultKnownValues | None = None
) -> list[Finding]:
    """Every protected value found in a case's public text fields (no I/O but index lookups).
    ``known`` is the leak-index lookup, made once for many cases (an import)."""
    lowest = v.policy.levels[0]
    sources = v.policy.value_sources()
    own, subject = TermSet(), TermSet()
    for value, info in protected_values(values, sources, lowest, name_is_public=True):
        own.add_value(value, info)
    for fname in v.policy.subject_name_fields():
        raw = values.get(fname)
        for item in raw if isinstance(raw, list) else [raw] if raw else []:
            subject.add_value(str(item), EntityInfo("name", lowest))
    known = known or VaultKnownValues(v, scope={str(values.get("case_id", ""))})
    out: list[Finding] = []
    for fname in public_text_fields(v):
        raw = values.get(fname)
        if not raw:
            continue
        text = "\n".join(raw) if isinstance(raw, list) else str(raw)
        mine = [(h.start, h.end) for h in find_known(text, subject)]
        hits = [h for h in (*find_known(text, known), *find_known(text, own))]
        for h in hits:
            overlaps_own_name = any(a < h.end and h.start < b for a, b in mine)
            if h.info.level != lowest and not overlaps_own_name:
                out.append(Finding(fname, h.info.kind, h.info.level))
        out += [Finding(fname, f.kind, None) for f in detect(text)]
    unique = {(f.field, f.kind, f.level): f for f in out}
    return list(unique.values())


def describe(findings: list[Finding]) -> str:
    """One line naming each field and kind of value found, never a value."""
    parts = sorted(
        {f"{f.field}: {f.kind}" + (f" ({f.level})" if f.level else "") for f in findings}
    )
    return "; ".join(parts)


def check_public_fields(
    v: Vault,
    case_id: str,
    values: Mapping[str, Any],
    fields: list[str],
    override: str | None,
    *,
    known: VaultKnownValues | None = None,
    where: str = "",
) -> None:
    """Refuse protected values typed into the public fields among ``fields`` (see
    :mod:`vault.services.public_fields`), unless the person overrides it with a reason: then the
    override is logged, naming fields and kinds of value, the reason as a keyed hash."""
    findings = [f for f in protected_in_public_fields(v, values, known) if f.field in fields]
    if not findings:
        return
    if override is None or not override.strip():
        raise ValidationError(
            f"{where}case {case_id}: a protected value in a public field ({describe(findings)}): "
            "every role reads public fields; remove it, or save anyway with --allow-leak "
            "and a reason"
        )
    v.log(
        AuditEvent(
            "case.leak_override",
            cases=[case_id],
            fields=sorted({f.field for f in findings}),
            details={"kinds": describe(findings), "reason": v.keyed("reason", override)},
        )
    )
