"""The supervisor's hand-over of connections (gdegraph/server/supervisor.py), through the real server.

With one query process (room for LINKS connections), every behaviour that
depends on connections coming back to the supervisor shows: idle
connections must not fill the process, clients beyond its room must all be
served, and a connection whose process is killed between requests must go on
working. With two, a process stuck in a long query must give up its other
clients to the other process.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import os
import signal
import time
import urllib.parse
from collections.abc import Iterator

import pytest

from gdegraph.server.supervisor import LINKS, STALL
from test_server_support import Server, alive, prepare_dist


@pytest.fixture(scope="module")
def server(dataset) -> Iterator[Server]:
    data, dist = prepare_dist(dataset)
    with Server(data, dist, "--workers", "1", "--timeout", "5") as running:
        yield running


def connect(server: Server) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)


def ask(conn: http.client.HTTPConnection, note: str) -> int:
    """A query no earlier request has sent (so the replay cache cannot answer): its status."""
    query = urllib.parse.urlencode({"query": f"ASK {{ ?s ?p ?o }} # {note} {time.monotonic_ns()}"})
    conn.request("GET", f"/sparql?{query}", headers={"Accept": "application/sparql-results+json"})
    response = conn.getresponse()
    assert response.read() == b'{"head":{},"boolean":true}'
    return response.status


def test_idle_connections_hold_no_room_in_a_query_process(server: Server) -> None:
    idle = [connect(server) for _ in range(LINKS)]
    for i, conn in enumerate(idle):
        assert ask(conn, f"then idle {i}") == 200  # and now it stays open, saying nothing
    other = connect(server)
    started = time.monotonic()
    assert ask(other, "while the others are idle") == 200
    assert time.monotonic() - started < 1.0, "the idle connections kept the only process full"
    assert [ask(conn, "an idle one again") for conn in idle] == [200] * LINKS, "they still work"
    for conn in [*idle, other]:
        conn.close()


def test_more_clients_than_a_process_has_room_for_are_all_served(server: Server) -> None:
    conns = [connect(server) for _ in range(LINKS + 2)]
    statuses = [ask(conn, f"client {i} round {r}") for r in range(5) for i, conn in enumerate(conns)]
    assert statuses == [200] * 5 * len(conns)
    for conn in conns:
        conn.close()


def test_a_connection_survives_its_process_being_killed_between_requests(server: Server) -> None:
    conn = connect(server)
    assert ask(conn, "before") == 200
    time.sleep(0.01)  # well within the hand-back delay: the process still holds the connection
    (worker,) = server.workers()
    os.kill(worker, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ask(conn, "after") == 200, "the next request on the same connection is served by the replacement"
    assert server.workers() and server.workers() != [worker]
    conn.close()


def test_the_http_1_0_and_connection_close_answers_close(server: Server) -> None:
    conn = connect(server)
    query = urllib.parse.urlencode({"query": "ASK {} # close"})
    conn.request("GET", f"/sparql?{query}", headers={"Connection": "close"})
    response = conn.getresponse()
    assert response.status == 200 and response.getheader("connection") == "close"
    response.read()
    assert response.will_close
    conn.close()


def test_an_http_1_0_request_is_answered_and_closed(server: Server) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D%20%23%2010 HTTP/1.0\r\nHost: x\r\n\r\n")
        received = b""
        while chunk := sock.recv(65536):  # the server closes: the loop ends
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ") and b"\r\nconnection: close" in head
    assert body == b'{"head":{},"boolean":true}'


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_process_stuck_in_a_long_query_gives_its_other_clients_up(dataset) -> None:
    """Three busy connections on two processes: one process holds two. A runaway on one of those must
    not hold up the other, which is taken back after STALL seconds and served by the other process."""
    data, dist = prepare_dist(dataset)
    with Server(data, dist, "--workers", "2", "--timeout", "5") as running:
        first, second, third = (connect(running) for _ in range(3))
        for i, conn in enumerate((first, second, third)):  # back to back: none idles long enough to go back
            assert ask(conn, f"placing {i}") == 200
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            runaway = pool.submit(lambda: (first.request("GET", "/sparql?" + urllib.parse.urlencode({"query": SLOW})),
                                           first.getresponse().status))
            time.sleep(STALL / 4)
            latencies = []
            for i in range(5):
                started = time.monotonic()
                assert ask(third, f"while the runaway runs {i}") == 200
                latencies.append(time.monotonic() - started)
            assert max(latencies) < 1.0, latencies
            assert runaway.result()[1] == 503
        for conn in (first, second, third):
            conn.close()


def test_a_host_where_the_sandbox_cannot_be_installed_stops_the_server(dataset, tmp_path) -> None:
    """Query processes that cannot lock themselves in never serve: after 3 x --workers failed starts in a
    row the server exits with an error, rather than run unsandboxed (simulated: a pyseccomp that cannot
    load libseccomp, first on the path)."""
    import subprocess
    import sys

    (tmp_path / "pyseccomp.py").write_text('raise OSError("libseccomp.so.2: cannot open shared object file")\n')
    data, dist = prepare_dist(dataset)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "gdegraph.cli.main", "serve", "--port", "0", "--data", str(data),
                           "--dist", str(dist), "--quiet", "--workers", "2"], env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "query processes fail to start (6 in a row" in done.stderr
    assert "libseccomp.so.2" in done.stderr, "the processes' own error is shown above the summary"


def _read_all(sock, seconds: float = 3.0) -> bytes:  # type: ignore[no-untyped-def]
    sock.settimeout(seconds)
    got = b""
    try:
        while chunk := sock.recv(65536):
            got += chunk
    except TimeoutError:
        pass
    return got


def test_a_body_sent_after_an_early_answer_is_never_run_as_a_request(server: Server) -> None:
    """Regression (request smuggling): the 403 for an update comes before its body is read; the
    connection must stay with its process until the body has arrived, so the body's bytes are body,
    not a new request, even when they arrive after the hand-back delay."""
    import socket

    inner = (b"GET /sparql?" + urllib.parse.urlencode({"query": "ASK {} # smuggled"}).encode()
             + b" HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n\r\n")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-update\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(inner))
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 403 ")
        time.sleep(0.3)  # well past the hand-back delay
        sock.sendall(inner)
        later = _read_all(sock)
    assert b"boolean" not in later and b"200 OK" not in later, later[:300]


def test_websocket_upgrades_are_answered_as_plain_http(server: Server) -> None:
    """Regression: an upgrade used to hand the connection to uvicorn's WebSocket protocol, which never
    reported it closed, so each one leaked a place in a query process (eight stopped the server)."""
    import socket

    for i in range(2 * 4 + 2):  # more than a process has room for
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                         b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
            head = sock.recv(65536)
            assert not head.startswith(b"HTTP/1.1 101"), head[:200]
    conn = connect(server)
    started = time.monotonic()
    assert ask(conn, "after the upgrades") == 200
    assert time.monotonic() - started < 2.0
    conn.close()


def test_a_head_too_large_gets_431_at_once(server: Server) -> None:
    """Regression: the supervisor only peeks, so a head larger than the socket's buffer never ended
    and got 408 after the header timeout; now MAX_HEAD bytes without an end are refused with 431."""
    import socket

    from gdegraph.server.hotpath import MAX_HEAD

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nX-Filler: " + b"x" * (MAX_HEAD + 1024))
        answer = _read_all(sock, 5.0)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:100]
    assert time.monotonic() - started < 3.0


def test_a_head_dribbled_after_a_first_request_is_timed_from_its_first_byte(dataset) -> None:
    """Regression: in a query process the header timer restarted with every chunk, so a client sending
    a byte every few seconds held its place for ever; it now runs from the head's first byte."""
    import socket

    data, dist = prepare_dist(dataset)
    with Server(data, dist, "--workers", "1", "--header-timeout", "1") as running:
        with socket.create_connection(("127.0.0.1", running.port), timeout=10) as sock:
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n")
            first = sock.recv(65536)
            assert first.startswith(b"HTTP/1.1 200 ")
            started = time.monotonic()
            answer = b""
            for byte in b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n":  # one byte every 0.2 s, never ending
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    break
                sock.settimeout(0.2)
                try:
                    answer += sock.recv(65536)
                except TimeoutError:
                    continue
                if answer:
                    break
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:100]
    assert elapsed < 3.0, elapsed


def test_clients_that_never_read_their_answers_are_cut_off(dataset) -> None:
    """Regression: an answer larger than the transport's buffer waited for its client for ever, so a
    few clients asking for one and reading nothing filled every query process; --write-timeout cuts
    them off and the others are served."""
    import socket

    project = "?x6"
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(1, 6))
    big = f"SELECT {project} WHERE {{ ?s ?p ?o . BIND(CONCAT(STR(?s), STR(?s)) AS ?x1) {binds} }} LIMIT 2000"
    target = "/sparql?" + urllib.parse.urlencode({"query": big})
    data, dist = prepare_dist(dataset)
    with Server(data, dist, "--workers", "1", "--write-timeout", "1") as running:
        silent = []
        for i in range(LINKS):  # fill the one process's room with clients that never read
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", running.port))
            sock.sendall(f"GET {target}%20%23{i} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            silent.append(sock)
        time.sleep(1.0)
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
        started = time.monotonic()
        assert ask(conn, "beside the silent ones") == 200
        assert time.monotonic() - started < 10.0
        conn.close()
        for sock in silent:
            sock.close()
