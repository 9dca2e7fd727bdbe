"""A client connection while the supervisor holds it: its deadlines, and a look at its head.

Why a look and not a read: the supervisor must not consume a byte of a
request it will not answer; the query process it hands the connection to
reads the request from the kernel itself. So the supervisor peeks
(``MSG_PEEK``), and only at bytes it has not seen: ``FIONREAD`` says how
many are waiting, so a head that arrives slowly costs one system call per
look rather than a copy of everything sent so far.
"""

from __future__ import annotations

import fcntl
import socket
import struct
import termios

from gdegraph.server.hotpath import MAX_HEAD

__all__ = ["Held"]


class Held:
    """A client connection the supervisor holds (its copy of the descriptor, always)."""

    __slots__ = ("deadline", "idle", "repeek", "seen", "sock", "watched")

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock, self.deadline = sock, deadline
        self.idle = False  #: between requests (kept open for KEEP_ALIVE), rather than new or mid-head
        self.repeek = 0.0  #: when to look again at a head still arriving (0: none is)
        self.seen = 0  #: bytes of that head already looked at
        self.watched = False

    def look(self) -> str:
        """``whole`` (a complete head is waiting), ``partial``, ``too large`` (MAX_HEAD bytes and no
        end), ``closed`` (the client has gone), or ``none`` (nothing to look at just now)."""
        try:
            waiting = struct.unpack("i", fcntl.ioctl(self.sock.fileno(), termios.FIONREAD, b"\0" * 4))[0]
            if waiting and waiting == self.seen:
                return "partial"  # nothing new since the last look
            data = self.sock.recv(min(waiting, MAX_HEAD) or 1, socket.MSG_PEEK)
        except (BlockingIOError, InterruptedError):
            return "none"
        except OSError:
            return "closed"
        if not data:
            return "closed"
        if b"\r\n\r\n" in data[max(0, self.seen - 3):]:
            self.repeek, self.seen = 0.0, 0
            return "whole"
        self.seen = len(data)
        return "too large" if len(data) >= MAX_HEAD else "partial"
