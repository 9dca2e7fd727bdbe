"""Check a gdegraph dataset against the SHACL shapes and the QC queries.

Two kinds of check, one report:

* **SHACL** (``shapes/*.ttl``): what each resource must look like -- required
  properties, cardinalities, datatypes, value ranges, patterns, controlled
  vocabularies, and a few cross-resource rules.
* **QC queries** (``queries/qc/*-violation.rq``, run by Oxigraph, as the OBO
  ontology development kit does): SPARQL SELECTs that must return no rows.
  They hold the checks that compare many resources at once (duplicates,
  orphans, totals) or build strings (IRI policy), which SHACL-SPARQL would
  re-parse and run once per focus node, many times slower.

Two engines run the shapes (``engine=``, ``gdegraph validate --engine``):

* ``"sparql"`` (the default): the shapes compiled to one set-based SPARQL
  query per constraint (:mod:`gdegraph.validate.shacl_sparql`) and run on pyoxigraph
  (:mod:`gdegraph.validate.shacl_oxigraph`) -- six times faster than pySHACL on the
  curated graph, ten times at 100k triples, and a million triples in about
  26 s and 630 MB on two cores, read by :func:`validate_dump` straight from a
  TriG or N-Quads file;
* ``"pyshacl"``: pySHACL, the reference. tests/test_shacl_engines.py checks
  that both give the same results, field for field, on the curated graph and
  every fixture; the sparql engine refuses (``NotImplementedError``) shapes
  that use SHACL beyond the subset it compiles.

Both produce the same :class:`ValidationResult`s, resolved by the same code
(:mod:`gdegraph.validate.results`), so every report format is the same
whichever engine ran (the Turtle report carries the top-level results only:
pySHACL's ``sh:detail`` sub-results, its generic explanations of a nested
``sh:node`` failure, are left out).

Decisions, and why:

* SHACL sees the *union* of every named graph, not each graph alone (which is
  what pySHACL does with a Dataset): a pairing in ``graph/seed-000`` must be
  checked against the memberships in ``graph/seed-002``.
* ``inference="none"``: the build materialises the entailments users rely on
  into ``graph/inferred`` (:mod:`gdegraph.sources.inference`), and for files given on
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

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from gdegraph.model import iris
from gdegraph.core import paths as locations
from gdegraph.core.errors import InputError, ValidationFailed
from gdegraph.validate.report import FORMATS, ValidationReport, ValidationResult, format_report
from gdegraph.validate.results import (LABELS, SEVERITIES, Context, StoreContext, pick_message, qc_results,
                                         render_path, report_skeleton, sparql_results, top_level)

__all__ = ["DEFAULT_ENGINE", "ENGINES", "ValidationReport", "ValidationResult", "compiled_shapes", "format_report",
           "ontology_graph", "qc_queries", "shapes_graph", "validate_dataset", "validate_dump", "validate_paths",
           "validate_store"]

ENGINES = ("sparql", "pyshacl")
DEFAULT_ENGINE = "sparql"
INFERRED_GRAPH = URIRef(iris.graph("inferred"))
ONTOLOGY_GRAPH = URIRef(iris.graph("ontology"))
_RANK = {"Violation": 0, "Warning": 1, "Info": 2}


def _stamp(folder: Path, pattern: str) -> tuple[tuple[str, int], ...]:
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob(pattern)))


@lru_cache(maxsize=4)
def _load_shapes(folder: Path, stamp: tuple[tuple[str, int], ...]) -> Graph:
    from gdegraph.sources.loading import turtle_triples

    graph = Graph()
    for name, _ in stamp:
        graph.addN((s, p, o, graph) for s, p, o in turtle_triples(folder / name))
    return graph


def shapes_graph(folder: Path | None = None) -> Graph:
    """Every ``*.ttl`` in ``shapes/`` as one graph (cached until a file changes)."""
    folder = folder or locations.shapes_dir()
    return _load_shapes(folder, _stamp(folder, "*.ttl"))


@lru_cache(maxsize=4)
def _compile_shapes_dir(folder: Path, stamp: tuple[tuple[str, int], ...]) -> Any:
    from gdegraph.validate.shacl_sparql import compile_shapes

    return compile_shapes(_load_shapes(folder, stamp))


def compiled_shapes(shapes: Graph | None = None) -> Any:
    """The shapes (default: :func:`shapes_graph`) compiled for the sparql engine, a
    :class:`gdegraph.validate.shacl_sparql.CompiledShapes` (cached for the default shapes until a file changes).

    Raises :class:`NotImplementedError` if they use SHACL the engine does not support.
    """
    from gdegraph.validate.shacl_sparql import compile_shapes

    folder = locations.shapes_dir()
    stamp = _stamp(folder, "*.ttl")
    if shapes is None or shapes is _load_shapes(folder, stamp):
        return _compile_shapes_dir(folder, stamp)
    return compile_shapes(shapes)


@lru_cache(maxsize=4)
def _load_queries(folder: Path, stamp: tuple[tuple[str, int], ...]) -> tuple:
    from gdegraph.query.library import parse_query_file

    queries = tuple(parse_query_file(folder / name) for name, _ in stamp)
    for query in queries:
        if query.form != "SELECT" or not query.description:
            raise InputError("a QC query must be a SELECT with a '# description:' header", path=query.path)
    return queries


def qc_queries(folder: Path | None = None) -> tuple:
    """The QC queries (``queries/qc/*-violation.rq``) as :class:`gdegraph.query.library.NamedQuery`."""
    folder = folder or locations.queries_dir() / "qc"
    return _load_queries(folder, _stamp(folder, "*-violation.rq"))


@lru_cache(maxsize=2)
def _load_ontology(stamp: tuple[tuple[str, int], ...]) -> Graph:
    from gdegraph.sources.dataset import load_ontology

    return load_ontology()


def ontology_graph() -> Graph:
    """The ontology and concept schemes (cached until a file changes; callers must not modify it)."""
    return _load_ontology(_stamp(locations.ontology_dir(), "*.ttl"))


def _graphs(ds: Dataset | Graph) -> dict[URIRef, Graph]:
    """The dataset's non-empty graphs by name; a plain Graph counts as one graph."""
    if not isinstance(ds, Dataset):
        return {URIRef(str(ds.identifier)): ds}
    return {URIRef(str(g.identifier)): g for g in ds.graphs() if len(g)}


def _run_shacl(context: Context, graphs: Mapping[URIRef, Graph], ontology: Graph,
               shapes: Graph) -> tuple[Graph, list[ValidationResult]]:
    """pySHACL over the union of the graphs; top-level results only (sh:detail ones explain them)."""
    import pyshacl

    from gdegraph.sources.oxigraph_terms import quiet_literal_warnings

    data = Graph()
    for graph in graphs.values():
        data += graph
    with quiet_literal_warnings():
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                        abort_on_first=False, allow_warnings=True, allow_infos=True,
                                        inplace=True, advanced=False)
    if not isinstance(report, Graph):  # pySHACL refused the shapes themselves
        raise InputError(f"pySHACL cannot validate with these shapes: {report}")
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, node) in report:
            continue
        path = report.value(node, SH.resultPath)
        component = str(report.value(node, SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1]
        results.append(context.result(
            SEVERITIES.get(report.value(node, SH.resultSeverity), "Violation"),
            pick_message(report.objects(node, SH.resultMessage), component), report.value(node, SH.focusNode), path,
            report.value(node, SH.value), str(report.value(node, SH.sourceShape) or ""), component,
            path_text=render_path(report, path) if path is not None else None))
    return top_level(report, shapes), results


def _run_qc(context: Context, queries: Iterable) -> list[ValidationResult]:
    """Each QC query over the asserted graphs, union as default graph (the pyshacl engine's QC step)."""
    import pyoxigraph as ox

    from gdegraph.validate.shacl_oxigraph import TermBridge, run_qc

    store, bridge = ox.Store(), TermBridge()
    bridge.load(store, context.graphs)
    return qc_results(run_qc(store, queries), context, bridge.to_rdflib)


def _run_sparql(context: Context, graphs: Mapping[URIRef, Graph], shapes: Graph, compiled: Any,
                queries: Iterable) -> tuple[Graph, list[ValidationResult]]:
    """The sparql engine on rdflib graphs: one store for the checks, then (inferred graph dropped) the QC."""
    import pyoxigraph as ox

    from gdegraph.validate.shacl_oxigraph import TermBridge, drop_graph, run_checks, run_qc

    store, bridge = ox.Store(), TermBridge()
    bridge.load(store, graphs)
    report, root = report_skeleton(shapes)
    results = sparql_results(run_checks(store, compiled), shapes, context, bridge.to_rdflib, report, root)
    drop_graph(store, str(INFERRED_GRAPH))
    return report, results + qc_results(run_qc(store, queries), context, bridge.to_rdflib)


def check_engine(engine: str) -> None:
    """Refuse an unknown SHACL engine name before any work is done (the user's typo, with the choices)."""
    if engine not in ENGINES:
        raise InputError(f"unknown validation engine {engine!r}", hint=f"use one of: {', '.join(ENGINES)}")


def _report(results: list[ValidationResult], report_graph: Graph, shapes: Graph, queries: tuple) -> ValidationReport:
    # Every field that can differ is in the key, so the order is the same whichever engine ran.
    results.sort(key=lambda r: (_RANK.get(r.severity, 3), r.files, r.graphs, str(r.focus), r.rule,
                                r.path or "", str(r.value), r.component, r.message, str(r.details)))
    shape_count = len(set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape)))
    report = ValidationReport(results, report_graph, tuple(q.name for q in queries), shape_count)
    for root in report_graph.subjects(RDF.type, SH.ValidationReport):
        report_graph.set((root, SH.conforms, Literal(report.conforms)))
    return report


def validate_dataset(ds: Dataset | Graph, *, files: Mapping[str, str] | None = None,
                     shapes: Graph | None = None, queries: Iterable | None = None,
                     engine: str = DEFAULT_ENGINE) -> ValidationReport:
    """Validate a dataset (one named graph per source) with the shapes and the QC queries.

    ``files`` maps named graph IRIs to the files they were read from, so the
    report can say where to fix each problem; by default the build's graphs
    are mapped to ``ontology/`` and ``data/`` files. ``engine`` is ``"sparql"``
    (fast) or ``"pyshacl"`` (the reference); see the module docstring.
    """
    check_engine(engine)
    shapes = shapes if shapes is not None else shapes_graph()
    compiled = compiled_shapes(shapes) if engine == "sparql" else None  # unsupported shapes fail before any work
    graphs = _graphs(ds)
    if ONTOLOGY_GRAPH not in graphs:  # a built dataset has it: the ontology is then not parsed again
        graphs[ONTOLOGY_GRAPH] = ontology_graph()
    queries = tuple(queries if queries is not None else qc_queries())
    context = Context(graphs, files if files is not None else _build_files())
    if compiled is None:
        report_graph, results = _run_shacl(context, graphs, ontology_graph(), shapes)
        results += _run_qc(context, queries)
    else:
        report_graph, results = _run_sparql(context, graphs, shapes, compiled, queries)
    return _report(results, report_graph, shapes, queries)


def validate_dump(path: Path, *, engine: str = DEFAULT_ENGINE, shapes: Graph | None = None,
                  queries: Iterable | None = None) -> ValidationReport:
    """Validate a built dump (TriG or N-Quads, optionally gzipped) as it is: its named graphs, its entailments.

    With the sparql engine the file is bulk-loaded into pyoxigraph and never
    becomes rdflib objects, so a graph of a million triples fits in well under
    2 GB; with pyshacl it is parsed by rdflib (the reference, for small dumps).
    The ontology is added as ``graph/ontology`` if the dump lacks it. Results
    name the dump's graphs, not files: a dump need not come from this checkout.
    """
    check_engine(engine)
    shapes = shapes if shapes is not None else shapes_graph()
    queries = tuple(queries if queries is not None else qc_queries())
    if engine == "pyshacl":
        return validate_dataset(_rdflib_dump(path), files={}, shapes=shapes, queries=queries, engine=engine)
    import pyoxigraph as ox

    from gdegraph.validate.shacl_oxigraph import TermBridge, load_dump

    compiled = compiled_shapes(shapes)
    store = load_dump(path)
    if not any(True for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(str(ONTOLOGY_GRAPH)))):
        TermBridge().load(store, {ONTOLOGY_GRAPH: ontology_graph()})
    return _validate_store(store, {}, shapes, compiled, queries, restore=False)


def validate_store(store: Any, *, files: Mapping[str, str] | None = None, shapes: Graph | None = None,
                   queries: Iterable | None = None) -> ValidationReport:
    """Validate a pyoxigraph store as it is (the build's), with the sparql engine.

    The build's own path: its store is checked where it stands, with no copy
    into rdflib or into a second store. ``files`` maps named graphs to the files
    they were read from (default: the build's, as :func:`validate_dataset`). The
    store is left as it was (the QC queries run with ``graph/inferred`` set aside
    and then put back).
    """
    shapes = shapes if shapes is not None else shapes_graph()
    compiled = compiled_shapes(shapes)
    queries = tuple(queries if queries is not None else qc_queries())
    return _validate_store(store, files if files is not None else _build_files(), shapes, compiled, queries,
                           restore=True)


def _validate_store(store: Any, files: Mapping[str, str], shapes: Graph, compiled: Any, queries: tuple,
                    *, restore: bool) -> ValidationReport:
    """The checks over every graph, then the QC queries over the asserted ones (``graph/inferred`` dropped,
    and put back if ``restore``), resolved against the store."""
    import pyoxigraph as ox

    from gdegraph.validate.shacl_oxigraph import StoreView, drop_graph, from_oxigraph, run_checks, run_qc

    inferred = list(store.quads_for_pattern(None, None, None, ox.NamedNode(str(INFERRED_GRAPH))))
    inferred_labels = Graph()  # kept aside: the QC results' labels are looked up after graph/inferred is dropped
    labels = {ox.NamedNode(str(prop)): prop for prop in LABELS}
    for quad in inferred:
        if quad.predicate in labels:
            inferred_labels.add((from_oxigraph(quad.subject), labels[quad.predicate], from_oxigraph(quad.object)))
    context = StoreContext(StoreView(store), files=files)
    report, root = report_skeleton(shapes)
    results = sparql_results(run_checks(store, compiled), shapes, context, from_oxigraph, report, root)
    drop_graph(store, str(INFERRED_GRAPH))
    try:
        context.union.extra = inferred_labels
        results += qc_results(run_qc(store, queries), context, from_oxigraph)
    finally:
        if restore:
            store.extend(inferred)
    return _report(results, report, shapes, queries)


def _rdflib_dump(path: Path) -> Dataset:
    """A dump parsed by rdflib, for the pyshacl engine; unreadable or malformed files are input errors."""
    import gzip

    from gdegraph.validate.shacl_oxigraph import DUMP_SUFFIXES

    name = path.name.removesuffix(".gz")
    fmt = {".nq": "nquads", ".trig": "trig"}.get(Path(name).suffix.lower())
    if fmt is None or Path(name).suffix.lower() not in DUMP_SUFFIXES:
        raise InputError(f"cannot validate {path.name} as a dump", path=path,
                         hint="give a TriG (.trig) or N-Quads (.nq) file, optionally gzipped (.gz)")
    ds = Dataset()
    try:
        with (gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")) as stream:
            ds.parse(stream, format=fmt)
    except OSError as exc:
        raise InputError(f"cannot read RDF file: {exc.strerror or exc}", path=path) from None
    except Exception as exc:  # rdflib's parsers raise assorted exception types for bad syntax
        raise InputError(f"cannot parse RDF: {exc}", path=path) from None
    return ds


def _build_files() -> dict[str, str]:
    """Named graphs of the build and the files behind them, relative to the checkout (or the package data)."""
    from gdegraph.sources.dataset import REFDATA_GRAPH, data_files, ontology_files
    from gdegraph.sources.loading import default_graph_iri

    root = locations.resource_root()
    files = {default_graph_iri(p): str(p.relative_to(root)) for p in data_files()}
    files[str(ONTOLOGY_GRAPH)] = ", ".join(str(p.relative_to(root)) for p in ontology_files())
    files[REFDATA_GRAPH] = "refdata/*.csv in the shared folder (via gdegraph/sources/refdata.py)"
    return files


def validate_paths(paths: list[Path], fmt: str = "text", shared: Path | None = None, *,
                   engine: str = DEFAULT_ENGINE, data: Path | None = None) -> tuple[bool, str]:
    """Validate Turtle files (with the ontology), a built dump (``data``), or else the whole built graph.

    Returns (conforms, report in ``fmt``). A missing or malformed file raises
    :class:`~gdegraph.core.errors.InputError` (exit 2) before anything is validated.
    Files are validated as they are, with the ontology and their entailments
    but without the rest of ``data/`` or the reference data, so a file that
    links to trusts or sources described elsewhere reports them as undescribed;
    ``shared`` is used only when validating the whole graph. ``data`` is a
    TriG or N-Quads dump validated as it is (:func:`validate_dump`).
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown report format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    check_engine(engine)
    if data is not None:
        if paths:
            raise InputError("give Turtle PATHS or a dump (--data), not both")
        report = validate_dump(data, engine=engine)
    elif not paths:
        from gdegraph.sources.dataset import build_dataset

        report = validate_dataset(build_dataset(shared), engine=engine)
    else:
        from gdegraph.sources.inference import entailments
        from gdegraph.sources.loading import default_graph_iri, load_files

        ds = load_files(paths)
        files = {default_graph_iri(Path(p)): str(p) for p in paths}
        ontology = ontology_graph()
        asserted = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            asserted.add((s, p, o))
        inferred = ds.graph(INFERRED_GRAPH)
        for triple in entailments(ontology, asserted + ontology):
            inferred.add(triple)
        report = validate_dataset(ds, files=files, engine=engine)
    return report.conforms, format_report(report, fmt)

