"""The segment language: round trips, garbage never crashes, and errors point at the mistake."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.analytics import segment_ast as ast
from app.analytics.segment_attributes import ATTRIBUTES, DATE, DISTANCE, LIST, NUMBER, TEXT
from app.analytics.segment_language import SegmentSyntaxError, parse, tokenize

numbers = st.builds(
    ast.Number,
    st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False),
)
texts = st.builds(ast.Text, st.text(max_size=20))
dates = st.builds(ast.AbsoluteDate, st.dates(min_value=date(1000, 1, 1)))
relative_dates = st.builds(ast.RelativeDate, st.integers(0, 99), st.sampled_from(ast.RELATIVE_UNITS))
distances = st.builds(
    ast.Distance,
    st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(ast.DISTANCE_UNITS),
)


def values_for(name: str) -> st.SearchStrategy[ast.Value]:
    attribute = ATTRIBUTES[name]
    if attribute.allowed_values:
        return st.sampled_from(attribute.allowed_values).map(ast.Text)
    return {
        NUMBER: numbers,
        DISTANCE: numbers | distances,
        DATE: dates | relative_dates,
        TEXT: texts,
        LIST: texts,
    }[attribute.kind]


@st.composite
def conditions(draw: st.DrawFn) -> ast.Condition:
    name = draw(st.sampled_from(sorted(ATTRIBUTES)))
    kind = ATTRIBUTES[name].kind
    if kind == LIST:
        return ast.Contains(name, draw(texts), draw(st.booleans()))
    shapes = ["compare", "null"] + (["between"] if kind != TEXT else [])
    shape = draw(st.sampled_from(shapes))
    if shape == "null":
        return ast.IsNull(name, draw(st.booleans()))
    if shape == "between":
        return ast.Between(name, draw(values_for(name)), draw(values_for(name)))
    operators = ("=", "!=") if kind == TEXT else ast.COMPARISON_OPERATORS
    return ast.Comparison(name, draw(st.sampled_from(operators)), draw(values_for(name)))


expressions = st.recursive(
    conditions(),
    lambda children: st.one_of(
        st.builds(ast.Not, children),
        st.lists(children, min_size=2, max_size=4).map(lambda parts: ast.And(tuple(parts))),
        st.lists(children, min_size=2, max_size=4).map(lambda parts: ast.Or(tuple(parts))),
    ),
    max_leaves=12,
)


@given(expressions)
@settings(max_examples=400, deadline=None)
def test_rendering_then_parsing_gives_back_the_same_tree(tree):
    assert parse(ast.render(tree)) == tree


@given(st.text(max_size=80))
@settings(max_examples=500, deadline=None)
def test_any_text_either_parses_or_raises_a_syntax_error_with_a_position(text):
    try:
        parse(text)
    except SegmentSyntaxError as error:
        assert 0 <= error.position <= len(text)
        assert f"position {error.position}" in str(error)


LANGUAGE_WORDS = "AND OR NOT ( ) BETWEEN CONTAINS IS NULL = <= > != 'x' 12 -90d 25mi 2026-01-31 age 'Loyal'"
tokens = st.sampled_from(LANGUAGE_WORDS.split() + ["number_of_orders", "customer_tags", "rfm_group"])


@given(st.lists(tokens, max_size=12))
@settings(max_examples=500, deadline=None)
def test_shuffled_language_tokens_never_crash_the_parser(words):
    text = " ".join(words)
    try:
        parse(text)
    except SegmentSyntaxError as error:
        assert 0 <= error.position <= len(text)


def test_the_seed_example_parses_into_four_conditions():
    tree = parse(
        "gender = 'male' AND age BETWEEN 25 AND 50 AND distance_km <= 25mi"
        " AND products_purchased CONTAINS 'Beard Care'"
    )
    assert tree == ast.And(
        (
            ast.Comparison("gender", "=", ast.Text("male")),
            ast.Between("age", ast.Number(Decimal(25)), ast.Number(Decimal(50))),
            ast.Comparison("distance_km", "<=", ast.Distance(Decimal(25), "mi")),
            ast.Contains("products_purchased", ast.Text("Beard Care")),
        )
    )


def test_not_binds_tighter_than_and_which_binds_tighter_than_or():
    tree = parse("NOT country = 'US' AND age > 30 OR gender = 'female'")
    assert tree == ast.Or(
        (
            ast.And(
                (
                    ast.Not(ast.Comparison("country", "=", ast.Text("US"))),
                    ast.Comparison("age", ">", ast.Number(Decimal(30))),
                )
            ),
            ast.Comparison("gender", "=", ast.Text("female")),
        )
    )


def test_keywords_are_case_insensitive_and_strings_take_escaped_quotes():
    tree = parse(r"customer_tags not contains 'o\'brien' or last_order_date is not null")
    assert tree == ast.Or(
        (ast.Contains("customer_tags", ast.Text("o'brien"), True), ast.IsNull("last_order_date", True))
    )


@pytest.mark.parametrize(
    ("text", "position", "expected_fragment"),
    [
        ("", 0, "an attribute name"),
        ("number_of_orders", 16, "an operator for number_of_orders"),
        ("number_of_orders >=", 19, "a number"),
        ("number_of_orders >= 'three'", 20, "a number"),
        ("last_order_date > 90", 18, "a date"),
        ("last_order_date > -90x", 18, None),
        ("bogus = 1", 0, "one of"),
        ("rfm_group = 'Champs'", 12, "'Champions'"),
        ("rfm_group > 'Loyal'", 10, "an operator for rfm_group (=, !=, IS NULL)"),
        ("customer_tags = 'vip'", 14, "CONTAINS"),
        ("(age > 3", 8, "')'"),
        ("age > 3)", 7, "AND, OR or the end"),
        ("age > 3 AND", 11, "an attribute name"),
        ("age BETWEEN 1 OR 2", 14, "AND"),
        ("country = 'US", 10, "closing '"),
        ("age > 3 # comment", 8, None),
        ("first_order_date > 2026-02-30", 19, None),
        ("first_order_date > -200y", 19, None),
        ("age IS MISSING", 7, "NULL"),
        ("NOT " * 50 + "age > 1", 160, None),
    ],
)
def test_errors_name_the_position_and_what_was_expected(text, position, expected_fragment):
    with pytest.raises(SegmentSyntaxError) as raised:
        parse(text)
    assert raised.value.position == position
    if expected_fragment is not None:
        assert expected_fragment in (raised.value.expected or "")


def test_relative_dates_and_distances_are_single_tokens():
    kinds = [token.kind for token in tokenize("-90d 25mi 40km 2026-01-31 -5 1.5")]
    assert kinds == ["RELATIVE", "DISTANCE", "DISTANCE", "DATE", "NUMBER", "NUMBER", "END"]


def test_rendering_parenthesises_only_where_the_meaning_needs_it():
    flat = "age > 1 AND age < 5 OR country = 'US'"
    assert ast.render(parse("(age > 1 AND age < 5) OR (country = 'US')")) == flat
    nested = "age > 1 AND (age < 5 OR country = 'US')"
    assert ast.render(parse(nested)) == nested
    assert ast.render(parse("NOT (age > 1 OR age < 0)")) == "NOT (age > 1 OR age < 0)"
