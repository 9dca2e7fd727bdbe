"""The answers the supervisor writes itself, on its own copy of a client's connection.

Why the supervisor answers at all: when it has killed a query process (time
or memory limit), or the kernel has (the sandbox, the address-space cap),
the process cannot say why; the supervisor, which kept a copy of every
connection's descriptor, can. It also answers while draining, and a
connection that found no free process in time. Each answer is a complete
plain-text response with ``Connection: close`` and the headers every
response carries (``nosniff``, open CORS).
"""

from __future__ import annotations

import contextlib
import signal
import socket
from email.utils import formatdate
from http import HTTPStatus

from gdegraph.server.evaluate import MEMORY_MESSAGE
from gdegraph.server.policy import SERVICE_REFUSED
from gdegraph.server.sandbox import NETWORK_SIGNAL

__all__ = ["BUSY", "DRAINING_MESSAGE", "SHUTTING_DOWN", "TOO_MANY", "finish", "for_the_dead", "response"]


def response(status: int, message: str, **headers: str) -> bytes:
    """A complete plain-text HTTP response that closes the connection."""
    body = (message + "\n").encode("utf-8")
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", f"date: {formatdate(usegmt=True)}",
             "content-type: text/plain; charset=utf-8", f"content-length: {len(body)}",
             "x-content-type-options: nosniff", "access-control-allow-origin: *",
             *(f"{k.lower()}: {v}" for k, v in headers.items()), "connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1") + body


#: The answer to any request after the first stop signal (the supervisor, the hot path and the Drain
#: middleware all say it).
DRAINING_MESSAGE = "the server is shutting down; retry shortly"
SHUTTING_DOWN = response(503, DRAINING_MESSAGE, **{"Retry-After": "5"})
BUSY = response(503, "every query worker is busy; retry shortly", **{"Retry-After": "2"})
TOO_MANY = response(503, "too many connections; retry shortly", **{"Retry-After": "2"})


def for_the_dead(cause: str | None, killed_by: int | None, evaluating: bool, in_request: bool,
                 timeout: float) -> bytes:
    """The answer owed to the client of a query process that has died, or b"" if it was owed none
    (the connection was idle between requests: it is simply served by another process)."""
    if cause == "timeout":
        return response(503, f"query stopped: it ran past the {timeout:g} s time limit")
    if cause == "memory" or (evaluating and killed_by == signal.SIGABRT):  # Rust aborts on a failed allocation
        return response(503, MEMORY_MESSAGE)
    if killed_by == NETWORK_SIGNAL:  # the sandbox stopped a connection the policy let through
        return response(403, SERVICE_REFUSED)
    if evaluating or in_request:
        return response(500, "the query process stopped unexpectedly; please retry")
    return b""


def finish(sock: socket.socket, answer: bytes) -> None:
    """Write ``answer`` and end the connection. What has arrived is read first, so that closing
    does not reset the connection before the client has read the answer."""
    with contextlib.suppress(OSError):
        for _ in range(16):
            if not sock.recv(65536):
                break
    with contextlib.suppress(OSError):
        sock.send(answer)
        sock.shutdown(socket.SHUT_WR)
