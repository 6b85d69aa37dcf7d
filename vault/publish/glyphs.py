"""Which characters of a PDF no embedded font draws. Pure (bytes in, characters out).

WeasyPrint embeds subsets of the fonts it used and a ToUnicode map per font (glyph id ->
characters). A character is drawn when a real glyph shows it: its glyph id exists in the
embedded font program, is not ``.notdef``, and has an outline (blank glyphs are only right for
spaces and format characters), or the font's own cmap maps it (directly, or through a
presentation form or ligature whose compatibility decomposition contains it: Arabic letters are
drawn by their contextual forms). A character the text shows through a glyph that fails those
checks, or that no font draws, is missing: a reader would see an empty box or nothing.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

_HEX = r"<([0-9A-Fa-f]+)>"
_BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(r"beginbfrange(.*?)endbfrange", re.S)
_PAIR = re.compile(rf"{_HEX}\s*{_HEX}")
_RANGE = re.compile(rf"{_HEX}\s*{_HEX}\s*(?:{_HEX}|\[([^\]]*)\])")
_BLANK_OK = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
#: What is reported when a font shows text without saying which characters (no ToUnicode).
UNKNOWN = "\ufffd"


def _utf16(hex_text: str) -> str:
    return bytes.fromhex(hex_text).decode("utf-16-be", errors="replace")


def to_unicode(cmap: bytes) -> dict[int, str]:
    """A ToUnicode CMap as {character code: text} (``bfchar`` and ``bfrange`` entries)."""
    source = cmap.decode("latin-1")
    mapping: dict[int, str] = {}
    for block in _BFCHAR.findall(source):
        for code, text in _PAIR.findall(block):
            mapping[int(code, 16)] = _utf16(text)
    for block in _BFRANGE.findall(source):
        for low, high, start, array in _RANGE.findall(block):
            first, last = int(low, 16), int(high, 16)
            if array:
                for offset, text in enumerate(re.findall(_HEX, array)):
                    mapping[first + offset] = _utf16(text)
                continue
            base = bytes.fromhex(start)
            head, tail = base[:-2], int.from_bytes(base[-2:], "big")
            for offset in range(last - first + 1):
                unit = head + ((tail + offset) & 0xFFFF).to_bytes(2, "big")
                mapping[first + offset] = unit.decode("utf-16-be", errors="replace")
    return mapping


def _fonts(resources: Any, seen: set[int]) -> Iterator[Any]:
    """Every font of a resource dictionary and of the form XObjects it holds, once each."""
    if resources is None:
        return
    resources = resources.get_object()
    fonts = resources.get("/Font")
    for ref in (fonts.get_object() if fonts is not None else {}).values():
        font = ref.get_object()
        if id(font) not in seen:
            seen.add(id(font))
            yield font
    xobjects = resources.get("/XObject")
    for ref in (xobjects.get_object() if xobjects is not None else {}).values():
        xobject = ref.get_object()
        if id(xobject) not in seen:
            seen.add(id(xobject))
            yield from _fonts(xobject.get("/Resources"), seen)


def _program(font: Any) -> tuple[TTFont | None, Any]:
    """The embedded font program (fontTools) and the CIDFont dictionary, if any."""
    cid_font = None
    descriptor = font.get("/FontDescriptor")
    if "/DescendantFonts" in font:
        cid_font = font["/DescendantFonts"][0].get_object()
        descriptor = cid_font.get("/FontDescriptor")
    if descriptor is None:
        return None, cid_font
    descriptor = descriptor.get_object()
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key in descriptor:
            data = descriptor[key].get_object().get_data()
            try:
                return TTFont(io.BytesIO(data), lazy=False), cid_font
            except Exception:  # a Type 1 or bare CFF program: it cannot be checked, so fails
                return None, cid_font
    return None, cid_font


def _glyph_name(program: TTFont, cid_font: Any, code: int) -> str | None:
    """The glyph a character code shows, or None when the program has no such glyph."""
    order = program.getGlyphOrder()
    if "CFF " in program and program["CFF "].cff.topDictIndex[0].ROS is not None:
        name = f"cid{code:05d}"  # CID-keyed CFF: glyphs are named by CID
        return name if name in program.getGlyphSet() else None
    gid = code
    mapping = cid_font.get("/CIDToGIDMap") if cid_font is not None else None
    if mapping is not None and not isinstance(mapping.get_object(), str):
        table = mapping.get_object().get_data()
        gid = int.from_bytes(table[2 * code : 2 * code + 2], "big") if 2 * code < len(table) else 0
    return order[gid] if 0 <= gid < len(order) else None


def _has_outline(program: TTFont, name: str) -> bool:
    if "glyf" in program:
        glyph = program["glyf"][name]
        return bool(glyph.numberOfContours)
    glyph_set = program.getGlyphSet()
    pen = BoundsPen(glyph_set)
    glyph_set[name].draw(pen)
    return pen.bounds is not None


def _covered_by_cmap(program: TTFont) -> set[str]:
    chars = {chr(code) for code in (program.getBestCmap() or {})}
    return chars | {c for char in chars for c in unicodedata.normalize("NFKC", char)}


def missing_glyphs(pdf: bytes) -> set[str]:
    """Every character the PDF's text shows that no embedded font draws with a real glyph.

    A font without a ToUnicode map hides what it shows: it is reported as ``UNKNOWN``.
    """
    reader = PdfReader(io.BytesIO(pdf))
    shown: set[str] = set()
    drawn: set[str] = set()
    failed: set[str] = set()
    seen: set[int] = set()
    for page in reader.pages:
        for font in _fonts(page.get("/Resources"), seen):
            if "/ToUnicode" not in font:
                failed.add(UNKNOWN)
                continue
            mapping = to_unicode(font["/ToUnicode"].get_object().get_data())
            program, cid_font = _program(font)
            for code, text in mapping.items():
                shown.update(text)
                name = None if program is None else _glyph_name(program, cid_font, code)
                blank_ok = all(unicodedata.category(c) in _BLANK_OK for c in text)
                if program is not None and name is not None and name != ".notdef":
                    real = blank_ok or _has_outline(program, name)
                    (drawn if real else failed).update(text)
                elif not blank_ok:
                    failed.update(text)
            if program is not None:
                drawn |= _covered_by_cmap(program)
    missing = (shown - drawn) | failed
    return {c for c in missing if unicodedata.category(c) not in _BLANK_OK}
