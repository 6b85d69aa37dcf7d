"""Is every case's leak index what its signed version says? (``casevault check``)

The leak index is keyed hashes whose kinds are sealed under level keys, and every caseworker
holds every level key: with the database key she can delete a case's rows, or rewrite them
consistently, and a draft check or the publication's leak check would then miss that case's
values (docs/threat-model.md). Nothing signs the index; what is signed is each case version.
So this check reads every case's head version (its author's signature checked), reads its
values into their leak terms again, and compares them with what the index holds: the case's
row, its term list, the kind of every term (each level's sealed part opened), and the term
rows a lookup finds. It needs every level key, and about 5 ms of reading a case, spread over
the cores (:mod:`vault.services.forked`: values go to the workers as an import sends them;
keyed hashes and kind codes come back).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from vault.errors import DecryptionError, IntegrityError, VaultError
from vault.policy import Policy
from vault.redact.entities import terms_remembered
from vault.services.cases import open_version
from vault.services.forked import cores, ordered_map
from vault.services.leaks import (
    LeakKey,
    case_leak_terms_with,
    held_keys,
    kind_codes,
    kinds_ad,
    kinds_parts,
    open_lengths,
    writing_keys,
)
from vault.services.provenance import case_head
from vault.services.session import Vault
from vault.store.interface import LEAK_TERM_BYTES, LeakCaseRow
from vault.store.leak_runs import RunsCheck

#: Cases read and handed to the workers at a time.
CHUNK = 50
#: Problems named at most (the first say most; the count says how many).
MAX_NAMED = 20


@dataclass
class LeakIndexCheck:
    """What the check found: how many cases it compared, and every case whose index is not
    what its signed version says (up to :data:`MAX_NAMED` named). ``skipped``: why it did
    not run (the person does not hold every level key)."""

    checked: int = 0
    damaged: int = 0
    problems: list[str] = field(default_factory=list)
    skipped: str | None = None

    @property
    def ok(self) -> bool:
        return self.damaged == 0

    def add(self, problem: str) -> None:
        self.damaged += 1
        if len(self.problems) < MAX_NAMED:
            self.problems.append(problem)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "damaged": self.damaged,
            "problems": self.problems,
            "skipped": self.skipped,
        }


@dataclass(frozen=True)
class _Expected:
    """A case's leak index as its values give it: its keyed terms in byte order, and per
    level key (by its kinds slot) one kind code per term, 0 for a term of another key."""

    terms: bytes
    codes: dict[bytes, bytes]
    #: per level key (by its lengths slot) the lengths of its run-together terms
    lengths: dict[bytes, frozenset[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Reader:
    policy: Policy
    keys: Mapping[str, LeakKey]

    def read(self, item: tuple[str, Mapping[str, Any] | None]) -> _Expected | None:
        _case_id, values = item
        if values is None:
            return None
        with terms_remembered():
            terms = case_leak_terms_with(self.policy, self.keys, values)
            made = kind_codes(terms)
        return _Expected(
            made.listed,
            {slot: bytes(c) for slot, (_, c) in made.codes.items()},
            {key.slot: frozenset(lens) for key, lens in terms.lengths},
        )


def _heads(v: Vault, result: LeakIndexCheck) -> Iterator[tuple[str, Mapping[str, Any] | None]]:
    """Every case id with its head version's values (None where the version does not open:
    named as a problem here, and not compared)."""
    after: str | None = None
    while True:
        # every case with stored versions: one whose row in `cases` was removed (with its leak
        # rows) would otherwise be skipped, and its values hidden from every check
        ids = v.store.versioned_case_ids(limit=500, after=after)
        if not ids:
            return
        for case_id in ids:
            values: Mapping[str, Any] | None = None
            try:
                head = case_head(v, case_id)
                if head is None:
                    result.add(f"case {case_id}: its versions are stored but it is not listed")
                else:
                    values = open_version(v, case_id, head).values
            except VaultError as e:
                result.add(f"case {case_id}: its head version does not open ({e})")
            yield case_id, values
        after = ids[-1]


def _compare(
    v: Vault,
    keys: list[LeakKey],
    earlier: set[bytes],
    case_id: str,
    row: LeakCaseRow | None,
    want: _Expected,
) -> str | None:
    """Why the stored row is not ``want``, or None when it is. ``earlier``: the kinds slots of
    the level keys of earlier epochs (a rotation re-indexes every case under the new ones)."""
    n = LEAK_TERM_BYTES
    mine = [want.terms[i : i + n] for i in range(0, len(want.terms), n)]
    if row is None:
        # a case not saved since migration 0007 keeps its rows in the earlier layout
        old = {t for t, _, _ in v.store.find_leak_terms_v1(mine, cases=[case_id])}
        if old and len(old) == len(mine):
            return None
        if old:
            return f"its leak index (earlier layout) lacks {len(mine) - len(old)} of its terms"
        return "it has no leak index" if mine else None
    by_slot = {k.kinds_slot: k for k in keys}
    try:
        parts = kinds_parts(row, len(next(iter(by_slot))))
    except ValueError as e:
        return str(e)  # cut short, or a part repeated
    if any(slot not in by_slot for slot in parts):
        if all(slot in by_slot or slot in earlier for slot in parts):
            return "its leak index is under an earlier key epoch: finish `casevault keys rotate`"
        return "a part of its kinds is under no level key"
    # Every term its signed version gives must be there, with its kind: a missing one hides a
    # value. A term more (made by an earlier casevault, whose terms differ a little) hides none.
    have = set(row.term_list())
    lacking = len(set(mine) - have)
    if lacking:
        return f"its leak index lacks {lacking} of the {len(mine)} terms its signed version gives"
    stored = row.term_list()
    for slot, codes in want.codes.items():
        sealed = parts.get(slot)
        if sealed is None:
            return "a part of its kinds is missing"
        ad = kinds_ad(v.vault_id, case_id, slot, row.terms)
        try:
            opened = by_slot[slot].sealer.open(sealed, ad, "leak kinds")
        except DecryptionError:
            return "a part of its kinds does not open"
        kind_of = dict(zip(stored, opened, strict=True))
        if any(kind_of[term] != code for term, code in zip(mine, codes, strict=True)):
            return "the kinds of its terms are not its values' kinds"
    try:
        found = v.store.find_leak_terms(mine, cases=[case_id])
    except IntegrityError:  # a run it falls in is not whole pairs: named once, below, as well
        return "a run holding its terms is malformed: a lookup would refuse"
    missing = len(mine) - len({t for t, _ in found})
    if missing:
        return f"{missing} of its term rows are missing: a lookup would not find them"
    return None


def check_leak_index(v: Vault) -> LeakIndexCheck:
    """Compare every case's leak index with its signed head version (see the module)."""
    result = LeakIndexCheck()
    if set(v.policy.readable_levels(v.role)) != set(v.policy.levels):
        result.skipped = f"{v.user} ({v.role}) does not read every level"
        return result
    try:
        keys = writing_keys(v)
    except VaultError as e:
        result.skipped = str(e)
        return result
    reader = _Reader(v.policy, keys)
    current = {k.kinds_slot for k in keys.values()}
    earlier = {k.kinds_slot for k in held_keys(v)} - current
    workers = cores() if cores() > 1 else 0
    needed: dict[bytes, set[int]] = {}  # per lengths slot, the lengths its cases' terms have
    with v.store.read():
        pending = v.store.count_pending_leak_terms()
        if pending:  # a finished import leaves none: rows put there by hand, for the next one
            result.add(f"{pending} leak term rows wait for an import that is not running")
        _check_runs(v, result)
        done = ordered_map(reader.read, _heads(v, result), chunk=CHUNK, workers=workers, warm=True)
        try:
            batch: list[tuple[str, _Expected]] = []
            for (case_id, _values), want in done:
                if want is None:
                    continue
                batch.append((case_id, want))
                if len(batch) >= CHUNK:
                    _compare_batch(v, list(keys.values()), earlier, batch, result, needed)
                    batch.clear()
            _compare_batch(v, list(keys.values()), earlier, batch, result, needed)
        finally:
            done.close()
        _check_lengths(v, list(keys.values()), needed, result)
    return result


