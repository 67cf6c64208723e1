"""The visit behind a web order or checkout: landing page, browser and post-purchase survey."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from devstore.seeding.context import Seeding
from devstore.seeding.data.marketing import CAMPAIGNS, SURVEY_ANSWERS, USER_AGENTS, UTM
from devstore.seeding.draws import hex_token
from devstore.seeding.formats import slugify
from devstore.store import Record

if TYPE_CHECKING:
    from devstore.seeding.catalogue import Offer
    from devstore.seeding.purchases import OrderPlan


def client_details(rng: random.Random) -> Record:
    return {
        "accept_language": "en-US,en;q=0.9",
        "browser_height": None,
        "browser_ip": f"198.51.100.{rng.randint(1, 254)}",
        "browser_width": None,
        "session_hash": None,
        "user_agent": rng.choice(USER_AGENTS),
    }


def landing_site(ctx: Seeding, channel: str | None, anchor: Offer) -> str:
    """The first page of the visit, with UTM parameters when a campaign link brought it."""
    rng = ctx.rng
    path = rng.choice(
        ("/", f"/products/{anchor.handle}", f"/collections/{slugify(anchor.spec.product_type)}")
    )
    utm = UTM.get(channel or "")
    if utm is None or (channel == "instagram" and rng.random() < 0.4):  # bio links carry no UTM
        return path
    campaign = rng.choice(CAMPAIGNS)
    return f"{path}?{utm.format(campaign=campaign, click=hex_token(rng, 64))}"


def survey_answer(rng: random.Random, plan: OrderPlan) -> list[Record]:
    """A post-purchase survey that about a quarter of first-time buyers answer."""
    if plan.channel is None or rng.random() >= 0.25:
        return []
    return [{"name": "How did you hear about us?", "value": SURVEY_ANSWERS[plan.channel]}]
