"""No protected value in any address the interface makes. Addresses stay in the browser's history,
its address bar, the server's and proxies' logs and the screen: a caseworker's every page is
crawled (links, form targets, htmx targets, sources, redirects) and no address may hold a
value of a case's fields above the public level, nor a name whose publication needs consent.
The values are the demo's invented ones, read through the services."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tests.conftest import passphrase_for
from tests.ui_harness import ui_as
from vault.services.cases import show_case
from vault.services.session import Vault

URL_ATTRIBUTES = re.compile(r'\b(?:href|src|action|hx-get|hx-post|formaction)="([^"]*)"')
CASES = ("UA-061-21-001", "UA-061-21-002", "UA-061-21-004", "UA-061-21-010")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _protected(path: Path) -> set[str]:
    """Every value above the public level, and every name, of a few demo cases."""
    out: set[str] = set()
    with Vault.open(path, "cara", lambda _n: passphrase_for("cara")) as v:
        public = {name for name, fp in v.policy.fields.items() if fp.level == "public"}
        names = set(v.policy.subject_name_fields())
        for case_id in CASES:
            view = show_case(v, case_id)
            for field, value in view.values.items():
                if field not in public or field in names:
                    out.update(s for s in _strings(value) if len(s) >= 4)
    return out


def test_no_address_holds_a_protected_value(demo_path: Path) -> None:
    protected = _protected(demo_path)
    assert len(protected) > 20  # names, contacts, phones, id numbers, testimony
    client = ui_as(demo_path, "cara")
    # the pages a day's work passes through, and what they link to, one level down
    start = ["/cases", "/cases/find", "/drafts", "/publish", "/audit"]
    start += [f"/cases/{c}" for c in CASES]
    start += [f"/cases/{c}/history" for c in CASES] + [f"/cases/{c}/edit" for c in CASES]
    seen: set[str] = set()
    addresses: set[str] = set()
    queue = list(start)
    while queue:
        path = queue.pop(0)
        if path in seen or len(seen) > 120:
            continue
        seen.add(path)
        answer = client.get(path)
        addresses.add(str(answer.url))
        if "location" in answer.headers:
            addresses.add(answer.headers["location"])
        for found in URL_ATTRIBUTES.findall(answer.text):
            target = unescape(found)
            addresses.add(target)
            local = target.split("#")[0]
            if local.startswith("/") and not local.startswith("/static/") and path in start:
                queue.append(local)
    # a search and a new draft: what a POST answers or redirects to
    found = client.submit("/cases/find", {"name": "Ablimit"})
    addresses.update(unescape(u) for u in URL_ATTRIBUTES.findall(found.text))
    made = client.submit("/drafts/new", {"subject": CASES[1], "lang": "en"})
    addresses.add(made.headers.get("location", ""))
    assert len(seen) > 30 and len(addresses) > 50
    leaks = sorted(
        (value, address)
        for address in addresses
        for value in protected
        if value in address or value in unquote(address)
    )
    assert not leaks, leaks[:5]
