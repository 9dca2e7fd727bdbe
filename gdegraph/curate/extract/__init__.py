"""Proposing candidate statements from a plain-text announcement article.

``extract_article`` runs the rules in order of how much structure they rely on:
tables (two trusts per row), bullet lists (one trust per item, with bracketed
remarks), then prose (names ending in a trust designator, pairing verbs between
them), then sums of money and correction notes anywhere in the body. Roles
found in the structured parts help orient pairings found in prose. Duplicates
(a table and a list stating the same pairing) are merged, keeping the first
quote. Nothing here reads the curated statements: only the gazetteer (built
from reference data, optionally with curated names) and the set of programme,
wave and tier IRIs the graph describes.
"""

from __future__ import annotations

from pathlib import Path

from gdegraph.model import iris
from gdegraph.core.errors import InputError
from gdegraph.curate.extract.amounts import read_amounts, read_corrections
from gdegraph.curate.extract.article import Article, find_date, parse_article, read_article
from gdegraph.curate.extract.context import DA, article_programme, wave_number_in
from gdegraph.curate.extract.lists import read_lists, read_tables
from gdegraph.curate.extract.model import AmountFinding, Context, Extraction, Issue, MembershipFinding, PairingFinding
from gdegraph.curate.extract.prose import DISPUTE, read_prose
from gdegraph.curate.extract.report import review_report
from gdegraph.curate.extract.turtle import CANDIDATE, candidate_graph, candidate_turtle, write_candidates
from gdegraph.sources.gazetteer import Gazetteer, parse_date

__all__ = ["CANDIDATE", "Article", "Extraction", "candidate_graph", "candidate_turtle", "extract_article",
           "extract_file", "known_structure", "parse_article", "read_article", "review_report",
           "write_candidates"]

#: Which suggested status wins when an article states one thing twice: the more decisive news
#: (a pairing announced, then "dropped", is withdrawn; proposed, then "formally confirmed").
_SUGGESTED = {"withdrawn": 5, "disputed": 4, "corrected": 4, "confirmed": 3, "proposed": 2, "announced": 1,
              "implied": 0}


def extract_article(article: Article, gazetteer: Gazetteer, source_id: str, date: str | None = None,
                    known: frozenset[str] = frozenset()) -> Extraction:
    """Run every rule on ``article``; ``date`` (YYYY, YYYY-MM or YYYY-MM-DD) is the article's date,
    ``known`` the programme/wave/tier IRIs a derived tier must be one of (empty: accept any)."""
    slug = iris.slugify(source_id)
    if not slug:
        raise InputError(f"source id {source_id!r} has no letters or digits to make an IRI from")
    if slug != source_id:  # the id is written into Turtle labels as it is: only a slug is safe there
        raise InputError(f"source id {source_id!r} is not a slug",
                         hint=f"use lower-case letters, digits and single hyphens, e.g. {slug!r}")
    printed = find_date(article)
    basis = "given"
    if date is None and printed is not None:
        date, basis = printed[0], f"printed on line {printed[1]}"
    elif date is None:
        basis = "not given and not printed near the top"
    try:
        when = parse_date(date) if date else None
    except ValueError as exc:
        raise InputError(str(exc), hint="give --date as YYYY, YYYY-MM or YYYY-MM-DD") from None
    programme = article_programme(article.text)
    ex = Extraction(source_id, iris.instance("source", slug), article.path, date, basis,
                    Context(programme, "", None, ""))
    if printed is not None and date is not None and not printed[0].startswith(date[:7]) and basis == "given":
        ex.issues.append(Issue(printed[1], printed[0], f"the article prints {printed[0]}, --date says {date}"))
    if programme == DA and wave_number_in(article.text) is None:
        ex.issues.append(Issue(1, "", "the article does not number its wave: wave 1 assumed"))
    table_lines = read_tables(article, gazetteer, when, ex, known)
    consumed = table_lines | read_lists(article, gazetteer, when, ex, known)
    leads = sorted({(m.line, m.context) for m in ex.memberships if m.context.lead}, key=lambda x: x[0])
    read_prose(article, gazetteer, when, ex, consumed, known, leads)
    sentences = [s for s in article.sentences() if s.line not in table_lines]
    read_amounts(ex, sentences, known, programme, [(n, c.lead) for n, c in leads],
                 wave_number_in(article.text[:400]))
    read_corrections(ex, sentences, when)
    for fix in ex.corrections:
        if DISPUTE.search(fix.quote):
            keys = {t.iri for t in fix.trusts}
            for p in ex.pairings:
                if {p.exemplar.iri, p.follower.iri} & keys:
                    p.status = "disputed"
                    p.notes.append(f"a correction note (line {fix.line}) reports a dispute")
    _dedupe(ex)
    _check_structure(ex, known)
    if not (ex.pairings or ex.memberships or ex.amounts):
        ex.issues.append(Issue(1, "", "no list, table, pairing or amount was recognised"))
    return ex


