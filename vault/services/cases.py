"""Case records: add, edit (a new version, nothing overwritten), show, list, find, history.

Every version is encrypted field by field under per-level data keys and signed by its author;
reading checks the signature, the author's enrolment and that the body belongs to the row it was
found in. Fields whose level the reader's role does not hold come back as *withheld*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pydantic

from vault.audit.entry import Detail
from vault.audit.log import AuditEvent
from vault.crypto import hash_bytes
from vault.crypto.records import (
    OpenedRecord,
    RecordHeader,
    RecordPlace,
    open_record,
    seal_record,
)
from vault.errors import (
    IntegrityError,
    NotFoundError,
    UsageError,
    ValidationError,
)
from vault.models import FieldKind
from vault.models.problems import problem_lines
from vault.services.clock import now
from vault.services.name_index import (
    IndexTerms,
    index_terms,
    matching_cases,
    matching_exactly,
    search_hash,
    store_index_terms,
)
from vault.services.provenance import CASE_WRITES, case_head, logged_entry
from vault.services.record_keys import wrap_rows, wraps_of
from vault.services.session import Vault

if TYPE_CHECKING:
    from vault.services.leaks import CaseLeaks

# Writing a case reads its values into terms (vault.redact: word lists, look-alike tables,
# ~140 ms to import), so the writing functions import the leak index and the public-field
# check when first called: `case show`, `list` and `find` never load them.
from vault.store import CaseVersionRow, DataKeyWrapRow

KIND = "case"
LIST_KINDS = {
    FieldKind.TEXT_LIST,
    FieldKind.FAMILY_CONTACTS,
    FieldKind.SOURCES,
    FieldKind.ID_NUMBERS,
}


@dataclass
class CaseView:
    """One version of a case as this person may see it."""

    case_id: str
    version: int
    author: str
    created_at: str
    values: dict[str, Any] = field(default_factory=dict)
    withheld: dict[str, str] = field(default_factory=dict)  # field -> level
    changed: list[str] | None = None  # after a write: the fields it changed ([]: nothing)

    def write_summary(self) -> dict[str, Any]:
        """What a write reports: ids and field names only, never a value (printing values
        would be a read, and a read of a protected value must be logged)."""
        return {
            "case_id": self.case_id,
            "version": self.version,
            "changed": self.changed or [],
            "unchanged": self.changed == [],
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "version": self.version,
            "author": self.author,
            "created_at": self.created_at,
            "fields": self.values,
            "withheld": self.withheld,
        }


# --- validation -------------------------------------------------------------------------------


def describe_validation(e: pydantic.ValidationError, where: str = "") -> str:
    """Every problem of a pydantic error on one line, each naming its field in plain words
    (:mod:`vault.models.problems`), never the value: the first as "field X: what is wrong",
    then every other one after "; also"."""
    lines = [f"field {line}" for line in problem_lines(e)]
    first, rest = lines[0], lines[1:]
    return f"{where}{first}" + "".join(f"; also {line}" for line in rest)


def validate_record(v: Vault, record: Mapping[str, Any], where: str = "") -> dict[str, Any]:
    """Check a whole record against the policy's schema; return its JSON form without Nones."""
    if not isinstance(record, Mapping):
        raise ValidationError(f"{where}a record must be a JSON object")
    try:
        model = v.case_model.model_validate(dict(record))
    except pydantic.ValidationError as e:
        raise ValidationError(describe_validation(e, where)) from None
    out: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    return out


def check_argument_field(v: Vault, name: str) -> None:
    """Refuse a field given as a command-line argument unless it is at the lowest level: a
    protected value typed as an argument stays in shell history and ``ps``."""
    if name not in v.policy.fields:
        raise ValidationError(f"field {name}: unknown field")
    level = v.policy.level_of(name)
    if level != v.policy.levels[0]:
        raise UsageError(
            f"field {name} is {level}: not accepted as an argument "
            "(it would stay in shell history); use --prompt, --from-json FILE or -"
        )


def count_cases(v: Vault) -> int:
    """How many cases the vault holds."""
    with v.store.read():
        return v.store.count_cases()


# --- writing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedVersion:
    """One case version sealed and signed, with its name-index and leak-index terms."""

    row: CaseVersionRow
    fields: tuple[str, ...]  # what its audit entry names: the fields written or changed
    index_terms: IndexTerms
    leaks: CaseLeaks
    wraps: list[DataKeyWrapRow]  # its data keys, wrapped beside the body


