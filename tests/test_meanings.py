"""A codename or a place in other words: translated through FreeDict's bilingual dictionaries,
or by an English synonym from WordNet (vault/redact/meanings.py). The dictionaries are Debian
packages that .ci/run installs; without them (a developer's machine that skipped them) these
tests are skipped outside CI, and fail in CI. Every codename here is invented."""

from __future__ import annotations

import gzip
import os
import random

import pytest

from vault.redact import meanings
from vault.redact.engine import redact
from vault.redact.entities import EntityInfo, TermSet

NEEDED = [
    "freedict-eng-fra",
    "freedict-eng-deu",
    "freedict-eng-rus",
    "freedict-eng-tur",
    "freedict-fra-eng",
    "freedict-deu-eng",
    "wordnet",
]

if set(NEEDED) - set(meanings.installed()) and os.environ.get("CI") != "true":
    pytest.skip(
        "the dictionaries are not installed: apt-get install dict-freedict-eng-fra "
        "dict-freedict-eng-deu dict-freedict-eng-rus dict-freedict-eng-tur "
        "dict-freedict-fra-eng dict-freedict-deu-eng wordnet-base",
        allow_module_level=True,
    )


def test_every_dictionary_is_installed() -> None:
    assert meanings.installed() == NEEDED


def test_the_dictzip_reader_gives_the_bytes_gzip_gives() -> None:
    """Random spans of a dictionary, across chunk boundaries, read by the chunk table: the same
    bytes as inflating the whole file (gzip is the oracle)."""
    path = meanings.DICTD / "freedict-eng-deu.dict.dz"
    reader = meanings._Dictzip(path)
    whole = gzip.decompress(path.read_bytes())
    rng = random.Random(21)  # noqa: S311 - spans to read, not a secret
    chunk = reader._chunk
    spans = [(chunk - 7, 20), (0, 50), (len(whole) - 30, 30), (3 * chunk - 1, 2 * chunk + 5)]
    spans += [(rng.randrange(len(whole) - 5000), rng.randrange(1, 5000)) for _ in range(40)]
    for start, length in spans:
        assert reader.read(start, length) == whole[start : start + length]


def test_a_file_that_is_not_dictzip_is_refused(tmp_path: pytest.TempPathFactory) -> None:
    plain = tmp_path / "x.dict.dz"  # type: ignore[operator]
    extra = b"XY" + (0).to_bytes(2, "little")  # an extra field, but no "RA" chunk table
    header = b"\x1f\x8b\x08\x04" + bytes(6) + len(extra).to_bytes(2, "little") + extra
    plain.write_bytes(header + gzip.compress(b"no chunk table here")[10:])
    with pytest.raises(ValueError, match="chunk table"):
        meanings._Dictzip(plain)
    plain.write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match="not a dictzip"):
        meanings._Dictzip(plain)


@pytest.mark.parametrize(
    ("phrase", "pair", "want"),
    [
        ("nightingale", ("eng", "fra"), "rossignol"),
        ("nightingale", ("eng", "deu"), "Nachtigall"),
        ("apricot", ("eng", "fra"), "abricot"),
        ("snow leopard", ("eng", "deu"), "Schneeleopard"),
        ("rossignol", ("fra", "eng"), "nightingale"),
    ],
)
def test_a_phrase_is_translated(phrase: str, pair: tuple[str, str], want: str) -> None:
    assert want in meanings.translate(phrase, pair)


def test_a_word_no_dictionary_holds_has_no_translation() -> None:
    assert meanings.translate("qizilsoget", ("eng", "fra")) == []
    assert meanings.synonyms("qizilsoget") == []


def test_an_entry_gives_translations_not_notes_grammar_or_references() -> None:
    entry = (
        "willow /wilou/\n1. Weide <fem> [bot.], Korbweide\n   Synonyms: {osier}\n"
        "         Note: Baum\n see: {willows}\n2. Reißwolf 12 mm; a long definition of "
        "what this is.\n3. Klopfwolf; 12 mm\n"
    )
    assert meanings._translations(entry) == ["Weide", "Korbweide", "Klopfwolf"]


def test_synonyms_are_of_the_most_usual_sense() -> None:
    assert "Panthera uncia" in meanings.synonyms("snow leopard")
    assert "Punica granatum" in meanings.synonyms("pomegranate")
    assert "Florence Nightingale" not in meanings.synonyms("nightingale")  # a second sense


def test_wordings_are_bounded_and_are_words() -> None:
    for value in ("Nightingale", "Snow Leopard", "Red Willow", "Tea Merchant"):
        out = meanings.wordings(value)
        assert 0 < len(out) <= meanings.PER_VALUE
        assert value not in out
        assert all(meanings._a_wording(w) for w in out)
    assert meanings.wordings("one two three four five") == ()
    assert meanings.wordings("") == ()