def _check_lengths(
    v: Vault, keys: list[LeakKey], needed: Mapping[bytes, set[int]], result: LeakIndexCheck
) -> None:
    """Each level key's sealed lengths hold every length of its cases' run-together terms: a
    lookup asks a run-together term only under the keys whose lengths hold its length, so a
    length taken out (the row deleted, or an older sealed copy put back) hides every value of
    that length and level from every check."""
    stored = v.store.leak_lengths([k.slot for k in keys])
    for key in keys:
        try:
            have = open_lengths(v, key, stored.get(key.slot))
        except IntegrityError as e:
            result.add(str(e))
            continue
        lacking = needed.get(key.slot, set()) - have
        if lacking:
            result.add(
                f"the lengths kept for a level key lack {len(lacking)} of the lengths its "
                "cases' terms have: a lookup would not ask for those terms"
            )


def _check_runs(v: Vault, result: LeakIndexCheck) -> None:
    """The runs' shape (:class:`vault.store.leak_runs.RunsCheck`), and as many pairs as the
    cases list: a pair more (a stale copy, a pair under a number no case has) makes lookups
    refuse, a pair fewer is named by its case below."""
    shape = RunsCheck()
    for key, data, marks in v.store.leak_runs_in_order():
        shape.feed(key, data, marks)
    for why, count in sorted(shape.problems.items()):
        result.add(f"{count} of its {shape.runs} runs {why}: a lookup may not find a value")
    stray = v.store.count_stray_leak_marks()
    if stray:
        result.add(f"{stray} rows of its marks name no run: a lookup may not find a value")
    listed = v.store.count_listed_leak_terms()
    if shape.pairs > listed:
        result.add(
            f"its runs hold {shape.pairs - listed} pairs more than the cases list: "
            "a lookup that meets one refuses"
        )


def _compare_batch(
    v: Vault,
    keys: list[LeakKey],
    earlier: set[bytes],
    batch: list[tuple[str, _Expected]],
    result: LeakIndexCheck,
    needed: dict[bytes, set[int]],
) -> None:
    rows = v.store.leak_cases([case_id for case_id, _ in batch])
    for case_id, want in batch:
        result.checked += 1
        why = _compare(v, keys, earlier, case_id, rows.get(case_id), want)
        if why is not None:
            result.add(f"case {case_id}: {why}")
            continue
        for slot, lengths in want.lengths.items():  # a case whose terms are as its version's
            needed.setdefault(slot, set()).update(lengths)
