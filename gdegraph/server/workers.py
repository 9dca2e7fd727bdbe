"""A small pool of SPARQL worker processes that can be killed: how the time limit is enforced.

pyoxigraph evaluates a query in native code that holds no Python-level
cancellation point: a thread running a runaway query cannot be stopped, and
it would keep a core busy for ever. So each query runs in a separate worker
*process* (spawned, not forked: the parent runs an event loop and threads).
The parent waits for the answer for at most ``timeout`` seconds; past that it
kills the worker (SIGKILL, which always works), answers 503, and spawns a
replacement in the background. The event loop never blocks on a worker, so
pages and the other workers keep serving while a runaway query is being
stopped.

Each worker loads the dataset once, from an N-Quads file the pool writes at
start, and then answers jobs one at a time over a Unix socket pair. A message
is a pickle behind an 8-byte length; the worker reads and writes its end
with plain blocking calls, the parent's end is an asyncio protocol on the
event loop (:class:`_Channel`), so a query costs one write and one read
event in the parent and no thread hand-off. A worker that comes free is
handed straight to the request that has waited longest; waiting for one is
bounded by the same timeout (then 503 "busy").
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from gdegraph.server.evaluate import Engine, Job, Reply

__all__ = ["PoolBusy", "QueryTimeout", "WorkerPool"]

_START_TIMEOUT = 120.0
_HEADER = struct.Struct("!Q")  #: the length of the pickle that follows


class QueryTimeout(Exception):
    """The query ran past the time limit; its worker was killed."""


class PoolBusy(Exception):
    """No worker became free within the time limit."""


def _frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _send(sock: socket.socket, message: Any) -> None:
    sock.sendall(_frame(message))


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        n = sock.recv_into(view[got:])
        if not n:
            raise EOFError("the other end closed the connection")
        got += n
    return bytes(buffer)


def _recv(sock: socket.socket) -> Any:
    (size,) = _HEADER.unpack(_recv_exactly(sock, _HEADER.size))
    return pickle.loads(_recv_exactly(sock, size))


def _worker_main(sock: socket.socket, data_path: str, max_rows: int) -> None:
    """Body of a worker process: load the data, then answer jobs until the socket closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us
    engine = Engine(data_path, max_rows)
    _send(sock, "ready")
    while True:
        try:
            job = _recv(sock)
        except (EOFError, OSError):
            return
        try:
            reply = engine.run(job)
        except Exception as exc:  # a bug must not kill the worker silently: report it as a 500
            reply = Reply.text(500, f"internal error: {type(exc).__name__}: {exc}")
        try:
            _send(sock, reply)
        except OSError:
            return


class _Channel(asyncio.Protocol):
    """The parent's end of one worker's socket: one request at a time, the reply as a future."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[Any] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) < _HEADER.size:
            return
        (size,) = _HEADER.unpack_from(self.buffer)
        end = _HEADER.size + size
        if len(self.buffer) < end:
            return
        payload = bytes(self.buffer[_HEADER.size:end])
        del self.buffer[:end]
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            try:
                waiter.set_result(pickle.loads(payload))
            except Exception as exc:  # a corrupt message: the worker is discarded by the caller
                waiter.set_exception(EOFError(f"unreadable reply: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(EOFError("the worker closed its connection"))

    def request(self, job: Job) -> asyncio.Future[Any]:
        """Send ``job``; the future gets the reply (or EOFError if the worker goes away)."""
        waiter = asyncio.get_running_loop().create_future()
        if self.closed or self.transport is None:
            waiter.set_exception(EOFError("the worker is gone"))
            return waiter
        self.waiter = waiter
        self.transport.write(_frame(job))
        return waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class _Worker:
    """One worker process and the parent's end of its socket."""

    def __init__(self, ctx: Any, data_path: str, max_rows: int) -> None:
        """Start the process and wait (blocking: call from a thread) until it has loaded the data."""
        self.sock, child = socket.socketpair()
        self.channel: _Channel | None = None
        try:
            self.process = ctx.Process(target=_worker_main, args=(child, data_path, max_rows),
                                       name="gdegraph-sparql-worker", daemon=True)
            self.process.start()
        finally:
            child.close()
        try:
            self.sock.settimeout(_START_TIMEOUT)
            ready = _recv(self.sock)
        except (OSError, EOFError, pickle.UnpicklingError):
            ready = None
        if ready != "ready":
            self.kill()
            raise RuntimeError("a SPARQL worker failed to start")
        self.sock.setblocking(False)

    async def connect(self) -> None:
        """Hand the parent's end of the socket to the event loop."""
        loop = asyncio.get_running_loop()
        _, self.channel = await loop.create_unix_connection(_Channel, sock=self.sock)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(10)
        if self.channel is not None:
            self.channel.close()
        else:
            self.sock.close()


