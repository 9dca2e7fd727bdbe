"""What the running command asked for (``--quiet``, ``--verbose``) and how the command line prints.

Kept free of click so that both ways a command runs share it: the click
application (:mod:`gdegraph.cli.app`) and the click-free fast path of
``gdegraph query`` (:mod:`gdegraph.cli.fastpath`). :func:`gdegraph.cli.main.main`
reads :data:`VERBOSITY` when it prints a note or an error.
"""

from __future__ import annotations

import sys

__all__ = ["EXIT_INTERRUPTED", "VERBOSITY", "configure", "echo", "error", "reset"]

#: ``--quiet`` / ``--verbose`` of the running command (read when a note or an error is printed).
VERBOSITY = {"quiet": False, "verbose": False}
EXIT_INTERRUPTED = 130


def reset() -> None:
    """Forget the previous command's flags (``main`` may run several commands in one process)."""
    VERBOSITY.update(quiet=False, verbose=False)


def configure(quiet: bool, verbose: bool) -> None:
    """Apply ``gdegraph --quiet`` / ``--verbose``: notes, progress bars and (verbose) log messages."""
    from gdegraph.core.progress import set_verbosity

    VERBOSITY.update(quiet=quiet, verbose=verbose)
    set_verbosity(quiet=quiet, verbose=verbose)
    if verbose:
        import logging

        logging.basicConfig(level=logging.INFO, format="gdegraph: %(name)s: %(message)s")


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print ``text`` to stdout (or stderr) and flush, as ``click.echo`` does for text.

    A stream whose encoding cannot take the text (an ASCII locale) gets UTF-8 bytes
    instead, which is what click does for such a misconfigured stream.
    """
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # no console (pythonw): nowhere to print
        return
    message = f"{text}\n" if nl else text
    if message:
        try:
            stream.write(message)
        except UnicodeEncodeError:
            stream.flush()
            stream.buffer.write(message.encode("utf-8"))
    stream.flush()


def error(message: str) -> None:
    """``gdegraph: error: MESSAGE`` on stderr: how every command reports a failure."""
    echo(f"gdegraph: error: {message}", err=True)
