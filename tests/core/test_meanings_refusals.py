"""Meanings' readers, exactly (vault/redact/meanings.py, issue 22): the dictd index numbers, the
dictzip header and chunk table (what is read and what is refused), the sorted-index search one
line at a time, the translations an entry gives and the lines it must NOT give, what a wording
is, and WordNet's first synset.

Most tests build their own small dictionaries in pytest's tmp_path, so every byte of a header or
an index line is one the test chose; a few read the installed FreeDict and WordNet files (the
Debian packages .ci/run installs) for what those say. Every codename and entry is invented or a
plain dictionary word."""

from __future__ import annotations

import gzip
import itertools
import mmap
import os
import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from vault.redact import meanings

INSTALLED = set(meanings.installed())
needs_freedict = pytest.mark.skipif(
    not {"freedict-eng-deu", "freedict-deu-eng"} <= INSTALLED and os.environ.get("CI") != "true",
    reason="the FreeDict dictionaries are not installed",
)
needs_wordnet = pytest.mark.skipif(
    "wordnet" not in INSTALLED and os.environ.get("CI") != "true",
    reason="WordNet is not installed",
)

FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT = 1, 2, 4, 8, 16


# --- helpers ----------------------------------------------------------------------------------


def dictzip(
    data: bytes,
    chunk: int,
    *,
    name: bytes | None = None,
    comment: bytes | None = None,
    before: bytes = b"",
    flags: int = 0,
    magic: bytes = b"\x1f\x8b\x08",
) -> bytes:
    """A dictzip file as dictzip(1) writes one: one deflate stream, flushed in full at each
    chunk's end, its chunk table in the gzip extra field's "RA" subfield (after ``before``, other
    subfields), then the file name and comment fields when given."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    pieces = []
    starts = range(0, len(data), chunk)
    for n, at in enumerate(starts):
        piece = compressor.compress(data[at : at + chunk])
        last = n == len(starts) - 1
        piece += compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)
        pieces.append(piece)
    table = struct.pack("<HHH", 1, chunk, len(pieces))
    table += struct.pack(f"<{len(pieces)}H", *map(len, pieces))
    extra = before + b"RA" + struct.pack("<H", len(table)) + table
    flags |= FEXTRA | (FNAME if name is not None else 0) | (FCOMMENT if comment is not None else 0)
    head = magic + bytes([flags]) + bytes(6) + struct.pack("<H", len(extra)) + extra
    if name is not None:
        head += name + b"\0"
    if comment is not None:
        head += comment + b"\0"
    if flags & FHCRC:
        head += struct.pack("<H", zlib.crc32(head) & 0xFFFF)
    tail = struct.pack("<II", zlib.crc32(data), len(data))
    return head + b"".join(pieces) + tail


def header_only(extra: bytes, flags: int = FEXTRA) -> bytes:
    return b"\x1f\x8b\x08" + bytes([flags]) + bytes(6) + struct.pack("<H", len(extra)) + extra


TEXT = bytes(range(32, 127)) * 9  # 855 bytes of printable text


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def index_of(data: bytes) -> mmap.mmap:
    """An index in memory, mapped as the module maps its files."""
    m = mmap.mmap(-1, len(data))
    m.write(data)
    m.seek(0)
    return m


def lines(data: bytes, key: bytes, sep: bytes = b"\t") -> list[bytes]:
    """At most six lines (a search that never ends must not fill the memory)."""
    return list(itertools.islice(meanings._lines_of(index_of(data), key, sep), 6))


@pytest.fixture
def dictd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty dictd folder in place of /usr/share/dictd, with the dictionary cache cleared
    before and after."""
    monkeypatch.setattr(meanings, "DICTD", tmp_path)
    meanings._dictionary.cache_clear()
    yield tmp_path
    meanings._dictionary.cache_clear()


def b64(n: int) -> str:
    """A dictd index number, written here independently of the module's reader."""
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out = digits[n % 64]
    while n >= 64:
        n //= 64
        out = digits[n % 64] + out
    return out


def make_dictionary(folder: Path, name: str, entries: list[tuple[str, str]], chunk: int) -> None:
    """A dictd dictionary: entries (headword, text) in the given order, the index sorted by
    headword in lower case."""
    body = b""
    rows = []
    for head, text in entries:
        raw = text.encode("utf-8")
        rows.append((head, len(body), len(raw)))
        body += raw
    rows.sort(key=lambda r: r[0].lower())
    index = "".join(f"{h}\t{b64(a)}\t{b64(n)}\n" for h, a, n in rows)
    (folder / f"{name}.index").write_text(index, "utf-8")
    (folder / f"{name}.dict.dz").write_bytes(dictzip(body, chunk))


