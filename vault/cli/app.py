"""The `casevault` command. It parses, prompts and prints; every decision is in vault.services.

No argument or value is ever logged. Protected field values are never taken as command-line
arguments (they would sit in shell history and `ps`): `--set` accepts only fields at the lowest
level; anything else comes from a file, standard input or a prompt.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from vault.cli import render, secrets
from vault.errors import (
    AccessDeniedError,
    AuthenticationError,
    IntegrityError,
    NotFoundError,
    UsageError,
    ValidationError,
    VaultError,
)
from vault.policy import default_policy_text, load_policy_file, parse_policy

EXIT_CODES: dict[type[VaultError], int] = {
    UsageError: 2,
    ValidationError: 2,
    AuthenticationError: 3,
    AccessDeniedError: 3,
    NotFoundError: 4,
    IntegrityError: 5,
}


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"casevault: error: {message}", err=True)
    sys.exit(code)


class VaultGroup(click.Group):
    """Turns every VaultError into one line on stderr and an exit code; never a traceback.

    An unexpected exception prints only its type: its message could hold a protected value.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VaultError as e:
            code = next((c for t, c in EXIT_CODES.items() if isinstance(e, t)), 1)
            click.echo(f"casevault: error: {e.diagnostics()}", err=True)
            ctx.exit(code)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("casevault: interrupted; nothing was written", err=True)
            ctx.exit(130)
        except Exception as e:  # the last line of defence against tracebacks
            click.echo(
                f"casevault: internal error ({type(e).__name__}); details are not shown because "
                "they may contain protected data. Please report the command you ran.",
                err=True,
            )
            ctx.exit(70)


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


def _settings(ctx: click.Context) -> Settings:
    obj = ctx.find_object(Settings)
    if obj is None:  # only when a command is invoked outside the `casevault` group
        raise UsageError("casevault commands must run under the casevault group")
    return obj


def _open(ctx: click.Context) -> Any:
    from vault.services.session import Vault

    s = _settings(ctx)
    v = Vault.open(
        s.root(),
        s.who(),
        lambda _name: secrets.existing(s.passphrase_file),
        identity_file=s.identity,
    )
    if v.notice.delivered:
        click.echo(f"casevault: delivered keys to: {', '.join(v.notice.delivered)}", err=True)
    if v.notice.waiting_for_keys:
        click.echo(
            f"casevault: note: your {v.role} keys have not reached you yet; a {v.role} or a "
            "caseworker must unlock the vault once. Until then every field is withheld.",
            err=True,
        )
    ctx.call_on_close(v.close)
    return v


def _print(ctx: click.Context, data: Any, human: Any) -> None:
    """JSON when --json, else the human rendering (a rich renderable, a list of them, or text)."""
    if _settings(ctx).json:
        render.emit_json(data)
        return
    con = render.console()
    for item in human if isinstance(human, list) else [human]:
        # Plain strings may hold values typed by people: never interpret them as markup; and
        # never re-wrap them, so that a long hash or key stays on one line.
        plain = isinstance(item, str)
        con.print(item, markup=not plain, soft_wrap=plain)


new_passphrase_file_option = click.option(
    "--new-passphrase-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read the new passphrase from the first line of this file (for scripts); otherwise "
    "$CASEVAULT_NEW_PASSPHRASE, otherwise a hidden prompt asked twice.",
)


