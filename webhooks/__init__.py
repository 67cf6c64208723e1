"""Webhook intake (verify, persist, answer) and the per-resource handlers the drain applies."""