# --- dictd index numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (b"", 0),
        (b"A", 0),
        (b"B", 1),
        (b"Z", 25),
        (b"a", 26),
        (b"z", 51),
        (b"0", 52),
        (b"9", 61),
        (b"+", 62),
        (b"/", 63),
        (b"BA", 64),
        (b"Ba", 90),
        (b"//", 4095),
        (b"BAA", 4096),
        (b"AAB", 1),
    ],
)
def test_a_dictd_number_is_base_64_most_significant_first(field: bytes, value: int) -> None:
    assert meanings._number(field) == value


@pytest.mark.parametrize("field", [b"=", b"A-B", b" B", b"\xc3\xa9"])
def test_a_dictd_number_with_another_character_is_refused(field: bytes) -> None:
    with pytest.raises(ValueError):  # UnicodeDecodeError is a ValueError
        meanings._number(field)


# --- dictzip: reading -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "chunk"),
    [
        ({}, 100),
        ({"name": b"entries.dict"}, 100),
        ({"comment": b"made for a test"}, 100),
        ({"name": b"e.dict", "comment": b"a comment"}, 64),
        ({"name": b""}, 100),  # an empty name is its terminator alone
        ({"before": b"PD\x03\x00abc"}, 100),  # another subfield before the table
        ({"before": b"PD\x03\x00abcQQ\x01\x00z"}, 100),  # two
        ({"before": b"ZZ\x00\x00"}, 100),  # an empty subfield before it
        ({"flags": FTEXT}, 100),  # a flag the reader does not need
        ({"flags": FHCRC}, 100),  # the header's CRC-16 after the header
        ({"flags": FHCRC, "name": b"e.dict", "comment": b"c"}, 100),
        ({"before": b"PD" + struct.pack("<H", 33000) + bytes(33000)}, 100),  # extra > 32767
        ({"name": b"n"}, 1),  # one byte a chunk
    ],
    ids=[
        "plain",
        "name",
        "comment",
        "name-and-comment",
        "empty-name",
        "subfield-before",
        "two-subfields-before",
        "empty-subfield-before",
        "ftext",
        "header-crc",
        "header-crc-name-comment",
        "long-extra",
        "chunk-of-one",
    ],
)
def test_a_dictzip_file_reads_as_gzip_inflates_it(
    tmp_path: Path, options: dict[str, object], chunk: int
) -> None:
    data = TEXT if chunk > 1 else TEXT[:40]
    path = write(tmp_path / "x.dict.dz", dictzip(data, chunk, **options))  # type: ignore[arg-type]
    assert gzip.decompress(path.read_bytes()) == data  # the file is a gzip file
    reader = meanings._Dictzip(path)
    assert reader._chunk == chunk
    size = len(data)
    spans = [(0, size), (0, 1), (size - 1, 1), (3, 10), (chunk - 1, 2), (chunk, chunk)]
    spans += [(chunk - 3, 3), (2 * chunk - 1, 1), (size - 5, 5)]
    for start, length in spans:
        if start >= 0:
            assert reader.read(start, length) == data[start : start + length], (start, length)


def test_a_read_inflates_only_the_chunks_its_span_lies_in(tmp_path: Path) -> None:
    """A span that ends on a chunk's last byte, or starts on a chunk's first, reads no other
    chunk: with the chunks before and after it damaged, it still reads."""
    data = TEXT[:300]
    good = dictzip(data, 100)
    reader = meanings._Dictzip(write(tmp_path / "good.dict.dz", good))
    starts, sizes = reader._starts, reader._sizes
    damaged = bytearray(good)
    for n in (0, 2):
        damaged[starts[n] : starts[n] + sizes[n]] = b"\xff" * sizes[n]
    reader = meanings._Dictzip(write(tmp_path / "damaged.dict.dz", bytes(damaged)))
    assert reader.read(100, 100) == data[100:200]
    assert reader.read(199, 1) == data[199:200]
    assert reader.read(100, 1) == data[100:101]
    assert reader.read(150, 50) == data[150:200]
    with pytest.raises(zlib.error):
        reader.read(150, 51)  # one byte into the third chunk
    with pytest.raises(zlib.error):
        reader.read(99, 2)  # one byte from the first


