"""``gdegraph ingest``: extract an article, review it against the graph, merge what is accepted.

The curator sees every candidate statement numbered, each compared with the curated
graph (``gdegraph/curate/diff.py``): *new* (the graph does not say it), *confirms*
(the graph says the same; the article becomes one more source for it), *changes
status* (the graph holds the statement with another status: "dropped" after
"announced") or *contradicts* (the graph says otherwise: another exemplar for the
follower, another role, another sum for the same recipient). Nothing is written
until statements are accepted (``--accept all`` or ``--accept 1,4,7``; there is no
prompt, so the command works the same in scripts and CI). Accepted statements go
into ``data/{source-id}.ttl`` (its own named graph) with the article's bibliographic
record, and with the status the extractor suggested:

* a new statement keeps its IRI (the curated scheme);
* a confirming one adds the article's quote and ``prov:wasDerivedFrom`` to the
  graph's statement, so the two merge instead of duplicating;
* a status change adds a dated ``gde:StatusChange`` step to the graph's statement, numbered
  by its date among the statement's steps; when it is the latest, the statement's status
  becomes the article's (moved into the new file from the one that stated it), and a
  statement with no explicit steps gets its first one written out
  (:mod:`gdegraph.curate.status_steps`), so the status is always its latest step's;
* a contradicting one is never merged into the graph's statement (that would give
  it two values): it gets its own IRI (``...-{source-id}``), a ``gde:conflictsWith``
  link both ways round in meaning, and a ``gde:Conflict`` naming both statements and
  the one the graph reports by default (the existing one).

The data folder (``data/``, or ``--data-dir``) is the graph the article is reviewed against
and the place it is written to. The whole graph, with the new file's graph added and the
edited files as edited, is validated with the project's SHACL shapes and QC queries before
anything is written; each file is written atomically, and the new one never over an
existing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from gdegraph.core import paths
from gdegraph.core.errors import InputError, ValidationFailed
from gdegraph.curate.extract.turtle import CONFIDENCE
from gdegraph.curate.status_steps import FileEdits, add_step, date_literal
from gdegraph.model import iris

__all__ = ["Candidate", "ingest_command", "review"]

GDE = Namespace(iris.DEF)
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
_VERB = {"new": "new", "known": "confirms", "conflict": "contradicts"}
#: A statement the graph holds, with another status in the article: not a contradiction of what
#: it says but a later (or earlier) step of its history, recorded as a gde:StatusChange.


@dataclass
class Candidate:
    """One numbered statement of the review: what it is, how it compares, its suggestion."""
    number: int
    kind: str
    confidence: str
    iri: str
    relation: str  # new, confirms, contradicts
    detail: str
    other: str
    status: str
    line: int
    quote: str


def _suggested(ex: object) -> dict[str, tuple[str, int, str]]:
    """Statement IRI -> (suggested status, line, the words that give it), from the findings."""
    from gdegraph.curate.extract.turtle import award_iri, membership_iri, pairing_iri

    out: dict[str, tuple[str, int]] = {}
    for p in ex.pairings:  # type: ignore[attr-defined]
        out[str(pairing_iri(p))] = (p.status, p.line, p.status_quote or p.quote)
    for m in ex.memberships:  # type: ignore[attr-defined]
        out.setdefault(str(membership_iri(m)), (m.context.status, m.line, m.quote))
    for a in ex.amounts:  # type: ignore[attr-defined]
        out[str(award_iri(a))] = (a.status, a.line, a.quote)
    return out


def review(candidate: Graph, curated: Graph, suggested: dict[str, tuple[str, int, str]]) -> list[Candidate]:
    """Number the candidate statements and compare each with the curated graph; a statement the
    graph holds with another status contradicts it (an implied status confirms anything)."""
    from gdegraph.curate.diff import diff_graphs

    out: list[Candidate] = []
    for change in diff_graphs(candidate, curated):
        if change.kind == "trust":
            continue
        status, line, why = suggested.get(change.iri, ("announced", 0, ""))
        relation, detail = _VERB[change.status], change.detail
        if relation == "confirms" and change.other:
            theirs = curated.value(URIRef(change.other), GDE.status)
            theirs_key = str(theirs).rsplit("/", 1)[-1].removeprefix("status-") if theirs else ""
            if theirs_key and status not in (theirs_key, "implied") and theirs_key != "implied":
                relation, detail = "changes status", f"the graph says {theirs_key}, the article {status}"
        quote = why if relation == "changes status" and why else \
            str(candidate.value(URIRef(change.iri), GDE.quote) or "")
        conf = str(candidate.value(URIRef(change.iri), CONFIDENCE) or "-")
        out.append(Candidate(len(out) + 1, change.kind, conf, change.iri, relation, detail, change.other, status,
                             line, quote))
    return out


def _short(iri: str) -> str:
    kind, key = iri.rsplit("/", 2)[-2:]
    return f"{kind}:{key}"


def format_review(items: list[Candidate], accepted: set[int]) -> str:
    lines = [f"{len(items)} candidate statements ({sum(c.relation == 'new' for c in items)} new, "
             f"{sum(c.relation == 'confirms' for c in items)} confirming, "
             f"{sum(c.relation == 'changes status' for c in items)} changing a status, "
             f"{sum(c.relation == 'contradicts' for c in items)} contradicting the graph):"]
    for c in items:
        mark = "+" if c.number in accepted else " "
        quote = c.quote if len(c.quote) <= 90 else c.quote[:87] + "..."
        lines.append(f" {mark}[{c.number}] {c.relation:<14} {_short(c.iri)}  status {c.status}, confidence {c.confidence}, line {c.line}"
                     + (f"; {c.detail}" if c.detail else ""))
        lines.append(f"        \"{quote}\"")
    return "\n".join(lines) + "\n"


def _accepted(spec: str | None, items: list[Candidate]) -> set[int]:
    if spec is None:
        return set()
    if spec.strip().lower() == "all":
        return {c.number for c in items}
    chosen: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        lo, _, hi = part.partition("-")
        if not lo.isdigit() or (hi and not hi.isdigit()):
            raise InputError(f"--accept {spec!r}: {part!r} is not a number or range",
                             hint="give 'all' or numbers from the review, e.g. --accept 1,3-5")
        chosen |= set(range(int(lo), int(hi or lo) + 1))
    unknown = sorted(n for n in chosen if not 1 <= n <= len(items))
    if unknown:
        raise InputError(f"--accept: no candidate numbered {unknown[0]} (the review has {len(items)})")
    return chosen


def _publisher(name: str, curated: Graph, out: Graph, source: URIRef) -> URIRef:
    """The curated organisation with this name (label or alt label, any case), else a new one."""
    wanted = name.strip().lower()
    for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        for node, label in curated.subject_objects(prop):
            if str(node).startswith(iris.ID + "organisation/") and str(label).strip().lower() == wanted:
                return URIRef(node)
    node = URIRef(iris.instance("organisation", iris.slugify(name)))
    for triple in ((node, RDF.type, ORG.FormalOrganization), (node, RDF.type, SCHEMA.NewsMediaOrganization),
                   (node, RDFS.label, Literal(name, lang="en")), (node, SKOS.prefLabel, Literal(name, lang="en")),
                   (node, PROV.wasDerivedFrom, source)):
        out.add(triple)
    return node


def _record(out: Graph, source: URIRef, article: Path, meta: dict[str, str], curated: Graph) -> None:
    """The article's bibliographic record (the shapes require title, publisher, date, URL)."""
    out.add((source, RDF.type, GDE.NewsArticle))
    out.add((source, RDFS.label, Literal(meta["title"], lang="en")))
    out.add((source, DCTERMS.title, Literal(meta["title"], lang="en")))
    out.add((source, DCTERMS.publisher, _publisher(meta["publisher"], curated, out, source)))
    out.add((source, DCTERMS.issued, date_literal(meta["date"])))
    out.add((source, GDE.dateBasis, Literal(meta.get("date_basis") or "given to gdegraph ingest (--date)", lang="en")))
    out.add((source, SCHEMA.url, URIRef(meta["url"])))
    out.add((source, DCTERMS.identifier, Literal(article.name)))
    try:
        local = article.resolve().relative_to(paths.shared_dir().resolve())
        out.add((source, GDE.localFile, Literal(local.as_posix())))
    except ValueError:
        pass


