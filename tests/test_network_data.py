"""`gdegraph network --data FILE`: any dump gives the report the built graph gives; --approximate is
explicit and said so; progress only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset

from gdegraph.cli.main import cli, main

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["network", "--no-pictures", *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def built_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    code, out = _run("--out", str(tmp_path_factory.mktemp("built")), "--format", "json")
    assert code == 0, out
    return json.loads(out)


@pytest.fixture(scope="module")
def dumps(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("dumps")
    files = {"trig": folder / "g.trig", "nquads": folder / "g.nq"}
    for fmt, path in files.items():
        dataset.serialize(path, format=fmt)
    union = Dataset(default_union=True)
    for quad in dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    files["turtle"] = folder / "g.ttl"
    files["nt"] = folder / "g.nt"
    union.serialize(files["turtle"], format="turtle")
    union.serialize(files["nt"], format="nt")
    return files


@pytest.mark.parametrize("fmt", ["trig", "nquads", "turtle", "nt"])
def test_a_dump_gives_the_report_of_the_built_graph(fmt: str, dumps: dict[str, Path], built_report: dict,
                                                      tmp_path: Path) -> None:
    code, out = _run("--data", str(dumps[fmt]), "--out", str(tmp_path), "--format", "json")
    assert code == 0, out
    assert json.loads(out) == built_report
    assert (tmp_path / "network.graphml").is_file() and not list(tmp_path.glob("*.png"))


def test_named_graphs_of_the_dump_are_the_provenance(dumps: dict[str, Path], tmp_path: Path) -> None:
    code, out = _run("--data", str(dumps["trig"]), "--out", str(tmp_path))
    assert code == 0, out
    derived = (tmp_path / "derived.trig").read_text()
    assert "prov:used <https://w3id.org/gdegraph/graph/refdata>" in derived or "graph/refdata>" in derived


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Through main(), which turns gdegraph's errors into a message and an exit code."""
    code = main(["network", "--no-pictures", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(("name", "text", "said"), [
    ("g.rdfx", "x", ".trig"),  # unknown suffix: the formats it knows
    ("g.nq", '<a> <b> <c> <g> .\n<a> <b> "unterminated .\n', "parse"),  # broken dump
])
def test_bad_dump_is_a_located_error(name: str, text: str, said: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / name
    bad.write_text(text)
    code, out = _main(capsys, "--data", str(bad), "--out", str(tmp_path / "o"))
    assert code != 0 and name in out and said in out
    assert not (tmp_path / "o").exists()


def test_exact_unless_asked(built_report: dict) -> None:
    assert built_report["centrality_method"]["betweenness"] == "exact"
    assert "--approximate" not in built_report["options"]


def test_approximate_is_said_in_every_output(tmp_path: Path) -> None:
    code, out = _run("--out", str(tmp_path), "--approximate", "2", "--seed", "5")
    assert code == 0, out
    assert "APPROXIMATE: 2 sampled sources in each component of more than 2 nodes, seed 5" in out
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["centrality_method"]["betweenness"].startswith("approximate")
    assert report["options"].endswith("--approximate 2 --seed 5")
    derived = (tmp_path / "derived.trig").read_text()
    assert '"approximate-betweenness-centrality"' in derived and '"betweenness-centrality"' not in derived


def test_seed_without_approximate_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _main(capsys, "--out", str(tmp_path), "--seed", "3")
    assert code == 2 and "--approximate" in out


def test_no_progress_when_not_a_terminal(dumps: dict[str, Path], tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "gdegraph.cli", "network", "--no-pictures", "--data",
                           str(dumps["nquads"]), "--out", str(tmp_path)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert proc.stderr == ""
    assert "betweenness" not in proc.stderr and proc.stdout.startswith("gdegraph network")


def _on_a_terminal(*args: str) -> str:
    """What `gdegraph ARGS` drew on a real pseudo-terminal (its stderr; stdout discarded)."""
    import fcntl
    import struct
    import termios

    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 160, 0, 0))  # a terminal has a size
    proc = subprocess.Popen([sys.executable, "-m", "gdegraph.cli", *args], stdin=child, stdout=subprocess.DEVNULL,
                            stderr=child, close_fds=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    os.close(child)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    assert proc.wait(timeout=120) == 0
    return seen.decode("utf-8", "replace")


def test_progress_on_a_terminal(dumps: dict[str, Path], tmp_path: Path) -> None:
    """A real pseudo-terminal: each step is drawn on it (gdegraph.core.progress), the metrics with a bar."""
    text = _on_a_terminal("network", "--no-pictures", "--data", str(dumps["nquads"]), "--out", str(tmp_path))
    for step in ("gdegraph: loading g.nq", "exact betweenness, closeness, eccentricity", "exports"):
        assert step in text, text[-2000:]
    assert "node/s]" in text or "nodes/s]" in text, text[-2000:]


def test_quiet_silences_progress_and_verbose_forces_it(dumps: dict[str, Path], tmp_path: Path) -> None:
    args = ("network", "--no-pictures", "--data", str(dumps["nquads"]), "--out", str(tmp_path))
    assert _on_a_terminal("-q", *args) == ""
    piped = subprocess.run([sys.executable, "-m", "gdegraph.cli", "-v", *args], capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert "gdegraph: loading g.nq" in piped.stderr and "exports" in piped.stderr


def test_derived_rdf_is_identical_on_rerun(dumps: dict[str, Path], tmp_path: Path) -> None:
    """derived.trig is written by pyoxigraph in the order the figures were made: reruns give the same bytes."""
    for sub in ("a", "b"):
        code, out = _run("--data", str(dumps["nquads"]), "--out", str(tmp_path / sub))
        assert code == 0, out
    assert (tmp_path / "a" / "derived.trig").read_bytes() == (tmp_path / "b" / "derived.trig").read_bytes()
    ds = Dataset()
    ds.parse(tmp_path / "a" / "derived.trig", format="trig")
    named = {str(g.identifier): len(g) for g in ds.graphs() if len(g)}
    assert list(named) == ["https://w3id.org/gdegraph/graph/derived"] and next(iter(named.values())) > 1000


def test_pictures_of_a_large_network_only_when_asked(dumps: dict[str, Path], tmp_path: Path) -> None:
    """Without --pictures, a network over the limit is not drawn, and the run says so."""
    from gdegraph.network.analysis import run_network

    big = run_network(tmp_path / "big", data=dumps["nquads"], pictures=None, picture_limit=10)
    assert not list((tmp_path / "big").glob("*.png"))
    assert big.notes == ["pictures not drawn: 54 trusts, more than 10 (--pictures draws them anyway; "
                         "the exports hold every node and edge)"]
    small = run_network(tmp_path / "small", data=dumps["nquads"], pictures=None, picture_limit=54)
    assert small.notes == [] and len(list((tmp_path / "small").glob("*.png"))) == 3
