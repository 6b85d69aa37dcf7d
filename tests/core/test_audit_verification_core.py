"""Checking a whole audit log (vault/audit/verification.py), step by step, in memory.

Issue 22: each test feeds :class:`LogVerifier` rows made here (signed with the session's
identities) with one thing wrong, and pins the exact list of problems it reports: a tampered
entry, reordered entries, a gap, a signature by the wrong key, a truncated log, a head that does
not match, back-dated time, an edited index. Pure: no store, no command line."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.conftest import NAMES
from vault.audit import checkpoint as cp
from vault.audit import entry as en
from vault.audit import merkle
from vault.audit import verification as vf
from vault.crypto import Identity
from vault.errors import IntegrityError
from vault.store import AuditRow

VAULT = "v-77c1"
ORIGIN = "casevault/" + VAULT
# Signed-note names hold no space: members are named by one word, keyed by the session's
# identities (a Member signs with its identity's key under the short name).
TAMSIN, BAURZHAN, ILSE = (n.split()[0].lower() for n in NAMES)
T = [f"2031-05-0{d}T10:00:00+00:00" for d in range(1, 10)]


@dataclass(frozen=True)
class Member:
    """A signer (the :class:`vault.audit.log.Signer` protocol) over one session identity."""

    name: str
    identity: Identity

    def sign(self, message: bytes) -> bytes:
        return self.identity.sign(message)

    @property
    def public(self) -> bytes:
        return self.identity.public.sign_public


def stranger() -> Member:
    return Member("mallory", Identity.generate("Mallory Quint"))


@pytest.fixture(scope="module")
def ids(identities: dict[str, Member]) -> dict[str, Member]:
    return {n.split()[0].lower(): Member(n.split()[0].lower(), identities[n]) for n in NAMES}


@pytest.fixture(scope="module")
def keys(ids: dict[str, Member]) -> dict[str, bytes]:
    return {name: i.public for name, i in ids.items()}


def entry(seq: int, *, actor: str = TAMSIN, **kw: Any) -> en.Entry:
    kw.setdefault("time", T[min(seq, len(T) - 1)])
    return en.make(
        kw.pop("vault", VAULT),
        kw.pop("claimed", seq),
        kw.pop("time"),
        actor,
        kw.pop("action", "case.read"),
        cases=kw.pop("cases", ()),
        details=kw.pop("details", None),
    )


def row(e: en.Entry, signer: Member, *, seq: int | None = None) -> AuditRow:
    return AuditRow(
        e.seq if seq is None else seq,
        e.time,
        e.actor,
        e.action,
        e.cases,
        en.encode(e, signer.sign),
    )


def head(rows: Sequence[AuditRow], signer: Member, *, origin: str = ORIGIN) -> str:
    root = merkle.root_of([merkle.leaf_hash(r.body) for r in rows])
    text = cp.Checkpoint(origin, len(rows), root, ("time x",)).text()
    return cp.sign_note(text, signer.name, signer.public, signer.sign)


def log(
    ids: dict[str, Member], n: int, *, cases: Callable[[int], Sequence[str]] = lambda s: ()
) -> list[AuditRow]:
    return [row(entry(s, cases=cases(s)), ids[TAMSIN]) for s in range(n)]


def cosigned(rows: Sequence[AuditRow], first: Member, second: Member) -> str:
    """A head signed by two members: the second signature line added to the first's note."""
    one, two = head(rows, first), head(rows, second)
    return one + two[two.rindex("\n\n") + 2 :]


def hashes_of(rows: Sequence[AuditRow]) -> Callable[[int], list[bytes]]:
    def stored(size: int) -> list[bytes]:
        f = merkle.Frontier()
        for r in rows[:size]:
            f.append(merkle.leaf_hash(r.body))
        return f.hashes()

    return stored


def run(
    rows: Iterable[AuditRow],
    member_keys: Any,
    heads: Iterable[tuple[int, str]] = (),
    *,
    stored: Callable[[int], Sequence[bytes]] | None = None,
    case_refs: vf.CaseRefs | None = None,
    check_entry: vf.EntryCheck | None = None,
    vault: str = VAULT,
) -> vf.VerifyResult:
    rows = list(rows)
    v = vf.LogVerifier(vault, "casevault/" + vault, member_keys, iter(heads), check_entry)
    for r in rows:
        v.feed(r)
    return v.finish(stored or hashes_of(rows), case_refs)


