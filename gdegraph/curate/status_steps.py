"""The status steps ``gdegraph ingest`` adds: placed by date, the statement's status kept as its latest.

A statement's history is its dated ``gde:StatusChange`` steps, numbered 1, 2, ... in date
order (:func:`gdegraph.model.iris.status_change`), and its own ``gde:status`` is that of the
latest one (the QC query ``status-latest-step`` checks it). When an article changes the
status of a statement the graph holds, the new step is numbered by its date among the
existing ones, and:

* if the statement has no explicit steps yet, its first step (its status, dated by its
  earliest source, as the build would make it) is written out first, into the data file of
  that source: the new step would otherwise replace it and the history would lose its start;
* if the new step is the latest, the statement's ``gde:status`` becomes the new status, stated
  in the new article's file, and the old one is removed from the file that stated it;
* a step that would fall between two existing explicit steps is refused: step IRIs are
  published, and numbering it by date would take the number of a later step.

Existing files are edited as text (the curators' layout and comments stay), and each edit
is checked by parsing the result: the file must state exactly what it did, less the old
status or plus the first step. An edit that does not check out is refused, never guessed.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from gdegraph.core.errors import InputError
from gdegraph.model import iris
from gdegraph.sources.derived import MODIFIED_BASIS, earliest_source, period_start

__all__ = ["FileEdits", "add_step", "date_literal"]

GDE = Namespace(iris.DEF)
_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.?\s*$", re.I | re.M)
_PAIR = re.compile(r"^(\s+)(\S+)\s+(\S+)\s*([;.])\s*$")


def date_literal(text: str) -> Literal:
    """``2018`` / ``2018-01`` / ``2018-01-19`` typed xsd:gYear, xsd:gYearMonth or xsd:date."""
    kind = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(text), XSD.date)
    return Literal(text, datatype=kind)


def _parse(text: str, path: Path) -> set[tuple]:
    """The triples of ``text`` as the project reads ``path`` (its Turtle reader, its terms)."""
    import tempfile

    from gdegraph.sources.loading import parse_turtle_file

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        copy.write_text(text, encoding="utf-8")
        try:
            return set(parse_turtle_file(copy))
        except InputError as exc:
            raise InputError(f"editing {path.name} would break its Turtle: {exc}", path=path,
                             hint="make the change by hand, then ingest again") from None


class FileEdits:
    """The curated files (path -> parsed triples) and their texts as edited so far, each edit checked."""

    def __init__(self, files: dict[Path, set[tuple]]) -> None:
        self.files = files
        self.texts: dict[Path, str] = {}

    def stating(self, triple: tuple) -> list[Path]:
        """The files that state ``triple``, in their order."""
        return [path for path, triples in self.files.items() if triple in triples]

    def _text(self, path: Path) -> str:
        return self.texts[path] if path in self.texts else path.read_text(encoding="utf-8")

    def _commit(self, path: Path, text: str, expected: set[tuple], what: str) -> None:
        if _parse(text, path) != expected:
            raise InputError(f"cannot {what} in {path.name} by editing its text (the result would state "
                             "something else)", path=path, hint="make the change by hand, then ingest again")
        self.texts[path], self.files[path] = text, expected

    def drop(self, path: Path, triple: tuple) -> None:
        """Remove one ``subject predicate object`` line from the subject's block of ``path``."""
        text = self._text(path)
        prefixes = {(m.group(1) or ""): m.group(2) for m in _PREFIX.finditer(text)}

        def iri(token: str) -> str:
            if token.startswith("<") and token.endswith(">"):
                return token[1:-1]
            prefix, colon, local = token.partition(":")
            return prefixes.get(prefix, "\0") + local if colon else "\0"

        lines = text.split("\n")
        subject, predicate, obj = (str(t) for t in triple)
        starts = [n for n, line in enumerate(lines) if line[:1] not in ("", " ", "\t", "#", "@")
                  and iri(line.split()[0]) == subject]
        what = f"remove the old status of {subject}"
        for start in starts:
            end = next((n for n in range(start + 1, len(lines)) if lines[n][:1] not in ("", " ", "\t", "#")),
                       len(lines))
            for n in range(start + 1, end):
                m = _PAIR.match(lines[n])
                if m and iri(m.group(2)) == predicate and iri(m.group(3)) == obj:
                    edited = lines[:n] + lines[n + 1:]
                    if m.group(4) == "." and edited[n - 1].rstrip().endswith(";"):
                        edited[n - 1] = edited[n - 1].rstrip()[:-1].rstrip() + " ."
                    self._commit(path, "\n".join(edited), self.files[path] - {triple}, what)
                    return
        raise InputError(f"cannot {what} from {path.name}: no line '{predicate} {obj} ;' in its block",
                         path=path, hint="make the change by hand, then ingest again")

    def append(self, path: Path, block: Graph, comment: str) -> None:
        """Add ``block`` at the end of ``path``, written with the file's own prefixes."""
        text = self._text(path)
        out = Graph(bind_namespaces="none")
        for prefix, namespace in {(m.group(1) or ""): m.group(2) for m in _PREFIX.finditer(text)}.items():
            out.bind(prefix, URIRef(namespace), override=True)
        for triple in block:
            out.add(triple)
        body = "\n".join(line for line in out.serialize(format="turtle").split("\n")
                         if not line.startswith(("@prefix", "PREFIX"))).strip()
        edited = text.rstrip("\n") + f"\n\n# {comment}\n{body}\n"
        self._commit(path, edited, self.files[path] | set(block), f"add {comment.lower()}")

    def changed(self) -> dict[Path, str]:
        """The edited files' new texts."""
        return dict(self.texts)


