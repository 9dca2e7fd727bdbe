"""Exports of the network read back with the same nodes, edges and attributes; the derived RDF."""

from __future__ import annotations

import io
import re
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, URIRef

from gdegraph.core.version import package_version
from gdegraph.model import iris
from gdegraph.network.analysis import NetworkOptions, build_network, open_store, query_rows
from gdegraph.network.export import (DERIVED_GRAPH, derived_graph, read_csv, read_gexf, read_graphml, read_json,
                                     write_csv, write_derived, write_gexf, write_graphml, write_json)
from gdegraph.network.metrics import analyse


@pytest.fixture(scope="module", params=[NetworkOptions(), NetworkOptions(include_disputed=True, aspirants=True)],
                ids=["default", "disputed-and-aspirants"])
def g(request: pytest.FixtureRequest, dataset: Dataset) -> nx.MultiDiGraph:
    return build_network(query_rows(open_store(dataset)), request.param)


def assert_same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert sorted(a.nodes) == sorted(b.nodes)
    for n in a.nodes:
        assert dict(b.nodes[n]) == dict(a.nodes[n]), n
    edges_a = sorted((u, v, k, sorted(d.items())) for u, v, k, d in a.edges(keys=True, data=True))
    edges_b = sorted((u, v, k, sorted(d.items())) for u, v, k, d in b.edges(keys=True, data=True))
    assert edges_b == edges_a


def test_graphml_round_trip(g: nx.MultiDiGraph, tmp_path: Path) -> None:
    write_graphml(g, tmp_path / "n.graphml")
    back = read_graphml(tmp_path / "n.graphml")
    assert_same(g, back)
    assert back.graph["options"] == g.graph["options"]


def test_gexf_round_trip(g: nx.MultiDiGraph, tmp_path: Path) -> None:
    write_gexf(g, tmp_path / "n.gexf")
    assert "lastmodifieddate" not in (tmp_path / "n.gexf").read_text()
    assert_same(g, read_gexf(tmp_path / "n.gexf"))


