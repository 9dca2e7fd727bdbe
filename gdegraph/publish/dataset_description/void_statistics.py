"""VoID statistics of the whole dataset: counts, class and property partitions, example resources."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable

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


def _iri(form: str) -> str | None:
    """The IRI of an N-Triples ``<iri>`` form, None for a literal or blank node."""
    return form[1:-1] if form.startswith("<") else None


def statistics(g: Graph, triples: Triples) -> None:
    """Counts, class and property partitions, and the most-described instance of key classes.

    ``triples`` are N-Triples forms (:func:`~gdegraph.publish.dataset_description.union.union_triples`).
    """
    subjects = {s for s, _, _ in triples}
    instances: dict[str, set] = defaultdict(set)
    by_property: Counter[str] = Counter(p[1:-1] for _, p, _ in triples)
    rdf_type = f"<{RDF.type}>"
    for s, p, o in triples:
        if p == rdf_type and o.startswith("<"):
            instances[o[1:-1]].add(s)
    entity_space = "<" + iris.ID
    for p, o in ((VOID.triples, len(triples)), (VOID.distinctSubjects, len(subjects)),
                 (VOID.entities, sum(1 for s in subjects if s.startswith(entity_space))),
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
            example = min(instances[str(cls)], key=lambda s: (-size[s], _iri(s) or s))
            g.add((DATASET, VOID.exampleResource, URIRef(_iri(example) or example)))
    vocabularies = {ns for ns in PREFIXES.values() if not ns.startswith(iris.ID) and ns != iris.GRAPH
                    and any(t.startswith(ns) for t in (*by_property, *instances))}
    for ns in vocabularies:
        g.add((DATASET, VOID.vocabulary, URIRef(ns)))