def _steps(curated: Graph, statement: URIRef) -> list[tuple[date, URIRef]]:
    """The statement's explicit steps as (first day, or date.min when undated; step), in date order."""
    found = []
    for step in set(curated.subjects(GDE.statusOf, statement)):
        when = curated.value(step, GDE.statusDate)
        start = period_start(when) if isinstance(when, Literal) else None
        found.append((start or date.min, URIRef(step)))
    return sorted(found, key=lambda s: (s[0], str(s[1])))


def _first_step(curated: Graph, statement: URIRef, status: URIRef, n: int, own: set[tuple]) -> Graph:
    """The step the build makes for a statement without one: its status from its earliest source,
    quoted in the words of the file it goes into (``own``, its triples) when that file quotes it."""
    _, src, issued = earliest_source(curated, statement)
    node = URIRef(iris.status_change(str(statement), n))
    step = Graph()
    step.add((node, RDF.type, GDE.StatusChange))
    step.add((node, GDE.statusOf, statement))
    step.add((node, GDE.status, status))
    if issued is not None:
        step.add((node, GDE.statusDate, issued))
        if src is not None and curated.value(src, DCTERMS.issued) is None:
            step.add((node, GDE.dateBasis, Literal(MODIFIED_BASIS, lang="en")))
    quotes = sorted(str(o) for s, p, o in own if s == statement and p == GDE.quote) or \
        sorted(str(q) for q in curated.objects(statement, GDE.quote))
    if quotes:
        step.add((node, GDE.quote, Literal(quotes[0])))
    for source in curated.objects(statement, PROV.wasDerivedFrom):
        step.add((node, PROV.wasDerivedFrom, source))
    return step


def _home(edits: FileEdits, curated: Graph, statement: URIRef, old: URIRef, data_dir: Path) -> Path:
    """Where a written-out first step goes: the data file of the statement's earliest source, else
    the file that states its status."""
    src = earliest_source(curated, statement)[1]
    home = data_dir / f"{iris.slugify(str(src).rsplit('/', 1)[-1])}.ttl" if src is not None else None
    if home in edits.files:
        return home
    stating = edits.stating((statement, GDE.status, old))
    if not stating:
        raise InputError(f"no data file states the status of {statement}", hint="record the step by hand")
    return stating[0]


def add_step(out: Graph, edits: FileEdits, curated: Graph, statement: URIRef, status: URIRef, when: Literal,
             quote: str, source: URIRef, data_dir: Path) -> str:
    """Add the article's step to ``out`` (and the edits it needs to ``edits``); say what was done."""
    start = period_start(when) or date.min
    existing = _steps(curated, statement)
    old = curated.value(statement, GDE.status)
    done = []
    if existing:
        n = 1 + sum(1 for day, _ in existing if day <= start)
        if n <= len(existing) or URIRef(iris.status_change(str(statement), n)) in {s for _, s in existing}:
            later = existing[min(n, len(existing)) - 1]
            raise InputError(f"the article dates the status of {statement} ({when}) before its step "
                             f"{later[1].rsplit('-', 1)[-1]} ({later[0]}): numbered by date, it would take "
                             "a later step's number, and step IRIs are published",
                             hint="leave it out of --accept and record the step by hand")
    else:
        # The build's implicit first step (dated by the earliest source) is written out, or the
        # new step would replace it; an article dated as early reports it, so goes after it.
        n, first_n = (2, 1) if (earliest_source(curated, statement)[0] or date.min) <= start else (1, 2)
        if old is None:  # no status, so no first step to write out (the shapes refuse such a statement)
            n = 1
        else:
            home = _home(edits, curated, statement, old, data_dir)
            edits.append(home, _first_step(curated, statement, old, first_n, edits.files[home]),
                         f"First status step of {statement.rsplit('/', 1)[-1]}, written out by gdegraph ingest "
                         f"when {source.rsplit('/', 1)[-1]} added step {n}.")
            done.append(f"its first step {first_n} written into {home.name}")
    node = URIRef(iris.status_change(str(statement), n))
    for triple in ((node, RDF.type, GDE.StatusChange), (node, GDE.statusOf, statement),
                   (node, GDE.status, status), (node, GDE.statusDate, when), (node, GDE.quote, Literal(quote)),
                   (node, PROV.wasDerivedFrom, source)):
        out.add(triple)
    latest = n == len(existing) + (1 if existing or old is None else 2)
    if latest and old is not None and old != status:
        out.add((statement, GDE.status, status))
        for path in edits.stating((statement, GDE.status, old)):
            edits.drop(path, (statement, GDE.status, old))
            done.append(f"its status moved here from {path.name}")
    return ", ".join([f"step {n} ({when})", *done])
