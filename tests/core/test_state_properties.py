"""Properties of the signed state chain (vault.policy.state), with Hypothesis: any valid chain
replays to the state built record by record, with the epochs its revocations and re-keys make;
dropping, repeating, reordering, splicing or bit-flipping any of its records is refused.

Chains are built in memory from identities made once; every person is invented."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from vault.crypto import Identity
from vault.crypto.hierarchy import state_record_message
from vault.errors import IntegrityError
from vault.policy import state as st

from .test_state_refusals import POLICY, T0, T1, VID, mp

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

#: What a chain is made of, after its genesis (tamsin, admin) and a caseworker and a reviewer.
OPS = ("restore", "terms", "keys", "enrol", "revoke", "rekey", "recovery")


@pytest.fixture(scope="module")
def keys() -> dict[str, Identity]:
    return {n: Identity.generate(n) for n in ("tamsin", "baurzhan", "b2", "ilse", "viewer", "r")}


class Builder:
    """Builds a valid chain from a list of operations, skipping those that cannot apply."""

    def __init__(self, keys: dict[str, Identity], vault_id: str = VID) -> None:
        self.keys, self.vault_id = keys, vault_id
        payload = {**mp(keys["tamsin"], "tamsin", "admin"), "policy": POLICY}
        body = st.encode(vault_id, 1, "", "genesis", "tamsin", T0, payload)
        self.rows = [(body, keys["tamsin"].sign(state_record_message(body)))]
        self.state = st.replay(vault_id, self.rows)
        self.viewers: list[str] = []
        self.baurzhan_key = "baurzhan"
        self.changes = 0  # revocations and re-keys
        self.n = 0
        self.add("member.add", "tamsin", mp(keys["baurzhan"], "baurzhan", "caseworker"))
        self.add("member.add", "tamsin", mp(keys["ilse"], "ilse", "reviewer"))

    def add(self, kind: str, author: str, payload: dict[str, Any], signer: str = "") -> None:
        s = self.state
        body = st.encode(self.vault_id, s.seq + 1, s.head, kind, author, T1, payload)
        sig = self.keys[signer or author].sign(state_record_message(body))
        self.state = st.apply(s, body, sig)
        self.rows.append((body, sig))

    def op(self, name: str) -> None:
        self.n += 1
        n = self.n
        if name == "restore":
            self.add("vault.restore", "tamsin", {"n": n})
        elif name == "terms":
            self.add("terms.accept", "ilse", {"terms": [f"place:p{n}"]})
        elif name == "keys":
            commitment = st.b64(n.to_bytes(32, "big"))
            slot = f"level:public:{n}"
            self.add(
                "keys.create", "baurzhan", {"commitments": {slot: commitment}}, self.baurzhan_key
            )
        elif name == "enrol":
            self.viewers.append(f"v{n}")
            self.add("member.add", "tamsin", mp(self.keys["viewer"], f"v{n}", "viewer"))
        elif name == "revoke" and self.viewers:
            who = self.viewers.pop(0)
            self.add("member.revoke", "tamsin", mp(self.keys["viewer"], who, "viewer"))
            self.changes += 1
        elif name == "rekey":
            self.baurzhan_key = "b2" if self.baurzhan_key == "baurzhan" else "baurzhan"
            new = mp(self.keys[self.baurzhan_key], "baurzhan", "caseworker")
            self.add("member.rekey", "tamsin", new)
            self.changes += 1
        elif name == "recovery":
            r = self.keys["r"].public
            p = st.recovery_payload(r.sign_public, r.kem_public, "age1q", 1, 1, ["t"])
            self.add("recovery.set", "tamsin", p)


def build(keys: dict[str, Identity], ops: list[str], vault_id: str = VID) -> Builder:
    b = Builder(keys, vault_id)
    for name in ops:
        b.op(name)
    return b


chains = hs.lists(hs.sampled_from(OPS), min_size=0, max_size=8)


def refused(rows: list[tuple[bytes, bytes]]) -> None:
    with pytest.raises(IntegrityError):
        st.replay(VID, rows)


@SETTINGS
@given(ops=chains)
def test_a_valid_chain_replays_with_its_epochs(keys: dict[str, Identity], ops: list[str]) -> None:
    b = build(keys, ops)
    s = st.replay(VID, b.rows)
    assert s == b.state
    assert s.seq == len(b.rows)
    # The database key's epoch counts every revocation and re-key; the caseworker's role key
    # too (a viewer reads the public level, which the caseworker's role key carries).
    assert s.epoch("db", "key") == 1 + b.changes
    assert s.epoch("role", "caseworker") == 1 + b.changes
    assert s.epoch("role", "admin") == 1  # reached by neither a viewer nor a caseworker
    assert s.restores == ops.count("restore")
    # Every prefix of a valid chain is valid, and is the state after it.
    assert st.replay(VID, b.rows[:-1]).seq == len(b.rows) - 1


@SETTINGS
@given(ops=chains, data=hs.data())
def test_dropping_any_record_but_the_last_is_refused(
    keys: dict[str, Identity], ops: list[str], data: hs.DataObject
) -> None:
    rows = build(keys, ops).rows
    i = data.draw(hs.integers(0, len(rows) - 2))
    refused(rows[:i] + rows[i + 1 :])


@SETTINGS
@given(ops=chains, data=hs.data())
def test_reordering_or_repeating_records_is_refused(
    keys: dict[str, Identity], ops: list[str], data: hs.DataObject
) -> None:
    rows = build(keys, ops).rows
    i = data.draw(hs.integers(0, len(rows) - 2))
    j = data.draw(hs.integers(i + 1, len(rows) - 1))
    swapped = list(rows)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    refused(swapped)
    k = data.draw(hs.integers(0, len(rows) - 1))
    refused([*rows[: k + 1], rows[k], *rows[k + 1 :]])
    refused([*rows[: j + 1], rows[i]])


@SETTINGS
@given(ops=chains, data=hs.data())
def test_a_flipped_bit_anywhere_is_refused(
    keys: dict[str, Identity], ops: list[str], data: hs.DataObject
) -> None:
    rows = build(keys, ops).rows
    i = data.draw(hs.integers(0, len(rows) - 1))
    body, sig = rows[i]
    in_body = data.draw(hs.booleans())
    target = body if in_body else sig
    bit = data.draw(hs.integers(0, len(target) * 8 - 1))
    flipped = bytearray(target)
    flipped[bit // 8] ^= 1 << (bit % 8)
    row = (bytes(flipped), sig) if in_body else (body, bytes(flipped))
    refused([*rows[:i], row, *rows[i + 1 :]])


@SETTINGS
@given(ops=chains, data=hs.data())
def test_a_record_from_another_chain_is_refused(
    keys: dict[str, Identity], ops: list[str], data: hs.DataObject
) -> None:
    """Another vault's chain, built from the same operations by the same people, shares no
    record with this one: the vault id is signed in every record."""
    rows = build(keys, ops).rows
    other = build(keys, ops, "vault-other").rows
    i = data.draw(hs.integers(0, len(rows) - 1))
    refused([*rows[:i], other[i], *rows[i + 1 :]])
