"""The leak index: every protected value of every case, as keyed hashes of its terms, keyed per
level.

A drafter or reviewer finds a protected value in a text (a family member's phone number in a
public summary) without reading it: the text's candidate terms are hashed and looked up. The
terms of a level are keyed under a key derived from that level's key, so a role can test a
guess only about values of the levels it reads (ADR 0005). Nothing about a term is stored in
the clear: its level is *which* key it matched, and the term lengths of each level are one
sealed row named by a keyed slot id. Written in the same transaction as each case version.

The layout (migration 0007, ADR 0005's addendum): a term row is (keyed term, case number) and
nothing more; each case has one row that lists its keyed terms in byte order and holds, for
every level key it was written under, the kinds of those terms sealed together: one byte a
term, 0 for a term of another key, so every level's part has the same size. A part's seal
binds vault, case, slot and the whole term list: a row moved to another case, a term added to
a case's list or a part moved does not open. Rows of the earlier layout (a sealed kind on
each) are still read until their case is saved again.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vault.crypto import (
    SEAL_OVERHEAD,
    BlindIndexer,
    Sealer,
    blind_index,
    context,
    derive_key,
    open_sealed,
    seal,
)
from vault.crypto.hierarchy import LEAK_KINDS, LEAK_LENGTHS, LEAK_TERM
from vault.errors import AccessDeniedError, DecryptionError, IntegrityError
from vault.models.secret import SecretBytes
from vault.policy import KeyKind, Policy
from vault.redact.entities import (
    EntityInfo,
    TermSet,
    asked,
    indexed_terms,
    is_run_together,
    is_weak_date_term,
    protected_values,
    value_terms,
)
from vault.redact.readings import is_case_scoped
from vault.services.session import Vault
from vault.store import leak_runs as runs
from vault.store.interface import LEAK_TERM_BYTES, LeakCaseRow

#: HKDF purposes of a level's leak-index keys (from the level key): one keys the terms (HMAC),
#: the other seals what the index says about them (AES-256-GCM).
TERM_PURPOSE = "leak index"
SEAL_PURPOSE = "leak index/seal"
NAMESPACE = "leak"  # blind-index namespace of a term
SLOT_NAMESPACE = "leak lengths"  # blind-index namespace of a level's lengths row
KINDS_NAMESPACE = "leak kinds"  # blind-index namespace of a level's part of a case's kinds
# Associated-data labels (the same format as vault.crypto.hierarchy's):
TERM_AD = LEAK_TERM
LENGTHS_AD = LEAK_LENGTHS
KINDS_AD = LEAK_KINDS
KIND_WIDTH = 32  # (layout v1) a kind was sealed padded to this width
#: A kind's code in a case's sealed kinds (its index + 1; 0 is a term of another level key).
#: The order is part of the format: a kind is only ever added at the end.
KIND_CODES = (
    "name",
    "phone",
    "email",
    "id_number",
    "codename",
    "address",
    "date_of_birth",
    "place",
)
_CODE_OF = {kind: i + 1 for i, kind in enumerate(KIND_CODES)}
LENGTH_BLOCK = 128  # lengths are sealed as a bitmap of whole 128-byte blocks (1024 lengths)


def has_consent(v: Vault, values: Mapping[str, Any]) -> bool:
    """Whether the case records consent to publish the person's name (the policy's consent
    field says ``publish_name: true``)."""
    return consented(v.policy, values)


def consented(policy: Policy, values: Mapping[str, Any]) -> bool:
    """:func:`has_consent` under a policy (no I/O)."""
    field = policy.consent_field()
    consent = values.get(field) if field else None
    return isinstance(consent, dict) and consent.get("publish_name") is True


def withheld_names(v: Vault, values: Mapping[str, Any], into: TermSet) -> None:
    """Add the person's own names (every field the policy says holds a subject's name) to
    ``into`` unless they consented to be named: what a draft and a publication withhold."""
    if has_consent(v, values):
        return
    for f in v.policy.subject_name_fields():
        value = values.get(f)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.strip():
                into.add_value(item, EntityInfo("name", "public"))


def case_terms(
    policy: Policy,
    values: Mapping[str, Any],
    *,
    indexed: bool = False,
    name_is_public: bool | None = None,
) -> list[tuple[str, EntityInfo]]:
    """(term, info) for every protected value of a case (no I/O): every term a check about
    this case looks for (:func:`value_terms`), or with ``indexed`` those the vault-wide leak
    index holds (:func:`indexed_terms`). The person's own name is public when ``values``
    record their consent, or as ``name_is_public`` says."""
    read = indexed_terms if indexed else value_terms
    public = consented(policy, values) if name_is_public is None else name_is_public
    out: list[tuple[str, EntityInfo]] = []
    for value, info in protected_values(
        values, policy.value_sources(), policy.levels[0], name_is_public=public
    ):
        out.extend((term, info) for term in sorted(read(value, info.kind)))
    return out


def outranks(policy: Policy, info: EntityInfo, than: EntityInfo | None) -> bool:
    """Whether ``info`` is of a higher level than ``than`` (or there is none): a term two
    values give counts at the higher one's level."""
    return than is None or policy.rank(info.level) > policy.rank(than.level)


