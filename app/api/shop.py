"""GET /api/shop: the shop's identity and headline figures, read live from the Admin API."""

from __future__ import annotations

from flask import Response, g, jsonify

from app import db
from app.api import bp
from app.errors import error_response
from app.security import session_token_required
from app.shopify import admin, operations
from app.shopify.tokens import TokenError


def shop_overview(data: dict) -> dict:
    """The slice of ShopOverview the UI shows, in the API's snake_case."""
    shop = data["shop"]
    return {
        "shop": {
            "domain": shop["myshopifyDomain"],
            "name": shop["name"],
            "currency": shop["currencyCode"],
            "timezone": shop["ianaTimezone"],
        },
        "counts": {
            "customers": data["customersCount"]["count"],
            "orders": data["ordersCount"]["count"],
            "products": data["productsCount"]["count"],
        },
        "recent_orders": [
            {
                "id": order["id"],
                "name": order["name"],
                "processed_at": order["processedAt"],
                "financial_status": order["displayFinancialStatus"],
                "total": order["totalPriceSet"]["shopMoney"]["amount"],
                "currency": order["totalPriceSet"]["shopMoney"]["currencyCode"],
                "customer": (order.get("customer") or {}).get("displayName"),
            }
            for order in data["orders"]["nodes"]
        ],
    }


@bp.get("/shop")
@session_token_required
def get_shop() -> Response:
    """The shop overview for the home page."""
    session = db.request_session()
    try:
        data = admin.execute(session, g.shop.domain, operations.SHOP_OVERVIEW)
    except (admin.AdminApiError, TokenError) as exc:
        session.rollback()
        return error_response(502, f"Shopify did not answer as expected ({exc})")
    overview = shop_overview(data)
    g.shop.name = overview["shop"]["name"]
    g.shop.currency = overview["shop"]["currency"]
    g.shop.iana_timezone = overview["shop"]["timezone"]
    session.commit()
    return jsonify(overview)
