"""Extraction on made-up articles with the hard cases, and on short generic sentences.

The fixture articles under tests/fixtures/articles/ were written for these tests
(they are not the seeds): misspellings, look-alike trusts, renamed and closed
trusts, a care trust without a code, a run-together table with its columns in
the other order, prose pairings, disputes and a correction note. Names are
resolved with the reference data only, never with the curated labels.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

from gdegraph.model import iris
from gdegraph.core import paths
from gdegraph.curate.extract import (CANDIDATE, Extraction, candidate_graph, candidate_turtle, extract_article,
                              extract_file, known_structure, parse_article)
from gdegraph.curate.extract.commands import curated_graph
from gdegraph.sources.gazetteer import Gazetteer
from gdegraph.sources.refdata_files import load_reference

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
GDE = iris.DEF


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_reference(load_reference(paths.refdata_dir()))


@pytest.fixture(scope="module")
def known() -> frozenset[str]:
    return known_structure(curated_graph())


def run(name: str, gazetteer: Gazetteer, known: frozenset[str], date: str | None = None) -> Extraction:
    return extract_file(FIXTURES / name, gazetteer, iris.slugify(f"fixture-{Path(name).stem}"), date, known)


def pairs(ex: Extraction) -> set[tuple[str, str]]:
    return {(p.exemplar.key, p.follower.key) for p in ex.pairings}


def amounts(ex: Extraction) -> set[tuple[Decimal, str, str]]:
    return {a.key for a in ex.amounts}


def reasons(ex: Extraction) -> str:
    return "\n".join(f"{i.text}: {i.reason}" for i in ex.issues)


def test_mental_health_list_with_look_alikes_and_a_misspelling(gazetteer: Gazetteer, known: frozenset[str]) -> None:
    ex = run("mh_followers_2018.txt", gazetteer, known)
    assert ex.date == "2018-05-14" and ex.date_basis.startswith("printed")
    assert pairs(ex) == {("RX2", "RDR"), ("RXT", "R1A"), ("RW4", "RYG"), ("RX4", "RR7"), ("RV5", "RT5"),
                         ("RNU", "RWX")}
    assert {"RKB", "RWP"} <= set(k.rsplit("/", 1)[1] for k in ex.trusts)  # the look-alikes, kept apart
    assert "Gatehsead Health FT: probable" in reasons(ex)
    assert "Coventry and Warwickshire Trust: ambiguous, not used" in reasons(ex)
    listed = [p for p in ex.pairings if p.how == "list item"]
    assert {p.status for p in listed} == {"proposed"}
    assert {p.context.tier for p in ex.pairings} == {"gde-mental-health-fast-followers"}
    assert amounts(ex) == {(Decimal("2.5E+6"), "maximum", "per-recipient"),
                           (Decimal("12.5E+6"), "exact", "total")}


def test_renamed_closed_and_codeless_trusts(gazetteer: Gazetteer, known: frozenset[str]) -> None:
    ex = run("renamed_2021.txt", gazetteer, known)
    keys = {refs[0].key for refs in ex.trusts.values()}
    assert {"RNN", "RC9", "REM", "RBQ", "R0A", "RM3", "RNL", "bradford-district-care"} == keys
    text = reasons(ex)
    assert "no code in reference data: minted trust/bradford-district-care" in text
    assert "not open on 2021-06-02" in text  # North Cumbria University Hospitals closed in 2019
    assert "wave:digital-aspirants-wave-3" in text and "not described in the graph" in text
    roles = {m.member.key: m.context.role for m in ex.memberships}
    assert roles["RNN"] == "role-digital-aspirant" and roles["RM3"] == "role-seed-funded"
    assert roles["RBQ"] == "role-collaboration-partner"
    lead = next(m for m in ex.memberships if m.member.key == "REM")
    assert [t.key for t in lead.collaborates] == ["RBQ"]
    assert amounts(ex) == {(Decimal("4.5E+6"), "maximum", "per-recipient"),
                           (Decimal("2E+5"), "exact", "per-recipient")}


def test_prose_pairings_take_orientation_from_the_words(gazetteer: Gazetteer, known: frozenset[str]) -> None:
    ex = run("renamed_2017.txt", gazetteer, known)
    assert pairs(ex) == {("RC9", "RC1"), ("RW4", "RTV"), ("RRK", "RR1"), ("RX4", "RNN")}
    verb_only = [p for p in ex.pairings if any("the verb only" in n for n in p.notes)]
    assert {(p.exemplar.key, p.follower.key) for p in verb_only} == {("RRK", "RR1"), ("RX4", "RNN")}
    assert reasons(ex).count("the exemplar was told from the verb only") == 2


def test_run_together_table_with_reversed_columns_and_a_correction(gazetteer: Gazetteer,
                                                                   known: frozenset[str]) -> None:
    ex = run("table_correction_2019.txt", gazetteer, known)
    assert pairs(ex) == {("RTH", "RHW"), ("RA7", "RKE"), ("RHM", "RN5"), ("RTD", "RR7"), ("RGR", "RD8")}
    assert all(p.how == "table row" for p in ex.pairings)
    assert "Milton Keynes Univeristy Hospital NHS Foundation Trust: probable" in reasons(ex)
    [fix] = ex.corrections
    assert fix.date == "2019-10-07"
    assert [a.amount for a in fix.amounts] == [Decimal(50_000_000)]
    status = {a.amount: a.status for a in ex.amounts}
    assert status[Decimal(50_000_000)] == "corrected" and status[Decimal(25_000_000)] == "announced"
    assert (Decimal(5_000_000), "exact", "per-recipient") in amounts(ex)
    assert (Decimal(30_000_000), "minimum", "total") in amounts(ex)


@pytest.mark.parametrize("sentence, expected", [
    ("Each trust will receive up to £10m to act as exemplars.", (Decimal(10**7), "maximum", "per-recipient")),
    ("Fast followers will share more than £100m between them.", (Decimal(10**8), "minimum", "total")),
    ("Some £3-6m of capital will be provided.", (Decimal(6 * 10**6), "range", "per-recipient")),  # by its size
    ("The first payments range between £2.5m and £4m each.", (Decimal(4 * 10**6), "range", "per-recipient")),
    ("They each received a portion of the £302 million in funding.", (Decimal(302 * 10**6), "exact", "total")),
    ("The additions bring the total investment up to £280m.", (Decimal(280 * 10**6), "exact", "total")),
    ("A further 25 will receive seed funding of £250,000 each.", (Decimal(250_000), "exact", "per-recipient")),
    ("Nine trusts will receive up to £4 million over two years.", (Decimal(4 * 10**6), "maximum", "per-recipient")),
])
def test_amount_patterns(sentence: str, expected: tuple[Decimal, str, str], gazetteer: Gazetteer) -> None:
    ex = extract_article(parse_article(sentence + "\n"), gazetteer, "t", "2019")
    assert expected in amounts(ex)


def test_a_sum_restated_per_trust_is_per_recipient_only_where_it_says_each(gazetteer: Gazetteer) -> None:
    text = "Acute fast followers will split £80m and the mental health trusts will get £21m, or £3m each.\n"
    ex = extract_article(parse_article(text), gazetteer, "t", "2017")
    assert amounts(ex) == {(Decimal(8 * 10**7), "exact", "total"), (Decimal(21 * 10**6), "exact", "total"),
                           (Decimal(3 * 10**6), "exact", "per-recipient")}
    by_amount = {a.amount: a.recipient for a in ex.amounts}
    assert by_amount[Decimal(3 * 10**6)] == ("tier", "gde-mental-health-fast-followers")


@pytest.mark.parametrize("text, expected, status", [
    ("GDE, Oxford University Hospitals NHS Foundation Trust, is matched with Royal Berkshire NHS Foundation "
     "Trust as a fast follower.", {("RTH", "RHW")}, "announced"),
    ("Taunton and Somerset NHS Foundation Trust, which is paired up with Wye Valley NHS Trust and Blackpool "
     "Teaching Hospitals NHS Foundation Trust, is an exemplar.", {("RBA", "RLQ"), ("RBA", "RXL")}, "announced"),
    ("The list included East London NHS Foundation Trust buddying Oxford Health NHS Foundation Trust. However, "
     "the exemplar said it has not yet picked a fast follower.", {("RNU", "RWK")}, "disputed"),
])
def test_prose_pairing_patterns(text: str, expected: set[tuple[str, str]], status: str,
                                gazetteer: Gazetteer) -> None:
    ex = extract_article(parse_article(text + "\n"), gazetteer, "t", "2017-09")
    assert pairs(ex) == expected
    assert {p.status for p in ex.pairings} == {status}


def test_candidate_turtle_carries_status_quote_and_source(gazetteer: Gazetteer, known: frozenset[str]) -> None:
    ex = run("mh_followers_2018.txt", gazetteer, known)
    article = (FIXTURES / "mh_followers_2018.txt").read_text(encoding="utf-8")
    graph = Graph().parse(data=candidate_turtle(ex), format="turtle")
    source = URIRef(iris.instance("source", "fixture-mh-followers-2018"))
    statements = [s for s in graph.subjects(URIRef(GDE + "status"), None)]
    assert statements and all((s, URIRef(GDE + "status"), CANDIDATE) in graph for s in statements)
    for s in statements:
        assert (s, PROV.wasDerivedFrom, source) in graph
        for quote in graph.objects(s, URIRef(GDE + "quote")):
            assert str(quote) in article
    assert (URIRef(iris.instance("pairing", "rx4-rr7")), RDF.type, URIRef(GDE + "Pairing")) in graph
    assert (URIRef(iris.instance("membership", "gde-mental-health-fast-followers-rr7")), RDF.type,
            URIRef(GDE + "ProgrammeMembership")) in graph
    assert (source, RDF.type, URIRef(GDE + "Source")) in graph


def test_minted_trust_is_described_with_an_identity_note(gazetteer: Gazetteer, known: frozenset[str]) -> None:
    graph = candidate_graph(run("renamed_2021.txt", gazetteer, known))
    node = URIRef(iris.trust("bradford-district-care"))
    assert (node, RDF.type, URIRef(GDE + "Trust")) in graph
    assert graph.value(node, URIRef(GDE + "identityNote")) is not None


def _shapes() -> Graph:
    shapes = Graph()
    for path in sorted(paths.shapes_dir().glob("*.ttl")):
        shapes.parse(path)
    return shapes


@pytest.mark.parametrize("name", ["table_correction_2019.txt", "mh_followers_2018.txt"])
def test_reviewed_candidates_conform_to_the_shapes(name: str, gazetteer: Gazetteer, known: frozenset[str]) -> None:
    """With each candidate given its suggested status (what a curator does), the candidates,
    the ontology, the programme structure and the reference data conform (warnings allowed)."""
    from pyshacl import validate

    from gdegraph.sources.dataset import load_ontology
    from gdegraph.sources.refdata import reference_graph

    ex = run(name, gazetteer, known)
    candidates = candidate_graph(ex)
    data = load_ontology()
    data.parse(paths.data_dir() / "entities.ttl")
    for article in sorted((paths.shared_dir() / "sources").glob("*.txt")):  # records of the sources entities cites
        record = Graph().parse(paths.data_dir() / f"{article.stem}.ttl")
        data += record.triples((URIRef(iris.instance("source", article.stem)), None, None))
    codes = {str(n).rsplit("/", 1)[1] for n in candidates.all_nodes()
             if str(n).startswith(iris.ID + "trust/") and iris.ODS_TRUST_CODE.fullmatch(str(n).rsplit("/", 1)[1])}
    data += reference_graph(codes, paths.refdata_dir())
    suggested = {pairing: p.status for p in ex.pairings for pairing in [candidate_turtle_iri(p)]}
    for s, p, o in candidates:
        if o == CANDIDATE:
            o = URIRef(iris.instance("concept", f"status-{suggested.get(s, 'announced')}"))
        data.add((s, p, o))
    data.add((URIRef(ex.source_iri), URIRef("http://purl.org/dc/terms/title"), Literal("fixture", lang="en")))
    conforms, report, text = validate(data, shacl_graph=_shapes(), inference="none", advanced=True)
    violations = [r for r in report.subjects(URIRef("http://www.w3.org/ns/shacl#resultSeverity"),
                                             URIRef("http://www.w3.org/ns/shacl#Violation"))]
    assert not violations, text


def candidate_turtle_iri(p: object) -> URIRef:
    from gdegraph.curate.extract.turtle import pairing_iri

    return pairing_iri(p)  # type: ignore[arg-type]
