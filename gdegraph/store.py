"""Where queries run: one small interface, three engines.

* :class:`OxigraphStore` -- pyoxigraph, in memory; the default local engine
  (10-60x faster than rdflib's SPARQL on this graph, see docs/queries.md).
* :class:`RdflibStore` -- rdflib's own SPARQL engine over a Dataset; the
  reference the tests compare every other engine against.
* :class:`RemoteStore` -- any SPARQL 1.1 endpoint, through SPARQLWrapper.

Every engine returns the same values: rows of pyoxigraph terms (cheap to
import, hashable, and serialised with proper N-Triples escaping), so result
formatting and comparisons never depend on the engine. Parameters are bound
by :func:`with_values` (rdflib: ``initBindings``, see :class:`RdflibStore`).

The default graph is the union of the per-source named graphs. pyoxigraph and
most servers form it as a *bag* (a triple stated by two sources is seen
twice) while rdflib forms a set, which is why library queries use DISTINCT.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from gdegraph import paths
from gdegraph.errors import GdeError, InputError
from gdegraph.results import canonical

__all__ = ["EndpointError", "OxigraphStore", "QueryStore", "RdflibStore", "RemoteStore", "SelectResult",
           "built_is_current", "default_data", "open_store", "query_form", "run", "with_values"]

Term = NamedNode | BlankNode | Literal
Row = tuple[Term | None, ...]
Bindings = Mapping[str, NamedNode | Literal] | None
RDF_SUFFIXES = {".trig": "trig", ".ttl": "turtle", ".nq": "nquads", ".nt": "nt"}


class EndpointError(GdeError):
    """A remote endpoint could not answer: down, HTTP error, timeout or not SPARQL (exit 1)."""


@dataclass(frozen=True)
class SelectResult:
    """Variables in projection order and one tuple per solution (None where unbound)."""

    variables: list[str]
    rows: list[Row]


class QueryStore(Protocol):
    """What the command line and the tests need from an engine."""

    name: str

    def select(self, query: str, bindings: Bindings = None) -> SelectResult: ...
    def construct(self, query: str, bindings: Bindings = None) -> list[Triple]: ...
    def ask(self, query: str, bindings: Bindings = None) -> bool: ...


# --- binding: the query form and a VALUES block at the start of the WHERE clause ------

_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_VAR = re.compile(r"^[a-z][a-z0-9_]*$")
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_.%-]*)?")  # keywords and prefixed names
_VARIABLE = re.compile(r"[?$][A-Za-z0-9_]*")


def _scan(text: str) -> list[tuple[int, str]]:
    """Significant tokens (keywords and braces) with offsets, skipping comments, strings and IRIs."""
    out: list[tuple[int, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
        elif ch == "<" and (m := _IRI.match(text, i)):
            i = m.end()
        elif ch in "{}":
            out.append((i, ch))
            i += 1
        elif ch in "?$":
            i = _VARIABLE.match(text, i).end()  # type: ignore[union-attr]
        elif (m := _TOKEN.match(text, i)) is not None:
            if ":" not in m.group():
                out.append((i, m.group().upper()))
            i = m.end()
        else:
            i += 1
    return out


def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first query-form keyword of the text."""
    for _, token in _scan(text):
        if token in _FORMS:
            return token
    raise InputError("not a SPARQL query: no SELECT, CONSTRUCT, DESCRIBE or ASK found")


def _where_brace(text: str) -> int:
    """Offset of the ``{`` that opens the query's top-level WHERE clause."""
    tokens = _scan(text)
    form_at = next(k for k, (_, t) in enumerate(tokens) if t in _FORMS)
    rest = tokens[form_at + 1:]
    if tokens[form_at][1] == "CONSTRUCT" and rest and rest[0][1] == "{":
        depth = 0
        for k, (_, tok) in enumerate(rest):
            depth += {"{": 1, "}": -1}.get(tok, 0)
            if depth == 0:
                rest = rest[k + 1:]
                break
    elif tokens[form_at][1] == "CONSTRUCT":
        raise InputError("parameters cannot be bound in the short form CONSTRUCT WHERE { ... }")
    brace = next((pos for pos, tok in rest if tok == "{"), None)
    if brace is None:
        raise InputError("parameters need a WHERE clause to be bound in")
    return brace


