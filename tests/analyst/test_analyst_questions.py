"""Analyst questions answered through ``gdegraph query`` against the seed articles' answers.

The questions and their expected answers are in ``questions.toml``, written from the
text of ``../shared/seeds/*.txt`` (each cites the sentence), not from the graph: the
test runs the named library query with its parameters through the command line, on a
dump of the curated graph, and reads the CSV it prints.
"""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from gdegraph.cli.main import main
from gdegraph.store.factory import OxigraphStore

QUESTIONS = tomllib.loads((Path(__file__).parent / "questions.toml").read_text(encoding="utf-8"))["question"]


@pytest.fixture(scope="module")
def data(dataset: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("analyst") / "gdegraph.nq"
    path.write_bytes(OxigraphStore.from_dataset(dataset).store.dump(format=ox.RdfFormat.N_QUADS))
    return str(path)


def test_there_are_at_least_25_questions() -> None:
    assert len(QUESTIONS) >= 25 and all(q["seed"] and q["q"] for q in QUESTIONS)


@pytest.mark.parametrize("question", QUESTIONS, ids=[q["q"] for q in QUESTIONS])
def test_question(question: dict[str, Any], data: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["query", question["query"], "--data", data, "--format", "csv"]
    for key, value in question["params"].items():
        argv += ["-p", f"{key}={value}"]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    column = [row[question["column"]] for row in csv.DictReader(io.StringIO(out, newline=""))]
    if question["column"] in ("amounts", "sources"):  # GROUP_CONCAT lists: order left to the engine
        column = [" ".join(sorted(cell.split())) for cell in column]
    if "rows" in question:
        assert len(column) == question["rows"], column
    if "values" in question:
        assert sorted(set(column)) == question["values"]
    if "contains" in question:
        assert set(question["contains"]) <= set(column), column
    if "count" in question:
        assert column.count(question["count"]["value"]) == question["count"]["rows"], column
