"""How customers arrive: acquisition channels, UTM links, survey answers and browsers."""

from __future__ import annotations

# channel -> (weight for a first order, referring site or None for direct/email)
ACQUISITION_CHANNELS: dict[str, tuple[float, str | None]] = {
    "google_organic": (22, "https://www.google.com/"),
    "google_ads": (11, "https://www.google.com/"),
    "instagram": (16, "https://l.instagram.com/"),
    "facebook": (10, "https://m.facebook.com/"),
    "tiktok": (4, "https://www.tiktok.com/"),
    "email": (7, None),
    "direct": (22, None),
    "bing": (2, "https://www.bing.com/"),
    "reddit": (3, "https://www.reddit.com/r/beards/"),
    "blog": (3, "https://www.gearpatrol.example/grooming/best-beard-oils"),
}

# Channels of later orders: retention runs mostly on email and habit.
REPEAT_CHANNELS = {"email": 34, "direct": 40, "google_organic": 14, "instagram": 8, "facebook": 4}

# How much a channel changes the chance that a first-time buyer never comes back.
CHANNEL_ONE_TIME_BIAS = {
    "google_ads": 0.10,
    "facebook": 0.12,
    "tiktok": 0.15,
    "instagram": 0.04,
    "email": -0.12,
    "direct": -0.06,
    "google_organic": -0.03,
    "reddit": -0.08,
    "blog": 0.0,
    "bing": 0.0,
}

UTM = {
    "google_ads": "utm_source=google&utm_medium=cpc&utm_campaign={campaign}&gclid={click}",
    "instagram": "utm_source=instagram&utm_medium=social&utm_campaign={campaign}",
    "facebook": "utm_source=facebook&utm_medium=paid_social&utm_campaign={campaign}&fbclid={click}",
    "tiktok": "utm_source=tiktok&utm_medium=paid_social&utm_campaign={campaign}",
    "email": "utm_source=shopify_email&utm_medium=email&utm_campaign={campaign}",
}
CAMPAIGNS = ("beard_season", "shave_better", "new_arrivals", "gift_guide", "bestsellers", "restock")

SURVEY_ANSWERS = {
    "google_organic": "Google search",
    "google_ads": "Google search",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "tiktok": "TikTok",
    "email": "Newsletter",
    "direct": "Friend or family",
    "bing": "Other",
    "reddit": "Reddit",
    "blog": "Blog or article",
}


USER_AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
)
