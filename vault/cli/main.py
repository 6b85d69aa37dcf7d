"""The `casevault` group: global options, error handling, and the helpers every command shares
(opening the vault, printing, reusable option decorators).

No argument or value is ever logged. Protected field values are never taken as command-line
arguments (they would sit in shell history and `ps`): `--set` accepts only fields at the lowest
level; anything else comes from a file, standard input or a prompt.
"""

from __future__ import annotations

import getpass
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from vault.cli import render, secrets
from vault.errors import (
    AccessDeniedError,
    AuthenticationError,
    DamagedStoreError,
    IntegrityError,
    NotFoundError,
    UsageError,
    ValidationError,
    VaultError,
)

if TYPE_CHECKING:  # imported when a command runs, so `--help` stays quick
    from vault.services.session import Vault

EXIT_CODES: dict[type[VaultError], int] = {
    UsageError: 2,
    ValidationError: 2,
    AuthenticationError: 3,
    AccessDeniedError: 3,
    NotFoundError: 4,
    IntegrityError: 5,
    DamagedStoreError: 5,
}
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_INTERNAL = 70  # EX_SOFTWARE
#: Every exit code and what it means, for `casevault --help` and the README.
EXIT_MEANINGS: list[tuple[int, str]] = [
    (0, "done"),
    (1, "anything else (the vault is busy, a file cannot be read)"),
    (2, "bad input or usage: a wrong option, argument, record or file"),
    (3, "not allowed, or wrong passphrase or identity"),
    (4, "not found: a case, person, action or file"),
    (5, "integrity failure: the vault was tampered with, damaged or lost a file"),
    (70, "internal error (please report the command you ran)"),
    (130, "interrupted (Ctrl-C); a write in progress was rolled back"),
]
WAITING = "casevault: waiting for another casevault process to finish writing…"
NO_TERMINAL_INPUT = (
    "no terminal to type hidden input at: give the value from a file or standard input "
    "instead (see the command's --help)"
)

F = TypeVar("F", bound=Callable[..., Any])


class VaultGroup(click.Group):
    """Turns every VaultError into one line on stderr and an exit code; never a traceback.

    An unexpected exception prints only its type: its message could hold a protected value.
    """

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # The group's own options are parsed here, outside invoke: same one-line style.
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.ClickException as e:
            _fail(_click_message(e), e.exit_code)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with warnings.catch_warnings():
                # getpass falls back to echoing stdin when there is no terminal; refuse instead.
                warnings.simplefilter("error", getpass.GetPassWarning)
                return super().invoke(ctx)
        except VaultError as e:
            code = next((c for t, c in EXIT_CODES.items() if isinstance(e, t)), 1)
            _fail(e.diagnostics(), code)
        except getpass.GetPassWarning:
            _fail(NO_TERMINAL_INPUT, 2)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.ClickException as e:
            _fail(_click_message(e), e.exit_code)
        except click.exceptions.Exit:
            raise
        except click.Abort as e:
            # click turns Ctrl-C or end of input at a prompt into Abort ("Aborted!", exit 1).
            if isinstance(e.__context__, EOFError):
                _fail("input ended before the prompt was answered", 2)
            _interrupted()
        except KeyboardInterrupt:
            _interrupted()
        except Exception as e:  # the last line of defence against tracebacks
            click.echo(
                f"casevault: internal error ({type(e).__name__}); details are not shown because "
                "they may contain protected data. Please report the command you ran.",
                err=True,
            )
            raise click.exceptions.Exit(EXIT_INTERNAL) from None


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"casevault: error: {message}", err=True)
    raise click.exceptions.Exit(code)


def _interrupted() -> NoReturn:
    click.echo("casevault: interrupted; a write in progress was rolled back", err=True)
    raise click.exceptions.Exit(EXIT_INTERRUPTED)


def _click_message(e: click.ClickException) -> str:
    """click's own error (a bad option or argument) in our style, pointing at the help."""
    message = e.format_message().rstrip(".")
    ctx = getattr(e, "ctx", None)
    if isinstance(e, click.UsageError) and ctx is not None:
        return f"{message} (see '{ctx.command_path} --help')"
    return message


def exit_codes_text() -> str:
    """The exit-code table as a help epilog (``\\b`` keeps click from re-wrapping it)."""
    rows = "\n".join(f"  {code:<4} {meaning}" for code, meaning in EXIT_MEANINGS)
    return f"\b\nExit codes (errors are one line on stderr, starting 'casevault: error:'):\n{rows}"


