"""devstore: a local stand-in for Shopify that the app talks to over real HTTP (DESIGN 9)."""
