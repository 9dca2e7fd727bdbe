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


def test_regions_are_named_in_the_exports_and_the_map_legend(run: tuple[Path, str]) -> None:
    """Nodes carry their region's name from the reference data (region_name), and the geographic picture's
    legend says "North West", not "NHS region Y62"; the picture is drawn from the written GraphML and report."""
    import csv

    import matplotlib.pyplot as plt

    from gdegraph.network.export import read_graphml
    from gdegraph.network.plot_geo import draw_map

    out, _ = run
    with (out / "nodes.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    assert (rows["RQ6"]["region"], rows["RQ6"]["region_name"]) == ("Y62", "North West")
    assert (rows["RAL"]["region"], rows["RAL"]["region_name"]) == ("Y56", "London")
    g = read_graphml(out / "network.graphml")
    assert g.nodes["RQ6"]["region_name"] == "North West"
    fig = draw_map(g, json.loads((out / "report.json").read_text()))
    try:
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    finally:
        plt.close(fig)
    assert {"North West", "London", "Midlands"} <= set(legend), legend
    assert not [t for t in legend if t.startswith("NHS region")], legend
