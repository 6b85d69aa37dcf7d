"""Publishing: the actions ready to go out, earlier editions, publishing one (as ``casevault
publish``), the leak check for a person who reads every level (``publish check``), and the
published files to download.

A publication is written by the service into a fresh temporary folder, checked there as
``publish verify`` checks it, read into memory for this browser's session and the folder is
deleted at once. The files are approved public documents; they stay in the session until it
ends (a lock ends it) and are never written anywhere else by the interface.
"""

from __future__ import annotations

import io
import json
import mimetypes
import re
import secrets
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from vault.errors import IntegrityError, NotFoundError, UsageError, VaultError
from vault.ui.web import call, checked_form, page, redirect, session_of, text_of, ui_of
from vault.ui.worker import Locked

if TYPE_CHECKING:
    from vault.services.publisher import PublishedEdition
    from vault.services.session import Vault

SESSION_KEY = "publications"
KEEP = 4  # publications kept per session (the oldest is dropped)


@dataclass(frozen=True)
class Ready:
    """An action with an approved draft in these languages (publish says what else it needs)."""

    action: str
    langs: tuple[str, ...]
    #: Why today's edition cannot be published yet (the leak check is missing or out of date,
    #: a draft went stale), in the services' words; None when it can.
    blocked: str | None = None


def blocked_reason(v: Vault, action: str) -> str | None:
    """What ``publish`` would refuse today's edition of ``action`` for, asked before the person
    presses the button: the same two service calls the publication makes first."""
    from vault.services.clock import today
    from vault.services.publication import gather
    from vault.services.publication_gate import valid_check

    try:
        valid_check(v, gather(v, action, None, today()))
    except VaultError as e:
        return e.diagnostics()
    return None


@dataclass(frozen=True)
class Made:
    """One publication, in memory: its files in manifest order, then the manifest and its
    signature; and what checking the folder found."""

    action: str
    follow_up: int
    date: str
    files: dict[str, bytes]
    listed: list[tuple[str, str, int]]  # name, sha256, bytes: as MANIFEST.json says
    manifest_sha256: str
    entry: int
    verified: str | None  # the check's one line when it passed
    problem: str | None  # its one line when it failed

    @property
    def folder_name(self) -> str:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", self.action).strip("-") or "action"
        return f"{slug}-{self.follow_up}-{self.date}"


def _kept(request: Request) -> dict[str, Made]:
    kept: dict[str, Made] = session_of(request).extra.setdefault(SESSION_KEY, {})
    return kept


