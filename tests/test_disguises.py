"""Reading a text as it is displayed and undoing the disguises any reader undoes (commit
d519a61): :func:`vault.redact.readings.displayed` (markup, character references, a
right-to-left override, letters spelled one by one), :mod:`vault.redact.disguises` (leetspeak,
Base64, percent and ``\\u`` escapes) and the known-entity layer finding a protected value written
in any of these ways, or backwards, or in ROT13. Each reading is tested with what it must catch
and with what it must leave alone. All names, codenames and places are invented."""

from __future__ import annotations

import base64
import codecs

import pytest

from vault.redact.disguises import decoded_pieces, disguised_views
from vault.redact.engine import RedactionResult, redact
from vault.redact.entities import EntityInfo, TermSet
from vault.redact.readings import differs, displayed, is_plain, normalised

RLO, PDF = "\u202e", "\u202c"
STROKE = "\u0336"

NAME = "Parhat Tursun"  # invented
OTHER_NAME = "Tamerlan Oskonbaev"  # invented
CODENAME = "Silverfox"  # invented
PLACE = "Kyzylzhar"  # invented village


def _known() -> TermSet:
    known = TermSet()
    known.add_value(NAME, EntityInfo("name", "confidential"))
    known.add_value(OTHER_NAME, EntityInfo("name", "confidential"))
    known.add_value(CODENAME, EntityInfo("codename", "confidential"))
    known.add_value(PLACE, EntityInfo("place", "restricted"))
    return known


KNOWN = _known()


def _redact(text: str) -> RedactionResult:
    return redact(text, lang="en", known=KNOWN)


def _redacted(text: str) -> list[str]:
    """The source text of every redaction."""
    return [text[r.start : r.end] for r in _redact(text).redactions]


def _b64(s: str) -> str:
    return base64.b64encode(s.encode("utf-8")).decode("ascii")


def _struck(s: str) -> str:
    return "".join(c + STROKE if c != " " else c for c in s)


# --- displayed: markup and character references ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Par<b>hat</b> Tursun", "Parhat Tursun"),
        ('<span class="x">Aygul</span> Serikova', "Aygul Serikova"),
        ("Ay<!-- note to self -->gul", "Aygul"),
        ("line<br/>break", "linebreak"),
        ("&#80;arhat", "Parhat"),  # decimal
        ("&#x50;arhat &#X54;ursun", "Parhat Tursun"),  # hex, either case of x
        ("L&eacute;opard &amp; Co", "Léopard & Co"),  # named
    ],
)
def test_markup_and_references_are_read_as_displayed(text: str, shown: str) -> None:
    assert displayed(text).text == shown
    assert differs(text)


@pytest.mark.parametrize(
    "text",
    [
        "a < b and c > d",  # comparisons, no tag
        "5 < 7 > 2",
        "&zzqx; stays",  # an unknown named reference
        "&Tursun; stays",
        "R&D and AT&T",  # ampersands that start no reference
        "&#99999999; too long",  # too many digits to be a reference
    ],
)
def test_text_that_is_no_markup_is_left_alone(text: str) -> None:
    assert displayed(text).text == text


@pytest.mark.parametrize("ref", ["&#xD800;", "&#55296;", "&#x110000;"])
def test_a_surrogate_or_out_of_range_reference_stays_as_written(ref: str) -> None:
    assert displayed(f"x{ref}y").text == f"x{ref}y"


def test_a_reference_maps_back_to_the_whole_reference() -> None:
    text = "He met &#80;arhat."
    norm = displayed(text)
    a = norm.text.index("Parhat")
    assert norm.span(a, a + 1) == (7, 12)  # "P" came from "&#80;"
    s, e = norm.span(a, a + len("Parhat"))
    assert text[s:e] == "&#80;arhat"


def test_a_tag_inside_a_word_is_covered_by_the_span_of_the_word() -> None:
    text = "Par<b>hat</b> Tursun"
    norm = displayed(text)
    assert norm.span(0, len(norm.text)) == (0, len(text))
    s, e = norm.span(0, len("Parhat"))
    assert text[s:e] == "Par<b>hat"


