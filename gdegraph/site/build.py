"""The static site: one page per resource, class indexes, ontology docs, downloads.

``gdegraph site --out dist/site`` writes every file of the site at once
(:func:`gdegraph.core.atomic.atomic_directory`: a reader sees the old site or the
new one, never half of each). The server renders the very same files on
request from the same :class:`Site`, so a page looks the same from a static
host and from ``gdegraph serve``.

Layout (all links between pages are relative)::

    index.html                     home: summary, network picture, downloads
    404.html                       the not-found page
    id/{kind}/{key}.html           one page per resource, plus its RDF as
    id/{kind}/{key}.{ttl,jsonld,nt,rdf}
    def/index.html (+ RDF)         ontology documentation (the ontology as RDF)
    def/{Term}.html (+ RDF)        one page per ontology term
    classes/{Class}.html           every resource of one ontology class
    static/                        the style sheet and the query page's script
    network/                       pictures from dist/network/, when present
    dumps/                         the published files from dist/, when present

Per-resource RDF formats are the triple syntaxes of :data:`gdegraph.core.mediatypes.RDF_FORMATS`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode

from gdegraph.core import mediatypes
from gdegraph.model import iris
from gdegraph.model.jsonld_context import PREFIXES, jsonld_document, used_prefixes
from gdegraph.site import explore
from gdegraph.site.facts import Facts
from gdegraph.site import markup
from gdegraph.site.gallery import local_quads
from gdegraph.site.model import ONTOLOGY, Model
from gdegraph.site.pages import Pages
from gdegraph.site.result import SiteResult
from gdegraph.site.tables import FACETED, csv_bytes
from gdegraph.site.views import Here, Views

__all__ = ["PAGE_FORMATS", "Site", "SiteResult", "build_site", "from_dist", "serialise_triples"]

#: The RDF syntaxes each resource is offered in (triples only: a page describes one resource).
PAGE_FORMATS: tuple[mediatypes.FileFormat, ...] = tuple(f for f in mediatypes.RDF_FORMATS if not f.quads)
HTML = "text/html; charset=utf-8"
PACKAGE = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE / "static"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
def serialise_triples(triples: list[Any], fmt: mediatypes.FileFormat, extra_prefixes: dict[str, str] | None = None,
                      ) -> bytes:
    """Triples in one syntax, grouped by subject (types first), with the published prefixes they use.

    JSON-LD uses the published context (:mod:`gdegraph.model.jsonld_context`), as the dumps do.
    """
    if fmt.name == "jsonld":
        return jsonld_document(triples)
    return _Prepared(triples, extra_prefixes).serialise(fmt)


class _Prepared:
    """Triples put in order, with the prefixes they use, once for every syntax they are written in.

    The order is by subject, its ``rdf:type`` statements first, then by predicate and object,
    each compared in its N-Triples form. ``in_order`` says the triples are sorted by their
    N-Triples text already (:meth:`gdegraph.site.model.Model.describe` returns them so): that is
    the same order but for the types, so they are only moved to the front of their subject's run.
    """

    def __init__(self, triples: list[Any], extra_prefixes: dict[str, str] | None = None, *,
                 in_order: bool = False) -> None:
        self.triples = triples
        self.ordered = _types_first(triples if in_order else sorted(triples, key=str))
        used = {t.value for tr in self.ordered for t in (tr.subject, tr.predicate, tr.object)
                if isinstance(t, NamedNode)}
        self.prefixes = used_prefixes(used, {**PREFIXES, **extra_prefixes} if extra_prefixes else PREFIXES)

    def serialise(self, fmt: mediatypes.FileFormat) -> bytes:
        import pyoxigraph

        if fmt.name == "jsonld":
            return jsonld_document(self.triples)
        return pyoxigraph.serialize(self.ordered, format=fmt.oxigraph(), prefixes=self.prefixes)


def _types_first(ordered: list[Any]) -> list[Any]:
    """Triples sorted by their N-Triples text, with each subject's ``rdf:type`` triples moved to the front
    of its run (in their order). The text order is the order of (subject, predicate, object) compared one
    by one: an IRI's text ends at its ``>`` and a blank node's at the space, which sort before any
    character that could follow."""
    out: list[Any] = []
    rest: list[Any] = []
    subject = None
    for triple in ordered:
        if triple.subject != subject:
            out += rest
            rest = []
            subject = triple.subject
        (out if triple.predicate.value == _RDF_TYPE else rest).append(triple)
    return out + rest


def _media_type(fmt: mediatypes.FileFormat) -> str:
    return fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")


class Site:
    """Every file of the site, rendered on demand: ``render(path) -> (bytes, media type)``."""

    def __init__(self, model: Model, *, dumps_dir: Path | None = None, network_dir: Path | None = None,
                 server: bool = False) -> None:
        from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape

        self.model = model
        self.facts = Facts(model)  # the page model: read from the graph once, selected from by every view
        self.views = Views(model, self.facts)
        self.server = server
        # auto_reload=False: the package's templates do not change while we run, so no stat per page.
        # Jinja's bytecode cache (its own per-user folder in the temporary directory) keeps each template
        # compiled under the checksum of its source, as Python's __pycache__ does for modules: an edited
        # template, or another Jinja or Python, is compiled afresh. Compiling them all took 0.05 s a build.
        self.env = Environment(loader=FileSystemLoader(PACKAGE / "templates"), undefined=StrictUndefined,
                               autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                               auto_reload=False, bytecode_cache=FileSystemBytecodeCache())
        self.env.filters.update(markup.filters())
        self.dumps: dict[str, Path] = {}
        self.pictures: dict[str, Path] = {}
        self.static = {**self._listing(STATIC_DIR, lambda name: True),
                       **{f"vendor/{k}": v for k, v in self._listing(STATIC_DIR / "vendor", lambda n: True).items()},
                       **{f"vendor/images/{k}": v for k, v in self._listing(STATIC_DIR / "vendor" / "images",
                                                                            lambda n: True).items()}}
        self.pages = Pages(self.views, self.facts, self.dumps, self.pictures)
        self.list_dist(dumps_dir, network_dir)
        self._classes = {self.views.class_index_path(NamedNode(c)): NamedNode(c)
                         for c in self.views.classes_with_instances()}
        self._tables = {name: cls for name, cls in ((c.value[len(iris.DEF):], c) for c in self._classes.values())
                        if name in FACETED}
        self._explore = {"search.js": ("GDE_SEARCH", explore.search_index), "map.js": ("GDE_MAP", explore.map_data),
                         "network.js": ("GDE_NETWORK", explore.network_data),
                         # The workbench's engine: the server's endpoint, else oxigraph in the page over these quads.
                         "endpoint.js": ("GDE_ENDPOINT", lambda facts: self.server),
                         "quads.js": ("GDE_QUADS", lambda facts: local_quads(facts.model))}
        self._last_described: tuple[NamedNode, _Prepared] | None = None

    def list_dist(self, dumps_dir: Path | None, network_dir: Path | None) -> None:
        """Take the dumps and pictures offered (and copied) from these folders, as they are now.

        A site rendered while ``gdegraph publish`` is still writing the dumps lists them again
        once they are written (see :func:`from_dist`)."""
        self.dumps.clear()
        self.dumps.update(self._listing(dumps_dir, self._is_dump))
        self.pictures.clear()
        self.pictures.update(self._listing(network_dir, lambda name: name.endswith((".png", ".svg"))))

    @staticmethod
    def _is_dump(name: str) -> bool:
        """The published files worth offering: RDF (plain or gzipped), JSON, CSV, checksums."""
        fmt, _ = mediatypes.by_filename(name)
        return name == "SHA256SUMS" or (fmt is not None and (fmt.rdf or fmt.name in ("json", "csv")))

    @staticmethod
    def _listing(directory: Path | None, keep: Any) -> dict[str, Path]:
        """Regular files directly in ``directory`` with safe names; the only files ever read."""
        if directory is None or not directory.is_dir():
            return {}
        return {p.name: p for p in sorted(directory.iterdir())
                if p.is_file() and not p.is_symlink() and _SAFE_NAME.match(p.name) and keep(p.name)}

    # --- the file list ------------------------------------------------------------------------

    def paths(self) -> Iterable[str]:
        """Every path of the site, in a stable order."""
        yield "index.html"
        yield "404.html"
        for iri in self.model.resources:
            base = self.model.path(iri)
            yield base + ".html"
            for fmt in PAGE_FORMATS:
                yield f"{base}.{fmt.extension}"
        yield from sorted(self._classes)
        yield from (f"classes/{name}.csv" for name in sorted(self._tables))
        yield from ("map.html", "network.html", "sparql.html")
        yield from (f"queries/{name}.html" for name in self.pages.queries)
        yield from (f"explore/{name}" for name in sorted(self._explore))
        yield from (f"static/{name}" for name in self.static)
        yield from (f"network/{name}" for name in self.pictures)
        yield from (f"dumps/{name}" for name in self.dumps)

    def copied_file(self, path: str) -> tuple[Path | None, bool]:
        """(the file a site path is a copy of, or None; whether the path is under a copied folder at all).

        ``static/`` comes from the package, ``network/`` and ``dumps/`` from the
        folder ``gdegraph publish`` and ``gdegraph network`` wrote.
        """
        folder, _, name = path.rpartition("/")
        top = folder.partition("/")[0]
        files = {"static": self.static, "network": self.pictures, "dumps": self.dumps}.get(top)
        if files is None:
            return None, False
        return files.get(path[len(top) + 1:] if top == "static" else (name if folder == top else "")), True

    #: Templates no page is rendered with (the reference macros the tests compare the markup filters with).
    UNUSED_TEMPLATES = frozenset({"markup.html"})

    def warm(self) -> None:
        """Compile every page template now, once, before work is shared out: each share renders class
        indexes and query pages too, and compiling one costs milliseconds in every process that does it."""
        for name in self.env.list_templates():
            if name not in self.UNUSED_TEMPLATES:
                self.env.get_template(name)

    def render(self, path: str) -> tuple[bytes, str] | None:
        """The bytes and media type of one site path, or None if the site has no such file."""
        file, copied = self.copied_file(path)
        if copied:
            if file is None:
                return None
            name = path.rpartition("/")[2]
            fmt, gzipped = mediatypes.by_filename(name)
            media = "application/gzip" if gzipped else (_media_type(fmt) if fmt else _static_type(name))
            return file.read_bytes(), media
        page = self._site_page(path)
        if page is not None:
            return page
        stem, dot, ext = path.rpartition(".")
        iri = self.model.by_path.get(stem) if dot else None
        if iri is None:
            return None
        if ext == "html":
            here = Here(path)
            context = self.views.resource(iri, here)
            context["formats"] = [(f.label, f.media_type, here.href(f"{stem}.{f.extension}")) for f in PAGE_FORMATS]
            template = "ontology.html" if iri.value == ONTOLOGY else "resource.html"
            if iri.value == ONTOLOGY:
                context.update(self.pages.ontology(here))
            return self._page(template, path, context), HTML
        fmt = mediatypes.by_extension(ext)
        if fmt is None or fmt not in PAGE_FORMATS:
            return None
        return self._described(iri).serialise(fmt), _media_type(fmt)

    def _site_page(self, path: str) -> tuple[bytes, str] | None:
        """The pages and generated files that are not about one resource, or None."""
        if path == "index.html":
            return self._page("home.html", path, self.pages.home()), HTML
        if path == "404.html":
            return self._page("404.html", path, {"title": "Page not found"}), HTML
        if path in self._classes:
            template, context = self.pages.class_index(self._classes[path], Here(path))
            return self._page(template, path, context), HTML
        if path.startswith("classes/") and path.endswith(".csv") and path[8:-4] in self._tables:
            made = self.pages.table(self._tables[path[8:-4]])
            assert made is not None
            return csv_bytes(made, {p: iri.value for p, iri in self.model.by_path.items()}), "text/csv; charset=utf-8"
        if path in ("map.html", "network.html", "sparql.html"):
            stem = path[:-5]
            context = self.pages.workbench(Here(path)) if stem == "sparql" else getattr(self.pages, stem)()
            return self._page(f"{stem}.html", path, context), HTML
        if path.startswith("queries/") and path.endswith(".html"):
            context = self.pages.query_page(path[8:-5], Here(path))
            return None if context is None else (self._page("query-page.html", path, context), HTML)
        if path.startswith("explore/") and path[8:] in self._explore:
            name, make = self._explore[path[8:]]
            return explore.script(name, make(self.facts)), "text/javascript; charset=utf-8"
        return None

    def _described(self, iri: NamedNode) -> _Prepared:
        """The resource's RDF, prepared once for its four files (the last resource is remembered)."""
        last = self._last_described
        if last is None or last[0] != iri:
            last = self._last_described = (iri, _Prepared(self.model.describe(iri), in_order=True))
        return last[1]

    def _page(self, template: str, path: str, context: dict[str, Any]) -> bytes:
        here = Here(path)
        return self.env.get_template(template).render(href=here.href, server=self.server, **context).encode("utf-8")