@click.group(cls=VaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


# --- init, demo -------------------------------------------------------------------------------


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--admin", required=True, help="Name of the first admin (you).")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Policy file (default: the built-in policies/default.toml).",
)
@new_passphrase_file_option
@click.pass_context
def init(
    ctx: click.Context,
    path: Path,
    admin: str,
    policy_file: Path | None,
    new_passphrase_file: Path | None,
) -> None:
    """Create a new vault at PATH with you as its first admin."""
    from vault.services.session import Vault

    text = load_policy_file(policy_file)[1] if policy_file else default_policy_text()
    pw = secrets.new(admin, new_passphrase_file)
    with Vault.init(path, admin, pw, policy_text=text) as v:
        fp = v.identity.public.fingerprint()
    _print(
        ctx,
        {"vault": str(path), "admin": admin, "fingerprint": fp},
        f"Created vault {path}\nadmin {admin}, key fingerprint {fp}\n"
        f"Next: casevault --vault {path} --user {admin} user add NAME --role ROLE",
    )


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_context
def demo(ctx: click.Context, path: Path) -> None:
    """Create a ready demo vault at PATH: 64 invented cases, one action, four people."""
    from vault.services.demo import create_demo

    result = create_demo(path)
    people = [{"name": n, "role": r, "passphrase": p} for n, r, p in result.people]
    lines = [
        f"Demo vault created at {path}: {result.cases} fictional cases, action {result.action_id}.",
        "Every person in it is invented. The passphrases below are for this demo only.",
        "",
    ]
    lines += [f"  {n:<6} {r:<11} passphrase: {p}" for n, r, p in result.people]
    lines += [
        "",
        "Try:",
        f"  export CASEVAULT_PATH={path} CASEVAULT_USER=cara",
        "  export CASEVAULT_PASSPHRASE=demo-cara-not-secret   # demo only",
        "  casevault case list --limit 5",
        f"  casevault case show {result.example_case}",
        f"  casevault case find '{result.example_query}'",
        "  export CASEVAULT_USER=rui CASEVAULT_PASSPHRASE=demo-rui-not-secret",
        f"  casevault case show {result.example_case}      # the reviewer: secret fields withheld",
    ]
    _print(
        ctx,
        {"vault": str(path), "cases": result.cases, "action": result.action_id, "people": people},
        "\n".join(lines),
    )


# --- identity, user ---------------------------------------------------------------------------


@cli.group()
def identity() -> None:
    """Your own identity keys, made on your own machine."""


@identity.command("new")
@click.argument("name")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Where to write NAME.identity/NAME.pub.",
)
@new_passphrase_file_option
@click.pass_context
def identity_new(
    ctx: click.Context, name: str, out_dir: Path, new_passphrase_file: Path | None
) -> None:
    """Make an identity: keep NAME.identity, give NAME.pub to the admin."""
    from vault.services.users import new_identity

    priv, pub, fp = new_identity(name, secrets.new(name, new_passphrase_file), out_dir)
    _print(
        ctx,
        {"identity": str(priv), "public": str(pub), "fingerprint": fp},
        f"Wrote {priv} (keep it; sealed with your passphrase)\n"
        f"Wrote {pub} (give this to the admin)\n"
        f"Fingerprint {fp} — read it to the admin so they can check the file.",
    )


