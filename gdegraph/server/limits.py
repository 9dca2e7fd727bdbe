"""The server's limits, in one place, with the defaults ``gdegraph serve`` documents.

A public SPARQL endpoint is a way for anyone to spend the server's CPU and
memory; every way of spending them has a cap here, and each cap is proven by
a test (tests/test_server_safety.py).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


@dataclass(frozen=True)
class Limits:
    """Caps on one request; ``workers`` is how many queries may run at once (one per query process)."""

    timeout: float = 10.0  #: seconds a query may run (or wait for a worker) before it is stopped
    max_rows: int = 10_000  #: solutions or triples returned; more are cut, with a response header
    max_query_length: int = 20_000  #: characters of query text
    max_body: int = 65_536  #: bytes of a POST body
    #: query processes, each serving a few connections and evaluating their queries (gdegraph.server.handler)
    workers: int = 2
    #: bytes a query process may grow by while evaluating (resident memory, and its address space is
    #: capped that far above where it started): two at once and the shared pages fit a 2 GB host
    max_memory: int = 512 * 2**20
    max_response_bytes: int = 50_000_000  #: bytes of one SPARQL response body
    max_nesting: int = 64  #: levels of { }, ( ) and [ ] in a query
    header_timeout: float = 10.0  #: seconds a client may take to send a request's headers
    write_timeout: float = 30.0  #: seconds a client may leave an answer unread before it is cut off

    def __post_init__(self) -> None:
        if (self.timeout <= 0 or self.max_rows < 1 or self.max_query_length < 1 or self.max_body < 1
                or self.max_memory < 64 * 2**20 or self.max_response_bytes < 1 or self.max_nesting < 1
                or self.header_timeout <= 0 or self.write_timeout <= 0):
            raise ValueError("every limit must be positive, and the memory cap at least 64 MiB")
        if self.workers < 1:
            raise ValueError("at least one query process is needed")