def _static_type(name: str) -> str:
    return {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
            "png": "image/png", "svg": "image/svg+xml", "md": "text/markdown; charset=utf-8",
            "txt": "text/plain; charset=utf-8"}.get(name.rsplit(".", 1)[-1], "application/octet-stream")


def build_site(out_dir: Path, data: Path | None = None, dist: Path | None = None, *,
               workers: int | None = None, model: Model | None = None,
               dist_ready: Callable[[], None] | None = None) -> SiteResult:
    """Render every file of the site into ``out_dir``, replacing it as a whole on success.

    ``dist`` is where ``gdegraph publish`` and the network pictures left their
    files (``dumps/`` and ``network/`` are copied from it when present, as hard
    links where the file system allows: those files are only ever replaced, never
    rewritten in place). The pages are shared out between ``workers`` processes
    (default: one per core, :func:`gdegraph.core.forked.cores`), forked once the
    model is read and the templates compiled; every file is the same whichever
    process renders it. A file whose bytes the site being replaced already has is
    linked from it rather than written again (see :class:`gdegraph.core.atomic.TreeWriter`).

    ``model`` is the graph already read (else it is loaded from ``data``). With
    ``dist_ready`` the site is rendered while a publish is still writing ``dist``:
    every page but those made from its files (:func:`from_dist`) is rendered first, in
    a temporary tree beside ``dist`` (whose folder the publish replaces meanwhile), then
    ``dist_ready()`` waits for the publish (raising if it failed, which discards the
    tree) and the rest follows from the files it wrote.
    """
    from gdegraph.core.atomic import atomic_directory
    from gdegraph.core.forked import chunks, cores, frozen_heap, share_out

    started = time.perf_counter()
    dist = dist if dist is not None else Path("dist")
    site = Site(model if model is not None else Model.load(data), dumps_dir=dist, network_dir=dist / "network")
    paths = list(site.paths())  # binds the gallery's queries once; each query page runs its own in its share
    site.warm()
    if dist_ready is not None:
        paths = [path for path in paths if not from_dist(path)]
    workers = workers or cores()
    runs = chunks(paths, _cost, _RUNS_PER_WORKER * workers, group=_resource_of)
    with atomic_directory(out_dir, beside=dist if dist_ready is not None else None) as tmp, frozen_heap():
        done = share_out(runs, workers, lambda share, first: _write_share(site, share, tmp, out_dir, first))
        if dist_ready is not None:
            dist_ready()
            site.list_dist(dist, dist / "network")
            done.append(_write_share(site, [p for p in site.paths() if from_dist(p)], tmp, out_dir, False))
    return SiteResult(out_dir, sum(d[0] for d in done), sum(d[1] for d in done), time.perf_counter() - started)


