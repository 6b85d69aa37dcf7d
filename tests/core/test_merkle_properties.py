"""Properties of RFC 9162 proofs over random trees (issue 22): every proof built verifies, and
every single-bit change to a proof hash, a leaf or a root is refused, as are proofs checked for
another leaf, index or size. Leaves are distinct, so no two subtrees share a hash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vault.audit import merkle

MAX = 70
LEAVES = [merkle.leaf_hash(b"leaf-" + i.to_bytes(2, "big")) for i in range(MAX)]
# every prefix root, once: the frontier gives them in O(n)
_f = merkle.Frontier()
ROOTS = [merkle.EMPTY_ROOT]
for _h in LEAVES:
    _f.append(_h)
    ROOTS.append(_f.root())


def _sub(a: int, b: int) -> bytes:
    return merkle.root_of(LEAVES[a:b])


def _flip(h: bytes, bit: int) -> bytes:
    bit %= len(h) * 8
    i = bit // 8
    return h[:i] + bytes([h[i] ^ (1 << (bit % 8))]) + h[i + 1 :]


def _refused(check: object, *args: object) -> str:
    try:
        check(*args)  # type: ignore[operator]
    except merkle.ProofError as e:
        return e.reason
    raise AssertionError(f"accepted: {args!r}")


SETTINGS = settings(max_examples=80, deadline=None)


@SETTINGS
@given(st.data())
def test_every_inclusion_proof_verifies_and_matches_the_root(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, MAX))
    i = data.draw(st.integers(0, n - 1))
    proof = merkle.inclusion_proof(i, n, _sub)
    assert merkle.root_of(LEAVES[:n]) == ROOTS[n]
    merkle.check_inclusion(i, n, LEAVES[i], proof, ROOTS[n])
    assert merkle.root_from_inclusion_proof(i, n, LEAVES[i], proof) == ROOTS[n]
    assert len(proof) <= (n - 1).bit_length()  # one hash per level at most


@SETTINGS
@given(st.data())
def test_any_single_bit_change_to_an_inclusion_proof_is_refused(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, MAX))
    i = data.draw(st.integers(0, n - 1))
    proof = merkle.inclusion_proof(i, n, _sub)
    bit = data.draw(st.integers(0, 255))
    root, leaf = ROOTS[n], LEAVES[i]
    for k in range(len(proof)):
        bad = [*proof[:k], _flip(proof[k], bit), *proof[k + 1 :]]
        assert _refused(merkle.check_inclusion, i, n, leaf, bad, root) == "root mismatch"
    assert _refused(merkle.check_inclusion, i, n, _flip(leaf, bit), proof, root) == (
        "root mismatch"
    )
    assert _refused(merkle.check_inclusion, i, n, leaf, proof, _flip(root, bit)) == (
        "root mismatch"
    )


@SETTINGS
@given(st.data())
def test_an_inclusion_proof_proves_one_leaf_at_one_index_in_one_tree(
    data: st.DataObject,
) -> None:
    n = data.draw(st.integers(2, MAX))
    i = data.draw(st.integers(0, n - 1))
    proof = merkle.inclusion_proof(i, n, _sub)
    j = data.draw(st.integers(0, n - 1).filter(lambda x: x != i))
    # another leaf at the same place, the same leaf at another place
    assert _refused(merkle.check_inclusion, i, n, LEAVES[j], proof, ROOTS[n]) == "root mismatch"
    _refused(merkle.check_inclusion, j, n, LEAVES[i], proof, ROOTS[n])
    # the same proof against another tree, with that tree's root
    m = data.draw(st.integers(i + 1, MAX).filter(lambda x: x != n))
    _refused(merkle.check_inclusion, i, m, LEAVES[i], proof, ROOTS[m])
    # a proof one hash short or one hash long
    _refused(merkle.check_inclusion, i, n, LEAVES[i], [*proof, ROOTS[n]], ROOTS[n])
    if proof:
        _refused(merkle.check_inclusion, i, n, LEAVES[i], proof[:-1], ROOTS[n])
        _refused(merkle.check_inclusion, i, n, LEAVES[i], proof[1:], ROOTS[n])


@SETTINGS
@given(st.data())
def test_every_consistency_proof_verifies(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, MAX))
    m = data.draw(st.integers(1, n))
    proof = merkle.consistency_proof(m, n, _sub)
    merkle.check_consistency(m, n, ROOTS[m], ROOTS[n], proof)
    assert merkle.root_from_consistency_proof(m, n, ROOTS[m], proof) == ROOTS[n]
    assert (proof == []) is (m == n)


@SETTINGS
@given(st.data())
def test_any_single_bit_change_to_a_consistency_proof_is_refused(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, MAX))
    m = data.draw(st.integers(1, n))
    proof = merkle.consistency_proof(m, n, _sub)
    bit = data.draw(st.integers(0, 255))
    r1, r2 = ROOTS[m], ROOTS[n]
    for k in range(len(proof)):
        bad = [*proof[:k], _flip(proof[k], bit), *proof[k + 1 :]]
        assert _refused(merkle.check_consistency, m, n, r1, r2, bad).endswith("root mismatch")
    assert _refused(merkle.check_consistency, m, n, _flip(r1, bit), r2, proof).endswith(
        "root mismatch"
    )
    assert _refused(merkle.check_consistency, m, n, r1, _flip(r2, bit), proof) == (
        "new root mismatch"
    )


@SETTINGS
@given(st.data())
def test_a_consistency_proof_proves_one_pair_of_sizes(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, MAX))
    m = data.draw(st.integers(1, n - 1))
    proof = merkle.consistency_proof(m, n, _sub)
    m2 = data.draw(st.integers(1, n).filter(lambda x: x != m))
    _refused(merkle.check_consistency, m2, n, ROOTS[m2], ROOTS[n], proof)
    n2 = data.draw(st.integers(m, MAX).filter(lambda x: x != n))
    _refused(merkle.check_consistency, m, n2, ROOTS[m], ROOTS[n2], proof)
    _refused(merkle.check_consistency, m, n, ROOTS[n], ROOTS[m], proof)  # swapped roots
    _refused(merkle.check_consistency, m, n, ROOTS[m], ROOTS[n], [*proof, ROOTS[n]])
    _refused(merkle.check_consistency, m, n, ROOTS[m], ROOTS[n], proof[:-1])
    _refused(merkle.check_consistency, m, n, ROOTS[m], ROOTS[n], [ROOTS[m], *proof])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, MAX), st.data())
def test_a_frontier_rebuilt_from_its_hashes_goes_on_the_same(n: int, data: st.DataObject) -> None:
    f = merkle.Frontier()
    for h in LEAVES[:n]:
        f.append(h)
    assert f.size == n and f.root() == ROOTS[n]
    assert len(f.hashes()) == bit_count(n)
    g = merkle.Frontier(n, f.hashes())
    k = data.draw(st.integers(n, MAX))
    for idx in range(n, k):
        completed = g.append(LEAVES[idx])
        assert completed[0] == (0, idx, LEAVES[idx])
        for level, index, h in completed:
            assert h == merkle.root_of(LEAVES[index << level : (index + 1) << level])
        assert len(completed) == 1 + ((idx + 1) & -(idx + 1)).bit_length() - 1
    assert g.root() == ROOTS[k] and g.size == k


def bit_count(n: int) -> int:
    return bin(n).count("1")
