"""What the RFC 9162 proof checkers and builders must refuse (issue 22).

The negative vectors are data: keys/vectors/merkle_negative.json, copied from
transparency-dev/merkle's testdata/ and proof/verify_test.go (each case names its file and commit).
Each case pins the reason casevault gives, so a checker that stops checking one thing (or checks
another first) fails here.
The positive vectors are keys/vectors/merkle.json (tests/test_merkle.py)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from vault.audit import merkle
from vault.crypto import hash_bytes
from vault.errors import IntegrityError

VECTORS = Path(__file__).resolve().parents[2] / "keys" / "vectors"
NEG = json.loads((VECTORS / "merkle_negative.json").read_text("utf-8"))
POS = json.loads((VECTORS / "merkle.json").read_text("utf-8"))

LEAVES = [merkle.leaf_hash(bytes.fromhex(x)) for x in POS["leaves"]]


def b64(s: str) -> bytes:
    return base64.b64decode(s)


def _sub(hashes: list[bytes]) -> merkle.Subtree:
    return lambda a, b: merkle.root_of(hashes[a:b])


def _inclusion_reason(case: dict[str, Any]) -> str | None:
    try:
        merkle.check_inclusion(
            int(case["leafIdx"]),
            int(case["treeSize"]),
            b64(case["leafHash"]),
            [b64(p) for p in case["proof"] or []],
            b64(case["root"]),
        )
    except merkle.ProofError as e:
        return e.reason
    return None


def _consistency_reason(case: dict[str, Any]) -> str | None:
    try:
        merkle.check_consistency(
            int(case["size1"]),
            int(case["size2"]),
            b64(case["root1"]),
            b64(case["root2"]),
            [b64(p) for p in case["proof"] or []],
        )
    except merkle.ProofError as e:
        return e.reason
    return None


INCLUSION = NEG["inclusion"] + NEG["go_test_cases"]["inclusion"]
CONSISTENCY = NEG["consistency"] + NEG["go_test_cases"]["consistency"]


def _id(case: dict[str, Any]) -> str:
    src = case["source"]
    return str(src.get("test") or src["path"].removeprefix("testdata/"))


@pytest.mark.parametrize("case", INCLUSION, ids=_id)
def test_negative_inclusion_vectors_are_refused(case: dict[str, Any]) -> None:
    assert case["wantErr"] is True
    assert _inclusion_reason(case) == case["casevault_reason"]


@pytest.mark.parametrize("case", CONSISTENCY, ids=_id)
def test_negative_consistency_vectors_are_refused(case: dict[str, Any]) -> None:
    assert case["wantErr"] is True
    assert _consistency_reason(case) == case["casevault_reason"]


def test_the_negative_vectors_name_their_sources() -> None:
    assert len(NEG["inclusion"]) >= 20 and len(NEG["consistency"]) >= 30
    for case in INCLUSION + CONSISTENCY:
        src = case["source"]
        assert src["repo"] == "transparency-dev/merkle"
        assert len(src["commit"]) == 40
        assert src["path"].startswith(("testdata/", "proof/verify_test.go"))


# --- the happy paths these were made from still verify, through both entry points -----------


@pytest.mark.parametrize(
    "case", [c for c in POS["inclusion"] if not c["wantErr"]], ids=lambda c: c["file"]
)
def test_root_from_inclusion_proof_gives_the_root(case: dict[str, Any]) -> None:
    proof = [b64(p) for p in case["proof"] or []]
    got = merkle.root_from_inclusion_proof(
        int(case["leafIdx"]), int(case["treeSize"]), b64(case["leafHash"]), proof
    )
    assert got == b64(case["root"])


@pytest.mark.parametrize(
    "case", [c for c in POS["consistency"] if not c["wantErr"]], ids=lambda c: c["file"]
)
def test_root_from_consistency_proof_gives_the_new_root(case: dict[str, Any]) -> None:
    proof = [b64(p) for p in case["proof"] or []]
    got = merkle.root_from_consistency_proof(
        int(case["size1"]), int(case["size2"]), b64(case["root1"]), proof
    )
    assert got == b64(case["root2"])


# --- hashing, pinned --------------------------------------------------------------------------


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    assert merkle.HASH_SIZE == 32
    assert (
        merkle.EMPTY_ROOT
        == hash_bytes(b"")
        == bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    )
    assert merkle.leaf_hash(b"") == bytes.fromhex(
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    a, b = LEAVES[0], LEAVES[1]
    assert merkle.node_hash(a, b) == hash_bytes(b"\x01" + a + b)
    assert merkle.node_hash(a, b) != merkle.node_hash(b, a)


def test_root_of_small_trees() -> None:
    assert merkle.root_of([]) == merkle.EMPTY_ROOT
    assert merkle.root_of(LEAVES[:1]) == LEAVES[0]
    assert merkle.root_of(LEAVES[:2]) == merkle.node_hash(LEAVES[0], LEAVES[1])
    three = merkle.node_hash(merkle.node_hash(LEAVES[0], LEAVES[1]), LEAVES[2])
    assert merkle.root_of(LEAVES[:3]) == three
    # 5 leaves split 4 + 1, not 2 + 3: the split is the largest power of two below n
    four = merkle.root_of(LEAVES[:4])
    assert merkle.root_of(LEAVES[:5]) == merkle.node_hash(four, LEAVES[4])
    assert merkle.root_of(LEAVES[:8]) == merkle.node_hash(four, merkle.root_of(LEAVES[4:8]))


# --- the frontier -------------------------------------------------------------------------------


def test_an_empty_frontier() -> None:
    f = merkle.Frontier()
    assert f.size == 0 and f.hashes() == [] and f.root() == merkle.EMPTY_ROOT


def test_append_reports_every_node_it_completes() -> None:
    f = merkle.Frontier()
    completed = [f.append(h) for h in LEAVES]
    assert completed[0] == [(0, 0, LEAVES[0])]
    assert completed[1] == [(0, 1, LEAVES[1]), (1, 0, merkle.root_of(LEAVES[:2]))]
    assert completed[2] == [(0, 2, LEAVES[2])]
    assert completed[3] == [
        (0, 3, LEAVES[3]),
        (1, 1, merkle.root_of(LEAVES[2:4])),
        (2, 0, merkle.root_of(LEAVES[:4])),
    ]
    assert completed[5] == [(0, 5, LEAVES[5]), (1, 2, merkle.root_of(LEAVES[4:6]))]
    assert completed[7] == [
        (0, 7, LEAVES[7]),
        (1, 3, merkle.root_of(LEAVES[6:8])),
        (2, 1, merkle.root_of(LEAVES[4:8])),
        (3, 0, merkle.root_of(LEAVES[:8])),
    ]
    assert f.size == 8 and f.hashes() == [merkle.root_of(LEAVES)]


def test_frontier_hashes_are_smallest_level_first_and_rebuild_the_frontier() -> None:
    f = merkle.Frontier()
    for h in LEAVES[:7]:
        f.append(h)
    want = [LEAVES[6], merkle.root_of(LEAVES[4:6]), merkle.root_of(LEAVES[:4])]
    assert f.hashes() == want
    g = merkle.Frontier(7, want)
    assert g.size == 7 and g.hashes() == want and g.root() == merkle.root_of(LEAVES[:7])
    assert g.append(LEAVES[7])[-1] == (3, 0, merkle.root_of(LEAVES))
    assert g.root() == merkle.root_of(LEAVES)
    # six leaves: the roots of [4:6] and [0:4], the smaller first
    six = merkle.Frontier(6, [merkle.root_of(LEAVES[4:6]), merkle.root_of(LEAVES[:4])])
    assert six.root() == merkle.root_of(LEAVES[:6])
    assert six.append(LEAVES[6]) == [(0, 6, LEAVES[6])]


# --- building proofs: a caller's mistakes --------------------------------------------------------


@pytest.mark.parametrize(("index", "size"), [(0, 0), (-1, 1), (1, 1), (8, 8), (-1, 0), (9, 8)])
def test_inclusion_proof_refuses_an_index_outside_the_tree(index: int, size: int) -> None:
    asked: list[tuple[int, int]] = []

    def sub(a: int, b: int) -> bytes:
        asked.append((a, b))
        return merkle.root_of(LEAVES[a:b])

    with pytest.raises(ValueError, match=r"^leaf index outside the tree$"):
        merkle.inclusion_proof(index, size, sub)
    assert asked == []


@pytest.mark.parametrize(("old", "new"), [(0, 0), (0, 5), (-1, 5), (6, 5), (2, 1), (1, 0)])
def test_consistency_proof_refuses_sizes_out_of_order(old: int, new: int) -> None:
    with pytest.raises(ValueError, match=r"^sizes must satisfy 0 < old <= new$"):
        merkle.consistency_proof(old, new, _sub(LEAVES))


def test_proof_edges_that_are_allowed() -> None:
    assert merkle.inclusion_proof(0, 1, _sub(LEAVES)) == []
    assert merkle.inclusion_proof(7, 8, _sub(LEAVES)) == merkle.inclusion_proof(7, 8, _sub(LEAVES))
    assert merkle.consistency_proof(1, 1, _sub(LEAVES)) == []
    assert merkle.consistency_proof(8, 8, _sub(LEAVES)) == []
    # from a power of two, the old root itself is not sent
    assert merkle.consistency_proof(4, 8, _sub(LEAVES)) == [merkle.root_of(LEAVES[4:8])]
    assert merkle.consistency_proof(3, 4, _sub(LEAVES)) == [
        LEAVES[2],
        LEAVES[3],
        merkle.root_of(LEAVES[:2]),
    ]


# --- checking proofs: each reason, and the order of the checks -----------------------------------

ROOT8 = merkle.root_of(LEAVES)
P5 = merkle.inclusion_proof(5, 8, _sub(LEAVES))


def _reason_incl(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> str:
    with pytest.raises(merkle.ProofError) as caught:
        merkle.check_inclusion(index, size, leaf, proof, root)
    assert str(caught.value) == f"Merkle proof fails: {caught.value.reason}"
    return caught.value.reason


def test_inclusion_checks_the_index_before_anything_else() -> None:
    assert _reason_incl(8, 8, b"", [], b"") == "index 8 out of range for tree size 8"
    assert _reason_incl(-1, 8, b"", [], b"") == "index -1 out of range for tree size 8"
    assert _reason_incl(-2, -1, b"", [], b"") == "index -2 out of range for tree size -1"


def test_inclusion_checks_the_leaf_length_before_the_proof_length() -> None:
    assert _reason_incl(5, 8, b"", [], ROOT8) == "leaf hash has 0 bytes, want 32"
    assert _reason_incl(5, 8, LEAVES[5] + b"\0", P5, ROOT8) == "leaf hash has 33 bytes, want 32"
    assert _reason_incl(5, 8, LEAVES[5][:31], P5, ROOT8) == "leaf hash has 31 bytes, want 32"


def test_inclusion_wants_the_exact_proof_length() -> None:
    assert _reason_incl(5, 8, LEAVES[5], P5[:2], ROOT8) == "wrong proof size 2, want 3"
    assert _reason_incl(5, 8, LEAVES[5], [*P5, ROOT8], ROOT8) == "wrong proof size 4, want 3"
    assert _reason_incl(5, 8, LEAVES[5], [], ROOT8) == "wrong proof size 0, want 3"
    assert _reason_incl(0, 1, LEAVES[0], [LEAVES[0]], LEAVES[0]) == "wrong proof size 1, want 0"


def test_inclusion_refuses_a_proof_of_another_leaf_or_size() -> None:
    assert _reason_incl(4, 8, LEAVES[5], P5, ROOT8) == "root mismatch"
    assert _reason_incl(5, 8, LEAVES[4], P5, ROOT8) == "root mismatch"
    assert _reason_incl(5, 7, LEAVES[5], P5, merkle.root_of(LEAVES[:7])) == "root mismatch"
    p6 = merkle.inclusion_proof(5, 6, _sub(LEAVES))  # two hashes, for the tree of 6
    assert _reason_incl(5, 8, LEAVES[5], p6, ROOT8) == "wrong proof size 2, want 3"
    assert _reason_incl(5, 6, LEAVES[5], P5, merkle.root_of(LEAVES[:6])) == (
        "wrong proof size 3, want 2"
    )


def test_inclusion_refuses_a_root_of_the_wrong_length() -> None:
    assert _reason_incl(5, 8, LEAVES[5], P5, ROOT8[:31]) == "root mismatch"
    assert _reason_incl(5, 8, LEAVES[5], P5, ROOT8 + b"\0") == "root mismatch"
    assert _reason_incl(0, 1, LEAVES[0], [], b"") == "root mismatch"


def test_inclusion_of_the_last_leaf_of_an_odd_tree() -> None:
    """Leaf 4 of 5 and leaf 6 of 7: proofs that are all border, no inner part."""
    for index, size in ((4, 5), (6, 7), (2, 3), (0, 1)):
        proof = merkle.inclusion_proof(index, size, _sub(LEAVES))
        root = merkle.root_of(LEAVES[:size])
        merkle.check_inclusion(index, size, LEAVES[index], proof, root)
        assert merkle.root_from_inclusion_proof(index, size, LEAVES[index], proof) == root
        if proof:
            bad = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
            assert _reason_incl(index, size, LEAVES[index], bad, root) == "root mismatch"


def _reason_cons(old: int, new: int, r1: bytes, r2: bytes, proof: list[bytes]) -> str:
    with pytest.raises(merkle.ProofError) as caught:
        merkle.check_consistency(old, new, r1, r2, proof)
    return caught.value.reason


def _root(n: int) -> bytes:
    return merkle.root_of(LEAVES[:n])


def _cproof(m: int, n: int) -> list[bytes]:
    return merkle.consistency_proof(m, n, _sub(LEAVES))


def test_consistency_checks_size_order_before_emptiness() -> None:
    assert _reason_cons(1, 0, b"", b"", []) == "old size 1 > new size 0"
    assert _reason_cons(9, 8, _root(8), ROOT8, []) == "old size 9 > new size 8"
    assert _reason_cons(0, 8, merkle.EMPTY_ROOT, ROOT8, _cproof(1, 8)) == (
        "old size 0: a proof from an empty tree is meaningless"
    )
    assert _reason_cons(-1, 8, b"", ROOT8, []) == (
        "old size -1: a proof from an empty tree is meaningless"
    )
    assert _reason_cons(-2, -1, b"", b"", []) == (
        "old size -2: a proof from an empty tree is meaningless"
    )


def test_consistency_between_equal_sizes_wants_no_proof_and_equal_roots() -> None:
    merkle.check_consistency(5, 5, _root(5), _root(5), [])
    assert merkle.root_from_consistency_proof(5, 5, b"any", []) == b"any"
    assert _reason_cons(5, 5, _root(5), _root(5), [_root(5)]) == (
        "old size = new size, but the proof is not empty"
    )
    assert _reason_cons(5, 5, _root(5), _root(4), []) == "new root mismatch"


def test_consistency_refuses_an_empty_proof_between_different_sizes() -> None:
    for m, n in ((1, 2), (4, 8), (6, 7)):
        assert _reason_cons(m, n, _root(m), _root(n), []) == "empty proof"


def test_consistency_wants_the_exact_proof_length() -> None:
    for m, n in ((1, 8), (2, 5), (3, 8), (4, 8), (6, 7), (6, 8), (7, 8)):
        proof = _cproof(m, n)
        merkle.check_consistency(m, n, _root(m), _root(n), proof)
        want = len(proof)
        assert _reason_cons(m, n, _root(m), _root(n), [*proof, proof[0]]) == (
            f"wrong proof size {want + 1}, want {want}"
        )
        if want > 1:
            assert _reason_cons(m, n, _root(m), _root(n), proof[:-1]) == (
                f"wrong proof size {want - 1}, want {want}"
            )


def test_consistency_refuses_a_proof_for_other_sizes() -> None:
    for m, n in ((3, 8), (6, 8), (5, 7), (2, 5), (1, 8)):
        proof = _cproof(m, n)
        for m2, n2 in ((m + 1, n), (m - 1, n), (m, n - 1), (m, n + 1) if n < 8 else (m, n - 2)):
            if not 0 < m2 < n2 <= 8 or (m2, n2) == (m, n):
                continue
            with pytest.raises(merkle.ProofError):
                merkle.check_consistency(m2, n2, _root(m2), _root(n2), proof)


def test_consistency_from_a_power_of_two_uses_the_old_root_as_the_seed() -> None:
    """From 4 to 8 the proof is one hash: the old root is the first step, never sent."""
    proof = _cproof(4, 8)
    assert len(proof) == 1
    merkle.check_consistency(4, 8, _root(4), ROOT8, proof)
    assert _reason_cons(4, 8, _root(3), ROOT8, proof) == "new root mismatch"
    assert _reason_cons(4, 8, _root(4), ROOT8, [_root(4), *proof]) == "wrong proof size 2, want 1"
    # from a size that is not a power of two, the old root is rebuilt from the proof's first hash
    proof6 = _cproof(6, 8)
    assert _reason_cons(6, 8, _root(5), ROOT8, proof6) == "old root mismatch"
    assert _reason_cons(6, 8, _root(6), _root(7), proof6) == "new root mismatch"


def test_consistency_refuses_every_single_bit_change_in_the_vectors_proofs() -> None:
    for case in POS["consistency"]:
        if case["wantErr"] or not case["proof"]:
            continue
        m, n = int(case["size1"]), int(case["size2"])
        r1, r2 = b64(case["root1"]), b64(case["root2"])
        proof = [b64(x) for x in case["proof"]]
        for i in range(len(proof)):
            for bit in (0, 7, 255):
                bad = list(proof)
                bad[i] = bad[i][: bit // 8] + bytes([bad[i][bit // 8] ^ (1 << (bit % 8))])
                bad[i] += proof[i][bit // 8 + 1 :]
                assert _reason_cons(m, n, r1, r2, bad) in ("old root mismatch", "new root mismatch")


def test_proof_error_text() -> None:
    e = merkle.ProofError("because")
    assert e.reason == "because"
    assert str(e) == "Merkle proof fails: because"
    assert isinstance(e, IntegrityError)
