"""Reference data (NHS ODS, ONS postcodes, geocoded points) as RDF, for the trusts in scope.

The shared ``refdata/`` folder holds copies of public files (its README says
what each is, where it came from and under which licence). This module reads
them strictly -- a malformed row is an :class:`~gdegraph.errors.InputError`
naming file and line, never a silently skipped trust -- and turns the rows
about the trusts in scope into triples: codes, dated official names, open and
close dates, region, a WGS84 point, and the successor records, each traced to
the file it came from. Output depends only on the files' bytes and the codes
asked for (no blank nodes, no clock, no network), so a rebuild is identical.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from gdegraph import iris
from gdegraph.errors import InputError
from gdegraph.names import readable_name

__all__ = ["EtrRow", "PointRow", "ReferenceData", "Succession", "load_reference",
           "reference_graph", "source_iri", "unknown_codes"]

GDE = Namespace(iris.DEF)
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SCHEMA = Namespace("https://schema.org/")
OGL = URIRef("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
ODBL = URIRef("https://opendatacommons.org/licenses/odbl/1-0/")

ETR_2025, ETR_2016 = "ods-etr-2025.csv", "ods-etr-2016.csv"
SUCCESSORS, NSPL, POINTS, README = (
    "ods-successors-2022.csv", "nspl-postcodes-2020-subset.csv", "trust-points-2022.csv", "README.md")
#: Each reference file: (edition year, licence, title). Descriptions, origin and
#: attribution are copied from the README's table at load time.
FILES: dict[str, tuple[str, URIRef, str]] = {
    ETR_2025: ("2025", OGL, "NHS ODS etr.csv: NHS trusts in England, early 2025 edition"),
    ETR_2016: ("2016", OGL, "NHS ODS etr.csv: NHS trusts in England, early 2016 edition"),
    SUCCESSORS: ("2022", OGL, "NHS ODS successor records for NHS trust codes, 1992-2022"),
    NSPL: ("2020", OGL, "ONS Postcode Directory (NSPL, November 2020): trust HQ postcodes"),
    POINTS: ("2022", ODBL, "NHS trust points of the February 2022 list, geocoded with OpenStreetMap"),
}
_CODE = re.compile(r"^[A-Z0-9]{3,5}$")
_GAP = re.compile(r"\b([A-Z0-9]{3})->([A-Z0-9]{3}) \((\d{4}-\d{2}-\d{2})\)")
_FT = re.compile(r"(NHS|NATIONAL HEALTH SERVICE) FOUNDATION TRUST$", re.I)
_NT = re.compile(r"(NHS|NATIONAL HEALTH SERVICE) TRUST$", re.I)


@dataclass(frozen=True)
class EtrRow:
    """One organisation in an ``etr.csv`` edition (only the fields the graph uses)."""
    code: str
    name: str
    region: str
    postcode: str
    opened: date | None
    closed: date | None
    file: str
    line: int


@dataclass(frozen=True)
class PointRow:
    """One trust of ``trust-points-2022.csv`` (WGS84, geocoded from OpenStreetMap)."""
    code: str
    name: str
    status: str
    lon: float
    lat: float
    line: int


@dataclass(frozen=True, order=True)
class Succession:
    """A successor record ``old -> new`` on ``date``; ``file`` is the successor file or README."""
    date: date
    old: str
    new: str
    file: str
    line: int


@dataclass(frozen=True)
class ReferenceData:
    """The reference files, indexed by ODS code, for the graph and for name resolvers."""
    directory: Path
    etr: dict[str, dict[str, EtrRow]]  # file name -> code -> row
    points: dict[str, PointRow]
    postcodes: dict[str, tuple[int, int]]  # postcode -> (easting, northing)
    successions: tuple[Succession, ...]
    readme: dict[str, tuple[str, str, str]]  # file name -> (what, from, licence) from the README
    sha256: dict[str, str]

    def etr_rows(self, code: str) -> list[EtrRow]:
        """ODS rows for ``code``, latest edition first. Hand-added rows without an open
        date (R0A, R0B at the end of the 2016 file) are not ODS records of that edition."""
        rows = (self.etr[f].get(code) for f in (ETR_2025, ETR_2016))
        return [r for r in rows if r is not None and r.opened is not None]

    def official_names(self, code: str) -> list[tuple[str, str, str]]:
        """``(year, name, file)`` per edition listing ``code``: 2025, 2016, then the 2022 points."""
        out = [(FILES[r.file][0], r.name, r.file) for r in self.etr_rows(code)]
        if code in self.points:
            out.append(("2022", self.points[code].name, POINTS))
        return out


def _read(path: Path) -> tuple[str, str]:
    """Text and SHA-256 of a reference file; a missing or non-UTF-8 file is an InputError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("reference file is missing", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read reference file: {exc.strerror}", path=path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8", path=path, line=data[: exc.start].count(b"\n") + 1) from None
    return text, hashlib.sha256(data).hexdigest()


