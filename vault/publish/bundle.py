"""The files that make a document: templates and language catalogues shipped as package data.

Reads package data only. :func:`bundle_digest` names the exact set of files a document was made
with, so a signed check can say which templates and wordings produced it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

TEMPLATES = "templates"
LOCALE = "locale"
CATALOGUE = "casevault.po"


def _root() -> Traversable:
    return resources.files("vault.publish")


def _walk(folder: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for entry in folder.iterdir():
        name = f"{prefix}/{entry.name}"
        if entry.is_dir():
            found.extend(_walk(entry, name))
        elif entry.is_file() and not entry.name.startswith("."):
            found.append((name, entry))
    return found


@cache
def bundle_files() -> tuple[tuple[str, bytes], ...]:
    """Every template and catalogue file as (path under ``vault/publish``, bytes), sorted by path.

    Compiled catalogues (``.mo``) and Python caches are not part of the bundle: catalogues are
    compiled in memory from the ``.po`` text.
    """
    files: list[tuple[str, bytes]] = []
    for top in (TEMPLATES, LOCALE):
        for name, entry in _walk(_root() / top, top):
            if name.endswith((".mo", ".pyc")) or "__pycache__" in name:
                continue
            files.append((name, entry.read_bytes()))
    return tuple(sorted(files))


def read_file(name: str) -> bytes:
    """One bundle file's bytes by its path (``templates/ua.css``); a name outside the bundle is a
    ``KeyError``."""
    return dict(bundle_files())[name]


def bundle_digest() -> str:
    """SHA-256 (hex) over every bundle file, each as length-prefixed path then length-prefixed
    bytes, in path order: any added, removed, renamed or edited file changes it."""
    digest = hashlib.sha256(b"casevault publish bundle v1\n")
    for name, data in bundle_files():
        raw = name.encode()
        digest.update(len(raw).to_bytes(8, "big") + raw)
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()
