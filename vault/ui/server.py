"""Serving the web interface on 127.0.0.1: bind, unlock, print the launch link, run."""

from __future__ import annotations

import asyncio
import socket
import webbrowser
from collections.abc import Callable

from vault.errors import UsageError
from vault.models.secret import Passphrase
from vault.ui import guard
from vault.ui.worker import Opening, VaultWorker

LOOPBACK = "127.0.0.1"


def bind(port: int) -> socket.socket:
    """A listening socket on the loopback address only (port 0: any free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, port))
    sock.listen(16)
    return sock


def serve(
    opening: Opening,
    passphrase: Passphrase,
    *,
    port: int,
    lock_after: float,
    open_browser: bool,
    announce: Callable[[str, str, str], None],
) -> None:
    """Unlock the vault, then serve until interrupted; the vault is closed on the way out.
    ``announce(user, role, launch_url)`` is called once, when the server is ready to answer."""
    import uvicorn

    from vault.ui.app import create_app
    from vault.ui.web import Ui

    try:
        sock = bind(port)  # before unlocking: a busy port needs no passphrase to say so
    except OSError:
        raise UsageError(
            f"cannot listen on 127.0.0.1 port {port}: it is in use or not allowed "
            "(choose another with --port, or 0 for any free port)"
        ) from None
    worker = VaultWorker(opening, lock_after)
    try:
        asyncio.run(worker.unlock(passphrase))
        del passphrase
        role = asyncio.run(worker.call(lambda v: v.role))
        host = f"{LOOPBACK}:{sock.getsockname()[1]}"
        ui = Ui(host=host, worker=worker, sessions=guard.Sessions(), role=role)
        url = f"http://{host}/launch?token={ui.sessions.launch_token}"
        announce(opening.user, role, url)
        if open_browser:
            webbrowser.open(url)
        config = uvicorn.Config(
            create_app(ui),
            log_level="warning",
            access_log=False,
            lifespan="on",
            server_header=False,
            date_header=False,
        )
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        worker.shutdown()
        sock.close()
