"""The SPARQL GET fast path (gdegraph/server/fastpath.py) answers exactly as the full Starlette stack does.

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
from gdegraph.server.fastpath import SparqlFastPath
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


@pytest.mark.parametrize(("method", "path", "query_string", "headers"), [
    ("GET", "/sparql", b"query=ASK%7B%7D", [(b"origin", b"https://example.org")]),
    ("GET", "/sparql", b"query=ASK%7B%7D", [(b"accept-encoding", b"gzip, deflate")]),
    ("GET", "/sparql", b"query=ASK%7B%7D", [(b"accept", b"text/html,application/xhtml+xml")]),
    ("POST", "/sparql", b"query=ASK%7B%7D", []), ("HEAD", "/sparql", b"query=ASK%7B%7D", []),
    ("GET", "/sparql", b"", []), ("GET", "/sparql", b"format=x", []), ("GET", "/", b"query=ASK%7B%7D", []),
])
def test_requests_whose_answer_the_middlewares_change_take_the_full_stack(
        method: str, path: str, query_string: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    """Decided from the request alone: such a request reaches the Starlette application untouched."""
    reached: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        reached.append(scope)

    scope = {"type": "http", "method": method, "path": path, "query_string": query_string, "headers": headers}
    state = type("State", (), {"limits": None, "pool": None})()  # the fast path would fail on it: unused
    asyncio.run(SparqlFastPath(app, state)(scope, None, None))  # type: ignore[arg-type]
    assert reached == [scope]


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
