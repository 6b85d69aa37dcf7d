"""The key lifecycle: revoke a leaver, give a person a new identity, rotate the data keys.

A revocation (or a re-key of a person) is one signed state record: from it on the person's keys
count for nothing, and a new epoch starts for the database key, their role key, every level key
their role could reach and the role keys of the roles holding those levels (ADR 0008). Then:

1. the database is re-keyed at once (:meth:`Vault.rekey_database`): a new SQLCipher key, wrapped
   to the remaining members only; their old copy of the database key opens nothing new;
2. the first person whose role writes cases to unlock makes the new level keys (a signed
   ``keys.create``) and new role keys carrying them, delivered to the remaining members;
3. ``casevault keys rotate`` re-wraps every record's data keys under the new epochs, re-indexes
   every case under keys derived from them, and then retires the old epochs (a signed
   ``keys.retire``; their wraps are deleted), so the old level keys open nothing any more.

Each batch of the rotation is one transaction that also records how far it got: a process killed
in the middle leaves a vault that opens and reads (old epochs stay live until the end), and the
next ``keys rotate`` goes on from there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from vault.audit.log import AuditEvent
from vault.crypto import KdfParams, Passphrase, PublicIdentity
from vault.crypto.records import DataKeyWrap, rewrap_data_key
from vault.errors import AccessDeniedError, UsageError
from vault.policy import KeyKind, KeyRef
from vault.policy.state import (
    KEYS_RETIRE,
    MEMBER_REKEY,
    MEMBER_REVOKE,
    MemberState,
    member_payload,
)
from vault.services.drafts import PUBLICATION, PUBLICATION_KEY
from vault.services.leaks import case_leak_terms, store_leak_terms
from vault.services.name_index import index_terms, store_index_terms
from vault.services.session import Vault
from vault.services.users import check_identity_source, identity_from
from vault.store import DataKeyWrapRow

#: How many data-key wraps, or cases, one rotation transaction handles.
BATCH = 500
ROTATION_META = "rotation"

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: what the rotation has done so far (the CLI draws a bar)."""


# --- revoke and re-key a person ---------------------------------------------------------------


@dataclass(frozen=True)
class Revocation:
    name: str
    role: str
    epochs: dict[str, int]  # the slots advanced, at their new epochs
    database_rekeyed: bool


def revoke(v: Vault, name: str, reason: str) -> Revocation:
    """Revoke ``name``: a signed, logged ``member.revoke`` with the reason, then the database
    re-keyed to the remaining members. The last person who manages people cannot be revoked,
    nor can one revoke oneself (another admin must)."""
    v.require(v.policy.can_manage_people(v.role), "revoke people")
    reason = " ".join(reason.split())
    if not reason:
        raise UsageError("give a reason (--reason): it is kept in the signed record")
    with v.store.write():
        v.refresh_state()
        member = _active(v, name)
        others = [
            m for m in v.members.active() if m.name != name and v.policy.can_manage_people(m.role)
        ]
        if not others:
            raise UsageError(f"{name!r} is the last person who manages people: enrol another first")
        if name == v.user:
            raise UsageError("you cannot revoke yourself: ask another admin")
        payload = {
            **member_payload(name, member.role, member.sign_public, member.kem_public),
            "reason": reason,
        }
        before = dict(v.state.epochs)
        v.change_state(MEMBER_REVOKE, payload)
        v.store.delete_key_wraps_to(name)  # they open only with the revoked identity
        epochs = _advanced(before, dict(v.state.epochs))
    rekeyed = v.rekey_database()
    return Revocation(name, member.role, epochs, rekeyed)


