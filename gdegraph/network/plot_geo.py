"""The geographic pictures of the pairing network: a map of the pairings and the distance bars.

* ``pairing-map``: pairings as lines between the trusts' reference coordinates
  (lon/lat; no tiles or coastline, since no outline of England ships with the
  project), points coloured by NHS region (by name), a scale bar and zoomed insets.
* ``pairing-distances``: sorted distance bars with the median, the outlier
  fence and the pairs the article names as exceptions.

Both read the ``geography`` section of the network report, so the pictures
show exactly the figures the report states. Figures are made through pyplot
(so a notebook shows them) and never choose a backend.
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.lines import Line2D

from gdegraph.network.metrics import NAMED_EXCEPTIONS
from gdegraph.network.style import MARKERS, SECTOR_COLOURS, SECTOR_NAMES, SOURCE_NOTE, STYLES

__all__ = ["INSETS", "draw_distances", "draw_map"]

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
    names = {d["region"]: d.get("region_name", d["region"]) for _, d in g.nodes(data=True) if "region" in d}
    codes = sorted(names, key=lambda code: (names[code], code))  # the legend in the names' order
    palette = plt.get_cmap("tab10")
    regions = {code: palette(i) for i, code in enumerate(sorted(names))}
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
                       label=names[c] if names[c] != c else f"NHS region {c}") for c in codes]
    ax.legend(handles=handles, loc="upper left", fontsize=8.5, framealpha=0.95, title="Lines and points",
              title_fontsize=9)
    fig.text(0.04, 0.012, SOURCE_NOTE + ".\nCoordinates: ONS NSPL (Nov 2020) centroids of the trusts' HQ postcodes in "
             "the NHS ODS trust files (2016, 2025). Regions: ODS national groupings, named from the NHS England "
             "regions file (2020). No map tiles or coastline.",
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