def from_dist(path: str) -> bool:
    """Whether a site path is made from the files in ``dist`` (the home page lists the dumps with their
    sizes; ``dumps/`` and ``network/`` link to them), rather than from the graph alone."""
    return path == "index.html" or path.startswith(("dumps/", "network/"))


#: How finely the pages are cut for sharing out: each process takes the next run when it is ready, so the
#: processes end within about one run of each other (some milliseconds) whatever the costs guessed.
_RUNS_PER_WORKER = 32


def _resource_of(path: str) -> str:
    """A resource's page and its RDF files share one group (they share the prepared description)."""
    return path.rpartition(".")[0]


def _cost(path: str) -> float:
    """About how long a path takes to render, relative to one RDF file (for cutting the work into even runs).

    Measured on the curated graph, one core (an RDF file about 0.06 ms): a resource page 0.37 ms, a class
    index 1 ms, a query page 5 ms on average (its query runs with it), an ``explore/`` script 14 ms
    (the search index, the map and network data, the quads for the workbench). The heavy ones come
    first, so what is left at the end is small whichever process takes it.
    """
    if path.startswith("explore/"):
        return 230.0
    if path.startswith("queries/"):
        return 90.0
    if path.startswith("classes/") and path.endswith(".html"):
        return 17.0
    if path.endswith(".html"):
        return 6.0
    return 1.0


def _write_share(site: Site, paths: Iterable[str], root: Path, previous: Path, progress: bool) -> list[int]:
    """Render and write ``paths`` into ``root`` (unchanged files linked from ``previous``, the site being
    replaced); [files, pages] written (a progress bar in the first share)."""
    from gdegraph.core.atomic import TreeWriter
    from gdegraph.core.progress import steps

    files = pages = 0
    with TreeWriter(root, previous) as writer:
        for path in steps(paths, "writing the site") if progress else paths:
            source, _ = site.copied_file(path)
            if source is not None and not path.startswith("static/") and writer.link(path, source):
                files += 1
                continue
            rendered = site.render(path)
            if rendered is None:
                continue
            writer.write(path, rendered[0])
            files += 1
            pages += path.endswith(".html")
    return [files, pages]
