"""Publish stage: the validated graph as reproducible dumps, described, with checksums.

``gdegraph publish --out dist`` writes the graph in six RDF syntaxes (each
also gzipped), the JSON-LD ``@context``, the funding awards as a 360Giving
package, a VoID/DCAT description of all of it and a ``SHA256SUMS`` file.

Reproducibility is the point: the same input must give byte-identical files,
so a rebuild can be checked against a published checksum and a diff of two
releases shows only real changes: every syntax is written from sorted
statements (:mod:`gdegraph.publish.serialise`) and no date comes from the clock.

All files are produced in memory first and only then written, all together
(:func:`gdegraph.core.atomic.replace_in_directory`: a fresh folder swapped in),
so a failure or a kill leaves every dump as it was, or every dump new.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph

from gdegraph.core.version import package_version
from gdegraph.core import mediatypes
from gdegraph.core.errors import InputError
from gdegraph.model.jsonld_context import CONTEXT_FILE, context_document
from gdegraph.publish.serialise import (DUMP_STEM, Statements, dump_files, gzip_bytes, serialise, serialise_all,
                                        sorted_quads, statement_dump_files, union_triples)

__all__ = [
    "DEFAULT_DUMPS_BASE", "DEFAULT_SPARQL_ENDPOINT", "DESCRIPTION_FILE", "DUMP_STEM", "SUMS_FILE",
    "PublishResult", "PublishSettings", "count_statements", "dump_files", "grant_files", "gzip_bytes", "publish",
    "publish_files", "serialise", "serialise_all", "sha256sums", "sorted_quads", "union_triples",
]

DESCRIPTION_FILE = "void.ttl"
SUMS_FILE = "SHA256SUMS"
DEFAULT_DUMPS_BASE = "https://w3id.org/gdegraph/dumps/"
DEFAULT_SPARQL_ENDPOINT = "https://w3id.org/gdegraph/sparql"


@dataclass(frozen=True)
class PublishSettings:
    """Where the files will be served and which release they are (nothing read from the clock)."""

    dumps_base: str = DEFAULT_DUMPS_BASE  #: download URL of a dump = this + file name
    sparql_endpoint: str = DEFAULT_SPARQL_ENDPOINT
    release_date: str | None = None  #: YYYY[-MM[-DD]]; None: $SOURCE_DATE_EPOCH, else newest source date
    version: str = field(default_factory=package_version)

    def __post_init__(self) -> None:
        """Reject URLs that would make invalid IRIs now, not half way through a publish."""
        from urllib.parse import urlsplit

        for option, url in (("--base-url", self.dumps_base), ("--sparql-endpoint", self.sparql_endpoint)):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc or any(c in url for c in ' <>"{}|\\^`'):
                raise InputError(f"{option} {url!r} is not an absolute http(s) URL")
        if self.release_date:
            from gdegraph.publish.dataset_description import release_date

            release_date(Graph(), self.release_date)  # raises InputError if malformed
        if not self.dumps_base.endswith("/"):
            object.__setattr__(self, "dumps_base", self.dumps_base + "/")


@dataclass
class PublishResult:
    """What a publish wrote; ``str()`` is the report printed to the user."""

    out_dir: Path
    files: dict[str, int] = field(default_factory=dict)  #: file name -> bytes
    triples: int = 0
    quads: int = 0
    grants: int = 0

    def __str__(self) -> str:
        lines = [f"gdegraph publish: {self.triples} triples ({self.quads} quads in named graphs), "
                 f"{self.grants} 360Giving grants"]
        lines += [f"wrote {self.out_dir / name} ({size} bytes)" for name, size in self.files.items()]
        return "\n".join(lines)


def sha256sums(files: Mapping[str, bytes], digests: Mapping[str, str] | None = None) -> bytes:
    """``sha256sum``-compatible lines (``HEX  NAME``) sorted by name: ``sha256sum -c`` checks them.

    ``digests`` holds the hex digests a caller has already computed (each file is hashed once).
    """
    known = digests or {}
    return "".join(f"{known.get(n) or hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in sorted(files)).encode()


def grant_files(store: Any, settings: PublishSettings, release: Any) -> dict[str, bytes]:
    """The 360Giving package (JSON, checked against its schema, and CSV).

    It is made from the store alone, not from the sorted statements the dumps share,
    so a publish makes it in the worker process that validates.
    """
    from gdegraph.publish import giving360

    return giving360.package_files(store, release=release, download_base=settings.dumps_base)


def publish_files(ds: Any, settings: PublishSettings | None = None, *,
                  made_elsewhere: Callable[[], dict[str, bytes]] | None = None) -> dict[str, bytes]:
    """Every published file (name -> bytes) for the built graph, without writing anything.

    ``ds`` is the build's pyoxigraph store (:func:`gdegraph.sources.dataset.build_store`),
    which every file is made from; an rdflib Dataset is copied into a store first.
    ``made_elsewhere`` gives the :func:`grant_files` when another process made them
    (it is asked once the dumps and tables are made); by default they are made here.
    """
    import pyoxigraph as ox

    from gdegraph.publish import dataset_description
    from gdegraph.publish.table_files import tables_files
    from gdegraph.store.oxigraph_store import OxigraphStore

    if not isinstance(ds, ox.Store):
        ds = OxigraphStore.from_dataset(ds).store
    settings = settings or PublishSettings()
    release = dataset_description.release_date(ds, settings.release_date)
    statements = Statements(ds)  # sorted once: every dump, and the description's counts
    files = statement_dump_files(statements)
    files[CONTEXT_FILE] = context_document()
    tables = tables_files(ds, settings.version)  # CSV + Data Package + CSVW, SQLite for Datasette
    files.update(made_elsewhere() if made_elsewhere is not None else grant_files(ds, settings, release))
    files.update(tables)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}  # each file hashed once
    description = dataset_description.describe(
        ds, files, dumps_base=settings.dumps_base, sparql_endpoint=settings.sparql_endpoint,
        version=settings.version, release=release, triples=statements.union_forms(), digests=digests)
    files[DESCRIPTION_FILE] = serialise(description, "turtle")
    files[SUMS_FILE] = sha256sums(files, digests)
    return files


def publish(out_dir: Path, shared: Path | None = None, settings: PublishSettings | None = None,
            *, dataset: Any = None, validate: bool | None = None) -> PublishResult:
    """Build and validate (unless ``dataset``, a store or rdflib Dataset, is given: then it is
    validated only if ``validate`` says so), then write every published file.

    Validation and the :func:`grant_files` need the built store and nothing the
    dumps need, so where there is a second core a forked copy of this process
    validates and makes those files while this one sorts and writes the dumps and tables
    (:class:`gdegraph.core.forked.Child`); nothing is written until the verdict
    says the graph conforms. A failure while making the files from a graph that
    does not validate is reported as the validation failure it is.
    """
    from gdegraph.core.atomic import replace_in_directory
    from gdegraph.core.progress import stage
    from gdegraph.publish.giving360 import PACKAGE_FILE

    from gdegraph.core.forked import Child, cores, frozen_heap

    settings = settings or PublishSettings()
    validate = dataset is None if validate is None else validate
    if dataset is None:
        from gdegraph.sources.dataset import build_store

        with stage("building the dataset"):
            dataset = build_store(shared)
    store = dataset
    with frozen_heap():  # the store's Python side lives to the end: no collector passes over it, here or forked
        worker = Child(lambda: _validate_and_make(store, settings), fork=cores() > 1) if validate else None
        try:
            with stage("writing the dumps, tables and descriptions"):
                files = publish_files(store, settings, made_elsewhere=None if worker is None else (
                    lambda: _made_by(worker, store, settings)))
        except Exception:
            _check(worker)  # a graph that does not validate explains the failure better
            raise
        except BaseException:
            if worker is not None:
                worker.cancel()
            raise
        with stage("validating (SHACL engine: sparql)"):
            _check(worker)
    result = PublishResult(out_dir=out_dir)
    replace_in_directory(out_dir, files)  # every dump new, or every dump as before (gdegraph.core.atomic)
    result.files = {name: len(data) for name, data in files.items()}
    # One statement per line in N-Triples and N-Quads: the dumps' own counts.
    result.triples, result.quads = files[f"{DUMP_STEM}.nt"].count(b"\n"), files[f"{DUMP_STEM}.nq"].count(b"\n")
    result.grants = len(json.loads(files[PACKAGE_FILE])["grants"])
    return result


def _validate_and_make(store: Any, settings: PublishSettings) -> dict[str, Any]:
    """The worker's part: the verdict (first, so it is known whatever follows), then the :func:`grant_files`,
    base64 in the JSON that crosses the pipe; ``files`` is None if making them failed (the parent then
    makes them itself, so the failure is raised there with its own type)."""
    from gdegraph.publish.dataset_description import release_date
    from gdegraph.validate.verdict import store_verdict

    verdict = store_verdict(store)
    try:
        made = grant_files(store, settings, release_date(store, settings.release_date))
    except Exception:  # noqa: BLE001 -- made again in the parent, which reports it
        return {"verdict": verdict, "files": None}
    return {"verdict": verdict, "files": {name: base64.b64encode(data).decode("ascii") for name, data in made.items()}}


def _made_by(worker: Any, store: Any, settings: PublishSettings) -> dict[str, bytes]:
    """The worker's :func:`grant_files`, or the same made here if it could not make them."""
    files = worker.result()["files"]
    if files is None:
        from gdegraph.publish.dataset_description import release_date

        return grant_files(store, settings, release_date(store, settings.release_date))
    return {name: base64.b64decode(text) for name, text in files.items()}


def _check(worker: Any) -> None:
    if worker is not None:
        from gdegraph.validate.verdict import raise_unless_conforms

        raise_unless_conforms(worker.result()["verdict"])


def count_statements(path: str | Path, parser: str = "rdflib") -> int:
    """Statements in an RDF file (gunzipping ``.gz``), by ``rdflib`` or ``oxigraph``: the CI cross-check.

    Quad syntaxes count every quad (a statement in two graphs counts twice),
    as ``rapper -c`` does.
    """
    fmt, gzipped = mediatypes.by_filename(path)
    if fmt is None or not fmt.rdf:
        raise ValueError(f"{path}: not an RDF dump")
    data = Path(path).read_bytes()
    if gzipped:
        data = gzip.decompress(data)
    if parser == "oxigraph":
        import pyoxigraph as ox

        return sum(1 for _ in ox.parse(data, format=fmt.oxigraph()))
    if parser != "rdflib":
        raise ValueError(f"unknown parser {parser!r}")
    if fmt.quads:
        ds = Dataset()
        ds.parse(data=data, format=fmt.rdflib)
        return sum(1 for _ in ds.quads((None, None, None, None)))
    return len(Graph().parse(data=data, format=fmt.rdflib))