def prepare_version(
    v: Vault,
    case_id: str,
    version: int,
    prev_hash: str,
    values: Mapping[str, Any],
    *,
    leaks: CaseLeaks | None = None,
) -> PreparedVersion:
    """Encrypt and sign one version (no I/O). ``values`` must be validated already;
    ``leaks`` is its leak-index row if made already (an import makes it on another core)."""
    v.require(v.policy.can_write_cases(v.role), "write cases")
    created = now()
    header = RecordHeader(
        v.vault_id, KIND, case_id, version, prev_hash, v.user, created, v.policy_digest
    )
    sealed_values = {f: (v.policy.level_of(f), val) for f, val in values.items() if f != "case_id"}
    sealed = seal_record(header, sealed_values, v.keys.current_level_keys(), v.identity)
    row = CaseVersionRow(case_id, version, v.user, created, sealed.body, sealed.signature)
    fields = tuple(sorted(values))
    wraps = wrap_rows(KIND, case_id, version, sealed.wraps)
    if leaks is None:
        from vault.services.leaks import case_leak_terms, case_leaks

        leaks = case_leaks(v.vault_id, case_id, case_leak_terms(v, values))
    elif leaks.row.case_id != case_id:
        raise ValueError("a leak-index row made for another case")
    return PreparedVersion(row, fields, index_terms(v, values), leaks, wraps)


def store_versions(
    v: Vault, prepared: Iterable[PreparedVersion], *, staged_leaks: bool = False
) -> int:
    """Write prepared versions and log each, in the current transaction; returns how many.
    ``staged_leaks``: their leak term rows wait for the caller's
    :meth:`~vault.store.interface.Store.merge_staged_leak_terms` (an import's end).

    Every version gets its own audit entry (``case.create`` for version 1, else
    ``case.edit``) naming the version and its body's hash, and its row names that entry: a
    read checks the one against the other, so a version rewritten in place is refused."""
    batch = list(prepared)
    first = v.audit.size()
    v.store.insert_case_versions([replace(p.row, log_seq=first + i) for i, p in enumerate(batch)])
    v.store.put_data_key_wraps(w for p in batch for w in p.wraps)
    for p in batch:
        store_index_terms(v, p.row.case_id, p.index_terms)
    from vault.services.leaks import store_case_leaks

    store_case_leaks(v, [p.leaks for p in batch], staged=staged_leaks)
    v.log(*(_version_event(p) for p in batch))
    return len(batch)


def _version_event(prepared: PreparedVersion) -> AuditEvent:
    row = prepared.row
    details: dict[str, Detail] = {"version": row.version, "body": hash_bytes(row.body).hex()}
    action = "case.create" if row.version == 1 else "case.edit"
    return AuditEvent(action, cases=[row.case_id], fields=prepared.fields, details=details)


def add_case(v: Vault, record: Mapping[str, Any], *, allow_leak: str | None = None) -> CaseView:
    """Add a new case (version 1). Protected values in public fields are refused unless
    ``allow_leak`` gives a reason (logged)."""
    from vault.redact.entities import terms_remembered
    from vault.services.public_fields import check_public_fields

    if isinstance(record, Mapping) and isinstance(record.get("case_id"), str):
        record = {**record, "case_id": normalise_case_id(record["case_id"])}
    values = validate_record(v, record)
    case_id = values["case_id"]
    with v.store.write():
        if case_head(v, case_id) is not None:
            raise UsageError(f"case {case_id} already exists (use 'case edit')")
        with terms_remembered():  # the check and the leak index read the same values
            check_public_fields(v, case_id, values, sorted(values), allow_leak)
            prepared = prepare_version(v, case_id, 1, "", values)
        store_versions(v, [prepared])
        return replace(_view(open_version(v, case_id, 1)), changed=sorted(values))


def normalise_case_id(case_id: str) -> str:
    """A case id as typed, matched the way it is stored: trimmed, in capitals."""
    return case_id.strip().upper()


