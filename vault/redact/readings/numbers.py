"""Reader: numbers (to be written). See :mod:`vault.redact.readings`."""

from __future__ import annotations

from collections.abc import Iterator

from vault.redact.readings import Reading


def value_readings(value: str, kind: str) -> set[str]:
    return set()


def text_readings(text: str) -> Iterator[Reading]:
    return iter(())
