"""Answers to repeated SPARQL requests, kept by the server: the dataset never changes while it runs.

The graph a server holds is fixed from start to stop, so the same request
(query text, ``Accept``, protocol graphs, base IRI) gets the same answer;
public endpoints cache results for the same reason (the Wikidata Query
Service for five minutes). A hit skips the worker round trip and the
engine, which is most of a request's cost. Only successful answers are
kept, each at most ``max_entry`` bytes, ``max_total`` bytes in all (least
recently used first out), and never for a query whose text could call a
function that answers differently each time (``NOW``, ``RAND``, ``UUID``,
``STRUUID``, ``BNODE``: found by a case-insensitive substring test, so a
word like "known" merely skips the cache).
"""

from __future__ import annotations

from collections import OrderedDict

from gdegraph.server.evaluate import Job, Reply

__all__ = ["ReplyCache"]

_VOLATILE = ("now", "rand", "uuid", "bnode")


class ReplyCache:
    """A byte-bounded LRU of successful replies, keyed by the whole :class:`Job`."""

    def __init__(self, max_total: int = 64 * 2**20, max_entry: int = 2**20) -> None:
        self.max_total, self.max_entry = max_total, max_entry
        self._entries: OrderedDict[Job, Reply] = OrderedDict()
        self._size = 0

    def get(self, job: Job) -> Reply | None:
        reply = self._entries.get(job)
        if reply is not None:
            self._entries.move_to_end(job)
        return reply

    def put(self, job: Job, reply: Reply) -> None:
        if reply.status != 200 or len(reply.body) > self.max_entry or job in self._entries:
            return
        lowered = job.query.lower()
        if any(word in lowered for word in _VOLATILE):
            return
        self._entries[job] = reply
        self._size += len(reply.body)
        while self._size > self.max_total:
            _, old = self._entries.popitem(last=False)
            self._size -= len(old.body)