def test_a_read_past_the_end_gives_what_there_is(tmp_path: Path) -> None:
    data = TEXT[:250]
    reader = meanings._Dictzip(write(tmp_path / "x.dict.dz", dictzip(data, 100)))
    assert reader.read(240, 100) == data[240:]
    assert reader.read(150, 1000) == data[150:]
    assert reader.read(250, 10) == b""
    assert reader.read(900, 10) == b""
    assert reader.read(10, 0) == b""


# --- dictzip: refusals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "magic",
    [b"\x1e\x8b\x08", b"\x1f\x8c\x08", b"\x1f\x8b\x07", b"\x1f\x8b\x09", b"PK\x03"],
    ids=["id1", "id2", "method-7", "method-9", "zip"],
)
def test_a_file_that_is_not_gzip_deflate_is_refused(tmp_path: Path, magic: bytes) -> None:
    """Every other byte of it a good dictzip file: only its first three bytes are wrong."""
    path = write(tmp_path / "x.dict.dz", dictzip(TEXT, 100, magic=magic))
    with pytest.raises(ValueError, match=r"^x\.dict\.dz is not a dictzip file$"):
        meanings._Dictzip(path)


@pytest.mark.parametrize("flags", [0, FTEXT, FNAME, FTEXT | FNAME | FCOMMENT, 2])
def test_a_gzip_file_without_an_extra_field_is_refused(tmp_path: Path, flags: int) -> None:
    """A gzip file whose flags do not announce an extra field, though its bytes 10-11 and on
    would read as one with a chunk table."""
    good = dictzip(TEXT, 100)
    path = write(tmp_path / "x.dict.dz", good[:3] + bytes([flags]) + good[4:])
    with pytest.raises(ValueError, match=r"^x\.dict\.dz is not a dictzip file$"):
        meanings._Dictzip(path)


@pytest.mark.parametrize(
    "extra",
    [
        b"",
        b"XY\x00\x00",
        b"PD\x02\x00RA",
        b"RA",  # a subfield's id with no length
        b"RA\x00",  # and a length cut short
        b"RA\x06\x00\x01\x00\x00\x00\x00\x00",  # chunks of 0 bytes, no chunk
        b"RA\x06\x00\x01\x00\x10\x00\x00\x00",  # no chunk
        b"RA\x08\x00\x01\x00\x00\x00\x01\x00\x05\x00",  # chunks of 0 bytes
    ],
    ids=[
        "empty",
        "other-subfield",
        "table-in-a-subfield",
        "id-only",
        "short-length",
        "0-0",
        "none",
        "0",
    ],
)
def test_an_extra_field_without_a_chunk_table_is_refused(tmp_path: Path, extra: bytes) -> None:
    path = write(tmp_path / "x.dict.dz", header_only(extra) + b"\x03\x00")
    with pytest.raises(ValueError, match=r"^x\.dict\.dz has no dictzip chunk table$"):
        meanings._Dictzip(path)


@pytest.mark.parametrize(
    "extra",
    [
        b"RA\x00\x00",  # an empty table, the extra field's last subfield
        b"PD\x01\x00zRA\x00\x00",
        b"RA\x04\x00\x01\x00\x00\x10",  # no count
        b"RA\x08\x00\x01\x00\x00\x10\x02\x00\x05\x00",  # two chunks counted, one listed
        b"RA\x09\x00\x01\x00\x00\x10\x02\x00\x05\x00\x07QQ\x00\x00",  # one byte of the second
        b"RA\x0a\x00\x01\x00\x00\x10\x02\x00\x05\x00",  # the subfield longer than the field
    ],
    ids=["empty", "empty-after", "no-count", "one-of-two", "half-a-size", "overlong"],
)
def test_a_damaged_chunk_table_is_refused(tmp_path: Path, extra: bytes) -> None:
    path = write(tmp_path / "x.dict.dz", header_only(extra) + b"\x03\x00")
    with pytest.raises(ValueError, match=r"^x\.dict\.dz has a damaged chunk table$"):
        meanings._Dictzip(path)


