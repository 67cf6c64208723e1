"""Orbit's segment query language: a tokenizer and a recursive-descent parser into segment_ast.

In the spirit of Shopify's segment query language:

    number_of_orders >= 3 AND last_order_date > -90d AND customer_tags CONTAINS 'wholesale'
    gender = 'male' AND age BETWEEN 25 AND 50 AND distance_km <= 25mi
        AND products_purchased CONTAINS 'Beard Care'

Grammar (keywords are case-insensitive; NOT binds tighter than AND, AND tighter than OR):

    expression := and_expr ("OR" and_expr)*
    and_expr   := not_expr ("AND" not_expr)*
    not_expr   := "NOT" not_expr | "(" expression ")" | condition
    condition  := ATTRIBUTE ( OPERATOR value | "BETWEEN" value "AND" value
                  | ["NOT"] "CONTAINS" STRING | "IS" ["NOT"] "NULL" )
    value      := NUMBER | STRING | DATE (2026-01-31) | RELATIVE (-90d, -2w, -3m, -1y) | DISTANCE (25mi, 40km)

Every error is a SegmentSyntaxError naming the 0-based character position and what was expected.
The text is parsed, never evaluated. Pure: no I/O imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.analytics import segment_ast as ast
from app.analytics.segment_attributes import ATTRIBUTES, DATE, DISTANCE, LIST, NUMBER, OPERATORS_BY_KIND, TEXT

MAX_LENGTH = 4000
MAX_DEPTH = 40  # nesting of parentheses and NOTs; keeps recursion far from Python's limit
MAX_RELATIVE_DAYS = 36500  # -100y: further back than any shop's history


class SegmentSyntaxError(ValueError):
    def __init__(self, message: str, position: int, expected: str | None = None) -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position
        self.expected = expected


@dataclass(frozen=True)
class Token:
    kind: str  # WORD, NUMBER, STRING, DATE, RELATIVE, DISTANCE, OP, LPAREN, RPAREN, END
    text: str
    position: int
    value: object = None


_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<date>\d{4}-\d{2}-\d{2})(?![\w.])
      | (?P<relative>-(?P<rel_amount>\d{1,6})(?P<rel_unit>[dwmy]))(?![\w.])
      | (?P<number>-?\d{1,15}(?:\.\d{1,15})?)(?P<unit>km|mi)?(?![\w.])
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op><=|>=|!=|=|<|>)
      | (?P<lparen>\()
      | (?P<rparen>\))
    """,
    re.VERBOSE,
)
KEYWORDS = {"AND", "OR", "NOT", "BETWEEN", "CONTAINS", "IS", "NULL"}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        if text[position] in "'\"":
            token, position = _string_token(text, position)
            tokens.append(token)
            continue
        match = _TOKEN.match(text, position)
        if match is None:
            raise SegmentSyntaxError(f"unexpected character {text[position]!r}", position)
        if match.lastgroup != "space":
            tokens.append(_token_from_match(match, position))
        position = match.end()
    tokens.append(Token("END", "", len(text)))
    return tokens


def _token_from_match(match: re.Match[str], position: int) -> Token:
    text = match.group(0)
    if match.group("date"):
        try:
            return Token("DATE", text, position, ast.AbsoluteDate(date.fromisoformat(text)))
        except ValueError:
            raise SegmentSyntaxError(f"{text} is not a calendar date", position) from None
    if match.group("relative"):
        amount, unit = int(match.group("rel_amount")), match.group("rel_unit")
        if amount * ast.RELATIVE_UNIT_DAYS[unit] > MAX_RELATIVE_DAYS:
            raise SegmentSyntaxError(f"{text} is more than 100 years back", position)
        return Token("RELATIVE", text, position, ast.RelativeDate(amount, unit))
    if match.group("number") is not None:
        amount = Decimal(match.group("number"))
        if match.group("unit"):
            return Token("DISTANCE", text, position, ast.Distance(amount, match.group("unit")))
        return Token("NUMBER", text, position, ast.Number(amount))
    kinds = {"word": "WORD", "op": "OP", "lparen": "LPAREN", "rparen": "RPAREN"}
    return Token(kinds[match.lastgroup or ""], text, position)


def _string_token(text: str, start: int) -> tuple[Token, int]:
    quote, chars, position = text[start], [], start + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            chars.append(text[position + 1])
            position += 2
        elif char == quote:
            value = "".join(chars)
            return Token("STRING", text[start : position + 1], start, ast.Text(value)), position + 1
        else:
            chars.append(char)
            position += 1
    raise SegmentSyntaxError("unterminated string", start, expected=f"closing {quote}")


