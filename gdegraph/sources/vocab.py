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
from gdegraph.model.jsonld_context import PREFIXES

__all__ = ["DCTERMS", "GDE", "GEO", "NAMESPACES", "ORG", "PROV", "RDF", "RDFS", "SCHEMA", "SKOS", "XSD", "Vocabulary",
           "en", "plain", "typed"]


class Vocabulary:
    """A vocabulary's terms as :class:`pyoxigraph.NamedNode` attributes (``GDE.Trust``), each made once."""

    def __init__(self, mint: str | Callable[[str], str], namespace: str | None = None) -> None:
        self._mint = mint if callable(mint) else mint.__add__
        self._namespace = mint if isinstance(mint, str) else (namespace or "")

    def __str__(self) -> str:
        """The namespace IRI (as an rdflib ``Namespace`` is), for a prefix table."""
        return self._namespace

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        node = ox.NamedNode(self._mint(name))
        setattr(self, name, node)  # the next look-up is a plain attribute
        return node

    def __getitem__(self, name: str) -> ox.NamedNode:
        return getattr(self, name)


#: Each vocabulary's prefix and namespace IRI, as the rdflib views bind them: the published prefixes'.
NAMESPACES = {prefix: PREFIXES[prefix] for prefix in ("gde", "rdf", "rdfs", "xsd", "skos", "dcterms", "org", "prov",
                                                      "geo", "schema")}
GDE = Vocabulary(iris.term, iris.DEF)
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
