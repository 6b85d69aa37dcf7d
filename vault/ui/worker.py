"""The one thread that holds the unlocked vault for the web interface.

SQLCipher connections belong to the thread that opened them, and the services are written for
one caller at a time, as in the command line: every request's work is queued on a single worker
thread, so two browser tabs never interleave two writes. Locking closes the vault and drops
every reference the interface held to its keys and its store.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from vault.models.secret import Passphrase
    from vault.services.session import Vault

T = TypeVar("T")


class Locked(Exception):
    """The vault is locked: the request is answered with the lock page."""


@dataclass(frozen=True)
class Opening:
    """Where the vault is and who may unlock it in this interface."""

    root: Path
    user: str
    identity_file: Path | None = None


class VaultWorker:
    """Runs service calls against the unlocked vault on one thread, and locks it when asked or
    after ``lock_after`` seconds without a request."""

    def __init__(
        self, opening: Opening, lock_after: float, clock: Callable[[], float] = time.monotonic
    ):
        self.opening = opening
        self.lock_after = lock_after
        self._clock = clock
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casevault-vault")
        self._vault: Vault | None = None
        self._last_used = clock()
        #: Called on the event loop after every lock, whatever caused it (Lock now, idle).
        self.on_lock: list[Callable[[], None]] = []

    # --- state ------------------------------------------------------------------------------

    @property
    def unlocked(self) -> bool:
        return self._vault is not None

    @property
    def user(self) -> str:
        return self.opening.user

    def idle_for(self) -> float:
        return self._clock() - self._last_used

    # --- running ------------------------------------------------------------------------------

    async def _run(self, fn: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, fn)

    async def call(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        """``fn(vault, *args, **kwargs)`` on the worker thread; :class:`Locked` if locked."""
        if self._vault is None:
            raise Locked()  # already locked: nothing to close, no form to forget again
        if self.idle_for() > self.lock_after:
            await self.lock()
            raise Locked()
        self._last_used = self._clock()

        def work() -> T:
            vault = self._vault
            if vault is None:  # locked while this call waited its turn
                raise Locked()
            return fn(vault, *args, **kwargs)

        return await self._run(work)

    async def unlock(self, passphrase: Passphrase) -> None:
        """Open the vault as the interface's person; wrong passphrases raise as in the CLI."""
        from vault.services.session import Vault

        opening = self.opening

        def work() -> None:
            if self._vault is not None:
                return
            self._vault = Vault.open(
                opening.root,
                opening.user,
                lambda _name: passphrase,
                identity_file=opening.identity_file,
            )

        await self._run(work)
        self._last_used = self._clock()

    async def lock(self) -> None:
        """Close the vault: its store, its keys and every object that referred to them."""

        def work() -> None:
            vault, self._vault = self._vault, None
            if vault is not None:
                try:
                    vault.close()
                finally:
                    del vault
                    gc.collect()

        await self._run(work)
        for hook in self.on_lock:
            hook()

    async def lock_when_idle(self, every: float) -> None:
        """Runs for the server's lifetime: locks after ``lock_after`` seconds without use."""
        while True:
            await asyncio.sleep(every)
            if self._vault is not None and self.idle_for() > self.lock_after:
                try:
                    await self.lock()
                except Exception:  # noqa: S112 - never shown (it may hold data); the next request locks
                    continue  # nosec B112

    def shutdown(self) -> None:
        vault, self._vault = self._vault, None
        if vault is not None:
            self._executor.submit(vault.close).result()
        self._executor.shutdown(wait=True)
