"""A query process: one connection at a time, its queries evaluated here, locked in by the kernel.

Why a process per connection being served: pyoxigraph evaluates a query in
native code that cannot be interrupted, so a runaway query can only be
stopped by killing the process that runs it, and a process holding one
connection can be killed at the cost of that connection alone. Why the
query runs here, in the process that speaks HTTP, rather than in a worker
behind it: the worker round trip (two processes woken per request, their
caches cold) cost more than the query and the HTTP together, and kept the
endpoint at half the throughput of ``oxigraph serve`` (docs/performance.md).

The supervisor (:mod:`gdegraph.server.supervisor`) forks each process from
its own fully built state (the store, the page model, the application), so a
process starts in milliseconds and shares those pages. The process then
locks itself in (:mod:`gdegraph.server.sandbox`: no socket can be created,
the address space is capped) and waits on its control socket for a
connection, which it serves with :class:`~gdegraph.server.hotpath.HotPath`
until the connection closes or has been idle for :data:`RETURN_AFTER`
seconds; then it hands it back (the supervisor watches idle connections, so
a slow or idle client holds no process) and is free for the next one.

What it is doing is written into its slot of the shared table
(:mod:`gdegraph.server.slots`): whether a request is in progress, and since
when a query is being evaluated. The supervisor reads it to enforce the
time and memory limits and, when it has to kill the process, to answer the
client itself.

Control messages (a ``SOCK_SEQPACKET`` pair, one message each): the
supervisor sends ``C`` with the connection's descriptor attached; the
process sends ``U`` (ready), ``R`` (the connection is handed back, idle) and
``X`` (the connection has closed).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from typing import Any

from gdegraph.server.evaluate import Engine, Job, Reply
from gdegraph.server.hotpath import Fallback, HotPath, date_header
from gdegraph.server.sandbox import deny_network, limit_memory
from gdegraph.server.slots import Slots

__all__ = ["PROCESS_NAME", "RETURN_AFTER", "Evaluator", "QueryProcess"]

#: The name a query process goes by (``/proc/PID/comm``), so operators and tests can find it.
PROCESS_NAME = "gdegraph-query"
#: Seconds a connection may sit idle in a query process before it goes back to the supervisor.
RETURN_AFTER = 0.05


class Evaluator:
    """Runs a job in this process, its evaluation time stamped in the shared slot (the time limit)."""

    def __init__(self, engine: Engine, slots: Slots, slot: int) -> None:
        self.engine, self.slots, self.slot = engine, slots, slot

    def run_now(self, job: Job) -> Reply:
        self.slots.evaluating(self.slot, time.monotonic())
        try:
            return self.engine.run(job)
        finally:
            self.slots.evaluating(self.slot, 0.0)

    async def run(self, job: Job) -> Reply:
        return self.run_now(job)


def _virtual_size() -> int:
    """This process's address space now, bytes (``VmSize``): the cap is set above it."""
    for line in open("/proc/self/status", encoding="ascii"):  # noqa: SIM115 - read once, before the sandbox
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


class QueryProcess:
    """The body of one query process (after ``fork``); :meth:`run` never returns."""

    def __init__(self, app: Any, slots: Slots, slot: int, ctrl: socket.socket, access_log: bool) -> None:
        self.app, self.slots, self.slot, self.ctrl = app, slots, slot, ctrl
        self.state = app.state.gde
        self.state.pool = Evaluator(self.state.engine, slots, slot)
        self.state.draining = lambda: slots.draining
        self.header_timeout = self.state.limits.header_timeout
        self.access_log = access_log
        self._idle_timer: asyncio.TimerHandle | None = None
        self._returning = False
        self._date = date_header()

    def run(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the supervisor, which stops us
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            with open("/proc/self/comm", "w", encoding="ascii") as comm:
                comm.write(PROCESS_NAME)
        except OSError:
            pass
        import uvloop

        uvloop.run(self._main())
        os._exit(0)

    async def _main(self) -> None:
        import uvicorn
        from uvicorn.server import ServerState

        self.loop = asyncio.get_running_loop()
        self.config = uvicorn.Config(self.app, lifespan="off", access_log=self.access_log, server_header=False,
                                     log_level="info" if self.access_log else "warning", proxy_headers=False,
                                     timeout_keep_alive=5, http="httptools")
        self.config.load()
        self.server_state = ServerState()
        self._tick()
        limit_memory(_virtual_size() + self.state.limits.max_memory)
        deny_network()  # from here on, any socket() kills this process (SIGSYS)
        self.done: asyncio.Future[None] = self.loop.create_future()
        self.ctrl.setblocking(False)
        self.loop.add_reader(self.ctrl.fileno(), self._on_ctrl)
        self.ctrl.send(b"U")
        await self.done

    def _tick(self) -> None:
        """The ``date`` header, refreshed every second as uvicorn's server loop does."""
        self._date = date_header()
        self.server_state.default_headers = [(b"date", self._date[6:-2])] + self.config.encoded_headers
        self.loop.call_later(1.0, self._tick)

    def _on_ctrl(self) -> None:
        try:
            message, fds, _, _ = socket.recv_fds(self.ctrl, 16, 1)
        except BlockingIOError:
            return
        except OSError:
            message, fds = b"", []
        if not message:  # the supervisor has gone: so do we
            if not self.done.done():
                self.done.set_result(None)
            return
        if message == b"C" and fds:
            sock = socket.socket(fileno=fds[0])
            sock.setblocking(False)
            self.loop.create_task(self.loop.connect_accepted_socket(lambda: HotPath(self), sock))

    # what the protocols call (gdegraph.server.hotpath.Owner)
    def request_started(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        self.slots.busy(self.slot, True)

    def request_ended(self) -> None:
        self.slots.busy(self.slot, False)

    def idle(self, transport: asyncio.Transport) -> None:
        """The connection has nothing to answer: hand it back soon (at once if others are waiting)."""
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        delay = 0.0 if self.slots.waiting else RETURN_AFTER
        self._idle_timer = self.loop.call_later(delay, self._give_back, transport)

    def _give_back(self, transport: asyncio.Transport) -> None:
        self._idle_timer = None
        if transport.is_closing():
            return
        if transport.get_write_buffer_size():  # the last answer is still going out: not idle yet
            self._idle_timer = self.loop.call_later(RETURN_AFTER, self._give_back, transport)
            return
        transport.pause_reading()  # no byte more is read here: the supervisor reads the next request
        self._returning = True
        self._send(b"R")
        transport.close()

    def closed(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        if self._returning:
            self._returning = False
            return
        self.slots.busy(self.slot, False)
        self._send(b"X")

    def date_header(self) -> bytes:
        return self._date

    def fallback(self) -> Fallback:
        return Fallback(self, self.config, self.server_state, {}, _loop=self.loop)

    def _send(self, message: bytes) -> None:
        try:
            self.ctrl.send(message)
        except OSError:  # the supervisor has gone
            os._exit(0)
