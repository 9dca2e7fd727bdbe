"""Against a real Oxigraph server: push the graph, then every library query answers as locally.

The ``oxigraph`` package from PyPI (a test dependency) ships the server
binary. The fixture starts ``oxigraph serve`` on a free loopback port with a
temporary store, waits (bounded) until it answers, pushes the built graph
through the Graph Store Protocol and stops the server at the end. Failing
endpoints -- refused, HTTP errors, HTML instead of results, too slow -- are
played by tiny local HTTP servers; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, RdfFormat

from gdegraph.cli.main import main
from gdegraph.query.push import RemoteStore, graph_store_url, push_file
from gdegraph.store.factory import EndpointError, OxigraphStore
from test_queries_answers import CASE_IDS, CASES, answer, comparable


def _oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(probe: str, process: subprocess.Popen[bytes], what: str, seconds: float = 30.0) -> None:
    """Return once ``probe`` (a URL) answers; fail if ``process`` exits first or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(probe, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer within {seconds} s")


def stop(process: subprocess.Popen[bytes], seconds: float = 10.0) -> None:
    """SIGTERM the server we started, then SIGKILL it if it is still there after ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def graph_file(dataset: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built graph as N-Quads, one named graph per source."""
    path = tmp_path_factory.mktemp("dump") / "gdegraph.nq"
    path.write_bytes(OxigraphStore.from_dataset(dataset).store.dump(format=RdfFormat.N_QUADS))
    return path


@pytest.fixture(scope="module")
def server(graph_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a fresh Oxigraph server holding the pushed graph."""
    binary = _oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    location = tmp_path_factory.mktemp("oxigraph-store")
    base = f"http://127.0.0.1:{_free_port()}"
    process = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", base[7:],
                                "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(base + "/query?query=ASK%7B%7D", process, "oxigraph serve")
        push_file(graph_file, graph_store_url(base + "/query"))
        yield base
    finally:
        stop(process)


@pytest.fixture(scope="module")
def local(dataset: Any) -> OxigraphStore:
    return OxigraphStore.from_dataset(dataset)


@pytest.mark.parametrize(("name", "suffix", "raw"), CASES, ids=CASE_IDS)
def test_every_query_answers_remotely_as_locally(server: str, local: OxigraphStore, name: str, suffix: str,
                                                 raw: dict[str, str]) -> None:
    remote = RemoteStore(server + "/query", timeout=30)
    assert comparable(answer(remote, name, raw)) == comparable(answer(local, name, raw))


def _quad_count(server: str) -> int:
    rows = RemoteStore(server + "/query").select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return int(rows[0][0].value)


def test_pushing_again_replaces_rather_than_duplicates(server: str, graph_file: Path, local: OxigraphStore) -> None:
    assert _quad_count(server) == len(local.store)
    report = push_file(graph_file, server + "/store")
    assert len(report.graphs) >= 10 and "https://w3id.org/gdegraph/graph/seed-000" in report.graphs
    assert _quad_count(server) == len(local.store)


def test_hostile_values_are_data_remotely(server: str) -> None:
    remote = RemoteStore(server + "/query")
    for value in ['} ; DROP ALL', '"} UNION { ?s ?p ?o }', "\\u0022 }", "line\nnext", "back\\"]:
        rows = remote.select("SELECT ?v WHERE { BIND (?input AS ?v) }", {"input": Literal(value)}).rows
        assert [r[0].value for r in rows] == [value]
    assert _quad_count(server) > 0


def test_the_command_line_pushes_and_queries(server: str, graph_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", "--graph-store", server + "/store", "--data", str(graph_file)]) == 0
    assert "pushed" in capsys.readouterr().out
    assert main(["query", "exemplars-with-followers", "--endpoint", server + "/query", "-p", "sector=acute",
                 "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1:] == [  # Taunton and Somerset lost Blackpool in January 2018 (withdrawn)
        "https://w3id.org/gdegraph/id/trust/RQ6,Royal Liverpool and Broadgreen University Hospitals NHS Trust,RQ6,"
        "closed 2019-09-30; now part of Liverpool University Hospitals NHS Foundation Trust (REM),acute,2"]


def test_a_rejected_query_is_one_line(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(EndpointError, match="rejected the query"):
        RemoteStore(server + "/query").select("SELECT ?s WHERE { ?s ?p }")
    assert main(["query", "gde-milestones", "--endpoint", server + "/nowhere"]) == 1
    err = capsys.readouterr().err
    assert "HTTP 404" in err or "rejected" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


class _Handler(http.server.BaseHTTPRequestHandler):
    """Plays a broken endpoint: ``/html`` answers a web page, ``/slow`` answers too late."""

    def do_POST(self) -> None:  # noqa: N802 (the http.server API)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/slow"):
            time.sleep(3)
        body = b"<html><body>Not a SPARQL endpoint</body></html>"
        self.send_response(200 if not self.path.startswith("/teapot") else 418)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PUT = do_POST

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def broken_endpoint() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_endpoint_failures_are_clear(broken_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    quads = tmp_path / "one.nq"
    quads.write_text("<http://e/s> <http://e/p> <http://e/o> <http://e/g> .\n", encoding="utf-8")
    with pytest.raises(EndpointError, match="did not answer with SPARQL JSON results"):
        RemoteStore(broken_endpoint + "/html").select("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(EndpointError, match="did not answer in time"):
        RemoteStore(broken_endpoint + "/slow", timeout=0.5).select("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(EndpointError, match="HTTP 418"):
        RemoteStore(broken_endpoint + "/teapot").ask("ASK {}")
    with pytest.raises(EndpointError, match="cannot reach"):
        RemoteStore(f"http://127.0.0.1:{_free_port()}/query").ask("ASK {}")
    for argv in (["query", "gde-milestones", "--endpoint", broken_endpoint + "/html"],
                 ["query", "gde-milestones", "--endpoint", f"http://127.0.0.1:{_free_port()}/sparql"],
                 ["push", "--graph-store", broken_endpoint + "/teapot", "--data", str(quads)]):
        code = main(argv)
        err = capsys.readouterr().err
        assert code != 0 and "Traceback" not in err, argv
    assert main(["query", "gde-milestones", "--endpoint", "ftp://example.org/sparql"]) == 2
