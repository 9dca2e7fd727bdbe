"""The HTTP protocols a query process runs on the one connection it holds.

Why two: uvicorn's protocol drives the Starlette application through ASGI,
an asyncio task and a request/response cycle per request, which costs about
0.06 ms of a request's 0.2 ms; on a distinct query, that alone kept the
endpoint under 0.8x ``oxigraph serve`` (docs/performance.md). So each
connection starts on :class:`HotPath`, which answers the ordinary
``GET /sparql?query=...`` by itself (the same checks, the same evaluation
and the same headers as the full stack: tests/test_server_fastpath.py
compares the bytes), and hands the connection over to uvicorn's protocol
(:class:`Fallback`) the first time a request is anything else, replaying
the bytes it has not answered. httptools (uvicorn's own parser) reads every
request head; a request is taken here only when that head is the whole
request (a ``GET`` without a body).

Both protocols tell the process (:class:`Owner`) when a request starts and
ends (for the shared slot table), when the connection has closed, and when
it has been idle long enough to be handed back to the supervisor.
"""

from __future__ import annotations

import asyncio
import logging
from email.utils import formatdate
from functools import lru_cache
from typing import Any, Protocol

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from gdegraph.server import querystring
from gdegraph.server.cache import KEY_HEADERS, request_key
from gdegraph.server.evaluate import Reply
from gdegraph.server.headers import GZIP_MINIMUM, add_vary, gzip_identity, security_headers
from gdegraph.server.policy import Refused
from gdegraph.server.rescue import DRAINING_MESSAGE
from gdegraph.server.sparql import browser, checked_query, endpoint_iri, query_job, reply_response, text

__all__ = ["MAX_HEAD", "TIMEOUT_408", "TOO_LARGE_431", "Fallback", "HotPath", "Owner"]

TIMEOUT_408 = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
               b"content-length: 45\r\nconnection: close\r\n\r\nthe request headers did not arrive in time\r\n\r\n")
_TOO_LARGE = b"the request headers are too large\n"
TOO_LARGE_431 = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
                 b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_TOO_LARGE), _TOO_LARGE))
#: Bytes a request head may take (a 20,000-character query, percent-encoded, is at most 60,000).
MAX_HEAD = 96 * 1024
_access = logging.getLogger("uvicorn.access")


class Owner(Protocol):
    """What the protocols need from their process (:class:`gdegraph.server.handler.QueryProcess`)."""

    state: Any
    header_timeout: float
    access_log: bool

    def request_started(self) -> None: ...
    def request_ended(self) -> None: ...
    def idle(self, transport: asyncio.Transport) -> None: ...
    def writes_paused(self, transport: asyncio.Transport) -> None: ...
    def closed(self) -> None: ...
    def date_header(self) -> bytes: ...
    def fallback(self) -> Fallback: ...


class _Head:
    """httptools callbacks for one request head: what the hot path needs to decide and answer."""

    __slots__ = ("url", "accept", "host", "other", "complete", "parser", "method", "version", "keep_alive", "keyed")

    def __init__(self) -> None:
        self.parser = httptools.HttpRequestParser(self)
        self.method, self.version, self.keep_alive = b"", "1.1", False
        self.url = b""
        self.keyed: list[tuple[bytes, bytes]] = []  #: the headers a replayed answer depends on
        self.accept: bytes | None = None
        self.host: bytes | None = None
        self.other = False  # a header that sends the request to the full stack
        self.complete = False

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name in KEY_HEADERS:
            self.keyed.append((name, value))
        if name == b"accept":
            self.accept = value if self.accept is None else self.accept
        elif name == b"host":
            self.host = value if self.host is None else self.host
        elif name in (b"origin", b"expect", b"upgrade", b"content-length", b"transfer-encoding") \
                or (name == b"accept-encoding" and b"gzip" in value):
            self.other = True  # CORS, gzip, a body or a protocol switch: the full stack's business

    def on_headers_complete(self) -> None:
        # read now: once the message is complete, the parser has already reset for the next one
        parser = self.parser
        self.method, self.version = parser.get_method(), parser.get_http_version()
        self.keep_alive = self.version != "1.0" and parser.should_keep_alive()
        self.other = self.other or parser.should_upgrade()

    def on_message_complete(self) -> None:
        self.complete = True


