"""Unambiguous byte encodings for associated data, signed messages and hashed bodies.

Every component is length-prefixed (4-byte big-endian length, then the bytes), after a domain
label naming the purpose and format version. So ``("ab", "c")`` and ``("a", "bc")`` never encode
alike, and a value made for one purpose is never valid for another. Pure: no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

Part = bytes | str | int


def _as_bytes(part: Part) -> bytes:
    if isinstance(part, bytes):
        return part
    if isinstance(part, bool):  # bool is an int; refuse the ambiguity
        raise TypeError("encode booleans explicitly")
    if isinstance(part, int):
        return part.to_bytes(8, signed=True)  # big-endian, int.to_bytes's default (3.11+)
    return part.encode()  # UTF-8


def context(label: str, *parts: Part) -> bytes:
    """``len(label)||label||len(p1)||p1||...`` — the associated data format of casevault."""
    return extend_context(b"", label, *parts)


def extend_context(head: bytes, *parts: Part) -> bytes:
    """``context(label, *a, *parts)`` given ``head = context(label, *a)``: the same bytes, the
    head encoded once for many values that share it (a case's hundreds of leak rows)."""
    out = bytearray(head)
    for p in parts:
        b = _as_bytes(p)
        out += len(b).to_bytes(4)  # big-endian
        out += b
    return bytes(out)


def canonical_json(obj: Mapping[str, Any]) -> bytes:
    """Deterministic JSON: sorted keys, no spaces, ASCII only. Used for signed record bodies.

    Callers put bytes in as base64 strings and only str/int/bool/None/list/dict otherwise, so the
    same value always yields the same bytes. ``json.dumps`` escapes every non-ASCII character by
    default (``ensure_ascii``), so the UTF-8 encoding of its output is plain ASCII.
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
