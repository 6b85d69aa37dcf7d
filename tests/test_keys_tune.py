"""`casevault keys tune`: the pure strategy against fake machines, and the command on this one.

No test depends on how fast this machine is: the strategy is checked with fake ``measure``
functions, and the one real measurement asks for a target the floor cannot meet (--target 0.05
with --max-memory 64 measures the floor only, whatever it takes).
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault.cli import cli
from vault.crypto import KdfParams
from vault.crypto.kdf_tuning import (
    MAX_MEASUREMENTS,
    MAX_MEMORY_KIB,
    MAX_PARALLELISM,
    MAX_TIME_COST,
    Proposal,
    floor_params,
    propose,
)
from vault.services import kdf_tuning as svc

GIB_KIB = 1024 * 1024


def machine(seconds_at_floor: float) -> Callable[[KdfParams], float]:
    """A fake machine: time proportional to time_cost × memory, ``seconds_at_floor`` at the
    floor (t=3, 64 MiB)."""
    unit = seconds_at_floor / (KdfParams.MIN_TIME_COST * KdfParams.MIN_MEMORY_KIB)
    return lambda p: unit * p.time_cost * p.memory_kib


def assert_within_range(p: KdfParams) -> None:
    assert p.time_cost >= KdfParams.MIN_TIME_COST
    assert p.memory_kib >= KdfParams.MIN_MEMORY_KIB
    assert p.parallelism >= KdfParams.MIN_PARALLELISM
    p.check_floor()  # nor above the ceiling


def assert_consistent(prop: Proposal) -> None:
    assert_within_range(prop.params)
    for p, _s in prop.measured:
        assert_within_range(p)
    assert (prop.params, prop.seconds) in prop.measured
    assert len(prop.measured) <= MAX_MEASUREMENTS


# --- the strategy ---------------------------------------------------------------------------


@pytest.mark.parametrize("target", [1e-9, 0.001, 0.05])
def test_tiny_target_proposes_the_floor_and_says_so(target: float) -> None:
    prop = propose(target, machine(0.2), max_memory_kib=GIB_KIB, parallelism=4)
    assert prop.floor_too_slow
    assert prop.params == KdfParams() == prop.floor  # RFC 9106 second recommended option
    assert prop.seconds == pytest.approx(0.2)
    assert len(prop.measured) == 1  # nothing else is worth measuring
    assert_consistent(prop)


def test_fast_machine_gets_more_than_the_floor_memory_first() -> None:
    prop = propose(1.0, machine(0.1), max_memory_kib=GIB_KIB, parallelism=4)
    assert not prop.floor_too_slow
    assert prop.seconds <= 1.0
    # 64 → 128 → 256 → 512 MiB fit (0.8 s); 1 GiB (1.6 s) does not; then no time_cost fits.
    assert prop.params == KdfParams(3, 512 * 1024, 4)
    assert prop.measured[0] == (KdfParams(), pytest.approx(0.1))
    memories = [p.memory_kib for p, _ in prop.measured]
    assert memories == [65536, 131072, 262144, 524288, 1048576]
    assert_consistent(prop)


def test_time_cost_rises_once_memory_reaches_the_cap() -> None:
    prop = propose(1.0, machine(0.048), max_memory_kib=256 * 1024, parallelism=2)
    assert not prop.floor_too_slow
    assert prop.params.memory_kib == 256 * 1024  # the cap
    assert prop.params.parallelism == 2
    # 0.192 s at t=3 and 256 MiB: t=15 takes 0.96 s, t=16 would take 1.024 s.
    assert prop.params.time_cost == 15
    assert prop.seconds <= 1.0
    assert_consistent(prop)


@pytest.mark.parametrize("cap_mib", [64, 100, 200, 256, 1000, 1024])
def test_memory_never_exceeds_max_memory(cap_mib: int) -> None:
    prop = propose(30.0, machine(0.01), max_memory_kib=cap_mib * 1024, parallelism=4)
    assert not prop.floor_too_slow
    assert all(p.memory_kib <= cap_mib * 1024 for p, _ in prop.measured)
    assert prop.params.memory_kib == cap_mib * 1024  # a fast machine uses it all
    assert prop.seconds <= 30.0
    assert_consistent(prop)


def test_max_memory_below_the_floor_keeps_the_floor() -> None:
    prop = propose(1.0, machine(0.1), max_memory_kib=1024, parallelism=4)
    assert prop.params.memory_kib == KdfParams.MIN_MEMORY_KIB
    assert prop.params.time_cost > KdfParams.MIN_TIME_COST  # the time goes to time_cost
    assert prop.seconds <= 1.0
    assert_consistent(prop)


@pytest.mark.parametrize("floor_seconds", [0.001, 0.013, 0.1, 0.37, 0.99, 1.0])
@pytest.mark.parametrize("target", [0.25, 1.0, 3.0, 60.0])
@pytest.mark.parametrize("cap_mib", [64, 96, 1024, 8192])
def test_measured_time_fits_the_target_and_measurements_are_few(
    floor_seconds: float, target: float, cap_mib: int
) -> None:
    prop = propose(target, machine(floor_seconds), max_memory_kib=cap_mib * 1024, parallelism=4)
    assert_consistent(prop)
    if prop.floor_too_slow:
        assert floor_seconds > target
        assert prop.params == prop.floor
    else:
        assert prop.seconds <= target
        assert prop.seconds == machine(floor_seconds)(prop.params)


def test_overhead_and_noise_never_make_it_propose_an_over_target_point() -> None:
    """A machine with a fixed overhead and a step in its costs: predictions miss, the result
    still fits the target."""

    def bumpy(p: KdfParams) -> float:
        return 0.02 + 1e-7 * p.time_cost * p.memory_kib * (1.3 if p.time_cost % 2 else 1.0)

    for target in (0.1, 0.5, 1.0, 2.0, 7.5):
        prop = propose(target, bumpy, max_memory_kib=GIB_KIB, parallelism=4)
        assert_consistent(prop)
        assert prop.seconds <= target
        assert not prop.floor_too_slow


def test_parallelism_is_clamped_to_the_allowed_range() -> None:
    assert propose(0.001, machine(1), max_memory_kib=0, parallelism=0).params.parallelism == 1
    high = propose(0.001, machine(1), max_memory_kib=0, parallelism=10_000)
    assert high.params.parallelism == MAX_PARALLELISM
    assert floor_params(4) == KdfParams()


@pytest.mark.parametrize("zero", [0.0, 5e-324])
def test_a_machine_claiming_no_time_cannot_push_past_the_ceiling(zero: float) -> None:
    """Must refuse: however fast a measure claims to be, the ceiling holds (an unlock that asks
    for more would be refused as a denial of service)."""
    prop = propose(60.0, lambda _p: zero, max_memory_kib=10**12, parallelism=10**6)
    assert not prop.floor_too_slow
    assert prop.params == KdfParams(MAX_TIME_COST, MAX_MEMORY_KIB, MAX_PARALLELISM)
    prop.params.check_floor()
    for p, _ in prop.measured:
        p.check_floor()
    assert len(prop.measured) <= MAX_MEASUREMENTS


@pytest.mark.parametrize("target", [0.0, -1.0, float("nan"), float("inf")])
def test_impossible_target_is_refused_before_measuring(target: float) -> None:
    calls: list[KdfParams] = []
    with pytest.raises(ValueError):
        propose(target, lambda p: calls.append(p) or 0.1, max_memory_kib=GIB_KIB, parallelism=4)
    assert calls == []


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
def test_impossible_measurement_is_refused(bad: float) -> None:
    with pytest.raises(ValueError):
        propose(1.0, lambda _p: bad, max_memory_kib=GIB_KIB, parallelism=4)


# --- the service ------------------------------------------------------------------------------


def test_defaults_follow_the_machine() -> None:
    mem = svc.default_max_memory_kib()
    assert KdfParams.MIN_MEMORY_KIB <= mem <= svc.DEFAULT_MAX_MEMORY_KIB
    assert mem % 1024 == 0
    phys = svc.physical_memory_kib()
    if phys is not None and phys // 4 >= KdfParams.MIN_MEMORY_KIB:
        assert mem <= phys // 4
    assert 1 <= svc.default_parallelism() <= 4


def test_save_and_read_back(tmp_path: Path) -> None:
    params = KdfParams(4, 128 * 1024, 2)
    path = svc.save(params)
    assert path == Path(os.environ["CASEVAULT_STATE_DIR"]) / "kdf.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert svc.saved() == params
    assert not path.with_name("kdf.json.new").exists()


def test_nothing_saved_is_none() -> None:
    assert svc.saved() is None


def test_save_refuses_below_the_floor() -> None:
    from vault.errors import IntegrityError

    with pytest.raises(IntegrityError):
        svc.save(KdfParams(1, 8 * 1024, 1))
    assert not svc.kdf_path().exists()


def _write_kdf(content: str) -> None:
    path = svc.kdf_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)


GOOD = {
    "format": "casevault-kdf-v1",
    "alg": "argon2id",
    "time_cost": 3,
    "memory_kib": 65536,
    "parallelism": 4,
}


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({**GOOD, "time_cost": 1}),  # below the floor, by hand
        json.dumps({**GOOD, "memory_kib": 1024}),
        json.dumps({**GOOD, "parallelism": 0}),
        json.dumps({**GOOD, "memory_kib": 16 * GIB_KIB}),  # above the ceiling
        json.dumps({**GOOD, "time_cost": 3.5}),
        json.dumps({**GOOD, "time_cost": "3"}),
        json.dumps({**GOOD, "parallelism": True}),
        json.dumps({**GOOD, "format": "something-else"}),
        json.dumps({**GOOD, "alg": "argon2i"}),
        json.dumps({k: v for k, v in GOOD.items() if k != "memory_kib"}),
        json.dumps([GOOD]),
        "{not json",
        "\xff\xfe",
        "",
    ],
)
def test_a_malformed_or_below_floor_file_is_ignored(content: str) -> None:
    _write_kdf(content)
    assert svc.saved() is None


def test_a_good_hand_written_file_is_read() -> None:
    _write_kdf(json.dumps(GOOD))
    assert svc.saved() == KdfParams()


@pytest.mark.parametrize("target", [0.0, -1.0, 60.5, float("nan")])
def test_tune_refuses_a_bad_target_before_measuring(
    target: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vault.errors import UsageError

    monkeypatch.setattr(svc, "measure", lambda _p: pytest.fail("measured"))
    with pytest.raises(UsageError):
        svc.tune(target)


def test_tune_passes_the_machine_to_the_strategy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(svc, "measure", machine(0.1))
    monkeypatch.setattr(svc, "default_parallelism", lambda: 2)
    prop = svc.tune(1.0, 256)
    assert prop.max_memory_kib == 256 * 1024
    assert prop.params.memory_kib == 256 * 1024
    assert prop.params.parallelism == 2
    assert prop.seconds <= 1.0


# --- the command ------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "100"})
    return result.exit_code, result.stdout, result.stderr


def test_command_measures_the_floor_for_real() -> None:
    """A real Argon2id measurement; --target 0.05 and 64 MiB make it measure the floor only."""
    code, out, err = run("keys", "tune", "--target", "0.05", "--max-memory", "64")
    assert code == 0, err
    assert "Traceback" not in out + err
    assert "Floor:    time cost 3, memory 64 MiB" in out
    assert "Proposal:" in out
    assert "Saved" not in out
    assert not svc.kdf_path().exists()


def test_command_json_and_save(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(svc, "measure", machine(0.1))
    code, out, err = run("--json", "keys", "tune", "--target", "1", "--max-memory", "512", "--save")
    assert code == 0, err
    data = json.loads(out)
    assert data["floor_too_slow"] is False
    assert data["proposal"]["memory_kib"] == 512 * 1024
    assert data["proposal"]["seconds"] <= 1.0
    assert data["floor"] == {
        "time_cost": 3,
        "memory_kib": 65536,
        "parallelism": svc.default_parallelism(),
    }
    path = Path(os.environ["CASEVAULT_STATE_DIR"]) / "kdf.json"
    assert data["saved_to"] == str(path)
    saved = svc.saved()
    assert saved is not None
    assert saved.memory_kib == data["proposal"]["memory_kib"]
    assert saved.time_cost == data["proposal"]["time_cost"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_command_save_says_where(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(svc, "measure", machine(0.5))
    code, out, err = run("keys", "tune", "--target", "0.1", "--save")
    assert code == 0, err
    assert "more than the 0.1 s target" in out  # the floor (0.5 s) is slower
    assert str(svc.kdf_path()) in out.replace("\n", "")
    assert svc.saved() == floor_params(svc.default_parallelism())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--target", "0"], "--target"),
        (["--target", "-3"], "--target"),
        (["--target", "61"], "--target"),
        (["--target", "nan"], "--target"),
        (["--max-memory", "63"], "--max-memory"),
        (["--max-memory", "0"], "--max-memory"),
        (["--max-memory", "100000"], "--max-memory"),
        (["--target", "soon"], "--target"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(svc, "measure", lambda _p: pytest.fail("measured"))
    code, out, err = run("keys", "tune", *args, "--save")
    assert code == 2
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("casevault: error: ")
    assert expected in lines[0]
    assert not svc.kdf_path().exists()


def test_help_tells_an_admin_what_it_does() -> None:
    code, out, _ = run("keys", "tune", "--help")
    assert code == 0
    for words in ("--target", "--max-memory", "--save", "RFC 9106", "floor", "kdf.json"):
        assert words in out


def test_identities_made_on_this_machine_use_its_saved_choice(tmp_path: Path) -> None:
    """After `keys tune --save`, an identity sealed here uses the saved parameters; without a
    saved choice the floor's defaults are used."""
    from vault.crypto import KdfParams, Passphrase
    from vault.services import kdf_tuning
    from vault.services.users import new_identity

    pw = Passphrase.from_text("an invented passphrase for tests")
    before, _, _ = new_identity("tess", pw, tmp_path / "a")
    assert json.loads(before.read_text())["kdf"]["memory_kib"] == KdfParams().memory_kib
    kdf_tuning.save(KdfParams(3, 131072, 2))
    after, _, _ = new_identity("tess", pw, tmp_path / "b")
    kdf = json.loads(after.read_text())["kdf"]
    assert (kdf["time_cost"], kdf["memory_kib"], kdf["parallelism"]) == (3, 131072, 2)
