"""Key delivery: the admin enrols but never holds a level key; keys reach members from holders."""

from __future__ import annotations

from pathlib import Path

from vault.crypto import Passphrase
from vault.services import cases, users
from vault.services.session import Vault


def _pw(name: str) -> Passphrase:
    return Passphrase.from_text(f"{name} test passphrase")


def test_first_caseworker_serves_every_new_member_of_a_keyless_role(tmp_path: Path) -> None:
    root = tmp_path / "v"
    with Vault.init(root, "ada", _pw("ada")) as admin:
        for name, role in (("cara", "caseworker"), ("rui", "reviewer"), ("nadia", "reviewer")):
            users.add_member(admin, name, role, passphrase=lambda n=name: _pw(n))
        assert admin.keys.current_level_keys() == {}  # the admin holds no level key, ever
        waiting = {m.name for m in users.list_members(admin) if not m.has_keys}
        assert waiting == {"cara", "rui", "nadia"}
    with Vault.open(root, "cara", lambda n: _pw(n)) as cw:
        assert sorted(cw.notice.delivered) == ["nadia", "rui"]
        cases.add_case(
            cw,
            {
                "case_id": "UA-001-26-001",
                "full_name": "Invented Person",
                "case_notes": "invented testimony",
                "sources": [{"codename": "OWL", "real_name": "Invented Source"}],
            },
        )
    for reviewer in ("rui", "nadia"):
        with Vault.open(root, reviewer, lambda n: _pw(n)) as r:
            assert not r.notice.waiting_for_keys
            view = cases.show_case(r, "UA-001-26-001")
            assert view.values["case_notes"] == "invented testimony"
            assert view.withheld == {"sources": "secret"}
    with Vault.open(root, "ada", lambda n: _pw(n)) as admin:
        view = cases.show_case(admin, "UA-001-26-001")
        assert set(view.values) == {"case_id"}  # still nothing for the admin
