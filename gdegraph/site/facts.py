"""The page model: what the programmes' statements say, read once from the :class:`Model`.

A trust page's summary, the faceted class tables, the search index, the map
and the network view all need the same few facts -- which memberships,
pairings and awards a trust has, with programme, role, sector, status,
region, year and sources -- and working them out per page would walk the
graph a thousand times. :class:`Facts` walks it once, when a site or server
starts, and every view selects from it; nothing here renders or links (links
are the views' business, relative to the page being rendered).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from pyoxigraph import Literal, NamedNode

from gdegraph.model import iris
from gdegraph.site.labels import DCTERMS, GEO, ORG, PROV, RDFS, SKOS
from gdegraph.site.model import Model, Term

__all__ = ["Facts", "Statement", "Step", "TrustFacts"]

D = iris.DEF
_N = NamedNode


@dataclass
class Step:
    """One dated status step of a statement (a gde:StatusChange, or the build's implicit first one)."""

    iri: NamedNode
    date: str  # gde:statusDate as the source gives it (2018-01), "" when undated
    status: NamedNode
    sources: list[NamedNode]


@dataclass
class Statement:
    """A membership, pairing or award: the programme facts one source states, with its facets."""

    iri: NamedNode
    kind: str  # "membership" | "pairing" | "award"
    label: str
    programme: NamedNode | None
    status: NamedNode | None
    sector: list[NamedNode]
    role: NamedNode | None
    group: NamedNode | None  # the tier or wave
    sources: list[NamedNode]
    year: str  # earliest year a source (or a dated status change) gives; "" when none
    dates: list[tuple[str, NamedNode]] = field(default_factory=list)  # (gde:statusDate, status), oldest first
    parties: list[NamedNode] = field(default_factory=list)  # member / exemplar+follower / trust recipients
    steps: list[Step] = field(default_factory=list)  # dated status steps, in the build's order (latest last)
    rule: NamedNode | None = None  # the inference rule that derived it, when no source states it

    @property
    def latest(self) -> Step | None:
        """The latest dated status step: the statement's status as of now, and who says so."""
        dated = [s for s in self.steps if s.date]
        return dated[-1] if dated else None


@dataclass
class TrustFacts:
    """One trust as the summary, the facets, the search box and the map see it."""

    iri: NamedNode
    name: str
    named: bool  # False: the reference files give no name (only the ODS code)
    code: str
    alt_names: list[str]
    region: NamedNode | None
    lat: float | None
    long: float | None
    memberships: list[Statement] = field(default_factory=list)
    pairings: list[Statement] = field(default_factory=list)
    awards: list[Statement] = field(default_factory=list)  # to the trust, its tier or its wave
    successors: list[tuple[NamedNode, NamedNode]] = field(default_factory=list)  # (change event, trust)
    predecessors: list[tuple[NamedNode, NamedNode]] = field(default_factory=list)

    @property
    def statements(self) -> list[Statement]:
        return self.memberships + self.pairings


class Facts:
    """Every trust, membership, pairing and award of the graph, with the facts pages show."""

    def __init__(self, model: Model) -> None:
        self.model = model
        m = model
        self._issued: dict[NamedNode, str] = {}
        self.rules = set(m.instances(_N(D + "InferenceRule")))
        self.memberships = [self._statement(s, "membership") for s in m.instances(_N(D + "ProgrammeMembership"))]
        self.pairings = [self._statement(s, "pairing") for s in m.instances(_N(D + "Pairing"))]
        self.awards = [self._statement(s, "award") for s in m.instances(_N(D + "FundingAward"))]
        self.trusts: dict[NamedNode, TrustFacts] = {}
        for iri in m.instances(_N(D + "Trust")):
            if isinstance(iri, NamedNode):
                self.trusts[iri] = self._trust(iri)
        for st in self.memberships + self.pairings:
            for party in st.parties:
                if party in self.trusts:
                    (self.trusts[party].memberships if st.kind == "membership"
                     else self.trusts[party].pairings).append(st)
        self._attach_awards()
        self.statement_index: dict[NamedNode, list[Statement]] = {}
        for st in self.memberships + self.pairings + self.awards:
            self.statement_index.setdefault(st.iri, []).append(st)

    # --- reading the graph --------------------------------------------------------------------

    def _first_node(self, subject: Term, prop: str) -> NamedNode | None:
        value = self.model.first(subject, D + prop if "/" not in prop else prop)
        return value if isinstance(value, NamedNode) else None

    def issued(self, source: NamedNode) -> str:
        """A source's publication date as the graph gives it (``2017-09``), or ""."""
        found = self._issued.get(source)
        if found is None:
            value = self.model.first(source, DCTERMS + "issued")
            found = self._issued[source] = value.value if isinstance(value, Literal) else ""
        return found

    def _statement(self, iri: Term, kind: str) -> Statement:
        m = self.model
        assert isinstance(iri, NamedNode)
        sources = [s for s in m.objects(iri, PROV + "wasDerivedFrom") if isinstance(s, NamedNode)]
        steps = []
        for change in m.subjects(D + "statusOf", iri):
            date, status = m.first(change, D + "statusDate"), self._first_node(change, "status")
            if isinstance(change, NamedNode) and status is not None:
                start = m.first(change, D + "validFrom") or date  # validFrom: the period's first day
                steps.append((start.value if isinstance(start, Literal) else "", change.value, Step(
                    change, date.value if isinstance(date, Literal) else "", status,
                    [s for s in m.objects(change, PROV + "wasDerivedFrom") if isinstance(s, NamedNode)])))
        ordered = [step for _, _, step in sorted(steps, key=lambda s: (s[0], s[1]))]  # as the build orders them
        dates = [(s.date, s.status) for s in ordered if s.date]
        years = [d[:4] for d in (self.issued(s) for s in sources) if d] + [d[0][:4] for d in dates]
        sectors = [s for s in m.objects(iri, D + "sector") if isinstance(s, NamedNode)]
        group = self._first_node(iri, "inTier") or self._first_node(iri, "inWave")
        if not sectors and group is not None:
            sectors = [s for s in m.objects(group, D + "sector") if isinstance(s, NamedNode)]
        if kind == "membership":
            parties = [p for p in m.objects(iri, D + "member") if isinstance(p, NamedNode)]
        elif kind == "pairing":
            parties = [p for p in (self._first_node(iri, "exemplar"), self._first_node(iri, "follower")) if p]
        else:
            parties = [p for p in m.objects(iri, D + "recipient") if isinstance(p, NamedNode)]
        rules = [r for r in m.objects(iri, PROV + "wasGeneratedBy") if r in self.rules]
        return Statement(iri, kind, m.label(iri), self._first_node(iri, "inProgramme"), self._first_node(iri, "status"),
                         sectors, self._first_node(iri, "role"), group, sources, min(years, default=""), dates,
                         parties, ordered, rules[0] if rules else None)  # type: ignore[arg-type]

    def _trust(self, iri: NamedNode) -> TrustFacts:
        m = self.model
        code = m.first(iri, D + "odsCode")
        pref = m.first(iri, SKOS + "prefLabel")
        name = m.label(iri)
        alt = sorted({v.value for v in m.objects(iri, SKOS + "altLabel") if isinstance(v, Literal)}
                     | {v.value for n in m.objects(iri, D + "officialName")
                        for v in m.objects(n, D + "nameText") if isinstance(v, Literal)}, key=lambda v: (v.lower(), v))
        lat = long = None
        location = m.first(iri, GEO + "location")
        if location is not None:
            la, lo = m.first(location, GEO + "lat"), m.first(location, GEO + "long")
            if la is not None and lo is not None:
                lat, long = float(la.value), float(lo.value)
        facts = TrustFacts(iri, name, pref is not None, code.value if code is not None else "",
                           [a for a in alt if a.lower() != name.lower()], self._first_node(iri, "nhsRegion"), lat, long)
        for change in m.objects(iri, ORG + "changedBy"):
            for successor in m.objects(change, ORG + "resultingOrganization"):
                if isinstance(successor, NamedNode) and isinstance(change, NamedNode) and successor != iri:
                    facts.successors.append((change, successor))
        for change in m.objects(iri, ORG + "resultedFrom"):
            for predecessor in m.objects(change, ORG + "originalOrganization"):
                if isinstance(predecessor, NamedNode) and isinstance(change, NamedNode) and predecessor != iri:
                    facts.predecessors.append((change, predecessor))
        return facts

    def _attach_awards(self) -> None:
        """An award goes to each trust it names, or to every member of the tier or wave it names."""
        members_of: dict[NamedNode, set[NamedNode]] = {}
        for st in self.memberships:
            for key in (self._first_node(st.iri, "inTier"), self._first_node(st.iri, "inWave")):
                if key is not None:
                    members_of.setdefault(key, set()).update(st.parties)
        for award in self.awards:
            for recipient in award.parties:
                for trust in ({recipient} if recipient in self.trusts else members_of.get(recipient, set())):
                    if trust in self.trusts:
                        self.trusts[trust].awards.append(award)

    # --- derived views ------------------------------------------------------------------------

    @cached_property
    def dated(self) -> bool:
        """Whether any statement has dated status changes (the network view's date slider needs them)."""
        return any(st.dates for st in self.memberships + self.pairings + self.awards)

    def label(self, term: Term | None) -> str:
        return self.model.label(term) if term is not None else ""

    def roles(self, trust: TrustFacts) -> list[str]:
        """The trust's roles in words: its membership roles, plus exemplar / fast follower from pairings."""
        found = {self.label(st.role) for st in trust.memberships if st.role is not None}
        for st in trust.pairings:
            found.add("exemplar" if st.parties and st.parties[0] == trust.iri else "fast follower")
        return sorted(found, key=lambda v: (v.lower(), v))

    def status_words(self, st: Statement) -> str:
        """``withdrawn 2018-01``: the status of the latest dated step and its date (else the bare status)."""
        latest = st.latest
        if latest is None:
            return self.label(st.status)
        return f"{self.label(latest.status)} {latest.date}"

    def source_title(self, source: NamedNode) -> str:
        """A source by what it is: its description (the article's subject) or its label."""
        m = self.model
        for prop in (DCTERMS + "title", DCTERMS + "description", RDFS + "label"):
            value = m.first(source, prop)
            if isinstance(value, Literal):
                return value.value
        return m.label(source)

    def source_date(self, source: NamedNode) -> str:
        """When a source was published (``2017-09``), else ``modified 2018-01-19``, else ""."""
        issued = self.issued(source)
        if issued:
            return issued
        modified = self.model.first(source, DCTERMS + "modified")
        return f"modified {modified.value}" if isinstance(modified, Literal) else ""

    def citation(self, source: NamedNode) -> str:
        """A source as a reader cites it: ``title, publisher, date`` (the parts the graph gives)."""
        publisher = self.model.first(source, DCTERMS + "publisher")
        parts = [self.source_title(source), self.label(publisher) if publisher is not None else "",
                 self.source_date(source)]
        return ", ".join(p for p in parts if p)
