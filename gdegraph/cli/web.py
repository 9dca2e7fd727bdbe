"""``gdegraph network``, ``site`` and ``serve``: analyse the pairing network, write the website, serve it."""

from __future__ import annotations

from pathlib import Path

import click

from gdegraph.cli.options import _data_option, _dist_option, _echo_report, _echo_status, _out_dir_option, _shared_option
from gdegraph.cli.output import flatten, format_option, to_csv, to_json
from gdegraph.server.limits import Limits


def _iso_date(value: str | None) -> str | None:
    """A YYYY-MM-DD date, or a usage error (exit status 2)."""
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.command(short_help="Analyse the exemplar-follower network; write exports and pictures.")
@_out_dir_option(Path("dist/network"),
                 "Directory for the report, exports, derived RDF and pictures (each file replaced atomically).")
@click.option("--include-disputed", is_flag=True, help="Keep pairings whose status is disputed (left out by default).")
@click.option(
    "--successions/--no-successions",
    default=True,
    show_default=True,
    help="Add mergers and acquisitions from the ODS successor records as a second edge type.",
)
@click.option("--aspirants", is_flag=True, help="Add the Digital Aspirant trusts as nodes.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", callback=lambda _c, _p, v: _iso_date(v),
              help="Pairings as they stood on this date (withdrawn ones and those not yet made left out).")
@_data_option("RDF dump to analyse (.trig, .nq, .ttl, .nt) [default: the graph built from the curated data].")
@click.option("--approximate", type=click.IntRange(min=1), default=None, metavar="K",
              help="Sample K sources per component for betweenness instead of all (approximate, said so in "
                   "the report) [default: exact].")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of --approximate's sampling.")
@click.option("--pictures/--no-pictures", default=None,
              help="Draw the PNG/SVG pictures, or not [default: for networks of up to 500 trusts; they are made for "
                   "the curated network and take minutes on thousands].")
@format_option("Report on stdout: table for people, json (numbers as numbers, sorted keys) or csv (key,value per "
               "figure); report.txt and report.json are written to --out either way.")
@_shared_option
def network(out_dir: Path, include_disputed: bool, successions: bool, aspirants: bool, as_of: str | None, data: Path | None,
            approximate: int | None, seed: int, pictures: bool | None, fmt: str, shared: Path | None) -> None:
    """Build the pairing network from the graph (or any dump, --data) by SPARQL and analyse it.

    Reports followers per exemplar, degrees, components, centrality, the
    distances between paired trusts and what became of each pair. Writes
    report.txt/json, GraphML, GEXF, node-link JSON, CSV, the figures as
    derived RDF (derived.trig) and PNG/SVG pictures into --out; with any
    option that changes the network, into a folder of --out named after it
    (``--include-disputed`` writes --out/include-disputed/). Centralities
    are exact unless --approximate is given; on a terminal, each long step
    shows its progress on stderr.
    """
    from gdegraph.network.analysis import NetworkOptions, run_network
    from gdegraph.core.progress import terminal_progress

    if approximate is None and seed != 0:
        raise click.UsageError("--seed only applies with --approximate")
    options = NetworkOptions(include_disputed=include_disputed, successions=successions, aspirants=aspirants,
                             as_of=as_of, approximate=approximate, seed=seed)
    if options.variant():  # a variant's pictures go to their own folder, never over the home page's
        out_dir = out_dir / options.variant()
    with terminal_progress() as progress:
        result = run_network(out_dir, options, shared, pictures, data=data, progress=progress)
    if fmt in ("json", "csv"):
        _echo_report(to_json(result.report) if fmt == "json" else to_csv(flatten(result.report), ["key", "value"]))
        for note in result.notes:  # stdout stays the report
            _echo_report(note, err=True)
    else:
        _echo_report("\n".join([result.text, *result.notes]))
        _echo_status("\n".join(f"wrote {path}" for path in result.files))


@click.command(short_help="Write the static website: a page per resource, indexes, ontology docs.")
@_out_dir_option(Path("dist/site"), "Directory to write the site into (replaced as a whole on success).")
@_data_option("RDF to publish (.trig, .nq, .ttl, .nt) [default: dist/gdegraph.trig if current, else built in memory].")
@_dist_option("Where `gdegraph publish` and `gdegraph network` wrote: dumps and network/ pictures are copied from it.")
@_shared_option
def site(out_dir: Path, data: Path | None, dist: Path, shared: Path | None) -> None:
    """Write the graph as a static website into --out.

    One HTML page per resource with its properties, incoming links and
    sources, and its RDF in Turtle, JSON-LD, N-Triples and RDF/XML beside it;
    an index page per class; the ontology's documentation; a home page with
    the summary, the network picture and the downloads; a 404 page. Every
    link is relative, so the folder works from any static host.
    """
    from gdegraph.core.forked import rare_collections
    from gdegraph.site.build import build_site

    with rare_collections():
        result = build_site(out_dir, data, dist)
    _echo_status(str(result))


