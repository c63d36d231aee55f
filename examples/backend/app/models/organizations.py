"""Organizations, the tenants, and the memberships that tie users to them."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, BigIntPK, CreatedAt, Timestamps, pg_enum

if TYPE_CHECKING:
    from app.models.api_keys import ApiKey
    from app.models.subscriptions import Subscription
    from app.models.users import User
    from app.models.webhooks import Webhook


class MembershipRole(enum.StrEnum):
    """What a member may do in an organization."""

    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"


class Organization(Timestamps, Base):
    """A customer account; deleting it deletes everything it owns."""

    __tablename__ = "organizations"

    id: Mapped[BigIntPK]
    name: Mapped[str] = mapped_column(String(200))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", passive_deletes=True
    )
    api_keys: Mapped[list[ApiKey]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", passive_deletes=True
    )
    webhooks: Mapped[list[Webhook]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", passive_deletes=True
    )
    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", passive_deletes=True
    )


class Membership(CreatedAt, Base):
    """A user's role in an organization; it goes when either side goes."""

    __tablename__ = "memberships"
    # Named by hand: the convention would name it after its first column only.
    __table_args__ = (
        UniqueConstraint(
            "organization_id", "user_id", name="uq_memberships_organization_id_user_id"
        ),
    )

    id: Mapped[BigIntPK]
    organization_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("organizations.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MembershipRole] = mapped_column(
        pg_enum(MembershipRole, "membership_role"), server_default=MembershipRole.MEMBER.value
    )

    organization: Mapped[Organization] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")
