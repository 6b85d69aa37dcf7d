"""RFC 9162 Merkle proofs against transparency-dev/merkle's test data (keys/vectors/merkle.json),
then properties over random trees."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault.audit import merkle

VECTORS = json.loads(
    (Path(__file__).resolve().parents[1] / "keys" / "vectors" / "merkle.json").read_text()
)
LEAVES = [merkle.leaf_hash(bytes.fromhex(x)) for x in VECTORS["leaves"]]


def b64(s: str) -> bytes:
    return base64.b64decode(s)


def _subtree(hashes: list[bytes]) -> merkle.Subtree:
    return lambda a, b: merkle.root_of(hashes[a:b])


@pytest.mark.parametrize("case", VECTORS["inclusion"], ids=lambda c: c["file"])
def test_inclusion_vectors(case: dict[str, object]) -> None:
    proof = [b64(p) for p in case["proof"] or []]  # type: ignore[union-attr]
    ok = merkle.verify_inclusion(int(case["leafIdx"]), int(case["treeSize"]),  # type: ignore[arg-type]
                                 b64(str(case["leafHash"])), proof, b64(str(case["root"])))
    assert ok is not case["wantErr"]
    if not case["wantErr"]:  # and we build the same proof from the same tree
        size = int(case["treeSize"])  # type: ignore[arg-type]
        built = merkle.inclusion_proof(int(case["leafIdx"]), size,  # type: ignore[arg-type]
                                       _subtree(LEAVES[:size]))
        assert built == proof
        assert merkle.root_of(LEAVES[:size]) == b64(str(case["root"]))


@pytest.mark.parametrize("case", VECTORS["consistency"], ids=lambda c: c["file"])
def test_consistency_vectors(case: dict[str, object]) -> None:
    proof = [b64(p) for p in case["proof"] or []]  # type: ignore[union-attr]
    m, n = int(case["size1"]), int(case["size2"])  # type: ignore[arg-type]
    ok = merkle.verify_consistency(m, n, b64(str(case["root1"])), b64(str(case["root2"])), proof)
    assert ok is not case["wantErr"]
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
    assert merkle.verify_inclusion(i, n, hashes[i], proof, root)
    assert not merkle.verify_inclusion(i, n, merkle.leaf_hash(b"other"), proof, root)
    m = data.draw(st.integers(1, n))
    cproof = merkle.consistency_proof(m, n, sub)
    old = merkle.root_of(hashes[:m])
    assert merkle.verify_consistency(m, n, old, root, cproof)
    if m < n:
        assert not merkle.verify_consistency(m, n, merkle.leaf_hash(b"x"), root, cproof)
