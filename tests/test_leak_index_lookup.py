"""Looking terms up in the leak index: a common term is read a few rows at a time (a check needs
to know it is held, not by whom all), a part of a name is read for the cases in scope, all of them.
"""

from __future__ import annotations

import pytest

from tests.conftest import OpenAs
from vault.services.leaks import case_term_ads, term_ad


def test_a_lookup_reads_a_few_rows_of_a_common_term_and_every_row_in_scope(
    open_as: OpenAs,
) -> None:
    from vault.services.leaks import OWNERS_NAMED

    v = open_as("cara")
    term = b"\x01" * 16
    holders = [f"CASE-{n:03}" for n in range(3 * OWNERS_NAMED)]
    with v.store.write():
        for case_id in holders:
            v.store.replace_leak_terms(case_id, [(term, b"sealed-" + case_id.encode())])
    every = v.store.find_leak_terms([term])
    assert {case for _, case, _ in every} == set(holders)
    few = v.store.find_leak_terms([term], per_term=OWNERS_NAMED)
    assert len(few) == OWNERS_NAMED
    assert {case for _, case, _ in few} <= set(holders)
    last = holders[-1]  # a case a capped read may leave out: asked by scope, it is there
    scoped = v.store.find_leak_terms([term, b"\x02" * 16], cases=[last, "CASE-NONE"])
    assert scoped == [(term, last, b"sealed-" + last.encode())]
    assert v.store.find_leak_terms([b"\x02" * 16], per_term=1) == []


def test_a_part_of_a_name_counts_for_a_case_in_scope_however_many_hold_it(
    open_as: OpenAs,
) -> None:
    """More cases than a capped read names hold the given name "Tolqyn": a check scoped to the
    last of them still finds it alone; a check scoped to a case holding no such name does not."""
    from vault.redact.entities import find_known
    from vault.services import cases
    from vault.services.leaks import OWNERS_NAMED, VaultKnownValues

    v = open_as("cara")
    ids = [f"UA-200-26-{n:03}" for n in range(OWNERS_NAMED + 3)]
    for n, case_id in enumerate(ids):  # invented relatives sharing a given name
        contact = {"name": f"Tolqyn Zhanuzaqqyzy{n}", "relation": "sister"}
        cases.add_case(v, {"case_id": case_id, "family_contacts": [contact]})
    text = "Her sister Tolqyn wrote to us."
    assert find_known(text, VaultKnownValues(v, scope=[ids[-1]]))
    assert not find_known(text, VaultKnownValues(v, scope=["UA-061-21-004"]))


def test_a_part_of_a_name_is_read_again_when_the_scope_changes(open_as: OpenAs) -> None:
    """One checker, two scopes (an import checks record after record with one): a given name
    read while another case was in scope still counts for its own case afterwards."""
    from vault.redact.entities import find_known
    from vault.services import cases
    from vault.services.leaks import OWNERS_NAMED, VaultKnownValues

    v = open_as("cara")
    ids = [f"UA-201-26-{n:03}" for n in range(OWNERS_NAMED + 3)]
    for n, case_id in enumerate(ids):
        contact = {"name": f"Gulbahar Zhanuzaqqyzy{n}", "relation": "sister"}
        cases.add_case(v, {"case_id": case_id, "family_contacts": [contact]})
    known = VaultKnownValues(v, scope=["UA-061-21-004"])
    text = "Her sister Gulbahar wrote to us."
    assert not find_known(text, known)
    known.scope = frozenset({ids[-1]})
    assert find_known(text, known)


@pytest.mark.parametrize(
    ("vault_id", "case_id", "term"),
    [
        ("v-1", "UA-001-21-0001", bytes(16)),
        ("v-1", "UA-001-21-0001", bytes(range(16))),
        ("vault é", "", b""),
        ("v", "case with spaces and 名字", b"\xff" * 300),
    ],
)
def test_case_term_ads_are_the_bytes_term_ad_gives(
    vault_id: str, case_id: str, term: bytes
) -> None:
    """A case's rows are sealed with the per-case shortcut and opened with term_ad: one byte
    apart and no leak row would open again."""
    assert case_term_ads(vault_id, case_id)(term) == term_ad(vault_id, case_id, term)
    assert case_term_ads(vault_id, case_id + "x")(term) != term_ad(vault_id, case_id, term)


def test_many_cases_stored_at_once_replace_each_cases_rows(open_as: OpenAs) -> None:
    """A batch replaces each named case's rows (old rows of those cases gone, other cases'
    untouched); a case named twice keeps its last rows, as two writes in turn would."""
    from vault.services.leaks import case_leak_terms, store_leak_terms, store_leak_terms_of

    v = open_as("cara")
    first = case_leak_terms(v, {"family_contacts": [{"name": "Orzu Tamsinova"}]})
    second = case_leak_terms(v, {"family_contacts": [{"name": "Baurzhan Keldy"}]})
    with v.store.write():
        store_leak_terms(v, "UA-300-26-001", first)
        store_leak_terms(v, "UA-300-26-002", first)
        store_leak_terms(v, "UA-300-26-009", first)  # not in the batch below
        store_leak_terms_of(
            v,
            [("UA-300-26-001", second), ("UA-300-26-002", second), ("UA-300-26-002", first)],
        )
    terms_of = {t for _, t, _ in first.terms}, {t for _, t, _ in second.terms}
    assert terms_of[0] - terms_of[1] and terms_of[1] - terms_of[0]

    def holders(terms: set[bytes]) -> set[str]:  # among this test's cases (the demo has more)
        rows = v.store.find_leak_terms(sorted(terms))
        return {case for _, case, _ in rows if case.startswith("UA-300-")}

    only_first, only_second = terms_of[0] - terms_of[1], terms_of[1] - terms_of[0]
    assert holders(only_second) == {"UA-300-26-001"}
    assert holders(only_first) == {"UA-300-26-002", "UA-300-26-009"}
    for term, case, sealed in v.store.find_leak_terms(sorted(terms_of[0] | terms_of[1])):
        key = next(k for k, t, _ in (*first.terms, *second.terms) if t == term)
        assert key.sealer.open(sealed, term_ad(v.vault_id, case, term), "leak term")
