"""The headline facts of the five seed articles, asserted against the built graph.

Each expectation was read off the seed articles in ../shared/seeds and the ODS
reference files, not off the graph; a failure here means the data lost a fact.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph

P = """
PREFIX gde: <https://w3id.org/gdegraph/def#>
PREFIX c: <https://w3id.org/gdegraph/id/concept/>
PREFIX tier: <https://w3id.org/gdegraph/id/tier/>
PREFIX wave: <https://w3id.org/gdegraph/id/wave/>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def codes(graph: Graph, query: str) -> set[str]:
    return {str(row[0]) for row in graph.query(P + query)}


def members(graph: Graph, tier: str, role: str | None = None, status: str | None = None) -> set[str]:
    q = f"""SELECT ?code WHERE {{ ?m gde:inTier tier:{tier} ; gde:member ?t .
        {'?m gde:role c:role-' + role + ' .' if role else ''}
        {'?m gde:status c:status-' + status + ' .' if status else ''}
        OPTIONAL {{ ?t gde:odsCode ?c }} BIND(COALESCE(?c, STR(?t)) AS ?code) }}"""
    return codes(graph, q)


FIRST_12 = {"RLN", "RQ6", "RM3", "RBL", "RRK", "RC9", "RGR", "RAL", "RTH", "RBA", "RA7", "RHM"}
ADDED_4 = {"RBS", "RGT", "RYJ", "RTD"}
MH_EXEMPLARS = {"RW4", "RX4", "RXT", "R1A", "RNU", "RWX", "RV5"}
ACUTE_PAIRS = {
    ("RBS", "REN"), ("RGT", "RRV"), ("RLN", "RE9"), ("RYJ", "RQM"), ("RC9", "RC1"), ("RTD", "RR7"),
    ("RTH", "RHW"), ("RAL", "RAP"), ("RQ6", "REP"), ("RQ6", "RVW"), ("RM3", "RW6"), ("RBA", "RLQ"),
    ("RBA", "RXL"), ("RRK", "RR1"), ("RA7", "RKE"), ("RHM", "RN5"), ("RGR", "RD8"), ("RBL", "RJR"),
}
SHEFFIELD = "https://w3id.org/gdegraph/id/trust/sheffield-health-and-social-care"
MH_PAIRS = {("RW4", "RTV"), ("RX4", "RNN"), ("RXT", "RYG"), ("R1A", SHEFFIELD), ("RNU", "RX2"), ("RWX", "RW5")}
WAVE2_UP_TO_6M = {"RKB", "RDR", "RXC", "RWG", "RTE", "RBQ", "RET"}
WAVE2_SEED = {
    "R1L", "RWR", "RWD", "RL1", "RNS", "RJC", "RLT", "RWP", "RK5", "RAJ", "RQW", "RWH", "RGN",
    "RDE", "RF4", "RCB", "RCD", "RCF", "RNN", "REF", "RD1", "R0D", "RBT", "RJN", "RJE",
}


def pairs(graph: Graph, status: str) -> set[tuple[str, str]]:
    q = f"""SELECT ?e ?f WHERE {{ ?p a gde:Pairing ; gde:status c:status-{status} ; gde:exemplar ?et ; gde:follower ?ft .
        OPTIONAL {{ ?et gde:odsCode ?ec }} OPTIONAL {{ ?ft gde:odsCode ?fc }}
        BIND(COALESCE(?ec, STR(?et)) AS ?e) BIND(COALESCE(?fc, STR(?ft)) AS ?f) }}"""
    return {(str(e), str(f)) for e, f in graph.query(P + q)}


def test_sixteen_acute_exemplars_twelve_plus_four(graph: Graph) -> None:
    assert members(graph, "gde-acute-exemplars-first-12", "global-digital-exemplar") == FIRST_12
    assert members(graph, "gde-acute-exemplars-added-2016", "global-digital-exemplar") == ADDED_4


def test_seven_mental_health_exemplars_implied_by_seed_003_announced_by_the_march_2017_article(graph: Graph) -> None:
    """Seed 003 names them only as buddies (implied); the March 2017 article lists them as announced."""
    assert members(graph, "gde-mental-health-exemplars", "global-digital-exemplar", "announced") == MH_EXEMPLARS
    q = """SELECT ?c WHERE { ?m gde:inTier tier:gde-mental-health-exemplars ; gde:member/gde:odsCode ?c ;
           prov:wasDerivedFrom <https://w3id.org/gdegraph/id/source/seed-003> }"""
    assert codes(graph, q) == MH_EXEMPLARS


