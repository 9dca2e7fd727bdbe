"""Answers to repeated SPARQL GET requests, replayed: the dataset never changes while the server runs.

The graph a server holds is fixed from start to stop, so the same request
gets the same answer; public endpoints cache results for the same reason
(the Wikidata Query Service for five minutes). :class:`ReplayStore` keeps
the answers a query process gave to ``GET /sparql`` (status, every header,
the bytes), keyed by everything the answer depends on (the query string,
``Accept``, ``Accept-Encoding``, ``Origin`` and ``Host``, every value of a
repeated one: :func:`request_key`), and both ways of answering replay from
it: the hot path (gdegraph/server/hotpath.py) and, in front of the Starlette
stack, the :class:`ReplayCache` middleware. A hit costs no routing and no
engine: most of a request's cost. Only complete 200 answers are kept, each at most ``max_entry``
bytes, ``max_total`` bytes in all (least recently used first out), and
never for a query whose text could call a function that answers
differently each time (``NOW``, ``RAND``, ``UUID``, ``STRUUID``,
``BNODE``: a case-insensitive substring test, so a word like "known"
merely skips the cache).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gdegraph.server import querystring

__all__ = ["KEY_HEADERS", "ReplayCache", "ReplayStore", "request_key", "volatile"]

_VOLATILE = ("now", "rand", "uuid", "bnode")
KEY_HEADERS = (b"accept", b"accept-encoding", b"origin", b"host")


def volatile(query_string: bytes) -> bool:
    """True if the query could answer differently when run again (or cannot be read)."""
    try:
        text = " ".join(querystring.parse(query_string).get("query", [])).lower()
    except ValueError:
        return True
    return not text or any(word in text for word in _VOLATILE)


def request_key(query_string: bytes, headers: Iterable[tuple[bytes, bytes]]) -> tuple[Any, ...]:
    """What an answer depends on: the query string and every value of each header in
    :data:`KEY_HEADERS`, in order (the hot path and the middleware make the same key).

    Why all the values: the answer follows the first value (Starlette's ``Headers.get``), so a key
    from any one value (``dict(headers)`` keeps the last) would let ``Accept: text/csv`` sent
    before ``Accept: application/json`` file a CSV answer under the JSON key for everyone."""
    found: dict[bytes, tuple[bytes, ...]] = {}
    for name, value in headers:
        if name in KEY_HEADERS:
            found[name] = (*found.get(name, ()), value)
    return (query_string, *(found.get(name, ()) for name in KEY_HEADERS))


class ReplayStore:
    """A byte-bounded LRU of whole answers (status, headers, body), one per query process, shared by
    its two ways of answering (gdegraph/server/hotpath.py and :class:`ReplayCache`)."""

    def __init__(self, max_total: int = 64 * 2**20, max_entry: int = 2**20) -> None:
        self.max_total, self.max_entry = max_total, max_entry
        self._entries: OrderedDict[tuple[Any, ...], tuple[int, list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self._size = 0

    def get(self, key: tuple[Any, ...]) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        hit = self._entries.get(key)
        if hit is not None:
            self._entries.move_to_end(key)
        return hit

    def put(self, key: tuple[Any, ...], status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """Keep a complete 200 answer, unless it is too big or its query could answer differently."""
        if status != 200 or len(body) > self.max_entry or key in self._entries or volatile(key[0]):
            return
        self._entries[key] = (status, headers, body)
        self._size += len(body)
        while self._size > self.max_total:
            _, (_, _, old) = self._entries.popitem(last=False)
            self._size -= len(old)


class ReplayCache:
    """The store in front of the Starlette stack, for ``GET /sparql`` (pure ASGI)."""

    def __init__(self, app: ASGIApp, store: ReplayStore) -> None:
        self.app, self.store = app, store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != "/sparql" \
                or not scope["query_string"]:
            await self.app(scope, receive, send)
            return
        key = request_key(scope["query_string"], scope["headers"])
        hit = self.store.get(key)
        if hit is not None:
            await send({"type": "http.response.start", "status": hit[0], "headers": hit[1]})
            await send({"type": "http.response.body", "body": hit[2]})
            return
        sent: list[Message] = []

        async def record(message: Message) -> None:
            if len(sent) < 3:
                sent.append(message)
            await send(message)

        await self.app(scope, receive, record)
        if len(sent) == 2 and not sent[1].get("more_body", False):
            self.store.put(key, sent[0].get("status", 0), list(sent[0].get("headers", [])),
                           bytes(sent[1].get("body", b"")))
