"""VoID statistics of the whole dataset: counts, class and property partitions, example resources."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from gdegraph.model import iris
from gdegraph.publish.dataset_description.terms import DATASET, GDE, VOID
from gdegraph.publish.dataset_description.union import Triples
from gdegraph.model.jsonld_context import PREFIXES, compact_iri


def _key(iri: str) -> str:
    """A readable slug for a class or property IRI (``gde:Trust`` -> ``gde-trust``)."""
    return iris.slugify(compact_iri(iri).replace("://", "-"))


def _partition_iris(kind: str, terms: Iterable[str]) -> dict[str, URIRef]:
    """``partition/{kind}-{slug}`` per term IRI; slugs that collide get a short hash of the IRI."""
    terms = sorted(set(terms))
    counts = Counter(_key(t) for t in terms)
    out = {}
    for t in terms:
        slug = _key(t)
        if counts[slug] > 1:
            slug += "-" + hashlib.sha256(t.encode()).hexdigest()[:8]
        out[t] = URIRef(iris.instance("partition", f"{kind}-{slug}"))
    return out


def _name(term: Any) -> str:
    """An IRI's text, a blank node's label (what ``str()`` of the rdflib term gives)."""
    return term.value if isinstance(term, (ox.NamedNode, ox.BlankNode)) else str(term)


def statistics(g: Graph, triples: Triples) -> None:
    """Counts, class and property partitions, and the most-described instance of key classes.

    ``triples`` are in the store's terms (:func:`~gdegraph.publish.dataset_description.union.union_triples`).
    """
    subjects = {s for s, _, _ in triples}
    instances: dict[str, set] = defaultdict(set)
    by_property: Counter[str] = Counter()
    rdf_type = ox.NamedNode(str(RDF.type))
    for s, p, o in triples:
        by_property[p.value] += 1
        if p == rdf_type and isinstance(o, ox.NamedNode):
            instances[o.value].add(s)
    for p, o in ((VOID.triples, len(triples)), (VOID.distinctSubjects, len(subjects)),
                 (VOID.entities, sum(1 for s in subjects if _name(s).startswith(iris.ID))),
                 (VOID.distinctObjects, len({o for _, _, o in triples})),
                 (VOID.properties, len(by_property)), (VOID.classes, len(instances))):
        g.add((DATASET, p, Literal(o)))
    for cls, node in _partition_iris("class", instances).items():
        g.add((DATASET, VOID.classPartition, node))
        g.add((node, VOID["class"], URIRef(cls)))
        g.add((node, VOID.entities, Literal(len(instances[cls]))))
    for prop, node in _partition_iris("property", by_property).items():
        g.add((DATASET, VOID.propertyPartition, node))
        g.add((node, VOID.property, URIRef(prop)))
        g.add((node, VOID.triples, Literal(by_property[prop])))
    size = Counter(s for s, _, _ in triples)
    for cls in (GDE.Programme, GDE.Trust, GDE.FundingAward, GDE.Pairing, GDE.Claim, GDE.NewsArticle):
        if instances.get(str(cls)):
            example = min(instances[str(cls)], key=lambda s: (-size[s], _name(s)))
            g.add((DATASET, VOID.exampleResource, URIRef(_name(example))))
    vocabularies = {ns for ns in PREFIXES.values() if not ns.startswith(iris.ID) and ns != iris.GRAPH
                    and any(t.startswith(ns) for t in (*by_property, *instances))}
    for ns in vocabularies:
        g.add((DATASET, VOID.vocabulary, URIRef(ns)))
