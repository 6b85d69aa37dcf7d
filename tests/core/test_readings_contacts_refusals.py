"""The contacts reader's exact readings (issue 22): what :mod:`vault.redact.readings.contacts`
reads an e-mail address or a messenger handle as, written or spoken, with the exact span and
term; and what it must refuse: one piece too many, a local part one character short, a full
stop, a word that is a word in one of the vault's languages, a gap one character too wide.

A reading that is missed lets a relative's address into a publication; a reading made of
unrelated words blacks out public text. All names, handles and addresses are invented."""

from __future__ import annotations

import pytest

from vault.redact.readings import READING_PREFIX, Reading
from vault.redact.readings import contacts as c

TAG = "#mail:"
U = "#mail:u:"


def reads(text: str) -> set[tuple[str, str]]:
    """Every (span as written, term) the reader gives for ``text``."""
    return {(text[r.start : r.end], r.term) for r in c.text_readings(text)}


def addresses(text: str) -> set[tuple[str, str]]:
    return {(s, t) for s, t in reads(text) if not t.startswith(U)}


def handles(text: str) -> set[tuple[str, str]]:
    return {(s, t) for s, t in reads(text) if t.startswith(U)}


# --- tags and the look-alike key ----------------------------------------------------------------


def test_tags_are_the_mail_reading_tags() -> None:
    assert READING_PREFIX == "#"
    assert c.TAG == TAG
    assert c.USER_TAG == U
    assert c.MIN_LOCAL == 6


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("zhanar", "zhanar"),
        ("ZHANAR", "zhanar"),  # case folded
        ("Gulnar", "guinar"),  # l and i look alike
        ("b1k0", "biko"),  # 1 looks like i, 0 like o
        ("marat", "rnarat"),  # m looks like rn
        ("ma×iaolan", "rnaxiaoian"),  # the multiplication sign is an x (UTS #39)
        ("Ａｉｄａｎａ", "aidana"),  # NFKC: full-width letters
        ("аidаnа", "aidana"),  # Cyrillic а
        ("a|dana", "aidana"),  # a vertical bar is an i
        ("x@y.z_w-v", "x@y.z_w-v"),  # the symbols of an address kept as they are
        ("X", "x"),
        ("Ö", "o"),  # the ordinary fold where UTS #39 has nothing
        ("", ""),
    ],
)
def test_key_folds_case_width_and_lookalikes(written: str, folded: str) -> None:
    assert c.key(written) == folded


def test_key_drops_a_sign_that_is_not_an_address_symbol() -> None:
    assert c.key("zhan!ar") == "zhanar"
    assert c.key("zhan ar") == "zhanar"


# --- a protected value ------------------------------------------------------------------------


def test_an_address_reads_as_itself_and_its_distinctive_local_part() -> None:
    assert c.value_readings("Zhanar.Bekova@Mail.kz", "email") == {
        TAG + "zhanar.bekova@rnaii.kz",
        U + "zhanar.bekova",
    }


@pytest.mark.parametrize("kind", ["name", "phone", "codename", "Email", "emails", ""])
def test_only_the_email_kind_is_read(kind: str) -> None:
    assert c.value_readings("zhanar.bekova@mail.kz", kind) == set()


@pytest.mark.parametrize(
    "value",
    [
        "  zhanar.bekova@mail.kz  ",
        "zhanar\u200b.bekova@mail.kz",  # an invisible character
        "zhanar.bekova@\u2060mail.kz",
        "mailto:zhanar.bekova@mail.kz",
        "MAILTO:zhanar.bekova@mail.kz",
        "mailto: zhanar.bekova@mail.kz",
        "ｚhanar.bekova@mail.kz",  # NFKC
        "\u200bmailto:zhanar.bekova@mail.kz",  # an invisible character before the link
    ],
)
def test_an_address_value_is_read_through_spaces_invisibles_and_mailto(value: str) -> None:
    assert c.value_readings(value, "email") == {
        TAG + "zhanar.bekova@rnaii.kz",
        U + "zhanar.bekova",
    }


