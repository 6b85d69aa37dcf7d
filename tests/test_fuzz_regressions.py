"""Every finding of the fuzz harnesses (fuzz/README.md), as the smallest input that showed it.

A parser of outside bytes may refuse anything, but only with casevault's own errors
(:mod:`vault.errors`); any other exception is a crash the command line shows as a traceback.
Each test failed before its mend.
"""

from __future__ import annotations

import base64
import io
import types

import pytest

from vault.audit import checkpoint as cp
from vault.errors import IntegrityError, ValidationError
from vault.models import FieldKind, build_record_model
from vault.models.fieldtext import parse_field_text
from vault.policy.loader import default_policy_text, parse_policy
from vault.services.cases import validate_record
from vault.services.importer import _csv_rows, _jsonl_rows, detect_separator

POLICY = parse_policy(default_policy_text())
KINDS = POLICY.kinds()
VAULT = types.SimpleNamespace(case_model=build_record_model(KINDS))
ROOT_B64 = base64.b64encode(bytes(range(32))).decode()


def _csv(data: bytes) -> list[dict[str, object]]:
    return [
        validate_record(VAULT, r, f"rows.csv:{n}: ")  # type: ignore[arg-type]
        for n, r in _csv_rows(io.BytesIO(data), "rows.csv", KINDS, None)
    ]


def _jsonl(data: bytes) -> list[dict[str, object]]:
    return [
        validate_record(VAULT, r, f"rows.jsonl:{n}: ")  # type: ignore[arg-type]
        for n, r in _jsonl_rows(io.BytesIO(data), "rows.jsonl")
    ]


# --- F1, F2: the import row readers (found by fuzz/fuzz_import_rows.py; fixed) ----------------


@pytest.mark.parametrize(
    "data",
    [
        # F2, as the fuzzer found it (minimised): a lone carriage return in the header line
        b"case_id;full_name\rb-900-\nUA-900-26-001;Invented\n",
        # the same as a whole file: an old Mac spreadsheet ends its lines with CR alone
        b"case_id,full_name\rUA-900-26-001,Invented Person\r",
        b"\xef\xbb\xbfcase_id\tfull_name\rUA-900-26-001\tInvented\r",
    ],
)
def test_csv_header_with_a_lone_carriage_return_is_refused_as_csv(data: bytes) -> None:
    """csv.Error escaped detect_separator (it read the header with a lenient reader and did not
    catch what even a lenient reader refuses): a traceback instead of a message."""
    with pytest.raises(ValidationError, match=r"^rows\.csv:1: not valid CSV"):
        _csv(data)


def test_detect_separator_never_raises_on_a_header_it_cannot_split() -> None:
    assert detect_separator("case_id,full_name\rx") == ","


@pytest.mark.parametrize(
    "line",
    [
        b'{"case_id": "UA-1", "birth_year": ' + b"1" * 5000 + b"}\n",
        b"9" * 4301 + b"\n",
        b"[0, -" + b"7" * 10_000 + b"]\n",
    ],
)
def test_jsonl_number_too_long_for_python_is_refused_as_json(line: bytes) -> None:
    """F1: json.loads raises a bare ValueError (not JSONDecodeError) for an integer of more than
    4300 digits (Python's guard against quadratic int parsing); it escaped _jsonl_rows."""
    with pytest.raises(ValidationError, match=r"^rows\.jsonl:1: not valid JSON \(a number"):
        _jsonl(line)


@pytest.mark.parametrize(
    "kind", [FieldKind.FAMILY_CONTACTS, FieldKind.SOURCES, FieldKind.ID_NUMBERS, FieldKind.CONSENT]
)
def test_json_cell_number_too_long_is_said_in_plain_words(kind: FieldKind) -> None:
    """The same long number in a JSON cell (or a --set value) was refused, but with Python's
    own text ("use sys.set_int_max_str_digits() ..."), which the parser promises never to show."""
    with pytest.raises(ValueError) as caught:
        parse_field_text(kind, '[{"value": ' + "4" * 5000 + "}]")
    assert "sys." not in str(caught.value)
    assert str(caught.value) == f"a number in the JSON is too long for a {kind.value} field"
    with pytest.raises(ValidationError, match=r"^rows\.csv:2: field id_numbers: not a valid"):
        _csv(b"case_id,id_numbers\nUA-100-26-001," + b"[" + b"4" * 5000 + b"]\n")


