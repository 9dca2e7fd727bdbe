"""One 360Giving grant: an award as received by one trust.

The grant says everything the graph knows and the standard cannot hold
directly: an "up to" amount, a date known only to the month or year, the
membership's status and the sources, in the description and classifications.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, SKOS, XSD

from gdegraph.model import iris
from gdegraph.publish.giving360.award import PRECISION, Award, award_date
from gdegraph.publish.giving360.graph_values import GDE, SCHEMA, label, one, slug

ORG_ID_PREFIX, GRANT_ID_PREFIX = "XI-GDEGRAPH-", "GDEGRAPH-"


def _money(amount: Decimal) -> str:
    """``£6,000,000`` (pence only when there are some)."""
    return f"£{amount:,.0f}" if amount == amount.to_integral() else f"£{amount:,.2f}"


def _concept(g: Graph, concept: Any, title_prefix: str = "") -> dict[str, str]:
    """A 360Giving code list entry for a SKOS concept: its scheme, notation (or key) and label."""
    scheme = one(g, concept, SKOS.inScheme)
    return {"vocabulary": str(scheme or concept), "code": str(one(g, concept, SKOS.notation) or slug(concept)),
            "title": title_prefix + label(g, concept)}


def to_grant(a: Award, trust: URIRef, membership: URIRef | None, how: str) -> dict[str, Any] | str:
    """One 360Giving grant, or the reason the trust cannot be a recipient."""
    g = a.g
    code = one(g, trust, GDE.odsCode)
    if code is None:
        return "the trust has no ODS code in the reference data, so no GB-NHS identifier"
    funder, funder_basis = a.get(GDE.funder), ""
    if funder is None:
        funder = one(g, a.get(GDE.inProgramme), GDE.operatedBy)
        funder_basis = f" The source names no funder; {label(g, funder)} runs the programme." if funder else ""
    if funder is None:
        return "no funder is stated and the programme has no operator"
    amount = Decimal(str(a.get(SCHEMA.amount)))
    qualifier = a.get(GDE.amountQualifier)
    kind = slug(qualifier).removeprefix("amount-qualifier-")
    if kind == "maximum":
        money = f"Up to {_money(amount)}: a maximum ('up to'); with no exact sum, Amount Awarded holds it."
    elif kind == "minimum":
        money = f"More than {_money(amount)}: a minimum; Amount Awarded holds that minimum."
    elif kind == "range":
        low = Decimal(str(a.get(GDE.minimumAmount)))
        money = f"{_money(low)} to {_money(amount)}: a range; Amount Awarded holds its top."
    else:
        money = f"{_money(amount)}."
    date_text, date_value, date_of = award_date(a)
    precision = PRECISION[date_value.datatype]
    date_note = (f"Award date: {date_value} ({label(g, date_of)})." if precision == "day" else
                 f"Award date: the sources give only the {precision}, {date_value} ({label(g, date_of)}); "
                 f"{date_text} stands for it.")
    sources = sorted(set(g.objects(a.iri, PROV.wasDerivedFrom)) |
                     (set(g.objects(membership, PROV.wasDerivedFrom)) if membership else set()))
    recipient_status = g.value(membership, GDE.status) if membership else None
    status_note = (f" The trust's membership of {label(g, a.get(GDE.recipient))} is "
                   f"{label(g, recipient_status)}." if recipient_status is not None
                   and slug(recipient_status) != "status-announced" else "")
    quote = a.get(GDE.quote)
    name = label(g, trust)
    title = f"{label(g, a.iri)}: {name}"
    grant: dict[str, Any] = {
        "id": f"{GRANT_ID_PREFIX}{slug(a.iri)}-{code}",
        "title": title if len(title) < 140 else label(g, a.iri)[:139],
        "description": " ".join(x for x in (
            f"{label(g, a.iri)}. {money} Recipient: {name}; {how}.{status_note}{funder_basis}",
            date_note, f"Status of the award: {label(g, a.get(GDE.status))}.",
            f"Period: {a.get(GDE.period)}." if a.get(GDE.period) else "",
            "Source: " + "; ".join(label(g, s) for s in sources) + ".",
            f"Quote: “{quote}”" if quote else "") if x),
        "currency": str(a.get(SCHEMA.currency) or "GBP"),
        "amountAwarded": int(amount) if amount == amount.to_integral() else float(amount),
        "awardDate": date_text,
        "url": str(a.iri),
        "recipientOrganization": [{"id": str(one(g, trust, GDE.orgId) or iris.org_id(str(code))), "name": name}],
        "fundingOrganization": [{"id": ORG_ID_PREFIX + slug(funder), "name": label(g, funder)}],
        "grantProgramme": [{"code": slug(p), "title": label(g, p), "url": str(p)} for p in a.groups[-1:]],
        "fundingType": [_concept(g, a.get(GDE.fundingType))] if a.get(GDE.fundingType) else [],
        "classifications": [
            _concept(g, qualifier, "amount: ") if qualifier else None,
            _concept(g, a.get(GDE.status), "award status: "),
            _concept(g, recipient_status, "recipient membership status: ") if recipient_status else None,
            {"vocabulary": str(XSD), "code": str(date_value.datatype).removeprefix(str(XSD)),
             "title": f"award date precision: {precision}"}],
        "relatedDocument": [{"id": str(s), "title": label(g, s)} for s in sources],
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

