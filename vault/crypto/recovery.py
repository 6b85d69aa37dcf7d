"""The recovery secret: 32 random bytes, split among trustees as SLIP-39 mnemonic shares.

The secret itself is never stored. Trustees each keep one share (a list of words); any
``threshold`` of them rebuild the secret, and from it, deterministically:

- a casevault :class:`~vault.crypto.identity.Identity` named ``"recovery"`` (Ed25519 + hybrid
  ML-KEM-768/X25519 HPKE), to which the vault's keys are wrapped like to any member; and
- an age X25519 identity (``AGE-SECRET-KEY-1…``), to which backups are encrypted, so a backup
  opens with the stock ``age`` tool once the shares are combined.

Derivation (each an HKDF-SHA-256 of the secret, no salt, 32 bytes, with
``hierarchy.recovery_info(purpose)`` as info):

- ``sign``: the Ed25519 private key (its raw 32-byte seed);
- ``kem-mlkem-1`` and ``kem-mlkem-2``: the 64-byte ML-KEM-768 seed is the two outputs
  concatenated (``_primitives.hkdf_sha256`` yields 32 bytes; this leaves it unchanged);
- ``kem-x25519``: the X25519 private key of the hybrid KEM;
- ``age``: the X25519 scalar of the age identity.

Changing any of these is a format change: ``keys/vectors/recovery.json`` pins the result.

Splitting uses ``shamir_mnemonic`` (the SLIP-39 reference implementation): one group,
``threshold`` of ``shares``, extendable backup flag set, empty SLIP-39 passphrase (the shares
are the secret; there is no second factor to stretch) and iteration exponent 0 (PBKDF2 would
only stretch that empty passphrase; the master secret is 256 random bits).

Errors, all one line, none holding a word, a share or a byte of the secret:

- :class:`~vault.errors.UsageError` for anything the person can fix by retyping or choosing other
  shares: bad split parameters, no shares, a word not in the SLIP-39 list, a failed checksum
  (with the word's position when a single mistyped word can be located), a wrong number of
  words, a share from another set, a duplicate, too few shares.
- :class:`~vault.errors.AuthenticationError` when every share is well formed and they claim to
  belong together, but they do not combine (SLIP-39's digest check fails): one of them was
  altered in a way its checksum does not catch, or forged. Like a wrong passphrase, it cannot
  say which.

Pure: no I/O, no prints. Python cannot wipe memory; intermediate ``bytes`` and ``str`` copies of
secrets live until collected (docs/limitations.md).
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from typing import Any

import bech32
import pyrage
import shamir_mnemonic
from shamir_mnemonic import rs1024
from shamir_mnemonic.wordlist import WORD_INDEX_MAP

from vault.crypto import _primitives
from vault.crypto.hierarchy import recovery_info
from vault.crypto.identity import Identity
from vault.errors import AuthenticationError, UsageError
from vault.models.member import RECOVERY_NAME
from vault.models.secret import SecretBytes

RECOVERY_SECRET_BYTES = 32

MAX_SHARES = 16  # SLIP-39: a member index is 4 bits
ITERATION_EXPONENT = 0
AGE_IDENTITY_HRP = "age-secret-key-"

# SLIP-39 layout (words): identifier + flags (2), share parameters (2), value, checksum (3).
_ID_EXP_WORDS = 2
_CHECKSUM_WORDS = 3
_METADATA_WORDS = _ID_EXP_WORDS + 2 + _CHECKSUM_WORDS
_MIN_WORDS = 20  # metadata + 128-bit value
_CUSTOMIZATION = {False: b"shamir", True: b"shamir_extendable"}
_FLAG_BIT = 4  # the extendable flag: bit 4 of word 2 (above the 4-bit iteration exponent)


# --- the secret and its shares ------------------------------------------------------------------


def new_recovery_secret() -> SecretBytes:
    """A fresh recovery secret: 32 bytes from the operating system's CSPRNG."""
    return SecretBytes(_primitives.random_bytes(RECOVERY_SECRET_BYTES))