def _networkx_graphml(g: nx.MultiDiGraph) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(g, out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


def _networkx_gexf(g: nx.MultiDiGraph) -> bytes:
    h = g.copy()
    for _, _, key, data in h.edges(keys=True, data=True):
        data["id"] = key
    text = "\n".join(nx.generate_gexf(h, encoding="utf-8", version="1.2draft")) + "\n"
    text = re.sub(r' lastmodifieddate="[^"]*"', "", text)
    return text.replace(f"<creator>NetworkX {nx.__version__}</creator>", f"<creator>gdegraph {package_version()}</creator>").encode()


def _awkward() -> nx.MultiDiGraph:
    """Values that exercise the escaping and the types: markup, quotes, line breaks, non-ASCII, an empty
    string, infinities, a name with two types, parallel edges, a node and an edge without attributes."""
    h = nx.MultiDiGraph(name='a <"net"> & co', note="tab\there")
    h.add_node("a&b", label="Ünïcode → “quotes”", lat=51.5, count=3, flag=True, empty="")
    h.add_node("c", label="line\nbreak\r", lat=float("inf"), count="three", flag=False, far=float("-inf"))
    h.add_node("d")
    h.add_node("e", odd=float("nan"))
    h.add_edge("a&b", "c", key="k<1>", weight_kg=1.5, same=True, text="x > y & 'z'")
    h.add_edge("a&b", "c", key="k2", text="\u00e9t\u00e9")
    h.add_edge("c", "d", key="bare")
    return h


@pytest.mark.parametrize("which", ["curated", "awkward"])
def test_graphml_and_gexf_are_networkx_bytes(which: str, g: nx.MultiDiGraph, tmp_path: Path) -> None:
    """The line writers give networkx's own bytes (GEXF: but for the creator and the dropped date), so every
    reader of networkx's files reads ours; and they read back as the graph they came from."""
    h = g if which == "curated" else _awkward()
    write_graphml(h, tmp_path / "n.graphml")
    write_gexf(h, tmp_path / "n.gexf")
    assert (tmp_path / "n.graphml").read_bytes() == _networkx_graphml(h)
    assert (tmp_path / "n.gexf").read_bytes() == _networkx_gexf(h)
    if which == "curated":
        return
    back = read_graphml(tmp_path / "n.graphml")
    # XML reads a raw CR in text as LF (networkx's files alike); in GEXF's attribute values it is a reference
    assert back.nodes["a&b"] == h.nodes["a&b"] and back.nodes["c"]["label"] == "line\nbreak\n"
    assert back.graph == h.graph and set(back.edges(keys=True)) == set(h.edges(keys=True))
    del h.nodes["c"]["count"]  # GEXF declares one type per name: a second would not read back (nor networkx's)
    write_gexf(h, tmp_path / "n.gexf")
    gexf = read_gexf(tmp_path / "n.gexf")
    assert gexf.nodes["a&b"]["label"] == "Ünïcode → “quotes”" and gexf.nodes["c"]["label"] == "line\nbreak\r"


def test_reserved_gexf_fields_and_other_types_are_refused(tmp_path: Path) -> None:
    h = nx.MultiDiGraph()
    h.add_node("a", viz={"size": 1})
    with pytest.raises(ValueError, match="viz"):
        write_gexf(h, tmp_path / "n.gexf")
    h = nx.MultiDiGraph()
    h.add_node("a", values=[1, 2])
    with pytest.raises(TypeError, match="str, int, float or bool"):
        write_graphml(h, tmp_path / "n.graphml")
    assert not (tmp_path / "n.graphml").exists() and not (tmp_path / "n.gexf").exists()


def test_node_link_json_round_trip(g: nx.MultiDiGraph, tmp_path: Path) -> None:
    write_json(g, tmp_path / "n.json")
    back = read_json(tmp_path / "n.json")
    assert_same(g, back)
    assert back.graph == g.graph


def test_csv_round_trip(g: nx.MultiDiGraph, tmp_path: Path) -> None:
    write_csv(g, tmp_path / "nodes.csv", tmp_path / "edges.csv")
    assert_same(g, read_csv(tmp_path / "nodes.csv", tmp_path / "edges.csv"))
    header = (tmp_path / "edges.csv").read_text().splitlines()[0].split(",")
    assert header[:3] == ["source", "target", "key"] and "distance_km" in header


def test_exports_are_byte_identical_on_rerun(g: nx.MultiDiGraph, tmp_path: Path) -> None:
    for sub in ("a", "b"):
        write_graphml(g, tmp_path / sub / "n.graphml")
        write_gexf(g, tmp_path / sub / "n.gexf")
        write_json(g, tmp_path / sub / "n.json")
    for name in ("n.graphml", "n.gexf", "n.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


P = """PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="module")
def derived(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    g = build_network(query_rows(open_store(dataset)))
    used = [str(x.identifier) for x in dataset.graphs() if str(x.identifier).startswith(iris.GRAPH)]
    path = tmp_path_factory.mktemp("derived") / "derived.trig"
    write_derived(derived_graph(g, analyse(g), used), path)
    ds = Dataset()
    ds.parse(path, format="trig")
    return ds


def test_derived_figures_are_in_their_own_named_graph(derived: Dataset) -> None:
    names = {str(x.identifier) for x in derived.graphs() if len(x)}
    assert names == {DERIVED_GRAPH}


def test_distance_is_queryable_by_sparql(derived: Dataset) -> None:
    rows = list(derived.query(P + """SELECT ?km WHERE { GRAPH ?g {
        ?m schema:propertyID "great-circle-distance" ; schema:value ?km ; schema:unitCode "KMT" ;
           dcterms:subject <https://w3id.org/gdegraph/id/pairing/rq6-rvw> ;
           prov:wasDerivedFrom <https://w3id.org/gdegraph/id/location/rq6> } }"""))
    assert len(rows) == 1 and float(rows[0][0]) == pytest.approx(183.1, abs=0.05)


def test_provenance_names_the_command_and_the_graphs_used(derived: Dataset) -> None:
    rows = list(derived.query(P + """SELECT ?activity ?used WHERE { GRAPH ?g {
        <https://w3id.org/gdegraph/graph/derived> prov:wasGeneratedBy ?activity .
        ?activity a prov:Activity ; prov:used ?used } }"""))
    activities = {str(r[0]) for r in rows}
    assert activities == {iris.instance("activity", "network-exclude-disputed-successions-no-aspirants")}
    used = {str(r[1]) for r in rows}
    assert {iris.graph("refdata"), iris.graph("seed-000")} <= used
    unattributed = list(derived.query(P + """SELECT ?m WHERE { GRAPH ?g {
        ?m a schema:QuantitativeValue FILTER NOT EXISTS { ?m prov:wasGeneratedBy ?a } } }"""))
    assert unattributed == []


def test_pair_fates_are_in_the_derived_graph(derived: Dataset) -> None:
    rows = list(derived.query(P + """SELECT ?pairing ?date ?org WHERE { GRAPH ?g {
        ?m schema:propertyID "pair-outcome" ; dcterms:subject ?pairing ; dcterms:date ?date ;
           dcterms:relation ?org } }"""))
    got = {(str(p).rsplit("/", 1)[-1], str(d), str(o).rsplit("/", 1)[-1]) for p, d, o in rows}
    assert ("rln-re9", "2019-04-01", "R0B") in got and ("rrk-rr1", "2018-04-01", "RRK") in got
    assert len(got) == 5


def test_derived_iris_are_minted_by_iris(derived: Dataset) -> None:
    for s in {s for s, *_ in derived.quads((None, None, None, URIRef(DERIVED_GRAPH)))}:
        assert str(s).startswith((iris.ID + "measurement/", iris.ID + "activity/")) or str(s) == DERIVED_GRAPH
