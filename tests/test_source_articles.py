"""The facts of the seven articles in ../shared/sources, asserted against the built graph.

Each expectation was read off the article text (and the ODS reference files for codes), not off
the graph: the ambulance exemplars, the withdrawn Taunton-Blackpool pairing with both dated steps
and their sources, the seven mental-health exemplars of March 2017, each programme total with its
source and their conflict, and the evaluation's counts. Every quote of these files is checked to be
verbatim in one of the statement's sources.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from test_seed_facts import P as SEED_PREFIXES

from gdegraph.core.paths import data_dir, shared_dir

P = SEED_PREFIXES + """PREFIX src: <https://w3id.org/gdegraph/id/source/>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
SRC = "https://w3id.org/gdegraph/id/source/"
ARTICLES = sorted(p.stem for p in (shared_dir() / "sources").glob("*.txt"))


def rows(graph: Graph, query: str) -> set[tuple[str, ...]]:
    return {tuple(str(v) for v in row) for row in graph.query(P + query)}


def test_each_article_has_its_file_and_full_record(graph: Graph) -> None:
    assert len(ARTICLES) == 7
    for stem in ARTICLES:
        assert (data_dir() / f"{stem}.ttl").is_file()
        q = f"""SELECT ?title ?publisher ?issued ?url ?id ?file WHERE {{ <{SRC}{stem}> dcterms:title ?title ;
                dcterms:publisher ?publisher ; dcterms:issued ?issued ; schema:url ?url ;
                dcterms:identifier ?id ; gde:localFile ?file ; gde:sha256 ?sha }}"""
        [(_, _, _, url, ident, file)] = rows(graph, q)
        assert ident == f"{stem}.txt" and file == f"sources/{stem}.txt" and url.startswith("https://")


def test_inferred_dates_say_so(graph: Graph) -> None:
    q = """SELECT ?s ?d WHERE { ?s gde:localFile ?f ; dcterms:issued ?d . FILTER NOT EXISTS { ?s gde:dateBasis ?b }
           FILTER (STRSTARTS(STR(?f), "sources/")) }"""
    assert not rows(graph, q)
    issued = {stem: graph.value(URIRef(SRC + stem), URIRef("http://purl.org/dc/terms/issued")) for stem in ARTICLES}
    assert str(issued["hsj-2017-07-flagship-digital-fund-reaches-exemplars"]) == "2017-07"
    assert str(issued["dh-2018-01-ambulance-gdes-confirmed"]) == "2018-01-26"


def test_three_ambulance_exemplars_confirmed_by_code(graph: Graph) -> None:
    q = """SELECT ?code ?status ?sector WHERE { ?m gde:inTier tier:gde-ambulance-exemplars ;
           gde:role c:role-global-digital-exemplar ; gde:member/gde:odsCode ?code ; gde:status ?status ;
           prov:wasDerivedFrom src:dh-2018-01-ambulance-gdes-confirmed . tier:gde-ambulance-exemplars gde:sector ?sector }"""
    confirmed, ambulance = "https://w3id.org/gdegraph/id/concept/status-confirmed", \
        "https://w3id.org/gdegraph/id/concept/sector-ambulance"
    assert rows(graph, q) == {(code, confirmed, ambulance) for code in ("RYE", "RYA", "RX6")}


def test_ambulance_exemplars_share_5m(graph: Graph) -> None:
    q = """SELECT ?amount ?allocation ?type WHERE { ?a gde:recipient tier:gde-ambulance-exemplars ;
           schema:amount ?amount ; gde:allocation ?allocation ; gde:fundingType ?type }"""
    got = {(Decimal(a), al.rsplit("/", 1)[1], t.rsplit("/", 1)[1]) for a, al, t in rows(graph, q)}
    assert got == {(Decimal(5_000_000), "allocation-shared", "funding-type-central"),
                   (Decimal(10_000_000), "allocation-total", "funding-type-central-and-match")}


def test_taunton_blackpool_pairing_announced_then_withdrawn_with_sources(graph: Graph) -> None:
    q = """SELECT ?n ?status ?date ?source WHERE { ?step gde:statusOf <https://w3id.org/gdegraph/id/pairing/rba-rxl> ;
           gde:status ?status ; gde:statusDate ?date ; prov:wasDerivedFrom ?source .
           BIND (STRAFTER(STR(?step), "rba-rxl-") AS ?n) }"""
    steps = {(n, s.rsplit("-", 1)[1], d, src.rsplit("/", 1)[1]) for n, s, d, src in rows(graph, q)}
    assert steps == {("1", "announced", "2017-09", "seed-000"), ("1", "announced", "2017-09", "seed-001"),
                     ("2", "withdrawn", "2018-01", "dh-2018-01-taunton-loses-fast-follower")}
    pairing = URIRef("https://w3id.org/gdegraph/id/pairing/rba-rxl")
    assert graph.value(pairing, URIRef("https://w3id.org/gdegraph/def#status")).endswith("status-withdrawn")


