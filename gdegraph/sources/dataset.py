"""Build stage: sources -> load -> reference data -> inference -> validate -> write.

The build assembles one pyoxigraph store (:func:`build_store`) with a named
graph per source, so provenance survives into quad formats; every later stage
(validation, the dumps, the tables, the 360Giving package, the dataset
description) reads that store. :func:`build_dataset` is the same build as an
:class:`rdflib.Dataset`, for pySHACL (the reference validator) and for code and
tests written against rdflib. The graphs:

* ``graph/ontology``: the ontology and its concept schemes;
* ``graph/seed-000`` ... ``graph/seed-004``: what each seed article asserts;
* ``graph/entities``, ``graph/trusts``: curated entities shared by the seeds;
* ``graph/refdata``: trust identity generated from the ODS/ONS reference files;
* ``graph/build``: facts the build measured itself (checksums of the seed files);
* ``graph/inferred``: materialised entailments (see :mod:`gdegraph.sources.inference`) and
  derived facts: status history, names as of a date, inference flags (:mod:`gdegraph.sources.derived`).

Nothing is written unless the whole dataset validates; each output file is
written atomically.

The Python stages (the seed checksums, the reference data, the derived facts)
work in pyoxigraph's terms (:mod:`gdegraph.sources.vocab`): they read the store
through :class:`gdegraph.sources.store_graph.StoreTerms`, rdflib's look-ups
answered by indexed pattern calls on the store, and what they compute goes into
the store once, as one batch of quads per graph, with no rdflib term made or
converted on the way (the rdflib views, :func:`build_dataset` and
:func:`~gdegraph.sources.refdata.reference_graph`, convert at the end).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.paths import Path as PropertyPath

from gdegraph.model import iris
from gdegraph.core import paths
from gdegraph.core.errors import InputError
from gdegraph.sources.loading import load_files, load_into_store, parse_turtle_file
from gdegraph.sources.store_graph import StoreGraph, StoreTerms
from gdegraph.sources.vocab import GDE, plain
_TRUST_CODE_IRI = re.compile(re.escape(iris.ID) + r"trust/([A-Z0-9]{3})$")

ONTOLOGY_GRAPH = iris.graph("ontology")
REFDATA_GRAPH = iris.graph("refdata")
BUILD_GRAPH = iris.graph("build")
INFERRED_GRAPH = iris.graph("inferred")
_DEFAULT = "urn:x-rdflib:default"


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


def union(ds: Dataset | Graph | ox.Store) -> Any:
    """All triples of every named graph as one plain graph (what a SPARQL user sees).

    A read-only view that follows later changes to the dataset: :class:`UnionGraph` of
    an rdflib Dataset, :class:`~gdegraph.sources.store_graph.StoreGraph` of a pyoxigraph
    store; a plain graph is returned as it is.
    """
    if isinstance(ds, ox.Store):
        return StoreGraph(ds)
    return UnionGraph(ds) if isinstance(ds, Dataset) else ds


def trust_codes(graph: Graph | ox.Store) -> dict[str, URIRef]:
    """ODS codes of every trust IRI the curated data mentions, with one graph that mentions it."""
    found: dict[str, Any] = {}
    if isinstance(graph, ox.Store):
        for quad in graph:
            for term in (quad.subject, quad.object):
                match = _TRUST_CODE_IRI.match(term.value) if isinstance(term, ox.NamedNode) else None
                if match:
                    found.setdefault(match.group(1), URIRef(getattr(quad.graph_name, "value", "")))
        return dict(sorted(found.items()))
    for s, p, o, g in graph.quads((None, None, None, None)) if isinstance(graph, Dataset) else ():
        for term in (s, o):
            match = _TRUST_CODE_IRI.match(str(term)) if isinstance(term, URIRef) else None
            if match:
                found.setdefault(match.group(1), g)
    return dict(sorted(found.items()))


def seed_checksums(curated: StoreTerms, shared: Path) -> list[tuple[Any, Any, Any]]:
    """Checksum every seed file a source resource names (triples in pyoxigraph terms), failing clearly if one is missing."""
    found = []
    for source, local in sorted(curated.subject_objects(GDE.localFile), key=lambda pair: (pair[0].value, pair[1].value)):
        path = shared / local.value
        if not path.is_file():
            raise InputError(
                f"source {source.value} names {local.value}, which is not in the shared folder {shared}",
                path=path,
                hint="check the shared folder (--shared / GDEGRAPH_SHARED) or the source's gde:localFile",
            )
        found.append((source, GDE.sha256, plain(hashlib.sha256(path.read_bytes()).hexdigest())))
    return found


def build_dataset(shared: Path | None = None, *, infer: bool = True, extra: list[Path] | None = None,
                  replace_status: bool = False, data: Path | None = None) -> Dataset:
    """The build (:func:`build_store`) as an :class:`rdflib.Dataset`, for pySHACL and rdflib code.

    Arguments as :func:`build_store`. The data files' prefixes and the instance
    prefixes (``trust:``, ``award:`` ...) are bound on the dataset.
    """
    store, prefixes = _build(shared, infer=infer, extra=extra, replace_status=replace_status, data=data)
    return dataset_from_store(store, prefixes)


def dataset_from_store(store: ox.Store, prefixes: dict[str, str] | None = None) -> Dataset:
    """A store's quads as an :class:`rdflib.Dataset` (one rdflib graph per named graph), prefixes bound."""
    from gdegraph.sources.oxigraph_terms import from_oxigraph, quiet_literal_warnings

    ds = Dataset()
    terms: dict[Any, Any] = {}

    def term(node: Any) -> Any:
        found = terms.get(node)
        if found is None:
            found = terms[node] = from_oxigraph(node)
        return found

    graphs: dict[Any, Graph] = {}

    def graph(name: Any) -> Graph:
        found = graphs.get(name)
        if found is None:
            found = graphs[name] = ds.graph(URIRef(getattr(name, "value", _DEFAULT)))
        return found

    with quiet_literal_warnings():
        ds.addN((term(q.subject), term(q.predicate), term(q.object), graph(q.graph_name)) for q in store)
    for prefix, namespace in (prefixes or {}).items():
        ds.bind(prefix, URIRef(namespace), override=True)
    _bind_instance_prefixes(ds)
    return ds