@pytest.mark.parametrize(
    "value",
    [
        "zhanargul",
        "@zhanargul",
        " @zhanargul ",
        "t.me/zhanargul",
        "T.ME/zhanargul",
        "https://t.me/zhanargul",
        "http://t.me/zhanargul",
        "https://www.t.me/zhanargul",
        "www.t.me/zhanargul",
        "telegram.me/zhanargul",
        "instagram.com/zhanargul",
        "vk.com/zhanargul",
        "twitter.com/zhanargul",
        "x.com/zhanargul",
        "facebook.com/zhanargul",
        "tiktok.com/zhanargul",
        "github.com/zhanargul",
        "https://www.instagram.com/zhanargul",
    ],
)
def test_a_handle_reads_without_its_at_or_platform_link(value: str) -> None:
    assert c.value_readings(value, "email") == {U + "zhanargui"}


@pytest.mark.parametrize(
    ("value", "terms"),
    [
        # a link that is not a platform's, or not at the start, stays part of the handle
        ("y.com/zhanargul", {U + "y.cornzhanargui"}),  # "/" has no fold
        ("see t.me/zhanargul", {U + "seet.rnezhanargui"}),
        ("t.mezhanargul", {U + "t.rnezhanargui"}),
    ],
)
def test_only_a_platform_link_at_the_start_is_dropped(value: str, terms: set[str]) -> None:
    assert c.value_readings(value, "email") == terms


@pytest.mark.parametrize("value", ["", "   ", "\u200b", "mailto:", "https://t.me/", "@", "@@"])
def test_an_empty_value_reads_as_nothing(value: str) -> None:
    assert c.value_readings(value, "email") == set()


def test_the_last_at_sign_splits_local_part_and_domain() -> None:
    assert c.value_readings("zhanar@home@mail.kz", "email") == {
        TAG + "zhanar@horne@rnaii.kz",
        U + "zhanar@horne",
    }


def test_an_address_without_a_domain_is_no_address() -> None:
    terms = c.value_readings("zhanargul@", "email")
    assert not [t for t in terms if not t.startswith(U)]
    assert c.value_readings("@mail.kz", "email") == {U + "rnaii.kz"}


@pytest.mark.parametrize(
    ("handle", "terms"),
    [
        # letters then digits: also the letters, when distinctive
        ("zhoulh_1972", {U + "zhouih_i972", U + "zhouih"}),
        ("zhoulh.1972", {U + "zhouih.i972", U + "zhouih"}),
        ("zhoulh-1972", {U + "zhouih-i972", U + "zhouih"}),
        ("maxiaolan88", {U + "rnaxiaoian88", U + "rnaxiaoian"}),
        # never the letters when they are not letters then digits
        ("zhoulh__1972", {U + "zhouih__i972"}),
        ("zhou_lh1972", {U + "zhou_ihi972"}),
        ("zhoulh1972x", {U + "zhouihi972x"}),
        ("1972zhoulh", {U + "i972zhouih"}),
        ("zhoulh", {U + "zhouih"}),
        ("zhou\u200blh1972", {U + "zhouihi972", U + "zhouih"}),  # an invisible character
        ("XXzhanar", {U + "xxzhanar"}),  # only an at sign is stripped
        ("@Xenia_bekova", {U + "xenia_bekova"}),
        # letters too short, or a word, or a place: only the whole handle
        ("zhoul_1972", {U + "zhoui_i972"}),
        ("almaty1990", {U + "airnatyi99o"}),
        ("burlap77", {U + "buriap77"}),
        # the whole too short
        ("zhou7", set()),
        ("zhou", set()),
        ("zhou77", {U + "zhou77"}),  # six characters, not letters alone
    ],
)
def test_user_terms_of_a_handle(handle: str, terms: set[str]) -> None:
    assert c.value_readings(handle, "email") == terms


@pytest.mark.parametrize(
    "word",
    [
        "contact",  # common everywhere
        "burlap",  # English only
        "gnarled",  # English only, and rare (Zipf 2.37)
        "absoluteness",  # Zipf exactly 1.5 in English: frequent enough to be a word
        "fenetre",  # French only
        "unterschrift",  # German only
        "привет",  # Russian only
        "tesekkur",  # Turkish only
    ],
)
def test_a_word_of_any_language_is_not_distinctive(word: str) -> None:
    assert not c._distinctive(word)
    assert c.value_readings(word + "@mail.kz", "email") == {TAG + c.key(word) + "@rnaii.kz"}


