"""The recovery secret: SLIP-39 shares (official vectors, round trips, one-line refusals that
echo no word) and what the secret derives (a pinned casevault identity, an age identity that the
stock ``age`` tool opens)."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import bech32
import pyrage
import pytest
import shamir_mnemonic
from hypothesis import given, settings
from hypothesis import strategies as st
from shamir_mnemonic.wordlist import WORDLIST

from vault.crypto import SecretBytes, _primitives, verify_signature, wrap_to
from vault.crypto.hierarchy import recovery_info
from vault.crypto.recovery import (
    age_identity,
    age_recipient,
    combine_shares,
    new_recovery_secret,
    recovery_identity,
    split_secret,
)
from vault.errors import AuthenticationError, UsageError, VaultError

VECTORS = Path(__file__).resolve().parents[1] / "keys" / "vectors"
SLIP39 = json.loads((VECTORS / "slip39.json").read_text("utf-8"))
PINNED = json.loads((VECTORS / "recovery.json").read_text("utf-8"))
TREZOR = b"TREZOR"

# Words of the SLIP-39 list that the module's own messages use ("group 2 has ...", "the same
# member number", "a 128-bit secret", ...): they may appear in a message; no other word of the
# list may (the words of the module's raise statements that are in the list, found with ast).
MESSAGE_VOCABULARY = {
    "empty",
    "exceed",
    "extra",
    "group",
    "have",
    "item",
    "member",
    "secret",
    "single",
    "valid",
}
WORDS = [w for w in WORDLIST if w not in MESSAGE_VOCABULARY]

SECRET = SecretBytes(bytes(range(32)))
OTHER_SECRET = SecretBytes(bytes(range(1, 33)))
SHARES = split_secret(SECRET, 3, 5)


def _refusal(
    mnemonics: list[str], passphrase: bytes = b"", kind: type[VaultError] = VaultError
) -> str:
    """The message of combine_shares' refusal, checked to be one plain line that names no word
    of the shares given."""
    with pytest.raises(kind) as info:
        combine_shares(mnemonics, passphrase)
    assert isinstance(info.value, UsageError | AuthenticationError)
    message = str(info.value)
    assert message == info.value.diagnostics()
    assert message and "\n" not in message and len(message) < 200
    assert "Traceback" not in message and "Error" not in message and '"' not in message
    typed = {w.lower() for m in mnemonics for w in m.split()}
    assert set(re.findall(r"[a-z]+", message)) & typed <= MESSAGE_VOCABULARY
    return message


# --- the official SLIP-39 vectors -----------------------------------------------------------------


def test_vector_file_is_the_published_one() -> None:
    """Saved unchanged (keys/vectors/slip39.SOURCE.md): 40 vectors, both secret sizes."""
    assert len(SLIP39) == 40
    assert all(len(v) == 3 for v in SLIP39)
    assert {len(v[2]) for v in SLIP39} == {0, 32, 64}


@pytest.mark.parametrize("vector", [v for v in SLIP39 if v[2]], ids=lambda v: v[0].split(".")[0])
def test_valid_vector_gives_its_master_secret(vector: list[Any]) -> None:
    _description, mnemonics, secret_hex = vector
    assert combine_shares(mnemonics, TREZOR).reveal().hex() == secret_hex
    assert combine_shares(mnemonics, SecretBytes(TREZOR)).reveal().hex() == secret_hex
    # order does not matter
    assert combine_shares(mnemonics[::-1], TREZOR).reveal().hex() == secret_hex


@pytest.mark.parametrize(
    "vector", [v for v in SLIP39 if not v[2]], ids=lambda v: v[0].split(".")[0]
)
def test_invalid_vector_is_refused_in_one_line(vector: list[Any]) -> None:
    description, mnemonics, _ = vector
    message = _refusal(mnemonics, TREZOR)
    expected = {
        "invalid checksum": "checksum fails",
        "invalid padding": "padding",
        "different identifiers": "identifiers differ",
        "different iteration exponents": "iteration exponents differ",
        "mismatching group thresholds": "group thresholds differ",
        "mismatching group counts": "group counts differ",
        "greater group threshold": "group threshold exceeds",
        "duplicate member indices": "same member number",
        "mismatching member thresholds": "thresholds differ",
        "invalid digest": "do not combine",
        "Insufficient number of groups": "groups needed",
        "insufficient number of members": "shares it needs",
        "Basic sharing": "only 1 of the 2 shares needed was given",
        "insufficient length": "words",
        "invalid master secret length": "words",
    }
    reason = next(v for k, v in expected.items() if k in description)
    assert reason in message


def test_vector_checksum_error_names_the_word_position() -> None:
    """Vectors 2 and 21 change the last word; its position is named, not the word."""
    bad = [v for v in SLIP39 if "invalid checksum" in v[0]]
    for _description, mnemonics, _ in bad:
        n = len(mnemonics[0].split())
        assert _refusal(mnemonics, TREZOR, UsageError) == (
            f"share 1: the SLIP-39 checksum fails; word {n} is probably mistyped"
        )


# --- splitting and combining --------------------------------------------------------------------


def test_new_secret_is_32_random_bytes_that_do_not_print() -> None:
    a, b = new_recovery_secret(), new_recovery_secret()
    assert len(a) == 32 and a != b
    assert a.reveal().hex() not in repr(a) + str(a) + f"{a}"


def test_split_makes_distinct_33_word_shares_of_one_set() -> None:
    assert len(SHARES) == 5 and len(set(SHARES)) == 5
    for m in SHARES:
        words = m.split(" ")
        assert len(words) == 33 and all(w in WORDLIST for w in words)
    decoded = [shamir_mnemonic.Share.from_mnemonic(m) for m in SHARES]
    assert {(s.identifier, s.member_threshold, s.group_count) for s in decoded} == {
        (decoded[0].identifier, 3, 1)
    }
    assert sorted(s.index for s in decoded) == [0, 1, 2, 3, 4]
    assert split_secret(SECRET, 3, 5) != SHARES  # fresh randomness each time


@pytest.mark.parametrize("chosen", list(itertools.combinations(range(5), 3)))
def test_any_three_of_five_rebuild_the_secret(chosen: tuple[int, ...]) -> None:
    assert combine_shares([SHARES[i] for i in chosen]) == SECRET


@given(st.permutations(range(5)), st.integers(min_value=3, max_value=5))
@settings(max_examples=30, deadline=None, database=None)
def test_shares_in_any_order_and_more_than_needed_rebuild_the_secret(
    order: list[int], count: int
) -> None:
    assert combine_shares([SHARES[i] for i in order[:count]]) == SECRET


@pytest.mark.parametrize("chosen", list(itertools.combinations(range(5), 2)))
def test_any_two_of_five_are_refused(chosen: tuple[int, ...]) -> None:
    message = _refusal([SHARES[i] for i in chosen], kind=UsageError)
    assert message == "only 2 of the 3 shares needed were given"


def test_case_and_spacing_do_not_matter() -> None:
    messy = [
        "  " + SHARES[0].upper() + "\n",
        "\t".join(SHARES[1].split(" ")),
        "  ".join(w.capitalize() for w in SHARES[2].split(" ")),
    ]
    assert combine_shares(messy) == SECRET


def test_one_and_one_share_works_and_other_splits_are_refused() -> None:
    (single,) = split_secret(SECRET, 1, 1)
    assert combine_shares([single]) == SECRET
    assert combine_shares([*split_secret(SECRET, 2, 2)]) == SECRET
    assert combine_shares(split_secret(SECRET, 16, 16)) == SECRET
    half = SecretBytes(bytes(range(16)))
    assert combine_shares(split_secret(half, 2, 3)[:2]) == half


@pytest.mark.parametrize(
    ("threshold", "shares", "reason"),
    [
        (1, 3, "at least 2"),
        (0, 1, "at least 2"),
        (4, 3, "cannot exceed"),
        (2, 17, "1 to 16"),
        (2, 0, "1 to 16"),
        (-1, 5, "at least 2"),
    ],
)
def test_split_refuses_bad_parameters(threshold: int, shares: int, reason: str) -> None:
    with pytest.raises(UsageError) as info:
        split_secret(SECRET, threshold, shares)
    message = str(info.value)
    assert reason in message and "\n" not in message
    assert SECRET.reveal().hex() not in message


def test_split_refuses_a_secret_slip39_cannot_hold() -> None:
    for n in (15, 31, 8):
        with pytest.raises(UsageError, match="even number of bytes"):
            split_secret(SecretBytes(bytes(n)), 2, 3)


def test_combine_refuses_no_shares_and_empty_or_non_text_shares() -> None:
    assert _refusal([], kind=UsageError) == "no recovery shares given"
    assert _refusal([SHARES[0], "  \n "], kind=UsageError) == "share 2 is empty"
    with pytest.raises(UsageError, match="as a list"):
        combine_shares(SHARES[0])
    with pytest.raises(UsageError, match="share 1 is not text"):
        combine_shares([b"abc"])  # type: ignore[list-item]


@given(
    share=st.integers(min_value=0, max_value=2),
    position=st.integers(min_value=0, max_value=32),
    word=st.sampled_from(WORDS),
)
@settings(max_examples=60, deadline=None, database=None)
def test_one_changed_word_is_refused_naming_its_place_not_the_word(
    share: int, position: int, word: str
) -> None:
    words = SHARES[share].split(" ")
    if words[position] == word:
        return
    words[position] = word
    given_shares = list(SHARES[:3])
    given_shares[share] = " ".join(words)
    message = _refusal(given_shares, kind=UsageError)
    assert message == (
        f"share {share + 1}: the SLIP-39 checksum fails; word {position + 1} is probably mistyped"
    )
    assert word not in message.split()


def test_two_changed_words_are_refused_without_a_wrong_position() -> None:
    words = SHARES[1].split(" ")
    words[4], words[5] = words[5], words[4]  # two neighbours swapped
    message = _refusal([SHARES[0], " ".join(words), SHARES[2]], kind=UsageError)
    assert message == "share 2: the SLIP-39 checksum fails; a word is mistyped or two are swapped"


def test_a_word_not_in_the_list_is_named_by_position_only() -> None:
    words = SHARES[2].split(" ")
    words[6] = "zebrafish"
    message = _refusal([SHARES[0], SHARES[1], " ".join(words)], kind=UsageError)
    assert message == "share 3: word 7 is not in the SLIP-39 word list"
    assert "zebrafish" not in message


def test_a_missing_or_extra_word_is_refused() -> None:
    words = SHARES[0].split(" ")
    short = " ".join(words[:-1])
    assert "has 32 words" in _refusal([short, SHARES[1], SHARES[2]], kind=UsageError)
    long = " ".join([*words, words[0]])
    assert "has 34 words" in _refusal([SHARES[1], long, SHARES[2]], kind=UsageError)


def test_shares_of_two_different_splits_are_refused() -> None:
    other = split_secret(SECRET, 3, 5)  # same secret, new identifier (15 random bits)
    while _identifier(other[0]) == _identifier(SHARES[0]):
        other = split_secret(SECRET, 3, 5)
    message = _refusal([SHARES[0], SHARES[1], other[2]], kind=UsageError)
    assert message.startswith("share 3 is from another set of shares than share 1")
    third = split_secret(OTHER_SECRET, 3, 5)
    while _identifier(third[0]) == _identifier(SHARES[0]):
        third = split_secret(OTHER_SECRET, 3, 5)
    assert "another set" in _refusal([third[0], SHARES[1], SHARES[2]], kind=UsageError)
    # an extra share from another split is refused too, not silently ignored
    assert "another set" in _refusal([*SHARES[:3], other[3]], kind=UsageError)


def _identifier(mnemonic: str) -> int:
    return int(shamir_mnemonic.Share.from_mnemonic(mnemonic).identifier)


def test_a_duplicate_share_is_refused() -> None:
    message = _refusal([SHARES[0], SHARES[1], SHARES[0]], kind=UsageError)
    assert message == "share 3 is a duplicate of share 1"
    assert _refusal([SHARES[3], SHARES[3].upper()], kind=UsageError) == (
        "share 2 is a duplicate of share 1"
    )


def _forged(mnemonic: str) -> str:
    """The same share with one byte of its value changed and a fresh, valid checksum: what only
    SLIP-39's digest can catch."""
    s = shamir_mnemonic.Share.from_mnemonic(mnemonic)
    value = bytes([s.value[0] ^ 1]) + s.value[1:]
    return shamir_mnemonic.Share(
        s.identifier,
        s.extendable,
        s.iteration_exponent,
        s.group_index,
        s.group_threshold,
        s.group_count,
        s.index,
        s.member_threshold,
        value,
    ).mnemonic()