class WorkerPool:
    """``size`` workers; :meth:`run` answers a job within ``timeout`` seconds or raises."""

    def __init__(self, nquads: bytes, size: int, timeout: float, max_rows: int) -> None:
        self.size, self.timeout, self.max_rows = size, timeout, max_rows
        fd, name = tempfile.mkstemp(prefix="gdegraph-sparql-", suffix=".nq")
        os.close(fd)
        self._data = Path(name)
        self._data.write_bytes(nquads)
        self._ctx = multiprocessing.get_context("spawn")
        self._threads = ThreadPoolExecutor(max_workers=size + 2, thread_name_prefix="sparql-start")
        self._idle: list[_Worker] = []
        self._waiting: collections.deque[asyncio.Future[_Worker]] = collections.deque()
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.killed = 0

    async def start(self) -> None:
        """Start every worker (in parallel) and wait until each has loaded the data."""
        await asyncio.gather(*(self._spawn() for _ in range(self.size)))

    async def _spawn(self) -> None:
        loop = asyncio.get_running_loop()
        worker = await loop.run_in_executor(self._threads, _Worker, self._ctx, str(self._data), self.max_rows)
        try:
            await worker.connect()
        except BaseException:
            await loop.run_in_executor(self._threads, worker.kill)
            raise
        self._all.add(worker)
        self._release(worker)

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement without waiting for it."""
        self._all.discard(worker)
        worker.kill()
        task = asyncio.get_running_loop().create_task(self._spawn())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _release(self, worker: _Worker) -> None:
        """A worker is free: hand it straight to the longest-waiting request, else keep it idle."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    async def _acquire(self) -> _Worker:
        """An idle worker, or the first to come free within the time limit (else :class:`PoolBusy`)."""
        if self._idle:
            return self._idle.pop()
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[_Worker] = loop.create_future()
        self._waiting.append(waiter)
        timer = loop.call_later(self.timeout, _expire, waiter, PoolBusy)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release(waiter.result())  # handed over just as the request went away
            raise
        finally:
            timer.cancel()

    async def run(self, job: Job) -> Reply:
        worker = await self._acquire()
        assert worker.channel is not None
        pending = worker.channel.request(job)
        timer = asyncio.get_running_loop().call_later(self.timeout, _expire, pending, QueryTimeout)
        try:
            reply = await pending
        except QueryTimeout:
            self.killed += 1
            self._discard(worker)
            raise
        except (EOFError, OSError):
            self._discard(worker)
            return Reply.text(500, "the query worker stopped unexpectedly; please retry")
        except BaseException:
            self._discard(worker)  # cancelled (client gone, shutdown): the worker may be mid-query
            raise
        finally:
            timer.cancel()
        self._release(worker)
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


def _expire(pending: asyncio.Future[Any], error: type[Exception]) -> None:
    """The time limit passed: fail the wait with ``error`` (for a query, the caller then kills the worker)."""
    if not pending.done():
        pending.set_exception(error())
