"""The signed state chain (vault.policy.state): what a replay must refuse, record kind by kind.

Pure unit tests: records are built in memory, signed with identities made once, and replayed; no
vault on disk, no command line. Kinds are written out as literal strings (not the module's
constants) and error messages are compared whole, so that a changed name or message is seen.
Every person here is invented."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from vault.crypto import Identity, canonical_json
from vault.crypto.hierarchy import state_record_message
from vault.errors import IntegrityError
from vault.policy import state as st
from vault.policy.loader import parse_policy

VID = "vault-7f3a"
T0 = "2026-01-05T09:00:00Z"
T1 = "2026-01-06T10:30:00Z"

#: A small policy: one role per permission, and levels read by some roles and not others, so
#: that a revocation's reach (the role keys it advances) is not everything.
POLICY = """\
format = 1
name = "tiny"
version = 1
levels = ["public", "restricted", "secret"]

[roles.admin]
reads = []
manages_people = true

[roles.caseworker]
reads = ["public", "restricted", "secret"]
writes_cases = true

[roles.reviewer]
reads = ["public", "restricted"]
drafts = true
reviews = true

[roles.viewer]
reads = ["public"]

[roles.publisher]
reads = []
publishes = true

[fields]
case_id = { kind = "short_text", level = "public" }
"""

#: The same policy without the roles viewer and publisher (a policy.set that drops them).
POLICY_FEWER = POLICY.replace('[roles.viewer]\nreads = ["public"]\n', "").replace(
    "[roles.publisher]\nreads = []\npublishes = true\n", ""
)
#: The same policy with another version number (a policy.set that keeps every role).
POLICY_V2 = POLICY.replace("version = 1", "version = 2")

PEOPLE = (
    "tamsin",  # admin, founder
    "odile",  # second admin
    "baurzhan",  # caseworker
    "ilse",  # reviewer
    "wenke",  # viewer
    "piet",  # publisher
    "tamsin2",  # tamsin's next identity (a re-key)
    "baurzhan2",  # baurzhan's next identity
    "recovery1",  # the recovery key
    "recovery2",  # the next recovery key
)


@pytest.fixture(scope="module")
def ids(identities: dict[str, Identity]) -> dict[str, Identity]:
    """The conftest's three identities for the first three roles, and more made here once."""
    out = dict(zip(("tamsin", "baurzhan", "ilse"), identities.values(), strict=True))
    for name in PEOPLE:
        out.setdefault(name, Identity.generate(name))
    return out


def mp(ident: Identity, name: str, role: str) -> dict[str, Any]:
    """A member payload naming ``ident``'s public keys."""
    return st.member_payload(name, role, ident.public.sign_public, ident.public.kem_public)


def sign(ident: Identity, body: bytes) -> bytes:
    return ident.sign(state_record_message(body))


def genesis_row(
    ident: Identity, name: str = "tamsin", role: str = "admin", policy: str = POLICY, **kw: Any
) -> tuple[bytes, bytes]:
    payload = {**mp(ident, name, role), "policy": policy}
    body = st.encode(
        kw.get("vault_id", VID),
        kw.get("seq", 1),
        kw.get("prev", ""),
        kw.get("kind", "genesis"),
        kw.get("author", name),
        T0,
        payload,
    )
    return body, sign(kw.get("signer", ident), body)


def refused(fn: Callable[[], Any], message: str) -> None:
    """``fn()`` raises IntegrityError with exactly ``message``."""
    with pytest.raises(IntegrityError) as err:
        fn()
    assert str(err.value) == message


class Chain:
    """A chain under construction: rows, and the state after them."""

    def __init__(self, ids: dict[str, Identity]) -> None:
        self.ids = ids
        self.rows = [genesis_row(ids["tamsin"])]
        self.state = st.replay(VID, self.rows)

    def body(
        self, kind: str, author: str, payload: dict[str, Any], time: str = T1, **kw: Any
    ) -> bytes:
        return st.encode(
            kw.get("vault_id", VID),
            kw.get("seq", self.state.seq + 1),
            kw.get("prev", self.state.head),
            kind,
            author,
            time,
            payload,
        )

    def row(
        self, kind: str, author: str, payload: dict[str, Any], signer: str | None = None, **kw: Any
    ) -> tuple[bytes, bytes]:
        body = self.body(kind, author, payload, **kw)
        return body, sign(self.ids[signer or author], body)

    def add(
        self, kind: str, author: str, payload: dict[str, Any], signer: str | None = None, **kw: Any
    ) -> st.VaultState:
        body, sig = self.row(kind, author, payload, signer, **kw)
        self.state = st.apply(self.state, body, sig)
        self.rows.append((body, sig))
        return self.state

    def refuse(
        self,
        message: str,
        kind: str,
        author: str,
        payload: dict[str, Any],
        signer: str | None = None,
        **kw: Any,
    ) -> None:
        body, sig = self.row(kind, author, payload, signer, **kw)
        refused(lambda: st.apply(self.state, body, sig), message)

    def enrol(self, name: str, role: str, ident: str | None = None) -> st.VaultState:
        return self.add("member.add", "tamsin", mp(self.ids[ident or name], name, role))


def staffed(ids: dict[str, Identity]) -> Chain:
    """Founder tamsin (admin) and one person of each other role."""
    c = Chain(ids)
    c.enrol("odile", "admin")
    c.enrol("baurzhan", "caseworker")
    c.enrol("ilse", "reviewer")
    c.enrol("wenke", "viewer")
    c.enrol("piet", "publisher")
    return c


def commit(*slots: str) -> dict[str, Any]:
    return {"commitments": {s: st.b64(hashlib.sha256(s.encode()).digest()) for s in slots}}


def recovery(ids: dict[str, Identity], who: str = "recovery1", **over: Any) -> dict[str, Any]:
    r = ids[who].public
    p = st.recovery_payload(r.sign_public, r.kem_public, "age1qqexample", 2, 3, ("a", "b", "c"))
    return {**p, **over}


# --- formats, pinned ----------------------------------------------------------------------------


