"""A checkpoint's tree size and root have one spelling each (issue 22's fuzz findings F4, F10)."""

from __future__ import annotations

import base64

import pytest

from vault.audit.checkpoint import MalformedNoteError, parse_checkpoint

ROOT = bytes(range(32))
ROOT_B64 = base64.b64encode(ROOT).decode()


def test_the_largest_signed_64_bit_size_is_read() -> None:
    size = 2**63 - 1  # as Go's tlog.ParseTree and SQLite read a size: 19 digits
    assert parse_checkpoint(f"origin\n{size}\n{ROOT_B64}\n").size == size


@pytest.mark.parametrize("size", [str(2**63), str(2**64 - 1), "9" * 19, "1" * 20, "1" * 4301])
def test_a_size_beyond_signed_64_bits_is_refused(size: str) -> None:
    with pytest.raises(MalformedNoteError):
        parse_checkpoint(f"origin\n{size}\n{ROOT_B64}\n")


def test_a_root_in_another_base64_spelling_is_refused() -> None:
    canonical = base64.b64encode(bytes(32)).decode()
    other = canonical[:-2] + "B="  # decodes to the same 32 bytes under validate=True
    assert base64.b64decode(other, validate=True) == bytes(32)
    assert parse_checkpoint(f"origin\n1\n{canonical}\n").root == bytes(32)
    with pytest.raises(MalformedNoteError):
        parse_checkpoint(f"origin\n1\n{other}\n")
