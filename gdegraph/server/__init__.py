"""``gdegraph serve``: the graph as linked data and a read-only SPARQL endpoint over HTTP.

The application (:func:`create_app`) is plain ASGI on Starlette, built once
and run in forked query processes by uvicorn's protocol (the plain SPARQL GET
by :mod:`gdegraph.server.hotpath`), under :mod:`gdegraph.server.supervisor`;
see docs/serving.md for the URL space, the limits and the design.
"""

from __future__ import annotations

import socket
from pathlib import Path

from gdegraph.server.limits import Limits

__all__ = ["Limits", "bind", "create_app", "serve"]


def create_app(data: Path | None = None, dist: Path | None = None, limits: Limits | None = None):  # type: ignore[no-untyped-def]
    """The ASGI application (imported lazily: Starlette is only needed when serving)."""
    from gdegraph.server.app import create_app as make

    return make(data, dist, limits)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or an :class:`InputError` (exit 2) saying the port is taken.

    The server binds the socket itself and hands it to uvicorn, so "address
    in use" is a usage error with a clear message, not an internal error, and
    there is no window between the check and the use.
    """
    import errno

    from gdegraph.core.errors import InputError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InputError(f"cannot listen on {host!r}: {exc.strerror}", hint="check --host") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(f"port {port} on {host} is already in use",
                             hint="stop the program using it, or choose another port with --port") from None
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}", hint="check --host and --port") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve(host: str = "127.0.0.1", port: int = 8080, data: Path | None = None, dist: Path | None = None,
          limits: Limits | None = None, access_log: bool = True,
          datasette: tuple[Path, Path, int] | None = None) -> None:
    """Run the server until stopped: a supervisor and ``limits.workers`` query processes.

    The first SIGTERM or Ctrl-C drains (running requests finish, new ones get 503), a second stops.
    With ``datasette`` (database, its metadata, port), Datasette serves the published tables
    beside it (:mod:`gdegraph.server.datasette`) and is stopped with it.
    """
    import logging
    import subprocess
    import sys

    from gdegraph.server.datasette import datasette_command, start_datasette
    from gdegraph.server.supervisor import Supervisor

    limits = limits or Limits()
    listener = bind(host, port)
    if datasette is not None:  # a taken port or missing tables are reported before anything starts
        bind(host, datasette[2]).close()
        datasette_command(datasette[0], datasette[1], host, datasette[2])
    app = create_app(data, dist, limits)
    logging.basicConfig(level=logging.INFO if access_log else logging.WARNING, format="%(levelname)s: %(message)s")
    companion = None
    if datasette is not None:
        companion = start_datasette(datasette[0], datasette[1], host, datasette[2], quiet=not access_log)
    if access_log:
        extra = f"; Datasette tables on http://{host}:{datasette[2]}/" if datasette is not None else ""
        print(f"gdegraph serve: http://{host}:{port}/ (SPARQL at /sparql){extra}; Ctrl-C stops", file=sys.stderr)
    try:
        Supervisor(app, listener, limits, access_log).run()
    finally:
        listener.close()
        if companion is not None:
            companion.terminate()
            try:
                companion.wait(10)
            except subprocess.TimeoutExpired:
                companion.kill()
