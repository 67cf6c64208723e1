"""Browser tests: Playwright (Python) driving Debian's headless Chromium against a live app,
worker and seeded devstore. They need the built bundle (frontend/dist) and /usr/bin/chromium,
so they run from `make test-browser` (part of `make test`), which sets ORBIT_BROWSER_TESTS=1."""

from __future__ import annotations

import os
from pathlib import Path

if os.environ.get("ORBIT_BROWSER_TESTS") != "1":
    # The plain Python suite (and its PostgreSQL pass) leaves the browser out.
    collect_ignore_glob = ["test_*.py"]

import pytest  # noqa: E402

from tests.browser.live_stack import DEMO_SHOP, start_stack  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CUSTOMERS = 120


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    live = start_stack(instance, customers=CUSTOMERS)
    try:
        live.wait_for_import()  # install starts the backfill from the devstore, as in production
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, stack):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Shopify's CDN (fonts) is unreachable here; refuse it at once instead of waiting on DNS.
    context.route("https://cdn.shopify.com/**", lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_page(page, stack, path: str) -> None:
    page.goto(f"{stack.app_url}{path}?shop={DEMO_SHOP}")
