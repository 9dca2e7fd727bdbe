"""Progress of the long steps of ``gdegraph network``, drawn with rich on a terminal, silent otherwise.

Why a small protocol of our own: the analysis (:func:`gdegraph.network.analysis.run_network`)
only says which step it is in and how far it got; whether that becomes a
progress bar is the caller's choice. The command line draws one with rich
when stderr is a terminal; pipes, files, CI logs and the Python API stay
quiet, so the report on stdout is the same either way.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol, TextIO

from gdegraph.network.components import Advance

__all__ = ["NoProgress", "Progress", "RichProgress", "terminal_progress"]


class Progress(Protocol):
    """Something told about each long step: its name, its size if known, then how far it got."""

    def step(self, name: str, total: int | None = None) -> AbstractContextManager[Advance]:
        ...


class NoProgress:
    """Says nothing (not a terminal, or the Python API)."""

    @contextmanager
    def step(self, name: str, total: int | None = None) -> Iterator[Advance]:
        yield lambda done: None


class RichProgress:
    """A rich progress display on stderr: one line per step, a bar where the size is known.

    Use as a context manager around the run; the lines stay on the terminal
    when it ends, so the time of each step can still be read.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as Bar

        console = Console(file=stream or sys.stderr)
        self._bar = Bar(SpinnerColumn(finished_text="done"), TextColumn("{task.description}"), BarColumn(),
                        MofNCompleteColumn(), TimeElapsedColumn(), console=console)

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    @contextmanager
    def step(self, name: str, total: int | None = None) -> Iterator[Advance]:
        task = self._bar.add_task(name, total=total)
        yield lambda done: self._bar.advance(task, done)
        self._bar.update(task, total=total or 1, completed=total or 1)  # a spinner step ends as a full bar


@contextmanager
def terminal_progress(stream: TextIO | None = None) -> Iterator[Progress]:
    """A :class:`RichProgress` if ``stream`` (default stderr) is a terminal, else :class:`NoProgress`."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield NoProgress()
        return
    with RichProgress(stream) as progress:
        yield progress