@pytest.mark.parametrize(
    ("local", "distinctive"),
    [
        ("zhanargul", True),
        ("shymkent", True),  # a rare place name (Zipf 1.08)
        ("zhanar", True),  # six letters
        ("zhana", False),  # five
        ("zhan77", True),  # six characters, not letters alone
        ("zhan7", False),
        ("contact1", True),  # a word with a digit is no word
        ("", False),
    ],
)
def test_distinctive_local_parts(local: str, distinctive: bool) -> None:
    assert c._distinctive(local) is distinctive


# --- a text: compact runs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zhanar", {("zhanar", U + "zhanar")}),
        ("zhana", set()),  # five characters: too short to be anyone's
        ("Zhanargul", {("Zhanargul", U + "zhanargui")}),
        ("@zhanargul", {("@zhanargul", U + "zhanargui")}),
        ("zhanar_77", {("zhanar_77", U + "zhanar_77")}),
        ("ab_cd", set()),
        ("ab_cde", {("ab_cde", U + "ab_cde")}),
        ("_zhanar_", {("zhanar", U + "zhanar")}),  # symbols at either end are not in it
        ("--zhanar--", {("zhanar", U + "zhanar")}),
        ("@_zhanar", {("@_zhanar", U + "zhanar")}),
        ("zhanar.", {("zhanar", U + "zhanar")}),
        ("zhan_ar_bek", {("zhan_ar_bek", U + "zhan_ar_bek")}),
        ("@@zhanargul", set()),
        ("zhan_ar_bek.", {("zhan_ar_bek", U + "zhan_ar_bek")}),
        ("ab_cd zhanargul", {("zhanargul", U + "zhanargui")}),  # the word after a run
        # four letters spelled, then a word: the word is not spelled with them
        ("q w e r zhanar", {("zhanar", U + "zhanar")}),
        ("zhanar q w e r t y", {("zhanar", U + "zhanar"), ("q w e r t y", U + "qwerty")}),
        ("zh ab_cd", set()),
    ],
)
def test_compact_runs(text: str, expected: set[tuple[str, str]]) -> None:
    assert reads(text) == expected


@pytest.mark.parametrize(
    "prefix",
    [
        "t.me/",
        "T.Me/",
        "telegram.me/",
        "instagram.com/",
        "vk.com/",
        "twitter.com/",
        "x.com/",
        "facebook.com/",
        "tiktok.com/",
        "github.com/",
        "www.vk.com/",
        "http://vk.com/",
        "https://www.instagram.com/",
        "mailto:",
    ],
)
def test_a_platform_link_is_taken_into_the_span(prefix: str) -> None:
    text = "see " + prefix + "zhanargul now"
    assert (prefix + "zhanargul", U + "zhanargui") in reads(text)
    assert ("zhanargul", U + "zhanargui") not in reads(text)
    assert (prefix + "zhanargul", U + "zhanargui") in reads(prefix + "zhanargul")


def test_a_link_with_an_at_sign_after_the_slash() -> None:
    text = "see twitter.com/@zhanargul now"
    assert ("twitter.com/@zhanargul", U + "zhanargui") in reads(text)


@pytest.mark.parametrize("prefix", ["y.com/", "me/", "t.me:", "t.me/ "])
def test_what_is_not_a_platform_link_stays_out_of_the_span(prefix: str) -> None:
    text = "see " + prefix + "zhanargul now"
    assert ("zhanargul", U + "zhanargui") in reads(text)


def test_a_link_of_the_address_itself() -> None:
    assert addresses("mailto:zhanar@mail.kz") == {
        ("mailto:zhanar@mail.kz", TAG + "zhanar@rnaii.kz")
    }
    assert handles("mailto:zhanar@mail.kz") == {
        ("mailto", U + "rnaiito"),
        ("mailto:zhanar", U + "zhanar"),
    }


# --- a text: addresses --------------------------------------------------------------------------


