"""`casevault keys tune`: measure Argon2id on this machine and remember the choice for it.

The strategy is pure and lives in :mod:`vault.crypto.kdf_tuning`; this module supplies what it
needs from the machine: a clock (:func:`measure`), the memory and cores it may use
(:func:`default_max_memory_kib`, :func:`default_parallelism`), and a small file in this machine's
state folder (``STATE/kdf.json``, see :func:`vault.audit.witness.state_dir`) for the choice.

The saved choice is advice for this machine, not a rule: a malformed file, or one below the
floor or above the ceiling, is ignored (:func:`saved` returns None), and the floor in
:class:`vault.crypto.identity.KdfParams` is enforced again whenever an identity is unsealed.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from vault.audit.witness import state_dir
from vault.crypto.identity import KdfParams
from vault.crypto.kdf_tuning import MAX_MEMORY_KIB, Proposal, derive_once, propose
from vault.errors import IntegrityError, UsageError, VaultError
from vault.services import layout

KDF_FILE = "kdf.json"
KDF_FORMAT = "casevault-kdf-v1"
#: The default memory cap: 1 GiB, or a quarter of physical memory when that is less.
DEFAULT_MAX_MEMORY_KIB = 1024 * 1024
MAX_TARGET_SECONDS = 60.0
RUNS_PER_POINT = 2


def measure(params: KdfParams) -> float:
    """Seconds one Argon2id derivation with ``params`` takes here: the best of two runs (the
    first may pay for page faults and a cold cache)."""
    best = float("inf")
    for _ in range(RUNS_PER_POINT):
        start = time.perf_counter()
        derive_once(params)
        best = min(best, time.perf_counter() - start)
    return best


def physical_memory_kib() -> int | None:
    """This machine's physical memory in KiB, or None where the system does not say."""
    try:
        page = os.sysconf("SC_PAGE_SIZE")
        pages = os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
    if page <= 0 or pages <= 0:
        return None
    return page * pages // 1024


def default_max_memory_kib() -> int:
    """1 GiB, or a quarter of physical memory when that is less, in whole MiB; never below the
    floor (64 MiB). Where physical memory is unknown, the floor: nothing is assumed."""
    phys = physical_memory_kib()
    if phys is None:
        return KdfParams.MIN_MEMORY_KIB
    quarter = phys // 4 // 1024 * 1024
    return max(KdfParams.MIN_MEMORY_KIB, min(DEFAULT_MAX_MEMORY_KIB, quarter))


def default_parallelism() -> int:
    """Lanes: as many as cores up to RFC 9106's 4, never below the floor's minimum."""
    return max(KdfParams.MIN_PARALLELISM, min(4, os.cpu_count() or 1))


def tune(target_seconds: float = 1.0, max_memory_mib: int | None = None) -> Proposal:
    """Measure this machine and propose Argon2id parameters for ``target_seconds`` per unlock.

    Raises UsageError (before measuring anything) when the target is not in (0, 60] seconds or
    ``max_memory_mib`` is outside [64, 8192] MiB."""
    if not (0 < target_seconds <= MAX_TARGET_SECONDS):  # also refuses NaN
        raise UsageError(f"--target must be more than 0 and at most {MAX_TARGET_SECONDS:g} seconds")
    if max_memory_mib is None:
        max_memory_kib = default_max_memory_kib()
    else:
        low, high = KdfParams.MIN_MEMORY_KIB // 1024, MAX_MEMORY_KIB // 1024
        if not (low <= max_memory_mib <= high):
            raise UsageError(f"--max-memory must be between {low} MiB (the floor) and {high} MiB")
        max_memory_kib = max_memory_mib * 1024
    return propose(
        target_seconds,
        measure,
        max_memory_kib=max_memory_kib,
        parallelism=default_parallelism(),
    )


def to_json(proposal: Proposal, saved_to: Path | None = None) -> dict[str, Any]:
    """The proposal as a JSON-able dict (what `casevault keys tune --json` prints)."""
    return {
        "target_seconds": proposal.target_seconds,
        "max_memory_kib": proposal.max_memory_kib,
        "floor": _params_json(proposal.floor),
        "proposal": {**_params_json(proposal.params), "seconds": round(proposal.seconds, 4)},
        "floor_too_slow": proposal.floor_too_slow,
        "measured": [{**_params_json(p), "seconds": round(s, 4)} for p, s in proposal.measured],
        "saved_to": str(saved_to) if saved_to is not None else None,
    }


def _params_json(p: KdfParams) -> dict[str, int]:
    return {"time_cost": p.time_cost, "memory_kib": p.memory_kib, "parallelism": p.parallelism}


def kdf_path() -> Path:
    """Where this machine's chosen parameters are kept: ``STATE/kdf.json``."""
    return state_dir() / KDF_FILE


def save(params: KdfParams) -> Path:
    """Remember ``params`` as this machine's choice (atomically, mode 0600); returns the file.

    Raises IntegrityError when ``params`` is outside the allowed range (nothing is written), and
    VaultError when the file cannot be written."""
    params.check_floor()
    path = kdf_path()
    data = {
        "format": KDF_FORMAT,
        "alg": "argon2id",
        "time_cost": params.time_cost,
        "memory_kib": params.memory_kib,
        "parallelism": params.parallelism,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        layout.write_json_atomic(path, data)
    except OSError as e:
        raise VaultError(f"could not write {path}: {e.strerror or type(e).__name__}") from e
    return path


def saved() -> KdfParams | None:
    """This machine's saved choice, or None when there is none, it cannot be read, it is
    malformed, or it is below the floor or above the ceiling (the floor rules then)."""
    try:
        data = json.loads(kdf_path().read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != KDF_FORMAT:
        return None
    if data.get("alg") != "argon2id":
        return None
    t, m, p = (data.get(k) for k in ("time_cost", "memory_kib", "parallelism"))
    # type() rather than isinstance(): a bool is an int, not a parameter.
    if type(t) is not int or type(m) is not int or type(p) is not int:
        return None
    params = KdfParams(t, m, p)
    try:
        params.check_floor()
    except IntegrityError:
        return None
    return params