def _list_change(
    v: Vault, merged: dict[str, Any], add: Mapping[str, Any], remove: Mapping[str, Any]
) -> None:
    """Add or remove single items of list fields (a whole list is replaced only on purpose)."""
    for fname, items in [*((f, i) for f, i in add.items()), *((f, i) for f, i in remove.items())]:
        if fname not in v.policy.fields or v.policy.fields[fname].kind not in LIST_KINDS:
            raise UsageError(f"field {fname} is not a list: set it instead")
        if not isinstance(items, list):
            raise ValidationError(f"field {fname}: give a list of items to add or remove")
    for fname, items in add.items():
        current = list(merged.get(fname) or [])
        merged[fname] = current + [i for i in items if i not in current]
    for fname, items in remove.items():
        current = list(merged.get(fname) or [])
        missing = [i for i in items if i not in current]
        if missing:
            raise UsageError(f"field {fname}: {len(missing)} item(s) to remove are not in it")
        merged[fname] = [i for i in current if i not in items]
        if not merged[fname]:
            merged.pop(fname)


def edit_case(
    v: Vault,
    case_id: str,
    changes: Mapping[str, Any],
    *,
    add: Mapping[str, Any] | None = None,
    remove: Mapping[str, Any] | None = None,
    allow_leak: str | None = None,
) -> CaseView:
    """Apply changes (a value of None clears a field) and single-item additions and removals of
    list fields as a new version. An edit that changes nothing writes nothing (``changed`` is
    then empty).

    Read, merge and write happen in one write transaction, so two editors never lose each
    other's update: the second waits, then builds on the first's version.
    """
    from vault.redact.entities import terms_remembered
    from vault.services.leaks import VaultKnownValues, own_terms
    from vault.services.public_fields import check_public_fields

    v.require(v.policy.can_write_cases(v.role), "edit cases")
    case_id = normalise_case_id(case_id)
    if isinstance(changes.get("case_id"), str):
        changes = {**changes, "case_id": normalise_case_id(changes["case_id"])}
    if "case_id" in changes and changes["case_id"] != case_id:
        raise UsageError("a case id cannot be changed")
    unknown = [f for f in changes if f not in v.policy.fields]
    if unknown:
        raise ValidationError(f"field {unknown[0]}: unknown field")
    with v.store.write():
        head = case_head(v, case_id)
        if head is None:
            raise NotFoundError(f"no case {case_id}")
        current = open_version(v, case_id, head)
        if current.withheld:
            raise IntegrityError(f"case {case_id}: cannot edit without reading every field")
        before = merged_before(current)
        merged = dict(before)
        for f, val in changes.items():
            if val is None:
                merged.pop(f, None)
            else:
                merged[f] = val
        _list_change(v, merged, add or {}, remove or {})
        values = validate_record(v, merged)
        changed = sorted(f for f in set(values) | set(before) if values.get(f) != before.get(f))
        if not changed:
            return replace(_view(current), changed=[])
        with terms_remembered():
            # the values the edit takes out are still the case's: typed into a public field in
            # the same edit (a relative removed, her given name in the summary), they are found
            earlier = VaultKnownValues(
                v, own={case_id: own_terms(v.policy, before)}, above_lowest=True
            )
            check_public_fields(v, case_id, values, changed, allow_leak, known=earlier)
            prepared = prepare_version(v, case_id, head + 1, current.body_hash, values)
        store_versions(v, [replace(prepared, fields=tuple(changed))])
        return replace(_view(open_version(v, case_id, head + 1)), changed=changed)


def set_consent(
    v: Vault, case_id: str, publish_name: bool, given_by: str | None, date: str | None
) -> CaseView:
    """Record or withdraw consent to publish the person's name (a case edit: it voids every
    draft approval that relied on the earlier version)."""
    consent: dict[str, Any] = {"publish_name": publish_name}
    if given_by:
        consent["given_by"] = given_by
    if date:
        consent["date"] = date
    return edit_case(v, case_id, {"consent": consent})


def merged_before(opened: OpenedRecord) -> dict[str, Any]:
    """The whole record of an opened version, ``case_id`` included (what an edit starts from)."""
    values: dict[str, Any] = dict(opened.values)
    values["case_id"] = opened.header.record_id
    return values


# --- reading ----------------------------------------------------------------------------------