def test_an_address_and_every_local_part_and_domain_the_pieces_allow() -> None:
    assert reads("mail bekzat.omarov@mail.kz now") == {
        ("bekzat.omarov", U + "bekzat.ornarov"),
        ("omarov@mail.kz", TAG + "ornarov@rnaii.kz"),
        ("bekzat.omarov@mail.kz", TAG + "bekzat.ornarov@rnaii.kz"),
        ("mail bekzat.omarov@mail.kz", TAG + "rnaiibekzat.ornarov@rnaii.kz"),
        ("omarov@mail.kz now", TAG + "ornarov@rnaii.kznow"),
        ("bekzat.omarov@mail.kz now", TAG + "bekzat.ornarov@rnaii.kznow"),
        ("mail bekzat.omarov@mail.kz now", TAG + "rnaiibekzat.ornarov@rnaii.kznow"),
    }


def test_a_domain_needs_a_dot() -> None:
    assert addresses("zhanar@mail") == set()
    assert addresses("zhanar@mail kz") == set()
    assert addresses("zhanar@mail.kz") == {("zhanar@mail.kz", TAG + "zhanar@rnaii.kz")}


def test_a_short_address_is_still_an_address() -> None:
    assert reads("ab@x.kz") == {("ab@x.kz", TAG + "ab@x.kz")}


@pytest.mark.parametrize(
    "at",
    [
        "at",
        "AT",
        "arobase",
        "chez",
        "Klammeraffe",
        "ät",
        "собака",
        "et",
        "айқұлақ",
        "arroba",
        "sobaka",
    ],
)
def test_every_word_for_at(at: str) -> None:
    text = f"zh {at} mail.kz"
    assert addresses(text) == {(text, TAG + "zh@rnaii.kz")}


@pytest.mark.parametrize(
    "dot", ["dot", "DOT", "point", "Punkt", "точка", "nokta", "нүкте", "punto", "tochka"]
)
def test_every_word_for_dot(dot: str) -> None:
    text = f"zh@mail {dot} kz"
    assert addresses(text) == {(text, TAG + "zh@rnaii.kz")}


@pytest.mark.parametrize("word", ["underscore", "Unterstrich", "underline"])
def test_every_word_for_underscore(word: str) -> None:
    text = f"zhanar {word} bekova"
    assert reads(text) == {
        ("zhanar", U + "zhanar"),
        ("bekova", U + "bekova"),
        (text, U + "zhanar_bekova"),
    }


@pytest.mark.parametrize("word", ["dash", "hyphen", "tiret", "Bindestrich"])
def test_every_word_for_dash(word: str) -> None:
    text = f"zhanar {word} bekova"
    assert reads(text) == {
        ("zhanar", U + "zhanar"),
        ("bekova", U + "bekova"),
        (text, U + "zhanar-bekova"),
    }


@pytest.mark.parametrize(
    "near",
    ["att", "a t", "dots", "points", "underscores", "dashes", "@t", "hyphens"],
)
def test_a_near_miss_of_a_symbol_word_is_a_word(near: str) -> None:
    assert addresses(f"zh {near} mail kz") == set()
    assert (f"zhanar {near} bekova", U + "zhanar_bekova") not in reads(f"zhanar {near} bekova")


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("zh%40mail.kz", "zh%40mail.kz"),
        ("zh＠mail.kz", "zh＠mail.kz"),
        ("zh[at]mail[dot]kz", "zh[at]mail[dot]kz"),
        ("zh(at)mail(dot)kz", "zh(at)mail(dot)kz"),
        ("zh{at}mail{dot}kz", "zh{at}mail{dot}kz"),
        ("zh<at>mail<.>kz", "zh<at>mail<.>kz"),
        ("zh [@] mail [.] kz", "zh [@] mail [.] kz"),
        ("zh\u200b@mail.kz", "zh\u200b@mail.kz"),
        ("zh (at) mail (dot) kz", "zh (at) mail (dot) kz"),
        ("zh   @mail.kz", "zh   @mail.kz"),  # three spaces: still one zone
    ],
)
def test_an_address_read_through_signs_brackets_and_invisibles(text: str, span: str) -> None:
    assert addresses(text) == {(span, TAG + "zh@rnaii.kz")}