def test_a_forged_share_with_a_valid_checksum_fails_authentication() -> None:
    forged = _forged(SHARES[1])
    message = _refusal([SHARES[0], forged, SHARES[2]], kind=AuthenticationError)
    assert message == "the shares do not combine: one of them was altered or is from another set"
    message = _refusal([*SHARES[:3], _forged(SHARES[4])], kind=AuthenticationError)
    assert message == "share 4 does not fit with the others: it was altered or is from another set"


def test_refusals_hold_no_secret() -> None:
    for mnemonics in ([SHARES[0]], [SHARES[0], _forged(SHARES[1]), SHARES[2]]):
        with pytest.raises(VaultError) as info:
            combine_shares(mnemonics)
        text = str(info.value) + repr(info.value)
        assert SECRET.reveal().hex() not in text
        assert info.value.__cause__ is None  # no library message (which quotes words) chained


# --- what the secret derives --------------------------------------------------------------------


def test_recovery_identity_is_deterministic_and_named_recovery() -> None:
    a, b = recovery_identity(SECRET), recovery_identity(SecretBytes(bytes(range(32))))
    assert a.name == "recovery"
    assert a.public == b.public
    c = recovery_identity(OTHER_SECRET)
    assert c.public.sign_public != a.public.sign_public
    assert c.public.kem_public != a.public.kem_public
    assert c.public.fingerprint() != a.public.fingerprint()
    assert SECRET.reveal().hex() not in repr(a)


