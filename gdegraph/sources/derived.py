"""Derived facts that make every answer right as of its date (issue 16).

The curated data states what each source said; answers need a little more, computed
here once at build time (into ``graph/inferred``) so the queries stay plain triple
patterns and top-level FILTERs on every engine:

* **status history**: each membership, pairing and award gets its steps
  (:class:`gde:StatusChange`); a statement with none has one implicit step, its
  status dated by its earliest source. Every step gets ``gde:validFrom`` (the first
  day of its date's period: 2018-01 counts from 2018-01-01) and, unless it is the
  latest, ``gde:validUntil`` (the next step's start), so "status as of D" is
  ``validFrom <= D < validUntil``. A tier's status as of D is the firmest of its
  members' (a tier of proposed followers is proposed, whatever its award says);
* **names as of the fact**: the trust's official name in the latest reference
  file dated on or before the statement's date (``gde:exemplarName`` ...), or the
  next file's name when a merger into the trust on or before that date marks the
  rename, not today's name; and what became of each trust (``gde:currentOrganisation``,
  ``gde:nowLabel``), saying so when a closed trust's successor is not in the files;
* **inference flags**: statements no source states (status *implied*) and values
  the curators derived (a funder the quote does not name, a pairing's wave) carry
  ``prov:wasGeneratedBy`` / ``prov:wasInfluencedBy`` a :class:`gde:InferenceRule`
  and ``gde:inferredProperty``, so queries can mark or exclude them.

Deterministic: the output depends only on the input graph (no clock).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from operator import attrgetter
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef

from gdegraph.model import iris
from gdegraph.model.names import readable_name
from gdegraph.sources.store_graph import GraphLookups, TripleSet
from gdegraph.sources.vocab import DCTERMS, GDE, NAMESPACES, ORG, PROV, RDF, RDFS, SKOS, XSD, en, plain, typed

#: Statement classes with a status history.
HISTORY_CLASSES = ("ProgrammeMembership", "Pairing", "FundingAward")
#: Trust-valued roles whose name is given as of the statement's date.
NAMED_ROLES = (("Pairing", "exemplar", "exemplarName"), ("Pairing", "follower", "followerName"),
               ("ProgrammeMembership", "member", "memberName"))
#: The gde:dateBasis of a first step dated by its source's modification date.
MODIFIED_BASIS = "The source's date of modification: its first publication date is not stated."
#: Inference rules: key -> (label, how).
RULES = {
    "implicit-status-step": ("Implicit status step", "A statement without dated steps has one: its status, "
                             "dated by the issue date of its earliest source."),
    "tier-status-from-members": ("Tier status from its members", "A tier's status as of a date is the firmest "
                                 "status of its memberships as of that date."),
    "exemplar-implied-by-pairing": ("Exemplar implied by a pairing", "A trust a source names as the exemplar "
                                    "of a pairing is a member of the exemplars' tier, though no source lists it."),
    "implied-by-curator": ("Implied in the source's context", "The curators read the statement from the "
                           "source's context; its rdfs:comment gives the reasoning."),
    "funder-from-programme-operator": ("Funder from the programme's operator", "The source does not name who "
                                       "pays; the body that runs the award's programme is taken as its funder."),
    "wave-from-tier": ("Wave from the tier", "The source lists the pairing under a heading or table; its wave "
                       "is the wave of the tier it is listed in."),
}


Term = Any  # a pyoxigraph term
_VALUE = attrgetter("value")  # terms sort by their IRI (or text), as rdflib sorts IRIs
_DATES = {XSD.gYear.value: "gYear", XSD.gYearMonth.value: "gYearMonth", XSD.date.value: "date",
          XSD.dateTime.value: "date"}


def period_start(value: Literal | ox.Literal) -> date | None:
    """First day of an xsd:date / gYearMonth / gYear value's period (an rdflib or a pyoxigraph literal);
    None if not a date."""
    if isinstance(value, ox.Literal):
        text, datatype = value.value, value.datatype.value
    else:
        text, datatype = str(value), str(value.datatype)
    kind = _DATES.get(datatype)
    try:
        if kind == "gYear":
            return date(int(text[:4]), 1, 1)
        if kind == "gYearMonth":
            return date(int(text[:4]), int(text[5:7]), 1)
        if kind == "date":
            return date.fromisoformat(text[:10])
    except ValueError:
        return None
    return None


def _text(term: Term | None) -> str:
    """A term's IRI or text (``None`` as an f-string spells it)."""
    return "None" if term is None else term.value


def _day(d: date) -> ox.Literal:
    return typed(d.isoformat(), XSD.date)


