"""Import cases from JSON Lines or CSV, streaming, as one transaction.

The file is read row by row (never whole into memory), each row validated against the policy's
schema, encrypted and written in batches inside a single write transaction: a bad row stops the
import with the file, line and field named, and *nothing* from that file is written. A dry run
reads and validates the same way inside a read transaction, and writes and logs nothing.

Each case's public fields are checked against its own values and against the leak index as it
stood before the import: the file's leak term rows are held aside as its cases are written and
go into the index, in key order, at its end (each page of a large index written once, not once
a batch: docs/performance.md). So a public field naming *another* case of the same file is not
refused here; the draft check and the publication gate, which read the whole index, find it.

Text is UTF-8, with or without a byte-order mark; any other encoding is refused with the advice
to save the file as CSV UTF-8 (a spreadsheet's own name for it).

CSV, as a spreadsheet writes it: the separator is ``,``, ``;`` or a tab, whichever splits the
header row into the most columns. The header row names fields. Cells are trimmed; empty cells are
absent fields. Cells of list or object fields hold JSON (``["a","b"]``,
``[{"kind":"passport","value":"E1234567"}]``); a list-of-text cell may instead be plain text
separated by ``;``. Integer fields hold digits. Dates are ISO, or year-first, or with the year
last when the order is declared (``date_order``). A cell is read by
:func:`vault.models.fieldtext.parse_field_text`, the parser ``--set`` and ``--prompt`` use too.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from vault.audit.log import AuditEvent
from vault.errors import UsageError, ValidationError, VaultError
from vault.models import FieldKind
from vault.models.fieldtext import DateOrder, DateOrderError, parse_field_text
from vault.services.cases import (
    PreparedVersion,
    prepare_version,
    store_versions,
    validate_record,
)
from vault.services.import_pool import Reading, read_all
from vault.services.leaks import VaultKnownValues, writing_keys
from vault.services.public_fields import check_public_fields
from vault.services.session import Vault

#: Cases written at a time: their leak-index rows go into the index sorted together, so the
#: larger the batch the fewer times each page of the index is visited (2,000 cases were 5% faster
#: again than 1,000, and 80 MiB more at the peak).
BATCH = 1000
#: Cases whose public texts' terms are asked of the leak index together (about 400 terms a
#: 40-word text: within what a check remembers, :data:`~vault.services.leaks.REMEMBERED_LOOKUPS`)
ASKED_TOGETHER = 200
#: ... or as many cases as give this many terms (long texts: a 2,000-word summary gives 18,000)
ASKED_TERMS = 100_000
MAX_LINE_BYTES = 16 * 1024 * 1024
csv.field_size_limit(MAX_LINE_BYTES)

ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class ImportResult:
    path: str
    format: str
    count: int
    sha256: str
    dry_run: bool = False

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


_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-32's begin the same way
#: Separators a spreadsheet writes: comma, semicolon (where the comma is the decimal mark), tab.
SEPARATORS = (",", ";", "\t")


def _decoded_lines(stream: BinaryIO, name: str, save_as: str) -> Iterator[str]:
    """The file's lines as text; ``save_as`` is the format named in the advice for a file in
    another encoding (``CSV UTF-8``, the name a spreadsheet's "Save as" list uses)."""
    advice = f"save it as {save_as}"
    for lineno, raw in enumerate(stream, start=1):
        if len(raw) > MAX_LINE_BYTES:
            raise ValidationError(f"{name}:{lineno}: line longer than {MAX_LINE_BYTES} bytes")
        if lineno == 1:
            # UTF-16 with a byte-order mark, or without one: the header's first letter is ASCII
            if raw.startswith(_UTF16_BOMS) or b"\x00" in raw[:2]:
                raise ValidationError(f"{name}:1: UTF-16 text, not UTF-8; {advice}")
            raw = raw.removeprefix(_UTF8_BOM)
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(f"{name}:{lineno}: not valid UTF-8; {advice}") from None


def _jsonl_rows(stream: BinaryIO, name: str) -> Iterator[tuple[int, Any]]:
    for lineno, text in enumerate(_decoded_lines(stream, name, "UTF-8"), start=1):
        if not text.strip():
            continue
        try:
            yield lineno, json.loads(text)
        except json.JSONDecodeError as e:
            raise ValidationError(f"{name}:{lineno}: not valid JSON ({e.msg})") from None
        except ValueError:  # an integer of more digits than Python reads (sys.int_info)
            raise ValidationError(f"{name}:{lineno}: not valid JSON (a number too long)") from None
        except RecursionError:  # e.g. 100,000 nested brackets: bad input, not a crash
            raise ValidationError(f"{name}:{lineno}: not valid JSON (nested too deeply)") from None


def detect_separator(header_line: str) -> str:
    """The separator that splits the header row into the most columns (a comma on a tie).

    Field names hold none of the candidates, so the header alone decides; pure. A header that
    no reader splits (a lone carriage return, as an old Mac spreadsheet ends its lines) counts
    no columns: the strict reader that reads it next says what is wrong."""

    def columns(sep: str) -> int:
        try:
            return len(next(csv.reader([header_line], delimiter=sep)))
        except csv.Error:
            return 0

    return max(SEPARATORS, key=columns)


def _cell_value(
    kind: FieldKind, cell: str, date_order: DateOrder | None, where: str, col: str
) -> Any:
    try:
        return parse_field_text(kind, cell, date_order=date_order)
    except DateOrderError:
        raise ValidationError(
            f"{where}field {col}: a date with the year last is ambiguous; "
            "declare the order with --date-order dmy or mdy"
        ) from None
    except ValueError as e:  # its message names what was expected, never the cell
        raise ValidationError(f"{where}field {col}: not a valid {kind.value} cell ({e})") from None


def _csv_rows(
    stream: BinaryIO, name: str, kinds: dict[str, FieldKind], date_order: DateOrder | None
) -> Iterator[tuple[int, Any]]:
    lines = _decoded_lines(stream, name, "CSV UTF-8")
    first = next(lines, None)
    if first is None:
        return
    separator = detect_separator(first)
    reader = csv.reader(itertools.chain([first], lines), delimiter=separator, strict=True)
    try:
        header = next(reader)
    except csv.Error as e:
        raise ValidationError(f"{name}:1: not valid CSV (check its quotes and separators)") from e
    header = [h.strip() for h in header]
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
            raise ValidationError(
                f"{name}:{reader.line_num}: not valid CSV (check its quotes and separators)"
            ) from e
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise ValidationError(
                f"{name}:{start}: {len(cells)} cells, but the header has {len(header)}"
            )
        record: dict[str, Any] = {}
        for col, cell in zip(header, cells, strict=True):
            cell = cell.strip()  # a spreadsheet pads cells; no field value begins with a space
            if cell == "":
                continue
            record[col] = _cell_value(kinds[col], cell, date_order, f"{name}:{start}: ", col)
        yield start, record


def _asked_together(
    readings: Iterator[tuple[Any, Mapping[str, Any], Reading]], known: VaultKnownValues
) -> Iterator[tuple[Any, Mapping[str, Any], Reading]]:
    """``readings`` as they come, up to :data:`ASKED_TOGETHER` cases or :data:`ASKED_TERMS`
    terms at a time, the leak index asked about all their public texts' terms first, in one
    lookup: each case's check then finds its answers remembered. Asked one case at a time, each
    term read a page of the index at random (a case's thousand terms, a thousand pages); asked
    for many cases together, in key order, each page is read once for all of them.

    Errors come as one by one: a line that fails as it is read fails after the lines before it
    are checked, and a lookup that fails (a damaged index) is left for each case's own check to
    make again, in file order."""
    while True:
        chunk: list[tuple[Any, Mapping[str, Any], Reading]] = []
        terms: set[str] = set()
        failed: Exception | None = None
        ended = False
        try:
            for item in readings:
                chunk.append(item)  # one at a time: those read before a failure are kept
                terms.update(t for made in item[2].own.terms.values() for t in made)
                if len(chunk) >= ASKED_TOGETHER or len(terms) >= ASKED_TERMS:
                    break
            else:
                ended = True
        except Exception as e:  # raised again below, once the lines before it are checked
            failed = e
        if terms:
            with contextlib.suppress(VaultError):
                known.ask(terms)
        yield from chunk
        if failed is not None:
            raise failed
        if ended:
            return


def import_file(
    v: Vault,
    path: Path,
    *,
    fmt: str | None = None,
    progress: ProgressCallback | None = None,
    date_order: DateOrder | None = None,
    dry_run: bool = False,
    on_shared: Callable[[], None] | None = None,
) -> ImportResult:
    """Import every row of ``path`` as a new case, or none.

    ``date_order`` reads CSV dates with the year last (``12/03/1980``); JSON Lines dates are ISO.
    ``dry_run`` validates every row and checks case ids against the vault, but encrypts, writes
    and logs nothing; the result's ``count`` is how many cases the import would add.
    ``on_shared`` is called if another connection has the vault open, so that the import goes
    through the write-ahead log and needs free disk of about twice what it adds
    (:meth:`~vault.store.interface.Store.bulk_write`).
    """
    v.require(v.policy.can_write_cases(v.role), "import cases")
    kind = detect_format(path, fmt)
    name = path.name
    try:
        raw = path.open("rb")
    except OSError as e:
        raise UsageError(f"cannot open {path}") from e
    count = 0
    # all or nothing, under a rollback journal when it can be (free disk of about what the
    # import adds, not twice that: :meth:`~vault.store.interface.Store.bulk_write`)
    transaction: AbstractContextManager[None] = (
        v.store.read() if dry_run else v.store.bulk_write(on_shared)
    )
    with raw, transaction:
        reader = _HashingReader(raw, progress)
        stream = cast(BinaryIO, io.BufferedReader(reader, buffer_size=1 << 16))
        rows = (
            _jsonl_rows(stream, name)
            if kind == "jsonl"
            else _csv_rows(stream, name, v.policy.kinds(), date_order)
        )
        seen: set[str] = set()
        batch: list[PreparedVersion] = []
        known = VaultKnownValues(v, above_lowest=True)  # one for the whole file
        if not dry_run:
            v.store.drop_pending_leak_terms()  # no import's: a finished one leaves none
        keys = writing_keys(v)
        validated = (
            (lineno, validate_record(v, record, f"{name}:{lineno}: ")) for lineno, record in rows
        )
        # Each case's values are read into its terms on the other cores, in chunks, while
        # this process checks, encrypts and writes the cases already read, in file order.
        with contextlib.closing(read_all(v.policy, keys, v.vault_id, validated)) as read:
            for lineno, values, reading in _asked_together(read, known):
                where = f"{name}:{lineno}: "
                case_id = values["case_id"]
                if case_id in seen or v.store.case_head(case_id) is not None:
                    raise ValidationError(f"{where}case {case_id} already exists")
                # ``seen``: the ids read and not yet written (a dry run's: all of them); the
                # store answers for the rest, this transaction's batches included (a set of
                # every id held about 100 MB at a million cases)
                seen.add(case_id)
                check_public_fields(
                    v,
                    case_id,
                    values,
                    list(values),
                    None,
                    known=known,
                    own=reading.own,
                    where=where,
                )
                if dry_run:
                    count += 1
                    continue
                batch.append(
                    prepare_version(v, case_id, 1, "", values, leaks=reading.case_leaks(keys))
                )
                if len(batch) >= BATCH:
                    count += store_versions(v, batch, staged_leaks=True)
                    batch.clear()
                    seen.clear()
        if batch:
            count += store_versions(v, batch, staged_leaks=True)
        if count == 0:
            raise ValidationError(f"{name}: no records in the file")
        digest = reader.digest.hexdigest()
        if dry_run:
            return ImportResult(str(path), kind, count, digest, dry_run=True)
        # The file's leak term rows, held aside as its cases were written, go into the index
        # in key order, once (each page of a large index written once, not once a batch).
        v.store.merge_staged_leak_terms()
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