def open_version(
    v: Vault, case_id: str, version: int, only: set[str] | None = None
) -> OpenedRecord:
    """One version of a case, verified: its author's signature and enrolment, that the author
    may write cases, and that the body belongs to this vault, case, version and author."""
    row = v.store.case_version(case_id, version)
    if row is None:
        raise NotFoundError(f"no version {version} of case {case_id}")
    author = v.members.verified(row.author)
    if not v.policy.can_write_cases(author.role):
        raise IntegrityError(f"case {case_id} v{version}: written by someone who may not write")
    place = RecordPlace(v.vault_id, KIND, case_id, version, row.author)
    opened = open_record(
        row.body,
        row.signature,
        v.members.keys_of(author.name),
        v.keys.level_key,
        wraps=wraps_of(v.store, KIND, case_id, version),
        expect=place,
        only=only,
    )
    entry = logged_entry(
        v,
        row.log_seq,
        what=f"case {case_id} v{version}",
        actor=row.author,
        actions=CASE_WRITES,
        details={"version": version},
        body=row.body,
    )
    if entry.cases[:1] != (case_id,):
        raise IntegrityError(
            f"case {case_id} v{version} is not the one its audit entry records: it was rewritten"
        )
    return opened


def view_of(opened: OpenedRecord) -> CaseView:
    """A case version as this person may see it, from its opened record."""
    return _view(opened)


def _view(opened: OpenedRecord) -> CaseView:
    hd = opened.header
    values: dict[str, Any] = {"case_id": hd.record_id}
    values.update(opened.values)
    return CaseView(hd.record_id, hd.version, hd.author, hd.created_at, values, opened.withheld)


def protected_read(v: Vault, fields: Iterable[str]) -> list[str]:
    """The fields above the lowest level among those just decrypted (what the log must name)."""
    lowest = v.policy.levels[0]
    return sorted(f for f in fields if f in v.policy.fields and v.policy.level_of(f) != lowest)


def show_case(v: Vault, case_id: str, version: int | None = None) -> CaseView:
    """One version of a case. A read of any field above the lowest level is logged (who, which
    case and version, which fields), in the same transaction as the read."""
    case_id = normalise_case_id(case_id)
    with v.store.write():
        head = case_head(v, case_id)
        if head is None:
            raise NotFoundError(f"no case {case_id}")
        view = _view(open_version(v, case_id, version or head))
        protected = protected_read(v, view.values)
        if protected:
            v.log(
                AuditEvent(
                    "case.read",
                    cases=[case_id],
                    fields=protected,
                    details={"version": view.version},
                )
            )
        return view


def summaries(v: Vault, case_ids: Iterable[str]) -> list[CaseView]:
    """The head version of each case, with only the fields the policy's list shows decrypted."""
    columns = set(v.policy.display.columns)
    out = []
    for cid in case_ids:
        head = case_head(v, cid)
        if head is not None:
            out.append(_view(open_version(v, cid, head, only=columns)))
    return out


#: The longest text a name search takes, in characters: a name, not a document.
MAX_SEARCH_TEXT = 1000


#: How many cases a name search shows at once: each is checked and decrypted before it is
#: shown, and a common word alone matches thousands of cases in a large vault.
FIND_PAGE = 50


@dataclass(frozen=True)
class FoundCases:
    """One page of a name search: the cases with a name that is the text as written (its
    words in this order and no other, spacing aside: ``exact``) first, then the rest, each
    group in case-id order."""

    cases: list[CaseView]
    total: int  # how many cases match, on every page
    exact: int  # how many of them hold the name as written
    page: int
    limit: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def first(self) -> int:
        """The 1-based rank of the page's first case (0 when nothing matched)."""
        return (self.page - 1) * self.limit + 1 if self.cases else 0


def find_cases(v: Vault, text: str, *, page: int = 1, limit: int = FIND_PAGE) -> FoundCases:
    """Cases whose known names contain every word of ``text`` (see
    :func:`~vault.services.name_index.matching_cases`), a page at a time: only the page's cases
    are read and decrypted. The search is logged under a hash of the text keyed so that only
    the searcher's role can test it, with how many matched and the ids shown."""
    if page < 1 or limit < 1:
        raise UsageError("the page and the number of cases a page shows start at 1")
    with v.store.write():
        matched = matching_cases(v, text)
        exact = matching_exactly(v, text) & matched
        ranked = sorted(exact) + sorted(matched - exact)
        start = (page - 1) * limit
        shown = summaries(v, ranked[start : start + limit])
        details: dict[str, Detail] = {
            "query": search_hash(v, text),
            "results": len(ranked),
            "exact": len(exact),
            "page": page,
            "limit": limit,
        }
        # logged even for a page past the end: its refusal says how many cases match
        v.log(AuditEvent("case.find", cases=[c.case_id for c in shown], details=details))
    if start and start >= len(ranked):
        raise UsageError(f"there is no page {page}: the name matches {len(ranked)} case(s)")
    return FoundCases(shown, len(ranked), len(exact), page, limit)