def test_encode_is_pinned_canonical_json() -> None:
    body = st.encode("v", 3, "ab", "policy.set", "tamsin", T0, {"policy": "x"})
    assert body == (
        b'{"author":"tamsin","format":"casevault-state-v1","kind":"policy.set",'
        b'"payload":{"policy":"x"},"prev":"ab","seq":3,"time":"2026-01-05T09:00:00Z",'
        b'"vault_id":"v"}'
    )


def test_encode_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError) as err:
        st.encode("v", 2, "ab", "member.promote", "tamsin", T0, {})
    assert str(err.value) == "unknown state record kind 'member.promote'"


def test_every_kind_is_known_by_its_written_name() -> None:
    for kind in (
        "genesis",
        "member.add",
        "policy.set",
        "keys.create",
        "member.revoke",
        "member.rekey",
        "recovery.set",
        "vault.restore",
        "keys.retire",
        "terms.accept",
        "terms.withdraw",
    ):
        assert json.loads(st.encode("v", 1, "", kind, "a", T0, {}))["kind"] == kind
    assert (st.DB_SLOT, st.RECOVERY_SLOT) == ("db:key", "role:recovery")
    assert set(st.RECOVERY_KINDS) == {"member.add", "vault.restore", "keys.create"}


def test_payload_builders_are_pinned() -> None:
    assert st.b64(b"\x00\xff") == "AP8="
    assert st.member_payload("n", "admin", b"\x01", b"\x02") == {
        "name": "n",
        "role": "admin",
        "sign_public": "AQ==",
        "kem_public": "Ag==",
    }
    assert st.recovery_payload(b"\x01", b"\x02", "age1x", 2, 3, iter(["a", "b", "c"])) == {
        "sign_public": "AQ==",
        "kem_public": "Ag==",
        "age_recipient": "age1x",
        "threshold": 2,
        "shares": 3,
        "trustees": ["a", "b", "c"],
    }


def test_signed_message_is_the_state_record_context() -> None:
    assert st.signed_message(b"body") == state_record_message(b"body")


def test_parse_reads_every_field_and_hashes_the_body() -> None:
    body = st.encode("v", 7, "cd", "vault.restore", "odile", T1, {"k": [1]})
    r = st.parse(body)
    assert (r.seq, r.kind, r.author, r.time, r.prev, dict(r.payload), r.body) == (
        7,
        "vault.restore",
        "odile",
        T1,
        "cd",
        {"k": [1]},
        body,
    )
    assert r.hash == hashlib.sha256(body).hexdigest()


def _canon(**over: Any) -> bytes:
    d: dict[str, Any] = {
        "format": "casevault-state-v1",
        "vault_id": "v",
        "seq": 2,
        "prev": "ab",
        "kind": "vault.restore",
        "author": "tamsin",
        "time": T0,
        "payload": {},
    }
    d.update(over)
    return canonical_json({k: v for k, v in d.items() if v is not ...})


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'"text"',
        b"{}",
        _canon(seq="two"),
        _canon(seq=None),
        _canon(payload=[1]),
        _canon(payload=5),
        _canon(format=...),
        _canon(seq=...),
        _canon(kind=...),
        _canon(author=...),
        _canon(time=...),
        _canon(prev=...),
        _canon(payload=...),
    ],
)
def test_parse_refuses_malformed_bodies(body: bytes) -> None:
    refused(lambda: st.parse(body), "a state record is malformed")


@pytest.mark.parametrize(
    "body",
    [
        _canon(format="casevault-state-v2"),
        _canon(format="casevault-state-v1 "),
        _canon().replace(b",", b", "),
        json.dumps(json.loads(_canon()), sort_keys=False, indent=1).encode(),
        _canon() + b"\n",
        _canon(author="t\u00e4msin").replace(b"\\u00e4", "\u00e4".encode()),
    ],
)
def test_parse_refuses_what_is_not_canonical(body: bytes) -> None:
    refused(lambda: st.parse(body), "a state record is not in canonical form")


# --- member payloads and keys ---------------------------------------------------------------------


def test_member_of_reads_a_member_and_its_defaults(ids: dict[str, Identity]) -> None:
    p = ids["ilse"].public
    m = st.member_of(mp(ids["ilse"], "ilse", "reviewer"))
    assert m == st.MemberState("ilse", "reviewer", p.sign_public, p.kem_public, "", "", "")
    assert m.revoked_at is None
    m2 = st.member_of(mp(ids["ilse"], "ilse", "reviewer"), T0, "tamsin", "ab")
    assert (m2.added_at, m2.added_by, m2.record_hash) == (T0, "tamsin", "ab")


@pytest.mark.parametrize("missing", ["name", "role"])
def test_member_of_refuses_a_payload_without_name_or_role(
    ids: dict[str, Identity], missing: str
) -> None:
    p = mp(ids["ilse"], "ilse", "reviewer")
    del p[missing]
    refused(lambda: st.member_of(p), "a state record names no member")


@pytest.mark.parametrize(("field", "size"), [("sign_public", 32), ("kem_public", 1216)])
def test_member_keys_must_be_strict_base64_of_the_exact_size(
    ids: dict[str, Identity], field: str, size: int
) -> None:
    good = mp(ids["ilse"], "ilse", "reviewer")
    for bad_size in (size - 1, size + 1, 0):
        p = {**good, field: st.b64(b"\x07" * bad_size)}
        refused(lambda p=p: st.member_of(p), f"a state record has a {field} of the wrong size")
    # A character outside base64 is refused, not skipped (skipped, the key would decode fine).
    text = good[field]
    for bad in (text[:8] + "!" + text[8:], text[:8] + "\n" + text[8:], "not base64", 5):
        p = {**good, field: bad}
        refused(lambda p=p: st.member_of(p), f"a state record has a malformed {field}")
    p = {k: v for k, v in good.items() if k != field}
    refused(lambda: st.member_of(p), f"a state record has a malformed {field}")


# --- genesis --------------------------------------------------------------------------------------


