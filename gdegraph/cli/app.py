"""The click application behind ``gdegraph``: the command group, its options, and click's own errors.

:func:`gdegraph.cli.main.main` runs it (through :func:`run`) for every command line except
a plain ``gdegraph query``, which :mod:`gdegraph.cli.fastpath` runs without importing click.
The commands live in modules named for what they do and are added to the group here, in
this order: :mod:`gdegraph.cli.build` (build, validate, stats, publish),
:mod:`gdegraph.cli.web` (network, site, serve), :mod:`gdegraph.cli.curation` (resolve,
extract, diff) and :mod:`gdegraph.cli.query` (queries, query, push); the options they share
are in :mod:`gdegraph.cli.options`. None of them imports :mod:`gdegraph.cli.main`, so there
is no import cycle.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from gdegraph.cli import session
from gdegraph.cli.build import build, publish, stats, validate
from gdegraph.cli.curation import diff, extract, ingest, resolve
from gdegraph.cli.query import push, queries_command, query
from gdegraph.cli.web import network, serve, site

__all__ = ["cli", "run"]


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``--version``: read the installed version only now (importlib.metadata is slow to import)."""
    if not value or ctx.resilient_parsing:
        return
    from gdegraph.core.version import package_version

    click.echo(f"gdegraph {package_version()}")
    ctx.exit()


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
@click.option("-q", "--quiet", is_flag=True, help="No progress, no notes, no 'wrote ...' lines: only results and errors.")
@click.option("-v", "--verbose", is_flag=True,
              help="Progress even when the output is piped, log messages, and a traceback for internal errors.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool) -> None:
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

    Exit status: 0 success, 1 validation failed or a name not resolved,
    2 bad input or usage (including a port in use), 3 internal error
    (re-run with -v or GDEGRAPH_DEBUG=1 for a traceback), 130 interrupted.

    Shell completion (click): eval "$(_GDEGRAPH_COMPLETE=bash_source gdegraph)"
    in ~/.bashrc (zsh_source for ~/.zshrc, fish_source for fish).
    """
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose contradict each other")
    ctx.obj = {"quiet": quiet, "verbose": verbose}
    session.configure(quiet, verbose)


for _command in (build, validate, stats, publish, network, site, serve, resolve, extract, diff, ingest,
                 queries_command, query, push):
    cli.add_command(_command)
del _command


def run(argv: Sequence[str] | None) -> int:
    """Run the command line through click; click's own failures become exit statuses here.

    Usage errors (unknown command or option, bad value) print click's message and exit 2;
    an abort exits 1, or 130 when it was Ctrl-C. Every other exception -- a
    :class:`~gdegraph.core.errors.GdeError` above all -- is :func:`gdegraph.cli.main.main`'s to report.
    """
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="gdegraph",
                          standalone_mode=False)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            return session.EXIT_INTERRUPTED
        session.error("aborted")
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return result if isinstance(result, int) else 0
