"""Tests for gdegraph.sources.refdata against the shared reference files (facts read off the CSVs)."""

from __future__ import annotations

import csv
import hashlib
import math
import shutil
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS

from gdegraph.model import iris
from gdegraph.core import paths
from gdegraph.core.errors import InputError
from gdegraph.sources.refdata import load_reference, reference_graph, source_iri, unknown_codes

IN_SCOPE = """RBS RGT RLN RYJ RC9 RTD RTH RAL RQ6 RM3 RBA RRK RA7 RHM RGR RBL REN RRV RE9 RQM RC1 RR7
RHW RAP REP RVW RW6 RLQ RXL RR1 RKE RN5 RD8 RJR RW4 RX4 RXT R1A RNU RWX RV5 RTV RNN RYG RX2 RW5 RWK RKB
RDR RXC RWG RTE RBQ RET R1L RWR RWD RL1 RNS RJC RLT RWP RK5 RAJ RQW RWH RGN RDE RF4 RCB RCD RCF REF RD1
R0D RBT RJN RJE RN3 RNZ RFR RXE""".split()
CONCEPT = "https://w3id.org/gdegraph/id/concept/change-type-"
# A plain Namespace: pytest's module scan trips the closed rdflib XSD namespace's warnings.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
GDE = Namespace(iris.DEF)
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SCHEMA = Namespace("https://schema.org/")


@pytest.fixture(scope="module")
def refdir() -> Path:
    folder = paths.refdata_dir()
    if not folder.is_dir():
        pytest.skip(f"reference data not found at {folder}")
    return folder


@pytest.fixture(scope="module")
def refgraph(refdir: Path) -> Graph:
    return reference_graph(IN_SCOPE, refdir)


def trust(code: str) -> URIRef:
    return URIRef(iris.trust(code))


def change(old: str, new: str, when: str) -> URIRef:
    return URIRef(iris.instance("change", f"{old.lower()}-to-{new.lower()}-{when}"))


def names(g: Graph, code: str) -> dict[str, str]:
    records = g.objects(trust(code), GDE.officialName)
    return {str(g.value(r, GDE.asOf)): str(g.value(r, GDE.nameText)) for r in records}


