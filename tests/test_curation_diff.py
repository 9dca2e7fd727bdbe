"""`gdegraph diff`: what a candidate file adds to the curated graph, and what it contradicts."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from gdegraph.model import iris
from gdegraph.cli.main import main
from gdegraph.curate.diff import Change, diff_graphs
from gdegraph.curate.extract.commands import curated_graph

GDE = iris.DEF
C = iris.ID + "concept/"


@pytest.fixture(scope="module")
def curated() -> Graph:
    return curated_graph()


def _pairing(g: Graph, exemplar: str, follower: str) -> URIRef:
    node = URIRef(iris.instance("pairing", f"{exemplar.lower()}-{follower.lower()}"))
    g.add((node, RDF.type, URIRef(GDE + "Pairing")))
    g.add((node, URIRef(GDE + "exemplar"), URIRef(iris.trust(exemplar))))
    g.add((node, URIRef(GDE + "follower"), URIRef(iris.trust(follower))))
    return node


def _award(g: Graph, key: str, amount: int, qualifier: str, allocation: str, recipient: str) -> URIRef:
    node = URIRef(iris.instance("award", key))
    g.add((node, RDF.type, URIRef(GDE + "FundingAward")))
    g.add((node, URIRef("https://schema.org/amount"), Literal(str(amount), datatype=XSD.decimal)))
    g.add((node, URIRef(GDE + "amountQualifier"), URIRef(C + f"amount-qualifier-{qualifier}")))
    g.add((node, URIRef(GDE + "allocation"), URIRef(C + f"allocation-{allocation}")))
    g.add((node, URIRef(GDE + "fundingType"), URIRef(C + "funding-type-central")))
    g.add((node, URIRef(GDE + "recipient"), URIRef(recipient)))
    return node


def _status(changes: list[Change], iri: URIRef) -> Change:
    return next(c for c in changes if c.iri == str(iri))


def test_new_known_and_conflicting_statements(curated: Graph) -> None:
    g = Graph()
    known = _pairing(g, "RQ6", "RVW")                      # curated, same IRI
    new = _pairing(g, "RKB", "RWE")                        # a pairing nobody curated
    clash = _pairing(g, "RTH", "RN5")                      # RN5 follows RHM in the graph
    reverse = _pairing(g, "RC1", "RC9")                    # the graph has RC9 -> RC1
    tier = iris.instance("tier", "digital-aspirants-wave-2-up-to-6m")
    same_sum = _award(g, "x-6m", 6_000_000, "maximum", "per-recipient", tier)
    other_sum = _award(g, "x-7m", 7_000_000, "maximum", "per-recipient", tier)
    g.add((URIRef(iris.trust("RKB")), SKOS.altLabel, Literal("UHCW", lang="en")))
    changes = diff_graphs(g, curated)
    assert _status(changes, known).status == "known"
    assert _status(changes, new).status == "new"
    assert _status(changes, clash).status == "conflict" and "trust:RHM" in _status(changes, clash).detail
    assert _status(changes, reverse).status == "conflict" and "other way round" in _status(changes, reverse).detail
    assert _status(changes, same_sum).status == "known"
    assert _status(changes, other_sum).status == "conflict" and "£6,000,000" in _status(changes, other_sum).detail
    trusts = {c.iri.rsplit("/", 1)[1]: c for c in changes if c.kind == "trust"}
    assert trusts["RWE"].status == "new" and trusts["RQ6"].status == "known"
    assert trusts["RKB"].status == "known" and "new wording: UHCW" in trusts["RKB"].detail


def test_diff_command_on_an_extracted_fixture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = Path(__file__).parent / "fixtures" / "articles" / "mh_followers_2018.txt"
    out = tmp_path / "cand.ttl"
    assert main(["extract", str(article), "--source-id", "fx-mh", "--out", str(out), "--reference-only"]) == 0
    capsys.readouterr()
    assert main(["diff", str(out)]) == 0
    report = capsys.readouterr().out
    # The made-up article pairs two curated followers with other exemplars: conflicts, not news.
    assert "pairings: 4 new, 2 conflicting, 0 known" in report
    assert "conflict pairing:rx4-rr7: the graph pairs follower trust:RR7 with trust:RTD" in report
    assert "trust:RT5: not in the graph" in report  # Leicestershire Partnership is in no seed
    assert "new      pairing:rv5-rt5" in report
    assert "conflict award:gde-mental-health-fast-followers-up-to-2-5m-each" in report


def test_diff_command_rejects_a_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle .\n", encoding="utf-8")
    assert main(["diff", str(bad)]) == 2
    assert "gdegraph: error:" in capsys.readouterr().err