@cli.group()
def user() -> None:
    """People: add, list, change passphrase."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, help="One of the policy's roles.")
@click.option(
    "--public-key",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="NAME.pub made by `casevault identity new` (no private key passes to you).",
)
@new_passphrase_file_option
@click.pass_context
def user_add(
    ctx: click.Context,
    name: str,
    role: str,
    public_key: Path | None,
    new_passphrase_file: Path | None,
) -> None:
    """Enrol NAME with ROLE (admin only)."""
    from vault.services.users import add_member, read_public_identity

    v = _open(ctx)
    if public_key is not None:
        info = add_member(v, name, role, public=read_public_identity(public_key))
    else:
        info = add_member(v, name, role, passphrase=lambda: secrets.new(name, new_passphrase_file))
    keys = "has keys" if info.has_keys else "keys arrive when a caseworker next unlocks the vault"
    _print(
        ctx,
        info.to_json(),
        f"Added {info.name} as {info.role} ({keys}); fingerprint {info.fingerprint}",
    )


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """Everyone enrolled in the vault."""
    from rich.table import Table

    from vault.services.users import list_members

    members = list_members(_open(ctx))
    table = Table(title="people", title_justify="left")
    for col in ("name", "role", "added", "by", "keys", "fingerprint"):
        table.add_column(col)
    for m in members:
        table.add_row(
            m.name,
            m.role,
            m.added_at,
            m.added_by,
            "yes" if m.has_keys else "waiting",
            m.fingerprint[:16],
        )
    _print(ctx, [m.to_json() for m in members], table)


@user.command("passwd")
@new_passphrase_file_option
@click.pass_context
def user_passwd(ctx: click.Context, new_passphrase_file: Path | None) -> None:
    """Change your passphrase (your keys stay the same)."""
    from vault.services.users import change_passphrase

    s = _settings(ctx)
    who = s.who()
    fp = change_passphrase(
        s.root(),
        who,
        lambda _n: secrets.existing(s.passphrase_file),
        secrets.new(who, new_passphrase_file),
        identity_file=s.identity,
    )
    _print(ctx, {"user": who, "fingerprint": fp}, f"Passphrase changed for {who}.")


# --- cases ------------------------------------------------------------------------------------


@cli.group()
def case() -> None:
    """Case records: add, edit, show, list, find, history."""


def _read_json_source(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {source}") from e
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValidationError(f"{source}: not valid JSON (line {e.lineno})") from None


def _parse_sets(v: Any, pairs: tuple[str, ...], prompts: tuple[str, ...]) -> dict[str, Any]:
    """--set FIELD=VALUE (lowest-level fields only) and --prompt FIELD (asked, hidden)."""
    out: dict[str, Any] = {}
    lowest = v.policy.levels[0]
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep:
            raise UsageError(f"--set takes FIELD=VALUE, got {name!r}")
        if name not in v.policy.fields:
            raise ValidationError(f"field {name}: unknown field")
        if v.policy.level_of(name) != lowest:
            raise UsageError(
                f"field {name} is {v.policy.level_of(name)}: not accepted as an argument "
                "(it would stay in shell history); use --prompt, --from-json FILE or -"
            )
        out[name] = _coerce(v.policy.kinds()[name], raw)
    for name in prompts:
        if name not in v.policy.fields:
            raise ValidationError(f"field {name}: unknown field")
        kind = v.policy.kinds()[name]
        raw = click.prompt(f"{name} ({kind.value})", hide_input=True, err=True)
        out[name] = _coerce(kind, raw)
    return out


def _gather_fields(
    v: Any, from_json: str | None, sets: tuple[str, ...], prompts: tuple[str, ...]
) -> dict[str, Any]:
    """Fields from --from-json (a JSON object), then --set and --prompt on top."""
    out: dict[str, Any] = {}
    if from_json:
        data = _read_json_source(from_json)
        if not isinstance(data, dict):
            raise ValidationError(f"{from_json}: expected a JSON object of fields")
        out.update(data)
    out.update(_parse_sets(v, sets, prompts))
    return out


def _coerce(kind: Any, raw: str) -> Any:
    from vault.models import FieldKind

    if kind == FieldKind.INT:
        try:
            return int(raw)
        except ValueError:
            raise ValidationError("expected a whole number") from None
    if kind in (
        FieldKind.TEXT_LIST,
        FieldKind.FAMILY_CONTACTS,
        FieldKind.SOURCES,
        FieldKind.ID_NUMBERS,
        FieldKind.CONSENT,
    ):
        if kind == FieldKind.TEXT_LIST and not raw.lstrip().startswith("["):
            return [p.strip() for p in raw.split(";") if p.strip()]
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            raise ValidationError(f"expected JSON for a {kind.value} field") from None
    return raw


@case.command("add")
@click.option("--from-json", "from_json", help="A JSON file with the record, or - for stdin.")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="FIELD=VALUE",
    help="A public field, e.g. --set case_id=UA-061-21-100 --set status=missing.",
)
@click.option(
    "--prompt",
    "prompts",
    multiple=True,
    metavar="FIELD",
    help="Ask for a field's value at a hidden prompt (for protected fields).",
)
@click.pass_context
def case_add(
    ctx: click.Context, from_json: str | None, sets: tuple[str, ...], prompts: tuple[str, ...]
) -> None:
    """Add a new case."""
    from vault.services.cases import add_case

    v = _open(ctx)
    record = _gather_fields(v, from_json, sets, prompts)
    if not record:
        raise UsageError("nothing to add: use --from-json FILE, --set or --prompt")
    view = add_case(v, record)
    _print(ctx, view.to_json(), f"Added case {view.case_id} (version {view.version}).")


@case.command("edit")
@click.argument("case_id")
@click.option("--from-json", "from_json", help="JSON object of fields to change, or - for stdin.")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", help="Change a public field.")
@click.option(
    "--prompt",
    "prompts",
    multiple=True,
    metavar="FIELD",
    help="Ask for a new value at a hidden prompt.",
)
@click.option("--clear", "clears", multiple=True, metavar="FIELD", help="Remove a field's value.")
@click.pass_context
def case_edit(
    ctx: click.Context,
    case_id: str,
    from_json: str | None,
    sets: tuple[str, ...],
    prompts: tuple[str, ...],
    clears: tuple[str, ...],
) -> None:
    """Change a case: a new version is written, the old one is kept."""
    from vault.services.cases import edit_case

    v = _open(ctx)
    changes = _gather_fields(v, from_json, sets, prompts)
    changes.update({f: None for f in clears})
    if not changes:
        raise UsageError("nothing to change: use --set, --prompt, --clear or --from-json")
    view = edit_case(v, case_id, changes)
    _print(ctx, view.to_json(), f"Case {view.case_id} is now at version {view.version}.")


@case.command("show")
@click.argument("case_id")
@click.option("--version", "version", type=click.IntRange(min=1), help="An older version.")
@click.pass_context
def case_show(ctx: click.Context, case_id: str, version: int | None) -> None:
    """Show a case; fields your role may not read are shown as withheld."""
    from vault.services.cases import show_case

    v = _open(ctx)
    data = show_case(v, case_id, version).to_json()
    _print(ctx, data, render.case_table(data, v.policy))


@case.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--after", help="Start after this case id (paging).")
@click.pass_context
def case_list(ctx: click.Context, limit: int, after: str | None) -> None:
    """List cases in id order, a page at a time."""
    from vault.services.cases import list_cases

    v = _open(ctx)
    rows = [c.to_json() for c in list_cases(v, limit=limit, after=after)]
    total = v.store.count_cases()
    _print(ctx, rows, render.summary_table(rows, f"cases ({len(rows)} of {total})"))


@case.command("find")
@click.argument("text")
@click.pass_context
def case_find(ctx: click.Context, text: str) -> None:
    """Find cases by name, in any script or spelling the case records."""
    from vault.services.cases import find_cases

    rows = [c.to_json() for c in find_cases(_open(ctx), text)]
    _print(ctx, rows, render.summary_table(rows, f"{len(rows)} matching case(s)"))


@case.command("history")
@click.argument("case_id")
@click.pass_context
def case_history(ctx: click.Context, case_id: str) -> None:
    """Every version of a case, oldest first (signatures and hash chain checked)."""
    from rich.table import Table

    from vault.services.cases import case_history as history

    versions = history(_open(ctx), case_id)
    table = Table(title=f"history of {case_id}", title_justify="left")
    table.add_column("version")
    table.add_column("when", no_wrap=True)
    table.add_column("by")
    table.add_column("changed")
    table.add_column("hash", no_wrap=True)
    for h in versions:
        if h.version == 1:
            changed = f"created with {len(h.changed)} readable fields"
        else:
            changed = ", ".join(h.changed) or "—"
        if h.withheld_changes:
            changed += f" (+{h.withheld_changes} withheld fields)"
        table.add_row(str(h.version), h.created_at, h.author, changed, h.hash[:16])
    _print(ctx, [h.to_json() for h in versions], table)


# --- import -----------------------------------------------------------------------------------


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    help="Default: from the file name (.jsonl/.ndjson/.json or .csv).",
)
@click.pass_context
def import_(ctx: click.Context, file: Path, fmt: str | None) -> None:
    """Import new cases from JSON Lines or CSV: all rows, or none."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from vault.services.importer import import_file

    v = _open(ctx)
    size = os.path.getsize(file)
    show = sys.stderr.isatty() and not _settings(ctx).json
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        disable=not show,
        transient=True,
        console=render.console(stderr=True),
    ) as bar:
        task = bar.add_task(f"importing {file.name}", total=size)
        result = import_file(
            v, file, fmt=fmt, progress=lambda done: bar.update(task, completed=done)
        )
    _print(
        ctx,
        result.to_json(),
        f"Imported {result.count} cases from {file.name} ({result.format}, "
        f"sha256 {result.sha256[:16]}…).",
    )