class HotPath(asyncio.Protocol):
    """Answers plain SPARQL ``GET`` requests itself; switches to :class:`Fallback` for anything else."""

    def __init__(self, owner: Owner) -> None:
        self.owner = owner
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.timer: asyncio.TimerHandle | None = None
        self.loop = asyncio.get_running_loop()
        self.handed_over = False
        self.paused = False  #: the client is not reading our answers fast enough
        self.scanned = 0  #: where to look for the end of the next head (what was searched is not again)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.owner.request_started()
        self.buffer += data
        self._answer_heads()

    def _answer_heads(self) -> None:
        """Answer every whole head in the buffer, in order, while the client reads what it is sent."""
        while not self.paused:
            end = self.buffer.find(b"\r\n\r\n", self.scanned)
            if end < 0:
                self.scanned = max(0, len(self.buffer) - 3)  # the next search starts where this one ended
                break
            self.scanned = 0
            self._cancel()  # the head that was arriving is whole
            size = end + 4
            head = _Head()
            try:
                head.parser.feed_data(bytes(self.buffer[:size]))
            except (httptools.HttpParserError, httptools.HttpParserUpgrade):  # the full stack answers these
                head.complete = False
            target = httptools.parse_url(head.url) if head.complete and not head.other else None
            if (target is None or head.method != b"GET" or target.path != b"/sparql" or not target.query
                    or browser(_latin(head.accept))):
                self._switch()
                return
            try:
                params: dict[str, list[str]] | ValueError = querystring.parse(target.query)
            except ValueError as exc:  # too many parameters: answered here, as the full stack would
                params = exc
            if isinstance(params, dict) and "query" not in params and "update" not in params:
                self._switch()  # the service description
                return
            del self.buffer[:size]
            if not self._answer(params, target.query, head, head.keep_alive, head.version):
                return
        if self.paused:  # the client is not reading: read no more until it has (resume_writing)
            assert self.transport is not None
            self.transport.pause_reading()
        elif len(self.buffer) > MAX_HEAD:
            self._refuse(TOO_LARGE_431)
        elif self.buffer:  # part of a request head (still a request in progress), timed from its first byte
            if self.timer is None:
                self.timer = self.loop.call_later(self.owner.header_timeout, self._refuse, TIMEOUT_408)
        else:
            self.owner.request_ended()
            assert self.transport is not None
            self.owner.idle(self.transport)

    def _answer(self, params: dict[str, list[str]] | ValueError, query_string: bytes, head: _Head,
                keep_alive: bool, version: str) -> bool:
        """Write the answer; False if the connection is closing after it."""
        state = self.owner.state
        if state.draining():
            response = text(503, DRAINING_MESSAGE, **{"Retry-After": "5"})
            keep_alive = False
        elif isinstance(params, ValueError):
            response = text(400, f"bad request: {params}")
        else:
            key = request_key(query_string, head.keyed)
            hit = state.replay.get(key)
            if hit is not None:
                self._write(hit[0], [_lines(hit[1])], hit[2], keep_alive, query_string, version)
                return keep_alive
            try:
                query = checked_query(params, state.limits)
                assert query is not None  # a query or an update parameter: refused or returned
                accept = _latin(head.accept)
                job = query_job(params, query, accept, endpoint_iri("http", _latin(head.host) or ""))
                reply = state.pool.run_now(job)
            except Refused as exc:
                response = text(exc.status, exc.message)
            else:  # the usual answer: its head from a template made once per kind of reply
                template = _template(reply.status, reply.media_type, tuple(reply.headers.items()),
                                     len(reply.body) >= GZIP_MINIMUM)
                self._write(reply.status, [template.before, str(len(reply.body)).encode(), template.after],
                            reply.body, keep_alive, query_string, version)
                state.replay.put(key, reply.status, template.headers(len(reply.body)), reply.body)
                return keep_alive
        headers = add_vary(security_headers(gzip_identity(response.raw_headers, len(response.body))), b"Origin")
        self._write(response.status_code, [_lines(headers)], response.body, keep_alive, query_string, version)
        return keep_alive

    def _write(self, status: int, head: list[bytes], body: bytes, keep_alive: bool, query_string: bytes,
               version: str) -> None:
        """The status line, ``date``, the other header lines, then the body (and close, if not kept)."""
        parts = [STATUS_LINE[status], self.owner.date_header(), *head]
        if not keep_alive:
            parts.append(b"connection: close\r\n")
        parts += [b"\r\n", body]
        assert self.transport is not None
        self.transport.write(b"".join(parts))
        if self.owner.access_log:
            peer = self.transport.get_extra_info("peername") or ("-", 0)
            _access.info('%s - "%s %s HTTP/%s" %d', f"{peer[0]}:{peer[1]}", "GET",
                         "/sparql?" + query_string.decode("latin-1"), version, status)
        if not keep_alive:
            self.owner.request_ended()
            self.transport.close()

    def _switch(self) -> None:
        """Hand the connection to uvicorn's protocol with every byte not yet answered."""
        assert self.transport is not None
        self._cancel()
        self.handed_over = True
        fallback = self.owner.fallback()
        self.transport.set_protocol(fallback)
        fallback.connection_made(self.transport)
        data, self.buffer = bytes(self.buffer), bytearray()
        if data:
            fallback.data_received(data)

    def _refuse(self, answer: bytes) -> None:
        """A head too slow (408) or too large (431): answer and close."""
        self._cancel()
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(answer)
            self.transport.close()

    def pause_writing(self) -> None:  # the transport's buffer is over its high-water mark
        self.paused = True
        if self.transport is not None:
            self.owner.writes_paused(self.transport)

    def resume_writing(self) -> None:
        self.paused = False
        if self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()
            self._answer_heads()

    def _cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        if not self.handed_over:
            self.owner.closed()


