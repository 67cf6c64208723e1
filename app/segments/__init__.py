"""Segments over customer analytics (not pure: SQL and the database live here).

facts_loader (SQL -> numpy) -> app.analytics.facts -> scoring (fit/score) -> facts_writer (bulk
write) -> membership (segment definitions compiled by compile.py, joined/left history);
recompute.py runs them in full or for dirty customers; tags.py tells the push engine which
Orbit tags each customer should carry.
"""
