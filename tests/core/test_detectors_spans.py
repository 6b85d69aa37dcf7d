"""The pattern layer's exact spans (issue 22): each detector's (start, end, kind, reason) on what it
must find, what it must NOT find (near misses one character off), and the trimming of
punctuation, whitespace and unbalanced brackets at either end that :func:`detect` applies.

A detector that finds less than this lets an identifier through into a publication; one that
finds more redacts public facts. All numbers and handles are invented (the PRC ids and IINs are
made up with valid check digits)."""

from __future__ import annotations

import pytest

from vault.redact import detectors as det
from vault.redact.detectors import Finding

PRC_ID = "11010519491231002X"  # check digit X
PRC_ID_2 = "654201198303120615"
IIN = "830312311546"


def spans(found: list[Finding]) -> list[tuple[int, int, str]]:
    return sorted((f.start, f.end, f.kind) for f in found)


def texts(text: str, found: list[Finding]) -> list[str]:
    return [text[a:b] for a, b, _ in spans(found)]


# --- PRC resident ids -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"ID {PRC_ID}.", [(3, 21)]),
        (PRC_ID.lower(), [(0, 18)]),  # a lower-case check letter is the same id
        ("110105 19491231 002x", [(0, 20)]),
        ("654201-19830312-0615", [(0, 20)]),
        ("654201\u00a019830312\u00a00615", [(0, 20)]),
        (f"{PRC_ID} and {PRC_ID_2}", [(0, 18), (23, 41)]),
    ],
)
def test_prc_resident_id_spans(text: str, expected: list[tuple[int, int]]) -> None:
    found = det.prc_resident_ids(text)
    assert spans(found) == [(a, b, "id_number") for a, b in expected]
    assert {f.reason for f in found} == {"PRC resident id (check digit valid)"}


@pytest.mark.parametrize(
    "text",
    [
        "110105194912310021",  # wrong check digit
        "x11010519491231002X",  # a word character before
        "11010519491231002Xa",  # a word character after
        "911010519491231002X",  # a 19th digit before
        "1101051949123100",  # too short
        "654201  19830312 0615",  # two separators in a row
        "654201_19830312_0615",  # not a separator
        "65420119830312061X",  # an X where the check digit is a digit
    ],
)
def test_prc_resident_id_near_misses(text: str) -> None:
    assert det.prc_resident_ids(text) == []


def test_digits_keep_the_check_letter_upper_case() -> None:
    assert det._digits("110105 19491231-002x") == "11010519491231002X"
    assert det._digits("a1b2") == "12"


# --- Kazakhstan IINs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"IIN {IIN}, issued", [(4, 16)]),
        ("830312 311546", [(0, 13)]),
        ("830312-311546", [(0, 13)]),
    ],
)
def test_kz_iin_spans(text: str, expected: list[tuple[int, int]]) -> None:
    found = det.kz_iins(text)
    assert spans(found) == [(a, b, "id_number") for a, b in expected]
    assert {f.reason for f in found} == {"Kazakhstan IIN (check digit valid)"}


@pytest.mark.parametrize(
    "text",
    ["830312311547", "a830312311546", "8303123115460", "0830312311546", "83031231154"],
)
def test_kz_iin_near_misses(text: str) -> None:
    assert det.kz_iins(text) == []


# --- phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call 13800138000 now", [(5, 16)]),  # Chinese national form: only the CN region sees it
        ("call 8 701 662 5938 now", [(5, 19)]),  # Kazakh national form: only KZ sees it
        ("call +7 701 662 5938.", [(5, 20)]),  # both regions: one finding, not two
        ("+86 138 0013 8000 and +7 701 662 5938", [(0, 17), (22, 37)]),
        ("tel 8 (701) 662-59-38", [(4, 21), (6, 21)]),  # KZ and CN read it differently
    ],
)
def test_phone_spans(text: str, expected: list[tuple[int, int]]) -> None:
    found = det.phones(text)
    assert spans(found) == [(a, b, "phone") for a, b in expected]
    assert {f.reason for f in found} == {"phone number"}


@pytest.mark.parametrize("text", ["2017-05-14", "UA 061/21", "1204", "3.14159", "138 0013"])
def test_phone_near_misses(text: str) -> None:
    assert det.phones(f"Before {text} after.") == []


def test_phone_regions_are_china_and_kazakhstan() -> None:
    assert det.PHONE_REGIONS == ("CN", "KZ")