def test_the_chunk_table_is_read_whole_and_exactly(tmp_path: Path) -> None:
    """Sizes listed after the count are not chunks; the subfield after the table is read from
    where the table's length says it ends."""
    table = struct.pack("<HHHHHH", 1, 4096, 2, 700, 800, 900)  # a third size past the count
    extra = b"RA" + struct.pack("<H", len(table)) + table + b"QQ\x00\x00"
    reader = meanings._Dictzip(write(tmp_path / "x.dict.dz", header_only(extra)))
    assert reader._chunk == 4096
    assert reader._sizes == [700, 800]
    assert reader._starts == [12 + len(extra), 12 + len(extra) + 700]
    table = struct.pack("<HHHH", 1, 4096, 1, 300)
    extra = b"PD\x01\x00zRA" + struct.pack("<H", len(table)) + table + b"RA\x00\x00"
    with pytest.raises(ValueError, match="damaged chunk table"):  # the second, empty table
        meanings._Dictzip(write(tmp_path / "y.dict.dz", header_only(extra)))
    extra = b"RA\x00\x00" + b"RA" + struct.pack("<H", len(table)) + table
    with pytest.raises(ValueError, match="damaged chunk table"):  # the first, empty table
        meanings._Dictzip(write(tmp_path / "z.dict.dz", header_only(extra)))


def test_the_chunks_start_after_the_name_and_the_comment(tmp_path: Path) -> None:
    table = struct.pack("<6H", 1, 1000, 3, 10, 20, 30)
    extra = b"RA" + struct.pack("<H", len(table)) + table
    head = header_only(extra, FEXTRA | FNAME | FCOMMENT) + b"abc\0" + b"comment!\0"
    reader = meanings._Dictzip(write(tmp_path / "x.dict.dz", head))
    first = 12 + len(extra) + 4 + 9
    assert reader._starts == [first, first + 10, first + 30]
    reader = meanings._Dictzip(write(tmp_path / "y.dict.dz", header_only(extra, FEXTRA | FNAME)))
    assert reader._starts[0] == 12 + len(extra) + 1  # a name the file ends in: cut short
    reader = meanings._Dictzip(write(tmp_path / "z.dict.dz", header_only(extra, FEXTRA | FCOMMENT)))
    assert reader._starts[0] == 12 + len(extra) + 1  # and a comment
    crc = FEXTRA | FNAME | FCOMMENT | FHCRC
    reader = meanings._Dictzip(write(tmp_path / "c.dict.dz", header_only(extra, crc) + b"n\0c\0"))
    assert reader._starts[0] == 12 + len(extra) + 4 + 2  # the header's CRC-16 after them


# --- dictd dictionaries -----------------------------------------------------------------------


def test_a_dictionary_gives_every_entry_of_a_headword_in_any_case(dictd: Path) -> None:
    make_dictionary(
        dictd,
        "freedict-eng-fra",
        [
            ("Zephyr", "zephyr\nzéphyr\n"),
            ("amber", "amber\nambre\n"),
            ("Amber", "Amber\nAmbre (a name)\n"),
            ("amberjack", "amberjack\nsériole\n"),
            ("ambe", "ambe\nx\n"),
        ],
        chunk=16,
    )
    d = meanings._Dictionary("freedict-eng-fra")
    assert sorted(d.entries("AMBER")) == ["Amber\nAmbre (a name)\n", "amber\nambre\n"]
    assert list(d.entries("zephyr")) == ["zephyr\nzéphyr\n"]
    assert list(d.entries("amberj")) == []


def test_an_index_line_without_three_fields_is_not_an_entry(dictd: Path) -> None:
    (dictd / "freedict-eng-fra.dict.dz").write_bytes(dictzip(b"mint\nmenthe\n", 100))
    (dictd / "freedict-eng-fra.index").write_bytes(
        b"mint\tA\n" + b"mint\tA\tM\n" + b"mint\tA\tE\textra\n"
    )
    d = meanings._Dictionary("freedict-eng-fra")
    assert list(d.entries("mint")) == ["mint\nmenthe\n"]


def test_an_entry_that_is_not_utf8_is_refused(dictd: Path) -> None:
    (dictd / "freedict-eng-fra.dict.dz").write_bytes(dictzip(b"mint\nmenth\xe9\n", 100))
    (dictd / "freedict-eng-fra.index").write_bytes(b"mint\tA\tM\n")
    d = meanings._Dictionary("freedict-eng-fra")
    with pytest.raises(UnicodeDecodeError):
        list(d.entries("mint"))
    assert meanings.translate("mint", ("eng", "fra")) == []


def test_a_dictionary_whose_index_is_missing_or_empty_is_not_installed(dictd: Path) -> None:
    (dictd / "freedict-eng-fra.dict.dz").write_bytes(dictzip(b"mint\nmenthe\n", 100))
    assert meanings._dictionary("freedict-eng-fra") is None
    (dictd / "freedict-eng-deu.dict.dz").write_bytes(dictzip(b"mint\nMinze\n", 100))
    (dictd / "freedict-eng-deu.index").write_bytes(b"")  # an empty file cannot be mapped
    assert meanings._dictionary("freedict-eng-deu") is None


