"""Reference data (NHS ODS, ONS postcodes, geocoded points, region names) as RDF, for the trusts in scope.

The rows come from :mod:`gdegraph.sources.refdata_files`, which reads the shared
``refdata/`` files strictly (a malformed row is an
:class:`~gdegraph.core.errors.InputError` naming file and line). This module turns
the rows about the trusts in scope into triples: codes, dated official names,
open and close dates, region (named from the 2020 regions file), a WGS84 point,
and the successor records, each traced to the file it came from. Output depends only on the files' bytes and
the codes asked for (no blank nodes, no clock, no network), so a rebuild is
identical.

The reading API (:func:`load_reference`, :func:`unknown_codes`, the row
classes) is re-exported here so callers can keep importing it from
``gdegraph.sources.refdata``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from gdegraph.model import iris
from gdegraph.core.errors import InputError
from gdegraph.model.names import readable_name
# The reading API and the file constants are re-exported: callers import them from here.
from gdegraph.sources.refdata_files import (
    ETR_2016,
    ETR_2025,
    FILES,
    NSPL,
    ODBL,
    OGL,
    POINTS,
    README,
    REGIONS,
    SUCCESSORS,
    EtrRow,
    PointRow,
    ReferenceData,
    Succession,
    load_reference,
    unknown_codes,
)

__all__ = ["EtrRow", "PointRow", "ReferenceData", "Succession", "load_reference",
           "reference_graph", "source_iri", "unknown_codes", "wgs84_points"]

GDE = Namespace(iris.DEF)
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SCHEMA = Namespace("https://schema.org/")

_NHS_TRUST_CODE = re.compile(r"^R[A-Z0-9]{2}$")  # PCT (5xx) and site (5-character) codes are not trusts
_FT = re.compile(r"(NHS|NATIONAL HEALTH SERVICE) FOUNDATION TRUST$", re.I)
_NT = re.compile(r"(NHS|NATIONAL HEALTH SERVICE) TRUST$", re.I)


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


def wgs84_points(ref: ReferenceData) -> dict[str, tuple[float, float]]:
    """(longitude, latitude) of every NSPL postcode, converted in one call.

    Why all of them, and apart: the build runs this in a thread as soon as the reference files are
    read, and PROJ, which takes longer to find its transformation than to use it, releases the GIL
    meanwhile, so it costs the build no time while the Turtle files load. Each point is converted as
    it would be alone (the same PROJ call per point), so the coordinates are the same.
    """
    codes = sorted(ref.postcodes)
    if not codes:
        return {}
    eastings, northings = zip(*(ref.postcodes[code] for code in codes))
    lons, lats = _to_wgs84().transform(list(eastings), list(northings))
    return dict(zip(codes, zip(lons, lats)))


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


def _location(g: Graph, ref: ReferenceData, code: str, node: URIRef, points: Mapping[str, tuple[float, float]]) -> None:
    """A geo:Point: NSPL grid reference of the latest (else the 2016) postcode (``points``: converted), else the
    OSM point."""
    rows = ref.etr_rows(code)
    point = URIRef(iris.instance("location", code.lower()))
    found = next((r for r in rows if r.postcode in ref.postcodes), None)
    if found is not None:
        lon, lat = points[found.postcode]
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


def _organisation(g: Graph, ref: ReferenceData, code: str, regions: set[str],
                  points: Mapping[str, tuple[float, float]]) -> None:
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
    _location(g, ref, code, node, points)


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


def _regions(g: Graph, ref: ReferenceData, regions: set[str]) -> None:
    """The regions the trusts are in: named from the 2020 regions file (its ONS code kept as an
    identifier), or, for a code that file does not name (the 2013-2020 Y54, Y55, Y57 of the 2016 file), by code."""
    scheme = URIRef(iris.instance("scheme", "nhs-region"))
    _add(g, scheme, (RDF.type, SKOS.ConceptScheme),
         (SKOS.prefLabel, _en("NHS England regions (ODS national groupings)")))
    for code in sorted(regions):
        node = URIRef(iris.instance("region", code.lower()))
        _add(g, node, (RDF.type, GDE.Region), (RDF.type, SKOS.Concept), (SKOS.inScheme, scheme),
             (SKOS.topConceptOf, scheme), (SKOS.notation, Literal(code)))
        g.add((scheme, SKOS.hasTopConcept, node))
        row = ref.regions.get(code)
        if row is not None:
            _add(g, node, (SKOS.prefLabel, _en(row.name)), (RDFS.label, _en(row.name)),
                 (DCTERMS.identifier, Literal(row.ons_code)), (PROV.wasDerivedFrom, source_iri(REGIONS)))
            continue
        _add(g, node, (SKOS.prefLabel, _en(f"NHS England region {code}")),
             (RDFS.label, _en(f"NHS England region {code}")),
             (SKOS.editorialNote, _en(f"{REGIONS} does not name this ODS national grouping code (it lists the "
                                      "regions since April 2020; the 2013-2020 ones, Y54 to Y57, have no name "
                                      "file in the reference data), so the region is shown by its code.")))


def reference_graph(trust_codes: Iterable[str], refdata_dir: Path, *, into: Graph | None = None,
                    ref: ReferenceData | None = None, points: Mapping[str, tuple[float, float]] | None = None) -> Graph:
    """Triples for the given ODS codes, the organisations their succession records reach,
    the regions and the reference file sources. Unknown codes are an InputError.

    ``into`` (a dataset's named graph) receives the triples directly, which saves the
    build adding each of them twice; it is returned, its prefix bindings left alone.
    ``ref`` is the files of ``refdata_dir`` already read, ``points`` their :func:`wgs84_points`
    (the build has them ready); by default both are worked out here."""
    ref = ref if ref is not None else load_reference(refdata_dir)
    points = points if points is not None else wgs84_points(ref)
    codes = sorted(set(trust_codes))
    unknown = unknown_codes(codes, ref)
    if unknown:
        raise InputError(f"ODS codes not in the reference data: {', '.join(unknown)}", path=Path(refdata_dir),
                         hint="check the codes with gdegraph.sources.refdata.unknown_codes()")
    orgs, events = _scope(ref, codes)
    g = into if into is not None else Graph()
    for prefix, ns in (("gde", GDE), ("geo", GEO), ("schema", SCHEMA), ("org", ORG), ("prov", PROV),
                       ("dcterms", DCTERMS), ("skos", SKOS)) if into is None else ():
        g.bind(prefix, ns, override=True, replace=True)
    _sources(g, ref)
    regions: set[str] = set()
    for code in sorted(orgs):
        _organisation(g, ref, code, regions, points)
    for s in events:
        _change(g, ref, s)
    _regions(g, ref, regions)
    return g
