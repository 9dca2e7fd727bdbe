"""The package's shape: stage packages whose imports only go down, no cycles, small modules.

The layer and cycle rules themselves live in ``.importlinter`` (run by ``make test`` as
``lint-imports``); this test runs the same contracts inside pytest, so a plain ``pytest``
catches an upward import too, and checks what import-linter does not: module size and
that every package sits in a layer.
"""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gdegraph"
MAX_LINES = 400


def test_import_contracts_are_kept() -> None:
    tool = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(tool), "--no-cache", "--config", str(ROOT / ".importlinter")], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 kept, 0 broken" in result.stdout


def test_every_stage_package_is_in_a_layer() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = {name.strip() for line in config["importlinter:contract:layers"]["layers"].splitlines()
              for name in line.split("|") if name.strip()}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert packages == layers


@pytest.mark.parametrize("module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.relative_to(ROOT)} has {lines} lines; split it by concern"