def test_genesis_gives_the_founders_state(ids: dict[str, Identity]) -> None:
    body, sig = genesis_row(ids["tamsin"])
    s = st.replay(VID, [(body, sig)])
    p = ids["tamsin"].public
    founder = st.MemberState(
        "tamsin",
        "admin",
        p.sign_public,
        p.kem_public,
        T0,
        "tamsin",
        hashlib.sha256(body).hexdigest(),
    )
    assert s == st.VaultState(
        VID,
        "tamsin",
        POLICY,
        parse_policy(POLICY),
        {"tamsin": founder},
        seq=1,
        head=hashlib.sha256(body).hexdigest(),
    )
    assert (s.epochs, s.commitments, s.former_keys, s.revoked_seq, s.retired) == ({},) * 5
    assert (s.recovery, s.restores, s.public_terms) == (None, 0, frozenset())
    assert s.policy_digest == hashlib.sha256(POLICY.encode()).hexdigest()
    assert s.is_active("tamsin")
    assert s.recovery_holder() is None


def test_a_state_needs_at_least_its_genesis() -> None:
    refused(lambda: st.replay(VID, []), "the vault has no signed state")


def test_genesis_of_another_vault_is_refused(ids: dict[str, Identity]) -> None:
    row = genesis_row(ids["tamsin"], vault_id="vault-other")
    refused(lambda: st.replay(VID, [row]), "the vault's state belongs to another vault")


NOT_GENESIS = "the vault's state does not start with its founder's genesis record"


@pytest.mark.parametrize(
    "over",
    [
        {"seq": 2},
        {"seq": 0},
        {"prev": "00" * 32},
        {"kind": "member.add"},
        {"kind": "policy.set"},
    ],
)
def test_the_chain_must_start_with_a_genesis_record(
    ids: dict[str, Identity], over: dict[str, Any]
) -> None:
    row = genesis_row(ids["tamsin"], **over)
    refused(lambda: st.replay(VID, [row]), NOT_GENESIS)


def test_genesis_must_be_signed_by_the_founder_it_names(ids: dict[str, Identity]) -> None:
    row = genesis_row(ids["tamsin"], author="odile", signer=ids["odile"])
    refused(
        lambda: st.replay(VID, [row]), "the genesis record is not signed by the founder it names"
    )
    row = genesis_row(ids["tamsin"], signer=ids["odile"])
    refused(lambda: st.replay(VID, [row]), "the genesis record's signature is invalid")
    body, sig = genesis_row(ids["tamsin"])
    for bad in (sig[:-1] + bytes([sig[-1] ^ 1]), sig[:32], b"", bytes(64)):
        refused(
            lambda b=bad: st.replay(VID, [(body, b)]), "the genesis record's signature is invalid"
        )
    other, _ = genesis_row(ids["tamsin"], policy=POLICY_V2)
    refused(
        lambda: st.replay(VID, [(body, sign(ids["tamsin"], other))]),
        "the genesis record's signature is invalid",
    )
    refused(
        lambda: st.replay(VID, [(body, ids["tamsin"].sign(body))]),
        "the genesis record's signature is invalid",
    )


def test_the_founder_must_manage_people(ids: dict[str, Identity]) -> None:
    row = genesis_row(ids["tamsin"], role="caseworker")
    refused(lambda: st.replay(VID, [row]), "the founder's role does not manage people")
    row = genesis_row(ids["tamsin"], role="nobody")
    refused(lambda: st.replay(VID, [row]), "the founder's role does not manage people")


def test_genesis_needs_a_valid_policy(ids: dict[str, Identity]) -> None:
    payload = mp(ids["tamsin"], "tamsin", "admin")
    for policy in (None, 5, ["x"]):
        body = st.encode(VID, 1, "", "genesis", "tamsin", T0, {**payload, "policy": policy})
        refused(
            lambda b=body: st.replay(VID, [(b, sign(ids["tamsin"], b))]),
            "state record 1 holds no policy",
        )
    body = st.encode(VID, 1, "", "genesis", "tamsin", T0, payload)
    refused(
        lambda: st.replay(VID, [(body, sign(ids["tamsin"], body))]),
        "state record 1 holds no policy",
    )
    bad = POLICY.replace("manages_people = true", "")
    body = st.encode(VID, 1, "", "genesis", "tamsin", T0, {**payload, "policy": bad})
    refused(
        lambda: st.replay(VID, [(body, sign(ids["tamsin"], body))]),
        "the policy of state record 1: (top level): no role manages people "
        "(an admin role is required)",
    )


def test_a_second_genesis_is_refused(ids: dict[str, Identity]) -> None:
    c = Chain(ids)
    payload = {**mp(ids["tamsin"], "tamsin", "admin"), "policy": POLICY}
    c.refuse("state record 2 is of an unknown kind 'genesis'", "genesis", "tamsin", payload)
    first = c.rows[0]
    refused(
        lambda: st.replay(VID, [first, first]),
        "state record 1 does not follow record 1: the chain is broken",
    )


def test_an_unknown_kind_is_refused_even_when_signed(ids: dict[str, Identity]) -> None:
    c = Chain(ids)
    body = _canon(vault_id=VID, seq=2, prev=c.state.head, kind="member.promote", author="tamsin")
    refused(
        lambda: st.apply(c.state, body, sign(ids["tamsin"], body)),
        "state record 2 is of an unknown kind 'member.promote'",
    )


# --- every record: vault, chain position, author, signature ----------------------------------


def test_a_record_of_another_vault_is_refused(ids: dict[str, Identity]) -> None:
    c = Chain(ids)
    c.refuse(
        "state record 2 belongs to another vault",
        "vault.restore",
        "tamsin",
        {},
        vault_id="vault-other",
    )


@pytest.mark.parametrize(
    "over", [{"seq": 3}, {"seq": 1}, {"seq": 2, "prev": "00" * 32}, {"prev": ""}]
)
def test_a_record_must_follow_the_head(ids: dict[str, Identity], over: dict[str, Any]) -> None:
    c = Chain(ids)
    seq = over.get("seq", 2)
    c.refuse(
        f"state record {seq} does not follow record 1: the chain is broken",
        "vault.restore",
        "tamsin",
        {},
        **over,
    )


