"""Pictures of the pairing network for the README and the press: matplotlib (Agg), PNG and SVG.

* ``pairing-network``: one small diagram per connected group, by sector; grey
  dashed arrows show what the trusts became. The network is a set of small
  stars, which a force layout would only scatter; a grid reads like a table.
* ``pairing-map``: pairings as lines between the trusts' reference coordinates
  (lon/lat; no tiles or coastline, since no outline of England ships with the
  project), points coloured by NHS region, a scale bar and zoomed insets.
* ``pairing-distances``: sorted distance bars with the median, the outlier
  fence and the pairs the article names as exceptions.

Reruns give identical files: fixed SVG hash salt, no creation dates.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from gdegraph.atomic import atomic_output  # noqa: E402
from gdegraph.network_metrics import NAMED_EXCEPTIONS, combined_graph  # noqa: E402

__all__ = ["FIGURES", "SECTOR_COLOURS", "draw_distances", "draw_map", "draw_network", "write_pictures"]

SECTOR_COLOURS = {"acute": "#0072B2", "mental-health": "#D55E00", "": "#009E73"}
SECTOR_NAMES = {"acute": "Acute", "mental-health": "Mental health", "": "Digital Aspirant"}
HEADINGS = {"acute": "Acute trusts", "mental-health": "Mental health trusts", "": "Digital Aspirants (not paired)"}
SUCCESSOR_COLOUR = "#8a8a8a"
MARKERS = {"global-digital-exemplar": "s", "fast-follower": "o", "digital-aspirant": "^", "successor": "D"}
STYLES = {"announced": "-", "proposed": (0, (5, 2)), "disputed": ":"}
FIGURES = ("pairing-network", "pairing-map", "pairing-distances")
SOURCE_NOTE = "Source: gdegraph, from seed articles in Digital Health News and HSJ, and NHS ODS / ONS reference data"


def _setup() -> None:
    plt.rcParams.update({"svg.hashsalt": "gdegraph", "font.size": 9, "axes.titlesize": 12,
                         "font.family": "DejaVu Sans", "svg.fonttype": "path"})


def _save(fig: plt.Figure, out_dir: Path, stem: str) -> list[Path]:
    files = []
    for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        path = out_dir / f"{stem}.{ext}"
        with atomic_output(path) as tmp:
            fig.savefig(tmp, format=ext, dpi=150, metadata=meta, facecolor="white")
        files.append(path)
    plt.close(fig)
    return files


def _colour(d: dict[str, Any]) -> str:
    sector = SECTOR_COLOURS.get(d.get("sector", "").split(";")[0], SECTOR_COLOURS[""])
    return SUCCESSOR_COLOUR if d.get("group") == "successor" else sector


def _label(n: str, d: dict[str, Any], width: int = 28) -> str:
    code = d.get("ods_code", "(no ODS code)")
    return f"{code}  " + "\n".join(textwrap.wrap(d["short_label"], width))


# --- the network as a grid of small groups ------------------------------------------------

ROW, COL_W, PAD = 0.56, 3.45, 0.4  # inches: one node row, one column of groups, gap between groups


def _group_layout(g: nx.MultiDiGraph, nodes: list[str]) -> dict[str, tuple[float, float]]:
    """Exemplars first, then their followers indented below, then successor organisations."""
    order = {"global-digital-exemplar": 0, "fast-follower": 1, "digital-aspirant": 1, "successor": 2}
    ranked = sorted(nodes, key=lambda n: (order[g.nodes[n]["group"]], n))
    return {n: (0.35 * min(order[g.nodes[n]["group"]], 1) + 0.35 * (order[g.nodes[n]["group"]] == 2), -i * ROW)
            for i, n in enumerate(ranked)}


def _sections(g: nx.MultiDiGraph) -> list[tuple[str, list[list[str]]]]:
    groups: dict[str, list[list[str]]] = {}
    for comp in nx.connected_components(combined_graph(g)):
        members = sorted(comp)
        lead = min(members, key=lambda n: (g.nodes[n]["group"] != "global-digital-exemplar", n))
        groups.setdefault(g.nodes[lead].get("sector", "").split(";")[0], []).append(members)
    return [(s, sorted(groups[s], key=lambda c: (-len(c), c))) for s in SECTOR_NAMES if s in groups]


def _edge(ax: plt.Axes, a: tuple[float, float], b: tuple[float, float], colour: str, style: Any,
          rad: float, width: float = 1.6) -> None:
    ax.annotate("", xy=b, xytext=a, arrowprops=dict(
        arrowstyle="-|>", color=colour, lw=width, linestyle=style, shrinkA=7, shrinkB=7,
        mutation_scale=11, connectionstyle=f"arc3,rad={rad}"))


def draw_network(g: nx.MultiDiGraph, report: dict[str, Any], cols: int = 4) -> plt.Figure:
    """The pairing network: one panel per sector, one small diagram per connected group."""
    sections = _sections(g)
    heights = []
    for _, comps in sections:
        rows = [comps[i:i + cols] for i in range(0, len(comps), cols)]
        heights.append([max(len(c) for c in row) * ROW + PAD for row in rows])
    total = sum(sum(h) + 0.55 for h in heights) + 1.9
    width = cols * COL_W + 0.3
    fig = plt.figure(figsize=(width, total))
    ax = fig.add_axes((0, 0, 1, 1), xlim=(0, width), ylim=(-total, 0))
    ax.axis("off")
    c = report["counts"]
    ax.text(0.25, -0.35, "NHS Global Digital Exemplars and their fast followers", fontsize=16,
            weight="bold", va="top")
    counts = ", ".join(f"{n} {s}" for s, n in c["pairings_by_status"].items())
    ax.text(0.25, -0.8, f"{c['pairings']} pairings: {counts}. Arrows point from the exemplar to the trust that "
            "follows it; grey dashed arrows show\n"
            "what the trusts became in later mergers and acquisitions (NHS ODS successor records up to April 2022).",
            fontsize=10, va="top", color="#333333")
    y = -1.75
    for (sector, comps), row_heights in zip(sections, heights):
        ax.text(0.25, y, HEADINGS[sector], fontsize=13, weight="bold", va="top",
                color=SECTOR_COLOURS[sector])
        y -= 0.55
        for r, h in enumerate(row_heights):
            for k, comp in enumerate(comps[r * cols:(r + 1) * cols]):
                _draw_group(ax, g, comp, (0.45 + k * COL_W, y - 0.2))
            y -= h
    handles = [Line2D([], [], marker=MARKERS[k], ls="", color="#555555", markersize=8, label=t)
               for k, t in (("global-digital-exemplar", "Global Digital Exemplar"), ("fast-follower", "Fast follower"),
                            ("successor", "Later organisation"), ("digital-aspirant", "Digital Aspirant"))
               if any(d["group"] == k for _, d in g.nodes(data=True))]
    handles += [Line2D([], [], color="#555555", ls=STYLES[s], lw=1.6, label=f"Pairing, {s}")
                for s in c["pairings_by_status"]]
    handles.append(Line2D([], [], color=SUCCESSOR_COLOUR, ls=(0, (2, 2)), lw=1.4, label="Merger / acquisition"))
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(0.995, 0.002), ncol=3, frameon=False, fontsize=9)
    ax.text(0.25, -total + 0.12, SOURCE_NOTE, fontsize=7.5, color="#666666", va="bottom")
    return fig


def _succession_note(g: nx.MultiDiGraph, n: str) -> str:
    """'acquired by RC9, Apr 2020': what the succession records say became of a trust."""
    out = sorted((d["date"], v, d.get("change_type", "")) for _, v, d in g.out_edges(n, data=True)
                 if d["kind"] == "succession")
    if not out:
        return ""
    date, kind = out[0][0], out[0][2]
    targets = " and ".join(v for _, v, _ in out)
    verb = {"acquisition": "acquired by", "merger": "merged into", "dissolution": "split between"}.get(kind, "became")
    month = ("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()[int(date[5:7]) - 1])
    return f"{verb} {targets}, {month} {date[:4]}"


def _draw_group(ax: plt.Axes, g: nx.MultiDiGraph, comp: list[str], origin: tuple[float, float]) -> None:
    pos = {n: (origin[0] + x, origin[1] + y) for n, (x, y) in _group_layout(g, comp).items()}
    for n, (x, y) in pos.items():
        d = g.nodes[n]
        ax.scatter([x], [y], s=110 if d["group"] == "global-digital-exemplar" else 70, marker=MARKERS[d["group"]],
                   color=_colour(d), edgecolors="white", linewidths=0.8, zorder=3)
        label = _label(n, d)
        ax.text(x + 0.17, y, label, va="center", fontsize=8.5, zorder=4,
                weight="bold" if d["group"] == "global-digital-exemplar" else "normal",
                color="#555555" if d["group"] == "successor" else "#111111")
        note = _succession_note(g, n)
        if d["group"] == "global-digital-exemplar" and not any(
                e["kind"] == "pairing" for *_, e in g.out_edges(n, data=True)):
            note = "no follower" + (" (disputed pairings left out)" if "--exclude-disputed" in g.graph.get(
                "options", "") else "")
        if note:
            ax.text(x + 0.17, y - 0.075 * (label.count("\n") + 1) - 0.03, note, va="top", fontsize=7.5,
                    style="italic", color="#666666", zorder=4)
    seen: dict[str, int] = {}
    for u, v, d in sorted(g.subgraph(comp).edges(data=True), key=lambda e: (e[0], e[1])):
        if d["kind"] == "pairing":
            seen[u] = seen.get(u, 0) + 1
            colour = "#c0392b" if d["status"] == "disputed" else SECTOR_COLOURS.get(d.get("sector", ""), "#555555")
            _edge(ax, pos[u], pos[v], colour, STYLES.get(d["status"], "-"), 0.35 * (seen[u] - 1))
        else:
            rad = -0.45 if pos[v][1] > pos[u][1] else 0.45
            _edge(ax, pos[u], pos[v], SUCCESSOR_COLOUR, (0, (2, 2)), rad, 1.3)


# --- the map ------------------------------------------------------------------------------

INSETS = {"Tyneside and Wearside": (-1.72, -1.34, 54.86, 55.05),
          "Liverpool and the Wirral": (-3.13, -2.86, 53.18, 53.45), "London": (-0.30, 0.0, 51.44, 51.64)}


_OFFSETS = ((4, 2, "left", "bottom"), (4, -2, "left", "top"), (-4, 2, "right", "bottom"),
            (-4, -2, "right", "top"), (0, 6, "center", "bottom"), (0, -6, "center", "top"))


def _place_labels(ax: plt.Axes, items: list[tuple[float, float, str]], size: float,
                  reserved: list[tuple[float, float, str]] = ()) -> None:
    """Put each label beside its point where it overlaps no other label, point or ``reserved`` text
    (centred there); the first position that fits, else the first position."""
    ax.apply_aspect()
    scale = ax.figure.dpi / 72
    points = [ax.transData.transform((x, y)) for x, y, _ in items]
    taken = [(px - 5, py - 5, px + 5, py + 5) for px, py in points]
    for x, y, text in reserved:
        (px, py), w, h = ax.transData.transform((x, y)), len(text) * size * 0.62 * scale, size * 1.3 * scale
        taken.append((px - w / 2, py - h / 2, px + w / 2, py + h / 2))
    for (x, y, text), (px, py) in sorted(zip(items, points), key=lambda t: (-t[0][1], t[0][0])):
        w, h = len(text) * size * 0.62 * scale, size * 1.15 * scale
        own = (px - 5, py - 5, px + 5, py + 5)
        choice = _OFFSETS[0]
        for ox, oy, ha, va in _OFFSETS:
            x0 = px + ox * scale - {"left": 0, "right": w, "center": w / 2}[ha]
            y0 = py + oy * scale - (0 if va == "bottom" else h)
            box = (x0, y0, x0 + w, y0 + h)
            if not any(b != own and box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                       for b in taken):
                choice = (ox, oy, ha, va)
                taken.append(box)
                break
        ox, oy, ha, va = choice
        ax.annotate(text, (x, y), xytext=(ox, oy), textcoords="offset points", ha=ha, va=va, fontsize=size,
                    zorder=4)


def _map_axes(ax: plt.Axes, g: nx.MultiDiGraph, box: tuple[float, float, float, float] | None,
              regions: dict[str, Any], label_size: float, reserved: list[tuple[float, float, str]] = ()) -> None:
    """Pairing lines and trust points; in the main map (no ``box``) trusts shown in an inset get no label."""
    nodes = [n for n, d in g.nodes(data=True) if "lat" in d and d["group"] != "successor"]
    for u, v, d in g.edges(data=True):
        if d["kind"] == "pairing" and "distance_km" in d:
            a, b = g.nodes[u], g.nodes[v]
            ax.plot([a["lon"], b["lon"]], [a["lat"], b["lat"]], color=SECTOR_COLOURS.get(d.get("sector", ""), "#555"),
                    lw=1.8, ls=STYLES.get(d["status"], "-"), alpha=0.85, zorder=2, solid_capstyle="round")

    def inside(d: dict[str, Any], b: tuple[float, float, float, float]) -> bool:
        return b[0] <= d["lon"] <= b[1] and b[2] <= d["lat"] <= b[3]

    shown = [n for n in nodes if box is None or inside(g.nodes[n], box)]
    for n in shown:
        d = g.nodes[n]
        ax.scatter(d["lon"], d["lat"], marker=MARKERS[d["group"]], s=60 if box else 42, zorder=3,
                   color=regions.get(d.get("region", ""), "#999999"), edgecolors="black", linewidths=0.6)
    x0, x1, y0, y1 = box or (-5.6, 1.2, 50.6, 55.4)
    ax.set(xlim=(x0, x1), ylim=(y0, y1))
    ax.set_aspect(1 / math.cos(math.radians(sum(ax.get_ylim()) / 2)))
    labelled = [n for n in shown if box or not any(inside(g.nodes[n], b) for b in INSETS.values())]
    _place_labels(ax, [(g.nodes[n]["lon"], g.nodes[n]["lat"], g.nodes[n].get("ods_code", n)) for n in labelled],
                  label_size, reserved)


def draw_map(g: nx.MultiDiGraph, report: dict[str, Any]) -> plt.Figure:
    """Pairings as lines between the trusts' reference coordinates, regions as point colours."""
    codes = sorted({d["region"] for _, d in g.nodes(data=True) if "region" in d})
    palette = plt.get_cmap("tab10")
    regions = {code: palette(i) for i, code in enumerate(codes)}
    fig = plt.figure(figsize=(13, 12.5))
    ax = fig.add_axes((0.04, 0.06, 0.62, 0.84))
    geo = report["geography"]
    distances = []
    for p in geo["pairs"]:
        if p["distance_km"] >= geo["all"]["q3_km"]:
            a, b = p["coordinates"]["exemplar"], p["coordinates"]["follower"]
            distances.append((a["lon"] + 0.4 * (b["lon"] - a["lon"]), a["lat"] + 0.4 * (b["lat"] - a["lat"]),
                              f"{p['distance_km']:.0f} km"))
    _map_axes(ax, g, None, regions, 8, distances)
    for x, y, text in distances:
        ax.text(x, y, text, fontsize=8.5, ha="center", va="center", zorder=5,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))
    ax.grid(True, color="#e5e5e5", lw=0.6)
    ax.set(xlabel="longitude (°)", ylabel="latitude (°)")
    span = 100 / (111.32 * math.cos(math.radians(52.0)))
    ax.plot([-5.3, -5.3 + span], [50.8, 50.8], color="black", lw=3)
    ax.text(-5.3 + span / 2, 50.85, "100 km (at 52° N)", ha="center", va="bottom", fontsize=8)
    for i, (name, box) in enumerate(INSETS.items()):
        inset = fig.add_axes((0.69, 0.62 - i * 0.285, 0.29, 0.235))
        _map_axes(inset, g, box, regions, 8.5)
        inset.set_title(name, fontsize=10)
        inset.tick_params(labelsize=7)
        ax.add_patch(plt.Rectangle((box[0], box[2]), box[1] - box[0], box[3] - box[2], fill=False,
                                   ec="#555555", lw=0.8, ls="--", zorder=1))
    a, same = geo["all"], geo["same_region"]
    title = ("Most fast followers were paired with a nearby exemplar, with some long-distance exceptions"
             if geo["within_close"]["share"] > 0.5 else "Where the exemplars and their fast followers are")
    fig.text(0.04, 0.975, title, fontsize=15, weight="bold", va="top")
    missing = ", ".join(g.nodes[n]["short_label"] for n in report["coordinates"]["missing"]) or "none"
    fig.text(0.04, 0.945, f"Median distance {a['median_km']:.0f} km (middle half {a['q1_km']:.0f}-{a['q3_km']:.0f} km) "
             f"over {a['count']} pairings; {same['count']} of {same['of']} pairs in the same NHS region. Distances "
             "between trust\nheadquarters postcodes; labelled lines are the longest quarter. "
             f"Not shown, for lack of coordinates: {missing}.", fontsize=10, va="top", color="#333333")
    handles = [Line2D([], [], color=SECTOR_COLOURS[s], lw=2, ls=STYLES[st], label=f"{SECTOR_NAMES[s]} pairing, {st}")
               for s, st in sorted({(d.get("sector", ""), d["status"]) for *_, d in g.edges(data=True)
                                    if d["kind"] == "pairing"})]
    handles += [Line2D([], [], marker=MARKERS[k], ls="", color="#777777", label=t, markeredgecolor="black")
                for k, t in (("global-digital-exemplar", "Exemplar"), ("fast-follower", "Fast follower"))]
    handles += [Line2D([], [], marker="o", ls="", color=regions[c], markeredgecolor="black",
                       label=f"NHS region {c}") for c in codes]
    ax.legend(handles=handles, loc="upper left", fontsize=8.5, framealpha=0.95, title="Lines and points",
              title_fontsize=9)
    fig.text(0.04, 0.012, SOURCE_NOTE + ".\nCoordinates: ONS NSPL (Nov 2020) centroids of the trusts' HQ postcodes in "
             "the NHS ODS trust files (2016, 2025). Regions: ODS national grouping codes. No map tiles or coastline.",
             fontsize=7.5, color="#666666")
    return fig


