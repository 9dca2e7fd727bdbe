"""Summary statistics of the graph: what `gdegraph stats`, `make run` and ``kg.stats()`` give.

The figures are SPARQL aggregates over the whole graph, so they double as a
smoke test of the headline facts (16 acute and 7 mental-health exemplars, 18
acute pairings, ...): if the data changes, the summary shows it at once. They
run through the store interface, so the summary of the built graph, of a
graph built in memory and of a remote endpoint is computed the same way (and
the built graph's summary no longer needs rdflib to parse Turtle).
"""

from __future__ import annotations

from typing import Any

from gdegraph.api.records import Stats

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
  FILTER(?st NOT IN (<https://w3id.org/gdegraph/id/concept/status-disputed>, <https://w3id.org/gdegraph/id/concept/status-withdrawn>))
  ?e skos:prefLabel ?exemplar .
} GROUP BY ?exemplar HAVING (COUNT(DISTINCT ?f) > 1) ORDER BY ?exemplar
"""

CLAIMS = PREFIXES + """
SELECT ?status (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c a gde:Claim ; gde:status ?s . ?s skos:prefLabel ?status .
} GROUP BY ?status ORDER BY ?status
"""


#: Section title -> its query; the last column of each query is the count.
SECTIONS = {
    "resources by class": CLASS_COUNTS,
    "programme members by tier, role and status": MEMBERS,
    "pairings by sector and status": PAIRINGS,
    "exemplars with more than one follower (disputed pairings excluded)": MULTI_FOLLOWER,
    "claims by status": CLAIMS,
}


def collect(store: Any) -> Stats:
    """Run every summary query on a store (any engine); rows are (labels, count)."""
    sections = {}
    for title, query in SECTIONS.items():
        rows = store.select(query).rows
        sections[title] = tuple((tuple("(none)" if t is None else t.value for t in row[:-1]), int(row[-1].value))
                                for row in rows)
    return Stats(sections)
