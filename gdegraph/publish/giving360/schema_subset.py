"""A quick yes-or-no against the 360Giving schemas: the few JSON Schema keywords they use, checked directly.

Why: jsonschema, the reference, took a sixth of a publish to say "valid" -- about
0.09 s to import (with referencing, attrs, rpds) and 0.07 s to check the
package, as it makes a validator object for every subschema it descends into --
on the critical path of the worker that validates. The two schemas use a dozen
keywords (``type``, ``properties``, ``required``, ``items``, ``$ref``, ``oneOf``,
``pattern``, ``format`` ...), and this module applies exactly those, with
jsonschema's Draft 2020-12 semantics (its type checker, its equality for
``enum`` and ``uniqueItems``, ``re.search`` for ``pattern``, every keyword of a
schema applied beside ``$ref``).

It only answers whether an instance conforms.
:func:`gdegraph.publish.giving360.schema.validate_package` asks it first and
runs jsonschema only when the answer is no (so every error message is
jsonschema's) or when :func:`conforms` raises :class:`Unsupported`: a schema
uses a 2020-12 keyword outside the subset, a ``$ref`` it cannot resolve, another
draft's ``$schema``, or a value ``enum`` or ``uniqueItems`` must compare is not a JSON value. A
new release of the standard that uses more of JSON Schema therefore falls back to
jsonschema rather than being checked wrongly; tests/test_360giving_schema_subset.py checks
that both give the same answer on the package and on broken copies of it.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Unsupported", "VOCABULARY", "conforms"]

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
#: Every keyword jsonschema's Draft202012Validator applies, and the core keywords that change how refs resolve:
#: one of these outside the checked subset makes :func:`conforms` refuse. Other keywords (titles, 360Giving's
#: ``codelist``) are annotations, ignored by jsonschema and here.
VOCABULARY = frozenset({
    "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveRef", "$ref", "$vocabulary", "additionalProperties",
    "allOf", "anyOf", "const", "contains", "dependencies", "dependentRequired", "dependentSchemas", "enum",
    "exclusiveMaximum", "exclusiveMinimum", "format", "if", "items", "maxContains", "maxItems", "maxLength",
    "maxProperties", "maximum", "minContains", "minItems", "minLength", "minProperties", "minimum", "multipleOf",
    "not", "oneOf", "pattern", "patternProperties", "prefixItems", "properties", "propertyNames", "required",
    "type", "unevaluatedItems", "unevaluatedProperties", "uniqueItems",
})


class Unsupported(Exception):
    """The schemas or the instance go beyond what this checker applies: ask jsonschema."""


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


_TYPES: dict[str, Callable[[Any], bool]] = {  # jsonschema's draft 2020-12 type checker
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "null": lambda v: v is None,
    "number": _is_number,
    "object": lambda v: isinstance(v, dict),
    "string": lambda v: isinstance(v, str),
}


def _canonical(value: Any) -> Any:
    """A hashable form equal for values jsonschema's ``equal`` calls equal (``True`` is not ``1``; ``1`` is ``1.0``)."""
    if isinstance(value, str):
        return "s", value
    if isinstance(value, bool):
        return "b", value
    if value is None:
        return ("z",)
    if isinstance(value, (int, float)):
        return "n", value
    if isinstance(value, list):
        return "l", tuple(_canonical(item) for item in value)
    if isinstance(value, dict):
        return "d", frozenset((key, _canonical(item)) for key, item in value.items())
    raise Unsupported(f"not a JSON value: {type(value).__name__}")


def _types(names: Any) -> list[str]:
    names = [names] if isinstance(names, str) else names
    if not isinstance(names, list) or any(name not in _TYPES for name in names):
        raise Unsupported(f"type {names!r}")
    return names