def _lines(headers: list[tuple[bytes, bytes]]) -> bytes:
    return b"".join(b"%s: %s\r\n" % pair for pair in headers)


class _Template:
    """The header lines of a reply of one kind, around its ``content-length`` value."""

    def __init__(self, headers: list[tuple[bytes, bytes]]) -> None:
        self.at = next(i for i, (name, _) in enumerate(headers) if name == b"content-length")
        self.list = headers
        self.before = _lines(headers[:self.at]) + b"content-length: "
        self.after = b"\r\n" + _lines(headers[self.at + 1:])

    def headers(self, length: int) -> list[tuple[bytes, bytes]]:
        """The headers themselves, for the replay store."""
        out = list(self.list)
        out[self.at] = (b"content-length", str(length).encode())
        return out


@lru_cache(maxsize=256)
def _template(status: int, media_type: str, extra: tuple[tuple[str, str], ...], large: bool) -> _Template:
    """Made by the very functions the full stack uses (Starlette's ``Response``, then the middlewares'
    headers) on a body of the same size class, so only the length differs (tests/test_server_fastpath.py)."""
    sample = reply_response(Reply(status, media_type, b"\0" * (GZIP_MINIMUM if large else 1), dict(extra)))
    return _Template(add_vary(security_headers(gzip_identity(sample.raw_headers, len(sample.body))), b"Origin"))


def _latin(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")


class Fallback(HttpToolsProtocol):
    """uvicorn's protocol with a header read timeout and the process's request and idle hooks."""

    owner: Owner

    def __init__(self, owner: Owner, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self._header_timer: asyncio.TimerHandle | None = None
        # requests begun, fully read and answered: one is in progress until all three agree (a response
        # sent before its request's body has arrived must not hand the connection back mid-body)
        self._begun = self._read = self._answered = 0

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.owner.header_timeout, self._expired)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _expired(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.write(TIMEOUT_408)
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._begun += 1
        self.owner.request_started()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def pause_writing(self) -> None:
        super().pause_writing()  # uvicorn's flow control: the response waits for the client
        self.owner.writes_paused(self.transport)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._read += 1
        self._settled()

    def on_response_complete(self) -> None:
        self._answered += 1
        super().on_response_complete()  # starts a pipelined request, if one is waiting
        self._settled()

    def _settled(self) -> None:
        """Every request begun has been read to its end and answered: the connection is idle."""
        if self._answered == self._read == self._begun:
            self.owner.request_ended()
            if not self.transport.is_closing():
                self.owner.idle(self.transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)
        self.owner.closed()


def date_header() -> bytes:
    """uvicorn's ``date`` header line, as its server loop refreshes it every second."""
    return b"date: " + formatdate(usegmt=True).encode() + b"\r\n"
