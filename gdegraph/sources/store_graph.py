"""The built graph's pyoxigraph store read through rdflib's graph look-ups, and a light graph to write into.

The build, the 360Giving package and the dataset description are written as
plain Python over look-ups -- ``g.value(award, GDE.funder)``,
``g.subjects(RDF.type, GDE.Trust)`` -- in rdflib's terms, the project's
Python vocabulary. They used to run over an ``rdflib.Dataset``, whose
in-memory store pays for three indexes and a context map on every triple
added and on every pattern matched: a third of a build. Here the data stays
in the one pyoxigraph store the build loads, and each look-up is one indexed
``quads_for_pattern`` call on it; only the terms that come back become
rdflib terms (each distinct term converted once, then remembered for the
life of the view, which cannot outlive the store it reads).

* :class:`StoreGraph` -- read-only look-ups over the union of the store's
  graphs (each distinct triple once, as a SPARQL user sees it), or over one
  named graph;
* :class:`StoreTerms` -- the same look-ups in pyoxigraph's terms (for stages that write
  pyoxigraph terms back into the store);
* :class:`TripleSet` -- a small in-memory graph for what a stage computes
  (derived facts, entailments): add, iterate, and the same look-ups, in
  insertion order, without rdflib's store machinery.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from operator import attrgetter
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.paths import Path as PropertyPath
from rdflib.term import Node

from gdegraph.sources.oxigraph_terms import from_oxigraph
from gdegraph.store.rdflib_store import from_rdflib

__all__ = ["GraphLookups", "StoreGraph", "StoreTerms", "TripleSet", "named_graphs"]

Triple = tuple[Node, Node, Node]


class GraphLookups(ABC):
    """rdflib's derived look-ups (subjects, objects, value, ...) over a ``triples(pattern)`` method."""

    @abstractmethod
    def triples(self, pattern: tuple[Any, Any, Any]) -> Iterator[Triple]:
        """The triples matching ``pattern`` (``None`` matches anything)."""

    def __iter__(self) -> Iterator[Triple]:
        return self.triples((None, None, None))

    def __contains__(self, triple: tuple[Any, Any, Any]) -> bool:
        return any(True for _ in self.triples(triple))

    def subjects(self, predicate: Any = None, obj: Any = None, unique: bool = False) -> Iterator[Node]:
        return self._unique((s for s, _, _ in self.triples((None, predicate, obj))), unique)

    def objects(self, subject: Any = None, predicate: Any = None, unique: bool = False) -> Iterator[Node]:
        return self._unique((o for _, _, o in self.triples((subject, predicate, None))), unique)

    def predicates(self, subject: Any = None, obj: Any = None, unique: bool = False) -> Iterator[Node]:
        return self._unique((p for _, p, _ in self.triples((subject, None, obj))), unique)

    def subject_objects(self, predicate: Any = None, unique: bool = False) -> Iterator[tuple[Node, Node]]:
        return self._unique(((s, o) for s, _, o in self.triples((None, predicate, None))), unique)

    def subject_predicates(self, obj: Any = None, unique: bool = False) -> Iterator[tuple[Node, Node]]:
        return self._unique(((s, p) for s, p, _ in self.triples((None, None, obj))), unique)

    def predicate_objects(self, subject: Any = None, unique: bool = False) -> Iterator[tuple[Node, Node]]:
        return self._unique(((p, o) for _, p, o in self.triples((subject, None, None))), unique)

    def value(self, subject: Any = None, predicate: Any = RDF.value, obj: Any = None, default: Any = None,
              any: bool = True) -> Any:  # noqa: A002 -- rdflib's name
        """The one missing term of a pattern with two terms given, as ``rdflib.Graph.value``."""
        if subject is None:
            found = self.subjects(predicate, obj)
        elif predicate is None:
            found = self.predicates(subject, obj)
        else:
            found = self.objects(subject, predicate)
        first = next(found, None)
        if first is None:
            return default
        if not any and next(found, None) is not None:
            raise ValueError(f"more than one value for ({subject}, {predicate}, {obj})")
        return first

    @staticmethod
    def _unique(items: Iterator[Any], unique: bool) -> Iterator[Any]:
        if not unique:
            return items
        return iter(dict.fromkeys(items))


