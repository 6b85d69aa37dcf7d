"""The scale benchmark at a small N, so that it cannot rot (issue 23). Nothing here checks a time:
it checks that every figure is there, that casevault finds exactly the cases plain SQLCipher finds
for the same names, that the floor counts the work an import really does, and the report."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from vault.bench import floor, report
from vault.bench.cases import SCRIPTS, bench_case, bench_cases, case_id
from vault.bench.plain import PlainDb
from vault.bench.run import run
from vault.cli import cli
from vault.crypto import _primitives

N = 300


#: The state folder the person running the benchmark has: the benchmark must leave it alone.
_PERSONS_STATE: list[Path] = []
#: The results as the run handed them over after each N (a long run is written as it goes).
_SO_FAR: list[dict[str, Any]] = []


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    lines: list[str] = []
    work = tmp_path_factory.mktemp("bench")
    persons_state = tmp_path_factory.mktemp("persons-state")
    _PERSONS_STATE.append(persons_state)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEVAULT_STATE_DIR", str(persons_state))
        out = run([N], work, progress=lines.append, sample=12, after_each=_SO_FAR.append)
        assert os.environ["CASEVAULT_STATE_DIR"] == str(persons_state)  # given back
    assert any("audit verify" in line for line in lines)
    return out


def test_the_benchmark_leaves_the_persons_state_folder_alone(results: dict[str, Any]) -> None:
    """Every vault the benchmark opens remembers its checkpoints in the work folder."""
    assert results["runs"]
    assert list(_PERSONS_STATE[0].iterdir()) == []


def test_every_case_is_imported_into_both(results: dict[str, Any]) -> None:
    one = results["runs"][0]
    assert one["n"] == N
    assert one["import"]["vault"]["count"] == N
    assert one["import"]["plain"]["count"] == N
    for who in ("vault", "plain"):
        assert one["import"][who]["seconds"] > 0
        assert one["import"][who]["peak_rss_mb"] > 10


def test_casevault_finds_what_plain_sqlcipher_finds(results: dict[str, Any]) -> None:
    one = results["runs"][0]
    for kind in ("lookup_full", "lookup_word"):
        vault, plain = one[kind]["vault"], one[kind]["plain"]
        assert vault["results_mean"] == plain["results_mean"]
        assert vault["runs"] == plain["runs"] > 0
    # each full name finds at least its own case; a given name alone finds more on average
    assert one["lookup_full"]["vault"]["results_mean"] >= 1
    assert (
        one["lookup_word"]["vault"]["results_mean"] >= one["lookup_full"]["vault"]["results_mean"]
    )


def test_the_floor_counts_the_work_of_an_import(results: dict[str, Any]) -> None:
    fl = results["runs"][0]["import"]["floor"]
    calls = fl["calls_per_case"]
    # a signature per version and one per audit entry; a seal per field and a wrap per level
    assert calls["sign"] >= 2
    assert calls["aead"] >= 15
    assert calls["hmac"] >= 10  # name and leak index terms, key commitments
    assert 0 < fl["crypto_s_per_case"] < 1
    assert fl["write_s_per_case"] > 0
    assert results["runs"][0]["import"]["tables"]["case_versions"]["rows"] >= N


def test_disk_and_audit_figures(results: dict[str, Any]) -> None:
    one = results["runs"][0]
    assert one["disk_per_case"]["vault"] > one["disk_per_case"]["plain"] > 0
    vi = one["import"]["vault"]
    assert vi["disk_before"] < vi["disk_after"] <= vi["disk_peak"]
    assert 1 <= one["disk_per_case"]["peak_over_final"] < 10
    assert one["audit_verify"]["entries"] > N  # an entry per created case, and more
    assert one["show_process"]["vault_ms"] > one["show_process"]["argon2id_ms"] > 0
    assert one["publish"]["check_s"] > 0 and one["publish"]["vault_s"] > 0
    assert one["publish"]["files"] == 12  # en, fr, de × docx, pdf, html, md


def test_a_public_text_of_its_own_is_checked_each_different(results: dict[str, Any]) -> None:
    from vault.bench import cases
    from vault.bench.cases import public_summary

    check = results["runs"][0]["public_text_check"]
    assert check["vault"]["runs"] >= 5 and check["vault"]["p50_ms"] > 0
    assert check["candidate_terms_mean"] > check["words"]  # runs of words, sorted windows, ...
    texts = [public_summary(i) for i in range(50)]
    assert len(set(texts)) == 50 and all(len(t.split()) == 40 for t in texts)
    assert public_summary(7) == public_summary(7)  # the same for the same case
    # every word common, or spelt with a consonant no invented name has: no summary names one
    words = {w.strip(".").lower() for t in texts for w in t.split()}
    invented = words - set(cases._SUMMARY_WORDS)
    assert invented and all(set(w) & set(cases._SUMMARY_CONSONANTS) for w in invented)
    syllables = "".join(s for s, *_ in cases.SYLLABLES)
    assert not set(cases._SUMMARY_CONSONANTS) & set(syllables)
    # imported into the vault as a real file's cases are, none refused as naming a case
    imported = results["runs"][0]["import_own_summaries"]
    assert imported["count"] == N and imported["seconds"] > 0


def test_each_ns_results_are_handed_over_as_it_ends(results: dict[str, Any]) -> None:
    assert len(_SO_FAR) == 1 and _SO_FAR[0]["runs"][0]["n"] == N


def test_each_step_of_a_run_is_timed(results: dict[str, Any]) -> None:
    """Where a run's time goes: every step, by its progress line, each a time of its own."""
    steps = results["runs"][0]["steps_s"]
    assert "importing into casevault (child process)" in steps and "audit verify" in steps
    assert len(steps) >= 10 and all(s >= 0 for s in steps.values())