def test_records_signed_by_non_members_or_with_bad_signatures_are_refused(
    ids: dict[str, Identity],
) -> None:
    c = staffed(ids)
    c.refuse(
        "state record 7 is signed by 'stranger', who is not a member",
        "vault.restore",
        "stranger",
        {},
        signer="tamsin",
    )
    bad = "state record 7 (vault.restore) has an invalid signature"
    c.refuse(bad, "vault.restore", "tamsin", {}, signer="odile")
    body, sig = c.row("vault.restore", "tamsin", {})
    other = c.body("vault.restore", "tamsin", {"x": 1})
    for forged in (
        sig[:10] + bytes([sig[10] ^ 0x40]) + sig[11:],
        sig[:-1],
        sig + b"\x00",
        b"",
        sign(ids["tamsin"], other),
        ids["tamsin"].sign(body),  # over the body, not the state record message
    ):
        refused(lambda f=forged: st.apply(c.state, body, f), bad)
    assert st.apply(c.state, body, sig).restores == 1


def test_who_may_sign_what(ids: dict[str, Identity]) -> None:
    """Each kind with a role that may not sign it: refused before it is looked at."""
    c = staffed(ids)
    p_member = mp(ids["baurzhan2"], "newcomer", "viewer")
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        ("member.add", "baurzhan", p_member, "caseworker"),
        ("member.add", "ilse", p_member, "reviewer"),
        ("policy.set", "baurzhan", {"policy": POLICY_V2}, "caseworker"),
        ("member.revoke", "ilse", mp(ids["wenke"], "wenke", "viewer"), "reviewer"),
        ("member.rekey", "baurzhan", mp(ids["baurzhan2"], "baurzhan", "caseworker"), "caseworker"),
        ("recovery.set", "baurzhan", recovery(ids), "caseworker"),
        ("vault.restore", "wenke", {}, "viewer"),
        ("vault.restore", "piet", {}, "publisher"),
        ("keys.create", "tamsin", commit("level:public:2"), "admin"),
        ("keys.create", "ilse", commit("level:public:2"), "reviewer"),
        ("keys.retire", "tamsin", {"retired": {"level:public": 2}}, "admin"),
        ("keys.retire", "ilse", {"retired": {"level:public": 2}}, "reviewer"),
        ("terms.accept", "baurzhan", {"terms": ["place:kashgar"]}, "caseworker"),
        ("terms.accept", "tamsin", {"terms": ["place:kashgar"]}, "admin"),
        ("terms.withdraw", "tamsin", {"terms": ["place:kashgar"]}, "admin"),
        ("terms.withdraw", "piet", {"terms": ["place:kashgar"]}, "publisher"),
    ]
    for kind, author, payload, role in cases:
        c.refuse(
            f"state record 7 ({kind}) is signed by a {role}, who may not", kind, author, payload
        )


def test_each_permitted_role_may_sign_its_kinds(ids: dict[str, Identity]) -> None:
    c = staffed(ids)
    s = c.add("keys.create", "baurzhan", commit("level:public:2"))
    assert s.commitment("level", "public", 2) == hashlib.sha256(b"level:public:2").digest()
    assert s.commitment("level", "public", 1) is None
    s = c.add("terms.accept", "ilse", {"terms": ["place:kashgar", "org:un"]})
    assert s.public_terms == frozenset({"place:kashgar", "org:un"})
    s = c.add("terms.withdraw", "ilse", {"terms": ["org:un", "law:none"]})
    assert s.public_terms == frozenset({"place:kashgar"})
    s = c.add("policy.set", "odile", {"policy": POLICY_V2})
    assert (s.policy_text, s.policy.version) == (POLICY_V2, 2)
    s = c.add("vault.restore", "odile", {"from": "backup"})
    s = c.add("vault.restore", "tamsin", {})
    assert (s.restores, s.seq) == (2, 12)
    assert s.head == hashlib.sha256(c.rows[-1][0]).hexdigest()
    assert st.replay(VID, c.rows) == s


# --- member.add -----------------------------------------------------------------------------------


def test_member_add_enrols_with_who_and_when(ids: dict[str, Identity]) -> None:
    c = Chain(ids)
    s = c.enrol("ilse", "reviewer")
    p = ids["ilse"].public
    assert s.members["ilse"] == st.MemberState(
        "ilse", "reviewer", p.sign_public, p.kem_public, T1, "tamsin", c.state.head
    )
    assert [m.name for m in s.active_members()] == ["ilse", "tamsin"]
    assert (s.seq, s.epochs) == (2, {})


def test_member_add_refusals(ids: dict[str, Identity]) -> None:
    c = Chain(ids)
    c.enrol("ilse", "reviewer")
    c.refuse(
        "state record 3 enrols 'ilse' a second time",
        "member.add",
        "tamsin",
        mp(ids["odile"], "ilse", "admin"),
    )
    c.refuse(
        "state record 3 enrols 'recovery' a second time",
        "member.add",
        "tamsin",
        mp(ids["recovery1"], "recovery", "admin"),
    )
    c.refuse(
        "state record 3 gives 'odile' an unknown role",
        "member.add",
        "tamsin",
        mp(ids["odile"], "odile", "superuser"),
    )
    bad = {**mp(ids["odile"], "odile", "admin"), "sign_public": st.b64(b"\x01" * 31)}
    c.refuse("a state record has a sign_public of the wrong size", "member.add", "tamsin", bad)


def test_a_revoked_member_stays_enrolled_by_name(ids: dict[str, Identity]) -> None:
    c = staffed(ids)
    c.add("member.revoke", "tamsin", mp(ids["wenke"], "wenke", "viewer"))
    c.refuse(
        "state record 8 enrols 'wenke' a second time",
        "member.add",
        "tamsin",
        mp(ids["baurzhan2"], "wenke", "viewer"),
    )


# --- policy.set -----------------------------------------------------------------------------------


def test_policy_set_may_not_drop_a_role_someone_holds(ids: dict[str, Identity]) -> None:
    c = staffed(ids)
    c.refuse(
        "state record 7 removes the role 'publisher' that members hold",
        "policy.set",
        "tamsin",
        {"policy": POLICY_FEWER},
    )
    c.refuse("state record 7 holds no policy", "policy.set", "tamsin", {})
    body, sig = c.row("policy.set", "tamsin", {"policy": "not toml"})
    with pytest.raises(IntegrityError) as err:  # the rest is tomllib's wording
        st.apply(c.state, body, sig)
    assert str(err.value).startswith("the policy of state record 7: not valid TOML (")
    d = Chain(ids)  # nobody holds viewer or publisher: they may go
    s = d.add("policy.set", "tamsin", {"policy": POLICY_FEWER})
    assert (s.policy_text, sorted(s.policy.roles)) == (
        POLICY_FEWER,
        ["admin", "caseworker", "reviewer"],
    )
    assert s.policy_digest == hashlib.sha256(POLICY_FEWER.encode()).hexdigest()


