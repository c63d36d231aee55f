"""Users: people who sign in, and belong to organizations through memberships."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, BigIntPK, Timestamps, pg_enum

if TYPE_CHECKING:
    from app.models.organizations import Membership


class UserStatus(enum.StrEnum):
    """Whether a user may sign in."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    DEACTIVATED = "deactivated"


class User(Timestamps, Base):
    """A person with a login."""

    __tablename__ = "users"

    id: Mapped[BigIntPK]
    email: Mapped[str] = mapped_column(String(320), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    # Nullable in the schema: rows older than the column were backfilled by a data
    # migration, and the application always writes it.
    status: Mapped[UserStatus | None] = mapped_column(
        pg_enum(UserStatus, "user_status"), default=UserStatus.ACTIVE
    )

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