def parse(text: str) -> ast.Expression:
    """Parse a segment definition into its tree; raise SegmentSyntaxError on any mistake."""
    if not isinstance(text, str):
        raise SegmentSyntaxError("a segment definition must be text", 0)
    if len(text) > MAX_LENGTH:
        raise SegmentSyntaxError(f"definition longer than {MAX_LENGTH} characters", MAX_LENGTH)
    parser = _Parser(tokenize(text))
    expression = parser.expression(0)
    parser.expect_end()
    return expression


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at_keyword(self, keyword: str) -> bool:
        return self.current.kind == "WORD" and self.current.text.upper() == keyword

    def fail(self, expected: str) -> SegmentSyntaxError:
        token = self.current
        found = "the end" if token.kind == "END" else repr(token.text)
        return SegmentSyntaxError(f"expected {expected}, found {found}", token.position, expected)

    def expect_keyword(self, keyword: str) -> None:
        if not self.at_keyword(keyword):
            raise self.fail(keyword)
        self.advance()

    def expect_end(self) -> None:
        if self.current.kind != "END":
            raise self.fail("AND, OR or the end")

    def expression(self, depth: int) -> ast.Expression:
        parts = [self.and_expr(depth)]
        while self.at_keyword("OR"):
            self.advance()
            parts.append(self.and_expr(depth))
        return parts[0] if len(parts) == 1 else ast.Or(tuple(parts))

    def and_expr(self, depth: int) -> ast.Expression:
        parts = [self.not_expr(depth)]
        while self.at_keyword("AND"):
            self.advance()
            parts.append(self.not_expr(depth))
        return parts[0] if len(parts) == 1 else ast.And(tuple(parts))

    def not_expr(self, depth: int) -> ast.Expression:
        if depth >= MAX_DEPTH:
            raise SegmentSyntaxError(f"nested more than {MAX_DEPTH} levels deep", self.current.position)
        if self.at_keyword("NOT"):
            self.advance()
            return ast.Not(self.not_expr(depth + 1))
        if self.current.kind == "LPAREN":
            self.advance()
            inner = self.expression(depth + 1)
            if self.current.kind != "RPAREN":
                raise self.fail("AND, OR or ')'")
            self.advance()
            return inner
        return self.condition()

    def condition(self) -> ast.Condition:
        token = self.current
        if token.kind != "WORD" or token.text.upper() in KEYWORDS:
            raise self.fail("an attribute name, NOT or '('")
        attribute = ATTRIBUTES.get(token.text)
        if attribute is None:
            raise SegmentSyntaxError(
                f"unknown attribute {token.text!r}", token.position, "one of " + ", ".join(sorted(ATTRIBUTES))
            )
        self.advance()
        allowed = OPERATORS_BY_KIND[attribute.kind]
        operator = self.current
        if operator.kind == "OP" and operator.text in allowed:
            self.advance()
            return ast.Comparison(attribute.name, operator.text, self.value(attribute.name, attribute.kind))
        word = operator.text.upper() if operator.kind == "WORD" else None
        if word == "BETWEEN" and word in allowed:
            self.advance()
            low = self.value(attribute.name, attribute.kind)
            self.expect_keyword("AND")
            return ast.Between(attribute.name, low, self.value(attribute.name, attribute.kind))
        if word in ("CONTAINS", "NOT") and attribute.kind == LIST:
            self.advance()
            if word == "NOT":
                self.expect_keyword("CONTAINS")
            text = self.value(attribute.name, TEXT)
            return ast.Contains(attribute.name, text, negated=word == "NOT")  # type: ignore[arg-type]
        if word == "IS" and word in allowed:
            self.advance()
            negated = self.at_keyword("NOT")
            if negated:
                self.advance()
            self.expect_keyword("NULL")
            return ast.IsNull(attribute.name, negated)
        raise self.fail(f"an operator for {attribute.name} ({_describe_operators(allowed)})")

    def value(self, attribute_name: str, kind: str) -> ast.Value:
        token = self.current
        accepted = {
            NUMBER: ("NUMBER",),
            DISTANCE: ("NUMBER", "DISTANCE"),
            DATE: ("DATE", "RELATIVE"),
            TEXT: ("STRING",),
            LIST: ("STRING",),
        }[kind]
        if token.kind not in accepted:
            raise self.fail(_describe_value(kind))
        allowed_values = ATTRIBUTES[attribute_name].allowed_values
        if allowed_values and token.value.value.lower() not in {v.lower() for v in allowed_values}:
            choices = ", ".join(f"'{v}'" for v in allowed_values)
            message = f"{attribute_name} cannot be {token.text}"
            raise SegmentSyntaxError(message, token.position, f"one of {choices}")
        self.advance()
        return token.value  # type: ignore[return-value]


def _describe_operators(allowed: tuple[str, ...]) -> str:
    words = {"IS": "IS NULL", "NOT": "NOT CONTAINS"}
    return ", ".join(words.get(op, op) for op in allowed)


def _describe_value(kind: str) -> str:
    return {
        NUMBER: "a number",
        DISTANCE: "a distance (a number of kilometres, or like 25mi or 40km)",
        DATE: "a date (like 2026-01-31) or a relative date (like -90d, -2w, -3m, -1y)",
        TEXT: "a quoted string",
        LIST: "a quoted string",
    }[kind]
