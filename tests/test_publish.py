"""Publication (issue 16), end to end on a publishable demo vault: every language and format from
one call, a manifest the standard `ssh-keygen -Y verify` accepts, nothing hidden in any byte that
goes out, refusals that write nothing, a leak planted after approval stopped by the last gate,
reproducible files, the log of publications and the command line.

Every person here is invented. Making a publishable demo (drafts in three languages, approvals
and the last leak check) takes minutes, so one master is made for this module and copied per
test; the full publication (PDF rendering) is made once and its folder shared by the read-only
tests. Where a test runs the gate only to move the check to another date or to catch a planted
value, it renders Markdown only (the full gate over every format ran when the master was
made, and scanning PDF and Word markup at every level takes over a minute).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from pypdf.generic import StreamObject

from tests.conftest import PASSPHRASES, passphrase_for
from vault.cli import cli
from vault.crypto import sshsig
from vault.errors import IntegrityError, NotFoundError, UsageError
from vault.publish.parts import text_parts
from vault.services import cases, drafts
from vault.services import publication_gate as gate
from vault.services import publisher as publisher_svc
from vault.services.demo import create_demo
from vault.services.demo_data import demo_cases
from vault.services.leaks import has_consent
from vault.services.publication import Edition, NotApprovedError, gather, render_files
from vault.services.publication_gate import LeakFoundError, check_edition, valid_check
from vault.services.publisher import (
    NAMESPACE,
    PublishedEdition,
    list_publications,
    publish,
    published_drafts,
    verify_folder,
)
from vault.services.session import Vault
from vault.store import AuditFilter

ACTION = "UA 061/21"
LANGS = ("de", "en", "fr")
FORMATS = ("docx", "pdf", "html", "md")
RECORD_ID = re.compile(r"UA-[0-9]{3}-[0-9]{2}-[0-9]{3}")
PLACEHOLDERS = {"none known", "unknown", "none", "not known", "n/a"}


# --- fixtures --------------------------------------------------------------------------------


@contextmanager
def opened(path: Path, name: str) -> Iterator[Vault]:
    v = Vault.open(path, name, lambda _n: passphrase_for(name))
    try:
        yield v
    finally:
        v.close()


@contextmanager
def state_dir(path: Path) -> Iterator[None]:
    """What opening a vault remembers stays with that vault (copies share a vault id)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEVAULT_STATE_DIR", str(path))
        yield


@pytest.fixture(scope="module")
def publishable_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with every draft approved and the leak check run for today (never opened
    again: each test copies it)."""
    path = tmp_path_factory.mktemp("publishable") / "demo"
    with state_dir(tmp_path_factory.mktemp("publishable-state")):
        result = create_demo(path, publication=True)
    assert result.publishable and result.action_id == ACTION
    return path


@pytest.fixture
def vault_copy(publishable_master: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "vault"
    shutil.copytree(publishable_master, dest)
    return dest


@dataclass(frozen=True)
class Published:
    """One full publication made by pia, shared by the read-only tests."""

    vault: Path  # the vault it was published from (a copy of the master)
    folder: Path
    day: dt.date  # the date the master's leak check was made for
    pia_public: bytes  # pia's signing key, as the vault's membership gives it
    cara_public: bytes
    edition: Edition
    manifest_sha256: str
    listed: list[PublishedEdition]
    drafts_in: set[str]
    case_ids: tuple[str, ...]


def _checked_day(v: Vault) -> dt.date:
    keys = v.members.sign_keys()
    entries = v.audit.find(AuditFilter(action=gate.CHECKED, limit=10), keys)
    checks = [e for _, e in entries if e.action == gate.CHECKED]
    assert checks, "the publishable demo has no publish.check entry"
    return dt.date.fromisoformat(str(checks[0].details["date"]))


@pytest.fixture(scope="module")
def published(publishable_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Published:
    base = tmp_path_factory.mktemp("published")
    path = base / "vault"
    shutil.copytree(publishable_master, path)
    folder = base / "ua"
    with state_dir(base / "state"), opened(path, "pia") as v:
        day = _checked_day(v)
        pub = publish(v, ACTION, None, None, folder, day)
        edition = gather(v, ACTION, None, day)
        listed = list_publications(v)
        drafts_in = published_drafts(v)
        pia_public = v.members.verified("pia").sign_public
        cara_public = v.members.verified("cara").sign_public
    return Published(
        path,
        folder,
        day,
        pia_public,
        cara_public,
        edition,
        pub.manifest_sha256,
        listed,
        drafts_in,
        tuple(c["case_id"] for c in demo_cases()),
    )


def _partials(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.partial-*"))


def _publish_entries(v: Vault) -> list[Any]:
    keys = v.members.sign_keys()
    found = v.audit.find(AuditFilter(action=publisher_svc.PUBLISHED, limit=10_000), keys)
    return [e for _, e in found if e.action == publisher_svc.PUBLISHED]


def _quick_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate renders Markdown only (see the module docstring)."""
    monkeypatch.setattr(gate, "render_files", lambda edition: render_files(edition, ("md",)))


