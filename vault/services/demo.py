"""The embedded demo: a ready vault with four people, 64 invented cases and one action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vault.audit.entry import Detail
from vault.audit.log import AuditEvent
from vault.crypto import KdfParams, Passphrase
from vault.models.action import LANGUAGES
from vault.services import actions, cases, drafts, public_terms, review, users
from vault.services.clock import today
from vault.services.demo_data import demo_action, demo_cases
from vault.services.publication import gather
from vault.services.publication_gate import check_edition
from vault.services.session import Vault

#: Demo passphrases. They are printed by `casevault demo` on purpose: the demo holds only
#: invented people. Never reuse them for a real vault.
DEMO_PEOPLE: list[tuple[str, str, str]] = [
    ("ada", "admin", "demo-ada-not-secret"),
    ("cara", "caseworker", "demo-cara-not-secret"),
    ("rui", "reviewer", "demo-rui-not-secret"),
    ("pia", "publisher", "demo-pia-not-secret"),
]


@dataclass(frozen=True)
class DemoResult:
    path: Path
    cases: int
    people: list[tuple[str, str, str]]
    action_id: str
    example_case: str
    example_query: str  # a name of that case in another script, to try `case find` with
    publishable: bool = False  # drafts made, approved and leak-checked for today


def _fixed(text: str) -> Callable[[], Passphrase]:
    return lambda: Passphrase.from_text(text)


def create_demo(
    path: Path,
    *,
    count: int = 64,
    kdf: KdfParams | None = None,
    progress: Callable[[int], None] | None = None,
    publication: bool = True,
) -> DemoResult:
    """A demo vault at ``path``. With ``publication``, the action is ready to publish today:
    the caseworker drafts it and every person of it in each language, the reviewer approves
    each draft, and the caseworker runs the publication's leak check for today's date."""
    (admin, _, admin_pw), *others = DEMO_PEOPLE
    with Vault.init(path, admin, Passphrase.from_text(admin_pw), kdf=kdf) as v:
        for name, role, pw in others:
            users.add_member(v, name, role, passphrase=_fixed(pw), kdf=kdf)
    caseworker = next(p for p in DEMO_PEOPLE if p[1] == "caseworker")
    with Vault.open(path, caseworker[0], lambda _: Passphrase.from_text(caseworker[2])) as v:
        records = demo_cases(count)
        with v.store.write():
            prepared = []
            for n, record in enumerate(records, start=1):
                values = cases.validate_record(v, record)
                prepared.append(cases.prepare_version(v, values["case_id"], 1, "", values))
                if progress:
                    progress(n)
            cases.store_versions(v, prepared)
            details: dict[str, Detail] = {"count": len(prepared), "source": "demo"}
            v.log(AuditEvent("case.bulk_create", details=details))
        action = actions.put_action(v, demo_action([r["case_id"] for r in records]))
        made = []
        if publication:
            for lang in LANGUAGES:
                for subject in [action.action_id, *action.case_ids]:
                    made.append(drafts.create_draft(v, subject, lang).draft_id)
    if publication:
        reviewer = next(p for p in DEMO_PEOPLE if p[1] == "reviewer")
        with Vault.open(path, reviewer[0], lambda _: Passphrase.from_text(reviewer[2])) as v:
            for draft_id in made:
                # the demo's reviewer reads each draft and judges what no layer judged: the
                # invented places, officials and dates of the demo are public
                with v.store.read():
                    waiting = public_terms.unchecked_spans(v, drafts.get_draft(v, draft_id))
                if waiting:
                    public_terms.accept_spans(v, draft_id, None)
                review.give_verdict(v, draft_id, "approve")
        with Vault.open(path, caseworker[0], lambda _: Passphrase.from_text(caseworker[2])) as v:
            check_edition(v, gather(v, action.action_id, None, today()))
    example = records[3]
    return DemoResult(
        path,
        len(records),
        DEMO_PEOPLE,
        action.action_id,
        example["case_id"],
        example["name_variants"][0].split()[0],
        publication,
    )
