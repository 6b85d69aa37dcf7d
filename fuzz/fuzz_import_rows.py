"""Fuzz the import row readers and the record validator with arbitrary bytes (atheris).

Input: one mode byte, then the file's bytes. The mode's low bit picks the format (0 JSON Lines,
1 CSV) and the next two bits the CSV date order (none, dmy, mdy, ymd). Each row the reader
yields is validated against the default policy's schema, as the importer does before it
encrypts anything.

A finding is any exception that is not the project's own (:class:`vault.errors.VaultError`);
the reader and the validator must say :class:`ValidationError` and nothing else, naming the
file. A row that passes must be storable: its stored form is JSON that encodes as UTF-8 and
validates again to itself (what ``case edit`` reads back is what was imported).

    PYTHONPATH=. .venv/bin/python fuzz/fuzz_import_rows.py -max_total_time=300 \\
        /tmp/corpus-import fuzz/seeds/import_rows

``FUZZ_ALLOW_KNOWN=1`` lets the run go on past findings already listed in ``KNOWN`` (each has
a regression test in tests/test_fuzz_regressions.py), so a fixed-time run finds new ones.
"""

from __future__ import annotations

import io
import json
import sys
import types

import atheris
from known import Known, one_input

with atheris.instrument_imports(include=["vault"]):
    from vault.errors import ValidationError, VaultError
    from vault.models import build_record_model
    from vault.models.fieldtext import DateOrder
    from vault.policy.loader import default_policy_text, parse_policy
    from vault.services import importer
    from vault.services.cases import validate_record

POLICY = parse_policy(default_policy_text())
KINDS = POLICY.kinds()
#: validate_record asks the vault only for its record model.
VAULT = types.SimpleNamespace(case_model=build_record_model(KINDS))
ORDERS = (None, DateOrder.DMY, DateOrder.MDY, DateOrder.YMD)
NAME = "rows.in"

#: Findings reported and kept as regression tests, as (exception type, message fragment); empty
#: once fixed.
KNOWN: Known = ()


def rows_of(data: bytes) -> list[dict[str, object]]:
    """What the importer would store from ``data`` (mode byte first), or a VaultError."""
    mode, body = data[0], data[1:]
    stream = io.BytesIO(body)
    if mode & 1:
        rows = importer._csv_rows(stream, NAME, KINDS, ORDERS[(mode >> 1) & 3])
    else:
        rows = importer._jsonl_rows(stream, NAME)
    out = []
    for lineno, record in rows:
        out.append(validate_record(VAULT, record, f"{NAME}:{lineno}: "))  # type: ignore[arg-type]
    return out


def check(data: bytes) -> None:
    if not data:
        return
    try:
        stored = rows_of(data)
    except VaultError as e:
        if type(e) is not ValidationError:
            raise AssertionError(f"reader raised {type(e).__name__}, not ValidationError") from e
        if not str(e).startswith(NAME):
            raise AssertionError(f"error does not name the file: {e}") from e
        return
    for values in stored:
        if "case_id" not in values:
            raise AssertionError("a stored row has no case_id")
        json.dumps(values, ensure_ascii=False).encode("utf-8")  # what is sealed
        again = validate_record(VAULT, values)  # type: ignore[arg-type]
        if again != values:
            raise AssertionError(f"stored form does not validate to itself: {values!r}")


TestOneInput = one_input(check, KNOWN)  # atheris' name


def main() -> None:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