def _allowed(tmp_path: Path, line: str, name: str = "allowed_signers") -> Path:
    path = tmp_path / name
    path.write_text(line + "\n", encoding="utf-8")
    return path


def _ssh_verify(
    folder: Path, allowed: Path, namespace: str = NAMESPACE
) -> subprocess.CompletedProcess[bytes]:
    with (folder / "MANIFEST.json").open("rb") as manifest:
        return subprocess.run(
            [
                "ssh-keygen",
                "-Y",
                "verify",
                "-f",
                str(allowed),
                "-I",
                "pia",
                "-n",
                namespace,
                "-s",
                str(folder / "MANIFEST.json.sig"),
            ],
            stdin=manifest,
            capture_output=True,
            check=False,
        )


# --- 1. end to end, signature checked by the standard tool --------------------------------------


def test_every_language_and_format_with_a_signed_manifest(published: Published) -> None:
    names = sorted(p.name for p in published.folder.iterdir())
    expected = sorted(f"UA-061-21-{lang}.{fmt}" for lang in LANGS for fmt in FORMATS)
    assert names == sorted([*expected, "MANIFEST.json", "MANIFEST.json.sig"])
    manifest = json.loads((published.folder / "MANIFEST.json").read_bytes())
    assert manifest["action"] == ACTION and manifest["follow_up"] == 0
    assert manifest["languages"] == list(LANGS)
    assert manifest["published"] == published.day.isoformat()
    for f in manifest["files"]:
        data = (published.folder / f["name"]).read_bytes()
        assert f["sha256"] == hashlib.sha256(data).hexdigest() and f["bytes"] == len(data)
    assert sshsig.parse_public_line(manifest["signer"]) == published.pia_public
    line = sshsig.allowed_signers_line("pia", published.pia_public, NAMESPACE)
    check = verify_folder(published.folder, line)
    assert (check.action, check.follow_up, check.files) == (ACTION, 0, 12)
    assert check.signer_trusted and check.signer == sshsig.fingerprint(published.pia_public)


