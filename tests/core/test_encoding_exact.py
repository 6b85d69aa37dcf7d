"""The two byte encodings every signature and associated data rests on, pinned to exact bytes.

``context`` (length-prefixed parts after a label) and ``canonical_json`` (signed bodies) must give
one encoding per value and refuse what they cannot encode unambiguously. The expected bytes here
are written out by hand, not computed by the code under test.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import pytest

from vault.crypto import canonical_json, context, extend_context
from vault.crypto.encoding import _as_bytes


def lp(b: bytes) -> bytes:
    """4-byte big-endian length, then the bytes (written independently of the code)."""
    return struct.pack(">I", len(b)) + b


# --- context: parts ---------------------------------------------------------------------------


def test_bytes_part_is_taken_as_is() -> None:
    assert _as_bytes(b"\x00\xff") == b"\x00\xff"
    assert context("L", b"\x00\xff") == b"\x00\x00\x00\x01L\x00\x00\x00\x02\x00\xff"


def test_str_part_is_utf8() -> None:
    assert _as_bytes("é") == b"\xc3\xa9"
    assert context("L", "é€") == lp(b"L") + lp("é€".encode())
    assert context("L", "é€") == bytes.fromhex("000000014c00000005c3a9e282ac")


@pytest.mark.parametrize(
    ("n", "hexed"),
    [
        (0, "0000000000000000"),
        (1, "0000000000000001"),
        (-1, "ffffffffffffffff"),
        (256, "0000000000000100"),
        (2**63 - 1, "7fffffffffffffff"),
        (-(2**63), "8000000000000000"),
    ],
)
def test_int_part_is_eight_bytes_big_endian_signed(n: int, hexed: str) -> None:
    assert _as_bytes(n).hex() == hexed
    assert context("L", n) == lp(b"L") + b"\x00\x00\x00\x08" + bytes.fromhex(hexed)


@pytest.mark.parametrize("n", [2**63, -(2**63) - 1, 2**80])
def test_int_part_out_of_range_is_refused(n: int) -> None:
    with pytest.raises(OverflowError):
        context("L", n)


@pytest.mark.parametrize("b", [True, False])
def test_bool_part_is_refused(b: bool) -> None:
    with pytest.raises(TypeError, match=r"^encode booleans explicitly$"):
        context("L", b)
    with pytest.raises(TypeError, match=r"^encode booleans explicitly$"):
        _as_bytes(b)


def test_int_is_not_its_digits_nor_its_byte() -> None:
    assert len({context("L", 1), context("L", "1"), context("L", b"\x01")}) == 3
    # a str part is exactly its UTF-8 bytes: the layout is untyped, callers fix each part's type
    assert context("L", "1") == context("L", b"1")


# --- context: layout --------------------------------------------------------------------------


def test_label_alone() -> None:
    assert context("casevault/test/v1") == bytes.fromhex("00000011") + b"casevault/test/v1"


def test_empty_label_and_empty_parts_are_counted() -> None:
    assert context("") == b"\x00\x00\x00\x00"
    assert context("L", "") == b"\x00\x00\x00\x01L\x00\x00\x00\x00"
    assert context("L", "", "") == b"\x00\x00\x00\x01L" + b"\x00" * 8
    assert context("L", "") != context("L") != context("L", "", "")


def test_parts_keep_their_order_and_boundaries() -> None:
    assert context("L", "ab", "c") == lp(b"L") + lp(b"ab") + lp(b"c")
    assert context("L", "ab", "c") != context("L", "a", "bc")
    assert context("L", "a", "b") != context("L", "b", "a")
    assert context("L", "a") != context("La")
    assert context("L", "a", "b", 3, b"\x04") == (
        lp(b"L") + lp(b"a") + lp(b"b") + lp(b"\x00" * 7 + b"\x03") + lp(b"\x04")
    )


def test_length_prefix_is_four_bytes_big_endian_for_long_parts() -> None:
    part = b"x" * 0x10203
    out = context("L", part)
    assert out[5:9] == b"\x00\x01\x02\x03"
    assert out == lp(b"L") + b"\x00\x01\x02\x03" + part
    assert len(out) == 4 + 1 + 4 + 0x10203


def test_context_returns_immutable_bytes() -> None:
    assert type(context("L", "a")) is bytes


# --- canonical JSON: exact bytes ---------------------------------------------------------------

CANONICAL = [
    ({}, b"{}"),
    ({"b": 1, "a": 2}, b'{"a":2,"b":1}'),
    ({"a": [3, 1, 2]}, b'{"a":[3,1,2]}'),  # lists keep their order
    ({"z": {"y": 1, "x": {"w": 0, "v": []}}}, b'{"z":{"x":{"v":[],"w":0},"y":1}}'),
    ({"B": 1, "a": 2, "_": 3, "1": 4}, b'{"1":4,"B":1,"_":3,"a":2}'),  # code-point order
    ({"é": 1, "e": 2, "f": 3}, b'{"e":2,"f":3,"\\u00e9":1}'),
    ({"k": "é"}, b'{"k":"\\u00e9"}'),
    ({"k": "€"}, b'{"k":"\\u20ac"}'),
    ({"k": "😀"}, b'{"k":"\\ud83d\\ude00"}'),  # astral: a surrogate pair
    ({"k": "\u2028\u2029"}, b'{"k":"\\u2028\\u2029"}'),
    ({"k": "\x00\x01\x1f\x7f"}, b'{"k":"\\u0000\\u0001\\u001f\\u007f"}'),
    ({"k": "\n\r\t\b\f"}, b'{"k":"\\n\\r\\t\\b\\f"}'),
    ({"k": '"\\/'}, b'{"k":"\\"\\\\/"}'),  # quote and backslash escaped, slash not
    ({"k": "a b,c:d"}, b'{"k":"a b,c:d"}'),  # spaces inside strings stay
    ({"k": 0, "m": -1, "n": -0}, b'{"k":0,"m":-1,"n":0}'),
    ({"k": 2**64, "m": -(2**70)}, b'{"k":18446744073709551616,"m":-1180591620717411303424}'),
    ({"k": 1.5, "m": -0.0, "n": 1e100, "o": 0.1}, b'{"k":1.5,"m":-0.0,"n":1e+100,"o":0.1}'),
    ({"t": True, "f": False, "n": None}, b'{"f":false,"n":null,"t":true}'),
    ({"l": [None, True, {"b": "x", "a": "y"}]}, b'{"l":[null,true,{"a":"y","b":"x"}]}'),
    ({"k": ""}, b'{"k":""}'),
    ({"": 1}, b'{"":1}'),
]


@pytest.mark.parametrize(("obj", "expected"), CANONICAL)
def test_canonical_json_exact_bytes(obj: dict[str, Any], expected: bytes) -> None:
    out = canonical_json(obj)
    assert out == expected
    assert type(out) is bytes
    out.decode("ascii")  # ASCII only, whatever the input
    assert json.loads(out) == obj  # and it means what it was given


def test_canonical_json_is_independent_of_insertion_order() -> None:
    a = {"x": 1, "y": {"p": 1, "q": 2}, "a": [1]}
    b = {"a": [1], "y": {"q": 2, "p": 1}, "x": 1}
    assert canonical_json(a) == canonical_json(b) == b'{"a":[1],"x":1,"y":{"p":1,"q":2}}'


def test_canonical_json_tuples_are_lists() -> None:
    assert canonical_json({"t": (1, "a")}) == b'{"t":[1,"a"]}'


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_canonical_json_refuses_non_finite_floats(bad: float) -> None:
    with pytest.raises(ValueError, match=r"not JSON compliant"):
        canonical_json({"k": bad})
    with pytest.raises(ValueError):
        canonical_json({"k": [1, {"m": bad}]})


@pytest.mark.parametrize(
    "bad",
    [
        {"k": b"raw bytes"},  # bytes go in as base64 strings, never raw
        {"k": {1, 2}},
        {"k": object()},
        {"k": 1j},
        {1: "a", "b": 2},  # mixed key types cannot be sorted
        {("t",): 1},
    ],
)
def test_canonical_json_refuses_what_json_cannot_say(bad: dict[Any, Any]) -> None:
    with pytest.raises(TypeError):
        canonical_json(bad)


@pytest.mark.parametrize(
    ("label", "head_parts", "tail_parts"),
    [
        ("L", (), ()),
        ("L", (), ("a",)),
        ("leak-term-ad/v1", ("vault-1", "UA-061-21-0001"), (bytes(16),)),
        ("L", (b"",), (b"", 7, "é")),
        ("", ("x" * 300,), (-1, b"\xff" * 70_000)),
    ],
)
def test_extend_context_gives_the_bytes_context_gives(
    label: str, head_parts: tuple[Any, ...], tail_parts: tuple[Any, ...]
) -> None:
    head = context(label, *head_parts)
    assert extend_context(head, *tail_parts) == context(label, *head_parts, *tail_parts)
    assert extend_context(head) == head


def test_extend_context_refuses_what_context_refuses() -> None:
    with pytest.raises(TypeError):
        extend_context(context("L"), True)
