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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.paths import Path as PropertyPath

from gdegraph.model import iris
from gdegraph.core import paths
from gdegraph.core.errors import InputError
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


def data_files(folder: Path | None = None) -> list[Path]:
    """The curated instance data files (of ``folder``, default ``data/``), in a stable order (one named graph each)."""
    return sorted((folder if folder is not None else paths.data_dir()).glob("*.ttl"))


def load_ontology() -> Graph:
    """The ontology and concept schemes as one graph."""
    graph = Graph(identifier=URIRef(ONTOLOGY_GRAPH))
    for path in ontology_files():
        for triple in parse_turtle_file(path):
            graph.add(triple)
    return graph


class UnionGraph(Graph):
    """Every named graph of a dataset seen as one read-only graph, without copying a triple.

    Copying the union into a fresh rdflib graph cost a third of the build (each
    ``Graph.add`` updates three indexes); the dataset's store already answers a
    pattern over all its graphs at once (context ``None``), each triple once.
    """

    def __init__(self, ds: Dataset) -> None:
        super().__init__(store=ds.store, namespace_manager=ds.namespace_manager)

    def triples(self, triple: Any) -> Iterator[Any]:
        """Matches in any graph of the dataset, each distinct triple once (property paths too)."""
        s, p, o = triple
        if isinstance(p, PropertyPath):
            for s2, o2 in p.eval(self, s, o):
                yield s2, p, o2
            return
        for found, _contexts in self.store.triples((s, p, o), context=None):
            yield found

    def __len__(self) -> int:
        return self.store.__len__(context=None)

    def add(self, triple: Any) -> Graph:
        raise TypeError("the union of a dataset's graphs is read-only: add to one of its named graphs")

    addN = remove = add  # noqa: N815 (rdflib's name)


def union(ds: Dataset | Graph) -> Graph:
    """All triples of every named graph as one plain graph (what a SPARQL user sees).

    A read-only view (:class:`UnionGraph`) that follows later changes to the dataset;
    a plain graph is returned as it is.
    """
    return UnionGraph(ds) if isinstance(ds, Dataset) else ds


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
                  replace_status: bool = False, data: Path | None = None) -> Dataset:
    """Assemble the whole graph in memory, without validating or writing anything.

    ``extra`` files (test fixtures) load after ``data/``, each into its own named graph; with
    ``replace_status`` a statement whose gde:status an extra file gives loses the status
    the curated files gave it (the fixture states its later history). ``data`` is another
    folder of curated files than ``data/`` (``gdegraph ingest --data-dir``).
    """
    from gdegraph.sources.inference import entailments
    from gdegraph.sources.refdata import reference_graph

    shared_dir = paths.require_dir(paths.seeds_dir(shared).parent, "shared folder", paths.SHARED_HINT)
    ds = Dataset()
    ontology = load_ontology()
    _add(ds, ontology, ONTOLOGY_GRAPH)
    load_files(data_files(data), dataset=ds)
    if extra:
        _load_extra(ds, extra, replace_status)
    curated = union(ds)
    _add(ds, seed_checksums(curated, shared_dir), BUILD_GRAPH)
    codes = trust_codes(ds)
    reference_graph(codes, paths.refdata_dir(shared_dir), into=ds.graph(URIRef(REFDATA_GRAPH)))
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
