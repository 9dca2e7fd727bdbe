"""``gdegraph query`` without click: the command's work, and a fast path that reaches it without importing click.

Why: a cold ``gdegraph query`` should cost little more than Python, pyoxigraph and the
query (issue 17: at most 1.3x a bare pyoxigraph script). Importing click and defining the
command line's fourteen commands is about 20 ms, a third of such a run, so
:func:`gdegraph.cli.main.main` first offers the arguments to :func:`parse` here.

:func:`parse` accepts only a plain, well-formed ``[-q|-v] query NAME [OPTIONS]``: every
option spelled as click spells it (``--format tsv``, ``--format=tsv``, ``-p K=V``,
``-pK=V``), every value valid for its option, no ``--help``, no shell completion. Anything
else -- a mistake, a value that starts with ``-``, ``--``, an option it does not know --
gives ``None``, and the click application parses the arguments instead, so help texts,
usage errors and their exit codes stay click's, word for word. What it does accept, it
reads exactly as click reads it (the last of a repeated option wins, environment
variables fill unset options, empty ones count as unset); tests/test_cli_fastpath.py
checks that against click's own parse of the same arguments, and that the options here
are those the click command declares (:mod:`gdegraph.cli.query`).

Both paths then call :func:`run_query`, so the command does the same work either way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from gdegraph.cli import session
from gdegraph.core.errors import InputError
from gdegraph.core.paths import SHARED_ENV

__all__ = ["AUTH_PASSWORD_ENV", "AUTH_TOKEN_ENV", "AUTH_USER_ENV", "DEFAULT_TIMEOUT", "LOCAL_ENGINES", "MIN_TIMEOUT", "QUERY_FORMATS",
           "QueryArgs", "key_values", "parse", "run", "run_query"]

QUERY_FORMATS = ("table", "csv", "tsv", "json", "xml", "md", "turtle", "nt", "jsonld")
LOCAL_ENGINES = ("oxigraph", "rdflib")  # gdegraph.store.base.ENGINES, without importing pyoxigraph for --help
AUTH_USER_ENV, AUTH_PASSWORD_ENV, AUTH_TOKEN_ENV = "GDEGRAPH_USER", "GDEGRAPH_PASSWORD", "GDEGRAPH_TOKEN"
MIN_TIMEOUT, DEFAULT_TIMEOUT = 0.1, 60.0
#: The environment variable click's shell completion is asked through: click answers it.
COMPLETE_ENV = "_GDEGRAPH_COMPLETE"


class QueryArgs(NamedTuple):
    """``gdegraph query``'s arguments as click would give them to the command (and the group's flags)."""

    name: str
    params: tuple[str, ...] = ()
    fmt: str | None = None
    out_file: Path | None = None
    engine: str = "oxigraph"
    data: Path | None = None
    endpoint: str | None = None
    user: str | None = None
    password: str | None = None
    token: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    shared: Path | None = None
    quiet: bool = False
    verbose: bool = False


#: Option spelling -> the field it sets (``--param`` repeats; the others: the last one wins).
_OPTIONS = {"--param": "params", "-p": "params", "--format": "fmt", "--out": "out_file", "--engine": "engine",
            "--data": "data", "--endpoint": "endpoint", "--user": "user", "--password": "password",
            "--token": "token", "--timeout": "timeout", "--shared": "shared"}
_GROUP_FLAGS = {"-q": "quiet", "--quiet": "quiet", "-v": "verbose", "--verbose": "verbose"}
_ENVIRONMENT = {"user": AUTH_USER_ENV, "password": AUTH_PASSWORD_ENV, "token": AUTH_TOKEN_ENV, "shared": SHARED_ENV}


def _readable(path: str, directory: bool) -> bool:
    """What click's ``Path(exists=True, dir_okay=...)`` accepts (a regular file or a folder, readable)."""
    kind = os.path.isdir if directory else os.path.isfile
    return kind(path) and os.access(path, os.R_OK)


