"""Build stage: sources -> load -> reference data -> inference -> validate -> write.

The build assembles one :class:`rdflib.Dataset` with a named graph per source,
so provenance survives into quad formats:

* ``graph/ontology``: the ontology and its concept schemes;
* ``graph/seed-000`` ... ``graph/seed-004``: what each seed article asserts;
* ``graph/entities``, ``graph/trusts``: curated entities shared by the seeds;
* ``graph/refdata``: trust identity generated from the ODS/ONS reference files;
* ``graph/build``: facts the build measured itself (checksums of the seed files);
* ``graph/inferred``: materialised entailments (see :mod:`gdegraph.sources.inference`) and
  derived facts: status history, names as of a date, inference flags (:mod:`gdegraph.sources.derived`).

Nothing is written unless the whole dataset validates; each output file is
written atomically.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

from gdegraph.model import iris
from gdegraph.core import paths
from gdegraph.core.errors import InputError, ValidationFailed
from gdegraph.sources.loading import load_files, parse_turtle_file

GDE_LOCAL_FILE = URIRef(iris.term("localFile"))
GDE_SHA256 = URIRef(iris.term("sha256"))
_TRUST_CODE_IRI = re.compile(re.escape(iris.ID) + r"trust/([A-Z0-9]{3})$")

ONTOLOGY_GRAPH = iris.graph("ontology")
REFDATA_GRAPH = iris.graph("refdata")
BUILD_GRAPH = iris.graph("build")
INFERRED_GRAPH = iris.graph("inferred")


def ontology_files() -> list[Path]:
    """The ontology's Turtle files, in a stable order."""
    return sorted(paths.ontology_dir().glob("*.ttl"))


def data_files() -> list[Path]:
    """The curated instance data files, in a stable order (one named graph each)."""
    return sorted(paths.data_dir().glob("*.ttl"))


def load_ontology() -> Graph:
    """The ontology and concept schemes as one graph."""
    graph = Graph(identifier=URIRef(ONTOLOGY_GRAPH))
    for path in ontology_files():
        for triple in parse_turtle_file(path):
            graph.add(triple)
    return graph


def union(ds: Dataset) -> Graph:
    """All triples of every named graph as one plain graph (what a SPARQL user sees)."""
    graph = Graph()
    for prefix, namespace in ds.namespaces():
        graph.bind(prefix, namespace, override=False)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def trust_codes(graph: Graph) -> dict[str, URIRef]:
    """ODS codes of every trust IRI the curated data mentions, with one graph that mentions it."""
    found: dict[str, URIRef] = {}
    for s, p, o, g in graph.quads((None, None, None, None)) if isinstance(graph, Dataset) else ():
        for term in (s, o):
            match = _TRUST_CODE_IRI.match(str(term)) if isinstance(term, URIRef) else None
            if match:
                found.setdefault(match.group(1), g)
    return dict(sorted(found.items()))


def seed_checksums(curated: Graph, shared: Path) -> Graph:
    """Checksum every seed file a source resource names, failing clearly if one is missing."""
    graph = Graph(identifier=URIRef(BUILD_GRAPH))
    for source, local in sorted(curated.subject_objects(GDE_LOCAL_FILE)):
        path = shared / str(local)
        if not path.is_file():
            raise InputError(
                f"source {source} names {local}, which is not in the shared folder {shared}",
                path=path,
                hint="check the shared folder (--shared / GDEGRAPH_SHARED) or the source's gde:localFile",
            )
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        graph.add((source, GDE_SHA256, Literal(digest, datatype=XSD.string)))
    return graph


def build_dataset(shared: Path | None = None, *, infer: bool = True, extra: list[Path] | None = None,
                  replace_status: bool = False) -> Dataset:
    """Assemble the whole graph in memory, without validating or writing anything.

    ``extra`` files (test fixtures) load after ``data/``, each into its own named graph; with
    ``replace_status`` a statement whose gde:status an extra file gives loses the status
    the curated files gave it (the fixture states its later history).
    """
    from gdegraph.sources.inference import entailments
    from gdegraph.sources.refdata import reference_graph

    shared_dir = paths.require_dir(
        shared if shared is not None else paths.shared_dir(),
        "shared folder",
        f"set {paths.SHARED_ENV} to the folder holding seeds/ and refdata/",
    )
    ds = Dataset()
    ontology = load_ontology()
    _add(ds, ontology, ONTOLOGY_GRAPH)
    load_files(data_files(), dataset=ds)
    if extra:
        _load_extra(ds, extra, replace_status)
    curated = union(ds)
    _add(ds, seed_checksums(curated, shared_dir), BUILD_GRAPH)
    codes = trust_codes(ds)
    _add(ds, reference_graph(codes, shared_dir / "refdata"), REFDATA_GRAPH)
    _check_trusts_described(ds, codes)
    if infer:
        from gdegraph.sources.derived import derived_facts

        _add(ds, derived_facts(union(ds)), INFERRED_GRAPH)
        _add(ds, entailments(ontology, union(ds)), INFERRED_GRAPH)
    for prefix, namespace in ontology.namespaces():
        ds.bind(prefix, namespace, override=False)
    _bind_instance_prefixes(ds)
    return ds


