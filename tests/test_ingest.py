"""`gdegraph ingest`: review without writing, bad selections, refusal to overwrite, the
validate-then-write rule (nothing is written unless the whole graph conforms), and status
steps placed by date with the statement's status kept as its latest step's.

The article is the Taunton and Somerset one, ingested into a copy of ``data/`` as it was before
it (its file gone, the statuses it changed back in seed 000): the real command line, on a
temporary data folder (``--data-dir``)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from gdegraph.cli.main import main
from gdegraph.core import paths
from gdegraph.core.errors import InputError, ValidationFailed
from gdegraph.curate.ingest import ingest_command
from gdegraph.model import iris

TAUNTON = "sources/dh-2018-01-taunton-loses-fast-follower.txt"
META = {"title": "Taunton and Somerset NHS Foundation Trust has lost fast follower",
        "publisher": "Digital Health News", "date": "2018-01", "date_basis": "from the URL",
        "url": "https://www.digitalhealth.net/2018/01/taunton-somerset-nhs-foundation-trust-lost-fast-follower/"}


def _article() -> Path:
    path = paths.shared_dir() / TAUNTON
    if not path.is_file():
        pytest.skip("the shared sources are not available")
    return path


#: The statements the Taunton article changed the status of (in its curated file), all announced before.
CHANGED = (("pairing:rba-rxl", "Pairing"), ("mem:gde-acute-fast-followers-rxl", "ProgrammeMembership"),
           ("pairing:rq6-rvw", "Pairing"), ("pairing:rq6-rep", "Pairing"))


@pytest.fixture
def before(tmp_path: Path) -> Path:
    """A copy of data/ as it was before the Taunton article: its file gone, the four statuses it
    changed announced again in seed 000, their first steps not yet written out."""
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    (data / "dh-2018-01-taunton-loses-fast-follower.ttl").unlink()
    seed = data / "seed-000.ttl"
    text = seed.read_text(encoding="utf-8")
    text = text[:text.index("# Dated status history")].rstrip("\n") + "\n"
    for subject, kind in CHANGED:
        head = f"{subject}\n    a gde:{kind} ;\n"
        assert head in text and f"{head}    gde:status" not in text
        text = text.replace(head, head + "    gde:status c:status-announced ;\n")
    seed.write_text(text, encoding="utf-8")
    return data


def _files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.ttl"))}


def test_review_only_writes_nothing(before: Path) -> None:
    files = _files(before)
    text = ingest_command(_article(), "test-taunton", META, None, before)
    assert "changes status pairing:rba-rxl  status withdrawn" in text
    assert "confirms       pairing:rba-rlq" in text
    assert "nothing written" in text and _files(before) == files


@pytest.mark.parametrize("spec", ["x", "0", "1,99", "3-x"])
def test_a_bad_selection_is_a_located_error(before: Path, spec: str) -> None:
    files = _files(before)
    with pytest.raises(InputError):
        ingest_command(_article(), "test-taunton", META, spec, before)
    assert _files(before) == files


def test_an_existing_source_is_refused(before: Path) -> None:
    with pytest.raises(InputError, match="already in the graph"):
        ingest_command(_article(), "seed-001", META, "all", before)


def test_the_record_is_required_to_write(before: Path) -> None:
    with pytest.raises(InputError, match="--url"):
        ingest_command(_article(), "test-taunton", {**META, "url": None}, "all", before)


def test_nothing_is_written_unless_the_graph_validates(before: Path) -> None:
    """The whole graph is validated with the new file and the edits: a folder that breaks a QC rule
    (the same pairing under a second IRI) gets no new file, and seed 000 is not edited."""
    seed = before / "seed-001.ttl"
    seed.write_text(seed.read_text(encoding="utf-8") + "\npairing:rba-rxl-again a gde:Pairing ; gde:exemplar trust:RBA ;"
                    " gde:follower trust:RXL .\n", encoding="utf-8")
    files = _files(before)
    with pytest.raises(ValidationFailed, match="was not written"):
        ingest_command(_article(), "test-taunton", META, "all", before)
    assert _files(before) == files


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _dump(folder: Path, tmp_path: Path) -> str:
    """The graph of ``folder`` built (and validated: SHACL and every QC query) into one N-Quads file."""
    import pyoxigraph as ox

    from gdegraph.sources.dataset import build_dataset
    from gdegraph.store.factory import OxigraphStore
    from gdegraph.validate.validation import format_report, validate_dataset

    ds = build_dataset(data=folder)
    report = validate_dataset(ds)
    assert report.conforms, format_report(report, "text")
    path = tmp_path / "graph.nq"
    path.write_bytes(OxigraphStore.from_dataset(ds).store.dump(format=ox.RdfFormat.N_QUADS))
    return str(path)


def _are_paired(capsys: pytest.CaptureFixture[str], data: str, *params: str) -> dict[str, str]:
    out = _cli(capsys, "query", "are-paired", "-p", "exemplar=RBA", "-p", "follower=RXL", *params,
               "--data", data, "--format", "csv")
    [row] = csv.DictReader(io.StringIO(out, newline=""))
    return row


def test_a_status_change_is_the_latest_step_and_the_statement_status(before: Path, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Regression: the withdrawal used to be written as step 1 (existing steps + 1, none explicit),
    replacing the announcement of September 2017 in the history, with the pairing still
    "announced": the QC check status-latest-step failed. Now the announcement is written out as
    step 1 (in seed 000's file, where its status was), the withdrawal is step 2 and the pairing's
    status, moved into the new file; the graph validates, and are-paired answers by date."""
    out = _cli(capsys, "ingest", str(_article()), "--source-id", "test-taunton", "--data-dir", str(before),
               "--title", META["title"], "--publisher", META["publisher"], "--date", META["date"],
               "--url", META["url"], "--accept", "all")
    assert "conforms" in out and "status step pairing:rba-rxl: step 2 (2018-01), its first step 1 written " \
        "into seed-000.ttl, its status moved here from seed-000.ttl" in out
    new = Graph().parse(before / "test-taunton.ttl")
    seed = Graph().parse(before / "seed-000.ttl")
    status, status_of = URIRef(iris.term("status")), URIRef(iris.term("statusOf"))
    concept = lambda key: URIRef(iris.instance("concept", f"status-{key}"))  # noqa: E731
    pairing = URIRef(iris.instance("pairing", "rba-rxl"))
    first, second = (URIRef(iris.instance("status-change", f"pairing-rba-rxl-{n}")) for n in (1, 2))
    assert set(new.subjects(status_of, pairing)) == {second} and new.value(second, status) == concept("withdrawn")
    assert set(seed.subjects(status_of, pairing)) == {first} and seed.value(first, status) == concept("announced")
    assert (pairing, status, concept("withdrawn")) in new and (pairing, status, None) not in seed
    for subject, _ in CHANGED:  # every changed statement has one status, its latest step's
        node = URIRef(iris.ID + subject.replace("mem:", "membership/").replace("pairing:", "pairing/"))
        assert len(set(new.objects(node, status)) | set(seed.objects(node, status))) == 1
    data = _dump(before, tmp_path)
    assert _are_paired(capsys, data)["answer"] == "withdrawn"
    assert _are_paired(capsys, data)["statusSince"] == "2018-01-01"
    assert _are_paired(capsys, data, "-p", "as_of=2017-10-01")["answer"] == "yes"  # the history kept its start
    qc = _cli(capsys, "query", str(paths.queries_dir() / "qc" / "status-latest-step-violation.rq"),
              "--data", data, "--format", "csv")
    assert qc.splitlines()[1:] == []


