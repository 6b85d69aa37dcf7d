"""Render an Urgent Action: the one entry point of the writers.

``render(doc, fmt)`` gives the bytes of one file; the same document gives the same bytes in
every format. :func:`languages` and :func:`bundle_digest` say which languages exist and which
exact templates and wordings made a file.
"""

from __future__ import annotations

from vault.errors import UsageError
from vault.publish import markup, pdffile, wordfile
from vault.publish.bundle import bundle_digest
from vault.publish.catalogue import languages
from vault.publish.document import FORMATS, UrgentAction
from vault.publish.layout import layout

__all__ = ["FORMATS", "bundle_digest", "languages", "render"]


def render(doc: UrgentAction, fmt: str) -> bytes:
    """The file of ``doc`` in format ``fmt`` (one of :data:`FORMATS`) as bytes.

    Does no I/O but reading package data and, for PDF, the system fonts. An unknown format or
    language is a :class:`~vault.errors.UsageError`; a PDF with a character no font draws is a
    :class:`~vault.publish.pdffile.MissingGlyphError` (a UsageError).
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    page = layout(doc)
    if fmt == "md":
        return markup.markdown(page).encode("utf-8")
    if fmt == "html":
        return markup.html(page).encode("utf-8")
    if fmt == "docx":
        return wordfile.docx(page)
    return pdffile.pdf(page, markup.html(page))
