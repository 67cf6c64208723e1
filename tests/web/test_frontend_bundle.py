"""The built admin UI served by Flask: one document for every page, filled in for the shop."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import frontend_bundle
from tests.conftest import CLIENT_ID, DEMO_SHOP

# The shape of frontend/index.html after `vite build` (markers filled in by Flask).
INDEX = """<!doctype html><html><head>
<meta name="shopify-api-key" content="__ORBIT_API_KEY__" />
<meta name="orbit-shop" content="__ORBIT_SHOP__" />
<meta name="orbit-mode" content="__ORBIT_MODE__" />
<!-- orbit:app-bridge -->
<script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>
<!-- /orbit:app-bridge -->
<script type="module" crossorigin src="/assets/index-abc.js"></script>
</head><body><div id="root"></div></body></html>"""


@pytest.fixture
def dist(app, tmp_path: Path) -> Path:
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX)
    (folder / "assets" / "index-abc.js").write_text("console.log('orbit')")
    app.config["FRONTEND_DIST"] = str(folder)
    return folder


@pytest.mark.parametrize("path", ["/", "/customers", "/customers/42", "/segments/new", "/settings"])
def test_every_page_path_serves_the_filled_in_document(client, shopify, dist, path):
    response = client.get(
        path, query_string={"shop": DEMO_SHOP, "id_token": shopify.session_token(DEMO_SHOP)}
    )

    assert response.status_code == 200 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert f'content="{CLIENT_ID}"' in body and f'content="{DEMO_SHOP}"' in body
    assert 'content="standalone"' in body  # the tests run against the devstore
    assert "app-bridge.js" not in body and "__ORBIT_" not in body
    assert response.headers["Content-Security-Policy"].startswith(f"frame-ancestors https://{DEMO_SHOP}")


def test_page_paths_without_an_id_token_go_through_the_patch_page(client, dist):
    response = client.get("/customers/42", query_string={"shop": DEMO_SHOP})
    assert response.status_code == 302 and "/auth/patch-id-token" in response.headers["Location"]
    assert "shopify-reload=%2Fcustomers%2F42" in response.headers["Location"]


def test_inside_the_admin_the_document_loads_app_bridge(app, dist):
    with app.app_context():
        body = frontend_bundle.render_index("key<1>", DEMO_SHOP, standalone=False)
    assert '<script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>' in body
    assert 'content="embedded"' in body and 'content="key&lt;1&gt;"' in body
    # App Bridge must come before the bundle's module script.
    assert body.index("app-bridge.js") < body.index("/assets/index-abc.js")


def test_assets_are_served_with_a_long_cache_and_unknown_ones_are_404(client, dist):
    response = client.get("/assets/index-abc.js")
    assert response.get_data(as_text=True) == "console.log('orbit')"
    response.close()  # the file stays open until the response is closed
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    assert client.get("/assets/nope.js").status_code == 404
    assert client.get("/assets/../index.html").status_code == 404


def test_without_a_built_bundle_the_home_says_how_to_build_it(app, client, shopify, tmp_path):
    app.config["FRONTEND_DIST"] = str(tmp_path / "missing")
    response = client.get("/", query_string={"shop": DEMO_SHOP, "id_token": shopify.session_token(DEMO_SHOP)})
    assert response.status_code == 200 and "make run" in response.get_data(as_text=True)
