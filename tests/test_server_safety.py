"""Each safety property of the SPARQL endpoint and the file serving, proven against a running server.

The server runs with small limits (2 s per query, 50 rows, 2000-character
queries, 4 KiB bodies) so every limit can be hit quickly.
"""

from __future__ import annotations

import concurrent.futures
import select
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from test_server_support import UPDATES, Server, alive, prepare_dist

TIMEOUT = 2.0
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(dataset) -> Iterator[Server]:
    data, dist = prepare_dist(dataset)
    with Server(data, dist, "--timeout", str(TIMEOUT), "--max-rows", "50", "--max-query-length", "2000",
                "--max-body", "4096", "--workers", "3") as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, trust_env=False, timeout=60) as c:
        yield c


def count(client: httpx.Client) -> int:
    return int(client.get("/sparql", params={"query": COUNT}).json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_in_every_protocol_shape(client: httpx.Client, update: str) -> None:
    before = count(client)
    attempts = [
        client.get("/sparql", params={"query": update}),
        client.get("/sparql", params={"update": update}),
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", data={"query": update}),
        client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-query"}),
    ]
    for response in attempts:
        assert response.status_code == 403, response.text
        assert "read-only" in response.text
    assert count(client) == before


def test_keywords_inside_strings_and_comments_are_not_mistaken(client: httpx.Client) -> None:
    query = 'SELECT ?x WHERE { BIND("INSERT DATA { } SERVICE <http://x/> LOAD" AS ?x) } # DELETE WHERE'
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["x"]["value"].startswith("INSERT DATA")


def assert_never_contacted(sock: socket.socket) -> None:
    time.sleep(0.5)
    readable, _, _ = select.select([sock], [], [], 0.5)
    assert not readable, "the server connected to the 'remote' listener"


def test_service_and_remote_graphs_are_refused_without_any_connection(client: httpx.Client,
                                                                      listener: socket.socket) -> None:
    remote = f"http://127.0.0.1:{listener.getsockname()[1]}"
    cases = {
        f"SELECT * WHERE {{ SERVICE <{remote}/sparql> {{ ?s ?p ?o }} }}": 403,
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE SILENT <{remote}/sparql> {{ ?s ?p ?o }} }} }}": 403,
        f"PREFIX r: <{remote}/> SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE r:sparql {{ ?s ?p ?o }} }} }}": 403,
        f"SELECT * FROM <{remote}/graph.ttl> WHERE {{ ?s ?p ?o }}": 400,
        f"PREFIX r: <{remote}/> SELECT * FROM NAMED r:graph WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}": 400,
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{remote}/g> WHERE {{ ?s ?p ?o }}": 400,
    }
    for query, status in cases.items():
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == status, (query, response.text)
        assert "never fetches" in response.text
    for param in ("default-graph-uri", "named-graph-uri"):
        response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", param: f"{remote}/g"})
        assert response.status_code == 400
    assert_never_contacted(listener)


def test_fast_path_keeps_every_refusal(client: httpx.Client, listener: socket.socket) -> None:
    """Plain queries skip rdflib's parse (gdegraph.server.policy); refusals and their messages stay the same."""
    remote = f"http://127.0.0.1:{listener.getsockname()[1]}"
    read_only = ("this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ...) "
                 "are refused\n")
    for update in ("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:fast> }", f"load <{remote}/data.ttl>"):
        response = client.get("/sparql", params={"query": update})
        assert (response.status_code, response.text) == (403, read_only)
    for query in (f"select * where {{ service <{remote}/sparql> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ SERVI\\u0043E <{remote}/sparql> {{ ?s ?p ?o }} }}"):
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 403 and "never fetches" in response.text, (query, response.text)
    for query in ('SELECT ?x WHERE { BIND("SERVICE <http://x/>" AS ?x) }', "ASK { ?s ?p ?o } # SERVICE <http://x/>",
                  'SELECT ?x WHERE { BIND("INSERT DATA" AS ?x) }'):
        assert client.get("/sparql", params={"query": query}).status_code == 200, query
    assert_never_contacted(listener)


