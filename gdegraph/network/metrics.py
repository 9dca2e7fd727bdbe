"""What the pairing network says: followers per exemplar, structure, centrality, distances, fates.

:func:`analyse` returns one JSON-ready dict (``gdegraph network --format json``)
and :func:`format_report` renders that same dict as text, so the two formats
can never disagree.

Definitions, fixed here so the numbers mean one thing:

* the *pairing network* is every node except successor-only organisations,
  with pairing edges only; the *combined network* adds the succession edges
  and their organisations, ignoring direction and parallel edges;
* distances are great-circle km between the reference coordinates of the two
  trusts (:mod:`gdegraph.model.geo`); a pairing with a trust lacking coordinates is
  listed as excluded, never guessed;
* an outlier is beyond Tukey's fences (1.5 IQR), a rule fixed in advance;
* "what became of a pair": both trusts' successors are followed forward
  through the succession edges; the first organisation both reach is where
  the pair ended up, dated by the later of the two paths.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from gdegraph.model.geo import quantile, tukey_fences
from gdegraph.core.progress import Advance
from gdegraph.network.components import ComponentMetrics, component_metrics

__all__ = ["CLOSE_KM", "NAMED_EXCEPTIONS", "analyse", "combined_graph", "network_metrics", "pairing_graph",
           "pair_fates"]

#: The pairs the 2017 article names as exceptions to "geographically close" (exemplar, follower).
NAMED_EXCEPTIONS = (("RQ6", "RVW"), ("RBA", "RLQ"), ("RBA", "RXL"))
#: A reader-friendly yardstick for "close", reported beside (not instead of) the quartiles.
CLOSE_KM = 50.0


def pairing_graph(g: nx.MultiDiGraph) -> nx.DiGraph:
    """Programme trusts (no successor-only organisations) and pairing edges only."""
    out = nx.DiGraph()
    out.add_nodes_from((n, d) for n, d in g.nodes(data=True) if d.get("group") != "successor")
    out.add_edges_from((u, v, d) for u, v, d in g.edges(data=True) if d["kind"] == "pairing")
    return out


def combined_graph(g: nx.MultiDiGraph) -> nx.Graph:
    """Pairings and successions as one simple undirected graph, for components and centrality."""
    return nx.Graph(g.to_undirected(as_view=True))


def _pairings(g: nx.MultiDiGraph) -> list[tuple[str, str, dict[str, Any]]]:
    return sorted(((u, v, d) for u, v, d in g.edges(data=True) if d["kind"] == "pairing"),
                  key=lambda e: (e[0], e[1]))


def _components(graph: nx.Graph | nx.DiGraph) -> dict[str, Any]:
    comps = sorted((sorted(c) for c in nx.weakly_connected_components(graph)) if graph.is_directed()
                   else (sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c))
    return {"count": len(comps), "sizes": dict(sorted(Counter(len(c) for c in comps).items())), "members": comps}


def _exemplars(g: nx.MultiDiGraph, pg: nx.DiGraph) -> list[dict[str, Any]]:
    rows = []
    for n, d in pg.nodes(data=True):
        if "global-digital-exemplar" in d.get("roles", "").split(";"):
            followers = sorted(pg.successors(n))
            rows.append({"node": n, "label": d["short_label"], "sector": d.get("sector", ""),
                         "followers": followers, "count": len(followers)})
    return sorted(rows, key=lambda r: (-r["count"], r["sector"], r["node"]))


def network_metrics(g: nx.MultiDiGraph, approximate: int | None = None, seed: int = 0,
                    advance: Advance | None = None) -> ComponentMetrics:
    """Betweenness, closeness and eccentricity of every node of the combined network, computed one
    component at a time (:mod:`gdegraph.network.components`); exact unless ``approximate`` is given."""
    return component_metrics(combined_graph(g), approximate, seed, advance)


def _centrality(cg: nx.Graph, m: ComponentMetrics, top: int = 10) -> dict[str, list[dict[str, Any]]]:
    degree = nx.degree_centrality(cg)

    def ranked(values: dict[str, float]) -> list[dict[str, Any]]:
        # Rounded for the order: values equal in theory may differ in the last bits.
        order = sorted(values, key=lambda n: (-round(values[n], 12), n))[:top]
        return [{"node": n, "label": cg.nodes[n]["short_label"], "degree": cg.degree(n),
                 "value": round(values[n], 4)} for n in order]

    return {"degree": ranked(degree), "betweenness": ranked(m.betweenness), "closeness": ranked(m.closeness)}


def _distances(m: ComponentMetrics, top: int = 5) -> dict[str, Any]:
    """Eccentricity-type figures of the combined network: each is within a component (no path leaves one)."""
    return {"diameter": max((d for _, d, _ in m.components), default=0),
            "largest_components": [{"nodes": n, "diameter": d, "radius": r} for n, d, r in m.components[:top]],
            "eccentricity_distribution": dict(sorted(Counter(m.eccentricity.values()).items()))}


def _stats(values: list[float]) -> dict[str, float | int]:
    q1, med, q3 = (quantile(values, q) for q in (0.25, 0.5, 0.75))
    return {"count": len(values), "median_km": round(med, 1), "q1_km": round(q1, 1), "q3_km": round(q3, 1),
            "iqr_km": round(q3 - q1, 1), "mean_km": round(sum(values) / len(values), 1),
            "min_km": round(min(values), 1), "max_km": round(max(values), 1)}


def _geography(g: nx.MultiDiGraph) -> dict[str, Any]:
    pairs, excluded = [], []
    for u, v, d in _pairings(g):
        if "distance_km" not in d:
            excluded.append({"exemplar": u, "follower": v, "reason": d.get("distance_note", "no coordinates")})
            continue
        coords = {role: {"lat": g.nodes[n]["lat"], "lon": g.nodes[n]["lon"],
                         "sources": g.nodes[n].get("coordinate_sources", "")}
                  for role, n in (("exemplar", u), ("follower", v))}
        pairs.append({"exemplar": u, "follower": v, "sector": d.get("sector", ""), "status": d["status"],
                      "distance_km": round(d["distance_km"], 1), "same_region": d.get("same_region"),
                      "coordinates": coords})
    pairs.sort(key=lambda p: -p["distance_km"])
    for rank, p in enumerate(pairs, start=1):
        p["rank"] = rank
    values = [p["distance_km"] for p in pairs]
    out: dict[str, Any] = {"pairs": pairs, "excluded": excluded}
    if not values:
        return out
    low, high = tukey_fences(values)
    out["all"] = _stats(values)
    out["by_sector"] = {s: _stats([p["distance_km"] for p in pairs if p["sector"] == s])
                        for s in sorted({p["sector"] for p in pairs})}
    close = [p for p in pairs if p["distance_km"] <= CLOSE_KM]
    out["within_close"] = {"km": CLOSE_KM, "count": len(close), "of": len(pairs),
                           "share": round(len(close) / len(pairs), 3)}
    out["fences_km"] = [round(low, 1), round(high, 1)]
    out["outliers"] = [p for p in pairs if not low <= p["distance_km"] <= high]
    regional = [p for p in pairs if p["same_region"] is not None]
    same = [p for p in regional if p["same_region"]]
    out["same_region"] = {"count": len(same), "of": len(regional),
                          "share": round(len(same) / len(regional), 3) if regional else None}
    by_pair = {(p["exemplar"], p["follower"]): p for p in pairs}
    out["named_exceptions"] = [by_pair[k] for k in NAMED_EXCEPTIONS if k in by_pair]
    # Pairs the article does not name although they are at least as far apart as a named one.
    floor = min((p["distance_km"] for p in out["named_exceptions"]), default=float("inf"))
    out["unmentioned_far_pairs"] = [p for p in pairs if p["distance_km"] >= floor
                                    and (p["exemplar"], p["follower"]) not in NAMED_EXCEPTIONS]
    return out


def _descendants(g: nx.MultiDiGraph, start: str) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """Organisations reachable from ``start`` by succession edges: (date reached, events on the path)."""
    best: dict[str, tuple[str, list[dict[str, Any]]]] = {start: ("", [])}
    stack = [start]
    while stack:
        node = stack.pop()
        date, path = best[node]
        for _, nxt, d in g.out_edges(node, data=True):
            if d["kind"] != "succession":
                continue
            event = {"from": node, "to": nxt, "date": d["date"], "change_type": d.get("change_type", ""),
                     "iri": d["iri"]}
            reached = max(date, d["date"])
            if nxt not in best or reached < best[nxt][0]:
                best[nxt] = (reached, [*path, event])
                stack.append(nxt)
    return best


def pair_fates(g: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Pairings whose exemplar and follower ended up in one organisation, with how and when."""
    fates = []
    for ex, fo, _ in _pairings(g):
        a, b = _descendants(g, ex), _descendants(g, fo)
        common = sorted(set(a) & set(b), key=lambda n: (max(a[n][0], b[n][0]), n))
        if not common:
            continue
        org = common[0]
        events = a[org][1] + b[org][1]
        if org == ex:
            split = any(e["change_type"] == "dissolution" for e in events)
            outcome = ("follower split up, part absorbed by the exemplar" if split
                       else "follower absorbed by the exemplar")
        elif org == fo:
            outcome = "exemplar absorbed by the follower"
        else:
            outcome = "merged into a new organisation"
        others = sorted({n for _, n, d in g.out_edges(fo, data=True) if d["kind"] == "succession"} - {org})
        fates.append({"exemplar": ex, "follower": fo, "organisation": org,
                      "organisation_label": g.nodes[org]["label"], "date": max(a[org][0], b[org][0]),
                      "outcome": outcome, "follower_also_to": others, "events": events})
    return fates