# --- displayed: right-to-left override ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"call {RLO}nusruT tahraP{PDF} now", "call Parhat Tursun now"),
        (f"call {RLO}nusruT tahraP", "call Parhat Tursun"),  # to the end of the text
        (f"one {RLO}lugyA\ntwo lines", "one Aygul\ntwo lines"),  # to the end of the line
    ],
)
def test_a_right_to_left_override_is_read_in_display_order(text: str, shown: str) -> None:
    assert displayed(text).text == shown
    assert differs(text)


def test_a_reversed_run_maps_back_to_the_characters_it_was_written_with() -> None:
    text = f"call {RLO}nusruT tahraP{PDF} now"
    norm = displayed(text)
    a = norm.text.index("Parhat")
    s, e = norm.span(a, a + len("Parhat"))
    assert text[s:e] == "tahraP"
    s, e = norm.span(a, a + len("Parhat Tursun"))
    assert text[s:e] == "nusruT tahraP"
    # text after the pop is in its own place again
    b = norm.text.index("now")
    assert norm.span(b, b + 3) == (text.index("now"), text.index("now") + 3)


def test_text_before_an_override_is_not_reversed() -> None:
    text = f"Almaty {RLO}xyz"
    assert displayed(text).text == "Almaty zyx"


# --- displayed: letters spelled one by one ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("A-y-g-u-l", "Aygul"),
        ("L.é.o.p.a.r.d", "Léopard"),
        ("N u r b e k", "Nurbek"),  # four letters or more with spaces
        ("K_a_z_y_b_e_k", "Kazybek"),
        ("he met A-y-g-u-l there", "he met Aygul there"),
    ],
)
def test_letters_spelled_one_by_one_are_run_together(text: str, shown: str) -> None:
    assert displayed(text).text == shown
    assert differs(text)


def test_spelled_letters_map_back_to_each_letter() -> None:
    text = "he met A-y-g-u-l there"
    norm = displayed(text)
    a = norm.text.index("Aygul")
    s, e = norm.span(a, a + 5)
    assert text[s:e] == "A-y-g-u-l"


@pytest.mark.parametrize(
    "text",
    [
        "3-2-1104",  # a Japanese address number
        "1.2.2023",  # a date
        "A. Tursunova",  # an initial
        "a b c",  # three letters with spaces: too few
        "no-go-zone",  # hyphenated words
        "e.g. this",
        "mixed A-b.c-d",  # not the same separator throughout
    ],
)
def test_what_is_not_spelled_letter_by_letter_keeps_its_shape(text: str) -> None:
    assert displayed(text).text == text


# --- is_plain ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "He was taken from his workshop on 12 March 2018.",
        "Aygul Serikova, 3-2-1104, 1.2.2023",
        "A. Tursunova lives in Almaty.",
        "",
    ],
)
def test_plain_text_is_plain(text: str) -> None:
    assert is_plain(text)
    assert normalised(text).text == text
    assert not differs(text)


@pytest.mark.parametrize(
    "text",
    [
        "Par<b>hat</b>",
        "&#80;arhat",
        f"x {RLO}abc",
        "A-y-g-u-l",
        "Ｐａｒｈａｔ",  # fullwidth: NFKC changes it
        "Par\u200bhat",  # zero-width space
    ],
)
def test_text_normalised_would_change_is_not_plain(text: str) -> None:
    assert displayed(text).text != text
    if normalised(text).text != text:  # what is written changes only for NFKC and invisibles
        assert not is_plain(text)
    else:
        assert differs(text)  # markup, references, an override, spelled letters: read twice


def test_a_struck_through_word_is_not_plain() -> None:
    text = _struck("Gulnara")
    assert normalised(text).text == "Gulnara"
    assert not is_plain(text)


# --- disguised views: leetspeak -----------------------------------------------------------------


def test_a_word_mixing_letters_and_digits_gets_a_leetspeak_view() -> None:
    text = "Call P4rh4t T0r5un today"
    views = disguised_views(text)
    assert len(views) == 1
    (view,) = views
    assert view.text == "Call Parhat Torsun today"
    # same places: each character maps to itself
    a = view.text.index("Parhat")
    assert view.span(a, a + 6) == (a, a + 6)