# --- keys.create ----------------------------------------------------------------------------------


def test_keys_create_adds_commitments_once(ids: dict[str, Identity]) -> None:
    c = staffed(ids)
    s = c.add("keys.create", "baurzhan", commit("level:public:1", "index:publication:1"))
    s = c.add("keys.create", "baurzhan", commit("level:secret:1"))
    assert s.commitments == {
        slot: hashlib.sha256(slot.encode()).digest()
        for slot in ("level:public:1", "index:publication:1", "level:secret:1")
    }
    # A commitment once made is never replaced: an insider cannot plant a key of their own.
    c.refuse(
        "state record 9 creates keys that already exist",
        "keys.create",
        "baurzhan",
        commit("level:restricted:1", "level:public:1"),
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "state record 7 commits to no key"),
        ({"commitments": {}}, "state record 7 commits to no key"),
        ({"commitments": ["level:public:1"]}, "state record 7 commits to no key"),
        ({"commitments": "level:public:1"}, "state record 7 commits to no key"),
        ({"commitments": {"level:public:1": st.b64(b"\x01" * 31)}}, None),
        ({"commitments": {"level:public:1": st.b64(b"\x01" * 33)}}, None),
        ({"commitments": {"level:public": st.b64(b"\x01" * 32)}}, None),
        ({"commitments": {"level:public:1:2": st.b64(b"\x01" * 32)}}, None),
        ({"commitments": {"level:public:1": "!" + st.b64(b"\x01" * 32)}}, None),
        ({"commitments": {"level:public:1": st.b64(b"\x01" * 32)[:-1]}}, None),
    ],
)
def test_keys_create_refuses_malformed_commitments(
    ids: dict[str, Identity], payload: dict[str, Any], message: str | None
) -> None:
    c = staffed(ids)
    c.refuse(
        message or "state record 7 has a malformed commitment", "keys.create", "baurzhan", payload
    )


# --- member.revoke and member.rekey: epochs ---------------------------------------------------


#: What a revocation of each role of POLICY advances (besides the database key): its role key,
#: the keys it holds, and the role key of every role holding one of those.
REACH = {
    "admin": {"db:key", "role:admin"},
    "publisher": {
        "db:key",
        "role:publisher",
        "index:publication",
        "role:reviewer",
    },
    "viewer": {"db:key", "role:viewer", "level:public", "role:caseworker", "role:reviewer"},
    "reviewer": {
        "db:key",
        "role:reviewer",
        "level:public",
        "level:restricted",
        "index:publication",
        "role:caseworker",
        "role:viewer",
        "role:publisher",
    },
    "caseworker": {
        "db:key",
        "role:caseworker",
        "level:public",
        "level:restricted",
        "level:secret",
        "role:reviewer",
        "role:viewer",
    },
}


def test_reached_by_is_pinned() -> None:
    policy = parse_policy(POLICY)
    for role, slots in REACH.items():
        got = st.reached_by(policy, role)
        assert got == {slot: 1 for slot in slots}, role
        assert list(got) == sorted(slots)
    assert st.reached_by(policy, "nobody") == {"db:key": 1, "role:nobody": 1}


def test_revoke_advances_exactly_the_reached_epochs(ids: dict[str, Identity]) -> None:
    c = staffed(ids)
    s = c.add("member.revoke", "tamsin", mp(ids["wenke"], "wenke", "viewer"))
    assert s.epochs == {slot: 2 for slot in REACH["viewer"]}
    assert s.members["wenke"].revoked_at == T1
    assert s.revoked_seq == {"wenke": 7}
    assert not s.is_active("wenke") and "wenke" in s.members
    assert not s.is_active("nobody") and s.is_active("ilse")
    assert [m.name for m in s.active_members()] == ["baurzhan", "ilse", "odile", "piet", "tamsin"]
    assert (s.epoch("level", "public"), s.epoch("level", "secret"), s.epoch("db", "key")) == (
        2,
        1,
        2,
    )
    assert s.live_epochs("level", "public") == range(1, 3)
    assert s.former_keys == {}
    s = c.add("member.revoke", "odile", mp(ids["ilse"], "ilse", "reviewer"))
    want = {slot: 2 for slot in REACH["viewer"] | REACH["reviewer"]}
    want.update({slot: 3 for slot in REACH["viewer"] & REACH["reviewer"]})
    assert s.epochs == want
    assert s.revoked_seq == {"wenke": 7, "ilse": 8}
    # A revoked member's earlier records still count; new ones do not.
    assert st.replay(VID, c.rows) == s
    c.refuse(
        "state record 9 is signed by 'ilse', who was revoked",
        "terms.accept",
        "ilse",
        {"terms": ["place:kashgar"]},
    )


def test_revoke_refusals(ids: dict[str, Identity]) -> None:
    c = staffed(ids)
    wenke = mp(ids["wenke"], "wenke", "viewer")
    c.refuse(
        "state record 7 names 'nobody', who is not an active member",
        "member.revoke",
        "tamsin",
        {**wenke, "name": "nobody"},
    )
    c.refuse(
        "state record 7 names '', who is not an active member",
        "member.revoke",
        "tamsin",
        {k: v for k, v in wenke.items() if k != "name"},
    )
    msg = "state record 7 revokes keys that are not 'wenke''s"
    c.refuse(msg, "member.revoke", "tamsin", {**wenke, "role": "reviewer"})
    c.refuse(msg, "member.revoke", "tamsin", mp(ids["baurzhan2"], "wenke", "viewer"))
    for field in ("sign_public", "kem_public"):
        other = {**wenke, field: mp(ids["piet"], "wenke", "viewer")[field]}
        c.refuse(msg, "member.revoke", "tamsin", other)
    c.add("member.revoke", "tamsin", wenke)
    c.refuse(
        "state record 8 names 'wenke', who is not an active member",
        "member.revoke",
        "tamsin",
        wenke,
    )


