"""How a candidate file differs from what the graph already says.

A curator reviewing ``gdegraph extract`` output wants to spend time on what is
new or contradicts the graph, not on what it repeats. Candidates are minted
with the curated IRI scheme, so most repeats are found by IRI; the rest are
matched by what they state (the same exemplar and follower, the same member in
the same role, the same sum for the same recipient). What is left is reported
as new trusts, new pairings and memberships, pairings that give a follower a
different exemplar, and amounts that conflict with the graph's for the same
recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS, RDFS

from gdegraph.model import iris

__all__ = ["Change", "diff_command", "diff_graphs", "format_changes"]

_GDE = iris.DEF
_AMOUNT = URIRef("https://schema.org/amount")
_SECTIONS = ("trust", "pairing", "membership", "award", "claim")


def _p(name: str) -> URIRef:
    return URIRef(_GDE + name)


@dataclass(frozen=True)
class Change:
    """One candidate resource compared with the graph: ``status`` is new, known, conflict."""
    kind: str
    status: str
    iri: str
    detail: str
    other: str = ""  # the graph's statement it repeats or contradicts, if any


def _short(node: object) -> str:
    kind, key = str(node).rsplit("/", 2)[-2:]
    return f"{kind}:{key}"


def _mentioned(graph: Graph, node: URIRef) -> bool:
    return (node, None, None) in graph or (None, None, node) in graph


def _trusts(candidate: Graph, graph: Graph) -> list[Change]:
    prefix = iris.ID + "trust/"
    out = []
    for node in sorted({n for n in candidate.all_nodes() if str(n).startswith(prefix)}, key=str):
        labels = sorted(str(label) for label in candidate.objects(node, SKOS.altLabel))
        if not _mentioned(graph, node):
            out.append(Change("trust", "new", str(node), "not in the graph" + (f" ({labels[0]})" if labels else "")))
            continue
        known = {str(label) for p in (SKOS.altLabel, SKOS.prefLabel, RDFS.label) for label in graph.objects(node, p)}
        fresh = [label for label in labels if label not in known]
        out.append(Change("trust", "known", str(node), f"new wording: {'; '.join(fresh)}" if fresh else ""))
    return out


def _pairings(candidate: Graph, graph: Graph) -> list[Change]:
    out = []
    for node in sorted(candidate.subjects(RDF.type, _p("Pairing")), key=str):
        ex, fo = candidate.value(node, _p("exemplar")), candidate.value(node, _p("follower"))
        if (node, RDF.type, _p("Pairing")) in graph:
            out.append(Change("pairing", "known", str(node), "", str(node)))
            continue
        same = [p for p in graph.subjects(_p("follower"), fo) if (p, _p("exemplar"), ex) in graph]
        other = [p for p in graph.subjects(_p("follower"), fo) if p not in same]
        reverse = [p for p in graph.subjects(_p("follower"), ex) if (p, _p("exemplar"), fo) in graph]
        if same:
            out.append(Change("pairing", "known", str(node), f"as {_short(same[0])}", str(same[0])))
        elif reverse:
            out.append(Change("pairing", "conflict", str(node), f"the graph has it the other way round: "
                              f"{_short(reverse[0])}", str(reverse[0])))
        elif other:
            exemplars = ", ".join(_short(graph.value(p, _p("exemplar"))) for p in other)
            out.append(Change("pairing", "conflict", str(node), f"the graph pairs follower {_short(fo)} with "
                              f"{exemplars}, not {_short(ex)}", str(other[0])))
        else:
            out.append(Change("pairing", "new", str(node), f"exemplar {_short(ex)}, follower {_short(fo)}"))
    return out


def _memberships(candidate: Graph, graph: Graph) -> list[Change]:
    out = []
    for node in sorted(candidate.subjects(RDF.type, _p("ProgrammeMembership")), key=str):
        member, role = candidate.value(node, _p("member")), candidate.value(node, _p("role"))
        programme = candidate.value(node, _p("inProgramme"))
        if (node, RDF.type, _p("ProgrammeMembership")) in graph:
            out.append(Change("membership", "known", str(node), "", str(node)))
            continue
        theirs = [m for m in graph.subjects(_p("member"), member) if (m, _p("inProgramme"), programme) in graph]
        same = [m for m in theirs if (m, _p("role"), role) in graph]
        if same:
            out.append(Change("membership", "known", str(node), f"as {_short(same[0])}", str(same[0])))
        elif theirs:
            roles = ", ".join(sorted({_short(graph.value(m, _p("role"))) for m in theirs}))
            out.append(Change("membership", "conflict", str(node), f"{_short(member)} has role {roles} in "
                              f"the graph, the candidate says {_short(role)}", str(theirs[0])))
        else:
            out.append(Change("membership", "new", str(node), f"{_short(member)} as {_short(role)}"))
    return out


def _concept(graph: Graph, node: object, prop: str, prefix: str) -> str:
    value = graph.value(node, _p(prop))
    return str(value).rsplit("/", 1)[-1].removeprefix(prefix) if value is not None else "unspecified"


def _money(graph: Graph, node: object) -> tuple[Decimal, str, str, str]:
    """(amount, qualifier, allocation, funding type) of an award."""
    amount = graph.value(node, _AMOUNT)
    return (Decimal(str(amount)).normalize() if amount is not None else Decimal(0),
            _concept(graph, node, "amountQualifier", "amount-qualifier-"),
            _concept(graph, node, "allocation", "allocation-"),
            _concept(graph, node, "fundingType", "funding-type-"))


def _show(m: tuple[Decimal, str, str, str]) -> str:
    return f"£{m[0]:,f} ({m[1]}, {m[2]}, {m[3]})"


def _clashes(mine: tuple[Decimal, str, str, str], theirs: tuple[Decimal, str, str, str]) -> bool:
    """Two sums for the same recipient conflict when they are allocated alike, of compatible
    funding types (equal, or one unspecified), and differ in amount or qualifier."""
    compatible = mine[3] == theirs[3] or "unspecified" in (mine[3], theirs[3])
    return mine[2] == theirs[2] and compatible and mine[:2] != theirs[:2]


def _awards(candidate: Graph, graph: Graph) -> list[Change]:
    out = []
    for node in sorted(candidate.subjects(RDF.type, _p("FundingAward")), key=str):
        mine = _money(candidate, node)
        recipient = candidate.value(node, _p("recipient"))
        if (node, RDF.type, _p("FundingAward")) in graph:
            theirs = _money(graph, node)
            status = "known" if theirs[:3] == mine[:3] else "conflict"
            out.append(Change("award", status, str(node), "" if status == "known" else
                              f"candidate {_show(mine)}, graph {_show(theirs)}", str(node)))
            continue
        related = {recipient, *graph.subjects(_p("inWave"), recipient), *graph.objects(recipient, _p("inWave"))}
        others = [a for r in related for a in graph.subjects(_p("recipient"), r)]
        same = [a for a in others if _money(graph, a)[:3] == mine[:3]]
        clash = [a for a in graph.subjects(_p("recipient"), recipient) if _clashes(mine, _money(graph, a))]
        if same:
            out.append(Change("award", "known", str(node), f"as {_short(same[0])}", str(same[0])))
        elif clash:
            shown = "; ".join(f"{_short(a)} {_show(_money(graph, a))}" for a in clash)
            out.append(Change("award", "conflict", str(node), f"candidate {_show(mine)} for "
                              f"{_short(recipient)}; the graph has {shown}", str(clash[0])))
        else:
            has = "; ".join(_show(_money(graph, a)) for a in others) or "nothing"
            out.append(Change("award", "new", str(node), f"{_show(mine)} for {_short(recipient)} "
                              f"(the graph has for it: {has})"))
    return out


def _claims(candidate: Graph, graph: Graph) -> list[Change]:
    out = []
    for node in sorted(candidate.subjects(RDF.type, _p("Claim")), key=str):
        when = candidate.value(node, _p("correctionDate"))
        source = candidate.value(node, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
        if (node, RDF.type, _p("Claim")) in graph:
            out.append(Change("claim", "known", str(node), ""))
            continue
        same = [c for c in graph.subjects(_p("correctionDate"), when)
                if (c, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), source) in graph] if when else []
        out.append(Change("claim", "known" if same else "new", str(node),
                          f"as {_short(same[0])}" if same else f"correction of {when or 'unknown date'}"))
    return out


def diff_graphs(candidate: Graph, graph: Graph) -> list[Change]:
    """Every trust, pairing, membership, award and claim of ``candidate``, compared with ``graph``."""
    return (_trusts(candidate, graph) + _pairings(candidate, graph) + _memberships(candidate, graph)
            + _awards(candidate, graph) + _claims(candidate, graph))


def format_changes(changes: list[Change], title: str) -> str:
    """A report: counts per kind, then the new and conflicting items, then known ones briefly."""
    lines = [title]
    for kind in _SECTIONS:
        mine = [c for c in changes if c.kind == kind]
        if not mine:
            continue
        counts = {s: sum(1 for c in mine if c.status == s) for s in ("new", "conflict", "known")}
        lines.append(f"\n{kind}s: {counts['new']} new, {counts['conflict']} conflicting, {counts['known']} known")
        for status in ("conflict", "new", "known"):
            for c in (c for c in mine if c.status == status):
                if status != "known" or c.detail:
                    lines.append(f"  {status:<8} {_short(c.iri)}" + (f": {c.detail}" if c.detail else ""))
    return "\n".join(lines) + "\n"


def diff_data(changes: list[Change], candidate: str) -> dict[str, object]:
    """The changes as JSON-ready data: ``counts`` (kind -> status -> number) and every change."""
    counts: dict[str, dict[str, int]] = {}
    for change in changes:
        counts.setdefault(change.kind, {}).setdefault(change.status, 0)
        counts[change.kind][change.status] += 1
    return {"candidate": candidate, "counts": counts,
            "changes": [{"kind": c.kind, "status": c.status, "iri": c.iri, "detail": c.detail} for c in changes]}


def diff_command(candidate_path: Path, fmt: str = "table") -> str:
    """``gdegraph diff``: the candidate file against the curated data (``data/*.ttl``), as ``fmt``
    (table, json or csv)."""
    from gdegraph.curate.extract.commands import curated_graph
    from gdegraph.sources.loading import parse_turtle_file

    candidate = parse_turtle_file(Path(candidate_path))
    changes = diff_graphs(candidate, curated_graph())
    if fmt == "json":
        import json

        return json.dumps(diff_data(changes, str(candidate_path)), indent=2, sort_keys=True, ensure_ascii=False)
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["kind", "status", "iri", "detail"])
        writer.writerows([c.kind, c.status, c.iri, c.detail] for c in changes)
        return out.getvalue()
    return format_changes(changes, f"gdegraph diff: {candidate_path} against the curated graph (data/*.ttl)")