def _copy(candidate: Graph, node: URIRef, target: URIRef, out: Graph, status: str, note: str) -> None:
    for p, o in candidate.predicate_objects(node):
        if p in (GDE.status, RDFS.comment, CONFIDENCE):
            continue
        if p == RDFS.label and str(o).endswith("(candidate)"):
            o = Literal(str(o).removesuffix(" (candidate)"), lang="en")
        out.add((target, p, o))
    out.add((target, GDE.status, URIRef(iris.instance("concept", f"status-{status}"))))
    out.add((target, RDFS.comment, Literal(note, lang="en")))


def _status_step(out: Graph, statement: URIRef, c: Candidate, source: URIRef, curated: Graph,
                 edits: FileEdits, data_dir: Path, date: str | None) -> str:
    """A new status of a statement the graph holds: a dated gde:StatusChange step, placed by date."""
    if "status-change" not in iris.KINDS:
        raise InputError(f"candidate {c.number} changes the status of {_short(str(statement))} "
                         f"({c.detail}), but this graph has no status history (gde:StatusChange)",
                         hint="leave it out of --accept and record the change by hand")
    if not date:
        raise InputError("--date is needed to date the status step", hint="give --date YYYY[-MM[-DD]]")
    done = add_step(out, edits, curated, statement, URIRef(iris.instance("concept", f"status-{c.status}")),
                    date_literal(date), c.quote, source, data_dir)
    return f"{_short(str(statement))}: {done}"


