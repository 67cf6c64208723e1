"""The admin UI in a real browser against the live app, worker and seeded devstore."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_page, screenshot
from tests.browser.live_stack import DEMO_SHOP

pytestmark = pytest.mark.browser


def test_home_shows_the_funnel_from_the_store_data(page, stack):
    started = time.monotonic()
    open_page(page, stack, "/")
    expect(page.locator("#stage-first_time")).to_have_text(re.compile(r"^[1-9][\d,]*$"), timeout=15000)
    loaded = time.monotonic() - started

    expected = stack.api("GET", "/api/home").json()
    counts = {stage["key"]: stage["count"] for stage in expected["funnel"]}
    expect(page.locator("#stage-leads")).to_have_text(f"{counts['leads']:,}")
    expect(page.get_by_role("heading", name="Revenue by acquisition source")).to_be_visible()
    print(f"home rendered its figures {loaded:.2f} s after navigation (first load, cold)")
    screenshot(page, "home")


def test_open_a_customer_timeline_from_search(page, stack):
    buyer = next(
        c for c in stack.api("GET", "/api/customers?limit=100").json()["customers"] if c["orders"] >= 2
    )
    open_page(page, stack, "/customers")
    page.get_by_placeholder("Search by name, email or tag").fill(buyer["email"])
    page.get_by_role("link", name=buyer["name"]).click()

    expect(page.get_by_role("heading", name=buyer["name"], level=1)).to_be_visible()
    timeline = page.get_by_role("list", name="Customer timeline")
    expect(timeline.locator('li[data-kind="order"]')).to_have_count(buyer["orders"], timeout=10000)
    assert re.search(r"/customers/\d+$", page.url.split("?")[0])
    screenshot(page, "customer-timeline")


def test_log_a_support_contact_and_see_the_kpis_move(page, stack):
    customer = stack.api("GET", "/api/customers?limit=5").json()["customers"][0]
    before = stack.api("GET", "/api/support/kpis").json()["last_30_days"]["contacts"]
    open_page(page, stack, "/support")
    expect(page.locator("#kpi-fcr")).to_be_visible(timeout=15000)

    page.get_by_label("Customer", exact=True).fill(customer["email"])
    page.get_by_role("option", name=re.compile(re.escape(customer["email"]))).click()
    page.get_by_label("Reason").fill("Asked about beard oil sizes")
    page.get_by_label("Yes").check(force=True)  # Polaris draws its own radio over the input
    page.get_by_label("Customer satisfaction (CSAT)").select_option("5")
    page.get_by_label("Customer effort").select_option("2")
    page.get_by_role("button", name="Log contact").click()

    expect(
        page.get_by_text(re.compile(f"Logged email contact with {re.escape(customer['name'])}"))
    ).to_be_visible()
    after = stack.api("GET", "/api/support/kpis").json()["last_30_days"]
    assert after["contacts"] == before + 1
    expect(page.locator("#kpi-csat")).to_have_text(f"{after['csat_percent']:g}%")
    expect(page.get_by_role("cell", name="Asked about beard oil sizes")).to_be_visible()
    # All four KPIs have a weekly trend, each on its own scale.
    for chart in ("CSAT and first-contact resolution", "Average customer effort", "Contacts per 100 orders"):
        expect(page.get_by_role("region", name=chart)).to_be_visible(timeout=10000)
    screenshot(page, "support")


def test_a_contact_with_missing_fields_shows_errors_in_place(page, stack):
    open_page(page, stack, "/support")
    page.get_by_role("button", name="Log contact").click()
    expect(page.get_by_text("Choose the customer this contact was with.")).to_be_visible()
    expect(page.get_by_text("Say what the contact was about.")).to_be_visible()


def test_settings_save_and_survive_a_reload(page, stack):
    open_page(page, stack, "/settings")
    prefix = page.get_by_label("Tag prefix")
    expect(prefix).to_have_value("orbit:", timeout=15000)
    prefix.fill("crm,")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Shopify separates tags with commas")).to_be_visible()
    prefix.fill("crm:")
    page.get_by_role("button", name="Add location").click()
    page.get_by_label("Name").fill("Brooklyn shop")
    page.get_by_label("Latitude").fill("40.6782")
    page.get_by_label("Longitude").fill("-73.9442")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    screenshot(page, "settings")

    page.reload()
    expect(page.get_by_label("Tag prefix")).to_have_value("crm:", timeout=15000)
    expect(page.get_by_label("Name")).to_have_value("Brooklyn shop")
    stack.api("PUT", "/api/settings", json={"tag_prefix": "orbit:", "store_locations": []})


@pytest.mark.parametrize(
    ("path", "name", "visible"),
    [
        ("/activity", "activity", "Webhooks, last 24 hours"),
        ("/customers", "customers", "Search by name, email or tag"),
        ("/recommendations", "recommendations", "Coverage"),
    ],
)
def test_each_page_renders(page, stack, path, name, visible):
    open_page(page, stack, path)
    expect(page.get_by_text(visible).or_(page.get_by_placeholder(visible)).first).to_be_visible(timeout=15000)
    screenshot(page, name)


def test_an_unknown_path_inside_the_app_shows_the_not_found_page(page, stack):
    open_page(page, stack, "/")
    expect(page.locator("#stage-leads")).to_be_visible(timeout=15000)
    # An out-of-date link or history entry inside the app: the router has no page for it.
    page.evaluate("history.pushState({}, '', '/no-such-page' + location.search)")
    page.evaluate("dispatchEvent(new PopStateEvent('popstate'))")

    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible(timeout=15000)
    expect(page.get_by_text("There's no page here")).to_be_visible()
    expect(page.get_by_text("The link may be out of date.")).to_be_visible()
    page.get_by_role("link", name="Go to home").click()
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible(timeout=15000)


def test_a_direct_load_of_an_unknown_path_shows_the_not_found_page(page, stack):
    statuses = []
    page.on("response", lambda r: statuses.append(r.status) if "/no-such-page" in r.url else None)
    page.goto(f"{stack.app_url}/no-such-page?shop={DEMO_SHOP}")
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible(timeout=15000)
    expect(page.get_by_text("There's no page here")).to_be_visible()
    assert statuses and statuses[-1] == 404  # the document itself, after the id-token round trip


def test_navigation_moves_between_pages_without_reloading(page, stack):
    open_page(page, stack, "/")
    expect(page.locator("#stage-leads")).to_be_visible(timeout=15000)  # past the sign-in redirect
    page.evaluate("window.__stay = true")
    page.get_by_role("link", name="Support").first.click()
    expect(page.get_by_role("heading", name="Support", level=1)).to_be_visible(timeout=15000)
    assert page.evaluate("window.__stay") is True and "/support" in page.url
    page.keyboard.press("Tab")  # the page stays keyboard-operable after a move
    page.go_back()
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