def _dedupe(ex: Extraction) -> None:
    """One finding per statement: the first quote is kept, the firmest suggested status wins,
    a membership with a tier beats one without, a sum with a stated recipient beats the same
    sum whose recipient was assumed."""
    pairings: dict[tuple[str, str], PairingFinding] = {}
    for p in ex.pairings:
        if (p.follower.iri, p.exemplar.iri) in pairings:
            ex.issues.append(Issue(p.line, p.quote, f"the article pairs {p.exemplar.key} and "
                                   f"{p.follower.key} both ways round"))
        first = pairings.setdefault((p.exemplar.iri, p.follower.iri), p)
        if first is not p and _SUGGESTED[p.status] > _SUGGESTED[first.status]:
            first.status = p.status
            first.status_quote = p.quote
            first.notes.append(f"line {p.line} says it is {p.status}")
    ex.pairings = list(pairings.values())
    members: dict[tuple[str, str, str], MembershipFinding] = {}
    for m in ex.memberships:
        key = (m.member.iri, m.context.role, m.context.wave)
        old = members.get(key)
        if old is None or (old.context.tier is None and m.context.tier is not None) or (
                old.context.status == "implied" and m.context.status != "implied"):
            if old is not None:
                m.collaborates = old.collaborates or m.collaborates
                m.joint = old.joint or m.joint
            members[key] = m
    ex.memberships = list(members.values())
    amounts: dict[tuple[object, ...], AmountFinding] = {}
    for a in ex.amounts:
        group = (*a.key, a.status)
        stated = [k for k in amounts if k[:4] == group]
        assumed = bool(a.notes and a.notes[0].startswith("the recipient is not stated"))
        same = next((k for k in stated if k[4] == a.recipient or assumed), None)
        if same is None and not assumed:
            same = next((k for k in stated if amounts[k].notes[:1] and
                         amounts[k].notes[0].startswith("the recipient is not stated")), None)
            if same is not None:
                old = amounts.pop(same)
                a.notes.append(f"also stated on line {old.line}")
                same = None
        if same is None:
            amounts[(*group, a.recipient)] = a
        else:
            amounts[same].notes.append(f"also stated on line {a.line}")
    ex.amounts = list(amounts.values())


def _check_structure(ex: Extraction, known: frozenset[str]) -> None:
    """Report waves and tiers the findings use that the graph does not describe yet."""
    if not known:
        return
    used: dict[str, int] = {}
    for m in ex.memberships:
        used.setdefault(iris.instance("wave", m.context.wave), m.line)
    for p in ex.pairings:
        used.setdefault(iris.instance("wave", p.context.wave), p.line)
    for a in ex.amounts:
        used.setdefault(iris.instance(a.recipient[0], a.recipient[1]), a.line)
    for iri, line in sorted(used.items(), key=lambda kv: kv[1]):
        if iri not in known:
            ex.issues.append(Issue(line, iri.rsplit("/", 2)[-2] + ":" + iri.rsplit("/", 1)[-1],
                                   "not described in the graph: a curator must add it (label, "
                                   "programme, number) before these candidates can be accepted"))


def extract_file(path: Path, gazetteer: Gazetteer, source_id: str, date: str | None = None,
                 known: frozenset[str] = frozenset()) -> Extraction:
    """Read ``path`` and extract from it (see :func:`extract_article`)."""
    return extract_article(read_article(path), gazetteer, source_id, date, known)


def known_structure(graph: object) -> frozenset[str]:
    """IRIs of the programmes, waves and tiers a graph describes (derived tiers must be one)."""
    from rdflib.namespace import RDF

    kinds = {iris.term(name) for name in ("Programme", "Wave", "Tier")}
    return frozenset(str(s) for s, o in graph.subject_objects(RDF.type)  # type: ignore[attr-defined]
                     if str(o) in kinds)