def own_terms(
    policy: Policy, *versions: Mapping[str, Any], name_is_public: bool | None = None
) -> TermSet:
    """Every term a check about this case looks for in the values of each of ``versions``,
    with what it is (no I/O): a term two values give is of the higher level, whatever order the
    policy lists their fields in."""
    terms: dict[str, EntityInfo] = {}
    for values in versions:
        for term, info in case_terms(policy, values, name_is_public=name_is_public):
            if outranks(policy, info, terms.get(term)):
                terms[term] = info
    return TermSet(terms)


# --- the keys of one level ----------------------------------------------------------------------


#: How many of the cases holding a term a lookup reads (and a refusal names): a common term is
#: held by thousands of cases at a million, and a check needs only to know that it is held.
OWNERS_NAMED = 8

#: How many terms' lookups a :class:`VaultKnownValues` remembers before it forgets them all: an
#: import checks every case's public fields with one, and a million cases' texts ask for
#: millions of different terms (a term remembered is about 200 bytes).
REMEMBERED_LOOKUPS = 200_000


@dataclass(frozen=True)
class LeakKey:
    """The leak-index keys of one epoch of one level, derived from that level's key."""

    level: str
    epoch: int
    terms: SecretBytes  # HMAC key of the level's terms
    sealing: SecretBytes  # AES-GCM key of their kinds and of the level's lengths

    @classmethod
    def of(cls, level: str, epoch: int, level_key: SecretBytes) -> LeakKey:
        return cls(
            level,
            epoch,
            derive_key(level_key, TERM_PURPOSE),
            derive_key(level_key, SEAL_PURPOSE),
        )

    def term(self, term: str) -> bytes:
        """The keyed hash a term is stored and looked up under."""
        return self._indexer(term)

    @functools.cached_property
    def sealer(self) -> Sealer:
        """The AES-GCM of :attr:`sealing`, set up once for all the rows sealed under it."""
        return Sealer(self.sealing)

    @functools.cached_property
    def _indexer(self) -> BlindIndexer:
        return BlindIndexer(self.terms, NAMESPACE)

    @property
    def slot(self) -> bytes:
        """The id of this key's lengths row: keyed, so it names no level."""
        return blind_index(self.terms, SLOT_NAMESPACE, "")

    @functools.cached_property
    def kinds_slot(self) -> bytes:
        """The id of this key's part of a case's sealed kinds: keyed, so it names no level."""
        return blind_index(self.terms, KINDS_NAMESPACE, "")


def term_ad(vault_id: str, case_id: str, term: bytes) -> bytes:
    """(Layout v1) AD of a row's sealed kind: binds vault, case and the keyed term."""
    return context(TERM_AD, vault_id, case_id, term)


def kinds_ad(vault_id: str, case_id: str, slot: bytes, terms: bytes) -> bytes:
    """AD of one level key's part of a case's kinds: binds vault, case, the part's slot and the
    case's whole term list, so no part, term or row can be moved or added."""
    return context(KINDS_AD, vault_id, case_id, slot, terms)


def lengths_ad(vault_id: str, slot: bytes) -> bytes:
    """AD of a level's sealed lengths: binds vault and slot."""
    return context(LENGTHS_AD, vault_id, slot)


def _decode_kind(raw: bytes) -> str:
    return raw.rstrip(b"\0").decode("utf-8")