@pytest.mark.parametrize(
    "text",
    [
        "zh\n\n@mail.kz",  # a blank line
        "zh    @mail.kz",  # four spaces
        "zh, @mail.kz",  # a breaking punctuation mark
        "zh;@mail.kz",
        "zh@ mail. kz",  # a full stop: the domain ends before it
        "zh@mail",
        "zh@",
        "@mail.kz",
    ],
)
def test_no_address_across_a_break(text: str) -> None:
    assert addresses(text) == set()


def test_a_zone_ends_at_a_blank_line_but_not_at_a_line_break() -> None:
    assert addresses("zh\n@mail.kz") == {("zh\n@mail.kz", TAG + "zh@rnaii.kz")}
    assert addresses("zh\n\n@mail.kz") == set()


def test_a_full_stop_ends_a_local_part_but_a_spoken_dot_does_not() -> None:
    assert addresses("zhanar. mail@x.kz") == {("mail@x.kz", TAG + "rnaii@x.kz")}
    assert addresses("zhanar dot mail@x.kz") == {
        ("mail@x.kz", TAG + "rnaii@x.kz"),
        ("zhanar dot mail@x.kz", TAG + "zhanar.rnaii@x.kz"),
    }
    # a dot ending the text is no full stop, and adds nothing
    assert addresses("zh@mail.kz.") == {("zh@mail.kz", TAG + "zh@rnaii.kz")}
    assert addresses("zh (at) mail (dot) kz.") == {("zh (at) mail (dot) kz", TAG + "zh@rnaii.kz")}


def test_a_full_stop_ends_a_domain() -> None:
    assert addresses("zh@mail.kz. Then") == {("zh@mail.kz", TAG + "zh@rnaii.kz")}
    assert addresses("zh@mail.kz dot org") == {
        ("zh@mail.kz", TAG + "zh@rnaii.kz"),
        ("zh@mail.kz dot org", TAG + "zh@rnaii.kz.org"),
    }


def test_an_at_sign_ends_a_local_part_and_a_domain() -> None:
    assert addresses("ab@cd@ef.kz") == {("cd@ef.kz", TAG + "cd@ef.kz")}
    assert addresses("ab@cd.kz@ef.kz") == {
        ("ab@cd.kz", TAG + "ab@cd.kz"),
        ("kz@ef.kz", TAG + "kz@ef.kz"),
        ("cd.kz@ef.kz", TAG + "cd.kz@ef.kz"),
    }


def test_a_local_part_has_at_most_four_words() -> None:
    text = "ab cd ef gh ij (at) mail (dot) kz"
    assert addresses(text) == {
        ("ij (at) mail (dot) kz", TAG + "ij@rnaii.kz"),
        ("gh ij (at) mail (dot) kz", TAG + "ghij@rnaii.kz"),
        ("ef gh ij (at) mail (dot) kz", TAG + "efghij@rnaii.kz"),
        ("cd ef gh ij (at) mail (dot) kz", TAG + "cdefghij@rnaii.kz"),
    }


def test_a_domain_has_at_most_four_words() -> None:
    text = "zh (at) ab dot cd ef gh ij"
    assert addresses(text) == {
        ("zh (at) ab dot cd", TAG + "zh@ab.cd"),
        ("zh (at) ab dot cd ef", TAG + "zh@ab.cdef"),
        ("zh (at) ab dot cd ef gh", TAG + "zh@ab.cdefgh"),
    }


def test_at_most_eight_local_parts_around_one_at_sign() -> None:
    text = "a.b.c.d.e.f.g.h.i.j@mail.kz"
    assert addresses(text) == {
        (text[i:], TAG + text[i:-8] + "@rnaii.kz") for i in (4, 6, 8, 10, 12, 14, 16, 18)
    }


def test_at_most_eight_domains_around_one_at_sign() -> None:
    text = "zh@a.b.c.d.e.f.g.h.i.j"
    assert addresses(text) == {(text[:e], TAG + text[:e]) for e in (6, 8, 10, 12, 14, 16, 18, 20)}


def test_a_local_part_is_looked_for_forty_pieces_back_and_no_further() -> None:
    near = "a" + "-" * 38 + "b@mail.kz"
    far = "a" + "-" * 39 + "b@mail.kz"
    assert addresses(near) == {
        ("b@mail.kz", TAG + "b@rnaii.kz"),
        (near, TAG + "a" + "-" * 38 + "b@rnaii.kz"),
    }
    assert addresses(far) == {("b@mail.kz", TAG + "b@rnaii.kz")}