def test_ssh_keygen_verifies_the_manifest(published: Published, tmp_path: Path) -> None:
    allowed = _allowed(
        tmp_path, sshsig.allowed_signers_line("pia", published.pia_public, NAMESPACE)
    )
    r = _ssh_verify(published.folder, allowed)
    assert r.returncode == 0, r.stderr
    assert sshsig.fingerprint(published.pia_public).encode() in r.stdout + r.stderr

    # the namespace binds: with an allowed-signers line for any namespace the signature is still
    # one for casevault-publish, and not a `file` signature
    anyspace = _allowed(tmp_path, f"pia {sshsig.public_key_line(published.pia_public)}", "any")
    assert _ssh_verify(published.folder, anyspace).returncode == 0
    assert _ssh_verify(published.folder, anyspace, namespace="file").returncode != 0

    # another key in the allowed-signers file: refused by ssh-keygen and by verify_folder
    other = _allowed(
        tmp_path, sshsig.allowed_signers_line("pia", published.cara_public, NAMESPACE), "other"
    )
    assert _ssh_verify(published.folder, other).returncode != 0
    with pytest.raises(IntegrityError, match="allowed-signers"):
        verify_folder(published.folder, other.read_text())

    # one byte of the manifest changed
    changed = tmp_path / "changed"
    shutil.copytree(published.folder, changed)
    data = bytearray((changed / "MANIFEST.json").read_bytes())
    at = data.index(b'"follow_up": 0') + len(b'"follow_up": ')
    data[at] = ord("1")
    (changed / "MANIFEST.json").write_bytes(bytes(data))
    assert _ssh_verify(changed, allowed).returncode != 0
    with pytest.raises(IntegrityError):
        verify_folder(changed)


def _tampered(published: Published, tmp_path: Path, how: str) -> Path:
    folder = tmp_path / how
    shutil.copytree(published.folder, folder)
    if how == "changed":
        path = folder / "UA-061-21-en.md"
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    elif how == "added":
        (folder / "UA-061-21-en.txt").write_text("an extra file\n", encoding="utf-8")
    elif how == "removed":
        (folder / "UA-061-21-de.pdf").unlink()
    return folder


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("changed", "UA-061-21-en.md does not match"),
        ("added", "UA-061-21-en.txt is not in the manifest"),
        ("removed", "UA-061-21-de.pdf is missing"),
    ],
)
def test_verify_folder_refuses_a_tampered_folder(
    published: Published, tmp_path: Path, how: str, message: str
) -> None:
    folder = _tampered(published, tmp_path, how)
    with pytest.raises(IntegrityError) as e:
        verify_folder(folder, sshsig.allowed_signers_line("pia", published.pia_public, NAMESPACE))
    assert message in str(e.value)


# --- 2. sshsig against ssh-keygen the other way -------------------------------------------------


def test_sshsig_verifies_what_ssh_keygen_signs(tmp_path: Path) -> None:
    key = tmp_path / "key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(key)], check=True
    )
    message = tmp_path / "message.txt"
    message.write_bytes("an invented manifest: Zoë, Жанар, 阿布都\n".encode())
    subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-f", str(key), "-n", NAMESPACE, str(message)],
        check=True,
        capture_output=True,
    )
    signature = (tmp_path / "message.txt.sig").read_text("ascii")
    public = sshsig.parse_public_line((tmp_path / "key.pub").read_text("ascii"))
    assert sshsig.verify(signature, NAMESPACE, message.read_bytes()) == public
    with pytest.raises(IntegrityError, match="namespace"):
        sshsig.verify(signature, "file", message.read_bytes())
    with pytest.raises(IntegrityError, match="does not match"):
        sshsig.verify(signature, NAMESPACE, message.read_bytes() + b" ")
    # and what sshsig signs, ssh-keygen accepts: the fingerprints agree
    r = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(tmp_path / "key.pub")], capture_output=True, check=True
    )
    assert sshsig.fingerprint(public).encode() in r.stdout


# --- 3. no internal record id ------------------------------------------------------------------


def _output_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith("MANIFEST"))


def _pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")


def test_no_internal_record_id_in_any_part(published: Published) -> None:
    parts_seen = 0
    for path in _output_files(published.folder):
        fmt = path.suffix[1:]
        for where, text in text_parts(path.name, fmt, path.read_bytes()):
            parts_seen += 1
            assert not RECORD_ID.search(text), f"a record id in {path.name} ({where})"
            assert "UA-061-21-0" not in text, f"a record id in {path.name} ({where})"
        if fmt == "pdf":
            text = _pdftotext(path)
            assert "061/21" in text  # pdftotext reads it at all
            assert not RECORD_ID.search(text), f"a record id in the text of {path.name}"
    assert parts_seen > 100
    manifest = (published.folder / "MANIFEST.json").read_text("utf-8")
    assert not RECORD_ID.search(manifest)
    # the check can fail: the same parts of a file holding one do show it
    assert any(RECORD_ID.search(t) for _, t in text_parts("x.md", "md", b"Case UA-061-21-004: x"))


