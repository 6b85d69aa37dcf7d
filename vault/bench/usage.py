"""What a benchmark process has used so far: CPU seconds and peak resident memory (stdlib only, so
that a child measuring plain SQLCipher imports nothing of the vault)."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

_STATUS = Path("/proc/self/status")


def _peak_rss_kib() -> float:
    """This process's own peak resident set, in KiB. Linux's ``VmHWM`` belongs to the process's
    memory map, made new at exec; ``ru_maxrss`` is kept across exec, so a child started by
    fork and exec would report its parent's size (the benchmark's children are started so)."""
    if _STATUS.is_file():
        for line in _STATUS.read_text("ascii", "replace").splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / 1024 if sys.platform == "darwin" else float(maxrss)  # bytes on macOS


def usage() -> dict[str, float]:
    """CPU seconds (user + system) of this process and of its children that have ended (an
    import's workers), this process's peak resident set in MiB, and the largest of its ended
    children's (a forked worker's counts the pages it shares with this process too)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS
    return {
        "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "peak_rss_mb": _peak_rss_kib() / 1024,
        "worker_peak_rss_mb": kids.ru_maxrss / scale,
    }
