"""Per-component metrics equal plain networkx on the whole graph, on graphs of several shapes.

Each shape is built by a networkx generator with a fixed seed (one giant
component, many small pieces, isolated nodes, a mix like the synthetic NHS
network, directed and undirected), plus the network the synthetic 10k graph
gives. The reference is networkx run on the whole graph: betweenness_centrality,
closeness_centrality, and for eccentricity the all-pairs BFS lengths (networkx's
own eccentricity refuses a disconnected graph; on a connected one it is used).
"""

from __future__ import annotations

import gc
import itertools
from pathlib import Path

import networkx as nx
import pytest

from gdegraph.network.components import component_graphs, component_metrics, gc_paused

TOLERANCE = 1e-12


def _relabel(g: nx.Graph, prefix: str) -> nx.Graph:
    return nx.relabel_nodes(g, {n: f"{prefix}{n}" for n in g})


def _mixed(directed: bool = False) -> nx.Graph:
    """A giant component, trees and pairs of various sizes, and isolated nodes, like the pairing network."""
    parts = [nx.barabasi_albert_graph(150, 2, seed=1), nx.path_graph(7), nx.star_graph(5), nx.cycle_graph(9),
             nx.complete_graph(4), nx.balanced_tree(2, 3)]
    parts += [nx.path_graph(2) for _ in range(12)] + [nx.empty_graph(1) for _ in range(10)]
    g = nx.union_all([_relabel(p, f"c{i}-") for i, p in enumerate(parts)])
    return g.to_directed() if directed else g


SHAPES = {
    "giant component": lambda: nx.connected_watts_strogatz_graph(200, 4, 0.2, seed=2),
    "scale-free giant": lambda: nx.barabasi_albert_graph(250, 1, seed=3),
    "many small pieces": lambda: nx.disjoint_union_all([nx.random_labeled_tree(n, seed=n) for n in range(1, 40)]),
    "sparse random (components of every size)": lambda: nx.gnp_random_graph(300, 0.006, seed=4),
    "isolated nodes only": lambda: nx.empty_graph(12),
    "one pair": lambda: nx.path_graph(2),
    "one node": lambda: nx.empty_graph(1),
    "empty": lambda: nx.Graph(),
    "mixed, string labels": _mixed,
}
DIRECTED = {
    "random directed, giant": lambda: nx.gnp_random_graph(150, 0.03, seed=5, directed=True),
    "random directed, sparse": lambda: nx.gnp_random_graph(200, 0.006, seed=6, directed=True),
    "directed scale-free": lambda: nx.DiGraph(nx.scale_free_graph(150, seed=7)),
    "mixed, both directions": lambda: _mixed(directed=True),
}


def _close(ours: dict, theirs: dict) -> None:
    assert list(ours) == list(theirs)  # every node, in the graph's order
    worst = max((abs(ours[n] - theirs[n]) for n in theirs), default=0.0)
    assert worst <= TOLERANCE, worst


def _eccentricity_whole(g: nx.Graph) -> dict:
    """Largest BFS distance from each node over the whole graph (reachable nodes only)."""
    return {n: max(lengths.values()) for n, lengths in nx.all_pairs_shortest_path_length(g)}


@pytest.mark.parametrize("shape", [*SHAPES, *DIRECTED])
def test_metrics_equal_networkx_on_the_whole_graph(shape: str) -> None:
    g = (SHAPES | DIRECTED)[shape]()
    m = component_metrics(g)
    _close(m.betweenness, nx.betweenness_centrality(g))
    _close(m.closeness, nx.closeness_centrality(g))
    assert m.method == "exact"
    if g.is_directed():  # eccentricity only for the undirected combined network
        assert m.eccentricity == {} and m.components == []
        return
    assert m.eccentricity == _eccentricity_whole(g)
    if len(g) and nx.is_connected(g):
        assert m.eccentricity == nx.eccentricity(g)
    expected = sorted(((len(c), nx.diameter(g.subgraph(c)), nx.radius(g.subgraph(c)))
                       for c in nx.connected_components(g)), reverse=True)
    assert sorted(m.components, reverse=True) == expected


