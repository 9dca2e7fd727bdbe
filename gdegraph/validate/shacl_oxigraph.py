"""Run the compiled shapes (:mod:`gdegraph.validate.shacl_sparql`) and the QC queries on a pyoxigraph store.

The fast validation engine's runtime, used by :mod:`gdegraph.validate.validation`:

* :func:`load_dump` reads a TriG or N-Quads dump straight into a store, so a
  graph of a million triples is validated without ever becoming rdflib
  objects (rdflib needs several GB and minutes for that);
* :class:`TermBridge` copies rdflib graphs into a store and maps the engine's
  answers back to the *original* rdflib terms -- Oxigraph stores numbers and
  language tags canonically (``"1.50"`` comes back as ``"1.5"``, ``@en-GB`` as
  ``@en-gb``), and a report must show the value as the file has it;
* :func:`run_checks` and :func:`run_qc` run the queries, a few at a time on
  threads (Oxigraph evaluates without holding the GIL, so two cores nearly
  halve the time), and return their rows in a stable order as
  :class:`Finding`s in engine terms, for the caller to turn into report results;
* :class:`StoreView` answers the few look-ups a report needs (labels, which
  graphs state a triple, a blank node's description) from a store;
* :func:`well_typed` and :func:`pattern_function` are the custom SPARQL
  functions the compiled checks call where pySHACL's reading of a constraint
  is Python's, not SPARQL's: whether a literal is well formed for its datatype
  is rdflib's decision (rdflib accepts ``"1e5"^^xsd:decimal`` and any
  ``xsd:gYear``; Oxigraph does not), and ``sh:pattern`` is Python's ``re``.

The QC queries see the asserted graphs only, so the caller runs them after
:func:`drop_graph` has removed ``graph/inferred`` from its own store: cheaper
than a copy of the store, and far cheaper than naming the ~700 asserted graphs
as the default graph, which makes Oxigraph look in each one per pattern (860 s
instead of 90 s at 1M triples).
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from gdegraph.core.errors import InputError
from gdegraph.sources.oxigraph_terms import from_oxigraph  # re-exported: reports resolve store terms with it
from gdegraph.validate.shacl_functions import FUNCTIONS, pattern_function, well_typed

if TYPE_CHECKING:  # the compiler's records; the compiler itself never imports this module
    from gdegraph.validate.shacl_sparql import Check, CompiledShapes

__all__ = ["DEFAULT_GRAPH", "DUMP_SUFFIXES", "FUNCTIONS", "Finding", "StoreView", "TermBridge", "drop_graph",
           "from_oxigraph", "load_dump", "pattern_function", "run_checks", "run_qc", "well_typed"]

#: The name rdflib gives a Dataset's default graph; a dump's default graph is reported under it too.
DEFAULT_GRAPH = "urn:x-rdflib:default"
DUMP_SUFFIXES = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
def load_dump(path: Path) -> ox.Store:
    """A TriG or N-Quads file (optionally gzipped) in a new in-memory store, graph names kept."""
    suffixes = path.suffixes[-2:] if path.suffix == ".gz" else path.suffixes[-1:]
    fmt = DUMP_SUFFIXES.get(suffixes[0].lower()) if suffixes else None
    if fmt is None:
        raise InputError(f"cannot validate {path.name} as a dump", path=path,
                         hint="give a TriG (.trig) or N-Quads (.nq) file, optionally gzipped (.gz); "
                              "Turtle files are validated as PATHS")
    store = ox.Store()
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as stream:
                store.bulk_load(stream, format=fmt)
        else:
            store.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"cannot parse RDF: {exc}", path=path) from None
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read RDF file: {getattr(exc, 'strerror', None) or exc}", path=path) from None
    return store


def drop_graph(store: ox.Store, name: str) -> None:
    """Remove a named graph from a store the caller owns (graph/inferred before the QC queries)."""
    graph = ox.NamedNode(name)
    if any(True for _ in store.quads_for_pattern(None, None, None, graph)):
        store.remove_graph(graph)


class TermBridge:
    """rdflib terms into a store, and the store's answers back to the rdflib terms they came from."""

    def __init__(self) -> None:
        self._bnodes: dict[Any, Any] = {}
        self._literals: dict[ox.Literal, Literal] = {}

    def to_oxigraph(self, term: Node) -> Any:
        """An rdflib term as a store term; each blank node gets one store blank node, remembered both ways."""
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            if term not in self._bnodes:
                node = ox.BlankNode()
                self._bnodes[term], self._bnodes[node] = node, term
            return self._bnodes[term]
        assert isinstance(term, Literal)
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)

    def load(self, store: ox.Store, graphs: Mapping[URIRef, Graph]) -> None:
        """Add each graph as a named graph of ``store``, remembering the original form of every literal
        the store may answer in another spelling (typed or language-tagged ones)."""
        quads, literals, cache = [], set(), {}
        convert = self.to_oxigraph
        for name, graph in graphs.items():
            g = ox.NamedNode(str(name))
            for triple in graph:
                terms = []
                for term in triple:
                    done = cache.get(term)
                    if done is None:
                        done = convert(term)
                        if not isinstance(term, BNode):
                            cache[term] = done
                        if isinstance(term, Literal) and (term.datatype or term.language):
                            literals.add(term)
                    terms.append(done)
                quads.append(ox.Quad(*terms, g))
        store.extend(quads)
        # What the store will answer for each such literal: a scratch store canonicalises them all at once.
        ordered = sorted(literals, key=lambda lit: (str(lit), str(lit.datatype), lit.language or ""))
        scratch, p = ox.Store(), ox.NamedNode("urn:x-gdegraph:literal")
        scratch.extend(ox.Quad(ox.NamedNode(f"urn:x-gdegraph:{i}"), p, cache[lit]) for i, lit in enumerate(ordered))
        for quad in scratch:
            self._literals.setdefault(quad.object, ordered[int(quad.subject.value.rsplit(":", 1)[1])])

    def to_rdflib(self, term: Any) -> Node | None:
        """The rdflib term a store's answer stands for (the original, where the bridge loaded it)."""
        if term is None or isinstance(term, ox.NamedNode):
            return None if term is None else URIRef(term.value)
        known = self._bnodes.get(term) if isinstance(term, ox.BlankNode) else self._literals.get(term)
        return known if known is not None else from_oxigraph(term)


