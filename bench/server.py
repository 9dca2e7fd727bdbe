"""Server benchmark: ``gdegraph serve`` beside ``oxigraph serve`` on the same data and query.

Only 127.0.0.1 is contacted, by a bounded client: a fixed number of requests
(and a deadline) from a few keep-alive connections in threads. Both servers
answer the same SPARQL query text with the same Accept header, so the ratio
shows what our endpoint adds (policy check, supervisor, query processes, limits) to the
engine. Each load also reports the server's CPU milliseconds per request
(the server process and its children, from ``/proc``), which other work on
a shared machine disturbs far less than throughput. Resource pages are timed one request at a time, first on pages not
yet rendered (the server renders on demand) and then again from its cache.
"""

from __future__ import annotations

import http.client
import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.measure import BIN, loadavg

SELECT_JSON = "application/sparql-results+json"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(conn: http.client.HTTPConnection, path: str, accept: str = "*/*") -> tuple[int, int]:
    conn.request("GET", path, headers={"Accept": accept})
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body)


def _wait_up(port: int, path: str, deadline: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if _get(conn, path)[0] < 500:
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"server on port {port} did not answer {path} within {deadline:.0f} s")


def _tree(pid: int) -> list[int]:
    """``pid`` and its children (gdegraph's query processes, from every thread's list)."""
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(p) for p in (task / "children").read_text().split()]
    except OSError:
        pass
    return pids


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children: a figure less at the mercy
    of whatever else runs on the machine than throughput is."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / ticks


def _peak_rss_mb(pid: int) -> float:
    """VmHWM of a process and its children (gdegraph's query processes), in MB."""
    total = 0
    for p in _tree(pid):
        try:
            line = next(x for x in Path(f"/proc/{p}/status").read_text().splitlines() if x.startswith("VmHWM"))
            total += int(line.split()[1])
        except (OSError, StopIteration):
            pass
    return round(total / 1024, 1)


def percentiles(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)  # noqa: E731
    return {"n": len(ordered), "p50_ms": pick(0.5), "p90_ms": pick(0.9), "p99_ms": pick(0.99),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 2)}


def load(port: int, paths: list[str], clients: int, accept: str, deadline: float = 60.0,
         server_pid: int | None = None) -> dict[str, Any]:
    """Send ``paths`` (in order) from ``clients`` keep-alive connections; throughput and latency.

    With ``server_pid``, also the server's CPU milliseconds per request (it and its children).
    """
    latencies: list[float] = []
    errors: list[str] = []
    lock, queue = threading.Lock(), list(reversed(paths))
    stop = time.perf_counter() + deadline

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            started = time.perf_counter()
            try:
                status, size = _get(conn, path, accept)
            except (OSError, http.client.HTTPException) as exc:
                status, size = 0, 0
                errors.append(repr(exc))
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200 or not size:
                    errors.append(f"{status} {path[:80]}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    cpu_before = cpu_seconds(server_pid) if server_pid else 0.0
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    out = {"requests": len(latencies), "clients": clients, "seconds": round(seconds, 3),
           "requests_per_s": round(len(latencies) / seconds, 1), "errors": len(errors), "first_errors": errors[:3],
           "latency": percentiles(latencies) if latencies else {}, "loadavg": loadavg()}
    if server_pid and latencies:
        out["server_cpu_ms_per_request"] = round((cpu_seconds(server_pid) - cpu_before) * 1000 / len(latencies), 3)
    return out


class _Process:
    """A server we started; stopped by its own pid (SIGINT, then SIGKILL after 10 s)."""

    def __init__(self, argv: list[str]) -> None:
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


def _sparql_figures(server: str, port: int, path: str, q: str, varied: list[str], requests: int, clients: int,
                    pid: int) -> dict[str, Any]:
    """The same SPARQL load for either server: after a warm-up, one client, the same query from
    ``clients`` clients, and distinct queries from ``clients`` clients."""
    load(port, [f"{path}?{q}"] * 20, 1, SELECT_JSON)
    return {f"{server}_sparql_sequential": load(port, [f"{path}?{q}"] * (requests // 4), 1, SELECT_JSON,
                                                server_pid=pid),
            f"{server}_sparql": load(port, [f"{path}?{q}"] * requests, clients, SELECT_JSON, server_pid=pid),
            f"{server}_sparql_varied": load(port, [f"{path}?{v}" for v in varied], clients, SELECT_JSON,
                                            server_pid=pid)}


def bench_server(data: Path, dist: Path, queries: list[str], pages: list[str], requests: int = 2000,
                 clients: int = 4) -> dict[str, Any]:
    """Start both servers on ``data``, measure each, stop them; figures as a dict.

    ``queries[0]`` is sent ``requests`` times (the same query: after the first,
    our endpoint replays its answer, gdegraph/server/cache.py, as oxigraph
    has no cache this is the figure a popular query sees); then every query
    of ``queries`` in turn, each text made unique (as from many users:
    nothing is cached, every request is evaluated). Both servers run with their default
    concurrency (ours: ``--workers`` query processes; Oxigraph's thread pool).
    """
    q = urllib.parse.urlencode({"query": queries[0]})
    # Each text unique (a LIMIT that never bites), so no cache can answer: as from many users.
    varied = [urllib.parse.urlencode({"query": f"{queries[i % len(queries)]} LIMIT {10**6 + i}"})
              for i in range(requests)]
    out: dict[str, Any] = {"query": queries[0], "distinct_queries": len(queries), "data": data.name,
                           "requests": requests, "clients": clients}
    port = _free_port()
    ours = _Process([str(BIN / "gdegraph"), "serve", "--data", str(data), "--dist", str(dist), "--port", str(port),
                     "--quiet", "--timeout", "60", "--max-rows", "1000000"])
    try:
        out["gdegraph_startup_s"] = round(_wait_up(port, "/", 600), 2)
        _wait_up(port, f"/sparql?{q}", 120)  # the workers have loaded the data too
        pid = ours.proc.pid
        out.update(_sparql_figures("gdegraph", port, "/sparql", q, varied, requests, clients, pid))
        out["page_first_render"] = load(port, pages, 1, "text/html", server_pid=pid)
        out["page_cached"] = load(port, pages, 1, "text/html", server_pid=pid)
        out["gdegraph_peak_rss_mb"] = _peak_rss_mb(ours.proc.pid)
    finally:
        ours.stop()
    with tempfile.TemporaryDirectory(prefix="gdebench-oxigraph-") as location:
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", location, "--file", str(data)], check=True,
                       capture_output=True)
        port = _free_port()
        theirs = _Process([str(BIN / "oxigraph"), "serve", "--location", location, "--bind", f"127.0.0.1:{port}",
                           "--union-default-graph"])
        try:
            out["oxigraph_startup_s"] = round(_wait_up(port, f"/query?{q}", 120), 2)
            out.update(_sparql_figures("oxigraph", port, "/query", q, varied, requests, clients, theirs.proc.pid))
            out["oxigraph_peak_rss_mb"] = _peak_rss_mb(theirs.proc.pid)
        finally:
            theirs.stop()
    ours_rps, theirs_rps = out["gdegraph_sparql"]["requests_per_s"], out["oxigraph_sparql"]["requests_per_s"]
    out["throughput_ratio"] = round(ours_rps / max(theirs_rps, 1e-9), 2)
    ours_rps = out["gdegraph_sparql_varied"]["requests_per_s"]
    theirs_rps = out["oxigraph_sparql_varied"]["requests_per_s"]
    out["throughput_ratio_varied"] = round(ours_rps / max(theirs_rps, 1e-9), 2)
    return out
