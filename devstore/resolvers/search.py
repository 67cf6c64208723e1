"""The subset of Shopify's search syntax (`query:` arguments) the app uses.

`updated_at:>'2024-01-01T00:00:00Z'` (comparators `:` `>` `>=` `<` `<=`, quoted or not),
`id:>N`, `email:bob@example.com`, `tag:vip`, prefix `email:bob*`, presence `email:*`, negation
(`-tag:x`, `NOT tag:x`), bare words matched against a resource's default text, terms AND-ed,
`OR` between groups. Like Shopify, a filter on a field the resource does not know is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from devstore.resolvers.common import parse_time
from devstore.store import Record

TOKEN = re.compile(r"""(?:[^\s'"]+|'[^']*'|"[^"]*")+""")
FIELD_TERM = re.compile(r"^([A-Za-z_][\w.]*):(>=|<=|>|<|=)?(.*)$", re.S)


@dataclass(frozen=True)
class Term:
    field: str | None  # None: a bare word
    comparator: str  # ":" ">" ">=" "<" "<="
    value: str
    negated: bool = False


@dataclass(frozen=True)
class SearchField:
    kind: str  # "time" | "number" | "text" | "tags" | "bool"
    values: Callable[[Record], Any]  # one value or a list of values


def unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def parse_search(query: str | None) -> list[list[Term]]:
    """A query as OR-ed groups of AND-ed terms."""
    groups: list[list[Term]] = [[]]
    negate_next = False
    for token in TOKEN.findall(query or ""):
        token = token.strip("()") if not token.startswith(("'", '"')) else token
        if not token or token == "AND":
            continue
        if token == "OR":
            groups.append([])
            continue
        if token == "NOT":
            negate_next = True
            continue
        negated = negate_next
        negate_next = False
        if token.startswith("-") and len(token) > 1:
            negated, token = True, token[1:]
        match = FIELD_TERM.match(token)
        if match:
            field, comparator, value = match.groups()
            field = field.lower()
            if field == "tag_not":  # Shopify's spelling of "does not have this tag"
                field, negated = "tag", not negated
            groups[-1].append(Term(field, comparator or ":", unquote(value), negated))
        else:
            groups[-1].append(Term(None, ":", unquote(token), negated))
    return [group for group in groups if group] or [[]]


def matches(
    record: Record,
    groups: list[list[Term]],
    fields: dict[str, SearchField],
    default_text: Callable[[Record], list[str]],
) -> bool:
    return any(all(term_matches(record, t, fields, default_text) for t in g) for g in groups)


def term_matches(
    record: Record,
    term: Term,
    fields: dict[str, SearchField],
    default_text: Callable[[Record], list[str]],
) -> bool:
    if term.field is None:
        needle = term.value.lower()
        found = any(needle in (text or "").lower() for text in default_text(record))
    elif term.field in fields:
        field = fields[term.field]
        raw = field.values(record)
        candidates = raw if isinstance(raw, list) else [raw]
        found = any(compare(field.kind, value, term) for value in candidates)
    else:
        return True  # Shopify ignores filters on unknown fields
    return found != term.negated


def compare(kind: str, value: Any, term: Term) -> bool:
    if term.value == "*":
        return value not in (None, "", [])
    if value is None:
        return False
    if kind == "time":
        return compare_time(value, term)
    if kind == "number":
        try:
            return ordered(float(value), float(term.value), term.comparator)
        except ValueError:
            return False
    if kind == "bool":
        return str(value).lower() == term.value.lower()
    text, wanted = str(value).lower(), term.value.lower()
    if term.comparator == ":" and wanted.endswith("*"):
        return text.startswith(wanted[:-1])
    return ordered(text, wanted, term.comparator)


def compare_time(value: Any, term: Term) -> bool:
    moment = parse_time(value)
    wanted = parse_time(term.value)
    if moment is None or wanted is None:
        return False
    date_only = len(term.value) == 10
    if term.comparator == ":" and date_only:
        return moment.date() == wanted.date()
    if date_only and term.comparator in (">", "<="):
        # A bare date means the whole day: `> 2024-01-01` starts on the next day.
        wanted = datetime.combine(wanted.date(), datetime.max.time(), tzinfo=UTC)
    return ordered(moment, wanted, term.comparator)


def ordered(left: Any, right: Any, comparator: str) -> bool:
    if comparator in (":", "="):
        return left == right
    if comparator == ">":
        return left > right
    if comparator == ">=":
        return left >= right
    if comparator == "<":
        return left < right
    return left <= right
