"""Argon2id tuning (vault/crypto/kdf_tuning.py): the strategy on fake machines, exact sequences.

``propose`` is handed a ``measure`` function, so every test here runs a fake machine and no
Argon2id at all; ``derive_once`` is checked with the derivation recorded, not run.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from vault.crypto import _primitives, kdf_tuning
from vault.crypto.identity import KdfParams
from vault.crypto.kdf_tuning import MAX_MEASUREMENTS, floor_params, propose
from vault.errors import IntegrityError

MIB = 1024
FLOOR_M = 64 * MIB


def linear(per_unit: float) -> Callable[[KdfParams], float]:
    """A machine whose derivation time is ``per_unit`` seconds per (time_cost x 64 MiB)."""
    return lambda p: per_unit * p.time_cost * p.memory_kib / FLOOR_M


def points(proposal: kdf_tuning.Proposal) -> list[tuple[int, int, int]]:
    return [(p.time_cost, p.memory_kib, p.parallelism) for p, _ in proposal.measured]


def test_constants_are_check_floors_ceiling() -> None:
    assert (kdf_tuning.MAX_TIME_COST, kdf_tuning.MAX_MEMORY_KIB) == (100, 8 * 1024 * 1024)
    assert (kdf_tuning.MAX_PARALLELISM, MAX_MEASUREMENTS) == (64, 12)
    KdfParams(100, 8 * 1024 * 1024, 64).check_floor()
    for above in (KdfParams(101, FLOOR_M, 4), KdfParams(3, 8 * 1024 * 1024 + 1, 4)):
        with pytest.raises(IntegrityError):
            above.check_floor()


def test_floor_params_clamps_parallelism() -> None:
    assert floor_params() == KdfParams(3, FLOOR_M, 4)
    assert floor_params(4) == KdfParams(3, FLOOR_M, 4)
    assert floor_params(0) == KdfParams(3, FLOOR_M, 1)
    assert floor_params(-5) == KdfParams(3, FLOOR_M, 1)
    assert floor_params(1) == KdfParams(3, FLOOR_M, 1)
    assert floor_params(64) == KdfParams(3, FLOOR_M, 64)
    assert floor_params(65) == KdfParams(3, FLOOR_M, 64)
    assert floor_params(1000) == KdfParams(3, FLOOR_M, 64)


@pytest.mark.parametrize("target", [0.0, -1.0, math.nan, math.inf, -math.inf])
def test_a_target_that_is_not_a_positive_finite_number_is_refused(target: float) -> None:
    calls: list[KdfParams] = []
    with pytest.raises(ValueError, match=r"^target_seconds must be a positive number$"):
        propose(target, lambda p: calls.append(p) or 0.1, max_memory_kib=FLOOR_M, parallelism=4)
    assert calls == []


@pytest.mark.parametrize("bad", [-0.001, -1.0, math.nan, math.inf])
def test_an_impossible_measured_time_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match=r"^measure returned an impossible time$"):
        propose(1.0, lambda p: bad, max_memory_kib=FLOOR_M, parallelism=4)


def test_an_impossible_time_later_in_the_search_is_refused_too() -> None:
    times = iter([0.1, -1.0])
    with pytest.raises(ValueError, match=r"^measure returned an impossible time$"):
        propose(1.0, lambda p: next(times), max_memory_kib=4 * FLOOR_M, parallelism=4)


def test_a_floor_slower_than_the_target_is_still_the_floor() -> None:
    r = propose(0.5, lambda p: 0.5001, max_memory_kib=16 * FLOOR_M, parallelism=2)
    assert r.params == r.floor == KdfParams(3, FLOOR_M, 2)
    assert r.floor_too_slow is True
    assert r.seconds == 0.5001
    assert points(r) == [(3, FLOOR_M, 2)]
    assert r.target_seconds == 0.5 and r.max_memory_kib == 16 * FLOOR_M


def test_a_floor_exactly_at_the_target_is_not_too_slow_and_nothing_grows() -> None:
    r = propose(
        1.0,
        lambda p: 1.0 if p == floor_params(4) else 2.0,
        max_memory_kib=FLOOR_M * 4,
        parallelism=4,
    )
    assert r.floor_too_slow is False
    assert r.params == KdfParams(3, FLOOR_M, 4) and r.seconds == 1.0
    # one doubling measured (too slow); then t = floor(3 * 1 / 1) = 3 is not above 3: stop
    assert points(r) == [(3, FLOOR_M, 4), (3, 2 * FLOOR_M, 4)]


def test_memory_doubles_first_and_lands_exactly_on_the_cap() -> None:
    # 1/32 s per unit (binary fractions: exact predictions), target 1 s, cap 3 x 64 MiB:
    # 64 -> 128 -> 192 MiB (the cap, not 256)
    r = propose(1.0, linear(1 / 32), max_memory_kib=3 * FLOOR_M, parallelism=4)
    assert points(r)[:3] == [(3, FLOOR_M, 4), (3, 2 * FLOOR_M, 4), (3, 3 * FLOOR_M, 4)]
    assert r.params.memory_kib == 3 * FLOOR_M
    assert r.max_memory_kib == 3 * FLOOR_M
    # then time: at 192 MiB t=3 takes 0.28125 s; floor(3 / 0.28125) = 10 takes 0.9375 s: kept;
    # floor(10 / 0.9375) = 10 is no higher: stop
    assert points(r)[3:] == [(10, 3 * FLOOR_M, 4)]
    assert r.params == KdfParams(10, 3 * FLOOR_M, 4)
    assert r.seconds == 0.9375
    assert r.floor_too_slow is False


def test_a_doubling_that_is_too_slow_ends_the_memory_phase() -> None:
    # 0.375 s at the floor; 0.75 at 128 MiB; 1.5 at 256 MiB is over 1 s: memory stays 128 MiB
    r = propose(1.0, linear(1 / 8), max_memory_kib=64 * FLOOR_M, parallelism=4)
    assert points(r) == [
        (3, FLOOR_M, 4),
        (3, 2 * FLOOR_M, 4),
        (3, 4 * FLOOR_M, 4),
        # predicted from the kept point (0.75 s at t=3), not the miss: floor(3 / 0.75) = 4
        # -> 1.0 s, kept; then 4 again: stop
        (4, 2 * FLOOR_M, 4),
    ]
    assert r.params == KdfParams(4, 2 * FLOOR_M, 4)
    assert r.seconds == 1.0


def test_a_time_exactly_on_the_target_is_kept() -> None:
    # 0.25 s at the floor, 0.5 at 128 MiB, 1.0 at 256 MiB (== target: kept), 2.0 at 512 MiB
    r = propose(
        1.0,
        lambda p: 0.25 * p.memory_kib / FLOOR_M * p.time_cost / 3,
        max_memory_kib=8 * FLOOR_M,
        parallelism=4,
    )
    assert points(r) == [
        (3, FLOOR_M, 4),
        (3, 2 * FLOOR_M, 4),
        (3, 4 * FLOOR_M, 4),
        (3, 8 * FLOOR_M, 4),
    ]
    assert r.params == KdfParams(3, 4 * FLOOR_M, 4) and r.seconds == 1.0


def test_memory_below_the_floor_stays_at_the_floor_and_above_the_ceiling_is_the_ceiling() -> None:
    r = propose(1.0, linear(1 / 8), max_memory_kib=1, parallelism=4)
    assert r.max_memory_kib == FLOOR_M
    assert all(p.memory_kib == FLOOR_M for p, _ in r.measured)
    # time only: floor(3 / 0.375) = 8 -> 1.0 s
    assert points(r) == [(3, FLOOR_M, 4), (8, FLOOR_M, 4)]
    huge = propose(1.0, lambda p: 0.0, max_memory_kib=10**12, parallelism=4)
    assert huge.max_memory_kib == kdf_tuning.MAX_MEMORY_KIB
    assert huge.params == KdfParams(100, kdf_tuning.MAX_MEMORY_KIB, 4)


def test_a_machine_that_claims_zero_seconds_cannot_pass_the_ceiling() -> None:
    r = propose(5.0, lambda p: 0.0, max_memory_kib=10**12, parallelism=500)
    mems = [FLOOR_M * 2**k for k in range(8)]
    assert points(r) == [(3, m, 64) for m in mems] + [(100, 8 * 1024 * 1024, 64)]
    assert r.params == KdfParams(100, 8 * 1024 * 1024, 64)
    assert r.seconds == 0.0 and r.floor_too_slow is False


def test_a_prediction_past_the_ceiling_is_clamped_to_it() -> None:
    # 0.01 s at t=3: predicts t = 300 for 1 s; the ceiling (100) is measured instead
    r = propose(1.0, lambda p: 0.01 * p.time_cost / 3, max_memory_kib=FLOOR_M, parallelism=4)
    assert points(r) == [(3, FLOOR_M, 4), (100, FLOOR_M, 4)]
    # exactly at the ceiling: ratio == 100 also gives 100
    r2 = propose(1.0, lambda p: 0.03 * p.time_cost / 3, max_memory_kib=FLOOR_M, parallelism=4)
    assert points(r2) == [(3, FLOOR_M, 4), (100, FLOOR_M, 4)]
    # just under: ratio 99.9 gives 99
    r3 = propose(0.999, lambda p: 0.03 * p.time_cost / 3, max_memory_kib=FLOOR_M, parallelism=4)
    assert points(r3)[1] == (99, FLOOR_M, 4)


def test_a_too_slow_candidate_caps_the_next_prediction_below_it() -> None:
    # the machine is not linear: t=3 takes 0.1 s, anything above takes 2 s until t <= 5
    def measure(p: KdfParams) -> float:
        return 0.1 if p.time_cost == 3 else (0.9 if p.time_cost <= 5 else 2.0)

    r = propose(1.0, measure, max_memory_kib=FLOOR_M, parallelism=4)
    # 30 (2.0 s, too slow) -> floor(30 / 2) = 15 (too slow) -> 7 (too slow) -> 3 (stop)
    assert points(r) == [(3, FLOOR_M, 4), (30, FLOOR_M, 4), (15, FLOOR_M, 4), (7, FLOOR_M, 4)]
    assert r.params == floor_params(4)


def test_a_miss_caps_later_predictions_even_when_a_kept_point_predicts_higher() -> None:
    # t=3: 0.3 s -> predict 10: 1.5 s (miss, cap 9) -> from (10, 1.5): 6 -> 0.5 s (kept) ->
    # from (6, 0.5): 12, capped to 9 -> 0.9 s kept -> from (9, 0.9): 10 capped to 9: stop
    table = {3: 0.3, 10: 1.5, 6: 0.5, 9: 0.9, 12: 1.2}
    r = propose(1.0, lambda p: table[p.time_cost], max_memory_kib=FLOOR_M, parallelism=4)
    assert points(r) == [(3, FLOOR_M, 4), (10, FLOOR_M, 4), (6, FLOOR_M, 4), (9, FLOOR_M, 4)]
    assert r.params == KdfParams(9, FLOOR_M, 4) and r.seconds == 0.9


def test_no_more_than_max_measurements_are_taken() -> None:
    # every candidate above the floor takes 65/64 x the target: below t = 65 the prediction
    # t * 64/65 steps down by one each time and never fits, so only the limit stops it
    def measure(p: KdfParams) -> float:
        return 0.0625 if p.time_cost == 3 else 65 / 64

    r = propose(1.0, measure, max_memory_kib=FLOOR_M, parallelism=4)
    assert len(r.measured) == MAX_MEASUREMENTS
    assert [t for t, _, _ in points(r)] == [3, *range(48, 37, -1)]
    assert r.params == floor_params(4)


def test_the_limit_also_bounds_the_memory_phase() -> None:
    # memory can double at most 7 times from 64 MiB to 8 GiB, so 8 measurements; with the
    # time phase stepping down one at a time the total stops at the limit
    def measure(p: KdfParams) -> float:
        return 0.0 if p.time_cost == 3 else 2.0

    r = propose(1.0, measure, max_memory_kib=10**12, parallelism=4)
    assert len(r.measured) == MAX_MEASUREMENTS
    assert [t for t, _, _ in points(r)] == [3] * 8 + [100, 50, 25, 12]


def test_the_proposal_records_what_was_asked() -> None:
    r = propose(2, linear(0.1), max_memory_kib=2 * FLOOR_M, parallelism=8)
    assert r.target_seconds == 2.0 and isinstance(r.target_seconds, float)
    assert r.floor == KdfParams(3, FLOOR_M, 8)
    assert r.measured[0] == (KdfParams(3, FLOOR_M, 8), pytest.approx(0.3))
    assert isinstance(r.measured, tuple)
    assert r.seconds == dict(r.measured)[r.params]


def test_a_measure_returning_an_int_is_taken_as_seconds() -> None:
    r = propose(1.0, lambda p: 2, max_memory_kib=FLOOR_M, parallelism=4)
    assert r.seconds == 2.0 and isinstance(r.seconds, float) and r.floor_too_slow


def test_derive_once_refuses_parameters_outside_the_range_before_deriving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[object] = []
    monkeypatch.setattr(_primitives, "argon2id", lambda *a, **k: calls.append((a, k)))
    for bad in (KdfParams(2, FLOOR_M, 4), KdfParams(3, FLOOR_M - 1, 4), KdfParams(3, FLOOR_M, 0)):
        with pytest.raises(IntegrityError, match="outside the allowed range"):
            kdf_tuning.derive_once(bad)
    assert calls == []


def test_derive_once_derives_with_exactly_the_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[tuple[bytes, ...], dict[str, int]]] = []
    monkeypatch.setattr(_primitives, "argon2id", lambda *a, **k: calls.append((a, k)))
    kdf_tuning.derive_once(KdfParams(4, 2 * FLOOR_M, 2))
    kdf_tuning.derive_once(KdfParams(4, 2 * FLOOR_M, 2))
    (a1, k1), (a2, k2) = calls
    assert k1 == k2 == {"time_cost": 4, "memory_kib": 2 * FLOOR_M, "parallelism": 2}
    assert [len(x) for x in a1] == [32, 16]
    assert a1 != a2  # a fresh random passphrase and salt each time
