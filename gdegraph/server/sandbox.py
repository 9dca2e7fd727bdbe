"""What a query process may not do, enforced by the kernel rather than by our code.

The policy (:mod:`gdegraph.server.policy`) refuses ``SERVICE`` and remote
``FROM`` before a query runs, but it is a parser reading text another parser
(pyoxigraph's) will run; the two once disagreed on where a comment ends and a
``SERVICE`` got through. So the query processes, which read every request
and run every query, are also made *unable* to reach the network, whatever
the query says:

* :func:`deny_network` installs a seccomp filter (libseccomp, through the
  ``pyseccomp`` ctypes binding) that kills the process on ``socket()`` of
  any address family, and on ``connect``, ``bind``, ``listen``, ``accept``
  and io_uring (which can open sockets without ``socket()``). A query process needs
  no new socket once it has started: its control channel is a socket pair
  made by the supervisor, and its clients' connections arrive over it as
  descriptors (accepted by the supervisor). Killed by ``SIGSYS``, its death
  tells the supervisor exactly what happened; it answers the client with
  the ``SERVICE`` refusal and forks a replacement.
* :func:`limit_memory` sets ``RLIMIT_AS``: an allocation past the cap fails
  (Rust aborts the process, Python raises ``MemoryError``), so one query can
  never take the host's memory.

Both are applied when the process starts, before its first connection, and
cannot be lifted by the process afterwards (seccomp filters are permanent;
the hard limit is lowered too).
"""

from __future__ import annotations

import resource
import signal
from typing import Any

__all__ = ["NETWORK_CALLS", "NETWORK_SIGNAL", "deny_network", "limit_memory", "seccomp_module"]

#: The signal that kills a query process that tried to open a socket.
NETWORK_SIGNAL = signal.SIGSYS


def seccomp_module() -> Any:
    """libseccomp's Python API through pyseccomp (ctypes, any Python; the declared dependency).

    Debian's python3-seccomp has the same API but is built for the system Python only, so a
    virtual environment cannot rely on it."""
    import pyseccomp  # type: ignore[import-untyped]

    return pyseccomp


#: Calls that make or reuse a network endpoint; a query process needs none of them (its clients'
#: connections arrive already accepted, its control channel is a socket pair made before the filter).
#: ``connect`` matters beyond ``socket``: ``connect(AF_UNSPEC)`` dissolves a client's connection and a
#: second ``connect`` would turn it into an outbound one.
NETWORK_CALLS = ("socket", "connect", "bind", "listen", "accept", "accept4", "io_uring_enter",
                 "io_uring_register")


def deny_network() -> None:
    """Kill this process if it ever creates, connects or listens on a socket (raises if the filter
    cannot be installed). Call it before an event loop exists: ``io_uring_setup`` is answered
    ``ENOSYS``, so libuv (uvloop) makes no io_uring ring, whose operations seccomp could not see (an
    ``IORING_OP_CONNECT`` would pass any filter); ``io_uring_enter`` on a ring made earlier is fatal."""
    import errno

    seccomp = seccomp_module()
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for call in NETWORK_CALLS:
        rules.add_rule(seccomp.KILL_PROCESS, call)
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "io_uring_setup")
    rules.load()


def limit_memory(max_bytes: int) -> None:
    """Cap this process's address space at ``max_bytes`` (soft and hard limit)."""
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
