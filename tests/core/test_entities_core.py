"""Unit tests of vault.redact.entities (issue 22): which spans of a draft spell a case's known
values, and which must not. Each rule is pinned by the exact spans it finds, with near misses
that must NOT match, across Latin, Cyrillic, Uyghur Arabic and Chinese. Invented names only."""

from __future__ import annotations

from typing import Any

import pytest

from vault.models.case import ValueKind, ValueSource
from vault.redact import entities as E
from vault.redact.entities import (
    MAX_TERM,
    MIN_TERM,
    SORTED_PREFIX,
    Candidate,
    EntityInfo,
    Hit,
    TermSet,
    address_spellings,
    candidates,
    date_spellings,
    disguised_terms,
    email_spellings,
    find_known,
    find_known_each,
    is_placeholder,
    is_run_together,
    name_spellings,
    phone_candidates,
    phone_spellings,
    protected_values,
    value_terms,
)
from vault.redact.text import skeleton

NAME = EntityInfo("name", "restricted")
CODE = EntityInfo("codename", "confidential")
PHONE = EntityInfo("phone", "restricted")


def spans(text: str, known: Any, *, readings: bool = True) -> set[tuple[int, int, str, str]]:
    """Each distinct hit as (start, end, the text it covers, kind)."""
    hits = find_known_each([text], known, readings=readings)[0]
    return {(h.start, h.end, text[h.start : h.end], h.info.kind) for h in hits}


def covered(text: str, known: Any) -> set[str]:
    return {t for _, _, t, _ in spans(text, known)}


def terms_set(*terms: str, info: EntityInfo = NAME) -> TermSet:
    return TermSet(dict.fromkeys(terms, info))


# --- terms and the term set -------------------------------------------------------------------


def test_run_together_terms_are_neither_sorted_words_nor_readings() -> None:
    assert is_run_together("nurlanqasym")
    assert not is_run_together(SORTED_PREFIX + "nurlan qasym")
    assert not is_run_together("#name:nurlan")


def test_term_set_keeps_the_first_info_and_only_run_together_lengths() -> None:
    ts = TermSet({"abcd": NAME, "~ab cd": NAME, "#x:abcdefgh": NAME})
    assert ts.lengths() == {4}
    assert len(ts) == 3
    ts.lengths().add(99)  # a copy: the caller cannot change what is looked for
    assert ts.lengths() == {4}
    ts.add_value("Kerim Tash", CODE)
    assert ts.lookup(["kerimtash", "nothing", "abcd"]) == {"kerimtash": CODE, "abcd": NAME}
    assert 9 in ts.lengths()
    ts.add_value("Kerim Tash", NAME)  # a second info never replaces the first
    assert ts.lookup(["kerimtash"]) == {"kerimtash": CODE}
    assert TermSet().lengths() == set() and len(TermSet()) == 0
    assert TermSet(None).lookup(["abcd"]) == {}


def test_sorted_terms_do_not_add_lengths() -> None:
    ts = TermSet()
    ts.add_value("Ab Cd", NAME)  # terms "abcd", "~ab cd", "dcba", "nopq"
    assert ts.lengths() == {4}


def test_chinese_numbers() -> None:
    got = [E._cn_number(n) for n in (0, 1, 9, 10, 11, 19, 20, 21, 31)]
    assert got == ["", "一", "九", "十", "十一", "十九", "二十", "二十一", "三十一"]


def test_date_spellings_fixed_forms_first() -> None:
    got = date_spellings("1971-03-09")
    assert got[:12] == [
        "1971-03-09",
        "09.03.1971",
        "9.3.1971",
        "09/03/1971",
        "03/09/1971",
        "9 March 1971",
        "9. March 1971",
        "March 9, 1971",
        "9 mars 1971",
        "9. mars 1971",
        "9 März 1971",
        "9. März 1971",
    ]
    assert got[-4:] == ["一九七一年三月九日", "三月九日", "1971/03/09", "1971.03.09"]
    assert "1971/3/9" in got
    for cldr in (
        "Tuesday, March 9, 1971",
        "一九七一年三月九日",
        "三月九日",
        "9 марта 1971\u202fг.",
        "9 Mart 1971",
        "1971年3月9日",
        "9. März 1971",
        "mardi 9 mars 1971",
    ):
        assert cldr in got, cldr
    assert len(got) == len(set(got))


def test_date_spellings_of_a_day_no_calendar_has() -> None:
    assert date_spellings("1971-02-30") == [
        "1971-02-30",
        "30.02.1971",
        "30.2.1971",
        "30/02/1971",
        "02/30/1971",
        "30 February 1971",
        "30. February 1971",
        "February 30, 1971",
        "30 février 1971",
        "30. février 1971",
        "30 Februar 1971",
        "30. Februar 1971",
        "1971/02/30",
        "1971/2/30",
        "1971.02.30",
    ]
    assert date_spellings("9 March") == ["9 March"]
    assert date_spellings("1971-03-091") == ["1971-03-091"]
    assert date_spellings("x1971-03-09") == ["x1971-03-09"]


