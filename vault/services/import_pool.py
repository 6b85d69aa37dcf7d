"""Reading an import's cases into their leak terms on the other cores while this one writes.

Most of an import's time is pure reading: each case's protected values turned into their leak
terms (every spelling, script and disguise, :mod:`vault.redact.entities`) and its public fields
checked against its own values. That work needs no database, so an import hands it, a chunk
of cases at a time, to worker processes forked from the unlocked session, and writes each
chunk (encrypted, signed, logged) as its results come back, in the file's order.

What crosses between the processes: a chunk's validated values going out (the import file
holds them in the clear already), and coming back each case's findings (field, kind, level)
and its leak-index row as it is stored (keyed hashes in byte order, their kinds sealed), with
its term lengths per level, and the candidate terms of its public text fields (public text,
folded: what the writer asks the whole index about), never a protected value or its terms.
A worker holds the level keys because it is a fork of the session that holds them (with the
rest of its memory and its open files, unused: :mod:`vault.services.forked`). With one core,
or a chunk the file never fills, nothing is forked and the same functions run in this
process.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vault.policy import Policy
from vault.redact.entities import terms_remembered
from vault.services.forked import cores, ordered_map
from vault.services.leaks import CaseLeaks, LeakKey, case_leak_terms_with, case_leaks
from vault.services.public_fields import OwnCheck, own_check
from vault.store.interface import LeakCaseRow

#: Cases handed to a worker at a time: large enough that a chunk's transfer costs little
#: beside its reading (tens of ms), small enough that the first results come back soon.
CHUNK = 50


@dataclass(frozen=True)
class Reading:
    """What a case's values were read into: its own check, and its leak-index row made ready
    (:func:`vault.services.leaks.case_leaks`) with its run-together lengths per level."""

    own: OwnCheck
    case_id: str
    terms: bytes  # the row's keyed terms, in byte order
    kinds: bytes  # its sealed kinds
    lengths: list[tuple[str, set[int]]]

    def case_leaks(self, keys: Mapping[str, LeakKey]) -> CaseLeaks:
        """The row, with its lengths under this process's own key objects."""
        return CaseLeaks(
            LeakCaseRow(self.case_id, self.terms, self.kinds),
            [(keys[level], lens) for level, lens in self.lengths],
        )


@dataclass(frozen=True)
class _Reader:
    policy: Policy
    keys: Mapping[str, LeakKey]
    vault_id: str

    def read(self, values: Mapping[str, Any]) -> Reading:
        case_id = str(values["case_id"])
        with terms_remembered():  # the own check and the leak terms read the same values
            own = own_check(self.policy, values)
            leaks = case_leaks(
                self.vault_id, case_id, case_leak_terms_with(self.policy, self.keys, values)
            )
        return Reading(
            own,
            case_id,
            leaks.row.terms,
            leaks.row.kinds,
            [(key.level, lens) for key, lens in leaks.lengths],
        )


def workers_wanted() -> int:
    """How many worker processes an import uses: one per core this process may run on, and
    none on one core. Not one fewer for the writer: reading is about three quarters of the
    work (measured: with one worker on two cores, the writer waited 20 s of 28 s)."""
    n = cores()
    return 0 if n < 2 else n


def read_all(
    policy: Policy,
    keys: Mapping[str, LeakKey],
    vault_id: str,
    items: Iterable[tuple[Any, Mapping[str, Any]]],
    *,
    workers: int | None = None,
) -> Generator[tuple[Any, Mapping[str, Any], Reading], None, None]:
    """``(tag, values, reading)`` for each ``(tag, values)`` of ``items``, in their order, read
    on ``workers`` forked processes (default :func:`workers_wanted`) while the caller uses each
    result (:func:`vault.services.forked.ordered_map`: an error in ``items`` comes out after
    every earlier item's result, as it would one by one)."""
    reader = _Reader(policy, dict(keys), vault_id)
    count = workers_wanted() if workers is None else workers
    # warm: the word lists, dictionaries and transliterators the first case loads are loaded
    # once, in pages the forks share, instead of once in each worker
    done = ordered_map(
        lambda item: reader.read(item[1]), items, chunk=CHUNK, workers=count, warm=True
    )
    try:
        for (tag, values), reading in done:
            yield tag, values, reading
    finally:
        done.close()  # the workers end with the caller's loop, however it ends