def test_step_times_run_from_each_line_to_the_next() -> None:
    from vault.bench.run import step_seconds

    lines = [("N=300: writing", 10.0), ("N=300: importing", 12.5), ("N=300: audit verify", 20.0)]
    assert step_seconds(lines, 21.0) == {"writing": 2.5, "importing": 7.5, "audit verify": 1.0}
    assert step_seconds([], 5.0) == {}


def test_a_refused_publication_is_a_row_of_the_table(results: dict[str, Any]) -> None:
    refused = dict(results["runs"][0])
    refused["publish"] = {"refused": "UA 061/21: a protected value would be published: case X"}
    row = next(r for r in report.table(refused).splitlines() if r.startswith("| publish"))
    assert "refused by its leak check: UA 061/21: a protected value would be published" in row
    assert row.count("|") == 5


def test_report_table_and_plot(results: dict[str, Any], tmp_path: Path) -> None:
    text = report.table(results["runs"][0])
    assert text.startswith(f"| at {N:,} cases | casevault | plain SQLCipher | floor |")
    assert text.count("\n") == 15
    assert "| import |" in text and "| bytes on disk per case |" in text
    report.plot(results, tmp_path / "plot.png")
    assert (tmp_path / "plot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    written = report.write(results, tmp_path / "out")
    assert [p.name for p in written] == ["results.json", "tables.md", "cost-per-case.png"]
    assert json.loads(written[0].read_text("utf-8")) == results
    assert written[1].read_text("utf-8") == text + "\n"
    data = report.series(results)
    assert set(data["import, µs per case"]) == {"casevault", "plain SQLCipher", "floor", report.OWN}
    earlier = {"runs": [{k: v for k, v in r.items() if k != "import_own_summaries"}
                        for r in results["runs"]]}  # fmt: skip
    assert report.OWN not in report.series(earlier)["import, µs per case"]
    assert "not measured" in report.table(earlier["runs"][0])


def test_counting_counts_and_restores_even_after_an_error() -> None:
    before = [getattr(owner, name) for owner, name, _ in floor.COUNTED]
    with pytest.raises(RuntimeError), floor.counting() as counts:
        _primitives.aead_seal(bytes(32), b"x", b"ad")
        _primitives.sign(_primitives.sign_generate(), b"m")
        raise RuntimeError("stop")
    # each one-shot call makes its key object (setup) and uses it once
    assert counts == {"aead": 1, "sign": 1, "setup": 2}
    assert [getattr(owner, name) for owner, name, _ in floor.COUNTED] == before


def test_the_invented_cases_are_stable_and_in_four_scripts() -> None:
    first = list(bench_cases(3))
    assert first == list(bench_cases(3))
    record, person = bench_case(1)
    assert record == first[1] and record["case_id"] == case_id(1)
    assert record["full_name"] == person.full("latin")
    assert record["name_variants"] == [person.full(s) for s in SCRIPTS[1:]]
    assert len(json.dumps(record, ensure_ascii=False).encode()) > 800
    assert len({r["full_name"] for r in bench_cases(500)}) > 490


def test_plain_db_finds_by_every_word_and_refuses_an_unknown_case(tmp_path: Path) -> None:
    db = PlainDb(tmp_path / "p.db", bytes(32))
    db.import_rows(bench_cases(20))
    record, person = bench_case(7)
    assert [r["case_id"] for r in db.find(person.full("cyrillic"))[1]] == [record["case_id"]]
    assert db.find("nosuchname") == (0, [])
    with pytest.raises(KeyError):
        db.show("UA-000")
    db.close()
    assert (tmp_path / "p.db").read_bytes()[:16] != b"SQLite format 3\x00"


@pytest.mark.parametrize("given", ["abc", "10000,x", "", "50"])
def test_bench_refuses_sizes_it_cannot_use(given: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["bench", "--n", given, "--out", str(out)])
    assert result.exit_code != 0
    assert "--n takes case counts" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()  # refused before anything is made or written


@pytest.mark.parametrize("given", ["0", "-3", "many"])
def test_bench_refuses_a_sample_it_cannot_use(given: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["bench", "--n", "100", "--sample", given, "--out", str(out)])
    assert result.exit_code == 2
    assert "--sample" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_bench_refuses_an_n_the_disk_has_no_room_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A million cases need about 35 GB: a run the disk cannot hold is refused before it
    starts, in one line, not an hour in."""
    import shutil
    from collections import namedtuple

    from vault.bench import run as bench_run

    def started(*_a: object, **_k: object) -> None:
        raise AssertionError("a run the disk has no room for was started")

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(10**12, 0, 2 * 10**9))
    monkeypatch.setattr(bench_run, "measure", started)
    out, keep = tmp_path / "out", tmp_path / "keep"
    for sizes, what in (("1000000", "1,000,000"), ("1000,1000000", "1,000 and 1,000,000")):
        args = ["bench", "--n", sizes, "--out", str(out), "--keep", str(keep)]
        result = CliRunner().invoke(cli, args)  # refused before the first N, for the whole run
        assert result.exit_code != 0 and "Traceback" not in result.output
        assert f"a run at N={what}, its folders kept, needs about 35.0 GB" in result.output
        assert "2.0 GB are free" in result.output
        assert list(keep.iterdir()) == [] and not (out / "tables.md").exists()


def test_a_failed_step_is_named_in_one_line_whatever_failed() -> None:
    import errno

    import sqlcipher3

    from vault.bench.run import _why
    from vault.errors import IntegrityError

    full = sqlcipher3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # type: ignore[attr-defined]
    assert _why(full).startswith("the disk is full")
    assert _why(OSError(errno.ENOSPC, "No space left on device")).startswith("the disk is full")
    assert _why(IntegrityError("a damaged page")) == "a damaged page"
    assert _why(sqlcipher3.OperationalError("a message that may hold data")) == "OperationalError"


def test_a_step_that_fails_keeps_what_was_measured_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The floor's database fills the disk after the import: the run says so in one line, and
    the import's figures are written, the run marked failed at that step."""
    import errno

    from vault.bench import run as bench_run
    from vault.errors import VaultError

    def full(*_a: object) -> float:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(floor, "write_floor", full)
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "state"))
    handed: list[dict[str, Any]] = []
    with pytest.raises(VaultError) as e:
        bench_run.run([100], tmp_path / "work", progress=lambda _l: None, after_each=handed.append)
    assert str(e.value).startswith("N=100: the import's floor: the disk is full")
    (failed,) = handed[-1]["runs"]
    assert failed["failed"] == {"step": "the import's floor", "error": "OSError"}
    assert failed["import"]["vault"]["count"] == 100 and failed["import"]["plain"]["count"] == 100
    assert "the import's floor" in failed["steps_s"]
    written = report.write(handed[-1], tmp_path / "out")
    assert json.loads(written[0].read_text("utf-8"))["runs"][0]["failed"]
    assert written[1].read_text("utf-8").strip() == ""  # no table of a run cut short


