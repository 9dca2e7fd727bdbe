"""Progress of long work (build, publish, site), on a terminal only, through tqdm.

Bars and stage lines go to stderr and are shown only when stderr is a
terminal (tqdm's ``disable=None``), so piped or captured output -- CI logs,
``gdegraph build > log`` -- stays free of them. The command line's
``--quiet`` turns them off everywhere and ``--verbose`` turns them on even
when stderr is not a terminal (:func:`set_verbosity`). Library callers that
never call it get the terminal-only default.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["enabled", "set_verbosity", "stage", "steps"]

_T = TypeVar("_T")
_MODE = {"value": None}  # None: terminal only; True: always (--verbose); False: never (--quiet)


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

    bar = tqdm(total=1, desc=desc, file=sys.stderr, disable=_disable(), bar_format="gdegraph: {desc} ({elapsed})",
               leave=True)
    try:
        yield bar
        bar.update(1)
    finally:
        bar.close()
