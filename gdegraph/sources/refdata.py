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

import pyoxigraph as ox
from rdflib import Graph, URIRef

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
from gdegraph.sources.vocab import DCTERMS, GDE, GEO, NAMESPACES, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, en, plain, typed

__all__ = ["EtrRow", "PointRow", "ReferenceData", "Succession", "load_reference",
           "reference_graph", "reference_triples", "source_iri", "unknown_codes", "wgs84_points"]

_Triples = list[tuple[Any, Any, Any]]  # pyoxigraph terms

_NHS_TRUST_CODE = re.compile(r"^R[A-Z0-9]{2}$")  # PCT (5xx) and site (5-character) codes are not trusts
_FT = re.compile(r"(NHS|NATIONAL HEALTH SERVICE) FOUNDATION TRUST$", re.I)
_NT = re.compile(r"(NHS|NATIONAL HEALTH SERVICE) TRUST$", re.I)


def source_iri(file_name: str) -> URIRef:
    """IRI of the source resource for a reference file (the README is ``refdata-readme``)."""
    return URIRef(_source(file_name).value)


@lru_cache(maxsize=None)
def _source(file_name: str) -> ox.NamedNode:
    key = "refdata-readme" if file_name == README else iris.slugify(Path(file_name).stem)
    return ox.NamedNode(iris.instance("source", key))


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


def _dec(value: float) -> ox.Literal:
    return typed(f"{value:.6f}", XSD.decimal)


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


def _add(g: _Triples, subject: ox.NamedNode, *pairs: tuple[Any, Any]) -> None:
    g.extend((subject, p, o) for p, o in pairs)


def _sources(g: _Triples, ref: ReferenceData) -> None:
    """One resource per file; description, origin and attribution are the README's words."""
    for name, (year, licence, title) in FILES.items():
        what, origin, rights = ref.readme[name]
        _add(g, _source(name), (RDF.type, GDE.ReferenceDataset), (DCTERMS.title, en(title)),
             (DCTERMS.description, en(what)), (DCTERMS.license, ox.NamedNode(str(licence))), (DCTERMS.rights, en(rights)),
             (DCTERMS.source, plain(origin)), (GDE.asOf, typed(year, XSD.gYear)))
    _add(g, _source(README), (RDF.type, GDE.Source),
         (DCTERMS.title, en("README of the shared reference data folder")),
         (DCTERMS.description, en("Describes each reference file, its origin and licence, "
                                   "and notes known gaps in the successor file.")))
    for name in (*FILES, README):
        _add(g, _source(name), (GDE.localFile, plain(f"refdata/{name}")),
             (GDE.sha256, plain(ref.sha256[name])))


def _location(g: _Triples, ref: ReferenceData, code: str, node: ox.NamedNode, points: Mapping[str, tuple[float, float]]) -> None:
    """A geo:Point: NSPL grid reference of the latest (else the 2016) postcode (``points``: converted), else the
    OSM point."""
    rows = ref.etr_rows(code)
    point = ox.NamedNode(iris.instance("location", code.lower()))
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
        g.append((point, SCHEMA.postalCode, plain(found.postcode)))
    elif code in ref.points:
        lon, lat = ref.points[code].lon, ref.points[code].lat
        method = ("Longitude and latitude (WGS84) from trust-points-2022.csv, geocoded from the trust's "
                  "postcode with OpenStreetMap Nominatim (ODbL, © OpenStreetMap contributors)")
        sources = [POINTS]
    else:
        return
    g.append((node, GEO.location, point))
    _add(g, point, (RDF.type, GEO.Point), (GEO.lat, _dec(lat)), (GEO.long, _dec(lon)),
         (GDE.coordinateMethod, en(method)), (RDFS.label, en(f"Location of {code}")),
         *((PROV.wasDerivedFrom, _source(name)) for name in sources))


def _organisation(g: _Triples, ref: ReferenceData, code: str, regions: set[str],
                  points: Mapping[str, tuple[float, float]]) -> None:
    """A trust (or an organisation reached through succession) with everything the files say."""
    node = ox.NamedNode(iris.trust(code))
    _add(g, node, (RDF.type, GDE.Trust), (GDE.odsCode, plain(code)),
         (GDE.orgId, plain(iris.org_id(code))), (RDFS.seeAlso, ox.NamedNode(iris.ods_page(code))))
    names = ref.official_names(code)
    if not names:
        _add(g, node, (RDFS.label, en(f"ODS organisation {code}")), (GDE.identityNote, en(
            f"{code} appears only in the ODS successor records ({SUCCESSORS}); no ETR edition or points "
            "file in the reference data names it, so its name, dates and location are unknown here.")))
        return
    latest = names[0][1]
    cls = GDE.NHSFoundationTrust if _FT.search(latest) else GDE.NHSTrust if _NT.search(latest) else None
    if cls is not None:
        g.append((node, RDF.type, cls))
    label = readable_name(latest)
    _add(g, node, (SKOS.prefLabel, en(label)), (RDFS.label, en(label)))
    for year, name, file in names:
        record = ox.NamedNode(iris.instance("name", f"{code.lower()}-{year}"))
        g.append((node, GDE.officialName, record))
        _add(g, record, (RDF.type, GDE.NameRecord), (GDE.nameText, plain(name)),
             (GDE.asOf, typed(year, XSD.gYear)), (GDE.recordedIn, _source(file)),
             (RDFS.label, en(f"{code} official name in the {year} file: {name}")))
        if readable_name(name) != label:
            g.append((node, SKOS.altLabel, en(readable_name(name))))
    rows = ref.etr_rows(code)
    if rows:
        row = rows[0]
        for prop, value in ((GDE.odsOpenDate, row.opened), (GDE.odsCloseDate, row.closed)):
            if value is not None:
                g.append((node, prop, typed(value.isoformat(), XSD.date)))
        if row.postcode:
            g.append((node, SCHEMA.postalCode, plain(row.postcode)))
        if re.fullmatch(r"Y\d\d", row.region):
            regions.add(row.region)
            g.append((node, GDE.nhsRegion, ox.NamedNode(iris.instance("region", row.region.lower()))))
    _location(g, ref, code, node, points)