def _rows(path: Path, text: str, header: list[str] | None = None) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with line numbers; every row must have as many fields as the first."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    width = None
    try:
        for row in reader:
            if header is not None and reader.line_num == 1:
                if row != header:
                    raise InputError(f"header should be {','.join(header)}", path=path, line=1)
                continue
            width = width or len(row)
            if len(row) != width:
                raise InputError(f"expected {width} fields, found {len(row)}", path=path, line=reader.line_num)
            yield reader.line_num, row
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", path=path, line=reader.line_num) from None


def _check(ok: bool, message: str, path: Path, line: int) -> None:
    if not ok:
        raise InputError(message, path=path, line=line)


def _date(text: str, path: Path, line: int, iso: bool = False) -> date | None:
    """A ``YYYYMMDD`` (or, with ``iso``, ``YYYY-MM-DD``) date; empty means none."""
    if not text and not iso:
        return None
    try:
        return date.fromisoformat(text) if iso else date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise InputError(f"bad date {text!r}", path=path, line=line) from None


def _number(text: str, kind: type, low: float, high: float, path: Path, line: int) -> Any:
    try:
        value = kind(text)
    except ValueError:
        raise InputError(f"not a number: {text!r}", path=path, line=line) from None
    _check(low <= value <= high, f"{text} out of range [{low}, {high}]", path, line)
    return value


def _unique(index: dict, key: str, path: Path, line: int) -> None:
    _check(key not in index, f"{key} listed twice", path, line)


def _load_etr(path: Path, text: str) -> dict[str, EtrRow]:
    out: dict[str, EtrRow] = {}
    for line, r in _rows(path, text):
        _check(len(r) >= 12, f"expected at least 12 fields, found {len(r)}", path, line)
        _check(bool(_CODE.match(r[0]) and r[1].strip()), "missing organisation code or name", path, line)
        _unique(out, r[0], path, line)
        out[r[0]] = EtrRow(r[0], r[1], r[2], r[9], _date(r[10], path, line), _date(r[11], path, line),
                           path.name, line)
    return out


def _load_readme(path: Path, text: str) -> tuple[dict[str, tuple[str, str, str]], list[Succession]]:
    """The README's file table (markdown code marks removed) and its known successor gaps."""
    table: dict[str, tuple[str, str, str]] = {}
    gaps: list[Succession] = []
    for line, raw in enumerate(text.splitlines(), start=1):
        cells = [re.sub(r"`([^`]*)`", r"\1", c).strip() for c in raw.strip().strip("|").split("|")]
        if raw.startswith("| `") and len(cells) == 4:
            table[cells[0]] = (cells[1], cells[2], cells[3])
            if cells[0] == SUCCESSORS:
                gaps = [Succession(_date(d, path, line, iso=True), o, n, README, line)
                        for o, n, d in _GAP.findall(cells[1])]  # type: ignore[arg-type]
    for name in FILES:
        _check(name in table, f"the README's table has no row for {name}", path, 1)
    return table, gaps


