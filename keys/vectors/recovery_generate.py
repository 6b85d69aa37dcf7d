"""Write keys/vectors/recovery.json: what a fixed recovery secret derives, pinned.

Run once when the recovery derivation is *deliberately* changed (and bump its label):
    python keys/vectors/recovery_generate.py --force
tests/test_recovery_shares.py then checks that the current code derives the same public keys and
age recipient, so an accidental change of a purpose label, of the HKDF use or of the age encoding
fails. The secret bytes(range(32)) is a fixed test value, used for nothing else; only public
values are written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from vault.crypto.recovery import age_recipient, recovery_identity
from vault.models.secret import SecretBytes

OUT = Path(__file__).with_name("recovery.json")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--force", action="store_true")
    if OUT.exists() and not ap.parse_args().force:
        sys.exit(f"{OUT} exists; pass --force to replace pinned vectors")
    secret_hex = bytes(range(32)).hex()
    secret = SecretBytes(bytes.fromhex(secret_hex))
    public = recovery_identity(secret).public
    data = {
        "about": "what the recovery secret bytes(range(32)) derives; vault/crypto/recovery.py",
        "cases": [
            {
                "secret_hex": secret_hex,
                "name": public.name,
                "fingerprint": public.fingerprint(),
                "sign_public_hex": public.sign_public.hex(),
                "kem_public_sha256_hex": hashlib.sha256(public.kem_public).hexdigest(),
                "age_recipient": age_recipient(secret),
            }
        ],
    }
    OUT.write_text(json.dumps(data, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
