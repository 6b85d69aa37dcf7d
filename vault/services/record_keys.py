"""The data-key wraps of record versions, kept beside their signed bodies (record format v2).

A record version's data keys are wrapped under the level keys and stored in their own table, so
that a rotation can re-wrap them under a new epoch without touching the signed body. These two
functions are the only way services put and get them.
"""

from __future__ import annotations

from collections.abc import Mapping

from vault.crypto.records import DataKeyWrap
from vault.store import DataKeyWrapRow, Store


def record_ref(kind: str, record_id: str) -> str:
    """How the wraps table names a record: ``kind:id``, as the associated data does."""
    return f"{kind}:{record_id}"


def wrap_rows(
    kind: str, record_id: str, version: int, wraps: Mapping[str, DataKeyWrap]
) -> list[DataKeyWrapRow]:
    """The rows to store for one sealed version's wraps."""
    ref = record_ref(kind, record_id)
    return [DataKeyWrapRow(ref, version, level, w.epoch, w.wrapped) for level, w in wraps.items()]


def wraps_of(store: Store, kind: str, record_id: str, version: int) -> dict[str, DataKeyWrap]:
    """The wraps of one record version, by level (what :func:`open_record` takes)."""
    rows = store.data_key_wraps(record_ref(kind, record_id), version)
    return {r.level: DataKeyWrap(r.epoch, r.wrapped) for r in rows}