def rekey_member(
    v: Vault,
    name: str,
    *,
    passphrase: Callable[[], Passphrase] | None = None,
    public: PublicIdentity | None = None,
    kdf: KdfParams | None = None,
) -> Revocation:
    """Give ``name`` a new identity (a lost laptop, a leaked passphrase): the old one is revoked
    exactly as by :func:`revoke`, the person keeps their name, role and history. Either
    ``passphrase`` (the identity is made here) or ``public`` (made on their own machine)."""
    v.require(v.policy.can_manage_people(v.role), "re-key people")
    check_identity_source(name, passphrase, public)
    if name == v.user:
        raise UsageError("to replace your own identity, ask another admin to re-key you")
    with v.store.read():
        _active(v, name)
    public, sealed = identity_from(name, passphrase, public, kdf)
    with v.store.write():
        v.refresh_state()
        member = _active(v, name)
        before = dict(v.state.epochs)
        v.change_state(
            MEMBER_REKEY,
            member_payload(name, member.role, public.sign_public, public.kem_public),
            {"identity": "made by the admin" if sealed else "made by the member"},
        )
        v.store.delete_key_wraps_to(name)  # wrapped to the old identity: they open nothing now
        epochs = _advanced(before, dict(v.state.epochs))
    # the sealed identity and the new wraps reach the keyring with the database re-key
    # made here: the new sealed identity; made by the person: the old sealed one leaves
    rekeyed = v.rekey_database(identities={name: sealed})
    return Revocation(name, member.role, epochs, rekeyed)


def _active(v: Vault, name: str) -> MemberState:
    member = v.members.verified(name)
    if member.revoked_at is not None:
        raise UsageError(f"{name!r} was already revoked on {member.revoked_at[:10]}")
    return member


def _advanced(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: e for k, e in sorted(after.items()) if e != before.get(k, 1)}


# --- rotation ---------------------------------------------------------------------------------


@dataclass
class RotationReport:
    rewrapped: dict[str, int] = field(default_factory=dict)  # level -> data keys re-wrapped
    reindexed: int = 0
    retired: dict[str, int] = field(default_factory=dict)  # "level:NAME" -> oldest live epoch
    wraps_deleted: int = 0
    already_current: bool = False


def pending(v: Vault) -> dict[str, int]:
    """Per level, how many data keys are still wrapped under an older epoch."""
    with v.store.read():
        return {
            level: v.store.count_stale_data_key_wraps(level, v.keys.epoch(KeyKind.LEVEL, level))
            for level in v.policy.levels
        }


def rotate(v: Vault, *, batch: int = BATCH, progress: Progress | None = None) -> RotationReport:
    """Re-wrap every data key under the current epochs, re-index every case, then retire the
    old epochs. Resumable; each batch is one transaction. Needs every level key at both epochs:
    a person whose role writes cases."""
    v.require(v.policy.can_write_cases(v.role), "rotate keys (it takes every level key)")
    if batch < 1:
        raise UsageError("the batch size must be at least 1")
    report = RotationReport()
    # Decided by what the data holds, not by the signed epochs alone: a ``keys.retire`` signed
    # too early must not leave data keys under a leaver's epoch, nor index terms unsearchable.
    waiting = pending(v)
    stale_levels = [
        lv
        for lv in v.policy.levels
        if waiting[lv] or len(v.state.live_epochs(KeyKind.LEVEL, lv)) > 1
    ]
    # Drafts' text is under the publication key: re-wrapped too, never retired (review reasons
    # are sealed under the epoch they were written in, inside signed verdicts).
    with v.store.read():
        drafts_waiting = v.store.count_stale_data_key_wraps(
            PUBLICATION, v.keys.epoch(PUBLICATION_KEY.kind, PUBLICATION_KEY.name)
        )
    if not stale_levels and not drafts_waiting:
        report.already_current = True
        return report
    for level in stale_levels:
        if v.keys.sealing_key(KeyRef.for_level(level)) is None:
            raise AccessDeniedError(
                f"the {level} level key of the new epoch has not reached {v.user}: another "
                "caseworker who holds the older keys must unlock first (or the trustees run "
                "'casevault recover')"
            )
    with v.store.write():
        v.log(AuditEvent("key.rotate.start", details=_epochs_detail(v, stale_levels)))
    for level in stale_levels:
        report.rewrapped[level] = _rewrap_level(v, level, batch, progress)
    if drafts_waiting:
        report.rewrapped[PUBLICATION] = _rewrap_level(v, PUBLICATION, batch, progress)
    if stale_levels:
        report.reindexed = _reindex(v, stale_levels, batch, progress)
        _retire(v, stale_levels, report)
    return report


def _epochs_detail(v: Vault, levels: list[str]) -> dict[str, str | int]:
    return {
        "levels": ",".join(f"{lv}@{v.keys.epoch(KeyKind.LEVEL, lv)}" for lv in levels),
        "pending": sum(pending(v).values()),
    }


