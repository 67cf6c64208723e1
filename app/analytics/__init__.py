"""Customer analytics: pure functions over plain arrays (no Flask, SQLAlchemy, RQ or HTTP imports).

facts (per-customer facts from order rows), rfm (scores and Shopify's groups), clv (BG/NBD,
modified BG/NBD and Gamma-Gamma), priors (pooled priors for small shops), leads (lead scores), and
the segment language (segment_ast, segment_attributes, segment_language). Jobs in jobs/ load rows,
call these and store the results.
"""
