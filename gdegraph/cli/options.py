"""Options and output helpers shared by the ``gdegraph`` commands.

The decorators here give every command the same spelling, metavar and
behaviour for ``--shared``, ``--out``, ``--data``, ``--dist``, ``--format``
and the SHACL ``--engine``; the helpers print a report once and write an
output file atomically. This module imports only click and small gdegraph
modules, so importing the command line stays cheap (see :mod:`gdegraph.cli.main`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from gdegraph.core.paths import SHARED_ENV

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


def _shacl_engine_option(help: str) -> Callable[[_F], _F]:  # noqa: A002
    """``--engine sparql|pyshacl``: the SHACL engine of a command that validates."""
    return click.option("--engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql",
                        show_default=True, help=help)


def _echo_report(text: str, err: bool = False) -> None:
    """Print a report exactly once with a single trailing newline."""
    if text:
        click.echo(text, nl=not text.endswith("\n"), err=err)


def _echo_status(text: str) -> None:
    """Print what a command wrote ("wrote dist/..."), unless ``gdegraph --quiet`` asked for silence."""
    ctx = click.get_current_context(silent=True)
    quiet = bool(ctx is not None and (ctx.find_root().obj or {}).get("quiet"))
    if not quiet:
        _echo_report(text)


def _write_text(path: Path, text: str) -> None:
    """Write a command's output file atomically (a reader never sees half of it)."""
    from gdegraph.core.atomic import atomic_write_text

    atomic_write_text(path, text)
