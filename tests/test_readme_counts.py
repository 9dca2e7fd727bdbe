"""The counts in the README's headline table are the graph's (a stale figure fails here)."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph

README = Path(__file__).resolve().parents[1] / "README.md"
P = """PREFIX gde: <https://w3id.org/gdegraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def _table() -> dict[str, str]:
    text = README.read_text(encoding="utf-8")
    head = text[:text.index("## Contents")]
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| ([a-z ]+) \| (.+) \|$", head, re.MULTILINE)}


def _count(graph: Graph, where: str) -> int:
    return int(next(iter(graph.query(P + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")))[0])


def _by_status(graph: Graph, cls: str, sector: str | None = None) -> dict[str, int]:
    extra = f"; gde:sector/skos:notation \"{sector}\"" if sector else ""
    q = f"SELECT ?st (COUNT(?x) AS ?n) WHERE {{ ?x a {cls} {extra} ; gde:status/skos:notation ?st }} GROUP BY ?st"
    return {str(st): int(n) for st, n in graph.query(P + q)}


def _leading(cell: str) -> int:
    return int(re.match(r"(\d+)", cell).group(1))


def test_readme_counts_come_from_the_graph(graph: Graph) -> None:
    table = _table()
    assert _leading(table["trusts"]) == _count(graph, "?x a gde:Trust")
    assert _leading(table["programme memberships"]) == _count(graph, "?x a gde:ProgrammeMembership")
    assert _leading(table["pairings"]) == _count(graph, "?x a gde:Pairing")
    assert _leading(table["funding awards"]) == _count(graph, "?x a gde:FundingAward")
    assert _leading(table["claims"]) == _count(graph, "?x a gde:Claim")
    assert _leading(table["status history"]) == _count(graph, "?x a gde:StatusChange")
    assert f"{_count(graph, '?x a gde:Conflict')} recorded conflicts" in table["status history"]
    acute = _by_status(graph, "gde:Pairing", "acute")
    assert f"{sum(acute.values())} acute ({acute['announced']} announced, {acute['confirmed']} confirmed, " \
           f"{acute['withdrawn']} withdrawn)" in table["pairings"]
    mental = _by_status(graph, "gde:Pairing", "mental-health")
    assert f"{mental['proposed']} mental-health (proposed), {mental['disputed']} disputed" in table["pairings"]
    statuses = set(_by_status(graph, "gde:ProgrammeMembership"))
    assert statuses == set(re.search(r"status \(([^)]*)\)", table["programme memberships"]).group(1).split(", "))