def test_installed_lists_the_dictionaries_there_are(
    dictd: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    wordnet = tmp_path_factory.mktemp("wordnet")
    monkeypatch.setattr(meanings, "WORDNET", wordnet)
    assert meanings.installed() == []
    for name in ("freedict-deu-eng", "freedict-eng-rus"):
        make_dictionary(dictd, name, [("a", "a\nb\n")], chunk=100)
    meanings._dictionary.cache_clear()
    assert meanings.installed() == ["freedict-eng-rus", "freedict-deu-eng"]
    (wordnet / "data.noun").write_bytes(b"")
    assert "wordnet" not in meanings.installed()
    (wordnet / "index.noun").mkdir()
    assert "wordnet" not in meanings.installed()
    (wordnet / "index.noun").rmdir()
    (wordnet / "index.noun").write_bytes(b"")
    assert meanings.installed() == ["freedict-eng-rus", "freedict-deu-eng", "wordnet"]


# --- the sorted-index search ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "start", "sep", "head"),
    [
        (b"Amber\tA\tB\n", 0, b"\t", b"amber"),
        (b"x\nAmber\tA\tB\nzz\tC\tD\n", 2, b"\t", b"amber"),
        (b"Amber", 0, b"\t", b"amber"),  # the last line, no separator, no newline
        (b"amber\nZinc\tA\tB\n", 0, b"\t", b"amber"),  # no separator before the line's end
        (b"amber\nzinc\n", 0, b"\t", b"amber"),  # no separator at all
        (b"\tA\tB\n", 0, b"\t", b""),  # an empty headword
        (b"\nAmber\tA\tB\n", 0, b"\t", b""),  # an empty line
        (b"\nAmber", 0, b"\t", b""),  # an empty line, no separator after it
        (b"snow_leopard n 1 0\n", 0, b" ", b"snow_leopard"),
        (b"\xffAmber\tA\tB\n", 0, b"\t", "\ufffdamber".encode()),  # not UTF-8: replaced
        ("ÄRMEL\tA\tB\n".encode(), 0, b"\t", "ärmel".encode()),
    ],
    ids=[
        "first",
        "middle",
        "last-bare",
        "no-sep-in-line",
        "no-sep",
        "empty-head",
        "empty-line",
        "empty-line-bare",
        "space",
        "not-utf8",
        "umlaut",
    ],
)
def test_a_headword_is_the_first_field_in_lower_case(
    index: bytes, start: int, sep: bytes, head: bytes
) -> None:
    assert meanings._headword(index_of(index), start, sep) == head


SORTED = b"".join(
    f"{w}\t{b64(i)}\tB\n".encode()
    for i, w in enumerate(
        ["ab", "abc", "Abc", "abd", "b", "ba", "ba", "bz", "c", "cab", "snow leopard", "snowball"]
    )
)


@pytest.mark.parametrize(
    ("key", "want"),
    [
        (b"ab", [b"ab\tA\tB"]),
        (b"abc", [b"abc\tB\tB", b"Abc\tC\tB"]),
        (b"ba", [b"ba\tF\tB", b"ba\tG\tB"]),
        (b"snowball", [b"snowball\tL\tB"]),
        (b"snow leopard", [b"snow leopard\tK\tB"]),
        (b"a", []),
        (b"abcd", []),
        (b"bb", []),
        (b"zz", []),
        (b"", []),
    ],
)
def test_the_search_gives_exactly_the_lines_of_a_headword(key: bytes, want: list[bytes]) -> None:
    assert lines(SORTED, key) == want
    assert lines(SORTED.rstrip(b"\n"), key) == want  # with no newline after the last line


@pytest.mark.parametrize(
    ("index", "key", "want"),
    [
        (b"ab\tx\ncd\ty", b"cd", [b"cd\ty"]),  # the last line, no newline
        (b"ab\tx\ncd\ty", b"zz", []),  # past the last line, no newline
        (b"ab\tx\ncd\ty\n", b"zz", []),
        (b"ab\tx", b"ab", [b"ab\tx"]),  # one line, no newline
        (b"\nab\tx\n", b"ab", [b"ab\tx"]),  # an empty first line
        (b"\nab\tx\n", b"", [b""]),  # which is the empty headword's
        (b"\tA\tB\n", b"", [b"\tA\tB"]),  # the empty headword, the index's only line
        (b"\tA\tB\nb\tC\n", b"", [b"\tA\tB"]),
        (b"\tA\tB\n\tC\tD\nb\tE\n", b"", [b"\tA\tB", b"\tC\tD"]),
        (b"", b"a", []),
    ],
    ids=[
        "last-bare",
        "past-bare",
        "past",
        "only-bare",
        "empty-first-line",
        "empty-line-is-empty-head",
        "empty-head-only",
        "empty-head-first",
        "two-empty-heads",
        "empty-index",
    ],
)
def test_the_search_at_the_index_edges(index: bytes, key: bytes, want: list[bytes]) -> None:
    if index:
        assert lines(index, key) == want
    else:
        assert list(meanings._lines_of(b"", key, b"\t")) == want  # type: ignore[arg-type]


