"""Where gdegraph's inputs live, in one place: a source checkout or an installed wheel.

gdegraph runs either from a source checkout or from an installed wheel.

* In a checkout (``pyproject.toml`` beside this package), the ontology, data,
  shapes and queries are the repository's own folders, so an edit shows at
  once, and the seed files and reference data sit in a ``shared`` folder beside
  it (``<checkout>/../shared``).
* Installed from the wheel, the same folders are package data under
  ``gdegraph/_resources/`` (``pyproject.toml`` maps them there), found beside the
  installed package. There is no default shared folder then.

``GDEGRAPH_SHARED`` (or the command line's ``--shared``) points at a shared
folder in either case. The openly licensed part of it -- the ODS/ONS reference
files (OGL v3.0, the trust points ODbL) and the 360Giving schemas (CC BY 4.0)
-- is also kept in the checkout under ``vendor/`` and shipped in the wheel, so
an installed gdegraph resolves names and publishes 360Giving data without a
shared folder; a shared folder's own ``refdata/`` wins when it has one. The
seed articles are copyrighted and are never shipped: a build needs the shared
folder for their checksums.

The functions only compute paths; :func:`require_dir` is the single place
that checks one exists and, when it does not, says how to fix it.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from gdegraph.core.errors import GdeError, InputError

__all__ = [
    "SHARED_ENV",
    "SHARED_HINT",
    "checkout_root",
    "data_dir",
    "dist_dir",
    "giving360_dir",
    "ontology_dir",
    "package_dir",
    "queries_dir",
    "refdata_dir",
    "repo_root",
    "require_dir",
    "resource_root",
    "seeds_dir",
    "shapes_dir",
    "shared_dir",
    "vendor_dir",
]

#: Environment variable that overrides the location of the shared folder.
SHARED_ENV = "GDEGRAPH_SHARED"

#: How to fix a missing shared folder; used by :func:`require_dir`.
SHARED_HINT = f"set {SHARED_ENV} (or pass --shared) to the folder holding seeds/ and refdata/"

#: Folder of the package data inside an installed ``gdegraph`` package.
PACKAGED = "_resources"


def package_dir() -> Path:
    """The ``gdegraph`` package folder: the parent of this module's ``core/`` folder.

    Read from ``__file__`` rather than ``importlib.resources.files``, which gives the same
    folder for a checkout or an (always unzipped) installed wheel but whose import -- with
    tempfile, zipfile and shutil behind it -- cost about 5 ms of every ``gdegraph query``.
    """
    return Path(__file__).parent.parent


@cache
def checkout_root() -> Path | None:
    """The source checkout holding this package, or None when running from an installed wheel.

    Only the package's own parent is considered (not any ancestor), so an
    unrelated ``pyproject.toml`` higher up can never be picked by mistake; the
    checkout must also hold ``ontology/``, which a site-packages folder does not.
    """
    root = package_dir().resolve().parent
    if (root / "pyproject.toml").is_file() and (root / "ontology").is_dir():
        return root
    return None


def repo_root() -> Path:
    """The source checkout; an error when gdegraph runs from an installed wheel.

    Only what truly needs a checkout (developer tools, benchmarks) calls this;
    everything else uses :func:`resource_root`.
    """
    root = checkout_root()
    if root is None:
        raise GdeError(f"not running from a gdegraph source checkout (the package is at {package_dir()}); "
                       "this needs one: clone the repository and `pip install -e .`")
    return root


def resource_root() -> Path:
    """The folder holding ``ontology/``, ``data/``, ``shapes/`` and ``queries/``: checkout or package data."""
    root = checkout_root()
    return root if root is not None else package_dir() / PACKAGED


def vendor_dir() -> Path:
    """The shipped copies of the openly licensed shared files (``vendor/`` in the checkout)."""
    root = checkout_root()
    return root / "vendor" if root is not None else package_dir() / PACKAGED


def ontology_dir() -> Path:
    """``ontology/``: the OWL/RDFS vocabulary, in Turtle."""
    return resource_root() / "ontology"


def data_dir() -> Path:
    """``data/``: the curated instance data, in Turtle."""
    return resource_root() / "data"


def shapes_dir() -> Path:
    """``shapes/``: the SHACL shapes the data must conform to."""
    return resource_root() / "shapes"


def queries_dir() -> Path:
    """``queries/``: SPARQL queries (``queries/qc/`` holds the quality checks)."""
    return resource_root() / "queries"


def dist_dir() -> Path:
    """Where ``gdegraph build`` writes by default: ``dist/`` in the checkout, else in the working directory."""
    root = checkout_root()
    return root / "dist" if root is not None else Path("dist")


def shared_dir() -> Path | None:
    """The shared folder: ``$GDEGRAPH_SHARED`` if set and non-empty, else ``<checkout>/../shared``.

    None when gdegraph is installed from a wheel and no shared folder is set.
    """
    override = os.environ.get(SHARED_ENV, "").strip()
    if override:
        return Path(override).expanduser().resolve()
    root = checkout_root()
    return root.parent / "shared" if root is not None else None


def seeds_dir(shared: Path | None = None) -> Path:
    """``seeds/`` in ``shared`` (default :func:`shared_dir`): the seed files the data was curated from."""
    folder = shared if shared is not None else shared_dir()
    if folder is None:
        raise InputError("no shared folder: the seed articles are not shipped with gdegraph (they are "
                         "copyrighted), and a build records their checksums", hint=SHARED_HINT)
    return Path(folder) / "seeds"


def _shared_or_vendored(shared: Path | None, sub: str, vendored: str) -> Path:
    folder = shared if shared is not None else shared_dir()
    if folder is not None and (Path(folder) / sub).is_dir():
        return Path(folder) / sub
    return vendor_dir() / vendored


def refdata_dir(shared: Path | None = None) -> Path:
    """``refdata/`` of ``shared`` (default :func:`shared_dir`) if it has one, else the shipped copy."""
    return _shared_or_vendored(shared, "refdata", "refdata")


def giving360_dir(shared: Path | None = None) -> Path:
    """The 360Giving JSON schemas: ``standards/360giving`` of the shared folder, else the shipped copy."""
    return _shared_or_vendored(shared, "standards/360giving", "giving360")


def require_dir(path: Path, what: str, hint: str | None = None) -> Path:
    """Return ``path`` if it is an existing directory, else raise :class:`InputError`.

    ``what`` names the folder for the message ("seed files", "reference
    data"); ``hint`` says how to fix it. Without a hint, a folder inside the
    shared folder gets :data:`SHARED_HINT`, since pointing gdegraph at the
    right shared folder is the usual fix.
    """
    if hint is None:
        shared = shared_dir()
        try:
            if shared is None:
                raise ValueError
            path.resolve().relative_to(shared.resolve())
        except ValueError:
            hint = f"create {path} or check the path"
        else:
            hint = SHARED_HINT
    if path.is_dir():
        return path
    if path.exists():
        raise InputError(f"the {what} folder is not a directory", path=path, hint=hint)
    raise InputError(f"the {what} folder does not exist", path=path, hint=hint)
