"""The Admin GraphQL endpoint: `POST /admin/api/<version>/graphql.json` (PLATFORM 4).

A request goes through Shopify's steps in order: the shop (404), the API version (404), the
access token (401), the body (400), parsing and validation against the real schema (200 with
errors), the requested cost (over 1,000 points: MAX_COST_EXCEEDED), the leaky bucket
(THROTTLED), then execution; the bucket is refunded the difference to the actual cost and every
answer carries `extensions.cost`.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import Blueprint, jsonify, make_response, request
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSyntaxError,
    execute,
    get_operation_ast,
    parse,
)

from devstore.cost import actual_cost, exceeds_single_query_limit, max_cost_exceeded_body, requested_cost
from devstore.graphql_errors import syntax_error, validation_errors
from devstore.resolvers import RequestContext, resolve_field, resolve_type
from devstore.schema import admin_schema
from devstore.state import DevstoreState, current_state, not_found, require_shop
from devstore.store import Shop
from devstore.throttle import LeakyBucket, cost_extension, throttled_error_body
from devstore.tokens import AccessToken

bp = Blueprint("devstore_graphql", __name__)

# Versions Shopify supported in late 2026; all are served with the 2026-10 schema.
SUPPORTED_API_VERSIONS = {"2025-10", "2026-01", "2026-04", "2026-07", "2026-10", "unstable"}
INVALID_TOKEN_MESSAGE = "[API] Invalid API key or access token (unrecognized login or wrong password)"


class BadRequest(Exception):
    """The HTTP body is not a GraphQL request at all (Shopify answers 400)."""


@bp.post("/admin/api/<version>/graphql.json")
def graphql_endpoint(version: str):
    """Run one GraphQL request for the app on the shop named by the Host header."""
    shop = require_shop()
    if version not in SUPPORTED_API_VERSIONS:
        return not_found()
    state = current_state()
    token = state.credentials.authenticate(shop.domain, request.headers.get("X-Shopify-Access-Token"))
    if token is None:
        return jsonify(errors=INVALID_TOKEN_MESSAGE), 401
    try:
        query, variables, operation_name = graphql_request()
    except BadRequest as exc:
        return jsonify(errors=str(exc)), 400
    body = run_graphql(state, shop, token, query, variables, operation_name)
    response = make_response(jsonify(body), 200)
    response.headers["X-Shopify-API-Version"] = version
    response.headers["X-Request-Id"] = str(uuid.uuid4())
    return response


def graphql_request() -> tuple[str, dict[str, Any] | None, str | None]:
    if request.mimetype == "application/graphql":
        return request.get_data(as_text=True), None, None
    raw = request.get_data(as_text=True)
    try:
        payload = json.loads(raw) if raw else None
    except json.JSONDecodeError as exc:
        raise BadRequest(f"Invalid JSON in request body: {exc.msg}") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str) or not payload["query"]:
        raise BadRequest("Required parameter missing or invalid: query")
    variables = payload.get("variables")
    if isinstance(variables, str):  # some clients send the variables JSON-encoded
        try:
            variables = json.loads(variables) if variables else None
        except json.JSONDecodeError as exc:
            raise BadRequest("Invalid JSON in variables") from exc
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("Required parameter missing or invalid: variables")
    return payload["query"], variables, payload.get("operationName") or None


def run_graphql(
    state: DevstoreState,
    shop: Shop,
    token: AccessToken,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> dict[str, Any]:
    schema = admin_schema()
    bucket = shop_bucket(state, shop.domain)
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        return {"errors": [syntax_error(exc)], "extensions": {"cost": cost_extension(0, 0, bucket)}}
    errors = validation_errors(schema, document) or operation_errors(document, operation_name)
    if errors:
        return {"errors": errors, "extensions": {"cost": cost_extension(0, 0, bucket)}}

    requested = requested_cost(schema, document, variables, operation_name)
    if exceeds_single_query_limit(requested):
        body = max_cost_exceeded_body(requested)
        body["extensions"] = {"cost": cost_extension(requested, None, bucket)}
        return body
    if not bucket.try_spend(requested):
        return throttled_error_body(requested, bucket)

    context = RequestContext(shop=shop, scopes=token.scopes, client_id=state.config.client_id)
    result = execute(
        schema,
        document,
        context_value=context,
        variable_values=variables,
        operation_name=operation_name,
        field_resolver=resolve_field,
        type_resolver=resolve_type,
    )
    actual = actual_cost(schema, document, variables, operation_name, result.data)
    bucket.refund(requested - actual)
    # Errors with no path (variables that do not fit) stop the request before execution.
    request_error = result.data is None and all(e.path is None for e in result.errors or ())
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [execution_error(error) for error in result.errors]
    if not request_error:
        body["data"] = result.data
    body["extensions"] = {"cost": cost_extension(requested, actual, bucket)}
    return body


def operation_errors(document: DocumentNode, operation_name: str | None) -> list[dict[str, Any]]:
    """graphql-ruby's errors for a request that does not pick exactly one operation."""
    if get_operation_ast(document, operation_name) is not None:
        return []
    if operation_name:
        return [
            {"message": f'No operation named "{operation_name}"', "extensions": {"code": "operationNotFound"}}
        ]
    return [{"message": "An operation name is required", "extensions": {"code": "operationNameRequired"}}]


def execution_error(error: GraphQLError) -> dict[str, Any]:
    formatted = dict(error.formatted)
    if error.path is None and error.message.startswith("Variable '$"):
        # Variables that do not fit their declared type, worded as graphql-ruby does.
        name = error.message.split("'")[1].lstrip("$")
        formatted["message"] = f"Variable ${name} was provided invalid value"
        formatted["extensions"] = {
            "code": "INVALID_VARIABLE",
            "problems": [{"path": [], "explanation": error.message}],
        }
    return formatted


def shop_bucket(state: DevstoreState, domain: str) -> LeakyBucket:
    """One bucket per app and shop; the devstore knows a single app."""
    with state.buckets_lock:
        bucket = state.buckets.get(domain)
        if bucket is None:
            bucket = LeakyBucket(state.throttle.bucket_size, state.throttle.restore_rate)
            state.buckets[domain] = bucket
        return bucket
