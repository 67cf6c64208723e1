"""Customer analytics: pure functions over plain arrays (no Flask, SQLAlchemy, RQ or HTTP imports).

- facts: per-customer facts from columnar order and checkout rows (full recompute or one customer).
- rfm: 1-5 scores with a tie rule, storable cut points, Shopify's 11 groups as a rule table.
- clv_likelihood, clv: BG/NBD and modified BG/NBD fitted by maximum likelihood, predictions.
- spend: Gamma-Gamma spend per purchase. priors: pooled priors for small and young shops.
- clv_scores: a shop's lifetime-value fit and each customer's value, orders, churn risk, next order.
- leads: projected value of leads without orders, explained in words.
- segment_ast, segment_attributes, segment_language: the segment query language.

Jobs (app/segments, jobs/) load rows, call these and store the results.
"""
