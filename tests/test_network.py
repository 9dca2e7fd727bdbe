"""The pairing network built by SPARQL, and the seed facts its analysis must reproduce.

Expected values live in tests/expected/network/headline.json; each was read off the seed
articles and the reference files (ods-successors-2022.csv and the refdata README), not off
the network's output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Dataset

from gdegraph.network.analysis import NetworkOptions, build_network, open_store, query_rows, short_name
from gdegraph.network.metrics import analyse, format_report

EXPECTED = json.loads((Path(__file__).parent / "expected" / "network" / "headline.json").read_text())
SHEFFIELD = "sheffield-health-and-social-care"


@pytest.fixture(scope="module")
def rows(dataset: Dataset) -> dict[str, list[dict[str, str]]]:
    return query_rows(open_store(dataset))


@pytest.fixture(scope="module")
def g(rows: dict[str, list[dict[str, str]]]) -> nx.MultiDiGraph:
    return build_network(rows)


@pytest.fixture(scope="module")
def report(g: nx.MultiDiGraph) -> dict[str, Any]:
    return analyse(g)


def pairings(g: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    return {f"{u}-{v}": d for u, v, d in g.edges(data=True) if d["kind"] == "pairing"}


def test_twenty_three_current_pairings_17_acute_6_mental_health_proposed(g, report) -> None:
    assert len(pairings(g)) == 23  # the Taunton-Blackpool pairing was withdrawn in January 2018
    assert report["counts"]["pairings_by_status"] == EXPECTED["pairings"]
    assert report["counts"]["pairings_by_sector"] == {"acute": 17, "mental-health": 6}
    assert "RV5-RWK" not in pairings(g)


def test_disputed_pairing_only_on_request(rows) -> None:
    h = build_network(rows, NetworkOptions(include_disputed=True))
    assert pairings(h)["RV5-RWK"]["status"] == "disputed"
    assert len(pairings(h)) == 24
    assert [e["node"] for e in analyse(h)["exemplars_without_follower"]] == ["RX6", "RYA", "RYE"]  # ambulance


def test_two_acute_exemplars_have_two_followers(report) -> None:
    multi = {e["node"]: e["followers"] for e in report["multi_follower_exemplars"]}
    assert multi == EXPECTED["multi_follower_exemplars"]
    assert {e["sector"] for e in report["multi_follower_exemplars"]} == {"acute"}


def test_exemplar_without_follower_is_a_node(g, report) -> None:
    assert [e["node"] for e in report["exemplars_without_follower"]] == EXPECTED["exemplars_without_follower"]
    assert g.degree("RV5") == 0


def test_a_trust_without_a_drawn_pairing_says_why(g) -> None:
    """Regression: the picture said "no follower (disputed pairings left out)" under the ambulance
    exemplars, which never had a follower, and nothing under Blackpool, whose pairing was withdrawn."""
    from gdegraph.network.plot import _unpaired_note

    assert g.nodes["RXL"]["pairings_left_out"] == "withdrawn"
    assert _unpaired_note(g, "RXL") == "no exemplar (withdrawn pairing left out)"
    assert _unpaired_note(g, "RV5") == "no follower (disputed pairing left out)"
    assert _unpaired_note(g, "RX6") == "no follower"
    assert "pairings_left_out" not in g.nodes["RX6"]
    assert _unpaired_note(g, "RBA") == ""  # Taunton keeps Wye Valley; its withdrawn pairing needs no note


def test_components_and_degrees(report) -> None:
    comps = report["components"]["pairing"]
    assert comps["count"] == EXPECTED["components"]["count"]
    assert {str(k): v for k, v in comps["sizes"].items()} == EXPECTED["components"]["sizes"]
    assert report["degree_distribution"]["pairing"] == {0: 5, 1: 44, 2: 1}
    # Successions join trusts already in one group: the combined network has as many components.
    assert report["components"]["combined"]["count"] == comps["count"]


def test_node_attributes_come_from_the_graph(g) -> None:
    rq6 = g.nodes["RQ6"]
    assert rq6["ods_code"] == "RQ6" and rq6["region"] == "Y62" and rq6["sector"] == "acute"
    assert rq6["roles"] == "global-digital-exemplar" and rq6["group"] == "global-digital-exemplar"
    assert rq6["iri"] == "https://w3id.org/gdegraph/id/trust/RQ6"
    assert "nspl-postcodes-2020-subset" in rq6["coordinate_sources"].split()
    assert 53 < rq6["lat"] < 54 and -3.1 < rq6["lon"] < -2.8
    assert g.nodes["RM3"]["short_label"] == "Salford Royal"  # the 2016 name, not Northern Care Alliance
    assert g.nodes["R0B"]["group"] == "successor"


def test_trust_without_coordinates_is_explicit(g, report) -> None:
    sheffield = g.nodes[SHEFFIELD]
    assert "lat" not in sheffield and "ods_code" not in sheffield
    edge = pairings(g)[f"R1A-{SHEFFIELD}"]
    assert "distance_km" not in edge and SHEFFIELD in edge["distance_note"]
    excluded = [f"{x['exemplar']}-{x['follower']}" for x in report["geography"]["excluded"]]
    assert excluded == EXPECTED["excluded_from_distances"]
    assert report["coordinates"]["missing"] == [SHEFFIELD]


def test_distances_and_their_summary(report) -> None:
    geo = report["geography"]
    got = {f"{p['exemplar']}-{p['follower']}": p["distance_km"] for p in geo["pairs"]}
    assert got == pytest.approx(EXPECTED["distance_km"], abs=0.05)
    summary = EXPECTED["distance_summary"]
    assert geo["all"]["count"] == summary["count"]
    for key in ("median_km", "q1_km", "q3_km"):
        assert geo["all"][key] == pytest.approx(summary[key], abs=0.05)
    assert geo["fences_km"][1] == pytest.approx(summary["upper_fence_km"], abs=0.05)
    assert [f"{p['exemplar']}-{p['follower']}" for p in geo["outliers"]] == EXPECTED["outliers"]
    assert {k: geo["same_region"][k] for k in ("count", "of")} == EXPECTED["same_region"]


def test_the_articles_named_exceptions_are_among_the_farthest(report) -> None:
    geo = report["geography"]
    ranks = {f"{p['exemplar']}-{p['follower']}": p["rank"] for p in geo["named_exceptions"]}
    assert ranks == {"RQ6-RVW": 2, "RBA-RLQ": 4}
    # Two pairs at least as far apart as the nearest named exception are not named.
    assert {f"{p['exemplar']}-{p['follower']}" for p in geo["unmentioned_far_pairs"]} == {"RWX-RW5", "RA7-RKE"}
    assert geo["within_close"]["count"] == 14


def test_what_became_of_the_pairs(report) -> None:
    fates = {f"{f['exemplar']}-{f['follower']}": {k: f[k] for k in ("organisation", "date", "outcome")}
             for f in report["fates"]}
    assert fates == EXPECTED["fates"]
    pennine = next(f for f in report["fates"] if f["follower"] == "RW6")
    assert pennine["follower_also_to"] == ["R0A"]
    others = {(x["from"], x["to"], x["date"]) for x in report["other_changes"]}
    assert ("RQ6", "REM", "2019-10-01") in others and ("RBA", "RH5", "2020-04-01") in others


def test_successions_can_be_left_out(rows) -> None:
    h = build_network(rows, NetworkOptions(successions=False))
    assert all(d["kind"] == "pairing" for *_, d in h.edges(data=True))
    assert "R0B" not in h
    assert analyse(h)["fates"] == []


def test_aspirants_as_nodes(rows) -> None:
    h = build_network(rows, NetworkOptions(aspirants=True))
    aspirants = {n for n, d in h.nodes(data=True) if d["group"] == "digital-aspirant"}
    assert aspirants == {"RFR", "RKB", "RDR", "RXC", "RWG", "RTE", "RBQ", "RET"}
    assert all(h.degree(n) == 0 for n in aspirants)


def test_rdflib_engine_gives_the_same_network(dataset: Dataset, g) -> None:
    from gdegraph.store.factory import RdflibStore

    other = build_network(query_rows(RdflibStore(dataset)))
    assert sorted(other.nodes(data=True)) == sorted(g.nodes(data=True))
    assert sorted(other.edges(keys=True, data=True)) == sorted(g.edges(keys=True, data=True))


@pytest.mark.parametrize("options", [NetworkOptions(), NetworkOptions(include_disputed=True, aspirants=True),
                                     NetworkOptions(successions=False)], ids=["default", "wide", "no-successions"])
def test_trusts_asked_only_about_the_nodes_give_the_same_network(dataset: Dataset, rows, options) -> None:
    """`gdegraph network` binds its nodes into the trusts query: the same network, from fewer rows."""
    only = query_rows(open_store(dataset), only_for=options)
    full, h = build_network(rows, options), build_network(only, options)
    assert len(only["trusts"]) == h.number_of_nodes() < len(rows["trusts"])
    assert list(h.nodes(data=True)) == list(full.nodes(data=True))
    assert list(h.edges(keys=True, data=True)) == list(full.edges(keys=True, data=True))


def test_text_report_states_the_findings(report) -> None:
    text = format_report(report)
    assert "More than one follower: RQ6" in text
    assert "Median 27.7 km" in text and "same NHS region: 17 of 22" in text
    assert "RLN-RE9: merged into a new organisation R0B" in text and "2019-04-01" in text
    assert "No coordinates (left out of the distances): sheffield-health-and-social-care" in text


@pytest.mark.parametrize("name, short", [
    ("ROYAL LIVERPOOL AND BROADGREEN UNIVERSITY HOSPITALS NHS TRUST", "Royal Liverpool & Broadgreen Univ. Hospitals"),
    ("THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST", "Newcastle upon Tyne Hospitals"),
    ("Sheffield Health and Social Care NHS Foundation Trust", "Sheffield Health & Social Care"),
])
def test_short_names(name: str, short: str) -> None:
    assert short_name(name) == short


def test_network_queries_have_headers_and_their_columns(rows) -> None:
    from gdegraph.core import paths
    from gdegraph.query.library import parse_query_file

    for path in sorted((paths.queries_dir() / "network").glob("*.rq")):
        query = parse_query_file(path)
        assert query.name.startswith("network-") and query.title and query.description, path
        assert query.form == "SELECT"
        short = path.stem
        seen = {k for row in rows[short] for k in row}
        assert seen <= set(query.columns), (path, seen - set(query.columns))


def test_cli_variant_goes_to_its_own_folder(tmp_path) -> None:
    """`network --include-disputed` used to overwrite the pictures the home page shows."""
    from click.testing import CliRunner

    from gdegraph.cli.main import cli

    (tmp_path / "pairing-network.png").write_bytes(b"the default picture")
    result = CliRunner().invoke(cli, ["network", "--include-disputed", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pairing-network.png").read_bytes() == b"the default picture"
    assert (tmp_path / "include-disputed" / "pairing-network.png").stat().st_size > 1000
    assert NetworkOptions(include_disputed=True, successions=False).variant() == "include-disputed+no-successions"
    assert NetworkOptions().variant() == ""
