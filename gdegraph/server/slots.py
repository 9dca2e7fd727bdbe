"""What each query process is doing, in memory the supervisor and the processes share.

Why shared memory: the supervisor (:mod:`gdegraph.server.supervisor`) must
know, at any moment and without asking, whether a process is evaluating a
query and since when (to kill it at the time limit and answer the client
itself), and whether it is in the middle of a request (to say so if the
process dies). A message per request would put a round trip back on every
query, the cost this design removes; a store into a shared page costs a
process well under a microsecond and no system call.

The table is an anonymous shared mapping made before any process is forked,
so every process sees the same pages. Each slot belongs to one process and
is written only by it (the supervisor clears a slot before reusing it); the
supervisor only reads. Aligned 8-byte stores are single instructions on the
machines we run on, so a reader never sees half a value.
"""

from __future__ import annotations

import mmap
import struct

__all__ = ["Slots"]

#: evaluating since (CLOCK_MONOTONIC seconds, 0: not evaluating), request in progress (0/1), spare
_SLOT = struct.Struct("=dqq")
#: the header: connections waiting for a free process, draining (0/1)
_HEAD = struct.Struct("=qq")


class Slots:
    """``size`` slots plus a header, in one shared anonymous mapping (inherited across ``fork``)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._map = mmap.mmap(-1, _HEAD.size + _SLOT.size * size)  # MAP_SHARED | MAP_ANONYMOUS
        self._view = memoryview(self._map).cast("q")  # every field is 8 bytes: index by field
        self._doubles = memoryview(self._map).cast("d")

    def _base(self, slot: int) -> int:
        return (_HEAD.size + _SLOT.size * slot) // 8

    # written by a query process, for its own slot
    def evaluating(self, slot: int, since: float) -> None:
        self._doubles[self._base(slot)] = since

    def busy(self, slot: int, flag: bool) -> None:
        self._view[self._base(slot) + 1] = int(flag)

    # read (and reset) by the supervisor
    def evaluating_since(self, slot: int) -> float:
        return self._doubles[self._base(slot)]

    def in_request(self, slot: int) -> bool:
        return bool(self._view[self._base(slot) + 1])

    def clear(self, slot: int) -> None:
        base = self._base(slot)
        self._doubles[base] = 0.0
        self._view[base + 1] = 0

    @property
    def waiting(self) -> int:
        """Connections with a request ready and no process to take them (a process then hands its
        connection back as soon as its response is out, rather than keeping it for the next request)."""
        return self._view[0]

    @waiting.setter
    def waiting(self, count: int) -> None:
        self._view[0] = count

    @property
    def draining(self) -> bool:
        return bool(self._view[1])

    @draining.setter
    def draining(self, flag: bool) -> None:
        self._view[1] = int(flag)
