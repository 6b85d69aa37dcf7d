"""Reviewing in tests as a reviewer does: unchecked spans are cleared (accepted as public) before
an approval, where the test is about something else than unchecked spans."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.conftest import PASSPHRASES
from tests.insider import raw_db, state_rows
from vault.cli import cli
from vault.services import drafts, public_terms
from vault.services import review as review_svc
from vault.services.review import Status
from vault.services.session import Vault


def clear_unchecked(v: Vault, draft_id: str) -> None:
    """Accept every unchecked span of the draft's newest version, if this role reviews."""
    if not v.policy.can_review(v.role):
        return
    with v.store.read():
        waiting = public_terms.unchecked_spans(v, drafts.get_draft(v, draft_id))
    if waiting:
        public_terms.accept_spans(v, draft_id, None)


def approve(v: Vault, draft_id: str) -> Status:
    """Clear the draft's unchecked spans, then approve it (the service's checks all apply)."""
    clear_unchecked(v, draft_id)
    return review_svc.give_verdict(v, draft_id, "approve")


def run(path: Path, user: str, *args: str) -> tuple[int, str, str]:
    """A casevault command as ``user`` on the vault at ``path``: (exit code, stdout, stderr)."""
    env = {
        "CASEVAULT_PATH": str(path),
        "CASEVAULT_USER": user,
        "CASEVAULT_PASSPHRASE": PASSPHRASES[user],
    }
    r = CliRunner().invoke(cli, list(args), env=env)
    return r.exit_code, r.stdout, r.stderr


def vault_now(path: Path) -> tuple[int, int]:
    """(audit entries, state records): what a refused command must leave as it was."""
    with raw_db(path, "rui") as db:
        audit = int(db.execute("SELECT count(*) FROM audit_entries").fetchone()[0])
        return audit, len(state_rows(db))