_LIMITS = Limits()  # the defaults, stated once (gdegraph/server/limits.py)


@click.command(short_help="Serve the pages, the RDF and a read-only SPARQL endpoint over HTTP.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@_data_option("RDF to serve (.trig, .nq, .ttl, .nt) [default: dist/gdegraph.trig if current, else built in memory].")
@_dist_option("Folder whose dumps (from `gdegraph publish`) are served under /dumps/ and pictures under /network/.")
@click.option("--timeout", default=_LIMITS.timeout, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a SPARQL query may run before it is stopped.")
@click.option("--max-rows", default=_LIMITS.max_rows, show_default=True, type=click.IntRange(min=1),
              help="Most result rows (or triples) a query returns.")
@click.option("--max-query-length", default=_LIMITS.max_query_length, show_default=True, type=click.IntRange(min=1),
              help="Longest query text accepted, in characters.")
@click.option("--max-body", default=_LIMITS.max_body, show_default=True, type=click.IntRange(min=1),
              help="Largest POST body accepted, in bytes.")
@click.option("--workers", default=_LIMITS.workers, show_default=True, type=click.IntRange(min=1),
              help="Query processes: queries that may run at once (each process serves up to 4 connections "
                   "and evaluates their queries; idle connections wait in the supervisor and hold none).")
@click.option("--max-memory", default=_LIMITS.max_memory // 2**20, show_default=True, type=click.IntRange(min=64),
              help="MiB a query process may grow by while evaluating a query; a query needing more is stopped (503).")
@click.option("--max-response-bytes", default=_LIMITS.max_response_bytes, show_default=True, type=click.IntRange(min=1),
              help="Largest SPARQL response body, in bytes; a larger result is refused (413).")
@click.option("--max-nesting", default=_LIMITS.max_nesting, show_default=True, type=click.IntRange(min=1),
              help="Deepest nesting of { }, ( ) and [ ] in a query (deeper: 400).")
@click.option("--write-timeout", default=_LIMITS.write_timeout, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a client may leave an answer unread before the connection is closed.")
@click.option("--header-timeout", default=_LIMITS.header_timeout, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a client may take to send a request's headers before the connection is closed.")
@click.option("--datasette-port", type=click.IntRange(1, 65535), default=None, metavar="PORT",
              help="Also serve the published SQLite tables (DIST/gdegraph.db) with Datasette on PORT "
                   "(needs the gdegraph[datasette] extra).")
@click.option("--quiet", is_flag=True, help="Do not log each request.")
@_shared_option
def serve(host: str, port: int, data: Path | None, dist: Path, timeout: float, max_rows: int,
          max_query_length: int, max_body: int, workers: int, max_memory: int, max_response_bytes: int,
          max_nesting: int, write_timeout: float, header_timeout: float, datasette_port: int | None, quiet: bool,
          shared: Path | None) -> None:
    """Serve the graph over HTTP until interrupted (Ctrl-C).

    Resource IRIs under /id/ dereference with content negotiation (303 to
    the HTML page or to Turtle, JSON-LD, N-Triples or RDF/XML); /sparql is a
    read-only SPARQL 1.1 endpoint with a query page; /dumps/ holds the
    published files and /.well-known/void the dataset description.
    A port already in use exits 2 with a message saying so.
    """
    from gdegraph.server import Limits, serve as run_server

    limits = Limits(timeout=timeout, max_rows=max_rows, max_query_length=max_query_length,
                    max_body=max_body, workers=workers, max_memory=max_memory * 2**20,
                    max_response_bytes=max_response_bytes, max_nesting=max_nesting, header_timeout=header_timeout,
                    write_timeout=write_timeout)
    datasette = None
    if datasette_port is not None:
        from gdegraph.publish.sqlite_db import DATABASE_FILE, METADATA_FILE

        datasette = (dist / DATABASE_FILE, dist / METADATA_FILE, datasette_port)
    run_server(host, port, data, dist, limits, access_log=not quiet, datasette=datasette)
