"""The vocabularies the build writes with, as pyoxigraph terms, and its three kinds of literal.

Why: the stages that generate triples (the reference data, the derived facts) write
straight into the build's pyoxigraph store. Made as rdflib terms, each triple paid
for rdflib's IRI checks, its literal casting and its Python-level hashing, and then
again to be converted for the store; made here, a term is one pyoxigraph object,
built once per name. The ``gde:`` terms are minted by :func:`gdegraph.model.iris.term`
(the one place IRIs are minted). Literals keep their lexical form exactly as given
(``"51.500000"^^xsd:decimal`` stays so spelled in the dumps).
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from gdegraph.model import iris

__all__ = ["DCTERMS", "GDE", "GEO", "NAMESPACES", "ORG", "PROV", "RDF", "RDFS", "SCHEMA", "SKOS", "XSD", "Vocabulary",
           "en", "plain", "typed"]


class Vocabulary:
    """A vocabulary's terms as :class:`pyoxigraph.NamedNode` attributes (``GDE.Trust``), each made once."""

    def __init__(self, mint: str | Callable[[str], str]) -> None:
        self._mint = mint if callable(mint) else mint.__add__

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        node = ox.NamedNode(self._mint(name))
        setattr(self, name, node)  # the next look-up is a plain attribute
        return node

    def __getitem__(self, name: str) -> ox.NamedNode:
        return getattr(self, name)


#: Each vocabulary's prefix and namespace IRI, as the rdflib views bind them.
NAMESPACES = {
    "gde": iris.DEF,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "schema": "https://schema.org/",
}
GDE = Vocabulary(iris.term)
RDF, RDFS, XSD, SKOS, DCTERMS, ORG, PROV, GEO, SCHEMA = (
    Vocabulary(NAMESPACES[prefix]) for prefix in ("rdf", "rdfs", "xsd", "skos", "dcterms", "org", "prov", "geo", "schema"))


def en(text: str) -> ox.Literal:
    """English text (``"..."@en``)."""
    return ox.Literal(text, language="en")


def plain(text: str) -> ox.Literal:
    """A plain string (``xsd:string``)."""
    return ox.Literal(text)


def typed(text: str, datatype: ox.NamedNode) -> ox.Literal:
    """A literal of ``datatype`` spelled exactly ``text``."""
    return ox.Literal(text, datatype=datatype)
