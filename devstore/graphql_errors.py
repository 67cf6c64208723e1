"""GraphQL errors in the shape Shopify's Admin API (graphql-ruby) gives them.

graphql-core finds the same problems graphql-ruby does, with other words. This module rewrites
the common ones into graphql-ruby's message, `path` (operation, then field names) and
`extensions.code` (`undefinedField`, `argumentNotAccepted`, `missingRequiredArguments`,
`selectionMismatch`, `argumentLiteralsIncompatible`, `variableNotDefined`, `variableNotUsed`,
`variableMismatch`, `undefinedType`, `useAndDefineFragment`, ...). Anything else keeps
graphql-core's message with a code named after the rule that found it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    specified_rules,
    validate,
)


@dataclass(frozen=True)
class Where:
    """Where a node sits in the document, as graphql-ruby reports it."""

    path: list[str]
    field: str | None = None
    argument: str | None = None


def syntax_error(error: GraphQLSyntaxError) -> dict[str, Any]:
    """graphql-ruby words parse errors as `Parse error on "x" (KIND) at [line, col]`."""
    location = (error.locations or [None])[0]
    where = f" at [{location.line}, {location.column}]" if location else ""
    detail = error.message.removeprefix("Syntax Error: ").rstrip(".")
    formatted: dict[str, Any] = {"message": f"Parse error: {detail}{where}"}
    if location:
        formatted["locations"] = [{"line": location.line, "column": location.column}]
    return formatted


def validation_errors(schema: GraphQLSchema, document: DocumentNode) -> list[dict[str, Any]]:
    """Every validation error, Shopify-shaped; empty for a valid document."""
    if not validate(schema, document):
        return []
    places = locate(document)
    formatted = []
    # Rare path: find which rule produced each error, to know how to word it.
    for rule in specified_rules:
        for error in validate(schema, document, [rule]):
            formatted.append(shopify_validation_error(rule.__name__, error, places))
    return formatted


def shopify_validation_error(rule: str, error: GraphQLError, places: dict[int, Where]) -> dict[str, Any]:
    located = [places[id(node)] for node in error.nodes or () if id(node) in places]
    where = located[0] if located else Where([])
    message, extensions = reword(rule, error.message, where)
    formatted: dict[str, Any] = {"message": message}
    if error.locations:
        formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if where.path:
        formatted["path"] = where.path
    formatted["extensions"] = extensions
    return formatted


def reword(rule: str, message: str, where: Where) -> tuple[str, dict[str, Any]]:
    quoted = re.findall(r"'([^']*)'", message)
    field = where.field or ""
    if rule == "FieldsOnCorrectTypeRule" and len(quoted) >= 2:
        name, type_name = quoted[0], quoted[1]
        return (
            f"Field '{name}' doesn't exist on type '{type_name}'",
            {"code": "undefinedField", "typeName": type_name, "fieldName": name},
        )
    if rule == "KnownArgumentNamesRule" and quoted:
        owner = "Directive" if "directive" in message else "Field"
        name = quoted[1].split(".")[-1].lstrip("@") if len(quoted) > 1 else field
        return (
            f"{owner} '{name}' doesn't accept argument '{quoted[0]}'",
            {"code": "argumentNotAccepted", "name": name, "typeName": owner, "argumentName": quoted[0]},
        )
    if rule == "ProvidedRequiredArgumentsRule":
        match = re.search(r"'(?:@)?(?:\w+\.)?(\w+)\((\w+):\)'", message)
        if match:
            name, argument = match.groups()
            return (
                f"Field '{name}' is missing required arguments: {argument}",
                {
                    "code": "missingRequiredArguments",
                    "className": "Field",
                    "name": name,
                    "arguments": argument,
                },
            )
    if rule == "ScalarLeafsRule" and quoted:
        name = quoted[0]
        if "must have a selection" in message:
            type_name = quoted[1]
            text = (
                f"Field must have selections (field '{name}' returns {type_name} but has no selections. "
                f"Did you mean '{name} {{ ... }}'?)"
            )
        else:
            type_name = quoted[-1]
            text = (
                f"Selections can't be made on scalars (field '{name}' returns {type_name} but has selections)"
            )
        return text, {"code": "selectionMismatch", "nodeName": f"field '{name}'", "typeName": type_name}
    if rule == "ValuesOfCorrectTypeRule":
        argument = where.argument or ""
        return (
            f"Argument '{argument}' on Field '{field}' has an invalid value. {message}",
            {"code": "argumentLiteralsIncompatible", "typeName": "Field", "argumentName": argument},
        )
    if rule in ("NoUndefinedVariablesRule", "NoUnusedVariablesRule") and quoted:
        variable = quoted[0].lstrip("$")
        operation = quoted[1] if len(quoted) > 1 else "anonymous query"
        if rule == "NoUndefinedVariablesRule":
            text, code = f"Variable ${variable} is used by {operation} but not declared", "variableNotDefined"
        else:
            text, code = f"Variable ${variable} is declared by {operation} but not used", "variableNotUsed"
        return text, {"code": code, "variableName": variable}
    if rule == "VariablesInAllowedPositionRule" and len(quoted) >= 3:
        variable = quoted[0].lstrip("$")
        return (
            f"Type mismatch on variable ${variable} and argument {where.argument or ''} "
            f"({quoted[1]} / {quoted[2]})",
            {
                "code": "variableMismatch",
                "variableName": variable,
                "typeName": quoted[1],
                "argumentName": where.argument,
                "errorMessage": "Type mismatch",
            },
        )
    if rule == "KnownTypeNamesRule" and quoted:
        return (
            f"No such type {quoted[0]}, so it can't be a fragment condition",
            {"code": "undefinedType", "typeName": quoted[0]},
        )
    if rule == "KnownFragmentNamesRule" and quoted:
        return f"Fragment {quoted[0]} was used, but not defined", {
            "code": "useAndDefineFragment",
            "fragmentName": quoted[0],
        }
    if rule == "NoUnusedFragmentsRule" and quoted:
        return f"Fragment {quoted[0]} was defined, but not used", {
            "code": "useAndDefineFragment",
            "fragmentName": quoted[0],
        }
    code = rule.removesuffix("Rule")
    return message, {"code": code[0].lower() + code[1:]}


def locate(document: DocumentNode) -> dict[int, Where]:
    """id(node) -> Where, for every field, argument and value node of the document."""
    places: dict[int, Where] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            kind = definition.operation.value
            root = f"{kind} {definition.name.value}" if definition.name else kind
        elif isinstance(definition, FragmentDefinitionNode):
            root = f"fragment {definition.name.value}"
        else:
            continue
        places[id(definition)] = Where([root])
        for node, where in walk(definition.selection_set, [root]):
            places[id(node)] = where
    return places


def walk(selection_set: Any, path: list[str]) -> Iterator[tuple[Node, Where]]:
    if selection_set is None:
        return
    yield selection_set, Where(path, path[-1] if path else None)
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.alias.value if selection.alias else selection.name.value
            field_path = [*path, name]
            here = Where(field_path, selection.name.value)
            yield selection, here
            for argument in selection.arguments or ():
                yield from walk_argument(argument, field_path, selection.name.value)
            yield from walk(selection.selection_set, field_path)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else "..."
            yield from walk(selection.selection_set, [*path, f"... on {condition}"])
        elif isinstance(selection, FragmentSpreadNode):
            yield selection, Where([*path, f"... {selection.name.value}"])
            yield selection.name, Where([*path, f"... {selection.name.value}"])


def walk_argument(argument: ArgumentNode, path: list[str], field: str) -> Iterator[tuple[Node, Where]]:
    here = Where([*path, argument.name.value], field, argument.name.value)
    yield argument, here
    stack: list[Any] = [argument.value]
    while stack:
        value = stack.pop()
        yield value, here
        stack.extend(getattr(value, "values", None) or ())
        stack.extend(f.value for f in getattr(value, "fields", None) or ())
