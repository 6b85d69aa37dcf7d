"""`casevault backup`: encrypted snapshots of the vault, checked and restored."""

from __future__ import annotations

import click


@click.group()
def backup() -> None:
    """Create, verify and restore encrypted backups (the age format)."""
