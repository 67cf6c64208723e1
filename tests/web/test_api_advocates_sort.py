"""The advocates listing ranks in SQL over all of the shop's advocates (?sort=revenue|referrals|
newest), so the Referrals page's leaderboard is the real top and pages follow the ranking."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from app import db
from app.models import Advocate, Referral
from tests.conftest import OTHER_SHOP
from tests.web.ui_data import NOW, install, seed_small_store, shop_id

ORDER_IDS = count(50_001)


def add_advocate(session, shop: int, customer: int, code: str, referrals: list[tuple[str, str]]) -> None:
    """An advocate and their referred orders as (status, order total)."""
    advocate = Advocate(shop_id=shop, customer_shopify_id=customer, code=code)
    session.add(advocate)
    session.flush()
    for status, total in referrals:
        session.add(
            Referral(
                shop_id=shop,
                advocate_id=advocate.id,
                order_shopify_id=next(ORDER_IDS),
                code=code,
                via="discount_code",
                order_total=Decimal(total),
                currency="USD",
                ordered_at=NOW,
                status=status,
            )
        )
    session.flush()


def seed_advocates(app, shop: int, other: int) -> None:
    """Anna (oldest): one big earned referral. Ben: three small pending ones. Cleo (newest): only
    a rejected referral, which counts for neither revenue nor referrals. The other shop's advocate
    outsells them all and must never appear."""
    with app.app_context():
        session = db.request_session()
        add_advocate(session, shop, 101, "ANNA10", [("earned", "300.00")])
        add_advocate(
            session, shop, 102, "BEN10", [("pending", "20.00"), ("pending", "20.00"), ("review", "20.00")]
        )
        add_advocate(session, shop, 103, "CLEO10", [("rejected", "1000.00"), ("void", "500.00")])
        add_advocate(session, other, 101, "OTHER10", [("earned", "9999.00")] * 5)
        session.commit()


def codes(client, headers, **query) -> list[str]:
    response = client.get("/api/referrals/advocates", headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return [a["code"] for a in response.json["advocates"]]


def test_advocates_are_ranked_by_revenue_referrals_or_newest(app, client, shopify):
    headers = install(client, shopify)
    install(client, shopify, OTHER_SHOP)
    shop = shop_id(app)
    seed_small_store(app, shop)
    seed_advocates(app, shop, shop_id(app, OTHER_SHOP))

    assert codes(client, headers) == ["CLEO10", "BEN10", "ANNA10"]
    assert codes(client, headers, sort="newest") == ["CLEO10", "BEN10", "ANNA10"]
    assert codes(client, headers, sort="revenue") == ["ANNA10", "BEN10", "CLEO10"]
    assert codes(client, headers, sort="referrals") == ["BEN10", "ANNA10", "CLEO10"]

    # Pages follow the ranking rather than ranking within a page.
    assert codes(client, headers, sort="revenue", limit=1) == ["ANNA10"]
    assert codes(client, headers, sort="revenue", limit=1, offset=1) == ["BEN10"]

    listing = client.get("/api/referrals/advocates?sort=revenue", headers=headers).json
    assert listing["total"] == 3
    assert [a["referred_revenue"] for a in listing["advocates"]] == ["300.00", "60.00", "0.00"]


def test_an_unknown_sort_is_a_400(client, shopify):
    headers = install(client, shopify)

    response = client.get("/api/referrals/advocates?sort=clicks", headers=headers)

    assert response.status_code == 400
    assert "revenue" in response.json["error"]["message"]
