"""Typed query parameters: a raw value (``RQ6``, ``acute``, ``2017-09-11``) checked and turned into an RDF term.

The terms are bound into the query by :func:`gdegraph.store.sparql_text.with_values`,
never pasted into its text. A trust is given by ODS code or by name and a
concept by key or label; both are looked up *in the graph being queried*, so
a remote endpoint resolves names the same way as the local store. The common
case -- an exact code, or a name exactly as the graph spells it (ignoring
case, spacing, curly apostrophes and "&") -- is one SPARQL lookup with the value
bound (an ODS code by its IRI, an index lookup; a name by comparing folded labels);
only a partial or unknown name lists every label, to find the closest candidates
and explain an ambiguity.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pyoxigraph import Literal, NamedNode

from gdegraph.model import iris
from gdegraph.core.errors import InputError

if TYPE_CHECKING:
    from gdegraph.query.definitions import NamedQuery, Param

__all__ = ["bind_params", "convert", "instance_iri", "typed_literal"]

XSD = "http://www.w3.org/2001/XMLSchema#"
_BOOLEAN = {"true": "true", "yes": "true", "1": "true", "false": "false", "no": "false", "0": "false"}
_PREFIXES = """PREFIX gde: <https://w3id.org/gdegraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
#: What a trust or a concept is known by: ?subject, each ?label (and code), its display ?name.
_TRUSTS = """?subject a gde:Trust ; gde:odsCode|skos:prefLabel|skos:altLabel|rdfs:label ?label .
  OPTIONAL { ?subject skos:prefLabel ?name }"""
_CONCEPTS = """?subject skos:inScheme ?scheme ; skos:notation ?name ; skos:notation|skos:prefLabel ?label ."""
#: :func:`_fold` in SPARQL, so the graph compares labels the way Python would.
_FOLD = r'''REPLACE(REPLACE(LCASE(REPLACE(REPLACE(STR(?label), "’", "'"), "&", " and ")), "\\s+", " "), "^ | $", "")'''
_BY_IRI = _PREFIXES + "ASK { ?iri a gde:Trust ; gde:odsCode|skos:prefLabel|skos:altLabel|rdfs:label [] }"
_EXACT = _PREFIXES + "SELECT DISTINCT ?subject ?label WHERE {\n  %s\n  FILTER (" + _FOLD + " = ?folded)\n}"
_ALL = _PREFIXES + "SELECT DISTINCT ?subject ?label ?name WHERE {\n  %s\n}"
_IS_KNOWN = "ASK { ?iri a [] }"
_KNOWN = "SELECT DISTINCT ?s WHERE { ?s a ?type }"


def typed_literal(value: str, datatype: str) -> Literal:
    """A literal of an XSD datatype (``integer``, ``date``...)."""
    return Literal(value, datatype=NamedNode(XSD + datatype))


