"""Recall and precision of the redaction engine on the labelled fixture corpus.

    python benchmarks/redaction_eval.py

The corpus (tests/fixtures/redaction_corpus.jsonl, made by make_redaction_corpus.py) holds
fictional sentences in en/fr/de; the known values are those of the demo vault's invented cases.
"""

from __future__ import annotations

import json
from pathlib import Path

from vault.policy import default_policy_text, parse_policy
from vault.redact.entities import TermSet, protected_values
from vault.redact.evaluate import Evaluation, evaluate
from vault.services.demo_data import demo_cases

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "redaction_corpus.jsonl"


def demo_known() -> TermSet:
    policy = parse_policy(default_policy_text())
    sources = policy.value_sources()
    known = TermSet()
    for case in demo_cases():
        consent = bool(case["consent"]["publish_name"])
        for value, info in protected_values(
            case, sources, policy.levels[0], name_is_public=consent
        ):
            known.add_value(value, info)
    return known


def run() -> Evaluation:
    rows = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line]
    return evaluate(rows, demo_known())


def main() -> None:
    ev = run()
    o = ev.overall
    print(f"corpus: {CORPUS.name}, {o.labelled} protected values, {o.redactions} redactions")
    print(f"overall   recall {o.recall:7.2%}   precision {o.precision:7.2%}")
    print("by layer (recall = share of protected values this layer alone catches):")
    for layer, t in sorted(ev.by_layer.items()):
        print(
            f"  {layer:13} recall {t.recall:7.2%}   precision {t.precision:7.2%}   "
            f"({t.redactions} redactions)"
        )
    print("by kind of value:")
    for kind, t in sorted(ev.by_kind.items()):
        print(f"  {kind:13} recall {t.recall:7.2%}   ({t.caught}/{t.labelled})")
    for row_id, trick, text in ev.missed:
        print(f"MISSED #{row_id} [{trick}]: {text!r}")
    for row_id, snippet in ev.false_positives:
        print(f"over-redacted #{row_id}: {snippet!r}")


if __name__ == "__main__":
    main()