def _rank(g: GraphLookups, status: Term | None) -> int:
    value = g.value(status, GDE.statusRank) if status is not None else None
    return int(value.value) if value is not None else 2


def _rule(out: GraphLookups, key: str, premises: list[Term] = ()) -> ox.NamedNode:
    node = ox.NamedNode(iris.instance("rule", key))
    label, how = RULES[key]
    out.add((node, RDF.type, GDE.InferenceRule))
    out.add((node, RDF.type, PROV.Activity))
    out.add((node, RDFS.label, en(label)))
    out.add((node, RDFS.comment, en(how)))
    for premise in premises:
        out.add((node, PROV.used, premise))
    return node


_RDFLIB_SOURCE_TERMS = tuple(URIRef(NAMESPACES[prefix] + name) for prefix, name in (
    ("prov", "wasDerivedFrom"), ("dcterms", "issued"), ("dcterms", "modified")))


def earliest_source(g: Any, statement: Any) -> tuple[date | None, Any, Any]:
    """(first day, source, its date literal) of the statement's earliest source: what dates a first step.

    Shared with ``gdegraph ingest``, which writes that first step out when a later one is added,
    so the step it makes explicit is the one the build would have made. ``g`` holds the kind of
    term ``statement`` is: pyoxigraph's (the build's :class:`~gdegraph.sources.store_graph.StoreTerms`)
    or rdflib's (an rdflib graph).
    """
    rdflib_terms = not isinstance(statement, ox.NamedNode)
    derived_from, issued_date, modified_date = (_RDFLIB_SOURCE_TERMS if rdflib_terms else
                                                (PROV.wasDerivedFrom, DCTERMS.issued, DCTERMS.modified))
    dated = []
    for src in g.objects(statement, derived_from):
        # A source without an issue date (seed 003) counts from when it was last modified:
        # the facts it reports held by then at the latest.
        issued = g.value(src, issued_date) or g.value(src, modified_date)
        start = period_start(issued) if isinstance(issued, (Literal, ox.Literal)) else None
        dated.append((start or date.max, str(src) if rdflib_terms else src.value, src, issued))
    if not dated:
        return None, None, None
    start, _, src, issued = min(dated, key=lambda d: d[:2])
    return (None if start == date.max else start), src, issued


def _history(g: GraphLookups, out: GraphLookups) -> dict[Term, list[tuple[date | None, Term, Term]]]:
    """Steps of every statement, dated and linked; returns statement -> [(from, step, status)]."""
    histories: dict[Term, list[tuple[date | None, Term, Term]]] = {}
    for name in HISTORY_CLASSES:
        for statement in sorted(set(g.subjects(RDF.type, GDE[name])), key=_VALUE):
            steps = []
            for step in set(g.subjects(GDE.statusOf, statement)):
                when = g.value(step, GDE.statusDate)
                steps.append((period_start(when) if isinstance(when, ox.Literal) else None, step, g.value(step, GDE.status)))
            if not steps:
                start, src, issued = earliest_source(g, statement)
                step = ox.NamedNode(iris.status_change(statement.value, 1))
                status = g.value(statement, GDE.status)
                if status is None:
                    continue
                out.add((step, RDF.type, GDE.StatusChange))
                out.add((step, GDE.statusOf, statement))
                out.add((step, GDE.status, status))
                out.add((step, PROV.wasGeneratedBy, _rule(out, "implicit-status-step")))
                out.add((step, RDFS.label, en(f"status of {statement.value.rsplit('/', 2)[-2]} "
                                              f"{statement.value.rsplit('/', 1)[-1]} from its first source")))
                for source in g.objects(statement, PROV.wasDerivedFrom):  # all that state it
                    out.add((step, PROV.wasDerivedFrom, source))
                if issued is not None:
                    out.add((step, GDE.statusDate, issued))
                    if g.value(src, DCTERMS.issued) is None:
                        out.add((step, GDE.dateBasis, en(MODIFIED_BASIS)))
                quotes = sorted(q.value for q in g.objects(statement, GDE.quote))
                if quotes:
                    out.add((step, GDE.quote, plain(quotes[0])))
                for correction in g.objects(statement, GDE.correctedBy):  # a corrected step says by what
                    out.add((step, GDE.correctedBy, correction))
                steps.append((start, step, status))
            steps.sort(key=lambda s: (s[0] or date.min, s[1].value))
            for (start, step, _), following in zip(steps, [*steps[1:], None]):
                if start is not None:
                    out.add((step, GDE.validFrom, _day(start)))
                if following is not None and following[0] is not None:
                    out.add((step, GDE.validUntil, _day(following[0])))
            if steps[0][0] is not None:
                out.add((statement, GDE.validFrom, _day(steps[0][0])))
            histories[statement] = steps
    return histories


