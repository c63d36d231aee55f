"""Helpers for the backend's tests: driver URLs, sessions, plain SQL, seed data."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, LiteralString, TypeVar

import psycopg
from app.db import make_engine, make_sessionmaker
from app.models import (
    ApiKey,
    Base,
    Membership,
    MembershipRole,
    Organization,
    Payment,
    PaymentStatus,
    Subscription,
    SubscriptionStatus,
    User,
)
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"

# What migrations/env.py passes to context.configure for autogenerate.
COMPARE_OPTIONS = {
    "target_metadata": Base.metadata,
    "compare_type": True,
    "compare_server_default": True,
}


def driver_url(url: str, driver: str) -> str:
    """Spell a libpq URL (`postgresql://...?host=/socket/dir`) for a SQLAlchemy driver."""
    parsed = make_url(url).set(drivername=f"postgresql+{driver}")
    return parsed.render_as_string(hide_password=False)


def run_in_session(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in an async session on a fresh engine, in a fresh event loop."""

    async def scoped() -> T:
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(scoped())


def execute(url: str, *statements: LiteralString) -> None:
    """Run plain SQL on the libpq `url`, in one committed transaction."""
    with psycopg.connect(url) as connection:
        for statement in statements:
            connection.execute(statement)


def fetch(url: str, query: LiteralString) -> list[tuple[Any, ...]]:
    """Return the rows of `query` on the libpq `url`."""
    with psycopg.connect(url) as connection:
        return connection.execute(query).fetchall()


async def count(session: AsyncSession, model: type[Base]) -> int:
    """Count the rows of `model`'s table."""
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def seed_organization(session: AsyncSession) -> Organization:
    """Commit an organization with an owner, an API key and a subscription paid twice."""
    owner = User(email="ada@example.com", display_name="Ada Lovelace")
    organization = Organization(name="Analytical Engines")
    organization.memberships.append(Membership(user=owner, role=MembershipRole.OWNER))
    organization.api_keys.append(
        ApiKey(name="CI", prefix="lw_3f9a1c2b", key_hash="sha256:0f1e2d", created_by=owner)
    )
    subscription = Subscription(plan="team", status=SubscriptionStatus.ACTIVE)
    subscription.payments.extend(
        Payment(amount_cents=4900, currency="USD", status=PaymentStatus.SUCCEEDED) for _ in range(2)
    )
    organization.subscriptions.append(subscription)
    session.add(organization)
    await session.commit()
    return organization
