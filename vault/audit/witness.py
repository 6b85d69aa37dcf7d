"""What each person last saw of a vault's log, kept on this machine outside the vault.

SQLCipher accepts an older copy of the database file without complaint, and an older copy is
self-consistent: its own log verifies. Only a tree head remembered from before can tell. A
:class:`Witness` keeps the last signed tree head one person saw of one vault, in a file under
:func:`state_dir`, and at the next unlock proves the log still extends it (RFC 9162 consistency):
a rolled-back or forked vault is refused before anything is read or written.

The file holds a signed checkpoint: a size and a root hash, no case data and no key. Beside it,
the witness keeps the head of the vault's signed state chain the person last saw
(``NAME.state``), and, once per vault on this machine, the fingerprint of the vault's founder
(``founder``): pinned at first use, the way SSH pins a host key, so that a vault replaced by one
with another founder (the same vault id, the real members re-enrolled) is refused.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
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
                f"{self.path}; a backup is restored on purpose with 'casevault backup restore', "
                "which signs it)"
            ) from e

    def remember(self, note: str) -> None:
        """Keep ``note`` (the latest signed tree head) as what this person last saw. Atomic: a
        crash leaves the old note or the new one. Best effort: never raises OSError, since
        failing to remember must not stop the work; it only weakens the next check."""
        _write_atomic(self.path, note.encode("utf-8"))

    # --- the signed state chain ------------------------------------------------------------

    @property
    def state_path(self) -> Path:
        """The file holding the head of the state chain this person last saw."""
        return self._root / self.vault_id / f"{self.person}.state"

    def check_state(self, heads: Sequence[str]) -> None:
        """Refuse a state chain that does not extend the one this person last saw.

        ``heads[i]`` is the hash of state record ``i + 1`` as the vault holds it now. Raises
        IntegrityError when the remembered record is missing (rolled back) or differs
        (rewritten); a no-op when nothing is remembered."""
        try:
            seen = json.loads(self.state_path.read_text("utf-8"))
            seq, head = int(seen["seq"]), str(seen["head"])
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
            return
        if seq > len(heads) or heads[seq - 1] != head:
            what = "rolled back" if seq > len(heads) else "rewritten"
            raise IntegrityError(
                f"the vault's signed state was {what}: {self.person} last saw {seq} state "
                f"records on this machine ({self.state_path}), the vault now holds {len(heads)}"
                " that do not extend them"
            )

    def remember_state(
        self,
        seq: int,
        head: str,
        restores: int = 0,
        revoked: Sequence[str] = (),
        retired: Sequence[str] = (),
    ) -> None:
        """Keep the head of the state chain as what this person last saw, how many signed
        restores it held, who was revoked and which keys were replaced (their fingerprints):
        what no restore may undo (best effort)."""
        memory = {
            "seq": seq,
            "head": head,
            "restores": restores,
            "revoked": sorted(revoked),
            "retired": sorted(retired),
        }
        _write_atomic(self.state_path, json.dumps(memory).encode("ascii"))

    def undone_by(self, revoked: Sequence[str], active_keys: Mapping[str, str]) -> list[str]:
        """Who, in a restored vault, holds keys this person saw taken away: someone they saw
        revoked who is active again, or someone whose active key they saw retired. Empty when
        nothing is remembered."""
        try:
            seen = json.loads(self.state_path.read_text("utf-8"))
            was_revoked = {str(n) for n in seen.get("revoked", [])}
            retired = {str(f) for f in seen.get("retired", [])}
        except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError):
            return []
        back = was_revoked - set(revoked)
        old = {n for n, fp in active_keys.items() if fp in retired}
        return sorted(back | old)

    def check_restore(self, revoked: Sequence[str], active_keys: Mapping[str, str]) -> None:
        """A restore may take the vault back, but never undo a revocation or a replaced key this
        person saw: refuse a vault where someone they saw revoked is active again, or where an
        active person holds a key they saw retired. ``active_keys`` maps each active signer to
        their key's fingerprint. Raises IntegrityError."""
        try:
            seen = json.loads(self.state_path.read_text("utf-8"))
            was_revoked = {str(n) for n in seen.get("revoked", [])}
            retired = {str(f) for f in seen.get("retired", [])}
        except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError):
            return
        back = sorted(was_revoked - set(revoked))
        old = sorted(n for n, fp in active_keys.items() if fp in retired)
        if back or old:
            who = back[0] if back else old[0]
            what = "revoked" if back else "given a new key"
            raise IntegrityError(
                f"this vault was restored to a state where {who}, whom {self.person} saw "
                f"{what}, holds their old keys again: refusing it (a restore must not undo a "
                f"revocation; {self.state_path})"
            )

    def restored_since(self, restores: int) -> bool:
        """Whether the vault's signed state holds more restores than when this person last saw
        it: a restore from a backup, signed by an admin or the recovery key and logged, is the
        one way a vault may go back; the memory of what came after it is then set aside."""
        try:
            seen = json.loads(self.state_path.read_text("utf-8"))
            remembered = int(seen.get("restores", 0))
        except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError):
            return False
        return restores > remembered

    # --- the founder, pinned at first use -------------------------------------------------------

    @property
    def founder_path(self) -> Path:
        """The file pinning the fingerprint of this vault's founder on this machine."""
        return self._root / self.vault_id / "founder"

    def check_founder(self, fingerprint: str) -> bool:
        """Compare the vault's founder with the one pinned on this machine. Returns True when
        this is the first use (the fingerprint is pinned now: show it to the person to compare
        with what their admin gave them). Raises IntegrityError when it differs."""
        try:
            pinned = self.founder_path.read_text("ascii").strip()
        except (OSError, UnicodeDecodeError):
            _write_atomic(self.founder_path, fingerprint.encode("ascii"))
            return True
        if pinned != fingerprint:
            raise IntegrityError(
                f"this vault's founder ({fingerprint[:16]}…) is not the one pinned on this "
                f"machine at first use ({pinned[:16]}…, {self.founder_path}): the vault was "
                "replaced by another one. Ask your admin before using it."
            )
        return False


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file, fsync, rename). Best effort: never
    raises OSError, since failing to remember must not stop the work."""
    tmp = path.with_name(path.name + ".new")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())  # the rename must not publish bytes that are not on disk
        os.replace(tmp, path)
    except OSError:
        pass