def test_the_floor_writes_each_table_and_leaves_no_file(tmp_path: Path) -> None:
    tables = {"a": (2_000, 400_000), "b": (0, 0), "c": (500, 20_000)}
    took = floor.write_floor(tmp_path / "floor.db", tables)
    assert took > 0
    assert list(tmp_path.iterdir()) == []  # each table's database removed once timed


def test_ctrl_c_during_a_step_keeps_what_was_measured_and_ends_as_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vault.bench import run as bench_run

    def interrupted(*_a: object) -> float:
        raise KeyboardInterrupt

    monkeypatch.setattr(floor, "write_floor", interrupted)
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "state"))
    handed: list[dict[str, Any]] = []
    with pytest.raises(KeyboardInterrupt):
        bench_run.run([100], tmp_path / "work", progress=lambda _l: None, after_each=handed.append)
    (failed,) = handed[-1]["runs"]
    assert failed["failed"] == {"step": "the import's floor", "error": "KeyboardInterrupt"}
    assert failed["n"] == 100 and failed["import"]["vault"]["count"] == 100


def test_the_floor_writes_under_the_rollback_journal_and_leaves_no_file_when_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The floor writes as an import does (a rollback journal: each page once), and a table
    that fails leaves no database behind (at a million, 5 GB)."""
    import sqlcipher3

    said: list[str] = []
    real = sqlcipher3.connect

    class Recorded:
        def __init__(self, conn: Any) -> None:
            self._conn = conn

        def execute(self, sql: str, *args: Any) -> Any:
            said.append(sql)
            return self._conn.execute(sql, *args)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._conn, name)

    monkeypatch.setattr(floor.sqlcipher3, "connect", lambda *a, **k: Recorded(real(*a, **k)))
    assert floor.write_floor(tmp_path / "floor.db", {"a": (100, 10_000)}) > 0
    assert "PRAGMA journal_mode = DELETE" in said and not any("WAL" in s for s in said)

    def half_written(path: Path, rows: int, width: int) -> float:
        path.write_bytes(b"part of a table")
        raise OSError("the disk is full")

    monkeypatch.setattr(floor, "_write_table", half_written)
    with pytest.raises(OSError):
        floor.write_floor(tmp_path / "floor.db", {"a": (100, 10_000)})
    assert list(tmp_path.iterdir()) == []


def test_the_floor_stores_a_wide_row_in_about_its_own_bytes(tmp_path: Path) -> None:
    """The floor is the cheapest way to write the rows: a row as wide as a leak run (1.9 KB) or
    a case version (3.4 KB) costs about its bytes on disk. In a WITHOUT ROWID table (the floor
    until session 16) each spilled into an overflow page: 4.7 KB a row for either."""
    for width in (1_932, 3_354):
        path = tmp_path / f"w{width}.db"
        floor._write_table(path, 2_000, width)
        assert path.stat().st_size < 1.25 * 2_000 * (width + 8)