def test_the_last_people_manager_cannot_be_revoked(ids: dict[str, Identity]) -> None:
    c = staffed(ids)
    odile = mp(ids["odile"], "odile", "admin")
    tamsin = mp(ids["tamsin"], "tamsin", "admin")
    s = c.add("member.revoke", "tamsin", odile)
    assert s.epochs == {"db:key": 2, "role:admin": 2}
    c.refuse(
        "state record 8 revokes 'tamsin', the last person managing people",
        "member.revoke",
        "tamsin",
        tamsin,
    )
    d = Chain(ids)
    d.enrol("baurzhan", "caseworker")
    d.refuse(
        "state record 3 revokes 'tamsin', the last person managing people",
        "member.revoke",
        "tamsin",
        mp(ids["tamsin"], "tamsin", "admin"),
    )
    # Two admins: one may revoke herself, leaving the other.
    e = Chain(ids)
    e.enrol("odile", "admin")
    s = e.add("member.revoke", "tamsin", mp(ids["tamsin"], "tamsin", "admin"))
    assert [m.name for m in s.active_members()] == ["odile"]


def test_rekey_replaces_the_keys_and_advances_epochs(ids: dict[str, Identity]) -> None:
    c = staffed(ids)
    s = c.add("member.rekey", "tamsin", mp(ids["baurzhan2"], "baurzhan", "caseworker"))
    p = ids["baurzhan2"].public
    assert s.members["baurzhan"] == st.MemberState(
        "baurzhan", "caseworker", p.sign_public, p.kem_public, T1, "tamsin", s.head
    )
    assert s.former_keys == {"baurzhan": (st.FormerKey(ids["baurzhan"].public.sign_public, 7),)}
    assert s.epochs == {slot: 2 for slot in REACH["caseworker"]}
    assert s.revoked_seq == {} and s.is_active("baurzhan")
    # The old key signs nothing more; the new one does.
    body, _ = c.row("keys.create", "baurzhan", commit("level:public:2"))
    refused(
        lambda: st.apply(s, body, sign(ids["baurzhan"], body)),
        "state record 8 (keys.create) has an invalid signature",
    )
    c.add("keys.create", "baurzhan", commit("level:public:2"), signer="baurzhan2")
    s = c.add(
        "member.rekey", "odile", mp(ids["baurzhan"], "baurzhan", "caseworker"), signer="odile"
    )
    assert s.former_keys["baurzhan"] == (
        st.FormerKey(ids["baurzhan"].public.sign_public, 7),
        st.FormerKey(ids["baurzhan2"].public.sign_public, 9),
    )
    assert s.epochs == {slot: 3 for slot in REACH["caseworker"]}
    assert st.replay(VID, c.rows) == s


def test_rekey_of_oneself_by_an_admin(ids: dict[str, Identity]) -> None:
    c = Chain(ids)
    s = c.add("member.rekey", "tamsin", mp(ids["tamsin2"], "tamsin", "admin"))
    assert s.epochs == {"db:key": 2, "role:admin": 2}
    c.refuse(
        "state record 3 (vault.restore) has an invalid signature", "vault.restore", "tamsin", {}
    )
    c.add("vault.restore", "tamsin", {}, signer="tamsin2")


def test_rekey_refusals(ids: dict[str, Identity]) -> None:
    c = staffed(ids)
    new = mp(ids["baurzhan2"], "baurzhan", "caseworker")
    old = mp(ids["baurzhan"], "baurzhan", "caseworker")
    c.refuse(
        "state record 7 changes 'baurzhan''s role: a re-key keeps it",
        "member.rekey",
        "tamsin",
        {**new, "role": "admin"},
    )
    same = "state record 7 gives 'baurzhan' the keys they already had"
    c.refuse(same, "member.rekey", "tamsin", old)
    c.refuse(same, "member.rekey", "tamsin", {**new, "sign_public": old["sign_public"]})
    c.refuse(same, "member.rekey", "tamsin", {**new, "kem_public": old["kem_public"]})
    c.refuse(
        "state record 7 names 'stranger', who is not an active member",
        "member.rekey",
        "tamsin",
        {**new, "name": "stranger"},
    )
    c.add("member.revoke", "tamsin", mp(ids["wenke"], "wenke", "viewer"))
    c.refuse(
        "state record 8 names 'wenke', who is not an active member",
        "member.rekey",
        "tamsin",
        mp(ids["baurzhan2"], "wenke", "viewer"),
    )


# --- keys.retire ----------------------------------------------------------------------------------


def test_keys_retire_moves_the_oldest_live_epoch(ids: dict[str, Identity]) -> None:
    c = staffed(ids)
    c.add("member.revoke", "tamsin", mp(ids["wenke"], "wenke", "viewer"))
    c.add("member.revoke", "tamsin", mp(ids["piet"], "piet", "publisher"))
    assert (c.state.epoch("level", "public"), c.state.epoch("role", "reviewer")) == (2, 3)
    # Nothing can retire the current epoch itself, nor an epoch already retired.
    for slot, oldest in [
        ("level:public", 3),
        ("level:public", 1),
        ("level:secret", 2),
        ("level:secret", 1),
        ("role:reviewer", 4),
        ("level:public", "2"),
        ("level:public", 2.0),
        ("level:public", None),
        ("nokind", 2),
    ]:
        c.refuse(
            f"state record 9 retires epochs of {slot} it may not",
            "keys.retire",
            "baurzhan",
            {"retired": {slot: oldest}},
        )
    for bad in ({}, {"retired": {}}, {"retired": [["level:public", 2]]}, {"retired": 2}):
        c.refuse("state record 9 retires nothing", "keys.retire", "baurzhan", bad)
    s = c.add("keys.retire", "baurzhan", {"retired": {"level:public": 2, "role:reviewer": 2}})
    assert s.retired == {"level:public": 2, "role:reviewer": 2}
    assert s.live_epochs("level", "public") == range(2, 3)
    assert s.live_epochs("role", "reviewer") == range(2, 4)
    assert s.live_epochs("level", "secret") == range(1, 2)
    c.refuse(
        "state record 10 retires epochs of level:public it may not",
        "keys.retire",
        "baurzhan",
        {"retired": {"level:public": 2}},
    )
    s = c.add("keys.retire", "baurzhan", {"retired": {"role:reviewer": 3}})
    assert s.retired == {"level:public": 2, "role:reviewer": 3}
    assert st.replay(VID, c.rows) == s


