"""Compile a parsed segment expression to a SQLAlchemy Core condition over customer_facts.

Every literal becomes a bound parameter (never text spliced into SQL). Relative dates resolve
against `now`; distances convert to kilometres; text compares case-insensitively; CONTAINS on
customer_tags is a LIKE on the normalised "|tag|" text, and products_purchased an IN over the
buyers of counted orders' lines whose product has that title, type or tag (resolved to product
ids when compiling, from the shop's products).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, bindparam, false, func, literal, not_, or_, select
from sqlalchemy.orm import Session

from app.analytics import segment_ast as ast
from app.models import CustomerFacts, Order, OrderLine, Product
from app.segments.facts_loader import PAID_STATUSES

COLUMNS = {
    "number_of_orders": CustomerFacts.number_of_orders,
    "amount_spent": CustomerFacts.amount_spent,
    "average_order_value": CustomerFacts.average_order_value,
    "first_order_date": CustomerFacts.first_order_at,
    "last_order_date": CustomerFacts.last_order_at,
    "predicted_clv": CustomerFacts.predicted_clv,
    "predicted_clv_percentile": CustomerFacts.predicted_clv_percentile,
    "expected_orders_90d": CustomerFacts.expected_orders_90d,
    "churn_risk": CustomerFacts.churn_risk,
    "cycles_since_last_order": CustomerFacts.cycles_since_last_order,
    "discount_share": CustomerFacts.discount_share,
    "refund_share": CustomerFacts.refund_share,
    "lead_score": CustomerFacts.lead_score,
    "lead_score_percentile": CustomerFacts.lead_score_percentile,
    "referral_count": CustomerFacts.referral_count,
    "rfm_group": CustomerFacts.rfm_group,
    "email_subscription_status": CustomerFacts.email_subscription_status,
    "country": CustomerFacts.country,
    "acquisition_source": CustomerFacts.acquisition_source,
    "gender": CustomerFacts.gender,
    "age": CustomerFacts.age,
    "distance_km": CustomerFacts.distance_km,
    "abandoned_checkout_date": CustomerFacts.abandoned_checkout_at,
}
DATE_ATTRIBUTES = {"first_order_date", "last_order_date", "abandoned_checkout_date"}
TEXT_ATTRIBUTES = {"rfm_group", "email_subscription_status", "country", "acquisition_source", "gender"}


@dataclass(frozen=True)
class CompileContext:
    shop_id: int
    now: datetime
    product_ids: Callable[[str], list[int]]  # product ids whose title, type or tag is the term
    # When set, relative dates become named bind parameters (rel_90d, ...) collected here, so a
    # compiled statement can be reused at another `now` (the incremental path caches statements).
    relative_names: set[str] | None = None


def context_for(
    session: Session, shop_id: int, now: datetime, relative_names: set[str] | None = None
) -> CompileContext:
    """A context whose product lookup reads the shop's products once, on first use."""
    cache: dict[str, list[int]] = {}
    catalogue: list[tuple[int, str, str, list[str]]] = []

    def product_ids(term: str) -> list[int]:
        if not catalogue:
            rows = session.execute(
                select(Product.shopify_id, Product.title, Product.product_type, Product.tags).where(
                    Product.shop_id == shop_id, Product.deleted_at.is_(None)
                )
            )
            catalogue.extend((r[0], (r[1] or "").lower(), (r[2] or "").lower(), _lower(r[3])) for r in rows)
            catalogue.append((-1, "", "", []))  # marks "loaded" for a shop without products
        key = term.strip().lower()
        if key not in cache:
            cache[key] = sorted(
                {pid for pid, title, kind, tags in catalogue if key and (key in (title, kind) or key in tags)}
            )
        return cache[key]

    return CompileContext(shop_id, now, product_ids, relative_names)


def _lower(tags: object) -> list[str]:
    return [str(tag).strip().lower() for tag in tags] if isinstance(tags, list) else []


