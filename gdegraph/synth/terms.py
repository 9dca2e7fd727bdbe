"""N-Triples terms for the synthetic graph, as plain strings.

Strings rather than rdflib/pyoxigraph objects because a million triples must
be made in seconds, and equal input must give byte-identical N-Quads. Every
IRI comes from :mod:`gdegraph.model.iris`, and other vocabularies' namespaces from
the published prefix table (:data:`gdegraph.model.jsonld_context.PREFIXES`), so the
synthetic graph cannot drift from the real one's terms.
"""

from __future__ import annotations

from functools import cache

from gdegraph.model import iris
from gdegraph.model.jsonld_context import PREFIXES

Quad = tuple[str, str, str, str]  # subject, predicate, object, graph, each in N-Triples syntax
OGL = "<http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/>"


@cache
def v(curie: str) -> str:
    """``gde:Trust`` -> ``<https://w3id.org/gdegraph/def#Trust>`` (ontology terms via :func:`iris.term`)."""
    prefix, _, local = curie.partition(":")
    return f"<{iris.term(local) if prefix == 'gde' else PREFIXES[prefix] + local}>"


def a(cls: str) -> tuple[str, str]:
    """The ``rdf:type`` pair of a class CURIE."""
    return v("rdf:type"), v(cls)


def lit(text: str, datatype: str | None = None, lang: str | None = None) -> str:
    """An escaped N-Triples literal; ``datatype`` is a CURIE such as ``xsd:date``."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{body}"@{lang}' if lang else f'"{body}"^^{v(datatype)}' if datatype else f'"{body}"'


def en(text: str) -> str:
    """An English-tagged literal: labels and titles."""
    return lit(text, lang="en")


def inst(kind: str, key: str) -> str:
    """An instance IRI, ``<…/id/{kind}/{key}>``."""
    return f"<{iris.instance(kind, key)}>"


def concept(key: str) -> str:
    """A SKOS concept of the ontology's schemes (statuses, roles, sectors…)."""
    return inst("concept", key)


def graph(key: str) -> str:
    """A named graph IRI, ``<…/graph/{key}>``."""
    return f"<{iris.graph(key)}>"
