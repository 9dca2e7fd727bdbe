"""The replay cache (gdegraph/server/cache.py): only repeatable, whole successes, within its bytes."""

from __future__ import annotations

import asyncio
from typing import Any


def test_the_replay_cache_keeps_only_repeatable_whole_successes_within_its_bytes() -> None:
    from gdegraph.server.cache import ReplayCache, ReplayStore

    calls: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:  # the answer: the query string, N times
        calls.append(scope["query_string"])
        status = 503 if b"busy" in scope["query_string"] else 200
        await send({"type": "http.response.start", "status": status, "headers": [(b"x-n", str(len(calls)).encode())]})
        await send({"type": "http.response.body", "body": scope["query_string"]})

    cache = ReplayCache(app, ReplayStore(max_total=30, max_entry=20))

    def get(query: str, accept: bytes = b"*/*") -> list[Any]:
        sent: list[Any] = []
        scope = {"type": "http", "method": "GET", "path": "/sparql", "query_string": f"query={query}".encode(),
                 "headers": [(b"accept", accept)]}

        async def send(message: Any) -> None:
            sent.append(message)
        asyncio.run(cache(scope, None, send))
        return sent
    first = get("ASK%7B%7D")
    assert get("ASK%7B%7D") == first and len(calls) == 1, "replayed, byte for byte"
    get("ASK%7B%7D", b"text/csv")
    assert len(calls) == 2, "Accept is part of the key"
    for query in ("SELECT+%28NOW%28%29+AS+%3Ft%29+%7B%7D", "SELECT (RAND() AS ?r) {}", "STRUUID()", "busy",
                  "x" * 20):
        get(query)
        get(query)
    assert len(calls) == 2 + 10, "volatile, failed and oversized answers are never replayed"
    for i in range(5):  # 12 bytes each: only the last two fit in 30
        get(f"q{i:05d}")
    before = len(calls)
    get("q00000")
    get("q00004")
    assert len(calls) == before + 1
