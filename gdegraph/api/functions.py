"""The public Python API: the graph, its named queries and the pairing network as Python objects.

Everything importable from :mod:`gdegraph` itself is defined here, in
:mod:`gdegraph.api.types` (IRIs and rows) or in :mod:`gdegraph.api.records`
(the records it returns), apart from the trust-name records of
:mod:`gdegraph.sources.gazetteer`, the upload of :mod:`gdegraph.query.push` and
:class:`~gdegraph.core.errors.GdeError`. It is the part of the package that stays
stable, and docs/api.md documents it (a test checks that every name is there).
Every other module is private by convention and may change. The command line
is a thin layer over these calls (``gdegraph query`` is :meth:`KnowledgeGraph.query_text`,
``gdegraph stats`` :meth:`KnowledgeGraph.stats`), so an analysis started in a
shell can be continued in a notebook and give the same answers.

Nothing heavy is imported at module level: pyoxigraph, rdflib, networkx,
matplotlib and pandas are imported by the call that needs them, so
``import gdegraph`` stays instant and pandas stays an optional extra.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from gdegraph.api.types import IRI, Rows, _iris, _param_text, _python, _rdf
from gdegraph.core.errors import GdeError, InputError

if TYPE_CHECKING:  # datetime too: only `resolve` needs it at run time, and it costs ~1 ms of every query
    import datetime as _dt

    import networkx as nx
    import rdflib
    from matplotlib.figure import Figure

    from gdegraph.api.records import Claim, QueryInfo, Source, Stats
    from gdegraph.sources.gazetteer import Resolution
    from gdegraph.store.factory import SelectResult

__all__ = ["IRI", "KnowledgeGraph", "Rows", "analyse_network", "load", "plot_network", "queries", "remote", "resolve"]

_CLAIMS = """PREFIX gde: <https://w3id.org/gdegraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?claim ?label ?status ?quote ?date ?count ?amount
  (GROUP_CONCAT(DISTINCT STR(?about); separator=" ") AS ?abouts)
  (GROUP_CONCAT(DISTINCT STRAFTER(STR(?src), "/id/source/"); separator=" ") AS ?sources)
  (GROUP_CONCAT(DISTINCT STR(?corrects); separator=" ") AS ?correctsAll)
  (GROUP_CONCAT(DISTINCT STR(?correctedBy); separator=" ") AS ?correctedByAll)
  (GROUP_CONCAT(DISTINCT STR(?conflict); separator=" ") AS ?conflicts)
