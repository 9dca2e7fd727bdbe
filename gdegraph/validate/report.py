"""The validation report: its results, and their rendering for people (text) or tools (Turtle, JSON).

The text report is for the curator who has to fix the data, so it is grouped
the way they work: by severity, then by the file (named graph) holding the
problem, then by resource; every IRI is shortened with the prefixes the data
files use and followed by the resource's label. The Turtle report is
pySHACL's standard ``sh:ValidationReport`` with the QC results added as
further ``sh:ValidationResult`` nodes (their ``sh:sourceShape`` is
``gdesh:qc-<name>``), so SHACL tooling can read both. JSON carries every
field with full IRIs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from itertools import groupby

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from gdegraph.model import jsonld_context

__all__ = ["FORMATS", "PREFIXES", "ValidationReport", "ValidationResult", "compact", "format_report"]

FORMATS = ("text", "turtle", "json")
SHAPES = "https://w3id.org/gdegraph/shapes#"

#: Prefixes for shortening IRIs: the published table (:data:`gdegraph.model.jsonld_context.PREFIXES`), so a
#: report abbreviates as the dumps do, but with concepts as ``concept:`` (the JSON-LD ``c:`` is terse
#: for a curator) and the shapes' ``gdesh:`` and ``sh:``, which rules and report nodes use.
PREFIXES: dict[str, str] = {
    **{("concept" if prefix == "c" else prefix): ns for prefix, ns in jsonld_context.PREFIXES.items()},
    "gdesh": SHAPES,
    "sh": str(SH),
}
_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_ANGLED = re.compile(r"<([^<>\s]+)>")


@dataclass(frozen=True)
class ValidationResult:
    """One problem: which resource, what is wrong, where it came from and which rule said so.

    ``path`` is a SPARQL property path with full IRIs in angle brackets;
    ``rule`` is the shape's IRI, or ``qc:<name>`` for a QC query.
    ``graphs`` are the named graphs stating the offending triple (or, failing
    that, describing the focus node) and ``files`` the files they were read from.
    """

    severity: str
    message: str
    focus: Node
    focus_label: str | None = None
    path: str | None = None
    value: Node | None = None
    value_label: str | None = None
    rule: str = ""
    component: str = ""
    graphs: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    details: tuple[tuple[str, Node, str | None], ...] = ()


@dataclass
class ValidationReport:
    """Every result of one validation run, plus pySHACL's own report graph for Turtle output."""

    results: list[ValidationResult] = field(default_factory=list)
    shacl_graph: Graph = field(default_factory=Graph)
    qc_checks: tuple[str, ...] = ()
    shape_count: int = 0

    @property
    def conforms(self) -> bool:
        return not self.violations

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Warning"]


def compact(iri: str) -> str:
    """``prefix:local`` for a known namespace (longest match), else ``<iri>``."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is not None:
        local = iri[len(best):]
        if _LOCAL.match(local) and not local.endswith("."):
            prefix = next(p for p, ns in PREFIXES.items() if ns == best)
            return f"{prefix}:{local}"
    return f"<{iri}>"


def _term(term: Node | None) -> str:
    """A term as a reader would write it in Turtle, with prefixes."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return compact(str(term))
    if isinstance(term, BNode):
        return f"_:{term} (blank node)"
    if isinstance(term, Literal):
        text = json.dumps(str(term), ensure_ascii=False)
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and str(term.datatype) != PREFIXES["xsd"] + "string":
            return f"{text}^^{compact(str(term.datatype))}"
        return text
    return str(term)


def _named(term: Node | None, label: str | None) -> str:
    return f'{_term(term)} "{label}"' if label else _term(term)


def _where(result: ValidationResult) -> str:
    if result.files:
        return ", ".join(result.files)
    if result.graphs:
        return ", ".join(f"named graph {compact(g)}" for g in result.graphs)
    return "(no named graph states it)"


def _text(report: ValidationReport) -> str:
    violations, warnings = len(report.violations), len(report.warnings)
    verdict = "conforms" if report.conforms else "does not conform"
    lines = [f"gdegraph validate: {verdict}: {violations} violation{'s' * (violations != 1)}, "
             f"{warnings} warning{'s' * (warnings != 1)} "
             f"({report.shape_count} shapes, {len(report.qc_checks)} QC checks)"]
    for severity, by_severity in groupby(report.results, key=lambda r: r.severity):
        items = list(by_severity)
        lines += ["", f"{severity.upper()}S ({len(items)})"]
        for where, by_file in groupby(items, key=_where):
            lines += ["", where]
            for _, by_focus in groupby(by_file, key=lambda r: r.focus):
                entries = list(by_focus)
                lines.append(f"  {_named(entries[0].focus, entries[0].focus_label)}")
                for r in entries:
                    subject = _ANGLED.sub(lambda m: compact(m.group(1)), r.path) if r.path else ""
                    if r.value is not None and r.value != r.focus:
                        subject = f"{subject} = {_named(r.value, r.value_label)}".strip(" =")
                        subject = subject if r.path else f"value {subject}"
                    lines.append(f"    - {subject + ': ' if subject else ''}{r.message}")
                    for name, term, label in r.details:
                        lines.append(f"        {name}: {_named(term, label)}")
                    lines.append(f"        rule: {compact(r.rule) if '://' in r.rule else r.rule}")
    return "\n".join(lines) + "\n"


def _turtle(report: ValidationReport) -> str:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph += report.shacl_graph
    root = next(graph.subjects(RDF.type, SH.ValidationReport), None)
    if root is None:
        root = BNode()
        graph.add((root, RDF.type, SH.ValidationReport))
    graph.set((root, SH.conforms, Literal(report.conforms)))
    for result in (r for r in report.results if r.rule.startswith("qc:")):
        node = BNode()
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, result.focus))
        graph.add((node, SH.resultSeverity, SH.Violation))
        graph.add((node, SH.resultMessage, Literal(result.message, lang="en")))
        graph.add((node, SH.sourceShape, URIRef(f"{SHAPES}qc-{result.rule[3:]}")))
        graph.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        if result.value is not None:
            graph.add((node, SH.value, result.value))
    return graph.serialize(format="turtle")


def _json_term(term: Node | None) -> str | None:
    if term is None:
        return None
    return term.n3() if isinstance(term, (Literal, BNode)) else str(term)


def _json(report: ValidationReport) -> str:
    payload = {
        "conforms": report.conforms,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "shapes": report.shape_count,
        "qcChecks": list(report.qc_checks),
        "results": [
            {
                "severity": r.severity, "message": r.message, "focus": _json_term(r.focus),
                "focusLabel": r.focus_label, "path": r.path, "value": _json_term(r.value),
                "valueLabel": r.value_label, "rule": r.rule, "component": r.component,
                "graphs": list(r.graphs), "files": list(r.files),
                "details": {name: _json_term(term) for name, term, _ in r.details},
            }
            for r in report.results
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def format_report(report: ValidationReport, fmt: str = "text") -> str:
    """The report as ``text``, ``turtle`` or ``json`` (see the module docstring)."""
    renderers = {"text": _text, "turtle": _turtle, "json": _json}
    if fmt not in renderers:
        from gdegraph.core.errors import InputError

        raise InputError(f"unknown report format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    return renderers[fmt](report)
