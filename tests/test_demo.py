"""The demo data: invented people, every script the issue asks for, valid check digits."""

from __future__ import annotations

import unicodedata

from vault.models.idnumbers import is_valid_kz_iin, is_valid_prc_resident_id
from vault.services import demo_data
from vault.services.demo_data import demo_cases


def _scripts(text: str) -> set[str]:
    out = set()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            out.add(name.split()[0])
    return out


def test_demo_has_64_distinct_cases_with_every_script() -> None:
    cases = demo_cases()
    assert len(cases) == 64
    assert len({c["case_id"] for c in cases}) == 64
    assert len({c["full_name"] for c in cases}) == 64
    scripts: set[str] = set()
    for c in cases:
        for v in c["name_variants"]:
            scripts |= _scripts(v)
    assert {"ARABIC", "CJK", "CYRILLIC", "LATIN"} <= scripts


def test_demo_names_come_only_from_the_invented_combinations() -> None:
    given = {
        n.latin
        for n in demo_data.UYGHUR_MALE
        + demo_data.UYGHUR_FEMALE
        + demo_data.KAZAKH_MALE
        + demo_data.KAZAKH_FEMALE
    }
    family = {n.latin for n in demo_data.UYGHUR_FAMILY + demo_data.KAZAKH_FAMILY}
    for c in demo_cases():
        first, last = c["full_name"].split()
        assert first in given and last in family
        for rel in c["family_contacts"]:
            assert rel["email"].endswith("@example.org")  # a reserved domain (RFC 2606)


def test_every_demo_id_number_has_a_valid_check_digit() -> None:
    checked = {"prc_resident_id": 0, "kz_iin": 0}
    for c in demo_cases():
        for ident in c["id_numbers"]:
            if ident["kind"] == "prc_resident_id":
                assert is_valid_prc_resident_id(ident["value"])
                assert ident["value"][6:14] == c["date_of_birth"].replace("-", "")
                checked["prc_resident_id"] += 1
            elif ident["kind"] == "kz_iin":
                assert is_valid_kz_iin(ident["value"])
                checked["kz_iin"] += 1
    assert checked["prc_resident_id"] == 64 and checked["kz_iin"] == 16


def test_check_digit_functions_reject_a_changed_digit() -> None:
    good = demo_cases()[0]["id_numbers"][0]["value"]
    bad = good[:5] + str((int(good[5]) + 1) % 10) + good[6:]
    assert is_valid_prc_resident_id(good) and not is_valid_prc_resident_id(bad)
    # GB 11643-1999 worked example: 11010519491231002X
    assert is_valid_prc_resident_id("11010519491231002X")
    assert not is_valid_prc_resident_id("110105194912310021")
