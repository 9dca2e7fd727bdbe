"""Validation results: engine answers resolved into report results, and the SHACL report graph.

Both engines end here (:mod:`gdegraph.validate.validation` runs them), which is what makes
their reports the same: a result's labels, the named graphs and files it points
to, its message and its node in the Turtle report are all worked out by this
one code, whichever engine found it.

* :class:`Context` resolves results against rdflib graphs (the build, files
  given on the command line) without copying them into one graph (slow in
  rdflib); :class:`StoreContext` answers the same look-ups from a pyoxigraph
  store, for dumps validated without rdflib.
* :func:`sparql_results` turns the sparql engine's findings into results and
  adds each to the report graph as pySHACL would (blank nodes described,
  SHACL-SPARQL message templates filled the way pySHACL fills them);
  :func:`top_level` drops pySHACL's ``sh:detail`` sub-results, its generic
  explanations of a nested ``sh:node`` failure, which the other reports never
  showed and the sparql engine does not produce.
* :func:`qc_results` does the same for QC query rows (either engine).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from gdegraph.model import iris
from gdegraph.validate.report import ValidationResult

__all__ = ["LABELS", "SEVERITIES", "Context", "StoreContext", "UnionView", "label", "pick_message", "qc_results",
           "render_path", "report_skeleton", "sparql_results", "top_level"]

INFERRED_GRAPH = URIRef(iris.graph("inferred"))
SCHEMA_NAME = URIRef("https://schema.org/name")
LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title, SCHEMA_NAME)
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


def label(graph: Any, node: Node | None) -> str | None:
    """An English (else any) rdfs:label, skos:prefLabel, dcterms:title or schema:name.

    ``graph`` is an rdflib graph or a :class:`gdegraph.validate.shacl_oxigraph.StoreView`.
    """
    if not isinstance(node, (URIRef, BNode)):
        return None
    for prop in LABELS:
        values = [v for v in graph.objects(node, prop) if isinstance(v, Literal)]
        if values:
            english = [v for v in values if (v.language or "").lower().startswith("en")]
            return str(sorted(english or values)[0])
    return None


def render_path(graph: Graph, node: Node) -> str:
    """A SHACL path (in a report or shapes graph) as SPARQL property path text with full IRIs."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if (node, RDF.first, None) in graph:
        return "/".join(render_path(graph, item) for item in Collection(graph, node))
    for prop, fmt in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "({})*"), (SH.oneOrMorePath, "({})+"),
                      (SH.zeroOrOnePath, "({})?")):
        inner = graph.value(node, prop)
        if inner is not None:
            return fmt.format(render_path(graph, inner))
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(render_path(graph, i) for i in Collection(graph, alternatives)) + ")"
    return str(node)


def pick_message(messages: Iterable[Literal], default: str) -> str:
    """The message a result shows: English (or untagged) first, then the smallest."""
    ordered = sorted(messages, key=lambda m: (m.language not in ("en", None), m))
    return str(ordered[0]) if ordered else default


class UnionView:
    """Look-ups in the union of named graphs, without copying them into one graph (rdflib copies are slow)."""

    def __init__(self, graphs: Mapping[URIRef, Graph]) -> None:
        self.graphs = list(graphs.values())

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        for graph in self.graphs:
            yield from graph.objects(subject, predicate)

    def predicate_objects(self, subject: Node) -> Iterator[tuple[Node, Node]]:
        seen = set()
        for graph in self.graphs:
            for pair in graph.predicate_objects(subject):
                if pair not in seen:
                    seen.add(pair)
                    yield pair


class Context:
    """What results are resolved against: every graph (labels) and the asserted named graphs (sources)."""

    def __init__(self, graphs: Mapping[URIRef, Graph], files: Mapping[str, str]) -> None:
        self.union: Any = UnionView(graphs)
        self.graphs = {k: g for k, g in graphs.items() if k != INFERRED_GRAPH}
        self.files = files

    def stating(self, focus: Node, path: URIRef, value: Node) -> set[str]:
        return {str(n) for n, g in self.graphs.items() if (focus, path, value) in g}

    def describing(self, focus: Node) -> set[str]:
        return {str(n) for n, g in self.graphs.items() if (focus, None, None) in g}

    def result(self, severity: str, message: str, focus: Node, path: Node | None, value: Node | None,
               rule: str, component: str, path_text: str | None = None,
               details: Iterable[tuple[str, Node]] = ()) -> ValidationResult:
        stating: set[str] = set()
        if isinstance(path, URIRef) and value is not None:
            stating = self.stating(focus, path, value)
        names = tuple(sorted(stating or self.describing(focus)))
        return ValidationResult(
            severity=severity, message=message, focus=focus, focus_label=label(self.union, focus),
            path=path_text, value=value, value_label=label(self.union, value), rule=rule,
            component=component, graphs=names, files=tuple(sorted({self.files[n] for n in names if n in self.files})),
            details=tuple((name, term, label(self.union, term)) for name, term in details))