def _tier_status(g: GraphLookups, out: GraphLookups, histories: dict[Term, list]) -> None:
    """A tier's steps: at each change of any member, the firmest member status then current."""
    members: dict[Term, list[Term]] = defaultdict(list)
    for membership in g.subjects(RDF.type, GDE.ProgrammeMembership):
        role = g.value(membership, GDE.role)
        if role is not None and role.value.endswith(("-partner",)):
            continue
        for tier in g.objects(membership, GDE.inTier):
            members[tier].append(membership)
    rule = _rule(out, "tier-status-from-members")
    for tier, memberships in sorted(members.items(), key=lambda item: item[0].value):
        changes = sorted({s[0] for m in memberships for s in histories.get(m, ()) if s[0] is not None})
        previous = None
        steps: list[tuple[date, Term]] = []
        for day in changes:
            current = [_status_at(histories.get(m, ()), day) for m in memberships]
            best = max((s for s in current if s is not None), key=lambda s: (_rank(g, s), s.value), default=None)
            if best is not None and best != previous:
                steps.append((day, best))
                previous = best
        for n, ((day, status), following) in enumerate(zip(steps, [*steps[1:], None]), start=1):
            step = ox.NamedNode(iris.status_change(tier.value, n))
            # Not a gde:StatusChange (a sourced statement): it is computed, its rule says how.
            out.add((step, RDF.type, PROV.Entity))
            out.add((step, GDE.statusOf, tier))
            out.add((step, GDE.status, status))
            out.add((step, GDE.validFrom, _day(day)))
            out.add((step, PROV.wasGeneratedBy, rule))
            for membership in memberships:  # the premises: the members whose status the tier takes
                if _status_at(histories.get(membership, ()), day) == status:
                    out.add((step, PROV.wasInfluencedBy, membership))
            out.add((step, RDFS.label, en(f"status of tier {tier.value.rsplit('/', 1)[-1]} from its members")))
            if following is not None:
                out.add((step, GDE.validUntil, _day(following[0])))


def _status_at(steps: list[tuple[date | None, Term, Term]], day: date) -> Term | None:
    current = None
    for start, _, status in steps:
        if start is not None and start <= day:
            current = status
    return current


def _mergers_into(g: GraphLookups, trust: Term) -> list[date]:
    """Dates on which another organisation merged into ``trust`` (ODS successor records)."""
    days = []
    for event in g.objects(trust, ORG.resultedFrom):
        when = g.value(event, DCTERMS.date)
        if when is not None and g.value(event, ORG.originalOrganization) != trust:
            days.append(date.fromisoformat(when.value[:10]))
    return sorted(days)


def name_as_of(g: GraphLookups, trust: Term, day: date | None) -> str | None:
    """The trust's official name on ``day``, from the dated reference files.

    The latest file dated on or before ``day`` gives the name, unless a later file
    names the trust differently and an organisation merged into it between the two
    files on or before ``day``: the reference files do not date renames, but a trust
    that absorbs another takes its new name with the merger (Cumbria Partnership was
    North Cumbria Integrated Care from the 2019 merger, so a 2021 membership uses
    the new name while a 2017 one keeps the old). Without such a merger the earlier
    name stands, as no file says it had changed by then.
    """
    records = []
    for record in g.objects(trust, GDE.officialName):
        year, text = g.value(record, GDE.asOf), g.value(record, GDE.nameText)
        if year is not None and text is not None:
            records.append((int(year.value[:4]), text.value))
    if not records:
        label = g.value(trust, SKOS.prefLabel)
        return label.value if label is not None else None
    records.sort()
    chosen = records[0]
    for year, text in records:
        if day is not None and year <= day.year:
            chosen = (year, text)
    if day is not None:
        mergers = [d for d in _mergers_into(g, trust) if chosen[0] < d.year and d <= day]
        for year, text in records:
            if year > chosen[0] and text != chosen[1] and any(d.year <= year for d in mergers):
                chosen = (year, text)
                break
    return readable_name(chosen[1])


def _names(g: GraphLookups, out: GraphLookups) -> None:
    for cls, role, prop in NAMED_ROLES:
        for statement in set(g.subjects(RDF.type, GDE[cls])):
            since = g.value(statement, GDE.validFrom)
            if since is None:
                since = out.value(statement, GDE.validFrom)
            day = date.fromisoformat(since.value) if since is not None else None
            for trust in g.objects(statement, GDE[role]):
                name = name_as_of(g, trust, day)
                if name is not None:
                    out.add((statement, GDE[prop], en(name)))


