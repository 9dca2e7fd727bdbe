"""The ``gdegraph`` command line: a thin layer over the library.

Each command parses its options, imports the module that does the work
*inside* the command function and calls one library function -- the public
API (:mod:`gdegraph.api.functions`) where it has one: ``query`` is
``KnowledgeGraph.query_text``, ``stats`` is ``KnowledgeGraph.stats``, ``push``
is ``gdegraph.push_built``, ``queries`` is ``gdegraph.queries``. The command
only prints or writes what it gets back. Keeping the imports lazy means
``gdegraph --help`` and ``gdegraph --version`` start in a blink without
loading rdflib, and a command's dependencies are loaded only when it runs:
``gdegraph query`` on the built graph imports click, pyoxigraph and a few
small modules, and the version is read from the package metadata only by
``--version``.

The commands live in modules named for what they do and are added to the
group here, in this order: :mod:`gdegraph.cli.build` (build, validate,
stats, publish), :mod:`gdegraph.cli.web` (network, site, serve),
:mod:`gdegraph.cli.curation` (resolve, extract, diff) and
:mod:`gdegraph.cli.query` (queries, query, push); the options they share
are in :mod:`gdegraph.cli.options`. Those modules never import this one,
so there is no import cycle and ``python -m gdegraph.cli.main`` works too.

:func:`main` owns the process's exit status and what reaches stderr, so
every command fails the same way:

* a :class:`~gdegraph.core.errors.GdeError` prints ``gdegraph: error: <message>``
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
from typing import Any

import click

from gdegraph.cli.build import build, publish, stats, validate
from gdegraph.cli.curation import diff, extract, ingest, resolve
from gdegraph.cli.options import _echo_report
from gdegraph.cli.query import push, queries_command, query
from gdegraph.cli.web import network, serve, site
from gdegraph.core.errors import GdeError, ValidationFailed

DEBUG_ENV = "GDEGRAPH_DEBUG"
#: ``--quiet`` / ``--verbose`` of the running command (read when a note or an error is printed).
_VERBOSITY = {"quiet": False, "verbose": False}
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


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
    from gdegraph.core.progress import set_verbosity

    ctx.obj = {"quiet": quiet, "verbose": verbose}
    _VERBOSITY.update(ctx.obj)
    set_verbosity(quiet=quiet, verbose=verbose)
    if verbose:
        import logging

        logging.basicConfig(level=logging.INFO, format="gdegraph: %(name)s: %(message)s")


for _command in (build, validate, stats, publish, network, site, serve, resolve, extract, diff, ingest,
                 queries_command, query, push):
    cli.add_command(_command)
del _command


def _debug() -> bool:
    return _VERBOSITY["verbose"] or os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")


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
            if not _VERBOSITY["quiet"]:
                click.echo(f"gdegraph: note: {message}", err=True)
        else:
            previous(message, category, *args, **kwargs)
    return show


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status (the console script exits with it)."""
    _VERBOSITY.update(quiet=False, verbose=False)
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
            click.echo(f"gdegraph: re-run with -v (or {DEBUG_ENV}=1) for a traceback", err=True)
        return EXIT_INTERNAL
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
