"""What each query process and each connection it holds is doing, in memory all the processes share.

Why shared memory: the supervisor (:mod:`gdegraph.server.supervisor`) must
know, at any moment and without asking, whether a process is evaluating a
query, since when and for which of its connections (to kill it at the time
limit and answer that client itself), and whether each connection is in the
middle of a request (to say so if the process dies, and to know which idle
connections it may take back from a process stuck in a long query). A
message per request would put a round trip back on every query, the cost
this design removes; a store into a shared page costs a process well under
a microsecond and no system call.

The table is an anonymous shared mapping made before any process is forked,
so every process sees the same pages. A process writes only its own slot;
the supervisor reads, clears a slot before reusing it, and sets a link's
``revoked`` flag, which is the one field both write: that exchange happens
under the slot's lock (see :meth:`Slots.lock`). Aligned 8-byte stores are
single instructions on the machines we run on, so a reader never sees half
a value.
"""

from __future__ import annotations

import mmap
import multiprocessing
from typing import Any

__all__ = ["Slots"]

_HEAD = 2  #: words: connections waiting for a free process, draining (0/1)
_PROC = 2  #: words per process: evaluating since (CLOCK_MONOTONIC seconds, a double; 0: not), which link
_LINK = 2  #: words per link (connection held): request in progress (0/1), revoked by the supervisor (0/1)


class Slots:
    """``size`` process slots of ``links`` connections each, plus a header, in one shared mapping."""

    def __init__(self, size: int, links: int) -> None:
        self.size, self.links = size, links
        self._stride = _PROC + _LINK * links
        self._map = mmap.mmap(-1, 8 * (_HEAD + self._stride * size))  # MAP_SHARED | MAP_ANONYMOUS
        self._words = memoryview(self._map).cast("q")
        self._doubles = memoryview(self._map).cast("d")
        self._locks: list[Any] = [None] * size

    def _base(self, slot: int) -> int:
        return _HEAD + self._stride * slot

    def _link(self, slot: int, link: int) -> int:
        return _HEAD + self._stride * slot + _PROC + _LINK * link

    def renew(self, slot: int) -> None:
        """Clear a slot and give it a fresh lock, before a new process is forked for it (a process
        killed while holding the old lock would leave it held for ever)."""
        start = self._base(slot)
        self._words[start:start + self._stride] = memoryview(bytes(8 * self._stride)).cast("q")
        self._words[start + 1] = -1
        self._locks[slot] = multiprocessing.get_context("fork").Lock()

    def lock(self, slot: int) -> Any:
        """The lock under which the end of an evaluation and a revocation exclude each other."""
        return self._locks[slot]

    # written by a query process, for its own slot
    def evaluating(self, slot: int, since: float, link: int) -> None:
        base = self._base(slot)
        self._words[base + 1] = link
        self._doubles[base] = since

    def busy(self, slot: int, link: int, flag: bool) -> None:
        self._words[self._link(slot, link)] = int(flag)

    def take_revoked(self, slot: int) -> list[int]:
        """The links the supervisor has taken back, their flags cleared (under the slot's lock)."""
        taken = []
        for link in range(self.links):
            at = self._link(slot, link) + 1
            if self._words[at]:
                self._words[at] = 0
                taken.append(link)
        return taken

    # read, and revoke, by the supervisor
    def evaluating_since(self, slot: int) -> float:
        return self._doubles[self._base(slot)]

    def evaluating_link(self, slot: int) -> int:
        return self._words[self._base(slot) + 1]

    def in_request(self, slot: int, link: int) -> bool:
        return bool(self._words[self._link(slot, link)])

    def any_in_request(self, slot: int) -> bool:
        return any(self.in_request(slot, link) for link in range(self.links))

    def revoke(self, slot: int, link: int) -> None:
        self._words[self._link(slot, link) + 1] = 1

    @property
    def waiting(self) -> int:
        """Connections with a request ready and no process to take them (a process then hands an idle
        connection back as soon as its response is out, rather than keeping it for the next request)."""
        return self._words[0]

    @waiting.setter
    def waiting(self, count: int) -> None:
        self._words[0] = count

    @property
    def draining(self) -> bool:
        return bool(self._words[1])

    @draining.setter
    def draining(self, flag: bool) -> None:
        self._words[1] = int(flag)
