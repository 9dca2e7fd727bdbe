"""A bounded loopback load test of ``gdegraph serve``, and its latencies beside ``oxigraph serve``.

Only 127.0.0.1 is contacted. The load is bounded in count (3,000 requests by
8 concurrent clients) and in time (a 180 s deadline); figures go to stdout
and to tests/artifacts/*.json.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from test_server_support import Server, artifacts_dir, free_port, prepare_dist

CLIENTS = 8
REQUESTS = 3000
WARMUP = 400
DEADLINE = 180.0
GDE = "PREFIX gde: <https://w3id.org/gdegraph/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
QUERIES = [
    GDE + "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a gde:Trust }",
    GDE + "SELECT DISTINCT ?f ?name WHERE { ?p gde:exemplar <https://w3id.org/gdegraph/id/trust/RQ6> ; "
          "gde:follower ?f . ?f skos:prefLabel ?name }",
    "DESCRIBE <https://w3id.org/gdegraph/id/trust/RYJ>",
]
COMPARE_QUERY = QUERIES[1]


@pytest.fixture(scope="module")
def served(dataset) -> Iterator[tuple[Server, Path]]:
    data, dist = prepare_dist(dataset)
    with Server(data, dist) as server:
        yield server, data


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return {"n": len(ordered), "p50_ms": round(pick(0.5), 2), "p90_ms": round(pick(0.9), 2),
            "p99_ms": round(pick(0.99), 2), "max_ms": round(max(ordered) * 1000, 2)}


def plan(resources: list[str]) -> list[tuple[str, str, dict[str, str]]]:
    """A fixed, mixed list of (kind, path, params): pages, per-resource RDF, SPARQL."""
    rng = random.Random(20170911)
    requests = []
    for _ in range(REQUESTS):
        roll, resource = rng.random(), rng.choice(resources)
        if roll < 0.45:
            requests.append(("page", f"/{resource}.html", {}))
        elif roll < 0.75:
            requests.append(("rdf", f"/{resource}.{rng.choice(['ttl', 'jsonld', 'nt', 'rdf'])}", {}))
        else:
            requests.append(("sparql", "/sparql", {"query": rng.choice(QUERIES)}))
    return requests


async def run_load(server: Server, requests: list[tuple[str, str, dict[str, str]]]) -> dict[str, object]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    memory: dict[str, int] = {"before_kb": server.rss_kb()}
    queue: asyncio.Queue[tuple[int, tuple[str, str, dict[str, str]]]] = asyncio.Queue()
    for item in enumerate(requests):
        queue.put_nowait(item)
    deadline = time.monotonic() + DEADLINE

    async def client_loop(client: httpx.AsyncClient) -> None:
        while not queue.empty() and time.monotonic() < deadline:
            index, (kind, path, params) = queue.get_nowait()
            started = time.perf_counter()
            try:
                response = await client.get(path, params=params)
                ok = response.status_code == 200 and response.content
            except httpx.HTTPError as exc:
                ok, response = False, exc
            elapsed = time.perf_counter() - started
            if not ok:
                errors.append(f"{kind} {path}: {response}")
            if index >= WARMUP:
                latencies[kind].append(elapsed)
            if index == WARMUP:
                memory["after_warmup_kb"] = server.rss_kb()
            if index == (REQUESTS + WARMUP) // 2:
                memory["middle_kb"] = server.rss_kb()

    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=server.url, trust_env=False, timeout=30, limits=limits) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(CLIENTS)))
    seconds = time.perf_counter() - started
    memory["end_kb"] = server.rss_kb()
    done = sum(len(v) for v in latencies.values()) + WARMUP
    return {"clients": CLIENTS, "requests": done, "errors": errors, "seconds": round(seconds, 2),
            "requests_per_second": round(done / seconds, 1), "memory": memory,
            "latency": {kind: percentiles(values) for kind, values in sorted(latencies.items())},
            "latency_all": percentiles([v for values in latencies.values() for v in values])}


def test_mixed_load_without_errors_and_with_flat_memory(served: tuple[Server, Path]) -> None:
    server, _ = served
    with httpx.Client(base_url=server.url, trust_env=False) as client:
        home = client.get("/classes/Trust.html").text
    resources = sorted({link[3:-5] for link in home.split('href="')[1:] for link in [link.split('"')[0]]
                        if link.startswith("../id/")})
    assert len(resources) > 150
    report = asyncio.run(run_load(server, plan(resources)))
    (artifacts_dir() / "load-report.json").write_text(json.dumps(report, indent=1))
    print("\nload test:", json.dumps(report, indent=1))
    assert report["errors"] == [] and report["requests"] == REQUESTS
    memory = report["memory"]
    growth = memory["end_kb"] - memory["after_warmup_kb"]
    assert growth < max(30_000, 0.15 * memory["after_warmup_kb"]), memory


def timed(client: httpx.Client, path: str, params: dict[str, str], headers: dict[str, str], n: int) -> list[float]:
    values = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path, params=params, headers=headers)
        values.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return values


def test_latency_beside_oxigraph_serve(served: tuple[Server, Path]) -> None:
    oxigraph = Path(sys.executable).parent / "oxigraph"
    if not oxigraph.is_file():
        pytest.skip("the oxigraph command (PyPI package 'oxigraph', a test extra) is not installed")
    server, data = served
    n = 200
    with tempfile.TemporaryDirectory() as location:
        subprocess.run([str(oxigraph), "load", "--location", location, "--file", str(data)], check=True,
                       capture_output=True, timeout=120)
        port = free_port()
        process = subprocess.Popen([str(oxigraph), "serve", "--location", location, "--bind", f"127.0.0.1:{port}",
                                    "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=30) as ox:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        if ox.get("/query", params={"query": "ASK {}"}).status_code == 200:
                            break
                    except httpx.HTTPError:
                        if time.monotonic() > deadline:
                            raise
                    time.sleep(0.2)
                json_results = {"Accept": "application/sparql-results+json"}
                turtle = {"Accept": "text/turtle"}
                describe = {"query": "DESCRIBE <https://w3id.org/gdegraph/id/trust/RQ6>"}
                figures = {"oxigraph_sparql_select": percentiles(timed(ox, "/query", {"query": COMPARE_QUERY},
                                                                       json_results, n)),
                           "oxigraph_describe_turtle": percentiles(timed(ox, "/query", describe, turtle, n))}
            with httpx.Client(base_url=server.url, trust_env=False, timeout=30) as ours:
                figures["gdegraph_sparql_select"] = percentiles(timed(ours, "/sparql", {"query": COMPARE_QUERY},
                                                                      json_results, n))
                figures["gdegraph_describe_turtle"] = percentiles(timed(ours, "/sparql", describe, turtle, n))
                figures["gdegraph_page_html"] = percentiles(timed(ours, "/id/trust/RQ6.html", {}, {}, n))
                figures["gdegraph_resource_turtle"] = percentiles(timed(ours, "/id/trust/RQ6.ttl", {}, {}, n))
        finally:
            process.terminate()
            process.wait(10)
    (artifacts_dir() / "latency-vs-oxigraph.json").write_text(json.dumps(figures, indent=1))
    print("\nsequential latencies, same data and query:", json.dumps(figures, indent=1))
    assert statistics.median([figures[k]["p50_ms"] for k in figures]) < 1000