# --- terms ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "terms",
    [
        ["a:b"],
        ["a:bc"],
        ["ab:c"],
        ["x:" + "y" * 198],
        [f"p:{i}" for i in range(1000)],
        ["p:a", "p:a"],
    ],
)
def test_terms_accepted(ids: dict[str, Identity], terms: list[str]) -> None:
    c = staffed(ids)
    s = c.add("terms.accept", "ilse", {"terms": terms})
    assert s.public_terms == frozenset(terms)
    s = c.add("terms.withdraw", "ilse", {"terms": terms})
    assert s.public_terms == frozenset()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"terms": []},
        {"terms": "a:b"},
        {"terms": {"a:b": 1}},
        {"terms": [5]},
        {"terms": ["a:b", None]},
        {"terms": ["a:"]},
        {"terms": [":ab"]},
        {"terms": ["ab:"]},
        {"terms": ["abc"]},
        {"terms": ["::"]},
        {"terms": ["x:" + "y" * 199]},
        {"terms": [f"p:{i}" for i in range(1001)]},
    ],
)
@pytest.mark.parametrize("kind", ["terms.accept", "terms.withdraw"])
def test_terms_refused(ids: dict[str, Identity], payload: dict[str, Any], kind: str) -> None:
    c = staffed(ids)
    c.refuse("state record 7 names no valid list of public terms", kind, "ilse", payload)


# --- recovery -------------------------------------------------------------------------------------


def test_recovery_set_and_replaced(ids: dict[str, Identity]) -> None:
    c = staffed(ids)
    s = c.add("recovery.set", "tamsin", recovery(ids))
    r1 = ids["recovery1"].public
    assert s.recovery == st.Recovery(
        r1.sign_public, r1.kem_public, "age1qqexample", 2, 3, ("a", "b", "c"), T1
    )
    assert (s.epochs, s.former_keys) == ({}, {})
    assert s.recovery_holder() == st.MemberState(
        "recovery", "recovery", r1.sign_public, r1.kem_public, T1, "", ""
    )
    # With a recovery key, a revocation advances its escrow role key too.
    s = c.add("member.revoke", "tamsin", mp(ids["wenke"], "wenke", "viewer"))
    assert s.epochs == {slot: 2 for slot in REACH["viewer"] | {"role:recovery"}}
    s = c.add(
        "recovery.set", "odile", recovery(ids, "recovery2", threshold=1, shares=1, trustees=["z"])
    )
    r2 = ids["recovery2"].public
    assert s.recovery == st.Recovery(
        r2.sign_public, r2.kem_public, "age1qqexample", 1, 1, ("z",), T1
    )
    assert s.epochs["role:recovery"] == 3
    assert s.former_keys == {"recovery": (st.FormerKey(r1.sign_public, 9),)}
    s = c.add("recovery.set", "odile", recovery(ids, "recovery1"))
    assert s.epochs["role:recovery"] == 4
    assert s.former_keys == {
        "recovery": (st.FormerKey(r1.sign_public, 9), st.FormerKey(r2.sign_public, 10))
    }
    assert st.replay(VID, c.rows) == s


def test_recovery_set_after_a_rekey_keeps_the_former_keys(ids: dict[str, Identity]) -> None:
    c = staffed(ids)
    c.add("member.rekey", "tamsin", mp(ids["baurzhan2"], "baurzhan", "caseworker"))
    s = c.add("recovery.set", "tamsin", recovery(ids))
    assert s.former_keys == {"baurzhan": (st.FormerKey(ids["baurzhan"].public.sign_public, 7),)}
    assert "role:recovery" not in s.epochs
    s = c.add("recovery.set", "tamsin", recovery(ids, "recovery2"))
    assert s.former_keys["baurzhan"] == (st.FormerKey(ids["baurzhan"].public.sign_public, 7),)
    assert s.epochs["role:recovery"] == 2


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"threshold": ...}, "is a malformed recovery record"),
        ({"shares": ...}, "is a malformed recovery record"),
        ({"trustees": ...}, "is a malformed recovery record"),
        ({"age_recipient": ...}, "is a malformed recovery record"),
        ({"threshold": "two"}, "is a malformed recovery record"),
        ({"shares": None}, "is a malformed recovery record"),
        ({"trustees": None}, "is a malformed recovery record"),
        ({"threshold": 0}, "names an impossible recovery threshold"),
        ({"threshold": -1}, "names an impossible recovery threshold"),
        ({"threshold": 4}, "names an impossible recovery threshold"),
        ({"trustees": ["a", "b"]}, "names an impossible recovery threshold"),
        ({"trustees": ["a", "b", "c", "d"]}, "names an impossible recovery threshold"),
        (
            {"threshold": 2, "shares": 17, "trustees": list("abcdefghijklmnopq")},
            "names an impossible recovery threshold",
        ),
        ({"age_recipient": "age2qq"}, "names no age recipient"),
        ({"age_recipient": "xage1qq"}, "names no age recipient"),
        ({"age_recipient": ""}, "names no age recipient"),
    ],
)
def test_recovery_set_refusals(
    ids: dict[str, Identity], over: dict[str, Any], message: str
) -> None:
    c = staffed(ids)
    payload = {k: v for k, v in recovery(ids, **over).items() if v is not ...}
    c.refuse(f"state record 7 {message}", "recovery.set", "tamsin", payload)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sign_public", st.b64(b"\x01" * 33), "a state record has a sign_public of the wrong size"),
        ("kem_public", st.b64(b"\x01" * 1215), "a state record has a kem_public of the wrong size"),
        ("sign_public", "!!", "a state record has a malformed sign_public"),
    ],
)
def test_recovery_set_checks_its_keys(
    ids: dict[str, Identity], field: str, value: str, message: str
) -> None:
    c = staffed(ids)
    c.refuse(message, "recovery.set", "tamsin", {**recovery(ids), field: value})


