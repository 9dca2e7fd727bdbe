"""``gdegraph serve``: the graph as linked data and a read-only SPARQL endpoint over HTTP.

The application (:func:`create_app`) is plain ASGI on Starlette, run by
uvicorn; see docs/serving.md for the URL space, the limits and the design.
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
          limits: Limits | None = None, access_log: bool = True, datasette_port: int | None = None) -> None:
    """Run the server until interrupted: one uvicorn process, queries in worker processes.

    With ``datasette_port``, Datasette serves the published tables beside it
    (:mod:`gdegraph.server.datasette`) and is stopped with it.
    """
    import uvicorn

    sockets = [bind(host, port)]
    if datasette_port is not None:
        bind(host, datasette_port).close()  # a taken port is reported before anything starts
    app = create_app(data, dist, limits)
    companion = None
    if datasette_port is not None:
        from gdegraph.server.datasette import start_datasette

        companion = start_datasette(dist if dist is not None else Path("dist"), host, datasette_port, quiet=not access_log)
    config = uvicorn.Config(app, host=host, port=port, access_log=access_log, log_level="info",
                            proxy_headers=False, server_header=False, timeout_graceful_shutdown=5)
    if access_log:
        import sys

        extra = f"; Datasette tables on http://{host}:{datasette_port}/" if datasette_port is not None else ""
        print(f"gdegraph serve: http://{host}:{port}/ (SPARQL at /sparql){extra}; Ctrl-C stops", file=sys.stderr)
    try:
        uvicorn.Server(config).run(sockets=sockets)
    finally:
        if companion is not None:
            companion.terminate()
            try:
                companion.wait(10)
            except Exception:
                companion.kill()
