"""Everything that talks to Shopify: HTTP routing, tokens, session tokens, the Admin API."""

# The one place the Admin API version is pinned (DESIGN 6).
API_VERSION = "2026-10"