class _Checker:
    """The documents by URI and the format checks; :meth:`valid` walks a schema over an instance."""

    def __init__(self, documents: Mapping[str, Any], formats: Mapping[str, Callable[[Any], Any]]) -> None:
        self.documents, self.formats = documents, formats
        self._seen: set[int] = set()
        for uri, document in documents.items():
            self.support(document, uri)

    def resolve(self, ref: Any, base: str) -> tuple[Any, str]:
        """The schema a ``$ref`` names and the URI of its document (absolute URIs and ``#/`` pointers only)."""
        if not isinstance(ref, str):
            raise Unsupported(f"$ref {ref!r}")
        uri, _, fragment = ref.partition("#")
        uri = uri or base
        if uri not in self.documents or (fragment and not fragment.startswith("/")) or "%" in fragment:
            raise Unsupported(f"$ref {ref!r}")
        node = self.documents[uri]
        for part in fragment.split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(part)] if isinstance(node, list) else node[part]
            except (KeyError, IndexError, ValueError, TypeError):
                raise Unsupported(f"$ref {ref!r}") from None
        return node, uri

    def support(self, schema: Any, base: str, root: bool = True) -> None:
        """Raise :class:`Unsupported` unless every keyword reachable from ``schema`` is one :meth:`valid` applies."""
        if isinstance(schema, bool) or id(schema) in self._seen:
            return
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        self._seen.add(id(schema))
        unsupported = (VOCABULARY - _KEYWORDS.keys()) & schema.keys()
        if unsupported or (not root and "$id" in schema) or schema.get("$schema", DRAFT_2020_12).rstrip(
                "#").replace("http://", "https://") != DRAFT_2020_12:
            raise Unsupported(f"keywords {sorted(unsupported) or ['$id', '$schema']}")
        if "type" in schema:
            _types(schema["type"])
        if not isinstance(schema.get("required", []), list) or not isinstance(schema.get("oneOf", []), list):
            raise Unsupported("required or oneOf not a list")
        children = [*schema.get("properties", {}).values(), *schema.get("oneOf", []), *schema.get("$defs", {}).values()]
        if "items" in schema:
            children.append(schema["items"])
        if "$ref" in schema:
            target, base = self.resolve(schema["$ref"], base)
            self.support(target, base, root=target is self.documents[base])
        for child in children:
            self.support(child, base, root=False)

    def valid(self, instance: Any, schema: Any, base: str) -> bool:
        """Whether ``instance`` conforms to ``schema`` (of the document at ``base``)."""
        if isinstance(schema, bool):
            return schema
        return all(check(self, value, instance, schema, base)
                   for key, value in schema.items() if (check := _KEYWORDS.get(key)) is not None)


def _ref(checker: _Checker, ref: Any, instance: Any, _schema: Any, base: str) -> bool:
    target, uri = checker.resolve(ref, base)
    return checker.valid(instance, target, uri)


def _properties(checker: _Checker, properties: Any, instance: Any, _schema: Any, base: str) -> bool:
    return not isinstance(instance, dict) or all(
        checker.valid(instance[name], sub, base) for name, sub in properties.items() if name in instance)


def _items(checker: _Checker, items: Any, instance: Any, _schema: Any, base: str) -> bool:
    return not isinstance(instance, list) or all(checker.valid(item, items, base) for item in instance)


def _one_of(checker: _Checker, schemas: Any, instance: Any, _schema: Any, base: str) -> bool:
    return sum(1 for sub in schemas if checker.valid(instance, sub, base)) == 1


def _unique(instance: list[Any]) -> bool:
    forms = [_canonical(item) for item in instance]
    return len(set(forms)) == len(forms)


def _format(checker: _Checker, name: Any, instance: Any, _schema: Any, _base: str) -> bool:
    check = checker.formats.get(name)
    return check is None or bool(check(instance))


_KEYWORDS: dict[str, Callable[[_Checker, Any, Any, Any, str], bool]] = {
    "$ref": _ref,
    "properties": _properties,
    "items": _items,
    "oneOf": _one_of,
    "format": _format,
    "type": lambda _c, names, instance, _s, _b: any(
        _TYPES[name](instance) for name in ((names,) if isinstance(names, str) else names)),
    "required": lambda _c, names, instance, _s, _b: not isinstance(instance, dict) or all(
        name in instance for name in names),
    "pattern": lambda _c, pattern, instance, _s, _b: not isinstance(instance, str) or bool(re.search(pattern, instance)),
    "enum": lambda _c, values, instance, _s, _b: (  # a string equals only a string
        instance in values if isinstance(instance, str) else _canonical(instance) in map(_canonical, values)),
    "minItems": lambda _c, least, instance, _s, _b: not isinstance(instance, list) or len(instance) >= least,
    "minimum": lambda _c, least, instance, _s, _b: not _is_number(instance) or instance >= least,
    "uniqueItems": lambda _c, unique, instance, _s, _b: not (unique and isinstance(instance, list)) or _unique(instance),
}


def conforms(instance: Any, root: str, documents: Mapping[str, Any],
             formats: Mapping[str, Callable[[Any], Any]]) -> bool:
    """Whether ``instance`` conforms to the schema ``documents[root]``, resolving ``$ref`` among ``documents``
    (URI -> schema) and checking the ``formats`` given (name -> check; other formats are not checked).

    Raises :class:`Unsupported` when a schema or the instance goes beyond the subset (see the module docstring).
    """
    checker = _Checker(documents, formats)  # the schemas' keywords checked before any is applied
    return checker.valid(instance, documents[root], root)
