"""The README's "Dependencies, and why" table, generated from pyproject.toml.

The reasons live in one place, ``[tool.gdegraph.dependency-reasons]`` in
pyproject.toml, next to the dependency lists they explain; this script renders
the runtime dependencies and the optional extras as a Markdown table and puts
it between the README's marker comments (nothing else in the README is
touched). ``python scripts/dependency_table.py --write`` updates the README;
``--check`` exits 1 when it is stale (tests/test_dependencies.py does the same).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- dependency-table:begin (generated from pyproject.toml) -->", "<!-- dependency-table:end -->"


def requirement_name(requirement: str) -> str:
    """``uvicorn[standard]>=0.30`` -> ``uvicorn``: the distribution a requirement names."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    if match is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    return match.group(0)


def normalise(name: str) -> str:
    """PEP 503 normalised name: ``SPARQLWrapper`` and ``sparqlwrapper`` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def table(pyproject: dict) -> str:
    """The Markdown table: each runtime dependency, then each non-test extra, with its reason and version."""
    project = pyproject["project"]
    reasons = {normalise(k): v for k, v in pyproject["tool"]["gdegraph"]["dependency-reasons"].items()}
    rows: list[tuple[str, str, str]] = []
    extras = {k: v for k, v in project.get("optional-dependencies", {}).items() if k != "test"}
    for where, requirements in [("runtime", project["dependencies"]), *extras.items()]:
        for requirement in requirements:
            name = requirement_name(requirement)
            if normalise(name) not in reasons:
                raise KeyError(f"{name}: no reason in [tool.gdegraph.dependency-reasons]")
            version = requirement[len(name):].strip()
            rows.append((name, f"`{version}`" if where == "runtime" else f"`{version}` (extra `{where}`)",
                         reasons[normalise(name)]))
    lines = ["| package | version | why |", "| --- | --- | --- |"]
    lines += [f"| {name} | {version} | {why} |" for name, version, why in rows]
    tests = ", ".join(requirement_name(r) for r in project.get("optional-dependencies", {}).get("test", []))
    lines += ["", f"Test-only (extra `test`, installed by `make test`): {tests}."]
    return "\n".join(lines)


def render(readme: str, pyproject: dict) -> str:
    """``readme`` with the text between the markers replaced by :func:`table`."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md lacks the markers {BEGIN!r} ... {END!r}")
    return readme[:start + len(BEGIN)] + "\n" + table(pyproject) + "\n" + readme[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update README.md in place")
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is stale")
    args = parser.parse_args(argv)
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    with (ROOT / "pyproject.toml").open("rb") as stream:
        new = render(readme, tomllib.load(stream))
    if args.write:
        readme_path.write_text(new, encoding="utf-8")
    elif args.check:
        if new != readme:
            print("README.md's dependency table is stale: run python scripts/dependency_table.py --write",
                  file=sys.stderr)
            return 1
    else:
        print(new[new.index(BEGIN) + len(BEGIN):new.index(END)].strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