def test_date_patterns_hold_whole_dates_only() -> None:
    pats = E._date_patterns("en")
    assert pats == (
        "M/d/yy",
        "MMM d, y",
        "MMMM d, y",
        "EEEE, MMMM d, y",
        "M/d/y",
        "E, M/d/y",
        "E, MMM d, y",
        "MMM ddd, y",
        "E, MMM ddd, y",
        "MMMM ddd, y",
        "E, MMMM d, y",
        "E, MMMM ddd, y",
        "MMM d, ’yy",
    )
    assert len(pats) == len(set(pats))
    for p in pats:
        assert "y" in p and "d" in p and ("M" in p or "L" in p), p
        assert not set(p) & set("hHKkmsBb"), p
    assert "y" in "".join(E._date_patterns("zh"))


def test_cldr_dates_end_with_the_chinese_forms() -> None:
    import datetime

    got = E._cldr_dates(datetime.date(1984, 11, 25))
    assert got[-2:] == ["一九八四年十一月二十五日", "十一月二十五日"]
    assert "25/11/1984" in got  # fr short
    assert "25.11.84" in got  # de short


def test_phone_spellings() -> None:
    assert phone_spellings("+7 701 662 5938") == ["+7 701 662 5938", "+77016625938", "7016625938"]
    assert phone_spellings("not a phone") == ["not a phone"]
    assert phone_spellings("701 662 5938") == ["701 662 5938"]  # no region: unparsed


def test_email_spellings() -> None:
    got = email_spellings("a.b@mail.kz")
    assert got[:2] == ["a.b@mail.kz", "a.b"]
    # the two spellings of the local part come in either order (a set), then the plain one
    assert set(got[2:4]) == {"a.b at mail dot kz", "a dot b at mail dot kz"}
    assert got[4] == "a.b at mail.kz"
    assert len(got) == 2 + 3 * len(E.EMAIL_WORDS)
    for at, dot in E.EMAIL_WORDS:
        assert f"a {dot} b {at} mail {dot} kz" in got
        assert f"a.b {at} mail {dot} kz" in got
        assert f"a.b {at} mail.kz" in got
    assert email_spellings("nodomain") == ["nodomain", "nodomain"]
    assert email_spellings("x@") == ["x@", "x"]


def test_address_word_forms() -> None:
    assert E._address_word_forms("street") == ("street", "st", "str")
    assert E._address_word_forms("str") == ("street", "st", "str", "strasse")
    assert E._address_word_forms("main") == ("main",)
    assert E._address_word_forms("lindenstrasse") == (
        "lindenstrasse",
        "lindenstrasse",
        "lindenstr",
        "linden strasse",
        "linden str",
    )
    assert E._address_word_forms("abstr") == ("abstr",)  # stem of two letters: no compound
    assert E._address_word_forms("abcstr") == (
        "abcstr",
        "abcstrasse",
        "abcstr",
        "abc strasse",
        "abc str",
    )


def test_address_spellings() -> None:
    assert address_spellings("12 Main St, Almaty") == [
        "12 Main St, Almaty",
        "12 Main St",
        "12 main street",
        "12 main st",
        "12 main str",
        "main street 12",
        "main st 12",
        "main str 12",
        "12 main street, almaty",
        "12 main st, almaty",
        "12 main str, almaty",
        "main street 12, almaty",
        "main st 12, almaty",
        "main str 12, almaty",
        "almaty, 12 main street",
        "almaty, 12 main st",
        "almaty, 12 main str",
        "almaty, main street 12",
        "almaty, main st 12",
        "almaty, main str 12",
        "almaty",
    ]
    got = address_spellings("Abay Avenue 33")
    assert got[:7] == [
        "Abay Avenue 33",
        "abay avenue 33",
        "abay ave 33",
        "abay av 33",
        "33 abay avenue",
        "33 abay ave",
        "33 abay av",
    ]
    assert address_spellings("Almaty") == ["Almaty"]  # one word: too common alone


def test_address_spellings_three_parts_rotate_and_cut() -> None:
    assert address_spellings("Dostyk 5, Medeu district, Almaty") == [
        "Dostyk 5, Medeu district, Almaty",
        "Dostyk 5",
        "Medeu district",
        "dostyk 5",
        "5 dostyk",
        "medeu district",
        "dostyk 5, medeu district, almaty",
        "5 dostyk, medeu district, almaty",
        "dostyk 5, medeu district",
        "5 dostyk, medeu district",
        "medeu district, almaty, dostyk 5",
        "medeu district, almaty, 5 dostyk",
        "medeu district, almaty",
        "almaty, dostyk 5, medeu district",
        "almaty, 5 dostyk, medeu district",
        "almaty, dostyk 5",
        "almaty, 5 dostyk",
    ]


def test_address_spellings_cap_each_part_but_keep_every_word_form() -> None:
    got = address_spellings("1 street road, 2 avenue lane")
    assert len(got) == 112  # neither part alone: each is only house words and a number
    assert "1 str rd, 2 avenue lane" in got  # past the product's cap, beside the other as written
    assert "street road 1, 2 avenue lane" in got
    assert "1 str rd, 2 ave ln" not in got  # both changed, past the cap: not kept
    assert "2 avenue lane, road street 1" not in got  # words are not shuffled
    value = "1 Gul street road avenue boulevard lane square apartment, Almaty"
    got = address_spellings(value)
    # the part's capped forms, the part as written, and the city alone
    assert len([f for f in got if "," not in f]) == 2 * E.MAX_ADDRESS_FORMS // 2 + 2
    assert "1 gul street road avenue boulevard lane square flat" in got
    assert "1 gul st road avenue boulevard lane square apartment" not in got


