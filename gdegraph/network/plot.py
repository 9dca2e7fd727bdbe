"""Pictures of the pairing network for the README and the press: matplotlib, PNG and SVG.

* ``pairing-network`` (here): one small diagram per connected group, by sector;
  grey dashed arrows show what the trusts became. The network is a set of
  small stars, which a force layout would only scatter; a grid reads like a table.
* ``pairing-map`` and ``pairing-distances``: :mod:`gdegraph.network.plot_geo`.

:func:`write_pictures` writes all three; the ``draw_*`` functions return
figures left open in pyplot, which ``gdegraph.plot_network`` hands to a
notebook. Importing this module leaves matplotlib's backend alone; only
writing files selects Agg. Reruns give identical files: fixed SVG hash salt,
no creation dates.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.lines import Line2D

from gdegraph.core.atomic import atomic_output
from gdegraph.network.metrics import combined_graph
from gdegraph.network.plot_geo import draw_distances, draw_map
from gdegraph.network.style import (FILE_RC, HEADINGS, MARKERS, SECTOR_COLOURS, SECTOR_NAMES, SOURCE_NOTE, STYLES,
                                    SUCCESSOR_COLOUR)

__all__ = ["FIGURES", "SECTOR_COLOURS", "draw_distances", "draw_map", "draw_network", "write_pictures"]

FIGURES = ("pairing-network", "pairing-map", "pairing-distances")


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
    total = sum(sum(h) + 0.55 for h in heights) + 2.5  # title above, legend and source note below
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


def _unpaired_note(g: nx.MultiDiGraph, n: str) -> str:
    """'no follower (disputed pairing left out)': why a programme trust has no pairing drawn."""
    d = g.nodes[n]
    if d["group"] not in ("global-digital-exemplar", "fast-follower") or any(
            e["kind"] == "pairing" for *_, e in (*g.out_edges(n, data=True), *g.in_edges(n, data=True))):
        return ""
    missing = "no follower" if d["group"] == "global-digital-exemplar" else "no exemplar"
    statuses = d.get("pairings_left_out", "").replace(";", " and ")
    return f"{missing} ({statuses} pairing left out)" if statuses else missing


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
        note = _succession_note(g, n) or _unpaired_note(g, n)
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


def write_pictures(g: nx.MultiDiGraph, report: dict[str, Any], out_dir: Path) -> list[Path]:
    """Every figure as PNG and SVG into ``out_dir``; the map and bars need at least one distance.

    Files need no window, so this selects matplotlib's Agg backend -- here, when pictures
    are written (``gdegraph network``), not when the module is imported, which would switch
    a notebook away from its inline backend. The file settings (:data:`FILE_RC`) apply only
    while the files are drawn.
    """
    import matplotlib

    matplotlib.use("Agg")
    with plt.rc_context(FILE_RC):
        files = _save(draw_network(g, report), out_dir, "pairing-network")
        if "all" in report["geography"]:
            files += _save(draw_map(g, report), out_dir, "pairing-map")
            files += _save(draw_distances(g, report), out_dir, "pairing-distances")
    return files