def _successors(g: GraphLookups, trust: Term) -> list[Term]:
    return sorted({g.value(event, ORG.resultingOrganization) for event in g.objects(trust, ORG.changedBy)
                   if g.value(event, ORG.originalOrganization) == trust} - {None, trust}, key=_VALUE)


def fate(g: GraphLookups, trust: Term, seen: frozenset = frozenset()) -> tuple[list[Term], str]:
    """(open organisations the trust is now part of, the words for it)."""
    label = next((t for t in (g.value(trust, SKOS.prefLabel), g.value(trust, RDFS.label)) if t is not None), trust).value
    closed = g.value(trust, GDE.odsCloseDate)
    if closed is None:
        return [trust], label
    successors = [s for s in _successors(g, trust) if s not in seen]
    if not successors:
        return [], f"closed {closed.value}; successor not in the reference data"
    current: list[Term] = []
    words = []
    for successor in successors:
        now, text = fate(g, successor, seen | {trust})
        current += now
        code = _text(g.value(successor, GDE.odsCode))
        words.append(f"{text} ({code})" if now == [successor] else f"{code}, since {text}")
    return sorted(set(current), key=_VALUE), f"closed {closed.value}; now part of " + " and ".join(words)


def _fates(g: GraphLookups, out: GraphLookups) -> None:
    for trust in sorted({t for c in (GDE.Trust, GDE.NHSTrust, GDE.NHSFoundationTrust) for t in g.subjects(RDF.type, c)},
                        key=_VALUE):
        current, words = fate(g, trust)
        for organisation in current:
            out.add((trust, GDE.currentOrganisation, organisation))
        out.add((trust, GDE.nowLabel, en(words)))


def _labels(g: GraphLookups, node: Term) -> list[str]:
    return [v.value.lower() for p in (SKOS.prefLabel, SKOS.altLabel, RDFS.label) for v in g.objects(node, p)]


def _inferences(g: GraphLookups, out: GraphLookups) -> None:
    implied = ox.NamedNode(iris.instance("concept", "status-implied"))
    exemplar_role = ox.NamedNode(iris.instance("concept", "role-global-digital-exemplar"))
    for statement in sorted(set(g.subjects(GDE.status, implied)), key=_VALUE):
        pairings = sorted(g.subjects(GDE.exemplar, g.value(statement, GDE.member)), key=_VALUE) \
            if g.value(statement, GDE.role) == exemplar_role else []
        rule = _rule(out, "exemplar-implied-by-pairing" if pairings else "implied-by-curator", pairings)
        out.add((statement, PROV.wasGeneratedBy, rule))
        for pairing in pairings:
            out.add((statement, PROV.wasInfluencedBy, pairing))
    for award in sorted(set(g.subjects(RDF.type, GDE.FundingAward)), key=_VALUE):
        funder, programme = g.value(award, GDE.funder), g.value(award, GDE.inProgramme)
        quotes = " ".join(q.value.lower() for q in g.objects(award, GDE.quote))
        if funder is None or any(name in quotes for name in _labels(g, funder)):
            continue
        out.add((award, GDE.inferredProperty, GDE.funder))
        premises = [programme] if programme is not None and g.value(programme, GDE.operatedBy) == funder else []
        if premises:
            out.add((award, PROV.wasInfluencedBy, _rule(out, "funder-from-programme-operator", premises)))
    for pairing in sorted(set(g.subjects(RDF.type, GDE.Pairing)), key=_VALUE):
        quotes = " ".join(q.value.lower() for q in g.objects(pairing, GDE.quote))
        tier = g.value(pairing, GDE.inTier)
        if g.value(pairing, GDE.inWave) is not None and "wave" not in quotes and tier is not None:
            out.add((pairing, GDE.inferredProperty, GDE.inWave))
            out.add((pairing, PROV.wasInfluencedBy, _rule(out, "wave-from-tier", [tier])))


def _conflicts(g: GraphLookups, out: GraphLookups) -> None:
    """Each statement of a conflict other than the default is gde:overriddenBy the default."""
    for conflict in g.subjects(RDF.type, GDE.Conflict):
        default = g.value(conflict, GDE.reportedByDefault)
        for statement in g.objects(conflict, GDE.conflictingStatement):
            if default is not None and statement != default:
                out.add((statement, GDE.overriddenBy, default))


def derived_facts(graph: GraphLookups) -> TripleSet:
    """The derived triples, in pyoxigraph terms, for the union of the curated and reference graphs
    (a :class:`~gdegraph.sources.store_graph.StoreTerms` view of the build's store)."""
    out = TripleSet()
    histories = _history(graph, out)
    _tier_status(graph, out, histories)
    _names(graph, out)
    _fates(graph, out)
    _inferences(graph, out)
    _conflicts(graph, out)
    return out