def test_a_part_of_only_house_words_and_a_number_is_not_an_address_alone() -> None:
    """ "No. 2" names no place: a word processor's "List Number 2" style is not case
    UA-...'s address (found at scale: every small house number blocked every .docx). Beside
    the street or the city it still is."""
    got = {f.lower() for f in address_spellings("No. 2, Chinar Road, Kumul")}
    assert not got & {"no. 2", "no 2", "number 2", "2 number", "nr 2", "2 no", "numara 2"}
    assert {"chinar road", "no 2, chinar road", "kumul, no 2"} <= got
    known = TermSet()
    known.add_value("No. 2, Chinar Road, Kumul", EntityInfo("address", "confidential"))
    assert (
        find_known('<w:style w:styleId="ListNumber2"><w:name w:val="List Number 2"/>', known) == []
    )
    found = find_known("She lived at No. 2, Chinar Road.", known)
    assert found and {h.info.kind for h in found} == {"address"}
    flat = {f.lower() for f in address_spellings("Flat 7, 12 Bostan Street, Aksu")}
    assert not flat & {"flat 7", "7 flat", "apartment 7", "kv 7"}
    assert "flat 7, 12 bostan street" in flat


def test_name_spellings() -> None:
    assert name_spellings("Nurlan Toqtarovich Qasym") == [
        "Nurlan Toqtarovich Qasym",
        "nurlan toktarovich kasym",
        "nurlan toqtarovickh qasym",
        "nurlan toqtarovich qasim",
        "nurlan toqtarovych qasym",
        "nurlan toqtarovic qasym",
        "nurlan toqtaruly qasym",
        "nurlan toqtaruli qasym",
        "nurlan toqtarulu qasym",
        "nurlan toqtarugli qasym",
        "nurlan toqtarogli qasym",
        "nurlan toqtarevich qasym",
    ]
    assert name_spellings("Aigerim") == ["Aigerim"]
    assert name_spellings("阿依 古丽") == ["阿依 古丽"]
    assert name_spellings("Dana Bekkyzy") == [
        "Dana Bekkyzy",
        "dana beqqyzy",
        "dana bekkizi",
        "dana bekkizi",
        "dana bekqizi",
        "dana bekkyz",
        "dana bekovna",
        "dana bekevna",
    ]
    # an ending that is the whole word (or all but one letter) is no patronymic
    assert name_spellings("Aru Uly") == ["Aru Uly", "aru uli"]
    assert name_spellings("Aru Buly") == ["Aru Buly", "aru buli"]
    assert name_spellings("Aru Kuuly") == [
        "Aru Kuuly",
        "aru quuly",
        "aru kuuli",
        "aru kuuli",
        "aru kuulu",
        "aru kuugli",
        "aru kuogli",
        "aru kuovich",
        "aru kuevich",
    ]


def test_name_spellings_try_each_variant_across_the_name() -> None:
    assert name_spellings("Zhaqsy Wali") == [
        "Zhaqsy Wali",
        "zhaksy wali",
        "zkhaqsy wali",
        "jaqsy wali",
        "zhaqsi wali",
        "zhaqsy waly",
        "zhaqsy vali",
    ]


def test_value_spellings_by_kind() -> None:
    assert E._value_spellings("+7 701 662 5938", "phone")[1] == "+77016625938"
    assert E._value_spellings("a@b.kz", "email")[:2] == ["a@b.kz", "a"]
    assert E._value_spellings("1971-03-09", "date_of_birth")[1] == "09.03.1971"
    assert E._value_spellings("Abay Ave 3", "address")[0] == "Abay Ave 3"
    assert E._value_spellings("阿依·古丽", "name") == [
        "阿依·古丽",
        "a yi gu li",
        "ayiguli",
        "guli ayi",
        "ayi guli",
    ]
    assert E._value_spellings("阿依古丽", "name") == ["阿依古丽", "a yi gu li", "ayiguli"]
    assert E._value_spellings("Kerim Tash", "name") == [
        "Kerim Tash",
        "qerim tash",
        "kerim taskh",
        "kerym tash",
        "kerim tas",
    ]


def test_wordings_only_for_codenames_and_places() -> None:
    place = E._value_spellings("Nightingale", "place")
    code = E._value_spellings("Nightingale", "codename")
    name = E._value_spellings("Nightingale", "name")
    assert name == ["Nightingale"]
    assert place == code
    assert place == ["Nightingale", "Luscinia megarhynchos", "rossignol", "Nachtigall", "bülbül"]


def test_pinyin_drops_the_name_dot() -> None:
    assert E._pinyin("阿依·古丽") == "a yi gu li"
    assert E._pinyin("阿依・古丽") == "a yi gu li"


def test_value_terms_of_a_name() -> None:
    terms = value_terms("Nurlan Qasym", "name")
    for t in (
        "nurlanqasym",
        "nurlankasym",
        "nurlanqasim",
        "~nurlan qasym",
        "~kasym nurlan",
        "nuriankasyrn",  # the look-alike fold (rn for m, i for l)
        "~nurian qasyrn",
        "mysaqnalrun",  # backwards
        "aheynadnflz",  # rot13
    ):
        assert t in terms, t
    # a name of one word has no sorted-words term; of 4 words it has; of 5 it has not
    assert not any(t.startswith("~") for t in value_terms("Qasymbek", "name"))
    assert "~a bb cc dd" in value_terms("Bb Cc Dd A", "codename")
    assert not any(t.startswith("~") for t in value_terms("Aa Bb Cc Dd Ee", "codename"))


