"""Recommendations, pure: "bought together" per product (cooccurrence) and per-customer buy-again
and new-to-you lists (personal). Plain arrays in, plain data out; no database, Flask or HTTP."""