def merge_graph(candidate: Graph, items: list[Candidate], accepted: set[int], source: URIRef,
                source_id: str, curated: Graph, edits: FileEdits, data_dir: Path,
                date: str | None = None) -> tuple[Graph, list[str]]:
    """The accepted statements as the new file's graph, and what the status steps did (see the
    module docstring); the edits of existing files go into ``edits``."""
    out, steps = Graph(), []
    slug = iris.slugify(source_id)
    for c in (c for c in items if c.number in accepted):
        node = URIRef(c.iri)
        note = f"Accepted with gdegraph ingest from line {c.line} of {source_id} (candidate {c.number})."
        if c.relation in ("confirms", "changes status"):
            target = URIRef(c.other or c.iri)
            for quote in candidate.objects(node, GDE.quote):
                out.add((target, GDE.quote, quote))
            out.add((target, PROV.wasDerivedFrom, source))
            if c.relation == "changes status":
                steps.append(_status_step(out, target, c, source, curated, edits, data_dir, date))
            continue
        target = node if c.relation == "new" else URIRef(f"{c.iri}-{slug}")
        _copy(candidate, node, target, out, c.status, note)
        for trust in (o for o in candidate.objects(node, None) if isinstance(o, URIRef)
                      and (o, GDE.identityNote, None) in candidate):
            for p, o in candidate.predicate_objects(trust):
                out.add((trust, p, o))
        if c.relation == "contradicts" and c.other:
            other = URIRef(c.other)
            out.add((target, GDE.conflictsWith, other))
            if "conflict" in iris.KINDS:
                conflict = URIRef(iris.instance("conflict", f"{target.rsplit('/', 1)[-1]}"))
                out.add((conflict, RDF.type, GDE.Conflict))
                out.add((conflict, GDE.conflictingStatement, target))
                out.add((conflict, GDE.conflictingStatement, other))
                out.add((conflict, GDE.reportedByDefault, other))
                out.add((conflict, RDFS.comment, Literal(f"{source_id} contradicts the graph: {c.detail}.", lang="en")))
                out.add((conflict, PROV.wasDerivedFrom, source))
    return out, steps


