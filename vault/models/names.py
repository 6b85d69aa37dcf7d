"""Search terms for names, so that spelling, case, diacritics and script do not hide a match.

Both sides of a search fold through :mod:`vault.models.folding`, the pipeline redaction uses:
the terms indexed when a case is written and the forms looked up for a typed query. Pure: no I/O.
"""

from __future__ import annotations

from vault.models.folding import runs


def search_terms(text: str) -> set[str]:
    """Every term a name is findable by: each of its words (a run of Chinese characters is one
    word), and all its words run together. Order-free: a query matches when all its words are
    present."""
    name_words = runs(text)
    terms = set(name_words)
    if len(name_words) > 1:
        terms.add("".join(name_words))
    return terms


def query_terms(text: str) -> list[set[str]]:
    """For a typed query: per query word, the set of forms that may match it. A name typed run
    together ('abdullakadir') matches the indexed run-together term."""
    return [{word} for word in runs(text)]


def exact_term(text: str) -> str | None:
    """The indexed term a name of exactly the words of ``text``, in its order, has: its words
    run together (see :func:`search_terms`), so where the words break is not seen ("Zare
    Maqudaybergen" has the term of "Zarema Qudaybergen"). None for one word, which is indexed
    alike alone and inside longer names."""
    name_words = runs(text)
    return "".join(name_words) if len(name_words) > 1 else None
