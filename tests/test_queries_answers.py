"""Each library query's answer on the curated graph, against the seeds and reference data.

Small answers are asserted row by row below, with the sentence of the seed
article that justifies them. Every query (with its required example
parameters, and again with all its example parameters) also has its whole
answer kept as a file under ``tests/expected/queries/`` (W3C CSV for SELECT,
sorted N-Triples for CONSTRUCT, ``true``/``false`` for ASK), checked by
reading the seeds; run with ``GDEGRAPH_REGEN_EXPECTED=1`` to rewrite the files
after a deliberate change, and review the diff.

The helpers here are imported by the other query test modules.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from gdegraph.query.library import NamedQuery, bind_params, load_library
from gdegraph.store.results import format_select, format_triples
from gdegraph.store.factory import OxigraphStore, SelectResult, run

EXPECTED = Path(__file__).parent / "expected" / "queries"
#: Columns made with GROUP_CONCAT, whose order SPARQL leaves to the engine.
LIST_COLUMNS = frozenset({"sources", "otherSources", "amounts"})  # GROUP_CONCAT: the order is the engine's
#: GROUP_CONCAT columns of names (which hold spaces), their items separated by "; ".
NAME_LIST_COLUMNS = frozenset({"exemplarSpelling", "followerSpelling", "memberSpelling"})
LIBRARY = load_library()


def variants(query: NamedQuery) -> list[tuple[str, dict[str, str]]]:
    """(suffix, raw parameters): required examples only, then every example when that differs."""
    required = {p.name: p.example or "" for p in query.params if p.required}
    every = {p.name: p.example for p in query.params if p.example}
    out = [("", required)]
    if every != required:
        out.append(("--examples", every))
    return out


CASES = [(q.name, suffix, raw) for q in LIBRARY.values() for suffix, raw in variants(q)]
CASE_IDS = [name + suffix for name, suffix, _ in CASES]


def plain_rows(result: SelectResult) -> list[tuple[str, ...]]:
    """Rows as CSV values, list columns' items sorted, rows sorted: comparable across engines."""
    rows = []
    for row in result.rows:
        cells = ["" if t is None else t.value for t in row]
        rows.append(tuple(sorted_items(v, c) for v, c in zip(result.variables, cells)))
    return sorted(rows)


def sorted_items(column: str, cell: str) -> str:
    """A list column's items in sorted order (the engine's GROUP_CONCAT order is its own); other cells as they are."""
    if column in LIST_COLUMNS:
        return " ".join(sorted(cell.split()))
    if column in NAME_LIST_COLUMNS:
        return "; ".join(sorted(cell.split("; "))) if cell else ""
    return cell


def comparable(result: Any) -> Any:
    """Any query result in a form two engines can be compared with ``==``."""
    if isinstance(result, SelectResult):
        return result.variables, plain_rows(result)
    if isinstance(result, list):
        return sorted(str(t) for t in result)
    return result


def answer(store: Any, name: str, raw: dict[str, str]) -> Any:
    query = LIBRARY[name]
    return run(store, query.text, bind_params(query, raw, store))


def expected_text(result: Any) -> tuple[str, str]:
    """(file suffix, text) of the expected file for a result."""
    if isinstance(result, SelectResult):
        rows = plain_rows(result)
        normal = SelectResult(result.variables, [tuple(_Value(v) for v in row) for row in rows])
        return ".csv", format_select(normal, "csv")
    if isinstance(result, list):
        return ".nt", format_triples(result, "nt")
    return ".txt", ("true" if result else "false") + "\n"


class _Value:
    """A cell value for the CSV writer (which only reads ``.value``)."""

    def __init__(self, value: str) -> None:
        self.value = value


@pytest.fixture(scope="session")
def oxigraph(dataset: Any) -> OxigraphStore:
    """The curated graph in the chosen engine."""
    return OxigraphStore.from_dataset(dataset)