def _other_changes(g: nx.MultiDiGraph, fates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Succession events of programme trusts that are not part of a pair ending up together."""
    used = {(e["from"], e["to"]) for f in fates for e in f["events"]}
    return [{"from": u, "to": v, "to_label": g.nodes[v]["label"], "date": d["date"],
             "change_type": d.get("change_type", "")}
            for u, v, d in sorted(g.edges(data=True), key=lambda e: (e[2].get("date", ""), e[0]))
            if d["kind"] == "succession" and (u, v) not in used]


def analyse(g: nx.MultiDiGraph, metrics: ComponentMetrics | None = None) -> dict[str, Any]:
    """Every figure of the network report, as plain JSON-ready data.

    ``metrics`` are the path-based values of :func:`network_metrics` when the
    caller has them already (``gdegraph network`` also writes them as RDF);
    otherwise they are computed here, exactly.
    """
    known = metrics.graph if metrics is not None else None  # the combined graph, built once per run
    pg, cg = pairing_graph(g), known if known is not None else combined_graph(g)
    m = metrics if metrics is not None else component_metrics(cg)
    pairings = _pairings(g)
    exemplars = _exemplars(g, pg)
    fates = pair_fates(g)
    missing = sorted(n for n, d in g.nodes(data=True) if "lat" not in d)
    sources = Counter(d["coordinate_sources"] for _, d in g.nodes(data=True) if "coordinate_sources" in d)
    return {
        "options": g.graph.get("options", ""),
        "counts": {"nodes": g.number_of_nodes(), "programme_trusts": pg.number_of_nodes(),
                   "pairings": len(pairings),
                   "pairings_by_status": dict(sorted(Counter(d["status"] for *_, d in pairings).items())),
                   "pairings_by_sector": dict(sorted(Counter(d.get("sector", "") for *_, d in pairings).items())),
                   "successions": sum(1 for *_, d in g.edges(data=True) if d["kind"] == "succession"),
                   "groups": dict(sorted(Counter(d["group"] for _, d in g.nodes(data=True)).items()))},
        "exemplars": exemplars,
        "multi_follower_exemplars": [e for e in exemplars if e["count"] > 1],
        "exemplars_without_follower": [e for e in exemplars if e["count"] == 0],
        "degree_distribution": {
            "pairing": dict(sorted(Counter(d for _, d in pg.to_undirected(as_view=True).degree()).items())),
            "combined": dict(sorted(Counter(d for _, d in cg.degree()).items()))},
        "components": {"pairing": _components(pg), "combined": _components(cg)},
        "centrality": _centrality(cg, m),
        "centrality_method": {"betweenness": m.method, "closeness": "exact", "eccentricity": "exact"},
        "network_distances": _distances(m),
        "geography": _geography(g),
        "fates": fates,
        "other_changes": _other_changes(g, fates),
        "renamed": [{"node": n, "name_2016": d["name_2016"], "label": d["label"]}
                    for n, d in sorted(g.nodes(data=True)) if d.get("name_2016") not in (None, d["label"])],
        "coordinates": {"missing": missing, "sources": dict(sorted(sources.items()))},
    }


def _pct(share: float | None) -> str:
    return "n/a" if share is None else f"{100 * share:.0f}%"


def _tag(sources: str) -> str:
    """'NSPL+ETR2025' for the NSPL centroid of the postcode in the 2025 ODS file (sources spelled out in the report)."""
    short = {"nspl-postcodes-2020-subset": "NSPL", "trust-points-2022": "OSM"}
    return "+".join(short.get(s, s.replace("ods-etr-", "ETR")) for s in sources.split()) or "?"


def _pair(p: dict[str, Any]) -> str:
    return f"{p['exemplar']}-{p['follower']}"



def _counts(counts: dict[Any, Any]) -> str:
    """``{'announced': 18, 'proposed': 6}`` as ``announced 18, proposed 6`` (not a Python dict)."""
    return ", ".join(f"{key}: {value}" if isinstance(key, int) else f"{key} {value}" for key, value in counts.items())

def format_report(r: dict[str, Any]) -> str:
    """The report for people: the same figures as :func:`analyse`, in sentences and short tables."""
    c, geo = r["counts"], r["geography"]
    out = [f"gdegraph network ({r['options']})",
           f"{c['nodes']} nodes ({c['programme_trusts']} programme trusts), {c['pairings']} pairings "
           f"({_counts(c['pairings_by_status'])}), {c['successions']} succession edges", "",
           "Exemplars by number of fast followers:"]
    out += [f"  {e['count']}  {e['node']:<4} {e['label']} ({e['sector']}): {', '.join(e['followers']) or '-'}"
            for e in r["exemplars"]]
    multi = ", ".join(f"{e['node']} {e['label']} ({e['sector']})" for e in r["multi_follower_exemplars"])
    out += [f"More than one follower: {multi or 'none'}",
            "Exemplars without a follower: "
            + (", ".join(f"{e['node']} {e['label']}" for e in r["exemplars_without_follower"]) or "none"), "",
            f"Degree distribution (degree: trusts), pairing network: {_counts(r['degree_distribution']['pairing'])}; "
            f"with successions: {_counts(r['degree_distribution']['combined'])}"]
    for name in ("pairing", "combined"):
        comp = r["components"][name]
        out.append(f"Weakly connected components, {name} network: {comp['count']} (size: count {_counts(comp['sizes'])})")
    method = r["centrality_method"]["betweenness"]
    for kind in ("degree", "betweenness", "closeness"):
        top = [x for x in r["centrality"][kind] if x["value"] > 0 and (kind != "degree" or x["degree"] > 1)]
        how = f"; {method.replace('approximate', 'APPROXIMATE', 1)}" if kind == "betweenness" and method != "exact" else ""
        out.append(f"Highest {kind} centrality (pairings + successions{how}): "
                   + (", ".join(f"{x['node']} {x['value']}" for x in top) or "all zero"))
    dist = r["network_distances"]
    out.append(f"Diameter (longest shortest path, within a component): {dist['diameter']}; largest components "
               "(nodes: diameter/radius): "
               + ", ".join(f"{c['nodes']}: {c['diameter']}/{c['radius']}" for c in dist["largest_components"]))
    out += ["", "Geography (great-circle km between reference coordinates):"]
    for p in geo["pairs"]:
        src = " / ".join(_tag(p["coordinates"][k]["sources"]) for k in ("exemplar", "follower"))
        out.append(f"  {p['rank']:>2}. {_pair(p):<9} {p['distance_km']:>6.1f} km  {p['sector']:<13} "
                   f"{'same region' if p['same_region'] else 'different regions'}  [coords: {src}]")
    out += [f"  excluded: {_pair(x)} ({x['reason']})" for x in geo["excluded"]]
    if "all" in geo:
        a, close = geo["all"], geo["within_close"]
        out += [f"Median {a['median_km']} km, IQR {a['q1_km']}-{a['q3_km']} km ({a['iqr_km']} km), "
                f"mean {a['mean_km']} km, range {a['min_km']}-{a['max_km']} km over {a['count']} pairings"]
        out += [f"  {s}: median {v['median_km']} km, IQR {v['q1_km']}-{v['q3_km']} km (n={v['count']})"
                for s, v in geo["by_sector"].items()]
        out += [f"Within {close['km']:.0f} km: {close['count']} of {close['of']} ({_pct(close['share'])}); "
                f"same NHS region: {geo['same_region']['count']} of {geo['same_region']['of']} "
                f"({_pct(geo['same_region']['share'])})",
                f"Outliers beyond Tukey's fence of {geo['fences_km'][1]} km: "
                + (", ".join(f"{_pair(p)} {p['distance_km']} km" for p in geo["outliers"]) or "none"),
                "Exceptions the article names: "
                + ", ".join(f"{_pair(p)} {p['distance_km']} km (rank {p['rank']})" for p in geo["named_exceptions"]),
                "Not named, but at least as far apart: "
                + (", ".join(f"{_pair(p)} {p['distance_km']} km" for p in geo["unmentioned_far_pairs"]) or "none"),
                f"Verdict: 'most followers are geographically close' "
                f"{'holds' if close['share'] > 0.5 else 'does not hold'} ({_pct(close['share'])} within "
                f"{close['km']:.0f} km, median {a['median_km']} km); the named exceptions rank "
                + ", ".join(str(p["rank"]) for p in geo["named_exceptions"]) + f" of {a['count']} by distance"]
    out += ["", "What became of the pairs (succession records, followed forward):"]
    out += [f"  {f['exemplar']}-{f['follower']}: {f['outcome']} {f['organisation']} "
            f"({f['organisation_label']}) on {f['date']}"
            + (f"; the follower's other successor: {', '.join(f['follower_also_to'])}" if f["follower_also_to"] else "")
            for f in r["fates"]] or ["  none (successions not included)"]
    out += [f"  other change: {x['from']} -> {x['to']} ({x['to_label']}), {x['change_type'] or 'type unknown'}, "
            f"{x['date']}" for x in r["other_changes"]]
    out += [f"  renamed since 2016: {x['node']} {x['name_2016']} -> {x['label']}" for x in r["renamed"]]
    out += ["", "Coordinates [tag]: " + "; ".join(f"{n} trusts from {s} [{_tag(s)}]"
                                                for s, n in r["coordinates"]["sources"].items())]
    if r["coordinates"]["missing"]:
        out.append(f"No coordinates (left out of the distances): {', '.join(r['coordinates']['missing'])}")
    return "\n".join(out) + "\n"
