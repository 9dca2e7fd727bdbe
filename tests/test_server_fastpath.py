"""The SPARQL GET hot path (gdegraph/server/hotpath.py) answers exactly as the full Starlette stack does.

Through the real server: each request is sent twice with http.client (headers in the order sent,
nothing added), once plain (the fast path takes it) and once with ``Accept-Encoding: gzip`` (the
full stack takes it; every answer here is under the gzip threshold, so gzip changes nothing). The
two must agree on status, every header in order, and the bytes. The different ``Accept-Encoding``
also keeps the replay cache from answering the second from the first.
"""

from __future__ import annotations

import asyncio
import http.client
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from gdegraph.server.app import GZIP_MINIMUM
from gdegraph.server.hotpath import HotPath
from test_server_support import Server, prepare_dist

PREFIX = "PREFIX gde: <https://w3id.org/gdegraph/def#> "
JSON, XML, CSV = "application/sparql-results+json", "application/sparql-results+xml", "text/csv"
CASES = [  # (query string parameters, Accept)
    ({"query": PREFIX + "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a gde:Trust }"}, JSON),
    ({"query": PREFIX + "SELECT ?t WHERE { ?t a gde:Trust } ORDER BY ?t LIMIT 3"}, XML),
    ({"query": PREFIX + "SELECT ?t WHERE { ?t a gde:Trust } ORDER BY ?t LIMIT 3"}, CSV),
    ({"query": PREFIX + "SELECT ?t WHERE { ?t a gde:Trust } ORDER BY ?t"}, JSON),  # cut at --max-rows
    ({"query": PREFIX + "ASK { ?t a gde:Trust }"}, None),
    ({"query": PREFIX + "CONSTRUCT { ?p gde:exemplar ?e } WHERE { ?p gde:exemplar ?e } LIMIT 2"}, "text/turtle"),
    ({"query": PREFIX + "SELECT ?t WHERE { ?t a gde:Trust } LIMIT 1"}, "image/png"),  # 406
    ({"query": "SELECT * WHERE { ?s ?p ?o . SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}, JSON),  # 403
    ({"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, JSON),  # 403
    ({"query": "SELECT {"}, JSON),  # 400 from the parser
    ({"query": ""}, JSON),  # empty: 400
    ({"query": "SELECT * WHERE " + "{" * 100 + "}" * 100}, JSON),  # nesting: 400
    ({"query": "SELECT * WHERE { ?s ?p ?o } #" + "x" * 20_000}, JSON),  # too long: 413
    ({"update": "DELETE WHERE { ?s ?p ?o }"}, JSON),  # 403
    ({"query": PREFIX + "SELECT ?t WHERE { ?t a gde:Trust } LIMIT 1",
      "default-graph-uri": "https://w3id.org/gdegraph/graph/refdata"}, JSON),
    ({"query": PREFIX + "SELECT ?t WHERE { ?t a gde:Trust } LIMIT 1", "named-graph-uri": "http://example.org/g"}, JSON),
    ({"query": "SELECT ?x WHERE { BIND(<rel> AS ?x) }"}, JSON),  # relative IRI: the endpoint's base
]


@pytest.fixture(scope="module")
def server(dataset: Any) -> Iterator[Server]:
    data, dist = prepare_dist(dataset)
    with Server(data, dist, "--max-rows", "3") as running:
        yield running


def _get(server: Server, target: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", target, headers=headers)
        response = conn.getresponse()
        body = response.read()
        return response.status, [(k.lower(), v) for k, v in response.getheaders() if k.lower() != "date"], body
    finally:
        conn.close()


@pytest.mark.parametrize(("params", "accept"), CASES)
def test_the_fast_path_answers_as_the_full_stack(server: Server, params: dict[str, str], accept: str | None) -> None:
    target = "/sparql?" + urllib.parse.urlencode(params)
    headers = {"Accept": accept} if accept else {}
    fast = _get(server, target, {**headers, "Accept-Encoding": "identity"})
    full = _get(server, target, {**headers, "Accept-Encoding": "gzip"})
    assert len(fast[2]) < GZIP_MINIMUM  # so gzip leaves the full stack's answer as it is
    assert fast == full
    assert ("x-content-type-options", "nosniff") in fast[1]
    assert [v for k, v in fast[1] if k == "vary"][0].endswith("Origin")


def test_the_answers_are_the_expected_ones(server: Server) -> None:
    """Not merely equal: right (a count, a truncation header, refusals by status)."""
    statuses = [_get(server, "/sparql?" + urllib.parse.urlencode(p), {"Accept": a} if a else {})[0] for p, a in CASES]
    assert statuses == [200, 200, 200, 200, 200, 200, 406, 403, 403, 400, 400, 400, 413, 403, 200, 400, 200]
    status, headers, body = _get(server, "/sparql?" + urllib.parse.urlencode(CASES[3][0]), {"Accept": JSON})
    assert ("gdegraph-truncated", "results cut at 3 rows") in headers and body.count(b'"uri"') == 3


class _Recorder(asyncio.Protocol):
    """Stands in for uvicorn's protocol: records what it is handed."""

    def __init__(self) -> None:
        self.data = b""

    def connection_made(self, transport: Any) -> None:
        pass

    def data_received(self, data: bytes) -> None:
        self.data += data


class _Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.protocol: Any = None
        self.written = b""

    def set_protocol(self, protocol: Any) -> None:
        self.protocol = protocol

    def write(self, data: Any) -> None:
        self.written += bytes(data)

    def is_closing(self) -> bool:
        return False


@pytest.mark.parametrize("request_bytes", [
    b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nOrigin: https://example.org\r\n\r\n",
    b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, deflate\r\n\r\n",
    b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nAccept: text/html,application/xhtml+xml\r\n\r\n",
    b"POST /sparql?query=ASK%7B%7D HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
    b"HEAD /sparql?query=ASK%7B%7D HTTP/1.1\r\n\r\n",
    b"GET /sparql HTTP/1.1\r\n\r\n", b"GET /sparql?format=x HTTP/1.1\r\n\r\n",
    b"GET /?query=ASK%7B%7D HTTP/1.1\r\n\r\n",
    b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
    b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
    b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
    b"GARBAGE\r\n\r\n",
])
def test_requests_whose_answer_the_middlewares_change_take_the_full_stack(request_bytes: bytes) -> None:
    """Decided from the request head alone: such a request reaches uvicorn's protocol byte for byte,
    with whatever followed it, and nothing is written by the hot path."""
    recorder = _Recorder()

    class Owner:
        state = None  # the hot path would fail on it: unused
        header_timeout, access_log = 10.0, False

        def request_started(self) -> None: ...
        def request_ended(self) -> None: ...
        def closed(self) -> None: ...
        def idle(self, transport: Any) -> None: ...
        def writes_paused(self, transport: Any) -> None: ...

        def fallback(self) -> Any:
            return recorder

    async def scenario() -> _Transport:
        transport = _Transport()
        hot = HotPath(Owner())  # type: ignore[arg-type]
        hot.connection_made(transport)
        hot.data_received(request_bytes + b"GET /next HTTP/1.1\r\n")
        return transport

    transport = asyncio.run(scenario())
    assert transport.protocol is recorder and transport.written == b""
    assert recorder.data == request_bytes + b"GET /next HTTP/1.1\r\n"


def test_a_large_answer_carries_the_full_stacks_vary_header(server: Server) -> None:
    """From GZIP_MINIMUM bytes up the full stack adds ``Vary: Accept-Encoding`` even when it does not
    compress (the answer would be compressed for a client that accepts gzip), so the fast path must too;
    otherwise a shared cache would hand a gzip-compressed copy to a client that cannot read it."""
    import gzip

    query = 'SELECT ?x WHERE { BIND("' + "x" * (2 * GZIP_MINIMUM) + '" AS ?x) }'
    target = "/sparql?" + urllib.parse.urlencode({"query": query})
    fast = _get(server, target, {"Accept": JSON, "Accept-Encoding": "identity"})
    full = _get(server, target, {"Accept": JSON, "Accept-Encoding": "gzip"})
    assert fast[0] == full[0] == 200 and len(fast[2]) >= GZIP_MINIMUM
    assert gzip.decompress(full[2]) == fast[2]
    unzipped = [(k, str(len(fast[2])) if k == "content-length" else v) for k, v in full[1] if k != "content-encoding"]
    assert fast[1] == unzipped
    assert ("vary", "Accept, Accept-Encoding, Origin") in fast[1]


def test_a_repeated_header_cannot_poison_the_replay_cache(server: Server) -> None:
    """The answer follows the first ``Accept`` (as Starlette reads headers); the replay cache must not
    file it under another one, or every later client asking for that one would get this answer."""
    target = "/sparql?" + urllib.parse.urlencode({"query": PREFIX + "ASK { ?t a gde:Trust } # poison"})
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.putrequest("GET", target)
        conn.putheader("Accept", CSV)
        conn.putheader("Accept", JSON)
        conn.endheaders()
        first = conn.getresponse()
        first.read()
    finally:
        conn.close()
    assert first.getheader("content-type", "").startswith("text/csv")
    status, headers, body = _get(server, target, {"Accept": JSON})
    assert status == 200 and dict(headers)["content-type"] == JSON and body.startswith(b"{")
