"""Getting passphrases from a person: hidden prompt, environment, or a file. Never an argument."""

from __future__ import annotations

import os
from pathlib import Path

import click

from vault.crypto import Passphrase
from vault.errors import UsageError

MIN_NEW_PASSPHRASE = 12
# Names of environment variables, not secrets:
ENV_PASSPHRASE = "CASEVAULT_PASSPHRASE"  # noqa: S105  # nosec B105
ENV_NEW_PASSPHRASE = "CASEVAULT_NEW_PASSPHRASE"  # noqa: S105  # nosec B105


def _from_file(path: Path) -> Passphrase:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read passphrase file {path}") from e
    line = text.splitlines()[0] if text else ""
    if not line:
        raise UsageError(f"passphrase file {path} is empty")
    return Passphrase.from_text(line)


def existing(passphrase_file: Path | None) -> Passphrase:
    """A person's current passphrase: --passphrase-file, then $CASEVAULT_PASSPHRASE, then a
    hidden prompt."""
    if passphrase_file is not None:
        return _from_file(passphrase_file)
    env = os.environ.get(ENV_PASSPHRASE)
    if env:
        return Passphrase.from_text(env)
    return Passphrase.from_text(click.prompt("Passphrase", hide_input=True, err=True))


def new(label: str, passphrase_file: Path | None = None) -> Passphrase:
    """A new passphrase: --new-passphrase-file, $CASEVAULT_NEW_PASSPHRASE, or asked twice."""
    if passphrase_file is not None:
        pw = _from_file(passphrase_file)
    elif os.environ.get(ENV_NEW_PASSPHRASE):
        pw = Passphrase.from_text(os.environ[ENV_NEW_PASSPHRASE])
    else:
        pw = Passphrase.from_text(
            click.prompt(
                f"New passphrase for {label}", hide_input=True, confirmation_prompt=True, err=True
            )
        )
    if len(pw.reveal().decode("utf-8")) < MIN_NEW_PASSPHRASE:
        raise UsageError(f"a passphrase must be at least {MIN_NEW_PASSPHRASE} characters")
    return pw