def good(ids: dict[str, Member], n: int = 4) -> tuple[list[AuditRow], list[tuple[int, str]]]:
    rows = log(ids, n)
    return rows, [(k, head(rows[:k], ids[TAMSIN])) for k in range(1, n + 1)]


# --- the happy path --------------------------------------------------------------------------


def test_a_good_log_verifies(ids: dict[str, Member], keys: dict[str, bytes]) -> None:
    rows, heads = good(ids, 5)
    result = run(rows, keys, heads)
    assert result.problems == []
    assert result.ok is True
    assert result.size == 5
    assert result.root == merkle.root_of([merkle.leaf_hash(r.body) for r in rows])
    assert result.heads_checked == 5


def test_an_empty_log_without_heads_verifies(keys: dict[str, bytes]) -> None:
    calls: list[int] = []

    def stored(size: int) -> list[bytes]:
        calls.append(size)
        return [b"wrong"]

    result = run([], keys, stored=stored)
    assert result.ok and result.size == 0 and result.root == merkle.EMPTY_ROOT
    assert result.heads_checked == 0
    assert calls == []  # no stored nodes to compare for an empty tree


def test_equal_times_are_not_back_dated(ids: dict[str, Member], keys: dict[str, bytes]) -> None:
    rows = [row(entry(s, time=T[0]), ids[TAMSIN]) for s in range(3)]
    assert run(rows, keys, [(3, head(rows, ids[TAMSIN]))]).problems == []


# --- 1. position: gaps and reordering ----------------------------------------------------------


