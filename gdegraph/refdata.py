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

from gdegraph import iris, paths
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
_NHS_TRUST_CODE = re.compile(r"^R[A-Z0-9]{2}$")  # PCT (5xx) and site (5-character) codes are not trusts
_GAP = re.compile(r"\b([A-Z0-9]{3})->([A-Z0-9]{3}) \((\d{4}-\d{2}-\d{2})\)")
_FT = re.compile(r"(NHS|NATIONAL HEALTH SERVICE) FOUNDATION TRUST$", re.I)
_NT = re.compile(r"(NHS|NATIONAL HEALTH SERVICE) TRUST$", re.I)


@dataclass(frozen=True)
class EtrRow:
    """One organisation in an ``etr.csv`` edition (the fields the graph uses)."""
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

    def successors(self, code: str) -> list[Succession]:
        """Successor records (file and README gaps) whose old code is ``code``, by date."""
        return [s for s in self.successions if s.old == code]

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


def _rows(path: Path, text: str, width: int | None = None,
          header: list[str] | None = None) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with line numbers; each has ``width`` fields (default: as many as the first row)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            line = reader.line_num
            if header is not None and line == 1:
                _check(row == header, f"header should be {','.join(header)}", path, line)
                continue
            width = width or len(row)
            _check(len(row) == width, f"expected {width} fields, found {len(row)}", path, line)
            yield line, row
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", path=path, line=reader.line_num) from None


def _check(ok: bool, message: str, path: Path, line: int,
           index: dict[str, Any] | None = None, key: str = "") -> None:
    """Raise InputError at ``path:line`` unless ``ok`` (and ``key`` is new to ``index``)."""
    if index is not None and key in index:
        ok, message = False, f"{key} listed twice"
    if not ok:
        raise InputError(message, path=path, line=line)


def _date(text: str, path: Path, line: int, iso: bool = False) -> date:
    """A ``YYYYMMDD`` (ETR) or, with ``iso``, ``YYYY-MM-DD`` date."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})" if iso else r"(\d{4})(\d{2})(\d{2})", text)
    try:
        if match:
            return date(*map(int, match.groups()))
    except ValueError:
        pass
    raise InputError(f"bad date {text!r}", path=path, line=line)


def _number(text: str, kind: type, low: float, high: float, path: Path, line: int) -> Any:
    try:
        value = kind(text)
    except ValueError:
        raise InputError(f"not a number: {text!r}", path=path, line=line) from None
    _check(low <= value <= high, f"{text} out of range [{low}, {high}]", path, line)
    return value


def _load_etr(path: Path, text: str) -> dict[str, EtrRow]:
    out: dict[str, EtrRow] = {}
    for line, r in _rows(path, text):
        _check(len(r) >= 12, f"expected at least 12 fields, found {len(r)}", path, line)
        _check(bool(_CODE.match(r[0]) and r[1].strip()), "bad code or no name", path, line, out, r[0])
        opened, closed = (_date(d, path, line) if d else None for d in (r[10], r[11]))
        out[r[0]] = EtrRow(r[0], r[1], r[2], r[9], opened, closed, path.name, line)
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
                        for o, n, d in _GAP.findall(cells[1])]
    for name in FILES:
        _check(name in table, f"the README's table has no row for {name}", path, 1)
    return table, gaps


def load_reference(refdata_dir: Path) -> ReferenceData:
    """Read and check every reference file; raises InputError for a missing or malformed one."""
    directory = paths.require_dir(Path(refdata_dir), "reference data")
    texts, sha = {}, {}
    for name in (*FILES, README):
        texts[name], sha[name] = _read(directory / name)
    path = {name: directory / name for name in texts}
    readme, gaps = _load_readme(path[README], texts[README])
    postcodes: dict[str, tuple[int, int]] = {}
    at = path[NSPL]
    for line, (pc, east, north) in _rows(at, texts[NSPL], 3):
        _check(bool(pc.strip()), "empty postcode", at, line, postcodes, pc)
        postcodes[pc] = (_number(east, int, 0, 700_000, at, line),
                         _number(north, int, 0, 1_300_000, at, line))
    points: dict[str, PointRow] = {}
    at = path[POINTS]
    header = ["code", "name", "status", "lon", "lat"]
    for line, (code, name, status, lon, lat) in _rows(at, texts[POINTS], 5, header):
        _check(bool(_CODE.match(code) and name.strip()), "bad code or no name", at, line, points, code)
        points[code] = PointRow(code, name, status, _number(lon, float, -9, 3, at, line),
                                _number(lat, float, 49, 61, at, line), line)
    succ: set[Succession] = set()
    at = path[SUCCESSORS]
    for line, (old, new, when) in _rows(at, texts[SUCCESSORS], 3, ["old_code", "new_code", "date"]):
        _check(bool(_CODE.match(old) and _CODE.match(new)), "bad ODS code", at, line)
        succ.add(Succession(_date(when, at, line, iso=True), old, new, SUCCESSORS, line))
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
    Events: every succession record between two of those organisations. Records to or
    from non-trust codes (PCTs, sites) are left out: they are not trusts."""
    succ: dict[str, list[Succession]] = defaultdict(list)
    pred: dict[str, list[Succession]] = defaultdict(list)
    trust_records = [s for s in ref.successions
                     if _NHS_TRUST_CODE.match(s.old) and _NHS_TRUST_CODE.match(s.new)]
    for s in trust_records:
        succ[s.old].append(s)
        pred[s.new].append(s)
    orgs, stack = set(codes), list(codes)
    while stack:
        for s in succ[stack.pop()]:
            if s.new not in orgs:
                orgs.add(s.new)
                stack.append(s.new)
    orgs |= {s.old for c in codes for s in pred[c]}
    return orgs, [s for s in trust_records if s.old in orgs and s.new in orgs]


