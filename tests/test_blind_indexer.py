"""BlindIndexer gives exactly blind_index's bytes (the leak index was written with blind_index:
a different byte would make every stored term unfindable), and keeps keys and namespaces apart."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vault.crypto import BlindIndexer, blind_index
from vault.models.secret import SecretBytes

KEY = SecretBytes(bytes(range(32)))
OTHER = SecretBytes(bytes(range(1, 33)))


@given(st.text(max_size=300))
def test_the_indexer_gives_blind_index_bytes(term: str) -> None:
    assert BlindIndexer(KEY, "leak")(term) == blind_index(KEY, "leak", term)


def test_one_indexer_hashes_many_terms_without_carrying_state() -> None:
    ix = BlindIndexer(KEY, "leak")
    first = [ix(t) for t in ("nurbek", "", "nurbek", "sadyrov")]
    assert first[0] == first[2] == blind_index(KEY, "leak", "nurbek")
    assert first[1] == blind_index(KEY, "leak", "")
    assert len(set(first)) == 3


def test_keys_and_namespaces_are_kept_apart() -> None:
    term = "nurbek"
    hashes = {
        BlindIndexer(KEY, "leak")(term),
        BlindIndexer(OTHER, "leak")(term),
        BlindIndexer(KEY, "names")(term),
    }
    assert len(hashes) == 3
    assert all(len(h) == 16 for h in hashes)


def test_a_term_is_length_prefixed_so_no_two_splits_collide() -> None:
    # namespace "ab" + term "c" and namespace "a" + term "bc" must not hash alike
    assert BlindIndexer(KEY, "ab")("c") != BlindIndexer(KEY, "a")("bc")