def test_value_terms_length_bounds() -> None:
    assert "abcd" in value_terms("Abcd", "codename")
    assert "abc" not in value_terms("Abc", "codename")
    long = "A" * MAX_TERM
    assert long.lower() in value_terms(long, "codename")
    assert "a" * (MAX_TERM + 1) not in value_terms("A" * (MAX_TERM + 1), "codename")
    assert MIN_TERM == 4 and MAX_TERM == 32


def test_value_terms_lookalike_only_for_lettered_kinds() -> None:
    assert "nuriankasyrn" in value_terms("Nurlan Kasym", "codename")
    assert "nuriankasyrn" in value_terms("Nurlan Kasym", "address")
    assert "nuriankasyrn" in value_terms("Nurlan Kasym", "email")
    assert "nuriankasyrn" not in value_terms("Nurlan Kasym", "place")
    assert "19711o12" not in value_terms("1971-10-12", "date_of_birth")


def test_disguised_terms() -> None:
    assert disguised_terms("Nurlan Qasym", "name") == {"mysaqnalrun", "aheynadnflz"}
    assert disguised_terms("Abba", "codename") == {"noon"}  # backwards it is itself
    assert disguised_terms("Abc", "name") == set()  # too short
    assert disguised_terms("Nurlan Qasym", "address") == set()
    assert disguised_terms("Nurlan Qasym", "date_of_birth") == set()
    for kind in ("name", "codename", "place", "email", "id_number", "phone"):
        assert disguised_terms("Kerim", kind) == {"mirek", "xrevz"}, kind
    long = "b" * MAX_TERM + "c"
    assert disguised_terms(long, "name") == set()


# --- candidates -------------------------------------------------------------------------------


def test_candidates_start_and_end_on_word_edges() -> None:
    t = "Nurlan Qasym, TOQTAR-Aigul."
    assert list(candidates(t, skeleton(t), [6, 11])) == [
        Candidate("nurlan", 0, 6),
        Candidate("nurlanqasym", 0, 12),
        Candidate("qasymtoqtar", 7, 20),
        Candidate("toqtar", 14, 20),
        Candidate("toqtaraigul", 14, 26),
        Candidate("~nurlan qasym", 0, 12),
        Candidate("~nurlan qasym toqtar", 0, 20),
        Candidate("~aigul nurlan qasym toqtar", 0, 26),
        Candidate("~qasym toqtar", 7, 20),
        Candidate("~aigul qasym toqtar", 7, 26),
        Candidate("~aigul toqtar", 14, 26),
    ]


def test_candidates_with_a_possessive_s() -> None:
    t = "Qasym's car"
    assert list(candidates(t, skeleton(t), [5, 6])) == [
        Candidate("qasym", 0, 5),
        Candidate("qasyms", 0, 7),
        Candidate("~qasym s", 0, 7),
        Candidate("~car qasym s", 0, 11),
        Candidate("~car s", 6, 11),
    ]
    t = "Qasymt car"  # a letter other than s after the value: no end there
    assert [c.term for c in candidates(t, skeleton(t), [5])] == ["~car qasymt"]
    t = "Qasymsa car"  # an s that does not end the word
    assert [c.term for c in candidates(t, skeleton(t), [5])] == ["~car qasymsa"]
    t = "Qasyms"  # the s at the very end
    assert [c.term for c in candidates(t, skeleton(t), [5, 6])] == ["qasym", "qasyms"]


def test_candidates_short_lengths_and_the_longest() -> None:
    t = "ab abc abcd abcdefgh"
    assert [c.term for c in candidates(t, skeleton(t), [2, 3])] == [
        "~ab abc",
        "~ab abc abcd",
        "~ab abc abcd abcdefgh",
        "~abc abcd",
        "~abc abcd abcdefgh",
        "~abcd abcdefgh",
    ]
    got = [(c.term, c.start, c.end) for c in candidates(t, skeleton(t), [4, 8])]
    assert got[:2] == [("abcd", 7, 11), ("abcdefgh", 12, 20)]
    assert ("~abc abcd", 3, 11) in got


def test_candidates_exact_run_together_lengths() -> None:
    t = "ab abc abcd abcdefgh"
    got = [
        (c.term, c.start, c.end)
        for c in candidates(t, skeleton(t), [4, 9, 12, 3])
        if c.term[0] != "~"
    ]
    assert got == [("ababcabcd", 0, 11), ("abcd", 7, 11), ("abcdabcdefgh", 7, 20)]
    # a term may be exactly as long as the longest wanted
    got = [c.term for c in candidates(t, skeleton(t), [8]) if c.term[0] != "~"]
    assert got == ["abcdefgh"]


