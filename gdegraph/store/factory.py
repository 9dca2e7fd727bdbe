"""Where queries run: one small interface, three engines, and which graph they load.

* :class:`OxigraphStore` -- pyoxigraph, in memory; the default local engine
  (10-60x faster than rdflib's SPARQL on this graph, see docs/queries.md).
* :class:`~gdegraph.store.rdflib_store.RdflibStore` -- rdflib's own SPARQL engine
  over a Dataset; the reference the tests compare every other engine against.
* :class:`~gdegraph.store.remote.RemoteStore` -- any SPARQL 1.1 endpoint.

Every engine returns the same values: rows of pyoxigraph terms (cheap to
import, hashable, and serialised with proper N-Triples escaping), so result
formatting and comparisons never depend on the engine. Parameters are bound
by :func:`~gdegraph.store.sparql_text.with_values` (rdflib: ``initBindings``).

The default graph is the union of the per-source named graphs. pyoxigraph and
most servers form it as a *bag* (a triple stated by two sources is seen
twice) while rdflib forms a set, which is why library queries use DISTINCT.

Only this module and :mod:`gdegraph.store.sparql_text` are on the path of a local
``gdegraph query``; the rdflib and remote engines are imported when asked for
(``from gdegraph.store.factory import RdflibStore`` still works), so a query never
pays for rdflib or urllib.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from gdegraph.core import paths
from gdegraph.core.errors import GdeError, InputError
from gdegraph.store.sparql_text import query_form, term_text, with_values

__all__ = ["BuildingInMemory", "EndpointError", "OxigraphStore", "QueryStore", "RdflibStore", "RemoteStore",
           "SelectResult", "built_is_current", "current_build", "default_data", "open_store", "query_form", "run",
           "term_text", "with_values"]

Term = NamedNode | BlankNode | Literal
Row = tuple[Term | None, ...]
Bindings = Mapping[str, NamedNode | Literal] | None
ENGINES = ("oxigraph", "rdflib")


class EndpointError(GdeError):
    """A remote endpoint could not answer: down, HTTP error, timeout or not SPARQL (exit 1)."""


class BuildingInMemory(UserWarning):
    """The built graph is missing or stale, so it is being built in memory (seconds, not milliseconds).

    A warning rather than a print, so a library caller decides what to show: the
    command line prints it as ``gdegraph: note: ...``, a notebook shows it once.
    """


class SelectResult(NamedTuple):
    """Variables in projection order and one tuple per solution (None where unbound).

    A named tuple, not a dataclass: it is created on every ``gdegraph query`` start,
    where a dataclass would cost about a millisecond more.
    """

    variables: list[str]
    rows: list[Row]


class QueryStore(Protocol):
    """What the command line, the API and the tests need from an engine."""

    name: str

    def select(self, query: str, bindings: Bindings = None) -> SelectResult: ...
    def construct(self, query: str, bindings: Bindings = None) -> list[Triple]: ...
    def ask(self, query: str, bindings: Bindings = None) -> bool: ...


def run(store: QueryStore, query: str, bindings: Bindings = None) -> SelectResult | list[Triple] | bool:
    """Dispatch on the query form: SELECT -> rows, CONSTRUCT/DESCRIBE -> triples, ASK -> bool."""
    form = query_form(query)
    if form == "SELECT":
        return store.select(query, bindings)
    if form == "ASK":
        return store.ask(query, bindings)
    return store.construct(query, bindings)


def syntax_error(exc: Exception, engine: str) -> InputError:
    """An engine's parse error as the one-line :class:`InputError` every engine raises."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError(f"the query is not valid SPARQL ({engine}): {first}")


