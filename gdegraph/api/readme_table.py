"""The README's table of what the graph holds, generated from the graph (issue 16, item 6).

The counts in README.md used to be written by hand and drifted from the graph (it said 92
trusts named in the seeds when the graph had 83). :func:`readme_table` computes the
table by SPARQL through the store interface (any engine), :func:`update_readme` puts it
between the marker comments, and a test fails when the README and the graph differ.
Programme counts count members only: partners of a membership are gde:collaboratesWith.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

BEGIN, END = "<!-- readme-table:begin (generated: gdegraph stats --readme README.md) -->", "<!-- readme-table:end -->"

_P = """PREFIX gde: <https://w3id.org/gdegraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_ONE = {
    "trusts": "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a gde:Trust }",
    # A trust an article names carries that article's spelling as an alternative label in the
    # article's own graph (graph/seed-000 ..., graph/dh-2018-01-...): every graph but the shared ones.
    "named": """SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { GRAPH ?g { ?t skos:altLabel ?name } ?t a gde:Trust .
                FILTER (STRSTARTS(STR(?g), "https://w3id.org/gdegraph/graph/")
                        && STRAFTER(STR(?g), "https://w3id.org/gdegraph/graph/") NOT IN
                           ("entities", "trusts", "refdata", "ontology", "build", "inferred", "conflicts")) }""",
    "articles": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type FILTER (?type IN (gde:NewsArticle, gde:Report)) }",
    "memberships": "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a gde:ProgrammeMembership }",
    "awards": "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a gde:FundingAward }",
    "claims": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a gde:Claim }",
    "conflicts": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a gde:Conflict }",
}
_BY = {
    "membership statuses": """SELECT ?k (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a gde:ProgrammeMembership ;
        gde:status/skos:prefLabel ?k } GROUP BY ?k ORDER BY DESC(?n) ?k""",
    "pairings": """SELECT ?k (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a gde:Pairing ; gde:status/skos:prefLabel ?s ;
        gde:sector/skos:prefLabel ?c . BIND (CONCAT(STR(?c), " (", STR(?s), ")") AS ?k) } GROUP BY ?k ORDER BY DESC(?n) ?k""",
    "programme members": """SELECT ?k (COUNT(DISTINCT ?t) AS ?n) WHERE { ?m a gde:ProgrammeMembership ; gde:member ?t ;
        gde:inWave/skos:prefLabel ?k } GROUP BY ?k ORDER BY ?k""",
}


def _count(store: Any, query: str) -> int:
    return int(store.select(_P + query).rows[0][0].value)


def _pairs(store: Any, query: str) -> list[tuple[str, int]]:
    return [(row[0].value, int(row[1].value)) for row in store.select(_P + query).rows]


def readme_table(store: Any) -> str:
    """The Markdown table (without the markers) for the graph in ``store``."""
    n = {key: _count(store, q) for key, q in _ONE.items()}
    by = {key: ", ".join(f"{count} {label}" for label, count in _pairs(store, q)) for key, q in _BY.items()}
    pairings = sum(count for _, count in _pairs(store, _BY["pairings"]))
    rows = [
        ("trusts", f"{n['trusts']} (the {n['named']} named in the {n['articles']} articles, plus their predecessors and successors)"),
        ("programme memberships", f"{n['memberships']}, with role and status ({by['membership statuses']})"),
        ("members by wave", f"{by['programme members']} (members only; partners of a member are not counted)"),
        ("pairings", f"{pairings}: {by['pairings']}"),
        ("funding awards", f"{n['awards']} figures, each exact / \"up to\" / \"more than\" / range, central / local "
                           "match, per trust / in total"),
        ("claims", f"{n['claims']} quantitative, disputed or corrected statements in their sources' words; "
                   f"{n['conflicts']} conflicts between statements, each with the value reported by default"),
    ]
    return "\n".join(["| | |", "| --- | --- |", *(f"| {k} | {v} |" for k, v in rows)]) + "\n"


def replace_table(readme: str, table: str) -> str:
    """``readme`` with the text between the markers replaced by ``table``; a missing marker is an error."""
    from gdegraph.core.errors import InputError

    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise InputError(f"the README has no table markers: add {BEGIN} and {END} around the table")
    return readme[: start + len(BEGIN)] + "\n" + table + readme[end:]


def update_readme(path: Path, store: Any) -> bool:
    """Rewrite the table in the README at ``path`` (atomically); True if it changed."""
    from gdegraph.core.atomic import atomic_write_text

    old = path.read_text(encoding="utf-8")
    new = replace_table(old, readme_table(store))
    if new != old:
        atomic_write_text(path, new)
    return new != old
