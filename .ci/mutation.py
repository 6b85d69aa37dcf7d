"""Mutation testing of the security core (issue 22), in a scratch copy of the tree.

    .venv/bin/python .ci/mutation.py            # every security module; prints the score table
    .venv/bin/python .ci/mutation.py --gate     # the Merkle and signed-note modules only; exits 1
                                                # when a score falls below docs/testing.md's
    .venv/bin/python .ci/mutation.py --module vault/redact/readings/dates.py \
        --test tests/core/test_readings_dates_refusals.py --show   # one module, its own tests

mutmut's configuration is pyproject.toml's [tool.mutmut]. The run happens in a temporary copy of
the tracked files, so a developer's own ``mutants/`` cache is neither used nor disturbed, and the
copy is removed afterwards (``--keep DIR`` keeps it for ``mutmut show``/``mutmut results``). The
table printed is the one docs/testing.md holds; its "other" column counts mutants mutmut calls
suspicious or segfault, scored as not killed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).with_name("mutmut")

#: What CI checks on every change: the Merkle proofs and the signed notes (checkpoints), with the
#: tests that specify them (a few minutes on 2 cores).
GATE_MODULES = ("vault/audit/merkle.py", "vault/audit/checkpoint.py")
GATE_TESTS = (
    "tests/core/test_merkle_refusals.py",
    "tests/core/test_merkle_properties.py",
    "tests/core/test_signed_note_refusals.py",
    "tests/core/test_note_properties.py",
    "tests/core/test_checkpoint_bounds.py",
    "tests/core/test_witness_refusals.py",
    "tests/test_merkle.py",
    "tests/test_checkpoint.py",
)

#: mutmut's exit codes (mutmut.stats.status_by_exit_code, 3.8.1), folded into what the table shows.
KILLED = {1, 3}
TIMEOUT = {36, -24, 24, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}
SKIPPED = {34}

_ROW = re.compile(r"^\| `(?P<module>vault/[\w/]+\.py)` \|.*\| (?P<score>[\d.]+)% \|$", re.M)


def _tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    return [p for p in out.decode("utf-8").split("\0") if p]


def _copy_tree(dest: Path) -> None:
    for rel in _tracked_files():
        src = ROOT / rel
        if src.is_file() and not rel.startswith("mutants/"):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def _narrow_config(pyproject: Path, modules: tuple[str, ...], tests: tuple[str, ...]) -> None:
    """Replace [tool.mutmut]'s module and test lists (the section is the file's last)."""
    text = pyproject.read_text("utf-8")
    config = tomllib.loads(text)["tool"]["mutmut"]
    head = text[: text.index("[tool.mutmut]")]
    lines = ["[tool.mutmut]"]
    for key, value in config.items():
        if key == "only_mutate":
            value = list(modules)
        elif key == "pytest_add_cli_args_test_selection":
            value = list(tests)
        lines.append(f"{key} = {json.dumps(value)}")
    pyproject.write_text(head + "\n".join(lines) + "\n", "utf-8")


def _scores(work: Path) -> dict[str, Counter[str]]:
    """Per module, the count of each outcome, read from mutmut's per-file results."""
    found: dict[str, Counter[str]] = {}
    for meta in sorted((work / "mutants").rglob("*.py.meta")):
        module = meta.relative_to(work / "mutants").as_posix()[: -len(".meta")]
        codes = json.loads(meta.read_text("utf-8")).get("exit_code_by_key", {})
        if not codes:
            continue
        tally: Counter[str] = Counter()
        for code in codes.values():
            if code in KILLED:
                tally["killed"] += 1
            elif code in TIMEOUT:
                tally["timeout"] += 1
            elif code in SURVIVED:
                tally["survived"] += 1
            elif code in NO_TESTS:
                tally["no tests"] += 1
            elif code in SKIPPED:
                tally["skipped"] += 1
            else:
                tally["other"] += 1
        found[module] = tally
    return found


