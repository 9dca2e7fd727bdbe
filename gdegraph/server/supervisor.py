"""The server's main process: it accepts connections, hands each to a query process, and polices them.

Why this shape (docs/serving.md, "Design"): a query can only be stopped by
killing the process that evaluates it, and evaluating it in the process
that speaks HTTP is what lets the endpoint keep up with ``oxigraph serve``.
So the supervisor never answers a query itself. It

* **accepts** every connection and keeps its own copy of the descriptor;
* **waits for a whole request head** on a new or idle connection (peeking,
  never reading), so a slow or idle client costs no query process; a head
  that does not arrive within ``--header-timeout`` gets 408;
* **hands the connection** to a free query process (:mod:`gdegraph.server.handler`)
  over a Unix socket, or queues it (503 "busy" if none comes free within
  the time limit); the process keeps it while requests follow each other,
  then hands it back;
* **enforces the limits** from the shared slot table (:mod:`gdegraph.server.slots`):
  a process evaluating past ``--timeout``, or whose resident memory grew by
  more than ``--max-memory``, is killed (``SIGKILL``). The address-space cap
  inside the process stops a faster allocation (``SIGABRT``), and the
  seccomp filter any socket (``SIGSYS``);
* **answers for a killed process** on its own copy of the connection (503
  time limit, 503 memory, 403 for a blocked connection attempt, 500 for an
  unexplained death), or, if the connection was idle, simply watches it
  again, so no request is lost; and forks a replacement at once;
* **drains on the first SIGTERM or Ctrl-C**: requests in progress finish,
  new ones get 503 with ``Connection: close``; it exits when nothing is in
  progress (or after the time limit and a little more). A second signal stops at once.

It runs a plain :mod:`selectors` loop in one thread: the process must stay
single-threaded so that forking a replacement from it is safe, and it does
so little per request (nothing, while a process keeps its connection) that
no event-loop library would earn its place.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import logging
import os
import selectors
import signal
import socket
import time
from typing import Any

from gdegraph.core.errors import GdeError
from gdegraph.core.forked import frozen_heap
from gdegraph.server.processes import QueryProc, fork_query_process, single_threaded
from gdegraph.server.held import Held
from gdegraph.server.hotpath import MAX_HEAD, TIMEOUT_408, TOO_LARGE_431
from gdegraph.server.limits import Limits
from gdegraph.server.rescue import BUSY, SHUTTING_DOWN, TOO_MANY, finish, for_the_dead
from gdegraph.server.slots import Slots

__all__ = ["KEEP_ALIVE", "LINKS", "MAX_CONNECTIONS", "STALL", "Supervisor"]

_log = logging.getLogger("gdegraph.server")
#: Seconds an idle keep-alive connection is kept open (uvicorn's default).
KEEP_ALIVE = 5.0
_REPEEK = 0.05  #: seconds between looks at a connection whose head is still arriving
_TICK = 0.02  #: seconds between checks of the time and memory limits while any process holds a connection
#: Connections held at once (idle, waiting or being served); past it a new one gets 503 and is closed.
MAX_CONNECTIONS = 1024
#: Connections one query process serves at once. More than one lets a process answer several
#: clients per wake-up (fewer processes for the scheduler: about a tenth more throughput).
LINKS = 4
#: Seconds a process may be evaluating before its other, idle connections are taken back and served
#: elsewhere: a long query delays the other clients of its process by at most this (plus a tick).
STALL = 0.1


class Supervisor:
    """Runs the server on ``listener`` until stopped (:meth:`run`)."""

    def __init__(self, app: Any, listener: socket.socket, limits: Limits, access_log: bool) -> None:
        self.app, self.listener, self.limits, self.access_log = app, listener, limits, access_log
        self.slots = Slots(limits.workers, LINKS)
        self.sel = selectors.DefaultSelector()
        self.procs: dict[int, QueryProc] = {}  # by slot
        self.conns: set[Held] = set()  # held here: new, idle, or with a head arriving
        self.queue: list[Held] = []  # a whole head waiting for a free process
        self.stopping = 0.0  # when the drain must end (0: not draining)
        self.stop_now = False
        self.failed_starts = 0  # query processes that died before they were ready, since one last was
        self.accept_paused = 0.0  # when to accept again after running out of descriptors (0: accepting)

    # ---- running
    def run(self) -> None:
        wake_r, wake_w = socket.socketpair()
        wake_r.setblocking(False)
        wake_w.setblocking(False)
        self._wake = (wake_r, wake_w)
        signal.set_wakeup_fd(wake_w.fileno(), warn_on_full_buffer=False)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: None)  # the number arrives on the wakeup socket
        self.listener.setblocking(False)
        self.sel.register(self.listener, selectors.EVENT_READ, self._accept)
        self.sel.register(wake_r, selectors.EVENT_READ, self._signalled)
        single_threaded()
        gc.collect()
        # the built application is shared with every forked process: the collector leaves its pages alone
        with frozen_heap():
            for slot in range(self.limits.workers):
                self._spawn(slot)
            try:
                while not self.stop_now:
                    for key, _ in self.sel.select(self._wait()):
                        key.data(key.fileobj)
                    self._police(time.monotonic())
                    if self.stopping and (self._quiet() or time.monotonic() > self.stopping):
                        break
            finally:
                self._shutdown()

    def _wait(self) -> float:
        if any(p.conns for p in self.procs.values()) or self.queue or self.accept_paused:
            return _TICK
        wakes = [min(c.repeek or c.deadline, c.deadline) for c in self.conns]
        return max(0.0, min([0.5, *(w - time.monotonic() for w in wakes)]))

    def _quiet(self) -> bool:
        return not self.queue and not any(
            self.slots.any_in_request(p.slot) or self.slots.evaluating_since(p.slot) for p in self.procs.values())

    def _signalled(self, wake: socket.socket) -> None:
        signals = b""
        with contextlib.suppress(BlockingIOError):
            signals = wake.recv(64)  # one byte per signal: two at once are a second signal too
        if self.stopping or len(signals) > 1:
            self.stop_now = True  # a second signal: stop at once
            return
        self.stopping = time.monotonic() + self.limits.timeout + 2
        self.slots.draining = True
        for conn in list(self.queue):
            self._finish(conn, SHUTTING_DOWN)
        self.queue.clear()

    # ---- connections held here
    def _accept(self, listener: socket.socket) -> None:
        for _ in range(64):
            try:
                sock, _ = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                if exc.errno in (errno.EMFILE, errno.ENFILE):  # out of descriptors: pause, serve the rest
                    self.sel.unregister(listener)
                    self.accept_paused = time.monotonic() + 0.1
                elif exc.errno != errno.ECONNABORTED:
                    raise
                return
            sock.setblocking(False)
            if len(self.conns) + len(self.queue) + sum(len(p.conns) for p in self.procs.values()) >= MAX_CONNECTIONS:
                finish(sock, TOO_MANY)
                sock.close()
                continue
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Held(sock, time.monotonic() + self.limits.header_timeout)
            with contextlib.suppress(OSError):  # room for a whole head, so that peeking can see it all
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2 * MAX_HEAD)
            self.conns.add(conn)
            self._watch(conn)

    def _watch(self, conn: Held) -> None:
        if not conn.watched:
            self.sel.register(conn.sock, selectors.EVENT_READ, lambda _: self._peek(conn))
            conn.watched = True

    def _unwatch(self, conn: Held) -> None:
        if conn.watched:
            self.sel.unregister(conn.sock)
            conn.watched = False

    def _peek(self, conn: Held) -> None:
        """Look at what has arrived, without reading it: a whole head goes to a query process."""
        verdict = conn.look()
        if verdict == "closed":
            self._close(conn)
            return
        if verdict == "none":  # nothing to see yet: wait for the next bytes
            self._watch(conn)
            return
        if self.stopping:
            self._finish(conn, SHUTTING_DOWN)
            return
        self._unwatch(conn)
        if verdict == "whole":
            self.conns.discard(conn)
            self._dispatch(conn)
            return
        if verdict == "too large":
            self._finish(conn, TOO_LARGE_431)
            return
        now = time.monotonic()
        if conn.idle:  # the first bytes of a new request: from now the client has the header timeout
            conn.idle, conn.deadline = False, now + self.limits.header_timeout
        conn.repeek = now + _REPEEK  # not watched meanwhile: a partial head would wake us at once

    def _keep(self, conn: Held) -> None:
        """Hold an idle connection here until its next request (or KEEP_ALIVE seconds)."""
        conn.idle, conn.repeek, conn.deadline = True, 0.0, time.monotonic() + KEEP_ALIVE
        self.conns.add(conn)
        self._watch(conn)

    def _free(self, now: float) -> QueryProc | None:
        """The process to take a connection: ready, with room, not stuck in a long query; fewest first."""
        best = None
        for proc in self.procs.values():
            if not proc.ready or proc.cause is not None or len(proc.conns) >= LINKS:
                continue
            since = self.slots.evaluating_since(proc.slot)
            if since and now - since > STALL:
                continue
            if best is None or len(proc.conns) < len(best.conns):
                best = proc
        return best

    def _dispatch(self, conn: Held) -> None:
        now = time.monotonic()
        proc = self._free(now)
        if proc is not None:
            self._hand(proc, conn)
            return
        conn.deadline = now + self.limits.timeout
        self.queue.append(conn)
        self.slots.waiting = len(self.queue)

    def _hand(self, proc: QueryProc, conn: Held) -> None:
        link = next(k for k in range(LINKS) if k not in proc.conns)
        proc.conns[link] = conn
        # in a request from now: the process may be evaluating and not read this for a while, and
        # a take-back must not revoke a link it has not even adopted yet (it would adopt it later)
        self.slots.busy(proc.slot, link, True)
        try:
            socket.send_fds(proc.ctrl, [b"C" + bytes([link])], [conn.sock.fileno()])
        except OSError:  # the process is dying: its exit puts the connection back
            pass

    def _next_from_queue(self) -> None:
        now = time.monotonic()
        while self.queue and (proc := self._free(now)) is not None:
            self._hand(proc, self.queue.pop(0))
        self.slots.waiting = len(self.queue)

    def _take_back(self, proc: QueryProc, since: float) -> None:
        """A process has been evaluating for over STALL seconds: take back its idle connections (under
        its slot's lock, and only if that same evaluation is still running, so that the process, which
        collects the revocations under the same lock when it finishes, never reads them again)."""
        lock = self.slots.lock(proc.slot)
        if not lock.acquire(timeout=0.01):
            return
        try:
            if self.slots.evaluating_since(proc.slot) != since:
                return
            evaluating = self.slots.evaluating_link(proc.slot)
            for link, conn in list(proc.conns.items()):
                if link != evaluating and not self.slots.in_request(proc.slot, link):
                    self.slots.revoke(proc.slot, link)
                    del proc.conns[link]
                    self._keep(conn)
        finally:
            lock.release()

    def _close(self, conn: Held) -> None:
        self._unwatch(conn)
        self.conns.discard(conn)
        with contextlib.suppress(OSError):
            conn.sock.close()

    def _finish(self, conn: Held, response: bytes) -> None:
        finish(conn.sock, response)
        self._close(conn)

    def _police(self, now: float) -> None:
        """The limits: time and memory of every evaluation, deadlines of the connections held here."""
        for proc in list(self.procs.values()):
            if not proc.conns or proc.cause is not None:
                continue
            since = self.slots.evaluating_since(proc.slot)
            if not since:
                continue
            if now - since > self.limits.timeout:
                proc.kill("timeout")
            elif proc.rss() - proc.base_rss > self.limits.max_memory:
                proc.kill("memory")
            elif now - since > STALL and len(proc.conns) > 1:
                self._take_back(proc, since)
        for conn in list(self.conns):
            if now > conn.deadline:
                if conn.idle:
                    self._close(conn)  # kept open for KEEP_ALIVE seconds, and nothing came
                else:
                    self._finish(conn, TIMEOUT_408)  # new, or its head still arriving
            elif conn.repeek and now >= conn.repeek:  # a head still arriving: look again (one ioctl
                conn.repeek = 0.0                   # while nothing new came, no selector changes)
                self._peek(conn)
        if self.accept_paused and now >= self.accept_paused:
            self.accept_paused = 0.0
            self.sel.register(self.listener, selectors.EVENT_READ, self._accept)
        for conn in [c for c in self.queue if now > c.deadline]:
            self.queue.remove(conn)
            self._finish(conn, BUSY)
        self._next_from_queue()  # a process that was stuck may have finished its query

    # ---- query processes
    def _spawn(self, slot: int) -> None:
        proc = fork_query_process(self.app, self.slots, slot, self.access_log, self._forget)
        self.procs[slot] = proc
        self.sel.register(proc.ctrl, selectors.EVENT_READ, lambda _: self._from_proc(proc))
        self.sel.register(proc.pidfd, selectors.EVENT_READ, lambda _: self._exited(proc))

    def _forget(self) -> None:
        """In a new child: close every descriptor that is the supervisor's (connections, sockets, loop)."""
        signal.set_wakeup_fd(-1)
        self.sel.close()
        for sock in (self.listener, *self._wake, *(c.sock for c in self.conns), *(c.sock for c in self.queue)):
            sock.close()
        for proc in self.procs.values():
            proc.ctrl.close()
            os.close(proc.pidfd)
            for conn in proc.conns.values():
                conn.sock.close()

    def _from_proc(self, proc: QueryProc) -> None:
        try:
            message = proc.ctrl.recv(16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            message = b""
        if not message:  # it has exited: _exited deals with it
            with contextlib.suppress(KeyError, ValueError):
                self.sel.unregister(proc.ctrl)
            return
        if message == b"U":
            proc.ready, proc.base_rss = True, proc.rss()
            self.failed_starts = 0
        elif message[:1] in (b"R", b"X") and len(message) == 2 and message[1] in proc.conns:
            conn = proc.conns.pop(message[1])
            if message[:1] == b"R" and not self.stopping:
                self._keep(conn)
            else:
                self._close(conn)
        self._next_from_queue()

    def _exited(self, proc: QueryProc) -> None:
        _, status = os.waitpid(proc.pid, 0)
        for fileobj in (proc.ctrl, proc.pidfd):
            with contextlib.suppress(KeyError, ValueError):
                self.sel.unregister(fileobj)
        proc.ctrl.close()
        os.close(proc.pidfd)
        killed_by = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        how = f"signal {killed_by}" if killed_by else f"exit {os.WEXITSTATUS(status)}"
        evaluating = self.slots.evaluating_link(proc.slot) if self.slots.evaluating_since(proc.slot) else -1
        for link, conn in proc.conns.items():
            if link == evaluating:  # the query it died on: the cause is this client's answer
                answer = for_the_dead(proc.cause, killed_by, True, True, self.limits.timeout)
            else:  # another client of the same process: told to retry if it was mid-request
                answer = for_the_dead(None, None, False, self.slots.in_request(proc.slot, link), self.limits.timeout)
            if answer:
                self._finish(conn, answer)
            elif self.stopping:
                self._close(conn)
            else:  # it was idle: watch it again, its next request goes to another process
                self._keep(conn)
        if killed_by not in (None, signal.SIGKILL) or (killed_by is None and os.WEXITSTATUS(status)):
            _log.warning("query process %d ended (%s)", proc.pid, how)
        del self.procs[proc.slot]
        if not proc.ready:
            self.failed_starts += 1
            if self.failed_starts >= 3 * self.limits.workers:  # it will not start (no seccomp, say): stop
                raise GdeError(f"query processes fail to start ({self.failed_starts} in a row; the last "
                               f"ended with {how}); see the messages above")
        if not self.stopping:
            self._spawn(proc.slot)

    def _shutdown(self) -> None:
        for proc in list(self.procs.values()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
        for proc in list(self.procs.values()):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(proc.pid, 0)
            for conn in proc.conns.values():
                self._close(conn)
        for conn in [*self.conns, *self.queue]:
            self._close(conn)
        self.sel.close()
        signal.set_wakeup_fd(-1)
