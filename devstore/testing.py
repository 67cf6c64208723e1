"""Run the devstore on a real port for tests: `with DevstoreServer(config, store) as server:`.

The server listens on 127.0.0.1 (a free port when `config.port` is 0) in a background thread,
so the app under test talks to it over real HTTP, as it would to Shopify.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from types import TracebackType

import httpx
from werkzeug.serving import make_server

from app.shopify.routing import DevstoreTransport
from devstore.server import create_devstore_app
from devstore.state import DevstoreConfig, DevstoreState
from devstore.store import Shop, Store
from devstore.tokens import mint_session_token

__all__ = ["DevstoreConfig", "DevstoreServer", "ShopRoutingTransport", "small_shop"]


class DevstoreServer:
    def __init__(self, config: DevstoreConfig, store: Store) -> None:
        self.config = config
        self.store = store
        self.app = create_devstore_app(config, store)
        self._server = make_server(config.host, config.port, self.app, threaded=True)
        # Tests share this config object; record the port the OS actually gave us.
        self.config.port = self._server.server_port
        self.url = f"http://{config.host}:{self._server.server_port}"
        # A short poll interval makes shutdown quick (the default waits up to half a second).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="devstore", daemon=True
        )
        self._thread.start()

    @property
    def state(self) -> DevstoreState:
        return self.app.extensions["devstore"]

    def session_token(self, shop: str, user_id: int | str = 1, **overrides: object) -> str:
        """A valid session token for `shop` signed with the configured client secret."""
        return mint_session_token(
            self.config.client_id, self.config.client_secret, shop, user_id=user_id, **overrides
        )

    def shop_client(self, **kwargs: object) -> httpx.Client:
        """An httpx client whose https://{shop}.myshopify.com requests reach this devstore."""
        return httpx.Client(transport=ShopRoutingTransport(self.url), **kwargs)  # type: ignore[arg-type]

    def shutdown(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self.state.webhooks.close()

    def __enter__(self) -> DevstoreServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.shutdown()


# The app's own routing transport: the same rewrite the app under test uses to reach us.
ShopRoutingTransport = DevstoreTransport


def small_shop(domain: str = "tiny.myshopify.com", customers: int = 5, products: int = 3) -> Shop:
    """A tiny, fully predictable shop: customer i has i orders of product i % products.

    Timestamps step one day per record from 2024-01-01, so filters have obvious answers.
    """
    shop = Shop(
        domain=domain, id=1000 + len(domain), name=domain.split(".")[0].title(), email=f"owner@{domain}"
    )
    start = datetime(2024, 1, 1, tzinfo=UTC)

    def stamp(days: int) -> str:
        return (start + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S-05:00")

    for index in range(products):
        product_id, variant_id = shop.next_id(), shop.next_id()
        shop.products[product_id] = {
            "id": product_id,
            "title": f"Product {index}",
            "handle": f"product-{index}",
            "product_type": "Widget",
            "vendor": "Orbit",
            "status": "active",
            "tags": "widget" if index % 2 == 0 else "",
            "created_at": stamp(index),
            "updated_at": stamp(index),
            "variants": [
                {
                    "id": variant_id,
                    "product_id": product_id,
                    "title": "Default Title",
                    "price": f"{10 * (index + 1)}.00",
                    "sku": f"SKU-{index}",
                    "position": 1,
                }
            ],
        }
    product_list = list(shop.products.values())
    order_number = 1001
    for index in range(customers):
        customer_id = shop.next_id()
        shop.customers[customer_id] = {
            "id": customer_id,
            "email": f"customer{index}@example.com",
            "first_name": f"First{index}",
            "last_name": f"Last{index}",
            "phone": None,
            "state": "enabled",
            "verified_email": True,
            "tags": "vip" if index % 2 == 0 else "",
            "note": None,
            "created_at": stamp(index),
            "updated_at": stamp(10 + index),
            "email_marketing_consent": {
                "state": "subscribed",
                "opt_in_level": "single_opt_in",
                "consent_updated_at": stamp(index),
            },
            "addresses": [],
            "default_address": {
                "id": shop.next_id(),
                "customer_id": customer_id,
                "city": "Ottawa",
                "country": "Canada",
                "country_code": "CA",
                "province_code": "ON",
                "latitude": 45.42,
                "longitude": -75.69,
                "default": True,
            },
        }
        for number in range(index):
            product = product_list[index % len(product_list)]
            variant = product["variants"][0]
            order_id = shop.next_id()
            shop.orders[order_id] = {
                "id": order_id,
                "name": f"#{order_number}",
                "order_number": order_number,
                "email": f"customer{index}@example.com",
                "created_at": stamp(20 + index * 3 + number),
                "updated_at": stamp(20 + index * 3 + number),
                "processed_at": stamp(20 + index * 3 + number),
                "currency": "USD",
                "financial_status": "paid",
                "fulfillment_status": None,
                "total_price": variant["price"],
                "subtotal_price": variant["price"],
                "total_discounts": "0.00",
                "tags": "",
                "test": False,
                "source_name": "web",
                "landing_site": "/?utm_source=newsletter&utm_medium=email",
                "referring_site": "",
                "customer": {"id": customer_id, "email": f"customer{index}@example.com"},
                "line_items": [
                    {
                        "id": shop.next_id(),
                        "product_id": product["id"],
                        "variant_id": variant["id"],
                        "title": product["title"],
                        "quantity": 1,
                        "price": variant["price"],
                        "sku": variant["sku"],
                    }
                ],
                "refunds": [],
                "discount_codes": [],
            }
            order_number += 1
    return shop