@dataclass(frozen=True)
class Finding:
    """One row of a check or QC query, in the store's terms.

    For a check: ``focus``, ``value`` (None if the row has none), ``path`` (a
    SHACL-SPARQL row's ``?path``) and every projected variable in ``bindings``
    (for message templates). For a QC query: ``check`` is None, ``qc`` the
    query, ``bindings`` its row.
    """

    focus: Any
    value: Any = None
    path: Any = None
    bindings: tuple[tuple[str, Any], ...] = ()
    check: Check | None = None
    qc: Any = None


def _rows(solutions: Any) -> Iterator[tuple[tuple[str, Any], ...]]:
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield tuple((n, solution[n]) for n in names)


def _workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _in_parallel(items: list[Any], run: Callable[[Any], list[Finding]]) -> list[Finding]:
    """``run`` for each item on a few threads (Oxigraph releases the GIL while it evaluates), results in order."""
    if len(items) < 2 or _workers() == 1:
        return [f for item in items for f in run(item)]
    with ThreadPoolExecutor(_workers()) as pool:
        return [f for found in pool.map(run, items) for f in found]


def run_checks(store: ox.Store, compiled: CompiledShapes) -> list[Finding]:
    """Every check over the union of the store's graphs: one Finding per row (rows without a focus skipped)."""
    functions = dict(compiled.functions)

    def run(check: Check) -> list[Finding]:
        found = []
        for row in _rows(store.query(check.query, use_default_graph_as_union=True, custom_functions=functions)):
            values = dict(row)
            if values.get("this") is not None:
                found.append(Finding(values["this"], values.get("value"), values.get("path"), row, check=check))
        return found
    return _in_parallel(list(compiled.checks), run)


def run_qc(store: ox.Store, queries: Iterable[Any]) -> list[Finding]:
    """Each QC query over the union of the store's graphs; a row's first column is the focus node."""
    def run(query: Any) -> list[Finding]:
        found = []
        for row in _rows(store.query(query.text, use_default_graph_as_union=True)):
            if row and row[0][1] is not None:
                values = dict(row)
                found.append(Finding(row[0][1], values.get("value"), values.get("property"), row, qc=query))
        return found
    return _in_parallel(list(queries), run)


class StoreView:
    """The look-ups a report needs, answered from a store in rdflib terms (for dumps validated directly).

    ``extra`` holds triples kept aside before a graph was dropped from the
    store (the labels of graph/inferred), so look-ups still see them.
    """

    def __init__(self, store: ox.Store, convert: Any = from_oxigraph, extra: Graph | None = None) -> None:
        self.store, self.convert, self.extra = store, convert, extra if extra is not None else Graph()

    def _ox(self, term: Node) -> Any:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        return ox.Literal(str(term), language=term.language) if term.language else \
            ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or _XSD_STRING)))

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        if isinstance(subject, Literal):
            return
        for quad in self.store.quads_for_pattern(self._ox(subject), self._ox(predicate), None, None):
            yield self.convert(quad.object)
        yield from self.extra.objects(subject, predicate)

    def predicate_objects(self, subject: Node) -> Iterator[tuple[Node, Node]]:
        for quad in self.store.quads_for_pattern(self._ox(subject), None, None, None):
            yield self.convert(quad.predicate), self.convert(quad.object)

    def graphs_of(self, subject: Node, predicate: Node | None = None, obj: Node | None = None) -> set[str]:
        """Names of the graphs holding a matching triple (a dump's default graph as rdflib names it)."""
        if isinstance(subject, Literal):
            return set()
        quads = self.store.quads_for_pattern(self._ox(subject), None if predicate is None else self._ox(predicate),
                                             None if obj is None else self._ox(obj), None)
        return {q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else DEFAULT_GRAPH for q in quads}
