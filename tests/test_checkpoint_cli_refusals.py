"""A checkpoint whose signature is valid but whose body is not a canonical checkpoint, met on the
command line: `audit check-proof` needs no vault, only the proof file and a published key, so an
outsider's file reaches the checkpoint reader directly. Each must end in one clear error line and
exit 5 (an integrity failure), never a traceback and never "OK"."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vault.audit import checkpoint as cp
from vault.audit import entry as en
from vault.audit import merkle
from vault.cli import cli
from vault.crypto import _primitives as p
from vault.services.audit import BUNDLE_FORMAT

PRIVATE = p.sign_generate()
PUBLIC = p.sign_public(PRIVATE)


def _sign(message: bytes) -> bytes:
    return p.sign(PRIVATE, message)


#: One audit entry of vault "v", signed by "ada": the whole log of a one-entry tree.
ENTRY = en.encode(en.make("v", 0, "2031-04-05T06:07:08+00:00", "ada", "case.read"), _sign)
ROOT = base64.b64encode(merkle.leaf_hash(ENTRY)).decode()
#: The same 32 bytes spelled another way: the last character's two unused bits set.
ROOT_OTHER_SPELLING = ROOT[:-2] + chr(ord(ROOT[-2]) + 1) + "="

MALFORMED = {
    "size with a leading zero": f"casevault/v\n01\n{ROOT}\n",
    "size in full-width digits": f"casevault/v\n\uff11\n{ROOT}\n",
    "size of twenty digits": f"casevault/v\n{'9' * 20}\n{ROOT}\n",
    "size above 2^63-1": f"casevault/v\n{2**63}\n{ROOT}\n",
    "negative size": f"casevault/v\n-1\n{ROOT}\n",
    "root of 31 bytes": f"casevault/v\n1\n{base64.b64encode(bytes(31)).decode()}\n",
    "root in another base64 spelling": f"casevault/v\n1\n{ROOT_OTHER_SPELLING}\n",
    "root not base64": f"casevault/v\n1\n{ROOT[:-1]}!\n",
    "no root line": "casevault/v\n1\n",
    "empty origin": f"\n1\n{ROOT}\n",
}


def _check_proof(tmp_path: Path, body: str) -> Result:
    """`audit check-proof` of a one-entry bundle whose checkpoint body is ``body``, signed."""
    note = cp.sign_note(body, "ada", PUBLIC, _sign)
    bundle = {
        "format": BUNDLE_FORMAT,
        "entry": base64.b64encode(ENTRY).decode(),
        "index": 0,
        "tree_size": 1,
        "proof": [],
        "checkpoint": note,
    }
    proof = tmp_path / "proof.json"
    proof.write_text(json.dumps(bundle), "utf-8")
    key = cp.verifier_key("ada", PUBLIC)
    return CliRunner().invoke(cli, ["audit", "check-proof", str(proof), "--key", key])


@pytest.mark.parametrize("body", MALFORMED.values(), ids=list(MALFORMED))
def test_check_proof_refuses_a_signed_malformed_checkpoint(tmp_path: Path, body: str) -> None:
    r = _check_proof(tmp_path, body)
    assert r.exit_code == 5, r.output
    assert r.stdout == ""
    assert r.stderr == "casevault: error: malformed checkpoint\n"


def test_the_same_file_with_a_well_formed_checkpoint_is_accepted(tmp_path: Path) -> None:
    """The control: the refusals above come from the body, not from how the file is built."""
    r = _check_proof(tmp_path, f"casevault/v\n1\n{ROOT}\n")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("OK: entry 0")