# --- actions, policy --------------------------------------------------------------------------


@cli.group()
def action() -> None:
    """Urgent Actions."""


@action.command("list")
@click.pass_context
def action_list(ctx: click.Context) -> None:
    """List actions."""
    from vault.services.actions import list_actions

    ids = list_actions(_open(ctx))
    _print(ctx, ids, "\n".join(ids) or "no actions")


@action.command("show")
@click.argument("action_id")
@click.pass_context
def action_show(ctx: click.Context, action_id: str) -> None:
    """Show an action's texts and cases."""
    from vault.services.actions import get_action

    a = get_action(_open(ctx), action_id)
    if a is None:
        raise AccessDeniedError(f"your role does not read action {action_id}")
    data = a.model_dump(mode="json")
    lines = [
        f"{a.action_id}: {a.title}",
        f"country {a.country}, issued {a.issued}",
        f"{len(a.case_ids)} cases: {', '.join(a.case_ids[:8])}"
        + (" …" if len(a.case_ids) > 8 else ""),
    ]
    lines += [f"[{lang}] {text}" for lang, text in a.texts.items()]
    _print(ctx, data, "\n".join(lines))


@case.command("consent")
@click.argument("case_id")
@click.option(
    "--publish-name",
    type=click.Choice(["yes", "no"]),
    required=True,
    help="May the person's name be published?",
)
@click.option(
    "--given-by",
    help="Who gave or withdrew consent (a relation such as 'sister' is "
    "enough; a name typed here stays in shell history).",
)
@click.option("--date", "date_", help="When, as YYYY-MM-DD.")
@click.pass_context
def case_consent(
    ctx: click.Context, case_id: str, publish_name: str, given_by: str | None, date_: str | None
) -> None:
    """Record or withdraw consent to publish a name (voids approvals of earlier versions)."""
    from vault.services.drafts import set_consent

    view = set_consent(_open(ctx), case_id, publish_name == "yes", given_by, date_)
    _print(
        ctx,
        view.to_json(),
        f"Consent recorded for {case_id} (version {view.version}); "
        "approvals of earlier versions no longer count.",
    )


