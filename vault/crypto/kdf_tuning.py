"""Choosing Argon2id parameters for this machine: never below RFC 9106's second recommended option.

:func:`propose` is pure: it is handed a ``measure`` function (seconds for one derivation with the
given parameters) and does no I/O and reads no clock of its own, so the strategy can be tested
with a fake machine. :func:`derive_once` is the one real derivation a measuring service times.

The strategy, for a target unlock time ``T`` (seconds):

1. **Start from the floor**: ``KdfParams`` with ``MIN_TIME_COST`` (3) and ``MIN_MEMORY_KIB``
   (64 MiB), at the parallelism asked for (never below ``MIN_PARALLELISM``, never above the
   ceiling). That is RFC 9106 §4's second recommended option (t=3, m=64 MiB, p=4) when p=4.
   If the floor alone takes longer than ``T``, the floor is returned anyway and the proposal says
   so (:attr:`Proposal.floor_too_slow`): nothing below it is ever proposed.
2. **Raise memory first**: double ``memory_kib`` (the last step lands on ``max_memory_kib``
   exactly), keeping ``time_cost`` at the floor, while the measured time stays ``<= T``. Memory
   hardness is what RFC 9106 prefers to spend time on: it is what makes an attacker's hardware
   expensive. The first doubling that is measured above ``T`` ends this phase.
3. **Then raise time_cost** at the memory chosen: Argon2id's time grows linearly with
   ``time_cost``, so the next candidate is predicted from the latest measurement
   (``t * T / seconds``, rounded down), measured, and kept only if it is ``<= T``; a candidate
   that is too slow caps the next prediction below it. This converges in two or three steps.

Every candidate is clamped to :meth:`KdfParams.check_floor`'s ceiling (time_cost 100, memory
8 GiB, parallelism 64), so even a ``measure`` that claims zero seconds cannot push the proposal
past it. At most :data:`MAX_MEASUREMENTS` derivations are measured in all, so tuning takes seconds
(a few times the target), not minutes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from vault.crypto import _primitives
from vault.crypto.identity import KdfParams

#: The ceiling :meth:`KdfParams.check_floor` enforces (above it, unsealing refuses the file).
MAX_TIME_COST = 100
MAX_MEMORY_KIB = 8 * 1024 * 1024
MAX_PARALLELISM = 64

#: How many derivations :func:`propose` measures at most (the floor included).
MAX_MEASUREMENTS = 12

#: One measured point: the parameters and the seconds one derivation took with them.
Measurement = tuple[KdfParams, float]


@dataclass(frozen=True)
class Proposal:
    """What :func:`propose` chose, and why.

    ``params`` is never below the floor nor above the ceiling; ``seconds`` is what it measured
    for ``params``; ``measured`` lists every point measured, in order; ``floor_too_slow`` is set
    when even the floor took longer than ``target_seconds`` (``params`` is then the floor).
    """

    params: KdfParams
    seconds: float
    measured: tuple[Measurement, ...]
    floor_too_slow: bool
    floor: KdfParams
    target_seconds: float
    max_memory_kib: int


def floor_params(parallelism: int = KdfParams.parallelism) -> KdfParams:
    """The lowest parameters allowed, at ``parallelism`` (clamped to the allowed range)."""
    p = min(max(parallelism, KdfParams.MIN_PARALLELISM), MAX_PARALLELISM)
    return KdfParams(KdfParams.MIN_TIME_COST, KdfParams.MIN_MEMORY_KIB, p)


def propose(
    target_seconds: float,
    measure: Callable[[KdfParams], float],
    *,
    max_memory_kib: int,
    parallelism: int,
) -> Proposal:
    """Parameters for one derivation to take about ``target_seconds`` on the machine ``measure``
    times, memory first, never below the floor (see the module docstring for the strategy).

    ``max_memory_kib`` below the floor leaves memory at the floor; above the ceiling, the ceiling
    applies. Raises ValueError when ``target_seconds`` is not a positive finite number or
    ``measure`` returns a negative or non-finite time.
    """
    if not (math.isfinite(target_seconds) and target_seconds > 0):
        raise ValueError("target_seconds must be a positive number")
    floor = floor_params(parallelism)
    cap = min(max(max_memory_kib, floor.memory_kib), MAX_MEMORY_KIB)
    measured: list[Measurement] = []

    def timed(params: KdfParams) -> float:
        params.check_floor()  # a candidate outside the allowed range is a bug here: fail loudly
        seconds = float(measure(params))
        if not (math.isfinite(seconds) and seconds >= 0):
            raise ValueError("measure returned an impossible time")
        measured.append((params, seconds))
        return seconds

    def result(params: KdfParams, seconds: float, too_slow: bool = False) -> Proposal:
        return Proposal(
            params, seconds, tuple(measured), too_slow, floor, float(target_seconds), cap
        )

    best, best_s = floor, timed(floor)
    if best_s > target_seconds:
        return result(best, best_s, too_slow=True)

    # Memory first: double (the last step lands on the cap) while the measured time fits.
    while len(measured) < MAX_MEASUREMENTS and best.memory_kib < cap:
        candidate = KdfParams(best.time_cost, min(best.memory_kib * 2, cap), best.parallelism)
        seconds = timed(candidate)
        if seconds > target_seconds:
            break
        best, best_s = candidate, seconds

    # Then time_cost, predicted linearly from the latest measurement, never past a known miss.
    last_t, last_s = best.time_cost, best_s
    too_slow_t = MAX_TIME_COST + 1  # the smallest time_cost measured above the target
    while len(measured) < MAX_MEASUREMENTS:
        # A time of (nearly) zero predicts no limit: the ceiling still holds.
        ratio = last_t * target_seconds / last_s if last_s > 0 else math.inf
        t = min(too_slow_t - 1, MAX_TIME_COST if ratio >= MAX_TIME_COST else math.floor(ratio))
        if t <= best.time_cost:
            break
        candidate = KdfParams(t, best.memory_kib, best.parallelism)
        seconds = timed(candidate)
        if seconds <= target_seconds:
            best, best_s = candidate, seconds
        else:
            too_slow_t = t
        last_t, last_s = t, seconds
    return result(best, best_s)


def derive_once(params: KdfParams) -> None:
    """One Argon2id derivation with ``params``, of a random passphrase under a random salt: the
    work a measuring service times. The key is thrown away. Raises IntegrityError when
    ``params`` is outside the allowed range."""
    params.check_floor()
    _primitives.argon2id(
        _primitives.random_bytes(32),
        _primitives.random_bytes(16),
        time_cost=params.time_cost,
        memory_kib=params.memory_kib,
        parallelism=params.parallelism,
    )