def test_windows_stop_at_sentence_punctuation_and_long_gaps() -> None:
    def windows(t: str) -> list[str]:
        return [c.term for c in candidates(t, skeleton(t), []) if c.term.startswith("~")]

    assert windows("Aa Bb") == ["~aa bb"]
    assert windows("Aa, Bb") == ["~aa bb"]
    assert windows("Aa - Bb") == ["~aa bb"]
    assert windows("Aa\u2014Bb") == ["~aa bb"]
    assert windows("Aa\nBb") == ["~aa bb"]
    assert windows("Aa\u2019Bb") == ["~aa bb"]
    assert windows("Aa      Bb") == ["~aa bb"]  # six spaces
    assert windows("Aa       Bb") == []  # seven
    assert windows("Aa. Bb") == []
    assert windows("Aa (Bb)") == []
    assert windows("Aa; Bb") == []
    assert windows("Aa Bb. Cc Dd") == ["~aa bb", "~cc dd"]
    assert windows("Aa Bb Cc Dd Ee") == [
        "~aa bb",
        "~aa bb cc",
        "~aa bb cc dd",
        "~bb cc",
        "~bb cc dd",
        "~bb cc dd ee",
        "~cc dd",
        "~cc dd ee",
        "~dd ee",
    ]


def test_joinable() -> None:
    assert E._joinable("")
    assert E._joinable(" ,- ")
    assert E._joinable("\u00a0\u2010\u2011\u2012\u2013\t")
    assert E._joinable("\r\u2014'\u2019")
    assert not E._joinable(" . ")
    assert not E._joinable("/")
    assert not E._joinable(" " * 7)


def test_boundary_end() -> None:
    sk = skeleton("Qasym's")
    assert E._boundary_end(sk, 5)  # before the possessive s
    assert E._boundary_end(sk, 6)
    assert not E._boundary_end(sk, 4)
    sk = skeleton("Qasymx")
    assert not E._boundary_end(sk, 5)
    sk = skeleton("Qasyms")
    assert E._boundary_end(sk, 5)


def test_phone_candidates() -> None:
    text = "Call +7 (701) 662-5938 or (7016625938) now 123456"
    assert list(phone_candidates(text, [10, 11, 6])) == [
        Candidate("7016625938", 5, 22),
        Candidate("77016625938", 5, 22),
        Candidate("7016625938", 27, 37),
    ]
    assert list(phone_candidates("x(7016625938 y", [10])) == [Candidate("7016625938", 2, 12)]
    assert list(phone_candidates("x[7016625938] y", [10])) == [Candidate("7016625938", 2, 12)]
    assert list(phone_candidates("x [701]6625938 y", [10])) == [Candidate("7016625938", 2, 14)]
    assert list(phone_candidates("x [7016625938 y", [10])) == [Candidate("7016625938", 3, 13)]
    # glued to a word or a '+' of another run: no run starts there
    assert list(phone_candidates("a7016625938", [10])) == []
    # digits of another script read as digits
    assert list(phone_candidates("+٧٠١٦٦٢٥٩٣٨", [10])) == [Candidate("7016625938", 0, 11)]
    assert list(phone_candidates("tel:+77016625938", [10])) == [Candidate("7016625938", 0, 16)]
    assert list(phone_candidates("8~10 7 701", [7])) == [Candidate("8107701", 0, 10)]
    # fewer than 7 digits, or a wanted length under 7, or longer than the run: nothing
    assert list(phone_candidates("123 456", [6])) == []
    assert list(phone_candidates("1234567", [6, 7, 8])) == [Candidate("1234567", 0, 7)]
    assert list(phone_candidates("12345 6", [6, 7])) == []
    assert list(phone_candidates("123 4567", [7, 8])) == [Candidate("1234567", 0, 8)]
    assert list(phone_candidates("1234    567", [7])) == []  # four spaces break the run
    assert list(phone_candidates("1234   567", [7])) == [Candidate("1234567", 0, 10)]


# --- finding known values ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def case() -> TermSet:
    ts = TermSet()
    ts.add_value("Nurlan Qasym", NAME)
    ts.add_value("Айгерим Жаксыбекова", NAME)
    ts.add_value("نۇرمەمەت تۇرسۇن", NAME)
    ts.add_value("阿依古丽·吐尔逊", NAME)
    ts.add_value("Blue Heron", CODE)
    ts.add_value("+7 701 662 5938", PHONE)
    return ts


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Met Nurlan Qasym today.", {(4, 16, "Nurlan Qasym", "name")}),
        ("Met QASYM, Nurlan today.", {(4, 17, "QASYM, Nurlan", "name")}),
        ("nurlan-qasym", {(0, 12, "nurlan-qasym", "name")}),
        ("Nur lan Qasym", {(0, 13, "Nur lan Qasym", "name")}),
        ("Мы видели Айгерим Жаксыбекова.", {(10, 29, "Айгерим Жаксыбекова", "name")}),
        ("ئۇ نۇرمەمەت تۇرسۇن بىلەن", {(3, 18, "نۇرمەمەت تۇرسۇن", "name")}),
        ("我见到了阿依古丽·吐尔逊。", {(4, 12, "阿依古丽·吐尔逊", "name")}),
        ("ayiguli tuerxun said", {(0, 15, "ayiguli tuerxun", "name")}),
        ("Operation Blue Heron ran", {(10, 20, "Blue Heron", "codename")}),
        ("Operation blueheron ran", {(10, 19, "blueheron", "codename")}),
        ("Operation noreh eulb ran", {(10, 20, "noreh eulb", "codename")}),
        ("Nurlan Qasym St. x", {(0, 12, "Nurlan Qasym", "name")}),
        ("Qasym Nurlan's file", {(0, 14, "Qasym Nurlan's", "name")}),
        ("Nurlan Qasyms Akte", {(0, 13, "Nurlan Qasyms", "name")}),
    ],
)
def test_known_values_are_found_with_exact_spans(
    case: TermSet, text: str, found: set[tuple[int, int, str, str]]
) -> None:
    got = spans(text, case)
    assert found <= got
    longest = max(e - s for s, e, _, _ in found)
    assert all(e - s <= longest for s, e, _, _ in got)


