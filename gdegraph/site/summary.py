"""Plain-words summaries and source lists for the pages people read first.

A trust page opens with what the trust did in the programmes ("Global Digital
Exemplar in First 12 acute Global Digital Exemplars, announced 2016; exemplar
paired with X (withdrawn 2018-01); £10m ...; acquisition: succeeded by Y,
2019-10-01"), each clause a link to the statement it comes from, so every word
on the page stays traceable. A statement's status is that of its latest dated
status step, with that step's date; one no source states says it is inferred. Sources are listed by title, publisher and date, with the
words each one is quoted for (a quote sits in its source's named graph).
Everything here selects from :class:`~gdegraph.site.facts.Facts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from gdegraph.model import iris
from gdegraph.site.facts import Facts, Statement
from gdegraph.site.labels import DCTERMS, PROV
from gdegraph.site.model import Term

__all__ = ["Clause", "SourceEntry", "sources", "summary"]

D = iris.DEF
_SOURCE_PROPERTIES = (PROV + "wasDerivedFrom", D + "recordedIn")
_QUOTE = D + "quote"


@dataclass
class Clause:
    """One part of a summary and the site path (no extension) of the statement it comes from."""

    text: str
    path: str | None


@dataclass
class SourceEntry:
    path: str | None
    title: str
    publisher: str
    date: str
    quotes: list[str] = field(default_factory=list)


def _when(facts: Facts, st: Statement) -> str:
    """``withdrawn 2018-01``: the status as of the latest dated status step, with its date; and
    ``inferred`` (with the rule) for a statement no source states."""
    words = facts.status_words(st)
    if st.rule is not None:
        words += f", inferred ({facts.label(st.rule)})"
    return words


def _trust_summary(facts: Facts, iri: NamedNode) -> list[Clause]:
    m, trust = facts.model, facts.trusts[iri]
    clauses = []
    for st in trust.memberships:
        role, group = facts.label(st.role) or "member", facts.label(st.group)
        text = f"{role} in {group}" if group else f"{role} of {facts.label(st.programme)}"
        when = _when(facts, st)
        clauses.append(Clause(text + (f", {when}" if when else ""), m.path(st.iri)))
    for st in trust.pairings:
        exemplar, follower = (st.parties + [iri, iri])[:2]
        if exemplar == iri:
            text = f"exemplar paired with {facts.label(follower)}"
        else:
            text = f"fast follower of {facts.label(exemplar)}"
        when = _when(facts, st)
        clauses.append(Clause(text + (f" ({when})" if when else ""), m.path(st.iri)))
    for award in trust.awards:
        clauses.append(Clause(m.label(award.iri) + (f" ({_when(facts, award)})" if award.status else ""),
                              m.path(award.iri)))
    for change, successor in trust.successors:
        kind, date = m.first(change, D + "changeType"), m.first(change, DCTERMS + "date")
        words = facts.label(kind) if kind is not None else "change"
        clauses.append(Clause(f"{words}: succeeded by {facts.label(successor)}"
                              + (f", {date.value}" if isinstance(date, Literal) else ""), m.path(change)))
    closed = m.first(iri, D + "odsCloseDate")
    if isinstance(closed, Literal) and not trust.successors:
        clauses.append(Clause(f"closed {closed.value}", None))
    return clauses


def _statement_summary(facts: Facts, st: Statement) -> list[Clause]:
    m = facts.model
    clauses = []
    if st.kind == "pairing" and len(st.parties) == 2:
        clauses.append(Clause(f"exemplar {facts.label(st.parties[0])}", m.path(st.parties[0])))
        clauses.append(Clause(f"fast follower {facts.label(st.parties[1])}", m.path(st.parties[1])))
    elif st.kind == "membership":
        clauses += [Clause(f"member {facts.label(p)}", m.path(p)) for p in st.parties]
        if st.role is not None:
            clauses.append(Clause(f"as {facts.label(st.role)}", m.path(st.role)))
    else:
        clauses += [Clause(f"to {facts.label(p)}", m.path(p)) for p in st.parties]
    if st.group is not None:
        clauses.append(Clause(f"in {facts.label(st.group)}", m.path(st.group)))
    if st.programme is not None:
        clauses.append(Clause(facts.label(st.programme), m.path(st.programme)))
    when = _when(facts, st)
    if when:
        clauses.append(Clause(when, m.path(st.status) if st.status is not None else None))
    return clauses


def _programme_summary(facts: Facts, iri: NamedNode) -> list[Clause]:
    counts = [(len([s for s in group if s.programme == iri]), words, page) for group, words, page in (
        (facts.memberships, "memberships", "classes/ProgrammeMembership"), (facts.pairings, "pairings",
                                                                            "classes/Pairing"),
        (facts.awards, "funding awards", "classes/FundingAward"))]
    trusts = {p for s in facts.memberships + facts.pairings if s.programme == iri for p in s.parties}
    clauses = [Clause(f"{len(trusts)} trusts taking part", "classes/Trust")]
    clauses += [Clause(f"{n} {words}", page) for n, words, page in counts if n]
    return clauses


def summary(facts: Facts, iri: NamedNode) -> list[Clause]:
    """The clauses summarising ``iri`` (a trust, programme, pairing, membership or award), or []."""
    if iri in facts.trusts:
        return _trust_summary(facts, iri)
    for st in facts.statement_index.get(iri, ()):
        return _statement_summary(facts, st)
    if NamedNode(D + "Programme") in facts.model.types(iri):
        return _programme_summary(facts, iri)
    return []


def sources(facts: Facts, iri: NamedNode, graph_source: dict[str, Term]) -> list[SourceEntry]:
    """The sources of ``iri`` and of its statements, each with its title, publisher, date and quotes."""
    m = facts.model
    subjects: list[Term] = [iri]
    if iri in facts.trusts:
        trust = facts.trusts[iri]
        subjects += [st.iri for st in trust.statements]
    found: dict[Term, SourceEntry] = {}

    def entry(source: NamedNode) -> SourceEntry:  # made once per page and source (not once per mention)
        made = found.get(source)
        if made is None:
            made = found[source] = _entry(facts, source)
        return made

    for subject in subjects:
        statements = m.outgoing(subject)
        for st in statements:
            if st.predicate.value in _SOURCE_PROPERTIES and isinstance(st.term, NamedNode):
                entry(st.term)
        for st in statements:
            if st.predicate.value == _QUOTE and isinstance(st.term, Literal):
                for key in st.graphs:
                    source = graph_source.get(key)
                    if source is not None:
                        quotes = entry(source).quotes  # type: ignore[arg-type]
                        if st.term.value not in quotes:
                            quotes.append(st.term.value)
    return sorted(found.values(),
                  key=lambda e: (e.date.removeprefix("modified ") or "9999", e.title.lower(), e.path or ""))


def _entry(facts: Facts, source: NamedNode) -> SourceEntry:
    m = facts.model
    publisher = m.first(source, DCTERMS + "publisher")
    return SourceEntry(m.path(source), facts.source_title(source),
                       facts.label(publisher) if publisher is not None else "", facts.source_date(source))


def predecessors(facts: Facts, iri: NamedNode) -> list[Clause]:
    """The trusts this one was formed from: their names, or ``closed before 2016, code RC4`` when unnamed."""
    m, clauses = facts.model, []
    trust = facts.trusts.get(iri)
    for change, predecessor in (trust.predecessors if trust else []):
        before = facts.trusts.get(predecessor)
        date = m.first(change, DCTERMS + "date")
        when = f" ({date.value})" if isinstance(date, Literal) else ""
        if before is not None and not before.named:
            clauses.append(Clause(f"closed before 2016, code {before.code}{when}", m.path(predecessor)))
        else:
            clauses.append(Clause(facts.label(predecessor) + when, m.path(predecessor)))
    return clauses

