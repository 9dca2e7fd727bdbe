"""One ``void:subset`` per named graph, carrying the licences and attribution its sources require.

Licences follow the sources (see :mod:`gdegraph.publish.dataset_description`), so each
named graph says its own; the OpenStreetMap-derived coordinates are a subset
of the reference-data graph of their own, under the ODbL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from gdegraph.model import iris
from gdegraph.publish.dataset_description.terms import CC_BY, DATASET, GDE, GEO, ODBL, OGL, OSM_SUBSET, SOURCE_SPACE, VOID

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


def _label(graph: Graph, node: object) -> str:
    """Its title, else its label (first in sorted order), else the IRI: how a source is credited."""
    for p in (DCTERMS.title, RDFS.label):
        for value in sorted(graph.objects(node, p)):
            return str(value)
    return str(node)


def _credit(union: Graph, src: URIRef) -> str | None:
    """How a source is credited: a news article by title, publisher and date; a data file by its rights."""
    rights = sorted(str(r) for r in union.objects(src, DCTERMS.rights))
    if rights:
        return f"{_label(union, src)}: {'; '.join(rights)}"
    if (src, RDF.type, GDE.NewsArticle) in union:
        publisher = next(iter(sorted(union.objects(src, DCTERMS.publisher))), None)
        who = _label(union, publisher) if publisher is not None else "publisher not stated"
        dates = sorted(str(d) for p in (DCTERMS.issued, DCTERMS.modified) for d in union.objects(src, p))
        return f"{_label(union, src)} ({who}{', ' + '/'.join(dates) if dates else ''})"
    return None


def _attribution(union: Graph, sources: Iterable[URIRef], known: dict[URIRef, str | None] | None = None) -> list[str]:
    """One credit per source (:func:`_credit`), in source order; ``known`` keeps the credits already worked
    out (most sources are credited by several graphs, and graph/inferred credits them all)."""
    known = known if known is not None else {}
    credits = []
    for src in sorted(sources):
        if src not in known:
            known[src] = _credit(union, src)
        if known[src] is not None:
            credits.append(known[src])
    return credits


def rights_text(licences: set[URIRef], credits: list[str]) -> str:
    """The ``dcterms:rights`` statement: each licence's required notice, then the sources' credits."""
    parts = [_CC_BY_TEXT] if CC_BY in licences else []
    if OGL in licences:
        parts.append(_OGL_TEXT)
    if ODBL in licences:
        parts.append("Contains data from a file geocoded with OpenStreetMap: © OpenStreetMap contributors, "
                     "available under the Open Database Licence (ODbL).")
    if credits:
        parts.append("Sources: " + "; ".join(credits) + ".")
    return " ".join(parts)


def subsets(g: Graph, store: Any, union: Graph) -> set[URIRef]:
    """One ``void:subset`` per named graph of the pyoxigraph store, with its size, sources, licences and
    attribution; ``union`` is the store's union (:class:`~gdegraph.sources.store_graph.StoreGraph`)."""
    from gdegraph.sources.dataset import REFDATA_GRAPH
    from gdegraph.sources.store_graph import named_graphs

    all_licences: set[URIRef] = set()
    credits: dict[URIRef, str | None] = {}
    licensed = {s: set(union.objects(s, DCTERMS.license)) for s in union.subjects(DCTERMS.license)
                if str(s).startswith(SOURCE_SPACE)}
    for graph in named_graphs(store):
        size = len(graph)
        if not size or not str(graph.identifier).startswith(iris.GRAPH):
            continue
        node, key = graph.identifier, str(graph.identifier)[len(iris.GRAPH):]
        sources = {o for p in (PROV.wasDerivedFrom, GDE.recordedIn) for o in graph.objects(None, p)
                   if str(o).startswith(SOURCE_SPACE)}
        sources |= {URIRef(q.subject.value) for q in graph.oxigraph_quads()
                    if getattr(q.subject, "value", "").startswith(SOURCE_SPACE)
                    and not isinstance(q.subject, ox.BlankNode)}
        licences = set().union(*(licensed.get(s, set()) for s in sources))
        if str(node) != REFDATA_GRAPH:
            licences.add(CC_BY)
        all_licences |= licences
        title = _GRAPH_TITLES.get(key) or f"What seed article {key.removeprefix('seed-')} asserts"
        g.add((DATASET, VOID.subset, node))
        for p, o in ((RDF.type, VOID.Dataset), (DCTERMS.title, Literal(title, lang="en")),
                     (VOID.triples, Literal(size)),
                     (DCTERMS.rights, Literal(rights_text(licences, _attribution(union, sources, credits)), lang="en")),
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
