"""Drafts: build a redacted public version of a case or an action, edit it by hand, read it.

Their review (status, approvals, rejections) is :mod:`vault.services.review`. A draft is a
sealed, signed record (kind "draft"): the redacted text and the list of redactions
under the publication key (drafters, reviewers, publishers), the unredacted source under the key
of the highest level of any value found in it, and each redacted original under the key of the
level it came from — so a reviewer sees an original only where their level allows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from vault.audit.log import AuditEvent
from vault.crypto import hash_bytes
from vault.crypto.records import (
    JSONValue,
    RecordHeader,
    RecordPlace,
    open_record,
    seal_record,
)
from vault.errors import AccessDeniedError, IntegrityError, NotFoundError, UsageError
from vault.models.secret import SecretBytes
from vault.policy import ExtraKey, KeyRef
from vault.publish.wording import LANGS
from vault.redact.engine import (
    Redaction,
)
from vault.services.clock import now
from vault.services.draft_source import Built, Manual, build
from vault.services.provenance import check_draft_is_newest, logged_entry
from vault.services.record_keys import wrap_rows, wraps_of
from vault.services.session import Vault
from vault.store import DraftRow

KIND = "draft"
PUBLICATION = ExtraKey.PUBLICATION.value  # the pseudo-level of a draft's text in its record
PUBLICATION_KEY = KeyRef.for_extra(ExtraKey.PUBLICATION)


@dataclass
class Draft:
    draft_id: str
    version: int
    subject: str
    lang: str
    author: str
    created_at: str
    text: str
    redactions: list[Redaction]
    versions: dict[str, int]
    policy: str
    manual_redactions: list[Manual] = field(default_factory=list)
    unredactions: list[Manual] = field(default_factory=list)
    checked_levels: list[str] = field(default_factory=list)  # what the author's lookup covered
    source: str | None = None  # None when this person cannot read the lowest level
    originals: dict[int, str] = field(default_factory=dict)  # only those this person may read
    #: Manual redactions of the earlier draft that could not be carried over: their text no
    #: longer occurs in the source (or the author could not read the earlier source). The
    #: offsets are the earlier draft's; shown so the reviewer decides again.
    dropped: list[Manual] = field(default_factory=list)
    #: An action draft: the version of the action it was made from (None for a case draft).
    action_version: int | None = None
    #: The person's name when they consented to its publication: never an unchecked span here.
    consented_name: str | None = None

    @property
    def carried(self) -> list[Manual]:
        """The manual redactions carried over from an earlier draft of the same subject."""
        return [m for m in self.manual_redactions if m.carried_from]

    @property
    def text_hash(self) -> str:
        return hash_bytes(self.text.encode("utf-8")).hex()


# --- building ---------------------------------------------------------------------------------


def _seal(
    v: Vault,
    draft_id: str,
    version: int,
    subject: str,
    lang: str,
    built: Built,
    manual: list[Manual],
    unredact: list[Manual],
    dropped: list[Manual],
) -> DraftRow:
    source, result, versions = built.source, built.result, built.versions
    pub_key = v.keys.sealing_key(PUBLICATION_KEY)
    if pub_key is None:
        raise AccessDeniedError(f"{v.user} ({v.role}) holds no publication key")
    level_keys = dict(v.keys.current_level_keys())
    level_keys[PUBLICATION] = pub_key
    lowest = v.policy.levels[0]
    meta: dict[str, Any] = {
        "subject": subject,
        "lang": lang,
        "versions": versions,
        "policy": v.policy_digest,
        "redactions": [r.to_json() for r in result.redactions],
        "checked_levels": built.checked_levels,
        "manual": [m.to_json() for m in manual],
        "unredact": [m.to_json() for m in unredact],
        "dropped": [m.to_json() for m in dropped],
    }
    if built.action_version is not None:
        meta["action_version"] = built.action_version
    if built.consented_name:
        meta["consented_name"] = built.consented_name
    # The source is built from public fields, but when it holds a value the vault knows at a
    # higher level (a phone typed into a summary), it is sealed at the highest such level, so a
    # reviewer who may not read that level cannot read it here either.
    levels_found = [r.level for r in result.redactions if r.level in v.policy.levels]
    source_level = max([lowest, *levels_found], key=v.policy.rank)
    fields: dict[str, tuple[str, JSONValue]] = {
        "text": (PUBLICATION, result.text),
        "meta": (PUBLICATION, meta),
    }
    if source_level in level_keys:  # else (a reviewer drafting) it is not kept: make a new draft
        fields["source"] = (source_level, source)
    originals: dict[str, dict[str, JSONValue]] = {}
    for i, r in enumerate(result.redactions):
        level = r.level if r.level in v.policy.levels else lowest
        originals.setdefault(level, {})[str(i)] = source[r.start : r.end]
    for level, items in originals.items():
        # An original is kept only under its own level's key; a drafter who does not hold that
        # key (a reviewer) cannot seal it, and it is not kept under a weaker one.
        if level in level_keys:
            fields[f"originals.{level}"] = (level, items)
    created = now()
    prev = v.store.draft(draft_id, version - 1) if version > 1 else None
    prev_hash = hash_bytes(prev.body).hex() if prev else ""
    header = RecordHeader(
        v.vault_id, KIND, draft_id, version, prev_hash, v.user, created, v.policy_digest
    )
    sealed = seal_record(header, fields, level_keys, v.identity)
    # inside the caller's write transaction: the wraps are stored with the row
    v.store.put_data_key_wraps(wrap_rows(KIND, draft_id, version, sealed.wraps))
    return DraftRow(
        draft_id, version, subject, lang, v.user, created, sealed.body, sealed.signature
    )


def _earlier_draft(v: Vault, subject: str, lang: str) -> Draft | None:
    """The most recent earlier draft of ``subject`` (its newest version), verified: one in the
    same language when there is one, since its manual redactions were made on the same wording;
    otherwise the most recent in any language, so that no hand-made redaction is forgotten only
    because the new draft is in another language."""
    rows = [row for row in v.store.drafts() if row.subject == subject]
    same = [row for row in rows if row.lang == lang]
    pick = (same or rows)[-1:]  # drafts() is ordered by draft id, which counts up
    return read_draft(v, pick[0]) if pick else None


def carry_manual(earlier: Draft, source: str) -> tuple[list[Manual], list[Manual]]:
    """The earlier draft's manual redactions re-found by their text in ``source`` (every
    occurrence; never by offset, since the source may have moved), and those whose text no
    longer occurs (or cannot be read by this person), dropped. Releases (unredactions) are never
    carried: a release must be decided again. Does no I/O."""
    where = f"{earlier.draft_id} v{earlier.version}"
    carried: list[Manual] = []
    dropped: list[Manual] = []
    seen: set[tuple[str, str, str]] = set()
    for m in earlier.manual_redactions:
        if earlier.source is None:
            dropped.append(replace(m, carried_from=where))
            continue
        text = earlier.source[m.start : m.end]
        if (text, m.reason, m.by) in seen:
            continue  # one manual redaction covers every occurrence of its text
        seen.add((text, m.reason, m.by))
        start = source.find(text) if text else -1
        if start < 0:
            dropped.append(replace(m, carried_from=where))
            continue
        while start >= 0:
            carried.append(Manual(start, start + len(text), m.reason, m.by, where))
            start = source.find(text, start + len(text))
    return carried, dropped


def create_draft(v: Vault, subject: str, lang: str) -> Draft:
    """A new draft of a case or action. When the subject has earlier drafts (a draft made again
    after its case changed), the most recent one's manual redactions are carried over by their
    text, each marked as carried; those whose text is gone are listed in ``Draft.dropped``."""
    v.require(v.policy.can_draft(v.role), "create drafts")
    if lang not in LANGS:
        raise UsageError(f"language must be one of {', '.join(LANGS)}")
    with v.store.write():
        draft_id = f"D-{v.store.count_drafts() + 1:04d}"
        earlier = _earlier_draft(v, subject, lang)
        manual: list[Manual] = []
        dropped: list[Manual] = []
        if earlier is not None and earlier.manual_redactions:
            # the source does not depend on the redactions, so build once to find the texts
            source = build(v, subject, lang, [], []).source
            manual, dropped = carry_manual(earlier, source)
        built = build(v, subject, lang, manual, [])
        versions, result = built.versions, built.result
        row = _seal(v, draft_id, 1, subject, lang, built, manual, [], dropped)
        row = replace(row, log_seq=v.audit.size())
        v.store.put_draft(row)
        v.log(
            AuditEvent(
                "draft.create",
                cases=sorted(versions)[:50],
                details={
                    "draft": draft_id,
                    "version": 1,
                    "body": hash_bytes(row.body).hex(),
                    "subject": subject,
                    "lang": lang,
                    "redactions": len(result.redactions),
                    "carried": len(manual),
                    "dropped": len(dropped),
                },
            )
        )
        return read_draft(v, row)


def edit_draft(
    v: Vault,
    draft_id: str,
    *,
    redact_text: str | None = None,
    redact_texts: Sequence[str] = (),
    unredact: int | None = None,
    reason: str,
) -> Draft:
    """A new version with one more manual redaction (every occurrence of ``redact_text`` in the
    source; or of each of ``redact_texts``: unchecked spans a reviewer redacts) or one redaction
    undone (needs the right to read its original). A reason is
    required; un-redactions are shown to the reviewer. Approvals of older versions do not
    carry over."""
    v.require(v.policy.can_draft(v.role), "edit drafts")
    if not reason.strip():
        raise UsageError("a reason is required")
    with v.store.write():
        current = get_draft(v, draft_id)
        if current.source is None:
            raise AccessDeniedError(f"{v.user} ({v.role}) cannot read the draft's source")
        manual = list(current.manual_redactions)
        undo = list(current.unredactions)
        texts = [redact_text] if redact_text else [t for t in redact_texts if t]
        if texts:
            for text in texts:
                start = current.source.find(text)
                if start < 0:
                    raise UsageError("that text does not occur in the draft's source")
                while start >= 0:
                    manual.append(Manual(start, start + len(text), reason, v.user))
                    start = current.source.find(text, start + len(text))
        elif unredact is not None:
            if not 0 <= unredact < len(current.redactions):
                raise UsageError(f"no redaction #{unredact} in {draft_id}")
            if unredact not in current.originals:
                raise AccessDeniedError("you may not read that original, so you may not release it")
            r = current.redactions[unredact]
            undo.append(Manual(r.start, r.end, reason, v.user))
            manual = [m for m in manual if not (m.start < r.end and r.start < m.end)]
        else:
            raise UsageError("say what to change: --redact TEXT or --unredact N")
        built = build(v, current.subject, current.lang, manual, undo)
        versions = built.versions
        if built.source != current.source:
            raise IntegrityError(
                f"{draft_id}: its cases changed since it was made; create a new draft"
            )
        row = _seal(
            v,
            draft_id,
            current.version + 1,
            current.subject,
            current.lang,
            built,
            manual,
            undo,
            current.dropped,
        )
        row = replace(row, log_seq=v.audit.size())
        v.store.put_draft(row)
        v.log(
            AuditEvent(
                "draft.edit",
                cases=sorted(versions)[:50],
                details={
                    "draft": draft_id,
                    "version": row.version,
                    "body": hash_bytes(row.body).hex(),
                    "change": "redact" if texts else "unredact",
                    "reason": v.keyed("reason", reason),
                },
            )
        )
        return read_draft(v, row)


# --- reading ----------------------------------------------------------------------------------


def read_draft(v: Vault, row: DraftRow) -> Draft:
    """Verify and open one draft version as far as this person's keys allow."""
    author = v.members.verified(row.author)

    def key(level: str, epoch: int) -> SecretBytes | None:
        if level == PUBLICATION:
            return v.keys.key(PUBLICATION_KEY, epoch)
        return v.keys.level_key(level, epoch)

    place = RecordPlace(v.vault_id, KIND, row.draft_id, row.version, row.author)
    opened = open_record(
        row.body,
        row.signature,
        v.members.keys_of(author.name),
        key,
        wraps=wraps_of(v.store, KIND, row.draft_id, row.version),
        expect=place,
    )
    logged_entry(
        v,
        row.log_seq,
        what=f"draft {row.draft_id} v{row.version}",
        actor=row.author,
        actions=("draft.create", "draft.edit"),
        details={"draft": row.draft_id, "version": row.version},
        body=row.body,
    )
    text, meta = opened.text("text"), opened.mapping("meta")
    if text is None or meta is None:
        raise AccessDeniedError(f"{v.user} ({v.role}) may not read drafts")
    originals: dict[int, str] = {}
    for fname in opened.values:
        if fname.startswith("originals."):
            originals.update({int(k): str(val) for k, val in (opened.mapping(fname) or {}).items()})
    return Draft(
        row.draft_id,
        row.version,
        meta["subject"],
        meta["lang"],
        row.author,
        row.created_at,
        text,
        [Redaction.from_json(r) for r in meta["redactions"]],
        dict(meta["versions"]),
        meta["policy"],
        [Manual.from_json(m) for m in meta["manual"]],
        [Manual.from_json(m) for m in meta["unredact"]],
        [str(level) for level in meta.get("checked_levels", [])],
        opened.text("source"),
        originals,
        [Manual.from_json(m) for m in meta.get("dropped", [])],
        meta.get("action_version"),
        meta.get("consented_name"),
    )


def get_draft(v: Vault, draft_id: str, version: int | None = None) -> Draft:
    """A version of a draft (default: its newest, checked against the newest the log
    records)."""
    row = v.store.draft(draft_id, version)
    if row is None:
        raise NotFoundError(f"no draft {draft_id}")
    draft = read_draft(v, row)
    if version is None and draft.versions:
        check_draft_is_newest(v, draft_id, draft.version, min(draft.versions))
    return draft
