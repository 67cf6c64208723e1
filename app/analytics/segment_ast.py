"""The tree a segment expression parses into, and its rendering back to text.

Frozen dataclasses, so two trees compare equal when they mean the same thing as written;
`render(parse(text))` is a canonical spelling and `parse(render(tree)) == tree` (property-tested).
Pure: no I/O imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class AbsoluteDate:
    value: date


@dataclass(frozen=True)
class RelativeDate:
    """`-90d`: `amount` units before now (d days, w weeks, m months of 30 days, y years of 365)."""

    amount: int
    unit: str


@dataclass(frozen=True)
class Distance:
    """`25mi` or `40km`: a distance literal, converted to kilometres when compiled."""

    amount: Decimal
    unit: str


Value = Number | Text | AbsoluteDate | RelativeDate | Distance

COMPARISON_OPERATORS = ("=", "!=", "<", "<=", ">", ">=")


@dataclass(frozen=True)
class Comparison:
    attribute: str
    operator: str  # one of COMPARISON_OPERATORS
    value: Value


@dataclass(frozen=True)
class Between:
    """Inclusive at both ends, like SQL's BETWEEN."""

    attribute: str
    low: Value
    high: Value


@dataclass(frozen=True)
class Contains:
    attribute: str
    value: Text
    negated: bool = False


@dataclass(frozen=True)
class IsNull:
    attribute: str
    negated: bool = False


@dataclass(frozen=True)
class And:
    parts: tuple[Expression, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Expression, ...]


@dataclass(frozen=True)
class Not:
    operand: Expression


Condition = Comparison | Between | Contains | IsNull
Expression = Condition | And | Or | Not

RELATIVE_UNITS = ("d", "w", "m", "y")
RELATIVE_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
DISTANCE_UNITS = ("km", "mi")
KM_PER_MILE = Decimal("1.609344")


def render_value(value: Value) -> str:
    if isinstance(value, Number):
        return format(value.value, "f")
    if isinstance(value, Text):
        return "'" + value.value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, AbsoluteDate):
        return value.value.isoformat()
    if isinstance(value, RelativeDate):
        return f"-{value.amount}{value.unit}"
    return f"{format(value.amount, 'f')}{value.unit}"


def render(expression: Expression) -> str:
    """Canonical text: upper-case keywords, single-quoted strings, parentheses only where needed."""
    if isinstance(expression, Comparison):
        return f"{expression.attribute} {expression.operator} {render_value(expression.value)}"
    if isinstance(expression, Between):
        low, high = render_value(expression.low), render_value(expression.high)
        return f"{expression.attribute} BETWEEN {low} AND {high}"
    if isinstance(expression, Contains):
        keyword = "NOT CONTAINS" if expression.negated else "CONTAINS"
        return f"{expression.attribute} {keyword} {render_value(expression.value)}"
    if isinstance(expression, IsNull):
        return f"{expression.attribute} IS {'NOT NULL' if expression.negated else 'NULL'}"
    if isinstance(expression, Not):
        operand = expression.operand
        inner = render(operand)
        return f"NOT ({inner})" if isinstance(operand, And | Or) else f"NOT {inner}"
    keyword = " AND " if isinstance(expression, And) else " OR "
    return keyword.join(_render_part(part, expression) for part in expression.parts)


def _render_part(part: Expression, parent: And | Or) -> str:
    # An And inside an Or binds tighter anyway; any other nesting of And/Or needs parentheses,
    # otherwise re-parsing would flatten it into the parent.
    needs_parens = isinstance(part, Or) or (isinstance(part, And) and isinstance(parent, And))
    text = render(part)
    return f"({text})" if needs_parens else text


def attributes_used(expression: Expression) -> set[str]:
    if isinstance(expression, And | Or):
        return set().union(*(attributes_used(part) for part in expression.parts))
    if isinstance(expression, Not):
        return attributes_used(expression.operand)
    return {expression.attribute}