def test_local_named_graphs_may_be_chosen(client: httpx.Client, dataset) -> None:
    from rdflib import URIRef

    seed = "https://w3id.org/gdegraph/graph/seed-000"
    expected = len(dataset.graph(URIRef(seed)))
    by_from = client.get("/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{seed}> WHERE {{ ?s ?p ?o }}"})
    by_param = client.get("/sparql", params={"query": COUNT, "default-graph-uri": seed})
    for response in (by_from, by_param):
        assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == expected


def test_runaway_query_is_stopped_while_other_requests_are_served(server: Server, client: httpx.Client) -> None:
    workers_before = server.workers()
    assert len(workers_before) == 3
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        started = time.monotonic()
        runaway = pool.submit(client.get, "/sparql", params={"query": RUNAWAY})
        time.sleep(0.3)
        latencies = []
        for i in range(10):  # pages and a quick query on the other worker, while the runaway runs
            t0 = time.monotonic()
            assert client.get("/id/trust/RQ6.html").status_code == 200
            query = f"ASK {{ ?s ?p ?o }} # {i}: a new text each time, so no cached answer"
            assert client.get("/sparql", params={"query": query}).status_code == 200
            latencies.append(time.monotonic() - t0)
        response = runaway.result()
        elapsed = time.monotonic() - started
    assert response.status_code == 503 and "time limit" in response.text
    assert TIMEOUT <= elapsed < TIMEOUT + 5
    assert max(latencies) < 1.0, latencies
    killed = [pid for pid in workers_before if not alive(pid)]
    assert len(killed) == 1, "the runaway's worker process was killed"
    deadline = time.monotonic() + 60
    while len(server.workers()) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(server.workers()) == 3, "a replacement worker was started"
    assert count(client) > 10_000


def test_two_runaways_at_once_do_not_stop_pages(server: Server, client: httpx.Client) -> None:
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        runaways = [pool.submit(client.get, "/sparql", params={"query": RUNAWAY}) for _ in range(2)]
        time.sleep(0.3)
        t0 = time.monotonic()
        assert client.get("/").status_code == 200 and client.get("/id/trust/RYJ.ttl").status_code == 200
        assert time.monotonic() - t0 < 1.0
        assert [r.result().status_code for r in runaways] == [503, 503]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if client.get("/sparql", params={"query": f"ASK {{}} # {time.monotonic_ns()}"}).status_code == 200:
            break
        time.sleep(0.3)
    assert count(client) > 10_000


def test_result_rows_are_capped(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(response.json()["results"]["bindings"]) == 50
    assert "50" in response.headers["gdegraph-truncated"]
    construct = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                           headers={"Accept": "application/n-triples"})
    assert len(construct.text.strip().splitlines()) == 50 and "gdegraph-truncated" in construct.headers
    small = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
    assert "gdegraph-truncated" not in small.headers


def test_query_length_and_body_size_are_capped(client: httpx.Client) -> None:
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 2000
    assert client.get("/sparql", params={"query": long_query}).status_code == 413
    assert client.post("/sparql", data={"query": long_query}).status_code == 413
    body = b"query=" + b"x" * 5000
    response = client.post("/sparql", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413 and "4096" in response.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap must hold while reading
        for _ in range(10):
            yield b"x" * 1000
    streamed = client.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert streamed.status_code == 413


def raw_get(server: Server, target: str) -> tuple[int, bytes]:
    """Send a request line exactly as given (no client-side path normalisation)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


def test_no_path_traversal(server: Server) -> None:
    targets = ["/dumps/../pyproject.toml", "/dumps/%2e%2e/pyproject.toml", "/dumps/..%2fsite.py",
               "/static/..%2f..%2fgdegraph%2fsite.py", "/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
               "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/id/../../../etc/passwd", "/dumps/%2fetc%2fpasswd",
               "/network/..%2f..%2fdist%2fvoid.ttl", "/static/site.css%00.py", "//etc/passwd"]
    for target in targets:
        status, data = raw_get(server, target)
        assert status in (400, 404), (target, status)
        assert b"[build-system]" not in data and b"root:" not in data and b"import " not in data, target
    assert raw_get(server, "/static/site.css")[0] == 200


def test_malformed_query_gives_400_with_the_parsers_message(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELEC * WHERE { ?s ?p ?o }"})
    assert response.status_code == 400
    assert response.text.startswith("malformed query:") and "Expected" in response.text
    assert client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "}).status_code == 400