def _dissolutions(ref: ReferenceData) -> set[tuple[str, Any]]:
    """(old code, date) of every record that gives an organisation several successors on one day."""
    successors: dict[tuple[str, Any], set[str]] = defaultdict(set)
    for x in ref.successions:
        successors[x.old, x.date].add(x.new)
    return {key for key, codes in successors.items() if len(codes) > 1}


def _change_type(ref: ReferenceData, s: Succession, dissolutions: set[tuple[str, Any]]) -> str | None:
    """dissolution (several successors that day), merger (new code opened that day),
    acquisition (new code already open); None when the open date is unknown or later."""
    if (s.old, s.date) in dissolutions:
        return "dissolution"
    rows = ref.etr_rows(s.new)
    opened = rows[0].opened if rows else None
    if opened == s.date:
        return "merger"
    return "acquisition" if opened is not None and opened < s.date else None


def _change(g: _Triples, ref: ReferenceData, s: Succession, dissolutions: set[tuple[str, Any]]) -> None:
    when = s.date.isoformat()
    node = ox.NamedNode(iris.instance("change", f"{s.old.lower()}-to-{s.new.lower()}-{when}"))
    old, new = ox.NamedNode(iris.trust(s.old)), ox.NamedNode(iris.trust(s.new))
    _add(g, node, (RDF.type, ORG.ChangeEvent), (ORG.originalOrganization, old),
         (ORG.resultingOrganization, new), (DCTERMS.date, typed(when, XSD.date)),
         (PROV.wasDerivedFrom, _source(s.file)),
         (RDFS.label, en(f"{s.old} → {s.new}, {when}")))
    g.append((old, ORG.changedBy, node))
    g.append((new, ORG.resultedFrom, node))
    kind = _change_type(ref, s, dissolutions)
    if kind is not None:
        g.append((node, GDE.changeType, ox.NamedNode(iris.instance("concept", f"change-type-{kind}"))))
    else:
        g.append((node, RDFS.comment, en("Change type not determined: the reference files give no open "
                                       "date for the resulting organisation on or before this date.")))
    if s.file == README:
        g.append((node, RDFS.comment, en(f"Not in {SUCCESSORS}: taken from the reference data README's "
                                       "note of known gaps in the successor file.")))


def _regions(g: _Triples, ref: ReferenceData, regions: set[str]) -> None:
    """The regions the trusts are in: named from the 2020 regions file (its ONS code kept as an
    identifier), or, for a code that file does not name (the 2013-2020 Y54, Y55, Y57 of the 2016 file), by code."""
    scheme = ox.NamedNode(iris.instance("scheme", "nhs-region"))
    _add(g, scheme, (RDF.type, SKOS.ConceptScheme),
         (SKOS.prefLabel, en("NHS England regions (ODS national groupings)")))
    for code in sorted(regions):
        node = ox.NamedNode(iris.instance("region", code.lower()))
        _add(g, node, (RDF.type, GDE.Region), (RDF.type, SKOS.Concept), (SKOS.inScheme, scheme),
             (SKOS.topConceptOf, scheme), (SKOS.notation, plain(code)))
        g.append((scheme, SKOS.hasTopConcept, node))
        row = ref.regions.get(code)
        if row is not None:
            _add(g, node, (SKOS.prefLabel, en(row.name)), (RDFS.label, en(row.name)),
                 (DCTERMS.identifier, plain(row.ons_code)), (PROV.wasDerivedFrom, _source(REGIONS)))
            continue
        _add(g, node, (SKOS.prefLabel, en(f"NHS England region {code}")),
             (RDFS.label, en(f"NHS England region {code}")),
             (SKOS.editorialNote, en(f"{REGIONS} does not name this ODS national grouping code (it lists the "
                                      "regions since April 2020; the 2013-2020 ones, Y54 to Y57, have no name "
                                      "file in the reference data), so the region is shown by its code.")))


def reference_graph(trust_codes: Iterable[str], refdata_dir: Path, *, ref: ReferenceData | None = None,
                    points: Mapping[str, tuple[float, float]] | None = None) -> Graph:
    """:func:`reference_triples` as an rdflib graph, the vocabularies' prefixes bound (for rdflib code and tests)."""
    from gdegraph.sources.oxigraph_terms import from_oxigraph

    g = Graph()
    for prefix in ("gde", "geo", "schema", "org", "prov", "dcterms", "skos"):
        g.bind(prefix, NAMESPACES[prefix], override=True, replace=True)
    for triple in reference_triples(trust_codes, refdata_dir, ref=ref, points=points):
        g.add(tuple(from_oxigraph(term) for term in triple))  # type: ignore[arg-type]
    return g


def reference_triples(trust_codes: Iterable[str], refdata_dir: Path, *, ref: ReferenceData | None = None,
                      points: Mapping[str, tuple[float, float]] | None = None) -> _Triples:
    """Triples (pyoxigraph terms, for the build's store) for the given ODS codes, the organisations their
    succession records reach, the regions and the reference file sources. Unknown codes are an InputError.

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
    g: _Triples = []
    _sources(g, ref)
    regions: set[str] = set()
    for code in sorted(orgs):
        _organisation(g, ref, code, regions, points)
    dissolutions = _dissolutions(ref)
    for s in events:
        _change(g, ref, s, dissolutions)
    _regions(g, ref, regions)
    return g