def test_the_search_is_a_binary_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """On an index of 4096 lines, finding a line reads a few dozen headwords, not thousands:
    the first matching line is found by halving, then only the matching lines are read."""
    words = [f"w{n:05d}" for n in range(4096)]
    index = index_of("".join(f"{w}\tA\tB\n" for w in words).encode())
    calls = 0
    headword = meanings._headword

    def counted(index: mmap.mmap, start: int, sep: bytes) -> bytes:
        nonlocal calls
        calls += 1
        return headword(index, start, sep)

    monkeypatch.setattr(meanings, "_headword", counted)
    for word in ("w00000", "w00001", "w02047", "w02048", "w03000", "w04094", "w04095", "w5"):
        calls = 0
        found = list(itertools.islice(meanings._lines_of(index, word.encode(), b"\t"), 3))
        assert found == ([f"{word}\tA\tB".encode()] if word != "w5" else [])
        assert calls <= 2 * 12 + 2, (word, calls)


# --- translations an entry gives --------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "want"),
    [
        ("willow\nWeide\n", ["Weide"]),
        ("willow\n1. Weide\n2. Korbweide\n", ["Weide", "Korbweide"]),
        ("willow\n12.Weide\n", ["Weide"]),
        ("willow\n1.  Weide, Salweide; Korbweide\n", ["Weide", "Salweide", "Korbweide"]),
        ("willow\nWeide <fem> [bot.], (Baum) Salweide {pl}\n", ["Weide", "Salweide"]),
        ("willow /wilou/\n\n   \nWeide\n", ["Weide"]),
        ("Weide\n", []),  # the headword's line only
        ("red apricot\nabricot   rouge\n", ["abricot rouge"]),
        ("apricot\n  abricot.\n", ["abricot"]),
        ("apricot\n.abricot\n", []),  # a leading stop is not a word's
        ("apricot\nabricot..\n", ["abricot"]),
        (
            "nightingale\n1. bülbül, (zool.) Luscinia megarhynchos.\n",
            ["bülbül", "Luscinia megarhynchos"],
        ),
        ("x\nMalcolm X.\n", ["Malcolm X"]),
        ("x\nthe long river of a land far away\n", []),
        ("x\n1. 12 mm, km\n", ["km"]),
    ],
    ids=[
        "one",
        "numbered",
        "number-no-space",
        "commas-semicolons",
        "grammar",
        "blank-lines",
        "headword-only",
        "spaces",
        "trailing-stop",
        "leading-stop",
        "two-stops",
        "turkish",
        "ends-in-x",
        "definition",
        "number",
    ],
)
def test_an_entry_gives_its_translations(entry: str, want: list[str]) -> None:
    assert meanings._translations(entry) == want


@pytest.mark.parametrize(
    "line",
    [
        " see: {osier}, sallow",
        "         Note: Baum, Stamm",
        "   Synonym: {osier}, sallow",
        "   Synonyms: {osier}, {sallow}, withy",
        '      "Trauerweide" weeps, Klagebaum',
    ],
    ids=["see", "note", "synonym", "synonyms", "example"],
)
def test_notes_references_and_examples_give_no_translation(line: str) -> None:
    assert meanings._translations(f"willow\nWeide\n{line}\nKorbweide\n") == ["Weide", "Korbweide"]


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Synonym <neut>, andere Bezeichnung <fem>", ["Synonym", "andere Bezeichnung"]),
        ("Synonyme <pl>, Stellvertreterwörter <pl>", ["Synonyme", "Stellvertreterwörter"]),
        ("Synonymwörterbuch <neut>", ["Synonymwörterbuch"]),
        ("synonym, like word", ["synonym", "like word"]),
        ("SEE: sallow, osier", ["osier"]),
        ("note: sallow, osier", ["osier"]),
        ("NOTE: sallow, osier", ["osier"]),
        ("SYNONYM: sallow, osier", ["osier"]),
        ("synonym: sallow, osier", ["osier"]),
        ("SYNONYMS: sallow, osier", ["osier"]),
        ("synonyms: sallow, osier", ["osier"]),
        ("Seeweide, Notweide", ["Seeweide", "Notweide"]),
    ],
    ids=[
        "synonym-de",
        "synonyme-de",
        "synonymwoerterbuch",
        "synonym-en",
        "SEE",
        "note",
        "NOTE",
        "SYNONYM",
        "synonym",
        "SYNONYMS",
        "synonyms",
        "see-note-words",
    ],
)
def test_a_translation_that_begins_like_a_marker_is_a_translation(
    line: str, want: list[str]
) -> None:
    """FreeDict's markers are "see:", "Note:", "Synonym:" and "Synonyms:", spelt so: the German
    word for "synonym" is a translation, and so is what follows a marker spelt otherwise."""
    assert meanings._translations(f"word\n{line}\n") == want


