"""Payments: the charges made for a subscription."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, BigIntPK, CreatedAt, pg_enum

if TYPE_CHECKING:
    from app.models.subscriptions import Subscription


class PaymentStatus(enum.StrEnum):
    """Where a charge stands with the payment provider."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


class Payment(CreatedAt, Base):
    """A charge in minor units of `currency` (cents for USD)."""

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_cents_non_negative"),)

    id: Mapped[BigIntPK]
    subscription_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("subscriptions.id", ondelete="CASCADE"), index=True
    )
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[PaymentStatus] = mapped_column(
        pg_enum(PaymentStatus, "payment_status"), server_default=PaymentStatus.PENDING.value
    )
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    subscription: Mapped[Subscription] = relationship(back_populates="payments")