def term_text(term: Any) -> str:
    """A pyoxigraph term in SPARQL/N-Triples syntax (escaped by pyoxigraph itself)."""
    if not isinstance(term, (NamedNode, Literal)):
        raise TypeError(f"only IRIs and literals can be bound, not {type(term).__name__}")
    return str(term)


def with_values(text: str, bindings: Mapping[str, Any] | None) -> str:
    """The query with ``VALUES (?a ?b) { (A B) }`` opening its WHERE clause; unchanged if no bindings.

    Joining a one-row VALUES block at the start of the WHERE group binds each
    variable for every pattern and FILTER of that group (and for GROUP BY keys
    and projections), identically on every SPARQL 1.1 engine.
    """
    if not bindings:
        return text
    names = list(bindings)
    for name in names:
        if not _VAR.match(name):
            raise InputError(f"not a parameter name: {name!r}")
    block = (" VALUES (" + " ".join(f"?{n}" for n in names) + ") { ("
             + " ".join(term_text(bindings[n]) for n in names) + ") } ")
    at = _where_brace(text) + 1
    return text[:at] + block + text[at:]


def run(store: QueryStore, query: str, bindings: Bindings = None) -> SelectResult | list[Triple] | bool:
    """Dispatch on the query form: SELECT -> rows, CONSTRUCT/DESCRIBE -> triples, ASK -> bool."""
    form = query_form(query)
    if form == "SELECT":
        return store.select(query, bindings)
    if form == "ASK":
        return store.ask(query, bindings)
    return store.construct(query, bindings)


