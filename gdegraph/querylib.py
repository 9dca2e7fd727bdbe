"""The library of named SPARQL queries in ``queries/*.rq`` and how their parameters are bound.

Each query is one ``.rq`` file whose leading ``#`` comment is its header::

    # name: followers-of
    # title: Fast followers of an exemplar
    # description: The trusts paired with an exemplar as its fast followers, with
    #   the status and source of each pairing.
    # param: exemplar trust required example=RQ6 -- The exemplar (ODS code or name).
    # param: sector concept:sector example=acute -- Only pairings in this care sector.
    # columns: follower followerName odsCode status sources

A parameter is ``NAME TYPE [required] [default=V] [example=V] -- description``
(values may be double-quoted); NAME is the SPARQL variable it binds. Types:
``string``, ``integer``, ``decimal``, ``date``, ``boolean``, ``iri`` (or
``iri:KIND``, where a bare key means ``id/KIND/key``), ``concept:SCHEME`` (a
key such as ``acute`` resolved against the scheme's notations) and ``trust``
(an ODS code or a trust's name, resolved to the trust's IRI).

Values are never pasted into query text as typed: each becomes an RDF term
(:mod:`pyoxigraph` terms, which serialise with N-Triples escaping) and the
terms are bound with one ``VALUES`` block placed at the start of the query's
WHERE clause (:func:`with_values`). Every engine -- pyoxigraph, rdflib and a
remote endpoint -- receives the same text, so a bound parameter means the
same thing everywhere; pyoxigraph's own ``substitutions`` are not used
because they only accept projected variables.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode

from gdegraph import iris, paths
from gdegraph.errors import InputError

__all__ = ["NamedQuery", "Param", "PARAM_TYPES", "bind_params", "convert", "get_query", "load_library",
           "parse_query_file"]

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("string", "integer", "decimal", "date", "boolean", "iri", "concept", "trust")
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_VAR = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Param:
    """One declared parameter; ``kind`` qualifies ``iri`` and ``concept`` types."""

    name: str
    type: str
    kind: str | None = None
    required: bool = False
    default: str | None = None
    example: str | None = None
    description: str = ""

    @property
    def type_label(self) -> str:
        return f"{self.type}:{self.kind}" if self.kind else self.type


@dataclass(frozen=True)
class NamedQuery:
    """A library query: its header, its SPARQL text and the file it came from."""

    name: str
    title: str
    description: str
    text: str
    path: Path
    form: str
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)

    def param(self, name: str) -> Param | None:
        wanted = name.strip().replace("-", "_")
        return next((p for p in self.params if p.name == wanted), None)


def _header_lines(text: str) -> list[str]:
    """The leading comment block, without the ``#`` marks (continuations keep their indent)."""
    lines = []
    for raw in text.splitlines():
        if not raw.startswith("#"):
            break
        lines.append(raw[1:].removeprefix(" "))
    return lines


def _parse_param(spec: str, path: Path) -> Param:
    head, _, description = spec.partition(" -- ")
    try:
        words = shlex.split(head)
    except ValueError as exc:
        raise InputError(f"bad param line: {exc}", path=path) from None
    if len(words) < 2 or not _VAR.match(words[0]):
        raise InputError(f"a param line needs a snake_case NAME and a TYPE: {spec!r}", path=path)
    name, type_spec, options = words[0], words[1], words[2:]
    type_name, _, kind = type_spec.partition(":")
    if type_name not in PARAM_TYPES or (type_name == "concept" and not kind):
        raise InputError(f"parameter {name}: unknown type {type_spec!r} (types: {', '.join(PARAM_TYPES)};"
                         " concept needs a scheme, e.g. concept:sector)", path=path)
    values: dict[str, Any] = {"required": False}
    for option in options:
        key, eq, value = option.partition("=")
        if key == "required" and not eq:
            values["required"] = True
        elif key in ("default", "example") and eq:
            values[key] = value
        else:
            raise InputError(f"parameter {name}: unknown option {option!r}", path=path)
    return Param(name, type_name, kind or None, description=description.strip(), **values)


