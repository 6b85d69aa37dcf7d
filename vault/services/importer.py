"""Import cases from JSON Lines or CSV, streaming, as one transaction.

The file is read row by row (never whole into memory), each row validated against the policy's
schema, encrypted and written in batches inside a single write transaction: a bad row stops the
import with the file, line and field named, and *nothing* from that file is written.

CSV: the header row names fields. Empty cells are absent fields. Cells of list or object fields
hold JSON (``["a","b"]``, ``[{"kind":"passport","value":"E1234567"}]``); a list-of-text cell may
instead be plain text separated by ``;``. Integer fields hold digits. A cell is read by
:func:`vault.models.fieldtext.parse_field_text`, the parser ``--set`` and ``--prompt`` use too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from vault.audit.log import AuditEvent
from vault.errors import UsageError, ValidationError
from vault.models import FieldKind
from vault.models.fieldtext import parse_field_text
from vault.services.cases import (
    PreparedVersion,
    prepare_version,
    store_versions,
    validate_record,
)
from vault.services.session import Vault

BATCH = 500
MAX_LINE_BYTES = 16 * 1024 * 1024
csv.field_size_limit(MAX_LINE_BYTES)

ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class ImportResult:
    path: str
    format: str
    count: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


class _HashingReader(io.RawIOBase):
    """Passes bytes through while hashing them and reporting how far the read has got."""

    def __init__(self, raw: BinaryIO, progress: ProgressCallback | None) -> None:
        self._raw = raw
        self.digest = hashlib.sha256()
        self.done = 0
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.digest.update(data)
        self.done += n
        if self._progress is not None and n:
            self._progress(self.done)
        return n


def detect_format(path: Path, given: str | None) -> str:
    if given:
        if given not in ("jsonl", "csv"):
            raise UsageError("format must be 'jsonl' or 'csv'")
        return given
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    raise UsageError(f"{path.name}: cannot tell the format from the name; pass --format")


def _decoded_lines(stream: BinaryIO, name: str) -> Iterator[str]:
    for lineno, raw in enumerate(stream, start=1):
        if len(raw) > MAX_LINE_BYTES:
            raise ValidationError(f"{name}:{lineno}: line longer than {MAX_LINE_BYTES} bytes")
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(f"{name}:{lineno}: not valid UTF-8") from None


def _jsonl_rows(stream: BinaryIO, name: str) -> Iterator[tuple[int, Any]]:
    for lineno, text in enumerate(_decoded_lines(stream, name), start=1):
        if not text.strip():
            continue
        try:
            yield lineno, json.loads(text)
        except json.JSONDecodeError as e:
            raise ValidationError(f"{name}:{lineno}: not valid JSON ({e.msg})") from None


def _csv_rows(
    stream: BinaryIO, name: str, kinds: dict[str, FieldKind]
) -> Iterator[tuple[int, Any]]:
    reader = csv.reader(_decoded_lines(stream, name), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as e:
        raise ValidationError(f"{name}:1: not valid CSV ({e})") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    for col in header:
        if col not in kinds:
            raise ValidationError(f"{name}:1: column {col!r}: unknown field")
    if len(set(header)) != len(header):
        raise ValidationError(f"{name}:1: a column is named twice")
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise ValidationError(f"{name}:{reader.line_num}: not valid CSV ({e})") from None
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise ValidationError(
                f"{name}:{start}: {len(cells)} cells, but the header has {len(header)}"
            )
        record: dict[str, Any] = {}
        for col, cell in zip(header, cells, strict=True):
            if cell == "":
                continue
            try:
                record[col] = parse_field_text(kinds[col], cell)
            except ValueError:
                raise ValidationError(
                    f"{name}:{start}: field {col}: not a valid {kinds[col].value} cell"
                ) from None
        yield start, record


def import_file(
    v: Vault, path: Path, *, fmt: str | None = None, progress: ProgressCallback | None = None
) -> ImportResult:
    v.require(v.policy.can_write_cases(v.role), "import cases")
    kind = detect_format(path, fmt)
    name = path.name
    try:
        raw = path.open("rb")
    except OSError as e:
        raise UsageError(f"cannot open {path}") from e
    count = 0
    with raw, v.store.write():
        reader = _HashingReader(raw, progress)
        stream = cast(BinaryIO, io.BufferedReader(reader, buffer_size=1 << 16))
        rows = (
            _jsonl_rows(stream, name)
            if kind == "jsonl"
            else _csv_rows(stream, name, v.policy.kinds())
        )
        seen: set[str] = set()
        batch: list[PreparedVersion] = []

        for lineno, record in rows:
            where = f"{name}:{lineno}: "
            values = validate_record(v, record, where)
            case_id = values["case_id"]
            if case_id in seen or v.store.case_head(case_id) is not None:
                raise ValidationError(f"{where}case {case_id} already exists")
            seen.add(case_id)
            batch.append(prepare_version(v, case_id, 1, "", values))
            if len(batch) >= BATCH:
                count += store_versions(v, batch)
                batch.clear()
        count += store_versions(v, batch)
        if count == 0:
            raise ValidationError(f"{name}: no records in the file")
        digest = reader.digest.hexdigest()
        v.log(
            AuditEvent(
                "case.import",
                details={
                    "count": count,
                    "format": kind,
                    "sha256": digest,
                    "file": v.keyed("file", name),
                },
            )
        )
    return ImportResult(str(path), kind, count, digest)
