"""A prototype SHACL engine that compiles our shapes to set-based SPARQL and runs them on pyoxigraph.

Why: pySHACL walks the graph focus node by focus node in Python, which takes
~50 s and 0.5 GB at 100k triples and cannot meet the 1M-triple target (60 s,
2 GB). Our shapes use a small part of SHACL Core (counts, classes, datatypes,
node kinds, patterns, value ranges, sh:node/sh:or/sh:not, property pairs) and
three SHACL-SPARQL constraints, all of which compile to *one* SPARQL query per
constraint over the whole store ("which focus nodes break this?"), so
Oxigraph's indexes and joins do the work. pySHACL stays the reference: the
harness (bench/scale.py) checks that both engines give the same results on the
curated graph, the synthetic graphs and tests/fixtures/invalid.

Only what shapes/*.ttl uses is supported; anything else raises
``NotImplementedError`` rather than being silently skipped.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

INFERRED = "https://w3id.org/gdegraph/graph/inferred"
TYPE_PATH = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
#: Lexical forms pySHACL (rdflib) accepts for sh:datatype, so ill-typed literals fail as they do there.
LEXICAL = {XSD.decimal: r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$", XSD.integer: r"^[+-]?[0-9]+$",
           XSD.date: r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
           XSD.gYear: r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
           XSD.gYearMonth: r"^-?[0-9]{4,}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$", XSD.boolean: r"^(true|false|1|0)$"}
VALUE_KEYS = (SH["class"], SH.datatype, SH.nodeKind, SH.node, SH["or"], SH["not"], SH["in"], SH.pattern,
              SH.minLength, SH.languageIn, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive)
HANDLED = {*VALUE_KEYS, SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang, SH.equals, SH.disjoint, SH.lessThan,
           SH.lessThanOrEquals, SH.sparql, SH.path, SH.property, SH.targetClass, SH.targetSubjectsOf, SH.message,
           SH.name, SH.severity, SH.flags, SH.description, SH.order, SH.group}


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SELECT whose rows ``?this [?value]`` are its validation results."""

    shape: str
    component: str
    severity: str
    path: str | None
    query: str