def _encode_lengths(lengths: Collection[int]) -> bytes:
    size = LENGTH_BLOCK * (max(lengths, default=0) // (LENGTH_BLOCK * 8) + 1)
    bits = bytearray(size)
    for n in lengths:
        bits[n // 8] |= 1 << (n % 8)
    return bytes(bits)


def _decode_lengths(bits: bytes) -> set[int]:
    return {i * 8 + j for i, byte in enumerate(bits) for j in range(8) if byte >> j & 1}


def writing_keys(v: Vault) -> dict[str, LeakKey]:
    """The leak keys a case version is indexed under: every level's, at its current epoch."""
    return {
        level: LeakKey.of(level, held.epoch, held.key)
        for level, held in v.keys.current_level_keys().items()
    }


def held_keys(v: Vault) -> list[LeakKey]:
    """Every leak key this session holds: each level it reads, at every epoch it can open
    (terms stay under the epoch they were written at until their case is written again)."""
    out: list[LeakKey] = []
    for level in v.policy.levels:
        for epoch in v.state.live_epochs(KeyKind.LEVEL, level):
            key = v.keys.level_key(level, epoch)
            if key is not None:
                out.append(LeakKey.of(level, epoch, key))
    return out


def checked_levels(v: Vault, keys: Iterable[LeakKey]) -> list[str]:
    """The levels whose every epoch is among ``keys``: those a text is fully checked against."""
    have = {(k.level, k.epoch) for k in keys}
    return [
        level
        for level in v.policy.levels
        if all((level, e) in have for e in v.state.live_epochs(KeyKind.LEVEL, level))
    ]


# --- writing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeakTerms:
    """What a case version adds to the leak index: each term keyed under its level's key, with
    its kind, and the term lengths per level. Sealed when stored (the seal binds the case)."""

    terms: list[tuple[LeakKey, bytes, str]]  # (key of its level, keyed term, kind)
    lengths: list[tuple[LeakKey, set[int]]]
    keys: list[LeakKey] = field(default_factory=list)  # every key a part of its kinds is for


def case_leak_terms(v: Vault, values: Mapping[str, Any]) -> LeakTerms:
    """The leak-index terms of a case's protected values (no I/O beyond the keyring). A writer
    holds every level's key; a missing one is refused rather than leaving values unindexed."""
    return case_leak_terms_with(v.policy, writing_keys(v), values)


def case_leak_terms_with(
    policy: Policy, keys: Mapping[str, LeakKey], values: Mapping[str, Any]
) -> LeakTerms:
    """:func:`case_leak_terms` under these writing keys (no I/O: an import runs it on another
    core, :mod:`vault.services.import_pool`)."""
    rows: list[tuple[LeakKey, bytes, str]] = []
    lengths: dict[str, set[int]] = {}
    for term, info in case_terms(policy, values, indexed=True):
        key = keys.get(info.level)
        if key is None:
            raise IntegrityError(f"this session has no {info.level} level key; cannot index")
        rows.append((key, key.term(term), info.kind))
        if is_run_together(term):
            lengths.setdefault(info.level, set()).add(len(term))
    return LeakTerms(
        rows, [(keys[level], lens) for level, lens in sorted(lengths.items())], list(keys.values())
    )


@dataclass(frozen=True)
class KindCodes:
    """What a case's leak row says before it is sealed (no I/O): its keyed terms in byte order,
    and for each key's kinds slot one code per term (0 for a term of another key)."""

    listed: bytes
    codes: dict[bytes, tuple[LeakKey, bytearray]]


def kind_codes(terms: LeakTerms) -> KindCodes:
    """The :class:`KindCodes` of ``terms``: a part for each key of ``terms.keys`` (and any a term
    is under). A term held twice keeps its first kind, as the index always did."""
    first: dict[bytes, tuple[LeakKey, str]] = {}
    for key, term, kind in terms.terms:
        if len(term) != LEAK_TERM_BYTES:
            raise ValueError(runs.TERM_SIZE)
        first.setdefault(term, (key, kind))
    order = sorted(first)
    codes: dict[bytes, tuple[LeakKey, bytearray]] = {
        k.kinds_slot: (k, bytearray(len(order))) for k in terms.keys
    }
    for i, term in enumerate(order):
        key, kind = first[term]
        code = _CODE_OF.get(kind)
        if code is None:
            raise ValueError("a value kind the leak index has no code for")
        codes.setdefault(key.kinds_slot, (key, bytearray(len(order))))[1][i] = code
    return KindCodes(b"".join(order), codes)


def leak_case_row(vault_id: str, case_id: str, terms: LeakTerms) -> LeakCaseRow:
    """A case's leak-index row (no I/O): its :func:`kind_codes`, each key's part sealed."""
    made = kind_codes(terms)
    parts = b"".join(
        slot + key.sealer.seal(bytes(plain), kinds_ad(vault_id, case_id, slot, made.listed))
        for slot, (key, plain) in sorted(made.codes.items())
    )
    return LeakCaseRow(case_id, made.listed, parts)


#: Why a case's sealed kinds cannot be split into parts (:func:`kinds_parts`).
CUT_SHORT = "its sealed kinds are cut short"
REPEATED = "a part of its kinds is repeated"


def kinds_parts(row: LeakCaseRow, slot_width: int) -> dict[bytes, bytes]:
    """Each sealed part of a case's kinds, by its key's kinds slot (no I/O). ValueError
    (:data:`CUT_SHORT`, :data:`REPEATED`) when the row does not split into whole parts, or
    holds a part twice: which one a reader took would then decide what it finds."""
    stride = slot_width + SEAL_OVERHEAD + len(row.terms) // LEAK_TERM_BYTES
    if len(row.terms) % LEAK_TERM_BYTES or len(row.kinds) % stride:
        raise ValueError(CUT_SHORT)
    parts = {
        row.kinds[at : at + slot_width]: row.kinds[at + slot_width : at + stride]
        for at in range(0, len(row.kinds), stride)
    }
    if len(parts) * stride != len(row.kinds):
        raise ValueError(REPEATED)
    return parts


def store_leak_terms(v: Vault, case_id: str, terms: LeakTerms) -> None:
    """Make ``terms`` a case's whole leak index, and add their lengths to their levels' sealed
    lengths, in the caller's write transaction."""
    store_leak_terms_of(v, [(case_id, terms)])


def store_leak_terms_of(v: Vault, cases: Sequence[tuple[str, LeakTerms]]) -> None:
    """:func:`store_leak_terms` for many cases in one write: their rows go to the store together
    (in key order), and each level's sealed lengths are opened and rewritten once. A case named
    twice keeps its last terms, as two calls in turn would."""
    latest = dict(cases)
    store_case_leaks(v, [case_leaks(v.vault_id, cid, terms) for cid, terms in latest.items()])


@dataclass(frozen=True)
class CaseLeaks:
    """A case's leak-index row made ready (:func:`leak_case_row`: its keyed terms in byte order
    and its kinds sealed), with the run-together lengths it adds per level key."""

    row: LeakCaseRow
    lengths: list[tuple[LeakKey, set[int]]]


def case_leaks(vault_id: str, case_id: str, terms: LeakTerms) -> CaseLeaks:
    """A case's :class:`CaseLeaks` (no I/O: an import makes them on another core)."""
    return CaseLeaks(leak_case_row(vault_id, case_id, terms), terms.lengths)


def store_case_leaks(v: Vault, cases: Sequence[CaseLeaks], *, staged: bool = False) -> None:
    """Make each row its case's whole leak index and add the lengths to their levels' sealed
    lengths, in the caller's write transaction: the rows go to the store together (in key
    order, or ``staged`` until the caller merges them: an import), each level's lengths are
    opened and rewritten once. A case named twice keeps its last row."""
    latest = {c.row.case_id: c for c in cases}
    lengths: dict[bytes, tuple[LeakKey, set[int]]] = {}
    for leaks in latest.values():
        for key, lens in leaks.lengths:
            lengths.setdefault(key.slot, (key, set()))[1].update(lens)
    v.store.replace_leak_cases([c.row for c in latest.values()], staged=staged)
    stored = v.store.leak_lengths(list(lengths))
    changed: list[tuple[bytes, bytes]] = []
    for key, lens in lengths.values():
        known = open_lengths(v, key, stored.get(key.slot))
        if not lens <= known:
            ad = lengths_ad(v.vault_id, key.slot)
            changed.append((key.slot, seal(key.sealing, _encode_lengths(known | lens), ad)))
    v.store.put_leak_lengths(changed)


def open_lengths(v: Vault, key: LeakKey, sealed: bytes | None) -> set[int]:
    """The run-together lengths a level key's sealed row holds (none: no row)."""
    if sealed is None:
        return set()
    try:
        bits = open_sealed(key.sealing, sealed, lengths_ad(v.vault_id, key.slot), "leak lengths")
    except DecryptionError:
        raise IntegrityError("the leak index's lengths row is damaged") from None
    return _decode_lengths(bits)


# --- looking up ---------------------------------------------------------------------------------


class VaultKnownValues:
    """KnownValues backed by the vault's leak index: hashed lookups under every level key this
    session holds; no value is decrypted, and a level this role does not read is not seen.

    The index holds what finds a value of *any* case (:func:`indexed_terms`). A check about
    some cases (a draft's, the case being saved) also gives their every term in ``own`` (case
    -> its :func:`own_terms`, read from the values the check has: their signed versions, the
    case as saved): the forms a writer makes up and the parts of a value, which count for those
    cases only. A part of a value (:data:`vault.redact.readings.CASE_SCOPED`, a date's weak
    terms) never counts from the index, whoever's it is: an index made by an earlier casevault
    holds them."""

    def __init__(
        self, v: Vault, own: Mapping[str, TermSet] | None = None, *, above_lowest: bool = False
    ) -> None:
        self._v = v
        self._keys = held_keys(v)
        if not self._keys:
            raise AccessDeniedError(f"{v.user} ({v.role}) holds no level key to check text with")
        if above_lowest:
            # a check of public fields counts no value of the lowest level (every role reads
            # it): the index is not asked under that level's keys at all
            self._keys = [k for k in self._keys if k.level != v.policy.levels[0]]
        stored = v.store.leak_lengths([k.slot for k in self._keys])
        #: each key's lengths of run-together terms: a term of another length is not asked
        #: under it (no value of its level was that long when run together)
        self._key_lengths = {k.slot: open_lengths(v, k, stored.get(k.slot)) for k in self._keys}
        self._lengths: set[int] = set().union(*self._key_lengths.values())
        #: term -> (what it is, the cases of ``own`` that hold it)
        self._own_terms: dict[str, tuple[EntityInfo, set[str]]] = {}
        for case_id, mine in (own or {}).items():
            self._lengths |= mine.lengths()
            for term, info in mine.items():
                prev = self._own_terms.get(term)
                holders = prev[1] if prev else set()
                if outranks(v.policy, info, prev[0] if prev else None):
                    self._own_terms[term] = (info, holders)
                holders.add(case_id)
        self.levels = checked_levels(v, self._keys)  # the levels a lookup covers in full
        #: For each term a lookup found, cases whose protected value it is (so a refusal can
        #: name a case, never the value): up to OWNERS_NAMED of them from the index, and the
        #: cases of ``own`` that hold it.
        self.owners: dict[str, set[str]] = {}
        self._memo: dict[str, tuple[EntityInfo, set[str]] | None] = {}
        self._cases: dict[str, LeakCaseRow] = {}  # the leak rows of cases a lookup found
        self._parts: dict[tuple[str, bytes], dict[bytes, int]] = {}  # their opened kinds

    def lengths(self) -> Collection[int]:
        return self._lengths

    def ask(self, terms: Collection[str]) -> None:
        """Ask the index about ``terms`` now, in one lookup, for the checks that follow to find
        remembered (many texts' terms together: the index is read in key order once for all of
        them, not once for each text). A run-together term of a length no key holds is left
        out, as a check leaves it out (:func:`~vault.redact.entities.find_known_in`). Within
        the memory of :data:`REMEMBERED_LOOKUPS`."""
        self._remember(asked(terms, self._lengths))

    def _remember(self, terms: Collection[str]) -> None:
        # Each term is hashed and looked up once per session: a text scanned in many forms (a
        # publication's every part) asks for the same terms again and again. A part of a value
        # is not asked of the index at all.
        fresh = [t for t in terms if t not in self._memo]
        if fresh and len(self._memo) + len(fresh) > REMEMBERED_LOOKUPS:
            self._memo.clear()  # and each term of this text asked again
            self._cases.clear()
            self._parts.clear()
            fresh = list(dict.fromkeys(terms))
        if fresh:
            # looked up before any is remembered: a lookup that fails (a damaged index)
            # leaves none of them remembered as absent
            found = dict(self._lookup([t for t in fresh if not is_case_scoped(t)]))
            self._memo.update(dict.fromkeys(fresh))
            self._memo.update(found)

    def lookup(self, terms: Collection[str]) -> dict[str, EntityInfo]:
        self._remember(terms)
        rank = self._v.policy.rank
        found: dict[str, EntityInfo] = {}
        for term in terms:
            index = self._memo.get(term)
            if index is not None and is_weak_date_term(term, index[0].kind):
                index = None  # a date's weak term counts only for the cases of ``own``
            hits = [h for h in (self._own_terms.get(term), index) if h is not None]
            if not hits:
                continue
            found[term] = max((h[0] for h in hits), key=lambda info: rank(info.level))
            self.owners.setdefault(term, set()).update(*(h[1] for h in hits))
        return found

    def _lookup(self, terms: Collection[str]) -> Iterable[tuple[str, tuple[EntityInfo, set[str]]]]:
        spaced = [t for t in terms if not is_run_together(t)]
        joined = [t for t in terms if is_run_together(t)]
        want: dict[bytes, tuple[str, LeakKey]] = {}
        for key in self._keys:
            lengths = self._key_lengths[key.slot]
            for term in [*spaced, *(t for t in joined if len(t) in lengths)]:
                want[key.term(term)] = (term, key)
        if not want:
            return []
        store = self._v.store
        # a term held vault-wide counts whoever holds it: a few of its rows say so (and name a
        # few cases)
        hashes = list(want)
        rows = store.find_leak_terms(hashes, per_term=OWNERS_NAMED)
        old = store.find_leak_terms_v1(hashes, per_term=OWNERS_NAMED)
        hits = [
            (h, case_id, self._kind(case_id, want[h][1], h)) for h, case_id in rows if h in want
        ]
        hits += [
            (h, case_id, self._kind_v1(case_id, want[h][1], h, sealed))
            for h, case_id, sealed in old
            if h in want
        ]
        rank = self._v.policy.rank
        found: dict[str, tuple[EntityInfo, set[str]]] = {}
        for hashed, case_id, kind in hits:
            term, key = want[hashed]
            prev = found.get(term)
            cases = prev[1] if prev else set()
            cases.add(case_id)
            if prev is None or rank(key.level) > rank(prev[0].level):
                found[term] = (EntityInfo(kind, key.level), cases)
        return found.items()

    def _kind(self, case_id: str, key: LeakKey, hashed: bytes) -> str:
        """The kind of a term a row says ``case_id`` holds, from that case's sealed kinds."""
        part = self._parts.get((case_id, key.kinds_slot))
        if part is None:
            part = self._parts[(case_id, key.kinds_slot)] = self._open_part(case_id, key)
        code = part.get(hashed, 0)
        if not 1 <= code <= len(KIND_CODES):
            raise _damaged(case_id)
        return KIND_CODES[code - 1]

    def _open_part(self, case_id: str, key: LeakKey) -> dict[bytes, int]:
        """Each keyed term of the case, with its code in ``key``'s part of the case's kinds."""
        row = self._cases.get(case_id)
        if row is None:
            row = self._v.store.leak_cases([case_id]).get(case_id)
            if row is None:
                raise _damaged(case_id)
            self._cases[case_id] = row
        try:
            sealed = kinds_parts(row, len(key.kinds_slot)).get(key.kinds_slot)
        except ValueError:
            raise _damaged(case_id) from None
        if sealed is None:
            raise _damaged(case_id)
        ad = kinds_ad(self._v.vault_id, case_id, key.kinds_slot, row.terms)
        try:
            codes = key.sealer.open(sealed, ad, "leak kinds")
        except DecryptionError:
            raise _damaged(case_id) from None
        return dict(zip(row.term_list(), codes, strict=True))

    def _kind_v1(self, case_id: str, key: LeakKey, hashed: bytes, sealed: bytes) -> str:
        """The kind a row of the earlier layout seals."""
        try:
            raw = key.sealer.open(sealed, term_ad(self._v.vault_id, case_id, hashed), "leak term")
        except DecryptionError:
            raise _damaged(case_id) from None
        return _decode_kind(raw)


def _damaged(case_id: str) -> IntegrityError:
    return IntegrityError(f"the leak index of case {case_id} is damaged")
