"""Baseline for `gdegraph network --data FILE`: a bare script with pyoxigraph and networkx only.

It loads the same dump, extracts the same combined network (undisputed
pairings; exemplars and fast followers without a pairing as nodes; succession
edges followed forward from those trusts) with two SPARQL queries, and runs
networkx's own betweenness, closeness and eccentricity on each connected
component, the obvious way (no rescaling tricks beyond normalising by the
whole graph, garbage collector left on). It writes nothing; it prints the node
and edge counts and the sum of the normalised betweenness, which the benchmark
compares with gdegraph's, so both did the same work.

    python bench/bare_network.py FILE.nq
"""

import json
import sys
from collections import defaultdict

import networkx as nx
import pyoxigraph

PREFIXES = """PREFIX gde: <https://w3id.org/gdegraph/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> """
NODES_AND_PAIRINGS = PREFIXES + """SELECT DISTINCT ?a ?b WHERE {
  { ?p a gde:Pairing ; gde:exemplar ?a ; gde:follower ?b ; gde:status/skos:notation ?s FILTER (?s != "disputed") }
  UNION
  { ?m a gde:ProgrammeMembership ; gde:member ?a ; gde:role/skos:notation ?r ; gde:status/skos:notation ?s .
    ?a a/rdfs:subClassOf* gde:Trust
    FILTER (?r IN ("global-digital-exemplar", "fast-follower") && ?s != "disputed") } }"""
SUCCESSIONS = PREFIXES + """SELECT DISTINCT ?a ?b WHERE {
  ?e a org:ChangeEvent ; org:originalOrganization ?a ; org:resultingOrganization ?b ; dcterms:date ?d }"""

formats = {"nq": pyoxigraph.RdfFormat.N_QUADS, "trig": pyoxigraph.RdfFormat.TRIG,
           "ttl": pyoxigraph.RdfFormat.TURTLE, "nt": pyoxigraph.RdfFormat.N_TRIPLES}
store = pyoxigraph.Store()
store.bulk_load(path=sys.argv[1], format=formats[sys.argv[1].rsplit(".", 1)[-1]])

g = nx.Graph()
for row in store.query(NODES_AND_PAIRINGS, use_default_graph_as_union=True):
    a, b = row["a"].value, row["b"]
    g.add_node(a)
    if b is not None:
        g.add_edge(a, b.value)
later = defaultdict(list)
for row in store.query(SUCCESSIONS, use_default_graph_as_union=True):
    later[row["a"].value].append(row["b"].value)
stack = list(g)
while stack:
    node = stack.pop()
    for nxt in later.get(node, []):
        if nxt not in g:
            stack.append(nxt)
        g.add_edge(node, nxt)
del store

n = len(g)
betweenness, closeness, eccentricity = {}, {}, {}
for nodes in nx.connected_components(g):
    part = g.subgraph(nodes).copy()
    for node, value in nx.betweenness_centrality(part, normalized=False).items():
        betweenness[node] = value * 2 / ((n - 1) * (n - 2))
    for node, value in nx.closeness_centrality(part).items():
        closeness[node] = value * (len(part) - 1) / (n - 1)
    eccentricity.update(nx.eccentricity(part))
print(json.dumps({"nodes": n, "edges": g.number_of_edges(), "betweenness_sum": sum(betweenness.values()),
                  "betweenness_max": max(betweenness.values()), "closeness_sum": sum(closeness.values()),
                  "diameter": max(eccentricity.values())}))