@dataclass
class Settings:
    vault: Path | None
    user: str | None
    json: bool
    passphrase_file: Path | None
    identity: Path | None

    def root(self) -> Path:
        if self.vault is None:
            raise UsageError("no vault given: use --vault PATH or set CASEVAULT_PATH")
        return self.vault

    def who(self) -> str:
        if not self.user:
            raise UsageError("no person given: use --user NAME or set CASEVAULT_USER")
        return self.user


def settings(ctx: click.Context) -> Settings:
    """The global options, from the `casevault` group."""
    obj = ctx.find_object(Settings)
    if obj is None:  # only when a command is invoked outside the `casevault` group
        raise UsageError("casevault commands must run under the casevault group")
    return obj


def open_vault(ctx: click.Context) -> Vault:
    """Unlock the vault as the person of --user; it closes when the command ends."""
    from vault.services.session import Vault

    s = settings(ctx)
    said: list[bool] = []

    def waiting() -> None:  # once per command, however many writes wait
        if not said:
            said.append(True)
            click.echo(WAITING, err=True)

    v = Vault.open(
        s.root(),
        s.who(),
        lambda _name: secrets.existing(s.passphrase_file),
        identity_file=s.identity,
        on_wait=waiting,
    )
    if v.notice.first_use_founder and sys.stderr.isatty():  # a person at a terminal, as ssh
        click.echo(
            f"casevault: first use of this vault on this machine: its founder is "
            f"{v.state.founder}, key fingerprint {v.notice.first_use_founder}. Compare it with "
            "the one your admin gave you; it is pinned from now on.",
            err=True,
        )
    if v.notice.restored:
        click.echo(
            f"casevault: note: this vault was {v.notice.restored}; what you saw after that "
            "backup is not in it (see 'casevault audit log --action vault.restore')",
            err=True,
        )
    if v.notice.delivered:
        click.echo(f"casevault: delivered keys to: {', '.join(v.notice.delivered)}", err=True)
    if v.notice.waiting_for_keys:
        click.echo(
            f"casevault: note: your {v.role} keys have not reached you yet; "
            + (
                "another caseworker who holds them"
                if v.role == "caseworker"
                else f"another {v.role} or a caseworker"
            )
            + " must unlock the vault once (or the trustees run 'casevault recover'). "
            "Until then every field is withheld.",
            err=True,
        )
    ctx.call_on_close(v.close)
    return v


def wants_json(ctx: click.Context) -> bool:
    """Whether --json was given, before or after the command."""
    return settings(ctx).json


def print_result(ctx: click.Context, data: Any, human: render.Renderable) -> None:
    """JSON when --json, else the human rendering (a rich renderable, a list of them, or text)."""
    if wants_json(ctx):
        render.emit_json(data)
    else:
        render.emit_human(human)


# --- reusable options (sqlite-utils style) -----------------------------------------------------


def _json_given(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        settings(ctx).json = True


def output_options(fn: F) -> F:
    """Options of every command that prints: `--json` after the command, as well as before it."""
    return click.option(
        "--json",
        is_flag=True,
        expose_value=False,
        callback=_json_given,
        help="Machine-readable output (same as casevault --json).",
    )(fn)


new_passphrase_file_option = click.option(
    "--new-passphrase-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read the new passphrase from the first line of this file (for scripts); otherwise "
    "$CASEVAULT_NEW_PASSPHRASE, otherwise a hidden prompt asked twice.",
)


# --- the group --------------------------------------------------------------------------------


@click.group(
    cls=VaultGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=exit_codes_text(),
)
@click.option(
    "--vault",
    "vault",
    type=click.Path(path_type=Path),
    envvar="CASEVAULT_PATH",
    help="Vault directory (or $CASEVAULT_PATH).",
)
@click.option("--user", envvar="CASEVAULT_USER", help="Who you are (or $CASEVAULT_USER).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--passphrase-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read your passphrase from the first line of this file (for scripts).",
)
@click.option(
    "--identity",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="CASEVAULT_IDENTITY",
    help="Your sealed identity file, if it is not kept in the vault.",
)
@click.version_option(package_name="casevault")
@click.pass_context
def cli(
    ctx: click.Context,
    vault: Path | None,
    user: str | None,
    as_json: bool,
    passphrase_file: Path | None,
    identity: Path | None,
) -> None:
    """casevault: an encrypted case-record vault for human-rights casework.

    Passphrases come from a hidden prompt, $CASEVAULT_PASSPHRASE, or --passphrase-file.
    """
    ctx.obj = Settings(vault, user, as_json, passphrase_file, identity)
