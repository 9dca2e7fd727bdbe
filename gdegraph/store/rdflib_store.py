"""rdflib's SPARQL engine behind the :class:`~gdegraph.store.factory.QueryStore` interface, and term conversion.

rdflib is the slow reference engine the tests compare pyoxigraph and remote
endpoints against; its own terms are turned into pyoxigraph terms here, so
every engine's rows compare and print alike. Kept apart from
:mod:`gdegraph.store.factory` so that a query on pyoxigraph never imports rdflib.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from gdegraph.core.errors import InputError
from gdegraph.store.results import canonical
from gdegraph.store.sparql_text import query_form
from gdegraph.store.base import Bindings, SelectResult, Term, syntax_error

__all__ = ["RDF_SUFFIXES", "RdflibStore", "from_rdflib", "rdflib_graph"]

RDF_SUFFIXES = {".trig": "trig", ".ttl": "turtle", ".nq": "nquads", ".nt": "nt"}


def from_rdflib(term: Any, spelling: bool = True) -> Term | None:
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


def rdflib_graph(triples: list[Triple]) -> Any:
    """CONSTRUCT or DESCRIBE triples (pyoxigraph's) as an ``rdflib.Graph``, with the ``gde`` prefix bound."""
    from pyoxigraph import RdfFormat, serialize
    from rdflib import Graph

    from gdegraph.model import iris

    graph = Graph()
    graph.parse(data=(serialize(triples, format=RdfFormat.N_TRIPLES) or b"").decode("utf-8"), format="nt")
    graph.bind("gde", iris.DEF)
    return graph


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
        """Parse a TriG, N-Quads, Turtle or N-Triples file (format from its suffix)."""
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
                raise syntax_error(exc, self.name) from None

    def select(self, query: str, bindings: Bindings = None) -> SelectResult:
        _, names, rows = self._query(query, bindings)
        return SelectResult([str(v) for v in names], [tuple(from_rdflib(t) for t in row) for row in rows])

    def construct(self, query: str, bindings: Bindings = None) -> list[Triple]:
        _, _, triples = self._query(query, bindings)
        return sorted({Triple(*(from_rdflib(t) for t in triple)) for triple in triples}, key=str)

    def ask(self, query: str, bindings: Bindings = None) -> bool:
        return bool(self._query(query, bindings)[1])
