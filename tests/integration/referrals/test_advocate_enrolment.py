"""Advocates enrol themselves: every referral run gives customers with a paid (not cancelled, not
test) order a code, created in Shopify with look-up-before-create, a metafield with a storefront
readable definition, in batches; a discount someone else made with the same code is never
adopted."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from app import db
from app.models import Advocate, Order
from app.referral_program.advocates import METAFIELD_KEY
from app.shopify import discount_operations
from app.shopify.client import AdminClient
from devstore.resolvers.discounts import find_by_code


def advocates(shop) -> dict[int, Advocate]:
    with shop.app.app_context():
        rows = db.request_session().scalars(select(Advocate).where(Advocate.shop_id == shop.shop_id))
        return {a.customer_shopify_id: a for a in rows}


def metafield_of(shop, customer_id: int) -> dict | None:
    owner = f"gid://shopify/Customer/{customer_id}"
    values = shop.dev._metafields["values"]
    found = [v for (o, _ns, key), v in values.items() if o == owner and key == METAFIELD_KEY]
    return json.loads(found[0]["value"]) if found else None


def orbit_discounts(shop) -> list[dict]:
    return [d for d in shop.dev.discount_codes.values() if str(d.get("title")).startswith("Orbit referral ")]


def customer_with_order(shop, email: str, first_name: str) -> tuple[int, dict]:
    customer = shop.new_customer(email, first_name=first_name)
    return customer, shop.change(kind="order.create", customer_id=customer, lines=shop.lines())


def test_customers_with_a_paid_order_are_enrolled_by_the_run_in_batches_and_only_once(referral_shop):
    shop = referral_shop
    shop.settings()
    shop.app.config["REFERRALS_ENROL_BATCH"] = 2
    paying, _ = customer_with_order(shop, "ada.paying@example.com", "Ada")
    for n in range(4):
        customer_with_order(shop, f"payer{n}@example.com", f"Payer{n}")
    cancelled, order = customer_with_order(shop, "carl.cancelled@example.com", "Carl")
    shop.change(kind="order.cancel", id=order["id"])
    tester, test_order = customer_with_order(shop, "tess.test@example.com", "Tess")
    browser = shop.new_customer("bo.browser@example.com", first_name="Bo")  # no order at all
    shop.sync()
    with shop.app.app_context(), db.transaction() as session:
        # The devstore cannot place test orders; a test order is one the mirror records as such.
        session.execute(update(Order).where(Order.shopify_id == test_order["id"]).values(test=True))
        eligible = len(
            set(
                session.scalars(
                    select(Order.customer_shopify_id).where(
                        Order.shop_id == shop.shop_id,
                        Order.financial_status == "paid",
                        Order.cancelled_at.is_(None),
                        Order.test.is_(False),
                    )
                )
            )
        )
    assert eligible == 5  # Ada and the four payers

    enrolled = 0
    while (summary := shop.run()).get("enrolled"):
        assert summary["enrolled"] <= 2 and summary["published"] == summary["enrolled"]
        enrolled += summary["enrolled"]
    assert enrolled == eligible == len(advocates(shop))
    assert (summary["enrolled"], summary["published"]) == (0, 0)  # idempotent: nobody twice

    rows = advocates(shop)
    assert paying in rows and not {cancelled, tester, browser} & set(rows)
    ada = rows[paying]
    assert ada.code.startswith("ADA-") and ada.discount_gid and ada.metafield_written_at
    discount = find_by_code(shop.dev, ada.code)
    assert discount["admin_graphql_api_id"] == ada.discount_gid
    assert discount["title"] == f"Orbit referral {ada.code}" and discount["applies_once_per_customer"]
    assert metafield_of(shop, paying) == {
        "code": ada.code,
        "link": f"https://{shop.domain}/apps/orbit/r/{ada.code}",
    }
    # One Shopify discount per advocate, however often the run went.
    assert sorted(d["code"] for d in orbit_discounts(shop)) == sorted(a.code for a in rows.values())

    # Themes read the code: the metafield has a definition with storefront read access.
    [definition] = [
        d for (owner, _ns, key), d in shop.dev._metafields["definitions"].items() if key == METAFIELD_KEY
    ]
    assert (definition["ownerType"], definition["type"]["name"]) == ("CUSTOMER", "json")
    assert definition["access_input"] == {"storefront": "PUBLIC_READ"}


def test_a_run_after_a_crash_finds_the_code_it_created_instead_of_creating_another(referral_shop):
    shop = referral_shop
    shop.settings()
    paying, _ = customer_with_order(shop, "crash.after.create@example.com", "Cora")
    shop.sync()
    shop.run()
    created = advocates(shop)[paying]
    # As if the worker died after Shopify created the discount but before our commit.
    with shop.app.app_context(), db.transaction() as session:
        session.execute(
            update(Advocate)
            .where(Advocate.id == created.id)
            .values(discount_gid=None, metafield_written_at=None)
        )
    before = len(shop.dev.discount_codes)

    assert shop.run()["published"] == 1
    again = advocates(shop)[paying]
    assert (again.code, again.discount_gid) == (created.code, created.discount_gid)
    assert len(shop.dev.discount_codes) == before


def test_a_discount_someone_else_made_with_the_code_is_not_adopted(referral_shop, client, shopify):
    shop = referral_shop
    shop.settings()
    paying, _ = customer_with_order(shop, "clash@example.com", "Dana")
    shop.sync()
    # The merchant's UI enrols Dana first: her code is reserved, publishing waits for a job.
    headers = shopify.bearer(shop.devstore.session_token(shop.domain))
    reserved = client.post("/api/referrals/advocates", headers=headers, json={"customer_id": paying})
    assert reserved.status_code == 202, reserved.json
    code = reserved.json["advocate"]["code"]
    # Meanwhile the merchant made a sale discount that happens to use the same code.
    with shop.app.app_context():
        foreign_gid = discount_operations.create_code(
            AdminClient(None, shop.domain),
            {
                "title": "Spring sale",
                "code": code,
                "startsAt": "2026-01-01T00:00:00Z",
                "customerGets": {"value": {"percentage": 0.5}, "items": {"all": True}},
            },
        )

    shop.run()
    dana = advocates(shop)[paying]
    assert dana.code != code and dana.code.startswith("DANA-")
    assert dana.link.endswith(f"/apps/orbit/r/{dana.code}")
    assert dana.discount_gid != foreign_gid
    assert find_by_code(shop.dev, dana.code)["title"] == f"Orbit referral {dana.code}"
    assert find_by_code(shop.dev, code)["title"] == "Spring sale"  # left as the merchant made it
    assert metafield_of(shop, paying)["code"] == dana.code
    listed = client.get("/api/referrals/advocates", headers=headers, query_string={"limit": 200}).json
    assert [a["code"] for a in listed["advocates"] if a["customer_id"] == paying] == [dana.code]