# --- drafts and review -------------------------------------------------------------------------


@cli.group()
def draft() -> None:
    """Redacted public versions of a case or an action."""


def _draft_summary(d: Any, st: Any) -> str:
    return (
        f"{d.draft_id} v{d.version}  {d.subject}  [{d.lang}]  by {d.author}  "
        f"{st.state}: {st.detail}  ({len(d.redactions)} redactions)"
    )


@draft.command("create")
@click.argument("subject")
@click.option("--lang", type=click.Choice(["en", "fr", "de"]), default="en", show_default=True)
@click.pass_context
def draft_create(ctx: click.Context, subject: str, lang: str) -> None:
    """Build a redacted draft of a case (its id) or an action (e.g. 'UA 061/21')."""
    from vault.services import drafts

    v = _open(ctx)
    d = drafts.create_draft(v, subject, lang)
    st = drafts.status(v, d)
    _print(
        ctx,
        _draft_json(d, st),
        _draft_summary(d, st) + f"\nReview it: casevault review show {d.draft_id}",
    )


@draft.command("edit")
@click.argument("draft_id")
@click.option(
    "--redact",
    "redact_",
    is_flag=True,
    help="Hide more text: you are asked for it at a hidden prompt.",
)
@click.option(
    "--unredact",
    type=click.IntRange(min=0),
    metavar="N",
    help="Release redaction #N (shown to the reviewer with your reason).",
)
@click.option("--reason", required=True, help="Why (kept with the draft).")
@click.pass_context
def draft_edit(
    ctx: click.Context, draft_id: str, redact_: bool, unredact: int | None, reason: str
) -> None:
    """Add a manual redaction or release one; makes a new version of the draft."""
    from vault.services import drafts

    if redact_ == (unredact is not None):
        raise UsageError("give exactly one of --redact or --unredact N")
    v = _open(ctx)
    text = click.prompt("Text to redact", hide_input=True, err=True) if redact_ else None
    d = drafts.edit_draft(v, draft_id, redact_text=text, unredact=unredact, reason=reason)
    st = drafts.status(v, d)
    _print(ctx, _draft_json(d, st), _draft_summary(d, st))


def _draft_json(d: Any, st: Any) -> dict[str, Any]:
    return {
        "draft": d.draft_id,
        "version": d.version,
        "subject": d.subject,
        "lang": d.lang,
        "author": d.author,
        "created_at": d.created_at,
        "status": st.to_json(),
        "text": d.text,
        "text_sha256": d.text_hash,
        "case_versions": d.versions,
        "redactions": [
            dict(r.to_json(), index=i, original=d.originals.get(i))
            for i, r in enumerate(d.redactions)
        ],
        "released_by_hand": [m.to_json() for m in d.unredactions],
    }


@cli.group()
def review() -> None:
    """Review drafts: list, show, approve, reject."""


