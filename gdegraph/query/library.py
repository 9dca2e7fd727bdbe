"""The library of named SPARQL queries in ``queries/*.rq`` and how their parameters are bound.

Each query is one ``.rq`` file whose leading ``#`` comment is its header::

    # name: followers-of
    # title: Fast followers of an exemplar
    # description: The trusts paired with an exemplar as its fast followers, with
    #   the status and source of each pairing.
    # param: exemplar trust required example=RQ6 -- The exemplar (ODS code or name).
    # param: sector concept:sector example=acute -- Only pairings in this care sector.
    # columns: follower followerName odsCode status sources

A parameter is ``NAME TYPE [required] [default=V] [example=V] -- description``
(values may be double-quoted); NAME is the SPARQL variable it binds. Types:
``string``, ``integer``, ``decimal``, ``date``, ``boolean``, ``iri`` (or
``iri:KIND``, where a bare key means ``id/KIND/key``), ``concept:SCHEME`` (a
key such as ``acute`` resolved against the scheme's notations) and ``trust``
(an ODS code or a trust's name, resolved to the trust's IRI).

Values are never pasted into query text as typed: each becomes an RDF term
(:mod:`pyoxigraph` terms, which serialise with N-Triples escaping; see
:mod:`gdegraph.query.params`) and the terms are bound with one ``VALUES``
block placed at the start of the query's WHERE clause
(:func:`gdegraph.store.sparql_text.with_values`). Every engine -- pyoxigraph, rdflib and a
remote endpoint -- receives the same text, so a bound parameter means the
same thing everywhere; pyoxigraph's own ``substitutions`` are not used
because they only accept projected variables.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from gdegraph.core import paths
from gdegraph.core.errors import InputError
from gdegraph.query.definitions import NAME_PATTERN, PARAM_TYPES, NamedQuery, Param, parse_query_file
from gdegraph.query.params import bind_params, convert  # re-exported: the library's one way to bind

__all__ = ["NamedQuery", "Param", "PARAM_TYPES", "bind_params", "convert", "get_query", "load_library",
           "parse_query_file"]

@lru_cache(maxsize=4)
def _load(directory: Path, stamp: tuple[tuple[str, float], ...]) -> dict[str, NamedQuery]:
    library: dict[str, NamedQuery] = {}
    for name, _ in stamp:
        query = parse_query_file(directory / name)
        if query.name in library:
            raise InputError(f"query name {query.name!r} is used twice", path=query.path)
        library[query.name] = query
    return dict(sorted(library.items()))


def load_library(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every ``*.rq`` file directly in ``queries/`` (not ``queries/qc/``), by name."""
    folder = directory if directory is not None else paths.queries_dir()
    files = sorted(folder.glob("*.rq"))
    return _load(folder, tuple((f.name, f.stat().st_mtime) for f in files))


def get_query(name_or_path: str, directory: Path | None = None) -> NamedQuery:
    """A library query by name, or any ``.rq`` file by path; unknown names list the library.

    A query whose file is named after it (``queries/NAME.rq``, as every library query is)
    is read alone, without parsing the other files: ``gdegraph query`` runs this on every
    call. Names that are duplicated across files are caught when the library is listed.
    """
    candidate = Path(name_or_path)
    if name_or_path.endswith(".rq") or candidate.is_file():
        if not candidate.is_file():
            raise InputError("no such query file", path=candidate)
        return parse_query_file(candidate)
    folder = directory if directory is not None else paths.queries_dir()
    if NAME_PATTERN.match(name_or_path) and (own := folder / f"{name_or_path}.rq").is_file():
        query = parse_query_file(own)
        if query.name == name_or_path:
            return query
    library = load_library(directory)
    if name_or_path in library:
        return library[name_or_path]
    from difflib import get_close_matches

    close = get_close_matches(name_or_path.lower(), list(library), n=3, cutoff=0.6)
    if not close:
        close = [n for n in library if name_or_path.lower() in n]
    if close:
        hint = f"did you mean {' or '.join(close)}? (`gdegraph queries` lists them all)"
    else:
        hint = f"known queries: {', '.join(library)} (`gdegraph queries` lists them; a path to a .rq file also works)"
    raise InputError(f"unknown query {name_or_path!r}", hint=hint)