def load_reference(refdata_dir: Path) -> ReferenceData:
    """Read and check every reference file; raises InputError for a missing or malformed one."""
    directory = Path(refdata_dir)
    if not directory.is_dir():
        raise InputError("the reference data folder does not exist", path=directory)
    texts, sha = {}, {}
    for name in (*FILES, README):
        texts[name], sha[name] = _read(directory / name)
    path = {name: directory / name for name in texts}
    readme, gaps = _load_readme(path[README], texts[README])
    postcodes: dict[str, tuple[int, int]] = {}
    for line, (pc, east, north) in _rows(path[NSPL], texts[NSPL]):
        _check(bool(pc.strip()), "empty postcode", path[NSPL], line)
        _unique(postcodes, pc, path[NSPL], line)
        postcodes[pc] = (_number(east, int, 0, 700_000, path[NSPL], line),
                         _number(north, int, 0, 1_300_000, path[NSPL], line))
    points: dict[str, PointRow] = {}
    for line, (code, name, status, lon, lat) in _rows(path[POINTS], texts[POINTS],
                                                       ["code", "name", "status", "lon", "lat"]):
        _check(bool(_CODE.match(code) and name.strip()), "missing code or name", path[POINTS], line)
        _unique(points, code, path[POINTS], line)
        points[code] = PointRow(code, name, status, _number(lon, float, -9, 3, path[POINTS], line),
                                _number(lat, float, 49, 61, path[POINTS], line), line)
    succ: set[Succession] = set()
    for line, (old, new, when) in _rows(path[SUCCESSORS], texts[SUCCESSORS], ["old_code", "new_code", "date"]):
        _check(bool(iris.ODS_TRUST_CODE.match(old) and iris.ODS_TRUST_CODE.match(new)),
               "codes must be 3 characters", path[SUCCESSORS], line)
        succ.add(Succession(_date(when, path[SUCCESSORS], line, iso=True), old, new,  # type: ignore[arg-type]
                            SUCCESSORS, line))
    known = {(s.old, s.new, s.date) for s in succ}
    succ.update(g for g in gaps if (g.old, g.new, g.date) not in known)
    etr = {name: _load_etr(path[name], texts[name]) for name in (ETR_2025, ETR_2016)}
    return ReferenceData(directory, etr, points, postcodes, tuple(sorted(succ)), readme, sha)


def unknown_codes(codes: Iterable[str], ref: ReferenceData) -> list[str]:
    """Codes (in input order, once each) that no ETR edition or the points file names.

    A code found only in the successor records counts as unknown: the graph
    would have no name for it, so a curator should look at it.
    """
    seen: dict[str, None] = {}
    for code in codes:
        if code not in seen and not ref.official_names(code):
            seen[code] = None
    return list(seen)


def source_iri(file_name: str) -> URIRef:
    """IRI of the source resource for a reference file (the README is ``refdata-readme``)."""
    key = "refdata-readme" if file_name == README else iris.slugify(Path(file_name).stem)
    return URIRef(iris.instance("source", key))


@lru_cache(maxsize=1)
def _to_wgs84() -> Any:
    """OSGB36 British National Grid -> WGS84, built once, never downloading grids."""
    import pyproj

    pyproj.network.set_network_enabled(False)
    return pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def _dec(value: float) -> Literal:
    return Literal(f"{value:.6f}", datatype=XSD.decimal)


def _scope(ref: ReferenceData, codes: list[str]) -> tuple[set[str], list[Succession]]:
    """Organisations: the codes, their successors transitively, their direct predecessors.
    Events: every succession record between two of those organisations."""
    succ: dict[str, list[Succession]] = defaultdict(list)
    pred: dict[str, list[Succession]] = defaultdict(list)
    for s in ref.successions:
        succ[s.old].append(s)
        pred[s.new].append(s)
    orgs, stack = set(codes), list(codes)
    while stack:
        for s in succ[stack.pop()]:
            if s.new not in orgs:
                orgs.add(s.new)
                stack.append(s.new)
    orgs |= {s.old for c in codes for s in pred[c]}
    return orgs, [s for s in ref.successions if s.old in orgs and s.new in orgs]


def _sources(g: Graph, ref: ReferenceData) -> None:
    for name, (year, licence, title) in FILES.items():
        node, (what, origin, rights) = source_iri(name), ref.readme[name]
        g.add((node, RDF.type, GDE.ReferenceDataset))
        g.add((node, DCTERMS.title, Literal(title, lang="en")))
        g.add((node, DCTERMS.description, Literal(what, lang="en")))
        g.add((node, DCTERMS.license, licence))
        g.add((node, DCTERMS.rights, Literal(rights, lang="en")))
        g.add((node, DCTERMS.source, Literal(origin)))
        g.add((node, GDE.asOf, Literal(year, datatype=XSD.gYear)))
    node = source_iri(README)
    g.add((node, RDF.type, GDE.Source))
    g.add((node, DCTERMS.title, Literal("README of the shared reference data folder", lang="en")))
    g.add((node, DCTERMS.description, Literal(
        "Describes each reference file, its origin and licence, and notes known gaps in the successor file.",
        lang="en")))
    for name in (*FILES, README):
        g.add((source_iri(name), GDE.localFile, Literal(f"refdata/{name}")))
        g.add((source_iri(name), GDE.sha256, Literal(ref.sha256[name])))


