"""RFC 9162 Merkle proofs against transparency-dev/merkle's test data (keys/vectors/merkle.json),
then properties over random trees."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault.audit import merkle
from vault.errors import IntegrityError

VECTORS = json.loads(
    (Path(__file__).resolve().parents[1] / "keys" / "vectors" / "merkle.json").read_text()
)
LEAVES = [merkle.leaf_hash(bytes.fromhex(x)) for x in VECTORS["leaves"]]


def b64(s: str) -> bytes:
    return base64.b64decode(s)


def _subtree(hashes: list[bytes]) -> merkle.Subtree:
    return lambda a, b: merkle.root_of(hashes[a:b])


def _outcome(check: Callable[[], None]) -> str | None:
    """None when the check passes, else the reason it gives."""
    try:
        check()
    except merkle.ProofError as e:
        return e.reason
    return None


# What each failing vector of the Go test data must be refused for. A wrong old root of a
# power-of-two size shows only at the new root: the proof then starts from the old root itself.
WANT_REASON = {
    "inclusion/1/wrong-leaf.json": "leaf hash has 9 bytes, want 32",  # the bytes "WrongLeaf"
    "inclusion/2/modified-proof[0]-bit-3.json": "root mismatch",
    "inclusion/4/inserted-component.json": "wrong proof size 4, want 3",
    "consistency/1/wrong-root1.json": "new root mismatch",
    "consistency/2/truncated-proof.json": "wrong proof size 2, want 3",
    "consistency/3/swapped-roots.json": "new root mismatch",
    "consistency/4/modified-proof[1]-bit-4.json": "new root mismatch",
}


@pytest.mark.parametrize("case", VECTORS["inclusion"], ids=lambda c: c["file"])
def test_inclusion_vectors(case: dict[str, Any]) -> None:
    proof = [b64(p) for p in case["proof"] or []]
    index, size = int(case["leafIdx"]), int(case["treeSize"])
    reason = _outcome(
        lambda: merkle.check_inclusion(index, size, b64(case["leafHash"]), proof, b64(case["root"]))
    )
    assert reason == WANT_REASON.get(case["file"])
    assert (reason is None) is not case["wantErr"]
    if not case["wantErr"]:  # and we build the same proof from the same tree
        built = merkle.inclusion_proof(index, size, _subtree(LEAVES[:size]))
        assert built == proof
        assert merkle.root_of(LEAVES[:size]) == b64(case["root"])


@pytest.mark.parametrize("case", VECTORS["consistency"], ids=lambda c: c["file"])
def test_consistency_vectors(case: dict[str, Any]) -> None:
    proof = [b64(p) for p in case["proof"] or []]
    m, n = int(case["size1"]), int(case["size2"])
    reason = _outcome(
        lambda: merkle.check_consistency(m, n, b64(case["root1"]), b64(case["root2"]), proof)
    )
    assert reason == WANT_REASON.get(case["file"])
    assert (reason is None) is not case["wantErr"]
    if not case["wantErr"]:
        assert merkle.consistency_proof(m, n, _subtree(LEAVES[:n])) == proof


def test_frontier_matches_definition_for_every_size() -> None:
    hashes = [merkle.leaf_hash(bytes([i])) for i in range(70)]
    f = merkle.Frontier()
    for i, h in enumerate(hashes):
        f.append(h)
        assert f.root() == merkle.root_of(hashes[: i + 1])
        again = merkle.Frontier(f.size, f.hashes())
        assert again.root() == f.root()


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 200), st.data())
def test_random_trees_prove_and_reject(n: int, data: st.DataObject) -> None:
    hashes = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]
    sub = _subtree(hashes)
    root = merkle.root_of(hashes)
    i = data.draw(st.integers(0, n - 1))
    proof = merkle.inclusion_proof(i, n, sub)
    merkle.check_inclusion(i, n, hashes[i], proof, root)
    with pytest.raises(merkle.ProofError, match="root mismatch"):
        merkle.check_inclusion(i, n, merkle.leaf_hash(b"other"), proof, root)
    m = data.draw(st.integers(1, n))
    cproof = merkle.consistency_proof(m, n, sub)
    old = merkle.root_of(hashes[:m])
    merkle.check_consistency(m, n, old, root, cproof)
    with pytest.raises(merkle.ProofError, match="root mismatch"):
        merkle.check_consistency(m, n, merkle.leaf_hash(b"x"), root, cproof)


# --- the reasons a proof is refused -------------------------------------------------------------

HASHES = [merkle.leaf_hash(bytes([i])) for i in range(8)]
ROOT = merkle.root_of(HASHES)
PROOF_5 = merkle.inclusion_proof(5, 8, _subtree(HASHES))  # 3 hashes
OLD_6 = merkle.root_of(HASHES[:6])
CPROOF_6 = merkle.consistency_proof(6, 8, _subtree(HASHES))  # 3 hashes


@pytest.mark.parametrize(
    ("index", "size", "proof", "root", "reason"),
    [
        (8, 8, PROOF_5, ROOT, "index 8 out of range for tree size 8"),
        (-1, 8, PROOF_5, ROOT, "index -1 out of range for tree size 8"),
        (0, 0, [], merkle.EMPTY_ROOT, "index 0 out of range for tree size 0"),
        (5, 8, [], ROOT, "wrong proof size 0, want 3"),  # an empty path
        (5, 8, [*PROOF_5, ROOT], ROOT, "wrong proof size 4, want 3"),  # an over-long path
        (5, 8, PROOF_5[:2], ROOT, "wrong proof size 2, want 3"),  # a short path
        (5, 8, PROOF_5, OLD_6, "root mismatch"),  # a wrong root
    ],
)
def test_inclusion_refusals_say_why(
    index: int, size: int, proof: list[bytes], root: bytes, reason: str
) -> None:
    with pytest.raises(merkle.ProofError) as caught:
        merkle.check_inclusion(index, size, HASHES[5], proof, root)
    assert caught.value.reason == reason
    assert caught.value.diagnostics() == f"Merkle proof fails: {reason}"


def test_inclusion_refuses_a_leaf_hash_of_the_wrong_length() -> None:
    with pytest.raises(merkle.ProofError, match="leaf hash has 31 bytes, want 32"):
        merkle.check_inclusion(5, 8, HASHES[5][:31], PROOF_5, ROOT)


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "proof", "reason"),
    [
        (
            0,
            8,
            merkle.EMPTY_ROOT,
            ROOT,
            CPROOF_6,
            "old size 0: a proof from an empty tree is meaningless",
        ),
        (
            0,
            0,
            merkle.EMPTY_ROOT,
            merkle.EMPTY_ROOT,
            [],
            "old size 0: a proof from an empty tree is meaningless",
        ),
        (8, 6, ROOT, OLD_6, CPROOF_6, "old size 8 > new size 6"),
        (6, 8, OLD_6, ROOT, [], "empty proof"),
        (6, 8, OLD_6, ROOT, CPROOF_6[:2], "wrong proof size 2, want 3"),
        (6, 8, OLD_6, ROOT, [*CPROOF_6, ROOT], "wrong proof size 4, want 3"),
        (6, 8, ROOT, ROOT, CPROOF_6, "old root mismatch"),
        (6, 8, OLD_6, OLD_6, CPROOF_6, "new root mismatch"),
        (8, 8, ROOT, ROOT, [ROOT], "old size = new size, but the proof is not empty"),
        (8, 8, ROOT, OLD_6, [], "new root mismatch"),
    ],
)
def test_consistency_refusals_say_why(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes], reason: str
) -> None:
    with pytest.raises(merkle.ProofError) as caught:
        merkle.check_consistency(old, new, old_root, new_root, proof)
    assert caught.value.reason == reason


def test_a_proof_error_is_an_integrity_error() -> None:
    """Callers that catch IntegrityError (the CLI's exit 5) catch a failed proof too."""
    assert issubclass(merkle.ProofError, IntegrityError)
