"""What a benchmark process has used so far: CPU seconds and peak resident memory (stdlib only, so
that a child measuring plain SQLCipher imports nothing of the vault)."""

from __future__ import annotations

import resource


def usage() -> dict[str, float]:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mb": ru.ru_maxrss / 1024}