@review.command("list")
@click.pass_context
def review_list(ctx: click.Context) -> None:
    """Drafts and their state (a publisher sees approved ones only)."""
    from vault.services import drafts

    items = drafts.list_drafts(_open(ctx))
    lines = [_draft_summary(d, st) for d, st in items] or ["no drafts"]
    _print(ctx, [_draft_json(d, st) for d, st in items], "\n".join(lines))


@review.command("show")
@click.argument("draft_id")
@click.pass_context
def review_show(ctx: click.Context, draft_id: str) -> None:
    """The redacted text with every redaction marked, and what each one hides (where your level
    allows), why, and which layer caught it."""
    from vault.services import drafts

    v = _open(ctx)
    d, st = drafts.show_draft(v, draft_id)
    reasons = drafts.rejection_reasons(v, d) if st.state == "rejected" else []
    data = _draft_json(d, st)
    data["rejections"] = [{"reviewer": r, "reason": t} for r, t in reasons]
    _print(ctx, data, render.draft_view(d, st, reasons))


@review.command("approve")
@click.argument("draft_id")
@click.pass_context
def review_approve(ctx: click.Context, draft_id: str) -> None:
    """Approve the draft's exact text (signed; an edit of its cases voids it)."""
    from vault.services import drafts

    st = drafts.review(_open(ctx), draft_id, "approve")
    _print(ctx, st.to_json(), f"{draft_id}: {st.state} ({st.detail})")


@review.command("reject")
@click.argument("draft_id")
@click.option("--reason", required=True, help="What must change.")
@click.pass_context
def review_reject(ctx: click.Context, draft_id: str, reason: str) -> None:
    """Reject the draft, saying why."""
    from vault.services import drafts

    st = drafts.review(_open(ctx), draft_id, "reject", reason)
    _print(ctx, st.to_json(), f"{draft_id}: {st.state} ({st.detail})")


@cli.group()
def audit() -> None:
    """The tamper-evident audit log: list, verify, checkpoint, prove."""


@audit.command("log")
@click.option("--person", help="Only entries by this person.")
@click.option("--case", "case_id", help="Only entries naming this case.")
@click.option("--action", "action_", help="Only this action, or family (e.g. 'case').")
@click.option("--since", help="ISO time, e.g. 2026-11-01 or 2026-11-01T12:00:00Z.")
@click.option("--until", help="ISO time; entries at or before it (compared as text).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.pass_context
def audit_log(
    ctx: click.Context,
    person: str | None,
    case_id: str | None,
    action_: str | None,
    since: str | None,
    until: str | None,
    limit: int,
) -> None:
    """Entries, newest first. Values are never shown: cases and fields by id, others hashed."""
    from vault.services import audit as svc

    lines = svc.audit_log(
        _open(ctx),
        actor=person,
        action=action_,
        case_id=case_id,
        since=since,
        until=until,
        limit=limit,
    )
    out = [f"audit log: {len(lines)} entries, newest first"]
    for line in lines:
        e = line.entry
        parts = [f"#{line.seq}", e.time, e.actor, e.action]
        if e.cases:
            more = f" (+{len(e.cases) - 3} more)" if len(e.cases) > 3 else ""
            parts.append("cases=" + ",".join(e.cases[:3]) + more)
        if e.fields:
            parts.append("fields=" + ",".join(e.fields))
        parts += [f"{k}={val}" for k, val in sorted(e.details.items())]
        out.append("  ".join(parts))
    _print(ctx, [line.to_json() for line in lines], "\n".join(out))


@audit.command("verify")
@click.option(
    "--against",
    "against",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A checkpoint kept outside the vault: prove the log extends it.",
)
@click.pass_context
def audit_verify(ctx: click.Context, against: Path | None) -> None:
    """Recompute the whole log; exit non-zero naming the first problem."""
    from vault.services import audit as svc

    v = _open(ctx)
    result = svc.verify(v)
    extended: tuple[int, int] | None = None
    if result.ok and against is not None:
        extended = svc.verify_against(v, svc.read_note(against))
    data = result.to_json()
    if extended is not None:
        data["checkpoint"] = {"size": extended[0], "extended_to": extended[1]}
    if not result.ok:
        if _settings(ctx).json:
            render.emit_json(data)
        click.echo(f"casevault: error: {result.problems[0]}", err=True)
        for problem in result.problems[1:]:
            click.echo(f"casevault: also: {problem}", err=True)
        ctx.exit(EXIT_CODES[IntegrityError])
    text = (
        f"audit log OK: {result.size} entries, {result.heads_checked} signed tree heads, "
        f"root {data['root']}"
    )
    if extended is not None:
        text += f"\nextends the checkpoint at size {extended[0]} (consistency proof checked)"
    _print(ctx, data, text)


@audit.command("checkpoint")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="File to write the signed checkpoint to.",
)
@click.pass_context
def audit_checkpoint(ctx: click.Context, out: Path) -> None:
    """Write a signed checkpoint (C2SP tlog-checkpoint) to keep outside the vault."""
    from vault.services import audit as svc

    c = svc.make_checkpoint(_open(ctx))
    try:
        out.write_text(c.note, "utf-8")
    except OSError as e:
        raise UsageError(f"cannot write {out}") from e
    _print(
        ctx,
        {"file": str(out), "size": c.size, "verifier_key": c.verifier_key},
        f"Wrote checkpoint of {c.size} entries to {out}\n"
        f"Verifier key (publish it with the checkpoint): {c.verifier_key}",
    )