def draw_distances(g: nx.MultiDiGraph, report: dict[str, Any]) -> plt.Figure:
    """Sorted distance bars with the median, the outlier fence and the article's named exceptions."""
    geo = report["geography"]
    pairs = list(reversed(geo["pairs"]))
    height = 0.32 * len(pairs) + 1.6
    fig, ax = plt.subplots(figsize=(11, height))
    fig.subplots_adjust(left=0.36, right=0.98, top=1 - 1.05 / height, bottom=0.55 / height)
    named = set(NAMED_EXCEPTIONS)
    for i, p in enumerate(pairs):
        ax.barh(i, p["distance_km"], color=SECTOR_COLOURS.get(p["sector"], "#555"), zorder=2,
                hatch="//" if p["status"] == "proposed" else None, edgecolor="white", height=0.72)
        note = "  named as an exception" if (p["exemplar"], p["follower"]) in named else ""
        ax.text(p["distance_km"] + 3, i, f"{p['distance_km']:.0f} km{note}", va="center", fontsize=8.5, zorder=3,
                bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none"))
    names = [f"{g.nodes[p['exemplar']]['short_label']} → {g.nodes[p['follower']]['short_label']}" for p in pairs]
    ax.set_yticks(range(len(pairs)), [n.replace("→ ", "→\n") if len(n) > 52 else n for n in names], fontsize=8.5)
    ax.axvline(geo["all"]["median_km"], color="black", lw=1, ls="--", zorder=1)
    ax.axvline(geo["fences_km"][1], color="#c0392b", lw=1, ls=":", zorder=1)
    ax.text(geo["all"]["median_km"] + 3, -0.9, f"median {geo['all']['median_km']:.0f} km", fontsize=8.5)
    ax.text(geo["fences_km"][1] + 3, -0.9, f"outlier fence {geo['fences_km'][1]:.0f} km", fontsize=8.5,
            color="#c0392b")
    ax.set_ylim(-1.2, len(pairs) - 0.5)
    ax.set_xlabel("great-circle distance between the trusts' headquarters (km)")
    ax.set_xlim(0, max(p["distance_km"] for p in pairs) * 1.5)
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.02, 1 - 0.2 / height, "How far apart were exemplar and fast follower?", fontsize=13, weight="bold",
             va="top")
    fig.text(0.02, 1 - 0.52 / height, "Blue: acute pairings (announced); orange, hatched: mental-health pairings "
             "(proposed).\n'Named as an exception': the 2017 article's examples of pairs that are not close.",
             fontsize=9, color="#333333", va="top")
    return fig


def write_pictures(g: nx.MultiDiGraph, report: dict[str, Any], out_dir: Path) -> list[Path]:
    """Every figure as PNG and SVG into ``out_dir``; the map and bars need at least one distance."""
    _setup()
    files = _save(draw_network(g, report), out_dir, "pairing-network")
    if "all" in report["geography"]:
        files += _save(draw_map(g, report), out_dir, "pairing-map")
        files += _save(draw_distances(g, report), out_dir, "pairing-distances")
    return files
