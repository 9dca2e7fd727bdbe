"""``gdegraph serve``: the graph as linked data and a read-only SPARQL endpoint over HTTP.

The application (:func:`create_app`) is plain ASGI on Starlette, run by
uvicorn; see docs/serving.md for the URL space, the limits and the design.
"""

from __future__ import annotations

from pathlib import Path

from gdegraph.server.limits import Limits

__all__ = ["Limits", "create_app", "serve"]


def create_app(data: Path | None = None, dist: Path | None = None, limits: Limits | None = None):  # type: ignore[no-untyped-def]
    """The ASGI application (imported lazily: Starlette is only needed when serving)."""
    from gdegraph.server.app import create_app as make

    return make(data, dist, limits)


def serve(host: str = "127.0.0.1", port: int = 8080, data: Path | None = None, dist: Path | None = None,
          limits: Limits | None = None, access_log: bool = True) -> None:
    """Run the server until stopped: one uvicorn process, queries in worker processes.

    The first SIGTERM or Ctrl-C drains (running requests finish, new ones get 503), a second stops."""
    import uvicorn

    from gdegraph.server.run import DrainingServer, protocol_with_header_timeout

    limits = limits or Limits()
    app = create_app(data, dist, limits)
    config = uvicorn.Config(app, host=host, port=port, access_log=access_log, log_level="info",
                            http=protocol_with_header_timeout(limits.header_timeout), proxy_headers=False,
                            server_header=False, timeout_graceful_shutdown=5, limit_concurrency=1024)
    DrainingServer(config, app.state.gde, grace=limits.timeout + 2).run()
