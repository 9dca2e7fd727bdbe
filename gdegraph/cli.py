"""The ``gdegraph`` command line: a thin layer over the library.

Each command parses its options, imports the module that does the work
*inside* the command function and calls one library function. Keeping the
imports lazy means ``gdegraph --help`` and ``gdegraph --version`` start in a
blink without loading rdflib, and a command's dependencies are loaded only
when it runs.

:func:`main` owns the process's exit status and what reaches stderr, so
every command fails the same way:

* a :class:`~gdegraph.errors.GdeError` prints ``gdegraph: error: <message>``
  (a validation report first, if it carries one) and exits with the error's
  ``exit_code`` (2 for bad input, 1 for failed validation);
* click usage errors (unknown command or option, bad value) exit 2;
* Ctrl-C exits 130;
* anything else is a bug: one line naming the exception, a hint to re-run
  with ``GDEGRAPH_DEBUG=1`` for the traceback, exit 3.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from gdegraph import __version__
from gdegraph.errors import GdeError, ValidationFailed
from gdegraph.paths import SHARED_ENV

DEBUG_ENV = "GDEGRAPH_DEBUG"
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

_F = TypeVar("_F", bound=Callable[..., Any])


def _remember_shared(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Make ``--shared`` visible to every library function via ``GDEGRAPH_SHARED``."""
    if value is not None:
        os.environ[SHARED_ENV] = str(value.resolve())
    return value


def _shared_option(func: _F) -> _F:
    """The ``--shared DIR`` option, shared by every command that reads seeds or reference data."""
    return click.option(
        "--shared",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        envvar=SHARED_ENV,
        callback=_remember_shared,
        metavar="DIR",
        help=f"Folder holding seeds/ and refdata/ [default: ../shared beside the checkout; env: {SHARED_ENV}].",
    )(func)


def _echo_report(text: str, err: bool = False) -> None:
    """Print a report exactly once with a single trailing newline."""
    if text:
        click.echo(text, nl=not text.endswith("\n"), err=err)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="gdegraph", message="%(prog)s %(version)s")
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
@_shared_option
def build(out_dir: Path, shared: Path | None) -> None:
    """Build the published graph (and its derived files) into --out.

    Loads the ontology, data and reference data, validates them and
    writes the result. Nothing in --out changes unless the build succeeds.
    """
    from gdegraph.build import build as run_build

    result = run_build(out_dir, shared)
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
@_shared_option
def validate(paths: tuple[Path, ...], fmt: str, shared: Path | None) -> None:
    """Check Turtle files for syntax errors and against the SHACL shapes.

    With no PATHS, checks the whole graph (ontology/, data/ and the
    reference data). The report goes to stdout; exit status 1 means the
    data breaks a rule, 2 that a file could not be read or parsed.
    """
    from gdegraph.validation import validate_paths

    ok, report = validate_paths(list(paths), fmt)
    _echo_report(report)
    if not ok:
        raise ValidationFailed("", "validation failed: see the report above")


@cli.command(short_help="Summarise what the graph holds.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Also write the report to DIR/stats.txt (or DIR/stats.json).",
)
@_shared_option
def stats(fmt: str, out_dir: Path | None, shared: Path | None) -> None:
    """Summarise the graph: counts of trusts, programmes, claims, sources and more."""
    from gdegraph.stats import stats_report

    report = stats_report(fmt)
    _echo_report(report)
    if out_dir is not None:
        from gdegraph.atomic import atomic_write_text

        suffix = "json" if fmt == "json" else "txt"
        atomic_write_text(out_dir / f"stats.{suffix}", report if report.endswith("\n") else report + "\n")


def _debug() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")


def _error(message: str) -> None:
    click.echo(f"gdegraph: error: {message}", err=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status (the console script exits with it)."""
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="gdegraph", standalone_mode=False)
    except GdeError as exc:
        if _debug():
            traceback.print_exc()
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
            traceback.print_exc()
        detail = str(exc).strip().splitlines()
        summary = f"{type(exc).__name__}: {detail[0]}" if detail else type(exc).__name__
        _error(f"internal error: {summary}")
        if not _debug():
            click.echo(f"gdegraph: re-run with {DEBUG_ENV}=1 for a traceback", err=True)
        return EXIT_INTERNAL
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
