"""Looking terms up in the leak index: a common term is read a few rows at a time (a check needs
to know it is held, not by whom all); a part of a value, and the forms a writer makes up, count
for the cases a check is about, read from their signed versions, never from the index.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import OpenAs
from tests.insider import rewrite_leak_pairs
from vault.crypto import SEAL_OVERHEAD, SecretBytes
from vault.errors import DecryptionError, IntegrityError
from vault.redact.entities import find_known
from vault.services.leaks import (
    KIND_CODES,
    OWNERS_NAMED,
    LeakKey,
    LeakTerms,
    VaultKnownValues,
    kinds_ad,
    leak_case_row,
    term_ad,
)
from vault.services.own_values import own_terms_of
from vault.services.session import Vault
from vault.store.interface import LeakCaseRow


def about(v: Vault, *cases: str) -> VaultKnownValues:
    """The known values of a check about ``cases``: the index, and their own values."""
    return VaultKnownValues(v, own=own_terms_of(v, cases))


def test_a_lookup_reads_a_few_rows_of_a_common_term_and_every_row_in_scope(
    open_as: OpenAs,
) -> None:
    from vault.services.leaks import OWNERS_NAMED

    v = open_as("cara")
    term = b"\x01" * 16
    holders = [f"CASE-{n:03}" for n in range(3 * OWNERS_NAMED)]
    with v.store.write():
        v.store.replace_leak_cases([LeakCaseRow(c, term, b"k-" + c.encode()) for c in holders])
    every = v.store.find_leak_terms([term])
    assert {case for _, case in every} == set(holders)
    few = v.store.find_leak_terms([term], per_term=OWNERS_NAMED)
    assert len(few) == OWNERS_NAMED
    assert {case for _, case in few} <= set(holders)
    last = holders[-1]  # a case a capped read may leave out: asked by scope, it is there
    scoped = v.store.find_leak_terms([term, b"\x02" * 16], cases=[last, "CASE-NONE"])
    assert scoped == [(term, last)]
    assert v.store.find_leak_terms([b"\x02" * 16], per_term=1) == []
    stored = v.store.leak_cases([last, "CASE-NONE"])
    assert list(stored) == [last]
    assert (stored[last].terms, stored[last].kinds) == (term, b"k-" + last.encode())


def test_a_part_of_a_name_counts_for_a_case_in_scope_however_many_hold_it(
    open_as: OpenAs,
) -> None:
    """More cases than a capped read names hold the given name "Tolqyn": a check about the
    last of them still finds it alone; a check about a case holding no such name does not."""
    from vault.services import cases

    v = open_as("cara")
    ids = [f"UA-200-26-{n:03}" for n in range(OWNERS_NAMED + 3)]
    for n, case_id in enumerate(ids):  # invented relatives sharing a given name
        contact = {"name": f"Tolqyn Zhanuzaqqyzy{n}", "relation": "sister"}
        cases.add_case(v, {"case_id": case_id, "family_contacts": [contact]})
    text = "Her sister Tolqyn wrote to us."
    with v.store.read():
        assert find_known(text, about(v, ids[-1]))
        assert not find_known(text, about(v, "UA-061-21-004"))
        assert not find_known(text, VaultKnownValues(v))


def test_the_index_holds_no_part_of_a_value_and_no_made_up_form(open_as: OpenAs) -> None:
    """What the vault-wide index holds finds a value of any case as it is written, and as the
    text's readings read it (an address's street and number, an e-mail address spelled out, a
    date in words); a part of a value or a form only a writer makes up (the address's street
    abbreviated, the value backwards) is looked for in a check about its own case, read from
    its signed version: with every leak row of the case deleted, that check still finds them."""
    from vault.services import cases

    v = open_as("cara")
    holder = "UA-300-26-779"
    cases.add_case(
        v,
        {
            "case_id": holder,
            "full_name": "Invented Holder",
            "date_of_birth": "1961-11-04",
            "home_address": "No. 41, Qizilgul Boulevard, Ghulja",
            "family_contacts": [
                {"name": "Ormanjan Tashpolatova", "relation": "sister"},
                {"name": "Ilmira Qorghanbek", "relation": "son", "email": "ilmira.q@example.org"},
            ],
        },
    )
    anywhere = [
        "Write to Ormanjan Tashpolatova.",
        "Born on 4 November 1961, she",
        "The house at Qizilgul Boulevard 41 was searched.",
        "mail ilmira dot q at example dot org",
        "at 41 Qizilgul Blvd in the north",  # abbreviated, with its number: the address reading
    ]
    own_only = [
        "Her sister Ormanjan wrote.",  # a given name alone
        "the Ghulja, Qizilgul Blvd area",  # the street word abbreviated, the parts turned
        "avotalophsaT najnamrO",  # backwards
        "born 041161",  # a date's digits, short
    ]
    with v.store.read():
        for text in anywhere:
            assert find_known(text, VaultKnownValues(v)), text
        for text in own_only:
            assert not find_known(text, VaultKnownValues(v)), text
            assert find_known(text, about(v, holder)), text
    conn = v.store._conn  # a member holding the database key deletes the case's leak rows
    with v.store.write():
        terms = set(v.store.leak_cases([holder])[holder].term_list())
        assert rewrite_leak_pairs(conn, drop=lambda term, _no: term in terms) >= len(terms)
        conn.execute("DELETE FROM leak_cases WHERE case_id = ?", (holder,))
    with v.store.read():
        assert not find_known(anywhere[0], VaultKnownValues(v))
        for text in anywhere + own_only:
            assert find_known(text, about(v, holder)), text


def _key(level: str, byte: int) -> LeakKey:
    return LeakKey.of(level, 1, SecretBytes(bytes([byte]) * 32))


def test_a_case_row_lists_its_terms_in_order_and_seals_one_code_a_term_per_key() -> None:
    """Every key the case is written under gets a part, each the same size whatever its level
    holds; a part names the kind of its own key's terms and 0 for the others'."""
    low, high, idle = _key("restricted", 1), _key("secret", 2), _key("confidential", 3)
    terms = LeakTerms(
        [
            (high, high.term("tumi likere"), "name"),
            (low, low.term("kumul"), "place"),
            (high, high.term("+99655536"), "phone"),
            (high, high.term("tumi likere"), "codename"),  # held twice: the first kind stays
        ],
        [],
        [low, high, idle],
    )
    row = leak_case_row("v-1", "UA-001-21-0001", terms)
    order = sorted({t for _, t, _ in terms.terms})
    assert row.terms == b"".join(order)
    assert row.term_list() == order
    stride = 16 + SEAL_OVERHEAD + len(order)
    assert len(row.kinds) == 3 * stride
    parts = {
        row.kinds[at : at + 16]: row.kinds[at + 16 : at + stride]
        for at in range(0, len(row.kinds), stride)
    }
    assert set(parts) == {low.kinds_slot, high.kinds_slot, idle.kinds_slot}
    want = {
        low.kinds_slot: {low.term("kumul"): "place"},
        high.kinds_slot: {high.term("tumi likere"): "name", high.term("+99655536"): "phone"},
        idle.kinds_slot: {},
    }
    keys = {k.kinds_slot: k for k in (low, high, idle)}
    for slot, sealed in parts.items():
        ad = kinds_ad("v-1", "UA-001-21-0001", slot, row.terms)
        codes = keys[slot].sealer.open(sealed, ad, "leak kinds")
        named = {t: KIND_CODES[c - 1] for t, c in zip(order, codes, strict=True) if c}
        assert named == want[slot]
        other = kinds_ad("v-1", "UA-001-21-0002", slot, row.terms)
        with pytest.raises(DecryptionError):  # bound to its case
            keys[slot].sealer.open(sealed, other, "leak kinds")


@pytest.mark.parametrize(("size", "kind"), [(15, "name"), (16, "no such kind")])
def test_a_case_row_refuses_a_term_or_kind_the_index_cannot_hold(size: int, kind: str) -> None:
    key = _key("secret", 1)
    with pytest.raises(ValueError, match="leak"):
        leak_case_row("v", "c", LeakTerms([(key, b"t" * size, kind)], [], [key]))


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
        return {case for _, case in rows if case.startswith("UA-300-")}

    only_first, only_second = terms_of[0] - terms_of[1], terms_of[1] - terms_of[0]
    assert holders(only_second) == {"UA-300-26-001"}
    assert holders(only_first) == {"UA-300-26-002", "UA-300-26-009"}
    stored = v.store.leak_cases(["UA-300-26-001", "UA-300-26-002", "UA-300-26-009"])
    assert set(stored["UA-300-26-001"].term_list()) == terms_of[1]
    assert set(stored["UA-300-26-002"].term_list()) == terms_of[0]
    known = VaultKnownValues(v)
    hits = find_known("Write to Baurzhan Keldy, not to Orzu Tamsinova.", known)
    assert {h.info.kind for h in hits} == {"name"}
    owners = {c for t, cs in known.owners.items() for c in cs if c.startswith("UA-300-")}
    assert owners == {"UA-300-26-001", "UA-300-26-002", "UA-300-26-009"}


def test_rows_of_the_earlier_layout_are_found_until_their_case_is_saved_again(
    open_as: OpenAs,
) -> None:
    """A vault indexed before migration 0007 keeps its rows (a sealed kind each) in
    leak_terms_v1: a check still finds them, a damaged one is refused, and saving the case
    again moves it to the new layout."""
    from vault.services.leaks import case_leak_terms, store_leak_terms

    v = open_as("cara")
    terms = case_leak_terms(v, {"family_contacts": [{"name": "Orzu Tamsinova"}]})
    case_id = "UA-301-26-001"
    rows = [
        (
            term,
            case_id,
            key.sealer.seal(kind.encode().ljust(32, b"\0"), term_ad(v.vault_id, case_id, term)),
        )
        for key, term, kind in terms.terms
    ]
    conn = v.store._conn  # writing the earlier layout, as migration 0007 left it
    with v.store.write():
        conn.executemany("INSERT OR IGNORE INTO leak_terms_v1 VALUES (?,?,?)", rows)
    text = "Orzu Tamsinova called."
    known = VaultKnownValues(v)
    assert {h.info.kind for h in find_known(text, known)} == {"name"}
    assert any(case_id in cases for cases in known.owners.values())
    with v.store.write():
        conn.execute(
            "UPDATE leak_terms_v1 SET case_id = 'UA-061-21-001' WHERE case_id = ?", (case_id,)
        )
    with pytest.raises(IntegrityError, match="leak index of case UA-061-21-001 is damaged"):
        find_known(text, VaultKnownValues(v))
    with v.store.write():
        conn.execute(
            "UPDATE leak_terms_v1 SET case_id = ? WHERE case_id = 'UA-061-21-001'", (case_id,)
        )
        store_leak_terms(v, case_id, terms)
    assert conn.execute("SELECT count(*) FROM leak_terms_v1").fetchone()[0] == 0
    known = VaultKnownValues(v)
    assert {h.info.kind for h in find_known(text, known)} == {"name"}
    assert any(case_id in cases for cases in known.owners.values())


def test_a_part_of_an_id_number_counts_for_a_case_in_scope_only(open_as: OpenAs) -> None:
    """The last digits of an ID number (a window: "... the rest: 201909 4") are few enough that
    among a hundred thousand cases every six-digit number is some case's window — "2019-09", a
    month, refused a publication at 100,000 bench cases. A window counts for the cases a check is
    about; the whole number counts vault-wide."""
    from vault.services import cases

    v = open_as("cara")
    holder = "UA-300-26-777"
    cases.add_case(
        v,
        {
            "case_id": holder,
            "full_name": "Invented Holder",
            "id_numbers": [{"kind": "prc_resident_id", "value": "650402200012019094"}],
        },
    )
    month = "He has not been heard from since 2019-09."
    whole = "Her ID is 650402200012019094."
    with v.store.read():
        assert not find_known(month, about(v, "UA-061-21-004"))
        assert not find_known(month, VaultKnownValues(v))
        assert [h.info.kind for h in find_known(month, about(v, holder))] == ["id_number"]
        assert find_known(whole, about(v, "UA-061-21-004"))
        assert find_known(whole, VaultKnownValues(v))


@pytest.mark.parametrize(
    "text",
    ["Exhibit 230758 was filed.", "Objects 23 7 1958 were listed.", "See 58 07 23 and 4."],
)
def test_a_dates_short_digits_count_for_the_case_in_scope_only(open_as: OpenAs, text: str) -> None:
    """A date of birth's digits run together under eight digits, or its digit groups in any
    order, are a number any text holds: among a hundred thousand cases every such number is
    somebody's. They count for the case a check is about (its own draft: "born 180364"), never
    for another case (a PDF's offsets, "2 3 51", refused a publication at scale)."""
    from vault.services import cases

    v = open_as("cara")
    holder = "UA-300-26-778"
    cases.add_case(
        v, {"case_id": holder, "full_name": "Invented Holder", "date_of_birth": "1958-07-23"}
    )
    with v.store.read():
        assert not find_known(text, about(v, "UA-061-21-004"))
        assert not find_known(text, VaultKnownValues(v))
        mine = find_known(text, about(v, holder))
        assert mine and {h.info.kind for h in mine} == {"date_of_birth"}
        whole = find_known("Born 23.07.1958.", VaultKnownValues(v))  # a whole date: vault-wide
        assert whole


def test_a_check_that_forgets_its_lookups_still_finds_a_value_asked_again(
    open_as: OpenAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One VaultKnownValues checks every case of an import; it remembers a bounded number of
    lookups and then forgets them all. A text that makes it forget is checked whole: a value it
    had found before is found again, in that text and after it."""
    from vault.services import cases, leaks

    v = open_as("cara")
    contact = {"name": "Qorlan Emetbaqiy", "relation": "son"}
    cases.add_case(v, {"case_id": "UA-300-26-811", "family_contacts": [contact]})
    known = VaultKnownValues(v)
    leak = "We met Qorlan Emetbaqiy in May."
    more = leak + " Invented text about Zebulon Harrowgate."
    with v.store.read():
        assert {leak[h.start : h.end] for h in find_known(leak, known)} == {"Qorlan Emetbaqiy"}
        assert not find_known("An invented note on Xylophone Quartz.", known)
        assert "xylophone" in " ".join(known._memo)
        monkeypatch.setattr(leaks, "REMEMBERED_LOOKUPS", len(known._memo) + 1)
        # the leak's terms are remembered; the text's new ones are more than it may remember
        assert {more[h.start : h.end] for h in find_known(more, known)} == {"Qorlan Emetbaqiy"}
        asked = " ".join(known._memo)
        assert "harrowgate" in asked and "xylophone" not in asked  # forgot, then asked anew
        for n in range(6):  # other texts, each making it forget
            assert not find_known(f"Invented text number {n} about Zebulon{n} Harrowgate.", known)
        assert {leak[h.start : h.end] for h in find_known(leak, known)} == {"Qorlan Emetbaqiy"}


def test_a_public_field_check_asks_no_lowest_level_key_and_a_key_only_its_lengths(
    open_as: OpenAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check of public fields counts no lowest-level value, so it does not ask the index
    under that level's keys; and a run-together term is asked under a key only when that key's
    level holds a value of its length. What it finds above the lowest level is the same."""
    from vault.redact.entities import is_run_together, text_candidates
    from vault.services import cases, leaks

    v = open_as("cara")
    contact = {"name": "Qorlan Emetbaqiy", "relation": "son"}
    cases.add_case(
        v, {"case_id": "UA-300-26-812", "full_name": "Zarifa Tuyghun", "family_contacts": [contact]}
    )
    text = "Zarifa Tuyghun and her son Qorlan Emetbaqiy were seen in an invented town."
    asked: list[bytes] = []
    find = v.store.find_leak_terms

    def recording(terms: list[bytes], **kw: object) -> object:
        asked.extend(terms)
        return find(terms, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(v.store, "find_leak_terms", recording)
    lowest = v.policy.levels[0]
    with v.store.read():
        every = {
            (text[h.start : h.end], h.info.level) for h in find_known(text, VaultKnownValues(v))
        }
        assert ("Zarifa Tuyghun", lowest) in every  # her name, unpublished, at the lowest level
        asked.clear()
        above = VaultKnownValues(v, above_lowest=True)
        found = {(text[h.start : h.end], h.info.level) for h in find_known(text, above)}
    assert found == {(s, level) for s, level in every if level != lowest}
    assert any(s == "Qorlan Emetbaqiy" for s, _ in found)
    terms = {c.term for c in text_candidates(text)}
    keys = leaks.held_keys(v)
    stored = v.store.leak_lengths([k.slot for k in keys])
    skipped = kept = 0
    for key in keys:
        lengths = leaks.open_lengths(v, key, stored.get(key.slot))
        for term in terms:
            hashed = key.term(term)
            if key.level == lowest or (is_run_together(term) and len(term) not in lengths):
                assert hashed not in asked, (key.level, len(term))
                skipped += key.level != lowest
            elif is_run_together(term):
                assert hashed in asked
                kept += 1
    assert skipped and kept  # the text has run-together terms of both kinds


def test_asking_for_many_texts_at_once_leaves_out_what_a_check_leaves_out(
    open_as: OpenAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ask`` looks terms up ahead of the checks that will want them: a run-together term of a
    length no key holds is not asked (no check would ask it), every other term is, once."""
    from vault.redact.entities import is_run_together

    v = open_as("cara")
    known = VaultKnownValues(v)
    lengths = set(known.lengths())
    short = next(n for n in range(1, 64) if n not in lengths)
    unheld = "q" * short  # run together, of a length no level holds
    held = "q" * min(lengths)
    assert is_run_together(unheld) and is_run_together(held)
    asked: list[list[bytes]] = []
    find = v.store.find_leak_terms

    def recording(terms: list[bytes], **kw: Any) -> Any:
        asked.append(list(terms))
        return find(terms, **kw)

    monkeypatch.setattr(v.store, "find_leak_terms", recording)
    with v.store.read():
        known.ask([unheld, held, "~qq ww"])
        assert len(asked) == 1
        assert set(known._memo) == {held, "~qq ww"}
        known.lookup([held, "~qq ww"])
    assert len(asked) == 1  # remembered: not asked again


_AMONG = [
    "Nobody of the file is named here; the family asked for news in 2019.",
    "Qorlan Emetbaqiy was seen at the station.",
    "QORLAN, Emetbaqiy",
    "Emetbaqiy Qorlan",  # found by its sorted words alone
    "yiqabtemE nalroQ",  # backwards
    "Dbeyna Rzrgondvl",  # ROT13
    "Call him on 8 701 555 0199 after dark.",
    "Қорлан Еметбақий",
]


@pytest.mark.parametrize("text", _AMONG)
def test_a_check_given_a_texts_terms_alone_finds_what_its_candidates_find(text: str) -> None:
    """An import's writer gets each public text's candidate terms, not its candidates, and
    makes the candidates again only when the index holds one of them: the hits are the same."""
    from vault.redact.entities import (
        EntityInfo,
        TermSet,
        find_known_among,
        find_known_in,
        text_candidates,
    )

    known = TermSet()
    known.add_value("Qorlan Emetbaqiy", EntityInfo("name", "confidential"))
    known.add_value("+7 701 555 0199", EntityInfo("phone", "secret"))
    cands = text_candidates(text)
    expected = find_known_in(text, cands, known)
    assert find_known_among(text, {c.term for c in cands}, known) == expected
    assert bool(expected) == (text != _AMONG[0])  # every text but the first names a value


def test_a_check_given_a_texts_terms_makes_candidates_only_on_a_hit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from vault.redact import entities

    known = entities.TermSet()
    known.add_value("Qorlan Emetbaqiy", entities.EntityInfo("name", "confidential"))
    clean, leak = _AMONG[0], _AMONG[1]
    terms = {t: {c.term for c in entities.text_candidates(t)} for t in (clean, leak)}
    made: list[str] = []
    real = entities.text_candidates

    def counted(text: str, **kw: bool) -> list[entities.Candidate]:
        made.append(text)
        return real(text, **kw)

    monkeypatch.setattr(entities, "text_candidates", counted)
    assert entities.find_known_among(clean, terms[clean], known) == []
    assert made == []
    assert entities.find_known_among(leak, terms[leak], known)
    assert made == [leak]

    class Longer(entities.TermSet):  # an index of an earlier layout: terms of more lengths
        def lengths(self) -> set[int]:
            return super().lengths() | {entities.MAX_TERM + 8}

    longer = Longer(dict(known.items()))
    made.clear()
    assert entities.find_known_among(clean, terms[clean], longer) == []
    assert made == [clean]  # made again whole, for the lengths a text's terms lack


def test_an_own_check_keeps_every_candidate_term_of_each_public_text(open_as: OpenAs) -> None:
    """What the writer asks the index about is every term the text's candidates hold, so that
    a check from the terms alone misses nothing (:func:`find_known_among`)."""
    from vault.redact.entities import text_candidates
    from vault.services.public_fields import own_check

    v = open_as("cara")
    text = "Qorlan Emetbaqiy (b. 12.03.1984) called +7 701 555 0199; yiqabtemE nalroQ."
    own = own_check(v.policy, {"case_id": "UA-300-26-900", "public_summary": text})
    made = {c.term for c in text_candidates(text)}
    assert own.terms == {"public_summary": made}
    assert any(t.startswith("~") for t in made) and any(t.isdigit() for t in made)