def split_secret(secret: SecretBytes, threshold: int, shares: int) -> list[str]:
    """SLIP-39 mnemonics of ``secret``: ``shares`` of them, any ``threshold`` rebuild it.

    One group. Raises UsageError when ``shares`` is not 1..16, ``threshold`` exceeds ``shares``,
    ``threshold`` is below 2 (unless a single 1-of-1 share is asked for), or the secret's length
    is not one SLIP-39 accepts (an even number of bytes, at least 16).
    """
    if not 1 <= shares <= MAX_SHARES:
        raise UsageError(f"the number of shares must be 1 to {MAX_SHARES}, not {shares}")
    if threshold > shares:
        raise UsageError(f"a threshold of {threshold} cannot exceed the {shares} shares made")
    if threshold < 2 and not (threshold == 1 and shares == 1):
        raise UsageError(
            f"a threshold of {threshold} is refused: it must be at least 2"
            " (only a single share may have threshold 1)"
        )
    n = len(secret)
    if n < 16 or n % 2:
        raise UsageError(
            f"a secret to split must be an even number of bytes, at least 16 (this one is {n})"
        )
    groups: Any = shamir_mnemonic.generate_mnemonics(
        group_threshold=1,
        groups=[(threshold, shares)],
        master_secret=secret.reveal(),
        passphrase=b"",
        extendable=True,
        iteration_exponent=ITERATION_EXPONENT,
    )
    return [str(m) for m in groups[0]]


def combine_shares(mnemonics: Sequence[str], passphrase: bytes | SecretBytes = b"") -> SecretBytes:
    """Rebuild the secret from SLIP-39 mnemonics (any order; case and spacing are ignored).

    ``passphrase`` is SLIP-39's optional passphrase; casevault's own shares use none (it is
    there for the published test vectors). More shares than the threshold are accepted in a
    one-group set, and every extra one must agree with the others. Raises UsageError or
    AuthenticationError as the module docstring describes; no message holds a word typed.
    """
    if isinstance(mnemonics, str):
        raise UsageError("give the shares as a list, one share per item")
    if not mnemonics:
        raise UsageError("no recovery shares given")
    texts = [_normalise(m, i) for i, m in enumerate(mnemonics, 1)]
    decoded = [_decode(t, i) for i, t in enumerate(texts, 1)]
    _check_same_set(decoded)
    chosen, extras = _choose(decoded)
    pw = passphrase.reveal() if isinstance(passphrase, SecretBytes) else bytes(passphrase)

    ems = _recover([texts[i] for i in chosen])
    for i in extras:
        # Swap the extra share in for the last chosen member of its group: it must give the
        # same encrypted master secret.
        group = decoded[i].group_index
        last = max(j for j in chosen if decoded[j].group_index == group)
        trial = [texts[j] for j in chosen if j != last] + [texts[i]]
        other = _recover(trial, share=i + 1)
        if not hmac.compare_digest(other.ciphertext, ems.ciphertext):
            raise AuthenticationError(
                f"share {i + 1} does not fit with the others: it was altered or is from another set"
            )
    return SecretBytes(ems.decrypt(pw))


def _normalise(mnemonic: object, number: int) -> str:
    if not isinstance(mnemonic, str):
        raise UsageError(f"share {number} is not text")
    text = " ".join(mnemonic.lower().split())
    if not text:
        raise UsageError(f"share {number} is empty")
    return text


def _decode(text: str, number: int) -> Any:
    """Parse one normalised mnemonic into a ``shamir_mnemonic.Share``; errors name only the
    share's number and, where known, a word's position."""
    words = text.split(" ")
    for pos, word in enumerate(words, 1):
        if word not in WORD_INDEX_MAP:
            raise UsageError(f"share {number}: word {pos} is not in the SLIP-39 word list")
    n = len(words)
    if n < _MIN_WORDS or (10 * (n - _METADATA_WORDS)) % 16 > 8:
        raise UsageError(
            f"share {number} has {n} words, which no SLIP-39 share has"
            " (20 for a 128-bit secret, 33 for a 256-bit one): a word is missing or extra"
        )
    try:
        return shamir_mnemonic.Share.from_mnemonic(text)
    except shamir_mnemonic.MnemonicError as e:
        reason = str(e).lower()
        if "checksum" in reason:
            where_at = _locate_single_error([WORD_INDEX_MAP[w] for w in words])
            where = (
                f"word {where_at} is probably mistyped"
                if where_at is not None
                else "a word is mistyped or two are swapped"
            )
            raise UsageError(f"share {number}: the SLIP-39 checksum fails; {where}") from None
        if "padding" in reason:
            raise UsageError(
                f"share {number} is not a valid SLIP-39 share (bad padding): a word is mistyped"
            ) from None
        if "threshold" in reason:
            raise UsageError(
                f"share {number} is not a valid SLIP-39 share: its group threshold exceeds its"
                " group count"
            ) from None
        raise UsageError(f"share {number} is not a valid SLIP-39 share") from None