def instance_iri(kind: str, key: str) -> NamedNode:
    """``id/KIND/key`` for a bare key; an absolute IRI is taken as it is."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", key):
        return NamedNode(key)
    return NamedNode(iris.instance(kind, key) if kind != "trust" else iris.trust(key))


def _fold(text: str) -> str:
    """Case-, space- and apostrophe-insensitive form of a name, for matching."""
    text = text.replace("\u2019", "'").replace("&", " and ")
    return " ".join(text.lower().split())


def _choose(what: str, value: str, labels: dict[str, tuple[str, set[str]]]) -> NamedNode:
    """The one resource whose label is ``value`` (else, the one whose label contains it)."""
    folded = _fold(value)
    exact = sorted(r for r, (_, names) in labels.items() if folded in {_fold(n) for n in names})
    partial = sorted(r for r, (_, names) in labels.items() if any(folded in _fold(n) for n in names))
    found = exact or partial
    if len(found) == 1:
        return NamedNode(found[0])
    shown = "; ".join(f"{r.rsplit('/', 1)[-1]} ({labels[r][0]})" for r in found[:12])
    if found:
        raise InputError(f"{what} {value!r} is ambiguous: it matches {len(found)}", hint=f"candidates: {shown}")
    raise InputError(f"unknown {what} {value!r}", hint="no name or code matches it; `gdegraph query trust-search "
                     "-p text=PART` finds trusts by part of a name" if what == "trust" else
                     "known: " + ", ".join(sorted(name for name, _ in labels.values())))


def _labels(store: Any, pattern: str, bindings: Mapping[str, Any]) -> dict[str, tuple[str, set[str]]]:
    """Resource IRI -> (display name, every label and code it is known by)."""
    out: dict[str, tuple[str, set[str]]] = {}
    for subject, label, name in store.select(_ALL % pattern, bindings).rows:
        if isinstance(subject, NamedNode) and label is not None:
            entry = out.setdefault(subject.value, (name.value if name is not None else subject.value, set()))
            entry[1].add(label.value)
    return out


def _lookup(store: Any, what: str, value: str, pattern: str, bindings: Mapping[str, Any]) -> NamedNode:
    """The resource whose label is exactly ``value`` (folded), in one bound SPARQL lookup; anything
    else (no exact match, or several) is decided from all the labels by :func:`_choose`."""
    folded = _fold(value)
    found = set()
    for subject, label in store.select(_EXACT % pattern, {**bindings, "folded": Literal(folded)}).rows:
        if isinstance(subject, NamedNode) and label is not None and _fold(label.value) == folded:
            found.add(subject)
    if len(found) == 1:
        return found.pop()
    return _choose(what, value, _labels(store, pattern, bindings))


def _trust(store: Any, value: str) -> NamedNode:
    """A trust by IRI, by ODS code (the IRI ``id/trust/CODE`` of a trust the graph names) or by name."""
    if value.startswith(("http://", "https://")):
        return NamedNode(value)
    code = value.upper()
    if iris.ODS_TRUST_CODE.fullmatch(code):
        iri = NamedNode(iris.trust(code))
        if store.ask(_BY_IRI, {"iri": iri}):
            return iri
    return _lookup(store, "trust", value, _TRUSTS, {})


def convert(param: Param, value: str, store: Any) -> NamedNode | Literal:
    """The RDF term for one raw value, checked against the parameter's type."""
    value = value.strip()
    bad = InputError(f"parameter {param.name}: {value!r} is not a valid {param.type_label}")
    if param.type == "string":
        return Literal(value)
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise bad
        return typed_literal(str(int(value)), "integer")
    if param.type == "decimal":
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
            raise bad
        return typed_literal(value, "decimal")
    if param.type == "date":
        from datetime import date
        try:
            return typed_literal(date.fromisoformat(value).isoformat(), "date")
        except ValueError:
            raise bad from None
    if param.type == "boolean":
        if value.lower() not in _BOOLEAN:
            raise bad
        return typed_literal(_BOOLEAN[value.lower()], "boolean")
    if param.type == "trust":
        return _trust(store, value)
    if param.type == "concept":
        scheme = NamedNode(iris.instance("scheme", param.kind or ""))
        return _lookup(store, f"{param.kind} concept", value, _CONCEPTS, {"scheme": scheme})
    try:
        node = instance_iri(param.kind, value) if param.kind else NamedNode(value)
    except ValueError as exc:
        raise InputError(f"parameter {param.name}: {value!r} is not an IRI ({exc})") from None
    if param.kind and not store.ask(_IS_KNOWN, {"iri": node}):  # an index lookup; listing is for the error only
        known = {s.value for (s,) in store.select(_KNOWN).rows if isinstance(s, NamedNode)}
        prefix = iris.ID + param.kind + "/"
        keys = sorted(k.removeprefix(prefix) for k in known if k.startswith(prefix))
        raise InputError(f"unknown {param.kind} {value!r}", hint="known: " + ", ".join(keys))
    return node


def bind_params(query: NamedQuery, raw: Mapping[str, str], store: Any) -> dict[str, NamedNode | Literal]:
    """Typed terms for ``raw`` (name -> text) plus defaults; unknown or missing names are errors."""
    bindings: dict[str, NamedNode | Literal] = {}
    for name, value in raw.items():
        param = query.param(name)
        if param is None:
            known = ", ".join(p.name for p in query.params) or "none"
            raise InputError(f"query {query.name} has no parameter {name!r}", hint=f"its parameters: {known}")
        bindings[param.name] = convert(param, value, store)
    for param in query.params:
        if param.name not in bindings:
            if param.default is not None:
                bindings[param.name] = convert(param, param.default, store)
            elif param.required:
                example = f" (e.g. --param {param.name}={param.example})" if param.example else ""
                raise InputError(f"query {query.name} needs parameter {param.name}{example}",
                                 hint=param.description or None)
    return bindings
