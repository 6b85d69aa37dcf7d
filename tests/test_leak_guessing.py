"""Issue 14.3 and 14.7: the leak and name indexes answer no guess about a value above the
guesser's levels.

Each attack is run as the insider would run it: the database key in hand (``raw_db``), every
key his own session holds, and the product's own hashing recipes, over guess lists he could
build (ID numbers from a known region and birth date, relatives' names from short lists). The
caseworker's control run, with the same guesses, must find the real values, so a test that
finds nothing proves the keys, not a broken index. No protected value is printed: assertions
compare counts and sets.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from tests.conftest import PASSPHRASES, OpenAs
from tests.insider import db_key, leak_pairs, raw_db, rewrite_leak_pairs
from vault.crypto import (
    SEAL_OVERHEAD,
    Passphrase,
    SecretBytes,
    blind_index,
    derive_key,
    keyed_hash,
    unseal_identity,
)
from vault.crypto.hierarchy import db_key_info
from vault.errors import IntegrityError
from vault.models.idnumbers import prc_check_char
from vault.models.names import search_terms
from vault.policy import ExtraKey, KeyRef, default_policy_text
from vault.redact.entities import find_known, protected_values, value_terms
from vault.services import audit, cases, layout, name_index, users
from vault.services.demo_data import demo_cases
from vault.services.leaks import LeakKey, VaultKnownValues
from vault.services.session import Vault

DEMO = demo_cases()
LEVELS = ["public", "restricted", "confidential", "secret"]


def _held_keys(v: Vault, path: Path) -> list[SecretBytes]:
    """Every key an insider holds as this member: each level key his role reads, the
    publication key, his role key, and the database key."""
    keys = [v.keys.level_key(level, 1) for level in LEVELS]
    keys += [v.keys.key(KeyRef.for_extra(ExtraKey.PUBLICATION)), v.keys.role_key()]
    keys.append(SecretBytes(db_key(path, v.user)))
    return [k for k in keys if k is not None]


def _hashings(keys: Iterable[SecretBytes], term: str) -> set[bytes]:
    """Every way the insider can hash a guess with the keys he holds: each key used as any
    level's key with the product's own leak recipe, and raw, in the old namespaces."""
    out: set[bytes] = set()
    for key in keys:
        for level in LEVELS:
            out.add(LeakKey.of(level, 1, key).term(term))
        for namespace in ("leak", "leaks", "names"):
            out.add(blind_index(key, namespace, term))
    return out


def _stored_leak_terms(path: Path) -> set[bytes]:
    with raw_db(path, "rui") as db:
        return {term for term, _no in leak_pairs(db)}


def _readable_terms(levels: set[str]) -> set[str]:
    """Every term of every protected value at the levels a person reads: a guess that hits one
    of these tells him nothing he cannot read (two people share a given name: "#name1:rustem")."""
    from vault.policy import parse_policy

    policy = parse_policy(default_policy_text())
    out: set[str] = set()
    for c in DEMO:
        for value, info in protected_values(
            c, policy.value_sources(), policy.levels[0], name_is_public=False
        ):
            if info.level in levels:
                out |= value_terms(value, info.kind)
    return out


def _guesses_hit(
    v: Vault,
    path: Path,
    guesses: dict[str, str],
    known: set[str] = frozenset(),  # type: ignore[assignment]
) -> set[str]:
    """The guesses (value -> kind) whose terms, hashed with every key ``v`` holds, are in the
    database's leak index — not counting ``known`` terms, those of values ``v`` reads."""
    stored = _stored_leak_terms(path)
    keys = _held_keys(v, path)
    hit: set[str] = set()
    for value, kind in guesses.items():
        for term in value_terms(value, kind) - known:
            if _hashings(keys, term) & stored:
                hit.add(value)
    return hit


def _id_number_guesses(real: str) -> dict[str, str]:
    """What a reviewer builds from a case's region and date of birth (which he reads): every
    sequence number, with its check character. The real number is one of the thousand."""
    first14 = real[:14]
    out: dict[str, str] = {}
    for seq in range(1000):
        first17 = f"{first14}{seq:03d}"
        out[first17 + prc_check_char(first17)] = "id_number"
    assert real in out
    return out


def _readable_strings(case: dict[str, Any], readable: set[str]) -> set[str]:
    levels = _field_levels()
    out: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            out.add(value)
        elif isinstance(value, list):
            for x in value:
                walk(x)
        elif isinstance(value, dict):
            for x in value.values():
                walk(x)

    for field, value in case.items():
        if levels[field] in readable:
            walk(value)
    return out


def _field_levels() -> dict[str, str]:
    from vault.policy import parse_policy

    policy = parse_policy(default_policy_text())
    return {f: policy.level_of(f) for f in policy.fields}


