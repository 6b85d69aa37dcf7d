"""What a case may cost for `casevault bench --n 1000000` to finish within 30 minutes, beside
what each part of a case's import costs on this machine: the arithmetic behind issue 23's
criterion (docs/performance.md, ADR 0012).

    python benchmarks/import_budget.py --floor-s 143
    python benchmarks/import_budget.py --floor-s 143 --reading-only   # the values' reading alone

**The budget.** 30 minutes, less the seconds every other step of a million-case run took (the
``steps_s`` of a ``casevault bench`` results file; by default the committed session-16 run),
is what the import may take; over a million cases, times the cores, it is the CPU a case may
cost if every core is busy for the whole import (the import's writer and its workers share
them). That is an upper bound: an import ends with a merge on one core. ``--floor-s`` counts
other seconds for the floor's step: 143 is session 16's step reckoned with its tables written
as they are since then (271.7 s, less the 243.5 its tables took, plus the 114.7 they take now).

**What a case costs**, CPU time, each pass over ``--cases`` of the bench's invented cases that
no other pass reads (from past the middle of a million), after the name-word and wording caches
are emptied (``forget_values``) and every cache is filled by ``--warm`` cases (a million-case
import runs with them full); in this process, but for the import's workers:

- each kind of protected value read into its terms as an import reads it (every term: those a
  check of the case's own public fields looks for, and those the leak index holds);
- the same kinds read into only the terms the leak index holds (for a date its numeric forms,
  for an e-mail address the address and its local part, for a postal address its parts as
  written; names, phones, codenames, places and ID numbers lose only their backwards and ROT13
  forms and the readings that count for their own case alone): what reading would cost if a
  case's own public fields were checked some other way;
- a worker's whole read of a case (the values read, the own check of its public fields, its
  leak-index row keyed and sealed: what an import's workers run), and the values of as many
  other cases read alone;
- the writer's and the workers' CPU a case in an import of ``--import-cases`` cases (from case
  5,000,000) into a new demo vault, its workers forked from this process once ``--warm`` cases
  have filled its caches again.

Then the rest of a case's import, its values' reading left out, reckoned both ways (the read in
this process, or the import's workers with their pipes and forked pages). Every figure is CPU
time on this machine; nothing here asserts one. Everything it writes is in a temporary folder,
removed after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vault.policy import Policy

HERE = Path(__file__).resolve().parent
SESSION16 = HERE / "results" / "2026-12-05-n1m-session16-76b3875.json"
IMPORT_STEP = "importing into casevault (child process)"
FLOOR_STEP = "the import's floor"
LIMIT_S = 30 * 60
#: The first case of each measured pass: each pass reads cases no other pass has read, all from
#: past the middle of a million (what a million-case import reads, with its caches full).
PASS_APART = 100_000
EVERY_FROM, INDEXED_FROM, WORKER_FROM, WORKER_READING_FROM = (
    500_000 + k * PASS_APART for k in range(4)
)


def budget_ms(results: Path, floor_s: float | None) -> tuple[float, float, int, dict[str, float]]:
    """(import seconds allowed, CPU ms a case allowed, cases, the other steps' seconds)."""
    made = json.loads(results.read_text())
    run, cores = made["runs"][-1], made["machine"]["cpus"]
    steps = {k: v for k, v in run["steps_s"].items() if k != IMPORT_STEP}
    if floor_s is not None:
        steps[FLOOR_STEP] = floor_s
    allowed = LIMIT_S - sum(steps.values())
    return allowed, allowed / run["n"] * cores * 1e3, run["n"], steps


def _cpu() -> float:
    return time.process_time()


def _policy() -> Policy:
    from vault.policy.loader import default_policy_text, parse_policy

    return parse_policy(default_policy_text())


def _values(policy: Policy, first: int, n: int) -> list[tuple[str, str]]:
    """(value, kind) of each protected value of the bench's cases ``first`` to ``first + n - 1``."""
    from vault.bench.cases import bench_case
    from vault.redact.entities import protected_values

    sources, lowest = policy.value_sources(), policy.levels[0]
    return [
        (value, info.kind)
        for i in range(first, first + n)
        for value, info in protected_values(bench_case(i)[0], sources, lowest, name_is_public=False)
    ]


def _reader(policy: Policy) -> Callable[[dict[str, Any]], object]:
    """What an import's workers run on each case (its values read, its own check, its leak
    row), under leak keys of its own."""
    from vault.models.secret import SecretBytes
    from vault.services.import_pool import _Reader
    from vault.services.leaks import LeakKey

    keys = {level: LeakKey.of(level, 1, SecretBytes(os.urandom(32))) for level in policy.levels}
    return _Reader(policy, keys, "budget-vault").read


def _warm(policy: Policy, warm: int) -> None:
    """The readers' caches emptied (``forget_values``: the name words and wordings), then
    filled by ``warm`` cases read as an import's workers read them."""
    from vault.bench.cases import bench_case
    from vault.redact.entities import forget_values

    forget_values()
    read = _reader(policy)
    for i in range(warm):
        read(bench_case(i)[0])


def reading_costs(warm: int, cases: int) -> dict[str, tuple[float, float, float]]:
    """Per kind: (values a case, CPU µs a value with every term, CPU µs a value with only the
    leak index's terms)."""
    from vault.redact import entities as e
    from vault.redact.readings import is_case_scoped, value_readings

    policy = _policy()

    def indexed_only(value: str, kind: str) -> set[str]:
        # the spellings whose terms the leak index holds (entities._indexed_spellings), made
        # without the forms only a check of the case's own text looks for
        lookalike = kind in e.LOOKALIKE_KINDS
        if kind == "date_of_birth":
            y, m, d = value.split("-")
            spellings = [value, f"{d}.{m}.{y}", f"{m}/{d}/{y}", f"{d}{m}{y}"]
        elif kind == "email":
            spellings = [value, value.partition("@")[0]]
        elif kind == "address":
            spellings = e.address_written(value)
        else:
            spellings = e._value_spellings(value, kind)
        terms = {r for r in value_readings(value, kind) if not is_case_scoped(r)}
        for s in spellings:
            terms |= e._spelling_terms(s, lookalike)
        return terms

    def timed(read: Callable[[str, str], object], first: int) -> tuple[Counter[str], Counter[str]]:
        # a pass of its own: the readers' caches emptied, filled again by ``warm`` cases, then
        # ``cases`` cases no earlier pass has read (a value read before would find its parts
        # remembered: measured so, the index's terms of a codename cost an eighth of their due)
        e.forget_values()
        for value, kind in _values(policy, 0, warm):
            read(value, kind)
        took: Counter[str] = Counter()
        count: Counter[str] = Counter()
        for value, kind in _values(policy, first, cases):
            start = _cpu()
            read(value, kind)
            took[kind] += _cpu() - start
            count[kind] += 1
        return took, count

    every, count = timed(e._read_value, EVERY_FROM)
    alone, count_alone = timed(indexed_only, INDEXED_FROM)
    return {
        k: (count[k] / cases, every[k] / count[k] * 1e6, alone[k] / count_alone[k] * 1e6)
        for k in count
    }


def worker_costs(warm: int, cases: int) -> tuple[float, float]:
    """(CPU ms a case of a worker's whole read, CPU ms a case of reading the values of as many
    other cases into every term), each after :func:`_warm`."""
    from vault.bench.cases import bench_case
    from vault.redact.entities import _read_value

    policy = _policy()
    read = _reader(policy)
    _warm(policy, warm)
    batch = [bench_case(WORKER_FROM + i)[0] for i in range(cases)]
    start = _cpu()
    for values in batch:
        read(values)
    whole = (_cpu() - start) / cases
    pairs = _values(policy, WORKER_READING_FROM, cases)
    _warm(policy, warm)
    start = _cpu()
    for value, kind in pairs:
        _read_value(value, kind)
    return whole * 1e3, (_cpu() - start) / cases * 1e3


def writer_cost(n: int, warm: int) -> tuple[float, float]:
    """(writer CPU ms a case, workers' CPU ms a case) of an import of ``n`` invented cases into
    a new demo vault, its workers forked once ``warm`` cases have filled this process's caches
    again (closing a vault empties them: the demo's making closes two)."""
    with tempfile.TemporaryDirectory(prefix="casevault-import-budget-") as tmp:
        work = Path(tmp)
        os.environ["CASEVAULT_STATE_DIR"] = str(work / "state")  # never the person's own
        from vault.bench.run import _open, write_cases
        from vault.services.demo import create_demo
        from vault.services.importer import import_file

        create_demo(work / "vault", count=8, publication=False)
        source = work / "cases.jsonl"
        write_cases(source, n, first=5_000_000)
        with _open(work / "vault") as v:
            _warm(v.policy, warm)
            mine = resource.getrusage(resource.RUSAGE_SELF)
            theirs = resource.getrusage(resource.RUSAGE_CHILDREN)
            import_file(v, source)
            writer = _used(mine, resource.getrusage(resource.RUSAGE_SELF))
            workers = _used(theirs, resource.getrusage(resource.RUSAGE_CHILDREN))
    return writer / n * 1e3, workers / n * 1e3


def _used(before: resource.struct_rusage, after: resource.struct_rusage) -> float:
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def _line(what: str, ms: float, allowed: float) -> str:
    return f"| {what} | {ms:.2f} | {ms / allowed:.0%} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=SESSION16)
    parser.add_argument("--floor-s", type=float, help="seconds to count for the floor's step")
    parser.add_argument(
        "--warm", type=int, default=20_000, help="cases read to fill the caches before each pass"
    )
    parser.add_argument("--cases", type=int, default=2_000, help="cases each pass times")
    parser.add_argument(
        "--import-cases", type=int, default=4_000, help="cases of the import the writer is timed in"
    )
    parser.add_argument(
        "--reading-only",
        action="store_true",
        help="only the values' reading (the table by kind and its two rows)",
    )
    args = parser.parse_args()
    if not 0 < args.cases <= PASS_APART:
        parser.error(f"--cases must be 1 to {PASS_APART:,}: each pass reads cases of its own")
    if not 0 <= args.warm <= EVERY_FROM:
        parser.error(f"--warm must be 0 to {EVERY_FROM:,}: the passes time the cases after it")
    if args.import_cases < 1:
        parser.error("--import-cases must be 1 or more")
    allowed_s, allowed, n, steps = budget_ms(args.results, args.floor_s)
    print(f"From {args.results.name}: every other step took {sum(steps.values()):,.0f} s,")
    print(f"so the import may take {allowed_s:,.0f} s for {n:,} cases: {n / allowed_s:,.0f}")
    print(f"cases/s, or {allowed:.2f} ms of CPU a case with every core busy.\n")
    costs = reading_costs(args.warm, args.cases)
    every = sum(per * us for per, us, _ in costs.values()) / 1e3
    alone = sum(per * us for per, _, us in costs.values()) / 1e3
    print("| kind | values a case | µs a value, every term | µs, the index's terms only |")
    print("| --- | ---: | ---: | ---: |")
    for kind, (per, us_every, us_alone) in sorted(
        costs.items(), key=lambda kv: -kv[1][0] * kv[1][1]
    ):
        print(f"| {kind} | {per:.2f} | {us_every:.1f} | {us_alone:.1f} |")
    print()
    print("| a case's CPU, measured here | ms | of the budget |")
    print("| --- | ---: | ---: |")
    print(_line("its values read into every term (as an import reads them)", every, allowed))
    print(_line("its values read into only the terms the leak index holds", alone, allowed))
    if args.reading_only:
        return
    whole, read_every = worker_costs(args.warm, args.cases)
    writer, workers = writer_cost(args.import_cases, args.warm)
    print(_line("a worker's whole read, in this process (own check, leak row)", whole, allowed))
    print(_line("its values read into every term, as many other cases", read_every, allowed))
    print(_line(f"the writer, importing {args.import_cases:,} cases", writer, allowed))
    print(_line(f"the workers, importing {args.import_cases:,} cases", workers, allowed))
    print()
    print("| reckoned from the rows above | ms | of the budget |")
    print("| --- | ---: | ---: |")
    rest_here = whole - read_every + writer
    rest_imported = workers - read_every + writer
    print(
        _line(
            "all but the values' reading: the read in this process, and the writer",
            rest_here,
            allowed,
        )
    )
    print(
        _line(
            "all but the values' reading: the import's workers, and the writer",
            rest_imported,
            allowed,
        )
    )
    print(_line("… with only the index's terms read: in this process", rest_here + alone, allowed))
    print(_line("… with only the index's terms read: as imported", rest_imported + alone, allowed))


if __name__ == "__main__":
    main()
