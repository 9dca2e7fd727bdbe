"""The supervisor's handle on one query process: forking it, its descriptors, its memory, killing it.

Why forked from the supervisor: the supervisor holds the built application
(the store, the page model, the renderer); a process forked from it starts
in milliseconds and shares those pages, where a spawned one would rebuild
them. The child first closes every descriptor that is the supervisor's
(``forget``), then becomes a :class:`gdegraph.server.handler.QueryProcess`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from gdegraph.server.handler import QueryProcess
from gdegraph.server.slots import Slots

__all__ = ["QueryProc", "fork_query_process", "single_threaded"]

_PAGE = os.sysconf("SC_PAGE_SIZE")


class QueryProc:
    """A query process, its control socket and the connections it holds (by link number)."""

    __slots__ = ("base_rss", "cause", "conns", "ctrl", "pid", "pidfd", "ready", "slot")

    def __init__(self, pid: int, pidfd: int, ctrl: socket.socket, slot: int) -> None:
        self.pid, self.pidfd, self.ctrl, self.slot = pid, pidfd, ctrl, slot
        self.conns: dict[int, Any] = {}  #: link number -> the supervisor's connection
        self.ready = False
        self.base_rss = 0
        self.cause: str | None = None  #: why we killed it ("timeout", "memory"), for the answer

    def rss(self) -> int:
        """Resident memory now, bytes (0 if the process is gone)."""
        try:
            with open(f"/proc/{self.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            return 0

    def kill(self, cause: str) -> None:
        """SIGKILL, remembering why (the answer the supervisor then owes the client)."""
        self.cause = cause
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)


def single_threaded(wait: float = 2.0) -> None:
    """Forking is only safe from one thread (a child gets a copy of every lock another thread held);
    a thread started while the graph was built (a progress bar's monitor) is given ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while threading.active_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    if threading.active_count() > 1:
        others = ", ".join(t.name for t in threading.enumerate() if t is not threading.main_thread())
        logging.getLogger("gdegraph.server").warning("forking query processes beside other threads: %s", others)


def fork_query_process(app: Any, slots: Slots, slot: int, access_log: bool,
                       forget: Callable[[], None]) -> QueryProc:
    """Fork a query process for ``slot`` (its slot renewed first); the parent's handle on it."""
    slots.renew(slot)
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:  # the child: drop everything of the supervisor's, then serve
        try:
            mine.close()
            forget()
            QueryProcess(app, slots, slot, theirs, access_log).run()
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(70)
    theirs.close()
    mine.setblocking(False)
    return QueryProc(pid, os.pidfd_open(pid), mine, slot)
