"""`gdegraph extract`: where the Turtle and the review report go, and how bad input fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from gdegraph.cli.main import main

ARTICLE = Path(__file__).parent / "fixtures" / "articles" / "table_correction_2019.txt"


def test_out_writes_turtle_and_prints_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, report = tmp_path / "cand.ttl", tmp_path / "report.txt"
    code = main(["extract", str(ARTICLE), "--source-id", "fx-table", "--out", str(out), "--report", str(report),
                 "--reference-only"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "review report for fx-table" in printed and "Pairings (5)" in printed and f"wrote {out}" in printed
    assert report.read_text(encoding="utf-8") == printed
    graph = Graph().parse(out)
    assert len(graph) > 50


def test_without_out_turtle_goes_to_stdout_and_the_report_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(ARTICLE), "--source-id", "fx-table", "--date", "2019-10-03"]) == 0
    captured = capsys.readouterr()
    assert "c:status-candidate" in captured.out
    Graph().parse(data=captured.out, format="turtle")
    assert "Uncertain (" in captured.err


@pytest.mark.parametrize("args", [
    ["extract", "no-such-file.txt", "--source-id", "x"],
    ["extract", str(ARTICLE), "--source-id", "x", "--date", "3 Oct 2019"],
    ["extract", str(ARTICLE), "--source-id", "---"],
    ["extract", str(ARTICLE), "--source-id", "seed-005\n] . <urn:x:a> <urn:x:b> <urn:x:c"],
    ["extract", str(ARTICLE), "--source-id", "Seed 005"],
    ["extract", str(ARTICLE), "--source-id", "seed-005\n"],
])
def test_bad_input_exits_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    out = capsys.readouterr()
    assert "gdegraph: error:" in out.err and "urn:x:a" not in out.out


def test_empty_and_non_utf8_articles_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty, latin = tmp_path / "empty.txt", tmp_path / "latin.txt"
    empty.write_text("  \n", encoding="utf-8")
    latin.write_bytes("Caf\xe9 NHS Trust\n".encode("latin-1"))
    for path in (empty, latin):
        assert main(["extract", str(path), "--source-id", "x"]) == 2
    err = capsys.readouterr().err
    assert "article is empty" in err and "not UTF-8" in err
