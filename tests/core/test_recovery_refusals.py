"""Recovery shares (vault/crypto/recovery.py): what combining must refuse, and with which words.

Shares are SLIP-39 mnemonics of invented secrets; the published SLIP-39 vectors
(keys/vectors/slip39.json, passphrase "TREZOR") and casevault's pinned derivation
(keys/vectors/recovery.json) are read as they are. Altered shares are made with
``shamir_mnemonic``'s own Share type, so their checksums are valid and only the check under test
can catch them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
from pathlib import Path
from typing import Any

import bech32
import pyrage
import pytest
import shamir_mnemonic
from shamir_mnemonic.share import Share
from shamir_mnemonic.wordlist import WORD_INDEX_MAP, WORDLIST

from vault.crypto import _primitives, recovery
from vault.crypto.hierarchy import recovery_info
from vault.crypto.recovery import (
    age_identity,
    age_recipient,
    combine_shares,
    new_recovery_secret,
    recovery_identity,
    split_secret,
)
from vault.errors import AuthenticationError, UsageError
from vault.models.secret import SecretBytes

VECTORS = Path(__file__).resolve().parents[2] / "keys" / "vectors"
SLIP39 = json.loads((VECTORS / "slip39.json").read_text("utf-8"))
PINNED = json.loads((VECTORS / "recovery.json").read_text("utf-8"))["cases"]

SECRET = bytes(range(32))  # invented
SECRET16 = bytes(range(100, 116))  # invented, 128 bits: 20-word shares
SHARES = split_secret(SecretBytes(SECRET), 3, 5)
SHARES16 = split_secret(SecretBytes(SECRET16), 2, 3)


def _share(text: str) -> Share:
    return Share.from_mnemonic(text)


def _altered(text: str, **changes: Any) -> str:
    """The share with some fields changed and a valid checksum."""
    return dataclasses.replace(_share(text), **changes).mnemonic()


def _refused(shares: list[Any], error: type[Exception] = UsageError, **kw: Any) -> str:
    with pytest.raises(error) as e:
        combine_shares(shares, **kw)
    assert type(e.value) is error
    # callers compare the whole message: none holds a word of a share
    return str(e.value)


# --- the secret and splitting -------------------------------------------------------------------


def test_a_new_secret_is_32_fresh_bytes() -> None:
    a, b = new_recovery_secret(), new_recovery_secret()
    assert isinstance(a, SecretBytes) and len(a) == 32 and len(b) == 32
    assert a.reveal() != b.reveal()


@pytest.mark.parametrize(
    ("threshold", "shares", "message"),
    [
        (2, 0, "the number of shares must be 1 to 16, not 0"),
        (2, -1, "the number of shares must be 1 to 16, not -1"),
        (2, 17, "the number of shares must be 1 to 16, not 17"),
        (3, 2, "a threshold of 3 cannot exceed the 2 shares made"),
        (17, 16, "a threshold of 17 cannot exceed the 16 shares made"),
        (1, 2, "a threshold of 1 is refused: it must be at least 2"),
        (1, 16, "a threshold of 1 is refused: it must be at least 2"),
        (0, 1, "a threshold of 0 is refused: it must be at least 2"),
        (0, 3, "a threshold of 0 is refused: it must be at least 2"),
        (-1, 3, "a threshold of -1 is refused: it must be at least 2"),
    ],
)
def test_split_refuses_bad_parameters(threshold: int, shares: int, message: str) -> None:
    with pytest.raises(UsageError) as e:
        split_secret(SecretBytes(SECRET), threshold, shares)
    assert str(e.value).startswith(message)
    if "at least 2" in message:
        assert str(e.value).endswith(" (only a single share may have threshold 1)")


@pytest.mark.parametrize("size", [0, 14, 15, 17, 31, 33])
def test_split_refuses_a_secret_slip39_cannot_hold(size: int) -> None:
    with pytest.raises(UsageError) as e:
        split_secret(SecretBytes(bytes(size) or b""), 2, 3)
    assert str(e.value) == (
        f"a secret to split must be an even number of bytes, at least 16 (this one is {size})"
    )


@pytest.mark.parametrize(("threshold", "count"), [(1, 1), (2, 2), (2, 16), (16, 16), (3, 5)])
def test_split_makes_one_extendable_group_with_no_passphrase(threshold: int, count: int) -> None:
    shares = split_secret(SecretBytes(SECRET), threshold, count)
    assert len(shares) == count and len(set(shares)) == count
    parsed = [_share(s) for s in shares]
    assert {len(s.split()) for s in shares} == {33}
    assert {(p.identifier, p.extendable, p.iteration_exponent) for p in parsed} == {
        (parsed[0].identifier, True, 0)
    }
    assert {(p.group_index, p.group_threshold, p.group_count) for p in parsed} == {(0, 1, 1)}
    assert {p.member_threshold for p in parsed} == {threshold}
    assert sorted(p.index for p in parsed) == list(range(count))
    # the stock SLIP-39 implementation, with an empty passphrase, gives the secret back
    assert shamir_mnemonic.combine_mnemonics(shares[:threshold], b"") == SECRET
    assert combine_shares(shares[-threshold:]).reveal() == SECRET


def test_split_accepts_each_length_slip39_allows() -> None:
    for size in (16, 18, 32, 64):
        secret = bytes(range(size))
        shares = split_secret(SecretBytes(secret), 2, 2)
        assert combine_shares(shares).reveal() == secret


# --- combining what is right --------------------------------------------------------------------


@pytest.mark.parametrize("chosen", list(itertools.combinations(range(5), 3))[::3])
def test_any_three_of_five_in_any_order_rebuild_the_secret(chosen: tuple[int, ...]) -> None:
    picked = [SHARES[i] for i in chosen]
    assert combine_shares(picked).reveal() == SECRET
    assert combine_shares(picked[::-1]).reveal() == SECRET


def test_more_shares_than_the_threshold_are_accepted_when_they_agree() -> None:
    assert combine_shares(SHARES[:4]).reveal() == SECRET
    assert combine_shares(SHARES).reveal() == SECRET
    assert combine_shares(SHARES[::-1]).reveal() == SECRET
    assert combine_shares(SHARES16).reveal() == SECRET16


def test_case_and_spacing_are_ignored_and_a_tuple_is_a_list() -> None:
    messy = ["  " + SHARES[0].upper().replace(" ", " \t ") + "\n", SHARES[1], SHARES[2].title()]
    assert combine_shares(tuple(messy)).reveal() == SECRET


@pytest.mark.parametrize("vector", [v for v in SLIP39 if v[2]], ids=lambda v: v[0])
def test_a_valid_published_vector_gives_its_master_secret(vector: list[Any]) -> None:
    assert combine_shares(vector[1], b"TREZOR").reveal().hex() == vector[2]
    assert combine_shares(vector[1], SecretBytes(b"TREZOR")).reveal().hex() == vector[2]


def test_a_wrong_passphrase_cannot_be_detected_it_gives_another_secret() -> None:
    # SLIP-39's passphrase has no check: a wrong one rebuilds a different secret (and so a
    # different recovery identity), never the right one
    _name, shares, expected = SLIP39[0]
    for wrong in (b"", b"TREZOS", b"trezor", SecretBytes(b"TREZOR ")):
        assert combine_shares(shares, wrong).reveal().hex() != expected
    assert combine_shares(SHARES[:3], b"x").reveal() != SECRET


# --- what must be refused: the published invalid vectors ----------------------------------------

INVALID = {
    "2.": (UsageError, "share 1: the SLIP-39 checksum fails; word 20 is probably mistyped"),
    "3.": (UsageError, "share 1 is not a valid SLIP-39 share (bad padding): a word is mistyped"),
    "5.": (UsageError, "only 1 of the 2 shares needed was given"),
    "6.": (
        UsageError,
        "share 2 is from another set of shares than share 1 (their identifiers differ)",
    ),
    "7.": (
        UsageError,
        "share 2 is from another set of shares than share 1 (their iteration exponents differ)",
    ),
    "8.": (
        UsageError,
        "share 3 is from another set of shares than share 1 (their group thresholds differ)",
    ),
    "9.": (
        UsageError,
        "share 2 is from another set of shares than share 1 (their group counts differ)",
    ),
    "10.": (
        UsageError,
        "share 1 is not a valid SLIP-39 share: its group threshold exceeds its group count",
    ),
    "11.": (
        UsageError,
        "shares 1 and 2 carry the same member number but differ: one of them is altered or from"
        " another set",
    ),
    "12.": (
        UsageError,
        "share 2 is from another set of shares than share 1 (their thresholds differ)",
    ),
    "13.": (
        AuthenticationError,
        "the shares do not combine: one of them was altered or is from another set",
    ),
    "14.": (UsageError, "only 1 of the 2 groups needed was given"),
    "15.": (UsageError, "only 1 of the 2 groups needed was given"),
    "16.": (UsageError, "group 4 has 1 of the 2 shares it needs (2 complete groups are needed)"),
    "21.": (UsageError, "share 1: the SLIP-39 checksum fails; word 33 is probably mistyped"),
    "39.": (
        UsageError,
        "share 1 has 19 words, which no SLIP-39 share has (20 for a 128-bit secret, 33 for a"
        " 256-bit one): a word is missing or extra",
    ),
    "40.": (UsageError, "share 1 has 21 words, which no SLIP-39 share has"),
}
_SAME_AS = {"22.": "3.", "24.": "5.", "25.": "6.", "26.": "7.", "27.": "8.", "28.": "9.",
            "29.": "10.", "30.": "11.", "31.": "12.", "32.": "13.", "33.": "14.", "34.": "15.",
            "35.": "16."}  # fmt: skip


@pytest.mark.parametrize("vector", [v for v in SLIP39 if not v[2]], ids=lambda v: v[0])
def test_an_invalid_published_vector_is_refused_with_its_reason(vector: list[Any]) -> None:
    number = vector[0].split()[0]
    error, message = INVALID[_SAME_AS.get(number, number)]
    assert _refused(vector[1], error, passphrase=b"TREZOR").startswith(message)


# --- what must be refused: the list and its items -----------------------------------------------


def test_the_shares_must_be_a_non_empty_list_of_non_empty_texts() -> None:
    assert _refused(SHARES[0]) == "give the shares as a list, one share per item"  # type: ignore[arg-type]
    assert _refused([]) == "no recovery shares given"
    assert _refused([SHARES[0], SHARES[1].encode(), SHARES[2]]) == "share 2 is not text"
    assert _refused([SHARES[0], SHARES[1], None]) == "share 3 is not text"
    assert _refused([SHARES[0], " \n\t "]) == "share 2 is empty"
    assert _refused([""]) == "share 1 is empty"


def test_a_word_not_in_the_list_is_named_by_position_only() -> None:
    words = SHARES[1].split()
    words[6] = "harrowby"
    assert "harrowby" not in WORD_INDEX_MAP
    message = _refused([SHARES[0], " ".join(words)])
    assert message == "share 2: word 7 is not in the SLIP-39 word list"
    words[6] = "acad"  # a prefix is not a word either
    assert _refused([" ".join(words)]) == "share 1: word 7 is not in the SLIP-39 word list"


@pytest.mark.parametrize("n", [1, 7, 19, 21, 24, 32, 34, 37])
def test_a_number_of_words_no_share_has_is_refused(n: int) -> None:
    words = (SHARES[0].split() * 4)[:n]
    message = _refused([SHARES[1], " ".join(words)])
    assert message == (
        f"share 2 has {n} words, which no SLIP-39 share has (20 for a 128-bit secret, 33 for a"
        " 256-bit one): a word is missing or extra"
    )


@pytest.mark.parametrize("n", [22, 27, 28])
def test_a_length_slip39_allows_but_no_share_fits_fails_the_checksum(n: int) -> None:
    # 27 words: 200 value bits leave exactly 8 bits of padding, the most SLIP-39 allows
    words = (SHARES[0].split() * 4)[:n]
    assert _refused([" ".join(words)]).startswith("share 1: the SLIP-39 checksum fails; ")


# --- the checksum, and locating one mistyped word ------------------------------------------------


def _replace_word(text: str, position: int, xor: int) -> str:
    words = text.split()
    words[position - 1] = WORDLIST[WORD_INDEX_MAP[words[position - 1]] ^ xor]
    return " ".join(words)


def test_one_mistyped_word_anywhere_is_located() -> None:
    share = SHARES16[0]
    n = len(share.split())
    assert n == 20
    for position in range(1, n + 1):
        xor = (position * 37) % 1023 + 1
        if position == 2:
            xor &= ~(1 << 4)  # the flag bit: below
        message = _refused([_replace_word(share, position, xor)])
        assert message == (
            f"share 1: the SLIP-39 checksum fails; word {position} is probably mistyped"
        )


@pytest.mark.parametrize(
    ("position", "xor"),
    [
        (1, 1),
        (1, 0x3FF),
        (2, 1 << 4),
        (2, (1 << 4) | 1),
        (2, 1 << 9),
        (2, 1),
        (3, 2),
        (17, 0x155),
        (30, 0x2AA),
        (31, 1),
        (32, 1 << 9),
        (33, 0x3FF),
    ],
)
def test_each_bit_of_a_mistyped_word_is_located(position: int, xor: int) -> None:
    # including word 2's bit 4, the extendable flag: the checksum is then the other string's
    text = _replace_word(SHARES[0], position, xor)
    assert recovery._locate_single_error([WORD_INDEX_MAP[w] for w in text.split()]) == position


def test_the_other_checksum_string_is_tried_only_for_the_flag_word() -> None:
    # In a 36-word share (a 288-bit secret, which other SLIP-39 tools may make), word 8 off by
    # 612 also looks, under the other customization string, like word 33 off by 725. An error
    # in word 33 cannot change the flag, so that reading is impossible: word 8 is the answer.
    # (Found by exhaustive search of the checksum's syndromes; it holds for any share of that
    # length, as the checksum is linear.)
    share = Share(0x1234, True, 0, 0, 1, 1, 0, 2, bytes(range(7, 43))).mnemonic()
    assert len(share.split()) == 36
    text = _replace_word(share, 8, 612)
    assert recovery._locate_single_error([WORD_INDEX_MAP[w] for w in text.split()]) == 8
    assert _refused([text]) == "share 1: the SLIP-39 checksum fails; word 8 is probably mistyped"


def test_a_flipped_flag_is_located_in_a_share_without_the_flag_too() -> None:
    plain = _altered(SHARES16[0], extendable=False)
    assert _share(plain).extendable is False
    for xor in (1 << 4, (1 << 4) | 1, 0x3FF):
        text = _replace_word(plain, 2, xor)
        assert _refused([text]) == (
            "share 1: the SLIP-39 checksum fails; word 2 is probably mistyped"
        )


@pytest.mark.parametrize(("a", "b"), [(1, 2), (2, 3), (10, 33), (32, 33)])
def test_two_mistyped_words_are_refused_without_a_position(a: int, b: int) -> None:
    text = _replace_word(_replace_word(SHARES[1], a, 0x101), b, 0x0F0)
    assert _refused([text]) == (
        "share 1: the SLIP-39 checksum fails; a word is mistyped or two are swapped"
    )


def test_two_swapped_words_are_refused_without_a_position() -> None:
    words = SLIP39[19][1][0].split()  # a fixed share: what a swap changes depends on the words
    i = next(k for k in range(5, 30) if words[k] != words[k + 1])
    words[i], words[i + 1] = words[i + 1], words[i]
    assert _refused([" ".join(words)]).endswith("; a word is mistyped or two are swapped")


def test_locate_returns_none_for_a_correct_share() -> None:
    assert recovery._locate_single_error([WORD_INDEX_MAP[w] for w in SHARES[0].split()]) is None


def test_as_int_packs_ten_bit_words() -> None:
    assert recovery._as_int([]) == 0
    assert recovery._as_int([1, 2, 3]) == (1 << 20) | (2 << 10) | 3
    assert recovery._as_int([1023, 0]) == 1023 << 10


def test_an_unknown_library_error_is_refused_without_its_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(cls: type, mnemonic: str) -> Share:
        raise shamir_mnemonic.MnemonicError(f'Something new about "{mnemonic}".')

    monkeypatch.setattr(Share, "from_mnemonic", classmethod(broken))
    assert _refused([SHARES[0], SHARES[1]]) == "share 1 is not a valid SLIP-39 share"


# --- shares that do not belong together ---------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "plural"),
    [
        ({"identifier": 12345}, "identifiers"),
        ({"extendable": False}, "backup flags"),
        ({"iteration_exponent": 1}, "iteration exponents"),
        ({"group_threshold": 2, "group_count": 2}, "group thresholds"),
        ({"group_count": 2}, "group counts"),
    ],
)
def test_a_share_from_another_set_is_refused_naming_what_differs(
    changes: dict[str, Any], plural: str
) -> None:
    if changes.get("identifier") == _share(SHARES[0]).identifier:
        changes["identifier"] += 1
    other = _altered(SHARES[2], **changes)
    message = _refused([SHARES[0], SHARES[1], other])
    assert message == f"share 3 is from another set of shares than share 1 (their {plural} differ)"


def test_a_share_of_another_split_is_refused() -> None:
    other = split_secret(SecretBytes(SECRET), 3, 5)
    assert _refused([SHARES[0], SHARES[1], other[2]]) == (
        "share 3 is from another set of shares than share 1 (their identifiers differ)"
    )


def test_a_share_with_another_member_threshold_is_refused() -> None:
    other = _altered(SHARES[3], member_threshold=2)
    assert _refused([SHARES[0], SHARES[1], SHARES[2], other]) == (
        "share 4 is from another set of shares than share 1 (their thresholds differ)"
    )


def test_a_duplicate_share_is_refused_naming_both() -> None:
    assert _refused([SHARES[0], SHARES[1], SHARES[0]]) == "share 3 is a duplicate of share 1"
    assert _refused([SHARES[4], SHARES[2], SHARES[3], SHARES[2].upper()]) == (
        "share 4 is a duplicate of share 2"
    )
    assert _refused([SHARES[0], SHARES[0]]) == "share 2 is a duplicate of share 1"


def test_two_shares_with_one_member_number_but_different_values_are_refused() -> None:
    s = _share(SHARES[1])
    forged = dataclasses.replace(s, value=bytes(len(s.value))).mnemonic()
    assert _refused([SHARES[0], SHARES[1], SHARES[2], forged]) == (
        "shares 2 and 4 carry the same member number but differ: one of them is altered or from"
        " another set"
    )


def test_too_few_shares_are_refused_counting_them() -> None:
    assert _refused(SHARES[:2]) == "only 2 of the 3 shares needed were given"
    assert _refused(SHARES[3:4]) == "only 1 of the 3 shares needed was given"
    assert _refused(SHARES16[:1]) == "only 1 of the 2 shares needed was given"


# --- forged shares: valid checksums, wrong values -----------------------------------------------


def _forged(text: str) -> str:
    s = _share(text)
    value = bytearray(s.value)
    value[0] ^= 0x01
    return dataclasses.replace(s, value=bytes(value)).mnemonic()


def test_a_forged_share_among_exactly_the_threshold_fails_authentication() -> None:
    assert _refused([SHARES[0], _forged(SHARES[1]), SHARES[2]], AuthenticationError) == (
        "the shares do not combine: one of them was altered or is from another set"
    )
    assert _refused([_forged(SHARES16[0]), SHARES16[1]], AuthenticationError).startswith(
        "the shares do not combine"
    )


def test_a_forged_extra_share_is_named() -> None:
    assert _refused([*SHARES[:3], _forged(SHARES[3])], AuthenticationError) == (
        "share 4 does not fit with the others: it was altered or is from another set"
    )
    assert _refused([*SHARES[:4], _forged(SHARES[4])], AuthenticationError) == (
        "share 5 does not fit with the others: it was altered or is from another set"
    )
    assert _refused([*SHARES16[:2], _forged(SHARES16[2])], AuthenticationError) == (
        "share 3 does not fit with the others: it was altered or is from another set"
    )


def test_an_extra_share_that_combines_to_another_secret_is_named() -> None:
    # a group whose member threshold is 1 (other SLIP-39 tools make these): each share is the
    # encrypted secret itself, so no digest can catch a different extra; the comparison must
    single = _share(split_secret(SecretBytes(SECRET), 1, 1)[0])
    first = dataclasses.replace(single, index=3).mnemonic()
    agreeing = dataclasses.replace(single, index=7).mnemonic()
    assert combine_shares([first, agreeing]).reveal() == SECRET
    other = dataclasses.replace(single, index=9, value=bytes(len(single.value))).mnemonic()
    assert _refused([first, agreeing, other], AuthenticationError) == (
        "share 3 does not fit with the others: it was altered or is from another set"
    )


def test_shares_of_different_lengths_do_not_form_a_set() -> None:
    s = _share(SHARES[1])
    short = dataclasses.replace(s, value=s.value[:16]).mnemonic()
    assert _refused([SHARES[0], short, SHARES[2]]) == "the shares do not form a valid SLIP-39 set"
    s4 = _share(SHARES[3])
    short4 = dataclasses.replace(s4, value=s4.value[:16]).mnemonic()
    assert _refused([*SHARES[:3], short4]) == "the shares do not form a valid SLIP-39 set"


# --- several groups (made by other SLIP-39 tools) -----------------------------------------------

GROUPED = shamir_mnemonic.generate_mnemonics(
    group_threshold=2,
    groups=[(2, 3), (1, 1), (3, 3)],
    master_secret=SECRET16,
    passphrase=b"",
    extendable=True,
    iteration_exponent=0,
)
GROUPED3 = shamir_mnemonic.generate_mnemonics(
    group_threshold=3,
    groups=[(1, 1), (1, 1), (1, 1), (1, 1)],
    master_secret=SECRET16,
    passphrase=b"",
    extendable=True,
    iteration_exponent=0,
)


def test_complete_groups_up_to_the_group_threshold_rebuild_the_secret() -> None:
    g0, g1, g2 = GROUPED
    assert combine_shares([g0[0], g0[2], *g1]).reveal() == SECRET16
    assert combine_shares([*g2, g1[0]]).reveal() == SECRET16
    assert combine_shares([g1[0], g2[1], g2[0], g2[2]]).reveal() == SECRET16
    assert combine_shares([g[0] for g in GROUPED3[1:]]).reveal() == SECRET16


def test_several_groups_refuse_incomplete_overfull_too_few_and_too_many() -> None:
    g0, g1, g2 = GROUPED
    assert _refused([g0[0], *g1]) == (
        "group 1 has 1 of the 2 shares it needs (2 complete groups are needed)"
    )
    assert _refused([*g0, *g1]) == (
        "group 1 has 3 of the 2 shares it needs (2 complete groups are needed)"
    )
    assert _refused([*g1, g2[0], g2[1]]) == (
        "group 3 has 2 of the 3 shares it needs (2 complete groups are needed)"
    )
    assert _refused(g1) == "only 1 of the 2 groups needed was given"
    assert _refused([g0[0], g0[1], *g1, *g2]) == "3 groups were given; this set needs exactly 2"
    assert _refused([GROUPED3[0][0], GROUPED3[2][0]]) == "only 2 of the 3 groups needed were given"
    assert _refused([g[0] for g in GROUPED3]) == "4 groups were given; this set needs exactly 3"


def test_member_thresholds_may_differ_between_groups_but_not_within_one() -> None:
    g2 = GROUPED[2]
    odd = _altered(g2[2], member_threshold=2)
    assert _refused([*g2[:2], odd]) == (
        "share 3 is from another set of shares than share 1 (their thresholds differ)"
    )


# --- what the secret derives --------------------------------------------------------------------


@pytest.mark.parametrize("case", PINNED, ids=lambda c: c["name"])
def test_the_derivation_matches_the_pinned_vector(case: dict[str, str]) -> None:
    secret = SecretBytes(bytes.fromhex(case["secret_hex"]))
    ident = recovery_identity(secret)
    assert ident.name == case["name"] == "recovery"
    assert ident.public.fingerprint() == case["fingerprint"]
    assert ident.public.sign_public.hex() == case["sign_public_hex"]
    assert hashlib.sha256(ident.public.kem_public).hexdigest() == case["kem_public_sha256_hex"]
    assert age_recipient(secret) == case["age_recipient"]


def test_the_derivation_is_hkdf_of_each_documented_purpose() -> None:
    secret = SecretBytes(SECRET)
    ident = recovery_identity(secret)

    def hk(purpose: str) -> bytes:
        return _primitives.hkdf_sha256(SECRET, recovery_info(purpose))

    assert ident.public.sign_public == _primitives.sign_public(hk("sign"))
    # the whole private KEM key: the second half of the ML-KEM seed (its implicit-rejection
    # value) does not change the public key, so the pinned vector cannot see it
    assert ident._kem.reveal() == hk("kem-mlkem-1") + hk("kem-mlkem-2") + hk("kem-x25519")
    assert ident._sign.reveal() == hk("sign")
    assert recovery_identity(SecretBytes(SECRET)).public == ident.public
    assert recovery_identity(SecretBytes(SECRET[::-1])).public != ident.public
    text = age_identity(secret).reveal().decode("ascii")
    assert text == text.upper() and text.startswith("AGE-SECRET-KEY-1")
    hrp, data = bech32.bech32_decode(text.lower())
    assert hrp == "age-secret-key-"
    assert bytes(bech32.convertbits(data, 5, 8, False)) == hk("age")
    parsed = pyrage.x25519.Identity.from_str(text)
    assert str(parsed.to_public()) == age_recipient(secret)


@pytest.mark.parametrize("size", [0, 16, 31, 33, 64])
def test_a_secret_of_the_wrong_length_derives_nothing(size: int) -> None:
    bad = SecretBytes(bytes(range(size)))
    for derive in (recovery_identity, age_identity, age_recipient):
        with pytest.raises(UsageError) as e:
            derive(bad)  # type: ignore[operator]
        assert str(e.value) == f"a recovery secret is 32 bytes; this one is {size}"


def test_an_age_identity_that_cannot_be_encoded_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bech32, "convertbits", lambda *a, **k: None)
    with pytest.raises(UsageError) as e:
        age_identity(SecretBytes(SECRET))
    assert str(e.value) == "could not encode the age identity"


def test_were_agrees_with_its_number() -> None:
    assert [recovery._were(n) for n in (0, 1, 2, 3)] == ["were", "was", "were", "were"]
