"""One error root for everything casevault raises on purpose.

Messages name ids (a case id, a field name, a person's name, a file and line), never a
value: an exception text may end up on a screen, in a bug report or in a terminal log.
"""

from __future__ import annotations


class VaultError(Exception):
    """Root of every error casevault raises on purpose.

    ``diagnostics()`` is the one line a person sees; it never holds a protected value.
    """

    def diagnostics(self) -> str:
        return str(self) or self.__class__.__name__


class UsageError(VaultError):
    """The person asked for something that does not make sense (bad argument, unknown name)."""


class NotFoundError(VaultError):
    """A case, person, action or file named by the caller does not exist."""


class PolicyError(VaultError):
    """The policy file is malformed or inconsistent; the vault refuses to use it (fail closed)."""


class ValidationError(VaultError):
    """A record or import row does not match the policy's field schema."""


class AccessDeniedError(VaultError):
    """The person's role does not allow this action."""


class AuthenticationError(VaultError):
    """Wrong passphrase, or no identity for this person. Deliberately says no more."""


class DecryptionError(VaultError):
    """Any failure to open a ciphertext. Opaque on purpose: it never says which part was wrong."""

    def __init__(self, what: str = "a ciphertext") -> None:
        super().__init__(f"could not decrypt {what}: it was altered, moved, or the key is wrong")


class IntegrityError(VaultError):
    """A signature, hash chain or commitment did not verify: the vault has been tampered with."""


class StoreError(VaultError):
    """The database could not be opened or written (not a vault, locked, corrupt)."""


class DamagedStoreError(StoreError):
    """The database file is damaged or was changed outside casevault (a page fails its check)."""


class BusyStoreError(StoreError):
    """Another casevault process has held the vault's lock past the busy timeout (an import)."""


class DiskFullError(StoreError):
    """The disk (or the file system's quota) was full: the write was rolled back, the vault is
    as it was."""


class ConflictError(StoreError):
    """Another writer changed the same record first; nothing was written."""


class WorkerError(VaultError):
    """A worker process doing part of a command's work on another core ended before it was
    done (killed, or out of memory); the command stopped and wrote nothing of its own."""
