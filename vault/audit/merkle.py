"""RFC 9162 §2.1 Merkle trees: hashes, a streaming root, proof building and proof checking.

Pure functions; hashing comes from :mod:`vault.crypto`. Proof *building* takes a callback
``subtree(start, end)`` that returns MTH(D[start:end]) so that the log can answer from stored
nodes without reading every leaf. Verification steps are numbered as in RFC 9162.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from vault.crypto import hash_bytes

Subtree = Callable[[int, int], bytes]
EMPTY_ROOT = hash_bytes(b"")


def leaf_hash(data: bytes) -> bytes:
    return hash_bytes(b"\x00" + data)


def node_hash(left: bytes, right: bytes) -> bytes:
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
        self.size = size
        self._levels: dict[int, bytes] = {}
        it = iter(hashes)
        for level in range(size.bit_length()):
            if size >> level & 1:
                self._levels[level] = next(it)

    def hashes(self) -> list[bytes]:
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
        if self.size == 0:
            return EMPTY_ROOT
        levels = sorted(self._levels)
        acc = self._levels[levels[0]]
        for level in levels[1:]:
            acc = node_hash(self._levels[level], acc)
        return acc


# --- building proofs (RFC 9162 §2.1.3.1 and §2.1.4.1) -----------------------------------------


def inclusion_proof(index: int, size: int, subtree: Subtree) -> list[bytes]:
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


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    # 1. the index must be inside the tree
    if index >= size or index < 0:
        return False
    # 2. fn = leaf_index, sn = tree_size - 1, r = hash
    fn, sn, r = index, size - 1, leaf
    # 3. for each p in the path
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    # 4. sn must be 0 and r the expected root
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    if old_size <= 0 or old_size > new_size:
        return False
    if old_size == new_size:
        return len(proof) == 0 and old_root == new_root
    # 1. an empty path is not a proof
    if not proof:
        return False
    path = list(proof)
    # 2. if the old size is a power of two, prepend its root
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    # 3.-4. fn = first - 1, sn = second - 1; shift out the common low bits
    fn, sn = old_size - 1, new_size - 1
    if fn & 1:
        while fn & 1:
            fn >>= 1
            sn >>= 1
    # 5. start both running hashes at the first path element
    fr = sr = path[0]
    # 6. fold in the rest
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # 7. both roots must come out and sn must be 0
    return fr == old_root and sr == new_root and sn == 0
