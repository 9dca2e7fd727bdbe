"""The vocabularies, licences and fixed IRIs the dataset description is written with."""

from __future__ import annotations

from rdflib import Namespace, URIRef

from gdegraph.model import iris
from gdegraph.model.jsonld_context import PREFIXES

VOID = Namespace(PREFIXES["void"])
DCAT = Namespace(PREFIXES["dcat"])  # DCAT 3: rdflib's DCAT is version 2, without dcat:version
SPDX = Namespace(PREFIXES["spdx"])
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
