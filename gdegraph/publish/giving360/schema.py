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
    ``date-time`` and ``uri`` formats are checked by the rules below (``awardDate``
    is a ``oneOf`` of a date-time and a date, which only works if formats are
    checked): a date-time as RFC 3339 writes it, a URI with a scheme and a host.

    jsonschema-rs (Draft 2020-12, in Rust) does the checking: with its import it
    costs about 0.03 s of a publish where the pure-Python jsonschema cost 0.15 s.
    A ``oneOf`` that no alternative matches is reported with why each failed.
    """
    from urllib.parse import urlsplit

    import jsonschema_rs

    directory = directory or schema_dir()
    try:
        schemas = {n: json.loads((directory / n).read_text(encoding="utf-8")) for n in (PACKAGE_SCHEMA, GRANT_SCHEMA)}
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the 360Giving schemas: {exc}", path=directory) from None
    grant = schemas[GRANT_SCHEMA]
    registry = jsonschema_rs.Registry([(grant["$id"], grant), (_SCHEMA_BASE + "1.4.2/schema/" + GRANT_SCHEMA, grant),
                                       (schemas[PACKAGE_SCHEMA]["$id"], schemas[PACKAGE_SCHEMA])])
    formats = {"date-time": lambda v: bool(_RFC3339.match(v)),
               "uri": lambda v: bool(urlsplit(v).scheme and urlsplit(v).netloc)}
    validator = jsonschema_rs.Draft202012Validator(schemas[PACKAGE_SCHEMA], registry=registry, formats=formats,
                                                   validate_formats=True)
    errors = sorted(validator.iter_errors(package), key=lambda e: (list(map(str, e.instance_path)), e.message))
    return [f"{'/'.join(map(str, e.instance_path)) or '(package)'}: {_message(e)}" for e in errors]


def _message(error: Any) -> str:
    """What is wrong, in the validator's words; for a ``oneOf`` that nothing matched, why each alternative failed."""
    branches = getattr(error.kind, "context", None) if type(error.kind).__name__ == "OneOfNotValid" else None
    if not branches:
        return error.message
    return "matches no oneOf alternative: " + "; ".join(sorted({sub.message for branch in branches for sub in branch}))
