"""What the reader tests share: whether a redaction removes every character of a part."""

from __future__ import annotations

from vault.redact.engine import redact
from vault.redact.entities import TermSet


def covered(text: str, part: str, known: TermSet, lang: str = "en") -> bool:
    """Whether the redaction of ``text`` removes every character of ``part``."""
    a = text.index(part)
    cover = {
        i for r in redact(text, lang=lang, known=known).redactions for i in range(r.start, r.end)
    }
    return all(i in cover for i in range(a, a + len(part)))