@pytest.mark.parametrize(
    "text",
    [
        "Met Nurlanov Qasymbek.",
        "Met Nurlan.",
        "Qasym",
        "Aigerim Zhaksybekov met Blue Heronry",
        "Мы видели Айгерима.",
        "ئۇ نۇرمەمەت بىلەن",
        "阿依古",
        "The blue herring is a fish of the marshes? No: a grey one.",
        "call 8 701 662 5939 now",
        "Her number 7701 662 59388.",
    ],
)
def test_near_misses_are_not_found(case: TermSet, text: str) -> None:
    got = spans(text, case)
    assert not {(s, e, t, k) for s, e, t, k in got if k != "name" or len(t) > 8}, got


def test_near_misses_find_nothing_at_all(case: TermSet) -> None:
    for text in ("Met Nurlanov Qasymbek.", "call 8 701 662 5939 now", "Her 7701 662 59388."):
        assert spans(text, case) == set(), text


def test_a_phone_is_found_with_whatever_prefix_it_was_dialled_with(case: TermSet) -> None:
    assert spans("call 8 701 662 5938 now", case) == {
        (7, 19, "701 662 5938", "phone"),
        (5, 19, "8 701 662 5938", "phone"),
    }
    assert spans("dial +7 (701) 662-5938.", case) == {
        (5, 22, "+7 (701) 662-5938", "phone"),
        (6, 22, "7 (701) 662-5938", "phone"),
        (9, 22, "701) 662-5938", "phone"),
    }


def test_lookalike_letters_are_found(case: TermSet) -> None:
    text = "Met Nurlаn Qаsym."  # Cyrillic а
    assert (4, 16, "Nurlаn Qаsym", "name") in spans(text, case, readings=False)
    text = "Operation Вlue Неron"  # Cyrillic В and Н, е
    assert (10, 20, "Вlue Неron", "codename") in spans(text, case, readings=False)


def test_readings_off_finds_spellings_only() -> None:
    ts = terms_set("nurlanqasym")
    assert spans("x Nurlan Qasym y", ts, readings=False) == {(2, 14, "Nurlan Qasym", "name")}
    encoded = "x N&#117;rlan Qasym y"  # a character reference: read only with readings on
    assert spans(encoded, ts, readings=False) == set()
    assert spans(encoded, ts, readings=True) == {(2, 19, "N&#117;rlan Qasym", "name")}


def test_find_known_each_keeps_texts_apart() -> None:
    ts = terms_set("nurlanqasym")
    got = find_known_each(["Nurlan", "Qasym", "Nurlan Qasym"], ts)
    assert got[0] == [] and got[1] == []
    assert {(h.start, h.end) for h in got[2]} == {(0, 12)}
    assert find_known("Nurlan Qasym.", ts)[0] == Hit(0, 12, NAME)
    assert find_known_each([], ts) == []


def test_a_lookalike_only_text_is_read_with_the_lookalike_fold() -> None:
    # "раураl" in Cyrillic letters: its ordinary fold is "raural", its look-alike fold "paypai"
    ts = terms_set("paypai")
    assert spans("x раураl y", ts, readings=False) == {(2, 8, "раураl", "name")}
    assert spans("x paypal y", ts, readings=False) == set()  # l is not i in ASCII text


def test_abbreviation_full_stop_joins_the_hit() -> None:
    assert E._abbreviation_end("Zhibek Zholy St. x", 15) == 16
    assert E._abbreviation_end("1987 г. x", 6) == 7
    assert E._abbreviation_end("abcd. x", 4) == 4  # four letters: a sentence's full stop
    assert E._abbreviation_end("ab.", 2) == 3
    assert E._abbreviation_end("x.ab.", 4) == 5
    assert E._abbreviation_end("a1b.", 3) == 3
    assert E._abbreviation_end("12.", 2) == 2  # no letter before it
    assert E._abbreviation_end("ab", 2) == 2
    assert E._abbreviation_end("ab,", 2) == 2
    assert E._abbreviation_end("abc.", 3) == 4
    ts = terms_set("zholyst")
    assert spans("On Zholy St. there", ts, readings=False) == {(3, 12, "Zholy St.", "name")}


# --- protected values -------------------------------------------------------------------------


def _sources() -> dict[str, ValueSource]:
    return {
        "full_name": ValueSource("restricted", ((None, ValueKind.SUBJECT_NAME),)),
        "aliases": ValueSource("restricted", (("aliases", ValueKind.SUBJECT_NAME),)),
        "relatives": ValueSource(
            "confidential", (("name", ValueKind.NAME), ("phone", ValueKind.PHONE))
        ),
        "district": ValueSource("public", ((None, ValueKind.PLACE),)),
        "codename": ValueSource("confidential", ((None, ValueKind.CODENAME),)),
    }


