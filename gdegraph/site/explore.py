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

from pyoxigraph import Literal, NamedNode

from gdegraph.core.errors import GdeError

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


def _names_then(facts: Facts, trust: TrustFacts) -> list[str]:
    """The trust's names in its programme roles, as of each role's date, oldest first: the build's
    ``gde:memberName`` / ``gde:exemplarName`` / ``gde:followerName``, which the queries name them by."""
    m, found = facts.model, []
    for st in sorted(trust.statements, key=lambda s: (s.year or "9999", s.iri.value)):
        prop = "memberName" if st.kind == "membership" else (
            "exemplarName" if st.parties and st.parties[0] == trust.iri else "followerName")
        name = m.first(st.iri, iris.DEF + prop)
        if isinstance(name, Literal) and name.value not in found:
            found.append(name.value)
    return found or [trust.name]


def map_data(facts: Facts) -> dict[str, Any]:
    """Trusts with coordinates (by role, named as in their earliest role, with what they are now) and the
    pairing lines between them (by programme)."""
    m = facts.model
    points, index = [], {}
    for trust in facts.trusts.values():
        if trust.lat is None or trust.long is None or not (trust.memberships or trust.pairings):
            continue
        role = _role_key(facts, trust)
        index[trust.iri] = [round(trust.lat, 5), round(trust.long, 5)]
        names, now = _names_then(facts, trust), m.first(trust.iri, iris.DEF + "nowLabel")
        points.append({"name": names[0], "now": now.value if isinstance(now, Literal) else "",
                       "code": trust.code, "path": m.path(trust.iri), "role": role,
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


def _pairings_as_of(store: Any, as_of: str | None) -> dict[str, dict[str, str]]:
    """The query library's ``pairings`` rows by pairing IRI: each trust named as at the pairing's date,
    what became of it, and the status as of ``as_of`` (the latest without it). The network view runs the
    very query ``gdegraph query pairings --param as_of=...`` runs, so the two cannot disagree."""
    from gdegraph.query.library import bind_params, load_library

    query = load_library()["pairings"]
    result = store.select(query.text, bind_params(query, {"as_of": as_of} if as_of else {}, store))
    rows: dict[str, dict[str, str]] = {}
    for row in result.rows:
        values = {v: t.value if t is not None else "" for v, t in zip(result.variables, row)}
        rows.setdefault(values["pairing"], values)
    return rows


def _status_styles(facts: Facts) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The step dates of the pairings (their gde:validFrom days, oldest first) and each status with its
    rank (gde:statusRank): firmer statuses draw solid, proposed dashed, disputed dotted; rank 0
    (withdrawn, corrected) starts unticked in the filter, since such a pairing no longer holds."""
    m = facts.model
    dates, statuses = set(), {}
    for st in facts.pairings:
        for step in m.subjects(iris.DEF + "statusOf", st.iri):
            start, status = m.first(step, iris.DEF + "validFrom"), m.first(step, iris.DEF + "status")
            if isinstance(start, Literal):
                dates.add(start.value)
            if isinstance(status, NamedNode):
                rank = m.first(status, iris.DEF + "statusRank")
                statuses[m.label(status)] = int(rank.value) if isinstance(rank, Literal) else 2
    styles = {name: {"rank": rank, "line": "solid" if rank >= 3 else "dashed" if rank == 2 else "dotted",
                     "checked": rank > 0} for name, rank in statuses.items()}
    return sorted(dates), styles


def network_data(facts: Facts) -> dict[str, Any]:
    """The pairing network: trusts as nodes, pairings as edges, each as of every step date.

    A node is labelled with the trust's name at its pairings' date (``gde:exemplarName`` ...), not
    today's, and carries what became of it (``now``); an edge carries its status as of each date of
    the slider (``asOf``; absent: not yet made). Both come from the library's ``pairings`` query,
    run once per date, so the view shows what the query answers."""
    m = facts.model
    if m.store is None:
        raise GdeError("the network view needs the graph's store (Model.load) to run the pairings query")
    dates, statuses = _status_styles(facts)
    latest = _pairings_as_of(m.store, None)
    runs = {day: _pairings_as_of(m.store, day) for day in dates}
    nodes: dict[str, dict[str, Any]] = {}
    edges = []
    for st in facts.pairings:
        row = latest.get(st.iri.value)
        if len(st.parties) != 2 or row is None:
            continue
        paths, trusts = [m.path(p) for p in st.parties], [facts.trusts.get(p) for p in st.parties]
        if None in paths or None in trusts:
            continue
        for trust, path, side in zip(trusts, paths, ("exemplar", "follower")):
            node = nodes.setdefault(path, {"id": path, "name": row[side + "Name"], "code": trust.code,
                                           "role": _role_key(facts, trust), "region": facts.label(trust.region),
                                           "now": row[side + "Now"], "names": {}})
            for day, rows in runs.items():  # the name as of a date, where it is not the usual one
                then = rows.get(st.iri.value, {}).get(side + "Name", node["name"])
                if then != node["name"]:
                    node["names"].setdefault(day, then)
        edges.append({"id": m.path(st.iri), "source": paths[0], "target": paths[1],
                      "sector": row["sectorName"] or "unknown", "status": row["statusName"] or "unknown",
                      "asOf": {day: rows[st.iri.value]["statusName"] for day, rows in runs.items()
                               if st.iri.value in rows}})
    for node in nodes.values():
        node["sectors"] = sorted({e["sector"] for e in edges if node["id"] in (e["source"], e["target"])})
    return {"nodes": sorted(nodes.values(), key=lambda n: n["id"]), "edges": sorted(edges, key=lambda e: e["id"]),
            "roles": ROLE_COLOURS, "dates": dates, "statuses": statuses}
