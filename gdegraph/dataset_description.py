"""The VoID and DCAT 3 description of the published dataset (``void.ttl``).

A dump nobody can find, check or license is not much use: this graph says
what the dataset is, who publishes it under which licences (and whose work
must be attributed), how big it is, which classes and properties it uses,
where its SPARQL endpoint is, and lists every downloadable file with its
media type, size and SHA-256 checksum, so a harvester (data.gov.uk, a
triple-store loader, a reviewer) can fetch and verify the files unattended.

Licences follow the sources: the ontology and everything curated from the
seed articles is CC BY 4.0 (with the articles credited as sources); triples
generated from the ODS/ONS reference files are under the OGL v3.0 with the
reference README's attribution wording; coordinates geocoded with
OpenStreetMap are under the ODbL. Each named graph is a ``void:subset``
carrying its own licences, and the OSM-derived coordinates are a subset of
the reference-data graph of their own.

Every resource here has an IRI minted by :mod:`gdegraph.iris` (no blank
nodes) and nothing is read from the clock, so the file is reproducible.
"""

from __future__ import annotations

import calendar
import hashlib
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, XSD

from gdegraph import iris, mediatypes
from gdegraph.errors import InputError
from gdegraph.jsonld_context import PREFIXES, compact_iri

__all__ = ["CC_BY", "ODBL", "OGL", "DATASET", "describe", "release_date"]

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # rdflib's DCAT is version 2: no dcat:version
SPDX = Namespace("http://spdx.org/rdf/terms#")
GDE = Namespace(iris.DEF)
GEO = Namespace(PREFIXES["geo"])
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
OGL = URIRef("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
ODBL = URIRef("https://opendatacommons.org/licenses/odbl/1-0/")
DATASET = URIRef(iris.instance("dataset", "gdegraph"))
PUBLISHER = URIRef(iris.instance("organisation", "gdegraph-contributors"))
OSM_SUBSET = URIRef(iris.instance("dataset", "gdegraph-openstreetmap-coordinates"))
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
SOURCE_SPACE = iris.ID + "source/"
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_GRAPH_TITLES = {
    "ontology": "The gdegraph ontology and its SKOS concept schemes",
    "entities": "Curated entities shared by the seed articles",
    "trusts": "Curated identity of trusts the reference files do not cover",
    "refdata": "Trust identity generated from the NHS ODS and ONS reference files",
    "build": "Checksums of the seed files, measured by the build",
    "inferred": "Entailments materialised from all the other graphs",
}
_CC_BY_TEXT = "gdegraph contributors, licensed under CC BY 4.0."
_OGL_TEXT = "Contains public sector information licensed under the Open Government Licence v3.0."


def _typed_date(text: str) -> Literal:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as an xsd:gYear, xsd:gYearMonth or xsd:date literal."""
    match = _DATE.match(text.strip())
    if not match:
        raise InputError(f"release date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        datetime(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise InputError(f"release date {text!r} is not a calendar date") from None
    datatype = XSD.date if day else XSD.gYearMonth if month else XSD.gYear
    return Literal(text.strip(), datatype=datatype)


def _period_end(value: Literal) -> tuple[str, int]:
    """Sort key of a date of any precision: the last day it covers, then its precision."""
    year, month, day = _DATE.match(str(value)).groups()  # type: ignore[union-attr]
    month_ = int(month or 12)
    day_ = int(day or calendar.monthrange(int(year), month_)[1])
    return f"{year}-{month_:02d}-{day_:02d}", len(str(value))


def release_date(ds: Dataset | Graph, explicit: str | None = None) -> Literal:
    """The release's date: ``explicit``, else ``$SOURCE_DATE_EPOCH``, else the newest source date.

    Never the wall clock, so two builds of the same input are identical. The
    newest source date keeps the precision its source gives (a year, a month
    or a day), which DCAT allows for ``dcterms:issued``.
    """
    if explicit:
        return _typed_date(explicit)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            day = datetime.fromtimestamp(int(epoch), tz=timezone.utc).date().isoformat()
        except (ValueError, OverflowError, OSError):
            raise InputError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time in seconds") from None
        return Literal(day, datatype=XSD.date)
    found = [o for s, p, o in _triples(ds) if str(s).startswith(SOURCE_SPACE)
             and p in (DCTERMS.issued, DCTERMS.modified, GDE.asOf)
             and isinstance(o, Literal) and _DATE.match(str(o))]
    if not found:
        raise InputError("no source in the graph has a date, so the release date is unknown",
                         hint="pass --release-date YYYY-MM-DD or set SOURCE_DATE_EPOCH")
    return _typed_date(str(max(found, key=_period_end)))


def _triples(ds: Dataset | Graph) -> set[tuple[URIRef, URIRef, object]]:
    """Union of all graphs; xsd:string literals folded into plain ones (RDF 1.1 treats them as one)."""
    out = set()
    for s, p, o in (ds.triples((None, None, None)) if not isinstance(ds, Dataset) else
                    (q[:3] for q in ds.quads((None, None, None, None)))):
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def _key(iri: str) -> str:
    """A readable slug for a class or property IRI (``gde:Trust`` -> ``gde-trust``)."""
    return iris.slugify(compact_iri(iri).replace("://", "-"))


def _partition_iris(kind: str, terms: Iterable[URIRef]) -> dict[URIRef, URIRef]:
    """``partition/{kind}-{slug}`` per term; slugs that collide get a short hash of the IRI."""
    terms = sorted(set(terms))
    counts = Counter(_key(t) for t in terms)
    out = {}
    for t in terms:
        slug = _key(t)
        if counts[slug] > 1:
            slug += "-" + hashlib.sha256(str(t).encode()).hexdigest()[:8]
        out[t] = URIRef(iris.instance("partition", f"{kind}-{slug}"))
    return out


def _label(graph: Graph, node: object) -> str:
    for p in (DCTERMS.title, RDFS.label):
        for value in sorted(graph.objects(node, p)):
            return str(value)
    return str(node)


def _attribution(union: Graph, sources: Iterable[URIRef]) -> list[str]:
    """One credit per source: news articles by title, publisher and date; data files by their rights."""
    credits = []
    for src in sorted(sources):
        rights = sorted(str(r) for r in union.objects(src, DCTERMS.rights))
        if rights:
            credits.append(f"{_label(union, src)}: {'; '.join(rights)}")
        elif (src, RDF.type, GDE.NewsArticle) in union:
            publisher = next(iter(sorted(union.objects(src, DCTERMS.publisher))), None)
            who = _label(union, publisher) if publisher is not None else "publisher not stated"
            dates = sorted(str(d) for p in (DCTERMS.issued, DCTERMS.modified) for d in union.objects(src, p))
            credits.append(f"{_label(union, src)} ({who}{', ' + '/'.join(dates) if dates else ''})")
    return credits


def _rights(licences: set[URIRef], credits: list[str]) -> str:
    parts = [_CC_BY_TEXT] if CC_BY in licences else []
    if OGL in licences:
        parts.append(_OGL_TEXT)
    if ODBL in licences:
        parts.append("Contains data from a file geocoded with OpenStreetMap: © OpenStreetMap contributors, "
                     "available under the Open Database Licence (ODbL).")
    if credits:
        parts.append("Sources: " + "; ".join(credits) + ".")
    return " ".join(parts)


def _subsets(g: Graph, ds: Dataset, union: Graph) -> set[URIRef]:
    """One ``void:subset`` per named graph, with its size, sources, licences and attribution."""
    from gdegraph.build import REFDATA_GRAPH

    all_licences: set[URIRef] = set()
    licensed = {s: set(union.objects(s, DCTERMS.license)) for s in union.subjects(DCTERMS.license)
                if str(s).startswith(SOURCE_SPACE)}
    for graph in sorted(ds.graphs(), key=lambda x: str(x.identifier)):
        if not len(graph) or not str(graph.identifier).startswith(iris.GRAPH):
            continue
        node, key = graph.identifier, str(graph.identifier)[len(iris.GRAPH):]
        sources = {o for p in (PROV.wasDerivedFrom, GDE.recordedIn) for o in graph.objects(None, p)
                   if str(o).startswith(SOURCE_SPACE)}
        sources |= {s for s in graph.subjects() if str(s).startswith(SOURCE_SPACE)}
        licences = set().union(*(licensed.get(s, set()) for s in sources))
        if str(node) != REFDATA_GRAPH:
            licences.add(CC_BY)
        all_licences |= licences
        title = _GRAPH_TITLES.get(key) or f"What seed article {key.removeprefix('seed-')} asserts"
        g.add((DATASET, VOID.subset, node))
        for p, o in ((RDF.type, VOID.Dataset), (DCTERMS.title, Literal(title, lang="en")),
                     (VOID.triples, Literal(len(graph))),
                     (DCTERMS.rights, Literal(_rights(licences, _attribution(union, sources)), lang="en")),
                     *((DCTERMS.license, lic) for lic in licences),
                     *((DCTERMS.source, s) for s in sources)):
            g.add((node, p, o))
        if str(node) == REFDATA_GRAPH:
            _osm_subset(g, graph, node, {s for s, lic in licensed.items() if ODBL in lic})
    return all_licences


def _osm_subset(g: Graph, refdata: Graph, parent: URIRef, odbl_sources: set[URIRef]) -> None:
    """The coordinates taken from an ODbL source, as their own subset of the reference-data graph."""
    points = {s for src in odbl_sources for s in refdata.subjects(PROV.wasDerivedFrom, src)}
    count = sum(1 for s in points for p in (GEO.lat, GEO.long) for _ in refdata.objects(s, p))
    if not count:
        return
    g.add((parent, VOID.subset, OSM_SUBSET))
    text = ("Latitudes and longitudes of trusts whose HQ postcode is not in the NSPL subset, taken "
            "from a file geocoded with OpenStreetMap: © OpenStreetMap contributors, ODbL.")
    for p, o in ((RDF.type, VOID.Dataset), (VOID.triples, Literal(count)), (DCTERMS.license, ODBL),
                 (DCTERMS.title, Literal("Coordinates geocoded with OpenStreetMap", lang="en")),
                 (DCTERMS.rights, Literal(text, lang="en")), *((DCTERMS.source, s) for s in odbl_sources)):
        g.add((OSM_SUBSET, p, o))


def _statistics(g: Graph, triples: set[tuple[URIRef, URIRef, object]], union: Graph) -> None:
    """Counts, class and property partitions, and the most-described instance of key classes."""
    subjects = {s for s, _, _ in triples}
    instances: dict[URIRef, set] = defaultdict(set)
    by_property: Counter[URIRef] = Counter()
    for s, p, o in triples:
        by_property[p] += 1
        if p == RDF.type and isinstance(o, URIRef):
            instances[o].add(s)
    for p, o in ((VOID.triples, len(triples)), (VOID.distinctSubjects, len(subjects)),
                 (VOID.entities, sum(1 for s in subjects if str(s).startswith(iris.ID))),
                 (VOID.distinctObjects, len({o for _, _, o in triples})),
                 (VOID.properties, len(by_property)), (VOID.classes, len(instances))):
        g.add((DATASET, p, Literal(o)))
    for cls, node in _partition_iris("class", instances).items():
        g.add((DATASET, VOID.classPartition, node))
        g.add((node, VOID["class"], cls))
        g.add((node, VOID.entities, Literal(len(instances[cls]))))
    for prop, node in _partition_iris("property", by_property).items():
        g.add((DATASET, VOID.propertyPartition, node))
        g.add((node, VOID.property, prop))
        g.add((node, VOID.triples, Literal(by_property[prop])))
    size = Counter(s for s, _, _ in triples)
    for cls in (GDE.Programme, GDE.Trust, GDE.FundingAward, GDE.Pairing, GDE.Claim, GDE.NewsArticle):
        if instances.get(cls):
            g.add((DATASET, VOID.exampleResource, min(instances[cls], key=lambda s: (-size[s], str(s)))))
    vocabularies = {ns for ns in PREFIXES.values() if not ns.startswith(iris.ID) and ns != iris.GRAPH
                    and any(str(t).startswith(ns) for t in (*by_property, *instances))}
    for ns in vocabularies:
        g.add((DATASET, VOID.vocabulary, URIRef(ns)))


def _distribution(g: Graph, name: str, data: bytes, base: str, release: Literal,
                  licences: set[URIRef]) -> None:
    """A ``dcat:Distribution`` for one file: URL, media type, size, checksum, format and licences."""
    from gdegraph import giving360

    fmt, gzipped = mediatypes.by_filename(name)
    if fmt is None:
        raise ValueError(f"no media type known for {name}")
    slug = iris.slugify(name)
    node = URIRef(iris.instance("distribution", slug))
    checksum = URIRef(iris.instance("measurement", f"sha256-{slug}"))
    url = URIRef(base + name)
    if fmt.rdf:
        title, conforms = f"The whole graph in {fmt.label}", [fmt.conforms_to]
        if fmt.quads:
            title += ", one named graph per source"
        g.add((DATASET, VOID.dataDump, url))
        g.add((DATASET, VOID.feature, URIRef(fmt.w3c_format or fmt.spec)))
    else:
        title, conforms = giving360.TITLES[name], list(giving360.SCHEMA_IDS)
        licences = {CC_BY, OGL}
    title += " (gzip)" if gzipped else ""
    g.add((DATASET, DCAT.distribution, node))
    for p, o in ((RDF.type, DCAT.Distribution), (DCTERMS.title, Literal(title, lang="en")),
                 (DCAT.downloadURL, url), (DCAT.accessURL, url), (DCAT.mediaType, URIRef(fmt.iana)),
                 (DCAT.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)),
                 (SPDX.checksum, checksum), (DCTERMS.issued, release),
                 *((DCTERMS.conformsTo, URIRef(c)) for c in conforms if c),
                 *((DCTERMS.license, lic) for lic in licences)):
        g.add((node, p, o))
    if gzipped:
        g.add((node, DCAT.compressFormat, URIRef(mediatypes.GZIP.iana)))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary)))


def describe(ds: Dataset, files: Mapping[str, bytes], *, dumps_base: str, sparql_endpoint: str,
             version: str, release: Literal) -> Graph:
    """The VoID + DCAT description of ``ds`` and of the files (name -> bytes) published with it.

    Files whose format the media-type table does not know (``context.jsonld``
    is described as the JSON-LD context, not as a distribution) are skipped.
    """
    g = Graph()
    triples = _triples(ds)
    union = Graph()
    for t in triples:
        union.add(t)
    licences = _subsets(g, ds, union)
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
                 (DCTERMS.rights, Literal(_rights(licences, []) + " See each void:subset for its sources "
                                          "and the attribution they require.", lang="en")),
                 *((DCTERMS.license, lic) for lic in licences),
                 *((DCAT.keyword, Literal(k, lang="en")) for k in (
                     "NHS", "Global Digital Exemplar", "fast follower", "Digital Aspirant", "digital maturity",
                     "funding", "NHS trusts")),
                 *((DCTERMS.source, s) for s in union.subjects() if str(s).startswith(SOURCE_SPACE)),
                 (VOID.uriSpace, Literal(iris.ID)), (VOID.sparqlEndpoint, endpoint),
                 (RDFS.seeAlso, URIRef(dumps_base + "context.jsonld"))):
        g.add((DATASET, p, o))
    for p, o in ((RDF.type, FOAF.Organization), (FOAF.name, Literal("gdegraph contributors"))):
        g.add((PUBLISHER, p, o))
    for p, o in ((RDF.type, DCAT.DataService), (DCAT.endpointURL, endpoint),
                 (DCAT.servesDataset, DATASET), (DCTERMS.conformsTo, SPARQL_PROTOCOL)):
        g.add((endpoint, p, o))
    _statistics(g, triples, union)
    for name in sorted(files):
        if mediatypes.by_filename(name)[0] is not None and name.split(".")[0] != "context":
            _distribution(g, name, files[name], dumps_base, release, licences)
    return g
