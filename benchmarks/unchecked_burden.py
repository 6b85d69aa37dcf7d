"""The reviewer's burden: unchecked spans per 1,000 words of the demo Urgent Action, per language,
and the time to check one draft's text.

    python benchmarks/unchecked_burden.py

It builds the demo vault (64 invented people, no drafts), drafts the action and every person in
en, fr and de as the caseworker, and counts the unchecked spans a reviewer is asked about:

* cold: each draft against the default policy's public terms only, and the name of a person who
  consented to be named in their own draft (what a reviewer of a new vault sees on any one
  draft);
* as reviewed: the drafts in order, each one's spans accepted before the next is counted (the
  list of public terms grows as a reviewer works, so later drafts ask less) — the total a
  reviewer actually clears for the whole Urgent Action in that language.

Beside it, the time to find the unchecked spans of a 2,000-word text made of the demo's own
sentences, and the floor measured in the same run: one regular-expression pass over the same text
(no library can read a text in less than one pass).
"""

from __future__ import annotations

import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from vault.crypto import Passphrase
from vault.redact.unchecked import find_unchecked, term_keys
from vault.services import drafts
from vault.services.demo import DEMO_PEOPLE, create_demo
from vault.services.public_terms import consented_keys, policy_terms
from vault.services.session import Vault

LANGS = ("en", "fr", "de")


def _open(path: Path, role: str) -> Vault:
    name, _, secret = next(p for p in DEMO_PEOPLE if p[1] == role)
    return Vault.open(path, name, lambda _n: Passphrase.from_text(secret))


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="casevault-burden-"))
    try:
        path = root / "demo"
        demo = create_demo(path, publication=False)
        with _open(path, "caseworker") as v:
            subjects = [demo.action_id, *v.store.case_ids()]
            base = policy_terms(tuple(v.policy.review.public_terms))
            texts: dict[str, list[tuple[str, list[tuple[int, int]], frozenset[str]]]] = {}
            for lang in LANGS:
                texts[lang] = []
                for subject in subjects:
                    d = drafts.create_draft(v, subject, lang)
                    skip = [(r.out_start, r.out_end) for r in d.redactions]
                    texts[lang].append((d.text, skip, consented_keys(d.consented_name)))
        print(f"demo Urgent Action: {len(subjects)} drafts per language (the action, 64 people)")
        print(
            f"{'lang':5} {'words':>7} {'cold':>7} {'per 1k':>7} {'as reviewed':>12} {'per 1k':>7}"
        )
        for lang in LANGS:
            words = sum(len(t.split()) for t, _, _ in texts[lang])
            cold = sum(
                len(find_unchecked(t, lang, skip=s, public=base | own)) for t, s, own in texts[lang]
            )
            public = set(base)
            asked = 0
            for t, s, own in texts[lang]:
                spans = find_unchecked(t, lang, skip=s, public=public | own)
                asked += len(spans)
                for u in spans:
                    public.update(term_keys(t[u.start : u.end], u.kind))
            print(
                f"{lang:5} {words:7} {cold:7} {1000 * cold / words:7.1f} "
                f"{asked:12} {1000 * asked / words:7.1f}"
            )
        sentences = [t for t, _, _ in texts["en"]]
        long_text = " ".join(sentences)
        while len(long_text.split()) < 2000:
            long_text += " " + " ".join(sentences)
        long_text = " ".join(long_text.split()[:2000])
        find_unchecked(long_text, "en", public=base)  # warm the caches (word frequencies)
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            find_unchecked(long_text, "en", public=base)
            runs.append(time.perf_counter() - t0)
        floor = []
        pattern = re.compile(r"\w+")
        for _ in range(5):
            t0 = time.perf_counter()
            sum(1 for _ in pattern.finditer(long_text))
            floor.append(time.perf_counter() - t0)
        print(
            f"2,000-word text: unchecked spans found in {statistics.median(runs) * 1000:.1f} ms "
            f"(median of 5); floor, one regex pass over the words: "
            f"{statistics.median(floor) * 1000:.2f} ms"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
