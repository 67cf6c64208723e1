"""The referral program's pure logic: codes, identity normalisation, attribution, fraud checks."""