@pytest.mark.parametrize(
    "text",
    [
        "Call Parhat Tursun today",  # no digits in a word
        "Room 101 at noon",  # digits alone
        "It was 1995 and 12 of them left",
        "see B1 and 2B",  # too short to be a word in disguise
    ],
)
def test_a_text_with_no_mixed_word_gets_no_leetspeak_view(text: str) -> None:
    assert disguised_views(text) == ()


# --- disguised views: encoded runs ---------------------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        _b64(NAME),
        _b64("Айгуль"),  # UTF-8 beyond ASCII
        "%50%61%72%68%61%74",  # percent-escapes
        "%D0%90%D0%B9%D0%B3%D1%83%D0%BB%D1%8C",
        "\\u0050\\u0061\\u0072\\u0068\\u0061\\u0074",  # \u escapes
    ],
)
def test_an_encoded_run_gets_a_decoded_view_mapped_to_the_whole_run(encoded: str) -> None:
    text = f"He wrote {encoded} on the wall."
    start, end = text.index(encoded), text.index(encoded) + len(encoded)
    decoded = [v for v in disguised_views(text) if "wrote" not in v.text]
    assert len(decoded) == 1
    view = decoded[0]
    assert view.text in (NAME, "Айгуль", "Parhat")
    # every decoded character, and any piece of them, maps back to the whole encoded run
    assert view.span(0, len(view.text)) == (start, end)
    assert view.span(1, 2) == (start, end)
    assert list(decoded_pieces(text)) == [(view.text, start, end)]


def test_two_encoded_runs_are_decoded_one_per_line() -> None:
    first, second = _b64("Parhat"), "%54%75%72%73%75%6E"
    text = f"{first} and {second}"
    (view,) = [v for v in disguised_views(text) if "and" not in v.text]
    assert view.text == "Parhat\nTursun"
    assert view.span(0, 6) == (0, len(first))
    b = text.index(second)
    assert view.span(7, 13) == (b, b + len(second))


@pytest.mark.parametrize(
    "raw",
    [
        bytes(range(12)),  # control characters
        b"\x01\x02abcdef\x03",  # letters among control characters
        bytes([0xFF, 0xFE, 0xC0, 0xAF, 0x80, 0x81]),  # no UTF-8
        b"12345678",  # printable, but no letter
    ],
)
def test_base64_that_decodes_to_no_readable_text_gets_no_decoded_view(raw: bytes) -> None:
    run = base64.b64encode(raw).decode("ascii")
    text = f"token {run} here"
    assert list(decoded_pieces(text)) == []
    # a leetspeak view may be made of the same text (it mixes letters and digits), but no view
    # holds anything decoded: each keeps the text's own length and places
    for view in disguised_views(text):
        assert len(view.text) == len(text)


@pytest.mark.parametrize("text", ["%00%01%02 here", "%FF%FE here", "%31%32%33 here"])
def test_percent_escapes_of_no_readable_text_get_no_view(text: str) -> None:
    assert disguised_views(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        "Wikipedia",
        "internationalisation",
        "CASEFILE",
        "casefile",
        "He met Parhat Tursun in Almaty.",
    ],
)
def test_a_plain_word_is_not_decoded(text: str) -> None:
    assert list(decoded_pieces(text)) == []
    assert disguised_views(text) == ()


@pytest.mark.parametrize("text", ["x \\u0000\\u0007 y", "x \\ud800\\ud801 y"])
def test_u_escapes_of_control_characters_or_surrogates_get_no_view(text: str) -> None:
    assert list(decoded_pieces(text)) == []


# --- the known-entity layer: backwards and ROT13 ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (NAME, NAME[::-1]),
        (NAME, codecs.encode(NAME, "rot13")),
        (OTHER_NAME, OTHER_NAME[::-1].lower()),
        (CODENAME, CODENAME[::-1]),
        (CODENAME, codecs.encode(CODENAME, "rot13")),
        (PLACE, PLACE[::-1]),
    ],
)
def test_a_value_written_backwards_or_in_rot13_is_redacted(value: str, written: str) -> None:
    text = f"The note said {written} and nothing more."
    assert _redacted(text) == [written]


def test_a_public_word_resembling_a_reversed_value_is_not_redacted() -> None:
    known = TermSet()
    known.add_value("Reviled", EntityInfo("codename", "confidential"))  # backwards: "deliver"
    known.add_value("Nomad Lemac", EntityInfo("name", "confidential"))  # invented
    for text in (
        "They delivered bread every morning.",
        "The delivery came late.",
        "The camel and the nomad rested.",
        "Operation Delived was a typo.",
    ):
        assert redact(text, lang="en", known=known).redactions == (), text


