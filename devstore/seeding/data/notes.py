"""Notes merchants keep: on customer records, and on refunds (the reason given for a return)."""

from __future__ import annotations

CUSTOMER_NOTES = (
    "Prefers unscented products.",
    "Allergic to nuts: no argan oil.",
    "Met at the Brooklyn Flea pop-up.",
    "Asked about a subscription for beard oil.",
    "Gift buyer; ships to partner's address.",
)

REFUND_NOTES = ("Damaged in transit", "Changed mind", "Wrong scent", "Leaking bottle", None)
