"""The pairing network as a :mod:`networkx` graph, built from the knowledge graph through SPARQL.

Nothing here re-reads Turtle: the four queries in ``queries/network/`` are the
only way the network sees the data, so a SPARQL user can reproduce every node
and edge. The graph is a :class:`networkx.MultiDiGraph` because two kinds of
edge can join the same two trusts (a pairing ``exemplar -> follower`` and,
later, a succession ``follower -> exemplar`` when the exemplar absorbed it).

Node ids are ODS codes where a trust has one (readable in Gephi and in CSV),
otherwise the trust IRI's slug. Every attribute is a scalar (str, int, float,
bool) and missing values are *absent* rather than ``None``, so GraphML, GEXF,
JSON and CSV exports read back with exactly the same attributes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from gdegraph.model import iris
from gdegraph.core import paths
from gdegraph.core.errors import InputError
from gdegraph.model.geo import haversine_km
from gdegraph.model.names import readable_name
from gdegraph.network.components import gc_paused
from gdegraph.core.progress import NoProgress, Progress

if TYPE_CHECKING:  # rdflib only for the built dataset; `--data` runs without importing it
    from rdflib import Dataset

__all__ = ["NetworkOptions", "NetworkRun", "QUERY_NAMES", "Rows", "build_network", "load_network", "node_id",
           "open_store", "query_rows", "run_network", "select", "short_name"]

Rows = list[dict[str, str]]
QUERY_NAMES = ("pairings", "trusts", "memberships", "successions")
#: Membership roles that make a trust a node even without a pairing (an exemplar with no follower).
GDE_ROLES = ("global-digital-exemplar", "fast-follower")
ASPIRANT_ROLE = "digital-aspirant"


@dataclass(frozen=True)
class NetworkOptions:
    """Which parts of the graph become the network (see ``gdegraph network --help``)."""

    include_disputed: bool = False
    successions: bool = True
    aspirants: bool = False
    as_of: str | None = None  # YYYY-MM-DD: pairings with their status as of that date
    #: Sampled betweenness from this many sources per larger component (None: exact, the default).
    approximate: int | None = None
    seed: int = 0

    def variant(self) -> str:
        """The folder name for a non-default network (``include-disputed``), or "" for the default one.

        The home page shows the default pictures; a variant goes to a folder of its own, so
        ``gdegraph network --include-disputed`` never replaces them.
        """
        parts = [name for name, on in (("include-disputed", self.include_disputed),
                                       ("no-successions", not self.successions), ("aspirants", self.aspirants)) if on]
        if self.as_of:
            parts.append(f"as-of-{self.as_of}")
        return "+".join(parts)  # --approximate changes the figures, not the network: same folder

    def as_flags(self) -> str:
        """The command-line flags that give these options, for reports and provenance."""
        flags = ["--include-disputed" if self.include_disputed else "--exclude-disputed",
                 "--successions" if self.successions else "--no-successions",
                 "--aspirants" if self.aspirants else "--no-aspirants"]
        if self.as_of:
            flags.append(f"--as-of {self.as_of}")
        if self.approximate is not None:
            flags += [f"--approximate {self.approximate}", f"--seed {self.seed}"]
        return " ".join(flags)


def open_store(dataset: "Dataset") -> Any:
    """The built dataset, named graphs kept, in the project's in-memory pyoxigraph store."""
    from gdegraph.store.factory import OxigraphStore

    return OxigraphStore.from_dataset(dataset)


def select(store: Any, text: str, bindings: Mapping[str, Any] | None = None) -> Rows:
    """Run a SELECT through the store interface (:mod:`gdegraph.store.factory`, any engine); rows map bound
    variables to their lexical values (IRIs as plain strings).

    The union default graph may repeat a triple once per named graph holding
    it, so the network queries use DISTINCT or GROUP BY; unbound variables and
    empty GROUP_CONCATs are left out of a row.
    """
    result = store.select(text, bindings)
    return [{name: term.value for name, term in zip(result.variables, row) if term is not None and term.value != ""}
            for row in result.rows]


