"""The dataset's own node: what it is, who publishes it, its licences and endpoint, then the parts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS

from gdegraph.model import iris
from gdegraph.core import mediatypes
from gdegraph.publish.dataset_description.distributions import distribution
from gdegraph.publish.dataset_description.subsets import rights_text, subsets
from gdegraph.publish.dataset_description.terms import DATASET, DCAT, PUBLISHER, SOURCE_SPACE, SPARQL_PROTOCOL, VOID
from gdegraph.publish.dataset_description.union import union_triples
from gdegraph.publish.dataset_description.void_statistics import statistics


def describe(ds: Any, files: Mapping[str, bytes], *, dumps_base: str, sparql_endpoint: str,
             version: str, release: Literal, triples: Iterable[Any] | None = None,
             digests: Mapping[str, str] | None = None) -> Graph:
    """The VoID + DCAT description of ``ds`` (the build's pyoxigraph store, or an rdflib Dataset, which
    is copied into one) and of the files (name -> bytes) published with it.

    Files whose format the media-type table does not know (``context.jsonld``
    is described as the JSON-LD context, not as a distribution) are skipped.
    ``triples`` (the store's distinct triples in N-Triples forms) and ``digests`` (file name -> SHA-256
    hex) spare a caller that has them already, such as a publish, working them out again.
    """
    from gdegraph.sources.dataset import union as union_view
    from gdegraph.store.oxigraph_store import OxigraphStore

    store = ds if isinstance(ds, ox.Store) else OxigraphStore.from_dataset(ds).store
    g = Graph()
    triples = union_triples(store) if triples is None else triples
    union = union_view(store)  # a view over the store: no copy of its triples
    licences = subsets(g, store, union)
    endpoint = URIRef(sparql_endpoint)
    for p, o in ((RDF.type, VOID.Dataset), (RDF.type, DCAT.Dataset),
                 (DCTERMS.title, Literal("gdegraph: NHS England's digital programmes", lang="en")),
                 (DCTERMS.description, Literal(
                     "A sourced knowledge graph of the English NHS Global Digital Exemplar, fast follower, "
                     "national exemplar and Digital Aspirant programmes: which trusts took part, when, "
                     "with what funding and pairings, every statement tied to the article it came from; "
                     "trust identity from NHS ODS and ONS reference data.", lang="en")),
                 (DCTERMS.publisher, PUBLISHER), (DCTERMS.creator, PUBLISHER),
                 (DCTERMS.issued, release), (DCTERMS.modified, release),
                 (OWL.versionInfo, Literal(version)), (DCAT.version, Literal(version)),
                 (DCTERMS.rights, Literal(rights_text(licences, []) + " See each void:subset for its sources "
                                          "and the attribution they require.", lang="en")),
                 *((DCTERMS.license, lic) for lic in licences),
                 *((DCAT.keyword, Literal(k, lang="en")) for k in (
                     "NHS", "Global Digital Exemplar", "fast follower", "Digital Aspirant", "digital maturity",
                     "funding", "NHS trusts")),
                 *((DCTERMS.source, URIRef(s[1:-1])) for s in {s for s, _, _ in triples}
                   if s.startswith("<" + SOURCE_SPACE)),
                 (VOID.uriSpace, Literal(iris.ID)), (VOID.sparqlEndpoint, endpoint),
                 (RDFS.seeAlso, URIRef(dumps_base + "context.jsonld"))):
        g.add((DATASET, p, o))
    for p, o in ((RDF.type, FOAF.Organization), (FOAF.name, Literal("gdegraph contributors"))):
        g.add((PUBLISHER, p, o))
    for p, o in ((RDF.type, DCAT.DataService), (DCAT.endpointURL, endpoint),
                 (DCAT.servesDataset, DATASET), (DCTERMS.conformsTo, SPARQL_PROTOCOL)):
        g.add((endpoint, p, o))
    statistics(g, triples)
    for name in sorted(files):
        if mediatypes.by_filename(name)[0] is not None and name.split(".")[0] != "context":
            distribution(g, name, files[name], dumps_base, release, licences, (digests or {}).get(name))
    return g