def _options(tokens: list[str]) -> tuple[str | None, dict[str, str], list[str]] | None:
    """The positional, the last value of each option and the ``--param`` values; None if click should decide."""
    name: str | None = None
    values: dict[str, str] = {}
    params: list[str] = []
    rest = iter(tokens)
    for token in rest:
        if not token.startswith("-"):
            if name is not None:
                return None  # a second argument: click's usage error
            name = token
            continue
        option, eq, value = token.partition("=") if token.startswith("--") else (token[:2], "", token[2:])
        field = _OPTIONS.get(option)
        if field is None:
            return None
        if not eq and not value:
            value = next(rest, "-")
            if value.startswith("-"):  # missing, or a value click may read as an option: let click say
                return None
        if field == "params":
            params.append(value)
        else:
            values[field] = value
    return name, values, params


def parse(argv: list[str]) -> QueryArgs | None:
    """``argv`` as :class:`QueryArgs` if it is a plain ``gdegraph query`` that needs no click, else None."""
    if os.environ.get(COMPLETE_ENV):
        return None
    flags = {"quiet": False, "verbose": False}
    start = 0
    while start < len(argv) and argv[start] in _GROUP_FLAGS:
        flags[_GROUP_FLAGS[argv[start]]] = True
        start += 1
    if argv[start:start + 1] != ["query"] or (flags["quiet"] and flags["verbose"]):
        return None
    found = _options(argv[start + 1:])
    if found is None or found[0] is None:
        return None
    name, values, params = found
    for field, variable in _ENVIRONMENT.items():
        if field not in values and os.environ.get(variable):
            values[field] = os.environ[variable]
    if values.get("fmt", "table") not in QUERY_FORMATS or values.get("engine", "oxigraph") not in LOCAL_ENGINES:
        return None
    try:
        timeout = float(values.get("timeout", DEFAULT_TIMEOUT))
    except ValueError:
        return None
    if timeout < MIN_TIMEOUT:
        return None
    if "data" in values and not _readable(values["data"], directory=False):
        return None
    if "shared" in values and not _readable(values["shared"], directory=True):
        return None
    out = values.get("out_file")
    if out is not None and os.path.exists(out) and not _readable(out, directory=False):
        return None
    paths = {key: Path(values[key]) for key in ("out_file", "data", "shared") if key in values}
    return QueryArgs(name=name, params=tuple(params), fmt=values.get("fmt"), engine=values.get("engine", "oxigraph"),
                     endpoint=values.get("endpoint"), user=values.get("user"), password=values.get("password"),
                     token=values.get("token"), timeout=timeout, **paths, **flags)


def run(args: QueryArgs) -> int:
    """Run a parsed ``gdegraph query`` as the click command would: flags, ``--shared``, then the query."""
    session.configure(args.quiet, args.verbose)
    if args.shared is not None:
        os.environ[SHARED_ENV] = str(args.shared.resolve())  # what the --shared option's callback does
    run_query(args.name, args.params, args.fmt, args.out_file, args.engine, args.data, args.endpoint, args.user,
              args.password, args.token, args.timeout)
    return 0


def key_values(items: tuple[str, ...]) -> dict[str, str]:
    """``--param KEY=VALUE`` options as a dict (the last of a repeated key wins)."""
    raw: dict[str, str] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise InputError(f"--param {item!r} is not KEY=VALUE")
        raw[key.strip()] = value
    return raw


def run_query(name: str, params: tuple[str, ...], fmt: str | None, out_file: Path | None, engine: str,
              data: Path | None, endpoint: str | None, user: str | None, password: str | None, token: str | None,
              timeout: float) -> None:
    """``gdegraph query``'s work: one call of the public API (``KnowledgeGraph.query_text``), printed or written.

    The API is imported here, when the query runs, so neither ``gdegraph --help`` nor this
    module's import loads pyoxigraph.
    """
    from gdegraph.api.functions import load, remote

    raw = key_values(params)
    kg = (remote(endpoint, user=user, password=password, token=token, timeout=timeout) if endpoint
          else load(data, engine=engine))
    text = kg.query_text(name, fmt, **raw)
    if out_file is None:
        session.echo(text, nl=False)
    else:
        from gdegraph.core.atomic import atomic_write_text

        atomic_write_text(out_file, text)
