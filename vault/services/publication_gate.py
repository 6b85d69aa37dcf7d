"""The last leak gate of a publication (ADR 0007).

Before any file is written, every part of every output — body, headers, metadata, file names —
is scanned by the known-entity layer **at every level**, with the leak index as it is now, and
by the pattern layer; the names of people who did not consent are searched too. A value
recorded in another case after the drafts were approved still stops the publication.

A publisher reads no level, and any lookup a publisher could run alone would be a guessing
oracle for values he may not read (ADR 0005). So the gate is run by a person whose role reads
every level (``casevault publish check``): she renders the same edition, scans it, and signs a
logged ``publish.check`` entry bound to the edition's digest (documents and templates) and the
publication date. ``casevault publish`` counts that check only while nothing that feeds the
leak index has been written since (a case created or edited, a policy set): otherwise it is
run again, against the index as it is then. A hit refuses, is logged (``publish.refused``,
naming cases and kinds of value), and never shows the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from vault.audit import entry as audit_entry
from vault.audit.log import AuditEvent
from vault.errors import AccessDeniedError, IntegrityError, UsageError
from vault.publish.parts import text_parts
from vault.redact.detectors import detect
from vault.redact.entities import EntityInfo, TermSet, find_known, find_known_each
from vault.services.leaks import VaultKnownValues, outranks, withheld_names
from vault.services.own_values import head_values, own_terms_of
from vault.services.publication import Edition, OutputFile, render_files
from vault.services.session import Vault
from vault.store import AuditFilter

CHECKED = "publish.check"
REFUSED = "publish.refused"
#: What changes what the leak index knows, or what a lookup covers: any of these written after
#: a check means the check no longer speaks for the index as it is now.
INDEX_WRITES = (
    "case.create",
    "case.edit",
    "case.import",
    "case.bulk_create",
    "policy.set",
    "action.put",
)


class LeakFoundError(UsageError):
    """An output of a publication holds a protected value: nothing is published."""


@dataclass(frozen=True)
class Finding:
    """One protected value found: where (a file, or a draft), what kind and level, whose."""

    where: str
    kind: str
    level: str | None
    owners: tuple[str, ...]  # the cases whose value it is, when the index says

    def line(self) -> str:
        whose = f"case {', '.join(self.owners)}'s " if self.owners else "a "
        level = f" ({self.level})" if self.level else ""
        return f"{whose}{self.kind.replace('_', ' ')}{level} in {self.where}"


#: A PDF stream's raw bytes read as Latin-1 (a font program, a content stream of glyph ids).
_RAW_STREAM = re.compile(r"object [0-9]+ stream")
_READER_PART = re.compile(
    r"paragraphs|page [0-9]+ text|PDF info|Markdown unescaped|HTML as read|zip entry name"
)
_PIECES = re.compile(r"[\n<>]+")
#: A run that could spell a value: a letter or digit, then letters, digits and what names,
#: phones, e-mails and addresses hold. In binary read as text these runs are short.
_WORDISH = re.compile(r"[A-Za-z0-9\xc0-\xff][A-Za-z0-9\xc0-\xff .,'@+\-()/:]{2,}")
_HEX = re.compile(r"[0-9A-Fa-f]{8,}")
#: A content-stream operation: an optional resource name, numbers, and an operator of one to
#: three letters ("1 0 0 -1 74.85 252.97 Tm", "a1.0 gs", "F1 14 Tf"), or one glyph id ("0027").
#: It holds no text: WeasyPrint shows text as glyph ids, and a literal string "(...)" does not
#: match, so it is still scanned.
_OPERATION = re.compile(
    r"(?:[A-Za-z][A-Za-z0-9.+]{0,40} )?[-+0-9. ]*[A-Za-z]{1,3}\*?|[0-9A-Fa-f]{4}"
)


def _printable_runs(raw: str) -> str:
    """The runs of a PDF stream's bytes (read as Latin-1) that could spell a value, one per
    line, as `strings` would show them: text hidden in a stream is still found; binary between
    runs is not scanned, nor a run of hex digits (a content stream's glyph ids, which spell
    nothing; a PDF's hex text strings are decoded in its "object strings" parts)."""
    return "\n".join(
        run
        for line in raw.splitlines()
        if not _OPERATION.fullmatch(line.strip())
        for run in _WORDISH.findall(line)
        if not _HEX.fullmatch(run.strip())
    )


def _reads_every_level(v: Vault) -> bool:
    return set(v.policy.readable_levels(v.role)) == set(v.policy.levels)


@dataclass(frozen=True)
class _OwnValues:
    """What the edition's own cases hold, read from their signed versions rather than from the
    leak index (whose rows any member holding a level key can rewrite or delete): the names
    withheld from print, and every protected value, with whose it is."""

    names: TermSet  # the names of every person who did not consent to be named
    values: TermSet  # every protected value of every case of the edition
    each: dict[str, TermSet]  # case -> its protected values (to name whose a hit is)

    def owners(self, text: str) -> tuple[str, ...]:
        return tuple(cid for cid, mine in self.each.items() if find_known(text, mine))


def _own_values(v: Vault, cases: Iterable[str]) -> _OwnValues:
    names = TermSet()
    values: dict[str, EntityInfo] = {}
    cases = sorted(set(cases))
    for _, opened in head_values(v, cases):
        withheld_names(v, opened, names)
    each = own_terms_of(v, cases)  # every version's values: one an edit took out is still theirs
    for mine in each.values():
        for term, info in mine.items():
            if outranks(v.policy, info, values.get(term)):
                values[term] = info
    return _OwnValues(names, TermSet(values), each)


def _released(edition: Edition) -> list[str]:
    """Text a reviewer released by hand (with a reason kept in the draft): pattern hits inside
    it are the reviewer's decision, not a leak."""
    out = []
    for a in edition.inputs:
        for d in a.drafts:
            if d.source is not None:
                out += [d.source[m.start : m.end] for m in d.unredactions]
    return out


def _scan(
    where: str,
    text: str,
    known: VaultKnownValues,
    own: _OwnValues,
    released: list[str],
    *,
    patterns: bool,
) -> list[Finding]:
    found: list[Finding] = []
    known.owners.clear()
    hits = find_known(text, known)
    owners = tuple(sorted(set().union(*known.owners.values()))) if known.owners else ()
    found += [Finding(where, h.info.kind, h.info.level, owners) for h in hits]
    # an edition case's own value the index did not find (its rows rewritten or deleted)
    seen = {(h.start, h.end) for h in hits}
    for h in find_known(text, own.values):
        if (h.start, h.end) not in seen:
            whose = own.owners(text[h.start : h.end])
            found.append(Finding(where, h.info.kind, h.info.level, whose))
    found += [Finding(where, "name", None, ()) for _ in find_known(text, own.names)]
    if patterns:
        for f in detect(text):
            value = text[f.start : f.end]
            if not any(value in r for r in released):
                found.append(Finding(where, f.kind, None, ()))
    return found


def require_every_level(v: Vault) -> None:
    """Refuse, at once, a person whose role does not read every level: the gate is theirs."""
    if not _reads_every_level(v):
        raise AccessDeniedError(
            f"{v.user} ({v.role}) does not read every level: a publication is checked by "
            "someone who does (casevault publish check)"
        )


def scan_edition(v: Vault, edition: Edition, files: Iterable[OutputFile]) -> list[Finding]:
    """Every protected value in the edition's drafts and in every part of every file."""
    require_every_level(v)
    # a part of a name (a given name alone) counts for the edition's own cases only
    scope = {cid for a in edition.inputs for d in a.drafts for cid in d.versions}
    known = VaultKnownValues(v)  # the edition's own cases: ``own``, from their signed versions
    with v.store.read():
        own = _own_values(v, scope | {d.subject for a in edition.inputs for d in a.cases})
    released = _released(edition)
    found: list[Finding] = []
    for a in edition.inputs:
        for d in a.drafts:
            where = f"the approved draft of {d.subject} [{d.lang}] ({d.draft_id})"
            found += _scan(where, d.text, known, own, released, patterns=True)
    # Text a reader sees (Markdown without escapes, HTML as read, a Word paragraph, a PDF page,
    # metadata, the file name) is scanned whole, so a value broken across lines is still one
    # value. The rest (the markup of HTML, Markdown and XML with its attributes, PDF objects and
    # streams) is cut into lines and tags, and each distinct piece is scanned once.
    whole: dict[str, str] = {}
    pieces: dict[str, str] = {}
    for f in files:
        for part, raw in text_parts(f.name, f.fmt, f.data):
            where = f.name if part in (f.name, "") else f"{f.name} ({part})"
            if part == f.name or _READER_PART.search(part):
                whole.setdefault(raw, where)
                continue
            text = _printable_runs(raw) if _RAW_STREAM.fullmatch(part) else raw
            for piece in _PIECES.split(text):
                if piece.strip():
                    pieces.setdefault(piece, where)
    for text, where in whole.items():
        found += _scan(where, text, known, own, released, patterns=True)
    # Each piece on its own (a value must not be matched across two unrelated pieces), with one
    # lookup for all; the few pieces with a hit are scanned again alone to name whose value.
    texts = list(pieces)
    known_hits = find_known_each(texts, known, readings=False)
    own_hits = find_known_each(texts, own.values, readings=False)
    name_hits = find_known_each(texts, own.names, readings=False)
    for text, k_hits, o_hits, n_hits in zip(texts, known_hits, own_hits, name_hits, strict=True):
        if k_hits or o_hits or n_hits:
            found += _scan(pieces[text], text, known, own, released, patterns=False)
    return found


def check_edition(v: Vault, edition: Edition) -> list[OutputFile]:
    """Run the gate on every format of every language, as a person who reads every level. Logs
    ``publish.check`` when clean, ``publish.refused`` (cases and kinds, never values) and raises
    LeakFoundError when not. Returns the files it scanned."""
    require_every_level(v)
    files = render_files(edition)
    findings = scan_edition(v, edition, files)
    with v.store.write():
        if findings:
            owners = sorted({o for f in findings for o in f.owners})
            v.log(
                AuditEvent(
                    REFUSED,
                    cases=owners[:50],
                    details={
                        "action": edition.action_id,
                        "findings": len(findings),
                        "kinds": ",".join(sorted({f.kind for f in findings})),
                    },
                )
            )
        else:
            v.log(AuditEvent(CHECKED, details=check_details(edition)))
    if findings:
        first = findings[0]
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        raise LeakFoundError(
            f"{edition.action_id}: a protected value would be published: {first.line()}{more}; "
            "nothing is published — redact it in a new draft and have it approved"
        )
    return files


def check_details(edition: Edition) -> dict[str, audit_entry.Detail]:
    """What a ``publish.check`` entry says: the action, follow-up, date and, per language, the
    digest of the document it passed (so a check of every language covers any subset)."""
    details: dict[str, audit_entry.Detail] = {
        "action": edition.action_id,
        "follow_up": edition.follow_up,
        "date": edition.published.isoformat(),
        "langs": ",".join(edition.langs),
        "edition": edition.digest(),
    }
    for lang in edition.langs:
        details[f"edition/{lang}"] = edition.lang_digest(lang)
    return details


def valid_check(v: Vault, edition: Edition) -> audit_entry.Entry:
    """The newest ``publish.check`` entry for exactly this edition, signed by a member whose
    role reads every level, with nothing written to the leak index since. Raises UsageError
    saying what to run otherwise."""
    keys = v.members.sign_keys()
    hint = (
        f"someone who reads every level must run: casevault publish check "
        f"'{edition.action_id}' --lang {','.join(edition.langs)} "
        f"--date {edition.published.isoformat()}"
    )
    want: dict[str, audit_entry.Detail] = {
        "action": edition.action_id,
        "follow_up": edition.follow_up,
        "date": edition.published.isoformat(),
    }
    want.update({f"edition/{lang}": edition.lang_digest(lang) for lang in edition.langs})
    match = None
    for _, entry in v.audit.find(AuditFilter(action=CHECKED, limit=200), keys):
        if entry.action == CHECKED and all(entry.details.get(k) == val for k, val in want.items()):
            match = entry
            break
    if match is None:
        raise UsageError(f"{edition.action_id}: this edition has not passed the leak check; {hint}")
    checker = v.members.state.members.get(match.actor)
    if checker is None or set(v.policy.readable_levels(checker.role)) != set(v.policy.levels):
        raise UsageError(f"{edition.action_id}: its leak check was not made at every level; {hint}")
    # Every entry after the check, read from its signed body (an entry's index columns are
    # unsigned: a member could relabel a case.create as a read), in an unbroken sequence.
    expected = match.seq + 1
    for row in v.store.audit_entries(start=expected):
        entry, signature, message = audit_entry.decode(row.body)
        key = keys.get(entry.actor)
        if (
            row.seq != expected
            or entry.seq != expected
            or key is None
            or not audit_entry.signature_ok(signature, message, key)
        ):
            raise IntegrityError(
                f"audit entry {expected} after the leak check is missing or not signed by its "
                "actor; run 'casevault audit verify'"
            )
        if entry.action in INDEX_WRITES:
            raise UsageError(
                f"{edition.action_id}: the vault recorded new values after its leak check "
                f"({entry.action} at entry {entry.seq}); {hint}"
            )
        expected += 1
    if expected != v.audit.size():
        raise IntegrityError(
            "the audit log after the leak check is incomplete; run 'casevault audit verify'"
        )
    return match