# --- e-mail addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Mail saule.t@example.org.", ["saule.t@example.org"]),
        ("Mail x (at) example (dot) org!", ["x (at) example (dot) org"]),
        ("Mail x[at]example[dot]org", ["x[at]example[dot]org"]),
        ("Mail x [at] mail [dot] example [dot] kz", ["x [at] mail [dot] example [dot] kz"]),
        ("Mail x(at)mail.example.kz", ["x(at)mail.example.kz"]),
        ("a.b+c-d@mail-x.example.net", ["a.b+c-d@mail-x.example.net"]),
        ("mail.x@a.b-c", ["mail.x@a.b-c"]),
        ("a@b.c_d", ["a@b.c_d"]),
        ("one@a.kz two@b.kz", ["one@a.kz", "two@b.kz"]),
    ],
)
def test_email_spans(text: str, found: list[str]) -> None:
    hits = det.emails(text)
    assert texts(text, hits) == found
    assert {(f.kind, f.reason) for f in hits} == {("email", "e-mail address")}


@pytest.mark.parametrize(
    "text",
    [
        "foo@bar",  # no dot in the domain
        "foo@bar.",
        "@x.org",  # no local part
        "user at home.org",  # "at" without brackets
        "x (at) home",
        "x (dot) home.org",
        "Kashgar.city",
    ],
)
def test_email_near_misses(text: str) -> None:
    assert det.emails(text) == []


# --- passports --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("E86072800", ["E86072800"]),
        ("EA1234567", ["EA1234567"]),
        ("EA12345678", ["EA12345678"]),
        ("E1234567", ["E1234567"]),
        ("G12345678", ["G12345678"]),
        ("A12345678", ["A12345678"]),
        ("A12345678 and G87654321", ["A12345678", "G87654321"]),
    ],
)
def test_passport_shape_spans(text: str, found: list[str]) -> None:
    hits = det.passports(text)
    assert texts(text, hits) == found
    assert {(f.kind, f.reason) for f in hits} == {("passport", "passport number")}


@pytest.mark.parametrize(
    "text",
    ["G1234567", "A1234567", "XE12345678", "E123456789", "e86072800", "E86072800x", "_E86072800"],
)
def test_passport_shape_near_misses(text: str) -> None:
    assert det.passports(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("passport no. X1234567", (13, 21)),
        ("Passport: AB123456.", (10, 18)),
        ("passeport numéro 12ab34", (17, 23)),
        ("Reisepass Nr. ZX99887", (14, 21)),
        ("PASSPORT NUMBER 1234567", (16, 23)),
        ("passport n° 12345678", (12, 20)),
        ("passport nr 12345678", (12, 20)),
        ("passport no 12345678", (12, 20)),
        ("pass 123456", (5, 11)),
        ("passport #A1234567x", (10, 19)),
        ("passport:\t123456789", (10, 19)),
    ],
)
def test_passport_after_the_word_spans(text: str, span: tuple[int, int]) -> None:
    hits = [f for f in det.passports(text) if f.reason == "passport number (after the word)"]
    assert [(f.start, f.end, f.kind) for f in hits] == [(*span, "passport")]


@pytest.mark.parametrize(
    "text",
    [
        "passport ABCDEFG",  # no digit
        "pass 12345",  # too short
        "passport 1234567890",  # too long
        "passport 12345678_",  # runs on into a word
        "passage 123456",
    ],
)
def test_passport_after_the_word_near_misses(text: str) -> None:
    assert det.passports(text) == []


# --- GPS coordinates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("at 39.4704, 75.9898 and", (3, 20)),  # the trailing space is in; detect() trims it
        ("at 39.4704,75.9898.", (3, 18)),
        ("39.4704 N, 75.9898 E", (0, 20)),
        ("39.4704°N 75.9898°E", (0, 19)),
        ("-12.3456 / 130.8456", (0, 19)),
        ("+12.345;-130.845", (0, 16)),
        ("90.000, 180.000", (0, 15)),  # the edges of the range are in it
        ("-90.000, -180.000", (0, 17)),
        ("5.1234, 45.67891x", (0, 16)),
        ("v1.234, 45.678", (1, 14)),
        ("39°28′N 75°59′E", (0, 15)),
        ("39°28'N", (0, 7)),
        ("39 ° 28 ′ 30.5 ″ N, 75°59'10\"E", (0, 30)),
        ("39°28′30″N 75°59′E", (0, 18)),
    ],
)
def test_gps_spans(text: str, span: tuple[int, int]) -> None:
    found = det.gps(text)
    assert [(f.start, f.end, f.kind, f.reason) for f in found] == [
        (*span, "gps", "GPS coordinates")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "90.001, 10.000",  # latitude out of range
        "-90.001, 10.000",
        "10.000, 180.001",  # longitude out of range
        "10.000, -180.001",
        "1.23, 4.567",  # too few decimals
        "1.234, 4.56",
        "123.456, 45.678",  # a latitude of three digits
        "5.1234, 45.678.9",  # runs on into another decimal
        "2.1.234, 45.678",
        "39°N",
        "2017.05",
    ],
)
def test_gps_near_misses(text: str) -> None:
    assert det.gps(text) == []