def _add(g: Graph, subject: URIRef, *pairs: tuple[Any, Any]) -> None:
    for p, o in pairs:
        g.add((subject, p, o))


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def _sources(g: Graph, ref: ReferenceData) -> None:
    """One resource per file; description, origin and attribution are the README's words."""
    for name, (year, licence, title) in FILES.items():
        what, origin, rights = ref.readme[name]
        _add(g, source_iri(name), (RDF.type, GDE.ReferenceDataset), (DCTERMS.title, _en(title)),
             (DCTERMS.description, _en(what)), (DCTERMS.license, licence), (DCTERMS.rights, _en(rights)),
             (DCTERMS.source, Literal(origin)), (GDE.asOf, Literal(year, datatype=XSD.gYear)))
    _add(g, source_iri(README), (RDF.type, GDE.Source),
         (DCTERMS.title, _en("README of the shared reference data folder")),
         (DCTERMS.description, _en("Describes each reference file, its origin and licence, "
                                   "and notes known gaps in the successor file.")))
    for name in (*FILES, README):
        _add(g, source_iri(name), (GDE.localFile, Literal(f"refdata/{name}")),
             (GDE.sha256, Literal(ref.sha256[name])))


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
    _add(g, point, (RDF.type, GEO.Point), (GEO.lat, _dec(lat)), (GEO.long, _dec(lon)),
         (GDE.coordinateMethod, _en(method)), (RDFS.label, _en(f"Location of {code}")),
         *((PROV.wasDerivedFrom, source_iri(name)) for name in sources))


