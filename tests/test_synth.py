"""The synthetic graph generator (gdegraph/synth/) that the benchmarks run on.

Benchmarks are only meaningful if the graphs they measure are reproducible
and look like ours, so: the same seed gives byte-identical output (even
across processes with different hash seeds), the small scale passes our SHACL
shapes and QC queries (and a deliberate break is caught, so that is not
vacuous), the entailments are exactly the build's, and each scale lands near
its triple count. No timings are asserted here: bench/ measures them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef

from gdegraph import synth
from gdegraph.model import iris
from gdegraph.sources.inference import entailments
from gdegraph.validate.validation import ontology_graph, validate_dataset

GDE = iris.DEF
INFERRED = URIRef(iris.graph("inferred"))


def _nquads(config: synth.SynthConfig) -> str:
    return "".join(f"{s} {p} {o} {g} .\n" for s, p, o, g in synth.quads(config))


def _dataset(nquads: str) -> Dataset:
    ds = Dataset(default_union=True)  # triple look-ups in the tests see every named graph
    ds.parse(data=nquads, format="nquads")
    return ds


@pytest.fixture(scope="module")
def small_nquads() -> str:
    return _nquads(synth.config_for(10_000, seed=3))


@pytest.fixture(scope="module")
def small(small_nquads: str) -> Dataset:
    return _dataset(small_nquads)


def _ntriples(tmp_path: Path, name: str, seed: int, hashseed: str) -> bytes:
    out = tmp_path / f"{name}.nt"
    argv = [sys.executable, "-m", "gdegraph.synth", "--triples", "5000", "--seed", str(seed), "--out", str(out)]
    subprocess.run(argv, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": hashseed})
    return out.read_bytes()


def test_same_seed_gives_identical_ntriples_across_processes(tmp_path: Path) -> None:
    first, again = _ntriples(tmp_path, "a", 11, "1"), _ntriples(tmp_path, "b", 11, "2")
    assert first == again
    assert first.count(b"\n") > 4000
    assert _ntriples(tmp_path, "c", 12, "1") != first


def test_small_scale_passes_the_shapes_and_qc_queries(small: Dataset) -> None:
    report = validate_dataset(small)
    assert report.conforms, [str(r) for r in report.results[:5]]
    assert report.results == [] or all(r.severity != "Violation" for r in report.results)


def test_a_broken_statement_is_caught(small_nquads: str) -> None:
    """Drop one follower's fast-follower membership: the QC rule must name that pairing."""
    broken = _dataset(small_nquads)
    follower = next(broken.objects(None, URIRef(GDE + "follower")))
    membership = next(m for m in broken.subjects(URIRef(GDE + "member"), follower)
                      if (m, URIRef(GDE + "role"), URIRef(iris.instance("concept", "role-fast-follower"))) in broken)
    for graph in broken.graphs():
        graph.remove((membership, None, None))
        graph.remove((None, None, membership))
    report = validate_dataset(broken)
    assert not report.conforms
    assert any(r.rule == "qc:follower-not-fast-follower" for r in report.results)


def test_inferred_graph_is_what_the_build_would_materialise(small: Dataset) -> None:
    """The build's status history of the asserted graphs, then the entailments of both (its order)."""
    import pyoxigraph as ox

    from gdegraph.sources.derived import _history
    from gdegraph.sources.oxigraph_terms import from_oxigraph
    from gdegraph.sources.store_graph import StoreTerms, TripleSet
    from gdegraph.store.rdflib_store import from_rdflib

    asserted = Graph()
    for s, p, o, g in small.quads((None, None, None, None)):
        if g != INFERRED:
            asserted.add((s, p, o))
    store = ox.Store()  # the build's stages read the store in pyoxigraph terms
    store.extend([ox.Quad(*(from_rdflib(term, spelling=False) for term in triple)) for triple in asserted])
    steps = TripleSet()
    _history(StoreTerms(store), steps)
    history = Graph()
    for triple in steps:
        history.add(tuple(from_oxigraph(term) for term in triple))
    assert len(history) > 1000
    assert set(small.graph(INFERRED)) == set(history) | set(entailments(ontology_graph(), asserted + history))


def test_shaped_like_a_build(small: Dataset) -> None:
    names = {str(g.identifier).removeprefix(iris.GRAPH) for g in small.graphs() if len(g)}
    assert {"ontology", "refdata", "entities", "inferred", "seed-000"} <= names
    ex, fo = URIRef(GDE + "exemplar"), URIRef(GDE + "follower")
    followers: dict[tuple, set] = defaultdict(set)
    for pairing, exemplar in small.subject_objects(ex):
        programme = small.value(pairing, URIRef(GDE + "inProgramme"))
        followers[exemplar, programme] |= set(small.objects(pairing, fo))
    assert followers and {len(f) for f in followers.values()} <= {1, 2, 3}
    changes = Counter(small.objects(None, URIRef("http://www.w3.org/ns/org#changedBy")))
    assert changes, "successions"
    codes = [str(c) for c in small.objects(None, URIRef(GDE + "odsCode"))]
    assert codes and all(iris.ODS_TRUST_CODE.fullmatch(c) for c in codes)
    kinds = {str(s).removeprefix(iris.ID).split("/")[0] for s in small.subjects() if str(s).startswith(iris.ID)}
    assert {"trust", "programme", "wave", "tier", "membership", "pairing", "award", "claim", "source", "change",
            "name", "location", "region"} <= kinds


@pytest.mark.parametrize("scale", ["10k", "100k"])
def test_triple_count_lands_near_the_target(scale: str) -> None:
    target = synth.parse_scale(scale)
    count = sum(1 for _ in synth.quads(synth.config_for(target)))
    assert abs(count - target) <= 0.05 * target, count


def test_scale_names() -> None:
    assert synth.parse_scale("1m") == 1_000_000
    assert synth.parse_scale("250k") == 250_000
    assert synth.parse_scale("1234") == 1234