def point(g: Graph, code: str) -> tuple[float, float]:
    loc = g.value(trust(code), GEO.location)
    return float(g.value(loc, GEO.lat)), float(g.value(loc, GEO.long))


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance: plenty for points a few km apart."""
    dx = math.radians(a[1] - b[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return 6371 * math.hypot(dx, math.radians(a[0] - b[0]))


def test_every_code_in_scope_is_known(refdir: Path) -> None:
    ref = load_reference(refdir)
    assert unknown_codes(IN_SCOPE, ref) == []
    # RC4 is only in the successor file; unknown codes are reported once, in order.
    assert unknown_codes(["RBS", "ZZZ", "RC4", "ZZZ", "rbs"], ref) == ["ZZZ", "RC4", "rbs"]


def test_unknown_code_is_an_input_error(refdir: Path) -> None:
    with pytest.raises(InputError, match="ZZZ"):
        reference_graph(["RBS", "ZZZ"], refdir)


def test_trust_identity_and_type(refgraph: Graph) -> None:
    rq6 = trust("RQ6")
    assert (rq6, RDF.type, GDE.NHSTrust) in refgraph and (rq6, RDF.type, GDE.Trust) in refgraph
    assert (trust("RBS"), RDF.type, GDE.NHSFoundationTrust) in refgraph
    assert refgraph.value(rq6, GDE.odsCode) == Literal("RQ6")
    assert refgraph.value(rq6, GDE.orgId) == Literal("GB-NHS-RQ6")
    assert (rq6, RDFS.seeAlso, URIRef(iris.ods_page("RQ6"))) in refgraph
    assert refgraph.value(rq6, SKOS.prefLabel) == Literal(
        "Royal Liverpool and Broadgreen University Hospitals NHS Trust", lang="en")
    assert refgraph.value(rq6, SCHEMA.postalCode) == Literal("L7 8XP")
    assert refgraph.value(rq6, GDE.odsOpenDate) == Literal("1995-04-01", datatype=XSD.date)


def test_rq6_closed_and_succeeded_by_rem(refgraph: Graph) -> None:
    assert refgraph.value(trust("RQ6"), GDE.odsCloseDate) == Literal("2019-09-30", datatype=XSD.date)
    event = change("RQ6", "REM", "2019-10-01")
    assert (trust("RQ6"), ORG.changedBy, event) in refgraph
    assert refgraph.value(event, ORG.resultingOrganization) == trust("REM")
    assert (trust("REM"), ORG.resultedFrom, event) in refgraph
    assert refgraph.value(event, GDE.changeType) == URIRef(CONCEPT + "acquisition")
    assert refgraph.value(trust("REM"), SKOS.prefLabel) == Literal(
        "Liverpool University Hospitals NHS Foundation Trust", lang="en")


def test_sunderland_and_south_tyneside_merge_into_r0b(refgraph: Graph) -> None:
    for old in ("RLN", "RE9"):
        event = change(old, "R0B", "2019-04-01")
        assert (event, RDF.type, ORG.ChangeEvent) in refgraph
        assert refgraph.value(event, ORG.originalOrganization) == trust(old)
        assert refgraph.value(event, DCTERMS.date) == Literal("2019-04-01", datatype=XSD.date)
        assert refgraph.value(event, GDE.changeType) == URIRef(CONCEPT + "merger")
        assert refgraph.value(event, PROV.wasDerivedFrom) == source_iri("ods-successors-2022.csv")
        assert refgraph.value(event, RDFS.label) == Literal(f"{old} → R0B, 2019-04-01", lang="en")


def test_acquisition_and_dissolution(refgraph: Graph) -> None:
    assert refgraph.value(change("RR1", "RRK", "2018-04-01"), GDE.changeType) == URIRef(CONCEPT + "acquisition")
    for new in ("RM3", "R0A"):  # Pennine Acute was split between two trusts
        event = change("RW6", new, "2021-10-01")
        assert refgraph.value(event, GDE.changeType) == URIRef(CONCEPT + "dissolution")
    label = Literal("Manchester University NHS Foundation Trust", lang="en")
    assert (trust("R0A"), SKOS.prefLabel, label) in refgraph


def test_readme_gaps_are_filled(refgraph: Graph) -> None:
    for old, new in (("RBA", "RH5"), ("RA3", "RA7")):
        event = change(old, new, "2020-04-01")
        assert refgraph.value(event, ORG.originalOrganization) == trust(old)
        assert refgraph.value(event, PROV.wasDerivedFrom) == source_iri("README.md")
        assert "known gaps" in str(refgraph.value(event, RDFS.comment))
        assert refgraph.value(event, GDE.changeType) == URIRef(CONCEPT + "acquisition")


def test_scope_follows_successors_and_one_hop_of_predecessors(refgraph: Graph) -> None:
    assert (trust("RM3"), RDF.type, GDE.Trust) in refgraph
    # RC4 -> RWH: a predecessor known only from the successor file gets a code-only description.
    assert refgraph.value(trust("RC4"), RDFS.label) == Literal("ODS organisation RC4", lang="en")
    assert refgraph.value(trust("RC4"), GDE.identityNote) is not None
    assert refgraph.value(trust("RC4"), SKOS.prefLabel) is None
    # R0A's own predecessors are two hops from the codes in scope and are not pulled in.
    events = refgraph.objects(trust("R0A"), ORG.resultedFrom)
    origins = {refgraph.value(e, ORG.originalOrganization) for e in events}
    assert origins == {trust("RW6")}


def test_rnn_has_two_official_names(refgraph: Graph) -> None:
    recorded = names(refgraph, "RNN")
    assert recorded["2016"] == "CUMBRIA PARTNERSHIP NHS FOUNDATION TRUST"
    assert recorded["2025"] == "NORTH CUMBRIA INTEGRATED CARE NHS FOUNDATION TRUST"
    rnn = trust("RNN")
    latest = Literal("North Cumbria Integrated Care NHS Foundation Trust", lang="en")
    assert refgraph.value(rnn, SKOS.prefLabel) == latest
    older = Literal("Cumbria Partnership NHS Foundation Trust", lang="en")
    assert set(refgraph.objects(rnn, SKOS.altLabel)) == {older}
    record = URIRef(iris.instance("name", "rnn-2016"))
    assert (record, RDF.type, GDE.NameRecord) in refgraph
    assert refgraph.value(record, GDE.asOf) == Literal("2016", datatype=XSD.gYear)
    assert refgraph.value(record, GDE.recordedIn) == source_iri("ods-etr-2016.csv")


def test_hand_added_2016_rows_are_not_2016_names(refgraph: Graph) -> None:
    assert "2016" not in names(refgraph, "R0A") and "2025" in names(refgraph, "R0A")


def test_region(refgraph: Graph) -> None:
    region = URIRef(iris.instance("region", "y62"))
    assert refgraph.value(trust("RBS"), GDE.nhsRegion) == region
    assert (region, RDF.type, GDE.Region) in refgraph
    assert refgraph.value(region, SKOS.notation) == Literal("Y62")
    scheme = URIRef("https://w3id.org/gdegraph/id/scheme/nhs-region")
    assert (region, SKOS.inScheme, scheme) in refgraph and (scheme, RDF.type, SKOS.ConceptScheme) in refgraph
    # Named from nhs-england-regions-2020.csv (Y62,E40000010,North West), and traced to it.
    assert refgraph.value(region, SKOS.prefLabel) == Literal("North West", lang="en")
    assert refgraph.value(region, RDFS.label) == Literal("North West", lang="en")
    assert refgraph.value(region, DCTERMS.identifier) == Literal("E40000010")
    assert refgraph.value(region, PROV.wasDerivedFrom) == source_iri("nhs-england-regions-2020.csv")
    assert refgraph.value(region, SKOS.editorialNote) is None


def test_every_region_is_named_as_the_regions_file_names_it(refgraph: Graph, refdir: Path) -> None:
    with (refdir / "nhs-england-regions-2020.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["region_code"]: r for r in csv.DictReader(f)}
    used = set(refgraph.objects(None, GDE.nhsRegion))
    assert len(used) == 7, "the trusts in scope cover every region"
    for region in used:
        row = rows[str(refgraph.value(region, SKOS.notation))]
        assert refgraph.value(region, SKOS.prefLabel) == Literal(row["name"], lang="en")
        assert refgraph.value(region, DCTERMS.identifier) == Literal(row["ons_code"])


def test_a_region_the_file_does_not_name_keeps_its_code(refdir: Path, tmp_path: Path) -> None:
    """The 2013-2020 codes (Y54-Y57 of the 2016 file) have no name file: such a region reads as its code."""
    target = copy_refdata(refdir, tmp_path)
    path = target / "nhs-england-regions-2020.csv"
    path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("Y62,")), encoding="utf-8", newline="")
    g = reference_graph(["RBS", "RQ6"], target)
    region = URIRef(iris.instance("region", "y62"))
    assert g.value(region, SKOS.prefLabel) == Literal("NHS England region Y62", lang="en")
    assert "does not name" in str(g.value(region, SKOS.editorialNote))
    assert g.value(region, PROV.wasDerivedFrom) is None


def test_nspl_point_agrees_with_the_osm_point(refgraph: Graph, refdir: Path) -> None:
    """OSGB36 -> WGS84 sanity: same postcode, two independent geocodes, well under 1 km apart."""
    ref = load_reference(refdir)
    checked = 0
    for code in IN_SCOPE:
        loc = refgraph.value(trust(code), GEO.location)
        method = str(refgraph.value(loc, GDE.coordinateMethod))
        if code in ref.points and "later postcode" not in method:
            osm = ref.points[code]
            assert km(point(refgraph, code), (osm.lat, osm.lon)) < 1.0, code
            checked += 1
    assert checked > 60
    # Alder Hey (L12 2AP) lies in north-east Liverpool.
    lat, lon = point(refgraph, "RBS")
    assert 53.40 < lat < 53.44 and -2.92 < lon < -2.88


def test_point_details(refgraph: Graph) -> None:
    loc = refgraph.value(trust("RBS"), GEO.location)
    assert loc == URIRef(iris.instance("location", "rbs"))
    assert (loc, RDF.type, GEO.Point) in refgraph
    lat = refgraph.value(loc, GEO.lat)
    assert lat.datatype == XSD.decimal and len(str(lat).split(".")[1]) == 6
    assert refgraph.value(loc, SCHEMA.postalCode) == Literal("L12 2AP")
    assert set(refgraph.objects(loc, PROV.wasDerivedFrom)) == {
        source_iri("nspl-postcodes-2020-subset.csv"), source_iri("ods-etr-2025.csv")}
    # RYJ's 2025 postcode is not in the NSPL subset: its 2016 postcode is used and said so.
    ryj = refgraph.value(trust("RYJ"), GEO.location)
    assert "later postcode" in str(refgraph.value(ryj, GDE.coordinateMethod))
    assert source_iri("ods-etr-2016.csv") in set(refgraph.objects(ryj, PROV.wasDerivedFrom))


def copy_refdata(refdir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "refdata"
    shutil.copytree(refdir, target)
    for file in target.iterdir():
        file.chmod(0o644)
    return target


def test_osm_point_is_the_last_resort(refdir: Path, tmp_path: Path) -> None:
    target = copy_refdata(refdir, tmp_path)
    nspl = target / "nspl-postcodes-2020-subset.csv"
    lines = nspl.read_text().splitlines(keepends=True)
    nspl.write_text("".join(line for line in lines if not line.startswith("L12 2AP,")))
    g = reference_graph(["RBS"], target)
    loc = g.value(trust("RBS"), GEO.location)
    assert set(g.objects(loc, PROV.wasDerivedFrom)) == {source_iri("trust-points-2022.csv")}
    assert "OpenStreetMap" in str(g.value(loc, GDE.coordinateMethod))
    osm = load_reference(target).points["RBS"]
    assert point(g, "RBS") == (round(osm.lat, 6), round(osm.lon, 6))


def test_sources(refgraph: Graph, refdir: Path) -> None:
    datasets = set(refgraph.subjects(RDF.type, GDE.ReferenceDataset))
    assert len(datasets) == 6
    etr = source_iri("ods-etr-2016.csv")
    assert etr == URIRef("https://w3id.org/gdegraph/id/source/ods-etr-2016")
    assert refgraph.value(etr, GDE.localFile) == Literal("refdata/ods-etr-2016.csv")
    assert refgraph.value(etr, GDE.sha256) == Literal(
        hashlib.sha256((refdir / "ods-etr-2016.csv").read_bytes()).hexdigest())
    assert refgraph.value(etr, GDE.asOf) == Literal("2016", datatype=XSD.gYear)
    assert refgraph.value(etr, DCTERMS.license) == URIRef(
        "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
    points = source_iri("trust-points-2022.csv")
    assert refgraph.value(points, DCTERMS.license) == URIRef("https://opendatacommons.org/licenses/odbl/1-0/")
    assert "© OpenStreetMap contributors" in str(refgraph.value(points, DCTERMS.rights))
    nspl = source_iri("nspl-postcodes-2020-subset.csv")
    assert "Contains OS data © Crown copyright" in str(refgraph.value(nspl, DCTERMS.rights))
    assert "jah-photoshop/nhsparse" in str(refgraph.value(nspl, DCTERMS.source))
    assert (source_iri("README.md"), RDF.type, GDE.Source) in refgraph


def test_no_blank_nodes(refgraph: Graph) -> None:
    assert not any(isinstance(term, BNode) for triple in refgraph for term in triple)


def test_deterministic(refdir: Path, refgraph: Graph) -> None:
    again = reference_graph(reversed(IN_SCOPE), refdir)
    assert isomorphic(refgraph, again)
    def ntriples(g: Graph) -> list[str]:
        return sorted(g.serialize(format="nt").splitlines())

    assert ntriples(refgraph) == ntriples(again)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        reference_graph(["RBS"], tmp_path / "nowhere")


def test_missing_file(refdir: Path, tmp_path: Path) -> None:
    target = copy_refdata(refdir, tmp_path)
    (target / "trust-points-2022.csv").unlink()
    with pytest.raises(InputError) as caught:
        load_reference(target)
    assert caught.value.path == target / "trust-points-2022.csv"


@pytest.mark.parametrize("file, row, message", [
    ("ods-etr-2016.csv", "RZZ,SHORT ROW\n", "fields"),
    ("ods-etr-2016.csv", "RZZ,SOME NHS TRUST" + ",x" * 8 + ",20161301" + "," * 13 + "\n", "bad date"),
    ("ods-etr-2025.csv", '"RZZ","UNTERMINATED\n', "malformed CSV|fields"),
    ("ods-successors-2022.csv", "RBS,RZZ,2020-02-30\n", "bad date"),
    ("nspl-postcodes-2020-subset.csv", "ZZ1 1ZZ,east,1\n", "not a number"),
    ("trust-points-2022.csv", "RBS,Dup,open,-2.9,53.4\n", "listed twice"),
    ("nhs-england-regions-2020.csv", "Y62,E40000010,North West again\n", "listed twice"),
    ("nhs-england-regions-2020.csv", "Y99,E4000001,Nowhere\n", "bad ONS code"),
    ("nhs-england-regions-2020.csv", "North,E40000099,Nowhere\n", "bad region code"),
])
def test_malformed_row_names_file_and_line(
    refdir: Path, tmp_path: Path, file: str, row: str, message: str
) -> None:
    target = copy_refdata(refdir, tmp_path)
    path = target / file
    text = path.read_text(encoding="utf-8")
    path.write_text(text + row, encoding="utf-8", newline="")
    line = len(text.splitlines()) + 1
    with pytest.raises(InputError, match=message) as caught:
        load_reference(target)
    assert caught.value.path == path and caught.value.line == line
    assert f"{file}:{line}:" in str(caught.value)
