"""Right-to-left spans in left-to-right text (a Uyghur name in Arabic script). Pure.

A span starts at a strong right-to-left character (Unicode bidi class R or AL, and Arabic
digits AN) and runs to the last one before the next strong left-to-right character (class L):
spaces and punctuation between two right-to-left words stay inside, those at its edges stay
outside. The writers mark each span (a DOCX run with ``w:rtl``, an HTML ``<bdi>``) so a viewer
lays it out right to left without reordering the text around it.
"""

from __future__ import annotations

import unicodedata

_RTL = frozenset({"R", "AL", "AN"})


def is_rtl(char: str) -> bool:
    """Whether ``char`` is strongly right-to-left (bidi class R, AL or AN)."""
    return unicodedata.bidirectional(char) in _RTL


def _is_ltr(char: str) -> bool:
    return unicodedata.bidirectional(char) == "L"


def spans(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into consecutive (piece, is_rtl) spans; joined they give ``text`` back."""
    pieces: list[tuple[str, bool]] = []
    start = 0
    i = 0
    while i < len(text):
        if not is_rtl(text[i]):
            i += 1
            continue
        end = i + 1  # one past the last right-to-left character of this span
        j = end
        while j < len(text) and not _is_ltr(text[j]):
            if is_rtl(text[j]):
                end = j + 1
            j += 1
        if start < i:
            pieces.append((text[start:i], False))
        pieces.append((text[i:end], True))
        start = i = end
    if start < len(text):
        pieces.append((text[start:], False))
    return pieces


def mostly_rtl(text: str) -> bool:
    """Whether ``text`` has more strong right-to-left than left-to-right characters."""
    rtl = sum(1 for c in text if is_rtl(c))
    ltr = sum(1 for c in text if _is_ltr(c))
    return rtl > ltr
