"""`casevault check` compares every case's leak index with its signed head version: what a member
holding the database key and the level keys can delete or rewrite in the index, so that a leak
check would miss a value, is named case by case. Each attack is made on a copy of the demo, as
the insider would (``tests/insider.py``, or the level keys a caseworker holds), then the
product's own ``check`` runs. All data is invented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import passphrase_for
from tests.insider import leak_pairs, put_leak_runs, raw_db, rewrite_leak_pairs, run_as
from vault.crypto import SEAL_OVERHEAD, Passphrase
from vault.services import audit
from vault.services.leak_check import MAX_NAMED, check_leak_index
from vault.services.leaks import case_leak_terms, store_leak_terms
from vault.services.session import Vault
from vault.store import leak_runs as runs

CASE = "UA-061-21-004"
OTHER = "UA-061-21-005"


def _run(path: Path, user: str, *args: str) -> Result:
    return run_as(path, user, *args)


def _problems(path: Path) -> list[str]:
    """What `casevault check` says of the leak index, run by cara (who reads every level)."""
    r = _run(path, "cara", "check")
    assert r.exit_code == 5, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = [line.split(": ", 2)[2] for line in r.stderr.splitlines()]
    lines = [line.removeprefix("the vault is damaged: ") for line in lines]
    return [line.removeprefix("leak index: ") for line in lines if line.startswith("leak index")]


def _number(path: Path, case_id: str) -> int:
    with raw_db(path, "pia") as db:
        (no,) = db.execute("SELECT no FROM leak_cases WHERE case_id = ?", (case_id,)).fetchone()
    return int(no)


def test_a_sound_vault_checks_every_case(demo_path: Path) -> None:
    r = _run(demo_path, "cara", "check")
    assert r.exit_code == 0, r.stderr
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        count = v.store.count_cases()
    assert f"; leak index OK: {count} cases hold what their signed versions say" in r.stdout


@pytest.mark.parametrize("who", ["rui", "pia", "ada"])
def test_a_member_who_does_not_read_every_level_is_told_it_was_not_checked(
    demo_path: Path, who: str
) -> None:
    with raw_db(demo_path, "pia") as db:
        no = _number(demo_path, CASE)
        assert rewrite_leak_pairs(db, drop=lambda _t, n: n == no) > 100
    r = _run(demo_path, who, "check")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.rstrip().endswith("does not read every level")
    assert "leak index not checked: " in r.stdout


def _rows(path: Path) -> tuple[int, ...]:
    with raw_db(path, "pia") as db:
        return tuple(
            [
                *(
                    int(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # noqa: S608
                    for t in ("audit_entries", "cases", "leak_cases", "leak_runs")
                ),
                len(leak_pairs(db)),
            ]
        )


def test_attack_a_cases_term_rows_deleted(demo_path: Path) -> None:
    no = _number(demo_path, CASE)
    with raw_db(demo_path, "pia") as db:
        assert rewrite_leak_pairs(db, drop=lambda _t, n: n == no) > 100
    before = _rows(demo_path)
    (problem,) = _problems(demo_path)
    assert problem.startswith(f"case {CASE}: ")
    assert "of its term rows are missing" in problem
    assert _rows(demo_path) == before  # check names the damage and changes nothing


def test_attack_one_term_row_deleted(demo_path: Path) -> None:
    no = _number(demo_path, CASE)
    with raw_db(demo_path, "pia") as db:
        first = min(t for t, n in leak_pairs(db) if n == no)
        assert rewrite_leak_pairs(db, drop=lambda t, n: (t, n) == (first, no)) == 1
    assert _problems(demo_path) == [
        f"case {CASE}: 1 of its term rows are missing: a lookup would not find them"
    ]


def test_attack_a_cases_whole_leak_index_deleted(demo_path: Path) -> None:
    no = _number(demo_path, CASE)
    with raw_db(demo_path, "pia") as db:
        rewrite_leak_pairs(db, drop=lambda _t, n: n == no)
        db.execute("DELETE FROM leak_cases WHERE no = ?", (no,))
    assert _problems(demo_path) == [f"case {CASE}: it has no leak index"]


def test_attack_a_cases_index_rewritten_with_the_level_keys(demo_path: Path) -> None:
    """A caseworker holds every level key: she rewrites the case's index, consistently sealed,
    from values without its family contacts. Only the signed version says otherwise."""
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        from vault.services.cases import show_case

        values = dict(show_case(v, CASE).values)
        values.pop("family_contacts")
        with v.store.write():
            store_leak_terms(v, CASE, case_leak_terms(v, values))
    (problem,) = _problems(demo_path)
    assert problem.startswith(f"case {CASE}: its leak index lacks ")
    assert problem.endswith(" terms its signed version gives")


def test_attack_a_cases_kinds_moved_from_another_case(demo_path: Path) -> None:
    with raw_db(demo_path, "pia") as db:
        (kinds,) = db.execute("SELECT kinds FROM leak_cases WHERE case_id = ?", (OTHER,)).fetchone()
        db.execute("UPDATE leak_cases SET kinds = ? WHERE case_id = ?", (kinds, CASE))
    (problem,) = _problems(demo_path)
    assert problem in (
        f"case {CASE}: a part of its kinds does not open",
        f"case {CASE}: its sealed kinds are cut short",
    )


def test_an_earlier_layout_case_is_compared_by_its_rows(demo_path: Path) -> None:
    """A case not saved since migration 0007 keeps its rows in leak_terms_v1: complete, it is
    sound; with one row gone, it is named."""
    no = _number(demo_path, CASE)
    with raw_db(demo_path, "pia") as db:
        db.executemany(
            "INSERT INTO leak_terms_v1(term, case_id, sealed) VALUES (?, ?, x'00')",
            [(t, CASE) for t, n in leak_pairs(db) if n == no],
        )
        rewrite_leak_pairs(db, drop=lambda _t, n: n == no)
        db.execute("DELETE FROM leak_cases WHERE no = ?", (no,))
    assert _run(demo_path, "cara", "check").exit_code == 0
    with raw_db(demo_path, "pia") as db:
        db.execute(
            "DELETE FROM leak_terms_v1 WHERE case_id = ? AND term = "
            "(SELECT min(term) FROM leak_terms_v1 WHERE case_id = ?)",
            (CASE, CASE),
        )
    assert _problems(demo_path) == [
        f"case {CASE}: its leak index (earlier layout) lacks 1 of its terms"
    ]


def test_many_damaged_cases_are_counted_past_those_named(demo_path: Path) -> None:
    with raw_db(demo_path, "pia") as db:
        put_leak_runs(db, [])
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        found = check_leak_index(v)
        total = v.store.count_cases()
        result = audit.check(v)
    assert total > MAX_NAMED
    assert found.checked == total and found.damaged == total
    assert len(found.problems) == MAX_NAMED
    assert result.problems[-1] == f"leak index: {total} cases in all"
    assert not result.ok and result.to_json()["leak_index"]["damaged"] == total


def test_a_rotation_not_finished_is_named_and_a_finished_one_is_sound(demo_path: Path) -> None:
    """After a revocation, the cases stay indexed under the old epoch's keys until `keys rotate`
    re-indexes them: check says so for each (not "damaged" in other words), and is clean after."""
    from vault.services import cases, lifecycle, users

    cai = Passphrase.from_text("cai-leak-check-passphrase")
    with Vault.open(demo_path, "ada", lambda _n: passphrase_for("ada")) as v:
        users.add_member(v, "cai", "caseworker", passphrase=lambda: cai)
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")):
        pass  # a holder unlocks: cai's keys reach her
    with Vault.open(demo_path, "ada", lambda _n: passphrase_for("ada")) as v:
        lifecycle.revoke(v, "cara", "left the organisation")
    with Vault.open(demo_path, "cai", lambda _n: cai) as v:
        cases.add_case(v, {"case_id": "UA-300-26-901", "full_name": "Invented After"})
        found = check_leak_index(v)
        total = v.store.count_cases()
        assert found.checked == total and found.damaged == total - 1
        assert found.problems[0].endswith(
            ": its leak index is under an earlier key epoch: finish `casevault keys rotate`"
        )
        lifecycle.rotate(v, batch=40)
        found = check_leak_index(v)
        assert found.ok and found.checked == total


def test_a_term_more_than_its_version_gives_is_sound(demo_path: Path) -> None:
    """An index made by an earlier casevault holds a few terms today's code no longer makes
    (a date's short digit runs, say): a term more hides no value, so check passes."""
    from vault.services.cases import show_case
    from vault.services.leaks import LeakTerms

    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        terms = case_leak_terms(v, dict(show_case(v, CASE).values))
        key = terms.terms[0][0]
        more = LeakTerms(
            [*terms.terms, (key, key.term("180364"), "date_of_birth")], terms.lengths, terms.keys
        )
        with v.store.write():
            store_leak_terms(v, CASE, more)
        assert check_leak_index(v).ok


def test_attack_a_kinds_part_repeated(demo_path: Path) -> None:
    """A second part under the same key (a lookup reads the first, a check might read the
    last): refused as repeated."""
    with raw_db(demo_path, "pia") as db:
        (kinds, terms) = db.execute(
            "SELECT kinds, terms FROM leak_cases WHERE case_id = ?", (CASE,)
        ).fetchone()
        stride = 16 + SEAL_OVERHEAD + len(terms) // 16  # a keyed slot, the seal, a code a term
        assert len(kinds) % stride == 0
        db.execute(
            "UPDATE leak_cases SET kinds = ? WHERE case_id = ?",
            (bytes(kinds)[:stride] + bytes(kinds), CASE),
        )
    (problem,) = _problems(demo_path)
    assert problem == f"case {CASE}: a part of its kinds is repeated"


def test_attack_a_case_unlisted_with_its_leak_index(demo_path: Path) -> None:
    """The case's row in `cases` deleted along with its leak rows: its versions are still
    stored (and logged), so check walks the versions, not the list, and names it."""
    no = _number(demo_path, CASE)
    with raw_db(demo_path, "pia") as db:
        rewrite_leak_pairs(db, drop=lambda _t, n: n == no)
        db.execute("DELETE FROM leak_cases WHERE no = ?", (no,))
        db.execute("DELETE FROM cases WHERE case_id = ?", (CASE,))
    assert f"case {CASE}: its versions are stored but it is not listed" in _problems(demo_path)


def test_a_lookup_refuses_a_repeated_kinds_part(demo_path: Path) -> None:
    from vault.errors import IntegrityError
    from vault.redact.entities import find_known
    from vault.services.cases import show_case
    from vault.services.leaks import VaultKnownValues

    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v:
        phone = show_case(v, CASE).values["family_contacts"][0]["phone"]
    with raw_db(demo_path, "pia") as db:
        (kinds, terms) = db.execute(
            "SELECT kinds, terms FROM leak_cases WHERE case_id = ?", (CASE,)
        ).fetchone()
        stride = 16 + SEAL_OVERHEAD + len(terms) // 16
        db.execute(
            "UPDATE leak_cases SET kinds = ? WHERE case_id = ?",
            (bytes(kinds)[:stride] + bytes(kinds), CASE),
        )
    damaged = f"the leak index of case {CASE} is damaged"
    with (
        Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v,
        v.store.read(),
        pytest.raises(IntegrityError, match=damaged),
    ):
        find_known(f"Call {phone}.", VaultKnownValues(v))


# --- the runs' shape (ADR 0010): found by an insider review in session 12 ---------------------


def _runs(path: Path) -> list[tuple[bytes, bytes]]:
    with raw_db(path, "pia") as db:
        return [(bytes(k), bytes(d)) for k, d in db.execute("SELECT key, pairs FROM leak_runs")]


def _put_runs(path: Path, stored: list[tuple[bytes, bytes]]) -> None:
    with raw_db(path, "pia") as db:
        put_leak_runs(db, stored)


def _hiding(path: Path, no: int) -> list[tuple[bytes, bytes]]:
    """Every pair kept, but each term of case ``no`` in a run of its own laid out [Z, (T, its
    numbers)...] keyed by its first pair, Z a pair above every term: bisecting for (T, n) still
    finds each pair, bisecting for the term's smallest pair (a lookup's start) lands on Z."""
    with raw_db(path, "pia") as db:
        pairs = sorted(runs.pair(t, n) for t, n in leak_pairs(db))
    mine = {runs.term_of(p) for p in pairs if runs.number_of(p) == no}
    out: list[tuple[bytes, bytes]] = []
    rest = [p for p in pairs if runs.term_of(p) not in mine]
    out += [(run[0], runs.joined(run)) for run in runs.cut(rest) if run]
    for term in sorted(mine):
        held = [p for p in pairs if runs.term_of(p) == term]
        out.append((held[0], runs.pair(b"\xff" * 16, 0) + runs.joined(held)))
    return out


def test_attack_a_run_out_of_order_hides_no_value_and_check_names_it(
    demo_path: Path,
) -> None:
    """A lookup finds a term in its run with ``bytes.find``, not by bisecting: the disorder
    that hid the case's values from a bisecting lookup hides nothing, and check reads every run
    and names the disorder."""
    from vault.redact.entities import find_known
    from vault.services.demo_data import demo_cases
    from vault.services.leaks import VaultKnownValues

    phone = next(c for c in demo_cases() if c["case_id"] == CASE)["family_contacts"][0]["phone"]
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v, v.store.read():
        assert find_known(f"call {phone}", VaultKnownValues(v))
    _put_runs(demo_path, _hiding(demo_path, _number(demo_path, CASE)))
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v, v.store.read():
        assert find_known(f"call {phone}", VaultKnownValues(v))  # what the attack did not do
    problems = _problems(demo_path)
    assert any(p.endswith("runs have pairs out of order or repeated: a lookup may not find "
                          "a value") for p in problems), problems  # fmt: skip


@pytest.mark.parametrize("how", ["deleted", "an older copy put back"])
def test_attack_a_level_keys_lengths_taken_back_hide_values_and_check_names_it(
    demo_path: Path, how: str
) -> None:
    """A run-together term is asked only under the keys whose sealed lengths hold its length:
    the secret key's row deleted, or put back as it was before a case added a length, hides a
    one-word secret value from every lookup; check recomputes every case's lengths and names
    the key's row that lacks one."""
    from vault.redact.entities import find_known
    from vault.services import cases
    from vault.services.leaks import VaultKnownValues, open_lengths, writing_keys

    def opened() -> Vault:
        return Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara"))

    with opened() as v:
        key = writing_keys(v)["secret"]
        (old,) = v.store.leak_lengths([key.slot]).values()
        had = open_lengths(v, key, old)
        # one word, of a length no secret value had: its every index term is run together
        name = "Qorlanbekjanulyzadehmamatkulovas"[: next(n for n in range(12, 33) if n not in had)]
        contact = {"name": name, "relation": "brother"}
        cases.add_case(v, {"case_id": "UA-300-26-812", "family_contacts": [contact]})
        with v.store.read():
            assert find_known(f"Invented: {name} here.", VaultKnownValues(v))
    with raw_db(demo_path, "pia") as db:
        if how == "deleted":
            db.execute("DELETE FROM leak_lengths WHERE slot = ?", (key.slot,))
        else:
            db.execute("UPDATE leak_lengths SET sealed = ? WHERE slot = ?", (old, key.slot))
    with opened() as v, v.store.read():
        assert not find_known(f"Invented: {name} here.", VaultKnownValues(v))
    problems = _problems(demo_path)
    named = re.compile(r"the lengths kept for a level key lack (\d+) of the lengths its cases'")
    lacking = [int(m[1]) for p in problems if (m := named.match(p))]
    assert lacking and (lacking[0] > len(had) if how == "deleted" else lacking[0] < 5), problems


def _unmark(path: Path, no: int, how: str) -> None:
    """An insider hides case ``no``'s terms from lookups through the runs' marks alone: the
    runs that hold its pairs keep them."""
    with raw_db(path, "pia") as db:
        held = [
            bytes(key)
            for key, data in db.execute("SELECT key, pairs FROM leak_runs")
            if any(runs.number_of(p) == no for p in runs.split(bytes(data)))
        ]
        if how == "emptied":
            db.executemany("UPDATE leak_marks SET marks = x'' WHERE key = ?", [(k,) for k in held])
        elif how == "deleted":
            db.executemany("DELETE FROM leak_marks WHERE key = ?", [(k,) for k in held])
        else:  # a stray row just above each run's key: it stands for the run's whole range
            db.executemany(
                "INSERT INTO leak_marks(key, marks) VALUES (?, x'')",
                [(k[:-1] + bytes([k[-1] + 1]),) for k in held if k[-1] < 255],
            )


@pytest.mark.parametrize(
    "how, named",
    [
        ("emptied", "runs have marks that are not their pairs'"),
        ("deleted", "runs have marks that are not their pairs'"),
        ("stray", "rows of its marks name no run"),
    ],
)
def test_attack_the_marks_rewritten_hide_values_from_lookups_and_check_names_it(
    demo_path: Path, how: str, named: str
) -> None:
    """A lookup reads a run only when its marks say the term may be there: marks emptied,
    deleted, or a stray row standing for a run's range hide the case's values from every
    lookup, as deleting its pairs would, and check names what was done to the marks."""
    from vault.redact.entities import find_known
    from vault.services.demo_data import demo_cases
    from vault.services.leaks import VaultKnownValues

    phone = next(c for c in demo_cases() if c["case_id"] == CASE)["family_contacts"][0]["phone"]
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v, v.store.read():
        assert find_known(f"call {phone}", VaultKnownValues(v))
    _unmark(demo_path, _number(demo_path, CASE), how)
    with Vault.open(demo_path, "cara", lambda _n: passphrase_for("cara")) as v, v.store.read():
        assert not find_known(f"call {phone}", VaultKnownValues(v))  # what the attack does
    problems = _problems(demo_path)
    assert any(named in p and p.endswith("a lookup may not find a value") for p in problems), (
        problems
    )


@pytest.mark.parametrize(
    "attack, named",
    [
        ("a run keyed above its first pair", "runs are keyed above their first pair"),
        ("a run overlapping the one before", "runs overlap the run before"),
        ("a pair repeated in another run", "pairs more than the cases list"),
        ("a pair under a number no case has", "pairs more than the cases list"),
        ("a run of no pairs", "runs are not whole pairs"),
    ],
)
def test_attack_the_runs_reshaped_is_named_by_check(
    demo_path: Path, attack: str, named: str
) -> None:
    stored = sorted(_runs(demo_path))
    assert len(stored) >= 3
    (_k0, d0), (k1, d1) = stored[0], stored[1]
    if attack == "a run keyed above its first pair":
        stored[1] = (d1[runs.PAIR : 2 * runs.PAIR], d1)
    elif attack == "a run overlapping the one before":
        stored[1] = (d0[-runs.PAIR :], d1)  # keyed at the last pair of the run before
    elif attack == "a pair repeated in another run":
        stored[1] = (k1, runs.joined(sorted({*runs.split(d1), runs.split(d0)[-1]})))
        stored[1] = (min(stored[1][1][: runs.PAIR], k1), stored[1][1])
    elif attack == "a pair under a number no case has":
        extra = runs.pair(runs.term_of(d1[: runs.PAIR]), 2**32 - 2)
        stored[1] = (k1, runs.joined(sorted({*runs.split(d1), extra})))
    else:
        stored[1] = (k1, b"")
    _put_runs(demo_path, stored)
    before = sorted(_runs(demo_path))
    problems = _problems(demo_path)  # one line each, exit 5, no traceback
    assert any(named in p for p in problems), problems
    assert sorted(_runs(demo_path)) == before  # check changes nothing


def test_a_vault_with_a_run_cut_short_before_migration_0010_is_refused_in_one_line(
    demo_path: Path,
) -> None:
    """A vault of the layout before the marks, one of whose runs is not whole pairs: opening it
    (to migrate) refuses it as a damaged leak index, in one line with no traceback, and leaves
    it as it was: no marks table, migration 0010 not recorded, the run as damaged as before."""
    with raw_db(demo_path, "pia") as db:
        db.execute("DROP TABLE leak_marks")
        db.execute("DELETE FROM schema_migrations WHERE name = '0010_leak_run_marks'")
        (rowid, data) = db.execute("SELECT rowid, pairs FROM leak_runs LIMIT 1").fetchone()
        db.execute("UPDATE leak_runs SET pairs = ? WHERE rowid = ?", (bytes(data)[:-1], rowid))
    r = _run(demo_path, "cara", "case", "list")
    assert r.exit_code != 0
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0, r.stderr
    assert "the leak index is damaged (a row of it is malformed)" in r.stderr
    with raw_db(demo_path, "pia") as db:
        tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        done = {n for (n,) in db.execute("SELECT name FROM schema_migrations")}
        (after,) = db.execute("SELECT pairs FROM leak_runs WHERE rowid = ?", (rowid,)).fetchone()
    assert "leak_marks" not in tables and "0010_leak_run_marks" not in done
    assert bytes(after) == bytes(data)[:-1]
