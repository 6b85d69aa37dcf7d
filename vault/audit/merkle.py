"""RFC 9162 §2.1 Merkle trees: hashes, a streaming root, proof building and proof checking.

Pure functions, no I/O; hashing comes from :mod:`vault.crypto`. Proof *building* takes a callback
``subtree(start, end)`` that returns MTH(D[start:end]) so that the log can answer from stored
nodes without reading every leaf. Proof *checking* raises :class:`ProofError` with the reason a
proof fails; its steps are numbered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from vault.crypto import hash_bytes
from vault.errors import IntegrityError

Subtree = Callable[[int, int], bytes]
HASH_SIZE = 32
EMPTY_ROOT = hash_bytes(b"")


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256(0x00 || data). The prefix keeps a leaf from passing for an
    interior node (second-preimage attack)."""
    return hash_bytes(b"\x00" + data)


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash: SHA-256(0x01 || left || right)."""
    return hash_bytes(b"\x01" + left + right)


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over already-hashed leaves, straight from the definition (for small trees and tests)."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = _split(n)
    return node_hash(root_of(leaf_hashes[:k]), root_of(leaf_hashes[k:]))


class Frontier:
    """The right edge of a tree: one perfect-subtree root per set bit of its size.

    Appending is O(log n) and needs no stored leaves; ``completed`` reports each perfect subtree
    finished by an append, so a log can store interior nodes for later proofs.
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        """A frontier of ``size`` leaves from its subtree roots, smallest level first (the
        order :meth:`hashes` returns)."""
        self.size = size
        self._levels: dict[int, bytes] = {}
        it = iter(hashes)
        for level in range(size.bit_length()):
            if size >> level & 1:
                self._levels[level] = next(it)

    def hashes(self) -> list[bytes]:
        """The perfect-subtree roots, smallest level first."""
        return [self._levels[lv] for lv in sorted(self._levels)]

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash; return the (level, index, hash) of every node it completes."""
        completed = [(0, self.size, leaf)]
        carry, level, index = leaf, 0, self.size
        while level in self._levels:
            carry = node_hash(self._levels.pop(level), carry)
            level += 1
            index >>= 1
            completed.append((level, index, carry))
        self._levels[level] = carry
        self.size += 1
        return completed

    def root(self) -> bytes:
        """MTH of the leaves appended so far (the hash of the empty string for none)."""
        if self.size == 0:
            return EMPTY_ROOT
        levels = sorted(self._levels)
        acc = self._levels[levels[0]]
        for level in levels[1:]:
            acc = node_hash(self._levels[level], acc)
        return acc


# --- building proofs (RFC 9162 §2.1.3.1 and §2.1.4.1) -----------------------------------------


def inclusion_proof(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """RFC 9162 PATH(index, D[0:size]), leaf to root, from ``subtree`` answers. Raises
    ValueError for an index outside the tree (a caller's mistake, not tampering)."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")

    def path(m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = _split(n)
        if m < k:
            return [*path(m, start, start + k), subtree(start + k, end)]
        return [*path(m - k, start + k, end), subtree(start, start + k)]

    return path(index, 0, size)


def consistency_proof(old_size: int, new_size: int, subtree: Subtree) -> list[bytes]:
    """RFC 9162 PROOF(old_size, D[0:new_size]) from ``subtree`` answers. Raises ValueError
    unless 0 < old_size <= new_size."""
    if not 0 < old_size <= new_size:
        raise ValueError("sizes must satisfy 0 < old <= new")

    def subproof(m: int, start: int, end: int, complete: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if complete else [subtree(start, end)]
        k = _split(n)
        if m <= k:
            return [*subproof(m, start, start + k, complete), subtree(start + k, end)]
        return [*subproof(m - k, start + k, end, False), subtree(start, start + k)]

    return subproof(old_size, 0, new_size, True)


# --- checking proofs (RFC 9162 §2.1.3.2 and §2.1.4.2) -----------------------------------------
#
# Written on the chain helpers of transparency-dev/merkle's proof/verify.go: a proof is cut where
# the path to the proven leaf leaves the path to the last leaf ("inner" hashes below that point,
# "border" hashes above it), so its exact length is known before any hashing, and inclusion and
# consistency share the same folds instead of repeating one loop each.


class ProofError(IntegrityError):
    """A Merkle proof does not prove what it claims; ``reason`` says why, in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Merkle proof fails: {reason}")
        self.reason = reason


def _inner_proof_size(index: int, size: int) -> int:
    """How many proof hashes sit below the level where leaf ``index`` and leaf ``size - 1``
    part ways."""
    return (index ^ (size - 1)).bit_length()


def _decomp_incl_proof(index: int, size: int) -> tuple[int, int]:
    """(inner, border): the lengths of the lower and upper parts of the inclusion proof of leaf
    ``index`` in a tree of ``size``; their sum is the proof's exact length."""
    inner = _inner_proof_size(index, size)
    border = (index >> inner).bit_count()
    return inner, border


def _chain_inner(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    """Hash up from ``seed`` at position ``index`` of its level, each proof hash on the side
    the index's bit says."""
    for i, h in enumerate(proof):
        seed = node_hash(seed, h) if (index >> i) & 1 == 0 else node_hash(h, seed)
    return seed


def _chain_inner_right(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    """Like :func:`_chain_inner` but keeps only the hashes on the left: what the same subtree
    hashed to when it ended at ``seed`` (the older tree of a consistency proof)."""
    for i, h in enumerate(proof):
        if (index >> i) & 1:
            seed = node_hash(h, seed)
    return seed


def _chain_border_right(seed: bytes, proof: Sequence[bytes]) -> bytes:
    """Hash up the tree's right border, where every proof hash is a left sibling."""
    for h in proof:
        seed = node_hash(h, seed)
    return seed


def _want_length(proof: Sequence[bytes], want: int) -> None:
    if len(proof) != want:
        raise ProofError(f"wrong proof size {len(proof)}, want {want}")


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` leads to from leaf hash ``leaf`` at ``index`` in a tree of
    ``size``. Does no I/O. Raises ProofError for an index outside the tree, a leaf hash of the
    wrong length, or a proof of the wrong length."""
    # 1. the index must be inside the tree
    if not 0 <= index < size:
        raise ProofError(f"index {index} out of range for tree size {size}")
    if len(leaf) != HASH_SIZE:
        raise ProofError(f"leaf hash has {len(leaf)} bytes, want {HASH_SIZE}")
    # 2. the path has exactly one hash per level between the leaf and the root
    inner, border = _decomp_incl_proof(index, size)
    _want_length(proof, inner + border)
    # 3. fold the inner part by the index's bits, then the border part from the left
    return _chain_border_right(_chain_inner(leaf, proof[:inner], index), proof[inner:])


def check_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Prove leaf hash ``leaf`` is entry ``index`` of the tree of ``size`` whose root is
    ``root``. Does no I/O. Raises ProofError naming the first reason it is not."""
    # 4. the fold must land on the expected root
    if root_from_inclusion_proof(index, size, leaf, proof) != root:
        raise ProofError("root mismatch")


def root_from_consistency_proof(
    old_size: int, new_size: int, old_root: bytes, proof: Sequence[bytes]
) -> bytes:
    """The root of the tree of ``new_size`` that ``proof`` leads to, after checking that it
    also leads to ``old_root`` for the first ``old_size`` leaves. Does no I/O. Raises
    ProofError for sizes out of order, an empty old tree, a proof of the wrong length, or an
    old root the proof does not lead to."""
    # 1. sizes in order; an empty tree is consistent with anything, so proves nothing here
    if old_size > new_size:
        raise ProofError(f"old size {old_size} > new size {new_size}")
    if old_size <= 0:
        raise ProofError(f"old size {old_size}: a proof from an empty tree is meaningless")
    if old_size == new_size:
        if proof:
            raise ProofError("old size = new size, but the proof is not empty")
        return old_root
    # 2. an empty path is not a proof
    if not proof:
        raise ProofError("empty proof")
    # 3. the proof is a suffix of the inclusion proof of leaf old_size - 1 in the new tree,
    # starting at the level of the largest perfect subtree the old tree ends with
    inner, border = _decomp_incl_proof(old_size - 1, new_size)
    shift = (old_size & -old_size).bit_length() - 1  # trailing zero bits of old_size
    inner -= shift
    # 4. that subtree's root comes first, unless it is the whole old tree (then it is old_root)
    seed, start = proof[0], 1
    if old_size == 1 << shift:
        seed, start = old_root, 0
    _want_length(proof, start + inner + border)
    path = proof[start:]
    mask = (old_size - 1) >> shift
    # 5. the left-hand hashes alone must rebuild the old root ...
    old = _chain_border_right(_chain_inner_right(seed, path[:inner], mask), path[inner:])
    if old != old_root:
        raise ProofError("old root mismatch")
    # 6. ... and all of them the new one
    return _chain_border_right(_chain_inner(seed, path[:inner], mask), path[inner:])


def check_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Prove the tree of ``new_size`` with root ``new_root`` extends the tree of ``old_size``
    with root ``old_root`` (append-only: nothing in the old tree changed). Does no I/O.
    Raises ProofError naming the first reason it does not."""
    # 7. the fold must land on the new root
    if root_from_consistency_proof(old_size, new_size, old_root, proof) != new_root:
        raise ProofError("new root mismatch")