# --- dates of birth ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("born on 12 March 1983", "12 March 1983"),
        ("Born: 1983-03-12.", "1983-03-12"),
        ("born, 1983-03-12", "1983-03-12"),
        ("date of birth 12/03/1983", "12/03/1983"),
        ("DOB: 12.3.1983", "12.3.1983"),
        ("d.o.b. March 12, 1983", "March 12, 1983"),
        ("Born on March 12 1983", "March 12 1983"),
        ("née le 3 avril 1990", "3 avril 1990"),
        ("né 3 avril 1990", "3 avril 1990"),
        ("geboren am 12. März 1983", "12. März 1983"),
        ("Geburtsdatum 1983-03-12", "1983-03-12"),
        ("geb. 1.2.1983", "1.2.1983"),
        ("date de naissance: 12 juin 1983", "12 juin 1983"),
        ("born 1 December 1983", "1 December 1983"),
        ("né le 1 décembre 1983", "1 décembre 1983"),
        ("geboren 1. Dezember 1983", "1. Dezember 1983"),
        ("born August 9, 1983", "August 9, 1983"),
        ("né le 9 août 1983", "9 août 1983"),
    ],
)
def test_date_of_birth_spans(text: str, date: str) -> None:
    found = det.dates_of_birth(text)
    start = text.index(date)
    assert [(f.start, f.end, f.kind, f.reason) for f in found] == [
        (start, start + len(date), "date_of_birth", "date of birth")
    ]


@pytest.mark.parametrize(
    "month",
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
        "Januar",
        "Februar",
        "März",
        "Juni",
        "Juli",
        "Oktober",
        "Dezember",
    ],
)
def test_every_month_word_is_read_both_ways_round(month: str) -> None:
    for date in (f"3 {month} 1990", f"{month} 3, 1990"):
        text = f"born {date}."
        assert texts(text, det.dates_of_birth(text)) == [date]


@pytest.mark.parametrize(
    "text",
    [
        "reborn 1983-03-12",
        "stubborn 1983-03-12",
        "born in March 1983",
        "born 12 March 83",
        "DOBS 1983-03-12",
        "born 1983-3-12",
        "detained on 12 March 2018",
        "born 12 Marchx 1983",
    ],
)
def test_date_of_birth_near_misses(text: str) -> None:
    assert det.dates_of_birth(text) == []


# --- personal URLs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("See https://t.me/saule_t.", "https://t.me/saule_t."),
        ("facebook.com/nurlan.toqtar, then", "facebook.com/nurlan.toqtar,"),
        ("https://m.facebook.com/ab?x=1 ok", "https://m.facebook.com/ab?x=1"),
        ("http://www.facebook.com/ab", "http://www.facebook.com/ab"),
        ("x.com/@ab", "x.com/@ab"),
        ("X.COM/AB", "X.COM/AB"),
        ("linkedin.com/in/saule-t", "linkedin.com/in/saule-t"),
        ("github.com/ab/repo", "github.com/ab/repo"),
        ("tiktok.com/@ab", "tiktok.com/@ab"),
        ("youtube.com/@chan", "youtube.com/@chan"),
        ("weibo.com/12", "weibo.com/12"),
        ("douyin.com/ab", "douyin.com/ab"),
        ("t.me/ab", "t.me/ab"),
        ("telegram.me/ab", "telegram.me/ab"),
        ("instagram.com/ab", "instagram.com/ab"),
        ("fb.com/ab", "fb.com/ab"),
        ("twitter.com/ab", "twitter.com/ab"),
        ("vk.com/ab", "vk.com/ab"),
        ("(see vk.com/ab)", "vk.com/ab"),
        ("https://example.net/@nurlan!", "https://example.net/@nurlan!"),
        ("https://forum.example.org/user/aigul?", "https://forum.example.org/user/aigul?"),
        ("https://e.org/u/ab/x", "https://e.org/u/ab/x"),
        ("http://e.org/people/ab", "http://e.org/people/ab"),
        ("https://e.org/profile/ab", "https://e.org/profile/ab"),
        ("https://e.org/p?id=123&x=1;", "https://e.org/p?id=123&x=1;"),
        ("https://e.org/p?a=1&uid=ab", "https://e.org/p?a=1&uid=ab"),
        ("(https://e.org/p?user=ab)", "https://e.org/p?user=ab"),
    ],
)
def test_personal_url_spans(text: str, url: str) -> None:
    found = det.personal_urls(text)
    start = text.index(url)
    assert {(f.start, f.end, f.kind, f.reason) for f in found} == {
        (start, start + len(url), "url", "URL with a personal handle")
    }