def compile_expression(expression: ast.Expression, context: CompileContext) -> ColumnElement[bool]:
    if isinstance(expression, ast.And):
        return and_(*(compile_expression(part, context) for part in expression.parts))
    if isinstance(expression, ast.Or):
        return or_(*(compile_expression(part, context) for part in expression.parts))
    if isinstance(expression, ast.Not):
        # SQL's NOT over NULL is NULL (not a member); "NOT age > 30" means "not known to be over 30".
        return func.coalesce(compile_expression(expression.operand, context), False).is_(False)
    if isinstance(expression, ast.Contains):
        condition = _contains(expression, context)
        return not_(condition) if expression.negated else condition
    if isinstance(expression, ast.IsNull):
        column = _column(expression.attribute)
        return column.is_not(None) if expression.negated else column.is_(None)
    if isinstance(expression, ast.Between):
        column = _column(expression.attribute)
        low = _bind(expression.attribute, expression.low, context)
        high = _bind(expression.attribute, expression.high, context)
        return column.between(low, high)
    return _comparison(expression, context)


def _column(attribute: str):
    return COLUMNS[attribute]


def _comparison(expression: ast.Comparison, context: CompileContext) -> ColumnElement[bool]:
    column = _column(expression.attribute)
    value = _bind(expression.attribute, expression.value, context)
    if expression.attribute in TEXT_ATTRIBUTES:
        column = func.lower(column)
    operators = {
        "=": column.__eq__,
        "!=": column.__ne__,
        "<": column.__lt__,
        "<=": column.__le__,
        ">": column.__gt__,
        ">=": column.__ge__,
    }
    return operators[expression.operator](value)


def _bind(attribute: str, value: ast.Value, context: CompileContext):
    if attribute in DATE_ATTRIBUTES:
        if isinstance(value, ast.RelativeDate) and context.relative_names is not None:
            name = relative_param_name(value)
            context.relative_names.add(name)
            return bindparam(name, type_=CustomerFacts.first_order_at.type)
        return literal(resolve_moment(value, context.now), CustomerFacts.first_order_at.type)
    if isinstance(value, ast.Distance):
        km = value.amount * ast.KM_PER_MILE if value.unit == "mi" else value.amount
        return literal(float(km))
    if isinstance(value, ast.Text):
        return literal(value.value.lower())
    if isinstance(value, ast.Number):
        column = _column(attribute)
        number: Decimal | float = value.value
        return literal(number if column.type.python_type is Decimal else float(number), column.type)
    raise TypeError(f"no binding for {value!r} on {attribute}")  # the parser prevents this


def relative_param_name(value: ast.RelativeDate) -> str:
    return f"rel_{value.amount}{value.unit}"


def relative_param_values(names: set[str], now: datetime) -> dict[str, datetime]:
    values = {}
    for name in names:
        amount, unit = int(name[4:-1]), name[-1]
        values[name] = resolve_moment(ast.RelativeDate(amount, unit), now)
    return values


def resolve_moment(value: ast.Value, now: datetime) -> datetime:
    """A date literal as a moment: an absolute date is its midnight UTC, -90d is now minus 90 days."""
    if isinstance(value, ast.AbsoluteDate):
        return datetime.combine(value.value, time(0), tzinfo=UTC)
    if isinstance(value, ast.RelativeDate):
        return now - timedelta(days=value.amount * ast.RELATIVE_UNIT_DAYS[value.unit])
    raise TypeError(f"not a date: {value!r}")


def _contains(expression: ast.Contains, context: CompileContext) -> ColumnElement[bool]:
    term = expression.value.value.strip().lower()
    if expression.attribute == "customer_tags":
        escaped = term.replace("|", "/").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return CustomerFacts.tags_text.like(f"%|{escaped}|%", escape="\\")
    product_ids = context.product_ids(term)
    if not product_ids:
        return false()
    # Uncorrelated: the buyers of these products are found once (a hashed semi-join), which keeps
    # the plan good even before the database has statistics on freshly loaded tables.
    buyers = (
        select(Order.customer_shopify_id)
        .select_from(OrderLine)
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            OrderLine.shop_id == context.shop_id,
            OrderLine.product_shopify_id.in_(product_ids),
            Order.shop_id == context.shop_id,
            Order.customer_shopify_id.is_not(None),
            Order.financial_status.in_(PAID_STATUSES),
            Order.cancelled_at.is_(None),
            Order.test.is_(False),
        )
    )
    return CustomerFacts.customer_shopify_id.in_(buyers)
