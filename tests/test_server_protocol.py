"""Protocol details of the public endpoint (issue 14, finding 5), through the real server on 127.0.0.1.

Empty queries, relative IRIs, draining on SIGTERM, the header read timeout,
cache validators (ETag / Last-Modified / 304) and gzip.
"""

from __future__ import annotations

import concurrent.futures
import gzip
import signal
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from test_server_support import Server, prepare_dist

SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . "
        "?d <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ?f }")  # about 2 s on the curated graph


@pytest.fixture(scope="module")
def server(dataset) -> Iterator[Server]:
    data, dist = prepare_dist(dataset)
    with Server(data, dist, "--header-timeout", "1") as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, trust_env=False, timeout=30) as c:
        yield c


def test_an_empty_query_is_400(client: httpx.Client) -> None:
    for response in (client.get("/sparql", params={"query": ""}), client.post("/sparql", data={"query": " \n"}),
                     client.post("/sparql", content=b"", headers={"Content-Type": "application/sparql-query"})):
        assert response.status_code == 400 and "empty query" in response.text, response.text


def test_relative_iris_resolve_against_the_endpoint(server: Server, client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE { BIND(<data/thing#it> AS ?x) }"})
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["x"]["value"] == f"{server.url}/data/thing#it"
    ask = client.get("/sparql", params={"query": "ASK { FILTER(<x> = <" + server.url + "/x>) }"})
    assert ask.json()["boolean"] is True


def test_a_slow_or_half_open_client_is_timed_out_without_delaying_others(server: Server,
                                                                         client: httpx.Client) -> None:
    silent = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    partial = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    partial.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers never finished
    started = time.monotonic()
    for _ in range(5):  # others are served at once meanwhile
        t0 = time.monotonic()
        assert client.get("/id/trust/RQ6.html").status_code == 200
        assert time.monotonic() - t0 < 0.5
    for sock in (silent, partial):
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
        sock.close()
        assert data.startswith(b"HTTP/1.1 408"), data
    assert 0.8 < time.monotonic() - started < 5


def test_pages_and_dumps_carry_validators_and_answer_304(client: httpx.Client) -> None:
    for path in ("/id/trust/RQ6.html", "/id/trust/RQ6.ttl", "/dumps/gdegraph.ttl", "/"):
        first = client.get(path)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert etag.startswith('"') and modified.endswith("GMT")
        again = client.get(path, headers={"If-None-Match": etag})
        assert (again.status_code, again.content) == (304, b"")
        assert again.headers["etag"] == etag
        assert client.get(path, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
        changed = client.get(path, headers={"If-None-Match": '"not-this-one"'})
        assert changed.status_code == 200 and changed.content == first.content


def test_large_text_responses_are_gzipped_when_accepted(client: httpx.Client) -> None:
    raw = client.get("/dumps/gdegraph.nt", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    plain = client.get("/dumps/gdegraph.nt", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert raw.content == plain.content  # httpx decodes; the bytes are the same file
    results = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 500"},
                         headers={"Accept-Encoding": "gzip"})
    assert results.headers["content-encoding"] == "gzip" and len(results.json()["results"]["bindings"]) == 500
    small = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers
    already = client.get("/dumps/gdegraph.nt.gz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in already.headers
    assert gzip.decompress(already.content) == plain.content


def test_sigterm_drains_running_queries_and_refuses_new_ones(dataset) -> None:
    data, dist = prepare_dist(dataset)
    with Server(data, dist, "--timeout", "20") as running, concurrent.futures.ThreadPoolExecutor(2) as pool:
        busy = httpx.Client(base_url=running.url, trust_env=False, timeout=60)
        slow = pool.submit(busy.get, "/sparql", params={"query": SLOW})
        time.sleep(0.5)
        running.process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        late = httpx.get(running.url + "/sparql", params={"query": "ASK {}"}, trust_env=False, timeout=10)
        assert late.status_code == 503 and "shutting down" in late.text
        response = slow.result()
        assert response.status_code == 200, response.text
        assert int(response.json()["results"]["bindings"][0]["n"]["value"]) > 1_000_000
        running.process.wait(20)  # and then it stops by itself
        busy.close()
