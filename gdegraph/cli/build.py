"""``gdegraph build``, ``validate``, ``stats`` and ``publish``: make, check and publish the graph."""

from __future__ import annotations

from pathlib import Path

import click

from gdegraph.cli.options import (
    _data_option,
    _echo_report,
    _echo_status,
    _out_dir_option,
    _shacl_engine_option,
    _shared_option,
    _write_text,
)
from gdegraph.cli.output import format_option
from gdegraph.core.errors import ValidationFailed


@click.command(short_help="Build the published graph into a directory.")
@_out_dir_option(Path("dist"), "Directory to write the built graph into (replaced as a whole on success).")
@_shacl_engine_option("SHACL engine for the validation step: sparql (fast) or pyshacl (the reference); "
                      "see `gdegraph validate --help`.")
@_shared_option
def build(out_dir: Path, engine: str, shared: Path | None) -> None:
    """Build the published graph (and its derived files) into --out.

    Loads the ontology, data and reference data, validates them and
    writes the result. Nothing in --out changes unless the build succeeds.
    """
    from gdegraph.core.forked import rare_collections
    from gdegraph.publish.build import build as run_build

    with rare_collections():
        result = run_build(out_dir, shared, engine=engine)
    _echo_status(str(result))


@click.command(short_help="Check syntax and SHACL shapes; report problems.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="Report format: text for people, turtle (a SHACL validation report) or json for tools.",
)
@_shacl_engine_option("SHACL engine. sparql: the shapes compiled to SPARQL and run on Oxigraph, fast enough for a "
                      "million triples. pyshacl: the reference, much slower; use it to cross-check, or for shapes "
                      "beyond the SHACL subset sparql supports (it says so). Both give the same report.")
@_data_option("Validate a built dump (.trig or .nq, optionally .gz) as it is, instead of PATHS; with the sparql "
              "engine it goes straight into Oxigraph, never into rdflib (1M triples in well under 2 GB).")
@_shared_option
def validate(paths: tuple[Path, ...], fmt: str, engine: str, data: Path | None, shared: Path | None) -> None:
    """Check Turtle files for syntax errors and against the SHACL shapes.

    With no PATHS, checks the whole graph (ontology/, data/ and the
    reference data); with --data, a built dump such as dist/gdegraph.trig.
    The report goes to stdout; exit status 1 means the data breaks a rule,
    2 that a file could not be read or parsed.
    """
    from gdegraph.validate.validation import validate_paths

    ok, report = validate_paths(list(paths), fmt, engine=engine, data=data)
    _echo_report(report)
    if not ok:
        raise ValidationFailed("", "validation failed: see the report above")


@click.command(short_help="Summarise what the graph holds.")
@format_option("Report format: table for people; json (numbers as numbers) or csv (section,labels,count) for tools.")
@_out_dir_option(None, "Also write the report to DIR/stats.txt (or DIR/stats.json, DIR/stats.csv).")
@click.option("--readme", "readme", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Instead, regenerate the table between the markers in this README from the graph.")
@_shared_option
def stats(fmt: str, out_dir: Path | None, readme: Path | None, shared: Path | None) -> None:
    """Summarise the graph: counts of trusts, programmes, claims, sources and more.

    Reads the built graph (dist/gdegraph.trig) when it is current, else builds it in memory.
    """
    from gdegraph.api.functions import load

    if readme is not None:
        from gdegraph.api.readme_table import update_readme

        changed = update_readme(readme, load()._store)
        click.echo(f"{'updated' if changed else 'unchanged'}: the table in {readme}")
        return
    summary = load().stats()
    report = {"json": summary.to_json, "csv": summary.to_csv}.get(fmt, summary.__str__)()
    _echo_report(report)
    if out_dir is not None:
        _write_text(out_dir / f"stats.{'txt' if fmt == 'table' else fmt}",
                    report if report.endswith("\n") else report + "\n")


@click.command(short_help="Build, then write every dump, the dataset description and 360Giving data.")
@_out_dir_option(Path("dist"), "Directory to write the published files into (each file replaced atomically).")
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Where the files will be downloadable from [default: https://w3id.org/gdegraph/dumps/].",
)
@click.option(
    "--sparql-endpoint",
    default=None,
    metavar="URL",
    help="The SPARQL endpoint the description advertises [default: https://w3id.org/gdegraph/sparql].",
)
@click.option(
    "--release-date",
    default=None,
    metavar="YYYY[-MM[-DD]]",
    help="Release date for issued/modified [default: $SOURCE_DATE_EPOCH, else the newest source date].",
)
@click.option("--site", "with_site", is_flag=True,
              help="Also write the static site into OUT/site from the same build, while the dumps are written "
                   "(the files `gdegraph site` would write after this command, sooner: the graph is built and loaded once).")
@_shared_option
def publish(out_dir: Path, base_url: str | None, sparql_endpoint: str | None, release_date: str | None,
            with_site: bool, shared: Path | None) -> None:
    """Build and validate the graph, then publish it into --out.

    Writes the graph as Turtle, N-Triples, JSON-LD, RDF/XML, TriG and
    N-Quads (each also gzipped), the JSON-LD context, the funding awards as
    360Giving JSON and CSV, a VoID/DCAT description (void.ttl) and
    SHA256SUMS. The same input always gives byte-identical files.

    With --site, OUT/site is replaced too, and only if the publish succeeds.
    """
    from gdegraph.core.forked import rare_collections
    from gdegraph.publish.dumps import PublishSettings, publish as run_publish

    given = {"dumps_base": base_url, "sparql_endpoint": sparql_endpoint, "release_date": release_date}
    settings = PublishSettings(**{k: v for k, v in given.items() if v is not None})
    with rare_collections():
        if with_site:
            from gdegraph.release.combined import publish_with_site

            result = publish_with_site(out_dir, shared, settings)
        else:
            result = run_publish(out_dir, shared, settings)
    _echo_status(str(result))
