"""pyproject.toml declares exactly what gdegraph/ imports, and the README's table is generated from it.

The imports are read from the source with :mod:`ast` (every ``import`` and
``from ... import``, also those inside functions, which is where gdegraph keeps
its heavy ones), mapped to distributions with
:func:`importlib.metadata.packages_distributions` of the environment the tests
run in, and compared with the declared requirements.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("dependency_table", ROOT / "scripts" / "dependency_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


TABLE = _script()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def imported_modules(folder: Path) -> dict[str, set[str]]:
    """Top-level third-party module -> the files importing it (standard library and gdegraph left out)."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("gdegraph", "__future__"):
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def _declared(*groups: str) -> set[str]:
    project = PYPROJECT["project"]
    requirements = list(project["dependencies"]) if "runtime" in groups else []
    for group in groups:
        requirements += project.get("optional-dependencies", {}).get(group, [])
    return {TABLE.normalise(TABLE.requirement_name(r)) for r in requirements}


def _distributions(modules: dict[str, set[str]]) -> dict[str, str]:
    """Distribution (normalised) -> the module it provides, for every imported module."""
    owners = packages_distributions()
    result = {}
    for module in modules:
        names = owners.get(module)
        assert names, f"{module} (imported by {sorted(modules[module])}) is not installed: declare and install it"
        for name in names:
            result[TABLE.normalise(name)] = module
    return result


def test_every_import_of_the_package_is_declared() -> None:
    imports = imported_modules(ROOT / "gdegraph")
    runtime = _declared("runtime")
    optional = _declared("pandas", "datasette")
    undeclared = {dist: module for dist, module in _distributions(imports).items()
                  if dist not in runtime | optional}
    assert not undeclared, (f"imported but not declared in pyproject.toml: {undeclared} "
                            f"(by {[sorted(imports[m]) for m in undeclared.values()]})")


def test_every_runtime_dependency_is_imported() -> None:
    used = set(_distributions(imported_modules(ROOT / "gdegraph")))
    unused = _declared("runtime") - used
    assert not unused, f"declared in pyproject.toml but never imported by gdegraph/: {sorted(unused)}: drop them"


def test_the_scanner_sees_imports_inside_functions(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("import os\ndef f():\n    from rapidfuzz import fuzz\n    import tqdm.auto\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert imported_modules(tmp_path) == {"rapidfuzz": {"m.py"}, "tqdm": {"m.py"}}
    finally:
        ROOT = saved


def test_readme_dependency_table_is_generated_from_pyproject() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert TABLE.render(readme, PYPROJECT) == readme, \
        "README.md's dependency table is stale: run python scripts/dependency_table.py --write"


def test_every_dependency_has_a_reason_and_the_table_lists_them_all() -> None:
    text = TABLE.table(PYPROJECT)
    for name in _declared("runtime", "pandas", "datasette"):
        assert any(TABLE.normalise(line.split("|")[1].strip()) == name
                   for line in text.splitlines() if line.startswith("| ") and "---" not in line), name
    broken = {**PYPROJECT, "project": {**PYPROJECT["project"], "dependencies": ["left-pad>=1"]}}
    with pytest.raises(KeyError, match="left-pad"):
        TABLE.table(broken)


def test_a_stale_table_is_caught(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stale = readme.replace("| rapidfuzz |", "| rapidfuzz2 |")
    assert TABLE.render(stale, PYPROJECT) != stale
