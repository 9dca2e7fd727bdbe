"""The ontology quads and the build's entailments over the synthetic stream.

A synthetic graph must look like a ``gdegraph build``, which materialises the
rules of :mod:`gdegraph.sources.inference` (sub-class, sub-property, inverse,
symmetric) into ``graph/inferred``. rdflib would take minutes on a million
triples, so the same rules run here over N-Triples strings, in a fixed order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from gdegraph.core import paths
from gdegraph.synth.terms import Quad, graph, v

Triple = tuple[str, str, str]


def ontology_quads() -> Iterator[Quad]:
    """The ontology files as they are, sorted (they hold no blank nodes), in ``graph/ontology``."""
    import pyoxigraph

    g = graph("ontology")
    files = sorted(paths.ontology_dir().glob("*.ttl"))
    triples = sorted({(str(t.subject), str(t.predicate), str(t.object)) for path in files
                      for t in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)})
    return ((s, p, o, g) for s, p, o in triples)


class Entailer:
    """The build's entailment rules over the stream of quads, without rdflib.

    Feed every asserted quad to :meth:`see`, then take :meth:`inferred`.
    """

    def __init__(self) -> None:
        onto = [(s, p, o) for s, p, o, _ in ontology_quads()]
        self.sup_class = _closure((s, o) for s, p, o in onto if p == v("rdfs:subClassOf"))
        self.sup_prop = _closure((s, o) for s, p, o in onto if p == v("rdfs:subPropertyOf"))
        self.inverse = _closure([(s, o) for s, p, o in onto if p == v("owl:inverseOf")]
                                + [(o, s) for s, p, o in onto if p == v("owl:inverseOf")], transitive=False)
        self.symmetric = {s for s, p, o in onto if p == v("rdf:type") and o == v("owl:SymmetricProperty")}
        self.heads = {v("rdf:type"), *self.symmetric, *(q for qs in (*self.sup_prop.values(), *self.inverse.values())
                                                        for q in qs)}
        self.asserted: set[Triple] = set()  # only triples an entailment could repeat
        self.pending: list[Triple] = []

    def see(self, quad: Quad) -> None:
        """Note an asserted quad: as a premise of a rule, or as a conclusion already stated."""
        s, p, o, _ = quad
        if p in self.heads:
            self.asserted.add((s, p, o))
        if (p == v("rdf:type") and o in self.sup_class) or p in self.sup_prop or p in self.inverse \
                or p in self.symmetric:
            self.pending.append((s, p, o))

    def _rules(self, s: str, p: str, o: str) -> Iterator[Triple]:
        if p == v("rdf:type"):
            yield from ((s, p, c) for c in self.sup_class.get(o, ()))
        yield from ((s, q, o) for q in self.sup_prop.get(p, ()))
        if o.startswith("<"):
            yield from ((o, q, s) for q in self.inverse.get(p, ()))
            if p in self.symmetric:
                yield o, p, s

    def inferred(self, g: str) -> Iterator[Quad]:
        """Each entailed triple not already asserted, once, iterating to a fixpoint."""
        found: set[Triple] = set()
        frontier = self.pending
        while frontier:
            new = [c for t in frontier for c in self._rules(*t)]
            frontier = []
            for c in new:
                if c not in self.asserted and c not in found:
                    found.add(c)
                    frontier.append(c)
                    yield (*c, g)


def _closure(pairs: Iterable[tuple[str, str]], transitive: bool = True) -> dict[str, tuple[str, ...]]:
    """child -> its ancestors (or, not transitive, its parents), sorted: set order varies between runs."""
    parents: dict[str, list[str]] = {}
    for child, parent in pairs:
        if child != parent:
            parents.setdefault(child, []).append(parent)
    closed = {}
    for start, direct in parents.items():
        seen, stack = set(), list(direct)
        while stack:
            node = stack.pop()
            if node not in seen and node != start:
                seen.add(node)
                stack.extend(parents.get(node, ()) if transitive else ())
        closed[start] = tuple(sorted(seen))
    return closed
