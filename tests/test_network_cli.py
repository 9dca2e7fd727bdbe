"""`gdegraph network` end to end: report on stdout, every file in --out, pictures that are real images."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdegraph.cli.main import cli, main

FILES = ["network.graphml", "network.gexf", "network.json", "nodes.csv", "edges.csv", "derived.trig",
         "report.txt", "report.json"]
PICTURES = ["pairing-network", "pairing-map", "pairing-distances"]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("network")
    result = CliRunner().invoke(cli, ["network", "--out", str(out), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_json_report_on_stdout(run: tuple[Path, str]) -> None:
    out, stdout = run
    report = json.loads(stdout)
    assert report["counts"]["pairings"] == 23
    assert report == json.loads((out / "report.json").read_text())


def test_every_file_is_written(run: tuple[Path, str]) -> None:
    out, _ = run
    for name in FILES + [f"{p}.{ext}" for p in PICTURES for ext in ("png", "svg")]:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert not list(out.glob(".*.tmp")), "a temporary file was left behind"
    assert "Median 27.7 km" in (out / "report.txt").read_text()


def test_pictures_are_real_images(run: tuple[Path, str]) -> None:
    out, _ = run
    from PIL import Image

    for stem in PICTURES:
        with Image.open(out / f"{stem}.png") as image:
            assert image.format == "PNG" and image.width >= 1200 and image.height >= 900
        root = ET.parse(out / f"{stem}.svg").getroot()
        assert root.tag.endswith("svg")


def test_text_format_lists_what_was_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["network", "--out", str(tmp_path), "--no-successions"])
    text = capsys.readouterr().out
    assert code == 0
    assert "0 succession edges" in text and "none (successions not included)" in text
    assert f"wrote {tmp_path / 'no-successions' / 'network.graphml'}" in text, "a variant goes to its own folder"


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "--format", "yaml"]) == 2
