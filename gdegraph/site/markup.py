"""The page fragments written in Python rather than in a template, and the values they are made of.

A site build shows some 30,000 values and 10,000 table rows. In a template each
``{{ ... }}`` is one more generator step through the page, its block and its base
template, and one more ``escape`` (which copies even markup that is already safe);
a Jinja macro call costs far more still. So the commonest fragments -- a value, a list
of values, the named graphs stating one, the rows of a page's two big tables, a page's
links to its RDF files -- are made here, each part escaped once, and a template shows
them with one filter (``{{ v | value }}``, ``{{ vs | value_list(", ") }}``,
``{{ gs | graph_links }}``, ``{{ rows | property_rows }}``, ``{{ incoming | incoming_rows }}``, ...).
``templates/markup.html`` keeps every one of them as a macro, their readable
reference, and tests/test_site.py checks that both give identical bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import escape

__all__ = ["Row", "Value", "alternate_links_html", "filters", "format_list_html", "graph_links_html",
           "incoming_rows_html", "property_rows_html", "value_html", "value_list_html"]


@dataclass
class Value:
    """One value as a page shows it: text, optional link, and the small print."""

    text: str
    href: str | None = None
    external: bool = False
    note: str = ""
    lang: str | None = None
    title: str = ""
    #: Its markup, made the first time a page shows it (:func:`value_html`, :func:`graph_links_html`); not an
    #: argument, so ``dataclasses.replace`` of a value starts without it.
    html: str | None = field(default=None, init=False, repr=False, compare=False)
    graph_html: str | None = field(default=None, init=False, repr=False, compare=False)


@dataclass
class Row:
    """A property with all its values: each with the sources (named graphs) stating it and, for a
    value no source states, the "inferred" badge (its rule: text, link and what it does)."""

    label: str
    href: str | None
    values: list[tuple[Value, list[Value], Value | None]] = field(default_factory=list)


class _Html(str):
    """Markup made here (its parts escaped): a plain string that says so (``__html__``), cheaper than ``Markup``."""

    __slots__ = ()

    def __html__(self) -> str:
        return self


def value_html(v: Value) -> _Html:
    """A value as HTML: a link (its page, or its IRI marked external) or a span, then its note
    (``{{ v | value }}``; made once per value, which pages in one folder share)."""
    if v.html is not None:
        return v.html  # type: ignore[return-value]
    if v.href:
        html = f'<a href="{escape(v.href)}"'
        if v.title:
            html += f' title="{escape(v.title)}"'
        if v.external:
            html += ' class="external" rel="external"'
        html += f">{escape(v.text)}</a>"
    else:
        html = (f'<span lang="{escape(v.lang)}">' if v.lang else "<span>") + f"{escape(v.text)}</span>"
    if v.note:
        html += f' <small class="note">({escape(v.note)})</small>'
    v.html = made = _Html(html)
    return made


def value_list_html(values: list[Value], separator: str) -> _Html:
    """Values one after another with ``separator`` between them (``{{ types | value_list(", ") }}``)."""
    return _Html(str(escape(separator)).join(map(value_html, values)))


def graph_links_html(graphs: list[Value]) -> _Html:
    """The sources (or named graphs) stating a value, as links separated by "; " (``{{ gs | graph_links }}``)."""
    return _Html("; ".join(g.graph_html or _graph_link(g) for g in graphs))


def _graph_link(g: Value) -> str:
    g.graph_html = f'<a class="graph" href="{escape(g.href)}" title="{escape(g.title)}">{escape(g.text)}</a>'
    return g.graph_html


def _badge(badge: Value) -> str:
    """The "inferred" badge after a value no source states: the rule's link, its words as small print."""
    title = escape(badge.title)
    mark = (f'<a class="badge" href="{escape(badge.href)}" title="{title}">inferred</a>' if badge.href
            else f'<span class="badge" title="{title}">inferred</span>')
    return f' {mark} <small class="note">({escape(badge.text)})</small>'


@lru_cache(maxsize=1 << 12)
def _heading(label: str, href: str | None) -> str:
    """A property's label, linked when it has a link (the same few hundred on every page, so remembered)."""
    return f'<a href="{escape(href)}">{escape(label)}</a>' if href else str(escape(label))


@lru_cache(maxsize=256)
def _text(text: str) -> str:
    """``text`` escaped, remembered: for the few words every page repeats (format labels, media types)."""
    return str(escape(text))


def property_rows_html(rows: list[Row]) -> _Html:
    """The body of the properties table: one ``<tr>`` per value, the property heading the first of its
    values (``{{ rows | property_rows }}``)."""
    out = []
    for row in rows:
        head = f'<th scope="row" rowspan="{len(row.values)}">{_heading(row.label, row.href)}</th>'
        for v, gs, badge in row.values:
            out.append(f"<tr>\n{head}<td>{value_html(v)}{_badge(badge) if badge else ''}</td>\n"
                       f"<td>{graph_links_html(gs)}</td>\n</tr>\n")
            head = ""
    return _Html("".join(out))


def incoming_rows_html(incoming: list[tuple[Value, list[Value], list[Value]]]) -> _Html:
    """The body of the "Links to this resource" table: the linking resource, how it links (every
    relation, in one cell) and the named graphs stating it (``{{ incoming | incoming_rows }}``)."""
    return _Html("".join(f"<tr><td>{value_html(subject)}</td><td>{', '.join(map(value_html, relations))}</td>"
                           f"<td>{graph_links_html(gs)}</td></tr>\n" for subject, relations, gs in incoming))


def alternate_links_html(formats: list[tuple[str, str, str]]) -> _Html:
    """A page's ``<link rel="alternate">`` to each of its RDF files ((label, media type, link) each;
    ``{{ formats | alternate_links }}``)."""
    return _Html("".join(f'<link rel="alternate" type="{_text(media)}" href="{escape(link)}" title="{_text(label)}">\n'
                         for label, media, link in formats))


def format_list_html(formats: list[tuple[str, str, str]]) -> _Html:
    """The list of a page's RDF files, as links (``{{ formats | format_list }}``)."""
    items = "".join(f'<li><a href="{escape(link)}" type="{_text(media)}">{_text(label)}</a></li>\n'
                    for label, media, link in formats)
    return _Html(f'<ul class="formats">\n{items}</ul>')


def filters() -> dict[str, Any]:
    """The filters a site environment needs, by the names the templates use."""
    return {"value": value_html, "value_list": value_list_html, "graph_links": graph_links_html,
            "property_rows": property_rows_html,
            "incoming_rows": incoming_rows_html, "alternate_links": alternate_links_html,
            "format_list": format_list_html}
