"""examples/pairing-network.ipynb: committed without outputs, public API only, runs from a clean kernel."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

import pytest

import gdegraph

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "pairing-network.ipynb"
KERNEL = "gdegraph-test-venv"
nbformat = pytest.importorskip("nbformat")


def _code_cells() -> list[Any]:
    return [c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]


def test_notebook_is_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in _code_cells():
        assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def test_notebook_uses_only_the_public_api() -> None:
    for cell in _code_cells():
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] != "gdegraph" or a.name == "gdegraph" for a in node.names)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gdegraph"):
                assert node.module == "gdegraph" and all(a.name in gdegraph.__all__ for a in node.names)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "gdegraph":
                assert node.attr in gdegraph.__all__, f"gdegraph.{node.attr} is not public API"


@pytest.fixture
def venv_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernelspec running this interpreter (the venv's python), found first on JUPYTER_PATH,
    so a user-level ``python3`` kernel elsewhere on the machine cannot be picked instead."""
    spec = tmp_path / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "gdegraph tests", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))  # a clean profile: no startup files
    return KERNEL


def test_notebook_runs_from_a_clean_kernel(venv_kernel: str) -> None:
    pytest.importorskip("ipykernel")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, kernel_name=venv_kernel, timeout=300, startup_timeout=120,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    pictures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pictures) == sum("plot_network(" in c.source for c in _code_cells()) >= 1
    text = "".join(o.get("text", "") for o in outputs)
    assert "25 pairings" in text and "of 22 pairs are within 50 km" in text  # 23 current pairings, one without coordinates
