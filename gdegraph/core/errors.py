"""The exceptions gdegraph raises on purpose, and the exit codes they map to.

Every failure a user can cause or fix is raised as a subclass of
:class:`GdeError`, so the command line can tell "you need to change
something" (a short message, no traceback) apart from "gdegraph has a bug"
(anything else: exit 3 and a hint to re-run with ``GDEGRAPH_DEBUG=1``).
Each class carries its own exit code so scripts and CI can tell the kinds of
failure apart without parsing messages:

=====  ======================================================================
code   meaning
=====  ======================================================================
0      success
1      the input was read but is not acceptable (:class:`ValidationFailed`),
       or another expected failure (:class:`GdeError`)
2      bad input or usage: a missing, unreadable or malformed file, a bad
       option (:class:`InputError`; click's usage errors use 2 as well)
3      unexpected internal error (a bug; see :mod:`gdegraph.cli.main`)
130    interrupted (Ctrl-C)
=====  ======================================================================

This module imports nothing heavy so that every other module, including the
command line's fast paths (``--help``, ``--version``), can import it freely.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["GdeError", "InputError", "ValidationFailed"]


class GdeError(Exception):
    """Base of every error gdegraph raises deliberately.

    Catching this one class is enough for a caller that wants "any expected
    failure"; :attr:`exit_code` says how the command line should exit for it.
    """

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(GdeError):
    """A file or argument the user supplied cannot be used as it is.

    Raised for missing or unreadable files, files that are not UTF-8, Turtle
    syntax errors and bad option values: things the user fixes by editing a
    file or a command line. When the problem has a place, the error carries
    it, and ``str()`` renders it the way compilers do, ``path:line:col:
    message``, so editors and terminals can jump to it. Unknown parts are
    left out (``path: message``, ``path:line: message``, or just
    ``message``). Lines and columns are 1-based; columns count characters
    (Unicode code points), not bytes.

    ``hint``, when given, says how to fix the problem and is rendered on a
    second line so the first line stays machine-parseable.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.path: Path | None = Path(path) if path is not None else None
        self.line = line
        # A column without a line cannot be located, so it is dropped.
        self.column = column if line is not None else None
        self.hint = hint

    @property
    def location(self) -> str:
        """``path:line:col`` with unknown parts left out; empty when nothing is known."""
        parts: list[str] = []
        if self.path is not None:
            parts.append(str(self.path))
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        location = self.location
        text = f"{location}: {self.message}" if location else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ValidationFailed(GdeError):
    """The input was read, but it breaks the project's rules (SHACL, QC queries).

    Distinct from :class:`InputError` because nothing is malformed: the
    graph just says something the shapes do not allow. ``report`` holds the
    full, human-readable (or machine-readable) report, which the command line
    prints before the one-line error message.
    """

    exit_code = 1

    def __init__(self, report: str, message: str = "validation failed") -> None:
        super().__init__(message)
        self.report = report