def test_eighteen_acute_pairings(graph: Graph) -> None:
    """All 18 announced by seeds 000/001; since January 2018 one withdrawn, two confirmed (their first step kept)."""
    withdrawn, confirmed = {("RBA", "RXL")}, {("RQ6", "REP"), ("RQ6", "RVW")}
    assert pairs(graph, "announced") == ACUTE_PAIRS - withdrawn - confirmed
    assert pairs(graph, "withdrawn") == withdrawn and pairs(graph, "confirmed") == confirmed
    q = """SELECT ?e ?f WHERE { ?s a gde:StatusChange ; gde:statusOf ?p ; gde:status c:status-announced ;
           prov:wasDerivedFrom <https://w3id.org/gdegraph/id/source/seed-000> .
           FILTER NOT EXISTS { ?s prov:wasGeneratedBy ?rule }  # the build's implicit first steps are not curated
           ?p gde:exemplar/gde:odsCode ?e ; gde:follower/gde:odsCode ?f }"""
    assert {(str(e), str(f)) for e, f in graph.query(P + q)} == withdrawn | confirmed


def test_six_proposed_and_one_disputed_mental_health_pairing(graph: Graph) -> None:
    assert pairs(graph, "proposed") == MH_PAIRS
    assert pairs(graph, "disputed") == {("RV5", "RWK")}


def test_two_exemplars_have_two_acute_followers(graph: Graph) -> None:
    q = """SELECT ?e WHERE { ?p a gde:Pairing ; gde:sector c:sector-acute ; gde:exemplar ?t ; gde:follower ?f .
           ?t gde:odsCode ?e } GROUP BY ?e HAVING (COUNT(DISTINCT ?f) > 1)"""
    assert codes(graph, q) == {"RQ6", "RBA"}


def test_thirty_two_wave_two_aspirants_in_two_tiers(graph: Graph) -> None:
    assert members(graph, "digital-aspirants-wave-2-up-to-6m", "digital-aspirant") == WAVE2_UP_TO_6M
    assert members(graph, "digital-aspirants-wave-2-seed-funding", "seed-funded") == WAVE2_SEED
    assert len(WAVE2_UP_TO_6M | WAVE2_SEED) == 32
    # the two trusts Bath works "in collaboration with" are partners of its membership, not members (issue 16)
    assert members(graph, "digital-aspirants-wave-2-seed-funding", "collaboration-partner") == set()
    q = """SELECT ?c WHERE { ?m gde:member <https://w3id.org/gdegraph/id/trust/RD1> ; gde:collaboratesWith ?p .
           ?p gde:odsCode ?c }"""
    assert codes(graph, q) == {"RN3", "RNZ"}


def test_cumbria_code_rnn_is_in_both_programmes_under_two_names(graph: Graph) -> None:
    q = """SELECT ?name WHERE { <https://w3id.org/gdegraph/id/trust/RNN> gde:officialName/gde:nameText ?name }"""
    names = codes(graph, q)
    assert "CUMBRIA PARTNERSHIP NHS FOUNDATION TRUST" in names
    assert "NORTH CUMBRIA INTEGRATED CARE NHS FOUNDATION TRUST" in names
    q = """SELECT ?prog WHERE { ?m gde:member <https://w3id.org/gdegraph/id/trust/RNN> ; gde:inProgramme ?prog }"""
    assert len(codes(graph, q)) == 2


