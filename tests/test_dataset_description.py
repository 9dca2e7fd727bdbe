"""The VoID/DCAT description: counts that match the dumps, a checked entry per file, licences per source."""

from __future__ import annotations

import hashlib
import re

import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from gdegraph import __version__
from gdegraph.model import iris
from gdegraph.core import mediatypes
from gdegraph.publish.dataset_description import CC_BY, DATASET, ODBL, OGL, release_date
from gdegraph.publish.dumps import DESCRIPTION_FILE, SUMS_FILE, PublishSettings, publish_files, union_triples, sorted_quads

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
BASE = "https://example.org/gdegraph/files/"
ENDPOINT = "https://example.org/gdegraph/sparql"


@pytest.fixture(scope="module")
def files(dataset: Dataset) -> dict[str, bytes]:
    return publish_files(dataset, PublishSettings(dumps_base=BASE, sparql_endpoint=ENDPOINT))


@pytest.fixture(scope="module")
def description(files: dict[str, bytes]) -> Graph:
    return Graph().parse(data=files[DESCRIPTION_FILE], format="turtle")


def _int(g: Graph, s: object, p: URIRef) -> int:
    return int(g.value(s, p))  # type: ignore[arg-type]


def test_counts_match_the_dumps(description: Graph, dataset: Dataset) -> None:
    triples = len(union_triples(sorted_quads(dataset)))
    assert _int(description, DATASET, VOID.triples) == triples
    parts = list(description.objects(DATASET, VOID.propertyPartition))
    assert sum(_int(description, p, VOID.triples) for p in parts) == triples
    assert _int(description, DATASET, VOID.properties) == len(parts)
    subsets = {s: _int(description, s, VOID.triples) for s in description.objects(DATASET, VOID.subset)}
    assert subsets == {g.identifier: len(g) for g in dataset.graphs() if len(g)}
    assert sum(subsets.values()) == len(sorted_quads(dataset))


def test_class_partitions_count_instances(description: Graph, graph: Graph) -> None:
    gde_trust = URIRef(iris.term("Trust"))
    (part,) = [p for p in description.objects(DATASET, VOID.classPartition)
               if description.value(p, VOID["class"]) == gde_trust]
    assert part == URIRef(iris.instance("partition", "class-gde-trust"))
    assert _int(description, part, VOID.entities) == len(set(graph.subjects(RDF.type, gde_trust)))
    entities = {s for s in graph.subjects() if str(s).startswith(iris.ID)}
    assert _int(description, DATASET, VOID.entities) == len(entities)


def test_dataset_metadata(description: Graph) -> None:
    d = description
    assert (DATASET, RDF.type, VOID.Dataset) in d and (DATASET, RDF.type, DCAT.Dataset) in d
    assert d.value(DATASET, VOID.uriSpace) == Literal(iris.ID)
    assert d.value(DATASET, VOID.sparqlEndpoint) == URIRef(ENDPOINT)
    assert (URIRef(ENDPOINT), DCAT.servesDataset, DATASET) in d
    assert str(d.value(DATASET, DCAT.version)) == __version__ == str(d.value(DATASET, URIRef(
        "http://www.w3.org/2002/07/owl#versionInfo")))
    assert d.value(DATASET, DCTERMS.issued) == d.value(DATASET, DCTERMS.modified) is not None
    assert d.value(DATASET, DCTERMS.title) and d.value(DATASET, DCTERMS.description)
    assert d.value(d.value(DATASET, DCTERMS.publisher), URIRef("http://xmlns.com/foaf/0.1/name"))
    assert set(d.objects(DATASET, DCTERMS.license)) == {CC_BY, OGL, ODBL}
    examples = set(d.objects(DATASET, VOID.exampleResource))
    assert URIRef(iris.instance("programme", "global-digital-exemplar")) in examples and len(examples) >= 4


def test_one_checked_distribution_per_file(description: Graph, files: dict[str, bytes]) -> None:
    described = {}
    for dist in description.objects(DATASET, DCAT.distribution):
        url = str(description.value(dist, DCAT.downloadURL))
        assert url.startswith(BASE)
        described[url.removeprefix(BASE)] = dist
    assert set(described) == set(files) - {DESCRIPTION_FILE, SUMS_FILE, "context.jsonld"}
    for name, dist in described.items():
        data, (fmt, gzipped) = files[name], mediatypes.by_filename(name)
        assert fmt is not None
        assert _int(description, dist, DCAT.byteSize) == len(data)
        assert description.value(dist, DCAT.byteSize).datatype == XSD.nonNegativeInteger
        checksum = description.value(dist, SPDX.checksum)
        assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(description.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert description.value(dist, DCAT.mediaType) == URIRef(fmt.iana)
        assert (description.value(dist, DCAT.compressFormat) is not None) == gzipped
        assert description.value(dist, DCTERMS.conformsTo) is not None
        assert set(description.objects(dist, DCTERMS.license)) >= {CC_BY}
        if fmt.rdf:
            assert (DATASET, VOID.dataDump, URIRef(BASE + name)) in description
            assert URIRef(fmt.w3c_format) in set(description.objects(dist, DCTERMS.conformsTo))


def test_licences_and_attribution_follow_the_sources(description: Graph) -> None:
    def subset(key: str) -> URIRef:
        return URIRef(iris.graph(key))

    def rights(key: str) -> str:
        return str(description.value(subset(key), DCTERMS.rights))

    assert set(description.objects(subset("ontology"), DCTERMS.license)) == {CC_BY}
    assert set(description.objects(subset("seed-004"), DCTERMS.license)) == {CC_BY}
    assert URIRef(iris.instance("source", "seed-004")) in set(description.objects(subset("seed-004"), DCTERMS.source))
    assert "Digital Health News" in rights("seed-004") and "CC BY 4.0" in rights("seed-004")
    assert "publisher not stated" in rights("seed-002")
    refdata = set(description.objects(subset("refdata"), DCTERMS.license))
    assert OGL in refdata and CC_BY not in refdata
    assert "Open Government Licence v3.0" in rights("refdata")
    assert "Contains OS data © Crown copyright and database right 2020" in rights("refdata")
    assert "© OpenStreetMap contributors" in rights("refdata")


def test_every_node_has_a_minted_iri(description: Graph) -> None:
    """No blank nodes, and every gdegraph IRI uses a kind the IRI policy knows."""
    for triple in description:
        assert not any(isinstance(t, BNode) for t in triple)
        for term in triple:
            match = re.match(re.escape(iris.ID) + r"([a-z]+)/", str(term))
            assert match is None or match.group(1) in iris.KINDS


def test_release_date_never_comes_from_the_clock(dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    newest = release_date(dataset)
    assert newest.datatype in (XSD.date, XSD.gYearMonth, XSD.gYear)
    assert release_date(dataset, "2026-02") == Literal("2026-02", datatype=XSD.gYearMonth)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert release_date(dataset) == Literal("2026-01-01", datatype=XSD.date)
