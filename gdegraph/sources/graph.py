"""Which graph a command opens: a file, the built graph when it is current, else a build in memory.

This decision needs the build (to fall back on it), so it lives with the sources stage,
above the engine-neutral :mod:`gdegraph.store`; every command and the API open their
graph through :func:`open_graph`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gdegraph.core import paths
from gdegraph.core.errors import InputError
from gdegraph.store.base import ENGINES, QueryStore
from gdegraph.store.factory import open_store

__all__ = ["BUILD_CODE", "BuildingInMemory", "built_is_current", "current_build", "default_data", "open_graph"]


class BuildingInMemory(UserWarning):
    """The built graph is missing or stale, so it is being built in memory (seconds, not milliseconds).

    A warning rather than a print, so a library caller decides what to show: the
    command line prints it as ``gdegraph: note: ...``, a notebook shows it once.
    """


def default_data() -> Path:
    """Where ``gdegraph build`` writes the quads: ``dist/gdegraph.trig`` (in the checkout, or the working directory)."""
    return paths.dist_dir() / "gdegraph.trig"


#: The code that decides the built graph's content (the rest only reads or presents it):
#: the sources and model packages, and the serialiser of the dumps (globs in the package).
BUILD_CODE = ("sources/*.py", "model/*.py", "publish/dumps.py")


def _inputs(shared: Path | None) -> Iterable[Path]:
    """Files whose change makes a built graph stale: ontology, data, build code, shared inputs."""
    yield from paths.ontology_dir().glob("*.ttl")
    yield from paths.data_dir().glob("*.ttl")
    package = paths.package_dir()
    for pattern in BUILD_CODE:
        yield from package.glob(pattern)
    folder = Path(shared) if shared is not None else paths.shared_dir()
    if folder is not None:
        yield from folder.glob("seeds/*")
    yield from paths.refdata_dir(folder).glob("*")


def built_is_current(path: Path, shared: Path | None = None) -> bool:
    """True if ``path`` exists and is newer than every input it was built from (the seeds and
    reference data in ``shared``, default ``$GDEGRAPH_SHARED`` or ``../shared``)."""
    if not path.is_file():
        return False
    built = path.stat().st_mtime
    return all(p.stat().st_mtime <= built for p in _inputs(shared))


def current_build(shared: Path | None = None) -> Path | None:
    """``dist/gdegraph.trig`` if it is up to date with its inputs, else None (build in memory)."""
    built = default_data()
    return built if built_is_current(built, shared) else None


def open_graph(engine: str = "oxigraph", data: Path | None = None, endpoint: str | None = None, *,
               shared: Path | None = None, **remote: Any) -> QueryStore:
    """The store a query runs on: ``endpoint`` if given, else ``data``, else the built graph
    when it is up to date with ``shared`` (the folder of seeds and reference data), else the
    graph built in memory from ``shared``, announced by a :class:`BuildingInMemory` warning
    because it takes seconds. ``remote`` holds the endpoint's user, password, token, timeout.
    """
    if endpoint:
        return open_store(engine, endpoint=endpoint, **remote)
    data = data if data is not None else current_build(shared)
    if data is not None:
        return open_store(engine, data)
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}", hint="use oxigraph or rdflib")
    warnings.warn(BuildingInMemory(f"{default_data()} is missing or older than its inputs; building the graph "
                                   "in memory (run `gdegraph build` to skip this)"), stacklevel=2)
    from gdegraph.sources.dataset import build_dataset

    dataset = build_dataset(shared)
    if engine == "oxigraph":
        from gdegraph.store.oxigraph_store import OxigraphStore

        return OxigraphStore.from_dataset(dataset)
    from gdegraph.store.rdflib_store import RdflibStore

    return RdflibStore(dataset)