def test_recovery_identity_follows_the_documented_derivation() -> None:
    def derive(purpose: str) -> bytes:
        return _primitives.hkdf_sha256(SECRET.reveal(), recovery_info(purpose))

    public = recovery_identity(SECRET).public
    assert public.sign_public == _primitives.sign_public(derive("sign"))
    kem_private = derive("kem-mlkem-1") + derive("kem-mlkem-2") + derive("kem-x25519")
    assert public.kem_public == _primitives.kem_public(kem_private)


@pytest.mark.parametrize("case", PINNED["cases"], ids=lambda c: c["secret_hex"][:8])
def test_recovery_derivation_matches_pinned_vector(case: dict[str, str]) -> None:
    """keys/vectors/recovery.json (made by recovery_generate.py): a change of derivation fails."""
    secret = SecretBytes(bytes.fromhex(case["secret_hex"]))
    public = recovery_identity(secret).public
    assert public.name == case["name"]
    assert public.fingerprint() == case["fingerprint"]
    assert public.sign_public.hex() == case["sign_public_hex"]
    assert hashlib.sha256(public.kem_public).hexdigest() == case["kem_public_sha256_hex"]
    assert age_recipient(secret) == case["age_recipient"]


def test_the_recovery_identity_signs_and_opens_what_is_wrapped_to_it() -> None:
    rebuilt = recovery_identity(combine_shares(SHARES[2:]))
    key = SecretBytes(bytes(range(100, 132)))
    info = recovery_info("test-wrap")
    wrapped = wrap_to(recovery_identity(SECRET).public, key, info)
    assert rebuilt.open_wrapped(wrapped, info, "a test key") == key
    signature = rebuilt.sign(b"message")
    assert verify_signature(recovery_identity(SECRET).public.sign_public, signature, b"message")