@pytest.mark.parametrize(("name", "suffix", "raw"), CASES, ids=CASE_IDS)
def test_expected_file(oxigraph: OxigraphStore, name: str, suffix: str, raw: dict[str, str]) -> None:
    extension, text = expected_text(answer(oxigraph, name, raw))
    path = EXPECTED / f"{name}{suffix}{extension}"
    if os.environ.get("GDEGRAPH_REGEN_EXPECTED"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.is_file(), f"no expected answer {path.name}: run with GDEGRAPH_REGEN_EXPECTED=1 and review it"
    assert text == path.read_bytes().decode("utf-8"), f"{name}{suffix} differs from {path.name}"


def rows(store: Any, name: str, *columns: str, **raw: str) -> list[tuple[str, ...]]:
    """The named columns of a query's answer, as sorted plain tuples."""
    result = answer(store, name, raw)
    index = [result.variables.index(c) for c in columns]
    return sorted(tuple(row[i] for i in index) for row in plain_rows(result))


def test_the_library_has_the_competency_queries() -> None:
    assert len(LIBRARY) >= 20
    for name in ("exemplars-with-followers", "pairings", "followers-of", "exemplar-of", "trust-profile",
                 "multi-programme-trusts", "funding-by-programme", "funding-awards", "programme-timeline",
                 "wave-members", "digital-aspirant-tiers", "pairings-later-merged", "closed-programme-trusts",
                 "disputed-claims", "source-assertions", "trusts-by-region", "exemplars-without-followers",
                 "gde-milestones"):
        assert name in LIBRARY


def test_exemplars_with_two_followers(oxigraph: OxigraphStore) -> None:
    # seed 000: "The only other GDE to get two fast followers is Taunton and Somerset"; seed 001:
    # "Two exemplar trusts, Taunton and Somerset and Royal Liverpool and Broadgreen ... two fast followers";
    # Digital Health News, January 2018: "Blackpool Teaching Hospitals has been dropped as a proposed fast
    # follower" and "The only other GDE to get two fast followers was Royal Liverpool" (withdrawn is not current)
    assert rows(oxigraph, "exemplars-with-followers", "odsCode", "followers", sector="acute") == [("RQ6", "2")]
    assert rows(oxigraph, "exemplars-with-followers", "odsCode", sector="mental-health") == []
    assert len(rows(oxigraph, "exemplars-with-followers", "odsCode", min_followers="1")) == 16 + 6


def test_pairings_by_status(oxigraph: OxigraphStore) -> None:
    # 18 acute pairings (seeds 000, 001); six proposed mental-health pairings and East London with
    # South London and Maudsley disputed (seed 003); January 2018: Taunton - Blackpool withdrawn, Royal
    # Liverpool's two pairings "still the case" (confirmed), Taunton - Wye Valley restated
    statuses = [r[1] for r in rows(oxigraph, "pairings", "pairing", "statusName", "sectorName")]
    assert len(statuses) == 25
    counts = [statuses.count(s) for s in ("announced", "confirmed", "withdrawn", "proposed", "disputed")]
    assert counts == [15, 2, 1, 6, 1]
    assert rows(oxigraph, "pairings", "exemplarCode", "followerCode", status="disputed") == [("RV5", "RWK")]
    acute = rows(oxigraph, "pairings", "sources", sector="acute")
    assert sorted(acute) == [("dh-2018-01-taunton-loses-fast-follower seed-000 seed-001",)] * 4 + [("seed-000 seed-001",)] * 14


def test_followers_and_exemplar_by_code_or_name(oxigraph: OxigraphStore) -> None:
    assert rows(oxigraph, "followers-of", "odsCode", exemplar="RQ6") == [("REP",), ("RVW",)]
    assert rows(oxigraph, "followers-of", "odsCode", exemplar="Taunton and Somerset FT") == [("RLQ",), ("RXL",)]
    assert rows(oxigraph, "exemplar-of", "odsCode", follower="wye valley") == [("RBA",)]
    assert rows(oxigraph, "exemplar-of", "odsCode", "statusName", follower="RWK") == [("RV5", "disputed")]


def test_trust_profile_tells_the_history(oxigraph: OxigraphStore) -> None:
    profile = rows(oxigraph, "trust-profile", "aspect", "statement", trust="RQ6")
    assert ("succeeded by", "Liverpool University Hospitals NHS Foundation Trust (REM)") in profile
    assert ("official name", "ROYAL LIVERPOOL AND BROADGREEN UNIVERSITY HOSPITALS NHS TRUST") in profile
    assert ("name in a source", "RLBUH") in profile  # seed 000's abbreviation
    assert ("membership", "Global Digital Exemplar programme") in profile
    assert ("pairing", "exemplar for North Tees and Hartlepool NHS Foundation Trust") in profile
    assert ("funding award", "Up to £10m for each of the first 12 Global Digital Exemplars") in profile


def test_multi_programme_trusts(oxigraph: OxigraphStore) -> None:
    # RNN: "Cumbria Partnership FT" proposed as a mental-health fast follower (seed 003) and, renamed
    # North Cumbria Integrated Care, seed-funded in Digital Aspirant wave 2 (seed 004)
    assert rows(oxigraph, "multi-programme-trusts", "odsCode", "programmeName", "relation") == [
        ("RNN", "Digital Aspirant programme", "itself"), ("RNN", "Global Digital Exemplar programme", "itself")]
    succession = rows(oxigraph, "multi-programme-trusts", "odsCode", "relation", "viaCode", min_programmes="1")
    assert ("RC9", "predecessor", "RC1") in succession and ("RC1", "successor", "RC9") in succession


def test_pairings_that_became_one_organisation(oxigraph: OxigraphStore) -> None:
    # ODS successor records: RE9 and RLN -> R0B (2019), RR1 -> RRK (2018), RC1 -> RC9 (2020),
    # RTV -> RW4 (2021), RW6 split between RM3 and R0A (2021)
    assert rows(oxigraph, "pairings-later-merged", "exemplarCode", "followerCode", "mergedCode", "mergedOn") == [
        ("RC9", "RC1", "RC9", "2020-04-01"), ("RLN", "RE9", "R0B", "2019-04-01"),
        ("RM3", "RW6", "RM3", "2021-10-01"), ("RRK", "RR1", "RRK", "2018-04-01"),
        ("RW4", "RTV", "RW4", "2021-06-01")]


def test_closed_programme_trusts(oxigraph: OxigraphStore) -> None:
    closed = rows(oxigraph, "closed-programme-trusts", "odsCode", "successorCode")
    assert closed == [("RAP", ""), ("RBA", "RH5"), ("RC1", "RC9"), ("RE9", "R0B"), ("RLN", "R0B"),
                      ("RQ6", "REM"), ("RR1", "RRK"), ("RTV", "RW4"), ("RW6", "R0A"), ("RW6", "RM3")]


def test_exemplars_without_followers(oxigraph: OxigraphStore) -> None:
    # seed 003: South London and Maudsley "has not yet picked a digital fast follower" (named as a GDE in
    # March 2017: "announced"); the three ambulance GDEs "formally confirmed" in January 2018 have none
    assert rows(oxigraph, "exemplars-without-followers", "odsCode", "statusName") == [
        ("RV5", "announced"), ("RX6", "confirmed"), ("RYA", "confirmed"), ("RYE", "confirmed")]


def test_funding(oxigraph: OxigraphStore) -> None:
    # seed 001 (as amended): "Acute fast followers will split £80m and the mental health trusts will
    # get £21m, or £3m each", half of the £160m "raised locally"
    by_kind = rows(oxigraph, "funding-by-programme", "waveName", "fundingType", "qualifier", "allocation", "amounts",
                   programme="global-digital-exemplar")
    wave = "Fast followers (second wave of the GDE programme)"
    assert (wave, "central", "exact", "total", "21000000 80000000") in by_kind
    assert (wave, "local-match", "exact", "total", "80000000") in by_kind
    assert (wave, "central-and-match", "maximum", "total", "42000000") in by_kind
    flat = rows(oxigraph, "funding-awards", "award", "statusName")
    assert ("https://w3id.org/gdegraph/id/award/acute-fast-followers-160m-central", "corrected") in flat
    assert len(flat) == 19 + 11  # seeds; the seven articles add 11 awards
    expanded = rows(oxigraph, "funding-awards", "odsCode", "amount", "via", expand="true",
                    programme="digital-aspirant")
    seed_funded = [r for r in expanded if r[1] == "250000"]
    assert len(seed_funded) == 25 and not {("RN3",), ("RNZ",)} & {(r[0],) for r in seed_funded}
    assert len([r for r in expanded if r[1] == "6000000" and r[0]]) == 7


def test_waves_tiers_and_timeline(oxigraph: OxigraphStore) -> None:
    members = rows(oxigraph, "wave-members", "roleName", wave="digital-aspirants-wave-2")
    assert [r[0] for r in members].count("Digital Aspirant") == 7
    assert [r[0] for r in members].count("seed-funded trust") == 25
    tiers = rows(oxigraph, "digital-aspirant-tiers", "roleName", "named", "perMemberAmount")
    assert ("seed-funded trust", "25", "250000") in tiers and ("Digital Aspirant", "7", "6000000") in tiers
    timeline = rows(oxigraph, "programme-timeline", "date", "kind")
    assert ("2017-09-11", "correction") in timeline and ("2021-03-18", "announced") in timeline


def test_claims_sources_regions_and_milestones(oxigraph: OxigraphStore) -> None:
    disputed = rows(oxigraph, "disputed-claims", "statement", "relation", status="disputed")
    assert {r[0].rsplit("/", 1)[-1] for r in disputed} == {
        "east-london-slam-pairing-disputed", "rv5-rwk", "gde-mental-health-fast-followers-rwk"}
    seed2 = rows(oxigraph, "source-assertions", "kind", source="seed-002")
    assert [r[0] for r in seed2].count("membership") == 12  # the first 12 exemplars
    regions = rows(oxigraph, "trusts-by-region", "region", "sectorName", "trusts", programme="global-digital-exemplar")
    assert sum(int(r[2]) for r in regions) >= 48 - 1  # Sheffield has no ODS code, hence no region
    assert [r[0] for r in rows(oxigraph, "gde-milestones", "number")] == [str(n) for n in range(1, 10)]
    assert rows(oxigraph, "trust-names", "asOf", trust="RNN")[0][0] == "2016"