@needs_freedict
def test_the_german_for_synonym_is_given() -> None:
    """FreeDict eng-deu: "synonym" is "Synonym, andere Bezeichnung, Stellvertreterwort", on a
    line of its own that begins with "Synonym"."""
    assert meanings.translate("synonym", ("eng", "deu"))[:3] == [
        "Synonym",
        "andere Bezeichnung",
        "Stellvertreterwort",
    ]


# --- what a wording is ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Weide",
        "abricot rouge",
        "Panthera uncia leo",
        "Rouge-gorge",
        "l'ounce",
        "O'Neil-Hart",
        "bülbül",
    ],
)
def test_a_wording_is_one_to_three_words_of_letters(text: str) -> None:
    assert meanings._a_wording(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "one two three four",
        "-",
        "'",
        "- '",
        "--",
        "12",
        "Weide2",
        "Nr.",
        "Weide,",
        "a_b",
        "foot ft.",
    ],
)
def test_a_wording_is_not_an_empty_text_a_sentence_a_number_or_a_mark(text: str) -> None:
    assert not meanings._a_wording(text)


# --- translate, from the installed dictionaries -----------------------------------------------


@needs_freedict
def test_every_entry_of_a_word_is_translated_in_order_once() -> None:
    """deu-eng has three entries "Note": a musical note, a diplomatic note, a school mark."""
    assert meanings.translate("Note", ("deu", "eng")) == [
        "note",
        "musical note",
        "memorandum",
        "mark",
        "grade",
    ]


@needs_freedict
def test_a_word_with_sharp_s_is_found() -> None:
    """ "Fuß" in capitals is "FUSS", which is another word: the word is looked up as written."""
    assert "foot" in meanings.translate("Fuß", ("deu", "eng"))
    assert "foot" in meanings.translate("FUß", ("deu", "eng"))


def test_a_dictionary_not_installed_gives_nothing(dictd: Path) -> None:
    assert meanings.translate("mint", ("eng", "fra")) == []


def test_translate_reads_the_pair_asked_for(dictd: Path) -> None:
    make_dictionary(dictd, "freedict-eng-fra", [("mint", "mint\nmenthe\n")], chunk=100)
    make_dictionary(dictd, "freedict-fra-eng", [("mint", "mint\nwrong way\n")], chunk=100)
    assert meanings.translate("Mint", ("eng", "fra")) == ["menthe"]
    assert meanings.translate("MINT", ("fra", "eng")) == ["wrong way"]


# --- WordNet ----------------------------------------------------------------------------------


def wordnet(
    folder: Path, synsets: list[tuple[str, list[str]]], index: list[tuple[str, list[int]]]
) -> None:
    """A WordNet in miniature: data.noun's synsets (hex word counts, as WordNet writes them),
    and index.noun's lines naming synsets by their number in ``synsets``."""
    data = b"  1 A licence line, as WordNet's files begin.\n"
    offsets = []
    for lexname, words in synsets:
        offsets.append(len(data))
        body = " ".join(f"{w} 0" for w in words)
        data += f"{len(data):08d} 05 n {len(words):02x} {body} 000 | {lexname}\n".encode()
    lines_ = ["  1 A licence line, as WordNet's files begin.\n"]
    for lemma, senses in sorted(index):
        ptrs = f"{len(senses)} 1 @ {len(senses)} 0"
        lines_.append(f"{lemma} n {ptrs} " + " ".join(f"{offsets[s]:08d}" for s in senses) + "  \n")
    (folder / "data.noun").write_bytes(data)
    (folder / "index.noun").write_text("".join(lines_), "utf-8")


