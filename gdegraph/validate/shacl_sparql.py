"""SHACL shapes compiled to SPARQL: one set-based SELECT per constraint, for the fast validation engine.

Why: pySHACL validates focus node by focus node in Python (about 40 s and 440 MB
at 100k triples), so a graph of a million triples is out of its reach. Every
constraint our shapes use can instead be asked of the whole graph at once --
"which focus nodes (and values) break this?" -- as one SELECT that Oxigraph
answers with its indexes and joins (:mod:`gdegraph.validate.shacl_oxigraph` runs them).
pySHACL stays the reference: tests/test_shacl_engines.py checks that both
engines report the same results on the curated graph and on every fixture.

Supported, which is what ``shapes/*.ttl`` uses plus close relatives:

* targets ``sh:targetClass`` (instances of the class or of its
  ``rdfs:subClassOf`` descendants in the data) and ``sh:targetSubjectsOf``;
* paths: IRIs, sequences, ``sh:inversePath``, ``sh:alternativePath`` and the
  ``sh:zeroOrMorePath``/``oneOrMorePath``/``zeroOrOnePath`` forms;
* ``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:datatype``,
  ``sh:nodeKind``, ``sh:node``, ``sh:or``, ``sh:not``, ``sh:in``, ``sh:hasValue``,
  ``sh:pattern`` (with ``sh:flags``), ``sh:minLength``, ``sh:languageIn``,
  ``sh:uniqueLang``, the four value ranges, ``sh:equals``, ``sh:disjoint``,
  ``sh:lessThan``, ``sh:lessThanOrEquals``, and SHACL-SPARQL ``sh:sparql``
  SELECT constraints on node shapes.

Anything else raises :class:`NotImplementedError` naming the shape and the
feature, because a constraint silently skipped would let bad data through.

Where the SPARQL reading of a constraint and pySHACL's differ, this follows
pySHACL so that both engines give one report: whether a literal is well formed
for its datatype is rdflib's decision and ``sh:pattern`` uses Python's ``re``
(both through custom functions, called only for values a fast test does not
settle); ``sh:languageIn`` matches a tag or its primary subtag; ``sh:lessThan``
compares IRIs and strings as strings. A SHACL-SPARQL query is joined with the
focus nodes rather than run with ``$this`` pre-bound, which is the same when
``$this`` is bound by a triple pattern of the WHERE clause's top-level group;
queries where it might not be (sub-selects, VALUES, GROUP BY, ``$shapesGraph``...)
are refused. The shapes are trusted project files, so their constants are
written into the query text; data never is.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from gdegraph.validate.shacl_functions import FUNCTIONS, WELL_TYPED, pattern_function, well_typed
from gdegraph.validate.shacl_sparql_text import SparqlTextError, join_focus, not_exists_as_minus

__all__ = ["Check", "CompiledShapes", "compile_shapes"]

RDFS_CLASS = URIRef("http://www.w3.org/2000/01/rdf-schema#Class")
TYPE_PATH = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
#: Lexical forms rdflib (so pySHACL) accepts for these datatypes: settled in SPARQL, the rest by a Python function.
FAST_LEXICAL = {XSD.decimal: r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$", XSD.integer: r"^[+-]?[0-9]+$",
                XSD.date: r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$",
                XSD.gYear: r"^[0-9]{4}$", XSD.gYearMonth: r"^[0-9]{4}-[0-9]{2}$", XSD.boolean: r"^(true|false|1|0)$"}
NODE_KINDS = {SH.IRI: "isIRI({0})", SH.BlankNode: "isBlank({0})", SH.Literal: "isLiteral({0})",
              SH.BlankNodeOrIRI: "(isBlank({0}) || isIRI({0}))", SH.BlankNodeOrLiteral: "(isBlank({0}) || isLiteral({0}))",
              SH.IRIOrLiteral: "(isIRI({0}) || isLiteral({0}))"}
RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
#: Constraints on one value node at a time: the same in node shapes, property shapes and nested shapes.
VALUE_KEYS = {SH["class"], SH.datatype, SH.nodeKind, SH.node, SH["or"], SH["not"], SH["in"], SH.pattern,
              SH.minLength, SH.languageIn, *RANGES}
PAIRS = {SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals}
ANNOTATIONS = {SH.message, SH.name, SH.description, SH.order, SH.group, SH.severity, SH.flags, SH.defaultValue}
TARGETS = {SH.targetClass, SH.targetSubjectsOf}
NODE_SHAPE_KEYS = VALUE_KEYS | TARGETS | ANNOTATIONS | {SH.property, SH.sparql, SH.hasValue}
PROPERTY_SHAPE_KEYS = VALUE_KEYS | TARGETS | ANNOTATIONS | PAIRS | {SH.path, SH.minCount, SH.maxCount, SH.hasValue,
                                                                    SH.uniqueLang}
SPARQL_KEYS = {SH.select, SH.prefixes, SH.message}
_IRI_SAFE = re.compile(r"^[^<>\"{}|^`\\\x00-\x20]*$")


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SELECT over the union of all graphs whose rows are its validation results.

    Rows bind ``?this`` (the focus node) and, where the constraint has one,
    ``?value``; a SHACL-SPARQL row may bind ``?path`` and further variables
    used in message templates. ``path`` is the shape's ``sh:path`` node in the
    shapes graph (reported as ``sh:resultPath``), ``constraint`` the
    ``sh:sparql`` node (``sh:sourceConstraint``).
    """

    shape: Node
    component: str  #: the local name of its sh:sourceConstraintComponent, e.g. "MinCountConstraintComponent"
    severity: URIRef
    query: str
    path: Node | None = None
    messages: tuple[Literal, ...] = ()
    constraint: Node | None = None
    value_is_focus: bool = False