def _validate(new: Graph, target: Path, shared: Path | None, edited: dict[Path, set[tuple]]) -> None:
    """SHACL + QC on the whole graph of the target's folder, with ``new`` as the target file's
    named graph and each edited file's graph as edited (path -> its triples)."""
    from gdegraph.sources.dataset import build_dataset, load_ontology, union
    from gdegraph.sources.inference import entailments
    from gdegraph.sources.loading import default_graph_iri
    from gdegraph.validate.validation import format_report, validate_dataset

    ds = build_dataset(shared, infer=False, data=target.parent)
    for path, triples in edited.items():
        graph = ds.graph(URIRef(default_graph_iri(path)))
        graph.remove((None, None, None))
        for triple in triples:
            graph.add(triple)
    graph = ds.graph(URIRef(default_graph_iri(target)))
    for triple in new:
        graph.add(triple)
    inferred = ds.graph(URIRef(iris.graph("inferred")))
    for triple in entailments(load_ontology(), union(ds)):
        inferred.add(triple)
    report = validate_dataset(ds)
    if not report.conforms:
        raise ValidationFailed(format_report(report, "text"),
                               f"the accepted statements do not validate; {target} was not written")


def _curated_files(folder: Path) -> dict[Path, set[tuple]]:
    """Each curated file of ``folder`` with its triples (the status steps may edit them)."""
    from gdegraph.sources.dataset import data_files
    from gdegraph.sources.loading import parse_turtle_file

    return {path: set(parse_turtle_file(path)) for path in data_files(folder)}


def ingest_command(article: Path, source_id: str, meta: dict[str, str | None], accept: str | None = None,
                   data_dir: Path | None = None, shared: Path | None = None) -> str:
    """Extract, review against the graph, and (with ``accept``) validate and write the file."""
    from gdegraph.core.atomic import atomic_write_text
    from gdegraph.curate.extract import candidate_graph, extract_file, known_structure
    from gdegraph.curate.extract.commands import load_gazetteer
    from gdegraph.curate.extract.turtle import bind_prefixes

    folder = Path(data_dir or paths.data_dir())
    target = folder / f"{iris.slugify(source_id)}.ttl"
    files = _curated_files(folder)
    curated = Graph()
    for triples in files.values():
        for triple in triples:
            curated.add(triple)
    if (URIRef(iris.instance("source", iris.slugify(source_id))), None, None) in curated or target.exists():
        raise InputError(f"source {source_id} is already in the graph ({target.name})",
                         hint="choose a new --source-id, or edit the existing file by hand")
    ex = extract_file(Path(article), load_gazetteer(False, curated), source_id, meta.get("date"),
                      known_structure(curated))
    candidate = candidate_graph(ex, describe_source=False)
    items = review(candidate, curated, _suggested(ex))
    accepted = _accepted(accept, items)
    text = f"gdegraph ingest: {article} as src:{iris.slugify(source_id)}\n" + format_review(items, accepted)
    if not accepted:
        return text + "nothing written: accept statements with --accept all or --accept 1,3-5\n"
    missing = [k for k in ("title", "publisher", "date", "url") if not meta.get(k)]
    if missing:
        raise InputError(f"--{missing[0]} is needed to record the source", hint="give --title, --publisher, "
                         "--date (YYYY[-MM[-DD]]) and --url: the article's bibliographic record")
    source = URIRef(ex.source_iri)
    edits = FileEdits(files)
    new, steps = merge_graph(candidate, items, accepted, source, source_id, curated, edits, folder, meta.get("date"))
    _record(new, source, Path(article), {k: str(v) for k, v in meta.items() if v}, curated)
    changed = edits.changed()
    _validate(new, target, shared, {path: edits.files[path] for path in changed})
    bind_prefixes(new)
    header = (f"# What {Path(article).name} states, as accepted with `gdegraph ingest` (candidates "
              f"{', '.join(map(str, sorted(accepted)))}).\n# Everything in this file is derived from "
              f"src:{iris.slugify(source_id)}; it is loaded into its own named graph.\n")
    for path, edited in changed.items():
        atomic_write_text(path, edited)
    atomic_write_text(target, header + new.serialize(format="turtle"))
    text += f"validated the graph with {target.name}: conforms\n" + "".join(f"status step {s}\n" for s in steps)
    text += "".join(f"updated {path}\n" for path in changed)
    return text + f"wrote {target} ({len(new)} triples)\n"
