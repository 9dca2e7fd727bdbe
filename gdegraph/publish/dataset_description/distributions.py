"""A ``dcat:Distribution`` per published file, with what a harvester needs to fetch and verify it."""

from __future__ import annotations

import hashlib

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from gdegraph.model import iris
from gdegraph.core import mediatypes
from gdegraph.publish.dataset_description.terms import CC_BY, DATASET, DCAT, OGL, SPDX, VOID


def distribution(g: Graph, name: str, data: bytes, base: str, release: Literal,
                  licences: set[URIRef], digest: str | None = None) -> None:
    """A ``dcat:Distribution`` for one file: URL, media type, size, checksum (``digest``, the SHA-256
    in hex, when the caller has it), format and licences."""
    from gdegraph.publish import giving360

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
    elif name in giving360.TITLES:
        title, conforms = giving360.TITLES[name], list(giving360.SCHEMA_IDS)
        licences = {CC_BY, OGL}
    else:
        from gdegraph.publish.table_files import table_file_titles

        title, specs = table_file_titles()[name]  # the flat tables: the graph's own licences
        conforms = list(specs)
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
    g.add((checksum, SPDX.checksumValue, Literal(digest or hashlib.sha256(data).hexdigest(),
                                                         datatype=XSD.hexBinary)))
