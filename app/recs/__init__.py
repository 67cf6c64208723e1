"""Recommendations, the I/O side: load order lines from the database into arrays, store the lists
in `recommendations`, and write them to Shopify metafields. The maths is in app.recommendations."""
