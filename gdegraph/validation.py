"""Check a gdegraph dataset against the SHACL shapes and the QC queries.

Two kinds of check, one report:

* **SHACL** (``shapes/*.ttl``, run by pySHACL): what each resource must look
  like -- required properties, cardinalities, datatypes, value ranges,
  patterns, controlled vocabularies, and a few cross-resource rules.
* **QC queries** (``queries/qc/*-violation.rq``, run by Oxigraph, as the OBO
  ontology development kit does): SPARQL SELECTs that must return no rows.
  They hold the checks that compare many resources at once (duplicates,
  orphans, totals) or build strings (IRI policy), which SHACL-SPARQL would
  re-parse and run once per focus node, many times slower.

Decisions, and why:

* SHACL sees the *union* of every named graph, not each graph alone (which is
  what pySHACL does with a Dataset): a pairing in ``graph/seed-000`` must be
  checked against the memberships in ``graph/seed-002``.
* ``inference="none"``: the build materialises the entailments users rely on
  into ``graph/inferred`` (:mod:`gdegraph.inference`), and for files given on
  the command line the same entailments are computed here, so pySHACL's own
  RDFS/OWL-RL expansion would only add axiomatic noise and time. SHACL's
  ``sh:targetClass``/``sh:class`` still reach instances of subclasses because
  the ontology is in the data graph. pySHACL's ``ont_graph`` copies only
  RDFS/OWL axioms, not the SKOS concept schemes the shapes look up, so the
  ontology graph is part of the data as well as passed as ``ont_graph``.
* QC queries run on the asserted graphs only (``graph/inferred`` left out): an
  inverse triple would make an undescribed resource look described.
* Severity: a report *conforms* when it has no ``sh:Violation``; warnings
  (such as an award with no known funder) are reported but do not fail.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from gdegraph import iris
from gdegraph import paths as locations
from gdegraph.errors import InputError
from gdegraph.report import FORMATS, ValidationReport, ValidationResult, format_report

__all__ = ["ValidationReport", "ValidationResult", "format_report", "ontology_graph", "qc_queries", "shapes_graph",
           "validate_dataset", "validate_paths"]

INFERRED_GRAPH = URIRef(iris.graph("inferred"))
ONTOLOGY_GRAPH = URIRef(iris.graph("ontology"))
SCHEMA_NAME = URIRef("https://schema.org/name")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_RANK = {"Violation": 0, "Warning": 1, "Info": 2}


def _stamp(folder: Path, pattern: str) -> tuple[tuple[str, int], ...]:
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob(pattern)))


@lru_cache(maxsize=4)
def _load_shapes(folder: Path, stamp: tuple[tuple[str, int], ...]) -> Graph:
    from gdegraph.loading import parse_turtle_file

    graph = Graph()
    for name, _ in stamp:
        graph += parse_turtle_file(folder / name)
    return graph


def shapes_graph(folder: Path | None = None) -> Graph:
    """Every ``*.ttl`` in ``shapes/`` as one graph (cached until a file changes)."""
    folder = folder or locations.shapes_dir()
    return _load_shapes(folder, _stamp(folder, "*.ttl"))


@lru_cache(maxsize=4)
def _load_queries(folder: Path, stamp: tuple[tuple[str, int], ...]) -> tuple:
    from gdegraph.querylib import parse_query_file

    queries = tuple(parse_query_file(folder / name) for name, _ in stamp)
    for query in queries:
        if query.form != "SELECT" or not query.description:
            raise InputError("a QC query must be a SELECT with a '# description:' header", path=query.path)
    return queries


def qc_queries(folder: Path | None = None) -> tuple:
    """The QC queries (``queries/qc/*-violation.rq``) as :class:`gdegraph.querylib.NamedQuery`."""
    folder = folder or locations.queries_dir() / "qc"
    return _load_queries(folder, _stamp(folder, "*-violation.rq"))


@lru_cache(maxsize=2)
def _load_ontology(stamp: tuple[tuple[str, int], ...]) -> Graph:
    from gdegraph.build import load_ontology

    return load_ontology()


def ontology_graph() -> Graph:
    """The ontology and concept schemes (cached until a file changes; callers must not modify it)."""
    return _load_ontology(_stamp(locations.ontology_dir(), "*.ttl"))


def _graphs(ds: Dataset | Graph) -> dict[URIRef, Graph]:
    """The dataset's non-empty graphs by name; a plain Graph counts as one graph."""
    if not isinstance(ds, Dataset):
        return {URIRef(str(ds.identifier)): ds}
    return {URIRef(str(g.identifier)): g for g in ds.graphs() if len(g)}


def _label(graph: Graph, node: Node | None) -> str | None:
    """An English (else any) rdfs:label, skos:prefLabel, dcterms:title or schema:name."""
    if not isinstance(node, (URIRef, BNode)):
        return None
    for prop in (RDFS.label, SKOS.prefLabel, DCTERMS.title, SCHEMA_NAME):
        values = [v for v in graph.objects(node, prop) if isinstance(v, Literal)]
        if values:
            english = [v for v in values if (v.language or "").lower().startswith("en")]
            return str(sorted(english or values)[0])
    return None


def _render_path(graph: Graph, node: Node) -> str:
    """A SHACL path from the report graph as SPARQL property path text with full IRIs."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if (node, RDF.first, None) in graph:
        return "/".join(_render_path(graph, item) for item in Collection(graph, node))
    for prop, fmt in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "({})*"), (SH.oneOrMorePath, "({})+"),
                      (SH.zeroOrOnePath, "({})?")):
        inner = graph.value(node, prop)
        if inner is not None:
            return fmt.format(_render_path(graph, inner))
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_render_path(graph, i) for i in Collection(graph, alternatives)) + ")"
    return str(node)


class _Context:
    """What results are resolved against: the union graph (labels) and the named graphs (sources)."""

    def __init__(self, graphs: Mapping[URIRef, Graph], union: Graph, files: Mapping[str, str]) -> None:
        self.graphs = {k: g for k, g in graphs.items() if k != INFERRED_GRAPH}
        self.union, self.files = union, files
        self.subject_graphs: dict[Node, set[str]] = defaultdict(set)
        for name, graph in self.graphs.items():
            for s in set(graph.subjects()):
                self.subject_graphs[s].add(str(name))

    def result(self, severity: str, message: str, focus: Node, path: Node | None, value: Node | None,
               rule: str, component: str, path_text: str | None = None,
               details: Iterable[tuple[str, Node]] = ()) -> ValidationResult:
        stating: set[str] = set()
        if isinstance(path, URIRef) and value is not None:
            stating = {str(n) for n, g in self.graphs.items() if (focus, path, value) in g}
        names = tuple(sorted(stating or self.subject_graphs.get(focus, set())))
        return ValidationResult(
            severity=severity, message=message, focus=focus, focus_label=_label(self.union, focus),
            path=path_text, value=value, value_label=_label(self.union, value), rule=rule,
            component=component, graphs=names, files=tuple(sorted({self.files[n] for n in names if n in self.files})),
            details=tuple((name, term, _label(self.union, term)) for name, term in details))


def _run_shacl(context: _Context, graphs: Mapping[URIRef, Graph], ontology: Graph,
               shapes: Graph) -> tuple[Graph, list[ValidationResult]]:
    """pySHACL over the union of the graphs; top-level results only (sh:detail ones explain them)."""
    import pyshacl

    from gdegraph.oxigraph_terms import quiet_literal_warnings

    data = Graph()
    for graph in graphs.values():
        data += graph
    with quiet_literal_warnings():
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                        abort_on_first=False, allow_warnings=True, allow_infos=True,
                                        inplace=True, advanced=False)
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, node) in report:
            continue
        path = report.value(node, SH.resultPath)
        messages = sorted(report.objects(node, SH.resultMessage), key=lambda m: (m.language not in ("en", None), m))
        component = str(report.value(node, SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1]
        results.append(context.result(
            SEVERITIES.get(report.value(node, SH.resultSeverity), "Violation"),
            str(messages[0]) if messages else component, report.value(node, SH.focusNode), path,
            report.value(node, SH.value), str(report.value(node, SH.sourceShape) or ""), component,
            path_text=_render_path(report, path) if path is not None else None))
    return report, results


def _to_oxigraph(term: Node, bnodes: dict):  # -> a pyoxigraph term
    """rdflib term -> pyoxigraph term; blank nodes are mapped both ways through ``bnodes``."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        if term not in bnodes:
            node = ox.BlankNode()
            bnodes[term], bnodes[node] = node, term
        return bnodes[term]
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


def _from_oxigraph(term, bnodes: dict) -> Node | None:
    import pyoxigraph as ox

    if term is None or isinstance(term, ox.BlankNode):
        return bnodes.get(term) if term is not None else None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _run_qc(context: _Context, queries: Iterable) -> list[ValidationResult]:
    """Each QC query over the asserted graphs, union as default graph; a row's first column is the focus.

    A ``?value`` column is the offending value and a ``?property`` column its
    path; the other columns are shown as details.
    """
    import pyoxigraph as ox

    from gdegraph.oxigraph_terms import quiet_literal_warnings

    store, bnodes = ox.Store(), {}
    store.extend(ox.Quad(_to_oxigraph(s, bnodes), _to_oxigraph(p, bnodes), _to_oxigraph(o, bnodes),
                         ox.NamedNode(str(name))) for name, graph in context.graphs.items() for s, p, o in graph)
    results = []
    for query in queries:
        solutions = store.query(query.text, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        with quiet_literal_warnings():
            rows = [{n: _from_oxigraph(solution[n], bnodes) for n in names} for solution in solutions]
        for row in rows:
            focus = row[names[0]]
            if focus is None:
                continue
            path = row.get("property") if isinstance(row.get("property"), URIRef) else None
            others = [(n, t) for n, t in row.items() if n not in (names[0], "value", "property") and t is not None]
            results.append(context.result("Violation", query.description, focus, path, row.get("value"),
                                          f"qc:{query.name}", "qc", path_text=f"<{path}>" if path else None,
                                          details=others))
    return results


def validate_dataset(ds: Dataset | Graph, *, files: Mapping[str, str] | None = None,
                     shapes: Graph | None = None, queries: Iterable | None = None) -> ValidationReport:
    """Validate a dataset (one named graph per source) with the shapes and the QC queries.

    ``files`` maps named graph IRIs to the files they were read from, so the
    report can say where to fix each problem; by default the build's graphs
    are mapped to ``ontology/`` and ``data/`` files.
    """
    graphs = _graphs(ds)
    ontology = ontology_graph()
    if ONTOLOGY_GRAPH not in graphs:
        graphs[ONTOLOGY_GRAPH] = ontology
    shapes = shapes if shapes is not None else shapes_graph()
    queries = tuple(queries if queries is not None else qc_queries())
    union = Graph()
    for graph in graphs.values():
        union += graph
    context = _Context(graphs, union, files if files is not None else _build_files())
    report_graph, results = _run_shacl(context, graphs, ontology, shapes)
    results += _run_qc(context, queries)
    results.sort(key=lambda r: (_RANK.get(r.severity, 3), r.files, r.graphs, str(r.focus), r.rule,
                                r.path or "", str(r.value)))
    shape_count = len(set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape)))
    return ValidationReport(results, report_graph, tuple(q.name for q in queries), shape_count)


def _build_files() -> dict[str, str]:
    """Named graphs of the build and the files behind them, as paths relative to the checkout."""
    from gdegraph.build import REFDATA_GRAPH, data_files, ontology_files
    from gdegraph.loading import default_graph_iri

    root = locations.repo_root()
    files = {default_graph_iri(p): str(p.relative_to(root)) for p in data_files()}
    files[str(ONTOLOGY_GRAPH)] = ", ".join(str(p.relative_to(root)) for p in ontology_files())
    files[REFDATA_GRAPH] = "refdata/*.csv in the shared folder (via gdegraph/refdata.py)"
    return files


def validate_paths(paths: list[Path], fmt: str = "text", shared: Path | None = None) -> tuple[bool, str]:
    """Validate Turtle files (with the ontology), or the whole built graph when none are given.

    Returns (conforms, report in ``fmt``). A missing or malformed file raises
    :class:`~gdegraph.errors.InputError` (exit 2) before anything is validated.
    Files are validated as they are, with the ontology and their entailments
    but without the rest of ``data/`` or the reference data, so a file that
    links to trusts or sources described elsewhere reports them as undescribed;
    ``shared`` is used only when validating the whole graph.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown report format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    if not paths:
        from gdegraph.build import build_dataset

        report = validate_dataset(build_dataset(shared))
    else:
        from gdegraph.inference import entailments
        from gdegraph.loading import default_graph_iri, load_files

        ds = load_files(paths)
        files = {default_graph_iri(Path(p)): str(p) for p in paths}
        ontology = ontology_graph()
        asserted = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            asserted.add((s, p, o))
        inferred = ds.graph(INFERRED_GRAPH)
        for triple in entailments(ontology, asserted + ontology):
            inferred.add(triple)
        report = validate_dataset(ds, files=files)
    return report.conforms, format_report(report, fmt)

