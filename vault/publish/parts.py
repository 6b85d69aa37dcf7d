"""Every text-bearing part of a written file, for the last leak gate. Pure (bytes in).

A value hidden anywhere a reader or a tool could find it must be in one of the parts: the
file's name; for DOCX every zip entry's name, the zip comments, each XML part's paragraph text
(runs joined, so a name cut into several runs reads whole), all its text nodes and attribute
values, and any non-XML part's bytes; for PDF the Info dictionary and XMP, each page's
extracted text, every string of every object (bookmarks, annotations, names) and the
decompressed bytes of every stream, read as Latin-1 and, where it looks like it, as UTF-16BE;
for HTML the document as written and as a reader sees it (tags dropped, entities decoded, so
``<bdi>`` or ``&#39;`` cannot split a value); for Markdown the text as written and without its
backslash escapes.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import Any

from docx.opc.oxml import parse_xml
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from vault.errors import UsageError

_W_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
_TAG = re.compile(r"<[^>]*>")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _utf16_if_text(data: bytes) -> str | None:
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", errors="replace")
    if len(data) >= 4 and len(data) % 2 == 0:
        highs = data[0::2]
        if highs.count(0) * 3 >= len(highs):
            return data.decode("utf-16-be", errors="replace")
    return None


def _raw(where: str, data: bytes) -> list[tuple[str, str]]:
    found = [(where, data.decode("latin-1"))]
    wide = _utf16_if_text(data)
    if wide is not None:
        found.append((f"{where} (UTF-16BE)", wide))
    return found


def _xml_parts(where: str, data: bytes) -> list[tuple[str, str]]:
    try:
        root = parse_xml(data)  # type: ignore[arg-type]  # python-docx's parser: no entities, no network
    except Exception:  # not well-formed: scanned as bytes instead
        return _raw(where, data)
    paragraphs = ["".join(p.itertext()) for p in root.iter(_W_P)]
    texts = [t for t in root.itertext() if t.strip()]
    attributes = [
        f"{str(name).rpartition('}')[2]}={value}"
        for element in root.iter()
        for name, value in element.attrib.items()
    ]
    found = [(f"{where} text", "\n".join(texts)), (f"{where} attributes", "\n".join(attributes))]
    if paragraphs:
        found.append((f"{where} paragraphs", "\n".join(paragraphs)))
    return found


def _docx(data: bytes) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        found.append(("zip comment", archive.comment.decode("latin-1")))
        for info in archive.infolist():
            found.append(("zip entry name", info.filename))
            if info.comment or info.extra:
                found.append(
                    (f"{info.filename} zip comment", (info.comment + info.extra).decode("latin-1"))
                )
            body = archive.read(info)
            if info.filename.endswith((".xml", ".rels")) or body.lstrip().startswith(b"<?xml"):
                found.extend(_xml_parts(info.filename, body))
            else:
                found.extend(_raw(info.filename, body))
    return found


def _strings(value: Any, out: list[str]) -> None:
    """Every string and name inside one object, not following references (each indirect object
    is visited on its own)."""
    if isinstance(value, IndirectObject):
        return
    if isinstance(value, DictionaryObject):
        for key, item in value.items():
            out.append(str(key))
            _strings(item, out)
    elif isinstance(value, ArrayObject):
        for item in value:
            _strings(item, out)
    elif isinstance(value, str | bytes):
        out.append(value if isinstance(value, str) else value.decode("latin-1"))


def _object(reader: PdfReader, number: int) -> Any:
    try:
        return reader.get_object(number)
    except Exception:  # a free or unreadable slot holds nothing to read
        return None


def _pdf(data: bytes) -> list[tuple[str, str]]:
    reader = PdfReader(io.BytesIO(data))
    found: list[tuple[str, str]] = []
    info: dict[str, Any] = dict(reader.metadata or {})
    found.append(("PDF info", "\n".join(f"{key}={value}" for key, value in info.items())))
    root: Any = reader.trailer["/Root"]
    xmp = root.get_object().get("/Metadata")
    if xmp is not None:
        found.extend(_raw("PDF XMP", xmp.get_object().get_data()))
    for number, page in enumerate(reader.pages, 1):
        found.append((f"page {number} text", page.extract_text() or ""))
    size = int(reader.trailer.get("/Size", 0))
    for number in range(1, size):
        obj = _object(reader, number)
        if obj is None:
            continue
        strings: list[str] = []
        _strings(obj, strings)
        if strings:
            found.append((f"object {number} strings", "\n".join(strings)))
        if isinstance(obj, StreamObject):
            found.extend(_raw(f"object {number} stream", obj.get_data()))
    found.extend(_raw("PDF trailer", repr(dict(reader.trailer)).encode("utf-8", "replace")))
    return found


def text_parts(file_name: str, fmt: str, data: bytes) -> list[tuple[str, str]]:
    """(where, text) for every text-bearing part of ``data``, a file written as ``fmt``; the
    first part is the file name itself. An unknown format is a UsageError."""
    parts: list[tuple[str, str]] = [("file name", file_name)]
    if fmt == "docx":
        parts.extend(_docx(data))
    elif fmt == "pdf":
        parts.extend(_pdf(data))
    elif fmt == "html":
        text = data.decode("utf-8", errors="replace")
        parts.append(("HTML", text))
        parts.append(("HTML as read", html.unescape(_TAG.sub("", text))))
        parts.append(("HTML entities decoded", html.unescape(text)))
    elif fmt == "md":
        text = data.decode("utf-8", errors="replace")
        parts.append(("Markdown", text))
        parts.append(("Markdown unescaped", _MD_ESCAPE.sub(r"\1", text)))
    else:
        raise UsageError(f"unknown format {fmt!r}")
    return parts
