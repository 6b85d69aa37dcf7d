"""What a benchmark process has used so far: CPU seconds and peak resident memory (stdlib only, so
that a child measuring plain SQLCipher imports nothing of the vault)."""

from __future__ import annotations

import resource
import sys


def usage() -> dict[str, float]:
    """CPU seconds (user + system) and peak resident set in MiB (Linux gives ``ru_maxrss`` in
    KiB; macOS in bytes)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    kib = ru.ru_maxrss / 1024 if sys.platform == "darwin" else ru.ru_maxrss
    return {"cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mb": kib / 1024}