def _load_extra(ds: Dataset, files: list[Path], replace_status: bool) -> None:
    before = {g.identifier for g in ds.graphs()}
    load_files(files, dataset=ds)
    if not replace_status:
        return
    status = URIRef(iris.term("status"))
    added = [g for g in ds.graphs() if g.identifier not in before]
    for graph in added:
        for statement, value in graph.subject_objects(status):
            for other in ds.graphs():
                if other.identifier in before:
                    other.remove((statement, status, None))


def _add(ds: Dataset, graph: Graph, graph_iri: str) -> None:
    target = ds.graph(URIRef(graph_iri))
    for triple in graph:
        target.add(triple)


def _check_trusts_described(ds: Dataset, codes: dict[str, URIRef]) -> None:
    """A trust code used in curated data must resolve in the reference data: no guessed codes."""
    reference = ds.graph(URIRef(REFDATA_GRAPH))
    for code, graph_iri in codes.items():
        if (URIRef(iris.trust(code)), URIRef(iris.term("odsCode")), None) not in reference:
            stem = str(graph_iri).rsplit("/", 1)[-1]
            raise InputError(
                f"trust code {code} is not in the ODS reference files",
                path=paths.data_dir() / f"{stem}.ttl",
                hint="use the trust's code from ods-etr-2016.csv or ods-etr-2025.csv, or a slug IRI with a gde:identityNote",
            )


def _bind_instance_prefixes(ds: Dataset) -> None:
    for kind in ("trust", "programme", "wave", "tier", "pairing", "award", "claim", "source", "membership"):
        ds.bind(kind if kind != "membership" else "mem", iris.ID + kind + "/", override=False)


@dataclass
class BuildResult:
    """What a build wrote and measured; ``str()`` is the report printed to the user."""

    out_dir: Path
    files: list[Path] = field(default_factory=list)
    triples: int = 0
    graphs: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    warnings: int = 0

    def __str__(self) -> str:
        lines = [f"gdegraph build: {self.triples} triples in {len(self.graphs)} named graphs ({self.seconds:.2f} s)"]
        lines += [f"  {name:<12} {count:>6} triples" for name, count in self.graphs.items()]
        lines.append(f"validation: conforms ({self.warnings} warnings)")
        lines += [f"wrote {path}" for path in self.files]
        return "\n".join(lines)


def validated_dataset(shared: Path | None = None, engine: str = "sparql") -> tuple[Dataset, Any]:
    """Build the dataset and validate it, raising :class:`ValidationFailed` if it does not conform.

    Shared by ``build`` and ``publish`` so both write exactly what was validated.
    Returns the dataset and the validation report (for its warnings). ``engine``
    is the SHACL engine: ``"sparql"`` (fast) or ``"pyshacl"`` (the reference);
    see :mod:`gdegraph.validate.validation`.
    """
    from gdegraph.validate.validation import format_report, validate_dataset

    ds = build_dataset(shared)
    report = validate_dataset(ds, engine=engine)
    if not report.conforms:
        raise ValidationFailed(format_report(report, "text"), "the graph does not validate; nothing was written")
    return ds, report


def build(out_dir: Path, shared: Path | None = None, *, engine: str = "sparql") -> BuildResult:
    """Build, validate (SHACL ``engine``: sparql or pyshacl) and write ``gdegraph.ttl``, ``gdegraph.trig``
    and a build report."""
    from gdegraph.core.atomic import atomic_write_bytes, atomic_write_text
    from gdegraph.publish.dumps import serialise

    started = time.perf_counter()
    ds, report = validated_dataset(shared, engine)
    merged = union(ds)
    result = BuildResult(out_dir=out_dir, triples=len(merged))
    result.graphs = {str(g.identifier).rsplit("/", 1)[-1]: len(g) for g in sorted(ds.graphs(), key=lambda g: str(g.identifier)) if len(g)}
    result.warnings = len(getattr(report, "warnings", []) or [])
    # Sorted, prefix-stable serialisations (gdegraph.publish.dumps): rdflib's own differ run to run.
    outputs = {"gdegraph.ttl": serialise(ds, "turtle"), "gdegraph.trig": serialise(ds, "trig")}
    for name, data in outputs.items():
        atomic_write_bytes(out_dir / name, data)
        result.files.append(out_dir / name)
    result.seconds = time.perf_counter() - started
    atomic_write_text(out_dir / "build-report.txt", str(result) + "\n")
    result.files.append(out_dir / "build-report.txt")
    return result
