"""Push-back to Shopify (DESIGN 6): pure diffing and planning (tags.py, plan.py) and the
stateful sync that loads what was pushed, sends the difference and records it (sync.py)."""
