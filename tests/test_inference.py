"""Materialised entailments: users query the dump without a reasoner."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from gdegraph.sources.inference import entailments

GDE = Namespace("https://w3id.org/gdegraph/def#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
EX = Namespace("https://example.org/")


def test_every_trust_is_found_whatever_subclass_it_was_typed_with(graph: Graph) -> None:
    asserted_trust_types = {GDE.NHSTrust, GDE.NHSFoundationTrust}
    typed_with_subclass = {s for t in asserted_trust_types for s in graph.subjects(RDF.type, t)}
    assert typed_with_subclass, "expected trusts typed with a subclass"
    as_trust = set(graph.subjects(RDF.type, GDE.Trust))
    assert typed_with_subclass <= as_trust
    assert as_trust <= set(graph.subjects(RDF.type, ORG.FormalOrganization))


def test_inverse_properties_are_materialised(graph: Graph) -> None:
    rq6 = URIRef("https://w3id.org/gdegraph/id/trust/RQ6")
    assert len(set(graph.objects(rq6, GDE.exemplarIn))) == 2


def test_rules_chain_to_a_fixpoint_and_skip_domains() -> None:
    onto = Graph()
    onto.add((EX.A, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), EX.B))
    onto.add((EX.B, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), EX.C))
    onto.add((EX.p, URIRef("http://www.w3.org/2000/01/rdf-schema#subPropertyOf"), EX.q))
    onto.add((EX.q, URIRef("http://www.w3.org/2002/07/owl#inverseOf"), EX.qi))
    onto.add((EX.p, URIRef("http://www.w3.org/2000/01/rdf-schema#domain"), EX.D))
    data = Graph()
    data.add((EX.x, RDF.type, EX.A))
    data.add((EX.x, EX.p, EX.y))
    inferred = set(entailments(onto, data))
    assert (EX.x, RDF.type, EX.C) in inferred
    assert (EX.y, EX.qi, EX.x) in inferred  # sub-property, then inverse
    assert (EX.x, RDF.type, EX.D) not in inferred  # domains are documentation, not entailments
