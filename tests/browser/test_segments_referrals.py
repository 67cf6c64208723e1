"""Segments, leads and referrals in the browser, on the analytics the worker computed from the
imported demo store."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.models import Advocate, Referral, Shop
from tests.browser.conftest import open_page, screenshot
from tests.browser.live_stack import DEMO_SHOP

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


def tab_to(page, description: str, is_target: str, presses: int = 80) -> None:
    """Press Tab until `is_target` (a JS function of the focused element) holds."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"({is_target})(document.activeElement)"):
            return
    raise AssertionError(f"{description} never took the focus after {presses} Tab presses")


def test_choose_a_segment_and_toggle_its_push_by_keyboard_only(page, stack, analytics):
    segments = stack.api("GET", "/api/segments").json()["segments"]
    # Built-in segments push by default; a custom one (or the first) starts from whatever it is.
    segment = next((s for s in segments if not s["push_tag"]), segments[0])
    was, tag = segment["push_tag"], segment["tag"]
    message = {True: f"Pushing {tag} to Shopify", False: f"Stopped pushing {tag}"}
    open_page(page, stack, "/segments")
    expect(page.get_by_role("link", name=segment["name"], exact=True)).to_be_visible(timeout=15000)

    name = json.dumps(segment["name"])
    tab_to(page, "the segment's link", f"el => el.tagName === 'A' && el.textContent.trim() === {name}")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/segments/{segment['id']}"), timeout=10000)
    push = page.get_by_label("Tag members in Shopify")
    expect(push).to_be_checked(checked=was, timeout=10000)
    expect(page.get_by_text(tag, exact=True).first).to_be_visible()

    tab_to(page, "the push checkbox", "el => el.type === 'checkbox'")
    page.keyboard.press("Space")
    expect(page.get_by_text(message[not was])).to_be_visible(timeout=10000)
    expect(push).to_be_checked(checked=not was)
    expect(push).to_be_focused()  # saving keeps the focus where the merchant is
    assert stack.api("GET", f"/api/segments/{segment['id']}").json()["segment"]["push_tag"] is (not was)
    screenshot(page, "segment-push")

    page.keyboard.press("Space")
    expect(page.get_by_text(message[was])).to_be_visible(timeout=10000)
    expect(push).to_be_checked(checked=was)
    assert stack.api("GET", f"/api/segments/{segment['id']}").json()["segment"]["push_tag"] is was


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
    expect(page.get_by_role("heading", name="Top advocates")).to_be_visible()
    screenshot(page, "referrals")


def put_a_referral_in_review(stack) -> tuple[int, str]:
    """A referral the fraud checks sent to review, written into the live app's database (the
    referral flow that produces one end to end is tested with the referral program)."""
    customers = [c for c in stack.api("GET", "/api/customers?limit=50").json()["customers"] if c["orders"]]
    advocate, friend = customers[0], customers[1]
    engine = create_engine(f"sqlite:///{stack.instance / 'orbit.db'}", connect_args={"timeout": 30})
    try:
        with Session(engine) as session, session.begin():
            shop_id = session.scalars(select(Shop.id).where(Shop.domain == DEMO_SHOP)).one()
            code = f"TEST-{int(time.time())}"
            row = Advocate(shop_id=shop_id, customer_shopify_id=advocate["id"], code=code)
            session.add(row)
            session.flush()
            referral = Referral(
                shop_id=shop_id, advocate_id=row.id, order_shopify_id=int(time.time()),
                friend_customer_shopify_id=friend["id"], code=code, via="discount_code",
                order_total=Decimal("42.00"), currency="USD", ordered_at=datetime.now(UTC), status="review",
                findings=[{"rule": "shared_network", "action": "review",
                           "reason": "The friend ordered from the advocate's network"}],
            )  # fmt: skip
            session.add(referral)
            session.flush()
            return referral.id, friend["name"]
    finally:
        engine.dispose()


def test_approve_a_referral_in_the_review_queue(page, stack):
    referral_id, friend = put_a_referral_in_review(stack)
    open_page(page, stack, "/referrals")
    expect(page.get_by_text("The friend ordered from the advocate's network").first).to_be_visible(
        timeout=15000
    )
    screenshot(page, "referrals-review-queue")

    page.get_by_role("button", name=f"Approve referral of {friend}").first.click()

    expect(page.get_by_role("button", name=f"Approve referral of {friend}")).to_have_count(0, timeout=10000)
    decided = {r["id"]: r for r in stack.api("GET", "/api/referrals?limit=200").json()["referrals"]}
    assert decided[referral_id]["status"] != "review" and decided[referral_id]["decided_at"]
