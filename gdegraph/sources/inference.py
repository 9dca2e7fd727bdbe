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
from collections.abc import Callable, Iterable
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

Triple = tuple[URIRef, URIRef, object]


def _closure(pairs: Iterable[tuple[Any, Any]]) -> dict[Any, set[Any]]:
    """Reflexive-free transitive closure of a parent relation (child -> all ancestors)."""
    parents: dict[Any, set[Any]] = defaultdict(set)
    for child, parent in pairs:
        if child != parent:
            parents[child].add(parent)
    closed: dict[Any, set[Any]] = {}
    for start in list(parents):
        seen: set[Any] = set()
        stack = list(parents[start])
        while stack:
            node = stack.pop()
            if node not in seen and node != start:
                seen.add(node)
                stack.extend(parents.get(node, ()))
        closed[start] = seen
    return closed


def entailments(ontology: Graph, data: Graph) -> Graph:
    """Return the entailed triples of ``data`` under ``ontology`` that are not already in it (rdflib graphs)."""
    iri = lambda term: isinstance(term, URIRef)  # noqa: E731
    inferred = Graph()
    for triple in _entail(
        set(data), RDF.type,
        _closure((s, o) for s, o in ontology.subject_objects(RDFS.subClassOf) if iri(s) and iri(o)),
        _closure((s, o) for s, o in ontology.subject_objects(RDFS.subPropertyOf) if iri(s) and iri(o)),
        list(ontology.subject_objects(OWL.inverseOf)), set(ontology.subjects(RDF.type, OWL.SymmetricProperty)), iri,
    ):
        inferred.add(triple)
    return inferred


def store_entailments(store: Any, ontology_graph: str, into_graph: str) -> list[Any]:
    """The same entailments over every graph of a pyoxigraph store, as quads of ``into_graph``.

    The build's path: the terms stay Oxigraph's from the store to the new quads, so
    no triple of the dataset is converted to rdflib to be checked against the rules.
    """
    import pyoxigraph as ox

    onto = ox.NamedNode(ontology_graph)

    def pairs(predicate: str) -> list[tuple[Any, Any]]:
        return [(q.subject, q.object) for q in store.quads_for_pattern(None, ox.NamedNode(predicate), None, onto)]

    iri = lambda term: isinstance(term, ox.NamedNode)  # noqa: E731
    rdf_type = ox.NamedNode(str(RDF.type))
    symmetric = {q.subject for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(str(OWL.SymmetricProperty)), onto)}
    superclasses = _closure((s, o) for s, o in pairs(str(RDFS.subClassOf)) if iri(s) and iri(o))
    superproperties = _closure((s, o) for s, o in pairs(str(RDFS.subPropertyOf)) if iri(s) and iri(o))
    inverses = pairs(str(OWL.inverseOf))
    # Only triples with a predicate some rule reads or writes can start a rule or already hold what one
    # entails: the rest of the store (most of it) need not become Python tuples.
    predicates = {rdf_type, *symmetric, *(p for pair in inverses for p in pair), *superproperties,
                  *(p for supers in superproperties.values() for p in supers)}
    known = {(q.subject, q.predicate, q.object) for predicate in predicates if iri(predicate)
             for q in store.quads_for_pattern(None, predicate, None, None)}
    found = _entail(known, rdf_type, superclasses, superproperties, inverses, symmetric, iri)
    graph = ox.NamedNode(into_graph)
    return [ox.Quad(s, p, o, graph) for s, p, o in found]


def _entail(known: set[tuple[Any, Any, Any]], rdf_type: Any, superclasses: dict[Any, set[Any]],
            superproperties: dict[Any, set[Any]], inverse_pairs: Iterable[tuple[Any, Any]], symmetric: set[Any],
            is_iri: Callable[[Any], bool]) -> list[tuple[Any, Any, Any]]:
    """The rules to a fixpoint over ``known`` (which grows): the new triples, in the order found.

    Written once for both kinds of term (rdflib's, Oxigraph's): only equality,
    hashing and ``is_iri`` are asked of a term.
    """
    inverse: dict[Any, set[Any]] = defaultdict(set)
    for p, q in inverse_pairs:
        inverse[p].add(q)
        inverse[q].add(p)
    inferred: list[tuple[Any, Any, Any]] = []
    frontier = list(known)
    while frontier:
        new: list[tuple[Any, Any, Any]] = []
        for s, p, o in frontier:
            candidates: list[tuple[Any, Any, Any]] = []
            if p == rdf_type and o in superclasses:
                candidates += [(s, rdf_type, c) for c in superclasses[o]]
            for sp in superproperties.get(p, ()):
                candidates.append((s, sp, o))
            if is_iri(o):
                candidates += [(o, q, s) for q in inverse.get(p, ())]
                if p in symmetric:
                    candidates.append((o, p, s))
            for triple in candidates:
                if triple not in known:
                    known.add(triple)
                    inferred.append(triple)
                    new.append(triple)
        frontier = new
    return inferred
