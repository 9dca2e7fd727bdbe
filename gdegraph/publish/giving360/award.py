"""What one funding award says: which trusts receive it and on what date.

An award in the graph is made to a trust, a tier, a wave, a partnership or a
programme, per recipient or in total; a 360Giving grant needs one trust and
a full date. The rules here decide both, or say why no trust can be named
(see :mod:`gdegraph.publish.giving360` for the whole mapping).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, XSD

from gdegraph.core.errors import InputError
from gdegraph.publish.giving360.graph_values import CONCEPT, GDE, label, one, slug

_PARTNER_ROLES = {URIRef(CONCEPT + "role-collaboration-partner"), URIRef(CONCEPT + "role-area-partner")}
_CORRECTED = URIRef(CONCEPT + "status-corrected")
#: A withdrawn member (a fast follower dropped before funding) receives no grant.
_WITHDRAWN = URIRef(CONCEPT + "status-withdrawn")
#: How precise a date of each datatype is.
PRECISION = {XSD.date: "day", XSD.gYearMonth: "month", XSD.gYear: "year"}


@dataclass(frozen=True)
class Award:
    """What one ``gde:FundingAward`` says, read from the union graph."""

    iri: URIRef
    g: Graph

    def get(self, *preds: URIRef) -> Any:
        """The award's value of the first of ``preds`` that has one (see :func:`one`)."""
        return one(self.g, self.iri, *preds)

    @property
    def groups(self) -> list[URIRef]:
        """The tier, wave and programme the award belongs to, narrowest first."""
        return [x for x in (self.get(GDE.inTier), self.get(GDE.inWave), self.get(GDE.inProgramme)) if x]


def recipients(a: Award) -> tuple[list[tuple[URIRef, URIRef | None]], str]:
    """``[(trust, membership)]`` receiving the award, and how they were found (or why none)."""
    g, recipient, allocation = a.g, a.get(GDE.recipient), slug(a.get(GDE.allocation))
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
                         _PARTNER_ROLES and g.value(m, GDE.status) not in (_CORRECTED, _WITHDRAWN)
                         and (g.value(m, GDE.member), RDF.type, GDE.Trust) in g)
        if not members:
            return [], f"per recipient to {label(g, recipient)}, but the sources name none of its members"
        return members, f"each member trust of {label(g, recipient)} receives the amount"
    if (recipient, RDF.type, ORG.OrganizationalCollaboration) in g and allocation == "allocation-total":
        wave = a.get(GDE.inWave)
        leads = sorted((t, m) for t in g.objects(recipient, ORG.hasMember) if (t, RDF.type, GDE.Trust) in g
                       for m in g.subjects(GDE.member, t) if g.value(m, GDE.inWave) == wave
                       and g.value(m, GDE.role) not in _PARTNER_ROLES)
        if len(leads) == 1:
            return leads, (f"made to {label(g, recipient)} through its lead trust, the only partner that "
                           "is a programme member in its own right")
        return [], f"shared by {label(g, recipient)} in total, with no single lead trust"
    if allocation == "allocation-per-recipient":
        return [], (f"per recipient to {label(g, recipient)}, which has no named member trusts: "
                    "a term of the whole programme, not an award to known trusts")
    return [], f"shared in total by {label(g, recipient)}, so no single trust's grant is known"


def award_date(a: Award) -> tuple[str, Literal, URIRef]:
    """A full ``YYYY-MM-DD`` for ``awardDate``, the date it stands for, and whose date it is.

    The announcement date of the award, else of its tier, wave or programme,
    else its source's publication date; a month or year becomes its first day.
    """
    candidates = [(node, GDE.announcementDate) for node in (a.iri, *a.groups)]
    candidates += [(a.get(PROV.wasDerivedFrom), p) for p in (DCTERMS.issued, DCTERMS.modified)]
    for node, prop in candidates:
        value = one(a.g, node, prop)
        if isinstance(value, Literal) and value.datatype in PRECISION:
            return str(value) + {"day": "", "month": "-01", "year": "-01-01"}[PRECISION[value.datatype]], value, node
    raise InputError(f"award {a.iri} has no announcement or source date to use as its award date")