def build_store(shared: Path | None = None, *, infer: bool = True, extra: list[Path] | None = None,
                replace_status: bool = False, data: Path | None = None) -> ox.Store:
    """Assemble the whole graph in one pyoxigraph store, without validating or writing anything.

    ``extra`` files (test fixtures) load after ``data/``, each into its own named graph; with
    ``replace_status`` a statement whose gde:status an extra file gives loses the status
    the curated files gave it (the fixture states its later history). ``data`` is another
    folder of curated files than ``data/`` (``gdegraph ingest --data-dir``).
    """
    return _build(shared, infer=infer, extra=extra, replace_status=replace_status, data=data)[0]


def _build(shared: Path | None, *, infer: bool, extra: list[Path] | None,
           replace_status: bool, data: Path | None = None) -> tuple[ox.Store, dict[str, str]]:
    """The store and the prefixes the data files declare (for rdflib's bindings)."""
    from concurrent.futures import ThreadPoolExecutor

    from gdegraph.sources.refdata import load_reference, reference_triples, wgs84_points

    shared_dir = paths.require_dir(paths.seeds_dir(shared).parent, "shared folder", paths.SHARED_HINT)
    refdata_dir = paths.refdata_dir(shared_dir)
    ref = load_reference(refdata_dir)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="wgs84") as pool:
        points = pool.submit(wgs84_points, ref)  # PROJ sets up (outside the GIL) while the Turtle files load
        store = ox.Store()
        for path in ontology_files():
            load_into_store([path], store, lambda _: ONTOLOGY_GRAPH)
        prefixes = load_into_store(data_files(data), store)
        if extra:
            prefixes.update(_load_extra(store, extra, replace_status))
        _add(store, seed_checksums(StoreTerms(store), shared_dir), BUILD_GRAPH)
        codes = trust_codes(store)
        refdata = reference_triples(codes, refdata_dir, ref=ref, points=points.result())
    _add(store, refdata, REFDATA_GRAPH)
    _check_trusts_described(store, codes)
    if infer:
        from gdegraph.sources.derived import derived_facts
        from gdegraph.sources.inference import store_entailments

        _add(store, derived_facts(StoreTerms(store)), INFERRED_GRAPH)
        store.extend(store_entailments(store, ONTOLOGY_GRAPH, INFERRED_GRAPH))
    return store, prefixes


def _load_extra(store: ox.Store, files: list[Path], replace_status: bool) -> dict[str, str]:
    before = set(store.named_graphs())
    prefixes = load_into_store(files, store)
    if replace_status:
        status = ox.NamedNode(iris.term("status"))
        added = [g for g in store.named_graphs() if g not in before]
        for graph in added:
            for quad in list(store.quads_for_pattern(None, status, None, graph)):
                for old in list(store.quads_for_pattern(quad.subject, status, None, None)):
                    if old.graph_name in before:
                        store.remove(old)
    return prefixes


def _add(store: ox.Store, triples: Iterable[tuple[Any, Any, Any]], graph_iri: str) -> None:
    """Triples (pyoxigraph terms) into one named graph of the store, in one batch."""
    graph = ox.NamedNode(graph_iri)
    store.extend([ox.Quad(s, p, o, graph) for s, p, o in triples])


def _check_trusts_described(store: ox.Store, codes: dict[str, URIRef]) -> None:
    """A trust code used in curated data must resolve in the reference data: no guessed codes."""
    reference, ods_code = ox.NamedNode(REFDATA_GRAPH), ox.NamedNode(iris.term("odsCode"))
    for code, graph_iri in codes.items():
        if not any(True for _ in store.quads_for_pattern(ox.NamedNode(iris.trust(code)), ods_code, None, reference)):
            stem = str(graph_iri).rsplit("/", 1)[-1]
            raise InputError(
                f"trust code {code} is not in the ODS reference files",
                path=paths.data_dir() / f"{stem}.ttl",
                hint="use the trust's code from ods-etr-2016.csv or ods-etr-2025.csv, or a slug IRI with a gde:identityNote",
            )


def _bind_instance_prefixes(ds: Dataset) -> None:
    for kind in ("trust", "programme", "wave", "tier", "pairing", "award", "claim", "source", "membership"):
        ds.bind(kind if kind != "membership" else "mem", iris.ID + kind + "/", override=False)
