"""Privacy compliance for the merchant: the request log with deadlines, and customer data exports."""

from __future__ import annotations

from datetime import datetime

from flask import Response, g, jsonify
from sqlalchemy import select

from app import db
from app.api import bp
from app.errors import error_response
from app.models import ComplianceRequest, CustomerDataExport
from app.security import session_token_required


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@bp.get("/compliance/requests")
@session_token_required
def list_compliance_requests() -> Response:
    """Every privacy request Shopify sent for this shop, newest first, with its 30-day deadline."""
    rows = db.request_session().scalars(
        select(ComplianceRequest)
        .where(ComplianceRequest.shop_id == g.shop.id)
        .order_by(ComplianceRequest.received_at.desc(), ComplianceRequest.id.desc())
        .limit(500)
    )
    return jsonify(
        requests=[
            {
                "id": row.id,
                "topic": row.topic,
                "customer_id": row.customer_shopify_id,
                "received_at": _iso(row.received_at),
                "deadline_at": _iso(row.deadline_at),
                "status": row.status,
                "completed_at": _iso(row.completed_at),
                "summary": row.summary,
            }
            for row in rows
        ]
    )


@bp.get("/compliance/exports")
@session_token_required
def list_customer_exports() -> Response:
    """The customer data exports produced for customers/data_request, newest first."""
    rows = db.request_session().execute(
        select(
            CustomerDataExport.id,
            CustomerDataExport.customer_shopify_id,
            CustomerDataExport.compliance_request_id,
            CustomerDataExport.created_at,
        )
        .where(CustomerDataExport.shop_id == g.shop.id)
        .order_by(CustomerDataExport.id.desc())
        .limit(500)
    )
    return jsonify(
        exports=[
            {
                "id": row.id,
                "customer_id": row.customer_shopify_id,
                "request_id": row.compliance_request_id,
                "created_at": _iso(row.created_at),
            }
            for row in rows
        ]
    )


@bp.get("/compliance/exports/<int:export_id>")
@session_token_required
def get_customer_export(export_id: int) -> Response:
    """One export's content: everything Orbit holds on the customer, per table."""
    export = db.request_session().scalar(
        select(CustomerDataExport).where(
            CustomerDataExport.id == export_id, CustomerDataExport.shop_id == g.shop.id
        )
    )
    if export is None:
        return error_response(404, "no such export")
    return jsonify(
        id=export.id,
        customer_id=export.customer_shopify_id,
        created_at=_iso(export.created_at),
        content=export.content,
    )
