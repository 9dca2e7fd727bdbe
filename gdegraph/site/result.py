"""What a site build wrote: a module of its own, so that a caller can report it without importing the
renderer (``gdegraph publish --site`` reports the site its child process rendered)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["SiteResult"]


@dataclass
class SiteResult:
    """What ``gdegraph site`` wrote; ``str()`` is the report printed to the user."""

    out_dir: Path
    files: int
    pages: int
    seconds: float

    def __str__(self) -> str:
        return f"gdegraph site: {self.pages} pages, {self.files} files in {self.out_dir} ({self.seconds:.1f} s)"
