"""People of a vault: their names, roles and public keys. Pure data."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from vault.errors import UsageError

_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,31}$")


def check_member_name(name: str) -> str:
    """A person's name in the vault: lower-case ASCII, 1-32 characters, starting with a letter.

    Names appear in file names and in associated data, so they are kept plain on purpose.
    """
    if not _NAME.fullmatch(name):
        raise UsageError(
            "a person's name must be 1-32 characters: a-z first, then a-z, 0-9, '.', '_' or '-'"
        )
    return name


class Member(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    role: str
    sign_public: bytes
    kem_public: bytes
    added_at: str
    added_by: str
    revoked_at: str | None = None
