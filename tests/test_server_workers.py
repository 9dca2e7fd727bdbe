"""The SPARQL worker pool's bookkeeping: busy within the time limit, fair hand-over, nothing lost.

These run the pool's scheduling on an event loop with stand-in workers (no
processes); tests/test_server_safety.py runs the real pool behind the server.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from gdegraph.server.evaluate import Job, Reply
from gdegraph.server.workers import PoolBusy, QueryTimeout, WorkerPool


class FakeChannel:
    """Answers each job after ``delay`` seconds (or never, with ``delay=None``)."""

    def __init__(self, name: str, delay: float | None = 0.0) -> None:
        self.name, self.delay, self.jobs = name, delay, []

    def request(self, job: Job) -> asyncio.Future[Any]:
        self.jobs.append(job.query)
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if self.delay is not None:
            loop.call_later(self.delay, lambda: future.done() or future.set_result(Reply.text(200, self.name)))
        return future


class FakeWorker:
    def __init__(self, name: str, delay: float | None = 0.0) -> None:
        self.channel = FakeChannel(name, delay)
        self.killed = False
        self.dead = False

    def kill(self) -> None:
        self.killed = True


def pool(timeout: float, *workers: FakeWorker) -> WorkerPool:
    p = WorkerPool(b"", size=len(workers), timeout=timeout, max_rows=10)
    p._spawn = _no_spawn  # type: ignore[method-assign]  # no replacement processes in these tests
    for worker in workers:
        p._all.add(worker)  # type: ignore[arg-type]
        p._release(worker)  # type: ignore[arg-type]
    return p


async def _no_spawn() -> None:
    return None


def test_no_free_worker_within_the_time_limit_is_busy() -> None:
    async def scenario() -> None:
        p = pool(0.3, FakeWorker("w", delay=5.0))
        first = asyncio.ensure_future(p.run(Job("slow")))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(PoolBusy):
            await p.run(Job("waits"))
        assert 0.2 < time.monotonic() - started < 2
        with pytest.raises(QueryTimeout):
            await first
        assert p.killed == 1
        await p.close()
    asyncio.run(scenario())


def test_a_freed_worker_goes_to_the_longest_waiting_request() -> None:
    async def scenario() -> None:
        worker = FakeWorker("w", delay=0.05)
        p = pool(5.0, worker)
        tasks = [asyncio.ensure_future(p.run(Job(f"q{i}"))) for i in range(4)]
        for task in tasks:
            await asyncio.sleep(0.001)  # queue them in order
        replies = await asyncio.gather(*tasks)
        assert [r.status for r in replies] == [200] * 4
        assert worker.channel.jobs == ["q0", "q1", "q2", "q3"]
        assert p._idle == [worker] and not worker.killed
        await p.close()
    asyncio.run(scenario())


def test_a_request_that_goes_away_while_waiting_loses_no_worker() -> None:
    async def scenario() -> None:
        worker = FakeWorker("w", delay=0.05)
        p = pool(5.0, worker)
        running = asyncio.ensure_future(p.run(Job("first")))
        await asyncio.sleep(0.001)
        gone = asyncio.ensure_future(p.run(Job("gone")))
        await asyncio.sleep(0.001)
        gone.cancel()
        assert (await running).status == 200
        with pytest.raises(asyncio.CancelledError):
            await gone
        assert (await p.run(Job("next"))).status == 200
        assert worker.channel.jobs == ["first", "next"] and not worker.killed
        await p.close()
    asyncio.run(scenario())



def test_the_replay_cache_keeps_only_repeatable_whole_successes_within_its_bytes() -> None:
    from gdegraph.server.cache import ReplayCache

    calls: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:  # the answer: the query string, N times
        calls.append(scope["query_string"])
        status = 503 if b"busy" in scope["query_string"] else 200
        await send({"type": "http.response.start", "status": status, "headers": [(b"x-n", str(len(calls)).encode())]})
        await send({"type": "http.response.body", "body": scope["query_string"]})

    cache = ReplayCache(app, max_total=30, max_entry=20)

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