def test_a_domain_is_looked_for_forty_pieces_on_and_no_further() -> None:
    near = "zh@mail." + "-" * 37 + "kz"
    far = "zh@mail." + "-" * 38 + "kz"
    assert addresses(near) == {(near, TAG + "zh@rnaii." + "-" * 37 + "kz")}
    assert addresses(far) == set()


def test_a_local_part_never_starts_inside_a_spelled_word() -> None:
    assert addresses("z h a n a r @mail.kz") == {("z h a n a r @mail.kz", TAG + "zhanar@rnaii.kz")}
    assert handles("z h a n a r") == {("z h a n a r", U + "zhanar")}


@pytest.mark.parametrize(
    ("text", "locals_"),
    [
        ("b e k @ mail.kz", ["bek"]),  # four one-character pieces: spelled
        ("b e @ mail.kz", ["e", "be"]),  # three: not
        ("b  e  k  @ mail.kz", ["k", "ek", "bek"]),  # two spaces between: not spelled
    ],
)
def test_spelling_letter_by_letter_needs_four_pieces_one_space_apart(
    text: str, locals_: list[str]
) -> None:
    got = {t for _, t in addresses(text)}
    assert got == {TAG + loc + "@rnaii.kz" for loc in locals_}


def test_a_hyphen_breaking_a_line_is_read_through() -> None:
    assert reads("zhan-\nargul") == {("zhan-\nargul", U + "zhanargui")}
    assert reads("zhan-\n  argul") == {("zhan-\n  argul", U + "zhanargui")}
    # the next line's indent, however deep (mended: three spaces or more cut the word)
    assert reads("zhan-\n   argul") == {("zhan-\n   argul", U + "zhanargui")}
    assert reads("zhan-\n\t\t\t\targul") == {("zhan-\n\t\t\t\targul", U + "zhanargui")}
    # a blank line after the hyphen ends the word (it read "zhanargul" across it)
    assert reads("zhan-\n\nargul") == set()
    assert reads(" -\nzhanargul") == {("zhanargul", U + "zhanargui")}
    assert reads("zhan-argul") == {("zhan-argul", U + "zhan-argui")}
    # a dash with a space before it is a dash
    assert addresses("zhanar -\nargul@mail.kz") == {
        ("argul@mail.kz", TAG + "argui@rnaii.kz"),
        ("zhanar -\nargul@mail.kz", TAG + "zhanar-argui@rnaii.kz"),
    }


# --- a text: spoken symbols and numbers -------------------------------------------------------


def test_words_joined_by_spoken_symbols() -> None:
    text = "gulnar dash zhan underline bek"
    assert reads(text) == {
        ("gulnar", U + "guinar"),
        ("gulnar dash zhan", U + "guinar-zhan"),
        ("gulnar dash zhan underline bek", U + "guinar-zhan_bek"),
        ("zhan underline bek", U + "zhan_bek"),
    }


def test_a_run_joined_by_a_spoken_symbol_needs_six_characters() -> None:
    assert reads("gul dash nara") == {("gul dash nara", U + "gui-nara")}
    assert reads("gu dash nar") == {("gu dash nar", U + "gu-nar")}
    assert reads("gu dash na") == set()


def test_a_spoken_run_never_starts_at_a_symbol() -> None:
    assert reads("_ underscore zhanar") == {("zhanar", U + "zhanar")}


def test_a_number_in_words_reads_as_its_digits_when_it_stands_apart() -> None:
    assert reads("zhanar underscore ninety-one") == {
        ("zhanar", U + "zhanar"),
        ("zhanar underscore ninety-one", U + "zhanar_9i"),
    }
    assert reads("zhanar_ninety") == {("zhanar_ninety", U + "zhanar_ninety")}


def test_a_reading_is_given_once() -> None:
    got = [(r.start, r.end, r.term) for r in c.text_readings("ab dash cd dash ef gh")]
    assert len(got) == len(set(got))
    assert set(got) == {
        (0, 21, U + "ab-cd-efgh"),  # read around both dashes: given once
        (0, 18, U + "ab-cd-ef"),
        (8, 21, U + "cd-efgh"),
    }