class StoreGraph(GraphLookups):
    """Read-only look-ups over a pyoxigraph store in rdflib terms: the union of its graphs, or one graph."""

    def __init__(self, store: ox.Store, graph: str | None = None) -> None:
        self.store = store
        self.identifier = URIRef(graph) if graph is not None else None
        self._graph = ox.NamedNode(graph) if graph is not None else None
        self._to: dict[Node, Any] = {}
        self._from: dict[Any, Node] = {}

    def _ox(self, term: Any) -> Any:
        if term is None:
            return None
        found = self._to.get(term)
        if found is None:
            found = self._to[term] = from_rdflib(term, spelling=False)
        return found

    def _rdflib(self, term: Any) -> Node:
        found = self._from.get(term)
        if found is None:
            found = self._from[term] = from_oxigraph(term)  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    def _quads(self, s: Any, p: Any, o: Any) -> Iterator[Any]:
        """The store's matching quads; over the union, one per distinct triple."""
        if isinstance(s, _NOT_SUBJECTS) or isinstance(p, _NOT_PREDICATES):
            return iter(())
        quads = self.store.quads_for_pattern(self._ox(s), self._ox(p), self._ox(o), self._graph)
        if self._graph is not None:
            return quads
        # Over the union a triple in several graphs comes once per graph; with two terms given,
        # the third tells the triples apart, which is cheaper to ask of a quad than the triple.
        if s is not None and p is not None:
            return _distinct(quads, _OBJECT)
        if p is not None and o is not None:
            return _distinct(quads, _SUBJECT)
        return _distinct(quads, _PREDICATE if s is not None and o is not None else _TRIPLE)

    def value(self, subject: Any = None, predicate: Any = RDF.value, obj: Any = None, default: Any = None,
              any: bool = True) -> Any:  # noqa: A002 -- rdflib's name
        """As :meth:`GraphLookups.value`; the usual look-up (``subject``, ``predicate``, first object) goes
        straight to the store's first match, which is the first of the distinct triples too."""
        if not (any and subject is not None and predicate is not None and obj is None):
            return super().value(subject, predicate, obj, default, any)
        if isinstance(subject, _NOT_SUBJECTS) or isinstance(predicate, _NOT_PREDICATES):
            return default
        for quad in self.store.quads_for_pattern(self._ox(subject), self._ox(predicate), None, self._graph):
            return self._rdflib(quad.object)
        return default

    def triples(self, pattern: tuple[Any, Any, Any]) -> Iterator[Triple]:
        """Matching triples (each distinct one once, over every graph of the union); property paths too."""
        s, p, o = pattern
        if isinstance(p, PropertyPath):
            for s2, o2 in p.eval(self, s, o):
                yield s2, p, o2
            return
        convert = self._rdflib
        for quad in self._quads(s, p, o):
            yield convert(quad.subject), convert(quad.predicate), convert(quad.object)

    # Each look-up converts only the terms it returns (a literal costs microseconds to make in rdflib).
    def subjects(self, predicate: Any = None, obj: Any = None, unique: bool = False) -> Iterator[Node]:
        return self._unique((self._rdflib(q.subject) for q in self._quads(None, predicate, obj)), unique)

    def objects(self, subject: Any = None, predicate: Any = None, unique: bool = False) -> Iterator[Node]:
        return self._unique((self._rdflib(q.object) for q in self._quads(subject, predicate, None)), unique)

    def predicates(self, subject: Any = None, obj: Any = None, unique: bool = False) -> Iterator[Node]:
        return self._unique((self._rdflib(q.predicate) for q in self._quads(subject, None, obj)), unique)

    def __contains__(self, triple: tuple[Any, Any, Any]) -> bool:
        return any(True for _ in self._quads(*triple))

    def __len__(self) -> int:
        if self._graph is not None:
            return sum(1 for _ in self.store.quads_for_pattern(None, None, None, self._graph))
        return len({q.triple for q in self.store})

    def oxigraph_quads(self) -> Iterator[Any]:
        """The view's quads in the store's own terms (one per distinct triple over the union), unconverted."""
        return self._quads(None, None, None)


class StoreTerms(StoreGraph):
    """:class:`StoreGraph`'s look-ups in the store's own (pyoxigraph) terms, nothing converted either way.

    For the build's stages that write pyoxigraph terms back (:mod:`gdegraph.sources.derived`): each
    look-up is then one pattern call, without making an rdflib term of what it finds.
    """

    def _ox(self, term: Any) -> Any:
        return term

    def _rdflib(self, term: Any) -> Any:
        return term


#: Terms no triple has as subject, as predicate (of either kind): a pattern with one matches nothing.
_NOT_SUBJECTS = (Literal, ox.Literal)
_NOT_PREDICATES = (Literal, BNode, ox.Literal, ox.BlankNode)


_SUBJECT, _PREDICATE, _OBJECT, _TRIPLE = (attrgetter(name) for name in ("subject", "predicate", "object", "triple"))


def _distinct(quads: Iterator[Any], key: Callable[[Any], Any]) -> Iterator[Any]:
    """The quads whose ``key`` has not come before."""
    seen: set[Any] = set()
    for quad in quads:
        found = key(quad)
        if found not in seen:
            seen.add(found)
            yield quad


def named_graphs(store: ox.Store) -> list[StoreGraph]:
    """A view of each named graph of the store that holds a quad, in IRI order."""
    return [StoreGraph(store, g.value) for g in sorted(store.named_graphs(), key=lambda g: g.value)]


class TripleSet(GraphLookups):
    """A small graph in memory: distinct triples in insertion order, indexed by subject and by predicate."""

    def __init__(self, triples: Iterable[Triple] = ()) -> None:
        self._triples: dict[Triple, None] = {}
        self._by_subject: dict[Node, list[Triple]] = {}
        self._by_predicate: dict[Node, list[Triple]] = {}
        for triple in triples:
            self.add(triple)

    def add(self, triple: Triple) -> TripleSet:
        """Add one triple (a repeat is ignored); returns the set, as ``rdflib.Graph.add`` returns the graph."""
        if triple not in self._triples:
            self._triples[triple] = None
            self._by_subject.setdefault(triple[0], []).append(triple)
            self._by_predicate.setdefault(triple[1], []).append(triple)
        return self

    def __len__(self) -> int:
        return len(self._triples)

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def __contains__(self, triple: tuple[Any, Any, Any]) -> bool:
        if None not in triple:
            return triple in self._triples
        return super().__contains__(triple)

    def triples(self, pattern: tuple[Any, Any, Any]) -> Iterator[Triple]:
        s, p, o = pattern
        if s is not None:
            candidates: Iterable[Triple] = self._by_subject.get(s, ())
        elif p is not None:
            candidates = self._by_predicate.get(p, ())
        else:
            candidates = self._triples
        for triple in candidates:
            if (p is None or triple[1] == p) and (o is None or triple[2] == o) and (s is None or triple[0] == s):
                yield triple