def test_a_gap_in_sequence_numbers_is_refused(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows, heads = good(ids, 5)
    kept = [rows[0], rows[1], rows[4]]
    result = run(kept, keys, heads, stored=lambda size: [b"never compared"])
    # after a gap no head and no stored node is compared (they would all differ); the heads
    # beyond the last entry still say the log was cut short
    assert result.problems == [
        "audit entries 2..3 are missing: deleted",
        f"the log was truncated: a tree head signed by {TAMSIN} covers 5 entries, only 3 remain",
    ]
    assert result.heads_checked == 2  # the heads at 1 and 2, before the gap


def test_a_missing_first_entry_is_refused(ids: dict[str, Member], keys: dict[str, bytes]) -> None:
    rows, heads = good(ids, 3)
    result = run(rows[1:], keys, heads)
    assert result.problems == [
        "audit entries 0..0 are missing: deleted",
        f"the log was truncated: a tree head signed by {TAMSIN} covers 3 entries, only 2 remain",
    ]
    assert result.heads_checked == 0


def test_reordered_rows_are_refused(ids: dict[str, Member], keys: dict[str, bytes]) -> None:
    rows, heads = good(ids, 3)
    result = run([rows[1], rows[0], rows[2]], keys, heads)
    assert result.problems == [
        "audit entries 0..0 are missing: deleted",
        "audit entries 2..-1 are missing: deleted",
        f"audit entry 0: its time {T[0]} is before that of entry 1 ({T[1]}): back-dated, or "
        "written with the clock set back",
        "audit entries 1..1 are missing: deleted",
    ]
    assert result.heads_checked == 0


def test_swapped_bodies_are_refused_by_their_signed_numbers(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows, heads = good(ids, 3)
    swapped = [replace(rows[0], body=rows[1].body), replace(rows[1], body=rows[0].body), rows[2]]
    result = run(swapped, keys, heads)
    assert result.problems == [
        "audit entry 0 holds entry 1: entries were swapped or reordered",
        "audit entry 0: its time column says '2031-05-01T10:00:00+00:00', its signed body "
        "'2031-05-02T10:00:00+00:00': the index was edited",
        f"tree head at size 1 (signed by {TAMSIN}) does not match the entries: an entry before "
        "it was changed, removed or reordered",
        "audit entry 1 holds entry 0: entries were swapped or reordered",
        "audit entry 1: its time column says '2031-05-02T10:00:00+00:00', its signed body "
        "'2031-05-01T10:00:00+00:00': the index was edited",
        "audit entry 1: its time 2031-05-01T10:00:00+00:00 is before that of entry 0 "
        "(2031-05-02T10:00:00+00:00): back-dated, or written with the clock set back",
        f"tree head at size 2 (signed by {TAMSIN}) does not match the entries: an entry before "
        "it was changed, removed or reordered",
        f"tree head at size 3 (signed by {TAMSIN}) does not match the entries: an entry before "
        "it was changed, removed or reordered",
    ]
    assert result.heads_checked == 3


# --- 2. canonical bytes ------------------------------------------------------------------------


def test_a_tampered_body_is_refused(ids: dict[str, Member], keys: dict[str, bytes]) -> None:
    rows, heads = good(ids, 2)
    bad = replace(rows[0], body=rows[0].body.replace(b'"seq":0', b'"seq": 0'))
    result = run([bad, rows[1]], keys, heads, stored=hashes_of(rows))
    assert result.problems == [
        "audit entry 0 is malformed: its bytes were changed",
        f"tree head at size 1 (signed by {TAMSIN}) does not match the entries: an entry before "
        "it was changed, removed or reordered",
        f"tree head at size 2 (signed by {TAMSIN}) does not match the entries: an entry before "
        "it was changed, removed or reordered",
        "stored audit tree nodes do not match the entries",
    ]


def test_a_malformed_entry_is_not_shown_to_the_entry_check(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows, heads = good(ids, 2)
    seen: list[int] = []

    def check(seq: int, e: en.Entry) -> list[str]:
        seen.append(seq)
        return []

    run([replace(rows[0], body=b"{}"), rows[1]], keys, heads, check_entry=check)
    assert seen == [1]


# --- 3. vault ----------------------------------------------------------------------------------


def test_an_entry_of_another_vault_is_refused(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows = log(ids, 2)
    rows[1] = row(entry(1, vault="v-other"), ids[TAMSIN])
    result = run(rows, keys, [(2, head(rows, ids[TAMSIN]))])
    assert result.problems == ["audit entry 1 belongs to another vault"]


# --- 4. signatures -----------------------------------------------------------------------------


def test_a_signature_by_the_wrong_key_is_refused(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows = log(ids, 2)
    rows[1] = row(entry(1), ids[BAURZHAN])  # names Tamsin, signed by Baurzhan
    result = run(rows, keys, [(2, head(rows, ids[TAMSIN]))])
    assert result.problems == [
        f"audit entry 1 (case.read) does not verify under {TAMSIN}'s key: changed, or forged "
        "with a key that is not a member's"
    ]


def test_a_signature_over_other_bytes_is_refused(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows = log(ids, 2)
    e = entry(1)
    sig = ids[TAMSIN].sign(en.signed_message(entry(1, action="case.edit")))
    body = en.encode(e, lambda _m: sig)
    rows[1] = replace(rows[1], body=body)
    result = run(rows, keys, [(2, head(rows, ids[TAMSIN]))])
    assert result.problems == [
        f"audit entry 1 (case.read) does not verify under {TAMSIN}'s key: changed, or forged "
        "with a key that is not a member's"
    ]


def test_a_signature_found_already_is_taken_as_given(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    """``audit verify`` checks signatures on other cores and feeds what they found: the
    verifier reports that, in entry order, and checks a row itself only when told UNCHECKED."""
    rows = log(ids, 3)
    rows[2] = row(entry(2), ids[BAURZHAN])  # names Tamsin, signed by Baurzhan
    heads = [(3, head(rows, ids[TAMSIN]))]
    found = [vf.row_signature_problem(keys, r) for r in rows]
    assert found[:2] == [None, None]
    assert found[2] is not None and found[2].startswith("audit entry 2 (case.read) does not verify")
    v = vf.LogVerifier(VAULT, ORIGIN, keys, iter(heads))
    v.feed(rows[0], "what another core found in entry 0")
    v.feed(rows[1], vf.UNCHECKED)
    v.feed(rows[2], found[2])
    assert v.finish(hashes_of(rows)).problems == ["what another core found in entry 0", found[2]]
    v = vf.LogVerifier(VAULT, ORIGIN, keys, iter(heads))
    for r in rows:
        v.feed(r, None)  # vouched for: not checked again
    assert v.finish(hashes_of(rows)).problems == []
    assert run(rows, keys, heads).problems == [found[2]]  # unchecked by default


def test_a_row_that_does_not_decode_has_no_signature_problem_of_its_own(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows = log(ids, 1)
    assert vf.row_signature_problem(keys, replace(rows[0], body=rows[0].body + b" ")) is None
    stranger_row = row(entry(0, actor="mallory"), ids[TAMSIN])
    assert vf.row_signature_problem(keys, stranger_row) == (
        "audit entry 0 claims to be by 'mallory', who is not a member: forged"
    )


def test_an_entry_by_a_non_member_is_refused(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows = log(ids, 1)
    rows.append(row(entry(1, actor="mallory"), ids[TAMSIN]))
    result = run(rows, keys, [(2, head(rows, ids[TAMSIN]))])
    assert result.problems == [
        "audit entry 1 claims to be by 'mallory', who is not a member: forged"
    ]


def test_signature_problem_with_plain_keys(ids: dict[str, Member], keys: dict[str, bytes]) -> None:
    e = entry(3, actor=BAURZHAN, action="case.edit")
    _, sig, msg = en.decode(en.encode(e, ids[BAURZHAN].sign))
    assert vf.signature_problem(3, e, sig, msg, keys) is None
    assert vf.signature_problem(3, e, sig, msg, {TAMSIN: keys[TAMSIN]}) == (
        f"audit entry 3 claims to be by {BAURZHAN!r}, who is not a member: forged"
    )
    assert vf.signature_problem(3, e, sig, msg, {BAURZHAN: keys[ILSE]}) == (
        f"audit entry 3 (case.edit) does not verify under {BAURZHAN}'s key: changed, or forged "
        "with a key that is not a member's"
    )


def test_signature_problem_with_former_and_revoked_keys(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    old = ids[ILSE].public  # Baurzhan's key before a re-key at entry 5
    e = entry(4, actor=BAURZHAN)
    _, sig, msg = en.decode(en.encode(e, ids[ILSE].sign))
    sk = vf.SignKeys({BAURZHAN: keys[BAURZHAN]}, former={BAURZHAN: [(old, 5)]})
    assert vf.signature_problem(4, e, sig, msg, sk) is None
    wrong = f"(case.read) does not verify under {BAURZHAN}'s key"
    assert wrong in (vf.signature_problem(5, e, sig, msg, sk) or "")  # retired at 5
    # the current key still counts
    _, sig2, _ = en.decode(en.encode(e, ids[BAURZHAN].sign))
    assert vf.signature_problem(4, e, sig2, msg, sk) is None
    assert vf.signature_problem(99, e, sig2, msg, sk) is None
    # revoked at entry 4: the revocation entry itself still counts, nothing after it
    rv = vf.SignKeys({BAURZHAN: keys[BAURZHAN]}, revoked={BAURZHAN: 4})
    assert vf.signature_problem(4, e, sig2, msg, rv) is None
    assert vf.signature_problem(5, e, sig2, msg, rv) == (
        f"audit entry 5 (case.read) is signed by {BAURZHAN!r} after they were revoked: forged "
        "with a key that no longer counts"
    )
    # a revoked person whose key was removed: still "revoked", not "not a member"
    gone = vf.SignKeys({}, revoked={BAURZHAN: 1})
    assert "after they were revoked" in (vf.signature_problem(2, e, sig2, msg, gone) or "")
    assert "who is not a member" in (vf.signature_problem(1, e, sig2, msg, gone) or "")


def test_an_entry_signed_after_revocation_is_refused_in_a_log(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows = [row(entry(s, actor=BAURZHAN), ids[BAURZHAN]) for s in range(3)]
    sk = vf.SignKeys(keys, revoked={BAURZHAN: 1})
    result = run(rows, sk, [(3, head(rows, ids[TAMSIN]))])
    assert result.problems == [
        f"audit entry 2 (case.read) is signed by {BAURZHAN!r} after they were revoked: forged "
        "with a key that no longer counts"
    ]


# --- SignKeys and note keys ----------------------------------------------------------------------


def test_sign_keys_at_each_entry(keys: dict[str, bytes]) -> None:
    a, b, c = keys[TAMSIN], keys[BAURZHAN], keys[ILSE]
    sk = vf.SignKeys({TAMSIN: a}, former={TAMSIN: [(b, 3), (c, 6)]}, revoked={TAMSIN: 8})
    assert dict(sk) == {TAMSIN: a}
    assert sk.former == {TAMSIN: ((b, 3), (c, 6))}
    assert sk.revoked == {TAMSIN: 8}
    assert sk.keys_at(TAMSIN, 2) == [b, c, a]
    assert sk.keys_at(TAMSIN, 3) == [c, a]
    assert sk.keys_at(TAMSIN, 5) == [c, a]
    assert sk.keys_at(TAMSIN, 6) == [a]
    assert sk.keys_at(TAMSIN, 8) == [a]
    assert sk.keys_at(TAMSIN, 9) == []
    assert sk.keys_at(ILSE, 0) == []
    assert sk.every_key(TAMSIN) == [b, c, a]
    assert sk.every_key(ILSE) == []
    gone = vf.SignKeys({}, former={ILSE: [(c, 2)]})
    assert gone.keys_at(ILSE, 1) == [c]
    assert gone.every_key(ILSE) == [c]
    assert vf.SignKeys({}).former == {} and vf.SignKeys({}).revoked == {}


def test_sign_keys_copy_what_they_are_given(keys: dict[str, bytes]) -> None:
    revoked = {TAMSIN: 3}
    sk = vf.SignKeys({TAMSIN: keys[TAMSIN]}, revoked=revoked)
    revoked[TAMSIN] = 99
    assert sk.revoked == {TAMSIN: 3}


def test_note_keys(keys: dict[str, bytes]) -> None:
    a, b = keys[TAMSIN], keys[BAURZHAN]
    assert vf.note_keys({TAMSIN: a}) == {(TAMSIN, cp.key_id(TAMSIN, a)): a}
    sk = vf.SignKeys({TAMSIN: a}, former={TAMSIN: [(b, 3)], ILSE: [(b, 1)]})
    assert vf.note_keys(sk) == {
        (TAMSIN, cp.key_id(TAMSIN, a)): a,
        (TAMSIN, cp.key_id(TAMSIN, b)): b,
        (ILSE, cp.key_id(ILSE, b)): b,
    }
    assert sk.note_keys_at(2) == {
        (TAMSIN, cp.key_id(TAMSIN, b)): b,
        (TAMSIN, cp.key_id(TAMSIN, a)): a,
    }
    assert sk.note_keys_at(3) == {(TAMSIN, cp.key_id(TAMSIN, a)): a}


# --- 5. index columns --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [("time", "2031-05-01T10:00:01+00:00"), ("actor", ILSE), ("action", "case.list")],
)
def test_an_edited_index_column_is_refused(
    ids: dict[str, Member], keys: dict[str, bytes], column: str, value: str
) -> None:
    rows, heads = good(ids, 1)
    edited = replace(rows[0], **{column: value})
    signed = getattr(rows[0], column)
    assert run([edited], keys, heads).problems == [
        f"audit entry 0: its {column} column says {value!r}, its signed body {signed!r}: "
        "the index was edited"
    ]


def test_index_problems_lists_every_edited_column(ids: dict[str, Member]) -> None:
    e = entry(2)
    r = AuditRow(2, "t", "a", "b", (), b"")
    edited = "the index was edited"
    assert vf.index_problems(r, e) == [
        f"audit entry 2: its time column says 't', its signed body {e.time!r}: {edited}",
        f"audit entry 2: its actor column says 'a', its signed body {e.actor!r}: {edited}",
        f"audit entry 2: its action column says 'b', its signed body 'case.read': {edited}",
    ]
    assert vf.index_problems(AuditRow(2, e.time, e.actor, e.action, (), b""), e) == []
    assert vf.EDITED_INDEX == "the index was edited"


# --- 6. time -----------------------------------------------------------------------------------


def test_parse_time() -> None:
    at = vf.parse_time("2031-05-01T10:00:00+02:00")
    assert at is not None and at.utcoffset() is not None
    assert at.isoformat() == "2031-05-01T10:00:00+02:00"
    assert vf.parse_time("2031-05-01T10:00:00") is None  # no zone
    assert vf.parse_time("yesterday") is None
    assert vf.parse_time("") is None


def test_a_back_dated_entry_is_refused(ids: dict[str, Member], keys: dict[str, bytes]) -> None:
    rows = [
        row(entry(0, time=T[2]), ids[TAMSIN]),
        row(entry(1, time=T[3]), ids[TAMSIN]),
        row(entry(2, time=T[1]), ids[TAMSIN]),
        row(entry(3, time=T[2]), ids[TAMSIN]),
    ]
    assert run(rows, keys, [(4, head(rows, ids[TAMSIN]))]).problems == [
        f"audit entry 2: its time {T[1]} is before that of entry 1 ({T[3]}): back-dated, or "
        "written with the clock set back",
        # compared with its predecessor only, not the latest time seen
    ]


def test_time_is_compared_as_an_instant_not_as_text(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows = [
        row(entry(0, time="2031-05-01T12:00:00+02:00"), ids[TAMSIN]),  # 10:00 UTC
        row(entry(1, time="2031-05-01T11:00:00+00:00"), ids[TAMSIN]),
        row(entry(2, time="2031-05-01T10:30:00+00:00"), ids[TAMSIN]),
    ]
    assert run(rows, keys, [(3, head(rows, ids[TAMSIN]))]).problems == [
        "audit entry 2: its time 2031-05-01T10:30:00+00:00 is before that of entry 1 "
        "(2031-05-01T11:00:00+00:00): back-dated, or written with the clock set back"
    ]


def test_an_entry_that_is_not_a_time_is_refused_and_skipped(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows = [
        row(entry(0, time=T[3]), ids[TAMSIN]),
        row(entry(1, time="2031-05-09T10:00:00"), ids[TAMSIN]),
        row(entry(2, time=T[2]), ids[TAMSIN]),
    ]
    assert run(rows, keys, [(3, head(rows, ids[TAMSIN]))]).problems == [
        "audit entry 1: its time '2031-05-09T10:00:00' is not a time",
        # the unreadable time is not taken as the predecessor: entry 2 is compared with 0
        f"audit entry 2: its time {T[2]} is before that of entry 0 ({T[3]}): back-dated, or "
        "written with the clock set back",
    ]


# --- the caller's entry check --------------------------------------------------------------------


def test_the_entry_check_sees_each_entry_and_its_problems_come_in_order(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows, heads = good(ids, 3)
    seen: list[tuple[int, en.Entry]] = []

    def check(seq: int, e: en.Entry) -> list[str]:
        seen.append((seq, e))
        return [f"check {seq}a", f"check {seq}b"] if seq != 1 else []

    rows[2] = replace(rows[2], actor=ILSE)
    result = run(rows, keys, heads, check_entry=check)
    assert seen == [(s, en.decode(rows[s].body)[0]) for s in range(3)]
    assert result.problems == [
        "check 0a",
        "check 0b",
        f"audit entry 2: its actor column says {ILSE!r}, its signed body {TAMSIN!r}: "
        "the index was edited",
        "check 2a",
        "check 2b",
    ]


# --- 7. signed heads -----------------------------------------------------------------------------


def test_a_head_whose_root_does_not_match_is_refused(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows, heads = good(ids, 3)
    other = log(ids, 2)
    other[1] = row(entry(1, action="case.edit"), ids[TAMSIN])
    heads[1] = (2, head(other, ids[BAURZHAN]))
    result = run(rows, keys, heads)
    assert result.problems == [
        f"tree head at size 2 (signed by {BAURZHAN}) does not match the entries: an entry "
        "before it was changed, removed or reordered"
    ]
    assert result.heads_checked == 3


def test_a_head_of_another_log_or_size_is_refused(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows, heads = good(ids, 3)
    heads[0] = (1, head(rows[:1], ids[TAMSIN], origin="casevault/v-other"))
    heads[1] = (2, head(rows[:3], ids[TAMSIN]))  # a note of size 3 stored as size 2
    result = run(rows, keys, heads)
    assert result.problems == [
        "tree head at size 1 names another log or size",
        "tree head at size 2 names another log or size",
    ]
    assert result.heads_checked == 3


def test_a_head_that_does_not_open_is_refused(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows, heads = good(ids, 2)
    forged = head(rows[:1], ids[TAMSIN]).replace("casevault/", "casevault/x", 1)
    unknown = head(rows[:2], stranger())
    result = run(rows, keys, [(1, forged), (2, unknown), (2, heads[1][1])])
    kid = cp.key_id(TAMSIN, ids[TAMSIN].public).hex()
    assert result.problems == [
        f"tree head at size 1: invalid signature for key {TAMSIN}+{kid}",
        "tree head at size 2: note has no verifiable signatures",
    ]
    assert result.heads_checked == 1


def test_a_head_at_size_zero_is_compared_with_the_tree_it_is_checked_against(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows, heads = good(ids, 1)
    result = run(rows, keys, [(0, head([], ids[TAMSIN])), *heads])
    assert result.problems == [
        f"tree head at size 0 (signed by {TAMSIN}) does not match the entries: an entry "
        "before it was changed, removed or reordered"
    ]


def test_heads_out_of_order_are_refused(ids: dict[str, Member], keys: dict[str, bytes]) -> None:
    rows, heads = good(ids, 2)
    result = run(rows, keys, [heads[1], heads[0]])
    # the head at 2 waits for the second entry; the head at 1 then comes too late to match
    assert result.problems == [
        f"tree head at size 1 (signed by {TAMSIN}) does not match the entries: an entry "
        "before it was changed, removed or reordered"
    ]
    assert result.heads_checked == 2


def test_signers_of_a_cosigned_head_are_all_named(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows, heads = good(ids, 3)
    other = log(ids, 2)
    other[1] = row(entry(1, action="case.edit"), ids[TAMSIN])
    heads[1] = (2, cosigned(other, ids[BAURZHAN], ids[ILSE]))
    heads[2] = (5, cosigned(rows, ids[ILSE], ids[TAMSIN]))
    assert run(rows, keys, heads).problems == [
        f"tree head at size 2 (signed by {BAURZHAN}, {ILSE}) does not match the entries: an "
        "entry before it was changed, removed or reordered",
        f"the log was truncated: a tree head signed by {ILSE}, {TAMSIN} covers 5 entries, only "
        "3 remain",
    ]


# --- 8. truncation and a missing head ----------------------------------------------------------


def test_a_truncated_log_is_refused(ids: dict[str, Member], keys: dict[str, bytes]) -> None:
    rows, heads = good(ids, 5)
    heads[4] = (5, head(rows, ids[BAURZHAN]))
    result = run(rows[:2], keys, heads)
    assert result.problems == [
        f"the log was truncated: a tree head signed by {BAURZHAN} covers 5 entries, only 2 remain"
    ]
    assert result.heads_checked == 2
    assert result.size == 2


def test_a_truncated_log_whose_last_head_does_not_open(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows, heads = good(ids, 3)
    heads[2] = (3, head(rows, stranger()))
    result = run(rows[:1], keys, heads)
    assert result.problems == [
        "the log was truncated: a tree head signed by an unknown key covers 3 entries, only 1 "
        "remain"
    ]


def test_a_log_cut_to_nothing_is_refused(ids: dict[str, Member], keys: dict[str, bytes]) -> None:
    _, heads = good(ids, 2)
    result = run([], keys, heads)
    assert result.problems == [
        f"the log was truncated: a tree head signed by {TAMSIN} covers 2 entries, only 0 remain"
    ]


def test_a_log_without_any_head_is_refused(ids: dict[str, Member], keys: dict[str, bytes]) -> None:
    rows = log(ids, 2)
    assert run(rows, keys).problems == ["the log has no signed tree head"]


def test_a_log_whose_only_head_does_not_open_has_no_head(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows = log(ids, 1)
    result = run(rows, keys, [(1, head(rows, stranger()))])
    assert result.problems == [
        "tree head at size 1: note has no verifiable signatures",
        "the log has no signed tree head",
    ]


def test_a_log_with_a_gap_and_no_head_reports_the_gap_only(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows = log(ids, 3)
    assert run([rows[0], rows[2]], keys).problems == ["audit entries 1..1 are missing: deleted"]


# --- 9. stored tree nodes ----------------------------------------------------------------------


def test_stored_nodes_that_differ_are_refused(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    rows, heads = good(ids, 3)
    assert run(rows, keys, heads, stored=lambda n: hashes_of(rows)(n)[:1]).problems == [
        "stored audit tree nodes do not match the entries"
    ]
    asked: list[int] = []

    def stored(n: int) -> tuple[bytes, ...]:
        asked.append(n)
        return tuple(hashes_of(rows)(n))

    assert run(rows, keys, heads, stored=stored).problems == []
    assert asked == [3]


def test_a_missing_stored_node_is_reported(ids: dict[str, Member], keys: dict[str, bytes]) -> None:
    rows, heads = good(ids, 2)

    def stored(n: int) -> list[bytes]:
        raise IntegrityError("audit tree node 1/0 is missing")

    assert run(rows, keys, heads, stored=stored).problems == ["audit tree node 1/0 is missing"]


# --- 10. the case index --------------------------------------------------------------------------


def test_the_case_index_must_file_each_entry_under_exactly_its_cases(
    ids: dict[str, Member], keys: dict[str, bytes]
) -> None:
    named = {0: ["UA-2"], 1: ["UA-1", "UA-2"], 2: [], 3: ["UA-1"]}
    rows = log(ids, 4, cases=lambda s: named[s])
    heads = [(4, head(rows, ids[TAMSIN]))]
    good_refs = {"UA-1": [1, 3], "UA-2": [0, 1]}
    assert run(rows, keys, heads, case_refs=lambda c: good_refs.get(c, [])).problems == []
    edited = {"UA-1": [3, 2, 0], "UA-2": []}
    assert run(rows, keys, heads, case_refs=lambda c: edited.get(c, [])).problems == [
        "audit entry 1: its signed body names UA-1, the case index does not: the index was "
        "edited (the entry is hidden from 'audit log --case')",
        "audit entry 0: the case index files it under UA-1, its signed body does not name it: "
        "the index was edited",
        "audit entry 2: the case index files it under UA-1, its signed body does not name it: "
        "the index was edited",
        "audit entry 0: its signed body names UA-2, the case index does not: the index was "
        "edited (the entry is hidden from 'audit log --case')",
        "audit entry 1: its signed body names UA-2, the case index does not: the index was "
        "edited (the entry is hidden from 'audit log --case')",
    ]
    # without a case index reader, step 10 is skipped
    assert run(rows, keys, heads).problems == []


# --- the result ----------------------------------------------------------------------------------


def test_verify_result_defaults_cap_and_json() -> None:
    r = vf.VerifyResult()
    assert (r.size, r.root, r.heads_checked, r.problems, r.ok) == (
        0,
        merkle.EMPTY_ROOT,
        0,
        [],
        True,
    )
    assert vf.MAX_PROBLEMS == 50
    for i in range(vf.MAX_PROBLEMS + 7):
        r.add(f"p{i}")
    assert r.problems == [f"p{i}" for i in range(50)]
    assert r.ok is False
    r.size, r.heads_checked, r.root = 9, 2, b"\x01" * 32
    assert r.to_json() == {
        "ok": False,
        "size": 9,
        "root": base64.b64encode(b"\x01" * 32).decode(),
        "heads_checked": 2,
        "problems": r.problems,
    }
    assert vf.VerifyResult().to_json() == {
        "ok": True,
        "size": 0,
        "root": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        "heads_checked": 0,
        "problems": [],
    }
    assert vf.VerifyResult().problems is not vf.VerifyResult().problems


def test_the_report_stops_at_the_cap(ids: dict[str, Member], keys: dict[str, bytes]) -> None:
    rows = log(ids, 60)
    bad = [replace(r, actor=ILSE) for r in rows]
    result = run(bad, keys, [(60, head(rows, ids[TAMSIN]))])
    assert len(result.problems) == 50
    assert result.problems[-1].startswith("audit entry 49: its actor column")


# --- properties --------------------------------------------------------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(1, 9), st.data())
def test_any_single_bit_change_in_any_entry_is_refused(
    ids: dict[str, Member], keys: dict[str, bytes], n: int, data: st.DataObject
) -> None:
    rows, heads = good(ids, n)
    heads = heads[-1:]  # as a vault keeps them after its last append: the latest at least
    which = data.draw(st.integers(0, n - 1), label="entry")
    body = rows[which].body
    at = data.draw(st.integers(0, len(body) * 8 - 1), label="bit")
    changed = bytearray(body)
    changed[at // 8] ^= 1 << (at % 8)
    rows[which] = replace(rows[which], body=bytes(changed))
    assert not run(rows, keys, heads).ok