def _status_as_of(graph: Graph, date: str) -> dict[tuple[str, str], str]:
    """Each acute pairing's status on ``date`` (STATUS_MODEL: latest step dated <= date; without
    steps, its gde:status dated by its earliest source). A step dated 2018-01 counts from 2018-01-01."""
    explicit = rows(graph, """SELECT ?e ?f ?status ?d WHERE { ?p gde:sector c:sector-acute ;
        gde:exemplar/gde:odsCode ?e ; gde:follower/gde:odsCode ?f . ?step gde:statusOf ?p ; gde:status ?status ;
        gde:statusDate ?d }""")
    implicit = rows(graph, """SELECT ?e ?f ?status (MIN(STR(?issued)) AS ?d) WHERE { ?p gde:sector c:sector-acute ;
        gde:exemplar/gde:odsCode ?e ; gde:follower/gde:odsCode ?f ; gde:status ?status ;
        prov:wasDerivedFrom/dcterms:issued ?issued . FILTER NOT EXISTS { ?step gde:statusOf ?p } }
        GROUP BY ?e ?f ?status""")
    latest: dict[tuple[str, str], tuple[str, str]] = {}
    for e, f, status, d in explicit | implicit:
        if d <= date:
            latest[(e, f)] = max(latest.get((e, f), ("", "")), (d, status.rsplit("-", 1)[1]))
    return {pair: status for pair, (_, status) in latest.items()}


def _exemplars_with_several_followers(graph: Graph, date: str) -> set[str]:
    current = [e for (e, _), status in _status_as_of(graph, date).items() if status in ("announced", "confirmed")]
    return {e for e in current if current.count(e) > 1}


def test_exemplars_with_more_than_one_follower_differ_by_date(graph: Graph) -> None:
    """Before September 2017 no acute pairing exists; then RBA and RQ6 have two; from January 2018 only RQ6."""
    assert _exemplars_with_several_followers(graph, "2017-08-31") == set()
    assert _exemplars_with_several_followers(graph, "2017-10-01") == {"RBA", "RQ6"}
    assert _exemplars_with_several_followers(graph, "2018-02-01") == {"RQ6"}
    assert _status_as_of(graph, "2018-02-01")[("RBA", "RXL")] == "withdrawn"
    assert _status_as_of(graph, "2018-02-01")[("RQ6", "RVW")] == "confirmed"


def test_seven_mental_health_exemplars_announced_march_2017(graph: Graph) -> None:
    q = """SELECT ?code ?date WHERE { ?step gde:statusOf ?m ; gde:status c:status-announced ; gde:statusDate ?date ;
           prov:wasDerivedFrom src:dh-2017-03-mh-gdes-revealed . ?m gde:inTier tier:gde-mental-health-exemplars ;
           gde:member/gde:odsCode ?code }"""
    assert rows(graph, q) == {(c, "2017-03") for c in ("RWX", "RXT", "RW4", "RX4", "RNU", "RV5", "R1A")}


def test_mental_health_announcement_dates_conflict(graph: Graph) -> None:
    q = """SELECT ?d1 ?d2 WHERE { ?a gde:conflictsWith ?b . ?a gde:about tier:gde-mental-health-exemplars ;
           gde:statedCount 7 ; gde:announcementDate ?d1 . ?b gde:announcementDate ?d2 }"""
    assert ("2017-03", "2017-01") in rows(graph, q)


def test_each_programme_total_with_its_source_in_one_conflict(graph: Graph) -> None:
    q = """SELECT ?amount ?source WHERE { <https://w3id.org/gdegraph/id/conflict/gde-programme-total>
           gde:conflictingStatement ?a . ?a schema:amount ?amount ; prov:wasDerivedFrom ?source }"""
    got = {(int(Decimal(a)), s.rsplit("/", 1)[1]) for a, s in rows(graph, q)}
    assert got == {(295_000_000, "hsj-2017-07-flagship-digital-fund-reaches-exemplars"), (385_000_000, "seed-003"),
                   (280_000_000, "dh-2018-01-ambulance-gdes-confirmed"),
                   (302_000_000, "htn-2021-10-edinburgh-submits-gde-report")}
    default = graph.value(URIRef("https://w3id.org/gdegraph/id/conflict/gde-programme-total"),
                          URIRef("https://w3id.org/gdegraph/def#reportedByDefault"))
    assert str(default).endswith("gde-programme-302m")
    assert not rows(graph, """SELECT ?a WHERE { ?a schema:amount 395000000 }""")  # in no shared file


def test_evaluation_counts_and_the_51_52_conflict(graph: Graph) -> None:
    q = """SELECT ?n ?source WHERE { ?c a gde:Claim ; gde:statedCount ?n ; prov:wasDerivedFrom ?source .
           FILTER (?source IN (src:nhsx-2021-09-gde-independent-evaluation-summary, src:htn-2021-10-edinburgh-submits-gde-report)) }"""
    got = {(int(n), s.rsplit("/", 1)[1][:4]) for n, s in rows(graph, q)}
    assert {(51, "nhsx"), (3, "nhsx"), (33, "nhsx"), (15, "nhsx"), (52, "htn-"), (3, "htn-")} <= got
    assert rows(graph, """SELECT ?a WHERE { ?a gde:statedCount 51 ; gde:conflictsWith ?b . ?b gde:statedCount 52 }""")


def test_every_quote_of_these_files_is_verbatim_in_a_source(dataset) -> None:
    texts = {SRC + p.stem: p.read_text(encoding="utf-8") for p in (shared_dir() / "sources").glob("*.txt")}
    texts |= {SRC + f"seed-{p.name[:3]}": p.read_text(encoding="utf-8") for p in (shared_dir() / "seeds").glob("*.txt")}
    quote, derived = URIRef("https://w3id.org/gdegraph/def#quote"), URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    checked = 0
    for stem in ARTICLES:
        g = dataset.graph(URIRef(f"https://w3id.org/gdegraph/graph/{stem}"))
        for s, q in g.subject_objects(quote):
            sources = [str(o) for o in g.objects(s, derived)] or [SRC + stem]
            assert any(str(q) in texts.get(src, "") for src in sources), (s, q)
            assert isinstance(q, Literal) and len(str(q)) <= 300
            checked += 1
    assert checked > 40