def _secret_only_names() -> dict[str, str]:
    """Relatives' and sources' names that appear in no field a reviewer reads, in any case:
    the short name list an insider would try."""
    readable: set[str] = set()
    for c in DEMO:
        readable |= _readable_strings(c, {"public", "restricted", "confidential"})
    names = {f["name"] for c in DEMO for f in c["family_contacts"]}
    names |= {s["real_name"] for c in DEMO for s in c["sources"]}
    return {n: "name" for n in sorted(names - readable)}


# --- the leak index ------------------------------------------------------------------------------


def test_attack_reviewer_hashes_every_id_number_of_a_known_region_and_birth_date(
    demo_path: Path, open_as: OpenAs
) -> None:
    real = DEMO[1]["id_numbers"][0]["value"]
    guesses = _id_number_guesses(real)
    rui = open_as("rui")
    assert rui.keys.level_key("secret", 1) is None  # the reviewer reads no secret field
    assert _guesses_hit(rui, demo_path, guesses) == set()
    # Control: the caseworker, with the same guesses, finds the real number and only it.
    assert _guesses_hit(open_as("cara"), demo_path, guesses) == {real}


def test_attack_reviewer_hashes_a_short_list_of_relatives_and_sources_names(
    demo_path: Path, open_as: OpenAs
) -> None:
    guesses = _secret_only_names()
    assert len(guesses) > 100
    decoys = {f"Invented Person{i}": "name" for i in range(50)}
    # a part of a name shared with a value the reviewer reads (a detainee's given name in
    # name_variants) is not counted: its hit names nothing he cannot read
    readable = _readable_terms({"public", "restricted", "confidential"})
    assert _guesses_hit(open_as("rui"), demo_path, {**guesses, **decoys}, readable) == set()
    assert _guesses_hit(open_as("cara"), demo_path, {**guesses, **decoys}) == set(guesses)


def test_reviewer_lookup_sees_only_the_levels_he_reads(open_as: OpenAs) -> None:
    """Through the product's own lookup: the caseworker finds a secret ID number and a
    relative's phone in a text, the reviewer finds the confidential date of birth beside them
    and nothing secret."""
    case = DEMO[1]
    text = (
        f"Born {case['date_of_birth']}, ID {case['id_numbers'][0]['value']}, "
        f"call {case['family_contacts'][0]['phone']}."
    )
    cara = open_as("cara")
    with cara.store.read():
        known = VaultKnownValues(cara)
        assert known.levels == LEVELS
        found = {h.info.level for h in find_known(text, known)}
    assert found == {"confidential", "secret"}
    rui = open_as("rui")
    with rui.store.read():
        known = VaultKnownValues(rui)
        assert known.levels == ["public", "restricted", "confidential"]
        found = {h.info.level for h in find_known(text, known)}
    assert found == {"confidential"}


def test_no_kind_level_or_length_is_readable_from_the_rows(demo_path: Path) -> None:
    with raw_db(demo_path, "pia") as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(leak_runs)")]
        runs = [bytes(r[0]) for r in db.execute("SELECT pairs FROM leak_runs")]
        rows = leak_pairs(db)
        case_columns = [r[1] for r in db.execute("PRAGMA table_info(leak_cases)")]
        cases_rows = list(db.execute("SELECT no, case_id, terms, kinds FROM leak_cases"))
        length_columns = [r[1] for r in db.execute("PRAGMA table_info(leak_lengths)")]
        length_rows = list(db.execute("SELECT slot, sealed FROM leak_lengths"))
    assert columns == ["key", "pairs"]  # a run: (keyed term, case number) pairs, nothing more
    assert all(len(run) % 20 == 0 for run in runs)
    assert case_columns == ["no", "case_id", "terms", "kinds"]
    assert length_columns == ["slot", "sealed"]
    assert len(rows) > 1000
    assert {bytes(r[0]) for r in rows} == {
        bytes(r[2])[i : i + 16] for r in cases_rows for i in range(0, len(bytes(r[2])), 16)
    }
    # A case's kinds: one part per level key, every part as long as every other (a code a
    # term, whoever's it is), so a part's size names neither its level nor what it holds.
    for _, _, terms, kinds in cases_rows:
        stride = 16 + SEAL_OVERHEAD + len(bytes(terms)) // 16
        assert len(bytes(kinds)) == len(LEVELS) * stride
    # One lengths row per level that has terms, each the same size, named by a keyed slot.
    assert 1 <= len(length_rows) <= len(LEVELS)
    assert len({len(bytes(r[1])) for r in length_rows}) == 1
    raw = b"".join(bytes(r[3]) for r in cases_rows) + b"".join(bytes(r[1]) for r in length_rows)
    for word in ["name", "phone", "id_number", "date_of_birth", *LEVELS]:
        assert word.encode() not in raw


