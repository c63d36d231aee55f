"""Subscriptions: an organization's plan and where it stands in its billing cycle."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, BigIntPK, Timestamps, pg_enum

if TYPE_CHECKING:
    from app.models.organizations import Organization
    from app.models.payments import Payment


class SubscriptionStatus(enum.StrEnum):
    """The billing state; `paused` came later than the others."""

    TRIALING = "trialing"
    ACTIVE = "active"
    PAUSED = "paused"
    PAST_DUE = "past_due"
    CANCELED = "canceled"


class Subscription(Timestamps, Base):
    """An organization's subscription to a plan; its payments go with it."""

    __tablename__ = "subscriptions"

    id: Mapped[BigIntPK]
    organization_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    plan: Mapped[str] = mapped_column(String(50))
    status: Mapped[SubscriptionStatus] = mapped_column(
        pg_enum(SubscriptionStatus, "subscription_status"),
        server_default=SubscriptionStatus.TRIALING.value,
    )
    current_period_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    canceled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organization: Mapped[Organization] = relationship(back_populates="subscriptions")
    payments: Mapped[list[Payment]] = relationship(
        back_populates="subscription", cascade="all, delete-orphan", passive_deletes=True
    )
