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

Each worker receives the dataset (N-Quads bytes the pool holds in memory:
no file a tmp cleaner could delete, so a replacement can always start) as
its first message, loads it, locks itself in (:mod:`gdegraph.server.sandbox`:
no sockets, capped memory) and then answers jobs one at a time over a Unix
socket pair. A worker that dies is replaced; an idle one at once, and a
query that meets a dead worker is tried once more on another. How it died
says why: ``SIGSYS`` is the sandbox stopping a network connection (answered
as the ``SERVICE`` refusal), ``SIGABRT`` a failed allocation under the memory
cap (503). A message
is plain data behind an 8-byte length (:mod:`gdegraph.server.wire`: never a
pickle, so a subverted worker cannot run code in the server by replying);
the worker reads and writes its end
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
import gc
import logging
import multiprocessing
import signal
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from gdegraph.server.evaluate import MEMORY_MESSAGE, Engine, Job, Reply
from gdegraph.server.policy import SERVICE_REFUSED
from gdegraph.server.sandbox import NETWORK_SIGNAL, deny_network, limit_memory
from gdegraph.server.wire import HEADER, Reader, decode_job, decode_reply, encode_job, encode_reply, frame, send

__all__ = ["PoolBusy", "QueryTimeout", "WorkerPool"]

_START_TIMEOUT = 120.0
_log = logging.getLogger("gdegraph.server")


class QueryTimeout(Exception):
    """The query ran past the time limit; its worker was killed."""


class PoolBusy(Exception):
    """No worker became free within the time limit."""


class ReplyTooLarge(Exception):
    """A worker announced a reply over the size cap (it caps its own: this is a second line)."""


