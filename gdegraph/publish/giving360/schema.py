"""The 360Giving JSON schemas, kept locally, and checking a package against them offline."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gdegraph.core import paths
from gdegraph.core.errors import InputError

_SCHEMA_BASE = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/"
PACKAGE_SCHEMA, GRANT_SCHEMA = "360-giving-package-schema.json", "360-giving-schema.json"
#: ``$id`` of the package and grant schemas in ../shared/standards/360giving.
SCHEMA_IDS = (_SCHEMA_BASE + "1.4.3/schema/" + PACKAGE_SCHEMA, _SCHEMA_BASE + "1.4.3/schema/" + GRANT_SCHEMA)


def schema_dir() -> Path:
    """``standards/360giving`` in the shared folder, where the schemas are kept, else the shipped copy."""
    return paths.giving360_dir()


_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def validate_package(package: Mapping[str, Any], directory: Path | None = None) -> list[str]:
    """Schema errors of a package (empty if valid), resolving every ``$ref`` locally, no network.

    The package schema refers to the grant schema by its 1.4.2 URL while the
    local copy says 1.4.3, so the local file is registered under both. The
    ``date-time`` and ``uri`` formats are checked here (``awardDate`` is a
    ``oneOf`` of a date-time and a date, which only works if formats are
    checked) without the optional packages jsonschema would otherwise need.
    """
    from urllib.parse import urlsplit

    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    directory = directory or schema_dir()
    try:
        schemas = {n: json.loads((directory / n).read_text(encoding="utf-8")) for n in (PACKAGE_SCHEMA, GRANT_SCHEMA)}
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the 360Giving schemas: {exc}", path=directory) from None
    grant = Resource(schemas[GRANT_SCHEMA], specification=DRAFT202012)
    registry = Registry().with_resources(
        [(schemas[GRANT_SCHEMA]["$id"], grant), (_SCHEMA_BASE + "1.4.2/schema/" + GRANT_SCHEMA, grant),
         (schemas[PACKAGE_SCHEMA]["$id"], Resource(schemas[PACKAGE_SCHEMA], specification=DRAFT202012))])
    formats = FormatChecker(formats=())
    formats.checks("date-time")(lambda v: not isinstance(v, str) or bool(_RFC3339.match(v)))
    formats.checks("uri")(lambda v: not isinstance(v, str) or bool(urlsplit(v).scheme and urlsplit(v).netloc))
    validator = Draft202012Validator(schemas[PACKAGE_SCHEMA], registry=registry, format_checker=formats)
    errors = sorted(validator.iter_errors(package), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(package)'}: " + (
        f"matches no {e.validator} alternative: " + "; ".join(sorted({sub.message for sub in e.context}))
        if e.context else e.message) for e in errors]

