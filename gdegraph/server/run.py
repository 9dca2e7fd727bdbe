"""Running the application under uvicorn, with two things uvicorn does not do by itself.

* **A header read timeout.** uvicorn times out idle keep-alive connections
  but not a client that connects and then sends its request line and
  headers slowly, or never (a half-open or "slowloris" client holds a
  connection for ever). :func:`protocol_with_header_timeout` subclasses
  uvicorn's httptools protocol: from the moment a connection opens (or a
  new request on it begins) the client has ``seconds`` to finish its
  headers, or it gets ``408 Request Timeout`` and the connection is closed.
  Each connection has its own timer on the event loop, so a slow client
  delays nobody else.
* **Draining on SIGTERM (and the first Ctrl-C).** :class:`DrainingServer`
  keeps listening after the signal; requests already running finish, new
  ones are answered ``503`` with ``Connection: close``
  (:class:`gdegraph.server.app.Drain` does that), and once nothing is in
  flight (or after the query time limit and a little more) uvicorn's own
  shutdown runs. A second signal stops at once.
"""

from __future__ import annotations

import asyncio
import signal
import time
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["DrainingServer", "protocol_with_header_timeout"]

_TIMEOUT_408 = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                b"content-length: 45\r\nconnection: close\r\n\r\nthe request headers did not arrive in time\r\n\r\n")


def protocol_with_header_timeout(seconds: float) -> type[asyncio.Protocol]:
    """uvicorn's httptools protocol, closing connections whose request headers take over ``seconds``."""

    class HeaderTimeoutProtocol(HttpToolsProtocol):
        _header_timer: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(seconds, self._expired)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _expired(self) -> None:
            self._header_timer = None
            if not self.transport.is_closing():
                self.transport.write(_TIMEOUT_408)
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return HeaderTimeoutProtocol


class DrainingServer(uvicorn.Server):
    """uvicorn's server, answering 503 while in-flight requests finish after the first stop signal."""

    def __init__(self, config: uvicorn.Config, state: Any, grace: float) -> None:
        super().__init__(config)
        self.state, self.grace = state, grace
        self._drain_signal: int | None = None
        self._drain_deadline = 0.0

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._drain_signal is None and sig in (signal.SIGTERM, signal.SIGINT) and not self.should_exit:
            self._drain_signal, self._drain_deadline = sig, time.monotonic() + self.grace
            self.state.draining = True
            return
        super().handle_exit(sig, frame)  # a second signal: stop now
        self.force_exit = self.force_exit or self._drain_signal is not None

    async def on_tick(self, counter: int) -> bool:
        if self._drain_signal is not None and not self.should_exit and (
                self.state.in_flight == 0 or time.monotonic() > self._drain_deadline):
            super().handle_exit(self._drain_signal, None)
        return await super().on_tick(counter)