def _attachment(name: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


# --- the page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    may_publish: bool
    may_check: bool
    ready: list[Ready] | None  # None: this role sees no drafts
    editions: list[PublishedEdition]
    today: str


def overview(v: Vault) -> Overview:
    from vault.errors import AccessDeniedError
    from vault.services import review
    from vault.services.clock import today
    from vault.services.publisher import list_publications

    ready: list[Ready] | None
    try:
        items = review.list_drafts(v)
    except AccessDeniedError:
        ready = None
    else:
        newest: dict[tuple[str, str], str] = {}
        for d, st in items:  # oldest first: the last one of a subject and language is newest
            if d.action_version is not None:
                newest[(d.subject, d.lang)] = st.state
        langs: dict[str, list[str]] = {}
        for (subject, lang), state in newest.items():
            if state == "approved":
                langs.setdefault(subject, []).append(lang)
        ready = [
            Ready(a, tuple(sorted(ls)), blocked_reason(v, a)) for a, ls in sorted(langs.items())
        ]
    reads_all = set(v.policy.readable_levels(v.role)) == set(v.policy.levels)
    return Overview(
        may_publish=v.policy.can_publish(v.role),
        may_check=reads_all,
        ready=ready,
        editions=list_publications(v),
        today=today().isoformat(),
    )


async def publish_page(request: Request, checked: tuple[str, int] | None = None) -> Response:
    from vault.publish.catalogue import languages
    from vault.publish.document import FORMATS

    view = await call(request, overview)
    return page(
        request,
        "publish/index.html",
        view=view,
        all_langs=languages(),
        formats=FORMATS,
        checked=checked,
    )


async def publish_index(request: Request) -> Response:
    return await publish_page(request)


def _choices(values: list[str], allowed: tuple[str, ...], what: str) -> list[str] | None:
    from vault.services.publication import parse_list

    return parse_list(",".join(values), allowed, what) if values else None


async def publish_make(request: Request) -> Response:
    """``casevault publish ACTION`` into a temporary folder, checked and kept in memory."""
    from vault.publish.catalogue import languages
    from vault.publish.document import FORMATS

    form = await checked_form(request)
    action = text_of(form, "action").strip()
    if not action:
        raise UsageError("say which action to publish")
    langs = _choices([str(x) for x in form.getlist("lang")], languages(), "languages")
    formats = _choices([str(x) for x in form.getlist("format")], FORMATS, "formats")

    def work(v: Vault) -> Made:
        from vault.services.clock import today
        from vault.services.publisher import (
            MANIFEST,
            SIGNATURE,
            allowed_signers,
            publish,
            verify_folder,
        )

        with tempfile.TemporaryDirectory(prefix="casevault-ui-publish-") as tmp:
            out = Path(tmp) / "edition"
            result = publish(v, action, langs, formats, out, today())
            signers = "\n".join(allowed_signers(v)) + "\n"
            verified = problem = None
            try:
                check = verify_folder(out, signers)
                verified = (
                    f"OK — {check.action} follow-up {check.follow_up}, {check.files} files "
                    f"match the manifest; signed by {check.signer} (in this vault's "
                    f"allowed-signers); publish entry {check.log_entry} is in the signed log "
                    f"of {check.tree_size} entries"
                )
            except IntegrityError as e:
                problem = e.diagnostics()
            names = [f.name for f in result.files] + [MANIFEST, SIGNATURE]
            files = {name: (out / name).read_bytes() for name in names}
        manifest = json.loads(files[MANIFEST])
        listed = [(f["name"], f["sha256"], int(f["bytes"])) for f in manifest["files"]]
        return Made(
            action=str(manifest["action"]),
            follow_up=int(manifest["follow_up"]),
            date=str(manifest["published"]),
            files=files,
            listed=listed,
            manifest_sha256=result.manifest_sha256,
            entry=result.entry,
            verified=verified,
            problem=problem,
        )

    made = await call(request, work)
    kept = _kept(request)
    while len(kept) >= KEEP:
        kept.pop(next(iter(kept)))
    rid = secrets.token_urlsafe(16)
    kept[rid] = made
    return redirect(f"/publish/result/{rid}")


def _made(request: Request) -> tuple[str, Made]:
    if not ui_of(request).worker.unlocked:
        raise Locked()  # the lock page, as every page of a locked vault shows
    rid = request.path_params["rid"]
    made = _kept(request).get(rid)
    if made is None:
        raise NotFoundError("no such publication in this session (a lock forgets them)")
    return rid, made


async def publish_result(request: Request) -> Response:
    rid, made = _made(request)
    return page(request, "publish/result.html", rid=rid, made=made)


async def publish_file(request: Request) -> Response:
    _rid, made = _made(request)
    name = request.path_params["name"]
    data = made.files.get(name)
    if data is None:
        raise NotFoundError("no such file in this publication")
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Response(data, media_type=kind, headers={"content-disposition": _attachment(name)})


async def publish_zip(request: Request) -> Response:
    _rid, made = _made(request)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in made.files.items():
            z.writestr(f"{made.folder_name}/{name}", data)
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"content-disposition": _attachment(f"{made.folder_name}.zip")},
    )


async def publish_check(request: Request) -> Response:
    """``casevault publish check ACTION``: the last leak gate, for today's date."""
    form = await checked_form(request)
    action = text_of(form, "action").strip()
    if not action:
        raise UsageError("say which action to check")

    def work(v: Vault) -> int:
        from vault.services.clock import today
        from vault.services.publication import gather
        from vault.services.publication_gate import check_edition, require_every_level

        require_every_level(v)
        return len(check_edition(v, gather(v, action, None, today())))

    count = await call(request, work)
    return await publish_page(request, checked=(action, count))


routes: list[BaseRoute] = [
    Route("/publish", publish_index, methods=["GET"]),
    Route("/publish", publish_make, methods=["POST"]),
    Route("/publish/check", publish_check, methods=["POST"]),
    Route("/publish/result/{rid}", publish_result, methods=["GET"]),
    Route("/publish/files/{rid}/{name}", publish_file, methods=["GET"]),
    Route("/publish/zip/{rid}", publish_zip, methods=["GET"]),
]
