"""`casevault keys`: the key hierarchy's lifecycle on this vault and this machine."""

from __future__ import annotations

import click


@click.group()
def keys() -> None:
    """Rotate keys and tune the passphrase key derivation to this machine."""
