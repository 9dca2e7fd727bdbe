"""The published JSON-LD ``@context`` and the compact JSON-LD writer that uses it.

The context is part of gdegraph's public interface: applications compact
their own JSON-LD with it and the server links to it, so it must not drift
with whatever prefixes rdflib happens to have bound (rdflib binds a dozen
defaults of its own and silently drops a clashing ``geo``). It is therefore
this fixed table, :data:`PREFIXES`, which the Turtle, TriG and RDF/XML dumps
use as well, so every syntax shows the same short names.

The context holds prefix definitions only (no term coercion), so compaction
is a plain longest-namespace match and cannot change the meaning of a value:
every literal is written with its exact lexical form and datatype. The writer
orders nodes, keys and values, so equal input gives byte-identical output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from gdegraph import iris

__all__ = ["CONTEXT_FILE", "PREFIXES", "compact_iri", "context", "context_document", "jsonld_document"]

#: File name of the published context (written beside the dumps, served with them).
CONTEXT_FILE = "context.jsonld"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: The published prefixes. Instance prefixes match the ones the data files use.
PREFIXES: Mapping[str, str] = {
    "gde": iris.DEF,
    "graph": iris.GRAPH,
    "trust": iris.ID + "trust/",
    "body": iris.ID + "organisation/",
    "prog": iris.ID + "programme/",
    "wave": iris.ID + "wave/",
    "tier": iris.ID + "tier/",
    "mem": iris.ID + "membership/",
    "pairing": iris.ID + "pairing/",
    "award": iris.ID + "award/",
    "claim": iris.ID + "claim/",
    "src": iris.ID + "source/",
    "event": iris.ID + "event/",
    "ms": iris.ID + "milestone/",
    "exp": iris.ID + "expectation/",
    "change": iris.ID + "change/",
    "name": iris.ID + "name/",
    "location": iris.ID + "location/",
    "region": iris.ID + "region/",
    "c": iris.ID + "concept/",
    "scheme": iris.ID + "scheme/",
    "person": iris.ID + "person/",
    "doc": iris.ID + "document/",
    "dataset": iris.ID + "dataset/",
    "distribution": iris.ID + "distribution/",
    "partition": iris.ID + "partition/",
    "activity": iris.ID + "activity/",
    "measurement": iris.ID + "measurement/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "spdx": "http://spdx.org/rdf/terms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}

# Longest namespace first, so ``trust:`` wins over any shorter namespace that also matches.
_BY_LENGTH = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda item: (-len(item[0]), item[1]))


def context() -> dict[str, str]:
    """The ``@context`` object: every prefix, sorted by prefix."""
    return {prefix: PREFIXES[prefix] for prefix in sorted(PREFIXES)}


def _dumps(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def context_document() -> bytes:
    """The published ``context.jsonld`` file: ``{"@context": {...}}`` as UTF-8 bytes."""
    return _dumps({"@context": context()})


def compact_iri(iri: str) -> str:
    """``prefix:local`` for an IRI in a published namespace, else the IRI unchanged.

    A local part that is empty or starts with ``//`` is left as a full IRI,
    because JSON-LD would read ``p://x`` as an absolute IRI, not a prefixed one.
    """
    for namespace, prefix in _BY_LENGTH:
        if iri.startswith(namespace):
            local = iri[len(namespace):]
            if local and not local.startswith("//"):
                return f"{prefix}:{local}"
            break
    return iri


def _node_ref(term: Any) -> str:
    """The JSON-LD identifier of an IRI or blank node (pyoxigraph term)."""
    if type(term).__name__ == "BlankNode":
        return f"_:{term.value}"
    return compact_iri(term.value)


def _value(term: Any) -> Any:
    """A pyoxigraph object term as a compact JSON-LD value; strings stay bare strings."""
    if type(term).__name__ != "Literal":
        return {"@id": _node_ref(term)}
    datatype = term.datatype.value
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if datatype == XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": compact_iri(datatype)}


def jsonld_document(triples: Iterable[Any]) -> bytes:
    """Compact JSON-LD (inline copy of :func:`context`) for pyoxigraph triples, deterministically.

    One node object per subject, ordered by subject; ``rdf:type`` IRIs go to
    ``@type``; a property with one value is written without an array.
    """
    nodes: dict[str, dict[str, list[tuple[str, Any]]]] = {}
    for triple in triples:
        subject = _node_ref(triple.subject)
        predicate = triple.predicate.value
        obj = triple.object
        if predicate == RDF_TYPE and type(obj).__name__ != "Literal":
            key, value = "@type", _node_ref(obj)
        else:
            key, value = compact_iri(predicate), _value(obj)
        nodes.setdefault(subject, {}).setdefault(key, []).append((str(obj), value))
    graph = []
    for subject in sorted(nodes):
        node: dict[str, Any] = {"@id": subject}
        for key, values in nodes[subject].items():
            unique = {sort_key: value for sort_key, value in values}
            ordered = [unique[k] for k in sorted(unique)]
            node[key] = ordered[0] if len(ordered) == 1 else ordered
        graph.append(node)
    return _dumps({"@context": context(), "@graph": graph})
