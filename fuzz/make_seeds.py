"""Write the seed corpora of the fuzz harnesses from the project's own fixtures.

    PYTHONPATH=. .venv/bin/python fuzz/make_seeds.py

import_rows: every file of tests/fixtures/import/ as CSV (mode byte 1, and 3 = dmy), and a few
JSON Lines rows like the import tests' (mode byte 0). checkpoint: the C2SP signed-note vectors
(keys/vectors/signed_note.json), checkpoints over the RFC 6962 tree of keys/vectors/merkle.json
signed with the harness's fixed key, with the merkle vectors' proofs as extension lines.
Deterministic: running it twice writes the same files.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from vault.audit import checkpoint as cp
from vault.crypto._primitives import sign, sign_public

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"
#: The checkpoint harness's own signing key (a fixed test key, public: it signs only seeds).
FUZZ_KEY_SEED = bytes(range(32))
FUZZ_KEY_NAME = "fuzz.example/log"

MODE_JSONL, MODE_CSV, MODE_CSV_DMY = b"\x00", b"\x01", b"\x03"
MODE_CHECKPOINT, MODE_NOTE, MODE_VKEY = b"\x00", b"\x01", b"\x02"


def _write(folder: Path, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data, usedforsecurity=False).hexdigest()).write_bytes(
        data
    )  # libFuzzer's own naming


def import_seeds() -> None:
    out = SEEDS / "import_rows"
    for path in sorted((ROOT / "tests" / "fixtures" / "import").glob("*.csv")):
        _write(out, MODE_CSV + path.read_bytes())
        _write(out, MODE_CSV_DMY + path.read_bytes())
    rows = [
        {
            "case_id": "UA-100-26-001",
            "full_name": "Invented Person",
            "status": "missing",
            "birth_year": 1984,
            "detained_on": "2018-05",
            "date_of_birth": "1984-03-12",
            "name_variants": ["Айнур", "阿依努尔"],
            "family_contacts": [
                {"name": "Relative Number", "relation": "sister", "phone": "+7 701 555 1001"}
            ],
            "id_numbers": [{"kind": "passport", "value": "E12345678"}],
            "consent": {"publish_name": False},
        },
        {"case_id": "UA-100-26-002", "charges": "none known\nsecond line"},
    ]
    _write(out, MODE_JSONL + "".join(json.dumps(r) + "\n" for r in rows).encode())
    _write(out, MODE_JSONL + json.dumps(rows[0], ensure_ascii=False).encode() + b"\n")


def checkpoint_seeds() -> None:
    out = SEEDS / "checkpoint"
    note = json.loads((ROOT / "keys" / "vectors" / "signed_note.json").read_text("utf-8"))
    text = note["text"]
    for who in ("peter", "enoch"):
        _write(out, MODE_NOTE + (text + "\n" + note[who]["sig_line"]).encode())
        _write(out, MODE_VKEY + note[who]["vkey"].encode())
    both = text + "\n" + note["peter"]["sig_line"] + note["enoch"]["sig_line"]
    _write(out, MODE_NOTE + both.encode())
    for suffix in note["malformed_suffixes"]:
        _write(out, MODE_NOTE + (text + suffix).encode())
    public = sign_public(FUZZ_KEY_SEED)
    merkle = json.loads((ROOT / "keys" / "vectors" / "merkle.json").read_text("utf-8"))
    for case in merkle["inclusion"][:6]:
        proof = case["proof"] or []
        body = cp.Checkpoint(
            FUZZ_KEY_NAME, case["treeSize"], base64.b64decode(case["root"]), tuple(proof)
        ).text()
        _write(out, MODE_CHECKPOINT + bytes([case["leafIdx"] & 0xFF]) + body.encode())
        signed = cp.sign_note(body, FUZZ_KEY_NAME, public, lambda m: sign(FUZZ_KEY_SEED, m))
        _write(out, MODE_NOTE + signed.encode())
    _write(out, MODE_VKEY + cp.verifier_key(FUZZ_KEY_NAME, public).encode())


if __name__ == "__main__":
    import_seeds()
    checkpoint_seeds()
