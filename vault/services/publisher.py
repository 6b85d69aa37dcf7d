"""Publishing an Urgent Action: files, a signed manifest, and the log entry that records them.

``publish`` writes every file into a temporary folder beside the target and renames it at the
end, so a folder of that name is a whole publication or nothing. The ``publish`` entry (action,
follow-up, date, languages, formats, the files' digest, the edition, the leak check it relied
on, the drafts that went in) is appended in the same transaction that signs the manifest;
the manifest carries the checkpoint of the log just after it and its inclusion proof, and is
signed by the publisher as an SSH signature (namespace ``casevault-publish``), so a recipient
checks it with ``ssh-keygen -Y verify`` and nothing else. ``verify_folder`` checks the same
without the vault.
"""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vault.audit import checkpoint as cp
from vault.audit import entry as audit_entry
from vault.audit.log import AuditEvent
from vault.crypto import canonical_json, hash_bytes, sshsig
from vault.errors import IntegrityError, UsageError
from vault.publish.document import FORMATS
from vault.services import layout
from vault.services.audit import check_proof_bundle, proof_bundle
from vault.services.clock import now
from vault.services.publication import Edition, OutputFile, gather, render_files
from vault.services.publication_gate import valid_check
from vault.services.session import Vault
from vault.store import AuditFilter

NAMESPACE = "casevault-publish"
MANIFEST = "MANIFEST.json"
SIGNATURE = "MANIFEST.json.sig"
FORMAT = "casevault-publication-v1"
PUBLISHED = "publish"
SIGNED = "publish.manifest"


def files_digest(files: Sequence[tuple[str, str]]) -> str:
    """SHA-256 over the sorted (name, sha256) list: what the log entry says was published."""
    return hash_bytes(canonical_json({"files": sorted([list(f) for f in files])})).hex()


@dataclass(frozen=True)
class Publication:
    folder: Path
    files: list[OutputFile]
    manifest_sha256: str
    entry: int


def _empty_target(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UsageError(f"{out} exists and is not a folder: nothing is written")
    if out.is_dir() and any(out.iterdir()):
        raise UsageError(f"{out} exists and is not empty: nothing is overwritten")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent} is not a folder")


def _earlier_editions(v: Vault, edition: Edition) -> list[audit_entry.Entry]:
    keys = v.members.sign_keys()
    return [
        e
        for _, e in v.audit.find(AuditFilter(action=PUBLISHED, limit=10_000), keys)
        if e.action == PUBLISHED
        and e.details.get("action") == edition.action_id
        and e.details.get("follow_up") == edition.follow_up
    ]


