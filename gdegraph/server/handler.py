"""A query process: a few connections at a time, their queries evaluated here, locked in by the kernel.

Why processes that get killed: pyoxigraph evaluates a query in native code
that cannot be interrupted, so a runaway query can only be stopped by
killing the process that runs it. Why the query runs here, in the process
that speaks HTTP, rather than in a worker behind it: the worker round trip
(two processes woken per request, their caches cold) cost more than the
query and the HTTP together, and kept the endpoint at half the throughput
of ``oxigraph serve`` (docs/performance.md). Why several connections per
process: one process answering a few clients per wake-up costs the
scheduler less than one process per client (about a tenth more throughput).

The supervisor (:mod:`gdegraph.server.supervisor`) forks each process from
its own fully built state (the store, the page model, the application), so a
process starts in milliseconds and shares those pages. The process then
locks itself in (:mod:`gdegraph.server.sandbox`: no socket can be created,
the address space is capped) and waits on its control socket for
connections, each of which it serves with :class:`~gdegraph.server.hotpath.HotPath`
(one :class:`Link` each) until it closes or has been idle for
:data:`RETURN_AFTER` seconds; then it hands it back (the supervisor watches
idle connections, so a slow or idle client holds no room here).

What it is doing is written into its slot of the shared table
(:mod:`gdegraph.server.slots`): since when it has been evaluating, for which
link, and which links are in the middle of a request. The supervisor reads
it to enforce the time and memory limits, to answer a client itself when it
has had to kill the process, and to take back the idle links of a process
stuck in a long query (:class:`Evaluator` collects those when the query ends,
before the event loop can read them again).

Control messages (a ``SOCK_SEQPACKET`` pair, one message each, ``k`` a link
number byte): the supervisor sends ``Ck`` with the connection's descriptor
attached; the process sends ``U`` (ready), ``Rk`` (link k handed back, idle)
and ``Xk`` (link k has closed).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from gdegraph.server.evaluate import Engine, Job, Reply
from gdegraph.server.hotpath import Fallback, HotPath, date_header
from gdegraph.server.sandbox import deny_network, limit_memory
from gdegraph.server.slots import Slots

#: Bytes a client must take from an answer, each ``--write-timeout``, for it to count as reading: one
#: that takes a few bytes now and then would otherwise hold its place for ever.
_PROGRESS = 1024
#: Seconds between looks at a write buffer that has not emptied yet.
_WATCH_EVERY = 0.05

__all__ = ["CURRENT_LINK", "PROCESS_NAME", "RETURN_AFTER", "Evaluator", "Link", "QueryProcess"]

#: The name a query process goes by (``/proc/PID/comm``), so operators and tests can find it.
PROCESS_NAME = "gdegraph-query"
#: Seconds a connection may sit idle in a query process before it goes back to the supervisor.
RETURN_AFTER = 0.05


#: Which of the process's connections the code running now serves (set by the protocols; a task
#: uvicorn starts for a request inherits it), so an evaluation is stamped with its connection.
CURRENT_LINK: ContextVar[int] = ContextVar("gdegraph_link", default=0)


class Evaluator:
    """Runs a job in this process, its evaluation time stamped in the shared slot (the time limit).

    When the evaluation ends, it takes the slot's lock to clear the stamp and collect the connections
    the supervisor took back meanwhile (:meth:`gdegraph.server.slots.Slots.take_revoked`): a process
    stuck in a long query must not keep its other, idle connections waiting, and once taken back
    they must never be read here again, so they are dropped before the event loop runs again."""

    def __init__(self, engine: Engine, slots: Slots, slot: int, drop: Callable[[list[int]], None]) -> None:
        self.engine, self.slots, self.slot, self.drop = engine, slots, slot, drop

    def run_now(self, job: Job) -> Reply:
        slots, slot = self.slots, self.slot
        slots.evaluating(slot, time.monotonic(), CURRENT_LINK.get())
        try:
            return self.engine.run(job)
        finally:
            with slots.lock(slot):
                slots.evaluating(slot, 0.0, -1)
                revoked = slots.take_revoked(slot)
            if revoked:
                self.drop(revoked)



def _virtual_size() -> int:
    """This process's address space now, bytes (``VmSize``): the cap is set above it."""
    for line in open("/proc/self/status", encoding="ascii"):  # noqa: SIM115 - read once, before the sandbox
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


