"""`casevault backup`: encrypted snapshots of the vault, checked and restored.

`backup create --to FILE --recipient age1…` (an admin, on the open vault); `backup verify FILE
--age-identity KEYFILE` and `backup restore FILE --to NEW_PATH --age-identity KEYFILE` (no vault
needed). The age identity is read from its file into a secret and never printed.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from vault.cli import secrets
from vault.cli.main import open_vault, output_options, print_result, settings
from vault.crypto import SecretBytes
from vault.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from vault.services.backup import BackupReport


@click.group()
def backup() -> None:
    """Create, verify and restore encrypted backups (the age format)."""


F = TypeVar("F", bound=Callable[..., Any])


def _size(n: int) -> str:
    value, unit = float(n), "bytes"
    for bigger in ("KB", "MB", "GB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{n} bytes" if unit == "bytes" else f"{value:.1f} {unit}"


def _identity(path: Path) -> SecretBytes:
    """The age identity file's content, as a secret from the start."""
    try:
        return SecretBytes(path.read_bytes())
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such age identity file") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder, not an age identity file") from None
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}") from None


def _identity_option(fn: F) -> F:
    fn = click.option(
        "--shares-file",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help="Instead of an identity file: the trustees' recovery shares, one per line (mode "
        "0600); every backup is encrypted to the recovery key.",
    )(fn)
    return click.option(
        "--age-identity",
        "keyfile",
        type=click.Path(dir_okay=False, path_type=Path),
        help="An age identity file (as age-keygen writes: AGE-SECRET-KEY-1…) of a recipient of "
        "the backup, or an unencrypted ssh-ed25519 private key.",
    )(fn)


def _age_secret(keyfile: Path | None, shares_file: Path | None) -> SecretBytes:
    """The age identity that opens the backup: from a file, or rebuilt from the shares."""
    if (keyfile is None) == (shares_file is None):
        raise UsageError("give --age-identity KEYFILE or --shares-file FILE (one of them)")
    if keyfile is not None:
        return _identity(keyfile)
    from vault.cli.recovery import read_shares
    from vault.crypto.recovery import age_identity, combine_shares

    return age_identity(combine_shares(read_shares(shares_file)))


def _report_lines(file: Path, r: BackupReport) -> list[str]:
    s = r.snapshot
    ckpt = (
        f"signed by {s.created_by}"
        if r.checkpoint_by_maker
        else f"signed by {', '.join(r.checkpoint_signers) or 'nobody'} (checked once restored, "
        "by 'casevault audit verify')"
    )
    return [
        f"{file}: OK — vault {s.vault_id}, backup {s.backup_id}",
        f"  made {s.created_at} by {s.created_by}, whose key is {r.signer}: compare it with "
        "the one you know",
        f"  audit log of {s.audit_size} entries (the backup is entry {s.entry}); checkpoint "
        f"{ckpt}; signed state {s.state_seq}",
        f"  {len(r.files)} files match the signed manifest: "
        + ", ".join(f"{f.name} ({_size(f.bytes)})" for f in r.files),
    ]


@backup.command("create")
@click.option(
    "--to",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The new backup file (never overwritten).",
)
@click.option(
    "--recipient",
    "recipients",
    multiple=True,
    metavar="age1…",
    help="An age public key (age1…) or an ssh-ed25519 public key line to encrypt to; repeat "
    "for more. Only their private keys can open the backup.",
)
@output_options
@click.pass_context
def create(ctx: click.Context, out: Path, recipients: tuple[str, ...]) -> None:
    """Write an encrypted backup of the vault to a new file, while it stays in use.

    An admin copies the database as of one moment (SQLite's online backup API; others keep
    working) with its keyring and signed audit checkpoint, signs a manifest of them, and
    encrypts the whole to the recipients in the age format: `age -d -i KEYFILE FILE | tar x`
    opens it anywhere. The backup is logged (with keyed digests of the recipients, never the
    keys). Check it with `casevault backup verify`.
    """
    from vault.services.backup import create_backup

    v = open_vault(ctx)
    start = time.monotonic()
    info = create_backup(v, out, recipients)
    seconds = time.monotonic() - start
    s = info.snapshot
    count = info.recipients
    how = (
        "--age-identity KEYFILE"
        if v.state.recovery is None
        else "--shares-file FILE (the trustees' recovery shares)"
        if not recipients
        else "--age-identity KEYFILE (or --shares-file FILE: the recovery shares open it too)"
    )
    print_result(
        ctx,
        {**info.to_json(), "seconds": round(seconds, 3)},
        "\n".join(
            [
                f"Backup written to {out}: {_size(info.bytes)} in {seconds:.1f} s, encrypted "
                f"to {count} recipient{'s' if count != 1 else ''}",
                f"  backup {s.backup_id}: audit log of {s.audit_size} entries (logged as "
                f"entry {s.entry}), signed state {s.state_seq}",
                f"check it: casevault backup verify {out} {how}",
            ]
        ),
    )


@backup.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_identity_option
@output_options
@click.pass_context
def verify(ctx: click.Context, file: Path, keyfile: Path | None, shares_file: Path | None) -> None:
    """Decrypt a backup and check all of it, without the vault and without writing anything.

    Checks that the tar holds exactly the expected files (no links, no other paths), the
    maker's signature over the manifest, every file's size and SHA-256, that the audit
    checkpoint and the keyring belong to the vault the manifest names. Exits 3 when the
    identity does not open the file, 5 when anything is damaged or altered.
    """
    from vault.services.backup import verify_backup

    report = verify_backup(file, _age_secret(keyfile, shares_file))
    print_result(ctx, report.to_json(), "\n".join(_report_lines(file, report)))


@backup.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The new vault folder (absent or empty: a restore never overwrites).",
)
@_identity_option
@output_options
@click.pass_context
def restore(
    ctx: click.Context, file: Path, to: Path, keyfile: Path | None, shares_file: Path | None
) -> None:
    """Restore a backup into a new vault folder, after checking it as `backup verify` does.

    The files are written beside the target, synced to disk, and the folder is renamed into
    place only when every check has passed. The restore is then signed and logged (a
    `vault.restore` record) by you, an admin (--user), or by the recovery key when the trustees
    give their shares: every person's next unlock accepts the restored vault and says so.
    Open it as usual with `--vault NEW_PATH`.
    """
    from vault.services.backup import restore_backup
    from vault.services.restore import record_restore, record_restore_by_recovery

    s = settings(ctx)
    secret = _age_secret(keyfile, shares_file)
    if shares_file is None:
        who = s.who()  # the admin who signs the restore: asked before anything is written
    report = restore_backup(file, to, secret)
    try:
        if shares_file is not None:
            from vault.cli.recovery import read_shares

            record_restore_by_recovery(to, read_shares(shares_file), report.to_json())
            signer = "the recovery key"
            again: list[str] = []
        else:
            again = record_restore(
                to,
                who,
                lambda _n: secrets.existing(s.passphrase_file),
                report.to_json(),
                identity_file=s.identity,
            )
            signer = who
    except BaseException:
        # an unsigned restore is no restore: nothing is left for anyone to open by mistake
        shutil.rmtree(to, ignore_errors=True)
        raise
    lines = _report_lines(file, report)
    lines.insert(0, f"Restored into {to}; the restore is signed and logged by {signer}.")
    if again:
        lines.insert(
            1,
            "Revoked again (you saw them revoked or re-keyed after this backup): "
            + ", ".join(again)
            + ".",
        )
    print_result(ctx, report.to_json(), "\n".join(lines))
