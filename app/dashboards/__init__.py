"""Pure figures for the admin UI's pages (no Flask, SQLAlchemy, RQ or HTTP imports): the API
modules load rows, call these, and answer with what they return."""
