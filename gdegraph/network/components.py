"""Exact path-based metrics computed one connected component at a time, as whole-graph values.

Why per component: networkx's betweenness (Brandes) and closeness run one
single-source search per node, and every search allocates state (``dict.fromkeys``
of predecessors, path counts, distances) for *every* node of the graph it is
given. On a network of many small components (1,302 of them in the 1M-triple
synthetic graph, the largest 240 nodes) that makes the cost grow with nodes
squared, although a search only ever reaches its own component. Run on each
component alone, the same searches touch only the nodes they reach, and the
values are the same numbers once rescaled to the whole graph:

* betweenness: pairs in different components have no shortest path, so they add
  nothing; the unnormalised sums of a component are the whole graph's, and
  normalising by the whole graph's ``n`` (networkx 3.6's rule, :func:`_normalise`)
  gives ``betweenness_centrality(G)``;
* closeness: networkx's Wasserman-Faust form ``(r-1)/sum(d) * (r-1)/(n-1)``
  (``wf_improved=True``, the default) only needs the whole graph's ``n``;
* eccentricity, diameter and radius (undirected only) are properties of a node's
  component; on a disconnected graph networkx refuses them (infinite distances),
  so here they are the largest distance within the component.

The garbage collector is paused around the numeric work (:func:`gc_paused`):
the searches create millions of short-lived containers and none of them form
cycles, yet each allocation burst triggers a generation scan of every object
alive (the loaded store's rows, the graph), which took most of the time.

``tests/test_network_components.py`` compares every value with networkx run on
the whole graph, on several shapes, to 1e-12.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import networkx as nx

from gdegraph.core.progress import Advance  # told the number of single-source searches just finished

__all__ = ["ComponentMetrics", "component_graphs", "component_metrics", "gc_paused"]



@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic garbage collector for the block; restore its previous state, even on error.

    Reference counting still frees everything at once; only the periodic
    cycle scans stop. If the collector was already off (a caller pausing it
    too), it stays off afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def component_graphs(graph: nx.Graph | nx.DiGraph) -> list[nx.Graph | nx.DiGraph]:
    """Each (weakly) connected component as a graph of its own, largest first.

    Copies rather than views: an algorithm reading a subgraph view filters
    every adjacency it touches, which costs more than the copy. Nodes keep the
    order of ``graph`` and edges the order of its adjacency, so values do not
    depend on set iteration order (string hashes change between runs).
    """
    parts = nx.weakly_connected_components(graph) if graph.is_directed() else nx.connected_components(graph)
    label: dict[object, int] = {}
    for index, part in enumerate(parts):
        label.update(dict.fromkeys(part, index))
    members: dict[int, list[object]] = {}
    for node in graph:
        members.setdefault(label[node], []).append(node)
    adj = graph.succ if graph.is_directed() else graph.adj
    out = []
    for nodes in members.values():
        h = graph.__class__()
        h.add_nodes_from(nodes)
        h.add_edges_from((u, v) for u in nodes for v in adj[u])
        out.append(h)
    return sorted(out, key=len, reverse=True)


@dataclass
class ComponentMetrics:
    """Per-node values over the whole graph, and how betweenness was computed."""

    nodes: int
    betweenness: dict[object, float]
    closeness: dict[object, float]
    #: Largest distance from the node within its component (undirected graphs only; empty otherwise).
    eccentricity: dict[object, int] = field(default_factory=dict)
    #: (nodes, diameter, radius) of each component, largest first (undirected graphs only).
    components: list[tuple[int, int, int]] = field(default_factory=list)
    #: None: exact. Otherwise sources sampled per component of more than this many nodes.
    approximate: int | None = None
    seed: int | None = None
    #: The graph the values are of, kept so the report and the derived RDF need not build it again.
    graph: nx.Graph | nx.DiGraph | None = field(default=None, repr=False, compare=False)

    @property
    def method(self) -> str:
        """How betweenness was computed, in words for the report."""
        if self.approximate is None:
            return "exact"
        return (f"approximate: {self.approximate} sampled sources in each component of more than "
                f"{self.approximate} nodes, seed {self.seed}")


def _normalise(values: dict[object, float], n: int, directed: bool) -> None:
    """networkx's normalisation of unnormalised betweenness for a graph of ``n`` nodes.

    ``betweenness_centrality(normalized=False)`` halves an undirected graph's
    ordered-pair sums; ``normalized=True`` divides those sums by ``(n-1)(n-2)``
    (no rescaling at all below three nodes, where every value is 0).
    """
    if n - 1 < 2:
        return
    scale = (1 if directed else 2) / ((n - 1) * (n - 2))
    for node in values:
        values[node] *= scale


def _betweenness(part: nx.Graph | nx.DiGraph, approximate: int | None, rng: random.Random) -> dict[object, float]:
    """Unnormalised betweenness of one component, exact or from ``approximate`` sampled sources."""
    if len(part) < 3:
        return dict.fromkeys(part, 0.0)
    if approximate is None or len(part) <= approximate:
        return nx.betweenness_centrality(part, normalized=False)
    return nx.betweenness_centrality(part, k=approximate, normalized=False, seed=rng)


def _distances(part: nx.Graph | nx.DiGraph, n: int, metrics: ComponentMetrics) -> None:
    """Closeness (and, undirected, eccentricity) of every node of a component: one BFS per node."""
    directed = part.is_directed()
    # networkx's closeness of a directed graph uses distances *to* the node.
    searched = part.reverse(copy=False) if directed else part
    eccentricities = []
    for node in part:
        lengths = nx.single_source_shortest_path_length(searched, node)
        total = sum(lengths.values())
        value = 0.0
        if total > 0 and n > 1:
            value = (len(lengths) - 1.0) / total * ((len(lengths) - 1.0) / (n - 1))
        metrics.closeness[node] = value
        if not directed:
            eccentricity = max(lengths.values())
            metrics.eccentricity[node] = eccentricity
            eccentricities.append(eccentricity)
    if not directed:
        metrics.components.append((len(part), max(eccentricities), min(eccentricities)))


def component_metrics(graph: nx.Graph | nx.DiGraph, approximate: int | None = None, seed: int = 0,
                      advance: Advance | None = None) -> ComponentMetrics:
    """Betweenness (normalised), closeness and eccentricity of every node, one component at a time.

    ``approximate`` (a positive number of sources) samples that many sources
    in each larger component, seeded, instead of searching from every node;
    it is only ever used when the caller asks for it. ``advance`` is told how
    many nodes' searches have finished, component by component.
    """
    if approximate is not None and approximate < 1:
        raise ValueError(f"approximate must be a positive number of sources, not {approximate}")
    n, directed = len(graph), graph.is_directed()
    metrics = ComponentMetrics(nodes=n, betweenness={}, closeness={}, approximate=approximate,
                               seed=seed if approximate is not None else None, graph=graph)
    rng = random.Random(seed)
    with gc_paused():
        for part in component_graphs(graph):
            metrics.betweenness.update(_betweenness(part, approximate, rng))
            _distances(part, n, metrics)
            if advance is not None:
                advance(len(part))
    _normalise(metrics.betweenness, n, directed)
    # The whole graph's node order, as networkx returns it.
    metrics.betweenness = {node: metrics.betweenness[node] for node in graph}
    metrics.closeness = {node: metrics.closeness[node] for node in graph}
    if not directed:
        metrics.eccentricity = {node: metrics.eccentricity[node] for node in graph}
    return metrics
