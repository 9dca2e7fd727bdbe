"""The public endpoint against hostile queries and faults (issue 14), through the real server on 127.0.0.1.

* No outbound connection in any spelling of SERVICE, FROM or LOAD (a corpus
  of obfuscations against a local listener), refusals worded the same
  whatever they name; and the sandbox alone stops a worker's socket.
* Memory and response size are capped with the default limits, and the
  server's whole process tree stays under 1.5 GB.
* Over-deep nesting is refused before the engine.
* Workers come back after being killed, even if the temporary folder is emptied.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_server_support import Server, alive, prepare_dist

GIB = 2**30


@pytest.fixture(scope="module")
def tmpdir_for_server() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="gdegraph-hostile-tmp-") as tmp:
        yield Path(tmp)


@pytest.fixture(scope="module")
def server(dataset, tmpdir_for_server: Path) -> Iterator[Server]:
    """Default limits (memory, response size, nesting), a short time limit; TMPDIR of its own."""
    data, dist = prepare_dist(dataset)
    with Server(data, dist, "--timeout", "10", "--workers", "2", env={"TMPDIR": str(tmpdir_for_server)}) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, trust_env=False, timeout=60) as c:
        yield c


def connections(sock: socket.socket) -> int:
    """How many connections reached the listener (accepting and closing each)."""
    time.sleep(0.3)
    count = 0
    while select.select([sock], [], [], 0.2)[0]:
        conn, _ = sock.accept()
        conn.close()
        count += 1
    return count


def corpus(url: str) -> list[tuple[str, str]]:
    """(kind, query): at least 30 spellings of SERVICE, FROM and LOAD aimed at ``url``."""
    host = url.split("//", 1)[1].split("/", 1)[0]
    pattern = "{ ?s ?p ?o }"
    svc = [
        f"SELECT * WHERE {{ ?x ?y ?z # note\r SERVICE <{url}> {pattern}\n }}",  # the CR comment of issue 14
        f"SELECT * WHERE {{ ?x ?y ?z # note\r\n SERVICE <{url}> {pattern} }}",
        f"SELECT * WHERE {{ ?x ?y ?z # a\x0c SERVICE <{url}> {pattern}\n SERVICE <{url}> {pattern} }}",
        f"SELECT * WHERE {{ ?x ?y ?z # a\x85 b\n SERVICE <{url}> {pattern} }}",
        f"SELECT * WHERE {{ ?x ?y ?z # a\u2028 b\n SERVICE <{url}> {pattern} }}",
        f"SELECT * WHERE {{ ?x ?y ?z #\\u000D SERVICE <{url}> {pattern}\n }}",  # a CR spelled as an escape
        f"SELECT * WHERE {{ ?x ?y ?z . SERVI\\u0043E <{url}> {pattern} }}",
        f"SELECT * WHERE {{ ?x ?y ?z . \\U00000053ERVICE <{url}> {pattern} }}",
        f"SELECT * WHERE {{ ?x ?y ?z . SERVICE <\\u0068ttp://{host}/sparql> {pattern} }}",
        f"SELECT * WHERE {{ ?x ?y ?z . sErViCe SILENT <{url}> {pattern} }}",
        f"select * where {{ ?x ?y ?z . service <{url}> {pattern} }}",
        f"PREFIX r: <http://{host}/> SELECT * WHERE {{ ?x ?y ?z . SERVICE r:sparql {pattern} }}",
        f"BASE <http://{host}/> SELECT * WHERE {{ ?x ?y ?z . SERVICE <sparql> {pattern} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) ?x ?y ?z . SERVICE ?e {pattern} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {pattern} }}",
        f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <{url}> {pattern} }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z FILTER EXISTS {{ SERVICE <{url}> {pattern} }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z FILTER NOT EXISTS {{ SERVICE SILENT <{url}> {pattern} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {pattern} }} LIMIT 1 }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z MINUS {{ SERVICE <{url}> {pattern} }} }}",
        f"SELECT * WHERE {{ {{ ?x ?y ?z }} UNION {{ SERVICE <{url}> {pattern} }} }}",
        f"ASK {{ SERVICE <{url}> {pattern} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {pattern} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {pattern} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ ?x ?y ?z }} SERVICE <{url}> {pattern} }}",
        f"SELECT * WHERE {{ ?x ?y ?z . SERVICE\t<{url}>\n{pattern} }}",
        f"SELECT * WHERE {{ ?x ?y ?z . SERVICE/**/<{url}> {pattern} }}",
        f"SELECT * WHERE {{ ?x ?y ?z . SERV\u0131CE <{url}> {pattern} }}",  # dotless i: SERVICE to str.upper
    ]
    frm = [
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * FRO\\u004D <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * # x\r FROM <{url}>\n WHERE {{ ?s ?p ?o }}",
        f"PREFIX r: <http://{host}/> ASK FROM r:g {{ ?s ?p ?o }}",
        f"CONSTRUCT {{ ?s ?p ?o }} from <{url}> WHERE {{ ?s ?p ?o }}",
        f"DESCRIBE ?s FROM <{url}> WHERE {{ ?s ?p ?o }}",
    ]
    load = [
        f"LOAD <{url}>",
        f"load silent <{url}> INTO GRAPH <urn:x:g>",
        f"SELECT * WHERE {{ ?s ?p ?o }} # x\r LOAD <{url}>\n",
        f"LO\\u0041D <{url}>",
    ]
    return [("service", q) for q in svc] + [("from", q) for q in frm] + [("load", q) for q in load]


def test_no_spelling_of_service_from_or_load_makes_a_connection(client: httpx.Client, listener: socket.socket) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    cases = corpus(url)
    assert len(cases) >= 30
    answers: dict[str, set[tuple[int, str]]] = {}
    for kind, query in cases:
        response = client.post("/sparql", data={"query": query})
        assert response.status_code in (400, 403), (query, response.status_code, response.text)
        if kind != "service" or "never fetches" in response.text:
            answers.setdefault(kind, set()).add((response.status_code, response.text))
        assert connections(listener) == 0, f"the server connected to the listener for: {query!r}"
    # every refusal of one kind has the same words, whatever it names
    assert len(answers["service"]) == 1 and len(answers["from"]) == 1, answers
    read_only = {(status, text) for status, text in answers["load"] if status == 403}
    assert len(read_only) == 1 and "read-only" in read_only.pop()[1]


def test_refusals_do_not_tell_open_ports_from_closed(client: httpx.Client, listener: socket.socket) -> None:
    open_port = listener.getsockname()[1]
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    texts = set()
    for port in (open_port, closed_port, 9):
        for query in (f"SELECT * WHERE {{ ?x ?y ?z # n\r SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }}\n }}",
                      f"SELECT * FROM <http://127.0.0.1:{port}/g> WHERE {{ ?s ?p ?o }}"):
            response = client.get("/sparql", params={"query": query})
            texts.add((query.split()[2] == "FROM", response.status_code, response.text))
    assert len(texts) == 2, texts
    assert connections(listener) == 0


SANDBOXED = """
import sys, pyoxigraph
from gdegraph.server.sandbox import deny_network
store = pyoxigraph.Store()
store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("urn:a"), pyoxigraph.NamedNode("urn:b"), pyoxigraph.NamedNode("urn:c")))
deny_network()
print("sandboxed", flush=True)
list(store.query("SELECT * WHERE { ?a ?b ?c SERVICE <" + sys.argv[1] + "> { ?s ?p ?o } }"))
print("ran")
"""


def test_the_sandbox_alone_stops_a_worker_connecting(listener: socket.socket) -> None:
    """No policy at all: pyoxigraph asked to federate, in a process under deny_network(), is killed."""
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    done = subprocess.run([sys.executable, "-c", SANDBOXED, url], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout == "sandboxed\n", done.stderr
    assert done.returncode == -signal.SIGSYS
    assert connections(listener) == 0


REUSED = """
import ctypes, os, socket, struct, sys
from gdegraph.server.sandbox import deny_network
listener = socket.socket(); listener.bind(("127.0.0.1", 0)); listener.listen()
client = socket.create_connection(listener.getsockname())  # a client connection, as a query process holds one
peer, _ = listener.accept()
deny_network()
print("sandboxed", flush=True)
libc = ctypes.CDLL(None, use_errno=True)
unspec = struct.pack("H14x", socket.AF_UNSPEC)
libc.connect(client.fileno(), unspec, len(unspec))  # dissolve the association...
target = struct.pack("H", socket.AF_INET) + struct.pack("!H4s8x", int(sys.argv[1]), socket.inet_aton("127.0.0.1"))
libc.connect(client.fileno(), target, len(target))  # ...and reuse the socket to connect out
print("connected")
"""


def test_the_sandbox_stops_a_client_connection_being_reused_to_connect_out(listener: socket.socket) -> None:
    """Regression: socket() was the only call refused, and connect(AF_UNSPEC) then connect() on a socket
    the process already holds made an outbound connection."""
    done = subprocess.run([sys.executable, "-c", REUSED, str(listener.getsockname()[1])], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.stdout == "sandboxed\n", done.stderr
    assert done.returncode == -signal.SIGSYS
    assert connections(listener) == 0


def test_workers_run_sandboxed(server: Server) -> None:
    for pid in server.workers():
        status = Path(f"/proc/{pid}/status").read_text()
        assert "Seccomp:\t2" in status, "a worker runs without its seccomp filter"
        rings = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir() if "io_uring" in os.readlink(fd)]
        assert not rings, "an io_uring ring (made before the filter) would let the process connect out unseen"
        limits = Path(f"/proc/{pid}/limits").read_text()
        line = next(x for x in limits.splitlines() if x.startswith("Max address space"))
        soft, hard = (int(v) for v in line.split()[3:5])  # bytes: where the process started, plus --max-memory
        assert soft == hard and 512 * 2**20 < soft < 512 * 2**20 + 2**30, line


class TreeMemory:
    """Samples the resident memory of the server and its workers every 50 ms; keeps the peak."""

    def __init__(self, server: Server) -> None:
        self.server, self.peak, self.stop = server, 0, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, self.server.rss_kb() * 1024)
            time.sleep(0.05)

    def __enter__(self) -> TreeMemory:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def doubling(times: int, project: str = "*") -> str:
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(1, times))
    return f"SELECT {project} WHERE {{ ?s ?p ?o . BIND(CONCAT(STR(?s), STR(?s)) AS ?x1) {binds} }}"


def unique_ask() -> str:
    """An ASK no earlier request has sent (so no cached answer: a worker must run it)."""
    return f"ASK {{ ?s ?p ?o }} # {time.monotonic_ns()}"


def wait_for_workers(server: Server, client: httpx.Client, count: int = 2) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(server.workers()) == count and client.get("/sparql", params={"query": unique_ask()}).status_code == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"the workers did not come back: {server.workers()}\n{server.output()[-3000:]}")


@pytest.mark.parametrize("query", [doubling(14),
                                   "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"],
                         ids=["string-doubling", "cross-product-ordered"])
def test_memory_is_capped_and_the_tree_stays_under_1_5_gb(server: Server, client: httpx.Client, query: str) -> None:
    before = server.workers()
    with TreeMemory(server) as memory:
        started = time.monotonic()
        response = client.get("/sparql", params={"query": query})
        elapsed = time.monotonic() - started
    assert response.status_code == 503, response.text[:300]
    assert "memory" in response.text or "time limit" in response.text, response.text
    assert memory.peak < 1.5 * GIB, f"the server's process tree reached {memory.peak / GIB:.2f} GiB"
    assert elapsed < 12
    assert any(not alive(pid) for pid in before), "the worker that ran out of memory was replaced"
    wait_for_workers(server, client)


def test_string_doubling_is_stopped_by_the_memory_cap(server: Server, client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": doubling(14)})
    assert (response.status_code, "--max-memory" in response.text) == (503, True), response.text
    wait_for_workers(server, client)


def test_response_size_is_capped(server: Server, client: httpx.Client) -> None:
    """About 57 MB of JSON (10,000 rows of 5.7 KB) is over the default 50 MB."""
    response = client.get("/sparql", params={"query": doubling(7, "?x7")})
    assert response.status_code == 413, (response.status_code, len(response.content))
    assert "response too large" in response.text and "50000000" in response.text
    assert client.get("/sparql", params={"query": doubling(7, "?x7") + " LIMIT 100"}).status_code == 200


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000,
    "SELECT * WHERE { ?s ?p " + "[ ?p " * 400 + "?o" + " ]" * 400 + " }",
    "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "SELECT * WHERE " + ' { "}" ' * 1500 + "}" * 1500,  # closing braces hidden in strings do not count
], ids=["braces", "blank-nodes", "parentheses", "braces-with-strings"])
def test_deep_nesting_is_refused_before_the_engine(server: Server, client: httpx.Client, query: str) -> None:
    before = server.workers()
    response = client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400, response.text[:200]
    assert "nested too deeply" in response.text and "64" in response.text
    assert server.workers() == before, "no worker crashed"
    nested = "SELECT * WHERE " + "{" * 20 + " ?s ?p ?o " + "}" * 20 + " LIMIT 1"
    assert client.get("/sparql", params={"query": nested}).status_code == 200


def test_workers_come_back_after_the_temporary_folder_is_emptied(server: Server, client: httpx.Client,
                                                                 tmpdir_for_server: Path) -> None:
    for path in tmpdir_for_server.iterdir():  # what a tmp cleaner does on a long-running host
        path.unlink() if path.is_file() else None
    for pid in server.workers():
        os.kill(pid, signal.SIGKILL)
    response = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # respawn"})
    assert response.status_code == 200, response.text
    wait_for_workers(server, client)
    one = server.workers()[0]
    os.kill(one, signal.SIGKILL)  # a query meeting a dead idle worker is retried on another
    for _ in range(4):
        assert client.get("/sparql", params={"query": unique_ask()}).status_code == 200
    wait_for_workers(server, client)


HOSTILE_IRIS = ["javascript:alert(1)", "data:text/html,<script>alert(2)</script>", "JavaScript:alert(3)",
                "vbscript:msgbox(4)"]


def test_pages_never_link_to_javascript_or_data_iris(dataset, tmp_path: Path) -> None:
    """Data naming hostile IRIs (as objects and as a property) is shown as text, never as a link."""
    data, dist = prepare_dist(dataset)
    rq6, graph = "https://w3id.org/gdegraph/id/trust/RQ6", "https://w3id.org/gdegraph/graph/seed-000"
    extra = "".join(f"<{rq6}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{iri.replace('<', '%3C').replace('>', '%3E')}> <{graph}> .\n"
                    for iri in HOSTILE_IRIS)
    extra += f"<{rq6}> <javascript:alert(5)> \"x\" <{graph}> .\n"
    hostile = tmp_path / "hostile.nq"
    hostile.write_bytes(data.read_bytes() + extra.encode())
    with Server(hostile, dist) as running:
        page = httpx.get(running.url + "/id/trust/RQ6.html", trust_env=False, timeout=30).text
    assert "alert(1)" in page and "alert(5)" in page, "the values are shown"
    lowered = page.lower()
    for scheme in ("javascript:", "data:", "vbscript:"):
        assert f'href="{scheme}' not in lowered, scheme
    from gdegraph.site.views import linkable

    assert [linkable(iri) for iri in HOSTILE_IRIS] == [False] * 4
    assert linkable("https://example.org/") and linkable("mailto:x@example.org")
