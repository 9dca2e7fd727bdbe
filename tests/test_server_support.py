"""Helpers shared by the site, server, browser and load tests (this module holds no tests).

* :func:`prepare_dist` publishes the test session's dataset once into a
  temporary ``dist/`` (dumps, VoID, a stand-in network picture) and writes
  the data as TriG beside it, so every test serves the same files.
* :class:`Server` runs ``gdegraph serve`` as a real subprocess on 127.0.0.1
  and stops it (and so its SPARQL workers) by its own process id.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

import httpx

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: SPARQL Update in every form the server must refuse (each is valid SPARQL 1.1 Update).
UPDATES = [
    "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/gdegraph/graph/seed-000>",
    "CREATE GRAPH <urn:x:g>",
    "PREFIX ex: <urn:x:> INSERT DATA { GRAPH ex:g { ex:a ex:b ex:c } }",
]
_PREPARED: dict[int, tuple[Path, Path]] = {}


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A valid grey PNG, standing in for the network helper's picture."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def prepare_dist(dataset: Any) -> tuple[Path, Path]:
    """``(data_file, dist_dir)`` for ``dataset``, made once per test process and removed at exit."""
    if id(dataset) in _PREPARED:
        return _PREPARED[id(dataset)]
    from gdegraph.publish.dumps import publish

    root = Path(tempfile.mkdtemp(prefix="gdegraph-serving-"))
    atexit.register(shutil.rmtree, root, True)
    dist = root / "dist"
    publish(dist, dataset=dataset)
    (dist / "network").mkdir()
    (dist / "network" / "pairing-network.png").write_bytes(tiny_png())
    data = dist / "gdegraph.nq"  # the published quads: what a deployment would serve
    _PREPARED[id(dataset)] = (data, dist)
    return data, dist


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``gdegraph serve`` in a subprocess; use as a context manager."""

    def __init__(self, data: Path, dist: Path, *options: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        command = [sys.executable, "-m", "gdegraph.cli.main", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--data", str(data), "--dist", str(dist), "--quiet", *options]
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        env={**os.environ, **env} if env else None)

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=2,
                             trust_env=False).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not start within 90 s:\n{self.output()}")

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def children(self) -> list[int]:
        """Process ids of the server's direct children (workers, multiprocessing's resource tracker)."""
        found = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found += [int(pid) for pid in text]
        return sorted(found)

    def workers(self) -> list[int]:
        """Process ids of the query processes (the supervisor's children that name themselves so)."""
        from gdegraph.server.handler import PROCESS_NAME

        def named(pid: int) -> bool:
            try:
                return Path(f"/proc/{pid}/comm").read_text().strip() == PROCESS_NAME
            except FileNotFoundError:
                return False
        return [pid for pid in self.children() if named(pid) and alive(pid)]

    def rss_kb(self) -> int:
        """Resident memory of the server and its workers, in KiB (from /proc)."""
        total = 0
        for pid in [self.process.pid, *self.children()]:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except FileNotFoundError:
                continue
        return total


def alive(pid: int) -> bool:
    """True if ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

