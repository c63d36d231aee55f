"""The models, one module per aggregate; importing this package registers them all."""

from app.models.api_keys import ApiKey
from app.models.base import Base
from app.models.organizations import Membership, MembershipRole, Organization
from app.models.payments import Payment, PaymentStatus
from app.models.subscriptions import Subscription, SubscriptionStatus
from app.models.users import User, UserStatus
from app.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "ApiKey",
    "Base",
    "Membership",
    "MembershipRole",
    "Organization",
    "Payment",
    "PaymentStatus",
    "Subscription",
    "SubscriptionStatus",
    "User",
    "UserStatus",
    "Webhook",
    "WebhookDelivery",
]