WHERE {
  ?claim a gde:Claim ; rdfs:label ?label ; gde:status/skos:prefLabel ?statusLabel .
  BIND (STR(?statusLabel) AS ?status)
  OPTIONAL { ?claim gde:quote ?quote }      OPTIONAL { ?claim dcterms:date ?date }
  OPTIONAL { ?claim gde:statedCount ?count } OPTIONAL { ?claim schema:amount ?amount }
  OPTIONAL { ?claim gde:about ?about }      OPTIONAL { ?claim prov:wasDerivedFrom ?src }
  OPTIONAL { ?claim gde:corrects ?corrects } OPTIONAL { ?claim gde:correctedBy ?correctedBy }
  OPTIONAL { ?claim gde:conflictsWith ?conflict }
} GROUP BY ?claim ?label ?status ?quote ?date ?count ?amount ORDER BY ?claim"""


class KnowledgeGraph:
    """The knowledge graph on one SPARQL engine: the embedded pyoxigraph store (the default),
    rdflib's engine, or a remote endpoint. Every method works on each of them alike,
    because everything is asked through SPARQL; get one from :func:`load` or :func:`remote`."""

    def __init__(self, store: Any, where: str) -> None:
        self._store = store
        self.engine: str = store.name
        self.where: str = where

    def __repr__(self) -> str:
        return f"<gdegraph.KnowledgeGraph on {self.engine}: {self.where}>"

    def _raw(self, name: str, params: dict[str, Any]) -> SelectResult | list[Any] | bool:
        """A library query's result as the engine gives it (what :mod:`gdegraph.store.results` renders)."""
        from gdegraph.query.library import bind_params, get_query
        from gdegraph.store.factory import run

        query = get_query(name)
        raw = {key: _param_text(value) for key, value in params.items() if value is not None}
        return run(self._store, query.text, bind_params(query, raw, self._store))

    @staticmethod
    def _python(result: SelectResult | list[Any] | bool) -> Rows | bool | rdflib.Graph:
        """An engine's result as the API's values: :class:`Rows`, a bool or an rdflib Graph."""
        if isinstance(result, bool):
            return result
        if isinstance(result, list):
            from gdegraph.store.rdflib_store import rdflib_graph

            return rdflib_graph(result)
        names = result.variables
        return Rows(names, ({n: _python(t) for n, t in zip(names, row, strict=True)} for row in result.rows))

    def query(self, name: str, /, **params: Any) -> Rows | bool | rdflib.Graph:
        """Run a library query (see :func:`queries`) by name, or a ``.rq`` file by path.

        Parameters are keywords, typed as the query declares: a trust by ODS code or name
        (``exemplar="RQ6"``), a concept by key (``sector="acute"``), numbers, dates, booleans.
        SELECT gives :class:`Rows`, ASK a ``bool``, CONSTRUCT an ``rdflib.Graph``.
        """
        return self._python(self._raw(name, params))

    def are_paired(self, exemplar: str, follower: str, as_of: _dt.date | str | None = None) -> Any:
        """Are two trusts paired (as of a date)? A :class:`PairingAnswer` with status and sources."""
        from gdegraph.api.records import PairingAnswer

        params: dict[str, Any] = {"exemplar": exemplar, "follower": follower}
        if as_of is not None:
            params["as_of"] = as_of
        row = cast(Rows, self.query("are-paired", **params))[0]
        return PairingAnswer(answer=row["answer"], paired=bool(row["paired"]), status=row.get("statusName") or None,
                             since=str(row["statusSince"]) if row.get("statusSince") else None,
                             sources=tuple(sorted(str(row.get("sources") or "").split())), quote=row.get("quote") or None)

    def query_text(self, name: str, format: str | None = None, /, **params: Any) -> str:  # noqa: A002
        """Run a library query like :meth:`query` and give its result as text, exactly as
        ``gdegraph query --format`` prints it: ``csv``, ``tsv``, ``json`` or ``xml`` (the W3C SPARQL
        result formats), ``table`` or ``md`` for rows and ASK answers; ``turtle``, ``nt`` or
        ``jsonld`` for CONSTRUCT. Without a format, a table (Turtle for CONSTRUCT). The values
        are formatted straight from the engine's terms, so nothing is lost on the way.
        """
        from gdegraph.store.results import render

        return render(self._raw(name, params), format)

    def sparql(self, text: str, /, **bindings: Any) -> Rows | bool | rdflib.Graph:
        """Run your own SPARQL. Each keyword binds the variable of that name (lower-case
        names only) at the start of the WHERE clause: ``str`` as a string literal,
        :class:`IRI` as an IRI, numbers, bools and dates as typed literals."""
        from gdegraph.store.factory import run

        return self._python(run(self._store, text, {key: _rdf(value) for key, value in bindings.items()} or None))

    def network(self, *, include_disputed: bool = False, successions: bool = True,
                aspirants: bool = False) -> nx.MultiDiGraph:
        """The pairing network exactly as ``gdegraph network`` builds it, with the same options.

        Nodes are trusts keyed by ODS code; edges have ``kind`` "pairing" (exemplar ->
        follower, with ``distance_km`` where both trusts have coordinates) or "succession"
        (a trust -> the organisation that took it over). A ``MultiDiGraph``, because a pair
        can be joined by both kinds of edge.
        """
        from gdegraph.network.analysis import NetworkOptions, build_network, query_rows

        options = NetworkOptions(include_disputed=include_disputed, successions=successions, aspirants=aspirants)
        return build_network(query_rows(self._store), options)

    def stats(self) -> Stats:
        """The summary ``gdegraph stats`` prints: counts by class, programme membership, pairing,
        exemplars with several followers, claims by status; ``str()`` of it is that report."""
        from gdegraph.api.stats import collect

        return collect(self._store)

    def sources(self) -> list[Source]:
        """Every source the graph cites, news articles first (the ``sources`` library query)."""
        from gdegraph.model import iris
        from gdegraph.api.records import Source

        rows = cast(Rows, self.query("sources"))

        def text(row: dict[str, Any], column: str) -> str | None:
            return str(row[column]) if row.get(column) not in (None, "") else None

        out = []
        for r in rows:
            key = str(r["source"]).rsplit("/", 1)[-1]  # the source's key, also if the query gives its IRI
            out.append(Source(iri=IRI(iris.ID + "source/" + key), key=key, kind=text(r, "kind") or "other",
                              title=text(r, "title"), publisher=text(r, "publisher"), issued=text(r, "issued"),
                              modified=text(r, "modified"), statements=int(r.get("statements") or 0),
                              local_file=text(r, "localFile")))
        return out

    def claims(self) -> list[Claim]:
        """Every claim with its status, words, sources and correction and conflict links."""
        from gdegraph.api.records import Claim

        rows = cast(Rows, self.sparql(_CLAIMS))
        return [Claim(iri=r["claim"], label=r["label"], status=r["status"], quote=r["quote"],
                      date=None if r["date"] is None else str(r["date"]), about=_iris(r["abouts"]),
                      sources=tuple(sorted((r["sources"] or "").split())), stated_count=r["count"], amount=r["amount"],
                      corrects=_iris(r["correctsAll"]), corrected_by=_iris(r["correctedByAll"]),
                      conflicts_with=_iris(r["conflicts"])) for r in rows]

    def to_rdflib(self) -> rdflib.Dataset:
        """A copy of the whole graph as an rdflib Dataset (a named graph per source), to merge
        with your own RDF without changing this graph. Local graphs only: a remote endpoint
        is not copied wholesale."""
        from pyoxigraph import RdfFormat
        from rdflib import Dataset

        if self.engine == "rdflib":
            quads = self._store.dataset.serialize(format="nquads")
        elif self.engine == "oxigraph":
            quads = self._store.store.dump(format=RdfFormat.N_QUADS).decode("utf-8")
        else:
            raise GdeError(f"cannot copy the graph from {self.where}: "
                           "use .sparql('CONSTRUCT ...') for the part you need")
        dataset = Dataset()
        dataset.parse(data=quads, format="nquads")
        return dataset


