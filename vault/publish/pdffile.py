"""A PDF of the document's HTML, with WeasyPrint and the system's Noto fonts.

Reads nothing but fonts: every URL the HTML could name is refused. Nothing hidden goes out:
the Info dictionary is rebuilt with the title, the organisation as Author and Creator, the
publication day at 00:00:00 UTC as both dates, and no Producer (WeasyPrint writes its name and
version there); no XMP stream is written. Reproducible: the file /ID is derived from the HTML,
and the subset fonts' ``head.modified`` (fontTools stamps "now" when it saves a subset, unless
``SOURCE_DATE_EPOCH`` is set) is the publication day. A character no embedded font draws makes
the PDF refused, never shipped with an empty box.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from weasyprint import HTML

from vault.errors import UsageError
from vault.publish.glyphs import missing_glyphs
from vault.publish.layout import Layout

_EPOCH_LOCK = threading.Lock()


class MissingGlyphError(UsageError):
    """The document has characters no installed font can draw; nothing was written."""


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> NoReturn:
    raise UsageError("a published document may not load anything (a URL was named)")


@contextmanager
def _source_date(day: dt.date) -> Iterator[None]:
    """``SOURCE_DATE_EPOCH`` set to ``day`` for the time of one rendering (under a lock: the
    environment is the process's)."""
    epoch = str(calendar.timegm(day.timetuple()))
    with _EPOCH_LOCK:
        before = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = epoch
        try:
            yield
        finally:
            if before is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = before


def _drop_producer(document: Any, pdf_file: Any) -> None:
    # WeasyPrint names itself and its version as Producer; nothing else it writes is not ours.
    pdf_file.info.pop("Producer", None)


def pdf(layout: Layout, html: str) -> bytes:
    """The PDF of ``html`` (the layout's HTML); refuses a document with a missing glyph."""
    stamp = f"{layout.published.isoformat()}T00:00:00Z"
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    with _source_date(layout.published):
        document = HTML(string=html, url_fetcher=_refuse_fetch).render()
        metadata = document.metadata
        metadata.title = layout.meta_title
        metadata.authors = [layout.author]
        metadata.generator = layout.author  # the PDF's Creator
        metadata.description = metadata.keywords = None
        metadata.created = metadata.modified = stamp
        metadata.custom = {}
        metadata.attachments = []
        metadata.xmp_metadata = []
        data: bytes = document.write_pdf(
            finisher=_drop_producer, pdf_identifier=identifier, custom_metadata=False
        )
    missing = missing_glyphs(data)
    if missing:
        points = ", ".join(f"U+{ord(c):04X}" for c in sorted(missing))
        raise MissingGlyphError(f"no installed font draws these characters: {points}")
    return data
