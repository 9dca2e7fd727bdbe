"""The ``gdegraph`` command line: a thin layer over the library, and the one place it fails from.

Each command parses its options, imports the module that does the work
*inside* the command function and calls one library function -- the public
API (:mod:`gdegraph.api.functions`) where it has one: ``query`` is
``KnowledgeGraph.query_text``, ``stats`` is ``KnowledgeGraph.stats``, ``push``
is ``gdegraph.push_built``, ``queries`` is ``gdegraph.queries``. The command
only prints or writes what it gets back. Keeping the imports lazy means
``gdegraph --help`` and ``gdegraph --version`` start in a blink without
loading rdflib, and a command's dependencies are loaded only when it runs.

The commands are click commands, gathered in :mod:`gdegraph.cli.app`; this
module does not import click. A plain ``gdegraph query NAME [OPTIONS]`` -- the
command people and scripts run most, where start-up is most of the time -- is
recognised and run by :mod:`gdegraph.cli.fastpath` without click (about 20 ms
saved); it imports pyoxigraph and a few small modules. Any other command line,
and any query command line the fast path is not sure of (``--help``, a mistake),
goes to click, so help and usage errors are click's alone. ``cli`` (the click
group) is still importable from here for tests and tools, loaded on first use;
``python -m gdegraph.cli.main`` works too.

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

from gdegraph.cli import fastpath, session
from gdegraph.cli.session import EXIT_INTERRUPTED, VERBOSITY as _VERBOSITY
from gdegraph.core.errors import GdeError, ValidationFailed

__all__ = ["DEBUG_ENV", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "cli", "main"]

DEBUG_ENV = "GDEGRAPH_DEBUG"
EXIT_INTERNAL = 3


def __getattr__(name: str) -> Any:
    """``cli``, the click group, imported on first use (importing click costs about 20 ms)."""
    if name == "cli":
        from gdegraph.cli.app import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _debug() -> bool:
    return _VERBOSITY["verbose"] or os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")


def _print_traceback() -> None:
    """The traceback for ``GDEGRAPH_DEBUG=1`` (traceback is imported only then: it costs start-up time)."""
    import traceback

    traceback.print_exc()


def _notes(previous: Callable[..., None]) -> Callable[..., None]:
    """A ``warnings.showwarning`` that prints gdegraph's own warnings (such as "building the graph
    in memory") as one ``gdegraph: note:`` line and hands any other to ``previous``."""
    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if category.__module__.split(".")[0] == "gdegraph":
            if not _VERBOSITY["quiet"]:
                session.echo(f"gdegraph: note: {message}", err=True)
        else:
            previous(message, category, *args, **kwargs)
    return show


def _dispatch(argv: Sequence[str] | None) -> int:
    """The fast path for a plain ``gdegraph query``, else the click application."""
    quick = fastpath.parse(list(sys.argv[1:] if argv is None else argv))
    if quick is not None:
        return fastpath.run(quick)
    from gdegraph.cli.app import run

    return run(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status (the console script exits with it).

    Called without ``argv`` it is the process's own command line (the console script,
    ``python -m gdegraph.cli``): once the command is over, the process ends at once
    (:func:`_end_process`) rather than freeing object by object what a build leaves
    behind (after ``gdegraph site``, about 0.15 s of tearing down the page model).
    """
    status = _main(argv)
    if argv is None:
        _end_process(status)
    return status


def _end_process(status: int) -> None:
    """End the process with ``status`` now, its output flushed, skipping the interpreter's teardown.

    Only when nothing is left to finish: no other thread running (the server's, a
    pool's), standard streams that flush, logging shut down; otherwise this returns
    and the interpreter exits as usual. Every file gdegraph writes is closed (and
    renamed into place) before its command returns, so nothing is lost.
    """
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    logging = sys.modules.get("logging")
    if logging is not None:
        logging.shutdown()
    os._exit(status)


def _main(argv: Sequence[str] | None) -> int:
    session.reset()
    try:
        with warnings.catch_warnings():  # restores the caller's warning display afterwards
            warnings.filterwarnings("always", category=UserWarning, module=r"gdegraph\.")  # every run's notes
            warnings.showwarning = _notes(warnings.showwarning)
            return _dispatch(argv)
    except GdeError as exc:
        if _debug():
            _print_traceback()
        if isinstance(exc, ValidationFailed) and exc.report:
            session.echo(exc.report, err=True, nl=not exc.report.endswith("\n"))
        session.error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        session.echo(err=True)
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
        session.error(f"internal error: {summary}")
        if not _debug():
            session.echo(f"gdegraph: re-run with -v (or {DEBUG_ENV}=1) for a traceback", err=True)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
