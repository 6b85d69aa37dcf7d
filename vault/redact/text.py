"""Folding text for redaction: the names redaction uses, from the one pipeline that search
uses too (:mod:`vault.models.folding`), so that a value the index can find is a value
redaction can see, spelled however it is spelled. Pure: no I/O.
"""

from __future__ import annotations

from vault.models.folding import Skeleton, fold, fold_char, is_cjk, skeleton, words

__all__ = ["Skeleton", "fold", "fold_char", "is_cjk", "skeleton", "words"]