def test_derivations_refuse_a_secret_of_the_wrong_length() -> None:
    for fn in (recovery_identity, age_identity, age_recipient):
        with pytest.raises(UsageError, match="recovery secret is 32 bytes; this one is 16"):
            fn(SecretBytes(bytes(16)))


def test_age_identity_is_the_bech32_of_the_derived_scalar() -> None:
    ident = age_identity(SECRET)
    assert isinstance(ident, SecretBytes)
    text = ident.reveal().decode("ascii")
    assert text.startswith("AGE-SECRET-KEY-1") and text == text.upper()
    assert text not in repr(ident)
    hrp, data = bech32.bech32_decode(text.lower())
    assert hrp == "age-secret-key-"
    scalar = bytes(bech32.convertbits(data, 5, 8, False))
    assert scalar == _primitives.hkdf_sha256(SECRET.reveal(), recovery_info("age"))
    assert age_identity(SECRET) == ident
    assert age_identity(OTHER_SECRET) != ident
    recipient = age_recipient(SECRET)
    assert recipient.startswith("age1") and recipient != age_recipient(OTHER_SECRET)


def test_pyrage_round_trip_through_the_derived_age_identity() -> None:
    plaintext = b"backup bytes \x00\xff" * 100
    recipient = pyrage.x25519.Recipient.from_str(age_recipient(SECRET))
    ciphertext = pyrage.encrypt(plaintext, [recipient])
    identity = pyrage.x25519.Identity.from_str(age_identity(SECRET).reveal().decode("ascii"))
    assert pyrage.decrypt(ciphertext, [identity]) == plaintext
    other = pyrage.x25519.Identity.from_str(age_identity(OTHER_SECRET).reveal().decode("ascii"))
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(ciphertext, [other])


def _age_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"the {name} command is not installed (CI installs it)")
    return path


def _identity_file(tmp_path: Path, secret: SecretBytes) -> Path:
    path = tmp_path / "recovery.age-identity"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(age_identity(secret).reveal() + b"\n")
    assert path.stat().st_mode & 0o777 == 0o600
    return path


def test_age_command_decrypts_what_pyrage_encrypted_to_the_recipient(tmp_path: Path) -> None:
    age = _age_tool("age")
    rebuilt = combine_shares([SHARES[4], SHARES[0], SHARES[2]])
    identity_file = _identity_file(tmp_path, rebuilt)
    plaintext = b"a backup of the vault\n" * 50
    encrypted = tmp_path / "backup.age"
    encrypted.write_bytes(
        pyrage.encrypt(plaintext, [pyrage.x25519.Recipient.from_str(age_recipient(SECRET))])
    )
    result = subprocess.run(
        [age, "-d", "-i", str(identity_file), str(encrypted)],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stdout == plaintext


def test_age_keygen_agrees_on_the_recipient(tmp_path: Path) -> None:
    keygen = _age_tool("age-keygen")
    result = subprocess.run(
        [keygen, "-y", str(_identity_file(tmp_path, SECRET))],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stdout.decode("ascii").strip() == age_recipient(SECRET)
