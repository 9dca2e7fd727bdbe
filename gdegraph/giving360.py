"""The funding awards to trusts as a 360Giving data package and the flattened CSV GrantNav reads.

360Giving is the UK standard for grants data; publishing the awards in it puts
them in GrantNav beside other funders' grants. Where the graph and the
standard differ, the mapping says so rather than guessing (docs/publishing.md
explains each choice):

* one grant per award per identifiable trust: ``per recipient`` awards to a
  tier or wave expand to its member trusts (partners excluded); an ``in
  total`` award to a partnership goes to its one lead trust; other totals,
  corrected awards and trusts without an ODS code are listed in the
  package's ``excludedAwards``/``skippedRecipients`` with the reason;
* recipients are ``GB-NHS-{ODS code}``; funders, lacking an org-id.guide id
  in the sources, get gdegraph's own ``XI-GDEGRAPH-{slug}``; grant ids start
  ``GDEGRAPH-`` (gdegraph has no 360Giving publisher prefix);
* "up to" amounts put the maximum in the required ``amountAwarded`` and say
  so in the description and a classification; a month or year in place of
  the required full ``awardDate`` becomes its first day, and its precision
  is stated the same way;
* conflicting accounts of the same money are separate grants linked by
  ``relatedActivity``: they must not be added up.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from gdegraph import iris, paths
from gdegraph.errors import InputError, ValidationFailed

__all__ = ["CSV_COLUMNS", "CSV_FILE", "PACKAGE_FILE", "SCHEMA_IDS", "TITLES", "grants_package",
           "package_files", "schema_dir", "to_csv", "validate_package"]

PACKAGE_FILE = "awards-360giving.json"
CSV_FILE = "awards-360giving.csv"
TITLES = {PACKAGE_FILE: "Funding awards to trusts as a 360Giving data package (JSON)",
          CSV_FILE: "Funding awards to trusts as flattened 360Giving data (CSV, GrantNav columns)"}
_SCHEMA_BASE = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/"
PACKAGE_SCHEMA, GRANT_SCHEMA = "360-giving-package-schema.json", "360-giving-schema.json"
#: ``$id`` of the package and grant schemas in ../shared/standards/360giving.
SCHEMA_IDS = (_SCHEMA_BASE + "1.4.3/schema/" + PACKAGE_SCHEMA, _SCHEMA_BASE + "1.4.3/schema/" + GRANT_SCHEMA)
STANDARD_VERSION = "1.4"
ORG_ID_PREFIX, GRANT_ID_PREFIX = "XI-GDEGRAPH-", "GDEGRAPH-"
GDE, SCHEMA = Namespace(iris.DEF), Namespace("https://schema.org/")
_CONCEPT = iris.ID + "concept/"
_PARTNER_ROLES = {URIRef(_CONCEPT + "role-collaboration-partner"), URIRef(_CONCEPT + "role-area-partner")}
_CORRECTED = URIRef(_CONCEPT + "status-corrected")
_PRECISION = {XSD.date: "day", XSD.gYearMonth: "month", XSD.gYear: "year"}

#: Flattened CSV: (JSON path, column title). Titles are the schema's, joined with ':' as
#: flatten-tool and GrantNav do; the schema gives ``currency`` no title, GrantNav uses "Currency".
CSV_COLUMNS: tuple[tuple[tuple[str | int, ...], str], ...] = (
    (("id",), "Identifier"), (("title",), "Title"), (("description",), "Description"),
    (("currency",), "Currency"), (("amountAwarded",), "Amount Awarded"), (("awardDate",), "Award Date"),
    (("url",), "URL"),
    (("plannedDates", 0, "startDate"), "Planned Dates:Start Date"),
    (("plannedDates", 0, "endDate"), "Planned Dates:End Date"),
    (("plannedDates", 0, "duration"), "Planned Dates:Duration (months)"),
    (("recipientOrganization", 0, "id"), "Recipient Org:Identifier"),
    (("recipientOrganization", 0, "name"), "Recipient Org:Name"),
    (("fundingOrganization", 0, "id"), "Funding Org:Identifier"),
    (("fundingOrganization", 0, "name"), "Funding Org:Name"),
    (("grantProgramme", 0, "code"), "Grant Programme:Code"),
    (("grantProgramme", 0, "title"), "Grant Programme:Title"),
    (("grantProgramme", 0, "url"), "Grant Programme:URL"),
    (("relatedActivity",), "Related Activity"), (("dataSource",), "Data Source"),
)


def _one(g: Graph, s: Any, *preds: URIRef) -> Any:
    """The first value (in sorted order) of the first predicate that has one, or None."""
    for p in preds:
        values = sorted(g.objects(s, p))
        if values:
            return values[0]
    return None


def _label(g: Graph, s: Any) -> str:
    return str(_one(g, s, SKOS.prefLabel, RDFS.label, DCTERMS.title) or s)


def _slug(iri: Any) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def _money(amount: Decimal) -> str:
    return f"£{amount:,.0f}" if amount == amount.to_integral() else f"£{amount:,.2f}"


@dataclass(frozen=True)
class _Award:
    """What one ``gde:FundingAward`` says, read from the union graph."""

    iri: URIRef
    g: Graph

    def get(self, *preds: URIRef) -> Any:
        return _one(self.g, self.iri, *preds)

    @property
    def groups(self) -> list[URIRef]:
        """The tier, wave and programme the award belongs to, narrowest first."""
        return [x for x in (self.get(GDE.inTier), self.get(GDE.inWave), self.get(GDE.inProgramme)) if x]


def _recipients(a: _Award) -> tuple[list[tuple[URIRef, URIRef | None]], str]:
    """``[(trust, membership)]`` receiving the award, and how they were found (or why none)."""
    g, recipient, allocation = a.g, a.get(GDE.recipient), _slug(a.get(GDE.allocation))
    if a.get(GDE.status) == _CORRECTED:
        return [], "corrected by its source, so not a grant"
    if recipient is None:
        return [], "no recipient stated"
    if (recipient, RDF.type, GDE.Trust) in g:
        return [(recipient, None)], "awarded to the trust"
    is_tier = (recipient, RDF.type, GDE.Tier) in g
    group_property = GDE.inTier if is_tier else GDE.inWave
    if allocation == "allocation-per-recipient" and (is_tier or (recipient, RDF.type, GDE.Wave) in g):
        members = sorted((g.value(m, GDE.member), m) for m in g.subjects(group_property, recipient)
                         if (m, RDF.type, GDE.ProgrammeMembership) in g and g.value(m, GDE.role) not in
                         _PARTNER_ROLES and g.value(m, GDE.status) != _CORRECTED
                         and (g.value(m, GDE.member), RDF.type, GDE.Trust) in g)
        if not members:
            return [], f"per recipient to {_label(g, recipient)}, but the sources name none of its members"
        return members, f"each member trust of {_label(g, recipient)} receives the amount"
    if (recipient, RDF.type, ORG.OrganizationalCollaboration) in g and allocation == "allocation-total":
        wave = a.get(GDE.inWave)
        leads = sorted((t, m) for t in g.objects(recipient, ORG.hasMember) if (t, RDF.type, GDE.Trust) in g
                       for m in g.subjects(GDE.member, t) if g.value(m, GDE.inWave) == wave
                       and g.value(m, GDE.role) not in _PARTNER_ROLES)
        if len(leads) == 1:
            return leads, (f"made to {_label(g, recipient)} through its lead trust, the only partner that "
                           "is a programme member in its own right")
        return [], f"shared by {_label(g, recipient)} in total, with no single lead trust"
    if allocation == "allocation-per-recipient":
        return [], (f"per recipient to {_label(g, recipient)}, which has no named member trusts: "
                    "a term of the whole programme, not an award to known trusts")
    return [], f"shared in total by {_label(g, recipient)}, so no single trust's grant is known"


def _award_date(a: _Award) -> tuple[str, Literal, URIRef]:
    """A full ``YYYY-MM-DD`` for ``awardDate``, the date it stands for, and whose date it is.

    The announcement date of the award, else of its tier, wave or programme,
    else its source's publication date; a month or year becomes its first day.
    """
    candidates = [(node, GDE.announcementDate) for node in (a.iri, *a.groups)]
    candidates += [(a.get(PROV.wasDerivedFrom), p) for p in (DCTERMS.issued, DCTERMS.modified)]
    for node, prop in candidates:
        value = _one(a.g, node, prop)
        if isinstance(value, Literal) and value.datatype in _PRECISION:
            return str(value) + {"day": "", "month": "-01", "year": "-01-01"}[_PRECISION[value.datatype]], value, node
    raise InputError(f"award {a.iri} has no announcement or source date to use as its award date")


def _concept(g: Graph, concept: Any, title_prefix: str = "") -> dict[str, str]:
    scheme = _one(g, concept, SKOS.inScheme)
    return {"vocabulary": str(scheme or concept), "code": str(_one(g, concept, SKOS.notation) or _slug(concept)),
            "title": title_prefix + _label(g, concept)}


def _grant(a: _Award, trust: URIRef, membership: URIRef | None, how: str) -> dict[str, Any] | str:
    """One 360Giving grant, or the reason the trust cannot be a recipient."""
    g = a.g
    code = _one(g, trust, GDE.odsCode)
    if code is None:
        return "the trust has no ODS code in the reference data, so no GB-NHS identifier"
    funder, funder_basis = a.get(GDE.funder), ""
    if funder is None:
        funder = _one(g, a.get(GDE.inProgramme), GDE.operatedBy)
        funder_basis = f" The source names no funder; {_label(g, funder)} runs the programme." if funder else ""
    if funder is None:
        return "no funder is stated and the programme has no operator"
    amount = Decimal(str(a.get(SCHEMA.amount)))
    qualifier = a.get(GDE.amountQualifier)
    kind = _slug(qualifier).removeprefix("amount-qualifier-")
    if kind == "maximum":
        money = f"Up to {_money(amount)}: a maximum ('up to'); with no exact sum, Amount Awarded holds it."
    elif kind == "minimum":
        money = f"More than {_money(amount)}: a minimum; Amount Awarded holds that minimum."
    elif kind == "range":
        low = Decimal(str(a.get(GDE.minimumAmount)))
        money = f"{_money(low)} to {_money(amount)}: a range; Amount Awarded holds its top."
    else:
        money = f"{_money(amount)}."
    date_text, date_value, date_of = _award_date(a)
    precision = _PRECISION[date_value.datatype]
    date_note = (f"Award date: {date_value} ({_label(g, date_of)})." if precision == "day" else
                 f"Award date: the sources give only the {precision}, {date_value} ({_label(g, date_of)}); "
                 f"{date_text} stands for it.")
    sources = sorted(set(g.objects(a.iri, PROV.wasDerivedFrom)) |
                     (set(g.objects(membership, PROV.wasDerivedFrom)) if membership else set()))
    recipient_status = g.value(membership, GDE.status) if membership else None
    status_note = (f" The trust's membership of {_label(g, a.get(GDE.recipient))} is "
                   f"{_label(g, recipient_status)}." if recipient_status is not None
                   and _slug(recipient_status) != "status-announced" else "")
    quote = a.get(GDE.quote)
    name = _label(g, trust)
    title = f"{_label(g, a.iri)}: {name}"
    grant: dict[str, Any] = {
        "id": f"{GRANT_ID_PREFIX}{_slug(a.iri)}-{code}",
        "title": title if len(title) < 140 else _label(g, a.iri)[:139],
        "description": " ".join(x for x in (
            f"{_label(g, a.iri)}. {money} Recipient: {name}; {how}.{status_note}{funder_basis}",
            date_note, f"Status of the award: {_label(g, a.get(GDE.status))}.",
            f"Period: {a.get(GDE.period)}." if a.get(GDE.period) else "",
            "Source: " + "; ".join(_label(g, s) for s in sources) + ".",
            f"Quote: “{quote}”" if quote else "") if x),
        "currency": str(a.get(SCHEMA.currency) or "GBP"),
        "amountAwarded": int(amount) if amount == amount.to_integral() else float(amount),
        "awardDate": date_text,
        "url": str(a.iri),
        "recipientOrganization": [{"id": str(_one(g, trust, GDE.orgId) or iris.org_id(str(code))), "name": name}],
        "fundingOrganization": [{"id": ORG_ID_PREFIX + _slug(funder), "name": _label(g, funder)}],
        "grantProgramme": [{"code": _slug(p), "title": _label(g, p), "url": str(p)} for p in a.groups[-1:]],
        "fundingType": [_concept(g, a.get(GDE.fundingType))] if a.get(GDE.fundingType) else [],
        "classifications": [
            _concept(g, qualifier, "amount: ") if qualifier else None,
            _concept(g, a.get(GDE.status), "award status: "),
            _concept(g, recipient_status, "recipient membership status: ") if recipient_status else None,
            {"vocabulary": str(XSD), "code": str(date_value.datatype).removeprefix(str(XSD)),
             "title": f"award date precision: {precision}"}],
        "relatedDocument": [{"id": str(s), "title": _label(g, s)} for s in sources],
        "dataSource": str(a.iri),
    }
    grant["classifications"] = [c for c in grant["classifications"] if c]
    end_year = a.get(GDE.periodEndFinancialYear)
    years = a.get(GDE.durationYears)
    if end_year or years:
        event: dict[str, Any] = {"description": str(a.get(GDE.period) or "")}
        if end_year and re.fullmatch(r"\d{4}-\d{2}", str(end_year)):
            event["endDate"] = f"{int(str(end_year)[:4]) + 1}-03-31"  # UK financial years end on 31 March
        if years:
            event["duration"] = int(years) * 12
        grant["plannedDates"] = [event]
    return grant


def grants_package(ds: Dataset | Graph, *, release: Literal | None = None,
                   download_base: str = "") -> dict[str, Any]:
    """The 360Giving package: grants sorted by id, plus what was left out and why."""
    from gdegraph.build import union

    g = union(ds) if isinstance(ds, Dataset) else ds
    grants: dict[str, dict[str, Any]] = {}
    by_award: dict[URIRef, dict[URIRef, str]] = {}
    excluded, skipped = [], []
    for award_iri in sorted(g.subjects(RDF.type, GDE.FundingAward)):
        award = _Award(award_iri, g)
        recipients, how = _recipients(award)
        if not recipients:
            excluded.append({"award": str(award_iri), "title": _label(g, award_iri), "reason": how})
        for trust, membership in recipients:
            grant = _grant(award, trust, membership, how)
            if isinstance(grant, str):
                skipped.append({"award": str(award_iri), "recipient": str(trust), "name": _label(g, trust),
                                "reason": grant})
                continue
            grants[grant["id"]] = grant
            by_award.setdefault(award_iri, {})[trust] = grant["id"]
    for award_iri, per_trust in by_award.items():
        related = {o for p in (GDE.conflictsWith, GDE.correctedBy, GDE.corrects) for o in g.objects(award_iri, p)}
        related |= set(g.subjects(GDE.conflictsWith, award_iri))
        for trust, grant_id in per_trust.items():
            ids = sorted(by_award[o][trust] for o in related if trust in by_award.get(o, {}))
            if ids:
                grants[grant_id]["relatedActivity"] = ids
    package: dict[str, Any] = {
        "grants": [grants[k] for k in sorted(grants)],
        "version": STANDARD_VERSION,
        "title": "gdegraph: funding awards to NHS trusts in England's digital programmes",
        "description": (
            "Awards to NHS trusts announced for the Global Digital Exemplar, fast follower and Digital "
            "Aspirant programmes, as reported in trade-press articles and curated in the gdegraph knowledge "
            "graph. One grant per award per identifiable trust; awards per recipient to a tier or wave are "
            "expanded to its member trusts. 'Up to' amounts are maxima; award dates with only a month or "
            "year are the first day of it (see each grant's description and classifications). Grants "
            "linked by relatedActivity are conflicting accounts of the same money: do not add them up. "
            "excludedAwards and skippedRecipients list what is not here and why. Trust names: NHS ODS, "
            "Open Government Licence v3.0."),
        "identifier": "gdegraph-awards-360giving",
        "publisher": {"name": "gdegraph contributors"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "excludedAwards": excluded,
        "skippedRecipients": skipped,
    }
    if release is not None and release.datatype == XSD.date:
        package["issued"] = package["modified"] = str(release)
    if download_base:
        package["downloadURL"] = download_base + PACKAGE_FILE
    return package


def _cell(grant: Mapping[str, Any], path: tuple[str | int, ...]) -> str:
    value: Any = grant
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return ""
    return ";".join(value) if isinstance(value, list) else str(value)


def to_csv(package: Mapping[str, Any]) -> bytes:
    """One row per grant with the GrantNav column titles (:data:`CSV_COLUMNS`), UTF-8, CRLF lines."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for _, title in CSV_COLUMNS])
    for grant in package["grants"]:
        writer.writerow([_cell(grant, path) for path, _ in CSV_COLUMNS])
    return out.getvalue().encode("utf-8")


