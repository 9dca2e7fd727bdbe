"""Materialise the entailments users rely on without running a reasoner.

Users query the published graph with plain SPARQL, so the build adds a small,
predictable set of entailed triples into their own named graph
(``graph/inferred``), leaving the asserted graphs untouched:

* ``rdfs:subClassOf``: every resource typed with a class is also typed with
  all its superclasses (``?x a gde:Trust`` finds NHS foundation trusts, and
  ``?x a org:FormalOrganization`` finds every trust);
* ``rdfs:subPropertyOf``: a triple with a sub-property is also stated with
  each super-property (``gde:recordedIn`` gives ``prov:wasDerivedFrom``);
* ``owl:inverseOf``: both directions are stated (``gde:exemplarIn`` from a
  trust to its pairings);
* ``owl:SymmetricProperty``: both directions are stated (``gde:conflictsWith``).

Deliberately *not* materialised: ``rdfs:domain``/``rdfs:range`` (they document
intended use; entailing types from them would, for instance, make every
org:ChangeEvent a prov:Entity because it has a source) and the RDFS/OWL
axiomatic triples a full OWL-RL closure (owlrl) adds, which would triple the
graph with statements no user asks for. The rules are closed under each other
(a sub-property of an inverse, for example) by iterating to a fixpoint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

Triple = tuple[URIRef, URIRef, object]


def _closure(pairs: Iterable[tuple[URIRef, URIRef]]) -> dict[URIRef, set[URIRef]]:
    """Reflexive-free transitive closure of a parent relation (child -> all ancestors)."""
    parents: dict[URIRef, set[URIRef]] = defaultdict(set)
    for child, parent in pairs:
        if child != parent:
            parents[child].add(parent)
    closed: dict[URIRef, set[URIRef]] = {}
    for start in list(parents):
        seen: set[URIRef] = set()
        stack = list(parents[start])
        while stack:
            node = stack.pop()
            if node not in seen and node != start:
                seen.add(node)
                stack.extend(parents.get(node, ()))
        closed[start] = seen
    return closed


def entailments(ontology: Graph, data: Graph) -> Graph:
    """Return the entailed triples of ``data`` under ``ontology`` that are not already in it."""
    superclasses = _closure(
        (s, o) for s, o in ontology.subject_objects(RDFS.subClassOf) if isinstance(s, URIRef) and isinstance(o, URIRef)
    )
    superproperties = _closure(
        (s, o) for s, o in ontology.subject_objects(RDFS.subPropertyOf) if isinstance(s, URIRef) and isinstance(o, URIRef)
    )
    inverse: dict[URIRef, set[URIRef]] = defaultdict(set)
    for p, q in ontology.subject_objects(OWL.inverseOf):
        inverse[p].add(q)
        inverse[q].add(p)
    symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))

    known: set[tuple] = set(data)
    inferred = Graph()
    frontier = list(known)
    while frontier:
        new: list[tuple] = []
        for s, p, o in frontier:
            candidates: list[tuple] = []
            if p == RDF.type and o in superclasses:
                candidates += [(s, RDF.type, c) for c in superclasses[o]]
            for sp in superproperties.get(p, ()):
                candidates.append((s, sp, o))
            if isinstance(o, URIRef):
                candidates += [(o, q, s) for q in inverse.get(p, ())]
                if p in symmetric:
                    candidates.append((o, p, s))
            for triple in candidates:
                if triple not in known:
                    known.add(triple)
                    inferred.add(triple)
                    new.append(triple)
        frontier = new
    return inferred