def load(path: str | Path | None = None, *, shared: str | Path | None = None,
         engine: str = "oxigraph") -> KnowledgeGraph:
    """The knowledge graph, ready to query on an embedded engine (``oxigraph`` or ``rdflib``).

    ``path`` is an RDF file (.trig, .nq, .ttl, .nt). Without it: ``dist/gdegraph.trig`` if
    it is newer than everything it is built from, else the graph is built in memory from
    the checkout and the shared folder (``shared``, else ``$GDEGRAPH_SHARED`` or
    ``../shared``), announced by a :class:`gdegraph.sources.graph.BuildingInMemory` warning; passing
    ``shared`` always builds, since a built file may come from another shared folder.
    """
    from gdegraph.sources import graph
    from gdegraph.store.base import ENGINES

    if path is not None:
        return KnowledgeGraph(graph.open_graph(engine, Path(path)), str(path))
    if shared is None:
        built = graph.current_build()
        return KnowledgeGraph(graph.open_graph(engine, built), str(built) if built else "built in memory")
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}", hint="use oxigraph or rdflib")
    from gdegraph.sources.dataset import build_dataset

    dataset = build_dataset(Path(shared))
    from gdegraph.store import factory

    local = factory.OxigraphStore.from_dataset(dataset) if engine == "oxigraph" else factory.RdflibStore(dataset)
    return KnowledgeGraph(local, f"built in memory from {shared}")