class OxigraphStore:
    """An in-memory pyoxigraph store queried with the union of all graphs as default graph."""

    name = "oxigraph"

    def __init__(self, store: Any | None = None) -> None:
        from pyoxigraph import Store

        self.store = store if store is not None else Store()

    @classmethod
    def from_file(cls, path: Path) -> OxigraphStore:
        """Load a TriG, N-Quads, Turtle or N-Triples file (format from its suffix)."""
        from pyoxigraph import RdfFormat

        formats = {".trig": RdfFormat.TRIG, ".nq": RdfFormat.N_QUADS, ".ttl": RdfFormat.TURTLE,
                   ".nt": RdfFormat.N_TRIPLES}
        fmt = formats.get(path.suffix.lower())
        if fmt is None:
            raise InputError(f"unknown RDF file type {path.suffix!r}", path=path,
                             hint="use .trig, .nq, .ttl or .nt")
        store = cls()
        try:
            store.store.bulk_load(path=str(path), format=fmt)
        except (SyntaxError, ValueError) as exc:
            raise InputError(f"cannot parse RDF: {exc}", path=path) from None
        except OSError as exc:
            raise InputError(f"cannot read RDF file: {exc.strerror or exc}", path=path) from None
        return store

    @classmethod
    def from_dataset(cls, dataset: Any) -> OxigraphStore:
        """Copy an rdflib Dataset, keeping its named graphs (one per source)."""
        from pyoxigraph import DefaultGraph, Quad

        from gdegraph.store.rdflib_store import from_rdflib

        store = cls()
        default = DefaultGraph()
        quads = []
        for s, p, o, g in dataset.quads((None, None, None, None)):
            name = getattr(g, "identifier", g)
            graph = default if name is None or str(name) == "urn:x-rdflib:default" else from_rdflib(name)
            quads.append(Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o, spelling=False), graph))
        store.store.bulk_extend(quads)
        return store

    def _query(self, query: str, bindings: Bindings) -> Any:
        try:
            return self.store.query(with_values(query, bindings), use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise syntax_error(exc, self.name) from None

    def select(self, query: str, bindings: Bindings = None) -> SelectResult:
        solutions = self._query(query, bindings)
        # A solution iterates over its values in projection order (None if unbound): several
        # times faster than looking each one up by name, which showed on sub-millisecond queries.
        return SelectResult([v.value for v in solutions.variables], [tuple(s) for s in solutions])

    def construct(self, query: str, bindings: Bindings = None) -> list[Triple]:
        return sorted(set(self._query(query, bindings)), key=str)

    def ask(self, query: str, bindings: Bindings = None) -> bool:
        return bool(self._query(query, bindings))


# --- which graph: a file, the built graph when it is current, else a build in memory -------

def default_data() -> Path:
    """Where ``gdegraph build`` writes the quads: ``dist/gdegraph.trig`` (in the checkout, or the working directory)."""
    return paths.dist_dir() / "gdegraph.trig"


#: The modules whose code decides the built graph's content (the rest only read or present it), in the package.
BUILD_MODULES = ("sources/dataset.py", "sources/loading.py", "store/oxigraph_terms.py", "sources/refdata.py",
                 "sources/refdata_files.py", "sources/inference.py", "model/names.py", "model/iris.py",
                 "publish/dumps.py")


def _inputs(shared: Path | None) -> Iterable[Path]:
    """Files whose change makes a built graph stale: ontology, data, build code, shared inputs."""
    yield from paths.ontology_dir().glob("*.ttl")
    yield from paths.data_dir().glob("*.ttl")
    package = paths.package_dir()
    yield from (p for name in BUILD_MODULES if (p := package / name).is_file())
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


def open_store(engine: str = "oxigraph", data: Path | None = None, endpoint: str | None = None, *,
               shared: Path | None = None, **remote: Any) -> QueryStore:
    """The store a query runs on: ``endpoint`` if given, else ``data``, else the built graph
    when it is up to date with ``shared`` (the folder of seeds and reference data), else the
    graph built in memory from ``shared``, announced by a :class:`BuildingInMemory` warning
    because it takes seconds. ``remote`` holds the endpoint's user, password, token, timeout.
    """
    if endpoint:
        from gdegraph.store.remote import RemoteStore

        return RemoteStore(endpoint, **remote)
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}", hint="use oxigraph or rdflib")
    cls: Any = OxigraphStore
    if engine == "rdflib":
        from gdegraph.store.rdflib_store import RdflibStore

        cls = RdflibStore
    data = data if data is not None else current_build(shared)
    if data is not None:
        return cls.from_file(data)
    warnings.warn(BuildingInMemory(f"{default_data()} is missing or older than its inputs; building the graph "
                                   "in memory (run `gdegraph build` to skip this)"), stacklevel=2)
    from gdegraph.sources.dataset import build_dataset

    dataset = build_dataset(shared)
    return OxigraphStore.from_dataset(dataset) if engine == "oxigraph" else cls(dataset)


def __getattr__(name: str) -> Any:
    """The rdflib and remote engines, imported only when named (they pull in rdflib or urllib)."""
    if name == "RdflibStore":
        from gdegraph.store.rdflib_store import RdflibStore

        return RdflibStore
    if name == "RemoteStore":
        from gdegraph.store.remote import RemoteStore

        return RemoteStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
