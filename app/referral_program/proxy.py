"""The referral link: `https://{shop}/apps/orbit/r/<code>` reaches the app through Shopify's app
proxy (shopify.app.toml: [app_proxy] url=/proxy, subpath=orbit, prefix=apps) as
`GET /proxy/r/<code>?shop=...&path_prefix=/apps/orbit&timestamp=...&signature=...`.

The signature is verified with shopifyapp's `verify_app_proxy_req` (any failure: 401, nothing
recorded). A known code of an enabled program records a click and redirects the friend to
Shopify's discount URL, which puts the code in the cart, then to the home page with `?ref=<code>`:

    302 Location: https://{shop}/discount/<CODE>?redirect=/%3Fref%3D<CODE>

Attribution then finds the code three ways (app/referrals/attribution.py): among the order's
discount codes (the strongest), in the `orbit_referral` cart attribute (for themes that copy
`?ref=` into the cart; none is required), or in the landing page (`/apps/orbit/r/<code>` or
`?ref=<code>`), which Shopify records as the order's landing site. An unknown code, or a program
that is off, lands on the store's home page without a discount.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, redirect, request
from sqlalchemy import select

from app import db
from app.errors import error_response
from app.models import Advocate, ReferralClick, Shop
from app.referral_program.settings import load
from app.referrals.codes import normalise_code
from app.shopify.clients import shopify_app

bp = Blueprint("referral_proxy", __name__, url_prefix="/proxy")


def shop_domain(raw: str) -> str:
    domain = raw.strip().lower()
    return domain if domain.endswith(".myshopify.com") else f"{domain}.myshopify.com"


@bp.get("/r/<code>")
def referral_link(code: str) -> Response:
    """Verify the proxy signature, count the click, send the friend to the store with the code."""
    verified = shopify_app().verify_app_proxy_req(
        {"method": "GET", "headers": dict(request.headers), "url": request.url, "body": ""}
    )
    if not verified.ok:
        return error_response(401, "invalid app proxy signature")
    domain = shop_domain(request.args.get("shop", ""))
    session = db.request_session()
    shop = session.scalar(select(Shop).where(Shop.domain == domain))
    wanted = normalise_code(code)
    advocate = None
    if shop is not None and shop.is_installed and load(shop.settings)["enabled"] and wanted:
        advocate = session.scalar(
            select(Advocate).where(Advocate.shop_id == shop.id, Advocate.code == wanted)
        )
    if advocate is None:
        return redirect(f"https://{domain}/", code=302)
    customer = verified.logged_in_customer_id
    session.add(
        ReferralClick(
            shop_id=shop.id,
            advocate_id=advocate.id,
            logged_in_customer_shopify_id=int(customer) if customer and customer.isdigit() else None,
        )
    )
    advocate.clicks = Advocate.clicks + 1
    session.commit()
    landing = quote(f"/?ref={advocate.code}", safe="")
    return redirect(f"https://{domain}/discount/{quote(advocate.code)}?redirect={landing}", code=302)
