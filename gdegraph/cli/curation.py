"""``gdegraph resolve``, ``extract`` and ``diff``: tools for curating new statements from articles."""

from __future__ import annotations

from pathlib import Path

import click

from gdegraph.cli.options import _FILE, _echo_report, _shared_option
from gdegraph.cli.output import format_option


@click.command(short_help="Resolve a trust name to ODS codes, with scores and reasons.")
@click.argument("name")
@click.option(
    "--date",
    default=None,
    metavar="YYYY[-MM[-DD]]",
    help="When the name was used (an article's date): prefers trusts open then, by the names they had.",
)
@click.option("--reference-only", is_flag=True, help="Use the reference data's names only, not the curated labels.")
@click.option("--limit", type=click.IntRange(1, 50), default=5, show_default=True, help="Candidates to show.")
@format_option("Output format: table for people; json (status, code, candidates with numeric scores) or csv "
               "(one row per candidate) for tools.")
@_shared_option
def resolve(name: str, date: str | None, reference_only: bool, limit: int, fmt: str, shared: Path | None) -> None:
    """Resolve a trust NAME as an article writes it ("Salford Royal Hospitals Trust").

    Prints the status (resolved, probable, ambiguous, uncertain or unknown)
    and the best candidates with ODS code, official name, score and why they
    match (exact alias, normalised match, loose match, fuzzy). Ambiguous and
    unknown names are never resolved to a guess.

    Exit status: 0 resolved or probable; 1 ambiguous, uncertain or unknown
    (the candidates are still printed); 2 bad input.
    """
    from gdegraph.core.errors import GdeError
    from gdegraph.curate.extract.commands import resolve_command

    report, resolved = resolve_command(name, date, reference_only, limit, fmt)
    _echo_report(report)
    if not resolved:
        raise GdeError(f"{name!r} is not resolved to one trust (see the candidates above)")


@click.command(short_help="Propose candidate triples from a plain-text article, with a review report.")
@click.argument("article", type=_FILE)
@click.option("--source-id", required=True, metavar="ID", help="Source key of the article (IRI id/source/ID), e.g. seed-005.")
@click.option("--date", default=None, metavar="YYYY[-MM[-DD]]", help="The article's date [default: a date printed near its top].")
@click.option(
    "--out",
    type=_FILE,
    default=None,
    metavar="FILE.ttl",
    help="Write the candidate Turtle here (the report then goes to stdout) [default: Turtle to stdout, report to stderr].",
)
@click.option("--report", "report_path", type=_FILE, default=None,
              metavar="FILE.txt", help="Also write the review report to this file.")
@click.option("--reference-only", is_flag=True, help="Resolve trust names with the reference data only, not the curated labels.")
@_shared_option
def extract(article: Path, source_id: str, date: str | None, out: Path | None, report_path: Path | None,
            reference_only: bool, shared: Path | None) -> None:
    """Read ARTICLE (plain text) and propose candidate statements.

    Finds the programme and wave it announces, the trusts it lists, the
    pairings (list remarks, prose, run-together tables), the sums of money
    and correction notes. Every statement has status 'candidate', its quoted
    text and its source; the review report says what is uncertain and why.
    """
    from gdegraph.curate.extract.commands import extract_command

    turtle, report = extract_command(article, source_id, date, out, report_path, reference_only)
    _echo_report(turtle)
    _echo_report(report, err=out is None)


@click.command(short_help="Show how a candidate Turtle file differs from the curated graph.")
@click.argument("candidate", type=_FILE)
@format_option("Output format: table for people; json (counts per kind and status, every change) or csv "
               "(one row per change) for tools.")
@_shared_option
def diff(candidate: Path, fmt: str, shared: Path | None) -> None:
    """Compare CANDIDATE (e.g. from `gdegraph extract`) with data/*.ttl.

    Lists new trusts, new and conflicting pairings and memberships, and
    amounts that conflict with the graph's for the same recipient; repeats
    of curated statements are reported as known.
    """
    from gdegraph.curate.diff import diff_command

    _echo_report(diff_command(candidate, fmt))


@click.command(short_help="Extract an article, review it against the graph, merge what is accepted into data/.")
@click.argument("article", type=_FILE)
@click.option("--source-id", required=True, metavar="ID", help="Source key (IRI id/source/ID; file data/ID.ttl).")
@click.option("--title", default=None, help="The article's title (its bibliographic record).")
@click.option("--publisher", default=None, help="Who published it, e.g. 'Digital Health News'.")
@click.option("--date", default=None, metavar="YYYY[-MM[-DD]]", help="When it was published, to the precision known.")
@click.option("--date-basis", default=None, help="How the date was found, if inferred (gde:dateBasis).")
@click.option("--url", default=None, help="Where it was published.")
@click.option("--accept", default=None, metavar="all|N,M-K",
              help="Candidates to merge, by number in the review [default: none: review only, nothing written].")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The curated data folder: reviewed against, validated with, and where ID.ttl is written "
                   "(a status change may also edit its files) [default: the project's data/].")
@_shared_option
def ingest(article: Path, source_id: str, title: str | None, publisher: str | None, date: str | None,
           date_basis: str | None, url: str | None, accept: str | None, data_dir: Path | None,
           shared: Path | None) -> None:
    """Extract candidates from ARTICLE, show each as new, confirming or contradicting the
    graph, and write the accepted ones (with --accept) into data/ID.ttl as a new named
    source with its record. A status change is a dated step, numbered by date; when it is
    the latest, the statement's status moves to the new file. The whole graph is validated
    (SHACL and QC) first; nothing is written if it does not conform. A contradiction is
    kept as a conflict, never merged.
    """
    from gdegraph.curate.ingest import ingest_command

    meta = {"title": title, "publisher": publisher, "date": date, "url": url, "date_basis": date_basis}
    _echo_report(ingest_command(article, source_id, meta, accept, data_dir, shared))
