"""Answers to repeated SPARQL GET requests, replayed: the dataset never changes while the server runs.

The graph a server holds is fixed from start to stop, so the same request
gets the same answer; public endpoints cache results for the same reason
(the Wikidata Query Service for five minutes). :class:`ReplayCache` is a
pure ASGI middleware in front of the application: it records the response
the whole stack gave to ``GET /sparql`` (status, every header, the bytes),
keyed by everything the answer depends on (the query string, ``Accept``,
``Accept-Encoding``, ``Origin`` and ``Host``, every value of a repeated
one), and replays it, so a hit costs no routing, no worker round trip and
no engine: most of a request's cost. Only complete 200 answers are kept, each at most ``max_entry``
bytes, ``max_total`` bytes in all (least recently used first out), and
never for a query whose text could call a function that answers
differently each time (``NOW``, ``RAND``, ``UUID``, ``STRUUID``,
``BNODE``: a case-insensitive substring test, so a word like "known"
merely skips the cache).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gdegraph.server import querystring

__all__ = ["ReplayCache", "volatile"]

_VOLATILE = ("now", "rand", "uuid", "bnode")
_KEY_HEADERS = (b"accept", b"accept-encoding", b"origin", b"host")


def volatile(query_string: bytes) -> bool:
    """True if the query could answer differently when run again (or cannot be read)."""
    try:
        text = " ".join(querystring.parse(query_string).get("query", [])).lower()
    except ValueError:
        return True
    return not text or any(word in text for word in _VOLATILE)


def _key_values(headers: list[tuple[bytes, bytes]]) -> tuple[tuple[bytes, ...], ...]:
    """Every value of each header in :data:`_KEY_HEADERS`, in order: a repeated header is part of the key.

    Why all of them: the answer follows the first value (Starlette's ``Headers.get``), so a key
    from any one value (``dict(headers)`` keeps the last) would let ``Accept: text/csv`` sent
    before ``Accept: application/json`` file a CSV answer under the JSON key for everyone."""
    found: dict[bytes, tuple[bytes, ...]] = {}
    for name, value in headers:
        if name in _KEY_HEADERS:
            found[name] = (*found.get(name, ()), value)
    return tuple(found.get(name, ()) for name in _KEY_HEADERS)


class ReplayCache:
    """A byte-bounded LRU of whole ``GET /sparql`` responses (pure ASGI)."""

    def __init__(self, app: ASGIApp, max_total: int = 64 * 2**20, max_entry: int = 2**20) -> None:
        self.app, self.max_total, self.max_entry = app, max_total, max_entry
        self._entries: OrderedDict[tuple[Any, ...], tuple[Message, Message]] = OrderedDict()
        self._size = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != "/sparql" \
                or not scope["query_string"]:
            await self.app(scope, receive, send)
            return
        key = (scope["query_string"], *_key_values(scope["headers"]))
        hit = self._entries.get(key)
        if hit is not None:
            self._entries.move_to_end(key)
            await send(hit[0])
            await send(hit[1])
            return
        sent: list[Message] = []

        async def record(message: Message) -> None:
            if len(sent) < 3:
                sent.append(message)
            await send(message)

        await self.app(scope, receive, record)
        if len(sent) == 2 and sent[0].get("status") == 200 and not sent[1].get("more_body", False):
            self._keep(key, sent[0], sent[1])

    def _keep(self, key: tuple[Any, ...], start: Message, body: Message) -> None:
        size = len(body.get("body", b""))
        if size > self.max_entry or key in self._entries or volatile(key[0]):
            return
        self._entries[key] = (start, body)
        self._size += size
        while self._size > self.max_total:
            _, (_, old) = self._entries.popitem(last=False)
            self._size -= len(old.get("body", b""))