def test_protected_values() -> None:
    record = {
        "full_name": "Nurlan Qasym",
        "aliases": [{"aliases": "Nuri; Qasymjan;  ; unknown"}],
        "relatives": [
            {"name": "Dana Qasym", "phone": "+7 701 662 5938"},
            {"name": "n/a", "phone": "@danaq"},
            {"name": 7, "phone": None},
        ],
        "district": "Medeu",
        "codename": "  Blue Heron  ",
    }
    got = protected_values(record, _sources(), "public", name_is_public=False)
    assert got == [
        ("Nurlan Qasym", EntityInfo("name", "restricted")),
        ("Nuri", EntityInfo("name", "restricted")),
        ("Qasymjan", EntityInfo("name", "restricted")),
        ("Dana Qasym", EntityInfo("name", "confidential")),
        ("+7 701 662 5938", EntityInfo("phone", "confidential")),
        ("@danaq", EntityInfo("name", "confidential")),
        ("Blue Heron", EntityInfo("codename", "confidential")),
    ]
    public = protected_values(record, _sources(), "public", name_is_public=True)
    assert public == got[3:]
    # the lowest level is "confidential" now: only the subject's own names stay protected
    low = protected_values(record, _sources(), "confidential", name_is_public=False)
    assert low == [*got[:3], ("Medeu", EntityInfo("place", "public"))]
    assert protected_values({}, _sources(), "public", name_is_public=False) == []


def test_aliases_split_only_in_the_aliases_part() -> None:
    sources = {"note": ValueSource("restricted", (("name", ValueKind.NAME),))}
    got = protected_values({"note": {"name": "A; B"}}, sources, "public", name_is_public=False)
    assert got == [("A; B", EntityInfo("name", "restricted"))]


def test_entity_kind() -> None:
    assert E._entity_kind(ValueKind.SUBJECT_NAME, "x") == "name"
    assert E._entity_kind(ValueKind.PHONE, "+7 701 662") == "phone"
    assert E._entity_kind(ValueKind.PHONE, "+7 701 66") == "name"
    assert E._entity_kind(ValueKind.PHONE, "@h1234567") == "phone"
    assert E._entity_kind(ValueKind.PLACE, "12") == "place"


def test_placeholders() -> None:
    for p in ("unknown", "N/A", "Not known", "  ", "", "неизвестно", "未知", "—", "Keine Angabe"):
        assert is_placeholder(p), p
    for v in ("Nurlan", "unknowns", "n/a 5", "Nil Qasym"):
        assert not is_placeholder(v), v


def test_chinese_given_and_family_names_split_on_any_name_dot_or_space() -> None:
    assert E._value_spellings("阿依 古丽", "name")[-2:] == ["guli ayi", "ayi guli"]
    assert E._value_spellings("阿依•古丽", "name")[-2:] == ["guli ayi", "ayi guli"]
    assert E._value_spellings("阿依・古丽", "name")[-2:] == ["guli ayi", "ayi guli"]
    # three parts: no family-given order to swap
    assert E._value_spellings("阿 依 古", "name") == ["阿 依 古", "a yi gu", "ayigu"]
    terms = value_terms("阿依·古丽", "name")
    assert {"ayiguli", "guliayi", "~ayi guli", "~a gu li yi"} <= terms


def test_protected_values_go_on_past_what_they_skip() -> None:
    """A skipped field, part or item never ends the search: what follows it is still found."""
    sources = {
        "missing": ValueSource("restricted", ((None, ValueKind.NAME),)),
        "person": ValueSource(
            "restricted",
            (("subject", ValueKind.SUBJECT_NAME), ("friend", ValueKind.NAME)),
        ),
        "low": ValueSource("public", (("note", ValueKind.NAME), ("own", ValueKind.SUBJECT_NAME))),
        "list": ValueSource("confidential", (("name", ValueKind.NAME),)),
        "plain": ValueSource("confidential", (("name", ValueKind.NAME),)),
    }
    record = {
        "person": {"subject": "Nurlan Qasym", "friend": "Dana Bek"},
        "low": {"note": "Medeu", "own": "Nuri Qasym"},
        "list": [{"name": 7}, {"name": "Aru Tash"}, "not a dict"],
        "plain": "Kerim Tash",
    }
    got = protected_values(record, sources, "public", name_is_public=True)
    assert got == [
        ("Dana Bek", EntityInfo("name", "restricted")),
        ("Aru Tash", EntityInfo("name", "confidential")),
        ("not a dict", EntityInfo("name", "confidential")),
        ("Kerim Tash", EntityInfo("name", "confidential")),
    ]
    got = protected_values(record, sources, "public", name_is_public=False)
    assert got == [
        ("Nurlan Qasym", EntityInfo("name", "restricted")),
        ("Dana Bek", EntityInfo("name", "restricted")),
        ("Nuri Qasym", EntityInfo("name", "public")),
        ("Aru Tash", EntityInfo("name", "confidential")),
        ("not a dict", EntityInfo("name", "confidential")),
        ("Kerim Tash", EntityInfo("name", "confidential")),
    ]


def test_a_part_of_two_words_moves_its_number() -> None:
    assert address_spellings("12 Abay, Almaty")[:4] == [
        "12 Abay, Almaty",
        "12 Abay",
        "12 abay",
        "abay 12",
    ]
    assert address_spellings("Abay 12, Almaty")[:4] == [
        "Abay 12, Almaty",
        "Abay 12",
        "abay 12",
        "12 abay",
    ]
    assert "abay 12, almaty" in address_spellings("12 Abay, Almaty")


