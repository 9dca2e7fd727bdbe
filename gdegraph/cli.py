"""The ``gdegraph`` command line: a thin layer over the library.

Each command parses its options, imports the module that does the work
*inside* the command function and calls one library function -- the public
API (:mod:`gdegraph.api`) where it has one: ``query`` is
``KnowledgeGraph.query_text``, ``stats`` is ``KnowledgeGraph.stats``, ``push``
is ``gdegraph.push_built``, ``queries`` is ``gdegraph.queries``. The command
only prints or writes what it gets back. Keeping the imports lazy means
``gdegraph --help`` and ``gdegraph --version`` start in a blink without
loading rdflib, and a command's dependencies are loaded only when it runs:
``gdegraph query`` on the built graph imports click, pyoxigraph and a few
small modules, and the version is read from the package metadata only by
``--version``.

:func:`main` owns the process's exit status and what reaches stderr, so
every command fails the same way:

* a :class:`~gdegraph.errors.GdeError` prints ``gdegraph: error: <message>``
  (a validation report first, if it carries one) and exits with the error's
  ``exit_code`` (2 for bad input, 1 for failed validation);
* click usage errors (unknown command or option, bad value) exit 2;
* Ctrl-C exits 130;
* a warning from gdegraph itself (such as "building the graph in memory")
  is printed as ``gdegraph: note: <message>``;
* anything else is a bug: one line naming the exception, a hint to re-run
  with ``GDEGRAPH_DEBUG=1`` for the traceback, exit 3.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from gdegraph.errors import GdeError, InputError, ValidationFailed
from gdegraph.paths import SHARED_ENV

DEBUG_ENV = "GDEGRAPH_DEBUG"
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

_F = TypeVar("_F", bound=Callable[..., Any])

# Path types shared by the options below: click translates a Path's name (gettext, which searches
# the locale folders) each time one is made, and there are dozens of options.
_EXISTING_DIR = click.Path(exists=True, file_okay=False, path_type=Path)
_DIR = click.Path(file_okay=False, path_type=Path)
_EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_FILE = click.Path(dir_okay=False, path_type=Path)


def _remember_shared(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Make ``--shared`` visible to every library function via ``GDEGRAPH_SHARED``."""
    if value is not None:
        os.environ[SHARED_ENV] = str(value.resolve())
    return value


def _shared_option(func: _F) -> _F:
    """The ``--shared DIR`` option, shared by every command that reads seeds or reference data."""
    return click.option(
        "--shared",
        type=_EXISTING_DIR,
        envvar=SHARED_ENV,
        callback=_remember_shared,
        metavar="DIR",
        help=f"Folder holding seeds/ and refdata/ [default: ../shared beside the checkout; env: {SHARED_ENV}].",
    )(func)


def _out_dir_option(default: Path | None, help: str) -> Callable[[_F], _F]:  # noqa: A002
    """``--out DIR``: where a command writes its files (``default`` None: only when asked)."""
    return click.option("--out", "out_dir", type=_DIR, default=default,
                        show_default=default is not None, metavar="DIR", help=help)


def _data_option(help: str) -> Callable[[_F], _F]:  # noqa: A002
    """``--data FILE``: the RDF a command reads instead of the built graph."""
    return click.option("--data", type=_EXISTING_FILE, default=None,
                        metavar="FILE", help=help)


def _dist_option(help: str) -> Callable[[_F], _F]:  # noqa: A002
    """``--dist DIR``: the folder `gdegraph publish` and `gdegraph network` wrote."""
    return click.option("--dist", type=_DIR, default=Path("dist"),
                        show_default=True, metavar="DIR", help=help)


