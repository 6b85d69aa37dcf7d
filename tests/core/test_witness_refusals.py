"""What a person's witness of a vault must refuse (issue 22): a log that does not extend the
remembered checkpoint, a state chain rolled back or rewritten, a restore that undoes a revocation
or a replaced key, another founder. And what it must never do: stop the work because it could
not remember. The log is a stand-in (the witness only asks it ``check_against``); the files are
in a temporary directory."""

from __future__ import annotations

import json
import locale
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from vault.audit import witness as w
from vault.errors import IntegrityError


class FakeLog:
    """Answers check_against as told, and records what it was asked."""

    def __init__(self, error: IntegrityError | None = None) -> None:
        self.error = error
        self.calls: list[tuple[str, Any]] = []

    def check_against(self, note: str, member_keys: Any) -> tuple[int, int]:
        self.calls.append((note, member_keys))
        if self.error is not None:
            raise self.error
        return 1, 1


def _w(tmp_path: Path, person: str = "ilse") -> w.Witness:
    # not where CASEVAULT_STATE_DIR points (tests/conftest.py gives each test its own there)
    return w.Witness("vault-0001", person, tmp_path / "witness-state")


@pytest.fixture
def c_locale() -> Any:
    """The C locale (ASCII) for text files opened without an encoding: the witness must not
    depend on it. (Without effect under Python's UTF-8 mode.)"""
    old = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, old)


# --- where the memory lives -------------------------------------------------------------------


def test_state_dir_prefers_the_explicit_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert w.state_dir() == tmp_path / "explicit"
    monkeypatch.setenv("CASEVAULT_STATE_DIR", "")
    assert w.state_dir() == tmp_path / "xdg" / "casevault"
    monkeypatch.delenv("CASEVAULT_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert w.state_dir() == tmp_path / "home" / ".local" / "state" / "casevault"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert w.state_dir() == tmp_path / "home" / ".local" / "state" / "casevault"


def test_a_witness_reads_the_state_dir_once_when_made(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "one"))
    wit = w.Witness("vault-0001", "ilse")
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "two"))
    assert wit.path == tmp_path / "one" / "vault-0001" / "ilse.checkpoint"
    assert wit.state_path == tmp_path / "one" / "vault-0001" / "ilse.state"
    assert wit.founder_path == tmp_path / "one" / "vault-0001" / "founder"
    assert (wit.vault_id, wit.person) == ("vault-0001", "ilse")


# --- the checkpoint ---------------------------------------------------------------------------


def test_nothing_remembered_checks_nothing(tmp_path: Path) -> None:
    wit, log = _w(tmp_path), FakeLog(IntegrityError("would fail"))
    assert wit.remembered() is None
    wit.check(log, {})  # type: ignore[arg-type]
    assert log.calls == []


def test_remember_then_check_hands_the_note_to_the_log(tmp_path: Path) -> None:
    wit, log = _w(tmp_path), FakeLog()
    wit.remember("note \u2014 one\n")
    assert wit.remembered() == "note \u2014 one\n"
    assert wit.path.read_bytes() == "note \u2014 one\n".encode()
    keys = {"ilse": b"k" * 32}
    wit.check(log, keys)  # type: ignore[arg-type]
    assert log.calls == [("note \u2014 one\n", keys)]


def test_a_log_that_does_not_extend_the_memory_is_refused_naming_the_file(
    tmp_path: Path,
) -> None:
    wit = _w(tmp_path, "baurzhan")
    wit.remember("note\n")
    cause = IntegrityError("rollback: the checkpoint covers 9 entries")
    with pytest.raises(IntegrityError) as caught:
        wit.check(FakeLog(cause), {})  # type: ignore[arg-type]
    assert str(caught.value) == (
        "rollback: the checkpoint covers 9 entries (compared with what baurzhan last saw on "
        f"this machine, {wit.path}; a backup is restored on purpose with 'casevault backup "
        "restore', which signs it)"
    )
    assert caught.value.__cause__ is cause


