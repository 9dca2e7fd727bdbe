"""Write the network for other tools (Gephi, spreadsheets, notebooks) and read each format back.

Every file is written atomically (:mod:`gdegraph.core.atomic`), so an interrupted
run never leaves a half-written export beside a good one. Each writer has a
reader that returns a :class:`networkx.MultiDiGraph` with the same nodes,
edge keys and attributes, which the tests use to prove the round trip:

* GraphML keeps everything, graph attributes included;
* GEXF (1.2) puts the node ``label`` in GEXF's own label field and the edge
  key in the edge id; the reader puts both back. GEXF has no graph
  attributes, so the options are only in the other formats;
* node-link JSON keeps everything;
* CSV (``nodes.csv``, ``edges.csv``) has one column per attribute, empty for
  an absent one, with :data:`CSV_TYPES` saying which columns are not text.

:func:`derived_graph` writes the figures back as RDF, in the named graph
``graph/derived``, so SPARQL users can query them beside the data they came
from. Each figure is a ``schema:QuantitativeValue`` (a value, a unit and a
``schema:propertyID`` naming the measure) about a pairing, trust or wave via
``dcterms:subject``: existing vocabulary, so the ontology needs no new terms.
The graph and every figure are ``prov:wasGeneratedBy`` one ``prov:Activity``
describing the ``gdegraph network`` run, which ``prov:used`` each named graph
of the built dataset. No clock time is recorded, so reruns are identical.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Callable

import networkx as nx


from gdegraph.core.version import package_version
from gdegraph.model import iris
from gdegraph.core.atomic import atomic_output, atomic_write_text
from gdegraph.network.components import ComponentMetrics, component_metrics
from gdegraph.network.graph_xml import gexf_text, graphml_text
from gdegraph.network.derived_terms import DCTERMS, PROV, RDF, RDFS, SCHEMA, XSD, DerivedGraph, Literal, URIRef
from gdegraph.network.metrics import combined_graph

__all__ = ["CSV_TYPES", "DERIVED_GRAPH", "derived_graph", "read_csv", "read_gexf", "read_graphml", "read_json",
           "write_csv", "write_derived", "write_exports", "write_gexf", "write_graphml", "write_json"]

#: Attribute columns of the CSV files that are not strings.
CSV_TYPES: dict[str, Callable[[str], Any]] = {
    "lat": float, "lon": float, "distance_km": float, "same_region": lambda s: s == "true"}


def write_graphml(g: nx.MultiDiGraph, path: Path) -> None:
    """GraphML, typed attributes and edge keys as edge ids (networkx's bytes, written line by line:
    :mod:`gdegraph.network.graph_xml`)."""
    atomic_write_text(path, graphml_text(g))


def read_graphml(path: Path) -> nx.MultiDiGraph:
    h = nx.read_graphml(path, force_multigraph=True, edge_key_type=str)
    for name in ("node_default", "edge_default"):
        h.graph.pop(name, None)
    return nx.MultiDiGraph(h)


def write_gexf(g: nx.MultiDiGraph, path: Path) -> None:
    """GEXF 1.2 for Gephi, edge keys as edge ids; no 'last modified' date, so reruns are identical."""
    atomic_write_text(path, gexf_text(g, f"gdegraph {package_version()}"))


def read_gexf(path: Path) -> nx.MultiDiGraph:
    h = nx.read_gexf(path)
    out = nx.MultiDiGraph(name=h.graph.get("name", ""))
    out.add_nodes_from(h.nodes(data=True))
    for u, v, d in h.edges(data=True):
        data = {k: val for k, val in d.items() if k not in ("id", "networkx_key")}
        out.add_edge(u, v, key=d["id"], **data)
    return out


def write_json(g: nx.MultiDiGraph, path: Path) -> None:
    """networkx node-link JSON (``edges`` key), sorted so that reruns give identical files."""
    data = nx.node_link_data(g, edges="edges")
    data["nodes"].sort(key=lambda n: n["id"])
    data["edges"].sort(key=lambda e: (e["source"], e["target"], e["key"]))
    atomic_write_text(path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def read_json(path: Path) -> nx.MultiDiGraph:
    return nx.MultiDiGraph(nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges"))


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _csv(fields: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _cell(row.get(k)) for k in fields} for row in rows)
    return buffer.getvalue()


def write_csv(g: nx.MultiDiGraph, nodes_path: Path, edges_path: Path) -> None:
    """``nodes.csv`` (id + attributes) and ``edges.csv`` (source, target, key + attributes)."""
    nodes = [{"id": n, **d} for n, d in sorted(g.nodes(data=True))]
    edges = [{"source": u, "target": v, "key": k, **d}
             for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))]
    node_fields = ["id", *sorted({k for n in nodes for k in n} - {"id"})]
    edge_fields = ["source", "target", "key", *sorted({k for e in edges for k in e} - {"source", "target", "key"})]
    atomic_write_text(nodes_path, _csv(node_fields, nodes))
    atomic_write_text(edges_path, _csv(edge_fields, edges))


def _typed(row: dict[str, str], skip: tuple[str, ...]) -> dict[str, Any]:
    return {k: CSV_TYPES.get(k, str)(v) for k, v in row.items() if k not in skip and v != ""}


def read_csv(nodes_path: Path, edges_path: Path) -> nx.MultiDiGraph:
    h = nx.MultiDiGraph()
    with nodes_path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            h.add_node(row["id"], **_typed(row, ("id",)))
    with edges_path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            h.add_edge(row["source"], row["target"], key=row["key"], **_typed(row, ("source", "target", "key")))
    return h


#: Export file names inside ``--out``; the CLI lists what it wrote from these.
EXPORTS = ("network.graphml", "network.gexf", "network.json", "nodes.csv", "edges.csv")


def write_exports(g: nx.MultiDiGraph, out_dir: Path) -> list[Path]:
    """Every export format into ``out_dir``; returns the files written."""
    files = [out_dir / name for name in EXPORTS]
    write_graphml(g, files[0])
    write_gexf(g, files[1])
    write_json(g, files[2])
    write_csv(g, files[3], files[4])
    return files


DERIVED_GRAPH = iris.graph("derived")


def _en(text: str) -> Any:
    return Literal(text, lang="en")


def _number(value: float | int, places: int = 3) -> Any:
    return Literal(str(value), datatype=XSD.integer) if isinstance(value, int) else Literal(
        f"{value:.{places}f}", datatype=XSD.decimal)


class _Figures:
    """Adds measurement resources to a graph, all generated by one activity."""

    def __init__(self, graph: DerivedGraph, activity: Any) -> None:
        self.graph, self.activity = graph, activity
        # The terms every figure repeats, made once (14,000 figures at 1M triples).
        self._head = ((RDF.type, SCHEMA.QuantitativeValue), (RDF.type, PROV.Entity))
        self._km = ((SCHEMA.unitCode, Literal("KMT")), (SCHEMA.unitText, Literal("km")))
        self._measures: dict[str, Any] = {}

    def add(self, key: str, measure: str, subject: str | None, value: Any, unit: str | None = None,
            label: str = "", derived_from: tuple[str, ...] = (), places: int = 3) -> Any:
        node = URIRef(iris.instance("measurement", key))
        g = self.graph
        measured = self._measures.get(measure)
        if measured is None:
            measured = self._measures[measure] = Literal(measure)
        for triple in (*self._head, (SCHEMA.propertyID, measured), (PROV.wasGeneratedBy, self.activity),
                       (RDFS.label, _en(label or f"{measure} of {key}"))):
            g.add((node, *triple))
        g.add((node, SCHEMA.value, Literal(value) if isinstance(value, (bool, str)) else _number(value, places)))
        if unit == "km":
            for triple in self._km:
                g.add((node, *triple))
        if subject:
            g.add((node, DCTERMS.subject, URIRef(subject)))
        for source in derived_from:
            g.add((node, PROV.wasDerivedFrom, URIRef(source)))
        return node


def _slug(text: str) -> str:
    return iris.slugify(text)


def derived_graph(g: nx.MultiDiGraph, report: dict[str, Any], used_graphs: list[str],
                  metrics: ComponentMetrics | None = None) -> DerivedGraph:
    """The run's figures as RDF: distances, same-region flags, centralities, summaries and pair fates.

    ``metrics``: the run's betweenness (:func:`gdegraph.network.metrics.network_metrics`), so it is
    computed once; sampled values are written as ``approximate-betweenness-centrality``.
    """
    out = DerivedGraph(URIRef(DERIVED_GRAPH))
    for prefix, ns in (("schema", SCHEMA), ("prov", PROV), ("dcterms", DCTERMS)):
        out.bind(prefix, ns)
    options = g.graph.get("options", "")
    activity = URIRef(iris.instance("activity", "network-" + _slug(options)))
    out.add((activity, RDF.type, PROV.Activity))
    out.add((activity, RDFS.label, _en(f"gdegraph network {options}")))
    out.add((activity, DCTERMS.description, _en(
        f"A run of `gdegraph network {options}` (gdegraph {package_version()}): the pairing network built by SPARQL "
        "from the named graphs it used, with great-circle distances between reference coordinates, "
        "centralities and the fate of each pair from the succession records.")))
    for used in sorted(used_graphs):
        out.add((activity, PROV.used, URIRef(used)))
    out.add((URIRef(DERIVED_GRAPH), RDF.type, PROV.Entity))
    out.add((URIRef(DERIVED_GRAPH), PROV.wasGeneratedBy, activity))
    figures = _Figures(out, activity)
    for u, v, d in g.edges(data=True):
        if d["kind"] != "pairing":
            continue
        key = node_key(d["iri"])
        points = tuple(g.nodes[n]["location"] for n in (u, v) if "location" in g.nodes[n])
        if "distance_km" in d:
            figures.add(f"distance-{key}", "great-circle-distance", d["iri"], d["distance_km"], "km",
                        f"Great-circle distance {u} to {v}", points)
        if "same_region" in d:
            figures.add(f"same-region-{key}", "same-nhs-region", d["iri"], d["same_region"],
                        label=f"{u} and {v} in the same NHS region")
    known = metrics.graph if metrics is not None else None
    combined = known if known is not None else combined_graph(g)
    m = metrics if metrics is not None else component_metrics(combined)
    between = "betweenness" if m.approximate is None else "approximate-betweenness"
    centralities = {"degree": nx.degree_centrality(combined), between: m.betweenness}
    for kind, values in centralities.items():
        for n, value in sorted(values.items()):
            figures.add(f"{kind}-centrality-{_slug(n)}", f"{kind}-centrality", g.nodes[n]["iri"], value,
                        label=f"{kind} centrality of {n} in the network of pairings and successions", places=6)
    _summaries(g, report, figures)
    for fate in report["fates"]:
        pairing = next(d["iri"] for _, v, d in g.out_edges(fate["exemplar"], data=True)
                       if v == fate["follower"] and d["kind"] == "pairing")
        node = figures.add(f"fate-{node_key(pairing)}", "pair-outcome", pairing, fate["outcome"],
                           label=f"What became of {fate['exemplar']}-{fate['follower']}",
                           derived_from=tuple(e["iri"] for e in fate["events"]))
        out.add((node, DCTERMS.date, Literal(fate["date"], datatype=XSD.date)))
        out.add((node, DCTERMS.relation, URIRef(g.nodes[fate["organisation"]]["iri"])))
    return out


def node_key(iri: str) -> str:
    """The key of an instance IRI (``rq6-rvw`` for ``.../id/pairing/rq6-rvw``)."""
    return iri.rstrip("/").rsplit("/", 1)[-1].lower()


def _summaries(g: nx.MultiDiGraph, report: dict[str, Any], figures: _Figures) -> None:
    waves = {d.get("wave") for *_, d in g.edges(data=True) if d["kind"] == "pairing"}
    subject = iris.instance("wave", waves.pop()) if len(waves) == 1 and None not in waves else None
    geo = report["geography"]
    counts = {"pairings": report["counts"]["pairings"],
              "components": report["components"]["pairing"]["count"]}
    for name, value in counts.items():
        figures.add(f"network-{name}", f"number-of-{name}", subject, value, label=f"Number of {name}")
    if "all" not in geo:
        return
    for stat in ("median", "q1", "q3", "iqr"):
        figures.add(f"pairing-distance-{stat}", f"pairing-distance-{stat}", subject, geo["all"][f"{stat}_km"], "km",
                    f"{stat} of the exemplar-follower distances ({geo['all']['count']} pairings with coordinates)")
    figures.add("pairing-distance-upper-fence", "tukey-upper-fence", subject, geo["fences_km"][1], "km",
                "Tukey upper fence (Q3 + 1.5 IQR) of the distances; farther pairings are outliers")
    figures.add("pairing-same-region-share", "same-region-share", subject, geo["same_region"]["share"],
                label="Share of pairings whose trusts are in the same NHS region")


def write_derived(graph: DerivedGraph, path: Path) -> None:
    """The derived graph as TriG, inside its named graph (pyoxigraph's writer, see
    :mod:`gdegraph.network.derived_terms`)."""
    with atomic_output(path) as tmp:
        graph.write_trig(tmp)