def _location(g: Graph, ref: ReferenceData, code: str, node: URIRef) -> None:
    """A geo:Point: NSPL grid reference of the latest (else the 2016) postcode, else the OSM point."""
    rows = ref.etr_rows(code)
    point = URIRef(iris.instance("location", code.lower()))
    found = next((r for r in rows if r.postcode in ref.postcodes), None)
    if found is not None:
        lon, lat = _to_wgs84().transform(*ref.postcodes[found.postcode])
        year = FILES[found.file][0]
        method = (f"Easting and northing (British National Grid, EPSG:27700) of the trust's HQ postcode "
                  f"{found.postcode} in the {year} ODS file, from the ONS NSPL November 2020 subset, "
                  "converted to WGS84 (EPSG:4326) with pyproj, network grids disabled")
        if found is not rows[0]:
            method += f"; the later postcode {rows[0].postcode} is not in the NSPL subset"
        sources = [NSPL, found.file]
        g.add((point, SCHEMA.postalCode, Literal(found.postcode)))
    elif code in ref.points:
        lon, lat = ref.points[code].lon, ref.points[code].lat
        method = ("Longitude and latitude (WGS84) from trust-points-2022.csv, geocoded from the trust's "
                  "postcode with OpenStreetMap Nominatim (ODbL, © OpenStreetMap contributors)")
        sources = [POINTS]
    else:
        return
    g.add((node, GEO.location, point))
    g.add((point, RDF.type, GEO.Point))
    g.add((point, GEO.lat, _dec(lat)))
    g.add((point, GEO.long, _dec(lon)))
    g.add((point, GDE.coordinateMethod, Literal(method, lang="en")))
    g.add((point, RDFS.label, Literal(f"Location of {code}", lang="en")))
    for name in sources:
        g.add((point, PROV.wasDerivedFrom, source_iri(name)))


def _organisation(g: Graph, ref: ReferenceData, code: str, regions: set[str]) -> None:
    node = URIRef(iris.trust(code))
    g.add((node, RDF.type, GDE.Trust))
    g.add((node, GDE.odsCode, Literal(code)))
    g.add((node, GDE.orgId, Literal(iris.org_id(code))))
    g.add((node, RDFS.seeAlso, URIRef(iris.ods_page(code))))
    names = ref.official_names(code)
    if not names:
        g.add((node, RDFS.label, Literal(f"ODS organisation {code}", lang="en")))
        g.add((node, GDE.identityNote, Literal(
            f"{code} appears only in the ODS successor records ({SUCCESSORS}); no ETR edition or "
            "points file in the reference data names it, so its name, dates and location are unknown here.",
            lang="en")))
        return
    latest = names[0][1]
    cls = GDE.NHSFoundationTrust if _FT.search(latest) else GDE.NHSTrust if _NT.search(latest) else None
    if cls is not None:
        g.add((node, RDF.type, cls))
    label = readable_name(latest)
    g.add((node, SKOS.prefLabel, Literal(label, lang="en")))
    g.add((node, RDFS.label, Literal(label, lang="en")))
    for year, name, file in names:
        record = URIRef(iris.instance("name", f"{code.lower()}-{year}"))
        g.add((node, GDE.officialName, record))
        g.add((record, RDF.type, GDE.NameRecord))
        g.add((record, GDE.nameText, Literal(name)))
        g.add((record, GDE.asOf, Literal(year, datatype=XSD.gYear)))
        g.add((record, GDE.recordedIn, source_iri(file)))
        g.add((record, RDFS.label, Literal(f"{code} official name in the {year} file: {name}", lang="en")))
        if readable_name(name) != label:
            g.add((node, SKOS.altLabel, Literal(readable_name(name), lang="en")))
    rows = ref.etr_rows(code)
    if rows:
        row = rows[0]
        for prop, value in ((GDE.odsOpenDate, row.opened), (GDE.odsCloseDate, row.closed)):
            if value is not None:
                g.add((node, prop, Literal(value.isoformat(), datatype=XSD.date)))
        if row.postcode:
            g.add((node, SCHEMA.postalCode, Literal(row.postcode)))
        if re.fullmatch(r"Y\d\d", row.region):
            regions.add(row.region)
            g.add((node, GDE.nhsRegion, URIRef(iris.instance("region", row.region.lower()))))
    _location(g, ref, code, node)


