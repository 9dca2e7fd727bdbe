"""Progress of long work (build, publish, site, network), on a terminal only, through tqdm.

One module and one library for every command. Why tqdm rather than rich: it
has no dependencies of its own (rich brings pygments and markdown-it-py), it
already drew the build's, publish's and site's progress, and its
``disable=None`` is exactly "only on a terminal".

Bars and stage lines go to stderr and are shown only when stderr is a
terminal, so piped or captured output -- CI logs, ``gdegraph build > log`` --
stays free of them. The command line's ``--quiet`` turns them off everywhere
and ``--verbose`` turns them on even when stderr is not a terminal
(:func:`set_verbosity`). Library callers that never call it get the
terminal-only default.

Two ways to report:

* :func:`steps` and :func:`stage` wrap an iterable or a block directly;
* a :class:`Progress` is *handed to* long work that should not know how it is
  shown (:func:`gdegraph.network.analysis.run_network`): it names each step
  and, where the size is known, says how far it got. :func:`terminal_progress`
  gives one that draws (a bar per sized step, a timed line per other step) or,
  when progress is off, :class:`NoProgress`; benchmarks pass their own that
  records each step's time.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

__all__ = ["Advance", "NoProgress", "Progress", "TerminalProgress", "enabled", "set_verbosity", "stage", "steps",
           "terminal_progress"]

_T = TypeVar("_T")
_MODE = {"value": None}  # None: terminal only; True: always (--verbose); False: never (--quiet)
_STAGE_FORMAT = "gdegraph: {desc} ({elapsed})"

#: Told how many more units of a step (nodes searched, files written) have just finished.
Advance = Callable[[int], None]


def set_verbosity(quiet: bool = False, verbose: bool = False) -> None:
    """``--quiet`` (no progress) or ``--verbose`` (progress even when piped); neither: terminal only."""
    _MODE["value"] = False if quiet else (True if verbose else None)


def enabled() -> bool:
    """Whether progress is shown now: by the mode, else by whether stderr is a terminal."""
    mode = _MODE["value"]
    return mode if mode is not None else sys.stderr.isatty()


def _disable() -> bool:
    return not enabled()


def steps(items: Iterable[_T], desc: str, unit: str = "file", total: int | None = None) -> Iterator[_T]:
    """``items`` with a progress bar (count, rate, elapsed) while they are consumed.

    tqdm is imported only when the bar is shown (its import costs tens of milliseconds).
    """
    if _disable():
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, unit=unit, total=total, file=sys.stderr, disable=_disable(), leave=False,
                    dynamic_ncols=True)


@contextlib.contextmanager
def stage(desc: str) -> Iterator[Any]:
    """One step of long work: its name while it runs, then how long it took (nothing when progress is off)."""
    if _disable():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(total=1, desc=desc, file=sys.stderr, disable=_disable(), bar_format=_STAGE_FORMAT, leave=True)
    try:
        yield bar
        bar.update(1)
    finally:
        bar.close()


class Progress(Protocol):
    """Something told about each long step: its name, its size if known, then how far it got."""

    def step(self, name: str, total: int | None = None) -> AbstractContextManager[Advance]:
        ...


class NoProgress:
    """Says nothing (progress off, or the Python API)."""

    @contextlib.contextmanager
    def step(self, name: str, total: int | None = None) -> Iterator[Advance]:
        yield lambda done: None


class TerminalProgress:
    """Each step as a line on stderr that stays when it ends: a bar (done/total, rate, time) where
    the size is known, otherwise the name and, when done, how long it took (as :func:`stage`)."""

    def __init__(self, unit: str = "node") -> None:
        self.unit = unit

    @contextlib.contextmanager
    def step(self, name: str, total: int | None = None) -> Iterator[Advance]:
        if total is None:
            with stage(name):
                yield lambda done: None
            return
        from tqdm import tqdm

        bar = tqdm(total=total, desc=f"gdegraph: {name}", unit=self.unit, file=sys.stderr, leave=True,
                   dynamic_ncols=True, disable=False)
        try:
            yield bar.update
        finally:
            bar.close()


@contextlib.contextmanager
def terminal_progress() -> Iterator[Progress]:
    """A :class:`TerminalProgress` when progress is on (:func:`enabled`), else :class:`NoProgress`."""
    yield TerminalProgress() if enabled() else NoProgress()
