"""Segments, leads and referrals in the browser, on the analytics the worker computed from the
imported demo store."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_page, screenshot

pytestmark = pytest.mark.browser

RULE = "number_of_orders >= 2"


@pytest.fixture(scope="module")
def analytics(browser, stack):
    """Start a full recompute from the Activity page, as a merchant would, and wait for it."""
    context = browser.new_context()
    page = context.new_page()
    open_page(page, stack, "/activity")
    page.get_by_role("button", name="Recompute analytics").click()
    expect(page.get_by_role("rowheader", name="Analytics full").first).to_be_visible(timeout=15000)
    context.close()
    return wait_for_facts(stack)


def wait_for_facts(stack, timeout: float = 180) -> int:
    """Customers the rule matches once the worker has computed the facts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        count = stack.api("POST", "/api/segments/preview", json={"definition": RULE}).json().get("count", 0)
        if count:
            return count
        time.sleep(2)
    raise AssertionError("no customer facts: the analytics recompute did not finish in the worker")


def test_create_a_custom_segment_with_live_validation_and_see_its_members(page, stack, analytics):
    expected = analytics
    open_page(page, stack, "/segments/new")
    rule = page.get_by_label("Rule", exact=True)
    rule.fill("number_of_orders >= ")
    expect(page.get_by_label("Where the rule goes wrong")).to_contain_text("line 1, column 21", timeout=10000)
    screenshot(page, "segment-editor-error")

    rule.fill(RULE)
    expect(page.locator("#preview-count")).to_have_text(f"{expected:,} customers", timeout=10000)
    page.get_by_label("Name").fill(f"Two or more orders {int(time.time())}")
    page.get_by_role("button", name="Save segment").click()

    expect(page).to_have_url(re.compile(r"/segments/\d+"), timeout=10000)
    expect(page.get_by_role("heading", name=re.compile(f"Members \\({expected:,}\\)"))).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(min(expected, 25), timeout=10000)
    expect(page.locator("table tbody tr").first.get_by_role("link")).not_to_have_text(
        re.compile(r"^Customer \d+$")
    )
    screenshot(page, "segment-members")

    open_page(page, stack, "/segments")
    expect(page.get_by_text(RULE).first).to_be_visible(timeout=10000)
    screenshot(page, "segments")


def test_leads_page_ranks_scored_leads(page, stack, analytics):
    leads = stack.api("GET", "/api/leads?limit=5").json()
    open_page(page, stack, "/leads")
    if leads["total"]:
        expect(page.get_by_text(leads["leads"][0]["name"]).first).to_be_visible(timeout=10000)
    else:
        expect(page.get_by_text("No scored leads yet")).to_be_visible(timeout=10000)
    screenshot(page, "leads")


def test_referrals_page_shows_the_program(page, stack):
    open_page(page, stack, "/referrals")
    expect(page.get_by_role("heading", name=re.compile(r"Review queue \(\d+\)"))).to_be_visible(timeout=15000)
    expect(page.get_by_role("button", name="Save program settings")).to_be_visible()
    screenshot(page, "referrals")