@audit.command("prove")
@click.argument("entry", type=click.IntRange(min=0))
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Prove against this checkpoint (default: a fresh one signed by you).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the proof bundle here (default: print it).",
)
@click.pass_context
def audit_prove(
    ctx: click.Context, entry: int, checkpoint_file: Path | None, out: Path | None
) -> None:
    """An inclusion proof for ENTRY that anyone can check with `audit check-proof`."""
    from vault.services import audit as svc

    note = svc.read_note(checkpoint_file) if checkpoint_file else None
    bundle = svc.prove(_open(ctx), entry, note)
    text = json.dumps(bundle, indent=2, sort_keys=True)
    if out is not None:
        try:
            out.write_text(text + "\n", "utf-8")
        except OSError as e:
            raise UsageError(f"cannot write {out}") from e
        click.echo(f"Wrote inclusion proof of entry {entry} to {out}", err=True)
    else:
        click.echo(text)


@audit.command("check-proof")
@click.argument("proof_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--key",
    "keys",
    multiple=True,
    required=True,
    help="A trusted verifier key (name+id+key), as printed by `audit checkpoint`.",
)
@click.pass_context
def audit_check_proof(ctx: click.Context, proof_file: Path, keys: tuple[str, ...]) -> None:
    """Check an inclusion proof with no vault at all: only the file and a published key."""
    from vault.services import audit as svc

    result = svc.check_proof_bundle(svc.read_bundle(proof_file), list(keys))
    e = result.entry
    _print(
        ctx,
        {
            "ok": True,
            "entry": e.to_json(),
            "tree_size": result.tree_size,
            "signed_by": result.signers,
        },
        f"OK: entry {e.seq} ({e.action} by {e.actor} at {e.time}) is in the log of "
        f"{result.tree_size} entries signed by {', '.join(result.signers)}",
    )


@audit.command("key")
@click.argument("name", required=False)
@click.pass_context
def audit_key(ctx: click.Context, name: str | None) -> None:
    """Print the verifier key that checks notes signed by NAME (default: you)."""
    from vault.services import audit as svc

    vkey = svc.verifier_key(_open(ctx), name)
    _print(ctx, {"verifier_key": vkey}, vkey)


@cli.group()
def policy() -> None:
    """The access policy."""


@policy.command("show")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def policy_show(ctx: click.Context, file: Path | None) -> None:
    """Show FILE, else the vault's policy (with --vault), else the built-in default."""
    s = _settings(ctx)
    if file is not None:
        pol = load_policy_file(file)[0]
    elif s.vault is not None and s.user:
        pol = _open(ctx).policy
    else:
        pol = parse_policy(default_policy_text(), "built-in default policy")
    _print(ctx, render.policy_json(pol), render.policy_tables(pol))


@policy.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def policy_check(ctx: click.Context, file: Path) -> None:
    """Validate a policy file; exit non-zero with the first problem."""
    pol = load_policy_file(file)[0]
    _print(
        ctx,
        {"ok": True, "name": pol.name, "version": pol.version},
        f"{file}: policy {pol.name} v{pol.version} is valid",
    )