@pytest.fixture
def small_wordnet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    wordnet(
        tmp_path,
        [
            ("a large cat", ["snow_leopard", "ounce", "Panthera_uncia"]),
            ("a unit", ["ounce", "oz."]),
            ("a bird", ["nightingale", "Luscinia_megarhynchos"]),
            ("a nurse", ["Nightingale", "Florence_Nightingale", "Lady_with_the_Lamp"]),
            ("ten", [f"ten_{c}" for c in "abcdefghij"]),
            ("sixteen", [f"six_{c}" for c in "abcdefghijklmnop"]),
            ("self", ["Tessellate", "tessellate", "mosaic", "MOSAIC"]),
        ],
        [
            ("snow_leopard", [0]),
            ("ounce", [1, 0]),
            ("nightingale", [2, 3]),
            ("decad", [4]),
            ("sixteen", [5]),
            ("tessellate", [6]),
        ],
    )
    monkeypatch.setattr(meanings, "WORDNET", tmp_path)
    return tmp_path


def test_the_synonyms_are_the_first_synsets_other_words(small_wordnet: Path) -> None:
    assert meanings.synonyms("snow leopard") == ["ounce", "Panthera uncia"]
    assert meanings.synonyms("Snow   Leopard") == ["ounce", "Panthera uncia"]
    assert meanings.synonyms("ounce") == ["oz."]  # the unit is its first sense here
    assert meanings.synonyms("nightingale") == ["Luscinia megarhynchos"]
    assert meanings.synonyms("tessellate") == ["mosaic", "MOSAIC"]


def test_a_synset_of_ten_or_sixteen_words_is_read_whole(small_wordnet: Path) -> None:
    """WordNet writes a synset's word count in hexadecimal: 0a, 10."""
    assert meanings.synonyms("decad") == [f"ten {c}" for c in "abcdefghij"]
    assert meanings.synonyms("sixteen") == [f"six {c}" for c in "abcdefghijklmnop"]


def test_a_lemma_wordnet_lacks_has_no_synonym(small_wordnet: Path) -> None:
    assert meanings.synonyms("snow") == []
    assert meanings.synonyms("snow leopards") == []
    assert meanings.synonyms("") == []


def test_a_wordnet_missing_a_file_gives_no_synonym(small_wordnet: Path) -> None:
    (small_wordnet / "data.noun").unlink()
    assert meanings.synonyms("snow leopard") == []
    (small_wordnet / "data.noun").mkdir()
    assert meanings.synonyms("snow leopard") == []


def test_a_wordnet_without_its_index_gives_no_synonym(small_wordnet: Path) -> None:
    (small_wordnet / "index.noun").unlink()
    assert meanings.synonyms("snow leopard") == []


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"00000047 05 n\n",
        b"00000047 05 n zz snow 0\n",
        "00000047 05 n 01 \xff".encode("latin-1"),
    ],
    ids=["empty", "short", "not-hex", "not-utf8"],
)
def test_a_damaged_wordnet_gives_no_synonym(small_wordnet: Path, data: bytes) -> None:
    (small_wordnet / "data.noun").write_bytes(b"x" * 47 + data)
    (small_wordnet / "index.noun").write_bytes(b"snow_leopard n 1 0 1 0 00000047  \n")
    assert meanings.synonyms("snow leopard") == []


@needs_wordnet
def test_the_installed_wordnets_synonyms_are_exact() -> None:
    assert meanings.synonyms("snow leopard") == ["ounce", "Panthera uncia"]
    assert meanings.synonyms("Pomegranate") == ["pomegranate tree", "Punica granatum"]


def test_a_wordnet_file_that_is_not_a_regular_file_is_not_opened(small_wordnet: Path) -> None:
    """A data.noun that is a named pipe (or a device) would block or never end: it is not
    opened. A watcher opens the pipe's other end only if a reader is waiting on it, so a reader
    never blocks this test, and the watcher says whether there was one."""
    data = small_wordnet / "data.noun"
    data.unlink()
    os.mkfifo(data)
    stop = threading.Event()
    reader_seen = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                fd = os.open(data, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: nobody has the pipe open for reading
                stop.wait(0.005)
                continue
            reader_seen.set()
            os.close(fd)
            return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        assert meanings.synonyms("snow leopard") == []
    finally:
        stop.set()
        watcher.join(5)
    assert not reader_seen.is_set()