def test_unnormalised_sum_is_shared_by_components() -> None:
    """A check with no normalisation in it: the whole graph's unnormalised betweenness, node by node,
    is the sum over its component alone."""
    g = _mixed()
    whole = nx.betweenness_centrality(g, normalized=False)
    for part in component_graphs(g):
        local = nx.betweenness_centrality(part, normalized=False)
        assert max(abs(local[n] - whole[n]) for n in part) <= TOLERANCE


def test_component_graphs_are_copies_in_the_graphs_order() -> None:
    g = _mixed()
    parts = component_graphs(g)
    assert [len(p) for p in parts] == sorted((len(c) for c in nx.connected_components(g)), reverse=True)
    assert sum(p.number_of_edges() for p in parts) == g.number_of_edges()
    order = {n: i for i, n in enumerate(g)}
    for p in parts:
        assert list(p) == sorted(p, key=order.__getitem__)
        assert not nx.is_frozen(p) and p.graph is not g.graph


@pytest.fixture(scope="module")
def synthetic_network(tmp_path_factory: pytest.TempPathFactory) -> nx.Graph:
    """The combined network of the synthetic 10k-triple graph (what `gdegraph network --data` reads), with
    the Digital Aspirants, which are isolated nodes."""
    from gdegraph import synth
    from gdegraph.network.analysis import NetworkOptions, build_network, query_rows
    from gdegraph.network.metrics import combined_graph
    from gdegraph.store.factory import OxigraphStore

    path = Path(tmp_path_factory.mktemp("synth")) / "synth-10k.nq"
    synth.write(path, synth.config_for(10_000, 0))
    return combined_graph(build_network(query_rows(OxigraphStore.from_file(path)), NetworkOptions(aspirants=True)))


def test_the_synthetic_network_equals_networkx(synthetic_network: nx.Graph) -> None:
    g = synthetic_network
    assert nx.number_connected_components(g) > 10 and any(d == 0 for _, d in g.degree())
    m = component_metrics(g)
    _close(m.betweenness, nx.betweenness_centrality(g))
    _close(m.closeness, nx.closeness_centrality(g))
    assert m.eccentricity == _eccentricity_whole(g)


def test_approximate_is_exact_when_every_component_is_small_enough() -> None:
    g = _mixed()
    largest = max(len(c) for c in nx.connected_components(g))
    m = component_metrics(g, approximate=largest, seed=3)
    _close(m.betweenness, nx.betweenness_centrality(g))
    assert m.method.startswith("approximate: 150 sampled sources") and m.method.endswith("seed 3")


def test_approximate_is_seeded_and_close_to_the_exact_values() -> None:
    g = SHAPES["giant component"]()
    exact = nx.betweenness_centrality(g)
    a, b = (component_metrics(g, approximate=60, seed=11) for _ in range(2))
    c = component_metrics(g, approximate=60, seed=12)
    assert a.betweenness == b.betweenness  # same seed, same values
    assert a.betweenness != c.betweenness  # really sampled
    assert a.betweenness != exact
    mean_error = sum(abs(a.betweenness[n] - exact[n]) for n in g) / len(g)
    assert mean_error < 0.2 * sum(exact.values()) / len(g)
    assert a.closeness == component_metrics(g).closeness  # only betweenness is sampled


def test_approximate_needs_a_positive_number_of_sources() -> None:
    with pytest.raises(ValueError, match="positive"):
        component_metrics(nx.path_graph(4), approximate=0)


def test_advance_counts_every_node_once() -> None:
    g = _mixed()
    done: list[int] = []
    component_metrics(g, advance=done.append)
    assert sum(done) == len(g) and len(done) == nx.number_connected_components(g)


def test_gc_paused_restores_the_collector_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_gc_paused_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_metrics_run_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The numeric work runs with the collector off, and it is back on afterwards."""
    seen = []
    real = nx.betweenness_centrality

    def spy(*args: object, **kwargs: object) -> dict:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(nx, "betweenness_centrality", spy)
    component_metrics(nx.disjoint_union_all([nx.path_graph(n) for n in itertools.repeat(5, 3)]))
    assert seen == [False, False, False] and gc.isenabled()