@pytest.mark.parametrize(
    "text",
    [
        "https://www.amnesty.org/en/documents/",
        "https://e.org/report.pdf",
        "https://e.org/users/ab",
        "https://e.org/p?ids=1",
        "vk.com/a",  # a handle of one character
        "linkedin.com/saule",  # a company page, not a person's
        "vk.com",
        "facebook.org/ab",
    ],
)
def test_personal_url_near_misses(text: str) -> None:
    assert det.personal_urls(text) == []


# --- detect(): every detector, then trimming ---------------------------------------------------


def test_every_detector_is_registered_under_its_name() -> None:
    assert {
        "prc_resident_id": det.prc_resident_ids,
        "kz_iin": det.kz_iins,
        "phone": det.phones,
        "email": det.emails,
        "passport": det.passports,
        "gps": det.gps,
        "date_of_birth": det.dates_of_birth,
        "url": det.personal_urls,
    } == det.DETECTORS


def test_detect_runs_every_detector_in_order() -> None:
    text = f"{PRC_ID} {IIN} 13800138000 a@b.kz E86072800 39.4704, 75.9898 born 1983-03-12 t.me/ab"
    assert [(text[f.start : f.end], f.kind) for f in det.detect(text)] == [
        (PRC_ID, "id_number"),
        (IIN, "id_number"),
        ("13800138000", "phone"),
        ("a@b.kz", "email"),
        ("E86072800", "passport"),
        ("39.4704, 75.9898", "gps"),
        ("1983-03-12", "date_of_birth"),
        ("t.me/ab", "url"),
    ]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("See https://t.me/saule_t.", (4, 24)),  # trailing full stop
        ("facebook.com/nurlan.toqtar, then", (0, 26)),  # trailing comma
        ("https://example.net/@nurlan!", (0, 27)),
        ("https://forum.example.org/user/aigul?", (0, 36)),
        ("https://e.org/p?id=123&x=1;", (0, 26)),
        ("https://e.org/p?id=123&x=1:", (0, 26)),
        ("https://e.org/p?id=1.,;:!?", (0, 20)),  # a run of them
        ("at 39.4704, 75.9898 and", (3, 19)),  # trailing space
        ("(8 701 662 5938", (1, 15)),  # an unbalanced opening bracket
        ("x (701) 662-59-38", (2, 17)),  # a balanced pair stays
    ],
)
def test_detect_trims_what_ends_no_identifier(text: str, span: tuple[int, int]) -> None:
    assert [(f.start, f.end) for f in det.detect(text)] == [span]


def _f(start: int, end: int) -> Finding:
    return Finding(start, end, "k", "r")


@pytest.mark.parametrize(
    ("text", "start", "end", "trimmed"),
    [
        ("ab.", 0, 3, (0, 2)),
        ("ab ,\t", 0, 5, (0, 2)),
        ("ab!?", 0, 4, (0, 2)),
        ("a;b:", 0, 4, (0, 3)),  # only at the end
        ("(ab", 0, 3, (1, 3)),
        ("ab)", 0, 3, (0, 2)),
        ("(ab)", 0, 4, (0, 4)),  # balanced: kept
        ("(a)b", 0, 4, (0, 4)),
        ("a(b)", 0, 4, (0, 4)),
        ("(ab).", 0, 5, (0, 4)),  # the stop goes, the balanced pair stays
        ("(ab.", 0, 4, (1, 3)),
        ("ab).", 0, 4, (0, 2)),
        ("x(ab", 1, 4, (2, 4)),  # the span's own bracket, inside a longer text
        ("ab)x", 0, 3, (0, 2)),
        ("(ab)", 0, 3, (1, 3)),  # a ")" outside the span does not balance it
        ("(ab)", 1, 4, (1, 3)),
        ("...", 0, 3, (0, 0)),  # nothing left
        ("a .", 1, 3, (1, 1)),
        ("(", 0, 1, (1, 1)),
        (")", 0, 1, (0, 0)),
        ("ab", 0, 2, (0, 2)),
        ("ab", 1, 1, (1, 1)),
        ("..", 1, 1, (1, 1)),  # an empty span stays empty
        ("(", 0, 0, (0, 0)),
        (")", 1, 1, (1, 1)),
    ],
)
def test_trim(text: str, start: int, end: int, trimmed: tuple[int, int]) -> None:
    out = det._trim(text, Finding(start, end, "kind", "why"))
    assert (out.start, out.end, out.kind, out.reason) == (*trimmed, "kind", "why")


def test_detect_drops_findings_trimmed_to_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        det,
        "DETECTORS",
        {"a": lambda t: [_f(0, 1), _f(1, 3)], "b": lambda t: [_f(3, 4), _f(4, 5)]},
    )
    assert det.detect(".ab(x") == [_f(1, 3), _f(4, 5)]
    assert det.detect("....!") == []