# --- 4. nothing hidden goes out -----------------------------------------------------------------


def _flatten(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _flatten(item)
    elif isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    elif isinstance(value, str):
        yield value
    elif isinstance(value, int) and not isinstance(value, bool):
        yield str(value)


@pytest.fixture(scope="module")
def hidden_values(
    publishable_master: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[tuple[str, str]]:
    """(field, value) for every value above the lowest level in every demo case, and the names
    of every person without consent, as cara reads them with `case show`."""
    base = tmp_path_factory.mktemp("hidden")
    path = base / "vault"
    shutil.copytree(publishable_master, path)
    found: set[tuple[str, str]] = set()
    with state_dir(base / "state"), opened(path, "cara") as v:
        lowest = v.policy.levels[0]
        names = set(v.policy.subject_name_fields())
        with v.store.read():
            ids = v.store.case_ids()
        for cid in ids:
            values = cases.show_case(v, cid).values
            consent = has_consent(v, values)
            for field, value in values.items():
                if field not in v.policy.fields:
                    continue
                above = v.policy.level_of(field) != lowest
                if above or (field in names and not consent):
                    for text in _flatten(value):
                        text = text.strip()
                        if len(text) >= 4 and text.casefold() not in PLACEHOLDERS:
                            found.add((field, text))
    return sorted(found)


def _haystacks(folder: Path) -> list[tuple[str, bytes]]:
    """Every byte that goes out, and what a reader or tool extracts: each file and its name,
    every DOCX part, every decompressed PDF stream and the PDF's text."""
    out: list[tuple[str, bytes]] = []
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        out.append((path.name, data))
        out.append((f"{path.name} (name)", path.name.encode()))
        if path.suffix == ".docx":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist():
                    out.append((f"{path.name} ({info.filename})", archive.read(info)))
                    out.append((f"{path.name} (entry name)", info.filename.encode()))
        elif path.suffix == ".pdf":
            reader = PdfReader(io.BytesIO(data))
            streams = 0
            for number in range(1, int(reader.trailer["/Size"])):
                obj = None
                with contextlib.suppress(Exception):  # a free slot holds nothing
                    obj = reader.get_object(number)
                if isinstance(obj, StreamObject):
                    out.append((f"{path.name} (object {number})", obj.get_data()))
                    streams += 1
            assert streams > 0
            out.append((f"{path.name} (pdftotext)", _pdftotext(path).encode("utf-8")))
    return out


def _forms(data: bytes) -> tuple[str, str]:
    """The bytes read as narrow text (UTF-8, Latin-1) and as wide text (UTF-16 either order, at
    either byte alignment), case-folded."""
    narrow = "\n".join([data.decode("utf-8", "replace"), data.decode("latin-1")])
    wide = "\n".join(
        data[start:].decode(codec, "replace")
        for codec in ("utf-16-be", "utf-16-le")
        for start in (0, 1)
    )
    return narrow.casefold(), wide.casefold()


def _found_in(value: str, narrow: str, wide: str) -> bool:
    text = value.casefold()
    if text in narrow or text in wide:  # UTF-8, Latin-1, UTF-16 in either byte order
        return True
    return value.encode("utf-16-be").hex() in narrow  # a PDF hex string, either case


def test_search_finds_values_in_every_encoding() -> None:
    """The search below can fail: a value in each encoding a file may use is found."""
    value = "Zoë Ärger-Жанар"
    for probe, data in (
        (value, value.upper().encode("utf-8")),
        (value, value.encode("utf-16-be")),
        (value, b"\x00" + value.encode("utf-16-le")),
        (value, b"<FEFF" + value.encode("utf-16-be").hex().upper().encode() + b">"),
        ("Zoë Ärger", "ZOË ÄRGER".encode("latin-1")),
    ):
        narrow, wide = _forms(b"before " + data + b" after")
        assert _found_in(probe, narrow, wide), data
    narrow, wide = _forms(b"nothing of it here " + value[:6].encode())
    assert not _found_in(value, narrow, wide)


def test_no_hidden_value_in_any_byte_that_goes_out(
    published: Published, hidden_values: list[tuple[str, str]]
) -> None:
    assert len(hidden_values) > 1000  # every level of 64 cases, not a handful
    kinds = {f for f, _ in hidden_values}
    assert {"family_contacts", "sources", "id_numbers", "home_address", "full_name"} <= kinds
    haystacks = [(where, *_forms(data)) for where, data in _haystacks(published.folder)]
    leaks: Counter[str] = Counter()
    for field, value in hidden_values:
        for _where, narrow, wide in haystacks:
            if _found_in(value, narrow, wide):
                leaks[field] += 1
    # only counts and field names: a value must not reach the test's output either
    assert not leaks, f"protected values found in the publication: {dict(leaks)}"
    # and the same search finds what is public: a consented name in every file
    public_name = published.edition.documents[1].people[0].heading
    files = {w.split(" (")[0] for w, n, wd in haystacks if _found_in(public_name, n, wd)}
    assert files >= {p.name for p in _output_files(published.folder)}


# --- 5. refusals write nothing -----------------------------------------------------------------


def test_refusals_and_a_failure_half_way_write_nothing(
    published: Published, vault_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = published.day
    out = tmp_path / "out" / "ua"
    out.parent.mkdir()
    with opened(vault_copy, "pia") as v:
        with pytest.raises(NotFoundError):
            publish(v, "UA 999/99", None, ["md"], out, day)
        assert not out.exists() and not _partials(out)

        full = tmp_path / "full"
        full.mkdir()
        (full / "notes.txt").write_bytes(b"kept as it is\n")
        with pytest.raises(UsageError, match="not empty"):
            publish(v, ACTION, None, ["md"], full, day)
        assert [p.name for p in full.iterdir()] == ["notes.txt"]
        assert (full / "notes.txt").read_bytes() == b"kept as it is\n"
        assert not _partials(full)

        size = v.audit.size()
        real_write = publisher_svc.layout.write_new_file
        written: list[str] = []

        def write_then_fail(path: Path, data: bytes, mode: int = 0o600) -> None:
            if len(written) == 2:
                raise OSError("disk full (simulated)")
            written.append(path.name)
            real_write(path, data, mode)

        monkeypatch.setattr(publisher_svc.layout, "write_new_file", write_then_fail)
        with pytest.raises(OSError, match="simulated"):
            publish(v, ACTION, None, ["md", "html"], out, day)
        assert len(written) == 2
        assert not out.exists() and not _partials(out)
        assert v.audit.size() == size and _publish_entries(v) == []
        monkeypatch.undo()

        def sign_fails(*_a: object) -> str:
            raise RuntimeError("the signing key went away (simulated)")

        monkeypatch.setattr(publisher_svc.sshsig, "sign", sign_fails)
        with pytest.raises(RuntimeError, match="simulated"):
            publish(v, ACTION, None, ["md"], out, day)
        assert not out.exists() and not _partials(out)
        assert v.audit.size() == size and _publish_entries(v) == []  # the log entry rolled back
        monkeypatch.undo()

        out.mkdir()  # an existing empty folder is fine
        pub = publish(v, ACTION, None, ["md"], out, day)
        assert sorted(p.name for p in out.iterdir()) == sorted(
            [f"UA-061-21-{lang}.md" for lang in LANGS] + ["MANIFEST.json", "MANIFEST.json.sig"]
        )
        assert not _partials(out)
        assert len(_publish_entries(v)) == 1 and pub.entry >= size
    assert verify_folder(out).files == 3


def test_a_pending_draft_or_a_case_edited_after_approval_refuses(
    published: Published, vault_copy: Path, tmp_path: Path
) -> None:
    day = published.day
    out = tmp_path / "ua"
    with opened(vault_copy, "cara") as cara, opened(vault_copy, "pia") as pia:
        before = gather(pia, ACTION, None, day)
        valid_check(pia, before)  # the master's check holds for it

        drafts.create_draft(cara, "UA-061-21-005", "fr")  # newest draft now pending
        with pytest.raises(NotApprovedError) as e:
            publish(pia, ACTION, None, ["md"], out, day)
        assert "UA-061-21-005" in str(e.value) and "pending" in str(e.value)
        assert not out.exists() and not _partials(out)

        cases.edit_case(cara, "UA-061-21-010", {"status": "released"})
        with pytest.raises(NotApprovedError) as e:
            publish(pia, ACTION, ["en"], ["md"], out, day)
        assert "UA-061-21-010" in str(e.value) and "void" in str(e.value)
        assert not out.exists() and not _partials(out)
        with pytest.raises(UsageError, match="recorded new values after its leak check"):
            valid_check(pia, before)
        assert _publish_entries(pia) == []


def test_default_languages_name_the_case_that_voided_the_approvals(
    published: Published, vault_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ua"
    with opened(vault_copy, "cara") as cara, opened(vault_copy, "pia") as pia:
        cases.edit_case(cara, "UA-061-21-010", {"status": "released"})
        with pytest.raises(NotApprovedError) as e:
            publish(pia, ACTION, None, ["md"], out, published.day)
        assert not out.exists()
        assert "UA-061-21-010" in str(e.value) and "void" in str(e.value)


# --- 6. a leak planted after approval ----------------------------------------------------------


def test_a_value_recorded_after_approval_stops_the_publication(
    published: Published, vault_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = "Wang Sample"  # an official's name, in the approved action text of every language
    assert any(planted in o.name for o in published.edition.documents[0].officials)
    new_case = "UA-099-26-001"
    out = tmp_path / "ua"
    _quick_gate(monkeypatch)
    with opened(vault_copy, "cara") as cara, opened(vault_copy, "pia") as pia:
        cases.add_case(
            cara,
            {
                "case_id": new_case,
                "full_name": "Invented Person",
                "sources": [
                    {
                        "codename": "HERON-99",
                        "real_name": planted,
                        "contact": "+90 532 000 1111",
                        "relationship": "cousin",
                        "risk": "low",
                    }
                ],
            },
        )
        with pytest.raises(UsageError, match="after its leak check"):
            publish(pia, ACTION, None, ["md"], out, published.day)
        assert not out.exists() and not _partials(out)

        edition = gather(cara, ACTION, ["en"], published.day)
        with pytest.raises(LeakFoundError) as e:
            check_edition(cara, edition)
        message = str(e.value)
        assert new_case in message and "name" in message
        assert planted.casefold() not in message.casefold()

        keys = cara.members.sign_keys()
        refused = [
            entry
            for _, entry in cara.audit.find(AuditFilter(action=gate.REFUSED, limit=10), keys)
            if entry.action == gate.REFUSED
        ]
        assert len(refused) == 1
        assert refused[0].cases == (new_case,) and refused[0].actor == "cara"
        assert "name" in str(refused[0].details["kinds"])
        assert planted.casefold() not in json.dumps(refused[0].details).casefold()
        assert not [
            e
            for _, e in cara.audit.find(AuditFilter(action=gate.CHECKED, limit=10), keys)
            if e.action == gate.CHECKED and e.details.get("langs") == "en"
        ]

        for langs in (None, ["en"]):
            with pytest.raises(UsageError, match="leak check"):
                publish(pia, ACTION, langs, ["md"], out, published.day)
        assert not out.exists() and not _partials(out)
        assert _publish_entries(pia) == []


# --- 7. reproducible, and bound to its date ----------------------------------------------------


def test_same_inputs_same_date_give_the_same_bytes(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "vault"
    shutil.copytree(published.vault, path)  # holds the first publication already
    again = tmp_path / "again"
    with opened(path, "pia") as pia:
        publish(pia, ACTION, None, None, again, published.day)  # the same follow-up, same content
        assert len(_publish_entries(pia)) == 2
    first = _output_files(published.folder)
    second = _output_files(again)
    assert [p.name for p in first] == [p.name for p in second] and len(first) == 12
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs"
    assert verify_folder(again).files == 12


def test_another_date_needs_a_check_for_that_date(
    published: Published, vault_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = published.day + dt.timedelta(days=1)
    out = tmp_path / "later"
    _quick_gate(monkeypatch)
    with opened(vault_copy, "cara") as cara, opened(vault_copy, "pia") as pia:
        with pytest.raises(UsageError, match=f"--date {later.isoformat()}"):
            publish(pia, ACTION, ["en"], ["md"], out, later)
        assert not out.exists() and not _partials(out)
        # a check for the master's day does not speak for another day, nor the other way round
        check_edition(cara, gather(cara, ACTION, ["en"], later))
        with pytest.raises(UsageError, match="has not passed the leak check"):
            publish(pia, ACTION, ["en"], ["md"], out, later + dt.timedelta(days=1))
        publish(pia, ACTION, ["en"], ["md"], out, later)
    manifest = json.loads((out / "MANIFEST.json").read_bytes())
    assert manifest["published"] == later.isoformat() and manifest["languages"] == ["en"]
    text = (out / "UA-061-21-en.md").read_text("utf-8")
    assert f"{later.day} {later.strftime('%B')} {later.year}" in text


# --- 8. the log of publications ----------------------------------------------------------------


def test_list_publications_and_published_drafts(published: Published) -> None:
    assert len(published.listed) == 1
    p = published.listed[0]
    assert (p.by, p.action, p.follow_up) == ("pia", ACTION, 0)
    assert p.date == published.day.isoformat()
    assert p.langs == ",".join(LANGS) and p.formats == ",".join(FORMATS)
    manifest = (published.folder / "MANIFEST.json").read_bytes()
    assert p.manifest == hashlib.sha256(manifest).hexdigest() == published.manifest_sha256
    refs = set(published.edition.draft_refs().split(","))
    assert len(refs) == 3 * (1 + len(published.case_ids))
    assert published.drafts_in == refs


# --- 9. the command line -----------------------------------------------------------------------


def _run(path: Path, user: str | None, *args: str) -> tuple[int, str, str]:
    env = {"CASEVAULT_PATH": str(path)}
    if user:
        env["CASEVAULT_USER"] = user
        env["CASEVAULT_PASSPHRASE"] = PASSPHRASES[user]
    r = CliRunner().invoke(cli, list(args), env=env)
    return r.exit_code, r.stdout, r.stderr


def _one_line_error(code: int, out: str, err: str, want_code: int) -> str:
    assert code == want_code, (code, out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("casevault: error: "), err
    return lines[0]


def test_cli_publish_verify_and_check(
    published: Published, vault_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ua"
    day = published.day.isoformat()
    code, stdout, err = _run(
        vault_copy, "pia", "publish", ACTION, "--out", str(out), "--format", "md", "--date", day
    )
    assert code == 0, err
    for lang in LANGS:
        assert f"UA-061-21-{lang}.md" in stdout
    assert "MANIFEST.json" in stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"UA-061-21-{lang}.md" for lang in LANGS] + ["MANIFEST.json", "MANIFEST.json.sig"]
    )

    code, stdout, err = _run(vault_copy, "pia", "publish", "list")
    assert code == 0, err
    assert ACTION in stdout and "pia" in stdout

    code, stdout, err = _run(tmp_path, None, "publish", "verify", str(out))
    assert code == 0, err
    assert "OK" in stdout

    allowed = _allowed(
        tmp_path, sshsig.allowed_signers_line("pia", published.pia_public, NAMESPACE)
    )
    code, stdout, err = _run(
        tmp_path, None, "publish", "verify", str(out), "--allowed-signers", str(allowed)
    )
    assert code == 0, err
    assert "in the allowed-signers file" in stdout

    path = out / "UA-061-21-fr.md"
    path.write_bytes(path.read_bytes().replace(b"061/21", b"062/21", 1))
    code, stdout, err = _run(tmp_path, None, "publish", "verify", str(out))
    line = _one_line_error(code, stdout, err, 5)
    assert "UA-061-21-fr.md" in line

    code, stdout, err = _run(vault_copy, "rui", "publish", "check", ACTION, "--lang", "en")
    line = _one_line_error(code, stdout, err, 3)
    assert "every level" in line


# --- 10. the document reads back from the approved text ----------------------------------------


def _markdown(folder: Path, lang: str) -> str:
    path = folder / f"UA-061-21-{lang}.md"
    parts = dict(text_parts(path.name, "md", path.read_bytes()))
    return parts["Markdown unescaped"]


def test_the_document_is_a_whole_urgent_action(published: Published) -> None:
    by_lang = {d.lang: d for d in published.edition.documents}
    assert set(by_lang) == set(LANGS)
    en = by_lang["en"]
    assert len(published.case_ids) == 64
    assert len(en.people) == len(published.case_ids)
    assert all(len(d.people) == 64 for d in by_lang.values())
    assert len(en.officials) == 2

    text = _markdown(published.folder, "en")
    assert en.title in text and en.title.startswith("Dozens detained")
    people = text.split("## People concerned", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"^### ", people, flags=re.M)) == 64
    write_to = text.split("## Write to", 1)[1]
    for official in en.officials:
        assert official.address and official.salutation
        for value in (official.title, official.name, official.address, official.salutation):
            assert value in write_to
    assert "Chen Demo" in write_to and "Wang Sample" in write_to
    for lang in ("fr", "de"):
        other = _markdown(published.folder, lang)
        assert by_lang[lang].title in other and "Wang Sample" in other


# --- the gate scans what it is given, and only that -------------------------------------------


def test_the_gate_finds_nothing_in_a_clean_edition_whatever_is_rendered(
    published: Published, vault_copy: Path
) -> None:
    with opened(vault_copy, "cara") as cara:
        edition = gather(cara, ACTION, ["en"], published.day)
        # the whole edition passed the gate when the master was made; so does each part of it
        assert gate.scan_edition(cara, edition, render_files(edition, ("md",))) == []
        findings = gate.scan_edition(cara, edition, render_files(edition, ("md", "html")))
        assert findings == [], [(f.kind, f.level, f.owners, f.where) for f in findings]


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["--lang", "es"], 2, "--lang must be among"),
        (["--format", "odt"], 2, "--format must be among"),
        (["--date", "03/12/2026"], 2, "--date takes a date"),
        (["--lang", "fr", "--date", "2030-01-01"], 2, "has not passed the leak check"),
    ],
)
def test_cli_bad_publish_input_is_one_line_and_changes_nothing(
    vault_copy: Path, tmp_path: Path, args: list[str], code: int, says: str
) -> None:
    with opened(vault_copy, "pia") as v:
        size = v.audit.size()
    out = tmp_path / "ua"
    line = _one_line_error(
        *_run(vault_copy, "pia", "publish", ACTION, "--out", str(out), *args), code
    )
    assert says in line
    assert not out.exists() and not _partials(out)
    with opened(vault_copy, "pia") as v:
        assert v.audit.size() == size and _publish_entries(v) == []