def _ref(level: str) -> KeyRef:
    """The key a data-key wrap's level names: a level, or the publication key (drafts)."""
    return PUBLICATION_KEY if level == PUBLICATION else KeyRef.for_level(level)


def _rewrap_level(v: Vault, level: str, batch: int, progress: Progress | None) -> int:
    ref = _ref(level)
    current = v.keys.epoch(ref.kind, ref.name)
    new = v.keys.sealing_key(ref)
    if new is None:
        raise AccessDeniedError(
            f"the {level} key of the new epoch has not reached {v.user}: another caseworker "
            "who holds the older keys must unlock first (or the trustees run 'casevault recover')"
        )
    with v.store.read():
        total = v.store.count_stale_data_key_wraps(level, current)
    done = 0
    while True:
        with v.store.write():
            rows = v.store.stale_data_key_wraps(level, current, batch)
            if not rows:
                break
            out: list[DataKeyWrapRow] = []
            for row in rows:
                old = v.keys.key(ref, row.epoch)
                if old is None:
                    raise AccessDeniedError(
                        f"{v.user} does not hold the {level} key of epoch {row.epoch}"
                    )
                wrap = rewrap_data_key(
                    v.vault_id,
                    row.record,
                    row.version,
                    level,
                    DataKeyWrap(row.epoch, row.wrapped),
                    old,
                    new,
                )
                out.append(DataKeyWrapRow(row.record, row.version, level, wrap.epoch, wrap.wrapped))
            v.store.put_data_key_wraps(out)
        done += len(rows)
        if progress is not None:
            progress(f"re-wrap {level}", done, total)
    return done


def _reindex(v: Vault, levels: list[str], batch: int, progress: Progress | None) -> int:
    """Every case's name and leak index again, under keys derived from the current epochs (the
    old terms would die with the old epochs). Resumes after the last case a batch finished."""
    from vault.services.cases import open_version
    from vault.services.provenance import case_head

    target = {lv: v.keys.epoch(KeyKind.LEVEL, lv) for lv in levels}
    with v.store.read():
        raw = v.store.get_meta(ROTATION_META)
        total = v.store.count_cases()
    cursor = json.loads(raw) if raw else {}
    after = cursor.get("after", "") if cursor.get("target") == target else ""
    done = 0
    while True:
        with v.store.write():
            ids = v.store.case_ids(limit=batch, after=after or None)
            for case_id in ids:
                head = case_head(v, case_id)
                if head is None:
                    continue
                values = dict(open_version(v, case_id, head).values)
                values["case_id"] = case_id
                store_index_terms(v, case_id, index_terms(v, values))
                store_leak_terms(v, case_id, case_leak_terms(v, values))
            if ids:
                after = ids[-1]
            state = {"target": target, "after": after, "done": not ids}
            v.store.put_meta(ROTATION_META, json.dumps(state, sort_keys=True).encode())
        if not ids:
            break
        done += len(ids)
        if progress is not None:
            progress("re-index cases", done, total)
    return done


def _retire(v: Vault, levels: list[str], report: RotationReport) -> None:
    """Once nothing is left under the old epochs: a signed ``keys.retire`` (unless one was
    signed already) and the old epochs' wraps deleted, in one transaction."""
    with v.store.write():
        v.refresh_state()
        done: list[str] = []
        for level in levels:
            if not v.store.count_stale_data_key_wraps(level, v.keys.epoch(KeyKind.LEVEL, level)):
                done.append(level)  # else another writer added under an old epoch: next run
        if not done:
            return
        current = {lv: v.keys.epoch(KeyKind.LEVEL, lv) for lv in done}
        retired = {
            f"{KeyKind.LEVEL}:{lv}": e
            for lv, e in current.items()
            if v.state.retired.get(f"{KeyKind.LEVEL}:{lv}", 1) < e
        }
        if retired:
            v.change_state(KEYS_RETIRE, {"retired": retired})
        deleted = sum(
            v.store.delete_key_wraps_before(KeyKind.LEVEL, lv, e) for lv, e in current.items()
        )
        v.log(
            AuditEvent(
                "key.retire",
                details={
                    "retired": ",".join(f"{lv}<{e}" for lv, e in current.items()),
                    "wraps_deleted": deleted,
                },
            )
        )
        report.retired = {f"{KeyKind.LEVEL}:{lv}": e for lv, e in current.items()}
        report.wraps_deleted = deleted
