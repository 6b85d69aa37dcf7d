"""Getting passphrases from a person: hidden prompt, environment, or a file. Never an argument.

A passphrase file that group or others can read is refused, as ssh refuses such a key file. A
hidden prompt with no terminal to ask at is refused rather than read from standard input with
the input echoed (getpass's fallback, announced by a ``GetPassWarning``).
"""

from __future__ import annotations

import getpass
import os
import stat
import warnings
from pathlib import Path

import click

from vault.crypto import Passphrase
from vault.errors import UsageError

MIN_NEW_PASSPHRASE = 12
# Names of environment variables, not secrets:
ENV_PASSPHRASE = "CASEVAULT_PASSPHRASE"  # noqa: S105  # nosec B105
ENV_NEW_PASSPHRASE = "CASEVAULT_NEW_PASSPHRASE"  # noqa: S105  # nosec B105


NO_TERMINAL = (
    "no terminal to ask for the passphrase: set CASEVAULT_PASSPHRASE or use --passphrase-file"
)


def hidden_prompt(
    text: str, *, confirm: bool = False, no_terminal: str = NO_TERMINAL, empty_ok: bool = False
) -> str:
    """Ask at a hidden prompt on stderr. With no terminal to ask at, raise UsageError with
    ``no_terminal`` (what to do instead) before anything is read. ``empty_ok``: an empty answer
    is an answer (it ends a list), not a reason to ask again."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            return str(
                click.prompt(
                    text,
                    default="" if empty_ok else None,
                    hide_input=True,
                    confirmation_prompt=confirm,
                    show_default=False,
                    err=True,
                )
            )
        except getpass.GetPassWarning:
            raise UsageError(no_terminal) from None


def check_private_file(path: Path, what: str = "passphrase file") -> None:
    """Refuse a secret's file that others can read or write (one line, what to do)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as e:
        raise UsageError(f"cannot read {what} {path}") from e
    if mode & 0o077:
        who = "readable" if mode & 0o044 else "writable"
        raise UsageError(f"{what} {path} is {who} by others (mode {mode:04o}): chmod 600 {path}")


def _from_file(path: Path) -> Passphrase:
    check_private_file(path)
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
    return Passphrase.from_text(hidden_prompt("Passphrase"))


def new(label: str, passphrase_file: Path | None = None) -> Passphrase:
    """A new passphrase: --new-passphrase-file, $CASEVAULT_NEW_PASSPHRASE, or asked twice."""
    if passphrase_file is not None:
        pw = _from_file(passphrase_file)
    elif os.environ.get(ENV_NEW_PASSPHRASE):
        pw = Passphrase.from_text(os.environ[ENV_NEW_PASSPHRASE])
    else:
        pw = Passphrase.from_text(
            hidden_prompt(
                f"New passphrase for {label}",
                confirm=True,
                no_terminal="no terminal to ask for the new passphrase: set "
                f"{ENV_NEW_PASSPHRASE} or use --new-passphrase-file",
            )
        )
    if len(pw.reveal().decode("utf-8")) < MIN_NEW_PASSPHRASE:
        raise UsageError(f"a passphrase must be at least {MIN_NEW_PASSPHRASE} characters")
    return pw