def query_rows(store: Any, as_of: str | None = None, only_for: NetworkOptions | None = None) -> dict[str, Rows]:
    """Rows of each network query, by short name; ``as_of`` (YYYY-MM-DD) gives statuses as of that date.

    ``only_for``: the trusts query is asked only about the trusts the network
    with those options has (bound as a ``VALUES`` block), not every trust in
    the data: the rows then build that network only. At 1M triples a third of
    the trusts are in it, and the query took 0.64 s of the run's 1.2 s of SPARQL.
    """
    from gdegraph.query.library import bind_params, parse_query_file

    folder = paths.queries_dir() / "network"
    out = {}
    for name in (*(n for n in QUERY_NAMES if n != "trusts"), "trusts"):
        query = parse_query_file(folder / f"{name}.rq")
        raw = {"as_of": as_of} if as_of and query.param("as_of") else {}
        text = query.text
        if name == "trusts" and only_for is not None:
            from pyoxigraph import NamedNode

            from gdegraph.store.sparql_text import with_rows

            text = with_rows(text, "trust", [NamedNode(iri) for iri in sorted(_selection(out, only_for)[2])])
        out[name] = select(store, text, bind_params(query, raw, store))
    return {name: out[name] for name in QUERY_NAMES}


def node_id(iri: str) -> str:
    """``RQ6`` for ``.../id/trust/RQ6``; the last path segment of any other IRI."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _key(iri: str) -> str:
    """An edge key: the IRI without the instance base (``pairing/rq6-rvw``)."""
    return iri[len(iris.ID):] if iri.startswith(iris.ID) else iri


def _slugs(sources: str) -> str:
    return " ".join(sorted(node_id(s) for s in sources.split()))


_SUFFIX = re.compile(r"\s+(NHS Foundation Trust|NHS Trust|Foundation Trust|Trust)$", re.I)
_ABBREVIATIONS = ((" and ", " & "), ("University Hospitals", "Univ. Hospitals"),
                  ("University Hospital", "Univ. Hospital"), ("Teaching Hospitals", "Teaching Hosps"))


def short_name(name: str) -> str:
    """A label short enough for a picture: no 'NHS (Foundation) Trust', no leading 'The', '&' for 'and'."""
    text = _SUFFIX.sub("", readable_name(name).strip())
    text = re.sub(r"^The\s+", "", text)
    for long, short in _ABBREVIATIONS:
        text = text.replace(long, short)
    return text


def _join(values: set[str]) -> str:
    return ";".join(sorted(v for v in values if v))


def _node_attrs(iri: str, trust: Mapping[str, str], members: Rows, include_disputed: bool) -> dict[str, Any]:
    """Node attributes from the trust row and its memberships (the sector comes from their tiers)."""
    kept = [m for m in members if include_disputed or m.get("status") != "disputed"]
    attrs: dict[str, Any] = {"iri": iri, "label": trust.get("label", node_id(iri))}
    if "now" in trust:
        attrs["now"] = trust["now"]
    optional = {"ods_code": trust.get("code"), "region": trust.get("region"), "region_name": trust.get("regionName"),
                "name_2016": readable_name(trust["name2016"]) if "name2016" in trust else None,
                "sector": _join({m.get("sector", "") for m in kept}),
                "roles": _join({m["role"] for m in kept}),
                "programmes": _join({node_id(m.get("programme", "")) for m in kept})}
    attrs.update({k: v for k, v in optional.items() if v})
    if "lat" in trust and "long" in trust:
        attrs.update(lat=float(trust["lat"]), lon=float(trust["long"]), location=trust["point"],
                     coordinate_sources=_slugs(trust.get("coordinateSources", "")))
        if "coordinateMethod" in trust:
            attrs["coordinate_method"] = trust["coordinateMethod"]
    roles = attrs.get("roles", "").split(";")
    attrs["group"] = next((r for r in (*GDE_ROLES, ASPIRANT_ROLE) if r in roles), "successor")
    # Programme trusts are labelled with their name when the programmes began; later organisations
    # with their current name.
    era = trust.get("name2016") if attrs["group"] != "successor" else None
    if era:  # GraphML/GEXF labels too: the name of the programmes' time, today's in "now"
        attrs["label"] = readable_name(era)
    attrs["short_label"] = short_name(era or attrs["label"])
    return attrs


def _pairing_attrs(row: Mapping[str, str], g: nx.MultiDiGraph, ex: str, fo: str) -> dict[str, Any]:
    attrs: dict[str, Any] = {"kind": "pairing", "iri": row["pairing"], "status": row["status"],
                             "sources": _slugs(row.get("sources", ""))}
    for name in ("exemplarName", "followerName"):  # the trusts' names at the pairing's date
        if name in row:
            attrs[name.replace("Name", "_name")] = row[name]
    for name in ("programme", "wave"):
        if name in row:
            attrs[name] = node_id(row[name])
    if "sector" in row:
        attrs["sector"] = row["sector"]
    a, b = g.nodes[ex], g.nodes[fo]
    if all(k in n for n in (a, b) for k in ("lat", "lon")):
        attrs["distance_km"] = round(haversine_km(a["lat"], a["lon"], b["lat"], b["lon"]), 3)
    else:
        missing = [n for n, d in ((ex, a), (fo, b)) if "lat" not in d]
        attrs["distance_note"] = f"no coordinates for {', '.join(missing)}"
    if "region" in a and "region" in b:
        attrs["same_region"] = a["region"] == b["region"]
    return attrs


def build_network(rows: Mapping[str, Rows], options: NetworkOptions = NetworkOptions()) -> nx.MultiDiGraph:
    """The network from the rows of the four network queries (see :func:`query_rows`).

    Nodes: every trust in a kept pairing, every exemplar or fast follower by
    membership (so an exemplar without a follower is still there), Digital
    Aspirants with ``aspirants``, and, with ``successions``, every organisation
    the succession records lead to from those, followed forward transitively.
    """
    trusts = {r["trust"]: r for r in rows["trusts"]}
    members, pairings, wanted, changes = _selection(rows, options)
    g = nx.MultiDiGraph(name="gdegraph pairing network", options=options.as_flags())
    for iri in sorted(wanted, key=node_id):
        if iri not in trusts:
            raise InputError(f"{iri} is in a pairing, membership or succession but is not a trust "
                             "the trusts query returns", hint="check the data with `gdegraph validate`")
        g.add_node(node_id(iri), **_node_attrs(iri, trusts[iri], members.get(iri, []),
                                                options.include_disputed))
    left_out: dict[str, set[str]] = defaultdict(set)  # so a trust without an edge can say why it has none
    for row in rows["pairings"]:
        if row not in pairings:
            for end in ("exemplar", "follower"):
                left_out[node_id(row[end])].add(row["status"])
    for n, statuses in left_out.items():
        if n in g:
            g.nodes[n]["pairings_left_out"] = _join(statuses)
    for row in pairings:
        ex, fo = node_id(row["exemplar"]), node_id(row["follower"])
        g.add_edge(ex, fo, key=_key(row["pairing"]), **_pairing_attrs(row, g, ex, fo))
    for e in changes:
        attrs = {"kind": "succession", "iri": e["event"], "date": e["date"], "sources": _slugs(e.get("sources", ""))}
        if "changeType" in e:
            attrs["change_type"] = e["changeType"]
        g.add_edge(node_id(e["original"]), node_id(e["resulting"]), key=_key(e["event"]), **attrs)
    return g


def _selection(rows: Mapping[str, Rows], options: NetworkOptions) -> tuple[dict[str, Rows], Rows, set[str], Rows]:
    """Memberships by member, the kept pairings, the trusts that are nodes and the succession events
    that are edges, from the pairings, memberships and successions rows (not the trusts')."""
    members: dict[str, Rows] = defaultdict(list)
    for m in rows["memberships"]:
        members[m["member"]].append(m)
    # Withdrawn and corrected pairings are never current; disputed ones only on request.
    pairings = [r for r in rows["pairings"] if r["status"] not in ("withdrawn", "corrected")
                and (options.include_disputed or r["status"] != "disputed")]
    wanted = {r[k] for r in pairings for k in ("exemplar", "follower")}
    for iri, ms in members.items():
        roles = {m["role"] for m in ms if options.include_disputed or m["status"] != "disputed"}
        if roles & set(GDE_ROLES) or (options.aspirants and ASPIRANT_ROLE in roles):
            wanted.add(iri)
    events = [e for e in rows["successions"] if options.successions]
    changes = _forward(wanted, events)
    return members, pairings, wanted | {e["resulting"] for e in changes}, changes


def _forward(start: set[str], events: Rows) -> Rows:
    """Succession events reachable forward (original -> resulting) from ``start``, by date."""
    by_original: dict[str, Rows] = defaultdict(list)
    for e in events:
        by_original[e["original"]].append(e)
    seen, stack, found = set(start), list(start), {}
    while stack:
        for e in by_original.get(stack.pop(), []):
            found[e["event"]] = e
            if e["resulting"] not in seen:
                seen.add(e["resulting"])
                stack.append(e["resulting"])
    return sorted(found.values(), key=lambda e: (e["date"], e["event"]))


def load_network(shared: Path | None = None, options: NetworkOptions = NetworkOptions()) -> nx.MultiDiGraph:
    """Build the dataset, query it and return the network (what ``gdegraph network`` analyses)."""
    from gdegraph.sources.dataset import build_dataset

    return build_network(query_rows(open_store(build_dataset(shared)), options.as_of), options)


#: Most trusts the pictures are drawn for unless asked (`--pictures`): drawn for the curated network
#: (51 trusts), they took 3.5 minutes and 2 GB for the 5,661 of the 1M-triple synthetic graph.
PICTURE_LIMIT = 500


@dataclass
class NetworkRun:
    """What ``gdegraph network`` computed and wrote; ``text`` is the human report; ``notes`` say
    what was left out and why (printed after the report, never silently)."""

    report: dict[str, Any]
    text: str
    files: list[Path]
    notes: list[str] = field(default_factory=list)


def _source(data: Path | None, shared: Path | None, progress: Progress) -> tuple[Any, list[str]]:
    """The store to query and the named graphs it holds: the dump ``data`` (pyoxigraph, format from
    the suffix) or, without it, the dataset built from the curated files."""
    from gdegraph.store.factory import OxigraphStore

    if data is not None:
        with progress.step(f"loading {data.name}"):
            store = OxigraphStore.from_file(data)
        names = [g.value for g in store.store.named_graphs()]
    else:
        from gdegraph.sources.dataset import build_dataset

        with progress.step("building the graph"):
            ds = build_dataset(shared)
            store = open_store(ds)
        names = [str(x.identifier) for x in ds.graphs() if len(x)]
    return store, sorted(n for n in names if n.startswith(iris.GRAPH))


def run_network(out_dir: Path, options: NetworkOptions = NetworkOptions(), shared: Path | None = None,
                pictures: bool | None = True, data: Path | None = None, progress: Progress | None = None,
                picture_limit: int = PICTURE_LIMIT) -> NetworkRun:
    """Build (or load ``data``), analyse, export, write the derived graph and draw: all of ``gdegraph network``.

    Each file is written atomically as it is finished; nothing is written
    until the graph has been built and analysed, so a data error leaves
    ``out_dir`` as it was. ``progress`` hears of each long step. ``pictures``
    None: drawn only for networks of at most ``picture_limit`` trusts, with a note otherwise.
    """
    progress = progress or NoProgress()
    # The collector is off for the run: rows, the graph's attribute dicts, XML elements and figures
    # are millions of containers, almost none in a cycle, and every burst of them made the collector
    # scan everything alive (5 s of 17 at 1M; gdegraph.network.components says the same of the metrics).
    # The store is only the callee's, so it is freed as soon as the network is built.
    with gc_paused():
        return _analyse_and_write(*_source(data, shared, progress), out_dir, options, pictures, progress,
                                  picture_limit)


def _analyse_and_write(store: Any, used: list[str], out_dir: Path, options: NetworkOptions, pictures: bool | None,
                       progress: Progress, picture_limit: int) -> NetworkRun:
    """Query, analyse and write: :func:`run_network` after the store is loaded."""
    import json

    from gdegraph.core.atomic import atomic_write_text
    from gdegraph.network.export import derived_graph, write_derived, write_exports
    from gdegraph.network.metrics import analyse, format_report, network_metrics

    with progress.step("querying the pairings, trusts, memberships and successions"):
        g = build_network(query_rows(store, options.as_of, only_for=options), options)
    del store  # the network holds all it needs; the store's memory goes before the numeric work
    kind = "approximate" if options.approximate is not None else "exact"
    with progress.step(f"{kind} betweenness, closeness, eccentricity", g.number_of_nodes()) as advance:
        metrics = network_metrics(g, options.approximate, options.seed, advance)
    with progress.step("the report"):
        report = analyse(g, metrics)
        text = format_report(report)
    with progress.step("exports: GraphML, GEXF, JSON, CSV, derived RDF"):
        derived = derived_graph(g, report, used, metrics)
        files = write_exports(g, out_dir)
        write_derived(derived, out_dir / "derived.trig")
        atomic_write_text(out_dir / "report.txt", text)
        atomic_write_text(out_dir / "report.json", json.dumps(report, indent=1, sort_keys=True) + "\n")
    files += [out_dir / "derived.trig", out_dir / "report.txt", out_dir / "report.json"]
    notes = []
    if pictures is None:
        pictures = g.number_of_nodes() <= picture_limit
        if not pictures:
            notes.append(f"pictures not drawn: {g.number_of_nodes():,} trusts, more than {picture_limit} "
                         "(--pictures draws them anyway; the exports hold every node and edge)")
    if pictures:
        from gdegraph.network.plot import write_pictures

        with progress.step("pictures"):
            files += write_pictures(g, report, out_dir)
    return NetworkRun(report, text, files, notes)