def test_an_unreadable_memory_is_none(tmp_path: Path) -> None:
    wit = _w(tmp_path)
    wit.path.parent.mkdir(parents=True)
    wit.path.write_bytes(b"\xff\xfe not utf-8")
    assert wit.remembered() is None
    wit.path.unlink()
    wit.path.mkdir()  # a directory where the file should be: OSError
    assert wit.remembered() is None


def test_remembering_is_atomic_private_and_replaces_stale_leftovers(tmp_path: Path) -> None:
    wit = _w(tmp_path)
    wit.remember("first, a longer note than the next\n")
    assert stat.S_IMODE(wit.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(wit.path.parent.stat().st_mode) == 0o700
    tmp = wit.path.with_name(wit.path.name + ".new")
    tmp.write_text("x" * 200)  # a crash's leftover, longer than what comes next
    wit.remember("second\n")
    assert wit.path.read_text() == "second\n"
    assert not tmp.exists()
    assert sorted(p.name for p in wit.path.parent.iterdir()) == ["ilse.checkpoint"]


def test_an_explicit_state_dir_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CASEVAULT_STATE_DIR", str(tmp_path / "env"))
    wit = w.Witness("vault-0001", "ilse", tmp_path / "mine")
    assert wit.path == tmp_path / "mine" / "vault-0001" / "ilse.checkpoint"
    wit.remember("note\n")
    assert (tmp_path / "mine" / "vault-0001" / "ilse.checkpoint").read_text() == "note\n"
    assert not (tmp_path / "env").exists()


def test_memories_are_read_as_utf8_whatever_the_locale(tmp_path: Path, c_locale: Any) -> None:
    wit = _w(tmp_path, "ilse")
    wit.remember("note by Zo\u00eb\n")
    assert wit.remembered() == "note by Zo\u00eb\n"
    wit.state_path.write_text(
        '{"seq": 2, "head": "h\u00e9", "restores": 1, "revoked": ["Zo\u00eb"], "retired": []}',
        encoding="utf-8",
    )
    with pytest.raises(IntegrityError, match="rolled back"):
        wit.check_state(["h\u00e9"])
    assert wit.undone_by([], {}) == ["Zo\u00eb"]
    with pytest.raises(IntegrityError, match="Zo\u00eb"):
        wit.check_restore([], {})
    assert wit.restored_since(2) is True


def test_a_founder_pin_that_is_not_ascii_is_replaced(tmp_path: Path) -> None:
    """An unreadable pin counts as none (first use again); it is rewritten, not compared."""
    wit = _w(tmp_path)
    wit.founder_path.parent.mkdir(parents=True)
    wit.founder_path.write_bytes("caf\u00e9".encode())
    assert wit.check_founder("ab" * 32) is True
    assert wit.founder_path.read_text("ascii") == "ab" * 32


def test_a_memory_with_only_one_of_the_two_lists_still_counts(tmp_path: Path) -> None:
    wit = _w(tmp_path, "ilse")
    wit.state_path.parent.mkdir(parents=True)
    wit.state_path.write_text('{"seq": 1, "head": "h", "retired": ["fp-old"]}')
    assert wit.undone_by([], {"bob": "fp-old"}) == ["bob"]
    with pytest.raises(IntegrityError, match="where bob, whom ilse saw given a new key"):
        wit.check_restore([], {"bob": "fp-old"})
    wit.state_path.write_text('{"seq": 1, "head": "h", "revoked": ["amy"]}')
    assert wit.undone_by([], {"bob": "fp-old"}) == ["amy"]
    with pytest.raises(IntegrityError, match="where amy, whom ilse saw revoked"):
        wit.check_restore([], {"bob": "fp-old"})


def test_failing_to_remember_never_stops_the_work(tmp_path: Path) -> None:
    blocker = tmp_path / "witness-state"
    blocker.write_text("a file where the directory should be")
    wit = w.Witness("vault-0001", "ilse", blocker)
    wit.remember("note\n")  # no exception
    wit.remember_state(1, "h")
    assert wit.check_founder("ab" * 32) is True  # pinned nowhere, but says first use
    assert wit.remembered() is None


# --- the state chain --------------------------------------------------------------------------


def test_remember_state_writes_exactly_this(tmp_path: Path) -> None:
    wit = _w(tmp_path)
    wit.remember_state(3, "h3", restores=2, revoked=["zed", "amy"], retired=["fp2", "fp1"])
    assert json.loads(wit.state_path.read_text("ascii")) == {
        "seq": 3,
        "head": "h3",
        "restores": 2,
        "revoked": ["amy", "zed"],
        "retired": ["fp1", "fp2"],
    }
    wit.remember_state(4, "h4")
    assert json.loads(wit.state_path.read_text("ascii")) == {
        "seq": 4,
        "head": "h4",
        "restores": 0,
        "revoked": [],
        "retired": [],
    }
    assert stat.S_IMODE(wit.state_path.stat().st_mode) == 0o600


def test_a_state_chain_that_extends_the_memory_passes(tmp_path: Path) -> None:
    wit = _w(tmp_path)
    wit.check_state([])  # nothing remembered
    wit.remember_state(2, "h2")
    wit.check_state(["h1", "h2"])
    wit.check_state(["h1", "h2", "h3"])


def test_a_state_chain_rolled_back_is_refused(tmp_path: Path) -> None:
    wit = _w(tmp_path, "tamsin")
    wit.remember_state(3, "h3")
    with pytest.raises(IntegrityError) as caught:
        wit.check_state(["h1", "h2"])
    assert str(caught.value) == (
        "the vault's signed state was rolled back: tamsin last saw 3 state records on this "
        f"machine ({wit.state_path}), the vault now holds 2 that do not extend them"
    )


def test_a_state_chain_rewritten_is_refused(tmp_path: Path) -> None:
    wit = _w(tmp_path, "tamsin")
    wit.remember_state(2, "h2")
    for heads in (["h1", "other"], ["h1", "other", "h3"], ["h2", "h1"]):
        with pytest.raises(IntegrityError) as caught:
            wit.check_state(heads)
        assert str(caught.value).startswith(
            "the vault's signed state was rewritten: tamsin last saw 2 state records"
        )
        assert f"the vault now holds {len(heads)} that do not extend them" in str(caught.value)
    wit.remember_state(1, "h1")
    with pytest.raises(IntegrityError, match="rewritten"):
        wit.check_state(["x", "h1"])


@pytest.mark.parametrize(
    "content",
    [b"not json", b"\xff", b'{"seq": 1}', b'{"head": "h"}', b"[1, 2]", b'{"seq": "x", "head": 1}'],
)
def test_an_unreadable_state_memory_checks_nothing(tmp_path: Path, content: bytes) -> None:
    wit = _w(tmp_path)
    wit.state_path.parent.mkdir(parents=True)
    wit.state_path.write_bytes(content)
    wit.check_state([])
    assert wit.undone_by([], {}) == []
    wit.check_restore([], {})
    assert wit.restored_since(0) is False


# --- restores ---------------------------------------------------------------------------------


def test_restored_since_counts_signed_restores(tmp_path: Path) -> None:
    wit = _w(tmp_path)
    assert wit.restored_since(5) is False  # nothing remembered
    wit.remember_state(3, "h3", restores=2)
    assert wit.restored_since(2) is False
    assert wit.restored_since(3) is True
    assert wit.restored_since(1) is False
    wit.state_path.write_text('{"seq": 1, "head": "h"}')  # an old memory without the count
    assert wit.restored_since(0) is False
    assert wit.restored_since(1) is True


def test_undone_by_names_who_holds_keys_taken_away(tmp_path: Path) -> None:
    wit = _w(tmp_path)
    assert wit.undone_by(["amy"], {"amy": "fp1"}) == []
    wit.remember_state(3, "h", revoked=["zed", "amy"], retired=["fp-old"])
    assert wit.undone_by(["zed", "amy"], {"bob": "fp-new"}) == []
    assert wit.undone_by(["zed"], {"bob": "fp-new"}) == ["amy"]
    assert wit.undone_by([], {"bob": "fp-old", "cat": "fp"}) == ["amy", "bob", "zed"]
    wit.state_path.write_text('{"seq": 1, "head": "h"}')
    assert wit.undone_by([], {"bob": "fp-old"}) == []


def test_a_restore_that_brings_back_a_revoked_person_is_refused(tmp_path: Path) -> None:
    wit = _w(tmp_path, "ilse")
    wit.remember_state(3, "h", revoked=["zed", "amy"])
    wit.check_restore(["amy", "zed"], {"bob": "fp"})
    with pytest.raises(IntegrityError) as caught:
        wit.check_restore(["amy"], {"bob": "fp"})
    assert str(caught.value) == (
        "this vault was restored to a state where zed, whom ilse saw revoked, holds their old "
        f"keys again: refusing it (a restore must not undo a revocation; {wit.state_path})"
    )
    with pytest.raises(IntegrityError, match="where amy, whom ilse saw revoked"):
        wit.check_restore([], {"bob": "fp"})


def test_a_restore_that_brings_back_a_replaced_key_is_refused(tmp_path: Path) -> None:
    wit = _w(tmp_path, "ilse")
    wit.remember_state(3, "h", retired=["fp-old", "fp-older"])
    wit.check_restore([], {"bob": "fp-new"})
    with pytest.raises(IntegrityError) as caught:
        wit.check_restore([], {"cat": "fp-older", "bob": "fp-old", "dan": "fp"})
    assert str(caught.value).startswith(
        "this vault was restored to a state where bob, whom ilse saw given a new key, holds"
    )
    # a revoked person comes first
    wit.remember_state(3, "h", revoked=["zed"], retired=["fp-old"])
    with pytest.raises(IntegrityError, match="where zed, whom ilse saw revoked"):
        wit.check_restore([], {"bob": "fp-old"})


# --- the founder ------------------------------------------------------------------------------


def test_the_founder_is_pinned_at_first_use_and_checked_after(tmp_path: Path) -> None:
    wit = _w(tmp_path)
    fp = "0123456789abcdef" * 4
    assert wit.check_founder(fp) is True
    assert wit.founder_path.read_text("ascii") == fp
    assert stat.S_IMODE(wit.founder_path.stat().st_mode) == 0o600
    assert wit.check_founder(fp) is False
    wit.founder_path.write_text(fp + "\n")  # a newline added by hand is not a difference
    assert wit.check_founder(fp) is False
    other = "fedcba9876543210" * 4
    with pytest.raises(IntegrityError) as caught:
        wit.check_founder(other)
    assert str(caught.value) == (
        "this vault's founder (fedcba9876543210…) is not the one pinned on this machine at "
        f"first use (0123456789abcdef…, {wit.founder_path}): the vault was replaced by "
        "another one. Ask your admin before using it."
    )
    assert wit.founder_path.read_text("ascii") == fp + "\n"  # the pin is kept


def test_witnesses_of_two_people_share_the_founder_pin(tmp_path: Path) -> None:
    a, b = _w(tmp_path, "ilse"), _w(tmp_path, "tamsin")
    assert a.check_founder("ab" * 32) is True
    assert b.check_founder("ab" * 32) is False
    with pytest.raises(IntegrityError):
        b.check_founder("cd" * 32)


def test_write_atomic_creates_missing_parents(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.txt"
    w._write_atomic(target, b"data")
    assert target.read_bytes() == b"data"
    w._write_atomic(target, b"more")  # the directory now exists
    assert target.read_bytes() == b"more"
    assert os.listdir(target.parent) == ["c.txt"]