def _known(value: str, kind: str = "codename") -> TermSet:
    known = TermSet()
    known.add_value(value, EntityInfo(kind, "secret"))
    return known


@pytest.mark.parametrize(
    ("value", "text", "lang", "hidden"),
    [
        ("Nightingale", "La source Rossignol a confirmé le transfert.", "fr", "Rossignol"),
        ("Nightingale", "Die Quelle Nachtigall bestätigte die Verlegung.", "de", "Nachtigall"),
        ("Pomegranate", "The source known as Punica granatum wrote again.", "en", "Punica"),
        ("Snow Leopard", "Laut Schneeleopard wurde er verlegt.", "de", "Schneeleopard"),
        ("Red Apricot", "Le contact « Abricot rouge » a écrit.", "fr", "Abricot rouge"),
    ],
)
def test_a_codename_in_another_language_is_redacted(
    value: str, text: str, lang: str, hidden: str
) -> None:
    result = redact(text, lang=lang, known=_known(value))
    assert hidden not in result.text
    assert result.redactions


@pytest.mark.parametrize(
    "text",
    [
        "La source Rouge-gorge a confirmé le transfert.",  # another bird
        "Die Quelle Amsel bestätigte die Verlegung.",
        "The source known as Panthera leo wrote again.",
    ],
)
def test_another_meaning_is_not_redacted(text: str) -> None:
    assert not redact(text, lang="en", known=_known("Nightingale")).redactions
    assert not redact(text, lang="en", known=_known("Snow Leopard")).redactions


def _dictzip_header(extra: bytes) -> bytes:
    return b"\x1f\x8b\x08\x04" + bytes(6) + len(extra).to_bytes(2, "little") + extra


@pytest.mark.parametrize(
    "extra",
    [
        b"RA" + (4).to_bytes(2, "little") + b"\x01\x00\x00\x00",  # a chunk table cut short
        b"RA" + (8).to_bytes(2, "little") + b"\x01\x00\x00\x00\x01\x00\x10\x00",  # chunk of 0
    ],
)
def test_a_damaged_chunk_table_is_refused(tmp_path: pytest.TempPathFactory, extra: bytes) -> None:
    path = tmp_path / "x.dict.dz"  # type: ignore[operator]
    path.write_bytes(_dictzip_header(extra) + gzip.compress(b"entry")[10:])
    with pytest.raises(ValueError, match="chunk table"):
        meanings._Dictzip(path)


def test_a_damaged_dictionary_gives_no_wording(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index pointing past its body, or a body that does not inflate: the value keeps its own
    terms, and nothing is raised from a case write."""
    folder = tmp_path  # type: ignore[assignment]
    extra = b"RA" + (8).to_bytes(2, "little") + b"\x01\x00\x00\x10\x01\x00\x05\x00"
    (folder / "freedict-eng-fra.dict.dz").write_bytes(_dictzip_header(extra) + b"\xff" * 5)
    (folder / "freedict-eng-fra.index").write_bytes(b"nightingale\tA\tZ\n")
    (folder / "freedict-eng-deu.dict.dz").write_bytes(b"not a dictionary")
    (folder / "freedict-eng-deu.index").write_bytes(b"nightingale\t!!\tB\n")
    monkeypatch.setattr(meanings, "DICTD", folder)
    meanings._dictionary.cache_clear()
    meanings.wordings.cache_clear()
    try:
        assert meanings.translate("nightingale", ("eng", "fra")) == []
        assert meanings.translate("nightingale", ("eng", "deu")) == []
        assert "freedict-eng-deu" not in meanings.installed()
    finally:
        meanings._dictionary.cache_clear()
        meanings.wordings.cache_clear()


def test_the_binary_search_finds_what_a_scan_of_the_index_finds() -> None:
    """Every headword of a dictionary's index (any case), and words between and beyond them:
    the sorted-index search gives exactly the lines a scan gives."""
    name = "freedict-eng-fra"
    lines = (meanings.DICTD / f"{name}.index").read_bytes().splitlines()
    heads = [line.split(b"\t")[0].decode("utf-8") for line in lines]
    d = meanings._dictionary(name)
    assert d is not None
    rng = random.Random(7)  # noqa: S311 - which words to ask for, not a secret
    asked = [*rng.sample(heads, 300), heads[0], heads[-1], "", "aaaa", "zzzzzz", "nightingalez"]
    for word in asked:
        want = sum(1 for h in heads if h.lower() == word.lower())
        assert len(list(d.entries(word))) == want, word