def _worker_main(sock: socket.socket, max_rows: int, max_response_bytes: int, max_memory: int | None) -> None:
    """Body of a worker process: receive and load the data, lock itself in, then answer jobs."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us
    reader = Reader(sock)
    try:
        engine = Engine(reader.read(), max_rows, max_response_bytes)
        for query in ("ASK { ?s ?p ?o }", "ASK FROM <urn:x:warm-up> { }"):  # import both paths now
            engine.run(Job(query))
        gc.freeze()  # the loaded store and imports live as long as the worker: not the collector's concern
        if max_memory:
            limit_memory(max_memory)
        deny_network()
    except Exception as exc:  # tell the parent why, rather than just dying
        send(sock, f"failed: {type(exc).__name__}: {exc}".encode("utf-8", "replace"))
        return
    send(sock, b"ready")
    while True:
        try:
            job = decode_job(reader.read())
        except (EOFError, OSError):
            return
        try:
            reply = engine.run(job)
        except MemoryError:
            reply = Reply.text(503, MEMORY_MESSAGE)
        except Exception as exc:  # a bug must not kill the worker silently: report it as a 500
            reply = Reply.text(500, f"internal error: {type(exc).__name__}: {exc}")
        try:
            send(sock, encode_reply(reply))
        except OSError:
            return


class _Channel(asyncio.Protocol):
    """The parent's end of one worker's socket: one request at a time, the reply as a future."""

    def __init__(self, max_bytes: int = 1 << 62, on_lost: Callable[[], None] | None = None) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[Any] | None = None
        self.closed = False
        self.max_bytes, self.on_lost = max_bytes, on_lost

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) < HEADER.size:
            return
        (size,) = HEADER.unpack_from(self.buffer)
        if size > self.max_bytes:  # the worker caps its replies; a bigger one means it misbehaves
            waiter, self.waiter = self.waiter, None
            if waiter is not None and not waiter.done():
                waiter.set_exception(ReplyTooLarge())
            self.close()
            return
        end = HEADER.size + size
        if len(self.buffer) < end:
            return
        payload = bytes(self.buffer[HEADER.size:end])
        del self.buffer[:end]
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            try:
                waiter.set_result(decode_reply(payload))
            except Exception as exc:  # a corrupt message: the worker is discarded by the caller
                waiter.set_exception(EOFError(f"unreadable reply: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(EOFError("the worker closed its connection"))
        elif self.on_lost is not None:
            self.on_lost()  # an idle worker died: the pool replaces it at once

    def request(self, job: Job) -> asyncio.Future[Any]:
        """Send ``job``; the future gets the reply (or EOFError if the worker goes away)."""
        waiter = asyncio.get_running_loop().create_future()
        if self.closed or self.transport is None:
            waiter.set_exception(EOFError("the worker is gone"))
            return waiter
        self.waiter = waiter
        self.transport.write(frame(encode_job(job)))
        return waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class _Worker:
    """One worker process and the parent's end of its socket."""

    def __init__(self, ctx: Any, data: bytes, max_rows: int, max_response_bytes: int,
                 max_memory: int | None) -> None:
        """Start the process, send it the data and wait (blocking: call from a thread) until it is ready."""
        self.sock, child = socket.socketpair()
        self.channel: _Channel | None = None
        self.max_reply = max_response_bytes + (1 << 20)
        try:
            self.process = ctx.Process(target=_worker_main, args=(child, max_rows, max_response_bytes, max_memory),
                                       name="gdegraph-sparql-worker", daemon=True)
            self.process.start()
        finally:
            child.close()
        try:
            self.sock.settimeout(_START_TIMEOUT)
            send(self.sock, data)
            ready = Reader(self.sock, 256).read().decode("utf-8", "replace")
        except (OSError, EOFError) as exc:
            ready = f"failed: {exc}"
        if ready != "ready":
            self.kill()
            raise RuntimeError(f"a SPARQL worker failed to start ({ready})")
        self.sock.setblocking(False)

    async def connect(self, on_lost: Callable[[], None]) -> None:
        """Hand the parent's end of the socket to the event loop."""
        loop = asyncio.get_running_loop()
        _, self.channel = await loop.create_unix_connection(lambda: _Channel(self.max_reply, on_lost), sock=self.sock)

    @property
    def dead(self) -> bool:
        return self.channel is not None and self.channel.closed

    def exit_code(self) -> int | None:
        """How the process ended (blocking briefly: its socket has closed, so it is ending)."""
        self.process.join(2)
        return self.process.exitcode

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

    def __init__(self, nquads: bytes, size: int, timeout: float, max_rows: int, max_memory: int | None = None,
                 max_response_bytes: int = 50_000_000) -> None:
        self.size, self.timeout, self.max_rows = size, timeout, max_rows
        self.max_memory, self.max_response_bytes = max_memory, max_response_bytes
        self._data = nquads  # held here, by the server: a replacement worker can always be started
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
        worker = await loop.run_in_executor(self._threads, _Worker, self._ctx, self._data, self.max_rows,
                                            self.max_response_bytes, self.max_memory)
        try:
            await worker.connect(lambda: self._lost(worker))
        except BaseException:
            await loop.run_in_executor(self._threads, worker.kill)
            raise
        self._all.add(worker)
        self._release(worker)

    async def _replace(self) -> None:
        """Start one replacement, trying again (1 s, 2 s, ... up to 30 s apart) until one starts:
        the pool must never stay short of workers because one start failed (a start killed, say)."""
        delay = 1.0
        while True:
            try:
                await self._spawn()
                return
            except RuntimeError as exc:
                _log.warning("%s; trying again in %.0f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement without waiting for it (once per worker)."""
        if worker not in self._all:
            return
        self._all.discard(worker)
        worker.kill()
        task = asyncio.get_running_loop().create_task(self._replace())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _lost(self, worker: _Worker) -> None:
        """An idle worker's process ended (killed from outside, crashed): replace it."""
        if worker in self._idle:
            self._idle.remove(worker)
        if worker in self._all:
            self._discard(worker)

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
        """The reply to ``job``; a worker found dead, or dying for no reason of this query, is
        replaced and the job tried once more on another."""
        for attempt in range(2):
            worker = await self._acquire()
            if worker.dead:
                self._discard(worker)
                continue
            assert worker.channel is not None
            pending = worker.channel.request(job)
            timer = asyncio.get_running_loop().call_later(self.timeout, _expire, pending, QueryTimeout)
            try:
                reply = await pending
            except QueryTimeout:
                self.killed += 1
                self._discard(worker)
                raise
            except ReplyTooLarge:
                self._discard(worker)
                return Reply.text(413, f"response too large: the limit is {self.max_response_bytes} bytes")
            except (EOFError, OSError):
                code = await asyncio.get_running_loop().run_in_executor(self._threads, worker.exit_code)
                self._discard(worker)
                if code == -NETWORK_SIGNAL:  # the sandbox stopped a connection the policy let through
                    return Reply.text(403, SERVICE_REFUSED)
                if code == -signal.SIGABRT:  # an allocation failed under RLIMIT_AS: Rust aborts
                    return Reply.text(503, MEMORY_MESSAGE)
                if attempt:
                    return Reply.text(500, "the query worker stopped unexpectedly; please retry")
                continue
            except BaseException:
                self._discard(worker)  # cancelled (client gone, shutdown): the worker may be mid-query
                raise
            finally:
                timer.cancel()
            self._release(worker)
            return reply
        return Reply.text(503, "no query worker could be started; please retry")

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)


def _expire(pending: asyncio.Future[Any], error: type[Exception]) -> None:
    """The time limit passed: fail the wait with ``error`` (for a query, the caller then kills the worker)."""
    if not pending.done():
        pending.set_exception(error())