def _organisation(g: Graph, ref: ReferenceData, code: str, regions: set[str]) -> None:
    """A trust (or an organisation reached through succession) with everything the files say."""
    node = URIRef(iris.trust(code))
    _add(g, node, (RDF.type, GDE.Trust), (GDE.odsCode, Literal(code)),
         (GDE.orgId, Literal(iris.org_id(code))), (RDFS.seeAlso, URIRef(iris.ods_page(code))))
    names = ref.official_names(code)
    if not names:
        _add(g, node, (RDFS.label, _en(f"ODS organisation {code}")), (GDE.identityNote, _en(
            f"{code} appears only in the ODS successor records ({SUCCESSORS}); no ETR edition or points "
            "file in the reference data names it, so its name, dates and location are unknown here.")))
        return
    latest = names[0][1]
    cls = GDE.NHSFoundationTrust if _FT.search(latest) else GDE.NHSTrust if _NT.search(latest) else None
    if cls is not None:
        g.add((node, RDF.type, cls))
    label = readable_name(latest)
    _add(g, node, (SKOS.prefLabel, _en(label)), (RDFS.label, _en(label)))
    for year, name, file in names:
        record = URIRef(iris.instance("name", f"{code.lower()}-{year}"))
        g.add((node, GDE.officialName, record))
        _add(g, record, (RDF.type, GDE.NameRecord), (GDE.nameText, Literal(name)),
             (GDE.asOf, Literal(year, datatype=XSD.gYear)), (GDE.recordedIn, source_iri(file)),
             (RDFS.label, _en(f"{code} official name in the {year} file: {name}")))
        if readable_name(name) != label:
            g.add((node, SKOS.altLabel, _en(readable_name(name))))
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
    _add(g, node, (RDF.type, ORG.ChangeEvent), (ORG.originalOrganization, old),
         (ORG.resultingOrganization, new), (DCTERMS.date, Literal(when, datatype=XSD.date)),
         (PROV.wasDerivedFrom, source_iri(s.file)),
         (RDFS.label, _en(f"{s.old} → {s.new}, {when}")))
    g.add((old, ORG.changedBy, node))
    g.add((new, ORG.resultedFrom, node))
    kind = _change_type(ref, s)
    if kind is not None:
        g.add((node, GDE.changeType, URIRef(iris.instance("concept", f"change-type-{kind}"))))
    else:
        g.add((node, RDFS.comment, _en("Change type not determined: the reference files give no open "
                                       "date for the resulting organisation on or before this date.")))
    if s.file == README:
        g.add((node, RDFS.comment, _en(f"Not in {SUCCESSORS}: taken from the reference data README's "
                                       "note of known gaps in the successor file.")))


def _regions(g: Graph, regions: set[str]) -> None:
    scheme = URIRef(iris.instance("scheme", "nhs-region"))
    _add(g, scheme, (RDF.type, SKOS.ConceptScheme),
         (SKOS.prefLabel, _en("NHS England regions (ODS national groupings)")))
    for code in regions:
        node = URIRef(iris.instance("region", code.lower()))
        _add(g, node, (RDF.type, GDE.Region), (RDF.type, SKOS.Concept), (SKOS.inScheme, scheme),
             (SKOS.topConceptOf, scheme), (SKOS.notation, Literal(code)),
             (SKOS.prefLabel, _en(f"NHS England region {code}")),
             (RDFS.label, _en(f"NHS England region {code}")),
             (SKOS.editorialNote, _en("The reference files give only this ODS national grouping code; the "
                                      "region's name is not in them and no authoritative list was found.")))
        g.add((scheme, SKOS.hasTopConcept, node))


def reference_graph(trust_codes: Iterable[str], refdata_dir: Path) -> Graph:
    """Triples for the given ODS codes, the organisations their succession records reach,
    the regions and the reference file sources. Unknown codes are an InputError."""
    ref = load_reference(refdata_dir)
    codes = sorted(set(trust_codes))
    unknown = unknown_codes(codes, ref)
    if unknown:
        raise InputError(f"ODS codes not in the reference data: {', '.join(unknown)}", path=Path(refdata_dir),
                         hint="check the codes with gdegraph.refdata.unknown_codes()")
    orgs, events = _scope(ref, codes)
    g = Graph()
    for prefix, ns in (("gde", GDE), ("geo", GEO), ("schema", SCHEMA), ("org", ORG), ("prov", PROV),
                       ("dcterms", DCTERMS), ("skos", SKOS)):
        g.bind(prefix, ns, override=True, replace=True)
    _sources(g, ref)
    regions: set[str] = set()
    for code in sorted(orgs):
        _organisation(g, ref, code, regions)
    for s in events:
        _change(g, ref, s)
    _regions(g, regions)
    return g