def _report_format_option(help: str) -> Callable[[_F], _F]:  # noqa: A002
    """``--format text|json`` for a command's report."""
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                        help=help)


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``--version``: read the installed version only now (importlib.metadata is slow to import)."""
    if not value or ctx.resilient_parsing:
        return
    import gdegraph

    click.echo(f"gdegraph {gdegraph.__version__}")
    ctx.exit()


def _echo_report(text: str, err: bool = False) -> None:
    """Print a report exactly once with a single trailing newline."""
    if text:
        click.echo(text, nl=not text.endswith("\n"), err=err)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
def cli() -> None:
    """gdegraph: a sourced knowledge graph of the English NHS digital programmes.

    It covers the Global Digital Exemplar, fast follower and Digital Aspirant
    programmes: which trusts took part, when, with what funding and
    pairings, each statement tied to its source. The graph is written in
    RDF (Turtle) in this repository: ontology/ (the vocabulary), data/ (the
    curated facts), shapes/ (SHACL rules the data must meet) and queries/
    (SPARQL, including quality checks). Seed files and reference data are
    read from a shared folder beside the checkout (see --shared).

    \b
    Typical use:
      gdegraph validate             check every file against the shapes
      gdegraph build --out dist     build the published graph into dist/
      gdegraph stats                summarise what the graph holds

    Exit status: 0 success, 1 validation failed, 2 bad input or usage,
    3 internal error (re-run with GDEGRAPH_DEBUG=1 for a traceback),
    130 interrupted.
    """


@cli.command(short_help="Build the published graph into a directory.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    metavar="DIR",
    help="Directory to write the built graph into (replaced as a whole on success).",
)
@click.option(
    "--engine",
    type=click.Choice(["sparql", "pyshacl"]),
    default="sparql",
    show_default=True,
    help="SHACL engine for the validation step: sparql (fast) or pyshacl (the reference); "
    "see `gdegraph validate --help`.",
)
@_shared_option
def build(out_dir: Path, engine: str, shared: Path | None) -> None:
    """Build the published graph (and its derived files) into --out.

    Loads the ontology, data and reference data, validates them and
    writes the result. Nothing in --out changes unless the build succeeds.
    """
    from gdegraph.build import build as run_build

    result = run_build(out_dir, shared, engine=engine)
    _echo_report(str(result))


@cli.command(short_help="Check syntax and SHACL shapes; report problems.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="Report format: text for people, turtle (a SHACL validation report) or json for tools.",
)
@click.option(
    "--engine",
    type=click.Choice(["sparql", "pyshacl"]),
    default="sparql",
    show_default=True,
    help="SHACL engine. sparql: the shapes compiled to SPARQL and run on Oxigraph, fast enough for a million "
    "triples. pyshacl: the reference, much slower; use it to cross-check, or for shapes beyond the SHACL "
    "subset sparql supports (it says so). Both give the same report.",
)
@_data_option("Validate a built dump (.trig or .nq, optionally .gz) as it is, instead of PATHS; with the sparql "
              "engine it goes straight into Oxigraph, never into rdflib (1M triples in well under 2 GB).")
@_shared_option
def validate(paths: tuple[Path, ...], fmt: str, engine: str, data: Path | None, shared: Path | None) -> None:
    """Check Turtle files for syntax errors and against the SHACL shapes.

    With no PATHS, checks the whole graph (ontology/, data/ and the
    reference data); with --data, a built dump such as dist/gdegraph.trig.
    The report goes to stdout; exit status 1 means the data breaks a rule,
    2 that a file could not be read or parsed.
    """
    from gdegraph.validation import validate_paths

    ok, report = validate_paths(list(paths), fmt, engine=engine, data=data)
    _echo_report(report)
    if not ok:
        raise ValidationFailed("", "validation failed: see the report above")


@cli.command(short_help="Summarise what the graph holds.")
@_report_format_option("Report format.")
@_out_dir_option(None, "Also write the report to DIR/stats.txt (or DIR/stats.json).")
@_shared_option
def stats(fmt: str, out_dir: Path | None, shared: Path | None) -> None:
    """Summarise the graph: counts of trusts, programmes, claims, sources and more.

    Reads the built graph (dist/gdegraph.trig) when it is current, else builds it in memory.
    """
    from gdegraph.api import load

    summary = load().stats()
    report = summary.to_json() if fmt == "json" else str(summary)
    _echo_report(report)
    if out_dir is not None:
        _write_text(out_dir / f"stats.{'json' if fmt == 'json' else 'txt'}",
                    report if report.endswith("\n") else report + "\n")


@cli.command(short_help="Build, then write every dump, the dataset description and 360Giving data.")
@_out_dir_option(Path("dist"), "Directory to write the published files into (each file replaced atomically).")
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Where the files will be downloadable from [default: https://w3id.org/gdegraph/dumps/].",
)
@click.option(
    "--sparql-endpoint",
    default=None,
    metavar="URL",
    help="The SPARQL endpoint the description advertises [default: https://w3id.org/gdegraph/sparql].",
)
@click.option(
    "--release-date",
    default=None,
    metavar="YYYY[-MM[-DD]]",
    help="Release date for issued/modified [default: $SOURCE_DATE_EPOCH, else the newest source date].",
)
@_shared_option
def publish(out_dir: Path, base_url: str | None, sparql_endpoint: str | None, release_date: str | None,
            shared: Path | None) -> None:
    """Build and validate the graph, then publish it into --out.

    Writes the graph as Turtle, N-Triples, JSON-LD, RDF/XML, TriG and
    N-Quads (each also gzipped), the JSON-LD context, the funding awards as
    360Giving JSON and CSV, a VoID/DCAT description (void.ttl) and
    SHA256SUMS. The same input always gives byte-identical files.
    """
    from gdegraph.publish import PublishSettings, publish as run_publish

    given = {"dumps_base": base_url, "sparql_endpoint": sparql_endpoint, "release_date": release_date}
    settings = PublishSettings(**{k: v for k, v in given.items() if v is not None})
    result = run_publish(out_dir, shared, settings)
    _echo_report(str(result))


@cli.command(short_help="Analyse the exemplar-follower network; write exports and pictures.")
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
@_report_format_option("Report format on stdout (both are written to --out).")
@_shared_option
def network(out_dir: Path, include_disputed: bool, successions: bool, aspirants: bool, fmt: str,
            shared: Path | None) -> None:
    """Build the pairing network from the graph by SPARQL and analyse it.

    Reports followers per exemplar, degrees, components, centrality, the
    distances between paired trusts and what became of each pair. Writes
    report.txt/json, GraphML, GEXF, node-link JSON, CSV, the figures as
    derived RDF (derived.trig) and PNG/SVG pictures into --out.
    """
    from gdegraph.network import NetworkOptions, run_network

    options = NetworkOptions(include_disputed=include_disputed, successions=successions, aspirants=aspirants)
    result = run_network(out_dir, options, shared)
    if fmt == "json":
        import json

        _echo_report(json.dumps(result.report, indent=1, sort_keys=True))
    else:
        _echo_report(result.text + "\n" + "\n".join(f"wrote {path}" for path in result.files))


@cli.command(short_help="Write the static website: a page per resource, indexes, ontology docs.")
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
    from gdegraph.site import build_site

    _echo_report(str(build_site(out_dir, data, dist)))


@cli.command(short_help="Serve the pages, the RDF and a read-only SPARQL endpoint over HTTP.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@_data_option("RDF to serve (.trig, .nq, .ttl, .nt) [default: dist/gdegraph.trig if current, else built in memory].")
@_dist_option("Folder whose dumps (from `gdegraph publish`) are served under /dumps/ and pictures under /network/.")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a SPARQL query may run before it is stopped.")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Most result rows (or triples) a query returns.")
@click.option("--max-query-length", default=20_000, show_default=True, type=click.IntRange(min=1),
              help="Longest query text accepted, in characters.")
@click.option("--max-body", default=65_536, show_default=True, type=click.IntRange(min=1),
              help="Largest POST body accepted, in bytes.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1),
              help="SPARQL worker processes (queries that may run at once).")
@click.option("--quiet", is_flag=True, help="Do not log each request.")
@_shared_option
def serve(host: str, port: int, data: Path | None, dist: Path, timeout: float, max_rows: int,
          max_query_length: int, max_body: int, workers: int, quiet: bool, shared: Path | None) -> None:
    """Serve the graph over HTTP until interrupted (Ctrl-C).

    Resource IRIs under /id/ dereference with content negotiation (303 to
    the HTML page or to Turtle, JSON-LD, N-Triples or RDF/XML); /sparql is a
    read-only SPARQL 1.1 endpoint with a query page; /dumps/ holds the
    published files and /.well-known/void the dataset description.
    """
    from gdegraph.server import Limits, serve as run_server

    limits = Limits(timeout=timeout, max_rows=max_rows, max_query_length=max_query_length,
                    max_body=max_body, workers=workers)
    run_server(host, port, data, dist, limits, access_log=not quiet)


@cli.command(short_help="Resolve a trust name to ODS codes, with scores and reasons.")
@click.argument("name")
@click.option(
    "--date",
    default=None,
    metavar="YYYY[-MM[-DD]]",
    help="When the name was used (an article's date): prefers trusts open then, by the names they had.",
)
@click.option("--reference-only", is_flag=True, help="Use the reference data's names only, not the curated labels.")
@click.option("--limit", type=click.IntRange(1, 50), default=5, show_default=True, help="Candidates to show.")
@_shared_option
def resolve(name: str, date: str | None, reference_only: bool, limit: int, shared: Path | None) -> None:
    """Resolve a trust NAME as an article writes it ("Salford Royal Hospitals Trust").

    Prints the status (resolved, probable, ambiguous, uncertain or unknown)
    and the best candidates with ODS code, official name, score and why they
    match (exact alias, normalised match, loose match, fuzzy). Ambiguous and
    unknown names are never resolved to a guess.
    """
    from gdegraph.extract.commands import resolve_command

    _echo_report(resolve_command(name, date, reference_only, limit))


@cli.command(short_help="Propose candidate triples from a plain-text article, with a review report.")
@click.argument("article", type=_FILE)
@click.option("--source-id", required=True, metavar="ID", help="Source key of the article (IRI id/source/ID), e.g. seed-005.")
@click.option("--date", default=None, metavar="YYYY[-MM[-DD]]", help="The article's date [default: a date printed near its top].")
@click.option(
    "--out",
    type=_FILE,
    default=None,
    metavar="FILE.ttl",
    help="Write the candidate Turtle here (the report then goes to stdout) [default: Turtle to stdout, report to stderr].",
)
@click.option("--report", "report_path", type=_FILE, default=None,
              metavar="FILE.txt", help="Also write the review report to this file.")
@click.option("--reference-only", is_flag=True, help="Resolve trust names with the reference data only, not the curated labels.")
@_shared_option
def extract(article: Path, source_id: str, date: str | None, out: Path | None, report_path: Path | None,
            reference_only: bool, shared: Path | None) -> None:
    """Read ARTICLE (plain text) and propose candidate statements.

    Finds the programme and wave it announces, the trusts it lists, the
    pairings (list remarks, prose, run-together tables), the sums of money
    and correction notes. Every statement has status 'candidate', its quoted
    text and its source; the review report says what is uncertain and why.
    """
    from gdegraph.extract.commands import extract_command

    turtle, report = extract_command(article, source_id, date, out, report_path, reference_only)
    _echo_report(turtle)
    _echo_report(report, err=out is None)


@cli.command(short_help="Show how a candidate Turtle file differs from the curated graph.")
@click.argument("candidate", type=_FILE)
@_shared_option
def diff(candidate: Path, shared: Path | None) -> None:
    """Compare CANDIDATE (e.g. from `gdegraph extract`) with data/*.ttl.

    Lists new trusts, new and conflicting pairings and memberships, and
    amounts that conflict with the graph's for the same recipient; repeats
    of curated statements are reported as known.
    """
    from gdegraph.curation_diff import diff_command

    _echo_report(diff_command(candidate))


# --- Query library, SPARQL engines and Graph Store upload (the API: gdegraph/api.py, push.py) ---

_AUTH_USER_ENV, _AUTH_PASSWORD_ENV, _AUTH_TOKEN_ENV = "GDEGRAPH_USER", "GDEGRAPH_PASSWORD", "GDEGRAPH_TOKEN"


def _endpoint_option(help: str) -> Callable[[_F], _F]:  # noqa: A002
    """``--endpoint URL``: a remote store's SPARQL query endpoint."""
    return click.option("--endpoint", default=None, metavar="URL", help=help)


def _remote_options(func: _F) -> _F:
    """``--user/--password`` (HTTP basic) or ``--token`` (bearer), ``--timeout``: how to reach a
    remote store, the same for every command that talks to one."""
    for option in reversed((
        click.option("--user", envvar=_AUTH_USER_ENV, default=None, help=f"User for HTTP basic auth [env: {_AUTH_USER_ENV}]."),
        click.option("--password", envvar=_AUTH_PASSWORD_ENV, default=None,
                     help=f"Password for HTTP basic auth [env: {_AUTH_PASSWORD_ENV}, which keeps it out of shell history]."),
        click.option("--token", envvar=_AUTH_TOKEN_ENV, default=None, help=f"Bearer token instead of user and password [env: {_AUTH_TOKEN_ENV}]."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
                     help="Seconds to wait for the remote store."),
    )):
        func = option(func)
    return func


def _key_values(items: tuple[str, ...]) -> dict[str, str]:
    """``--param KEY=VALUE`` options as a dict (the last of a repeated key wins)."""
    raw: dict[str, str] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise InputError(f"--param {item!r} is not KEY=VALUE")
        raw[key.strip()] = value
    return raw


def _write_text(path: Path, text: str) -> None:
    """Write a command's output file atomically (a reader never sees half of it)."""
    from gdegraph.atomic import atomic_write_text

    atomic_write_text(path, text)


@cli.command("queries", short_help="List the query library: names, titles, parameters.")
def queries_command() -> None:
    """List the named queries in queries/*.rq with their parameters.

    Run one with `gdegraph query NAME`; parameters are passed as
    --param NAME=VALUE (required ones are marked *).
    """
    from gdegraph.api import queries

    lines = []
    for query in queries():
        lines.append(f"{query.name:<28} {query.title}")
        for p in query.params:
            mark = "*" if p.required else " "
            extra = f" [default: {p.default}]" if p.default is not None else (f" (e.g. {p.example})" if p.example else "")
            lines.append(f"  {mark} {p.name}={p.type}{extra}  {p.description}")
    _echo_report("\n".join(lines))


@cli.command(short_help="Run a library query (or a .rq file) locally or against an endpoint.")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; repeat for several. Trusts by ODS code or name, concepts by key (acute).")
@click.option("--format", "fmt", default=None,
              type=click.Choice(["table", "csv", "tsv", "json", "xml", "md", "turtle", "nt", "jsonld"]),
              help="Output format [default: table; turtle for CONSTRUCT/DESCRIBE]. csv/tsv/json/xml are the W3C SPARQL result formats.")
@click.option("--out", "out_file", type=_FILE, default=None, metavar="FILE",
              help="Write the result to FILE instead of standard output.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
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
    from gdegraph.api import load, remote

    raw = _key_values(params)
    kg = (remote(endpoint, user=user, password=password, token=token, timeout=timeout) if endpoint
          else load(data, engine=engine))
    text = kg.query_text(name, fmt, **raw)
    if out_file is None:
        click.echo(text, nl=False)
    else:
        _write_text(out_file, text)


@cli.command(short_help="Upload the built graph to a store (SPARQL 1.1 Graph Store Protocol).")
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
    from gdegraph.push import push_built

    report = push_built(endpoint, graph_store=graph_store, data=data, user=user, password=password, token=token,
                        timeout=timeout)
    _echo_report(str(report))


def _debug() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")


def _print_traceback() -> None:
    """The traceback for ``GDEGRAPH_DEBUG=1`` (traceback is imported only then: it costs start-up time)."""
    import traceback

    traceback.print_exc()


def _error(message: str) -> None:
    click.echo(f"gdegraph: error: {message}", err=True)


def _notes(previous: Callable[..., None]) -> Callable[..., None]:
    """A ``warnings.showwarning`` that prints gdegraph's own warnings (such as "building the graph
    in memory") as one ``gdegraph: note:`` line and hands any other to ``previous``."""
    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if category.__module__.split(".")[0] == "gdegraph":
            click.echo(f"gdegraph: note: {message}", err=True)
        else:
            previous(message, category, *args, **kwargs)
    return show


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status (the console script exits with it)."""
    try:
        with warnings.catch_warnings():  # restores the caller's warning display afterwards
            warnings.filterwarnings("always", category=UserWarning, module=r"gdegraph\.")  # every run's notes
            warnings.showwarning = _notes(warnings.showwarning)
            result = cli.main(args=list(argv) if argv is not None else None, prog_name="gdegraph",
                              standalone_mode=False)
    except GdeError as exc:
        if _debug():
            _print_traceback()
        if isinstance(exc, ValidationFailed):
            _echo_report(exc.report, err=True)
        _error(str(exc))
        return exc.exit_code
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            return EXIT_INTERRUPTED
        _error("aborted")
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo(err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`gdegraph stats | head`): not an error worth reporting.
        # Point stdout at /dev/null so the interpreter's final flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        if _debug():
            _print_traceback()
        detail = str(exc).strip().splitlines()
        summary = f"{type(exc).__name__}: {detail[0]}" if detail else type(exc).__name__
        _error(f"internal error: {summary}")
        if not _debug():
            click.echo(f"gdegraph: re-run with {DEBUG_ENV}=1 for a traceback", err=True)
        return EXIT_INTERNAL
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
