"""People of a vault: the rule for their names. Pure."""

from __future__ import annotations

import re

from vault.errors import UsageError

_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,31}$")
#: The name the vault's recovery key signs under (state records, audit entries): no person's.
RECOVERY_NAME = "recovery"


def check_member_name(name: str) -> str:
    """A person's name in the vault: lower-case ASCII, 1-32 characters, starting with a letter.

    Names appear in file names and in associated data, so they are kept plain on purpose.
    """
    if not _NAME.fullmatch(name):
        raise UsageError(
            "a person's name must be 1-32 characters: a-z first, then a-z, 0-9, '.', '_' or '-'"
        )
    if name == RECOVERY_NAME:
        raise UsageError(f"{name!r} is the name of the vault's recovery key, not a person's")
    return name
