"""SQLAlchemy 2 models, one module per area; every store-owned row carries shop_id.

Feature areas add a module here and import it below, so Base.metadata (and Alembic) sees it.
"""

from app.models.analytics import (
    CustomerFacts,
    Segment,
    SegmentMembership,
    SegmentMembershipEvent,
    SegmentSizeHistory,
    ShopModel,
)
from app.models.base import Base, MirroredResource, utcnow
from app.models.inbox import WebhookDelivery
from app.models.pipeline import ComplianceRequest, CustomerDataExport, DirtyCustomer
from app.models.push import ShopifySegment, TagSync
from app.models.recommendations import AppMetafieldDefinition, Recommendation, RecommendationPush
from app.models.referrals import Advocate, OrderDispute, Referral, ReferralClick, Reward
from app.models.resources import Checkout, Customer, Order, OrderLine, Product, Refund
from app.models.shops import JobRun, OAuthState, Shop
from app.models.support import SupportContact

__all__ = [
    "Advocate",
    "AppMetafieldDefinition",
    "Base",
    "Checkout",
    "ComplianceRequest",
    "CustomerDataExport",
    "Customer",
    "CustomerFacts",
    "DirtyCustomer",
    "JobRun",
    "MirroredResource",
    "OAuthState",
    "Order",
    "OrderLine",
    "Product",
    "Recommendation",
    "RecommendationPush",
    "Referral",
    "OrderDispute",
    "ReferralClick",
    "Refund",
    "Reward",
    "Segment",
    "SegmentMembership",
    "SegmentMembershipEvent",
    "SegmentSizeHistory",
    "Shop",
    "ShopifySegment",
    "ShopModel",
    "SupportContact",
    "TagSync",
    "WebhookDelivery",
    "utcnow",
]
