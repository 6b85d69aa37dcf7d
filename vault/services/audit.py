"""Audit use cases: list entries, verify the whole log, check the whole vault, write a
checkpoint, prove an entry.

The vault's own rules about its log live here, not in :mod:`vault.audit`: which actions write
case versions, and that the log and the vault agree on them (:class:`CaseVersionCheck`).
Checking a proof bundle (:func:`check_proof_bundle`) needs no vault: a third party holds only the
bundle and the signer's published verifier key.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from vault.audit import checkpoint as cp
from vault.audit import entry as en
from vault.audit import merkle
from vault.audit.log import AuditEvent
from vault.audit.verification import Signature, VerifyResult, note_keys, row_signature_problem
from vault.crypto import hash_bytes
from vault.errors import IntegrityError, NotFoundError, StoreError, UsageError
from vault.services.clock import now
from vault.services.forked import cores, ordered_map
from vault.services.leak_check import LeakIndexCheck, check_leak_index
from vault.services.session import Vault
from vault.store import AuditFilter, AuditRow, Store

BUNDLE_FORMAT = "casevault-inclusion-proof-v1"
# One entry per case version, naming it. A bulk write (case.import, case.bulk_create) logs
# each version so, and one more entry with the count as a summary: that one is not counted.
CASE_WRITES = ("case.create", "case.edit")
DRAFT_WRITES = ("draft.create", "draft.edit")


@dataclass(frozen=True)
class LogLine:
    seq: int
    entry: en.Entry

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, **self.entry.to_json()}


_ISO_TIME = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?Z?)?)?)?")


def _iso_time(text: str | None, what: str) -> str | None:
    """A time bound as the log compares it (ISO text); refused when it is anything else, which
    would silently match nothing ("31/12/2020", "yesterday", "2026-13-45")."""
    if text is None or text == "":
        return None
    ok = _ISO_TIME.fullmatch(text) is not None
    if ok and len(text) >= 7:
        try:
            dt.date.fromisoformat(text[:10] if len(text) >= 10 else text + "-01")
        except ValueError:
            ok = False
    if not ok:
        raise UsageError(
            f"{what}: expected an ISO date or time, e.g. 2026-11-01 or 2026-11-01T12:00:00Z"
        )
    return text


def audit_log(
    v: Vault,
    *,
    actor: str | None = None,
    action: str | None = None,
    case_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 100,
) -> list[LogLine]:
    """Entries newest first, filtered on the log's index columns. Every entry shown is checked
    first (signed by the member it names, its index columns equal to its signed body); raises
    IntegrityError naming the first that is not. A filtered listing cannot show an entry an
    edited index hides from it: :func:`verify` reads every entry."""
    if limit < 1:
        raise UsageError("limit must be at least 1")
    since, until = _iso_time(since, "since"), _iso_time(until, "until")
    with v.store.read():
        found = v.audit.find(
            AuditFilter(actor, action, case_id, since, until, limit), v.members.sign_keys()
        )
    return [LogLine(seq, entry) for seq, entry in found]


class StoredRowCheck:
    """No stored row without its entry, no entry without its row: step 8 of verifying, after
    the log's own steps (:class:`~vault.audit.verification.LogVerifier`).

    Called with each entry, it finds the case version, draft version or verdict the entry
    records and names any that is missing, names another entry, or has another body than the
    entry's hash; :meth:`compare` then sets the counts against the vault's."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.recorded = {"case_versions": 0, "drafts": 0, "reviews": 0}

    def __call__(self, seq: int, entry: en.Entry) -> list[str]:
        """The problems with entry ``seq`` (none for an action that stores no such row)."""
        details = entry.details
        version = details.get("version")
        if not isinstance(version, int):
            return []
        if entry.action in CASE_WRITES and entry.cases:
            self.recorded["case_versions"] += 1
            row = self._store.case_version(entry.cases[0], version)
            what = f"{entry.cases[0]} v{version}"
            found_row = (row.body, row.log_seq) if row else None
            return self._compare_row(seq, entry, what, found_row)
        draft = details.get("draft")
        if not isinstance(draft, str):
            return []
        if entry.action in DRAFT_WRITES:
            self.recorded["drafts"] += 1
            stored = self._store.draft(draft, version)
            found_draft = (stored.body, stored.log_seq) if stored else None
            return self._compare_row(seq, entry, f"draft {draft} v{version}", found_draft)
        if entry.action.startswith("review."):
            self.recorded["reviews"] += 1
            verdict = entry.action.removeprefix("review.")
            found = next(
                (
                    r
                    for r in self._store.reviews(draft, version)
                    if r.reviewer == entry.actor and r.verdict == verdict
                ),
                None,
            )
            what = f"{entry.actor}'s {verdict} of {draft} v{version}"
            found_review = (found.body, found.log_seq) if found else None
            return self._compare_row(seq, entry, what, found_review)
        return []

    @staticmethod
    def _compare_row(
        seq: int, entry: en.Entry, what: str, row: tuple[bytes, int] | None
    ) -> list[str]:
        if row is None:
            return [f"audit entry {seq} records {what}, which is not in the vault: it was removed"]
        body, log_seq = row
        if entry.details.get("body") != hash_bytes(body).hex():
            return [f"audit entry {seq} records {what} with another body: it was rewritten"]
        if log_seq != seq:
            return [f"{what} names audit entry {log_seq}, the one recording it is {seq}"]
        return []

    def compare(self, store: Store) -> list[str]:
        """The problems when the vault holds other numbers of rows than the entries seen
        record, and any case whose current version is not its last."""
        out = []
        for table, recorded in self.recorded.items():
            held = store.count_rows(table)
            if held != recorded:
                what = (
                    "rows with no audit entry, or audit entries removed"
                    if held > recorded
                    else "audit entries whose rows were removed"
                )
                out.append(f"the log records {recorded} {table}, the vault holds {held}: {what}")
        out += [
            f"case {cid}: its current version is not its last: it was set back"
            for cid in store.heads_not_last()
        ]
        return out


