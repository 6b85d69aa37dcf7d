"""Fixtures for the security core's unit tests (the tests mutation testing runs, issue 22).

Keys come from here, made once per session: an Argon2id derivation at full strength costs about a
second, so a test that needs a sealed identity takes this one instead of sealing its own. Nothing
here touches the command line or a vault on disk."""

from __future__ import annotations

from typing import Any

import pytest

from vault.crypto import Identity, Passphrase, seal_identity

#: Invented people only (the project's rule for fixtures).
NAMES = ("Tamsin Orvell", "Baurzhan Keldy", "Ilse Marwood")

#: The passphrase the session's sealed identity is sealed under. Test data, never a real secret.
SEALED_PASSPHRASE = "correct horse battery staple, core fixture"


@pytest.fixture(scope="session")
def identities() -> dict[str, Identity]:
    """Three identities (Ed25519 signing and ML-KEM-768+X25519 keys), generated once."""
    return {name: Identity.generate(name) for name in NAMES}


@pytest.fixture(scope="session")
def sealed_identity(identities: dict[str, Identity]) -> dict[str, Any]:
    """The first identity sealed once at the default (full-strength) Argon2id parameters, under
    :data:`SEALED_PASSPHRASE`. Treat it as read-only: copy before changing a field."""
    return seal_identity(identities[NAMES[0]], Passphrase.from_text(SEALED_PASSPHRASE))