@dataclass(frozen=True)
class CompiledShapes:
    """The checks of a shapes graph and the custom functions their queries call."""

    checks: tuple[Check, ...]
    functions: Mapping[ox.NamedNode, Callable[..., Any]]


def _sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _constant(term: Node) -> str:
    """A constant of the shapes graph in SPARQL syntax."""
    if isinstance(term, URIRef) and _IRI_SAFE.match(str(term)):
        return f"<{term}>"
    if isinstance(term, Literal):
        if term.language:
            return f"{_sparql_string(str(term))}@{term.language}"
        return f"{_sparql_string(str(term))}^^<{term.datatype or XSD.string}>"
    raise ValueError(f"{term!r} cannot be a constant in a query")


class Compiler:
    """Turns a shapes graph into :class:`Check` queries (see the module docstring)."""

    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.fresh = itertools.count()
        self.functions: dict[ox.NamedNode, Callable[..., Any]] = {ox.NamedNode(WELL_TYPED): well_typed}

    def name(self, shape: Node) -> str:
        """``shape <iri>``; a blank-node shape is named by the nearest IRI that refers to it."""
        if isinstance(shape, URIRef):
            return f"shape <{shape}>"
        node, seen = shape, {shape}
        while not isinstance(node, URIRef):
            node = next((s for s in self.g.subjects(None, node) if s not in seen), None)
            if node is None:
                return f"blank-node shape _:{shape}"
            seen.add(node)
        return f"shape <{node}> (in its blank-node shape _:{shape})"

    def unsupported(self, shape: Node, feature: str) -> NotImplementedError:
        return NotImplementedError(f"{self.name(shape)} uses {feature}, which the sparql validation engine "
                                   "(gdegraph/shacl_sparql.py) does not support; validate with --engine pyshacl")

    def require_only(self, shape: Node, allowed: set[URIRef]) -> None:
        unknown = sorted(k for k in set(self.g.predicates(shape)) if str(k).startswith(str(SH)) and k not in allowed)
        if unknown:
            raise self.unsupported(shape, ", ".join(f"sh:{k.removeprefix(str(SH))}" for k in unknown))

    def constant(self, shape: Node, term: Node) -> str:
        """A term of the shapes graph written into a query (an IRI or a literal; never data)."""
        try:
            return _constant(term)
        except ValueError:
            raise self.unsupported(shape, f"{term!r} where a constant IRI or literal is expected") from None

    def items(self, node: Node) -> list[Node]:
        return list(Collection(self.g, node))

    def var(self) -> str:
        return f"?v{next(self.fresh)}"

    def path(self, shape: Node, node: Node) -> str:
        """A SHACL path as a SPARQL property path."""
        if isinstance(node, URIRef):
            return self.constant(shape, node)
        if (node, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(shape, i) for i in self.items(node)) + ")"
        forms = {SH.inversePath: "^({})", SH.zeroOrMorePath: "({})*", SH.oneOrMorePath: "({})+",
                 SH.zeroOrOnePath: "({})?"}
        for key, form in forms.items():
            inner = self.g.value(node, key)
            if inner is not None:
                return form.format(self.path(shape, inner))
        alternatives = self.g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(shape, i) for i in self.items(alternatives)) + ")"
        raise self.unsupported(shape, f"the sh:path {node}")

    # --- does one node meet a constraint? (a FILTER expression; errors count as 'no', as in SHACL)

    def value_ok(self, shape: Node, key: URIRef, value: Node, x: str, stack: tuple[Node, ...]) -> str:
        if key == SH["class"]:
            return f"EXISTS {{ {x} {TYPE_PATH} {self.constant(shape, value)} }}"
        if key == SH.datatype:
            if value == RDF.langString:
                return f'(isLiteral({x}) && LANG({x}) != "")'
            test = f"isLiteral({x}) && DATATYPE({x}) = {self.constant(shape, value)}"
            if value != XSD.string:
                fast = f'REGEX(STR({x}), {_sparql_string(FAST_LEXICAL[value])}) || ' if value in FAST_LEXICAL else ""
                test += f" && ({fast}<{WELL_TYPED}>({x}))"
            return f"COALESCE({test}, false)"
        if key == SH.nodeKind:
            if value not in NODE_KINDS:
                raise self.unsupported(shape, f"sh:nodeKind {value}")
            return NODE_KINDS[value].format(x)
        if key == SH.node:
            return self.conforms(value, x, stack)
        if key == SH["or"]:
            return "(" + (" || ".join(self.conforms(s, x, stack) for s in self.items(value)) or "false") + ")"
        if key == SH["not"]:
            return f"!{self.conforms(value, x, stack)}"
        if key == SH["in"]:
            members = [f"sameTerm({x}, {self.constant(shape, i)})" for i in self.items(value)]
            return "(" + (" || ".join(members) or "false") + ")"
        if key == SH.pattern:
            function = f"{FUNCTIONS}pattern-{len(self.functions)}"
            flags = str(self.g.value(shape, SH.flags) or "").lower()
            self.functions[ox.NamedNode(function)] = pattern_function(str(value), flags)
            return f"COALESCE(<{function}>({x}), false)"
        if key == SH.minLength:
            return "true" if int(value) == 0 else f"COALESCE(!isBlank({x}) && STRLEN(STR({x})) >= {int(value)}, false)"
        if key == SH.languageIn:
            tags = [str(t).lower() for t in self.items(value)]
            if "*" in tags:
                return f'COALESCE(LANG({x}) != "", false)'
            lang = f"LCASE(LANG({x}))"
            tests = [f"{lang} = {_sparql_string(t)} || REPLACE({lang}, \"-.*$\", \"\") = {_sparql_string(t)}"
                     for t in tags]
            return f'COALESCE(LANG({x}) != "" && ({" || ".join(tests) or "false"}), false)'
        return f"COALESCE(isLiteral({x}) && {x} {RANGES[key]} {self.constant(shape, value)}, false)"

    def conforms(self, shape: Node, x: str, stack: tuple[Node, ...]) -> str:
        """Does node ``x`` conform to ``shape``? For sh:node, sh:or and sh:not (targets are ignored there)."""
        if shape in stack:
            raise self.unsupported(shape, "a recursive shape (one that refers back to itself)")
        stack = (*stack, shape)
        path = self.g.value(shape, SH.path)
        if path is not None:
            return self.property_conforms(shape, self.path(shape, path), x, stack)
        self.require_only(shape, NODE_SHAPE_KEYS - {SH.sparql})
        parts = [self.value_ok(shape, k, v, x, stack) for k, v in self.g.predicate_objects(shape) if k in VALUE_KEYS]
        parts += [f"sameTerm({x}, {self.constant(shape, v)})" for v in self.g.objects(shape, SH.hasValue)]
        parts += [self.conforms(p, x, stack) for p in self.g.objects(shape, SH.property)]
        return "(" + (" && ".join(parts) or "true") + ")"

    def distinct_values(self, x: str, path: str, count: int) -> str:
        """A group pattern: ``x`` has at least ``count`` distinct values on ``path``."""
        names = [self.var() for _ in range(count)]
        differ = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)]
        filters = f" FILTER ({' && '.join(differ)})" if differ else ""
        return "{ " + " . ".join(f"{x} {path} {n}" for n in names) + filters + " }"

    def property_conforms(self, shape: Node, path: str, x: str, stack: tuple[Node, ...]) -> str:
        self.require_only(shape, PROPERTY_SHAPE_KEYS - PAIRS - {SH.uniqueLang})
        parts = []
        for key, value in self.g.predicate_objects(shape):
            if key == SH.minCount and int(value) > 0:
                parts.append(f"EXISTS {self.distinct_values(x, path, int(value))}")
            elif key == SH.maxCount:
                parts.append(f"NOT EXISTS {self.distinct_values(x, path, int(value) + 1)}")
            elif key == SH.hasValue:
                parts.append(f"EXISTS {{ {x} {path} {self.constant(shape, value)} }}")
            elif key in VALUE_KEYS:
                v = self.var()
                parts.append(f"NOT EXISTS {{ {x} {path} {v} FILTER (!{self.value_ok(shape, key, value, v, stack)}) }}")
        return "(" + (" && ".join(parts) or "true") + ")"

    # --- shapes with targets -> checks

    def focus(self, shape: Node) -> str | None:
        """A sub-select of the shape's focus nodes as ``?this``, or None if it has no target."""
        parts = [f"{{ ?this {TYPE_PATH} {self.constant(shape, c)} }}" for c in self.g.objects(shape, SH.targetClass)]
        parts += [f"{{ ?this {self.constant(shape, p)} [] }}" for p in self.g.objects(shape, SH.targetSubjectsOf)]
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }" if parts else None

    def check(self, shape: Node, component: URIRef, query: str, **fields: Any) -> Check:
        messages = tuple(sorted(m for m in self.g.objects(shape, SH.message) if isinstance(m, Literal)))
        messages += tuple(fields.pop("extra_messages", ()))
        if not messages:
            raise self.unsupported(shape, "a constraint without sh:message (this engine reports each result with its "
                                          "shape's message; pySHACL would make one up)")
        severity = self.g.value(shape, SH.severity) or SH.Violation
        return Check(shape, component.removeprefix(str(SH)), URIRef(severity), query, messages=messages, **fields)

    def checks(self) -> Iterator[Check]:
        """Every check, shapes in IRI order, each shape's constraints in a stable order."""
        for key in (SH.targetNode, SH.targetObjectsOf, SH.target):  # refused, not skipped: bad data would pass
            for shape in self.g.subjects(key, None):
                raise self.unsupported(shape, f"sh:{key.removeprefix(str(SH))}")
        shapes = {s for kind in (SH.NodeShape, SH.PropertyShape) for s in self.g.subjects(RDF.type, kind)}
        for shape in shapes:
            if (shape, RDF.type, RDFS_CLASS) in self.g:
                raise self.unsupported(shape, "an implicit class target (a shape that is also an rdfs:Class)")
        targeted = {s for key in TARGETS for s in self.g.subjects(key, None)}
        for shape in sorted(targeted, key=str):
            focus = self.focus(shape)
            assert focus is not None
            if self.g.value(shape, SH.path) is not None:
                yield from self.property_checks(shape, focus)
                continue
            yield from self.node_checks(shape, focus)

    def node_checks(self, shape: Node, focus: str) -> Iterator[Check]:
        self.require_only(shape, NODE_SHAPE_KEYS)
        for key, value in sorted(self.g.predicate_objects(shape), key=lambda kv: (str(kv[0]), str(kv[1]))):
            if key in VALUE_KEYS or key == SH.hasValue:
                ok = (f"sameTerm(?this, {self.constant(shape, value)})" if key == SH.hasValue
                      else self.value_ok(shape, key, value, "?this", (shape,)))
                yield self.check(shape, self._component(key), f"SELECT ?this WHERE {{ {focus} FILTER (!{ok}) }}",
                                 value_is_focus=key != SH.hasValue)
            elif key == SH.sparql:
                yield self.sparql_check(shape, value, focus)
        for prop in sorted(self.g.objects(shape, SH.property), key=str):
            yield from self.property_checks(prop, focus)

    @staticmethod
    def _component(key: URIRef) -> URIRef:
        """sh:minCount -> sh:MinCountConstraintComponent."""
        local = key.removeprefix(str(SH))
        return SH[local[0].upper() + local[1:] + "ConstraintComponent"]

    def property_checks(self, shape: Node, focus: str) -> Iterator[Check]:
        """The checks of a property shape for the focus nodes of ``focus`` (its parent's, or its own targets')."""
        self.require_only(shape, PROPERTY_SHAPE_KEYS)
        if (shape, SH.property, None) in self.g or (shape, SH.sparql, None) in self.g:
            raise self.unsupported(shape, "sh:property or sh:sparql on a property shape")
        node = self.g.value(shape, SH.path)
        path = self.path(shape, node)
        for key, value in sorted(self.g.predicate_objects(shape), key=lambda kv: (str(kv[0]), str(kv[1]))):
            if key == SH.minCount:
                query = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value }} }} "
                         f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(value)})")
            elif key == SH.maxCount:
                query = (f"SELECT ?this WHERE {{ {focus} ?this {path} ?value }} "
                         f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(value)})")
            elif key == SH.hasValue:
                query = f"SELECT ?this WHERE {{ {focus} MINUS {{ ?this {path} {self.constant(shape, value)} }} }}"
            elif key == SH.uniqueLang:
                if not value.toPython():
                    continue
                query = (f'SELECT ?this WHERE {{ {focus} ?this {path} ?value FILTER (isLiteral(?value) && '
                         f'LANG(?value) != "") BIND (LCASE(LANG(?value)) AS ?lang) }} '
                         f"GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?value) > 1)")
            elif key == SH.equals:
                other = self.constant(shape, value)
                # MINUS, not FILTER NOT EXISTS: the same here (both sides bind ?this and ?value), and
                # Oxigraph runs it as one anti-join instead of one look-up per row.
                query = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {{ ?this {path} ?value "
                         f"MINUS {{ ?this {other} ?value }} }} UNION {{ ?this {other} ?value "
                         f"MINUS {{ ?this {path} ?value }} }} }}")
            elif key == SH.disjoint:
                query = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value . "
                         f"?this {self.constant(shape, value)} ?value }}")
            elif key in (SH.lessThan, SH.lessThanOrEquals):
                # One result per failing (value, other) pair, as pySHACL; IRIs and strings compare as strings.
                op = "<" if key == SH.lessThan else "<="
                strings = f"<{XSD.string}>, <{RDF.langString}>"
                as_text = f"IF(isIRI({{0}}) || DATATYPE({{0}}) IN ({strings}), STR({{0}}), {{0}})"
                a, b = as_text.format("?value"), as_text.format("?other")
                query = (f"SELECT DISTINCT ?this ?value ?other WHERE {{ {focus} ?this {path} ?value . "
                         f"?this {self.constant(shape, value)} ?other FILTER (!COALESCE({a} {op} {b}, false)) }}")
            elif key in VALUE_KEYS:
                ok = self.value_ok(shape, key, value, "?value", (shape,))
                query = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value FILTER (!{ok}) }}"
            else:
                continue
            yield self.check(shape, self._component(key), query, path=node)

    def sparql_check(self, shape: Node, constraint: Node, focus: str) -> Check:
        """A SHACL-SPARQL SELECT constraint, run for all focus nodes at once (:mod:`gdegraph.validate.shacl_sparql_text`)."""
        self.require_only(constraint, SPARQL_KEYS)
        select = str(self.g.value(constraint, SH.select) or "")
        try:
            query = join_focus(not_exists_as_minus(select), focus)
        except SparqlTextError as exc:
            raise self.unsupported(shape, f"this sh:sparql query ({exc})") from None
        prologue = "".join(f"PREFIX {p}: <{n}>\n" for p, n in self.prefixes(constraint))
        extra = sorted(m for m in self.g.objects(constraint, SH.message) if isinstance(m, Literal))
        return self.check(shape, SH.SPARQLConstraintComponent, prologue + query, constraint=constraint,
                          value_is_focus=True, extra_messages=extra)

    def prefixes(self, constraint: Node) -> list[tuple[str, str]]:
        found = {(str(self.g.value(d, SH.prefix)), str(self.g.value(d, SH.namespace)))
                 for source in self.g.objects(constraint, SH.prefixes) for d in self.g.objects(source, SH.declare)}
        for prefix, namespace in found:
            if not re.fullmatch(r"[A-Za-z][\w.-]*|", prefix) or not _IRI_SAFE.match(namespace):
                raise self.unsupported(constraint, f"the sh:declare prefix {prefix!r} -> {namespace!r}")
        return sorted(found)


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Every check of a shapes graph, in a stable order, with the custom functions they use.

    Raises :class:`NotImplementedError` naming the shape and the feature if the
    shapes use SHACL beyond the supported subset (see the module docstring).
    """
    compiler = Compiler(shapes)
    checks = tuple(compiler.checks())
    return CompiledShapes(checks, dict(compiler.functions))
