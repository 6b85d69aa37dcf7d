"""Typed secrets: keys and passphrases that refuse to print themselves.

Python cannot wipe memory (see docs/limitations.md); what these wrappers do is keep a secret out
of reprs, f-strings, tracebacks with locals, and logs by accident.
"""

from __future__ import annotations

import hmac
from typing import Final

_MASK: Final = "**********"


class SecretBytes:
    """Key material. ``reveal()`` is the one, greppable, way to get the bytes."""

    __slots__ = ("_value",)

    def __init__(self, value: bytes) -> None:
        self._value = bytes(value)

    def reveal(self) -> bytes:
        return self._value

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecretBytes):
            return NotImplemented
        return hmac.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        raise TypeError("secrets are not hashable")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({_MASK})"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("secrets are not picklable")


class Passphrase(SecretBytes):
    """A person's passphrase, UTF-8 encoded, NFC is *not* applied (the bytes typed are the key)."""

    __slots__ = ()

    @classmethod
    def from_text(cls, text: str) -> Passphrase:
        return cls(text.encode("utf-8"))
