"""Fuzz checkpoint parsing, signed-note opening and the Merkle verifiers fed parsed numbers.

Input: one mode byte, then text (UTF-8; undecodable bytes become U+FFFD, as a reader that
replaces them would pass on):

- 0: a leaf-index byte, then a checkpoint body for :func:`parse_checkpoint`; a checkpoint it
  accepts must be canonical (its ``text()`` is the input), and its size and root, with its
  extension lines read as base64 proof hashes, go to the inclusion and consistency verifiers.
- 1: a signed note for :func:`open_note` under the signed-note vectors' keys and this
  harness's fixed key (fuzz/make_seeds.py); an opened note's text then goes through mode 0.
- 2: a verifier key for :func:`parse_verifier_key`; an accepted one must be canonical.

A finding is any exception that is not the project's own (:class:`vault.errors.VaultError`),
or an accepted input that is not in canonical form.

    PYTHONPATH=. .venv/bin/python fuzz/fuzz_checkpoint.py -max_total_time=300 \\
        /tmp/corpus-checkpoint fuzz/seeds/checkpoint

``FUZZ_ALLOW_KNOWN=1`` lets the run go on past findings already listed in ``KNOWN`` (each has
a regression test in tests/test_fuzz_regressions.py), so a fixed-time run finds new ones.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import sys
from pathlib import Path

import atheris
from known import Known, one_input

with atheris.instrument_imports(include=["vault"]):
    from vault.audit import checkpoint as cp
    from vault.audit import merkle
    from vault.errors import VaultError

ROOT = Path(__file__).resolve().parent.parent
FUZZ_KEY_NAME = "fuzz.example/log"
#: public key of Ed25519PrivateKey.from_private_bytes(bytes(range(32))) (fuzz/make_seeds.py)
FUZZ_KEY_PUBLIC = bytes.fromhex("03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8")


def _keys() -> dict[tuple[str, bytes], bytes]:
    vectors = json.loads((ROOT / "keys" / "vectors" / "signed_note.json").read_text("utf-8"))
    keys = {}
    for who in ("peter", "enoch"):
        name, public = cp.parse_verifier_key(vectors[who]["vkey"])
        keys[(name, cp.key_id(name, public))] = public
    keys[(FUZZ_KEY_NAME, cp.key_id(FUZZ_KEY_NAME, FUZZ_KEY_PUBLIC))] = FUZZ_KEY_PUBLIC
    return keys


KEYS = _keys()

#: Findings reported (not ours to fix: vault/audit belongs to another helper) and kept as
#: regression tests, as (exception type, message fragment).
#: F3-F7 and F10 were mended in vault/audit/checkpoint.py; their regression tests stay.
KNOWN: Known = ()


def _proof(ext: tuple[str, ...]) -> list[bytes]:
    out = []
    for line in ext:
        try:
            out.append(base64.b64decode(line, validate=True))
        except (binascii.Error, ValueError):
            continue
    return out


def check_checkpoint(text: str, index: int) -> None:
    c = cp.parse_checkpoint(text)
    if c.text() != text:
        raise AssertionError(f"accepted a checkpoint that is not canonical: {text!r}")
    proof = _proof(c.extensions)
    leaf = proof[0] if proof and len(proof[0]) == merkle.HASH_SIZE else merkle.leaf_hash(b"")
    for i in (index, c.size - 1 - index):
        with contextlib.suppress(merkle.ProofError):
            merkle.check_inclusion(i, c.size, leaf, proof, c.root)
    for old in (index, c.size - index, c.size):
        with contextlib.suppress(merkle.ProofError):
            merkle.check_consistency(old, c.size, leaf, c.root, proof)
        with contextlib.suppress(merkle.ProofError):
            merkle.check_consistency(old, c.size, leaf, c.root, proof[1:])


def check(data: bytes) -> None:
    if len(data) < 2:
        return
    mode = data[0] % 3
    try:
        if mode == 0:
            check_checkpoint(data[2:].decode("utf-8", "replace"), data[1])
        elif mode == 1:
            opened = cp.open_note(data[1:].decode("utf-8", "replace"), KEYS)
            if not opened.verified:
                raise AssertionError("open_note returned a note nobody verified")
            check_checkpoint(opened.text, 0)
        else:
            vkey = data[1:].decode("utf-8", "replace")
            name, public = cp.parse_verifier_key(vkey)
            if cp.verifier_key(name, public) != vkey:
                raise AssertionError(f"accepted a verifier key that is not canonical: {vkey!r}")
    except VaultError:
        return


TestOneInput = one_input(check, KNOWN)  # atheris' name


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