def _t(term: Any) -> str:
    """An rdflib term in SPARQL syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise NotImplementedError(f"blank node {term} where a constant was expected")


class Compiler:
    """Turns the shapes graph into :class:`Check` queries (see the module docstring)."""

    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.fresh = itertools.count()
        self.prefixes = {str(s): str(n) for d in shapes.objects(None, SH.declare)
                         for s in shapes.objects(d, SH.prefix) for n in shapes.objects(d, SH.namespace)}

    def items(self, node: Any) -> list[Any]:
        return list(Collection(self.g, node))

    def path(self, node: Any) -> str:
        if isinstance(node, URIRef):
            return f"<{node}>"
        if (node, RDF.first, None) in self.g:
            return "/".join(self.path(i) for i in self.items(node))
        inverse = self.g.value(node, SH.inversePath)
        if inverse is not None:
            return f"^({self.path(inverse)})"
        raise NotImplementedError(f"SHACL path form at {node}")

    def var(self) -> str:
        return f"?v{next(self.fresh)}"

    # --- conformance of one node, as a FILTER expression -------------------------------------

    def value_ok(self, key: Any, value: Any, x: str) -> str:
        """Does node ``x`` meet one value-type constraint? (Errors count as 'no', as in SHACL.)"""
        if key == SH["class"]:
            return f"EXISTS {{ {x} {TYPE_PATH} {_t(value)} }}"
        if key == SH.datatype:
            if value == RDF.langString:
                return f"(isLiteral({x}) && LANG({x}) != \"\")"
            lexical = f' && REGEX(STR({x}), "{LEXICAL[value]}")' if value in LEXICAL else ""
            return f"COALESCE(isLiteral({x}) && DATATYPE({x}) = {_t(value)}{lexical}, false)"
        if key == SH.nodeKind:
            if value != SH.IRI:
                raise NotImplementedError(f"sh:nodeKind {value}")
            return f"isIRI({x})"
        if key == SH.node:
            return self.conforms(value, x)
        if key == SH["or"]:
            return "(" + " || ".join(self.conforms(s, x) for s in self.items(value)) + ")"
        if key == SH["not"]:
            return f"!({self.conforms(value, x)})"
        if key == SH["in"]:
            return "(" + " || ".join(f"sameTerm({x}, {_t(i)})" for i in self.items(value)) + ")"
        if key == SH.pattern:
            return f"COALESCE(!isBlank({x}) && REGEX(STR({x}), {Literal(str(value)).n3()}), false)"
        if key == SH.minLength:
            return f"COALESCE(!isBlank({x}) && STRLEN(STR({x})) >= {int(value)}, false)"
        if key == SH.languageIn:
            tags = " || ".join(f'LANGMATCHES(LANG({x}), "{t}")' for t in self.items(value))
            return f"COALESCE(LANG({x}) != \"\" && ({tags}), false)"
        ops = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
        return f"COALESCE({x} {ops[key]} {_t(value)}, false)"

    def conforms(self, shape: Any, x: str) -> str:
        """Does node ``x`` conform to ``shape`` (node or property shape)? Used inside sh:node/or/not."""
        self._check_supported(shape)
        parts = [self.value_ok(k, o, x) for k, o in self.g.predicate_objects(shape) if k in VALUE_KEYS]
        for prop in self.g.objects(shape, SH.property):
            parts.append(self.conforms(prop, x))
        path_node = self.g.value(shape, SH.path)
        if path_node is not None:
            parts = [self._nested_property(shape, self.path(path_node), x)]
        return "(" + " && ".join(parts or ["true"]) + ")"

    def _nested_property(self, shape: Any, path: str, x: str) -> str:
        parts, v = [], self.var()
        for k, o in self.g.predicate_objects(shape):
            if k == SH.minCount and int(o) > 0:
                if int(o) > 1:
                    raise NotImplementedError("nested sh:minCount above 1")
                parts.append(f"EXISTS {{ {x} {path} {v} }}")
            elif k == SH.maxCount:
                if int(o) != 0:
                    raise NotImplementedError("nested sh:maxCount above 0")
                parts.append(f"NOT EXISTS {{ {x} {path} {v} }}")
            elif k == SH.hasValue:
                parts.append(f"EXISTS {{ {x} {path} {_t(o)} }}")
            elif k in VALUE_KEYS:
                parts.append(f"NOT EXISTS {{ {x} {path} {v} FILTER (!{self.value_ok(k, o, v)}) }}")
        return "(" + " && ".join(parts or ["true"]) + ")"

    def _check_supported(self, shape: Any) -> None:
        unknown = {p for p in self.g.predicates(shape) if str(p).startswith(str(SH)) and p not in HANDLED}
        if unknown:
            raise NotImplementedError(f"{shape}: {sorted(map(str, unknown))}")

    # --- top-level shapes -> checks ---------------------------------------------------------

    def target(self, shape: Any) -> str | None:
        parts = [f"{{ ?this {TYPE_PATH} {_t(c)} }}" for c in self.g.objects(shape, SH.targetClass)]
        parts += [f"{{ ?this {_t(p)} ?target }}" for p in self.g.objects(shape, SH.targetSubjectsOf)]
        if not parts:
            return None
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    def checks(self) -> Iterator[Check]:
        targeted = set(self.g.subjects(SH.targetClass, None)) | set(self.g.subjects(SH.targetSubjectsOf, None))
        for shape in sorted(targeted):
            target = self.target(shape)
            severity = str(self.g.value(shape, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
            if self.g.value(shape, SH.path) is not None:
                yield from self.property_checks(shape, target, severity)
                continue
            self._check_supported(shape)
            for key, value in self.g.predicate_objects(shape):
                if key in VALUE_KEYS:
                    yield Check(str(shape), key.fragment, severity, None,
                                f"SELECT DISTINCT ?this (?this AS ?value) WHERE {{ {target} "
                                f"FILTER (!{self.value_ok(key, value, '?this')}) }}")
                elif key == SH.sparql:
                    yield self.sparql_check(shape, value, target, severity)
            for prop in self.g.objects(shape, SH.property):
                if isinstance(prop, BNode):
                    raise NotImplementedError(f"anonymous sh:property of {shape}")
                yield from self.property_checks(prop, target, str(self.g.value(prop, SH.severity) or severity)
                                                .rsplit("#", 1)[-1])

    def sparql_check(self, shape: Any, constraint: Any, target: str, severity: str) -> Check:
        text = str(self.g.value(constraint, SH.select)).replace("$this", "?this")
        prologue = "".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(self.prefixes.items()))
        where = text[text.index("{"):]
        return Check(str(shape), "SPARQLConstraintComponent", severity, None,
                     f"{prologue}SELECT DISTINCT ?this ?value WHERE {{ {target} {where} }}")

    def property_checks(self, shape: Any, target: str | None, severity: str) -> Iterator[Check]:
        self._check_supported(shape)
        own = self.target(shape)
        focus = own or target
        path = self.path(self.g.value(shape, SH.path))
        name = str(shape)
        for key, value in self.g.predicate_objects(shape):
            comp = key.fragment
            if key == SH.minCount:
                q = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value }} }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(value)})")
            elif key == SH.maxCount:
                q = (f"SELECT ?this WHERE {{ {focus} ?this {path} ?value }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(value)})")
            elif key == SH.hasValue:
                q = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} {_t(value)} }} }}"
            elif key == SH.uniqueLang and value.toPython() is True:
                q = (f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?a , ?b . "
                     f"FILTER (LANG(?a) != \"\" && LANG(?a) = LANG(?b) && !sameTerm(?a, ?b)) }}")
            elif key == SH.equals:
                q = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {{ ?this {path} ?value "
                     f"FILTER NOT EXISTS {{ ?this {_t(value)} ?value }} }} UNION {{ ?this {_t(value)} ?value "
                     f"FILTER NOT EXISTS {{ ?this {path} ?value }} }} }}")
            elif key == SH.disjoint:
                q = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value . ?this {_t(value)} ?value }}"
            elif key in (SH.lessThan, SH.lessThanOrEquals):
                op = "<" if key == SH.lessThan else "<="
                q = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value . ?this {_t(value)} ?other "
                     f"FILTER (!COALESCE(?value {op} ?other, false)) }}")
            elif key in VALUE_KEYS:
                q = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value "
                     f"FILTER (!{self.value_ok(key, value, '?value')}) }}")
            else:
                continue
            yield Check(name, comp, severity, path, q)


def compile_shapes(shapes: Graph, minus: bool = False) -> list[Check]:
    """Every check of the shapes graph, in a stable order.

    ``minus``: evaluate the SHACL-SPARQL constraints' ``FILTER NOT EXISTS`` as
    ``MINUS``, the rewrite proposed for shapes/*.ttl: equivalent here (every
    shared variable is bound outside), and Oxigraph runs MINUS as one anti-join
    where it re-evaluates NOT EXISTS for each row (4.7 s -> 0.04 s at 1M triples).
    """
    checks = list(Compiler(shapes).checks())
    if minus:
        checks = [replace(c, query=c.query.replace("FILTER NOT EXISTS", "MINUS"))
                  if c.component == "SPARQLConstraintComponent" else c for c in checks]
    return checks


def qc_rewrites(queries: tuple) -> tuple:
    """The QC queries with the rewrites proposed in bench/qc_rewrites/ put in place of the originals."""
    from gdegraph.querylib import parse_query_file

    folder = Path(__file__).resolve().parent / "qc_rewrites"
    fixed = {q.name: q for q in (parse_query_file(f) for f in sorted(folder.glob("*.rq")))}
    return tuple(fixed.get(q.name, q) for q in queries)


def asserted_copy(store: Any, inferred: str = INFERRED) -> Any:
    """A store without ``graph/inferred``: the QC queries see the asserted graphs only.

    A copy queried with the union default graph, because naming the ~700
    asserted graphs as the default graph (``default_graph=[...]``) makes
    Oxigraph look in each one per pattern: 860 s instead of 90 s at 1M triples.
    """
    import pyoxigraph as ox

    copy, skip = ox.Store(), ox.NamedNode(inferred)
    copy.bulk_extend(q for q in store if q.graph_name != skip)
    return copy


def validate_store(store: Any, checks: list[Check], qc: tuple = (), qc_store: Any = None) -> list[dict]:
    """Run the checks on the union of every graph, the QC queries on ``qc_store`` (asserted graphs).

    Returns one dict per result: severity, rule, component, focus, path, value.
    """
    results = []
    for check in checks:
        for row in store.query(check.query, use_default_graph_as_union=True):
            results.append({"severity": check.severity, "rule": check.shape, "component": check.component,
                            "focus": row["this"], "path": check.path, "value": row["value"]})
    for query in qc:
        solutions = (qc_store or store).query(query.text, use_default_graph_as_union=True)
        first = solutions.variables[0].value
        for row in solutions:
            if row[first] is not None:
                results.append({"severity": "Violation", "rule": f"qc:{query.name}", "component": "qc",
                                "focus": row[first], "path": None, "value": row["value"]})
    return results