def parse_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its header; a malformed header is an :class:`InputError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read query file: {exc}", path=path) from None
    fields: dict[str, str] = {}
    params: list[Param] = []
    last: str | None = None
    for line in _header_lines(text):
        match = re.match(r"^([a-z]+):\s*(.*)$", line)
        if match and not line.startswith(" "):
            last, value = match.group(1), match.group(2).strip()
            if last == "param":
                params.append(_parse_param(value, path))
            else:
                fields[last] = value
        elif line.strip() and last is not None and last != "param":
            fields[last] = (fields.get(last, "") + " " + line.strip()).strip()
    name = fields.pop("name", path.stem)
    if not _NAME.match(name):
        raise InputError(f"query name {name!r} must be lower-case words joined by hyphens", path=path)
    from gdegraph.store import query_form

    form = query_form(text)
    return NamedQuery(
        name=name, title=fields.pop("title", name), description=fields.pop("description", ""), text=text,
        path=path, form=form, params=tuple(params), columns=tuple(fields.pop("columns", "").split()),
        extra=fields,
    )


@lru_cache(maxsize=4)
def _load(directory: Path, stamp: tuple[tuple[str, float], ...]) -> dict[str, NamedQuery]:
    library: dict[str, NamedQuery] = {}
    for name, _ in stamp:
        query = parse_query_file(directory / name)
        if query.name in library:
            raise InputError(f"query name {query.name!r} is used twice", path=query.path)
        library[query.name] = query
    return dict(sorted(library.items()))


def load_library(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every ``*.rq`` file directly in ``queries/`` (not ``queries/qc/``), by name."""
    folder = directory if directory is not None else paths.queries_dir()
    files = sorted(folder.glob("*.rq"))
    return _load(folder, tuple((f.name, f.stat().st_mtime) for f in files))


def get_query(name_or_path: str, directory: Path | None = None) -> NamedQuery:
    """A library query by name, or any ``.rq`` file by path; unknown names list the library."""
    candidate = Path(name_or_path)
    if name_or_path.endswith(".rq") or candidate.is_file():
        if not candidate.is_file():
            raise InputError("no such query file", path=candidate)
        return parse_query_file(candidate)
    library = load_library(directory)
    if name_or_path in library:
        return library[name_or_path]
    close = [n for n in library if name_or_path.lower() in n] or list(library)
    raise InputError(f"unknown query {name_or_path!r}", hint=f"known queries: {', '.join(close)} "
                     "(`gdegraph queries` lists them; a path to a .rq file also works)")


def typed_literal(value: str, datatype: str) -> Literal:
    return Literal(value, datatype=NamedNode(XSD + datatype))


def instance_iri(kind: str, key: str) -> NamedNode:
    """``id/KIND/key`` for a bare key; an absolute IRI is taken as it is."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", key):
        return NamedNode(key)
    return NamedNode(iris.instance(kind, key) if kind != "trust" else iris.trust(key))


# --- typed parameters ----------------------------------------------------------------------

_BOOLEAN = {"true": "true", "yes": "true", "1": "true", "false": "false", "no": "false", "0": "false"}
_TRUSTS = """PREFIX gde: <https://w3id.org/gdegraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?trust ?label ?name WHERE {
  ?trust a gde:Trust .
  { ?trust gde:odsCode ?label } UNION { ?trust skos:prefLabel|skos:altLabel|rdfs:label ?label }
  OPTIONAL { ?trust skos:prefLabel ?name }
}"""
_CONCEPTS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?concept ?label ?name WHERE {
  ?concept skos:inScheme ?scheme ; skos:notation ?name .
  { ?concept skos:notation ?label } UNION { ?concept skos:prefLabel ?label }
}"""
_KNOWN = "SELECT DISTINCT ?s WHERE { ?s a ?type }"


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


def _labels(store: Any, query: str, bindings: Mapping[str, Any] | None = None) -> dict[str, tuple[str, set[str]]]:
    """Resource IRI -> (display name, every label and code it is known by)."""
    out: dict[str, tuple[str, set[str]]] = {}
    for subject, label, name in store.select(query, bindings).rows:
        if isinstance(subject, NamedNode) and label is not None:
            entry = out.setdefault(subject.value, (name.value if name is not None else subject.value, set()))
            entry[1].add(label.value)
    return out


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
        if value.startswith(("http://", "https://")):
            return NamedNode(value)
        code = value.upper()
        if iris.ODS_TRUST_CODE.fullmatch(code) and iris.trust(code) in _labels(store, _TRUSTS):
            return NamedNode(iris.trust(code))
        return _choose("trust", value, _labels(store, _TRUSTS))
    if param.type == "concept":
        scheme = NamedNode(iris.instance("scheme", param.kind or ""))
        return _choose(f"{param.kind} concept", value, _labels(store, _CONCEPTS, {"scheme": scheme}))
    try:
        node = instance_iri(param.kind, value) if param.kind else NamedNode(value)
    except ValueError as exc:
        raise InputError(f"parameter {param.name}: {value!r} is not an IRI ({exc})") from None
    if param.kind:
        known = {s.value for (s,) in store.select(_KNOWN).rows if isinstance(s, NamedNode)}
        if node.value not in known:
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
