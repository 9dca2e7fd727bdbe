"""The template data of the site-wide pages: home, class indexes, ontology, map, network, workbench, queries.

Resource pages are :meth:`gdegraph.site.views.Views.resource`; this module
does the same for the pages that are not about one resource. Every context is
selected from the page model (:class:`~gdegraph.site.model.Model`,
:class:`~gdegraph.site.facts.Facts`, the query gallery), built once when the
site or the server starts; nothing here reads the graph again or renders.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode

from gdegraph.core import mediatypes
from gdegraph.model import iris
from gdegraph.site.explore import ROLE_COLOURS
from gdegraph.site.facts import Facts
from gdegraph.site.gallery import GalleryQuery, answer, gallery
from gdegraph.site.tables import FACET_LABELS, Table, table
from gdegraph.site.views import GRAPH_NOTES, Here, Views

__all__ = ["PICTURES", "Pages"]

#: Known pictures from ``gdegraph network``: (caption, alt text); the network diagram comes first.
PICTURES = {
    "pairing-network": ("Exemplars and their fast followers",
                        "Network diagram: each Global Digital Exemplar trust linked to the fast follower "
                        "trusts paired with it, grouped by care sector"),
    "pairing-map": ("Where the paired trusts are",
                    "Map of England with each exemplar trust joined by a line to its fast followers, "
                    "coloured by NHS region"),
    "pairing-distances": ("How far apart the paired trusts are",
                          "Bar chart of the distance in kilometres between each exemplar and its fast follower"),
}


class Pages:
    """Contexts of the site-wide pages, from one :class:`Views` and its :class:`Facts`."""

    def __init__(self, views: Views, facts: Facts, dumps: dict[str, Path], pictures: dict[str, Path]) -> None:
        self.views, self.facts, self.model = views, facts, views.model
        self.dumps, self.pictures = dumps, pictures
        self._tables: dict[str, Table | None] = {}

    @cached_property
    def queries(self) -> dict[str, GalleryQuery]:
        return {q.name: q for q in gallery(self.model)}

    def table(self, cls: NamedNode) -> Table | None:
        """The faceted table of a class (made once), or None for a plain list."""
        if cls.value not in self._tables:
            self._tables[cls.value] = table(self.facts, cls)
        return self._tables[cls.value]

    def home(self) -> dict[str, Any]:
        m, here, views = self.model, Here("index.html"), self.views
        classes = [(views.value(NamedNode(c), here), n, views.class_index_path(NamedNode(c)))
                   for c, n in views.classes_with_instances().items()]
        graphs = [(key, views.graph_value(key, here), GRAPH_NOTES.get(key, ""), size)
                  for key, size in sorted(m.graph_sizes.items())]
        downloads = []
        for name, file in self.dumps.items():
            fmt, gzipped = mediatypes.by_filename(name)
            label = fmt.label if fmt else "checksums"
            downloads.append((name, f"{label}{', gzipped' if gzipped else ''}", file.stat().st_size))
        known = list(PICTURES)
        pictures = []
        for stem in sorted((n.removesuffix(".png") for n in self.pictures if n.endswith(".png")),
                           key=lambda stem: (known.index(stem) if stem in known else len(known), stem)):
            words = stem.replace("-", " ")
            caption, alt = PICTURES.get(stem, (words.capitalize(), f"Picture: {words}"))
            pictures.append((f"network/{stem}.png", caption, alt))
        return {"title": "gdegraph", "triples": m.triple_count, "resources": len(m.resources),
                "classes": sorted(classes, key=lambda c: c[0].text.lower()), "graphs": graphs,
                "downloads": downloads, "pictures": pictures}

    def class_index(self, cls: NamedNode, here: Here) -> tuple[str, dict[str, Any]]:
        """``(template, context)`` of a class's index: a faceted table, or the list of its members."""
        title = f"Every {self.model.label(cls)}"
        made = self.table(cls)
        if made is None:
            members = [self.views.value(t, here) for t in self.model.instances(cls) if self.model.path(t)]
            return "class.html", {"title": title, "cls": self.views.value(cls, here), "members": members}
        rows = [([(c.text, here.href(c.path + ".html") if c.path else None, c.sort) for c in r.cells],
                 json.dumps(r.facets, ensure_ascii=False, sort_keys=True, separators=(",", ":"))) for r in made.rows]
        return "facets.html", {"title": title, "cls": self.views.value(cls, here), "columns": made.columns,
                               "rows": rows, "facets": [(f, FACET_LABELS[f], made.counts()[f]) for f in made.facets],
                               "csv": here.href(f"classes/{made.name}.csv")}

    def ontology(self, here: Here) -> dict[str, Any]:
        """The ontology's terms grouped by kind, for the documentation page."""
        m, groups = self.model, {"Classes": [], "Object properties": [], "Datatype properties": []}
        kinds = {"Classes": "Class", "Object properties": "ObjectProperty", "Datatype properties": "DatatypeProperty"}
        for term in sorted(m.ontology_terms(), key=lambda t: m.label(t).lower()):
            types = {t.value.rsplit("#", 1)[-1] for t in m.types(term)}
            for group, kind in kinds.items():
                if kind in types:
                    groups[group].append(self.views.resource(term, here) | {
                        "anchor": term.value.rsplit("#", 1)[-1], "page": here.href(m.path(term) + ".html")})
        return {"groups": groups}

    def map(self) -> dict[str, Any]:
        return {"title": "Map of the trusts and their pairings", "roles": ROLE_COLOURS,
                "programmes": sorted({self.facts.label(s.programme) for s in self.facts.pairings if s.programme})}

    def network(self) -> dict[str, Any]:
        facts = self.facts
        return {"title": "The pairing network", "roles": ROLE_COLOURS, "dated": facts.dated,
                "sectors": sorted({facts.label(s) for st in facts.pairings for s in st.sector})}

    def workbench(self, here: Here) -> dict[str, Any]:
        items = [{"name": q.name, "title": q.title, "description": q.description, "params": q.params,
                  "page": here.href(f"queries/{q.name}.html")} for q in self.queries.values()]
        examples = {q.name: q.text for q in self.queries.values()}
        prefixes = {"gde": iris.DEF, "skos": "http://www.w3.org/2004/02/skos/core#",
                    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "prov": "http://www.w3.org/ns/prov#"}
        return {"title": "Query workbench", "gallery": items,
                "examples": json.dumps(examples, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c"),
                "prefixes": json.dumps(prefixes, sort_keys=True), "ns": iris.BASE}

    def query_page(self, name: str, here: Here) -> dict[str, Any] | None:
        q = self.queries.get(name)
        if q is None:
            return None
        answer(self.model, q)
        rows = [[(text, here.href(path + ".html") if path else iri, iri) for text, path, iri in row] for row in q.rows]
        return {"title": q.title, "q": q, "rows": rows, "workbench": here.href("sparql.html"),
                "permalink_query": q.text}