def test_abbreviation_edges() -> None:
    assert E._abbreviation_end("ab. xy", 2) == 3  # the abbreviation opens the text
    assert E._abbreviation_end("abc. xy", 3) == 4  # its own letters only
    assert E._abbreviation_end("St. x", 2) == 3
    assert E._abbreviation_end("1ab.", 3) == 3  # glued to a digit: no abbreviation
    assert E._abbreviation_end("Heron\u2122.", 6) == 6  # no letter before the full stop


def test_value_terms_follow_the_kind() -> None:
    assert "09031971" in value_terms("1971-03-09", "date_of_birth")
    assert "7016625938" in value_terms("+7 701 662 5938", "phone")
    assert "abay12" in value_terms("12 Abay, Almaty", "address")
    assert E._value_spellings("12 Abay, Almaty", "address") == address_spellings("12 Abay, Almaty")


def test_disguised_terms_up_to_the_longest_term() -> None:
    value = "b" * (MAX_TERM - 1) + "c"
    assert disguised_terms(value, "name") == {
        "c" + "b" * (MAX_TERM - 1),
        "o" * (MAX_TERM - 1) + "p",
    }


def test_pinyin_keeps_what_is_not_chinese() -> None:
    assert E._pinyin("阿依X") == "a yi X"


def test_candidates_of_a_text_with_no_letters() -> None:
    assert list(candidates("...", skeleton("..."), [4])) == []
    assert list(candidates("", skeleton(""), [4])) == []


def test_phone_candidates_edges() -> None:
    # a run too short to be a phone does not end the search
    assert list(phone_candidates("room 12 call 7016625938", [10])) == [
        Candidate("7016625938", 13, 23)
    ]
    # an opening bracket with its closing one inside the run stays in the hit
    assert list(phone_candidates("call (701) 662-5938", [10])) == [Candidate("7016625938", 5, 19)]


def test_terms_remembered_reads_a_value_once_and_forgets_it_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Writing a case reads its values twice (public-field check, leak index): inside the block
    the second read is remembered, gives the same terms, and each caller gets its own set."""
    calls: list[tuple[str, str]] = []
    real = E._value_spellings

    def counted(value: str, kind: str) -> list[str]:
        calls.append((value, kind))
        return real(value, kind)

    codename_terms = E.value_terms("Tamsin Orvell", "codename")  # read before counting
    monkeypatch.setattr(E, "_value_spellings", counted)
    plain = E.value_terms("Tamsin Orvell", "name")
    assert len(calls) == 1
    with E.terms_remembered():
        first = E.value_terms("Tamsin Orvell", "name")
        first.add("not a term")
        second = E.value_terms("Tamsin Orvell", "name")
        other_kind = E.value_terms("Tamsin Orvell", "codename")
        third = E.value_terms("Tamsin Orvell", "name")
    assert len(calls) == 3  # one more read for the name, one for the codename
    assert second == third == plain and "not a term" not in third
    assert other_kind == codename_terms
    E.value_terms("Tamsin Orvell", "name")
    assert len(calls) == 4  # outside the block nothing is remembered


def test_terms_remembered_forgets_even_when_the_block_fails() -> None:
    with pytest.raises(ValueError, match=r"^stop$"), E.terms_remembered():
        E.value_terms("Ilse Marwood", "name")
        raise ValueError("stop")
    assert E._REMEMBERED.get() is None


def test_cldr_dates_are_what_babels_format_date_writes() -> None:
    """The patterns are parsed once (a date of birth is written in each for every case): the
    strings are format_date's, for dates across the calendar."""
    import datetime

    from babel.dates import format_date

    for d in (datetime.date(1931, 2, 28), datetime.date(1984, 11, 25), datetime.date(2004, 7, 4)):
        want = [
            format_date(d, p, locale=locale)
            for locale in E.DATE_LOCALES
            for p in E._date_patterns(locale)
        ]
        assert E._cldr_dates(d)[:-2] == want


def test_a_term_set_keeps_the_first_values_info_and_every_run_together_length():
    """A term two values share keeps the first value's kind and level (the own check names the
    first); the lengths are those of every value's run-together terms, and only those."""
    known = TermSet()
    known.add_value("Nurlan Qasym", EntityInfo("name", "restricted"))
    known.add_value("Qasym Nurlan", EntityInfo("codename", "secret"))  # the same words
    shared = value_terms("Nurlan Qasym", "name") & value_terms("Qasym Nurlan", "codename")
    assert "~nurlan qasym" in shared
    found = known.lookup(shared)
    assert found and all(info == EntityInfo("name", "restricted") for info in found.values())
    later = value_terms("Qasym Nurlan", "codename") - value_terms("Nurlan Qasym", "name")
    assert later and all(
        info == EntityInfo("codename", "secret") for info in known.lookup(later).values()
    )
    known.add_value("+7 701 387 3893", PHONE)  # lengths of its own: each value's are kept
    every = (
        value_terms("Nurlan Qasym", "name")
        | value_terms("Qasym Nurlan", "codename")
        | value_terms("+7 701 387 3893", "phone")
    )
    first = {len(t) for t in value_terms("Nurlan Qasym", "name") if is_run_together(t)}
    last = {len(t) for t in value_terms("+7 701 387 3893", "phone") if is_run_together(t)}
    assert first - last and last - first  # neither value's lengths hold the other's
    assert known.lengths() == {len(t) for t in every if is_run_together(t)}
    assert len(known) == len(every)
