"""The quick 360Giving schema check gives jsonschema's answer, and hands anything beyond it to jsonschema."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Literal, URIRef

from gdegraph.publish import giving360
from gdegraph.publish.giving360 import schema
from gdegraph.publish.giving360.schema_subset import VOCABULARY, Unsupported, conforms

XSD = "http://www.w3.org/2001/XMLSchema#"
ROOT = "https://example.org/schema.json"


@pytest.fixture(scope="module")
def documents() -> dict[str, Any]:
    """The local schemas under every URI validate_package registers them by."""
    folder = schema.schema_dir()
    package, grant = (json.loads((folder / name).read_text(encoding="utf-8"))
                      for name in (schema.PACKAGE_SCHEMA, schema.GRANT_SCHEMA))
    return {package["$id"]: package, grant["$id"]: grant,
            schema._SCHEMA_BASE + "1.4.2/schema/" + schema.GRANT_SCHEMA: grant}


@pytest.fixture(scope="module")
def small_package(dataset: Dataset) -> dict[str, Any]:
    """The curated package cut to three grants (jsonschema is slow), each field to be broken in turn."""
    package = giving360.grants_package(dataset, release=Literal("2025-06-01", datatype=URIRef(XSD + "date")),
                                       download_base="https://w3id.org/gdegraph/dumps/")
    return {**package, "grants": package["grants"][:3]}


def _both(instance: Any, documents: dict[str, Any], root: str) -> tuple[bool, bool]:
    return (conforms(instance, root, documents, schema._FORMATS),
            not schema.jsonschema_errors(instance, documents, root))


def _places(value: Any, place: tuple = ()) -> Iterator[tuple]:
    yield place
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, (*place, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:2]):
            yield from _places(item, (*place, index))


_REPLACEMENTS = [None, True, 1, 1.5, -3, "", "x", "2017-09", "2017-09-01T00:00:00Z", "http://a.example/b",
                 [], {}, ["a"], [{}]]


def test_same_answer_as_jsonschema_with_any_field_broken(small_package: dict[str, Any],
                                                        documents: dict[str, Any]) -> None:
    """Every field of the package (and of two grants, recursively) replaced by each kind of value, or removed."""
    root = schema.SCHEMA_IDS[0]
    assert _both(small_package, documents, root) == (True, True)
    differ, rejected = [], 0
    for place in list(_places(small_package))[1:]:
        for value in [*_REPLACEMENTS, KeyError]:
            broken = copy.deepcopy(small_package)
            parent = broken
            for key in place[:-1]:
                parent = parent[key]
            if value is KeyError:
                del parent[place[-1]]
            else:
                parent[place[-1]] = value
            quick, reference = _both(broken, documents, root)
            rejected += not reference
            if quick != reference:
                differ.append((place, value, quick, reference))
    assert differ == []
    assert rejected > 500  # the breakages do break things: the agreement is not all "valid"


def test_repeated_grant_is_refused_by_both(small_package: dict[str, Any], documents: dict[str, Any]) -> None:
    repeated = {**small_package, "grants": [*small_package["grants"], copy.deepcopy(small_package["grants"][0])]}
    assert _both(repeated, documents, schema.SCHEMA_IDS[0]) == (False, False)


@pytest.mark.parametrize("subschema, instance", [
    ({"enum": [1]}, True), ({"enum": [1]}, 1.0), ({"enum": ["1"]}, 1), ({"enum": [[1, {"a": None}]]}, [1, {"a": None}]),
    ({"uniqueItems": True}, [1, 1.0]), ({"uniqueItems": True}, [1, True]), ({"uniqueItems": True}, [0, False]),
    ({"uniqueItems": True}, [{"a": 1}, {"a": 1.0}]), ({"uniqueItems": True}, [[1, 2], [2, 1]]),
    ({"type": "integer"}, 1.0), ({"type": "integer"}, True), ({"type": "number"}, False),
    ({"type": ["string", "null"]}, None), ({"type": "array"}, "abc"), ({"minimum": 0}, -0.5), ({"minimum": 0}, "-1"),
    ({"pattern": "^a"}, "ba"), ({"pattern": "b"}, "ab"), ({"pattern": "^a"}, 5), ({"minItems": 1}, []),
    ({"required": ["a"]}, {"b": 1}), ({"required": ["a"]}, ["a"]), ({"items": False}, []), ({"items": False}, [1]),
    ({"oneOf": [{"type": "string"}, {"pattern": "a"}]}, "a"), ({"oneOf": [{"type": "string"}, {"pattern": "a"}]}, 3),
    ({"format": "date-time"}, "2017-09-01"), ({"format": "uri"}, "/relative"), ({"format": "email"}, "not an email"),
    ({"$defs": {"x": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/x"}}}, {"a": 1}),
    ({"$ref": "#/$defs/x", "type": "object", "$defs": {"x": {"required": ["b"]}}}, {"b": 1}),
    ({"$ref": "#/$defs/x", "type": "object", "$defs": {"x": {"required": ["b"]}}}, {"a": 1}),
    ({"properties": {"a": True, "b": False}}, {"a": 1}), ({"properties": {"a": True, "b": False}}, {"b": 1}),
])
def test_keywords_mean_what_jsonschema_means(subschema: dict[str, Any], instance: Any) -> None:
    quick, reference = _both(instance, {ROOT: subschema}, ROOT)
    assert quick == reference


def test_every_keyword_jsonschema_applies_is_known() -> None:
    """A keyword missing from VOCABULARY would be ignored here as an annotation while jsonschema applied it."""
    from jsonschema import Draft202012Validator

    assert set(Draft202012Validator.VALIDATORS) <= VOCABULARY


@pytest.mark.parametrize("subschema", [
    {"additionalProperties": False}, {"items": [{"type": "string"}]}, {"$ref": "other.json"},
    {"properties": {"a": {"$id": "https://example.org/a", "type": "string"}}}, {"type": "strings"},
    {"$schema": "http://json-schema.org/draft-07/schema#"}, {"$ref": "#/$defs/missing"}, {"enum": [b"bytes"]},
])
def test_beyond_the_subset_is_refused(subschema: dict[str, Any]) -> None:
    with pytest.raises(Unsupported):
        conforms({"a": "b"}, ROOT, {ROOT: subschema}, schema._FORMATS)


def test_schemas_beyond_the_subset_are_checked_by_jsonschema(small_package: dict[str, Any], tmp_path: Path) -> None:
    """A standard that starts using another keyword is still enforced, with jsonschema's message."""
    folder = schema.schema_dir()
    for name in (schema.PACKAGE_SCHEMA, schema.GRANT_SCHEMA):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    package_schema = json.loads((tmp_path / schema.PACKAGE_SCHEMA).read_text(encoding="utf-8"))
    package_schema["properties"]["grants"]["maxItems"] = 3
    (tmp_path / schema.PACKAGE_SCHEMA).write_text(json.dumps(package_schema), encoding="utf-8")
    assert schema.validate_package(small_package, tmp_path) == []
    grants = small_package["grants"]
    errors = schema.validate_package({**small_package, "grants": [*grants, {**grants[0], "id": "GDEGRAPH-x"}]}, tmp_path)
    assert len(errors) == 1 and errors[0].startswith("grants: ") and "is too long" in errors[0]
