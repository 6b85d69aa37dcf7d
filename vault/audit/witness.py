"""What each person last saw of a vault's log, kept on this machine outside the vault.

SQLCipher accepts an older copy of the database file without complaint, and an older copy is
self-consistent: its own log verifies. Only a tree head remembered from before can tell. A
:class:`Witness` keeps the last signed tree head one person saw of one vault, in a file under
:func:`state_dir`, and at the next unlock proves the log still extends it (RFC 9162 consistency):
a rolled-back or forked vault is refused before anything is read or written.

The file holds a signed checkpoint: a size and a root hash, no case data and no key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from vault.audit.log import AuditLog
from vault.errors import IntegrityError


def state_dir() -> Path:
    """Where this machine keeps what each person last saw of each vault: $CASEVAULT_STATE_DIR,
    else $XDG_STATE_HOME/casevault, else ~/.local/state/casevault. Reads the environment only;
    creates nothing."""
    env = os.environ.get("CASEVAULT_STATE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "casevault"


_default_state_dir = state_dir  # Witness's parameter of the same name hides the function


class Witness:
    """One person's memory of one vault's log on this machine: ``STATE/VAULT_ID/NAME.checkpoint``.

    ``state_dir`` defaults to :func:`state_dir`, read once, here."""

    def __init__(self, vault_id: str, person: str, state_dir: Path | None = None) -> None:
        self.vault_id = vault_id
        self.person = person
        self._root = state_dir if state_dir is not None else _default_state_dir()

    @property
    def path(self) -> Path:
        """The file holding this person's last seen checkpoint of this vault."""
        return self._root / self.vault_id / f"{self.person}.checkpoint"

    def remembered(self) -> str | None:
        """The remembered signed checkpoint note, or None when there is none or it cannot be
        read (then :meth:`check` has nothing to compare with). Not verified here."""
        try:
            return self.path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def check(self, log: AuditLog, member_keys: Mapping[str, bytes]) -> None:
        """Prove ``log`` extends the remembered checkpoint (a no-op when nothing is remembered).

        Raises IntegrityError naming a rollback or a fork, and this file, so that a person who
        restored a backup on purpose knows what to move away. Reads the log's store: call inside
        a read transaction."""
        note = self.remembered()
        if note is None:
            return
        try:
            log.check_against(note, member_keys)
        except IntegrityError as e:
            raise IntegrityError(
                f"{e.diagnostics()} (compared with what {self.person} last saw on this machine, "
                f"{self.path}; if you restored a backup on purpose, move that file away)"
            ) from e

    def remember(self, note: str) -> None:
        """Keep ``note`` (the latest signed tree head) as what this person last saw. Atomic: a
        crash leaves the old note or the new one. Best effort: never raises OSError, since
        failing to remember must not stop the work; it only weakens the next check."""
        path = self.path
        tmp = path.with_name(path.name + ".new")
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
                f.write(note.encode("utf-8"))
                f.flush()
                os.fsync(f.fileno())  # the rename must not publish bytes that are not on disk
            os.replace(tmp, path)
        except OSError:
            pass
