"""Where gdegraph's inputs live, in one place.

gdegraph runs from a source checkout: the ontology, data, shapes and queries
are files in the repository, not package data, so every path is derived from
the checkout that holds this package. The seed files and reference data are
not in the repository; they sit in a ``shared`` folder beside it
(``<checkout>/../shared``), which ``GDEGRAPH_SHARED`` (or the command line's
``--shared``) can point elsewhere.

The functions only compute paths; :func:`require_dir` is the single place
that checks one exists and, when it does not, says how to fix it.
"""

from __future__ import annotations

import os
from pathlib import Path

from gdegraph.core.errors import GdeError, InputError

__all__ = [
    "SHARED_ENV",
    "SHARED_HINT",
    "data_dir",
    "ontology_dir",
    "queries_dir",
    "refdata_dir",
    "repo_root",
    "require_dir",
    "seeds_dir",
    "shapes_dir",
    "shared_dir",
]

#: Environment variable that overrides the location of the shared folder.
SHARED_ENV = "GDEGRAPH_SHARED"

#: How to fix a missing shared folder; used by :func:`require_dir`.
SHARED_HINT = f"set {SHARED_ENV} (or pass --shared) to the folder holding seeds/ and refdata/"


def repo_root() -> Path:
    """The source checkout: the directory holding ``pyproject.toml`` above this package.

    Only the package's own parent is considered (not any ancestor), so an
    unrelated ``pyproject.toml`` higher up can never be picked by mistake.
    """
    root = Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file():
        raise GdeError(
            f"cannot find the gdegraph source checkout: no pyproject.toml in {root}; "
            "gdegraph reads its ontology and data from the checkout, so install it "
            "from one with `pip install -e .`"
        )
    return root


def ontology_dir() -> Path:
    """``ontology/``: the OWL/RDFS vocabulary, in Turtle."""
    return repo_root() / "ontology"


def data_dir() -> Path:
    """``data/``: the curated instance data, in Turtle."""
    return repo_root() / "data"


def shapes_dir() -> Path:
    """``shapes/``: the SHACL shapes the data must conform to."""
    return repo_root() / "shapes"


def queries_dir() -> Path:
    """``queries/``: SPARQL queries (``queries/qc/`` holds the quality checks)."""
    return repo_root() / "queries"


def shared_dir() -> Path:
    """The shared folder: ``$GDEGRAPH_SHARED`` if set and non-empty, else ``<checkout>/../shared``."""
    override = os.environ.get(SHARED_ENV, "").strip()
    if override:
        return Path(override).expanduser().resolve()
    return repo_root().parent / "shared"


def seeds_dir() -> Path:
    """``shared/seeds``: the seed files the data was curated from."""
    return shared_dir() / "seeds"


def refdata_dir() -> Path:
    """``shared/refdata``: reference data (ODS organisations and the like)."""
    return shared_dir() / "refdata"


def require_dir(path: Path, what: str, hint: str | None = None) -> Path:
    """Return ``path`` if it is an existing directory, else raise :class:`InputError`.

    ``what`` names the folder for the message ("seed files", "reference
    data"); ``hint`` says how to fix it. Without a hint, a folder inside the
    shared folder gets :data:`SHARED_HINT`, since pointing gdegraph at the
    right shared folder is the usual fix.
    """
    if hint is None:
        try:
            path.resolve().relative_to(shared_dir().resolve())
        except ValueError:
            hint = f"create {path} or check the path"
        else:
            hint = SHARED_HINT
    if path.is_dir():
        return path
    if path.exists():
        raise InputError(f"the {what} folder is not a directory", path=path, hint=hint)
    raise InputError(f"the {what} folder does not exist", path=path, hint=hint)
