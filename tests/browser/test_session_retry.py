"""An invalid session token takes the App Bridge retry path (a fresh token, one retry), and a
token that stays invalid ends in a clear banner with a way out, never a broken page.

The browser's own requests carry a token the real server refuses (the test rewrites the
Authorization header on its way out); the answers, 401 with the retry header, are the app's."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_page, screenshot

pytestmark = pytest.mark.browser

BAD = "Bearer not-a-valid.session.token"


def with_bad_token(route) -> None:
    route.continue_(headers={**route.request.headers, "authorization": BAD})


def test_a_refused_token_is_replaced_and_the_call_retried(page, stack):
    spoiled: list[str] = []
    token_requests: list[str] = []

    def spoil_first(route):
        if not spoiled:
            spoiled.append(route.request.url)
            with_bad_token(route)
        else:
            route.continue_()

    page.route("**/api/home", spoil_first)
    statuses: list[int] = []
    page.on("response", lambda r: r.url.endswith("/api/home") and statuses.append(r.status))
    page.on("request", lambda r: "/auth/dev-session-token" in r.url and token_requests.append(r.frame.url))
    open_page(page, stack, "/")

    expect(page.locator("#stage-leads")).to_have_text(re.compile(r"^\d"), timeout=15000)
    assert statuses[:2] == [401, 200]  # refused with the retry header, then retried with a new token
    assert any("/auth/patch-id-token" not in frame for frame in token_requests)  # the app asked afresh
    expect(page.get_by_text("Your session needs refreshing")).to_have_count(0)


def test_a_token_that_stays_invalid_shows_the_sign_in_again_banner(page, stack):
    page.route("**/api/**", with_bad_token)
    open_page(page, stack, "/")

    expect(page.get_by_text("Your session needs refreshing")).to_be_visible(timeout=15000)
    expect(page.get_by_role("button", name="Sign in again")).to_be_visible()
    expect(page.get_by_role("link", name="Support").first).to_be_visible()  # the app still stands
    screenshot(page, "session-retry-banner")


def test_a_document_token_that_stays_invalid_stops_with_a_retry_button(page, stack):
    page.route(
        "**/auth/dev-session-token*",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body='{"id_token": "not-a-valid.session.token"}'
        ),
    )
    open_page(page, stack, "/")

    expect(page.get_by_text("Orbit could not confirm your session with the store.")).to_be_visible(
        timeout=15000
    )
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