def test_readings_are_mapped_back_to_the_original_offsets() -> None:
    text = "Mail z\u200bh@mail.kz"
    got = set(c.text_readings(text))
    assert Reading(5, 16, TAG + "zh@rnaii.kz") in got


@pytest.mark.parametrize("text", ["", "\u200b", "   ", ".", "@", "(at)", "at dot"])
def test_no_reading_of_nothing(text: str) -> None:
    assert reads(text) == set()


def test_a_bracketed_dot_with_spaces_around_is_no_full_stop() -> None:
    """The module reads "[.]" through; with a space after it, it was read as a sentence's end,
    and the whole address was missed (mended)."""
    text = "Write to aigerim.tasova [at] example [.] org today"
    assert ("aigerim.tasova [at] example [.] org", TAG + "aigerirn.tasova@exarnpie.org") in reads(
        text
    )
    assert reads("zhanar [.] bekova") == {
        ("zhanar", U + "zhanar"),
        ("bekova", U + "bekova"),
        ("zhanar [.] bekova", U + "zhanar.bekova"),
    }
    for dot in ("(.)", "[.]", "{.}", "<.>"):
        assert addresses(f"zh@mail {dot} kz") == {(f"zh@mail {dot} kz", TAG + "zh@rnaii.kz")}
    # a bracket on one side only, or a closing one before, is no defanged dot
    for text in ("zh@mail [. kz", "zh@mail .] kz", "zh@mail ].[ kz", "zh@mail (.[ kz"):
        assert addresses(text) == set()
    assert addresses(". zh@mail.kz") == {("zh@mail.kz", TAG + "zh@rnaii.kz")}


def test_a_number_in_words_ends_where_its_words_end() -> None:
    assert reads("zhanar underscore ninety-one bekova") == {
        ("zhanar", U + "zhanar"),
        ("bekova", U + "bekova"),
        ("zhanar underscore ninety-one", U + "zhanar_9i"),
        ("zhanar underscore ninety-one bekova", U + "zhanar_9ibekova"),
    }


@pytest.mark.parametrize(
    ("text", "widest"),
    [
        # a single letter glued to symbols is no word: five pieces, four words
        ("a.bc.de.fg.hi@x.kz", "a.bc.de.fg.hi@x.kz"),
        (",a.bc.de.fg.hi@x.kz", "a.bc.de.fg.hi@x.kz"),  # a break is no space
        # a single letter standing apart is a word: one too many
        (" a.bc.de.fg.hi@x.kz", "bc.de.fg.hi@x.kz"),
        ("x a.bc.de.fg.hi@x.kz", "bc.de.fg.hi@x.kz"),
    ],
)
def test_a_single_letter_counts_as_a_word_when_it_stands_apart(text: str, widest: str) -> None:
    spans = {s for s, _ in addresses(text)}
    assert widest in spans
    assert max(spans, key=len) == widest


def test_a_domain_of_five_written_words_is_too_long() -> None:
    assert addresses("zh@ab.cd.ef.gh.ij") == {
        ("zh@ab.cd", TAG + "zh@ab.cd"),
        ("zh@ab.cd.ef", TAG + "zh@ab.cd.ef"),
        ("zh@ab.cd.ef.gh", TAG + "zh@ab.cd.ef.gh"),
    }


def test_a_domain_never_ends_inside_a_spelled_word() -> None:
    assert addresses("zh@mail.k z q w") == {("zh@mail.k z q w", TAG + "zh@rnaii.kzqw")}


def test_a_short_spelling_after_a_word_is_not_run_together() -> None:
    assert addresses("zhanar b e @ mail.kz") == {
        ("e @ mail.kz", TAG + "e@rnaii.kz"),
        ("b e @ mail.kz", TAG + "be@rnaii.kz"),
        ("zhanar b e @ mail.kz", TAG + "zhanarbe@rnaii.kz"),
    }


def test_every_zone_is_read_after_a_repeated_reading() -> None:
    text = "ab dash cd dash ef gh, zhanargul"
    assert ("zhanargul", U + "zhanargui") in reads(text)
