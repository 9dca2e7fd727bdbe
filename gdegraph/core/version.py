"""The package's version, read once from the installed distribution's metadata.

pyproject.toml is the one place the version is written; everything that prints or
records it (``gdegraph --version``, dump and export metadata) asks here, so the
stages never import the top-level package (which sits above them).
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["package_version"]


@lru_cache(maxsize=1)
def package_version() -> str:
    """The installed version, or ``0.0.0+unknown`` in a source tree that was never installed.

    importlib.metadata costs ~35-50 ms to import, so it is imported only on the first call."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gdegraph")
    except PackageNotFoundError:
        return "0.0.0+unknown"
