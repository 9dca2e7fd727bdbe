"""Datasette beside the linked-data server: the published SQLite tables in a browser.

``gdegraph serve --datasette-port PORT`` (and ``make serve``) starts Datasette
as a child process on the published ``gdegraph.db`` with its
``datasette-metadata.json`` (both written by ``gdegraph publish``), read-only
(``--immutable``), on the same host as the linked-data server, and stops it
when the server stops. Datasette is the optional ``gdegraph[datasette]``
extra; it runs in its own process (it has its own event loop and settings),
so gdegraph never imports it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from gdegraph.core.errors import InputError

__all__ = ["datasette_command", "start_datasette"]


def datasette_command(dist: Path, host: str, port: int) -> list[str]:
    """The command line that serves ``dist``'s database read-only with its metadata."""
    from gdegraph.publish.sqlite_db import DATABASE_FILE, METADATA_FILE

    database, metadata = dist / DATABASE_FILE, dist / METADATA_FILE
    for path in (database, metadata):
        if not path.is_file():
            raise InputError("the published tables are missing", path=path,
                             hint=f"run `gdegraph publish --out {dist}` first")
    if importlib.util.find_spec("datasette") is None:
        raise InputError("Datasette is not installed", hint="pip install 'gdegraph[datasette]' (or make serve)")
    return [sys.executable, "-m", "datasette", "serve", "--immutable", str(database), "--metadata", str(metadata),
            "--host", host, "--port", str(port), "--setting", "default_page_size", "50"]


def start_datasette(dist: Path, host: str, port: int, quiet: bool = False) -> subprocess.Popen[bytes]:
    """Start Datasette on ``host:port``; the caller stops it (``terminate``) when it is done."""
    command = datasette_command(dist, host, port)
    output = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=output)