def _locate_single_error(indices: list[int]) -> int | None:
    """The 1-based position of the one word whose change makes the checksum pass, or None.

    RS1024 has distance 4, so a single wrong word is located uniquely, and two wrong words
    give None rather than a wrong position. Uses the checksum's linearity: the syndrome of an
    error ``e`` at position ``j`` is a GF(2)-linear function of ``e``, spanned by 10 basis
    errors. The checksum's customization string depends on the extendable flag, a bit of word
    2: the other string is tried only for an error in word 2 that flips that bit.
    """
    data, check = indices[:-_CHECKSUM_WORDS], indices[-_CHECKSUM_WORDS:]
    typed_flag = bool((indices[1] >> _FLAG_BIT) & 1)
    found: set[int] = set()
    for extendable in (typed_flag, not typed_flag):
        cs = _CUSTOMIZATION[extendable]
        base = _as_int(rs1024.create_checksum(data, cs))
        syndrome = base ^ _as_int(check)
        if extendable == typed_flag:
            for k in range(_CHECKSUM_WORDS):  # the error is in one checksum word
                shift = 10 * (_CHECKSUM_WORDS - 1 - k)
                if syndrome and syndrome & ~(0x3FF << shift) == 0:
                    found.add(len(data) + k + 1)
        positions = range(len(data)) if extendable == typed_flag else [1]
        for j in positions:  # the error is in one data word
            basis = []
            for b in range(10):
                flipped = list(data)
                flipped[j] ^= 1 << b
                basis.append(base ^ _as_int(rs1024.create_checksum(flipped, cs)))
            value = mask = 0
            for e in range(1, 1024):  # Gray code: one basis vector changes per step
                bit = (e & -e).bit_length() - 1
                value ^= basis[bit]
                mask ^= 1 << bit
                flips_flag = bool((mask >> _FLAG_BIT) & 1)
                if value == syndrome and (extendable == typed_flag or flips_flag):
                    found.add(j + 1)
                    break
    return found.pop() if len(found) == 1 else None


def _as_int(words: Sequence[int]) -> int:
    value = 0
    for w in words:
        value = (value << 10) | w
    return value


_SET_FIELDS = (
    ("identifier", "identifiers"),
    ("extendable", "backup flags"),
    ("iteration_exponent", "iteration exponents"),
    ("group_threshold", "group thresholds"),
    ("group_count", "group counts"),
)


def _check_same_set(shares: list[Any]) -> None:
    """Every share carries its set's parameters; refuse a share whose parameters differ from
    share 1's, and duplicates."""
    first = shares[0]
    for i, s in enumerate(shares[1:], 2):
        for field, plural in _SET_FIELDS:
            if getattr(s, field) != getattr(first, field):
                raise UsageError(
                    f"share {i} is from another set of shares than share 1 (their {plural} differ)"
                )
    seen: dict[tuple[int, int], int] = {}
    for i, s in enumerate(shares, 1):
        key = (s.group_index, s.index)
        if key in seen:
            j = seen[key]
            if hmac.compare_digest(s.value, shares[j - 1].value):
                raise UsageError(f"share {i} is a duplicate of share {j}")
            raise UsageError(
                f"shares {j} and {i} carry the same member number but differ: one of them is"
                " altered or from another set"
            )
        seen[key] = i
    thresholds: dict[int, int] = {}
    for i, s in enumerate(shares, 1):
        t = thresholds.setdefault(s.group_index, s.member_threshold)
        if t != s.member_threshold:
            raise UsageError(
                f"share {i} is from another set of shares than share 1 (their thresholds differ)"
            )