# --- F3-F7, F10: checkpoints and signed notes (fuzz/fuzz_checkpoint.py; mended) ---


@pytest.mark.parametrize("size", ["\u00b2", "1\u00b9", "\u2460"])
def test_checkpoint_size_that_isdigit_but_is_no_int_is_malformed(size: str) -> None:
    """F3: str.isdigit() is true for superscripts and circled digits, which int() refuses:
    parse_checkpoint raised ValueError, not MalformedNoteError."""
    with pytest.raises(cp.MalformedNoteError):
        cp.parse_checkpoint(f"origin\n{size}\n{ROOT_B64}\n")


def test_checkpoint_size_of_more_than_4300_digits_is_malformed() -> None:
    """F4: a size of 4301 digits passes isdigit() and then int() refuses it (Python's limit)."""
    with pytest.raises(cp.MalformedNoteError):
        cp.parse_checkpoint(f"origin\n{'1' * 4301}\n{ROOT_B64}\n")


def test_checkpoint_root_with_a_non_ascii_character_is_malformed() -> None:
    """F5: base64.b64decode(str) raises ValueError, not binascii.Error, for a non-ASCII str."""
    with pytest.raises(cp.MalformedNoteError):
        cp.parse_checkpoint(f"origin\n1\n{ROOT_B64[:-1]}\u00e9\n")


def test_note_signature_with_a_non_ascii_character_is_malformed() -> None:
    """F6: the same in open_note's signature lines (parse_verifier_key catches it; these don't)."""
    with pytest.raises(cp.MalformedNoteError):
        cp.open_note("text\n\n\u2014 name AAAA\u00e9AAA\n", {})


@pytest.mark.parametrize("size", ["\u0661\u0662", "\uff11", "\u09e7"])
def test_checkpoint_size_in_other_digits_is_not_canonical(size: str) -> None:
    """F7: Arabic-Indic, full-width or Bengali digits pass isdigit() and int() reads them, so a
    checkpoint whose text is not the canonical form (its text() says "12") was accepted:
    the docstring promises MalformedNoteError for anything but the canonical form."""
    with pytest.raises(IntegrityError):
        cp.parse_checkpoint(f"origin\n{size}\n{ROOT_B64}\n")


def test_checkpoint_root_in_non_canonical_base64_is_malformed() -> None:
    """F10: b64decode(validate=True) accepts non-zero bits in the last character before "=",
    so two texts (``...A=`` and ``...B=``) parse to the same root; the docstring promises the
    canonical form only (parse_verifier_key checks it by encoding again; this does not)."""
    canonical = base64.b64encode(bytes(32)).decode()
    assert canonical.endswith("A=")
    other = canonical[:-2] + "B="
    assert base64.b64decode(other, validate=True) == bytes(32)
    with pytest.raises(cp.MalformedNoteError):
        cp.parse_checkpoint(f"origin\n1\n{other}\n")


# --- F8, F9: policy files (found writing tests/test_policy_properties.py; fixed in the loader) ---


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("levels = " + "[" * 100_000 + "]" * 100_000, "nested too deeply"),  # F8
        ("format = " + "1" * 5000, "a number too long"),  # F9
        ("[review]\napprovals_required = -" + "9" * 4301, "a number too long"),  # F9
    ],
)
def test_policy_text_python_cannot_read_is_refused_as_toml(text: str, why: str) -> None:
    """tomllib raised RecursionError (arrays nested deeper than Python's stack) and ValueError
    (an integer of more than 4300 digits); neither is a TOMLDecodeError, so both escaped
    parse_policy, which promises one PolicyError for every problem."""
    from vault.errors import PolicyError

    with pytest.raises(PolicyError, match=rf"^policy: not valid TOML \({why}\)$"):
        parse_policy(text)