#: Log entries handed to a worker at a time to have their signatures checked (about 60 µs each).
VERIFY_CHUNK = 1000


def verify(v: Vault) -> VerifyResult:
    """Recompute the whole log, check every signature and head, and cross-check every stored
    case version, draft version and verdict against the entry that records it.
    Reports every problem; never raises for what it finds."""
    keys = v.members.sign_keys()

    def ahead(stored: Iterator[AuditRow]) -> Iterator[tuple[AuditRow, Signature]]:
        # each signature checked once, on the other cores, while this one does the rest
        workers = cores() if cores() > 1 else 0
        return ordered_map(
            partial(row_signature_problem, keys), stored, chunk=VERIFY_CHUNK, workers=workers
        )

    with v.store.read():
        rows = StoredRowCheck(v.store)
        result = v.audit.verify(keys, check_entry=rows, signatures=ahead)
        for problem in rows.compare(v.store):
            result.add(problem)
    return result


@dataclass
class CheckResult:
    """What ``casevault check`` found: the database file's problems (damaged pages, broken
    structure), the full audit verification, and every case's leak index against its signed
    version. ``ok`` when all are clean."""

    database: list[str]
    log: VerifyResult
    leaks: LeakIndexCheck

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.database and self.log.ok and self.leaks.ok

    @property
    def problems(self) -> list[str]:
        """Every problem, the database file's first."""
        leaks = [f"leak index: {p}" for p in self.leaks.problems]
        if self.leaks.damaged > len(self.leaks.problems):
            leaks.append(f"leak index: {self.leaks.damaged} cases in all")
        return [f"database: {p}" for p in self.database] + self.log.problems + leaks

    def to_json(self) -> dict[str, Any]:
        """The result as plain JSON types, for ``check --json``."""
        return {
            "ok": self.ok,
            "database": self.database,
            "audit": self.log.to_json(),
            "leak_index": self.leaks.to_json(),
        }


def check(v: Vault) -> CheckResult:
    """Check the whole vault: every page of the database file (SQLCipher's HMAC of each page,
    SQLite's structure), then the whole audit log as :func:`verify` does, then, for a person
    who reads every level, every case's leak index against its signed head version
    (:mod:`vault.services.leak_check`). Reports everything it finds; raises only when the
    store cannot check its pages."""
    with v.store.read():
        database = [_page_problem(p) for p in v.store.integrity_check()]
    try:
        log = verify(v)
    except StoreError:
        # A damaged page the log lives on: the problems above name it.
        log = VerifyResult()
        log.add("the audit log could not be read to the end: it lies on a damaged page")
    leaks = LeakIndexCheck(skipped="the database is damaged")
    if not database:
        leaks = check_leak_index(v)
    return CheckResult(database, log, leaks)


_HMAC_FAILED = re.compile(r"HMAC verification failed for page (\d+)")


def _page_problem(text: str) -> str:
    # SQLCipher's and SQLite's own reports name pages, tables and indexes, never a value.
    found = _HMAC_FAILED.search(text)
    if found:
        return (
            f"page {found[1]} fails its HMAC check: it was changed outside casevault, or the "
            "disk is failing"
        )
    return " ".join(text.split())


def verify_against(v: Vault, note: str) -> tuple[int, int]:
    """Prove the log extends an outside checkpoint; raises IntegrityError on rollback or fork."""
    with v.store.read():
        return v.audit.check_against(note, v.members.sign_keys())


@dataclass(frozen=True)
class SignedCheckpoint:
    note: str
    size: int
    verifier_key: str


