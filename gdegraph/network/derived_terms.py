"""RDF terms for the derived graph, made directly as pyoxigraph terms, under rdflib's spelling.

Why: ``gdegraph network`` writes about seven triples per figure, 140,000 for the
1M-triple synthetic network. Built as an rdflib Graph and written by rdflib's
TriG serialiser that took 8-10 s, most of the run; pyoxigraph terms in a plain
ordered set, serialised by pyoxigraph, take well under a second. The names
(``URIRef``, ``Literal(value, lang=, datatype=)``, ``PROV.used``, ``graph.add``)
follow rdflib's, so :mod:`gdegraph.network.export` reads as before; the vocabularies are the build's
(:mod:`gdegraph.sources.vocab`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph

from gdegraph.sources.vocab import DCTERMS, PROV, RDF, RDFS, SCHEMA, XSD

__all__ = ["DCTERMS", "PROV", "RDF", "RDFS", "SCHEMA", "XSD", "DerivedGraph", "Literal", "URIRef"]

Term = pyoxigraph.NamedNode | pyoxigraph.Literal


def URIRef(iri: str) -> pyoxigraph.NamedNode:  # rdflib's name, see the module docstring
    return pyoxigraph.NamedNode(str(iri))


def Literal(value: Any, lang: str | None = None,  # rdflib's name
            datatype: pyoxigraph.NamedNode | None = None) -> pyoxigraph.Literal:
    """A literal as rdflib would make it: booleans as ``xsd:boolean``, the lexical form as given."""
    if isinstance(value, bool):
        return pyoxigraph.Literal("true" if value else "false", datatype=XSD.boolean)
    if lang is not None:
        return pyoxigraph.Literal(str(value), language=lang)
    return pyoxigraph.Literal(str(value), datatype=datatype)


class DerivedGraph:
    """Triples of one named graph in the order they were added, each once; prefixes for the file."""

    def __init__(self, identifier: pyoxigraph.NamedNode) -> None:
        self.identifier = identifier
        self._triples: dict[tuple[Term, Term, Term], None] = {}
        self._prefixes: dict[str, str] = {}

    def add(self, triple: tuple[Term, Term, Term]) -> None:
        self._triples[triple] = None

    def bind(self, prefix: str, namespace: Any) -> None:
        self._prefixes[prefix] = str(namespace)

    def __iter__(self) -> Iterator[tuple[Term, Term, Term]]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def write_trig(self, path: Path) -> None:
        """TriG, every triple inside the named graph; the order of addition, so reruns are identical."""
        quads = (pyoxigraph.Quad(s, p, o, self.identifier) for s, p, o in self._triples)
        pyoxigraph.serialize(quads, str(path), pyoxigraph.RdfFormat.TRIG,
                             prefixes={"rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD), **self._prefixes})
