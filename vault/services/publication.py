"""What a publication is made of: the approved drafts of an Urgent Action, read back into
documents, one per language. Reads the vault; writes nothing.

Only approved drafts at the current case and action versions go in. For each language the
action's newest draft must be approved, and so must the newest draft of every case the action
draft was made over, in the same language; anything else — no draft, pending, unchecked,
stale, rejected or void — refuses the whole publication, naming the case and its state.
The publisher reads no case field: everything here comes from the approved text itself
(:mod:`vault.publish.draft_text`), which is all a publisher may read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from vault.crypto import canonical_json, hash_bytes
from vault.errors import IntegrityError, NotFoundError, UsageError, ValidationError
from vault.publish.document import FORMATS, UrgentAction, file_stem
from vault.publish.draft_text import parse_action_text, parse_case_text
from vault.publish.render import bundle_digest, languages, render
from vault.services.actions import action_head
from vault.services.drafts import Draft, read_draft
from vault.services.provenance import check_draft_is_newest
from vault.services.review import Status, status
from vault.services.session import Vault
from vault.store import AuditFilter, DraftRow


@dataclass(frozen=True)
class Approved:
    """One language's approved inputs: the action's draft and each person's draft, in the
    order of their case ids."""

    lang: str
    action: Draft
    cases: tuple[Draft, ...]

    @property
    def drafts(self) -> tuple[Draft, ...]:
        return (self.action, *self.cases)


@dataclass(frozen=True)
class Edition:
    """Everything one publication is: its documents (one per language) and the drafts they are
    built from, at one publication date."""

    action_id: str
    follow_up: int
    published: dt.date
    inputs: tuple[Approved, ...]
    documents: tuple[UrgentAction, ...]

    @property
    def langs(self) -> tuple[str, ...]:
        return tuple(d.lang for d in self.documents)

    def digest(self) -> str:
        """SHA-256 over the documents' content and the templates that render them: what a
        publication check is bound to (two machines rendering it get the same words, even if a
        font version changes a PDF's bytes)."""
        data = {
            "documents": [_plain_dict(d) for d in self.documents],
            "templates": bundle_digest(),
        }
        return hash_bytes(canonical_json(data)).hex()

    def lang_digest(self, lang: str) -> str:
        """The digest of one language's document and the templates: what a check vouches for
        per language, so a check of every language covers publishing any of them."""
        doc = next(d for d in self.documents if d.lang == lang)
        data = {"document": _plain_dict(doc), "templates": bundle_digest()}
        return hash_bytes(canonical_json(data)).hex()

    def lang_content(self, lang: str) -> str:
        """One language's content without its publication date (see :meth:`content_digest`)."""
        doc = next(d for d in self.documents if d.lang == lang)
        return hash_bytes(canonical_json({**_plain_dict(doc), "published": None})).hex()

    def content_digest(self) -> str:
        """The documents' content without their publication date: the same edition published
        again on another day has the same content digest."""
        docs = [{**_plain_dict(d), "published": None} for d in self.documents]
        return hash_bytes(canonical_json({"documents": docs})).hex()

    def draft_refs(self) -> str:
        """``D-0001.2,D-0002.1,...``: every draft version that went in, for the log."""
        return ",".join(f"{d.draft_id}.{d.version}" for a in self.inputs for d in a.drafts)


def _plain(value: object) -> object:
    """A document's data as JSON-able values (dates as ISO text, tuples as lists)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(x) for x in value]
    if isinstance(value, dict):
        return {k: _plain(x) for k, x in value.items()}
    return value


def _plain_dict(doc: UrgentAction) -> dict[str, object]:
    return {k: _plain(x) for k, x in dataclasses.asdict(doc).items()}


def _newest_drafts(v: Vault) -> dict[tuple[str, str], DraftRow]:
    newest: dict[tuple[str, str], DraftRow] = {}
    for row in v.store.drafts():  # ordered by draft id, which counts up
        newest[(row.subject, row.lang)] = row
    return newest


def _verified_newest(v: Vault, draft: Draft, subject: str, lang: str) -> Draft:
    """Refuse a draft whose row's subject or language is not what its signed body says, or
    which is not the newest draft of its subject and language that the log records (a newer
    one deleted or relabelled would bring an older approval back), or not its newest version."""
    if draft.subject != subject or draft.lang != lang:
        raise IntegrityError(
            f"draft {draft.draft_id}: its row and its signed body name different subjects or "
            "languages: it was rewritten"
        )
    anchor = subject if subject in draft.versions else min(draft.versions, default=None)
    if anchor is None:
        return draft
    check_draft_is_newest(v, draft.draft_id, draft.version, anchor)
    newest = max(
        (
            e
            for _, e in v.audit.find(
                AuditFilter(case_id=anchor, action="draft", limit=100_000), v.members.sign_keys()
            )
            if e.action == "draft.create"
            and e.details.get("subject") == subject
            and e.details.get("lang") == lang
        ),
        key=lambda e: e.seq,
        default=None,
    )
    if newest is None or newest.details.get("draft") != draft.draft_id:
        raise IntegrityError(
            f"{subject} [{lang}]: the log records a newer draft than {draft.draft_id}, which the "
            "vault no longer shows: it was removed or relabelled"
        )
    return draft


class NotApprovedError(UsageError):
    """A draft a publication needs is not approved at the current versions."""


def _require_approved(v: Vault, draft: Draft | None, what: str, lang: str) -> Draft:
    if draft is None:
        raise NotApprovedError(f"{what} has no draft in {lang}: nothing is published")
    st: Status = status(v, draft)
    if st.state != "approved":
        raise NotApprovedError(
            f"{what} [{lang}]: {draft.draft_id} v{draft.version} is {st.state} ({st.detail}): "
            "nothing is published"
        )
    return draft


def parse_list(value: str | None, allowed: Sequence[str], what: str) -> list[str] | None:
    """``en,fr`` as a list, each checked against ``allowed``; None when not given."""
    if value is None:
        return None
    items = [x.strip() for x in value.split(",") if x.strip()]
    unknown = [x for x in items if x not in allowed]
    if not items or unknown:
        raise UsageError(f"{what} must be among {', '.join(allowed)}")
    return list(dict.fromkeys(items))


def gather(v: Vault, action_id: str, langs: Sequence[str] | None, published: dt.date) -> Edition:
    """The approved inputs of ``action_id`` and the documents made from them. ``langs`` None
    means every language whose action draft is approved. Raises NotFoundError for an unknown
    action, NotApprovedError (naming case and state) for anything not approved."""
    v.require(v.policy.can_publish(v.role) or v.policy.can_draft(v.role), "publish")
    with v.store.read():
        if v.store.action(action_id) is None:
            raise NotFoundError(f"no action {action_id!r}")
        head = action_head(v, action_id)
        newest = _newest_drafts(v)
        drafts: dict[tuple[str, str], Draft] = {}

        def draft_of(subject: str, lang: str) -> Draft | None:
            if (subject, lang) not in drafts:
                row = newest.get((subject, lang))
                if row is None:
                    return None
                drafts[(subject, lang)] = _verified_newest(v, read_draft(v, row), subject, lang)
            return drafts[(subject, lang)]

        if langs is None:
            langs = [
                lang
                for lang in languages()
                if (d := draft_of(action_id, lang)) is not None and status(v, d).state == "approved"
            ]
            if not langs:
                for lang in languages():  # say what stops the first language that has a draft
                    _require_approved(v, draft_of(action_id, lang), action_id, lang)
                raise NotApprovedError(
                    f"{action_id} has no draft in any language: nothing is published"
                )
        inputs = []
        for lang in langs:
            action = _require_approved(v, draft_of(action_id, lang), action_id, lang)
            if action.action_version != head:
                raise NotApprovedError(
                    f"{action_id} [{lang}]: its approved draft is of an older version"
                )
            cases = tuple(
                _require_approved(v, draft_of(cid, lang), f"case {cid}", lang)
                for cid in sorted(action.versions)
            )
            for case in cases:
                if case.versions != {case.subject: action.versions[case.subject]}:
                    raise NotApprovedError(
                        f"case {case.subject} [{lang}]: its approved draft and the action's "
                        "were made of different versions: make the older one again"
                    )
            inputs.append(Approved(lang, action, cases))
    documents = tuple(_document(v, a, published) for a in inputs)
    numbers = {(d.number, d.follow_up) for d in documents}
    if len(numbers) != 1:
        raise NotApprovedError(
            f"{action_id}: the approved drafts name different follow-ups; approve one edition"
        )
    return Edition(action_id, documents[0].follow_up, published, tuple(inputs), documents)


def _document(v: Vault, approved: Approved, published: dt.date) -> UrgentAction:
    try:
        action = parse_action_text(approved.action.text)
        people = tuple(parse_case_text(d.text) for d in approved.cases)
    except ValidationError as e:
        raise ValidationError(f"an approved draft of {approved.lang} cannot be read: {e}") from e
    return UrgentAction(
        lang=approved.lang,
        number=action.number,
        follow_up=action.follow_up,
        title=action.title,
        country=action.country,
        issued=action.issued,
        published=published,
        organisation=v.policy.publication.organisation,
        document_index=action.document_index,
        closes=action.closes,
        text=action.text,
        asks=action.asks,
        officials=action.officials,
        people=people,
    )


@dataclass(frozen=True)
class OutputFile:
    name: str
    fmt: str
    lang: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hash_bytes(self.data).hex()


def render_files(edition: Edition, formats: Sequence[str] = FORMATS) -> list[OutputFile]:
    """Every file of an edition, in memory: each language in each format."""
    return [
        OutputFile(f"{file_stem(doc)}.{fmt}", fmt, doc.lang, render(doc, fmt))
        for doc in edition.documents
        for fmt in formats
    ]