def _phone_check(demo_path: Path, open_as: OpenAs) -> tuple[str, str, int]:
    """(phone of demo case 1, its case id, its leak number): a value every check must find."""
    case = DEMO[1]
    with raw_db(demo_path, "pia") as db:
        (no,) = db.execute(
            "SELECT no FROM leak_cases WHERE case_id = ?", (case["case_id"],)
        ).fetchone()
    return case["family_contacts"][0]["phone"], case["case_id"], no


def _refused_as_damaged(open_as: OpenAs, text: str, case_id: str) -> None:
    cara = open_as("cara")
    with cara.store.read(), pytest.raises(IntegrityError) as e:
        find_known(text, VaultKnownValues(cara))
    assert f"leak index of case {case_id} is damaged" in e.value.diagnostics()


def test_attack_leak_row_moved_to_another_case_is_refused(demo_path: Path, open_as: OpenAs) -> None:
    """A term row is bound to its case by that case's sealed kinds: rows copied under another
    case do not open there, and the lookup says which case's index is damaged instead of
    trusting it."""
    phone, _, no = _phone_check(demo_path, open_as)
    with raw_db(demo_path, "pia") as db:
        (other,) = db.execute(
            "SELECT no FROM leak_cases WHERE case_id = 'UA-061-21-001'"
        ).fetchone()
        moved = [(t, other) for t, n in leak_pairs(db) if n == no]
        rewrite_leak_pairs(db, drop=lambda _t, n: n == no, add=moved)
    _refused_as_damaged(open_as, f"call {phone}", "UA-061-21-001")


@pytest.mark.parametrize(
    "attack",
    [
        "the case's term list with a term added",  # a row of another case made to look its own
        "the case's kinds cut short",
        "the case's kinds swapped with another case's",
        "the case's kinds row gone",
        "the case's row renamed to another case",
    ],
)
def test_attack_a_cases_leak_row_rewritten_is_refused(
    demo_path: Path, open_as: OpenAs, attack: str
) -> None:
    """Whatever a database-key holder changes in a case's leak row, a lookup that reaches it
    refuses, naming the case, rather than reading a kind from it or skipping its rows."""
    phone, case_id, no = _phone_check(demo_path, open_as)
    named = f" of case {case_id}"
    with raw_db(demo_path, "pia") as db:
        terms, kinds = db.execute(
            "SELECT terms, kinds FROM leak_cases WHERE no = ?", (no,)
        ).fetchone()
        terms, kinds = bytes(terms), bytes(kinds)
        other_no, other_terms, other_kinds = db.execute(
            "SELECT no, terms, kinds FROM leak_cases WHERE case_id = 'UA-061-21-001'"
        ).fetchone()
        if attack == "the case's term list with a term added":
            extra = bytes(other_terms)[:16]
            new = b"".join(sorted([*(terms[i : i + 16] for i in range(0, len(terms), 16)), extra]))
            db.execute("UPDATE leak_cases SET terms = ? WHERE no = ?", (new, no))
            rewrite_leak_pairs(db, add=[(extra, no)])
        elif attack == "the case's kinds cut short":
            db.execute("UPDATE leak_cases SET kinds = ? WHERE no = ?", (kinds[:-1], no))
        elif attack == "the case's kinds swapped with another case's":
            db.execute(
                "UPDATE leak_cases SET terms = ?, kinds = ? WHERE no = ?",
                (other_terms, other_kinds, no),
            )
            copied = [(t, no) for t, n in leak_pairs(db) if n == other_no]
            rewrite_leak_pairs(db, drop=lambda _t, n: n == no, add=copied)
            phone = DEMO[0]["family_contacts"][0]["phone"]  # now listed under both cases
        elif attack == "the case's kinds row gone":
            db.execute("DELETE FROM leak_cases WHERE no = ?", (no,))
            named = ""  # its term rows now name no case: refused, not skipped
        else:
            db.execute("UPDATE leak_cases SET case_id = 'UA-999-99-999' WHERE no = ?", (no,))
            named = " of case UA-999-99-999"
    cara = open_as("cara")
    with cara.store.read(), pytest.raises(IntegrityError) as e:
        find_known(f"call {phone}", VaultKnownValues(cara))
    assert f"leak index{named} is damaged" in e.value.diagnostics()
    assert phone not in e.value.diagnostics()


# --- the name index and the search log -----------------------------------------------------------


PW = {"ada": "guess-test-ada-pass", "cara": "guess-test-cara-pass", "val": "guess-test-val-pass"}


def _passphrase(name: str) -> Passphrase:
    return Passphrase.from_text(PW[name])


