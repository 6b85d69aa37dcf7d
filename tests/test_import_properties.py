"""Properties of the import row readers (JSON Lines and CSV) and the record validator.

The layer tested is what turns a file's bytes into what the importer stores: the streaming
readers (``_jsonl_rows``, ``_csv_rows``) and :func:`vault.services.cases.validate_record`, which
asks the vault only for its record model. Well-formed rows come back as exactly the values they
were made from; any other bytes give :class:`ValidationError` naming the file, never another
exception. A handful of hostile files then go through :func:`import_file` into one opened copy
of the demo vault, which must be left as it was (cases, versions and audit head).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import passphrase_for
from vault.errors import ValidationError, VaultError
from vault.models import FieldKind, IdKind, Status, build_record_model
from vault.models.fieldtext import DateOrder
from vault.policy.loader import default_policy_text, parse_policy
from vault.services.cases import validate_record
from vault.services.importer import SEPARATORS, _csv_rows, _jsonl_rows, import_file
from vault.services.session import Vault

POLICY = parse_policy(default_policy_text())
KINDS = POLICY.kinds()
VAULT = types.SimpleNamespace(case_model=build_record_model(KINDS))
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Fewer for the tests whose every example is several whole records.
RECORD_SETTINGS = settings(SETTINGS, max_examples=60)


def read_rows(
    data: bytes, fmt: str, name: str = "rows.in", order: DateOrder | None = None
) -> list[dict[str, Any]]:
    """What the importer would store from ``data``: each row read, then validated."""
    stream = io.BytesIO(data)
    rows = _csv_rows(stream, name, KINDS, order) if fmt == "csv" else _jsonl_rows(stream, name)
    return [validate_record(VAULT, r, f"{name}:{n}: ") for n, r in rows]  # type: ignore[arg-type]


# --- well-formed rows: strategies that make values in the form the vault stores --------------

#: Printable text with no space at either end (cells are trimmed, short text is stripped):
#: words of letters, marks, digits, punctuation and symbols of any script, joined by spaces.
_CHARS = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S"))
_word = st.text(_CHARS, min_size=1, max_size=6)
_short = st.lists(_word, min_size=1, max_size=3).map(" ".join)
_long = st.tuples(st.lists(_word, min_size=1, max_size=4), st.sampled_from([" ", "\n", "\t"])).map(
    lambda t: t[1].join(t[0])
)
_UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_case_id = st.builds(
    str.__add__,
    st.sampled_from(_UPPER_DIGITS),
    st.text(_UPPER_DIGITS + "-", min_size=2, max_size=40),
)
_iso = st.dates().map(lambda d: d.isoformat())
_approx = st.one_of(
    _iso, st.integers(1000, 9999).map(str), st.dates().map(lambda d: d.isoformat()[:7])
)


def _objects(required: tuple[str, ...], optional: tuple[str, ...]) -> st.SearchStrategy[Any]:
    return st.lists(
        st.fixed_dictionaries(
            {k: _short for k in required}, optional={k: _short for k in optional}
        ),
        max_size=3,
    )


_VALUES: dict[FieldKind, st.SearchStrategy[Any]] = {
    FieldKind.TEXT: _long,
    FieldKind.SHORT_TEXT: _short,
    FieldKind.TEXT_LIST: st.lists(_short, max_size=4),
    FieldKind.INT: st.integers(-(2**31), 2**31),
    FieldKind.DATE: _iso,
    FieldKind.APPROX_DATE: _approx,
    FieldKind.STATUS: st.sampled_from([s.value for s in Status]),
    FieldKind.FAMILY_CONTACTS: _objects(
        ("name", "relation"), ("phone", "email", "location", "aliases")
    ),
    FieldKind.SOURCES: _objects(
        ("codename", "real_name"), ("contact", "relationship", "risk", "aliases")
    ),
    FieldKind.ID_NUMBERS: st.lists(
        st.fixed_dictionaries(
            {
                "kind": st.sampled_from([IdKind.PASSPORT.value, IdKind.OTHER.value]),
                "value": st.text(_UPPER_DIGITS + "abcxyz", min_size=1, max_size=64),
            }
        ),
        max_size=3,
    ),
    FieldKind.CONSENT: st.fixed_dictionaries(
        {"publish_name": st.booleans()}, optional={"given_by": _short, "date": _iso}
    ),
}

_OTHER_FIELDS = sorted(f for f in KINDS if f != "case_id")
#: A record of a case id and up to six other fields of the default policy, each of any kind.
records = st.lists(st.sampled_from(_OTHER_FIELDS), max_size=6, unique=True).flatmap(
    lambda fields: st.fixed_dictionaries(
        {"case_id": _case_id, **{f: _VALUES[KINDS[f]] for f in fields}}
    )
)


def _cell(kind: FieldKind, value: Any, plain_list: bool) -> str:
    """A value as a person would type it into a spreadsheet cell."""
    if kind is FieldKind.INT:
        return str(value)
    if kind is FieldKind.TEXT_LIST:
        plain = plain_list and value and all(";" not in v for v in value)
        if plain and not value[0].startswith("["):
            return "; ".join(value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _csv_bytes(
    rows: list[dict[str, Any]], sep: str, bom: bool, plain_list: bool, crlf: bool
) -> bytes:
    header = ["case_id", *sorted({f for r in rows for f in r} - {"case_id"})]
    out = io.StringIO()
    w = csv.writer(out, delimiter=sep, lineterminator="\r\n" if crlf else "\n")
    w.writerow(header)
    for r in rows:
        w.writerow([_cell(KINDS[f], r[f], plain_list) if f in r else "" for f in header])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


# --- round trips ---------------------------------------------------------------------------


@RECORD_SETTINGS
@given(st.lists(records, min_size=1, max_size=3), st.booleans(), st.booleans())
def test_well_formed_jsonl_rows_are_stored_as_written(
    rows: list[dict[str, Any]], bom: bool, blank_lines: bool
) -> None:
    gap = "\n  \n" if blank_lines else "\n"
    text = gap.join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    assert read_rows(data, "jsonl") == rows


@RECORD_SETTINGS
@given(
    st.lists(records, min_size=1, max_size=3),
    st.sampled_from(SEPARATORS),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_well_formed_csv_rows_are_stored_as_written(
    rows: list[dict[str, Any]], sep: str, bom: bool, plain_list: bool, crlf: bool
) -> None:
    """Whatever the separator (told from the header), BOM, line ending and list form; an empty
    list is written as ``[]`` (an empty cell is an absent field)."""
    assert read_rows(_csv_bytes(rows, sep, bom, plain_list, crlf), "csv") == rows


@SETTINGS
@given(st.dates(min_value=datetime.date(1000, 1, 1)), st.sampled_from("/.-"))
def test_csv_date_with_the_year_last_is_read_only_in_the_declared_order(d: Any, sep: str) -> None:
    dmy = f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}"
    mdy = f"{d.month}{sep}{d.day}{sep}{d.year}"
    for text, order in ((dmy, DateOrder.DMY), (mdy, DateOrder.MDY)):
        data = f"case_id,date_of_birth\nUA-1-26,{text}\n".encode()
        assert read_rows(data, "csv", order=order) == [
            {"case_id": "UA-1-26", "date_of_birth": d.isoformat()}
        ]
        for refused in (None, DateOrder.YMD):
            with pytest.raises(ValidationError, match=r"^rows\.in:2: field date_of_birth: "):
                read_rows(data, "csv", order=refused)


# --- hostile bytes: only ValidationError, naming the file -----------------------------------


def _only_validation_errors(data: bytes, fmt: str) -> None:
    try:
        stored = read_rows(data, fmt, name="hostile.in")
    except VaultError as e:
        assert type(e) is ValidationError, repr(e)
        assert str(e).startswith("hostile.in:"), str(e)
        return
    for values in stored:  # accepted: what is stored is valid, and valid again as stored
        assert isinstance(values["case_id"], str)
        json.dumps(values, ensure_ascii=False).encode("utf-8")
        assert validate_record(VAULT, values) == values  # type: ignore[arg-type]


@SETTINGS
@given(st.binary(max_size=600), st.sampled_from(["csv", "jsonl"]))
def test_arbitrary_bytes_give_only_validation_errors(data: bytes, fmt: str) -> None:
    _only_validation_errors(data, fmt)


@SETTINGS
@given(st.text(max_size=300), st.sampled_from(["csv", "jsonl"]))
def test_arbitrary_text_gives_only_validation_errors(text: str, fmt: str) -> None:
    _only_validation_errors(text.encode("utf-8", "surrogatepass"), fmt)


#: What is done to a well-formed file: each a way outside files go wrong.
_DAMAGE: dict[str, Any] = {
    "invalid utf-8": lambda b, i: b[:i] + b"\xff\xc3" + b[i:],
    "utf-8 surrogate": lambda b, i: b[:i] + b"\xed\xa0\x80" + b[i:],
    "BOM inside": lambda b, i: b[:i] + b"\xef\xbb\xbf" + b[i:],
    "NUL": lambda b, i: b[:i] + b"\x00" + b[i:],
    "UTF-16 BOM": lambda b, i: b"\xff\xfe" + b,
    "UTF-16 text": lambda b, i: b.decode("utf-8").encode("utf-16-le"),
    "CR line ends": lambda b, i: b.replace(b"\n", b"\r"),
    "lone quote": lambda b, i: b[:i] + b'"' + b[i:],
    "extra cell": lambda b, i: b.replace(b"\n", b",x\n", 2),
    "missing cell": lambda b, i: b.replace(b",", b"", 1),
    "header twice": lambda b, i: b.split(b"\n")[0] + b"," + b,
    "cut short": lambda b, i: b[:i],
    "huge field": lambda b, i: b[:i] + b"A" * 200_000 + b[i:],
    "huge number": lambda b, i: b[:i] + b"9" * 5000 + b[i:],
    "deep nesting": lambda b, i: b[:i] + b"[" * 50_000 + b[i:],
    "control chars": lambda b, i: b[:i] + b"\x1b[2J\x7f\x0b" + b[i:],
    "bidi override": lambda b, i: b[:i] + "\u202e".encode() + b[i:],
    "non-object lines": lambda b, i: b + b'[1, 2]\n"text"\n3\nnull\ntrue\n',
    "nested objects": lambda b, i: b + b'{"case_id": {"case_id": "UA-1-26"}}\n',
}


@RECORD_SETTINGS
@given(
    st.lists(records, min_size=1, max_size=3),
    st.sampled_from(sorted(_DAMAGE)),
    st.integers(min_value=0),
    st.sampled_from(["csv", "jsonl"]),
    st.sampled_from(SEPARATORS),
)
def test_damaged_files_give_only_validation_errors(
    rows: list[dict[str, Any]], damage: str, at: int, fmt: str, sep: str
) -> None:
    if fmt == "csv":
        data = _csv_bytes(rows, sep, bom=False, plain_list=False, crlf=False)
    else:
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    _only_validation_errors(_DAMAGE[damage](data, at % (len(data) + 1)), fmt)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_line_longer_than_the_limit_is_refused_by_its_number(fmt: str) -> None:
    from vault.services import importer

    head = b"case_id,charges\n" if fmt == "csv" else b""
    data = head + b"x" * (importer.MAX_LINE_BYTES + 1) + b"\n"
    line = 2 if fmt == "csv" else 1
    with pytest.raises(ValidationError, match=rf"^rows\.in:{line}: line longer than"):
        read_rows(data, fmt)


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"case_id,full_name,case_id\nA-1,x,A-2\n", "csv", r"^rows\.in:1: a column is named twice"),
        (b"case_id, case_id \n", "csv", r"^rows\.in:1: a column is named twice"),
        (b"case_id,secret_field\n", "csv", r"^rows\.in:1: column 'secret_field': unknown field"),
        (b"case_id,full_name\nUA-1-26,x,y\n", "csv", r"^rows\.in:2: 3 cells, but the header"),
        (b'case_id\n"UA-1-26\n', "csv", r"^rows\.in:2: not valid CSV"),
        (b'[{"case_id": "UA-1-26"}]\n', "jsonl", r"^rows\.in:1: a record must be a JSON object"),
        (b'"UA-1-26"\n', "jsonl", r"^rows\.in:1: a record must be a JSON object"),
        (b'{"case_id": "UA-1-26"\n', "jsonl", r"^rows\.in:1: not valid JSON"),
        (b"[" * 100_000 + b"\n", "jsonl", r"^rows\.in:1: not valid JSON \(nested too deeply\)"),
        (b'{"case_id": "UA-1-26", "x": 1}\n', "jsonl", r"^rows\.in:1: field x: is not a field"),
        (b"\xff\xfec\x00a\x00", "jsonl", r"^rows\.in:1: UTF-16 text, not UTF-8"),
        (b'{"case_id": "UA-1-26"}\n\xff\n', "jsonl", r"^rows\.in:2: not valid UTF-8"),
    ],
)
def test_each_kind_of_bad_file_has_its_own_message(data: bytes, fmt: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        read_rows(data, fmt)


# --- the importer as a whole: a refused file leaves the vault as it was -----------------------


@pytest.fixture(scope="module")
def caseworker(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vault]:
    """One copy of the demo vault, opened once (one Argon2id unlock) for the whole module."""
    root = tmp_path_factory.mktemp("import-props") / "vault"
    shutil.copytree(demo_master, root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEVAULT_STATE_DIR", str(root.parent / "state"))
        v = Vault.open(root, "cara", lambda _n: passphrase_for("cara"))
        try:
            yield v
        finally:
            v.close()


def _state(v: Vault) -> tuple[int, int, Any]:
    with v.store.read():
        return v.store.count_cases(), v.store.count_case_versions(), v.store.latest_audit_head()


_GOOD = {"case_id": "UA-700-26-001", "full_name": "Invented Refused", "status": "missing"}
_GOOD_LINE = json.dumps(_GOOD).encode() + b"\n"


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        # valid rows first, so the refusal comes after rows were sealed and written
        ("late.jsonl", _GOOD_LINE + b'{"case_id": "UA-700-26-002", "birth_year": "x"}\n'),
        ("utf8.jsonl", _GOOD_LINE + b'{"case_id": "UA-700-26-002"}\n\xc3\x28\n'),
        ("twice.jsonl", _GOOD_LINE + _GOOD_LINE),
        (
            "number.jsonl",
            _GOOD_LINE + b'{"case_id": "UA-700-26-002", "birth_year": ' + b"1" * 5000 + b"}\n",
        ),
        ("cells.csv", b"case_id,full_name\nUA-700-26-001,Invented\nUA-700-26-002,a,b\n"),
        ("mac.csv", b"case_id,full_name\rUA-700-26-001,Invented\r"),
    ],
)
def test_refused_import_leaves_the_vault_unchanged(
    caseworker: Vault, tmp_path: Path, filename: str, data: bytes
) -> None:
    before = _state(caseworker)
    path = tmp_path / filename
    path.write_bytes(data)
    with pytest.raises(ValidationError, match=rf"^{filename.replace('.', '[.]')}"):
        import_file(caseworker, path)
    assert _state(caseworker) == before


def test_an_existing_case_id_refuses_the_whole_file(caseworker: Vault, tmp_path: Path) -> None:
    with caseworker.store.read():
        existing = caseworker.store.case_ids(limit=1)[0]
    before = _state(caseworker)
    path = tmp_path / "existing.jsonl"
    path.write_bytes(_GOOD_LINE + json.dumps({"case_id": existing}).encode() + b"\n")
    with pytest.raises(ValidationError, match=r"^existing\.jsonl:2: case .* already exists"):
        import_file(caseworker, path)
    assert _state(caseworker) == before


def test_the_vault_still_takes_a_good_file_afterwards(caseworker: Vault, tmp_path: Path) -> None:
    """The refusals above left nothing half-open: the same vault imports a good file (the
    control for the tests above: the state they compare does change when an import is kept)."""
    before = _state(caseworker)
    path = tmp_path / "good.jsonl"
    path.write_bytes(_GOOD_LINE)
    assert import_file(caseworker, path).count == 1
    after = _state(caseworker)
    assert after[:2] == (before[0] + 1, before[1] + 1)
    assert after[2] != before[2]