def test_a_step_is_numbered_by_its_date(before: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An article dated before the statement's first source gives step 1; the first source's
    status becomes step 2, still the latest, so the statement keeps it."""
    _cli(capsys, "ingest", str(_article()), "--source-id", "test-taunton", "--data-dir", str(before),
         "--title", META["title"], "--publisher", META["publisher"], "--date", "2017-03",
         "--url", META["url"], "--accept", "2")
    new = Graph().parse(before / "test-taunton.ttl")
    seed = Graph().parse(before / "seed-000.ttl")
    status = URIRef(iris.term("status"))
    pairing = URIRef(iris.instance("pairing", "rba-rxl"))
    first, second = (URIRef(iris.instance("status-change", f"pairing-rba-rxl-{n}")) for n in (1, 2))
    assert str(new.value(first, status)).endswith("status-withdrawn") and (second, None, None) not in new
    assert str(seed.value(second, status)).endswith("status-announced")
    assert str(seed.value(pairing, status)).endswith("status-announced") and (pairing, status, None) not in new
    data = _dump(before, tmp_path)
    assert _are_paired(capsys, data)["answer"] == "yes"
    assert _are_paired(capsys, data, "-p", "as_of=2017-05-01")["answer"] == "withdrawn"


def test_a_step_between_published_steps_is_refused(before: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Once the pairing has steps 1 (2017-09) and 2 (2018-01), a step dated between them would take
    number 2: refused, with nothing written or edited."""
    from gdegraph.curate.status_steps import FileEdits, add_step, date_literal
    from gdegraph.sources.dataset import data_files
    from gdegraph.sources.loading import parse_turtle_file

    _cli(capsys, "ingest", str(_article()), "--source-id", "test-taunton", "--data-dir", str(before),
         "--title", META["title"], "--publisher", META["publisher"], "--date", META["date"],
         "--url", META["url"], "--accept", "2")
    files = {path: set(parse_turtle_file(path)) for path in data_files(before)}
    curated = Graph()
    for triples in files.values():
        for triple in triples:
            curated.add(triple)
    with pytest.raises(InputError, match="before its step 2"):
        add_step(Graph(), FileEdits(files), curated, URIRef(iris.instance("pairing", "rba-rxl")),
                 URIRef(iris.instance("concept", "status-disputed")), date_literal("2017-12"), "words",
                 URIRef(iris.instance("source", "later")), before)


def test_the_command_line(before: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = _files(before)
    args = ["ingest", str(_article()), "--source-id", "test-taunton", "--data-dir", str(before)]
    assert main([*args, "--accept", "nope"]) == 2
    assert "not a number or range" in capsys.readouterr().err
    assert main(args) == 0
    assert "nothing written" in capsys.readouterr().out and _files(before) == files


def test_python_m_gdegraph_cli_exits_with_the_error_status(before: Path) -> None:
    """Regression: `python -m gdegraph.cli` used to exit 0 whatever main() returned."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(paths.repo_root())}
    done = subprocess.run([sys.executable, "-m", "gdegraph.cli", "ingest", str(_article()), "--source-id",
                           "test-taunton", "--data-dir", str(before), "--accept", "99"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2 and "no candidate numbered 99" in done.stderr