def _choose(shares: list[Any]) -> tuple[list[int], list[int]]:
    """Indices (0-based) of the shares to combine and of the extra ones to cross-check.

    Raises UsageError when too few shares are given. In a set of several groups (made by other
    SLIP-39 tools, never by :func:`split_secret`) every group given must be complete and
    exactly the group threshold of groups must be given, as SLIP-39 requires.
    """
    first = shares[0]
    groups: dict[int, list[int]] = {}
    for i, s in enumerate(shares):
        groups.setdefault(s.group_index, []).append(i)
    if first.group_count == 1:
        members = groups[first.group_index]
        need = first.member_threshold
        if len(members) < need:
            raise UsageError(
                f"only {len(members)} of the {need} shares needed {_were(len(members))} given"
            )
        return members[:need], members[need:]
    gt = first.group_threshold
    for g, members in groups.items():
        need = shares[members[0]].member_threshold
        if len(members) != need:
            raise UsageError(
                f"group {g + 1} has {len(members)} of the {need} shares it needs"
                f" ({gt} complete groups are needed)"
            )
    if len(groups) < gt:
        raise UsageError(f"only {len(groups)} of the {gt} groups needed {_were(len(groups))} given")
    if len(groups) > gt:
        raise UsageError(f"{len(groups)} groups were given; this set needs exactly {gt}")
    return [i for members in groups.values() for i in members], []


def _recover(texts: list[str], share: int | None = None) -> Any:
    """The encrypted master secret of a checked set of mnemonics (shamir_mnemonic's own
    messages are never passed on: some quote words)."""
    try:
        return shamir_mnemonic.recover_ems(shamir_mnemonic.decode_mnemonics(texts))
    except shamir_mnemonic.MnemonicError as e:
        if "digest" in str(e).lower():
            if share is not None:
                raise AuthenticationError(
                    f"share {share} does not fit with the others: it was altered or is from"
                    " another set"
                ) from None
            raise AuthenticationError(
                "the shares do not combine: one of them was altered or is from another set"
            ) from None
        raise UsageError("the shares do not form a valid SLIP-39 set") from None


# --- what the secret derives --------------------------------------------------------------------


def _derive(secret: SecretBytes, purpose: str) -> bytes:
    if len(secret) != RECOVERY_SECRET_BYTES:
        raise UsageError(
            f"a recovery secret is {RECOVERY_SECRET_BYTES} bytes; this one is {len(secret)}"
        )
    return _primitives.hkdf_sha256(secret.reveal(), recovery_info(purpose))


def recovery_identity(secret: SecretBytes) -> Identity:
    """The casevault identity named ``"recovery"`` that ``secret`` derives (same secret, same
    keys). Raises UsageError when the secret is not 32 bytes."""
    sign = _derive(secret, "sign")
    mlkem = _derive(secret, "kem-mlkem-1") + _derive(secret, "kem-mlkem-2")
    x25519 = _derive(secret, "kem-x25519")
    return Identity(RECOVERY_NAME, SecretBytes(sign), SecretBytes(mlkem + x25519))


def age_identity(secret: SecretBytes) -> SecretBytes:
    """The age X25519 identity ``secret`` derives, as the ASCII text ``AGE-SECRET-KEY-1…`` that
    ``age -i`` reads (Bech32, upper case, as age writes it)."""
    scalar = _derive(secret, "age")
    data = bech32.convertbits(scalar, 8, 5)
    if data is None:  # cannot happen for 8-to-5 with padding; keeps the type checker honest
        raise UsageError("could not encode the age identity")
    text: str = bech32.bech32_encode(AGE_IDENTITY_HRP, data)
    return SecretBytes(text.upper().encode("ascii"))


def age_recipient(secret: SecretBytes) -> str:
    """The age recipient (``age1…``) of :func:`age_identity`: where backups are encrypted to."""
    identity = pyrage.x25519.Identity.from_str(age_identity(secret).reveal().decode("ascii"))
    return str(identity.to_public())


def _were(n: int) -> str:
    return "was" if n == 1 else "were"
