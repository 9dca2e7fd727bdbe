"""Candidate triples in Turtle: what extraction proposes, in the graph's own terms.

Every proposed statement is a resource of the kind the curated data uses,
with an IRI minted the same way (pairing ``{exemplar}-{follower}``,
membership ``{tier or wave}-{member}``), so that a candidate a curator accepts
merges with the curated statement it repeats and ``gdegraph diff`` can compare
by IRI. Each carries the quoted span (``gde:quote``), its source
(``prov:wasDerivedFrom``) and the status ``candidate``; the status a curator
would probably give is only suggested, in a comment.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from gdegraph.model import iris
from gdegraph.curate.extract.confidence import confidence
from gdegraph.curate.extract.context import wave_of_tier
from gdegraph.curate.extract.mentions import core_name
from gdegraph.curate.extract.model import AmountFinding, Extraction, MembershipFinding, PairingFinding
from gdegraph.model.names import readable_name

__all__ = ["CANDIDATE", "CONFIDENCE", "award_iri", "bind_prefixes", "candidate_graph", "candidate_turtle", "membership_iri", "money_text",
           "pairing_iri", "write_candidates"]

GDE = Namespace(iris.DEF)
SCHEMA = Namespace("https://schema.org/")
#: The status of every extracted statement (a concept the ontology's status scheme must hold).
CANDIDATE = URIRef(iris.instance("concept", "status-candidate"))
_PREFIXES = {"gde": iris.DEF, "prov": str(PROV), "skos": str(SKOS), "schema": str(SCHEMA),
             "dcterms": str(DCTERMS), "trust": iris.ID + "trust/", "prog": iris.ID + "programme/",
             "wave": iris.ID + "wave/", "tier": iris.ID + "tier/", "mem": iris.ID + "membership/",
             "pairing": iris.ID + "pairing/", "award": iris.ID + "award/", "claim": iris.ID + "claim/",
             "src": iris.ID + "source/", "c": iris.ID + "concept/"}


def _c(key: str) -> URIRef:
    return URIRef(iris.instance("concept", key))


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def pairing_iri(p: PairingFinding) -> URIRef:
    return URIRef(iris.instance("pairing", f"{p.exemplar.key.lower()}-{p.follower.key.lower()}"))


def membership_iri(m: MembershipFinding) -> URIRef:
    group = m.context.tier or m.context.wave
    return URIRef(iris.instance("membership", f"{group}-{m.member.key.lower()}"))


def money_text(value: Decimal) -> str:
    """£3m -> "3m", £250,000 -> "250k", £1.5bn -> "1-5bn" (for IRI keys and labels)."""
    for size, unit in ((10**9, "bn"), (10**6, "m"), (10**3, "k")):
        if value >= size:
            return f"{(value / size).normalize():f}{unit}"
    return f"{value.normalize():f}"


def award_iri(a: AmountFinding) -> URIRef:
    qual = {"maximum": "up-to-", "minimum": "more-than-", "exact": "",
            "range": f"{money_text(a.minimum)}-to-" if a.minimum else ""}[a.qualifier]
    each = "-each" if a.allocation == "per-recipient" else ""
    corrected = "-corrected" if a.status == "corrected" else ""
    key, money = a.recipient[1], iris.slugify(f"{qual}{money_text(a.amount)}")
    key = key if key.endswith(f"-{money}") else f"{key}-{money}"
    return URIRef(iris.instance("award", f"{key}{each}{corrected}"))


#: The candidate's confidence (gdegraph/curate/extract/confidence.py); a note for review, not a
#: fact about the programme, so ``gdegraph ingest`` does not carry it into data/.
CONFIDENCE = GDE.extractionConfidence


def _statement(g: Graph, node: URIRef, cls: URIRef, quote: str, source: URIRef, comment: str,
               finding: object = None) -> None:
    g.add((node, RDF.type, cls))
    if finding is not None:
        g.add((node, CONFIDENCE, Literal(f"{confidence(finding):.2f}", datatype=XSD.decimal)))
    g.add((node, GDE.status, CANDIDATE))
    g.add((node, GDE.quote, Literal(quote)))
    g.add((node, PROV.wasDerivedFrom, source))
    g.add((node, RDFS.comment, _en(comment)))


def _place(g: Graph, node: URIRef, programme: str, wave: str | None, tier: str | None) -> None:
    g.add((node, GDE.inProgramme, URIRef(iris.instance("programme", programme))))
    if wave:
        g.add((node, GDE.inWave, URIRef(iris.instance("wave", wave))))
    if tier:
        g.add((node, GDE.inTier, URIRef(iris.instance("tier", tier))))


def _comment(how: str, line: int, status: str, notes: list[str]) -> str:
    text = f"Candidate from {how} (line {line}); suggested status after review: {status}."
    return " ".join([text, *(n[:1].upper() + n[1:] + "." for n in notes)])


def bind_prefixes(g: Graph) -> None:
    """The prefixes the curated files use, so written Turtle reads like them."""
    for prefix, ns in {**_PREFIXES, "body": iris.ID + "organisation/", "conflict": iris.ID + "conflict/"}.items():
        g.bind(prefix, Namespace(ns), override=True, replace=True)


def candidate_graph(ex: Extraction, describe_source: bool = True) -> Graph:
    """The extraction as an rdflib Graph of candidate statements."""
    g = Graph()
    bind_prefixes(g)
    source = URIRef(ex.source_iri)
    if describe_source:
        g.add((source, RDF.type, GDE.Source))
        g.add((source, RDFS.label, _en(f"Article {ex.source_id} (described by gdegraph extract)")))
        if ex.path is not None:
            g.add((source, DCTERMS.identifier, Literal(ex.path.name)))
        if ex.date:
            kind = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(ex.date), XSD.date)
            g.add((source, DCTERMS.issued, Literal(ex.date, datatype=kind)))
    for iri, refs in ex.trusts.items():
        node = URIRef(iri)
        for ref in refs:
            if ref.minted or (ref.resolution is not None and ref.resolution.status == "resolved"):
                g.add((node, SKOS.altLabel, _en(" ".join(ref.wording.split()))))
        if refs[0].minted:
            name = readable_name(core_name(refs[0].wording))
            g.add((node, RDF.type, GDE.Trust))
            g.add((node, RDFS.label, _en(name)))
            g.add((node, SKOS.prefLabel, _en(name)))
            g.add((node, GDE.identityNote, _en(
                f"No ODS code matches '{refs[0].wording}' in the reference data (gdegraph extract); "
                "check whether it is a care trust, a trust the files do not list, or a misspelling.")))
            g.add((node, PROV.wasDerivedFrom, source))
    for m in ex.memberships:
        node = membership_iri(m)
        _statement(g, node, GDE.ProgrammeMembership, m.quote, source,
                   _comment("a list, table or sentence", m.line, m.context.status, m.notes), m)
        g.add((node, GDE.member, URIRef(m.member.iri)))
        g.add((node, GDE.role, _c(m.context.role)))
        _place(g, node, m.context.programme, m.context.wave, m.context.tier)
        for partner in m.collaborates:
            g.add((node, GDE.collaboratesWith, URIRef(partner.iri)))
        if m.joint and "collaboration" in iris.KINDS:  # the pair as one body (STATUS_MODEL)
            members = sorted([m.member, *m.joint], key=lambda t: t.key)
            group = URIRef(iris.instance("collaboration", "-".join(t.key.lower() for t in members)))
            g.add((group, RDF.type, URIRef("http://www.w3.org/ns/org#OrganizationalCollaboration")))
            g.add((group, RDFS.label, _en("Joint participant: " + " and ".join(t.wording for t in members))))
            g.add((group, PROV.wasDerivedFrom, source))
            for t in members:
                g.add((group, URIRef("http://www.w3.org/ns/org#hasMember"), URIRef(t.iri)))
        for other in m.joint:  # gde:jointWith links the memberships of joint recipients
            twin = next((n for n in ex.memberships if n.member.iri == other.iri and n.context == m.context), None)
            if twin is not None:
                g.add((node, GDE.jointWith, membership_iri(twin)))
    for p in ex.pairings:
        node = pairing_iri(p)
        _statement(g, node, GDE.Pairing, p.quote, source, _comment(f"a {p.how}", p.line, p.status, p.notes), p)
        g.add((node, GDE.exemplar, URIRef(p.exemplar.iri)))
        g.add((node, GDE.follower, URIRef(p.follower.iri)))
        _place(g, node, p.context.programme, p.context.wave, p.context.tier)
        if p.context.sector:
            g.add((node, GDE.sector, _c(f"sector-{p.context.sector}")))
    for a in ex.amounts:
        _award(g, a, source)
    for k, fix in enumerate(ex.corrections, start=1):
        node = URIRef(iris.instance("claim", iris.slugify(f"{ex.source_id}-correction-{fix.date or k}")))
        _statement(g, node, GDE.Claim, fix.quote, source, _comment("a correction note", fix.line,
                                                                   "announced", fix.notes))
        g.add((node, RDFS.label, _en(f"Correction note of {ex.source_id}" + (f", {fix.date}" if fix.date else ""))))
        if fix.date:
            g.add((node, GDE.correctionDate, Literal(fix.date, datatype=XSD.date)))
        about = [award_iri(a) for a in fix.amounts]
        keys = {t.iri for t in fix.trusts}
        about += [pairing_iri(p) for p in ex.pairings if {p.exemplar.iri, p.follower.iri} & keys]
        for target in about or [source]:
            g.add((node, GDE.about, target))
        for a in fix.amounts:
            g.add((node, GDE.corrects, award_iri(a)))
    return g


def _award(g: Graph, a: AmountFinding, source: URIRef) -> None:
    node = award_iri(a)
    _statement(g, node, GDE.FundingAward, a.quote, source, _comment("a sentence", a.line, a.status, a.notes), a)
    kind, key = a.recipient
    each = " each" if a.allocation == "per-recipient" else ""
    qual = {"maximum": "up to ", "minimum": "more than ", "exact": "", "range": ""}[a.qualifier]
    low = f"£{money_text(a.minimum)}-" if a.minimum else ""
    g.add((node, RDFS.label, _en(f"{qual}{low}£{money_text(a.amount)}{each} for {kind} {key} (candidate)")))
    g.add((node, GDE.recipient, URIRef(iris.instance(kind, key))))
    g.add((node, SCHEMA.amount, Literal(f"{a.amount.normalize():f}", datatype=XSD.decimal)))
    g.add((node, SCHEMA.currency, Literal("GBP")))
    if a.minimum is not None:
        g.add((node, GDE.minimumAmount, Literal(f"{a.minimum.normalize():f}", datatype=XSD.decimal)))
    g.add((node, GDE.amountQualifier, _c(f"amount-qualifier-{a.qualifier}")))
    g.add((node, GDE.fundingType, _c(f"funding-type-{a.funding_type}")))
    g.add((node, GDE.allocation, _c(f"allocation-{a.allocation}")))
    wave = key if kind == "wave" else wave_of_tier(key) if kind == "tier" else None
    _place(g, node, a.context.programme, wave, key if kind == "tier" else None)


def candidate_turtle(ex: Extraction, describe_source: bool = True) -> str:
    """The candidate file's text: a header saying what it is, then the triples."""
    where = ex.path.name if ex.path else ex.source_id
    header = (f"# Candidate statements proposed by `gdegraph extract` from {where} "
              f"(source {ex.source_id}).\n# Every statement has gde:status c:status-candidate until a curator "
              "reviews it;\n# see the review report for what was uncertain and why.\n")
    return header + candidate_graph(ex, describe_source).serialize(format="turtle")


def write_candidates(ex: Extraction, path: Path, describe_source: bool = True) -> None:
    """Write the candidate Turtle atomically."""
    from gdegraph.core.atomic import atomic_write_text

    atomic_write_text(path, candidate_turtle(ex, describe_source))
