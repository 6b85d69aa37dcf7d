"""The audit log over a real store (vault/audit/log.py): appending in a transaction, the signed
heads, proofs from stored nodes, the checked listing, verification, and the check against an
outside checkpoint (rollback and fork refused).

Issue 22: the store is a real SQLCipher database under a raw 32-byte key (no Argon2id), created
once per module and copied for each test; members sign with the session's identities. Tampering
writes to the database directly, as a member holding its key could. No command line."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.core.conftest import NAMES
from vault.audit import checkpoint as cp
from vault.audit import entry as en
from vault.audit import merkle
from vault.audit.log import ORIGIN_PREFIX, VERIFY_HINT, AuditEvent, AuditLog
from vault.audit.verification import SignKeys
from vault.crypto import Identity, SecretBytes
from vault.errors import IntegrityError, NotFoundError
from vault.store import AuditFilter, AuditRow, SqlCipherStore

VAULT = "v-5d0e"
T0 = "2031-06-01T09:00:00+00:00"
T1 = "2031-06-01T09:05:00+00:00"
T2 = "2031-06-02T08:00:00+00:00"
KEY = bytes(range(32))


@dataclass(frozen=True)
class Member:
    """A signer (the log's Signer protocol) over one of the session's identities, under a
    one-word name (signed-note names hold no space)."""

    name: str
    identity: Identity

    def sign(self, message: bytes) -> bytes:
        return self.identity.sign(message)

    @property
    def public(self) -> bytes:
        return self.identity.public.sign_public


@pytest.fixture(scope="module")
def members(identities: dict[str, Identity]) -> dict[str, Member]:
    return {n.split()[0].lower(): Member(n.split()[0].lower(), identities[n]) for n in NAMES}


@pytest.fixture(scope="module")
def tamsin(members: dict[str, Member]) -> Member:
    return members["tamsin"]


@pytest.fixture(scope="module")
def baurzhan(members: dict[str, Member]) -> Member:
    return members["baurzhan"]


@pytest.fixture(scope="module")
def keys(members: dict[str, Member]) -> dict[str, bytes]:
    return {name: m.public for name, m in members.items()}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty vault database, made once (creating one costs about a second)."""
    path = tmp_path_factory.mktemp("audit-template") / "vault.db"
    SqlCipherStore.create(path, SecretBytes(KEY)).close()
    return path


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Iterator[SqlCipherStore]:
    path = tmp_path / "vault.db"
    shutil.copy(template, path)
    s = SqlCipherStore.open(path, SecretBytes(KEY))
    yield s
    s.close()


@pytest.fixture
def alog(store: SqlCipherStore) -> AuditLog:
    return AuditLog(store, VAULT)


def events(n: int, prefix: str = "case.read") -> list[AuditEvent]:
    return [
        AuditEvent(prefix, cases=[f"UA-{i}"], fields=["name"], details={"i": i}) for i in range(n)
    ]


def append(alog: AuditLog, who: Member, evs: list[AuditEvent], time: str = T0) -> int:
    with alog.store.write():
        return alog.append(who, who.public, evs, time)


def execute(store: SqlCipherStore, sql: str, args: tuple[object, ...] = ()) -> None:
    """Tamper with the database as a member holding its key could."""
    with store.write():
        store._conn.execute(sql, args)


def bodies(alog: AuditLog) -> list[bytes]:
    with alog.store.read():
        return [r.body for r in alog.store.audit_entries()]


def leaves(alog: AuditLog) -> list[bytes]:
    return [merkle.leaf_hash(b) for b in bodies(alog)]


def verify(alog: AuditLog, keys: dict[str, bytes]) -> list[str]:
    with alog.store.read():
        return alog.verify(keys).problems


# --- appending ---------------------------------------------------------------------------------


def test_origin(alog: AuditLog) -> None:
    assert ORIGIN_PREFIX == "casevault/"
    assert alog.origin == "casevault/v-5d0e"
    assert VERIFY_HINT == "run 'casevault audit verify'"


def test_append_outside_a_write_transaction_is_refused(alog: AuditLog, tamsin: Member) -> None:
    with pytest.raises(
        IntegrityError, match=r"^audit entries must be written in the action's transaction$"
    ):
        alog.append(tamsin, tamsin.public, events(1), T0)
    with alog.store.read():
        assert alog.size() == 0


def test_append_writes_signed_entries_in_order(
    alog: AuditLog, tamsin: Member, baurzhan: Member, keys: dict[str, bytes]
) -> None:
    assert append(alog, tamsin, events(3), T0) == 3
    assert append(alog, baurzhan, [AuditEvent("case.edit", cases=["UA-9", "UA-8"])], T1) == 4
    with alog.store.read():
        assert alog.size() == 4
        rows = list(alog.store.audit_entries())
        refs = sorted(alog.store.audit_case_refs())
    assert [r.seq for r in rows] == [0, 1, 2, 3]
    decoded = [en.decode(r.body) for r in rows]
    assert [d[0] for d in decoded] == [
        en.make(
            VAULT,
            i,
            T0,
            "tamsin",
            "case.read",
            cases=[f"UA-{i}"],
            fields=["name"],
            details={"i": i},
        )
        for i in range(3)
    ] + [en.make(VAULT, 3, T1, "baurzhan", "case.edit", cases=["UA-9", "UA-8"])]
    for (_, sig, msg), signer in zip(decoded, ["tamsin"] * 3 + ["baurzhan"], strict=True):
        assert en.signature_ok(sig, msg, keys[signer])
    assert [(r.time, r.actor, r.action) for r in rows] == [(T0, "tamsin", "case.read")] * 3 + [
        (T1, "baurzhan", "case.edit")
    ]
    assert refs == [("UA-0", 0), ("UA-1", 1), ("UA-2", 2), ("UA-8", 3), ("UA-9", 3)]
    assert verify(alog, keys) == []


def test_append_stores_one_signed_head_per_call(
    alog: AuditLog, tamsin: Member, baurzhan: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(3), T0)
    append(alog, baurzhan, events(2), T1)
    with alog.store.read():
        heads = list(alog.store.audit_heads())
    assert [size for size, _ in heads] == [3, 5]
    lv = leaves(alog)
    for (size, note), (who, time) in zip(heads, [(tamsin, T0), (baurzhan, T1)], strict=True):
        opened = cp.open_note(note, {(who.name, cp.key_id(who.name, who.public)): who.public})
        assert opened.verified == [who.name]
        c = cp.parse_checkpoint(opened.text)
        assert c == cp.Checkpoint(
            "casevault/v-5d0e", size, merkle.root_of(lv[:size]), (f"time {time}",)
        )


def test_append_of_nothing_on_an_empty_log_stores_a_head_of_the_empty_tree(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    assert append(alog, tamsin, [], T0) == 0
    with alog.store.read():
        assert list(alog.store.audit_heads()) == [
            (0, alog.signed_head(0, merkle.EMPTY_ROOT, tamsin, tamsin.public, T0))
        ]


def test_signed_head_is_the_checkpoint_note_signed_by_the_member(
    alog: AuditLog, tamsin: Member
) -> None:
    root = bytes(range(32))
    note = alog.signed_head(7, root, tamsin, tamsin.public, T2)
    text = "casevault/v-5d0e\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\ntime " + T2 + "\n"
    assert note == cp.sign_note(text, "tamsin", tamsin.public, tamsin.sign)


# --- time never runs backwards -----------------------------------------------------------------


def _times(alog: AuditLog) -> list[str]:
    return [en.decode(b)[0].time for b in bodies(alog)]


def test_an_earlier_clock_stamps_the_last_entrys_time(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(1), T1)
    append(alog, tamsin, events(2), T0)  # the clock was set back
    append(alog, tamsin, events(1), T2)
    assert _times(alog) == [T1, T1, T1, T2]
    with alog.store.read():
        heads = list(alog.store.audit_heads())
    assert f"\ntime {T1}\n" in heads[1][1]
    assert verify(alog, keys) == []


def test_the_same_instant_spelled_otherwise_keeps_the_new_spelling(
    alog: AuditLog, tamsin: Member
) -> None:
    same = "2031-06-01T10:05:00+01:00"  # = T1
    append(alog, tamsin, events(1), T1)
    append(alog, tamsin, events(1), same)
    assert _times(alog) == [T1, same]


def test_a_time_that_is_not_a_time_is_refused(alog: AuditLog, tamsin: Member) -> None:
    for bad in ["yesterday", "2031-06-01T09:00:00", ""]:
        with alog.store.write(), pytest.raises(IntegrityError) as err:
            alog.append(tamsin, tamsin.public, events(1), bad)
        assert str(err.value) == f"{bad!r} is not a time"
    with alog.store.read():
        assert alog.size() == 0


def test_a_malformed_last_entry_stops_appending(alog: AuditLog, tamsin: Member) -> None:
    append(alog, tamsin, events(2), T0)
    execute(alog.store, "UPDATE audit_entries SET body = ? WHERE seq = 1", (b"{}",))
    with alog.store.write(), pytest.raises(IntegrityError) as err:
        alog.append(tamsin, tamsin.public, events(1), T1)
    assert str(err.value) == f"audit entry 1 is malformed; {VERIFY_HINT}"
    assert isinstance(err.value.__cause__, IntegrityError)


def test_a_last_entry_without_a_valid_time_stops_appending(alog: AuditLog, tamsin: Member) -> None:
    bad = en.make(VAULT, 0, "soon", "tamsin", "case.read")
    with alog.store.write():
        body = en.encode(bad, tamsin.sign)
        alog.store.append_audit(
            AuditRow(0, "soon", "tamsin", "case.read", (), body), [(0, 0, merkle.leaf_hash(body))]
        )
    with alog.store.write(), pytest.raises(IntegrityError) as err:
        alog.append(tamsin, tamsin.public, events(1), T1)
    assert str(err.value) == f"audit entry 0 has no valid time; {VERIFY_HINT}"


def test_a_far_future_index_column_does_not_stamp_later_entries(
    alog: AuditLog, tamsin: Member
) -> None:
    append(alog, tamsin, events(1), T0)
    execute(
        alog.store,
        "UPDATE audit_entries SET time = ? WHERE seq = 0",
        ("2099-01-01T00:00:00+00:00",),
    )
    append(alog, tamsin, events(1), T1)
    assert _times(alog) == [T0, T1]


# --- tree access and proofs from stored nodes --------------------------------------------------


def test_roots_frontiers_and_subtrees_come_from_stored_nodes(
    alog: AuditLog, tamsin: Member
) -> None:
    append(alog, tamsin, events(5), T0)
    append(alog, tamsin, events(6), T1)
    lv = leaves(alog)
    assert len(lv) == 11
    with alog.store.read():
        for size in range(12):
            assert alog.root_at(size) == merkle.root_of(lv[:size])
            f = merkle.Frontier()
            for h in lv[:size]:
                f.append(h)
            assert alog.frontier(size).hashes() == f.hashes()
            assert alog.frontier(size).size == size
        for start in range(11):
            for end in range(start + 1, 12):
                assert alog.subtree(start, end) == merkle.root_of(lv[start:end]), (start, end)


def test_proofs_from_stored_nodes_verify(alog: AuditLog, tamsin: Member) -> None:
    append(alog, tamsin, events(9), T0)
    lv = leaves(alog)
    with alog.store.read():
        for size in range(1, 10):
            root = merkle.root_of(lv[:size])
            for seq in range(size):
                merkle.check_inclusion(seq, size, lv[seq], alog.inclusion_proof(seq, size), root)
            for old in range(1, size + 1):
                proof = alog.consistency_proof(old, size)
                merkle.check_consistency(old, size, merkle.root_of(lv[:old]), root, proof)
        with pytest.raises(ValueError, match="leaf index outside the tree"):
            alog.inclusion_proof(9, 9)
        with pytest.raises(ValueError, match="sizes must satisfy"):
            alog.consistency_proof(0, 9)


def test_signatures_found_ahead_are_what_verify_reports(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    """``signatures`` gets the stored rows, in order, and what it says of each is reported."""
    append(alog, tamsin, events(3), T0)
    seen: list[int] = []

    def ahead(rows: Iterator[AuditRow]) -> Iterator[tuple[AuditRow, str | None]]:
        for r in rows:
            seen.append(r.seq)
            yield r, f"entry {r.seq} found wanting" if r.seq == 1 else None

    with alog.store.read():
        assert alog.verify(keys, signatures=ahead).problems == ["entry 1 found wanting"]
    assert seen == [0, 1, 2]
    assert verify(alog, keys) == []


def test_a_missing_stored_node_is_refused(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(6), T0)
    execute(alog.store, "DELETE FROM audit_nodes WHERE level = 1 AND idx = 2")
    with alog.store.read():
        with pytest.raises(IntegrityError, match=r"^audit tree node 1/2 is missing$"):
            alog.frontier(6)
        with pytest.raises(IntegrityError, match=r"^audit tree node 1/2 is missing$"):
            alog.subtree(4, 6)
        assert alog.root_at(4) == merkle.root_of(leaves(alog)[:4])
    assert verify(alog, keys) == ["audit tree node 1/2 is missing"]


def test_entry_body(alog: AuditLog, tamsin: Member) -> None:
    append(alog, tamsin, events(2), T0)
    with alog.store.read():
        assert alog.entry_body(1) == bodies(alog)[1]
        with pytest.raises(NotFoundError, match=r"^no audit entry 2$"):
            alog.entry_body(2)


# --- the checked listing -----------------------------------------------------------------------


def _find(alog: AuditLog, keys: dict[str, bytes], **kw: object) -> list[tuple[int, en.Entry]]:
    with alog.store.read():
        return alog.find(AuditFilter(**kw), keys)  # type: ignore[arg-type]


def _find_refused(alog: AuditLog, keys: dict[str, bytes], **kw: object) -> str:
    with pytest.raises(IntegrityError) as err:
        _find(alog, keys, **kw)
    return str(err.value)


def test_find_lists_checked_entries_newest_first(
    alog: AuditLog, tamsin: Member, baurzhan: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(3), T0)
    append(alog, baurzhan, [AuditEvent("case.edit", cases=["UA-1"])], T1)
    found = _find(alog, keys)
    assert [seq for seq, _ in found] == [3, 2, 1, 0]
    assert [e for _, e in found] == [en.decode(b)[0] for b in reversed(bodies(alog))]
    assert [seq for seq, _ in _find(alog, keys, case_id="UA-1")] == [3, 1]
    assert [seq for seq, _ in _find(alog, keys, actor="baurzhan")] == [3]
    assert _find(alog, keys, case_id="UA-7") == []


def test_find_refuses_a_changed_body(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(2), T0)
    execute(
        alog.store, "UPDATE audit_entries SET body = ? WHERE seq = 0", (bodies(alog)[0] + b" ",)
    )
    assert _find_refused(alog, keys) == (
        f"audit entry 0 is malformed: its bytes were changed; {VERIFY_HINT}"
    )


def test_find_refuses_a_forged_signature(
    alog: AuditLog, tamsin: Member, baurzhan: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(2), T0)
    forged = en.encode(en.decode(bodies(alog)[1])[0], baurzhan.sign)  # names tamsin
    execute(alog.store, "UPDATE audit_entries SET body = ? WHERE seq = 1", (forged,))
    assert _find_refused(alog, keys) == (
        "audit entry 1 (case.read) does not verify under tamsin's key: changed, or forged with "
        f"a key that is not a member's; {VERIFY_HINT}"
    )
    # the signature is named first, before what else is wrong with the row
    execute(alog.store, "UPDATE audit_entries SET actor = 'ilse' WHERE seq = 1")
    assert _find_refused(alog, keys).startswith("audit entry 1 (case.read) does not verify")


def test_find_refuses_an_entry_by_a_non_member(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(1), T0)
    assert _find_refused(alog, {"baurzhan": keys["baurzhan"]}) == (
        f"audit entry 0 claims to be by 'tamsin', who is not a member: forged; {VERIFY_HINT}"
    )


def test_find_refuses_swapped_entries(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(2), T0)
    b0, b1 = bodies(alog)
    execute(alog.store, "UPDATE audit_entries SET body = ? WHERE seq = 0", (b1,))
    execute(alog.store, "UPDATE audit_entries SET body = ? WHERE seq = 1", (b0,))
    assert _find_refused(alog, keys) == (
        f"audit entry 1 holds entry 0: entries were swapped or reordered; {VERIFY_HINT}"
    )


@pytest.mark.parametrize(
    ("column", "value", "signed"),
    [("time", T2, T0), ("actor", "ilse", "tamsin"), ("action", "case.list", "case.read")],
)
def test_find_refuses_an_edited_index_column(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes], column: str, value: str, signed: str
) -> None:
    append(alog, tamsin, events(2), T0)
    execute(alog.store, f"UPDATE audit_entries SET {column} = ? WHERE seq = 0", (value,))  # noqa: S608
    assert _find_refused(alog, keys) == (
        f"audit entry 0: its {column} column says {value!r}, its signed body {signed!r}: "
        f"the index was edited; {VERIFY_HINT}"
    )


def test_find_refuses_an_entry_filed_under_a_case_it_does_not_name(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(3), T0)
    execute(alog.store, "INSERT INTO audit_case_refs(case_id, seq) VALUES ('UA-2', 0)")
    assert [s for s, _ in _find(alog, keys, case_id="UA-0")] == [0]
    assert _find_refused(alog, keys, case_id="UA-2") == (
        "audit entry 0: the case index files it under UA-2, its signed body does not name it: "
        f"the index was edited; {VERIFY_HINT}"
    )
    # an unfiltered listing does not read the case index
    assert [s for s, _ in _find(alog, keys)] == [2, 1, 0]


# --- verification over the store ---------------------------------------------------------------


def test_verify_a_good_log(
    alog: AuditLog, tamsin: Member, baurzhan: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(3), T0)
    append(alog, baurzhan, events(2), T1)
    with alog.store.read():
        result = alog.verify(keys)
    assert result.ok and result.problems == []
    assert result.size == 5
    assert result.root == merkle.root_of(leaves(alog))
    assert result.heads_checked == 2


def test_verify_passes_every_entry_to_the_entry_check(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(2), T0)
    seen: list[int] = []

    def check(seq: int, e: en.Entry) -> list[str]:
        seen.append(seq)
        return [f"outside {seq}"]

    with alog.store.read():
        assert alog.verify(keys, check_entry=check).problems == ["outside 0", "outside 1"]
    assert seen == [0, 1]


def test_verify_refuses_a_deleted_entry(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(4), T0)
    execute(alog.store, "DELETE FROM audit_entries WHERE seq = 1")
    assert verify(alog, keys) == [
        "audit entries 1..1 are missing: deleted",
        "the log was truncated: a tree head signed by tamsin covers 4 entries, only 3 remain",
    ]


def test_verify_refuses_a_truncated_log(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, [AuditEvent("case.list")] * 2, T0)
    append(alog, tamsin, [AuditEvent("case.list")] * 2, T1)
    execute(alog.store, "DELETE FROM audit_entries WHERE seq >= 2")
    assert verify(alog, keys) == [
        "the log was truncated: a tree head signed by tamsin covers 4 entries, only 2 remain"
    ]


def test_verify_refuses_a_changed_entry(
    alog: AuditLog, tamsin: Member, baurzhan: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(2), T0)
    e = en.decode(bodies(alog)[0])[0]
    forged = en.encode(en.make(VAULT, 0, T0, "tamsin", "case.list"), baurzhan.sign)
    assert e.action == "case.read"
    execute(alog.store, "UPDATE audit_entries SET body = ? WHERE seq = 0", (forged,))
    assert verify(alog, keys) == [
        "audit entry 0 (case.list) does not verify under tamsin's key: changed, or forged with "
        "a key that is not a member's",
        "audit entry 0: its action column says 'case.read', its signed body 'case.list': the "
        "index was edited",
        "tree head at size 2 (signed by tamsin) does not match the entries: an entry before it "
        "was changed, removed or reordered",
        "stored audit tree nodes do not match the entries",
    ]


def test_verify_reads_the_case_index(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(3), T0)
    execute(alog.store, "DELETE FROM audit_case_refs WHERE seq = 1")
    execute(alog.store, "INSERT INTO audit_case_refs(case_id, seq) VALUES ('UA-0', 2)")
    assert verify(alog, keys) == [
        "audit entry 2: the case index files it under UA-0, its signed body does not name it: "
        "the index was edited",
        "audit entry 1: its signed body names UA-1, the case index does not: the index was "
        "edited (the entry is hidden from 'audit log --case')",
    ]


def test_verify_refuses_changed_stored_nodes(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(3), T0)
    execute(alog.store, "UPDATE audit_nodes SET hash = ? WHERE level = 0 AND idx = 2", (bytes(32),))
    assert verify(alog, keys) == ["stored audit tree nodes do not match the entries"]


# --- against an outside checkpoint -------------------------------------------------------------


def _check(alog: AuditLog, note: str, keys: object) -> tuple[int, int]:
    with alog.store.read():
        return alog.check_against(note, keys)  # type: ignore[arg-type]


def _check_refused(alog: AuditLog, note: str, keys: object) -> str:
    with pytest.raises(IntegrityError) as err:
        _check(alog, note, keys)
    return str(err.value)


def _head_at(alog: AuditLog, size: int) -> str:
    with alog.store.read():
        return dict(alog.store.audit_heads())[size]


def test_the_log_extends_its_own_older_checkpoints(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(3), T0)
    old = _head_at(alog, 3)
    append(alog, tamsin, events(4), T1)
    assert _check(alog, old, keys) == (3, 7)
    assert _check(alog, _head_at(alog, 7), keys) == (7, 7)
    assert _check(alog, old, SignKeys(keys)) == (3, 7)


def test_every_log_extends_the_empty_checkpoint(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    empty = alog.signed_head(0, merkle.EMPTY_ROOT, tamsin, tamsin.public, T0)
    assert _check(alog, empty, keys) == (0, 0)
    append(alog, tamsin, events(2), T0)
    assert _check(alog, empty, keys) == (0, 2)
    # even with a root that is not the empty tree's: nothing to prove at size 0
    odd = alog.signed_head(0, bytes(32), tamsin, tamsin.public, T0)
    assert _check(alog, odd, keys) == (0, 2)


def test_a_rollback_is_refused(
    alog: AuditLog, tamsin: Member, baurzhan: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(2), T0)
    append(alog, baurzhan, events(3), T1)
    newer = _head_at(alog, 5)
    execute(alog.store, "DELETE FROM audit_entries WHERE seq >= 2")  # an older copy of the vault
    assert _check_refused(alog, newer, keys) == (
        "rollback: the checkpoint (signed by baurzhan) covers 5 entries, this vault's log has "
        "only 2: it is an older copy"
    )


def test_a_rollback_names_every_signer_of_the_checkpoint(
    alog: AuditLog, tamsin: Member, baurzhan: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, [AuditEvent("case.list")] * 3, T0)
    root = merkle.root_of(leaves(alog))
    one = alog.signed_head(3, root, tamsin, tamsin.public, T0)
    two = alog.signed_head(3, root, baurzhan, baurzhan.public, T0)
    note = one + two[two.rindex("\n\n") + 2 :]
    assert _check(alog, note, keys) == (3, 3)
    execute(alog.store, "DELETE FROM audit_entries WHERE seq >= 1")
    assert _check_refused(alog, note, keys) == (
        "rollback: the checkpoint (signed by tamsin, baurzhan) covers 3 entries, this vault's "
        "log has only 1: it is an older copy"
    )


def test_a_fork_is_refused(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes], store: SqlCipherStore
) -> None:
    append(alog, tamsin, events(3), T0)
    theirs = alog.signed_head(2, merkle.root_of(leaves(alog)[1:3]), tamsin, tamsin.public, T0)
    with pytest.raises(IntegrityError) as err:
        _check(alog, theirs, keys)
    assert str(err.value) == (
        "the log does not extend the checkpoint at size 2: its history was rewritten (a fork, "
        "or an older copy with new entries)"
    )
    assert isinstance(err.value.__cause__, merkle.ProofError)
    # a checkpoint of the same size with another root is a fork too
    same = alog.signed_head(3, bytes(32), tamsin, tamsin.public, T0)
    assert "does not extend the checkpoint at size 3" in _check_refused(alog, same, keys)


def test_a_checkpoint_of_another_log_is_refused(
    alog: AuditLog, tamsin: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(2), T0)
    other = AuditLog(alog.store, "v-other").signed_head(
        2, merkle.root_of(leaves(alog)), tamsin, tamsin.public, T0
    )
    assert (
        _check_refused(alog, other, keys) == "the checkpoint is for another log (casevault/v-other)"
    )


def test_a_checkpoint_not_signed_by_a_member_is_refused(
    alog: AuditLog, tamsin: Member, baurzhan: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(2), T0)
    note = _head_at(alog, 2)
    assert (
        _check_refused(alog, note, {"baurzhan": keys["baurzhan"]})
        == "note has no verifiable signatures"
    )
    tampered = note.replace("\n2\n", "\n1\n", 1)
    assert _check_refused(alog, tampered, keys).startswith("invalid signature for key tamsin+")
    with pytest.raises(cp.MalformedNoteError):
        _check(alog, note.rstrip("\n"), keys)


def test_a_checkpoint_by_a_key_that_no_longer_counted_is_refused(
    alog: AuditLog, tamsin: Member, baurzhan: Member, keys: dict[str, bytes]
) -> None:
    append(alog, tamsin, events(4), T0)
    note = alog.signed_head(3, merkle.root_of(leaves(alog)[:3]), baurzhan, baurzhan.public, T0)
    refusal = (
        "the checkpoint is signed only by keys that no longer counted at its size (a revoked or "
        "replaced key): it proves nothing"
    )
    # revoked at entry 1: a checkpoint of 3 entries covers entry 2, after the revocation
    revoked = SignKeys(keys, revoked={"baurzhan": 1})
    assert _check_refused(alog, note, revoked) == refusal
    # revoked at entry 2: the checkpoint's last entry is the revocation itself, which counts
    assert _check(alog, note, SignKeys(keys, revoked={"baurzhan": 2})) == (3, 4)
    # the same key as a former key of baurzhan's, retired by entry 2 or entry 3
    current = {**keys, "baurzhan": keys["ilse"]}
    assert (
        _check_refused(alog, note, SignKeys(current, former={"baurzhan": [(baurzhan.public, 2)]}))
        == refusal
    )
    assert _check(alog, note, SignKeys(current, former={"baurzhan": [(baurzhan.public, 3)]})) == (
        3,
        4,
    )
    # a plain mapping knows no history: the key opens the note
    assert _check(alog, note, keys) == (3, 4)


def test_a_checkpoint_by_a_removed_member_is_refused_from_size_one(
    alog: AuditLog, tamsin: Member, baurzhan: Member, keys: dict[str, bytes]
) -> None:
    """A member whose only key is a former one (removed from the vault) signs nothing that
    counts: not a checkpoint of one entry; a checkpoint of none proves nothing anyway."""
    append(alog, tamsin, events(2), T0)
    gone = SignKeys({"tamsin": keys["tamsin"]}, former={"baurzhan": [(baurzhan.public, 5)]})
    one = alog.signed_head(1, leaves(alog)[0], baurzhan, baurzhan.public, T0)
    assert _check_refused(alog, one, gone).startswith("the checkpoint is signed only by keys")
    empty = alog.signed_head(0, merkle.EMPTY_ROOT, baurzhan, baurzhan.public, T0)
    assert _check(alog, empty, gone) == (0, 2)
