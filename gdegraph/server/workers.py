"""A small pool of SPARQL worker processes that can be killed: how the time limit is enforced.

pyoxigraph evaluates a query in native code that holds no Python-level
cancellation point: a thread running a runaway query cannot be stopped, and
it would keep a core busy for ever. So each query runs in a separate worker
*process* (spawned, not forked: the parent runs an event loop and threads).
The parent waits for the answer for at most ``timeout`` seconds; past that it
kills the worker (SIGKILL, which always works), answers 503, and spawns a
replacement in the background. The event loop never blocks on a worker (the
blocking pipe read runs in a thread), so pages and the other workers keep
serving while a runaway query is being stopped.

Each worker loads the dataset once, from an N-Quads file the pool writes at
start, and then answers jobs one at a time over a pipe. Waiting for a free
worker is bounded by the same timeout (then 503 "busy").
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from gdegraph.server.evaluate import Engine, Job, Reply

__all__ = ["PoolBusy", "QueryTimeout", "WorkerPool"]

_START_TIMEOUT = 120.0


class QueryTimeout(Exception):
    """The query ran past the time limit; its worker was killed."""


class PoolBusy(Exception):
    """No worker became free within the time limit."""


def _worker_main(conn: Any, data_path: str, max_rows: int) -> None:
    """Body of a worker process: load the data, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us
    engine = Engine(data_path, max_rows)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = engine.run(job)
        except Exception as exc:  # a bug must not kill the worker silently: report it as a 500
            reply = Reply.text(500, f"internal error: {type(exc).__name__}: {exc}")
        conn.send(reply)


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx: Any, data_path: str, max_rows: int) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, data_path, max_rows),
                                   name="gdegraph-sparql-worker", daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(_START_TIMEOUT) or self.conn.recv() != "ready":
            self.kill()
            raise RuntimeError("a SPARQL worker failed to start")

    def call(self, job: Job) -> Reply:
        """Send one job and wait for its reply (runs in a thread, never on the event loop)."""
        self.conn.send(job)
        return self.conn.recv()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(10)
        self.conn.close()


class WorkerPool:
    """``size`` workers; :meth:`run` answers a job within ``timeout`` seconds or raises."""

    def __init__(self, nquads: bytes, size: int, timeout: float, max_rows: int) -> None:
        self.size, self.timeout, self.max_rows = size, timeout, max_rows
        fd, name = tempfile.mkstemp(prefix="gdegraph-sparql-", suffix=".nq")
        os.close(fd)
        self._data = Path(name)
        self._data.write_bytes(nquads)
        self._ctx = multiprocessing.get_context("spawn")
        self._threads = ThreadPoolExecutor(max_workers=size + 2, thread_name_prefix="sparql-wait")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.killed = 0

    async def start(self) -> None:
        """Start every worker (in parallel) and wait until each has loaded the data."""
        await asyncio.gather(*(self._spawn() for _ in range(self.size)))

    async def _spawn(self) -> None:
        loop = asyncio.get_running_loop()
        worker = await loop.run_in_executor(self._threads, _Worker, self._ctx, str(self._data), self.max_rows)
        self._all.add(worker)
        await self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement without waiting for it."""
        self._all.discard(worker)
        worker.kill()
        task = asyncio.get_running_loop().create_task(self._spawn())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def run(self, job: Job) -> Reply:
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise PoolBusy from None
        loop = asyncio.get_running_loop()
        pending = loop.run_in_executor(self._threads, worker.call, job)
        try:
            reply = await asyncio.wait_for(pending, self.timeout)
        except TimeoutError:
            self.killed += 1
            self._discard(worker)
            raise QueryTimeout from None
        except (EOFError, OSError, BrokenPipeError):
            self._discard(worker)
            return Reply.text(500, "the query worker stopped unexpectedly; please retry")
        except BaseException:
            self._discard(worker)  # cancelled (client gone, shutdown): the worker may be mid-query
            raise
        await self._idle.put(worker)
        return reply

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)
        with contextlib.suppress(FileNotFoundError):
            self._data.unlink()
