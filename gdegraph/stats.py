"""Summary statistics of the graph: what `gdegraph stats` and `make run` print.

The figures are SPARQL aggregates over the whole built graph, so they double as
a smoke test of the headline facts (16 acute and 7 mental-health exemplars, 18
acute pairings, ...): if the data changes, the summary shows it at once.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph

PREFIXES = """
PREFIX gde: <https://w3id.org/gdegraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

CLASS_COUNTS = PREFIXES + """
SELECT ?label (COUNT(DISTINCT ?x) AS ?n) WHERE {
  VALUES ?class { gde:Trust gde:Programme gde:Wave gde:Tier gde:ProgrammeMembership gde:Pairing
                  gde:FundingAward gde:Claim gde:Source gde:AnnouncementEvent gde:Milestone }
  ?x a ?class . ?class rdfs:label ?label .
} GROUP BY ?label ORDER BY ?label
"""

MEMBERS = PREFIXES + """
SELECT ?programme ?tier ?role ?status (COUNT(DISTINCT ?member) AS ?n) WHERE {
  ?m a gde:ProgrammeMembership ; gde:member ?member ; gde:inProgramme ?p ; gde:role ?r ; gde:status ?s .
  OPTIONAL { ?m gde:inTier ?t . ?t skos:prefLabel ?tl }
  OPTIONAL { ?m gde:inWave ?w . ?w skos:prefLabel ?wl }
  ?p skos:prefLabel ?programme . ?r skos:prefLabel ?role . ?s skos:prefLabel ?status .
  BIND(COALESCE(?tl, ?wl) AS ?tier)
} GROUP BY ?programme ?tier ?role ?status ORDER BY ?programme ?tier ?role ?status
"""

PAIRINGS = PREFIXES + """
SELECT ?sector ?status (COUNT(DISTINCT ?pairing) AS ?n) WHERE {
  ?pairing a gde:Pairing ; gde:sector ?sc ; gde:status ?st .
  ?sc skos:prefLabel ?sector . ?st skos:prefLabel ?status .
} GROUP BY ?sector ?status ORDER BY ?sector ?status
"""

MULTI_FOLLOWER = PREFIXES + """
SELECT ?exemplar (COUNT(DISTINCT ?f) AS ?n) WHERE {
  ?pairing a gde:Pairing ; gde:exemplar ?e ; gde:follower ?f ; gde:status ?st .
  FILTER(?st != <https://w3id.org/gdegraph/id/concept/status-disputed>)
  ?e skos:prefLabel ?exemplar .
} GROUP BY ?exemplar HAVING (COUNT(DISTINCT ?f) > 1) ORDER BY ?exemplar
"""

CLAIMS = PREFIXES + """
SELECT ?status (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c a gde:Claim ; gde:status ?s . ?s skos:prefLabel ?status .
} GROUP BY ?status ORDER BY ?status
"""


def _rows(graph: Graph, query: str) -> list[list[str]]:
    return [[str(v) for v in row] for row in graph.query(query)]


def collect(graph: Graph) -> dict[str, list[list[str]]]:
    """Run every summary query; the keys are the report's section titles."""
    return {
        "resources by class": _rows(graph, CLASS_COUNTS),
        "programme members by tier, role and status": _rows(graph, MEMBERS),
        "pairings by sector and status": _rows(graph, PAIRINGS),
        "exemplars with more than one follower (disputed pairings excluded)": _rows(graph, MULTI_FOLLOWER),
        "claims by status": _rows(graph, CLAIMS),
    }


def load_graph(out_dir: Path | None = None) -> Graph:
    """The built graph: ``dist/gdegraph.ttl`` when a build exists there, else built in memory."""
    from gdegraph.build import build_dataset, union

    built = (out_dir or Path("dist")) / "gdegraph.ttl"
    if built.is_file():
        from gdegraph.loading import parse_turtle_file

        return parse_turtle_file(built)
    return union(build_dataset())


def stats_report(fmt: str = "text", out_dir: Path | None = None) -> str:
    """The summary as readable text or as JSON (section -> rows)."""
    sections = collect(load_graph(out_dir))
    if fmt == "json":
        return json.dumps(sections, indent=2, ensure_ascii=False)
    lines: list[str] = []
    for title, rows in sections.items():
        lines.append(title)
        width = max((len(" / ".join(r[:-1])) for r in rows), default=0)
        for row in rows:
            lines.append(f"  {' / '.join(row[:-1]):<{width}}  {row[-1]:>4}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