def remote(endpoint: str, *, user: str | None = None, password: str | None = None, token: str | None = None,
           timeout: float = 60.0) -> KnowledgeGraph:
    """The same interface over a SPARQL 1.1 endpoint (basic or bearer authentication).

    Nothing is sent until the first query; the endpoint must serve the graph's named
    graphs as its default graph (the union), as ``gdegraph push`` sets up.
    """
    from gdegraph.store.remote import RemoteStore

    return KnowledgeGraph(RemoteStore(endpoint, user=user, password=password, token=token, timeout=timeout),
                          endpoint)


def queries() -> list[QueryInfo]:
    """The query library, by name: what each query answers, its parameters and columns."""
    from gdegraph.api.records import QueryInfo, QueryParam
    from gdegraph.query.library import load_library

    return [QueryInfo(q.name, q.title, q.description, q.form,
                      tuple(QueryParam(p.name, p.type_label, p.required, p.default, p.example, p.description)
                            for p in q.params), q.columns, q.text)
            for q in load_library().values()]


@lru_cache(maxsize=4)
def _gazetteer(reference_only: bool, refdata: str) -> Any:
    """The name index of one reference-data folder, kept for the session (it takes about a second)."""
    from gdegraph.curate.extract.commands import load_gazetteer

    return load_gazetteer(reference_only, refdata=Path(refdata))


def resolve(name: str, date: _dt.date | str | None = None, *, reference_only: bool = False, limit: int = 5,
            shared: str | Path | None = None) -> Resolution:
    """Which trust a name means, as ``gdegraph resolve`` answers: a :class:`Resolution` with a
    status (resolved, probable, ambiguous, uncertain, unknown), ``best`` (its ODS code, IRI
    and name) and scored candidates. ``date`` (a date or "YYYY[-MM[-DD]]") is when the name
    was used: it prefers trusts open then, by the names they had. Ambiguous names are never
    guessed. The name index is built once per session (about a second).
    """
    import datetime as _dt

    from gdegraph.core import paths
    from gdegraph.sources.gazetteer import parse_date

    if not name.strip():
        raise InputError("the name to resolve is empty")
    if isinstance(date, str):
        try:
            date = parse_date(date)
        except ValueError as exc:
            raise InputError(f"bad date: {exc}", hint="write the date as YYYY, YYYY-MM or YYYY-MM-DD") from None
    elif isinstance(date, _dt.datetime):
        date = date.date()
    refdata = paths.refdata_dir(Path(shared) if shared is not None else None)
    return _gazetteer(reference_only, str(refdata.resolve())).resolve(name, date, limit=limit)


def analyse_network(network: nx.MultiDiGraph) -> dict[str, Any]:
    """Every figure ``gdegraph network`` reports, as JSON-ready data: followers per exemplar,
    components, centrality, ``geography`` (distances, quartiles, outliers, the pairs the
    2017 article names as exceptions) and ``fates`` (pairs that ended up in one organisation)."""
    from gdegraph.network.metrics import analyse

    return analyse(network)


def plot_network(network: nx.MultiDiGraph, kind: str = "network", report: dict[str, Any] | None = None) -> Figure:
    """One of the pictures ``gdegraph network`` draws, as a matplotlib Figure: ``network``
    (each pair and what became of it), ``map`` (pairings between trust locations) or
    ``distances`` (distance of each pair, median and outlier fence).

    Like ``plt.subplots()``, the figure is left open in pyplot, so Jupyter shows it below
    the cell (write ``fig = gdegraph.plot_network(g)`` to show it once) and a script can
    ``plt.show()`` or ``fig.savefig(...)`` it, in the session's own matplotlib backend.
    """
    if kind not in ("network", "map", "distances"):
        raise InputError(f"unknown picture {kind!r}", hint="use network, map or distances")
    from gdegraph.network import plot

    draw = {"network": plot.draw_network, "map": plot.draw_map, "distances": plot.draw_distances}[kind]
    return draw(network, report if report is not None else analyse_network(network))