class StoreContext(Context):
    """The same look-ups answered from a :class:`gdegraph.validate.shacl_oxigraph.StoreView` (dumps: no rdflib copy)."""

    def __init__(self, view: Any, files: Mapping[str, str]) -> None:  # noqa: D107 -- no named graphs to hold
        self.union, self.files = view, files

    def stating(self, focus: Node, path: URIRef, value: Node) -> set[str]:
        return self.union.graphs_of(focus, path, value) - {str(INFERRED_GRAPH)}

    def describing(self, focus: Node) -> set[str]:
        return self.union.graphs_of(focus) - {str(INFERRED_GRAPH)}


def report_skeleton(shapes: Graph) -> tuple[Graph, BNode]:
    """An empty SHACL validation report graph, with the shapes' prefixes bound as pySHACL binds them."""
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in shapes.namespace_manager.namespaces():
        graph.namespace_manager.bind(prefix, namespace)
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    return graph, root


def top_level(report: Graph, shapes: Graph) -> Graph:
    """pySHACL's report without its sh:detail sub-results (see the module docstring)."""
    graph, root = report_skeleton(shapes)
    old_root = report.value(None, RDF.type, SH.ValidationReport)
    stack, seen = [(old_root, root)], set()
    while stack:
        node, copy = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in report.predicate_objects(node):
            if p == SH.detail or (p == RDF.type and copy == root):
                continue
            graph.add((copy, p, o))
            if isinstance(o, BNode):
                stack.append((o, o))
    return graph


def fill(message: Literal, bindings: Mapping[str, Node]) -> Literal:
    """A SHACL-SPARQL message template with {$var}/{?var} filled in, as pySHACL does (untagged)."""
    text = str(message.value) if message.value is not None else str(message)
    for name, term in bindings.items():
        text = re.sub("{{[?$]{}}}".format(name), str(term), text)
    return Literal(text)


def clone(report: Graph, source: Any, node: Node, done: set[Node]) -> Node:
    """Copy a blank node's description from ``source`` into the report, keeping its label (as pySHACL)."""
    stack = [node] if isinstance(node, BNode) else []
    while stack:
        current = stack.pop()
        if current in done:
            continue
        done.add(current)
        for p, o in source.predicate_objects(current):
            report.add((current, p, o))
            if isinstance(o, BNode):
                stack.append(o)
    return node


def sparql_results(findings: Iterable[Any], shapes: Graph, context: Context, term: Callable[[Any], Node | None],
                   report: Graph, root: BNode) -> list[ValidationResult]:
    """Findings of the compiled checks as results, each also added to ``report`` as pySHACL would add it."""
    import pyoxigraph as ox

    results, cloned_data, cloned_shapes = [], set(), set()
    for finding in findings:
        check = finding.check
        focus = term(finding.focus)
        value = term(finding.value) if finding.value is not None else (focus if check.value_is_focus else None)
        path = URIRef(finding.path.value) if isinstance(finding.path, ox.NamedNode) else check.path
        messages = check.messages
        if check.constraint is not None:  # SHACL-SPARQL: message templates, filled as pySHACL fills them
            bound = {n: term(t) for n, t in finding.bindings if t is not None and n not in ("this", "path", "value")}
            bound |= {n: t for n, t in (("this", focus), ("path", path if finding.path is not None else None),
                                         ("value", value)) if t is not None}
            messages = tuple(fill(m, bound) for m in messages)
        results.append(context.result(
            SEVERITIES.get(check.severity, "Violation"), pick_message(messages, check.component), focus, path,
            value, str(check.shape), check.component,
            path_text=render_path(shapes, path) if path is not None else None))
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.sourceConstraintComponent, SH[check.component]))
        report.add((node, SH.sourceShape, clone(report, shapes, check.shape, cloned_shapes)))
        report.add((node, SH.resultSeverity, check.severity))
        report.add((node, SH.focusNode, clone(report, context.union, focus, cloned_data)))
        if value is not None:
            report.add((node, SH.value, clone(report, context.union, value, cloned_data)))
        if path is not None:
            report.add((node, SH.resultPath, clone(report, shapes, path, cloned_shapes)))
        if check.constraint is not None:
            report.add((node, SH.sourceConstraint, clone(report, shapes, check.constraint, cloned_shapes)))
        for message in messages:
            report.add((node, SH.resultMessage, message))
    return results


def qc_results(findings: Iterable[Any], context: Context, term: Callable[[Any], Node | None]) -> list[ValidationResult]:
    """QC rows as results: the first column is the focus, ``?value`` the offending value and ``?property``
    its path; the other columns are shown as details."""
    results = []
    for finding in findings:
        row = [(name, term(value)) for name, value in finding.bindings]
        values = dict(row)
        path = values.get("property") if isinstance(values.get("property"), URIRef) else None
        others = [(n, t) for n, t in row[1:] if n not in ("value", "property") and t is not None]
        results.append(context.result("Violation", finding.qc.description, row[0][1], path, values.get("value"),
                                      f"qc:{finding.qc.name}", "qc", path_text=f"<{path}>" if path else None,
                                      details=others))
    return results