class Link:
    """One connection this process holds: what its protocols report (gdegraph.server.hotpath.Owner)."""

    def __init__(self, process: QueryProcess, index: int) -> None:
        self.process, self.index = process, index
        self.state, self.header_timeout, self.access_log = process.state, process.header_timeout, process.access_log
        self.transport: asyncio.Transport | None = None
        self._idle_timer: asyncio.TimerHandle | None = None
        self._watching = False  #: the write buffer is being watched (_watch)
        self._requests = 0  #: requests begun on this link
        self._ended = -1  #: the request whose end waits for the buffer to empty (-1: none)
        self.gone = False  #: handed back or taken back: its closing is not reported

    def request_started(self) -> None:
        self._requests += 1  # a flush still being watched for an earlier request no longer decides
        CURRENT_LINK.set(self.index)
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        self.process.slots.busy(self.process.slot, self.index, True)

    def request_ended(self) -> None:
        """No request unanswered; the link stops being "in a request" once its answers are all out
        (a drain or a take-back must not cut a response still in the write buffer)."""
        if not self._unsent():
            self.process.slots.busy(self.process.slot, self.index, False)
            return
        self._ended = self._requests
        self._watch()

    def writes_paused(self, transport: asyncio.Transport) -> None:
        """The answer being written has filled the transport's buffer (the protocol waits for the client)."""
        self.transport = transport
        self._watch()

    def _unsent(self) -> int:
        transport = self.transport
        return transport.get_write_buffer_size() if transport is not None and not transport.is_closing() else 0

    def _watch(self) -> None:
        """Watch the write buffer until it is empty: then end the request that waited for it, if no
        other has begun since; a client that takes less than _PROGRESS bytes of it in
        ``--write-timeout`` seconds is cut off."""
        if not self._watching:
            self._watching = True
            self._check(time.monotonic(), self._unsent())

    def _check(self, since: float, size: int) -> None:
        left = self._unsent()
        if not left:
            self._watching = False
            if self._ended == self._requests:
                self.process.slots.busy(self.process.slot, self.index, False)
            return
        now = time.monotonic()
        if left <= size - _PROGRESS:
            since, size = now, left  # progress: the client is reading
        elif now - since > self.process.state.limits.write_timeout:
            self._watching = False
            assert self.transport is not None
            self.transport.abort()
            return
        self.process.loop.call_later(_WATCH_EVERY, self._check, since, size)

    def idle(self, transport: asyncio.Transport) -> None:
        """Nothing to answer on this connection: hand it back soon (at once if others are waiting)."""
        self.transport = transport
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        delay = 0.0 if self.process.slots.waiting else RETURN_AFTER
        self._idle_timer = self.process.loop.call_later(delay, self._give_back)

    def _give_back(self) -> None:
        self._idle_timer = None
        transport = self.transport
        if transport is None or transport.is_closing() or self.gone:
            return
        if transport.get_write_buffer_size():  # the last answer is still going out: not idle yet
            self._idle_timer = self.process.loop.call_later(RETURN_AFTER, self._give_back)
            return
        self.process.send(b"R" + bytes([self.index]))
        self.drop()

    def drop(self) -> None:
        """Stop reading and close this process's copy of the connection (the supervisor keeps its own)."""
        self.gone = True
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        self.process.links.pop(self.index, None)
        if self.transport is not None and not self.transport.is_closing():
            self.transport.pause_reading()  # no byte more is read here
            self.transport.close()

    def closed(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        if self.gone:
            return
        self.gone = True
        self.process.links.pop(self.index, None)
        self.process.slots.busy(self.process.slot, self.index, False)
        self.process.send(b"X" + bytes([self.index]))

    def date_header(self) -> bytes:
        return self.process.date

    def fallback(self) -> Fallback:
        return Fallback(self, self.process.config, self.process.server_state, {}, _loop=self.process.loop)


class QueryProcess:
    """The body of one query process (after ``fork``); :meth:`run` never returns."""

    def __init__(self, app: Any, slots: Slots, slot: int, ctrl: socket.socket, access_log: bool) -> None:
        self.app, self.slots, self.slot, self.ctrl = app, slots, slot, ctrl
        self.state = app.state.gde
        self.state.pool = Evaluator(self.state.engine, slots, slot, self._revoked)
        self.state.draining = lambda: slots.draining
        self.header_timeout = self.state.limits.header_timeout
        self.access_log = access_log
        self.links: dict[int, Link] = {}
        self.date = date_header()

    def run(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the supervisor, which stops us
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            with open("/proc/self/comm", "w", encoding="ascii") as comm:
                comm.write(PROCESS_NAME)
        except OSError:
            pass
        import uvicorn
        import uvloop
        from uvicorn.server import ServerState

        self.config = uvicorn.Config(self.app, lifespan="off", access_log=self.access_log, server_header=False,
                                     log_level="info" if self.access_log else "warning", proxy_headers=False,
                                     timeout_keep_alive=5, http="httptools", ws="none")  # no upgrades: HTTP only
        self.config.load()
        self.server_state = ServerState()
        limit_memory(_virtual_size() + self.state.limits.max_memory)
        deny_network()  # from here on, a socket call kills this process (SIGSYS); before the loop, no io_uring
        uvloop.run(self._main())
        os._exit(0)

    async def _main(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._tick()
        self.done: asyncio.Future[None] = self.loop.create_future()
        self.ctrl.setblocking(False)
        self.loop.add_reader(self.ctrl.fileno(), self._on_ctrl)
        self.send(b"U")
        await self.done

    def _tick(self) -> None:
        """The ``date`` header, refreshed every second as uvicorn's server loop does."""
        self.date = date_header()
        self.server_state.default_headers = [(b"date", self.date[6:-2])] + self.config.encoded_headers
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
        if message[:1] == b"C" and len(message) == 2 and fds:
            link = Link(self, message[1])  # marked in a request by the supervisor as it handed it over
            self.links[link.index] = link
            sock = socket.socket(fileno=fds[0])
            sock.setblocking(False)
            self.loop.create_task(self._adopt(link, sock))

    async def _adopt(self, link: Link, sock: socket.socket) -> None:
        try:
            transport, _ = await self.loop.connect_accepted_socket(lambda: HotPath(link), sock)
        except OSError:  # the client has gone already
            sock.close()
            link.closed()
            return
        link.transport = transport  # type: ignore[assignment]
        if link.gone:  # taken back before it was even adopted
            transport.pause_reading()
            transport.close()

    def _revoked(self, indexes: list[int]) -> None:
        for index in indexes:
            link = self.links.get(index)
            if link is not None:
                link.drop()

    def send(self, message: bytes) -> None:
        try:
            self.ctrl.send(message)
        except OSError:  # the supervisor has gone
            os._exit(0)
