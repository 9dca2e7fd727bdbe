"""``gdegraph queries``, ``query`` and ``push``: the query library, SPARQL engines and Graph Store upload.

Each command is one call into the public API (:mod:`gdegraph.api.functions`, :mod:`gdegraph.query.push`), imported
only when the command runs, so ``gdegraph query`` loads neither rdflib nor pyshacl. The ``query`` command's
work is :func:`gdegraph.cli.fastpath.run_query`, which a plain ``gdegraph query`` reaches without click; the
options declared here are the ones that fast path reads (tests/test_cli_fastpath.py keeps the two alike).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from gdegraph.cli.fastpath import (AUTH_PASSWORD_ENV, AUTH_TOKEN_ENV, AUTH_USER_ENV, DEFAULT_TIMEOUT, LOCAL_ENGINES,
                                   MIN_TIMEOUT, QUERY_FORMATS, run_query)
from gdegraph.cli.options import _F, _FILE, _data_option, _echo_report, _shared_option


def _endpoint_option(help: str) -> Callable[[_F], _F]:  # noqa: A002
    """``--endpoint URL``: a remote store's SPARQL query endpoint."""
    return click.option("--endpoint", default=None, metavar="URL", help=help)


def _remote_options(func: _F) -> _F:
    """``--user/--password`` (HTTP basic) or ``--token`` (bearer), ``--timeout``: how to reach a
    remote store, the same for every command that talks to one."""
    for option in reversed((
        click.option("--user", envvar=AUTH_USER_ENV, default=None, help=f"User for HTTP basic auth (push also answers a digest challenge, as Virtuoso sends) [env: {AUTH_USER_ENV}]."),
        click.option("--password", envvar=AUTH_PASSWORD_ENV, default=None,
                     help=f"Password for HTTP basic auth [env: {AUTH_PASSWORD_ENV}, which keeps it out of shell history]."),
        click.option("--token", envvar=AUTH_TOKEN_ENV, default=None, help=f"Bearer token instead of user and password [env: {AUTH_TOKEN_ENV}]."),
        click.option("--timeout", type=click.FloatRange(min=MIN_TIMEOUT), default=DEFAULT_TIMEOUT, show_default=True,
                     help="Seconds to wait for the remote store."),
    )):
        func = option(func)
    return func


@click.command("queries", short_help="List the query library: names, titles, parameters.")
def queries_command() -> None:
    """List the named queries in queries/*.rq with their parameters.

    Run one with `gdegraph query NAME`; parameters are passed as
    --param NAME=VALUE (required ones are marked *).
    """
    from gdegraph.api.functions import queries

    lines = []
    for query in queries():
        lines.append(f"{query.name:<28} {query.title}")
        for p in query.params:
            mark = "*" if p.required else " "
            extra = f" [default: {p.default}]" if p.default is not None else (f" (e.g. {p.example})" if p.example else "")
            lines.append(f"  {mark} {p.name}={p.type}{extra}  {p.description}")
    _echo_report("\n".join(lines))


@click.command(short_help="Run a library query (or a .rq file) locally or against an endpoint.")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; repeat for several. Trusts by ODS code or name, concepts by key (acute).")
@click.option("--format", "fmt", default=None,
              type=click.Choice(QUERY_FORMATS),
              help="Output format [default: table; turtle for CONSTRUCT/DESCRIBE]. csv/tsv/json/xml are the W3C SPARQL result formats.")
@click.option("--out", "out_file", type=_FILE, default=None, metavar="FILE",
              help="Write the result to FILE instead of standard output.")
@click.option("--engine", type=click.Choice(LOCAL_ENGINES), default="oxigraph", show_default=True,
              help="Local SPARQL engine (rdflib is the slow reference engine).")
@_data_option("Query this RDF file (.trig, .nq, .ttl, .nt) [default: dist/gdegraph.trig if current, else build in memory].")
@_endpoint_option("Query this SPARQL 1.1 endpoint instead of a local graph.")
@_remote_options
@_shared_option
def query(name: str, params: tuple[str, ...], fmt: str | None, out_file: Path | None, engine: str, data: Path | None,
          endpoint: str | None, user: str | None, password: str | None, token: str | None, timeout: float,
          shared: Path | None) -> None:
    """Run the library query NAME (see `gdegraph queries`) or the query in a .rq file.

    Parameters are typed and bound as RDF terms, never pasted into the query
    text. Unknown queries or parameters, missing or badly typed values exit 2;
    an unreachable or failing endpoint exits 1 with a one-line message.
    """
    run_query(name, params, fmt, out_file, engine, data, endpoint, user, password, token, timeout)


@click.command(short_help="Upload the built graph to a store (SPARQL 1.1 Graph Store Protocol).")
@_endpoint_option("The store's SPARQL query endpoint; the Graph Store URL is derived from it (…/query -> …/store).")
@click.option("--graph-store", default=None, metavar="URL",
              help="The Graph Store Protocol endpoint (Oxigraph …/store, Fuseki …/DATASET/data, Virtuoso …/sparql-graph-crud-auth).")
@_data_option("A TriG or N-Quads file to push [default: dist/gdegraph.trig, which must be current].")
@_remote_options
@_shared_option
def push(endpoint: str | None, graph_store: str | None, data: Path | None, user: str | None, password: str | None,
         token: str | None, timeout: float, shared: Path | None) -> None:
    """PUT each named graph (one per source) to the store, replacing what it held.

    Pushing twice leaves one copy, not two. Query the store with its default
    graph as the union of the named graphs (oxigraph serve
    --union-default-graph; Virtuoso does so by default).
    """
    from gdegraph.query.push import push_built

    report = push_built(endpoint, graph_store=graph_store, data=data, user=user, password=password, token=token,
                        timeout=timeout)
    _echo_report(str(report))