def make_checkpoint(v: Vault) -> SignedCheckpoint:
    """A checkpoint of the current log signed by this person, to keep outside the vault. Writing
    it is itself logged, after the checkpoint's size."""
    with v.store.write():
        size = v.audit.size()
        note = v.audit.signed_head(
            size, v.audit.root_at(size), v.identity, v.identity.public.sign_public, now()
        )
        v.log(AuditEvent("audit.checkpoint", details={"size": size}))
    return SignedCheckpoint(note, size, verifier_key(v))


def verifier_key(v: Vault, name: str | None = None) -> str:
    """The published key that checks notes signed by a member (default: this person)."""
    who = name or v.user
    keys = v.members.sign_keys()
    if who not in keys:
        raise NotFoundError(f"no member named {who!r}")
    return cp.verifier_key(who, keys[who])


def prove(v: Vault, seq: int, checkpoint_note: str | None = None) -> dict[str, Any]:
    """An inclusion proof bundle for entry ``seq`` against a checkpoint (default: a fresh one
    signed by this person). See docs/audit.md for the format."""
    if checkpoint_note is None:
        with v.store.read():
            size = v.audit.size()
        if not 0 <= seq < size:  # before signing a checkpoint that would then be thrown away
            raise NotFoundError(f"entry {seq} is not covered by a checkpoint of size {size}")
    note = make_checkpoint(v).note if checkpoint_note is None else checkpoint_note
    with v.store.read():
        return proof_bundle(v, seq, note)


def proof_bundle(v: Vault, seq: int, note: str) -> dict[str, Any]:
    """The inclusion proof bundle of entry ``seq`` against the checkpoint ``note``, in the
    caller's transaction (see docs/audit.md for the format). Raises IntegrityError when the
    stored log does not match the checkpoint."""
    opened = cp.open_note(note, note_keys(v.members.sign_keys()))
    c = cp.parse_checkpoint(opened.text)
    if c.origin != v.audit.origin:
        raise IntegrityError("the checkpoint is for another log")
    if not 0 <= seq < c.size:
        raise NotFoundError(f"entry {seq} is not covered by a checkpoint of size {c.size}")
    body = v.audit.entry_body(seq)
    proof = v.audit.inclusion_proof(seq, c.size)
    try:
        merkle.check_inclusion(seq, c.size, merkle.leaf_hash(body), proof, c.root)
    except merkle.ProofError as e:
        raise IntegrityError("the stored log does not match the checkpoint") from e
    signers = {name: cp.verifier_key(name, v.members.sign_keys()[name]) for name in opened.verified}
    return {
        "format": BUNDLE_FORMAT,
        "entry": base64.b64encode(body).decode(),
        "index": seq,
        "tree_size": c.size,
        "proof": [base64.b64encode(h).decode() for h in proof],
        "checkpoint": note,
        "verifier_keys": sorted(signers.values()),
    }


@dataclass(frozen=True)
class ProofCheck:
    entry: en.Entry
    tree_size: int
    signers: list[str]


def check_proof_bundle(bundle: Any, trusted_keys: list[str]) -> ProofCheck:
    """Check an inclusion proof bundle with nothing but published verifier keys: the checkpoint
    signature, then the entry's inclusion in the checkpoint's tree. Raises IntegrityError."""
    try:
        if bundle["format"] != BUNDLE_FORMAT:
            raise IntegrityError("not a casevault inclusion proof")
        body = base64.b64decode(bundle["entry"], validate=True)
        index, size = int(bundle["index"]), int(bundle["tree_size"])
        proof = [base64.b64decode(h, validate=True) for h in bundle["proof"]]
        note = str(bundle["checkpoint"])
    except (KeyError, TypeError, ValueError) as e:
        raise IntegrityError("the proof file is malformed") from e
    if not trusted_keys:
        raise UsageError("give at least one trusted verifier key (--key)")
    keys: dict[tuple[str, bytes], bytes] = {}
    for vkey in trusted_keys:
        name, public = cp.parse_verifier_key(vkey)
        keys[(name, cp.key_id(name, public))] = public
    opened = cp.open_note(note, keys)
    c = cp.parse_checkpoint(opened.text)
    if c.size != size:
        raise IntegrityError("the proof is for another tree size than its checkpoint")
    try:
        merkle.check_inclusion(index, size, merkle.leaf_hash(body), proof, c.root)
    except merkle.ProofError as e:
        raise IntegrityError(
            f"the entry is not in the checkpoint's tree (inclusion proof fails: {e.reason})"
        ) from e
    entry, _, _ = en.decode(body)
    if entry.seq != index or cp.parse_checkpoint(opened.text).origin != (
        "casevault/" + entry.vault
    ):
        raise IntegrityError("the entry does not belong where the proof puts it")
    return ProofCheck(entry, size, opened.verified)


def read_note(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {path}") from e


def read_bundle(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UsageError(f"cannot read proof file {path}") from e
