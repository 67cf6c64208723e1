"""Recommendations end to end on real rows: build from the app's tables, incremental update,
metafields written to the devstore over HTTP and read back, and the /api endpoints."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import db
from app.models import Order, OrderLine, Product, Recommendation, RecommendationPush, Shop, utcnow
from app.models.recommendations import CUSTOMER, PRODUCT
from app.recs.build import COOCCURRENCE
from app.recs.metafields import CUSTOMER_KEY, PRODUCT_KEY, PRODUCT_NAMESPACE
from app.shopify.client import AdminClient
from app.shopify.metafield_operations import read_metafield
from devstore.store import Shop as DevShop
from jobs import recommendations as jobs

HALF_LIFE = 60.0  # the shipped default (asserted below), so the hand figures use it
# Customers and products (Shopify ids); E is archived, so it is never recommended.
C1, C2, C3, C4 = 501, 502, 503, 504
A, B, C, D, E = 601, 602, 603, 604, 605
# (order id, customer, days ago, products); order 99 is a test order and 98 a cancelled one.
ORDERS = [
    (1, C1, 30, [A, B]),
    (2, C1, 10, [A, B, C]),
    (3, C2, 20, [A, B]),
    (4, C2, 5, [A, E]),
    (5, C3, 15, [A, C]),
    (6, C3, 3, [B, C]),
    (7, C4, 2, [D]),
]

CUSTOMER_RECOMMENDATIONS = """
query RecsTestCustomerMetafield($id: ID!) {
  customer(id: $id) { metafield(key: "recommendations") { namespace key type value } }
}
"""


def test_the_hand_figures_use_the_shipped_parameters():
    assert (COOCCURRENCE.half_life_days, COOCCURRENCE.min_support_orders, COOCCURRENCE.min_lift) == (
        60.0,
        1.0,
        1.0,
    )


def weight(days_ago: float) -> float:
    return 0.5 ** (days_ago / HALF_LIFE)


@dataclass
class RecsShop:
    domain: str
    shop_id: int
    dev: DevShop


def add_order(
    session, shop_id: int, order_id: int, customer: int, days_ago: float, products, **extra
) -> None:
    order = Order(
        shop_id=shop_id,
        shopify_id=order_id,
        customer_shopify_id=customer,
        processed_at=utcnow() - timedelta(days=days_ago),
        subtotal_price=Decimal("10"),
        total_discounts=Decimal("0"),
        total_tax=Decimal("0"),
        total_price=Decimal("10"),
        **extra,
    )
    order.lines = [
        OrderLine(
            shop_id=shop_id,
            shopify_id=order_id * 100 + i,
            product_shopify_id=p,
            quantity=1,
            price=Decimal("5"),
            total_discount=Decimal("0"),
        )
        for i, p in enumerate(products)
    ]
    session.add(order)


@pytest.fixture
def recs_shop(app, client, devstore) -> RecsShop:
    domain = f"recs-{uuid.uuid4().hex[:10]}.myshopify.com"
    dev = DevShop(domain=domain, id=abs(hash(domain)) % 10**9, name="Recs Test", email=f"owner@{domain}")
    for product in (A, B, C, D, E):
        dev.products[product] = {"id": product, "title": f"P{product}", "status": "ACTIVE"}
    for customer in (C1, C2, C3, C4):
        dev.customers[customer] = {"id": customer, "email": f"{customer}@example.com", "tags": ""}
    dev.reserve_ids_above(1000)
    devstore.store.add_shop(dev)
    response = client.get("/", query_string={"shop": domain, "id_token": devstore.session_token(domain)})
    assert response.status_code == 200, response.text
    with app.app_context(), db.transaction() as session:
        shop_id = session.scalars(select(Shop.id).where(Shop.domain == domain)).one()
        for product in (A, B, C, D, E):
            status = "archived" if product == E else "active"
            session.add(Product(shop_id=shop_id, shopify_id=product, title=f"P{product}", status=status))
        for order_id, customer, days_ago, products in ORDERS:
            add_order(session, shop_id, order_id, customer, days_ago, products)
        add_order(session, shop_id, 99, C4, 1, [A, D], test=True)
        add_order(session, shop_id, 98, C4, 1, [A, D], cancelled_at=utcnow())
    return RecsShop(domain, shop_id, dev)


def stored(app, shop_id: int, subject_type: str) -> dict[int, list[Recommendation]]:
    with app.app_context(), db.transaction() as session:
        rows = session.scalars(
            select(Recommendation)
            .where(Recommendation.shop_id == shop_id, Recommendation.subject_type == subject_type)
            .order_by(Recommendation.subject_shopify_id, Recommendation.rank)
        ).all()
    lists: dict[int, list[Recommendation]] = {}
    for row in rows:
        lists.setdefault(row.subject_shopify_id, []).append(row)
    return lists


def test_full_build_stores_bought_together_with_hand_computed_support_and_lift(app, recs_shop):
    with app.app_context():
        summary = jobs.build_shop(recs_shop.shop_id, push=False)
    assert summary["order_lines"] == 14  # the test and the cancelled order are not purchases

    products = stored(app, recs_shop.shop_id, PRODUCT)
    # Weighted counts (w = 0.5 ** (days / 60)): A in orders 1-5, B in 1, 2, 3, 6; both in 1, 2, 3.
    n_total = sum(weight(days) for _, _, days, _ in ORDERS)
    n_a = weight(30) + weight(10) + weight(20) + weight(5) + weight(15)
    n_b = weight(30) + weight(10) + weight(20) + weight(3)
    c_ab = weight(30) + weight(10) + weight(20)
    a_to_b = next(r for r in products[A] if r.product_shopify_id == B)
    assert a_to_b.support == pytest.approx(c_ab / n_total)
    assert a_to_b.lift == pytest.approx(c_ab * n_total / (n_a * n_b))
    assert a_to_b.confidence == pytest.approx(c_ab / n_a)
    assert a_to_b.kind == "bought_together"
    # E is archived: never a list, never in one. D was only ever bought alone (the test and
    # cancelled orders that paired it with A do not count).
    assert E not in products and D not in products
    assert all(r.product_shopify_id not in (E, D) for rows in products.values() for r in rows)

    customers = stored(app, recs_shop.shop_id, CUSTOMER)
    assert [(r.product_shopify_id, r.kind) for r in customers[C4]] == [(D, "buy_again")]
    c1_kinds = {r.product_shopify_id: r.kind for r in customers[C1]}
    assert c1_kinds[A] == c1_kinds[B] == c1_kinds[C] == "buy_again"
    assert E not in {r.product_shopify_id for rows in customers.values() for r in rows}


def test_new_orders_update_those_customers_as_a_full_build_would(app, recs_shop):
    C5 = 505
    with app.app_context():
        jobs.build_shop(recs_shop.shop_id, push=False)
        c1_before = [(r.product_shopify_id, r.score) for r in stored(app, recs_shop.shop_id, CUSTOMER)[C1]]
        with db.transaction() as session:
            # C4 buys D again; C5 is a new customer. D was only ever bought alone, so these orders
            # change no product pair either customer's list draws on.
            add_order(session, recs_shop.shop_id, 8, C4, 0.5, [D])
            add_order(session, recs_shop.shop_id, 9, C5, 1, [D])
        result = jobs.update_customers(recs_shop.shop_id, [C4, C5], push=False)
        incremental = stored(app, recs_shop.shop_id, CUSTOMER)
        jobs.build_shop(recs_shop.shop_id, push=False)
        full = stored(app, recs_shop.shop_id, CUSTOMER)

    assert result == {"customers": 2, "customer_rows": 2}
    assert [(r.product_shopify_id, r.kind) for r in incremental[C5]] == [(D, "buy_again")]
    assert [(r.product_shopify_id, r.score) for r in incremental[C1]] == c1_before  # untouched
    for customer in (C4, C5):
        assert [(r.product_shopify_id, r.kind) for r in incremental[customer]] == [
            (r.product_shopify_id, r.kind) for r in full[customer]
        ]
        assert [r.score for r in incremental[customer]] == pytest.approx([r.score for r in full[customer]])


def test_push_writes_metafields_that_read_back_and_a_second_push_sends_nothing(app, recs_shop):
    with app.app_context():
        first = jobs.build_shop(recs_shop.shop_id, push=True)
        second = jobs.push_shop(recs_shop.shop_id)
        products = stored(app, recs_shop.shop_id, PRODUCT)
        customers = stored(app, recs_shop.shop_id, CUSTOMER)
        client = AdminClient(db.request_session(), recs_shop.domain)
        product_field = read_metafield(client, f"gid://shopify/Product/{A}", PRODUCT_NAMESPACE, PRODUCT_KEY)
        customer_field = client.execute(
            CUSTOMER_RECOMMENDATIONS,
            {"id": f"gid://shopify/Customer/{C1}"},
            operation_name="RecsTestCustomerMetafield",
        )["customer"]["metafield"]

    assert first["products_sent"] == len(products) and first["customers_sent"] == len(customers)
    assert second["products_sent"] == 0 and second["customers_sent"] == 0
    assert second["products_unchanged"] == len(products)

    assert product_field["type"] == "list.product_reference"
    assert json.loads(product_field["value"]) == [
        f"gid://shopify/Product/{r.product_shopify_id}" for r in products[A]
    ]
    assert customer_field["key"] == CUSTOMER_KEY and customer_field["namespace"].startswith("app--")
    assert json.loads(customer_field["value"]) == [
        f"gid://shopify/Product/{r.product_shopify_id}" for r in customers[C1]
    ]
    with app.app_context(), db.transaction() as session:
        recorded = session.scalars(
            select(RecommendationPush).where(RecommendationPush.shop_id == recs_shop.shop_id)
        ).all()
    assert len(recorded) == len(products) + len(customers)


def test_metafields_go_out_in_batches_of_25(app, recs_shop):
    with app.app_context():
        with db.transaction() as session:
            for index in range(30):  # 30 more customers, each buying A and B twice
                customer = 700 + index
                recs_shop.dev.customers[customer] = {
                    "id": customer,
                    "email": f"{customer}@x.test",
                    "tags": "",
                }
                add_order(session, recs_shop.shop_id, 1000 + 2 * index, customer, 40, [A, B])
                add_order(session, recs_shop.shop_id, 1001 + 2 * index, customer, 8, [A, B])
        jobs.build_shop(recs_shop.shop_id, push=False)
        client = AdminClient(db.request_session(), recs_shop.domain)
        from app.recs import metafields, storage

        session = db.request_session()
        wanted = {
            c: metafields.metafield_value(r.product_shopify_id for r in rows)
            for c, rows in storage.lists_for(session, recs_shop.shop_id, CUSTOMER).items()
        }
        result = metafields.push_values(session, client, recs_shop.shop_id, CUSTOMER, wanted, session.commit)
    assert len(wanted) == 34
    assert (result.sent, result.calls) == (34, 2)  # 25 + 9


def test_api_lists_bought_together_with_lift_support_and_coverage(app, client, recs_shop, devstore):
    with app.app_context():
        jobs.build_shop(recs_shop.shop_id, push=False)
    headers = {"Authorization": f"Bearer {devstore.session_token(recs_shop.domain)}"}

    response = client.get("/api/recommendations/products?min_recommendations=1", headers=headers)
    assert response.status_code == 200, response.text
    body = response.get_json()
    products = stored(app, recs_shop.shop_id, PRODUCT)
    # Active products: A, B, C, D (E archived). Weights 0.5 ** (days / 60): N = 6.120, n_A = 4.177,
    # n_B = 3.358, n_C = 2.698. A-B: C = 2.392, lift 1.044; B-C: C = 1.857, lift 1.254; A-C:
    # C = 1.732 but lift 0.941 < 1, dropped. So A, B and C have a list, D (bought alone) none.
    assert body["coverage"] == {"at_least": 1, "active_products": 4, "covered_products": 3, "share": 0.75}
    listed = {p["product_id"]: p for p in body["products"]}
    assert set(listed) == set(products)
    first = listed[A]["recommendations"][0]
    assert first["product_id"] == products[A][0].product_shopify_id
    assert first["lift"] == pytest.approx(products[A][0].lift, abs=1e-4)
    assert first["support"] == pytest.approx(products[A][0].support, abs=1e-6)

    customer = client.get(f"/api/recommendations/customers/{C4}", headers=headers).get_json()
    assert [(r["product_id"], r["kind"]) for r in customer["recommendations"]] == [(D, "buy_again")]
    assert (
        client.get(f"/api/recommendations/products/{D}", headers=headers).get_json()["recommendations"] == []
    )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/recommendations/products?min_recommendations=zero", 400),
        ("/api/recommendations/products?limit=1000", 400),
        ("/api/recommendations/products/abc", 404),
        (f"/api/recommendations/customers/{2**70}", 404),
    ],
)
def test_api_refuses_bad_input_with_a_clear_4xx(client, recs_shop, devstore, path, status):
    headers = {"Authorization": f"Bearer {devstore.session_token(recs_shop.domain)}"}
    response = client.get(path, headers=headers)
    assert response.status_code == status
    assert response.get_json()["error"]["status"] == status


def test_api_requires_a_session_token(client):
    assert client.get("/api/recommendations/products").status_code == 401


def test_a_refused_metafield_does_not_block_the_rest_of_its_batch(app, recs_shop):
    with app.app_context():
        jobs.build_shop(recs_shop.shop_id, push=False)
        del recs_shop.dev.products[D]  # deleted in Shopify after the build: C4's list names it
        from app.recs import metafields, storage

        session = db.request_session()
        client = AdminClient(session, recs_shop.domain)
        lists = storage.lists_for(session, recs_shop.shop_id, CUSTOMER)
        wanted = {
            c: metafields.metafield_value(r.product_shopify_id for r in rows) for c, rows in lists.items()
        }
        first = metafields.push_values(session, client, recs_shop.shop_id, CUSTOMER, wanted, session.commit)
        again = metafields.push_values(session, client, recs_shop.shop_id, CUSTOMER, wanted, session.commit)
        c4_field = client.execute(
            CUSTOMER_RECOMMENDATIONS,
            {"id": f"gid://shopify/Customer/{C4}"},
            operation_name="RecsTestCustomerMetafield",
        )["customer"]["metafield"]

    assert (first.sent, first.refused) == (len(wanted) - 1, 1)
    assert (again.sent, again.refused, again.unchanged) == (0, 1, len(wanted) - 1)  # C4 is retried, not lost
    assert c4_field is None


def test_order_updates_coalesce_into_one_push_queue_job_that_a_worker_runs(app, recs_shop):
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    from app.queues import queue
    from app.redis_conn import redis

    C5 = 505
    recs_shop.dev.customers[C5] = {"id": C5, "email": "505@example.com", "tags": ""}
    with app.app_context():
        jobs.build_shop(recs_shop.shop_id, push=False)
        with db.transaction() as session:
            add_order(session, recs_shop.shop_id, 9, C5, 1, [A, B])
        assert jobs.request_update(recs_shop.shop_id, [C5]) is True
        assert jobs.request_update(recs_shop.shop_id, [C4]) is False  # joins the queued job
        assert jobs.request_update(recs_shop.shop_id, []) is False
        assert queue("push").job_ids == [f"recs-update-{recs_shop.shop_id}"]
        SimpleWorker([queue("push")], connection=redis(), serializer=JSONSerializer).work(burst=True)
        field = AdminClient(db.request_session(), recs_shop.domain).execute(
            CUSTOMER_RECOMMENDATIONS,
            {"id": f"gid://shopify/Customer/{C5}"},
            operation_name="RecsTestCustomerMetafield",
        )["customer"]["metafield"]
    lists = stored(app, recs_shop.shop_id, CUSTOMER)
    # What C5 bought comes back as buy-again; C, bought with A and with B by others, is new to C5.
    kinds = {r.product_shopify_id: r.kind for r in lists[C5]}
    assert kinds == {A: "buy_again", B: "buy_again", C: "new_to_you"}
    assert json.loads(field["value"]) == [f"gid://shopify/Product/{r.product_shopify_id}" for r in lists[C5]]


@pytest.fixture
def definition_creates(monkeypatch) -> list[str]:
    """Every metafieldDefinitionCreate the app sends (the request still goes to the devstore)."""
    sent: list[str] = []
    original = AdminClient.execute

    def counting(self, document, variables=None, **kwargs):
        if kwargs.get("operation_name") == "OrbitMetafieldDefinitionCreate":
            sent.append(self.shop_domain)
        return original(self, document, variables, **kwargs)

    monkeypatch.setattr(AdminClient, "execute", counting)
    return sent


def customer_definitions(dev: DevShop) -> list[dict]:
    from devstore.resolvers.metafields import metafield_store

    return [d for (owner, _, key), d in metafield_store(dev)["definitions"].items() if owner == "CUSTOMER"]


def test_two_pushes_send_one_metafield_definition_create(app, recs_shop, definition_creates):
    with app.app_context():
        jobs.build_shop(recs_shop.shop_id, push=True)
        jobs.push_shop(recs_shop.shop_id)
        jobs.update_customers(recs_shop.shop_id, [C1])
    assert definition_creates == [recs_shop.domain]
    assert [d["key"] for d in customer_definitions(recs_shop.dev)] == [CUSTOMER_KEY]


def test_a_definition_shopify_already_has_counts_as_created(app, recs_shop, definition_creates):
    from app.models import AppMetafieldDefinition
    from app.recs import metafields

    with app.app_context():
        session = db.request_session()
        client = AdminClient(session, recs_shop.domain)
        metafields.create_customer_definition(session, client, recs_shop.shop_id)
        metafields.forget_definitions(session, recs_shop.shop_id)  # as a reinstall does
        session.commit()
        assert metafields.ensure_customer_definition(session, client, recs_shop.shop_id) is True  # TAKEN
        session.commit()
        assert metafields.ensure_customer_definition(session, client, recs_shop.shop_id) is False
        rows = session.scalars(
            select(AppMetafieldDefinition).where(AppMetafieldDefinition.shop_id == recs_shop.shop_id)
        ).all()
    assert len(definition_creates) == 2 and len(customer_definitions(recs_shop.dev)) == 1
    assert [(r.owner_type, r.key, r.shopify_gid) for r in rows] == [("CUSTOMER", CUSTOMER_KEY, None)]


def test_install_creates_the_customer_definition_and_pushes_then_leave_it_alone(
    app, client, devstore, definition_creates
):
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    from app.models import AppMetafieldDefinition
    from app.queues import queue
    from app.redis_conn import redis

    app.config["ORBIT_DEFINITIONS_ON_INSTALL"] = True
    domain = f"recs-install-{uuid.uuid4().hex[:8]}.myshopify.com"
    dev = devstore.store.add_shop(
        DevShop(domain=domain, id=abs(hash(domain)) % 10**9, name="Install", email=f"owner@{domain}")
    )
    response = client.get("/", query_string={"shop": domain, "id_token": devstore.session_token(domain)})
    assert response.status_code == 200, response.text
    with app.app_context():
        shop_id = db.request_session().scalars(select(Shop.id).where(Shop.domain == domain)).one()
        assert f"recs-definitions-{shop_id}" in queue("push").job_ids
        SimpleWorker([queue("push")], connection=redis(), serializer=JSONSerializer).work(burst=True)
        recorded = (
            db.request_session()
            .scalars(
                select(AppMetafieldDefinition.shopify_gid).where(AppMetafieldDefinition.shop_id == shop_id)
            )
            .all()
        )
        assert definition_creates == [domain]
        jobs.push_shop(shop_id)  # nothing built yet, but the definition is on record: no second create
    assert definition_creates == [domain]
    assert [d["id"] for d in customer_definitions(dev)] == recorded