def test_only_kinds_a_writer_disguises_get_backwards_terms() -> None:
    known = TermSet()
    known.add_value("2 Kokterek Street", EntityInfo("address", "confidential"))
    text = "The note said teertS keretkoK 2 and nothing more."
    assert redact(text, lang="en", known=known).redactions == ()


# --- the known-entity layer: display-level disguises --------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "Par<b>hat</b> Tursun",
        "&#80;&#97;rhat Tursun",
        "&#x50;arhat Tursun",
        "P-a-r-h-a-t Tursun",
        "P.a.r.h.a.t T.u.r.s.u.n",
        _b64(NAME),
        "%50%61%72%68%61%74%20%54%75%72%73%75%6E",
        "".join(f"\\u{ord(c):04x}" for c in OTHER_NAME),
        "T4m3rl4n 0sk0nb43v",
        "P4rh4t Tur5un",
        f"{RLO}nusruT tahraP",
    ],
)
def test_a_disguised_value_is_redacted_over_its_whole_written_form(written: str) -> None:
    text = f"He met {written} today."
    result = _redact(text)
    assert len(result.redactions) == 1
    r = result.redactions[0]
    assert r.kind == "name" and r.layer == "known-entity"
    start = text.index(written)
    # the whole written form is covered (a leading RLO may stay outside: tested below)
    cover_from = start + 1 if written.startswith(RLO) else start
    assert r.start <= cover_from and r.end >= start + len(written)
    assert result.text.endswith(" today.")
    assert result.text.startswith("He met ")


def test_tags_around_a_whole_value_stay_around_its_replacement() -> None:
    text = "He met <i>Parhat</i> <i>Tursun</i> today."
    result = _redact(text)
    (r,) = result.redactions
    assert text[r.start : r.end] == "Parhat</i> <i>Tursun"
    assert result.text == "He met <i>[withheld]</i> today."


def test_a_base64_value_is_redacted_run_and_all() -> None:
    run = _b64(NAME)
    text = f"Log: {run}, end."
    (r,) = _redact(text).redactions
    assert (r.start, r.end) == (5, 5 + len(run))
    assert _redact(text).text == "Log: [withheld], end."


def test_a_disguised_word_that_is_no_value_is_left_alone() -> None:
    for text in (
        "He met P4tr1ck Sm1th today.",
        f"He wrote {_b64('Good morning')} today.",
        "He met Ay<b>gul</b> Serikova today.",
        f"He met {RLO}lugyA avokireS{PDF} today.",
        "He met A-y-g-u-l Serikova today.",
    ):
        assert _redact(text).redactions == (), text


def test_a_redaction_under_an_override_leaves_no_override_behind() -> None:
    text = f"He met {RLO}nusruT tahraP{PDF} today."
    out = _redact(text).text
    assert displayed(out).text == "He met [withheld] today."
    assert RLO not in out


def test_a_leetspeak_value_leaves_the_full_stop_of_its_sentence() -> None:
    text = "He met T4m3rl4n 0sk0nb43v."
    assert _redact(text).text == "He met [withheld]."


@pytest.mark.parametrize("after", [" today.", ".", ""])
def test_a_struck_through_name_leaves_no_stroke_behind(after: str) -> None:
    written = _struck(OTHER_NAME)
    text = f"He met {written}{after}"
    result = _redact(text)
    (r,) = result.redactions
    assert (r.start, r.end) == (7, 7 + len(written))
    assert STROKE not in result.text
    assert result.text == f"He met [withheld]{after}"


def test_the_stroke_after_the_last_letter_of_a_plain_name_is_taken_too() -> None:
    text = f"He met {OTHER_NAME}{STROKE}{STROKE}, then left."
    result = _redact(text)
    assert result.text == "He met [withheld], then left."


def test_a_redaction_does_not_take_a_mark_across_a_line_break() -> None:
    text = f"He met {OTHER_NAME}\n{STROKE}next"
    result = _redact(text)
    (r,) = result.redactions
    assert r.end == 7 + len(OTHER_NAME)
