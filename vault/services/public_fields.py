"""Protected values typed into public fields are refused when a case is saved.

A public field (the summary, the charges) is readable by every role: a sister's name or a
phone number typed there is read by the reviewer and the publisher. Before a version is
written, each public text field is scanned as a draft would be: for every protected value the
vault knows (the leak index, and this case's own protected values) and for identifiers with a
recognisable shape (the pattern layer). A finding refuses the save, naming the field and the
kind of value, never the value; saving anyway needs an explicit override with a reason, logged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from vault.audit.log import AuditEvent
from vault.errors import ValidationError
from vault.models import FieldKind, ValueKind
from vault.policy import Policy
from vault.redact.detectors import detect
from vault.redact.entities import (
    EntityInfo,
    Hit,
    TermSet,
    find_known,
    find_known_among,
    find_known_in,
    protected_values,
    text_candidates,
)
from vault.services.leaks import VaultKnownValues
from vault.services.session import Vault

_TEXT = {FieldKind.TEXT, FieldKind.SHORT_TEXT, FieldKind.TEXT_LIST}


@dataclass(frozen=True)
class Finding:
    field: str
    kind: str  # phone, name, id_number, ... as the detectors name them
    level: str | None  # the level of the protected value, when the vault knows it


def public_text_fields(policy: Policy) -> list[str]:
    """The public text fields a person types free text into (not the person's own name)."""
    lowest = policy.levels[0]
    return [
        f
        for f, fp in policy.fields.items()
        if fp.level == lowest
        and fp.kind in _TEXT
        and f != "case_id"
        and fp.holds is not ValueKind.SUBJECT_NAME
    ]


def _public_texts(policy: Policy, values: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for fname in public_text_fields(policy):
        raw = values.get(fname)
        if raw:
            yield fname, "\n".join(raw) if isinstance(raw, list) else str(raw)


@dataclass(frozen=True)
class OwnCheck:
    """What a case's own values say about its public text fields: the findings of its own
    protected values and of the pattern layer, and where the person's own name is in each field
    (a vault-wide finding there is their name, not a leak). Pure: an import makes these on
    another core (:mod:`vault.services.import_pool`)."""

    findings: list[Finding]
    own_names: dict[str, list[tuple[int, int]]]
    #: Each public text field's candidates' terms, for a lookup of any lengths (made once,
    #: here, and looked up again in the leak index by the writer:
    #: :func:`protected_in_public_fields`; the candidates themselves only on a hit).
    terms: dict[str, frozenset[str]] = field(default_factory=dict)


def own_check(policy: Policy, values: Mapping[str, Any]) -> OwnCheck:
    """:class:`OwnCheck` of a case's values (no I/O)."""
    lowest = policy.levels[0]
    own, subject = TermSet(), TermSet()
    for value, info in protected_values(
        values, policy.value_sources(), lowest, name_is_public=True
    ):
        own.add_value(value, info)
    for fname in policy.subject_name_fields():
        raw = values.get(fname)
        for item in raw if isinstance(raw, list) else [raw] if raw else []:
            subject.add_value(str(item), EntityInfo("name", lowest))
    findings: list[Finding] = []
    names: dict[str, list[tuple[int, int]]] = {}
    terms: dict[str, frozenset[str]] = {}
    for fname, text in _public_texts(policy, values):
        cands = text_candidates(text)
        terms[fname] = frozenset(c.term for c in cands)
        names[fname] = [(h.start, h.end) for h in find_known_in(text, cands, subject)]
        findings += _leaks(fname, find_known_in(text, cands, own), names[fname], lowest)
        findings += [Finding(fname, f.kind, None) for f in detect(text)]
    return OwnCheck(findings, names, terms)


def _leaks(
    fname: str, hits: Iterable[Hit], own_names: list[tuple[int, int]], lowest: str
) -> list[Finding]:
    return [
        Finding(fname, h.info.kind, h.info.level)
        for h in hits
        if h.info.level != lowest and not any(a < h.end and h.start < b for a, b in own_names)
    ]


def protected_in_public_fields(
    v: Vault,
    values: Mapping[str, Any],
    known: VaultKnownValues | None = None,
    own: OwnCheck | None = None,
) -> list[Finding]:
    """Every protected value found in a case's public text fields (no I/O but index lookups).
    ``known`` is the leak-index lookup, made once for many cases (an import); ``own`` the
    case's :func:`own_check`, if made already."""
    own = own or own_check(v.policy, values)
    known = known or VaultKnownValues(v, above_lowest=True)  # its own values: ``own``
    lowest = v.policy.levels[0]
    out = list(own.findings)
    for fname, text in _public_texts(v.policy, values):
        made = own.terms.get(fname)
        hits = find_known(text, known) if made is None else find_known_among(text, made, known)
        out += _leaks(fname, hits, own.own_names.get(fname, []), lowest)
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
    own: OwnCheck | None = None,
    where: str = "",
) -> None:
    """Refuse protected values typed into the public fields among ``fields`` (see
    :mod:`vault.services.public_fields`), unless the person overrides it with a reason: then the
    override is logged, naming fields and kinds of value, the reason as a keyed hash."""
    findings = [f for f in protected_in_public_fields(v, values, known, own) if f.field in fields]
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
