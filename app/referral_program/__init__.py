"""The referral program's stateful side: settings, advocates, attribution of stored orders, the
review queue and rewards issued exactly once. The rules themselves are in app/referrals/ (pure)."""
