"""`gdegraph ingest`: review without writing, bad selections, refusal to overwrite, and the
validate-then-write rule (nothing is written unless the whole graph conforms)."""

from __future__ import annotations

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


def _model_has_withdrawn() -> bool:
    return "status-withdrawn" in (paths.ontology_dir() / "concepts.ttl").read_text(encoding="utf-8")


def test_review_only_writes_nothing(tmp_path: Path) -> None:
    text = ingest_command(_article(), "test-taunton", META, None, tmp_path)
    assert "pairing:rba-rxl  status withdrawn" in text  # a status change, or a confirmation once curated
    assert "confirms       pairing:rba-rlq" in text
    assert "nothing written" in text and not list(tmp_path.iterdir())


@pytest.mark.parametrize("spec", ["x", "0", "1,99", "3-x"])
def test_a_bad_selection_is_a_located_error(tmp_path: Path, spec: str) -> None:
    with pytest.raises(InputError):
        ingest_command(_article(), "test-taunton", META, spec, tmp_path)
    assert not list(tmp_path.iterdir())


def test_an_existing_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="already in the graph"):
        ingest_command(_article(), "seed-001", META, "all", tmp_path)


def test_the_record_is_required_to_write(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--url"):
        ingest_command(_article(), "test-taunton", {**META, "url": None}, "all", tmp_path)


def test_accepted_statements_are_written_only_if_the_graph_validates(tmp_path: Path) -> None:
    """With the model that knows 'withdrawn' and sources/ records, the file is written and
    holds the record and a status step, not a second status on the graph's pairing;
    without it, validation fails and nothing is written."""
    target = tmp_path / "test-taunton.ttl"
    if not _model_has_withdrawn():
        with pytest.raises((ValidationFailed, InputError)):  # unknown status / no status history
            ingest_command(_article(), "test-taunton", META, "all", tmp_path)
        assert not target.exists()
        return
    from gdegraph.curate.extract.commands import curated_graph

    before = curated_graph().value(URIRef(iris.instance("pairing", "rba-rxl")), URIRef(iris.term("status")))
    text = ingest_command(_article(), "test-taunton", META, "all", tmp_path)
    assert "conforms" in text and target.is_file()
    g = Graph().parse(target)
    source = URIRef(iris.instance("source", "test-taunton"))
    assert (source, URIRef("https://schema.org/url"), URIRef(META["url"])) in g
    pairing = URIRef(iris.instance("pairing", "rba-rxl"))
    assert (pairing, URIRef(iris.term("status")), None) not in g  # never a second status
    steps = list(g.subjects(URIRef(iris.term("statusOf")), pairing))
    if str(before).endswith("status-withdrawn"):
        assert not steps  # the graph already says so: a confirmation
    else:
        assert len(steps) == 1
        assert str(g.value(steps[0], URIRef(iris.term("status")))).endswith("status-withdrawn")


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["ingest", str(_article()), "--source-id", "test-taunton", "--data-dir", str(tmp_path)]
    assert main([*args, "--accept", "nope"]) == 2
    assert "not a number or range" in capsys.readouterr().err
    assert main(args) == 0
    assert "nothing written" in capsys.readouterr().out and not list(tmp_path.iterdir())


def test_python_m_gdegraph_cli_exits_with_the_error_status(tmp_path: Path) -> None:
    """Regression: `python -m gdegraph.cli` used to exit 0 whatever main() returned."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(paths.repo_root())}
    done = subprocess.run([sys.executable, "-m", "gdegraph.cli", "ingest", str(_article()), "--source-id",
                           "test-taunton", "--data-dir", str(tmp_path), "--accept", "99"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2 and "no candidate numbered 99" in done.stderr