def _manifest(
    v: Vault, edition: Edition, files: list[OutputFile], formats: Sequence[str], bundle: Any
) -> bytes:
    approvals = []
    for a in edition.inputs:
        for d in a.drafts:
            reviewers = [
                r.reviewer for r in v.store.reviews(d.draft_id, d.version) if r.verdict == "approve"
            ]
            approvals.append(
                {
                    "draft": f"{d.draft_id} v{d.version}",
                    "lang": d.lang,
                    "text_sha256": d.text_hash,
                    "approved_by": sorted(
                        sshsig.fingerprint(v.members.verified(r).sign_public) for r in reviewers
                    ),
                }
            )
    manifest = {
        "format": FORMAT,
        "action": edition.action_id,
        "number": edition.documents[0].number,
        "follow_up": edition.follow_up,
        "published": edition.published.isoformat(),
        "languages": list(edition.langs),
        "formats": list(formats),
        "files": [{"name": f.name, "sha256": f.sha256, "bytes": len(f.data)} for f in files],
        "edition": edition.digest(),
        "approvals": approvals,
        "signer": sshsig.public_key_line(v.identity.public.sign_public),
        "log": bundle,
    }
    return (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()


def publish(
    v: Vault,
    action_id: str,
    langs: Sequence[str] | None,
    formats: Sequence[str] | None,
    out: Path,
    published: Any,
) -> Publication:
    """Publish ``action_id`` into the new folder ``out`` (see the module docstring)."""
    v.require(v.policy.can_publish(v.role), "publish")
    formats = list(formats or FORMATS)
    _empty_target(out)
    edition = gather(v, action_id, langs, published)
    with v.store.read():
        check = valid_check(v, edition)
        for earlier in _earlier_editions(v, edition):
            # A language already out under this follow-up must go out with the same content; a
            # language not yet out may be added.
            changed = [
                lang
                for lang in edition.langs
                if earlier.details.get(f"content/{lang}") not in (None, edition.lang_content(lang))
            ]
            if changed:
                when = earlier.details.get("date")
                raise UsageError(
                    f"{action_id} follow-up {edition.follow_up} was published on {when} with "
                    f"other content in {', '.join(changed)}; new content goes out as the next "
                    "follow-up (raise the action's follow_up number, then draft and approve again)"
                )
    files = render_files(edition, formats)
    tmp = out.parent / f".{out.name}.partial-{secrets.token_hex(4)}"
    tmp.mkdir(mode=0o755)
    renamed = False
    try:
        for f in files:
            layout.write_new_file(tmp / f.name, f.data, 0o644)
        with v.store.write():
            v.log(
                AuditEvent(
                    PUBLISHED,
                    details={
                        "action": edition.action_id,
                        "follow_up": edition.follow_up,
                        "date": edition.published.isoformat(),
                        "langs": ",".join(edition.langs),
                        "formats": ",".join(formats),
                        "files": files_digest([(f.name, f.sha256) for f in files]),
                        "edition": edition.digest(),
                        "content": edition.content_digest(),
                        **{f"content/{lang}": edition.lang_content(lang) for lang in edition.langs},
                        "check": check.seq,
                        "drafts": edition.draft_refs(),
                    },
                )
            )
            seq = v.audit.size() - 1
            size = v.audit.size()
            note = v.audit.signed_head(
                size, v.audit.root_at(size), v.identity, v.identity.public.sign_public, now()
            )
            manifest = _manifest(v, edition, files, formats, proof_bundle(v, seq, note))
            signature = sshsig.sign(
                v.identity.public.sign_public, v.identity.sign, NAMESPACE, manifest
            )
            layout.write_new_file(tmp / MANIFEST, manifest, 0o644)
            layout.write_new_file(tmp / SIGNATURE, signature.encode(), 0o644)
            layout.fsync_dir(tmp)
            v.log(
                AuditEvent(
                    SIGNED,
                    details={
                        "action": edition.action_id,
                        "follow_up": edition.follow_up,
                        "entry": seq,
                        "manifest": hash_bytes(manifest).hex(),
                    },
                )
            )
            # The folder takes its name inside the transaction: if the rename fails, nothing is
            # logged; if the commit then fails, the folder is removed below.
            if out.is_dir() and not out.is_symlink():
                out.rmdir()  # empty, checked above; fails if someone wrote into it since
            tmp.rename(out)
            renamed = True
        layout.fsync_dir(out.parent)
    except BaseException:
        if renamed and out.is_dir() and not out.is_symlink():
            shutil.rmtree(out, ignore_errors=True)
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Publication(out, files, hash_bytes(manifest).hex(), seq)


@dataclass(frozen=True)
class PublishedEdition:
    when: str
    by: str
    action: str
    follow_up: int
    date: str
    langs: str
    formats: str
    manifest: str
    entry: int

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def list_publications(v: Vault, action_id: str | None = None) -> list[PublishedEdition]:
    """Every publication the log records, newest first (from signed entries only)."""
    keys = v.members.sign_keys()
    with v.store.read():
        entries = [e for _, e in v.audit.find(AuditFilter(action=PUBLISHED, limit=10_000), keys)]
    manifests = {
        e.details.get("entry"): str(e.details.get("manifest"))
        for e in entries
        if e.action == SIGNED
    }
    out = []
    for e in entries:
        if e.action != PUBLISHED or (action_id and e.details.get("action") != action_id):
            continue
        follow_up = e.details.get("follow_up")
        out.append(
            PublishedEdition(
                e.time,
                e.actor,
                str(e.details.get("action")),
                follow_up if isinstance(follow_up, int) else 0,
                str(e.details.get("date")),
                str(e.details.get("langs")),
                str(e.details.get("formats")),
                manifests.get(e.seq, "?"),
                e.seq,
            )
        )
    return out


def published_drafts(v: Vault) -> set[str]:
    """Every draft version a publication used, as ``D-0001.2``."""
    keys = v.members.sign_keys()
    with v.store.read():
        entries = v.audit.find(AuditFilter(action=PUBLISHED, limit=10_000), keys)
    return {
        ref
        for _, e in entries
        if e.action == PUBLISHED
        for ref in str(e.details.get("drafts") or "").split(",")
        if ref
    }


def allowed_signers(v: Vault) -> list[str]:
    """An ``ssh-keygen`` allowed-signers file of everyone the signed membership lets publish:
    what an organisation hands to partners so they can check its publications."""
    with v.store.read():
        return [
            sshsig.allowed_signers_line(m.name, v.members.verified(m.name).sign_public, NAMESPACE)
            for m in v.members.active()
            if v.policy.can_publish(m.role)
        ]


# --- verifying a published folder, without the vault --------------------------------------------


@dataclass(frozen=True)
class FolderCheck:
    """What :func:`verify_folder` established."""

    action: str
    follow_up: int
    signer: str  # the signing key's SSH fingerprint
    signer_trusted: bool  # it is in the allowed-signers file given
    files: int
    log_entry: int
    tree_size: int


def _allowed_keys(allowed_signers: str) -> set[bytes]:
    keys = set()
    for line in allowed_signers.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        spaces = [p for p in parts if p.startswith("namespaces=")]
        if spaces and NAMESPACE not in spaces[0].split("=", 1)[1].strip('"').split(","):
            continue
        for i, part in enumerate(parts[:-1]):
            if part == sshsig.KEY_TYPE:
                with contextlib.suppress(IntegrityError):
                    keys.add(sshsig.parse_public_line(f"{part} {parts[i + 1]}"))
    return keys


def verify_folder(folder: Path, allowed_signers: str | None = None) -> FolderCheck:
    """Check a published folder: the manifest's SSH signature (and that its key is in
    ``allowed_signers``, when given), every file's hash and that no file was added or removed,
    the log checkpoint's signature by the same key, and the inclusion proof of the ``publish``
    entry, which must record exactly these files. Raises IntegrityError on the first failure."""
    try:
        manifest_bytes = (folder / MANIFEST).read_bytes()
        signature = (folder / SIGNATURE).read_text("ascii")
    except (OSError, UnicodeDecodeError):
        raise IntegrityError(f"{folder} has no readable {MANIFEST} and {SIGNATURE}") from None
    public = sshsig.verify(signature, NAMESPACE, manifest_bytes)
    trusted = allowed_signers is not None and public in _allowed_keys(allowed_signers)
    if allowed_signers is not None and not trusted:
        raise IntegrityError("the manifest is signed by a key the allowed-signers file lacks")
    try:
        manifest = json.loads(manifest_bytes)
        listed = {f["name"]: f["sha256"] for f in manifest["files"]}
        bundle = manifest["log"]
        if manifest["format"] != FORMAT:
            raise IntegrityError("not a casevault publication manifest")
    except (ValueError, KeyError, TypeError):
        raise IntegrityError("the manifest is malformed") from None
    present = {p.name for p in folder.iterdir()} - {MANIFEST, SIGNATURE}
    if present != set(listed):
        extra, missing = sorted(present - set(listed)), sorted(set(listed) - present)
        said = [f"{name} is not in the manifest" for name in extra]
        said += [f"{name} is missing" for name in missing]
        raise IntegrityError(f"the folder does not match its manifest: {'; '.join(said)}")
    for name, want in sorted(listed.items()):
        if hash_bytes((folder / name).read_bytes()).hex() != want:
            raise IntegrityError(f"{name} does not match its hash in the manifest")
    entry_body = _entry_body(bundle)
    entry, sig, message = audit_entry.decode(entry_body)
    if not audit_entry.signature_ok(sig, message, public):
        raise IntegrityError("the publish entry is not signed by the manifest's signer")
    proof = check_proof_bundle(bundle, [cp.verifier_key(entry.actor, public)])
    d = entry.details
    if (
        entry.action != PUBLISHED
        or d.get("action") != manifest.get("action")
        or d.get("follow_up") != manifest.get("follow_up")
        or d.get("date") != manifest.get("published")
        or d.get("edition") != manifest.get("edition")
        or d.get("files") != files_digest(list(listed.items()))
    ):
        raise IntegrityError("the log entry does not record this publication")
    return FolderCheck(
        str(manifest["action"]),
        int(manifest["follow_up"]),
        sshsig.fingerprint(public),
        trusted,
        len(listed),
        entry.seq,
        proof.tree_size,
    )


def _entry_body(bundle: Any) -> bytes:
    try:
        return base64.b64decode(bundle["entry"], validate=True)
    except (KeyError, TypeError, ValueError):
        raise IntegrityError("the manifest's log proof is malformed") from None