def score(tally: Counter[str]) -> float:
    tested = sum(tally.values()) - tally["skipped"]
    return 100.0 * (tally["killed"] + tally["timeout"]) / tested if tested else 0.0


def table(found: dict[str, Counter[str]]) -> str:
    rows = [
        "| module | mutants | killed | timeout | survived | no tests | other | score |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    total: Counter[str] = Counter()
    for module, tally in found.items():
        total.update(tally)
        rows.append(
            f"| `{module}` | {sum(tally.values())} | {tally['killed']} | {tally['timeout']} | "
            f"{tally['survived']} | {tally['no tests']} | {tally['other']} | {score(tally):.1f}% |"
        )
    rows.append(
        f"| all | {sum(total.values())} | {total['killed']} | {total['timeout']} | "
        f"{total['survived']} | {total['no tests']} | {total['other']} | {score(total):.1f}% |"
    )
    return "\n".join(rows)


def documented_floors() -> dict[str, float]:
    """The scores docs/testing.md records, per module: its first table under "### Scores" (a
    later table of single-module runs does not count)."""
    text = (ROOT / "docs" / "testing.md").read_text("utf-8")
    table = text[text.index("### Scores") :]
    table = table[table.index("\n|") : table.index("\n\n", table.index("\n|"))]
    return {m["module"]: float(m["score"]) for m in _ROW.finditer(table)}


def survivors(work: Path) -> list[str]:
    out = subprocess.run(
        [str(MUTMUT), "results"], cwd=work, capture_output=True, text=True, check=False
    ).stdout
    return [line.strip() for line in out.splitlines() if line.strip().endswith(": survived")]


def _show(work: Path, mutant: str) -> str:
    """The diff a surviving mutant makes."""
    return subprocess.run(
        [str(MUTMUT), "show", mutant], cwd=work, capture_output=True, text=True, check=False
    ).stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--gate",
        action="store_true",
        help="Merkle and signed notes only; fail below the documented scores",
    )
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--module", action="append", default=[], help="mutate only this file")
    parser.add_argument("--test", action="append", default=[], help="run only this test path")
    parser.add_argument("--keep", type=Path, help="copy mutmut's results folder here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="casevault-mutation-") as tmp:
        work = Path(tmp)
        _copy_tree(work)
        if args.gate:
            _narrow_config(work / "pyproject.toml", GATE_MODULES, GATE_TESTS)
        elif args.module or args.test:
            config = tomllib.loads((work / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
            _narrow_config(
                work / "pyproject.toml",
                tuple(args.module or config["only_mutate"]),
                tuple(args.test or config["pytest_add_cli_args_test_selection"]),
            )
        env = {**os.environ, "PYTHONPATH": str(work)}
        started = time.monotonic()
        with (work / "mutmut.log").open("w") as log:
            run = subprocess.run(
                [str(MUTMUT), "run", "--max-children", str(args.max_children)],
                cwd=work,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        elapsed = time.monotonic() - started
        if run.returncode != 0:
            sys.stdout.write((work / "mutmut.log").read_text("utf-8", "replace")[-3000:])
            print(f"mutation run failed (mutmut exit {run.returncode})")
            return 1
        found = _scores(work)
        print(table(found))
        print(
            f"\n{sum(sum(t.values()) for t in found.values())} mutants in {elapsed:.0f} s "
            f"on {args.max_children} workers"
        )
        alive = survivors(work)
        if alive:
            print("\nsurvivors:\n  " + "\n  ".join(alive))
        if args.gate or args.show:
            for name in alive:
                print(_show(work, name.removesuffix(": survived")))
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)

    if not args.gate:
        return 0
    floors = documented_floors()
    failed = False
    for module in GATE_MODULES:
        have = round(score(found.get(module, Counter())), 1)  # as the table rounds it
        want = floors.get(module)
        if want is None:
            print(f"docs/testing.md records no score for {module}")
            failed = True
        elif have < want:
            print(f"{module}: mutation score {have:.1f}% is below the recorded {want:.1f}%")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