@pytest.mark.parametrize(("threshold", "shares"), [(1, 1), (3, 3), (1, 16), (16, 16), (8, 16)])
def test_recovery_thresholds_accepted(
    ids: dict[str, Identity], threshold: int, shares: int
) -> None:
    c = staffed(ids)
    trustees = [f"t{i}" for i in range(shares)]
    s = c.add(
        "recovery.set",
        "tamsin",
        recovery(ids, threshold=threshold, shares=shares, trustees=trustees, age_recipient="age1"),
    )
    assert s.recovery is not None
    assert (s.recovery.threshold, s.recovery.shares, s.recovery.trustees) == (
        threshold,
        shares,
        tuple(trustees),
    )
    assert s.recovery.age_recipient == "age1"


def test_what_the_recovery_key_may_sign(ids: dict[str, Identity]) -> None:
    c = staffed(ids)
    c.refuse(
        "state record 7 is signed by the recovery key, but none was set",
        "vault.restore",
        "recovery",
        {},
        signer="recovery1",
    )
    c.add("recovery.set", "tamsin", recovery(ids))
    for kind, payload in [
        ("policy.set", {"policy": POLICY_V2}),
        ("member.revoke", mp(ids["wenke"], "wenke", "viewer")),
        ("member.rekey", mp(ids["baurzhan2"], "baurzhan", "caseworker")),
        ("recovery.set", recovery(ids, "recovery2")),
        ("keys.retire", {"retired": {"level:public": 2}}),
        ("terms.accept", {"terms": ["place:kashgar"]}),
        ("terms.withdraw", {"terms": ["place:kashgar"]}),
        ("genesis", {**mp(ids["recovery1"], "recovery", "admin"), "policy": POLICY}),
    ]:
        c.refuse(
            f"state record 8 ({kind}) is signed by the recovery key, which may not",
            kind,
            "recovery",
            payload,
            signer="recovery1",
        )
    c.refuse(
        "state record 8 (vault.restore) has an invalid recovery signature",
        "vault.restore",
        "recovery",
        {},
        signer="tamsin",
    )
    c.refuse(
        "state record 8: the recovery key may enrol only an admin",
        "member.add",
        "recovery",
        mp(ids["tamsin2"], "newadmin", "caseworker"),
        signer="recovery1",
    )
    s = c.add("vault.restore", "recovery", {}, signer="recovery1")
    assert s.restores == 1
    s = c.add("keys.create", "recovery", commit("level:public:1"), signer="recovery1")
    assert s.commitment("level", "public", 1) == hashlib.sha256(b"level:public:1").digest()
    s = c.add("member.add", "recovery", mp(ids["tamsin2"], "newadmin", "admin"), signer="recovery1")
    assert s.members["newadmin"].added_by == "recovery"
    # A replaced recovery key signs nothing more.
    c.add("recovery.set", "newadmin", recovery(ids, "recovery2"), signer="tamsin2")
    c.refuse(
        "state record 12 (vault.restore) has an invalid recovery signature",
        "vault.restore",
        "recovery",
        {},
        signer="recovery1",
    )
    c.add("vault.restore", "recovery", {}, signer="recovery2")
    assert st.replay(VID, c.rows) == c.state


def test_nobody_may_be_enrolled_as_recovery_even_before_one_is_set(
    ids: dict[str, Identity],
) -> None:
    c = Chain(ids)
    c.refuse(
        "state record 2 enrols 'recovery' a second time",
        "member.add",
        "tamsin",
        mp(ids["recovery1"], "recovery", "admin"),
    )


# --- the state's questions ------------------------------------------------------------------------


def test_epoch_questions_default_to_one(ids: dict[str, Identity]) -> None:
    s = Chain(ids).state
    assert s.epoch("level", "public") == 1
    assert s.live_epochs("level", "public") == range(1, 2)
    assert s.commitment("level", "public", 1) is None
    hand = st.VaultState(
        VID,
        "tamsin",
        POLICY,
        parse_policy(POLICY),
        {},
        epochs={"level:public": 5},
        commitments={"level:public:5": b"c"},
        retired={"level:public": 4},
    )
    assert hand.epoch("level", "public") == 5
    assert hand.live_epochs("level", "public") == range(4, 6)
    assert hand.commitment("level", "public", 5) == b"c"
    assert hand.commitment("level", "public", 4) is None
    assert (hand.seq, hand.head, hand.restores, hand.recovery) == (0, "", 0, None)
    assert hand.active_members() == [] and not hand.is_active("tamsin")


@pytest.mark.parametrize(
    "body",
    [
        _canon(extra=1),  # a field encode never writes
        _canon(payload={}, signature="AA=="),
        _canon(seq="2"),  # read as 2 by int()
        _canon(seq=2.0),
        _canon(seq=True),
        _canon(author=None),  # read as the name "None" by str()
        _canon(author=5),
        _canon(time=5),
        _canon(prev=None),
        _canon(kind=["vault.restore"]),
        _canon(vault_id=None),
        _canon(format=1),
        b'{"format":"casevault-state-v1","seq":NaN}',
        _canon().replace(b'"payload":{}', b'"payload":{"x":NaN}'),
        _canon().replace(b'"seq":2', b'"seq":Infinity'),
        # Nested past the parser's recursion limit (a row an insider wrote to the database):
        # malformed, not a RecursionError out of the replay.
        b"[" * 100_000,
        _canon().replace(
            b'"payload":{}', b'"payload":{"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        ),
    ],
)
def test_parse_refuses_fields_and_types_encode_never_writes(body: bytes) -> None:
    """Exactly the fields :func:`encode` writes, each of the type it writes: a signed body
    that is canonical JSON but not what encode makes is malformed, not read leniently."""
    refused(lambda: st.parse(body), "a state record is malformed")


def test_a_genesis_with_a_boolean_seq_is_refused(ids: dict[str, Identity]) -> None:
    payload = {**mp(ids["tamsin"], "tamsin", "admin"), "policy": POLICY}
    d = json.loads(st.encode(VID, 1, "", "genesis", "tamsin", T0, payload))
    body = canonical_json({**d, "seq": True})
    refused(
        lambda: st.replay(VID, [(body, sign(ids["tamsin"], body))]), "a state record is malformed"
    )
