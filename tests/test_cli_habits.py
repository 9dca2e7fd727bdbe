"""CLI habits: --format table|json|csv with real numbers, exit codes by category, located .rq errors,
"did you mean", --quiet/--verbose, progress on a terminal only, shell completion.

Commands run as a user runs them, in a subprocess (``python -m gdegraph.cli``),
except where only the output's shape is checked and ``main()`` is enough.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from gdegraph.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


def gdegraph(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "gdegraph.cli", *args], capture_output=True, text=True,
                          timeout=300, env=full, cwd=cwd, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    done = gdegraph("-q", "build", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == "", "--quiet printed something"
    return out / "gdegraph.trig"


def test_python_m_exits_with_the_commands_status() -> None:
    # Regression: `python -m gdegraph.cli` used to drop main()'s status and exit 0.
    assert gdegraph("resolve", "   ").returncode == 2


@pytest.mark.parametrize("name, code, status", [("Salford Royal Hospitals Trust", 0, "resolved"),
                                                ("Coventry and Warwickshire", 1, "ambiguous"),
                                                ("Zzyzx Quarry Nowhere", 1, None)])
def test_resolve_exit_status_and_json(name: str, code: int, status: str | None,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", name, "--reference-only", "--format", "json"]) == code
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"query", "date", "status", "resolved", "code", "candidates"}
    assert data["resolved"] is (code == 0) and (status is None or data["status"] == status)
    assert all(isinstance(c["score"], (int, float)) for c in data["candidates"])
    if code == 0:
        assert data["code"] == "RM3"


def test_resolve_csv_has_a_row_per_candidate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "Coventry and Warwickshire", "--reference-only", "--format", "csv", "--limit", "3"]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["rank"] for r in rows] == ["1", "2", "3"] and {"RYG", "RKB"} <= {r["code"] for r in rows}


def test_stats_json_has_numbers_and_csv_rows(built: Path) -> None:
    env = {"GDEGRAPH_SHARED": str(ROOT.parent / "shared")}
    as_json = json.loads(gdegraph("stats", "--format", "json", env=env, cwd=built.parent.parent).stdout)
    pairings = as_json["pairings by sector and status"]
    assert {"labels": ["acute", "announced"], "count": 15} in pairings
    assert all(isinstance(row["count"], int) for rows in as_json.values() for row in rows)
    table = gdegraph("stats", "--format", "csv", env=env)
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert {"section": "pairings by sector and status", "labels": "acute / announced", "count": "15"} in rows
    assert gdegraph("stats", "--format", "text", env=env).stdout == gdegraph("stats", env=env).stdout


def test_network_formats(tmp_path: Path) -> None:
    text = gdegraph("network", "--out", str(tmp_path / "a"))
    assert text.returncode == 0 and "{'" not in text.stdout and "{0:" not in text.stdout, text.stdout[:500]
    flat = gdegraph("-q", "network", "--out", str(tmp_path / "b"), "--format", "csv")
    rows = dict(csv.reader(io.StringIO(flat.stdout)))
    assert rows["key"] == "value" and rows["counts.pairings"] == "23"
    assert "wrote" not in flat.stdout


def test_diff_json_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = ROOT / "tests" / "fixtures" / "articles" / "mh_followers_2018.txt"
    out = tmp_path / "cand.ttl"
    assert main(["extract", str(article), "--source-id", "fx-mh", "--out", str(out), "--reference-only"]) == 0
    capsys.readouterr()
    assert main(["diff", str(out), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["pairing"] == {"new": 4, "conflict": 2}
    assert {"kind": "pairing", "status": "new", "iri": "https://w3id.org/gdegraph/id/pairing/rv5-rt5"}.items() <= \
        next(c for c in data["changes"] if c["iri"].endswith("pairing/rv5-rt5")).items()
    assert main(["diff", str(out), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == len(data["changes"])


def test_misspelt_query_gets_did_you_mean(built: Path) -> None:
    done = gdegraph("query", "pairngs", "--data", str(built))
    assert done.returncode == 2 and "did you mean pairings?" in done.stderr


def test_malformed_rq_file_is_located(built: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: broken\nSELECT ?x WHERE {\n  ?x ?p ?o .\n  FILTER (?x = )\n}\n", encoding="utf-8")
    done = gdegraph("query", str(bad), "--data", str(built))
    assert done.returncode == 2, done.stderr
    assert f"{bad}:4:" in done.stderr and "not valid SPARQL" in done.stderr
    assert "line 4 reads 'FILTER (?x = )'" in done.stderr


def test_quiet_silences_notes_and_verbose_forces_progress(tmp_path: Path) -> None:
    quiet = gdegraph("-q", "site", "--out", str(tmp_path / "site"), "--dist", str(tmp_path))
    assert quiet.returncode == 0 and quiet.stdout == "" and "note" not in quiet.stderr
    verbose = gdegraph("-v", "build", "--out", str(tmp_path / "dist"))
    assert "gdegraph: building the dataset" in verbose.stderr and "validating" in verbose.stderr
    assert gdegraph("-q", "-v", "stats").returncode == 2


def _on_a_terminal(*args: str) -> str:
    """Run gdegraph with stdout and stderr on a pseudo-terminal; what the terminal showed."""
    import fcntl
    import struct
    import termios

    parent, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size
    process = subprocess.Popen([sys.executable, "-m", "gdegraph.cli", *args], stdout=child, stderr=child,
                               stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(parent, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(300)
    os.close(parent)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_shows_on_a_terminal_and_not_when_piped(tmp_path: Path) -> None:
    shown = _on_a_terminal("build", "--out", str(tmp_path / "tty"))
    assert "gdegraph: building the dataset (" in shown and "validating" in shown
    piped = gdegraph("build", "--out", str(tmp_path / "piped"))
    assert piped.returncode == 0 and "building the dataset" not in piped.stderr + piped.stdout


def test_shell_completion_script_and_answers() -> None:
    script = gdegraph(env={"_GDEGRAPH_COMPLETE": "bash_source"})
    assert "_gdegraph_completion()" in script.stdout and "complete -o nosort -F" in script.stdout
    answer = gdegraph(env={"_GDEGRAPH_COMPLETE": "bash_complete", "COMP_WORDS": "gdegraph que", "COMP_CWORD": "1"})
    assert answer.stdout.split() == ["plain,queries", "plain,query"]
