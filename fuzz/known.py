"""The one input function both harnesses give atheris: a finding is any exception ``check`` lets
out, except, with ``FUZZ_ALLOW_KNOWN=1``, those already listed in the harness's known findings
(each has a regression test in tests/test_fuzz_regressions.py), reported once each."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

Known = tuple[tuple[type[BaseException], str], ...]

ALLOW_KNOWN = os.environ.get("FUZZ_ALLOW_KNOWN") == "1"


def one_input(check: Callable[[bytes], None], known: Known) -> Callable[[bytes], None]:
    seen: set[int] = set()

    def test_one_input(data: bytes) -> None:
        try:
            check(data)
        except Exception as e:
            hits = [i for i, (t, m) in enumerate(known) if isinstance(e, t) and m in str(e)]
            if not (ALLOW_KNOWN and hits):
                raise
            if hits[0] not in seen:  # say once which known finding the run reached, and how
                seen.add(hits[0])
                sys.stderr.write(f"KNOWN finding {known[hits[0]][1]!r} reached by {data[:120]!r}\n")

    return test_one_input
