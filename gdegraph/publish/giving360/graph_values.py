"""Namespaces and single values read from the union graph, the same way every run.

A resource may carry several labels or values for a property; taking the
first in sorted order (never set order) keeps the package byte-identical
between builds.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from gdegraph.model import iris
from gdegraph.model.jsonld_context import PREFIXES

GDE, SCHEMA = Namespace(iris.DEF), Namespace(PREFIXES["schema"])
CONCEPT = iris.ID + "concept/"


def one(g: Graph, s: Any, *preds: URIRef) -> Any:
    """The first value (in sorted order) of the first predicate that has one, or None."""
    for p in preds:
        values = sorted(g.objects(s, p))
        if values:
            return values[0]
    return None


def label(g: Graph, s: Any) -> str:
    """Its preferred label, else its label, else its title, else the IRI itself."""
    return str(one(g, s, SKOS.prefLabel, RDFS.label, DCTERMS.title) or s)


def slug(iri: Any) -> str:
    """The last path segment of an IRI: a concept's key, an award's id part."""
    return str(iri).rstrip("/").rsplit("/", 1)[-1]
