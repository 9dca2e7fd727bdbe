"""GraphML and GEXF text of the network, written line by line instead of through an element tree.

Why not networkx's writers: they build an ElementTree of every node, edge and
value, then walk it to serialise, indent it in a second recursive walk, and
(GEXF) split the result into lines; at 1M triples that was 1 s of the run's
exports for two files of a few megabytes. Here each element is one formatted
line. The output is *the same bytes* networkx writes for a graph of scalar
attributes (``tests/test_network_export.py`` compares them, on the curated
network and on awkward values), so everything that reads networkx's files
reads these, with two deliberate differences in GEXF: the ``creator`` names
gdegraph (it wrote the file), and there is no ``lastmodifieddate`` (reruns
give identical files).

Values must be ``str``, ``int``, ``float`` or ``bool`` (the network's attributes
are, :mod:`gdegraph.network.analysis`); anything else is a TypeError, as in networkx.
"""

from __future__ import annotations

import math
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx

__all__ = ["gexf_text", "graphml_text"]

#: Python type -> the attribute type both formats declare (networkx's tables for these four).
XML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
_GRAPHML_HEAD = ('<?xml version=\'1.0\' encoding=\'utf-8\'?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.'
                 'graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">')
_GEXF_HEAD = ('<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">')
#: Node and edge data GEXF would turn into its own fields (networkx pops them); the network has none but ``label``.
_GEXF_NODE_FIELDS = ("id", "pid", "start", "end", "parents", "spells", "viz")
_GEXF_EDGE_FIELDS = ("id", "label", "weight", "type", "start", "end", "spells", "viz")


#: What ElementTree also escapes in attribute values (quotes, line breaks and tabs as references).
_ATTR_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def text(value: str) -> str:
    """Character data escaped as ElementTree escapes it (``&``, ``<``, ``>``)."""
    return escape(value)


def attr(value: str) -> str:
    """An attribute value escaped as ElementTree escapes it."""
    return escape(value, _ATTR_ENTITIES)


def _xml_type(value: Any) -> str:
    try:
        return XML_TYPES[type(value)]
    except KeyError:
        raise TypeError(f"GraphML/GEXF attribute values must be str, int, float or bool, not {type(value)}") from None


def graphml_text(g: nx.MultiDiGraph) -> str:
    """GraphML of a multigraph, edge keys as edge ids: networkx's ``write_graphml`` (pretty-printed) bytes."""
    keys: dict[tuple[str, str, str], str] = {}
    declared: list[str] = []

    def data(name: Any, value: Any, scope: str, indent: str) -> str:
        name, kind = str(name), _xml_type(value)
        key = keys.get((name, kind, scope))
        if key is None:
            key = keys[name, kind, scope] = f"d{len(keys)}"
            declared.append(f'  <key id="{key}" for="{scope}" attr.name="{attr(name)}" attr.type="{kind}" />')
        body = text(str(value))
        return f'{indent}<data key="{key}">{body}</data>' if body else f'{indent}<data key="{key}" />'

    graph_id = g.graph.get("id")
    graph_data = [data(k, v, "graph", "    ") for k, v in g.graph.items()
                  if k not in ("node_default", "edge_default", "id")]
    body: list[str] = []
    for node, values in g.nodes(data=True):
        head = f'    <node id="{attr(str(node))}"'
        _element(body, head, [data(k, v, "node", "      ") for k, v in values.items()], "    </node>")
    for u, v, key, values in g.edges(keys=True, data=True):
        head = f'    <edge source="{attr(str(u))}" target="{attr(str(v))}" id="{attr(str(key))}"'
        _element(body, head, [data(k, value, "edge", "      ") for k, value in values.items()], "    </edge>")
    body += graph_data
    kind = "directed" if g.is_directed() else "undirected"
    head = f'  <graph edgedefault="{kind}"' + (f' id="{attr(str(graph_id))}"' if graph_id is not None else "")
    lines = [_GRAPHML_HEAD, *reversed(declared)]
    _element(lines, head, body, "  </graph>")
    return "\n".join(lines) + "\n</graphml>\n"


def _element(out: list[str], head: str, children: list[str], close: str) -> None:
    """An element with its children on their own lines, or self-closed without any (as ElementTree writes it)."""
    if children:
        out.append(head + ">")
        out += children
        out.append(close)
    else:
        out.append(head + " />")


def _gexf_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return {"inf": "INF", "-inf": "-INF"}.get(str(value), "NaN")
    return str(value)


def gexf_text(g: nx.MultiDiGraph, creator: str) -> str:
    """GEXF 1.2 of a multigraph, edge keys as edge ids (and, as networkx does, as ``networkx_key`` values).

    The bytes of networkx's ``generate_gexf`` (lines joined, a final newline)
    but for ``creator`` and the dropped ``lastmodifieddate``; non-ASCII
    characters are character references, as there.
    """
    ids: dict[tuple[str, str], str] = {}
    declared: dict[str, list[str]] = {"node": [], "edge": []}
    order: list[str] = []  # classes in the order their first attribute appeared

    def values(scope: str, data: dict[Any, Any], indent: str) -> list[str]:
        out = []
        for name, value in data.items():
            title, kind = "networkx_key" if name == "key" else str(name), _xml_type(value)
            attr_id = ids.get((scope, title))
            if attr_id is None:
                attr_id = ids[scope, title] = str(len(ids))
                if not declared[scope]:
                    order.append(scope)
                declared[scope].append(f'      <attribute id="{attr_id}" title="{attr(title)}" type="{kind}" />')
            out.append(f'{indent}  <attvalue for="{attr_id}" value="{attr(_gexf_value(value))}" />')
        return [f"{indent}<attvalues>", *out, f"{indent}</attvalues>"] if out else []

    nodes: list[str] = []
    for node, data in g.nodes(data=True):
        _no_gexf_fields(data, _GEXF_NODE_FIELDS, f"node {node}")
        label = data.get("label", node)
        rest = {k: v for k, v in data.items() if k != "label"}
        head = f'      <node id="{attr(str(node))}" label="{attr(str(label))}"'
        _element(nodes, head, values("node", rest, "        "), "      </node>")
    edges: list[str] = []
    for u, v, key, data in g.edges(keys=True, data=True):
        _no_gexf_fields(data, _GEXF_EDGE_FIELDS, f"edge {key}")
        head = f'      <edge source="{attr(str(u))}" target="{attr(str(v))}" id="{attr(str(key))}"'
        _element(edges, head, values("edge", {**data, "key": key}, "        "), "      </edge>")
    kind = "directed" if g.is_directed() else "undirected"
    lines = [_GEXF_HEAD, "  <meta>", f"    <creator>{text(creator)}</creator>", "  </meta>",
             f'  <graph defaultedgetype="{kind}" mode="static" name="{attr(str(g.graph.get("name", "")))}">']
    for scope in reversed(order):  # networkx inserts each class's block at the top of the graph
        lines += [f'    <attributes mode="static" class="{scope}">', *declared[scope], "    </attributes>"]
    _element(lines, "    <nodes", nodes, "    </nodes>")
    _element(lines, "    <edges", edges, "    </edges>")
    lines += ["  </graph>", "</gexf>"]
    return ("\n".join(lines) + "\n").encode("ascii", "xmlcharrefreplace").decode("ascii")


def _no_gexf_fields(data: dict[Any, Any], fields: tuple[str, ...], what: str) -> None:
    """GEXF's own fields (ids, spells, viz...) are not attributes; the network never has them."""
    found = [f for f in fields if f in data]
    if found:
        raise ValueError(f"{what} has attributes GEXF reserves for its own fields: {', '.join(found)}")