def _change_type(ref: ReferenceData, s: Succession) -> str | None:
    """dissolution (several successors that day), merger (new code opened that day),
    acquisition (new code already open); None when the open date is unknown or later."""
    if len({x.new for x in ref.successions if x.old == s.old and x.date == s.date}) > 1:
        return "dissolution"
    rows = ref.etr_rows(s.new)
    opened = rows[0].opened if rows else None
    if opened == s.date:
        return "merger"
    return "acquisition" if opened is not None and opened < s.date else None


def _change(g: Graph, ref: ReferenceData, s: Succession) -> None:
    when = s.date.isoformat()
    node = URIRef(iris.instance("change", f"{s.old.lower()}-to-{s.new.lower()}-{when}"))
    old, new = URIRef(iris.trust(s.old)), URIRef(iris.trust(s.new))
    g.add((node, RDF.type, ORG.ChangeEvent))
    g.add((node, ORG.originalOrganization, old))
    g.add((node, ORG.resultingOrganization, new))
    g.add((node, DCTERMS.date, Literal(when, datatype=XSD.date)))
    g.add((node, PROV.wasDerivedFrom, source_iri(s.file)))
    g.add((node, RDFS.label, Literal(f"{s.old} → {s.new}, {when}", lang="en")))
    g.add((old, ORG.changedBy, node))
    g.add((new, ORG.resultedFrom, node))
    kind = _change_type(ref, s)
    if kind is not None:
        g.add((node, GDE.changeType, URIRef(iris.instance("concept", f"change-type-{kind}"))))
    else:
        g.add((node, RDFS.comment, Literal(
            "Change type not determined: the reference files give no open date for the resulting "
            "organisation on or before this date.", lang="en")))
    if s.file == README:
        g.add((node, RDFS.comment, Literal(
            f"Not in {SUCCESSORS}: taken from the reference data README's note of known gaps "
            "in the successor file.", lang="en")))


def _regions(g: Graph, regions: set[str]) -> None:
    scheme = URIRef(iris.instance("scheme", "nhs-region"))
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal("NHS England regions (ODS national groupings)", lang="en")))
    for code in regions:
        node = URIRef(iris.instance("region", code.lower()))
        for p, o in ((RDF.type, GDE.Region), (RDF.type, SKOS.Concept), (SKOS.inScheme, scheme),
                     (SKOS.topConceptOf, scheme), (SKOS.notation, Literal(code)),
                     (SKOS.prefLabel, Literal(f"NHS England region {code}", lang="en")),
                     (SKOS.editorialNote, Literal(
                         "The reference files give only this ODS national grouping code; the region's "
                         "name is not recorded in them and no authoritative list was found.", lang="en"))):
            g.add((node, p, o))
        g.add((scheme, SKOS.hasTopConcept, node))


def reference_graph(trust_codes: Iterable[str], refdata_dir: Path) -> Graph:
    """Triples for the given ODS codes, the organisations their succession records reach,
    the regions and the reference file sources. Unknown codes are an InputError."""
    ref = load_reference(refdata_dir)
    codes = sorted(set(trust_codes))
    unknown = unknown_codes(codes, ref)
    if unknown:
        raise InputError(f"ODS codes not in the reference data: {', '.join(unknown)}",
                         path=Path(refdata_dir), hint="check the codes with gdegraph.refdata.unknown_codes()")
    orgs, events = _scope(ref, codes)
    g = Graph()
    for prefix, ns in (("gde", GDE), ("geo", GEO), ("schema", SCHEMA), ("org", ORG), ("prov", PROV),
                       ("dcterms", DCTERMS), ("skos", SKOS)):
        g.bind(prefix, ns)
    _sources(g, ref)
    regions: set[str] = set()
    for code in sorted(orgs):
        _organisation(g, ref, code, regions)
    for s in events:
        _change(g, ref, s)
    _regions(g, regions)
    return g