@pytest.mark.parametrize(
    "award, amount, qualifier, funding_type, allocation, status",
    [
        ("gde-first-12-up-to-10m-each", "10000000", "maximum", "central", "per-recipient", "announced"),
        ("national-exemplars-up-to-5m-each", "5000000", "maximum", "central", "per-recipient", "announced"),
        ("acute-fast-followers-160m-central", "160000000", "exact", "central", "total", "corrected"),
        ("acute-fast-followers-80m-central", "80000000", "exact", "central", "total", "announced"),
        ("acute-fast-followers-80m-local-match", "80000000", "exact", "local-match", "total", "announced"),
        ("mental-health-fast-followers-21m-central", "21000000", "exact", "central", "total", "announced"),
        ("mental-health-fast-followers-up-to-3m-each", "3000000", "maximum", "central", "per-recipient", "announced"),
        ("mental-health-fast-followers-up-to-42m-with-match", "42000000", "maximum", "central-and-match", "total", "announced"),
        ("gde-programme-385m-from-treasury", "385000000", "exact", "treasury-settlement", "total", "announced"),
        ("digital-aspirants-wave-2-up-to-6m-each", "6000000", "maximum", "central", "per-recipient", "announced"),
        ("digital-aspirants-wave-2-seed-250k-each", "250000", "exact", "seed", "per-recipient", "announced"),
        ("digital-aspirants-wave-1-28m-first-year", "28000000", "exact", "unspecified", "total", "announced"),
        ("rotherham-area-12m", "12000000", "exact", "unspecified", "total", "announced"),
    ],
)
def test_funding_figures(graph: Graph, award: str, amount: str, qualifier: str, funding_type: str, allocation: str, status: str) -> None:
    q = f"""SELECT ?amount ?q ?t ?a ?s ?cur WHERE {{
        <https://w3id.org/gdegraph/id/award/{award}> schema:amount ?amount ; schema:currency ?cur ;
            gde:amountQualifier ?q ; gde:fundingType ?t ; gde:allocation ?a ; gde:status ?s ; prov:wasDerivedFrom ?src }}"""
    rows = list(graph.query(P + q))
    assert rows, f"award {award} missing or incomplete"
    value, q_, t, a, s, cur = rows[0]
    assert value.toPython() == Decimal(amount) and value.datatype.endswith("#decimal")
    assert str(cur) == "GBP"
    assert (str(q_), str(t), str(a), str(s)) == tuple(
        f"https://w3id.org/gdegraph/id/concept/{x}"
        for x in (f"amount-qualifier-{qualifier}", f"funding-type-{funding_type}", f"allocation-{allocation}", f"status-{status}")
    )


def test_160m_central_claim_is_corrected_to_80m_plus_match(graph: Graph) -> None:
    q = """SELECT ?old ?new WHERE { ?old gde:correctedBy ?new ; gde:status c:status-corrected .
           ?new gde:corrects ?old ; a gde:Claim }"""
    rows = {(str(o).rsplit("/", 1)[-1], str(n).rsplit("/", 1)[-1]) for o, n in graph.query(P + q)}
    assert ("acute-funding-160m-central-corrected", "acute-funding-80m-central-plus-match") in rows


def test_conflicting_counts_are_both_kept(graph: Graph) -> None:
    q = """SELECT ?n WHERE { ?c a gde:Claim ; gde:about tier:gde-acute-fast-followers ; gde:statedCount ?n }"""
    assert {int(r[0]) for r in graph.query(P + q)} >= {18, 20}
    q = """SELECT ?n WHERE { ?c a gde:Claim ; gde:about tier:gde-mental-health-fast-followers ; gde:statedCount ?n }"""
    assert {int(r[0]) for r in graph.query(P + q)} >= {6, 7}


def test_every_statement_has_a_described_source(graph: Graph) -> None:
    q = """SELECT ?s WHERE { ?s a gde:SourcedStatement .
           FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?src . ?src a gde:Source } }"""
    assert codes(graph, q) == set()


def test_sheffield_has_no_guessed_code(graph: Graph) -> None:
    q = f"""SELECT ?p WHERE {{ <{SHEFFIELD}> ?p ?o }}"""
    preds = codes(graph, q)
    assert "https://w3id.org/gdegraph/def#identityNote" in preds
    assert "https://w3id.org/gdegraph/def#odsCode" not in preds


def test_seed_sources_carry_checksums_of_the_files(graph: Graph) -> None:
    """The five seeds and the seven articles of sources/ each carry the SHA-256 of the file the build read."""
    import hashlib

    from gdegraph.core.paths import shared_dir

    q = """SELECT ?file ?sha WHERE { ?s gde:localFile ?file ; gde:sha256 ?sha .
           FILTER (STRSTARTS(STR(?file), "seeds/") || STRSTARTS(STR(?file), "sources/")) }"""
    rows = {str(i): str(h) for i, h in graph.query(P + q)}
    assert len([f for f in rows if f.startswith("seeds/")]) == 5
    assert len([f for f in rows if f.startswith("sources/")]) == 7
    assert all(hashlib.sha256((shared_dir() / f).read_bytes()).hexdigest() == h for f, h in rows.items())