def _syntax(exc: Exception, engine: str) -> InputError:
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

        store = cls()
        default = DefaultGraph()
        quads = []
        for s, p, o, g in dataset.quads((None, None, None, None)):
            name = getattr(g, "identifier", g)
            graph = default if name is None or str(name) == "urn:x-rdflib:default" else _from_rdflib(name)
            quads.append(Quad(_from_rdflib(s), _from_rdflib(p), _from_rdflib(o, spelling=False), graph))
        store.store.bulk_extend(quads)
        return store

    def _query(self, query: str, bindings: Bindings) -> Any:
        try:
            return self.store.query(with_values(query, bindings), use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise _syntax(exc, self.name) from None

    def select(self, query: str, bindings: Bindings = None) -> SelectResult:
        solutions = self._query(query, bindings)
        names = [v.value for v in solutions.variables]
        return SelectResult(names, [tuple(s[n] for n in names) for s in solutions])

    def construct(self, query: str, bindings: Bindings = None) -> list[Triple]:
        return sorted(set(self._query(query, bindings)), key=str)

    def ask(self, query: str, bindings: Bindings = None) -> bool:
        return bool(self._query(query, bindings))


def _from_rdflib(term: Any, spelling: bool = True) -> Term | None:
    """An rdflib term as a pyoxigraph term; numbers canonically spelled unless ``spelling`` is off."""
    from rdflib import BNode, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return NamedNode(str(term))
    if isinstance(term, BNode):
        return BlankNode(str(term))
    if term.language:
        return Literal(str(term), language=term.language)
    datatype = str(term.datatype) if term.datatype else None
    if not spelling:
        return Literal(str(term), datatype=NamedNode(datatype) if datatype else None)
    return canonical(str(term), datatype)


def _to_rdflib(term: NamedNode | Literal) -> Any:
    from rdflib import Literal as RdflibLiteral, URIRef

    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if term.language:
        return RdflibLiteral(term.value, lang=term.language)
    return RdflibLiteral(term.value, datatype=URIRef(term.datatype.value))


class RdflibStore:
    """rdflib's SPARQL engine over a Dataset whose default graph is the union of its graphs.

    Parameters are bound with rdflib's ``initBindings`` rather than the VALUES
    block: rdflib evaluates a leading VALUES join over 100x slower. The library
    queries use parameters only where both ways mean the same (triple patterns,
    top-level FILTERs), and the tests check that each engine gives the same rows.
    """

    name = "rdflib"

    def __init__(self, dataset: Any) -> None:
        from rdflib import Dataset

        # A second view of the same triple store, so the caller's Dataset keeps its own setting.
        self.dataset = dataset if getattr(dataset, "default_union", False) else \
            Dataset(store=dataset.store, default_union=True)

    @classmethod
    def from_file(cls, path: Path) -> RdflibStore:
        from rdflib import Dataset

        dataset = Dataset(default_union=True)
        fmt = RDF_SUFFIXES.get(path.suffix.lower())
        if fmt is None:
            raise InputError(f"unknown RDF file type {path.suffix!r}", path=path)
        try:
            dataset.parse(str(path), format=fmt)
        except OSError as exc:
            raise InputError(f"cannot read RDF file: {exc.strerror or exc}", path=path) from None
        except Exception as exc:  # rdflib's parsers raise many types for bad syntax
            raise InputError(f"cannot parse RDF: {exc}", path=path) from None
        return cls(dataset)

    def _query(self, query: str, bindings: Bindings) -> tuple[str, Any, list[Any]]:
        """(result type, variables or answer, rows or triples), evaluated while rdflib's own
        deprecation warnings (about its use of ``Dataset.contexts``) are silenced."""
        from pyparsing import ParseException

        query_form(query)  # the same "not a query" error as the other engines
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                result = self.dataset.query(query, initBindings={k: _to_rdflib(v) for k, v in (bindings or {}).items()})
                if result.type == "ASK":
                    return "ASK", bool(result.askAnswer), []
                return result.type, result.vars, list(result)
            except ParseException as exc:
                raise _syntax(exc, self.name) from None

    def select(self, query: str, bindings: Bindings = None) -> SelectResult:
        _, names, rows = self._query(query, bindings)
        return SelectResult([str(v) for v in names], [tuple(_from_rdflib(t) for t in row) for row in rows])

    def construct(self, query: str, bindings: Bindings = None) -> list[Triple]:
        _, _, triples = self._query(query, bindings)
        return sorted({Triple(*(_from_rdflib(t) for t in triple)) for triple in triples}, key=str)

    def ask(self, query: str, bindings: Bindings = None) -> bool:
        return bool(self._query(query, bindings)[1])


def default_data() -> Path:
    """Where ``gdegraph build`` writes the quads: ``dist/gdegraph.trig`` in the checkout."""
    return paths.repo_root() / "dist" / "gdegraph.trig"


#: The modules whose code decides the built graph's content (the rest only read or present it).
BUILD_MODULES = ("build", "loading", "oxigraph_terms", "refdata", "refdata_files", "inference", "names", "iris",
                 "publish")


def _inputs() -> Iterable[Path]:
    """Files whose change makes a built graph stale: ontology, data, build code, shared inputs."""
    root = paths.repo_root()
    yield from root.glob("ontology/*.ttl")
    yield from root.glob("data/*.ttl")
    yield from (p for name in BUILD_MODULES if (p := root / "gdegraph" / f"{name}.py").is_file())
    shared = paths.shared_dir()
    yield from shared.glob("seeds/*")
    yield from shared.glob("refdata/*")


def built_is_current(path: Path) -> bool:
    """True if ``path`` exists and is newer than every input it was built from."""
    if not path.is_file():
        return False
    built = path.stat().st_mtime
    return all(p.stat().st_mtime <= built for p in _inputs())


def open_store(engine: str = "oxigraph", data: Path | None = None, endpoint: str | None = None,
               **remote: Any) -> QueryStore:
    """The store a query runs on: ``endpoint`` if given, else ``data``, else the built graph
    when it is up to date, else the graph built in memory (a note says so on stderr)."""
    if endpoint:
        from gdegraph.push import RemoteStore

        return RemoteStore(endpoint, **remote)
    if engine not in ("oxigraph", "rdflib"):
        raise InputError(f"unknown engine {engine!r}", hint="use oxigraph or rdflib")
    cls: Any = OxigraphStore if engine == "oxigraph" else RdflibStore
    if data is not None:
        return cls.from_file(data)
    built = default_data()
    if built_is_current(built):
        return cls.from_file(built)
    print(f"gdegraph: note: {built} is missing or older than its inputs; building the graph in memory "
          "(run `gdegraph build` to skip this)", file=sys.stderr)
    from gdegraph.build import build_dataset

    dataset = build_dataset()
    return OxigraphStore.from_dataset(dataset) if engine == "oxigraph" else RdflibStore(dataset)


def __getattr__(name: str) -> Any:
    """``RemoteStore`` lives with the other HTTP code in :mod:`gdegraph.push`."""
    if name == "RemoteStore":
        from gdegraph.push import RemoteStore

        return RemoteStore
    raise AttributeError(name)
