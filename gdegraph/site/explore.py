"""The data the browser-side views read: the search index, the map and the network.

Written once per site build (and once per server start) as small scripts,
``explore/search.js``, ``explore/map.js`` and ``explore/network.js``, each
assigning one JSON value to a global. Scripts rather than ``.json`` files
because a page opened from disk (``file://``) may load a script but may not
``fetch`` a file; the same bytes then serve the static site and the server.
Paths are site paths without extension; the page's script adds its own
relative prefix (``data-root`` on ``<html>``).
"""

from __future__ import annotations

import json
from typing import Any

from pyoxigraph import NamedNode

from gdegraph.model import iris
from gdegraph.site.facts import Facts, TrustFacts

__all__ = ["map_data", "network_data", "script", "search_index"]

#: Colours by role (map markers, network nodes): exemplar, fast follower, aspirant, other.
ROLE_COLOURS = {"exemplar": "#005eb8", "fast follower": "#ed8b00", "aspirant": "#009639", "other": "#768692"}
#: Colours by programme (pairing lines, legend).
PROGRAMME_COLOURS = ("#005eb8", "#7c2855", "#009639", "#ed8b00", "#330072")


def script(name: str, value: Any) -> bytes:
    """``window.NAME = <json>;`` with ``<`` escaped, so it can never close a script element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).replace("<", "\\u003c")
    return f"window.{name} = {text};\n".encode("utf-8")


def _role_key(facts: Facts, trust: TrustFacts) -> str:
    roles = " ".join(facts.roles(trust)).lower()
    if "exemplar" in roles and "follower" not in roles.replace("exemplar", ""):
        return "exemplar"
    if "follower" in roles:
        return "fast follower"
    if "aspirant" in roles:
        return "aspirant"
    return "other"


def search_index(facts: Facts) -> list[dict[str, Any]]:
    """One document per trust, programme, tier, wave, pairing, award and source: names, other names, codes."""
    m = facts.model
    docs: list[dict[str, Any]] = []
    for trust in facts.trusts.values():
        path = m.path(trust.iri)
        if path is None:
            continue
        docs.append({"id": path, "name": trust.name if trust.named else f"ODS code {trust.code}",
                     "alt": " · ".join(trust.alt_names), "code": trust.code, "kind": "trust"})
    for local, kind in (("Programme", "programme"), ("Tier", "tier"), ("Wave", "wave"), ("Source", "source"),
                        ("FundingAward", "award"), ("Pairing", "pairing"), ("Region", "region")):
        for term in m.instances(NamedNode(iris.DEF + local)):
            path = m.path(term)
            if path is not None and not any(d["id"] == path for d in docs[-1:]):
                code = m.first(term, "http://www.w3.org/2004/02/skos/core#notation")
                docs.append({"id": path, "name": m.label(term), "alt": "", "kind": kind,
                             "code": code.value if code is not None else ""})
    return docs


def map_data(facts: Facts) -> dict[str, Any]:
    """Trusts with coordinates (by role) and the pairing lines between them (by programme)."""
    m = facts.model
    points, index = [], {}
    for trust in facts.trusts.values():
        if trust.lat is None or trust.long is None or not (trust.memberships or trust.pairings):
            continue
        role = _role_key(facts, trust)
        index[trust.iri] = [round(trust.lat, 5), round(trust.long, 5)]
        points.append({"name": trust.name, "code": trust.code, "path": m.path(trust.iri), "role": role,
                       "at": index[trust.iri], "roles": facts.roles(trust),
                       "programmes": sorted({facts.label(s.programme) for s in trust.statements if s.programme})})
    programmes = sorted({facts.label(s.programme) for s in facts.pairings if s.programme})
    colours = {p: PROGRAMME_COLOURS[i % len(PROGRAMME_COLOURS)] for i, p in enumerate(programmes)}
    lines = []
    for st in facts.pairings:
        if len(st.parties) == 2 and all(p in index for p in st.parties):
            programme = facts.label(st.programme)
            lines.append({"path": m.path(st.iri), "label": st.label, "programme": programme,
                          "colour": colours.get(programme, "#768692"), "from": index[st.parties[0]],
                          "to": index[st.parties[1]], "status": facts.label(st.status)})
    return {"points": points, "lines": lines, "roles": ROLE_COLOURS, "programmes": colours}


def network_data(facts: Facts) -> dict[str, Any]:
    """The pairing network: trusts as nodes, pairings as edges with sector, status and dated statuses."""
    m = facts.model
    nodes: dict[str, dict[str, Any]] = {}
    edges = []
    for st in facts.pairings:
        if len(st.parties) != 2:
            continue
        for party in st.parties:
            trust = facts.trusts.get(party)
            path = m.path(party)
            if trust is not None and path is not None and path not in nodes:
                nodes[path] = {"id": path, "name": trust.name, "code": trust.code, "role": _role_key(facts, trust),
                               "region": facts.label(trust.region)}
        sectors = [facts.label(s) for s in st.sector] or ["unknown"]
        edges.append({"id": m.path(st.iri), "source": m.path(st.parties[0]), "target": m.path(st.parties[1]),
                      "sector": sectors[0], "status": facts.label(st.status) or "unknown",
                      "dates": [[d, facts.label(s)] for d, s in st.dates]})
    for node in nodes.values():
        node["sectors"] = sorted({e["sector"] for e in edges if node["id"] in (e["source"], e["target"])})
    return {"nodes": sorted(nodes.values(), key=lambda n: n["id"]), "edges": edges, "roles": ROLE_COLOURS,
            "dated": facts.dated}
