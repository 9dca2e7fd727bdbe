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


def datasette_command(database: Path, metadata: Path, host: str, port: int) -> list[str]:
    """The command line that serves ``database`` read-only with its ``metadata``.

    The caller names the files (the command line takes them from
    :mod:`gdegraph.publish.sqlite_db`), so the server stage does not import the publish stage.
    """
    for path in (database, metadata):
        if not path.is_file():
            raise InputError("the published tables are missing", path=path,
                             hint=f"run `gdegraph publish --out {path.parent}` first")
    if importlib.util.find_spec("datasette") is None:
        raise InputError("Datasette is not installed", hint="pip install 'gdegraph[datasette]' (or make serve)")
    return [sys.executable, "-m", "datasette", "serve", "--immutable", str(database), "--metadata", str(metadata),
            "--host", host, "--port", str(port), "--setting", "default_page_size", "50"]


def start_datasette(database: Path, metadata: Path, host: str, port: int,
                    quiet: bool = False) -> subprocess.Popen[bytes]:
    """Start Datasette on ``host:port``; the caller stops it (``terminate``) when it is done."""
    command = datasette_command(database, metadata, host, port)
    output = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=output)