def schema_dir() -> Path:
    """``standards/360giving`` in the shared folder, where the schemas are kept."""
    return paths.shared_dir() / "standards" / "360giving"


_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def validate_package(package: Mapping[str, Any], directory: Path | None = None) -> list[str]:
    """Schema errors of a package (empty if valid), resolving every ``$ref`` locally, no network.

    The package schema refers to the grant schema by its 1.4.2 URL while the
    local copy says 1.4.3, so the local file is registered under both. The
    ``date-time`` and ``uri`` formats are checked here (``awardDate`` is a
    ``oneOf`` of a date-time and a date, which only works if formats are
    checked) without the optional packages jsonschema would otherwise need.
    """
    from urllib.parse import urlsplit

    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    directory = directory or schema_dir()
    try:
        schemas = {n: json.loads((directory / n).read_text(encoding="utf-8")) for n in (PACKAGE_SCHEMA, GRANT_SCHEMA)}
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the 360Giving schemas: {exc}", path=directory) from None
    grant = Resource(schemas[GRANT_SCHEMA], specification=DRAFT202012)
    registry = Registry().with_resources(
        [(schemas[GRANT_SCHEMA]["$id"], grant), (_SCHEMA_BASE + "1.4.2/schema/" + GRANT_SCHEMA, grant),
         (schemas[PACKAGE_SCHEMA]["$id"], Resource(schemas[PACKAGE_SCHEMA], specification=DRAFT202012))])
    formats = FormatChecker(formats=())
    formats.checks("date-time")(lambda v: not isinstance(v, str) or bool(_RFC3339.match(v)))
    formats.checks("uri")(lambda v: not isinstance(v, str) or bool(urlsplit(v).scheme and urlsplit(v).netloc))
    validator = Draft202012Validator(schemas[PACKAGE_SCHEMA], registry=registry, format_checker=formats)
    errors = sorted(validator.iter_errors(package), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(package)'}: " + (
        f"matches no {e.validator} alternative: " + "; ".join(sorted({sub.message for sub in e.context}))
        if e.context else e.message) for e in errors]


def package_files(ds: Dataset | Graph, *, release: Literal | None = None,
                  download_base: str = "") -> dict[str, bytes]:
    """``awards-360giving.json`` and ``.csv``; refuses to publish a package the schema rejects."""
    package = grants_package(ds, release=release, download_base=download_base)
    errors = validate_package(package)
    if errors:
        raise ValidationFailed("\n".join(errors), "the 360Giving package does not match its schema")
    text = json.dumps(package, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return {PACKAGE_FILE: text.encode("utf-8"), CSV_FILE: to_csv(package)}
