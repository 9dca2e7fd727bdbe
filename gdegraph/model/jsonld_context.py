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
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from functools import lru_cache
from json.encoder import encode_basestring as _json_string  # the C implementation where available
from typing import Any

from gdegraph.model import iris

__all__ = ["CONTEXT_FILE", "PREFIXES", "compact_iri", "context", "context_document", "json_text",
           "jsonld_document", "used_prefixes"]

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

_SORTED_PREFIXES = sorted(PREFIXES.items())

# Longest namespace first, so ``trust:`` wins over any shorter namespace that also matches.
_BY_LENGTH = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda item: (-len(item[0]), item[1]))


def used_prefixes(iris: Iterable[str], table: Mapping[str, str] = PREFIXES) -> dict[str, str]:
    """The prefixes of ``table`` whose namespace some IRI starts with, sorted by prefix.

    The IRIs starting with a namespace are neighbours in sorted order, and the
    first of them is the first IRI not below the namespace itself: one binary
    search per prefix instead of comparing every IRI with every namespace.
    """
    ordered = sorted(set(iris))
    found = {}
    for prefix, namespace in _SORTED_PREFIXES if table is PREFIXES else sorted(table.items()):
        at = bisect_left(ordered, namespace)
        if at < len(ordered) and ordered[at].startswith(namespace):
            found[prefix] = namespace
    return found


def context() -> dict[str, str]:
    """The ``@context`` object: every prefix, sorted by prefix."""
    return {prefix: PREFIXES[prefix] for prefix in sorted(PREFIXES)}


def json_text(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)``, the same text, faster.

    With ``indent`` the standard library falls back to its pure-Python
    encoder; this writer produces the very same text (tests/test_publish.py
    compares the two) about twice as fast, which counts for the dumps, the
    thousand per-resource JSON-LD files of the site and its schema.org blocks.
    """
    out: list[str] = []
    _encode(value, 0, out)
    return "".join(out)


def _dumps(value: Any) -> bytes:
    """:func:`json_text` and a newline, as UTF-8: how every JSON file is written."""
    return (json_text(value) + "\n").encode("utf-8")


def _encode(value: Any, level: int, out: list[str]) -> None:
    """Append ``value`` as indented JSON at nesting ``level``; strings inside containers inline (speed)."""
    if isinstance(value, str):
        out.append(_json_string(value))
    elif isinstance(value, dict) and all(isinstance(key, str) for key in value):
        if not value:
            out.append("{}")
            return
        inner = "\n" + " " * (level + 1)
        separator = "{" + inner
        for key in sorted(value):
            item = value[key]
            if isinstance(item, str):
                out.append(separator + _json_string(key) + ": " + _json_string(item))
            elif (text := _strings_object(item, level + 1)) is not None:
                out.append(separator + _json_string(key) + ": " + text)
            else:
                out.append(separator + _json_string(key) + ": ")
                _encode(item, level + 1, out)
            separator = "," + inner
        out.append("\n" + " " * level + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = "\n" + " " * (level + 1)
        separator = "[" + inner
        for item in value:
            if isinstance(item, str):
                out.append(separator + _json_string(item))
            elif (text := _strings_object(item, level + 1)) is not None:
                out.append(separator + text)
            else:
                out.append(separator)
                _encode(item, level + 1, out)
            separator = "," + inner
        out.append("\n" + " " * level + "]")
    else:  # numbers, booleans, null, and anything unusual: the standard library, indented alike
        text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
        out.append(text.replace("\n", "\n" + " " * level) if level else text)


def _strings_object(value: Any, level: int) -> str | None:
    """A non-empty object whose keys and values are all strings (most JSON-LD values: ``{"@id": ...}``,
    ``{"@value": ..., "@type": ...}``) as :func:`_encode` writes it at ``level``, in one go; else None."""
    if type(value) is not dict or not value:
        return None
    for key, item in value.items():
        if not (isinstance(key, str) and isinstance(item, str)):
            return None
    inner = "\n" + " " * (level + 1)
    return ("{" + inner + ("," + inner).join(_json_string(key) + ": " + _json_string(value[key]) for key in sorted(value))
            + "\n" + " " * level + "}")


@lru_cache(maxsize=1)
def _context_in_document() -> str:
    """The ``@context`` object as it appears (nested one level) in every JSON-LD document we write."""
    out: list[str] = []
    _encode(context(), 1, out)
    return "".join(out)


def context_document() -> bytes:
    """The published ``context.jsonld`` file: ``{"@context": {...}}`` as UTF-8 bytes."""
    return _dumps({"@context": context()})


@lru_cache(maxsize=1 << 16)
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


def _value_text(value: Any, level: int) -> str:
    """A :func:`_value` (a string, or an object of strings) as :func:`_encode` writes it at nesting ``level``."""
    if isinstance(value, str):
        return _json_string(value)
    text = _strings_object(value, level)
    if text is None:  # not a shape _value makes: written the general way
        out: list[str] = []
        _encode(value, level, out)
        text = "".join(out)
    return text


def jsonld_document(triples: Iterable[Any]) -> bytes:
    """Compact JSON-LD (inline copy of :func:`context`) for pyoxigraph triples, deterministically.

    One node object per subject, ordered by subject; ``rdf:type`` IRIs go to
    ``@type``; a property with one value is written without an array.

    The text is exactly ``_dumps({"@context": context(), "@graph": [...]})`` (tests/test_publish.py
    compares it with the standard library's), written straight from the values, whose shapes
    are known (a string, or an object of strings), rather than by the general :func:`_encode`.
    """
    nodes: dict[str, dict[str, list[tuple[Any, Any]]]] = {}
    for triple in triples:
        subject = _node_ref(triple.subject)
        predicate = triple.predicate.value
        obj = triple.object
        if predicate == RDF_TYPE and type(obj).__name__ != "Literal":
            key, value = "@type", _node_ref(obj)
        else:
            key, value = compact_iri(predicate), _value(obj)
        node = nodes.get(subject)
        if node is None:
            node = nodes[subject] = {}
        values = node.get(key)
        if values is None:
            node[key] = [(obj, value)]
        else:
            values.append((obj, value))
    out = ['{\n "@context": ', _context_in_document(), ',\n "@graph": ']
    separator = "[\n  "
    for subject in sorted(nodes):
        entries = {"@id": _json_string(subject)}
        for key, values in nodes[subject].items():
            if len(values) == 1:
                entries[key] = _value_text(values[0][1], 3)
                continue
            unique = {str(obj): value for obj, value in values}  # ordered by the terms' N-Triples form
            if len(unique) == 1:
                entries[key] = _value_text(values[0][1], 3)
            else:
                entries[key] = "[\n    " + ",\n    ".join(
                    _value_text(unique[k], 4) for k in sorted(unique)) + "\n   ]"
        out.append(separator + "{\n   " + ",\n   ".join(
            _json_string(key) + ": " + entries[key] for key in sorted(entries)) + "\n  }")
        separator = ",\n  "
    out.append("\n ]\n}\n" if nodes else "[]\n}\n")
    return "".join(out).encode("utf-8")
