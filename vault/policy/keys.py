"""Names of the keys a policy hands out: one per level, and the extra keys beside them. Pure."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class KeyKind(enum.StrEnum):
    """Where a key sits in the hierarchy. The values are the names stored in ``key_wraps``."""

    LEVEL = "level"
    EXTRA = "index"


class ExtraKey(enum.StrEnum):
    """Keys beside the level keys, each held by the roles :meth:`Policy.holds_extra_key` names.

    PUBLICATION seals redacted drafts and approved text. The name index and the leak index have
    no key of their own: their keys are derived from the level keys (per field, per level; ADR
    0005), so that a role can hash a guess only about values it may read.
    """

    PUBLICATION = "publication"


@dataclass(frozen=True)
class KeyRef:
    """A key of the hierarchy by kind and name (a level, or an :class:`ExtraKey`), any epoch."""

    kind: KeyKind
    name: str

    @classmethod
    def for_level(cls, name: str) -> KeyRef:
        return cls(KeyKind.LEVEL, name)

    @classmethod
    def for_extra(cls, name: ExtraKey) -> KeyRef:
        return cls(KeyKind.EXTRA, str(name))

    def __str__(self) -> str:
        return f"{self.name} key" if self.kind is KeyKind.EXTRA else f"{self.name} level key"
