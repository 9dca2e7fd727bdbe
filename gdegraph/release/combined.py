"""``gdegraph publish --site``: the dumps and the static site from one build, at the same time.

Run one after the other, ``gdegraph publish`` and ``gdegraph site`` each start Python, and
the site parses again the TriG the publish has just written; and each leaves a core idle
for much of its run (the publish's sorting and serialising is one process, the site's
pages two). Here the graph is built once, then a forked child renders the site from that
store while this process writes the dumps (and a second child validates):

* the site's pages come from the graph alone, except the home page and the ``dumps/`` and
  ``network/`` copies (:func:`gdegraph.site.build.from_dist`), which list and link the
  files the publish writes; the child renders the rest in a temporary tree beside ``dist``
  (the publish replaces that folder meanwhile), then waits for the publish's outcome
  on a pipe;
* the publish writes ``dist`` only once the graph is validated; if it fails, the child is
  told so and discards its tree, so ``dist/site`` changes only with a new ``dist``;
* the site child reads the graph as ``gdegraph site`` reads the TriG the publish writes
  (the statements in the dumps' order), so the files are byte for byte those of
  ``gdegraph publish`` followed by ``gdegraph site``, which a test compares.

Where processes cannot be forked (or one core is all there is) the two run one after the
other in this process: the files are the same.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdegraph.core.errors import GdeError
from gdegraph.publish.dumps import PublishResult, PublishSettings, publish
from gdegraph.site.result import SiteResult

__all__ = ["ReleaseResult", "publish_with_site"]

_GO, _STOP = b"1", b"0"


@dataclass
class ReleaseResult:
    """What the publish and the site wrote; ``str()`` is both their reports."""

    published: PublishResult
    site: SiteResult

    def __str__(self) -> str:
        return f"{self.published}\n{self.site}"


def publish_with_site(out_dir: Path, shared: Path | None = None, settings: PublishSettings | None = None,
                      site_dir: Path | None = None, *, store: Any = None) -> ReleaseResult:
    """Build and validate the graph, publish it into ``out_dir`` and render the site into ``site_dir``
    (default ``out_dir/site``) from the same build: the same files as ``gdegraph publish`` then
    ``gdegraph site``, in less time than the two take one after the other (1.5 s against 1.6 s on the
    curated graph: the two cores are busy for nearly all of it, see docs/performance.md).

    ``store`` is the graph when it is built already (a pyoxigraph store from
    :func:`gdegraph.sources.dataset.build_store`, with test fixtures, say); it is validated all the same.
    """
    from gdegraph.core.forked import Child, cores, frozen_heap
    from gdegraph.core.progress import stage

    site_dir = site_dir if site_dir is not None else out_dir / "site"
    if store is None:
        from gdegraph.sources.dataset import build_store

        with stage("building the dataset"):
            store = build_store(shared)
    if cores() < 2:
        from gdegraph.site.build import build_site

        published = publish(out_dir, settings=settings, dataset=store, validate=True)
        with stage("writing the site"):
            return ReleaseResult(published, build_site(site_dir, dist=out_dir, model=_site_model(store)))
    reader, writer = os.pipe()
    with frozen_heap():
        child = Child(lambda: _site_child(store, site_dir, out_dir, reader, writer))
        os.close(reader)
        try:
            published = publish(out_dir, settings=settings, dataset=store, validate=True)
        except Exception:
            _tell(writer, _STOP)  # the child discards its tree and ends; its failure says nothing new
            try:
                child.result()
            except GdeError:
                pass
            raise
        except BaseException:  # interrupted: stop the child now
            os.close(writer)
            child.cancel()
            raise
        _tell(writer, _GO)
        with stage("writing the site"):
            made = child.result()
    return ReleaseResult(published, SiteResult(site_dir, made["files"], made["pages"], made["seconds"]))


def _tell(writer: int, word: bytes) -> None:
    """Tell the site child how the publish went (it may have failed and gone already: its own error says why)."""
    try:
        os.write(writer, word)
    except BrokenPipeError:
        pass
    finally:
        os.close(writer)


def _site_model(store: Any) -> Any:
    """The site's model of the built graph, read as ``gdegraph site`` reads the published TriG: a store
    holding the statements in the dumps' order (the order some gallery answers keep)."""
    import pyoxigraph as ox

    from gdegraph.publish.serialise import sorted_quads
    from gdegraph.site.model import Model
    from gdegraph.store.oxigraph_store import OxigraphStore

    ordered = ox.Store()
    ordered.bulk_extend(sorted_quads(store))
    model = Model(ordered.quads_for_pattern(None, None, None, None))
    model.store = OxigraphStore(ordered)
    return model


def _site_child(store: Any, site_dir: Path, dist: Path, reader: int, writer: int) -> dict[str, Any]:
    """The forked child's part: the site, its last pages once the publish says it has written ``dist``."""
    from gdegraph.core.progress import set_verbosity
    from gdegraph.site.build import build_site  # here, in the child: the parent never renders a page

    os.close(writer)  # only the parent's copy may end the pipe
    set_verbosity(quiet=True)  # the parent shows the progress; two processes' bars would garble the terminal

    def dist_ready() -> None:
        with os.fdopen(reader, "rb") as pipe:
            word = pipe.read(1)
        if word != _GO:
            raise GdeError("the publish failed, so the site was not written")

    result = build_site(site_dir, dist=dist, model=_site_model(store), dist_ready=dist_ready)
    return {"files": result.files, "pages": result.pages, "seconds": result.seconds}
