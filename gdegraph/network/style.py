"""How the pairing-network pictures look: colours, markers, line styles, the source note.

Shared by the grid diagram (:mod:`gdegraph.network.plot`) and the geographic
pictures (:mod:`gdegraph.network.plot_geo`), so a sector or a pairing status
looks the same in every picture; colours are the Okabe-Ito palette, which
readers with colour-blindness can tell apart. Imports nothing.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FILE_RC", "HEADINGS", "MARKERS", "SECTOR_COLOURS", "SECTOR_NAMES", "SOURCE_NOTE", "STYLES",
           "SUCCESSOR_COLOUR"]

SECTOR_COLOURS = {"acute": "#0072B2", "mental-health": "#D55E00", "ambulance": "#CC79A7", "": "#009E73"}
SECTOR_NAMES = {"acute": "Acute", "mental-health": "Mental health", "ambulance": "Ambulance", "": "Digital Aspirant"}
HEADINGS = {"acute": "Acute trusts", "mental-health": "Mental health trusts", "ambulance": "Ambulance trusts",
            "": "Digital Aspirants (not paired)"}
SUCCESSOR_COLOUR = "#8a8a8a"
MARKERS = {"global-digital-exemplar": "s", "fast-follower": "o", "digital-aspirant": "^", "successor": "D"}
STYLES: dict[str, Any] = {"announced": "-", "confirmed": "-", "proposed": (0, (5, 2)), "disputed": ":",
                          "withdrawn": (0, (1, 4))}
SOURCE_NOTE = "Source: gdegraph, from seed articles in Digital Health News and HSJ, and NHS ODS / ONS reference data"
#: matplotlib settings for the written files: a fixed SVG hash salt and text as paths, so reruns give identical
#: files on any machine.
FILE_RC = {"svg.hashsalt": "gdegraph", "font.size": 9, "axes.titlesize": 12, "font.family": "DejaVu Sans",
           "svg.fonttype": "path"}