def _volunteer_vault(path: Path) -> None:
    """The default policy plus a volunteer role that reads public fields only."""
    policy = default_policy_text().replace(
        "[roles.admin]",
        '[roles.volunteer]\ndescription = "reads public fields"\nreads = ["public"]\n\n'
        "[roles.admin]",
        1,
    )
    with Vault.init(path, "ada", Passphrase.from_text(PW["ada"]), policy_text=policy) as v:
        for name, role in (("cara", "caseworker"), ("val", "volunteer")):
            users.add_member(v, name, role, passphrase=functools.partial(_passphrase, name))
    with Vault.open(path, "cara", lambda _n: Passphrase.from_text(PW["cara"])) as v:
        cases.add_case(v, {k: DEMO[1][k] for k in ("case_id", "full_name", "name_variants")})


def _db_key(path: Path, name: str) -> bytes:
    """The database key as member ``name`` of this test's vault unwraps it (tests.insider's
    recipe, with this test's passphrases)."""
    keyring = layout.read_keyring(path)
    ident = unseal_identity(keyring["identities"][name], Passphrase.from_text(PW[name]))
    wrapped = base64.b64decode(keyring["db_key_wraps"][name])
    return ident.open_wrapped(wrapped, db_key_info(keyring["vault_id"], name), "db").reveal()


def test_attack_public_reader_hashes_a_restricted_name_variant(tmp_path: Path) -> None:
    """A role that reads only public fields searches only public names, and no key it holds
    hashes a restricted name variant to a stored term."""
    path = tmp_path / "v"
    _volunteer_vault(path)
    variant = DEMO[1]["name_variants"][-1]
    full = DEMO[1]["full_name"]
    with Vault.open(path, "val", lambda _n: Passphrase.from_text(PW["val"])) as val:
        with val.store.read():
            assert name_index.matching_cases(val, full) == {DEMO[1]["case_id"]}
            assert name_index.matching_cases(val, variant) == set()
        keys = [val.keys.level_key(lv, 1) for lv in LEVELS] + [val.keys.role_key()]
        held = [k for k in keys if k is not None]
        db = SecretBytes(_db_key(path, "val"))
    with (
        Vault.open(path, "cara", lambda _n: Passphrase.from_text(PW["cara"])) as cara,
        cara.store.read(),
    ):
        assert name_index.matching_cases(cara, variant) == {DEMO[1]["case_id"]}
    conn = sqlcipher3.connect(str(path / layout.DB_NAME))
    conn.execute(f"PRAGMA key = \"x'{db.reveal().hex()}'\"")
    stored = {bytes(r[0]) for r in conn.execute("SELECT term FROM search_index")}
    conn.close()
    guesses: set[bytes] = set()
    for term in search_terms(variant):
        for key in [*held, db]:
            for namespace in ("name_variants", "names", "full_name"):
                guesses.add(blind_index(key, namespace, term))
                for field in ("name_variants", "full_name"):
                    guesses.add(blind_index(name_index.field_key(key, field), namespace, term))
    assert stored and not guesses & stored


def test_search_log_hash_is_keyed_by_the_searchers_role(demo_path: Path, open_as: OpenAs) -> None:
    """Any member holds the database key; a search hash keyed from it would let each test what
    the others searched for. The role-keyed hash differs per role and from the db-keyed one."""
    text = DEMO[2]["name_variants"][0]
    cara, rui = open_as("cara"), open_as("rui")
    mine = name_index.search_hash(cara, text)
    assert mine == name_index.search_hash(cara, text)  # two searches for one name tally
    assert mine != name_index.search_hash(rui, text)
    for member in ("pia", "ada", "rui"):
        db = SecretBytes(db_key(demo_path, member))
        for key in (db, derive_key(db, "audit keyed hash")):
            assert keyed_hash(key, "search", text) != mine


def test_search_is_logged_under_the_role_keyed_hash(open_as: OpenAs) -> None:
    text = DEMO[2]["full_name"]
    cara = open_as("cara")
    cases.find_cases(cara, text)
    logged = next(line.entry for line in audit.audit_log(cara, action="case.find"))
    assert logged.details["query"] == name_index.search_hash(cara, text)


def test_case_find_reads_stdin_and_refuses_an_argument(demo_path: Path) -> None:
    from click.testing import CliRunner

    from vault.cli import cli

    env = {
        "CASEVAULT_PATH": str(demo_path),
        "CASEVAULT_USER": "cara",
        "CASEVAULT_PASSPHRASE": PASSPHRASES["cara"],
    }
    variant = DEMO[1]["name_variants"][0]
    r = CliRunner().invoke(cli, ["--json", "case", "find"], input=variant + "\n", env=env)
    assert r.exit_code == 0, r.stderr
    assert DEMO[1]["case_id"] in r.stdout
    r = CliRunner().invoke(cli, ["case", "find", "Nurlan"], env=env)
    assert r.exit_code != 0
    assert r.stderr.strip() == (
        "casevault: error: give the name at the prompt or on standard input, not as an argument"
    )
