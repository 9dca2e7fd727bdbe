"""Reading the shared reference files (NHS ODS, ONS postcodes, geocoded points, region names) into an index.

The shared ``refdata/`` folder holds copies of public files (its README says
what each is, where it came from and under which licence). This module reads
them strictly -- a malformed row is an :class:`~gdegraph.core.errors.InputError`
naming file and line, never a silently skipped trust -- and indexes the rows
by ODS code (regions by their ODS national grouping code) in a :class:`ReferenceData`, so the RDF conversion in
:mod:`gdegraph.sources.refdata` and name resolvers ask one checked source. Reading is
kept apart from conversion so code that only needs names or codes need not
build a graph.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator

from rdflib import URIRef

from gdegraph.core import paths
from gdegraph.core.errors import InputError

__all__ = ["ETR_2016", "ETR_2025", "FILES", "NSPL", "POINTS", "README", "REGIONS", "SUCCESSORS", "EtrRow",
           "PointRow", "ReferenceData", "RegionRow", "Succession", "load_reference", "unknown_codes"]

OGL = URIRef("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
ODBL = URIRef("https://opendatacommons.org/licenses/odbl/1-0/")

ETR_2025, ETR_2016 = "ods-etr-2025.csv", "ods-etr-2016.csv"
SUCCESSORS, NSPL, POINTS, README = (
    "ods-successors-2022.csv", "nspl-postcodes-2020-subset.csv", "trust-points-2022.csv", "README.md")
REGIONS = "nhs-england-regions-2020.csv"
#: Each reference file: (edition year, licence, title). Descriptions, origin and
#: attribution are copied from the README's table at load time.
FILES: dict[str, tuple[str, URIRef, str]] = {
    ETR_2025: ("2025", OGL, "NHS ODS etr.csv: NHS trusts in England, early 2025 edition"),
    ETR_2016: ("2016", OGL, "NHS ODS etr.csv: NHS trusts in England, early 2016 edition"),
    SUCCESSORS: ("2022", OGL, "NHS ODS successor records for NHS trust codes, 1992-2022"),
    NSPL: ("2020", OGL, "ONS Postcode Directory (NSPL, November 2020): trust HQ postcodes"),
    POINTS: ("2022", ODBL, "NHS trust points of the February 2022 list, geocoded with OpenStreetMap"),
    REGIONS: ("2020", OGL, "NHS England regions since April 2020: ODS codes, ONS codes and names"),
}
_CODE = re.compile(r"^[A-Z0-9]{3,5}$")
_REGION = re.compile(r"^Y[0-9]{2}$")  # an ODS national grouping code, as field 3 of etr.csv has it
_ONS = re.compile(r"^E[0-9]{8}$")  # an ONS (GSS) code for England
_GAP = re.compile(r"\b([A-Z0-9]{3})->([A-Z0-9]{3}) \((\d{4}-\d{2}-\d{2})\)")


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


@dataclass(frozen=True)
class RegionRow:
    """One NHS England region of ``nhs-england-regions-2020.csv``: its ODS code, ONS code and name."""
    code: str
    ons_code: str
    name: str
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
    regions: dict[str, RegionRow]  # ODS region code (Y56, Y58-Y63) -> its 2020 row; older codes are absent

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
    return ReferenceData(directory, etr, points, postcodes, tuple(sorted(succ)), readme, sha,
                         _load_regions(path[REGIONS], texts[REGIONS]))


def _load_regions(path: Path, text: str) -> dict[str, RegionRow]:
    """The region names by ODS code; a code or ONS code out of shape, or listed twice, is an InputError."""
    out: dict[str, RegionRow] = {}
    for line, (code, ons, name) in _rows(path, text, 3, ["region_code", "ons_code", "name"]):
        _check(bool(_REGION.match(code)), f"bad region code {code!r} (expected Y and two digits)", path, line,
               out, code)
        _check(bool(_ONS.match(ons)), f"bad ONS code {ons!r} (expected E and eight digits)", path, line)
        _check(bool(name.strip()) and name == name.strip(), "empty name, or spaces around it", path, line)
        out[code] = RegionRow(code, ons, name, line)
    return out


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
