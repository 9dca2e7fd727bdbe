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

import gzip
import hashlib
import json
from collections.abc import Mapping
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
    "PublishResult", "PublishSettings", "count_statements", "dump_files", "gzip_bytes", "publish",
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


def publish_files(ds: Any, settings: PublishSettings | None = None) -> dict[str, bytes]:
    """Every published file (name -> bytes) for the built graph, without writing anything.

    ``ds`` is the build's pyoxigraph store (:func:`gdegraph.sources.dataset.build_store`),
    which every file is made from; an rdflib Dataset is copied into a store first.
    """
    import pyoxigraph as ox

    from gdegraph.publish import dataset_description, giving360
    from gdegraph.publish.table_files import tables_files
    from gdegraph.store.oxigraph_store import OxigraphStore

    if not isinstance(ds, ox.Store):
        ds = OxigraphStore.from_dataset(ds).store
    settings = settings or PublishSettings()
    release = dataset_description.release_date(ds, settings.release_date)
    statements = Statements(ds)  # sorted once: every dump, and the description's counts
    files = statement_dump_files(statements)
    files[CONTEXT_FILE] = context_document()
    files.update(giving360.package_files(ds, release=release, download_base=settings.dumps_base))
    files.update(tables_files(ds, settings.version))  # CSV + Data Package + CSVW, SQLite for Datasette
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}  # each file hashed once
    description = dataset_description.describe(
        ds, files, dumps_base=settings.dumps_base, sparql_endpoint=settings.sparql_endpoint,
        version=settings.version, release=release, triples=statements.union_forms(), digests=digests)
    files[DESCRIPTION_FILE] = serialise(description, "turtle")
    files[SUMS_FILE] = sha256sums(files, digests)
    return files


def publish(out_dir: Path, shared: Path | None = None, settings: PublishSettings | None = None,
            *, dataset: Any = None) -> PublishResult:
    """Build and validate (unless ``dataset``, a store or rdflib Dataset, is given), then write every
    published file.

    Validation needs the built store and nothing the files need, and the files
    need nothing validation makes, so where there is a second core a forked copy
    of this process validates while this one makes the files
    (:class:`gdegraph.core.forked.Child`); nothing is written until the
    verdict says the graph conforms. A failure while making the files from a
    graph that does not validate is reported as the validation failure it is.
    """
    from gdegraph.core.atomic import replace_in_directory
    from gdegraph.core.progress import stage
    from gdegraph.publish.giving360 import PACKAGE_FILE

    verdict = None
    if dataset is None:
        from gdegraph.core.forked import Child, cores
        from gdegraph.sources.dataset import build_store
        from gdegraph.validate.verdict import store_verdict

        with stage("building the dataset"):
            dataset = build_store(shared)
        store = dataset
        verdict = Child(lambda: store_verdict(store), fork=cores() > 1)
    try:
        with stage("writing the dumps, tables and descriptions"):
            files = publish_files(dataset, settings)
    except Exception:
        _check(verdict)  # a graph that does not validate explains the failure better
        raise
    except BaseException:
        if verdict is not None:
            verdict.cancel()
        raise
    with stage("validating (SHACL engine: sparql)"):
        _check(verdict)
    result = PublishResult(out_dir=out_dir)
    replace_in_directory(out_dir, files)  # every dump new, or every dump as before (gdegraph.core.atomic)
    result.files = {name: len(data) for name, data in files.items()}
    # One statement per line in N-Triples and N-Quads: the dumps' own counts.
    result.triples, result.quads = files[f"{DUMP_STEM}.nt"].count(b"\n"), files[f"{DUMP_STEM}.nq"].count(b"\n")
    result.grants = len(json.loads(files[PACKAGE_FILE])["grants"])
    return result


def _check(verdict: Any) -> None:
    if verdict is not None:
        from gdegraph.validate.verdict import raise_unless_conforms

        raise_unless_conforms(verdict.result())


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
